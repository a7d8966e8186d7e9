@testable import RNNKit

/// A deterministic stand-in for a decoder: the log-probabilities and attention of a row depend
/// on its sentence and on every token of its prefix (through a hash), so a search that feeds a
/// row the wrong parent or token gets different numbers.
struct FakeDecoder {
    /// V, the vocabulary size.
    let V: Int
    /// S, the width of the attention rows (0: no attention).
    let S: Int
    let seed: UInt64
    /// Logits are drawn in [−spread, spread].
    var spread = 3.0
    /// Added to the logit of each token id (e.g. to favour one token).
    var bias: [Int: Double] = [:]

    /// The generator of (sentence, prefix).
    func generator(_ sentence: Int, _ prefix: [Int]) -> SeededGenerator {
        var g = SeededGenerator(seed: seed ^ (UInt64(sentence + 1) &* 0x9E37_79B9_7F4A_7C15))
        for token in prefix { g = SeededGenerator(seed: g.next() ^ UInt64(token + 1)) }
        return g
    }

    /// log-softmax of the row's logits, computed in Double and rounded to Float.
    func logProbs(_ sentence: Int, _ prefix: [Int]) -> [Float] {
        var g = generator(sentence, prefix)
        let logits = (0..<V).map { v in g.uniform(-spread, spread) + (bias[v] ?? 0) }
        let top = logits.max()!
        let logZ = top + Double.log(logits.reduce(0) { $0 + Double.exp($1 - top) })
        return logits.map { Float($0 - logZ) }
    }

    /// A softmax over S source positions, or nil when S = 0.
    func attention(_ sentence: Int, _ prefix: [Int]) -> [Float]? {
        guard S > 0 else { return nil }
        var g = generator(sentence + 1000, prefix)
        let e = (0..<S).map { _ in Double.exp(g.uniform(-2, 2)) }
        let z = e.reduce(0, +)
        return e.map { Float($0 / z) }
    }

    /// Every hypothesis of `sentence` under `options` (beam size and n-best ignored), best
    /// first, by enumeration: each prefix is extended by every allowed token; `<eos>` ends it,
    /// `maxLength` tokens cut it. Log-probabilities are summed left to right in Double.
    func exhaustive(_ sentence: Int, _ options: BeamSearchOptions) -> [Hypothesis<Float>] {
        var out: [Hypothesis<Float>] = []
        func visit(_ prefix: [Int], _ logProb: Double, _ rows: [[Float]]) {
            let t = prefix.count
            let lp = logProbs(sentence, prefix)
            var rowsHere = rows
            if let a = attention(sentence, prefix) { rowsHere.append(a) }
            for v in 0..<V {
                let value = logProb + Double(lp[v])
                if v == options.endID {
                    guard t >= options.minLength else { continue }
                    out.append(Hypothesis(tokens: prefix, logProb: value,
                                          score: options.lengthPenalty.score(logProb: value, length: t + 1),
                                          finished: true, attention: S > 0 ? rowsHere : nil))
                    continue
                }
                let next = prefix + [v]
                if options.blockNgramRepeat > 0 && repeatsLastNgram(next, options.blockNgramRepeat) { continue }
                if t + 1 == options.maxLength {
                    out.append(Hypothesis(tokens: next, logProb: value,
                                          score: options.lengthPenalty.score(logProb: value, length: t + 1),
                                          finished: false, attention: S > 0 ? rowsHere : nil))
                } else {
                    visit(next, value, rowsHere)
                }
            }
        }
        visit([], 0, [])
        return out.sorted { a, b in a.score != b.score ? a.score > b.score : a.tokens.lexicographicallyPrecedes(b.tokens) }
    }

