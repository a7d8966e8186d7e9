// Tagging files (rnn tag train/eval/predict): CoNLL columns with the tag in a given column or
// the last, the words-only input of predict, then the tags and conlleval's chunk metrics of
// the tags against themselves and against a shifted copy.
import FuzzSupport
@testable import RNNKit

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    Fuzz.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConll(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Fuzz.bytes(data, size)
    guard let text = try? TextFile.decode(bytes) else { return 0 }
    let column: Int? = (bytes.first ?? 0) % 4 == 0 ? nil : Int((bytes.first ?? 0) % 4) + 1
    for lowercase in [false, true] {
        Fuzz.run {
            let sentences = try ConllFile.parse(text: text, path: "input", tagColumn: column, lowercase: lowercase)
            let gold = sentences.map(\.tags)
            let shifted = gold.map { tags in tags.isEmpty ? tags : Array(tags.dropFirst()) + [tags[0]] }
            _ = try ChunkMetrics(gold: gold, predicted: gold)
            _ = try ChunkMetrics(gold: gold, predicted: shifted)
            _ = LabelSet(labels: gold.flatMap { $0 })
            _ = ConllFile.format(sentences)
        }
        Fuzz.run { _ = try ConllFile.parseWords(text: text, path: "input", lowercase: lowercase) }
    }
    return 0
}
