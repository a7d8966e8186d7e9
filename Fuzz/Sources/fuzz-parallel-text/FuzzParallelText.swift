// Parallel text files of rnn seq2seq (one sentence per line in each file, the same number of
// lines): the input is cut at its first NUL byte into the source and the target text.
import FuzzSupport
@testable import RNNKit

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    Fuzz.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParallelText(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Fuzz.bytes(data, size)
    let cut = bytes.firstIndex(of: 0) ?? bytes.count / 2
    guard let source = try? TextFile.decode(Array(bytes[..<cut])),
          let target = try? TextFile.decode(Array(bytes[min(cut + 1, bytes.count)...])) else { return 0 }
    for unit in TextUnit.allCases {
        Fuzz.run {
            let text = try ParallelText.parse(sourceText: source, sourcePath: "source", targetText: target,
                                              targetPath: "target", unit: unit)
            let vocabulary = Seq2SeqVocabulary(counting: text.sources, minCount: 1)
            for s in text.sources { _ = vocabulary.decode(vocabulary.encode(s)) }
            _ = try CorpusBleu(hypotheses: text.sources, references: text.targets)
        }
    }
    return 0
}
