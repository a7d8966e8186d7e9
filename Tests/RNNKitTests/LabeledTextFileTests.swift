import Foundation
import Testing
@testable import RNNKit

@Suite struct LabeledTextFileTests {
    @Test func splitsAtTheFirstTabAndSkipsTrailingEmptyLines() throws {
        let text = "pos\tNot bad\tat all .\nneg\t  a DULL film\n\n\n"
        let examples = try LabeledTextFile.parse(text: text, path: "t.tsv", unit: .word, lowercase: true)
        #expect(examples == [LabeledExample(label: "pos", tokens: ["not", "bad", "at", "all", "."]),
                             LabeledExample(label: "neg", tokens: ["a", "dull", "film"])])
        let chars = try LabeledTextFile.parse(text: "x y\tAb c", path: "t.tsv", unit: .character, lowercase: false)
        #expect(chars == [LabeledExample(label: "x y", tokens: ["A", "b", " ", "c"])])
    }

    @Test func errorsNameTheFileAndLine() {
        #expect(throws: RNNKitError("'t.tsv' line 2: no tab between the label and the text")) {
            try LabeledTextFile.parse(text: "pos\tgood\n\nneg\tbad\n", path: "t.tsv", unit: .word, lowercase: true)
        }
        #expect(throws: RNNKitError("'t.tsv' line 1: the label is empty")) {
            try LabeledTextFile.parse(text: "\tgood\n", path: "t.tsv", unit: .word, lowercase: true)
        }
        #expect(throws: RNNKitError("'t.tsv' line 3: the text has no words")) {
            try LabeledTextFile.parse(text: "a\tb\r\na\tb\rpos\t  \n", path: "t.tsv", unit: .word, lowercase: true)
        }
        #expect(throws: RNNKitError("'t.tsv' line 1: the text has no characters")) {
            try LabeledTextFile.parse(text: "pos\t", path: "t.tsv", unit: .character, lowercase: true)
        }
        #expect(throws: RNNKitError("'t.tsv' holds no examples")) {
            try LabeledTextFile.parse(text: "\n\n", path: "t.tsv", unit: .word, lowercase: true)
        }
    }

    @Test func readsAFileStrictly() throws {
        let path = NSTemporaryDirectory() + "labeled-\(UInt32.random(in: 0...UInt32.max)).tsv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("neg\tno\r\npos\tyes\r\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try LabeledTextFile.read(path, unit: .word, lowercase: false).map(\.label) == ["neg", "pos"])
        try Data([0x70, 0x09, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: path))
        #expect(throws: RNNKitError("'\(path)': invalid UTF-8 at byte 2 (line 1): 0xFF cannot start a character")) {
            try LabeledTextFile.read(path, unit: .word, lowercase: false)
        }
    }

    @Test func unlabeledTextsForPrediction() throws {
        #expect(try LabeledTextFile.parseTexts(text: "Good film\nbad\tone\n\n", path: "p", unit: .word, lowercase: true)
                == [["good", "film"], ["bad", "one"]])
        #expect(throws: RNNKitError("'p' line 1: the text has no words")) {
            try LabeledTextFile.parseTexts(text: " \nx\n", path: "p", unit: .word, lowercase: true)
        }
    }
}
