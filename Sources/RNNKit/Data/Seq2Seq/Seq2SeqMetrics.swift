/// How close output sequences are to their references, sequence by sequence and token by
/// token. Tokens are compared code point by code point (as Python compares strings).
///
/// For N pairs (h_i, r_i) of hypothesis and reference:
///
///     exact match     = 100 · #{i : h_i = r_i} / N
///     token accuracy  = 100 · Σ_i #{t < min(|h_i|, |r_i|) : h_i[t] = r_i[t]} / Σ_i max(|h_i|, |r_i|)
///
/// Token accuracy compares position by position from the start, so a missing or extra token
/// shifts nothing back into place: every position of the longer of the two counts, a position
/// only one of them has is wrong. (A pair of two empty sequences adds no positions; if no pair
/// has any, token accuracy is 100.)
///
/// ```swift
/// let m = try Seq2SeqMetrics(hypotheses: [["a", "b"], ["c"]], references: [["a", "b"], ["c", "d"]])
/// m.exactMatchPercent       // 50
/// m.tokenAccuracyPercent    // 75: 3 of max(2,2) + max(1,2) = 4 positions
/// ```
public struct Seq2SeqMetrics: Equatable, Sendable {
    /// N, the number of pairs scored.
    public let count: Int
    /// The pairs whose hypothesis equals its reference exactly.
    public let exactMatches: Int
    /// The positions where hypothesis and reference hold the same token.
    public let matchedTokens: Int
    /// Σ_i max(|h_i|, |r_i|), the positions compared.
    public let tokenPositions: Int

    /// Scores `hypotheses[i]` against `references[i]`.
    /// - Throws: `RNNKitError` if the two lists differ in length or are empty.
    public init(hypotheses: [[String]], references: [[String]]) throws {
        try self.init(counts: Self.counts(hypotheses: hypotheses, references: references))
    }

    /// The metrics of counts summed over the parts of a corpus (see `counts(hypotheses:references:)`).
    /// - Throws: `RNNKitError` if there are not 4 counts, or no pairs.
    public init(counts: [Int]) throws {
        guard counts.count == 4 else { throw RNNKitError("sequence metrics take 4 counts, not \(counts.count)") }
        guard counts[0] > 0 else { throw RNNKitError("there are no outputs to score") }
        count = counts[0]
        exactMatches = counts[1]
        matchedTokens = counts[2]
        tokenPositions = counts[3]
    }

    /// What the metrics of `hypotheses[i]` against `references[i]` count: [N, exact matches,
    /// matched tokens, positions compared] (all 0 for no pairs); the counts of a corpus's parts
    /// add up to the corpus's.
    /// - Throws: `RNNKitError` if the two lists differ in length.
    public static func counts(hypotheses: [[String]], references: [[String]]) throws -> [Int] {
        guard hypotheses.count == references.count else {
            throw RNNKitError("\(hypotheses.count) outputs but \(references.count) references")
        }
        var exact = 0, matched = 0, positions = 0
        for (h, r) in zip(hypotheses, references) {
            let same = zip(h, r).reduce(0) { $0 + (Self.same($1.0, $1.1) ? 1 : 0) }
            matched += same
            positions += max(h.count, r.count)
            if h.count == r.count && same == h.count { exact += 1 }
        }
        return [hypotheses.count, exact, matched, positions]
    }

    /// 100 · exact matches / N.
    public var exactMatchPercent: Double { 100 * Double(exactMatches) / Double(count) }

    /// 100 · matched tokens / positions compared (100 when there are no positions).
    public var tokenAccuracyPercent: Double {
        tokenPositions == 0 ? 100 : 100 * Double(matchedTokens) / Double(tokenPositions)
    }

    /// Whether two tokens are the same code points.
    static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
}
