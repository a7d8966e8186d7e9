// Vocabulary and label files of rnn import (one symbol per line, or a JSON array of
// strings), then the vocabularies built from them.
import FuzzSupport
@testable import RNNKit

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    Fuzz.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSymbols(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let text = try? TextFile.decode(Fuzz.bytes(data, size)) else { return 0 }
    Fuzz.run {
        let symbols = try ImportedTaskModel.parseSymbols(text, path: "input")
        Fuzz.run { _ = try Vocabulary(level: .char, symbols: symbols) }
        Fuzz.run { _ = try Vocabulary(level: .word, symbols: symbols) }
        Fuzz.run { _ = try TaskVocabulary(symbols: symbols) }
        Fuzz.run { _ = try LabelSet(symbols: symbols) }
    }
    return 0
}
