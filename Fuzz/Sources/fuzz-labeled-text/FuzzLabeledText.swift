// Classification files (rnn classify train/eval/predict): label<TAB>text lines and plain text
// lines, at word and character level, lowercased or not; then the vocabulary and labels.
import FuzzSupport
@testable import RNNKit

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    Fuzz.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLabeledText(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let text = try? TextFile.decode(Fuzz.bytes(data, size)) else { return 0 }
    for unit in TextUnit.allCases {
        for lowercase in [false, true] {
            Fuzz.run {
                let examples = try LabeledTextFile.parse(text: text, path: "input", unit: unit, lowercase: lowercase)
                let vocabulary = TaskVocabulary(counting: examples.map(\.tokens), minCount: 1 + size % 3)
                let labels = LabelSet(labels: examples.map(\.label))
                for e in examples { _ = vocabulary.encode(e.tokens); precondition(labels.id(of: e.label) != nil) }
            }
            Fuzz.run { _ = try LabeledTextFile.parseTexts(text: text, path: "input", unit: unit, lowercase: lowercase) }
        }
    }
    return 0
}
