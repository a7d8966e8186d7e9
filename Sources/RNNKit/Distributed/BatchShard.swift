// How a batch of B columns (sequences, or language-model columns) is split among N ranks:
// rank r takes the contiguous columns [start_r, start_r + n_r) with
//
//     n_r = ⌊B / N⌋ + (r < B mod N ? 1 : 0),    start_r = Σ_{q<r} n_q
//
// so sizes differ by at most one and the first B mod N ranks take one more. A rank whose
// share is empty (B < N, e.g. a short last batch) contributes a zero gradient and a zero count.

/// The share of every batch that one rank of a data-parallel run trains: rank `index` of
/// `count` (see the file comment for the split).
public struct BatchShard: Equatable, Sendable {
    /// This rank, 0..<count.
    public let index: Int
    /// N, the number of ranks the batch is split among.
    public let count: Int

    /// The whole batch (one process).
    public static let whole = BatchShard(index: 0, count: 1)

    /// Shard `index` of `count`.
    /// - Precondition: 0 ≤ index < count.
    public init(index: Int, count: Int) {
        precondition(count >= 1 && index >= 0 && index < count, "BatchShard: shard \(index) of \(count)")
        self.index = index
        self.count = count
    }

    /// Whether this is the whole batch.
    public var isWhole: Bool { count == 1 }

    /// This shard's columns of a batch of `columns` (possibly empty).
    public func columns(of columns: Int) -> Range<Int> {
        let base = columns / count, extra = columns % count
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }

    /// This shard's part of a batch's items (sequences, windows, images), in order.
    public func part<T>(_ items: [T]) -> [T] { Array(items[columns(of: items.count)]) }

    /// How a batch of `columns` is split, for the first line a run prints: "32 columns: 16 per
    /// rank" or "33 columns: 17 on ranks 0–0, 16 on the others".
    public static func describeSplit(columns: Int, ranks: Int) -> String {
        let base = columns / ranks, extra = columns % ranks
        if extra == 0 { return "batch \(columns) split \(base) per rank" }
        return "batch \(columns) split \(base + 1) on rank\(extra > 1 ? "s 0–\(extra - 1)" : " 0") and \(base) on the others (sizes differ by at most 1; the loss stays the mean over the whole batch)"
    }
}
