/// Corpus BLEU-4 exactly as sacrebleu 2.x computes it with `tokenize='none'` and its default
/// `smooth_method='exp'`, one reference per hypothesis:
///
/// 1. Each line is cut as Python's `line.rstrip().split()` (runs of whitespace separate
///    tokens). Token lists are first joined with single spaces, as `rnn seq2seq eval` writes
///    its outputs — so a token that is whitespace (a space at char level) vanishes, as it would
///    in sacrebleu.
/// 2. For n = 1…4, over the whole corpus: total_n = the hypotheses' n-grams, correct_n = the
///    n-grams matched, each hypothesis n-gram counted at most as often as it occurs in its
///    reference (clipping). c = Σ|h|, r = Σ|ref|.
/// 3. If no n-gram of any order matched, BLEU is 0.
/// 4. Precisions (percent), n = 1…4, stopping at the first order with total_n = 0 (which
///    leaves it and the higher ones 0): p_n = 100·correct_n / total_n, or when correct_n = 0
///    the NIST "exp" smoothing p_n = 100 / (2^k · total_n), k counting the orders smoothed so
///    far (1, 2, …).
/// 5. Brevity penalty BP = 1 when c ≥ r, exp(1 − r/c) when 0 < c < r, 0 when c = 0.
/// 6. BLEU = BP · exp(Σ_n log p_n / 4), with log 0 taken as −9 999 999 999 (so a zero precision
///    gives 0).
///
/// Scores are percentages (0…100), as sacrebleu prints them.
///
/// ```swift
/// let bleu = try CorpusBleu(hypotheses: [["the", "cat", "sat", "down"]],
///                           references: [["the", "cat", "sat", "down", "here"]])
/// bleu.score    // 100 · exp(1 − 5/4) ≈ 77.88
/// ```
public struct CorpusBleu: Equatable, Sendable {
    /// The highest n-gram order, 4.
    public static let maxOrder = 4

    /// BLEU, in percent.
    public let score: Double
    /// correct_n for n = 1…4: clipped n-gram matches over the corpus.
    public let matches: [Int]
    /// total_n for n = 1…4: the hypotheses' n-grams.
    public let totals: [Int]
    /// p_n for n = 1…4 in percent, after smoothing (0 for orders past the first empty one, and
    /// all 0 when nothing matched).
    public let precisions: [Double]
    /// BP, the brevity penalty.
    public let brevityPenalty: Double
    /// c, the total hypothesis length in tokens.
    public let hypothesisLength: Int
    /// r, the total reference length in tokens.
    public let referenceLength: Int

    /// BLEU of token lists: each joined with single spaces and cut again as in step 1.
    /// - Throws: `RNNKitError` if the lists differ in length or are empty.
    public init(hypotheses: [[String]], references: [[String]]) throws {
        try self.init(counts: Self.counts(hypotheses: hypotheses, references: references))
    }

    /// BLEU of lines of text, cut into tokens at whitespace.
    /// - Throws: `RNNKitError` if the lists differ in length or are empty.
    public init(hypothesisLines: [String], referenceLines: [String]) throws {
        try self.init(counts: Self.counts(hypothesisLines: hypothesisLines, referenceLines: referenceLines))
    }

    /// The counts of token lists (see `counts(hypothesisLines:referenceLines:)`), each joined
    /// with single spaces and cut again as in step 1.
    /// - Throws: `RNNKitError` if the lists differ in length.
    public static func counts(hypotheses: [[String]], references: [[String]]) throws -> [Int] {
        try counts(hypothesisLines: hypotheses.map { $0.joined(separator: " ") },
                   referenceLines: references.map { $0.joined(separator: " ") })
    }

    /// What BLEU counts over lines of text (step 2): [lines, correct_1…4, total_1…4, c, r], all
    /// 0 for no lines; the counts of a corpus's parts add up to the corpus's.
    /// - Throws: `RNNKitError` if the lists differ in length.
    public static func counts(hypothesisLines: [String], referenceLines: [String]) throws -> [Int] {
        guard hypothesisLines.count == referenceLines.count else {
            throw RNNKitError("\(hypothesisLines.count) outputs but \(referenceLines.count) references")
        }
        var correct = [Int](repeating: 0, count: maxOrder), total = correct
        var c = 0, r = 0
        for (hLine, rLine) in zip(hypothesisLines, referenceLines) {
            let h = Tokenizer.words(of: hLine[...].unicodeScalars), ref = Tokenizer.words(of: rLine[...].unicodeScalars)
            c += h.count
            r += ref.count
            let referenceCounts = ngramCounts(ref)
            for (ngram, count) in ngramCounts(h) {
                total[ngram.order - 1] += count
                correct[ngram.order - 1] += min(count, referenceCounts[ngram] ?? 0)
            }
        }
        return [hypothesisLines.count] + correct + total + [c, r]
    }

    /// BLEU from the counts of a corpus, or the sum of its parts' (`counts(hypothesisLines:referenceLines:)`),
    /// steps 3–6.
    /// - Throws: `RNNKitError` if there are not 11 counts, or no lines.
    public init(counts: [Int]) throws {
        guard counts.count == 3 + 2 * Self.maxOrder else {
            throw RNNKitError("BLEU takes \(3 + 2 * Self.maxOrder) counts, not \(counts.count)")
        }
        guard counts[0] > 0 else { throw RNNKitError("there are no outputs to score") }
        let correct = Array(counts[1...Self.maxOrder]), total = Array(counts[(1 + Self.maxOrder)...(2 * Self.maxOrder)])
        let c = counts[1 + 2 * Self.maxOrder], r = counts[2 + 2 * Self.maxOrder]
        matches = correct
        totals = total
        hypothesisLength = c
        referenceLength = r
        brevityPenalty = c >= r ? 1 : (c > 0 ? Double.exp(1 - Double(r) / Double(c)) : 0)
        var p = [Double](repeating: 0, count: Self.maxOrder)
        guard correct.contains(where: { $0 > 0 }) else {
            precisions = p
            score = 0
            return
        }
        var smooth = 1.0
        for n in 0..<Self.maxOrder {
            if total[n] == 0 { break }
            if correct[n] == 0 {
                smooth *= 2
                p[n] = 100 / (smooth * Double(total[n]))
            } else {
                p[n] = 100 * Double(correct[n]) / Double(total[n])
            }
        }
        precisions = p
        let logSum = p.reduce(0.0) { $0 + ($1 == 0 ? -9_999_999_999 : Double.log($1)) }
        score = brevityPenalty * Double.exp(logSum / Double(Self.maxOrder))
    }

    /// An n-gram, n = 1…4, of tokens that hold no whitespace (so joining them with a space is
    /// unambiguous).
    struct NGram: Hashable {
        let order: Int
        let text: ExactString
    }

    /// How often each n-gram of `tokens` occurs, n = 1…4.
    static func ngramCounts(_ tokens: [String]) -> [NGram: Int] {
        var counts: [NGram: Int] = [:]
        for n in 1...maxOrder where n <= tokens.count {
            for start in 0...(tokens.count - n) {
                let key = NGram(order: n, text: ExactString(tokens[start..<(start + n)].joined(separator: " ")))
                counts[key, default: 0] += 1
            }
        }
        return counts
    }
}
