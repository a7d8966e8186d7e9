// The contract between a search (greedy, beam) and the model it drives.
//
// Letters: B = sentences decoded together, R = rows of one call (the live hypotheses of all
// unfinished sentences), V = target vocabulary size, S = the source length of the attention
// rows (whatever width the model returns, e.g. the batch's padded source length).
//
// A search calls the model's step closure once per output position t = 0, 1, …:
//
//   call t = 0   R = B rows, one per sentence: tokens = <bos>, parents = sentences = 0..<B
//   call t > 0   rows = the live hypotheses after t tokens, grouped by sentence (in sentence
//                order) and within a sentence best first; parents[r] = the row of call t − 1
//                that row r extends, tokens[r] = the token it appended (its last token)
//
// The model gathers its decoder state (and each row's encoder memory) by `parents` — row r of
// call t continues from the state row parents[r] reached in call t − 1 — feeds `tokens`, and
// returns for every row the log-softmax over the vocabulary (and, optionally, its attention).
// Rows of finished sentences are dropped, so R changes from call to call.

/// The rows a decoder step must advance: the last token of each live hypothesis and where its
/// state comes from.
public struct DecoderRows: Equatable, Sendable {
    /// t, the number of tokens each row has generated so far (0 at the first call).
    public let step: Int
    /// The input token of each row, (R): `<bos>` at t = 0, else the row's last token.
    public let tokens: [Int]
    /// For each row, the row of the previous call whose state it continues, (R); at t = 0,
    /// the row's sentence.
    public let parents: [Int]
    /// The sentence (0..<B) of each row, (R), non-decreasing.
    public let sentences: [Int]

    /// Creates the rows of one call.
    public init(step: Int, tokens: [Int], parents: [Int], sentences: [Int]) {
        self.step = step
        self.tokens = tokens
        self.parents = parents
        self.sentences = sentences
    }

    /// R, the number of rows.
    public var count: Int { tokens.count }
}

/// What a decoder step returns for R rows.
public struct DecoderScores<Scalar: RNNScalar>: Sendable {
    /// log p(v | row), (R, V) row-major: the log-softmax of each row's output (values ≤ 0; NaN
    /// is read as −∞).
    public var logProbs: [Scalar]
    /// The attention weights of each row over the source, (R, S) row-major, or nil for a model
    /// without attention. Either every call returns them, with the same S, or none does.
    public var attention: [Scalar]?

    /// Scores of one call.
    public init(logProbs: [Scalar], attention: [Scalar]? = nil) {
        self.logProbs = logProbs
        self.attention = attention
    }
}

/// Checking what a step closure returned.
enum DecoderStepCheck {
    /// The attention width S of `scores` for `rows` rows, nil without attention; throws if a
    /// buffer has the wrong size or attention comes and goes.
    static func check<Scalar>(_ scores: DecoderScores<Scalar>, rows: Int, vocabularySize V: Int,
                              attentionWidth: Int??) throws -> Int? {
        guard scores.logProbs.count == rows * V else {
            throw RNNKitError("the decoder step returned \(scores.logProbs.count) log-probabilities for \(rows) rows of \(V)")
        }
        guard let attention = scores.attention else {
            if case .some(.some) = attentionWidth {
                throw RNNKitError("the decoder step returned attention at an earlier step but not at this one")
            }
            return nil
        }
        guard rows > 0, attention.count % rows == 0 else {
            throw RNNKitError("the decoder step returned \(attention.count) attention weights for \(rows) rows")
        }
        let width = attention.count / rows
        switch attentionWidth {
        case .some(.none):
            throw RNNKitError("the decoder step returned attention at this step but not at an earlier one")
        case let .some(.some(w)) where w != width:
            throw RNNKitError("the decoder step returned attention over \(width) source positions after \(w)")
        default:
            return width
        }
    }
}