    /// Beam search written plainly for one sentence, as `BeamSearch` documents it: keep the K
    /// best continuations of the live hypotheses (total, then own log-probability, then rank,
    /// then id); `<eos>` finishes; stop at K finished, or when `nBest` have finished and no live
    /// hypothesis can beat the n-th (L / lp(maxLength)), or at `maxLength`.
    func referenceBeam(_ sentence: Int, _ options: BeamSearchOptions) -> [Hypothesis<Float>] {
        let penalty = options.lengthPenalty
        var live: [(tokens: [Int], logProb: Double, rows: [[Float]])] = [([], 0, [])]
        var finished: [Hypothesis<Float>] = []
        for t in 0..<options.maxLength where !live.isEmpty {
            var candidates: [(value: Double, lp: Double, rank: Int, token: Int)] = []
            for (rank, h) in live.enumerated() {
                let lp = logProbs(sentence, h.tokens)
                for v in 0..<V {
                    if v == options.endID && t < options.minLength { continue }
                    if v != options.endID && options.blockNgramRepeat > 0
                        && repeatsLastNgram(h.tokens + [v], options.blockNgramRepeat) { continue }
                    candidates.append((h.logProb + Double(lp[v]), Double(lp[v]), rank, v))
                }
            }
            candidates.sort { a, b in (a.value, a.lp, -a.rank, -a.token) > (b.value, b.lp, -b.rank, -b.token) }
            var next: [(tokens: [Int], logProb: Double, rows: [[Float]])] = []
            for c in candidates.prefix(options.beamSize) {
                let parent = live[c.rank]
                let rows = parent.rows + (attention(sentence, parent.tokens).map { [$0] } ?? [])
                let ends = c.token == options.endID
                let tokens = ends ? parent.tokens : parent.tokens + [c.token]
                if ends || t + 1 == options.maxLength {
                    finished.append(Hypothesis(tokens: tokens, logProb: c.value, score: penalty.score(logProb: c.value, length: t + 1),
                                               finished: ends, attention: S > 0 ? rows : nil))
                } else {
                    next.append((tokens, c.value, rows))
                }
            }
            live = next
            let scores = finished.map(\.score).sorted(by: >)
            if finished.count >= options.beamSize { break }
            if let best = live.first, scores.count >= options.nBest,
               best.logProb / penalty.divisor(length: options.maxLength) < scores[options.nBest - 1] { break }
        }
        let ranked = finished.sorted { a, b in a.score != b.score ? a.score > b.score : a.tokens.lexicographicallyPrecedes(b.tokens) }
        return Array(ranked.prefix(options.nBest))
    }

    /// Whether the last n tokens of `tokens` occur earlier in it as well.
    func repeatsLastNgram(_ tokens: [Int], _ n: Int) -> Bool {
        guard tokens.count > n else { return false }
        let last = Array(tokens.suffix(n))
        return (0...(tokens.count - n - 1)).contains { Array(tokens[$0..<($0 + n)]) == last }
    }
}

/// Drives a `FakeDecoder` through the search's step contract, rebuilding each row's prefix from
/// `parents` and `tokens`, and checking the contract as it goes.
final class FakeDecoderDriver {
    let decoder: FakeDecoder
    let beginID: Int
    private(set) var prefixes: [[Int]] = []
    private(set) var sentences: [Int] = []
    private(set) var calls = 0
    private(set) var rowCounts: [Int] = []
    var contractHeld = true

    init(_ decoder: FakeDecoder, beginID: Int) {
        self.decoder = decoder
        self.beginID = beginID
    }

    func step(_ rows: DecoderRows) -> DecoderScores<Float> {
        if rows.step == 0 {
            contractHeld = contractHeld && rows.tokens.allSatisfy { $0 == beginID } && rows.parents == rows.sentences
            prefixes = rows.sentences.map { _ in [] }
        } else {
            contractHeld = contractHeld && rows.parents.indices.allSatisfy { sentences[rows.parents[$0]] == rows.sentences[$0] }
            prefixes = rows.parents.indices.map { prefixes[rows.parents[$0]] + [rows.tokens[$0]] }
        }
        contractHeld = contractHeld && rows.step == calls && zip(rows.sentences, rows.sentences.dropFirst()).allSatisfy { $0 <= $1 }
        sentences = rows.sentences
        calls += 1
        rowCounts.append(rows.count)
        let logProbs = rows.sentences.indices.flatMap { decoder.logProbs(rows.sentences[$0], prefixes[$0]) }
        let attention = decoder.S > 0 ? rows.sentences.indices.flatMap { decoder.attention(rows.sentences[$0], prefixes[$0])! } : nil
        return DecoderScores(logProbs: logProbs, attention: attention)
    }
}
