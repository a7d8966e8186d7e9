/// Greedy decoding, batched over sentences: every step feeds each sentence's argmax (lowest id
/// on ties; NaN read as −∞) until it produces `<eos>` or reaches `maxLength` tokens — as the
/// PyTorch twin's `greedy_seq2seq` (which returns the ids before the first `<eos>`, at most
/// `max_len` of them). It uses the same step contract as `BeamSearch` (see `DecoderRows`): one
/// row per unfinished sentence, `parents` the row each continues, finished sentences dropped.
///
/// `BeamSearch` with a beam of 1 returns exactly the same tokens, log-probabilities and
/// attention.
public enum GreedySearch {
    /// One hypothesis per sentence; its `score` is its log-probability.
    /// - Parameters:
    ///   - B: the sentences, ≥ 0.
    ///   - V: the vocabulary size, the width of each row of log-probabilities.
    ///   - maxLength: the most tokens (decoder steps), ≥ 1.
    ///   - minLength: `<eos>` is not chosen before this many tokens.
    ///   - beginID: the id of `<bos>`, the first input.
    ///   - endID: the id of `<eos>`.
    ///   - step: advances the given rows one token.
    /// - Throws: `RNNKitError` for invalid lengths or ids, or a step result of the wrong size;
    ///   any error `step` throws.
    public static func search<Scalar: RNNScalar>(
        sentences B: Int, vocabularySize V: Int, maxLength: Int, minLength: Int = 0,
        beginID: Int = Seq2SeqVocabulary.beginID, endID: Int = Seq2SeqVocabulary.endID,
        step: (DecoderRows) throws -> DecoderScores<Scalar>
    ) throws -> [Hypothesis<Scalar>] {
        var options = BeamSearchOptions(beamSize: 1, nBest: 1, maxLength: maxLength)
        options.minLength = minLength
        options.beginID = beginID
        options.endID = endID
        try options.validate(vocabularySize: V)
        var tokens = [[Int]](repeating: [], count: B)
        var logProbs = [Double](repeating: 0, count: B)
        var attention = [[[Scalar]]](repeating: [], count: B)
        var finished = [Bool](repeating: false, count: B)
        var rowOf = Array(0..<B)                      // each live sentence's row in the last call
        var live = Array(0..<B)                       // the sentences still decoding
        var attentionWidth: Int?? = .none
        for t in 0..<maxLength where !live.isEmpty {
            let rows = DecoderRows(step: t, tokens: live.map { tokens[$0].last ?? beginID },
                                   parents: live.map { rowOf[$0] }, sentences: live)
            let scores = try step(rows)
            let width = try DecoderStepCheck.check(scores, rows: live.count, vocabularySize: V, attentionWidth: attentionWidth)
            attentionWidth = .some(width)
            var stillLive: [Int] = []
            for (r, b) in live.enumerated() {
                var bestToken = -1, bestLogProb = -Double.infinity
                for v in 0..<V where !(v == endID && t < minLength) {
                    var lp = Double(scores.logProbs[r * V + v])
                    if lp.isNaN { lp = -.infinity }
                    if bestToken < 0 || lp > bestLogProb { bestToken = v; bestLogProb = lp }
                }
                logProbs[b] += bestLogProb
                if logProbs[b].isNaN { logProbs[b] = -.infinity }
                if let w = width, let weights = scores.attention {
                    attention[b].append(Array(weights[(r * w)..<((r + 1) * w)]))
                }
                if bestToken == endID {
                    finished[b] = true
                } else {
                    tokens[b].append(bestToken)
                    rowOf[b] = r
                    stillLive.append(b)
                }
            }
            live = stillLive
        }
        return (0..<B).map { b in
            Hypothesis(tokens: tokens[b], logProb: logProbs[b], score: logProbs[b], finished: finished[b],
                       attention: attentionWidth.flatMap { $0 } == nil ? nil : attention[b])
        }
    }
}
