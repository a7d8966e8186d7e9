// Letters: N = examples, B = batch size.

/// The batches of one training epoch, grouped by length so that a batch's sequences are of
/// similar length and padding costs little, yet shuffled so that every epoch differs.
///
/// For epoch e, with a generator derived from (seed, e) alone:
/// 1. shuffle all N example indices (Fisher–Yates);
/// 2. cut them into pools of `poolBatches`·B and sort each pool by length (ties keep their
///    shuffled order);
/// 3. cut each pool into batches of B (a pool's last batch may be smaller);
/// 4. shuffle the order of the batches.
///
/// Nothing carries over from one epoch to the next, so a resumed run recomputes epoch e's
/// batches exactly and skips the ones it has done.
///
/// ```swift
/// let batches = try BucketedBatches(lengths: examples.map(\.count), batchSize: 32, seed: 1)
/// for indices in batches.epoch(3) { let batch = PaddedBatch(examples: examples, indices: indices) }
/// ```
public struct BucketedBatches: Equatable, Sendable {
    /// The length of each example, (N).
    public let lengths: [Int]
    /// B, the most examples in a batch.
    public let batchSize: Int
    /// The run's seed; each epoch's order is derived from it and the epoch number.
    public let seed: UInt64
    /// How many batches a pool sorted by length holds.
    public let poolBatches: Int

    /// Prepares the epochs of N examples with lengths `lengths`.
    /// - Throws: `RNNKitError` if there are no examples, or the batch size or pool size is
    ///   below 1.
    public init(lengths: [Int], batchSize: Int, seed: UInt64, poolBatches: Int = 50) throws {
        guard !lengths.isEmpty else { throw RNNKitError("there are no examples to batch") }
        guard batchSize >= 1 else { throw RNNKitError("the batch size is \(batchSize); it must be at least 1") }
        guard poolBatches >= 1 else { throw RNNKitError("the pool size is \(poolBatches) batches; it must be at least 1") }
        self.lengths = lengths
        self.batchSize = batchSize
        self.seed = seed
        self.poolBatches = poolBatches
    }

    /// The number of batches in every epoch: the sum over pools of ⌈pool / B⌉.
    public var batchesPerEpoch: Int {
        let pool = poolBatches * batchSize, N = lengths.count
        return (N / pool) * poolBatches + (N % pool + batchSize - 1) / batchSize
    }

    /// The batches of epoch `epoch` (any integer; runs count from 1), each a list of example
    /// indices sorted by length; every index occurs exactly once.
    public func epoch(_ epoch: Int) -> [[Int]] {
        var g = Self.generator(seed: seed, epoch: epoch)
        var order = Array(lengths.indices)
        Self.shuffle(&order, &g)
        var batches: [[Int]] = []
        batches.reserveCapacity(batchesPerEpoch)
        let pool = poolBatches * batchSize
        for start in stride(from: 0, to: order.count, by: pool) {
            let sorted = Self.sortedByLength(order[start..<min(start + pool, order.count)], lengths)
            for b in stride(from: 0, to: sorted.count, by: batchSize) {
                batches.append(Array(sorted[b..<min(b + batchSize, sorted.count)]))
            }
        }
        Self.shuffle(&batches, &g)
        return batches
    }

    /// Batches for evaluation, with no randomness: all indices sorted by length (ties in index
    /// order), cut into batches of `batchSize` (the last may be smaller).
    /// - Precondition: `batchSize >= 1`.
    public static func evaluationOrder(lengths: [Int], batchSize: Int) -> [[Int]] {
        precondition(batchSize >= 1, "the batch size must be at least 1")
        let sorted = sortedByLength(lengths.indices[...], lengths)
        return stride(from: 0, to: sorted.count, by: batchSize).map { Array(sorted[$0..<min($0 + batchSize, sorted.count)]) }
    }

    /// The generator of epoch `epoch`: a function of (seed, epoch) only.
    static func generator(seed: UInt64, epoch: Int) -> SeededGenerator {
        var base = SeededGenerator(seed: seed)
        return SeededGenerator(seed: base.next() ^ (UInt64(bitPattern: Int64(epoch)) &* 0xD1B5_4A32_D192_ED03))
    }

    /// Fisher–Yates, drawing j uniformly from 0...i by the high word of a 64×64-bit product
    /// (written out, so the order never depends on the standard library's choices).
    static func shuffle<T>(_ xs: inout [T], _ g: inout SeededGenerator) {
        guard xs.count > 1 else { return }
        for i in stride(from: xs.count - 1, to: 0, by: -1) {
            let j = Int(g.next().multipliedFullWidth(by: UInt64(i + 1)).high)
            xs.swapAt(i, j)
        }
    }

    /// `indices` sorted by `lengths[index]`, ties kept in their given order.
    static func sortedByLength(_ indices: some Collection<Int>, _ lengths: [Int]) -> [Int] {
        indices.enumerated().sorted { a, b in
            (lengths[a.element], a.offset) < (lengths[b.element], b.offset)
        }.map(\.element)
    }
}
