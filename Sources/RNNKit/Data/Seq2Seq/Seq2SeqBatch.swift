// Letters: N = pairs, B = pairs in a batch, S = the longest source of the batch, T = the
// longest target of the batch plus one (for <bos> / <eos>).
// Buffers are time-major and row-major: element (t, b) of a (T, B) buffer is at t*B + b.

/// A batch of (source, target) pairs padded for teacher-forced training, as the PyTorch twin
/// builds it (`pad_batch` in ../shared/bench/torch_tasks.py):
///
///     source         (S, B)   x, then <pad>
///     target input   (T, B)   <bos> y_1 … y_n, then <pad>
///     target output  (T, B)   y_1 … y_n <eos>, then <pad>   (what the decoder must predict)
///
/// ```swift
/// let batch = Seq2SeqBatch(sources: [[5, 6], [7]], targets: [[8], [9, 10]])
/// // source (S=2, B=2):        [5, 7,  6, 0]
/// // target input (T=3, B=2):  [2, 2,  8, 9,  0, 10]
/// // target output:            [8, 9,  3, 10, 0, 3]
/// ```
///
/// Training draws B pairs at random per step (`randomIndices`, as the twin does); for epochs
/// grouped by length, `BucketedBatches(lengths: sources.map(\.count), …)` gives the indices of
/// each batch for `init(selecting:sources:targets:)`.
public struct Seq2SeqBatch: Equatable, Sendable {
    /// The source ids, (S, B), `<pad>` beyond each source's end.
    public let source: [Int]
    /// The length of each source, (B); each at least 1.
    public let sourceLengths: [Int]
    /// S, the longest source.
    public let sourceSteps: Int
    /// The decoder inputs, (T, B): `<bos>` then the target, `<pad>` beyond.
    public let targetInput: [Int]
    /// The decoder's expected outputs, (T, B): the target then `<eos>`, `<pad>` beyond.
    public let targetOutput: [Int]
    /// The length of each target plus one (its `<eos>`), (B): the real positions of each
    /// column of `targetInput` and `targetOutput`.
    public let targetLengths: [Int]
    /// T, the longest target plus one.
    public let targetSteps: Int
    /// B, the number of pairs.
    public let batch: Int
    /// Which pairs the columns hold, (B): column b is pair `indices[b]`.
    public let indices: [Int]

    /// Pads `sources[b]` and `targets[b]` for each b.
    /// - Parameters:
    ///   - sources: B non-empty id sequences, without `<bos>` or `<eos>`.
    ///   - targets: B id sequences (may be empty), without `<bos>` or `<eos>`.
    /// - Precondition: B ≥ 1, every source is non-empty, `targets` has B entries.
    public init(sources: [[Int]], targets: [[Int]]) {
        self.init(padding: sources, targets, indices: Array(sources.indices))
    }

    /// The batch of the pairs `indices` (in that order) of the encoded pairs
    /// (`sources[i]`, `targets[i]`).
    /// - Precondition: `indices` is non-empty, every index is in range and its source is
    ///   non-empty.
    public init(selecting indices: [Int], sources: [[Int]], targets: [[Int]]) {
        self.init(padding: indices.map { sources[$0] }, indices.map { targets[$0] }, indices: indices)
    }

    private init(padding sources: [[Int]], _ targets: [[Int]], indices: [Int]) {
        precondition(!sources.isEmpty, "a batch needs at least one pair")
        precondition(targets.count == sources.count, "one target per source")
        precondition(sources.allSatisfy { !$0.isEmpty }, "a batch cannot hold an empty source")
        let padded = PaddedBatch(sequences: sources, indices: indices)
        source = padded.tokens
        sourceLengths = padded.lengths
        sourceSteps = padded.steps
        batch = padded.batch
        self.indices = padded.indices
        targetLengths = targets.map { $0.count + 1 }
        targetSteps = targetLengths.max()!
        targetInput = PaddedBatch.pad(targets.map { [Seq2SeqVocabulary.beginID] + $0 }, steps: targetSteps,
                                      fill: Seq2SeqVocabulary.paddingID)
        targetOutput = PaddedBatch.pad(targets.map { $0 + [Seq2SeqVocabulary.endID] }, steps: targetSteps,
                                       fill: Seq2SeqVocabulary.paddingID)
    }

    /// The number of target positions the loss counts (the non-`<pad>` entries of
    /// `targetOutput`), the sum of `targetLengths`.
    public var targetTokenCount: Int { targetLengths.reduce(0, +) }

    /// B pair indices drawn uniformly from 0..<N with replacement for training step `step`,
    /// as the twin's `torch.randint(N, (B,))` (the values differ: RNNKit draws from its own
    /// generator). The draw depends on (seed, step) alone, so a resumed run draws step s's
    /// batch again exactly.
    /// - Precondition: N ≥ 1 and B ≥ 1.
    public static func randomIndices(count: Int, batchSize: Int, seed: UInt64, step: Int) -> [Int] {
        precondition(count >= 1 && batchSize >= 1, "sampling needs at least one pair and a batch size of at least 1")
        var g = BucketedBatches.generator(seed: seed ^ 0x5EC2_5EC0_0000_0000, epoch: step)
        return (0..<batchSize).map { _ in Int(g.next().multipliedFullWidth(by: UInt64(count)).high) }
    }
}
