// Training and evaluation text (rnn train, eval, score): strict UTF-8 with universal
// newlines, then character and word tokens, the vocabulary, the token ids, the batched stream
// and the TBPTT schedule over it, and the error location of an unknown symbol.
import FuzzSupport
@testable import RNNKit

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    Fuzz.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Fuzz.bytes(data, size)
    guard let text = try? TextFile.decode(bytes) else { return 0 }
    for level in [TokenLevel.char, .word] {
        let tokens = Tokenizer.tokens(of: text, level: level)
        let half = Array(tokens.prefix(tokens.count / 2))
        let vocabulary = Vocabulary(level: level, tokens: half)
        Fuzz.run {
            _ = try vocabulary.encode(tokens, mapUnknown: level == .word)
        }
        if let unknown = tokens.first(where: { vocabulary.id(of: $0) == nil }) {
            _ = Tokenizer.location(of: unknown, in: text, level: level)
        }
        let full = Vocabulary(level: level, tokens: tokens)
        Fuzz.run {
            let ids = try full.encode(tokens)
            precondition(full.decode(ids).count >= 0)
            let batch = 1 + Int(bytes.first ?? 0) % 7
            let stream = try BatchedTokens(ids, batch: batch)
            let k2 = 1 + Int(bytes.last ?? 0) % 9, k1 = 1 + Int(bytes.last ?? 0) % k2
            let schedule = TBPTTSchedule(k1: k1, k2: k2, positions: stream.positions)
            for s in 0..<schedule.updates {
                let w = schedule.window(s)
                _ = stream.chunk(start: w.start, count: w.count, ignored: w.context)
            }
        }
    }
    return 0
}
