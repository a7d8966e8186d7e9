/// One decoded output sequence.
public struct Hypothesis<Scalar: RNNScalar>: Equatable, Sendable {
    /// The output tokens, without `<bos>` and `<eos>`.
    public let tokens: [Int]
    /// The total log-probability: Σ log p over every generated token, `<eos>` included when
    /// `finished`.
    public let logProb: Double
    /// The score hypotheses are ranked by: `logProb` divided by the length penalty of
    /// `length` (equal to `logProb` without a penalty).
    public let score: Double
    /// Whether the hypothesis ended with `<eos>` (false: it was cut at the maximum length).
    public let finished: Bool
    /// For each decoder step, the attention over the source, (length, S): row k is the step
    /// that produced `tokens[k]`, and when `finished` the last row is the step that produced
    /// `<eos>`. Nil when the model returns no attention.
    public let attention: [[Scalar]]?

    /// Creates a hypothesis.
    public init(tokens: [Int], logProb: Double, score: Double, finished: Bool, attention: [[Scalar]]?) {
        self.tokens = tokens
        self.logProb = logProb
        self.score = score
        self.finished = finished
        self.attention = attention
    }

    /// The decoder steps it took: its tokens, plus one for `<eos>` when finished.
    public var length: Int { tokens.count + (finished ? 1 : 0) }
}
