// Letters: B = sentences, K = beam size, V = vocabulary size, R = rows of one step call.
// The step contract (rows, parents, log-probabilities, attention) is in DecoderStep.swift.

/// Beam search over any decoder that advances rows of hypotheses one token at a time, batched
/// over sentences. Model-independent: the caller's `step` closure runs the model.
///
/// At step t every live hypothesis of an unfinished sentence is a row. For each sentence the K
/// best continuations of its rows are kept, ranked by total log-probability (all are t + 1
/// long, so a length penalty would not change the order), ties broken by the token's own
/// log-probability, then the row, then the lowest token id:
/// - a continuation by `<eos>` is finished, scored L / lp(t + 1), and leaves the beam;
/// - the others are the sentence's live hypotheses at step t + 1 (at most K);
/// - after `maxLength` steps the live ones are cut and kept as unfinished, scored
///   L / lp(maxLength).
/// Forbidden continuations — `<eos>` before `minLength` tokens, a token that would repeat an
/// N-gram (`blockNgramRepeat`) — are never chosen; a log-probability of −∞ (or NaN) can be, last.
///
/// A sentence stops (its rows leave the following calls) when
/// 1. it has no live hypothesis left, or
/// 2. K hypotheses have finished (every beam has ended once), or
/// 3. `nBest` have finished and no live hypothesis can still beat the `nBest`-th best of them:
///    a live hypothesis of log-probability L can at best score L / lp(maxLength), since
///    log-probabilities only fall and lp grows with the length.
/// Rule 3 never changes the result; rule 2 is the beam's approximation, like its width. With
/// K at least the number of distinct prefixes, the search is exhaustive.
///
/// With K = 1 the search takes the argmax at every step (lowest id on ties) and stops at the
/// first `<eos>`: exactly `GreedySearch`.
public enum BeamSearch {
    /// The `nBest` best hypotheses of each of B sentences, best first (ties: the tokens in
    /// lexicographic order). A sentence gets fewer only if every continuation of its
    /// hypotheses was forbidden (by `minLength` together with `blockNgramRepeat`).
    /// - Parameters:
    ///   - B: the sentences, ≥ 0.
    ///   - V: the vocabulary size, the width of each row of log-probabilities.
    ///   - options: beam size, lengths, penalty, blocking, `<bos>` / `<eos>` ids.
    ///   - step: advances the given rows one token (see `DecoderRows`, `DecoderScores`).
    /// - Throws: `RNNKitError` for invalid options or a step result of the wrong size; any
    ///   error `step` throws.
    public static func search<Scalar: RNNScalar>(
        sentences B: Int, vocabularySize V: Int, options: BeamSearchOptions,
        step: (DecoderRows) throws -> DecoderScores<Scalar>
    ) throws -> [[Hypothesis<Scalar>]] {
        try options.validate(vocabularySize: V)
        var live: [[Live<Scalar>]] = (0..<B).map { [Live(tokens: [], logProb: 0, attention: [], parent: $0)] }
        var finished = [[Hypothesis<Scalar>]](repeating: [], count: B)
        var done = [Bool](repeating: false, count: B)
        var attentionWidth: Int?? = .none                 // unknown until the first call
        for t in 0..<options.maxLength {
            var tokens: [Int] = [], parents: [Int] = [], sentences: [Int] = []
            for b in 0..<B where !done[b] {
                for h in live[b] {
                    tokens.append(h.tokens.last ?? options.beginID)
                    parents.append(h.parent)
                    sentences.append(b)
                }
            }
            if tokens.isEmpty { break }
            let scores = try step(DecoderRows(step: t, tokens: tokens, parents: parents, sentences: sentences))
            let width = try DecoderStepCheck.check(scores, rows: tokens.count, vocabularySize: V, attentionWidth: attentionWidth)
            attentionWidth = .some(width)
            var firstRow = 0
            for b in 0..<B where !done[b] {
                let rows = live[b]
                let chosen = best(rows, firstRow: firstRow, step: t, logProbs: scores.logProbs, V: V, options: options)
                var next: [Live<Scalar>] = []
                for c in chosen {
                    let parent = rows[c.row - firstRow]
                    var attention = parent.attention
                    if let w = width, let weights = scores.attention {
                        attention.append(Array(weights[(c.row * w)..<((c.row + 1) * w)]))
                    }
                    let isEnd = c.token == options.endID
                    let hypothesisTokens = isEnd ? parent.tokens : parent.tokens + [c.token]
                    if isEnd || t + 1 == options.maxLength {
                        finished[b].append(Hypothesis(
                            tokens: hypothesisTokens, logProb: c.value,
                            score: options.lengthPenalty.score(logProb: c.value, length: t + 1),
                            finished: isEnd, attention: width == nil ? nil : attention))
                    } else {
                        next.append(Live(tokens: hypothesisTokens, logProb: c.value, attention: attention, parent: c.row))
                    }
                }
                firstRow += rows.count
                live[b] = next
                done[b] = isDone(finished[b], bestLive: next.first?.logProb, options: options)
            }
        }
        return finished.map { Array(ranked($0).prefix(options.nBest)) }
    }

