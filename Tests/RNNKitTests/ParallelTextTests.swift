import Foundation
import Testing
@testable import RNNKit

@Suite struct ParallelTextTests {
    @Test func wordsSplitOnWhitespaceCharactersKeepSpaces() throws {
        let words = try ParallelText.parse(sourceText: "a b  c\r\nd\n\n", sourcePath: "s", targetText: "x\ty\nz\n",
                                           targetPath: "t", unit: .word)
        #expect(words.sources == [["a", "b", "c"], ["d"]])
        #expect(words.targets == [["x", "y"], ["z"]])
        #expect(words.count == 2)
        let chars = try ParallelText.parse(sourceText: "3 mä\n", sourcePath: "s", targetText: " é\n", targetPath: "t",
                                           unit: .character)
        #expect(chars.sources == [["3", " ", "m", "ä"]])
        #expect(chars.targets == [[" ", "é"]])
    }

    @Test func differentLineCountsSayWhichFileIsLonger() {
        #expect(throws: RNNKitError("the source file 's.txt' has 3 lines but the target file 't.txt' has 2: the source file is longer")) {
            try ParallelText.parse(sourceText: "a\nb\nc\n", sourcePath: "s.txt", targetText: "x\ny\n", targetPath: "t.txt", unit: .word)
        }
        #expect(throws: RNNKitError("the source file 's.txt' has 1 lines but the target file 't.txt' has 2: the target file is longer")) {
            try ParallelText.parse(sourceText: "a", sourcePath: "s.txt", targetText: "x\ny", targetPath: "t.txt", unit: .word)
        }
    }

    @Test func anEmptyLineNamesItsFileAndLine() {
        #expect(throws: RNNKitError("'t.txt' line 2: the line is empty (no words)")) {
            try ParallelText.parse(sourceText: "a\nb\nc\n", sourcePath: "s.txt", targetText: "x\n  \t\nz\n", targetPath: "t.txt", unit: .word)
        }
        #expect(throws: RNNKitError("'s.txt' line 1: the line is empty (no characters)")) {
            try ParallelText.parse(sourceText: "\nb\n", sourcePath: "s.txt", targetText: "x\ny\n", targetPath: "t.txt", unit: .character)
        }
        #expect(throws: RNNKitError("'s.txt' holds no sequences")) {
            try ParallelText.parse(sourceText: "\n\n", sourcePath: "s.txt", targetText: "\n", targetPath: "t.txt", unit: .word)
        }
    }

    @Test func readsFilesAndRefusesBadOnes() throws {
        let folder = TemporaryFolder("parallel")
        let source = try folder.write("src", "a b\nc\n")
        let target = try folder.write("tgt", "x\ny z\n")
        let data = try ParallelText.read(source: source, target: target, unit: .word)
        #expect(data == ParallelText(sources: [["a", "b"], ["c"]], targets: [["x"], ["y", "z"]]))

        let empty = try folder.write("empty", "")
        #expect(throws: RNNKitError("'\(empty)' is empty")) { try ParallelText.read(source: empty, target: target, unit: .word) }
        let bad = try folder.write("bad", bytes: [0x61, 0x0A, 0xFF, 0x0A])
        #expect(throws: RNNKitError("'\(bad)': invalid UTF-8 at byte 2 (line 2): 0xFF cannot start a character")) {
            try ParallelText.read(source: source, target: bad, unit: .word)
        }
        let big = folder.file("big")
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: UInt64(ParallelText.maxFileBytes + 1))   // sparse: nothing written
        try handle.close()
        #expect(throws: RNNKitError("'\(big)' is \(ParallelText.maxFileBytes + 1) bytes, more than the \(ParallelText.maxFileBytes) bytes this reader accepts")) {
            try ParallelText.read(source: big, target: target, unit: .word)
        }
    }

    @Test func validationIsTheLastFractionInFileOrder() throws {
        let data = ParallelText(sources: (0..<10).map { ["s\($0)"] }, targets: (0..<10).map { ["t\($0)"] })
        let (train, valid) = try data.split(validFraction: 0.25)
        #expect(train.count == 7 && valid.count == 3)     // ⌊0.75 · 10⌋ = 7
        #expect(valid.sources == [["s7"], ["s8"], ["s9"]] && valid.targets == [["t7"], ["t8"], ["t9"]])
        #expect(throws: RNNKitError("the validation fraction must be between 0 and 1, got 1.0")) { try data.split(validFraction: 1) }
        #expect(throws: RNNKitError("1 pairs cannot be split with a validation fraction of 0.5: a part would be empty")) {
            try ParallelText(sources: [["a"]], targets: [["b"]]).split(validFraction: 0.5)
        }
    }
}
