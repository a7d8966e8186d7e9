// What one part of a split's evaluation measured, in a form whose parts combine exactly into
// the whole split's: integer counts (labels, confusion cells, matched n-grams, chunks) and real
// sums (the loss) added element-wise, and per-item values (for what is not a sum, such as a
// threshold chosen on every item's error) concatenated in part order. A task's
// `evaluationSums` measures one contiguous part of a split (`BatchShard`); the trainer combines
// the parts of every rank or shard in rank order and the task's `evaluation(of:from:)` turns the
// whole into metrics, so that a split evaluated in K parts gives the metrics of the unsplit one
// (counts exactly; real sums up to their summation order).

/// Additive statistics of one part of a split's evaluation (see the file comment).
///
/// The layout of `counts`, `sums` and `items` is the task's own; every part of one split has
/// the same numbers of counts and sums.
public struct EvaluationSums: Equatable, Sendable {
    /// Integer statistics, added exactly across parts.
    public var counts: [Int]
    /// Real statistics, added across parts in part (rank) order.
    public var sums: [Double]
    /// Per-item values in item order, concatenated across parts in part order.
    public var items: [Double]

    /// Creates the statistics of one part.
    public init(counts: [Int] = [], sums: [Double] = [], items: [Double] = []) {
        self.counts = counts
        self.sums = sums
        self.items = items
    }

    /// The parts of a split combined in order: counts and sums added element-wise (the sums
    /// from the first part to the last), items concatenated.
    /// - Throws: `RNNKitError` if the parts have different numbers of counts or sums.
    public init(combining parts: [EvaluationSums]) throws {
        let first = parts.first ?? EvaluationSums()
        self = EvaluationSums(counts: [Int](repeating: 0, count: first.counts.count),
                              sums: [Double](repeating: 0, count: first.sums.count))
        for (k, part) in parts.enumerated() {
            guard part.counts.count == counts.count, part.sums.count == sums.count else {
                throw RNNKitError("evaluation part \(k) has \(part.counts.count) counts and \(part.sums.count) sums; part 0 has \(counts.count) and \(sums.count)")
            }
            for i in counts.indices { counts[i] += part.counts[i] }
            for i in sums.indices { sums[i] += part.sums[i] }
            items += part.items
        }
    }

    /// Checks that the statistics have the layout `task` writes.
    /// - Throws: `RNNKitError` naming `task` if the numbers of counts or sums differ.
    public func expect(counts c: Int, sums s: Int, of task: String) throws {
        guard counts.count == c, sums.count == s else {
            throw RNNKitError("\(task) evaluation statistics are \(c) counts and \(s) sums, not \(counts.count) and \(sums.count)")
        }
    }

    // MARK: - Bytes (for the ranks' allgather)

    /// The statistics as little-endian 64-bit words: the three lengths, the counts, the sums'
    /// and the items' bit patterns.
    public var bytes: [UInt8] {
        let words = [UInt64(counts.count), UInt64(sums.count), UInt64(items.count)]
            + counts.map { UInt64(bitPattern: Int64($0)) } + sums.map(\.bitPattern) + items.map(\.bitPattern)
        return words.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
    }

    /// Reads what `bytes` wrote.
    /// - Throws: `RNNKitError` if the bytes are not a whole number of words or their lengths
    ///   disagree with their size.
    public init(bytes: [UInt8]) throws {
        guard bytes.count % 8 == 0, bytes.count >= 24 else {
            throw RNNKitError("evaluation statistics of \(bytes.count) bytes; expected at least 24, a multiple of 8")
        }
        let words = (0..<(bytes.count / 8)).map { w in (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[8 * w + $1]) << (8 * $1) } }
        let (c, s, n) = (Int(clamping: words[0]), Int(clamping: words[1]), Int(clamping: words[2]))
        guard c <= words.count, s <= words.count, n <= words.count, 3 + c + s + n == words.count else {
            throw RNNKitError("evaluation statistics of \(words.count) words do not hold \(c) counts, \(s) sums and \(n) items")
        }
        counts = words[3..<(3 + c)].map { Int(Int64(bitPattern: $0)) }
        sums = words[(3 + c)..<(3 + c + s)].map(Double.init(bitPattern:))
        items = words[(3 + c + s)...].map(Double.init(bitPattern:))
    }
}