    // MARK: - Internals

    /// A live hypothesis: its tokens so far, total log-probability, attention rows, and the row
    /// of the last call it came from.
    struct Live<Scalar: RNNScalar> {
        var tokens: [Int]
        var logProb: Double
        var attention: [[Scalar]]
        var parent: Int
    }

    /// A continuation: row `row` (of the call) extended by `token`.
    struct Candidate: Equatable {
        var value: Double, tokenLogProb: Double, row: Int, token: Int

        /// The ranking: higher total, then higher own log-probability, then lower row, then
        /// lower token id (a strict total order: no two candidates share row and token).
        func precedes(_ other: Candidate) -> Bool {
            if value != other.value { return value > other.value }
            if tokenLogProb != other.tokenLogProb { return tokenLogProb > other.tokenLogProb }
            if row != other.row { return row < other.row }
            return token < other.token
        }
    }

    /// The K best allowed continuations of one sentence's `rows` (rows `firstRow…` of the call),
    /// best first.
    static func best<Scalar: RNNScalar>(_ rows: [Live<Scalar>], firstRow: Int, step t: Int, logProbs: [Scalar],
                                        V: Int, options: BeamSearchOptions) -> [Candidate] {
        let K = options.beamSize
        var chosen: [Candidate] = []
        chosen.reserveCapacity(K + 1)
        for (i, h) in rows.enumerated() {
            let r = firstRow + i
            let blocked = blockedTokens(h.tokens, n: options.blockNgramRepeat, endID: options.endID)
            for v in 0..<V {
                if v == options.endID && t < options.minLength { continue }
                if !blocked.isEmpty && blocked.contains(v) { continue }
                var lp = Double(logProbs[r * V + v])
                if lp.isNaN { lp = -.infinity }
                var value = h.logProb + lp
                if value.isNaN { value = -.infinity }
                let c = Candidate(value: value, tokenLogProb: lp, row: r, token: v)
                if chosen.count == K && !c.precedes(chosen[K - 1]) { continue }
                var low = 0, high = chosen.count            // first position c precedes
                while low < high {
                    let mid = (low + high) / 2
                    if c.precedes(chosen[mid]) { high = mid } else { low = mid + 1 }
                }
                chosen.insert(c, at: low)
                if chosen.count > K { chosen.removeLast() }
            }
        }
        return chosen
    }

    /// The tokens that would complete an n-gram already in `tokens` (empty for n = 0); `<eos>`
    /// is never among them.
    static func blockedTokens(_ tokens: [Int], n: Int, endID: Int) -> Set<Int> {
        guard n >= 1, tokens.count >= n else { return [] }
        let prefix = tokens[(tokens.count - n + 1)...]       // the last n − 1 tokens
        var blocked = Set<Int>()
        for start in 0...(tokens.count - n) where tokens[start..<(start + n - 1)].elementsEqual(prefix) {
            blocked.insert(tokens[start + n - 1])
        }
        blocked.remove(endID)
        return blocked
    }

    /// Whether a sentence with these finished hypotheses and best live log-probability can stop.
    static func isDone<Scalar>(_ finished: [Hypothesis<Scalar>], bestLive: Double?, options: BeamSearchOptions) -> Bool {
        guard let bestLive else { return true }
        if finished.count >= options.beamSize { return true }
        guard finished.count >= options.nBest else { return false }
        let nth = finished.map(\.score).sorted(by: >)[options.nBest - 1]
        return options.lengthPenalty.bound(logProb: bestLive, maxLength: options.maxLength) < nth
    }

    /// Hypotheses best first: higher score, then tokens in lexicographic order.
    static func ranked<Scalar>(_ hypotheses: [Hypothesis<Scalar>]) -> [Hypothesis<Scalar>] {
        hypotheses.sorted { a, b in
            a.score != b.score ? a.score > b.score : a.tokens.lexicographicallyPrecedes(b.tokens)
        }
    }
}
