// Letters: B = examples in a batch, T = steps (the longest sequence of the batch).
// Buffers are time-major and row-major, as RNNKit's recurrent layers take them:
// element (t, b) of a (T, B) buffer is at t*B + b.

/// A batch of variable-length token sequences padded to a common length, as `pad_batch` in
/// ../shared/bench/torch_tasks.py builds it.
///
/// ```swift
/// let batch = PaddedBatch(sequences: [[5, 6, 7], [8]], indices: [3, 0])
/// // tokens (T=3, B=2): [5, 8,  6, 0,  7, 0], lengths [3, 1]
/// ```
public struct PaddedBatch: Equatable, Sendable {
    /// The padding token id (`<pad>`).
    public static let paddingID = 0
    /// The target that a loss ignores (PyTorch's `ignore_index` default): tag targets beyond a
    /// sequence's end, and tags the training set never had.
    public static let ignoreIndex = -100

    /// The token ids, (T, B) time-major: `tokens[t * batch + b]`, `paddingID` beyond a
    /// sequence's end.
    public let tokens: [Int]
    /// The length of each sequence, (B); each is at least 1.
    public let lengths: [Int]
    /// T, the longest length.
    public let steps: Int
    /// B, the number of sequences.
    public let batch: Int
    /// Which examples the columns hold, (B): column b is example `indices[b]`.
    public let indices: [Int]

    /// Pads `sequences` to the longest one.
    /// - Parameters:
    ///   - sequences: B non-empty sequences of token ids.
    ///   - indices: which examples they are (default 0..<B).
    /// - Precondition: `sequences` is not empty and holds no empty sequence; `indices` has B
    ///   entries.
    public init(sequences: [[Int]], indices: [Int]? = nil) {
        precondition(!sequences.isEmpty, "a batch needs at least one sequence")
        precondition(sequences.allSatisfy { !$0.isEmpty }, "a batch cannot hold an empty sequence")
        let indices = indices ?? Array(sequences.indices)
        precondition(indices.count == sequences.count, "one index per sequence")
        lengths = sequences.map(\.count)
        steps = lengths.max()!
        batch = sequences.count
        self.indices = indices
        tokens = Self.pad(sequences, steps: steps, fill: Self.paddingID)
    }

    /// The batch of `examples[i]` for each i in `indices`, in that order.
    /// - Precondition: every selected example is non-empty.
    public init(examples: [[Int]], indices: [Int]) {
        self.init(sequences: indices.map { examples[$0] }, indices: indices)
    }

    /// Per-token `values` laid out as this batch's tokens, (T, B), `fill` beyond each
    /// sequence's end: e.g. tag targets padded with `ignoreIndex`.
    /// - Precondition: `values` holds B sequences with this batch's lengths.
    public func padded(_ values: [[Int]], fill: Int = PaddedBatch.ignoreIndex) -> [Int] {
        precondition(values.map(\.count) == lengths, "the values must have the batch's lengths")
        return Self.pad(values, steps: steps, fill: fill)
    }

    /// The number of real (not padding) tokens, the sum of `lengths`.
    public var tokenCount: Int { lengths.reduce(0, +) }

    /// The fraction of the T·B slots that are padding.
    public var paddingFraction: Double { Double(steps * batch - tokenCount) / Double(steps * batch) }

    /// The first `lengths[b]` values of column b of a (T, B) buffer, for each b: e.g. the
    /// predicted tags of each sentence, without the padding.
    /// - Precondition: `values.count == steps * batch`.
    public func unpadded<Element>(_ values: [Element]) -> [[Element]] {
        precondition(values.count == steps * batch, "the values must be (T, B)")
        return (0..<batch).map { b in (0..<lengths[b]).map { t in values[t * batch + b] } }
    }

    /// `sequences` written into a (T, B) buffer filled with `fill`.
    static func pad(_ sequences: [[Int]], steps: Int, fill: Int) -> [Int] {
        let B = sequences.count
        var out = [Int](repeating: fill, count: steps * B)   // (T, B)
        for (b, sequence) in sequences.enumerated() {
            for (t, value) in sequence.enumerated() { out[t * B + b] = value }
        }
        return out
    }
}
