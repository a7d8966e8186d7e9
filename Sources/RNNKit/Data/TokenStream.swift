// A token stream cut into B columns, read in chunks of consecutive steps: PyTorch's
// word_language_model `batchify` and `get_batch`.
//
// N = ⌊len / B⌋ steps per column; the last len − N·B tokens are dropped.
//   data (N, B):  data[i, b] = ids[b·N + i]         column b is the b-th contiguous slice
//   chunk at i of T steps:  inputs = data[i ..< i+T], targets = data[i+1 ..< i+1+T]

/// A token stream batched into B parallel columns, PyTorch's `batchify`: column b holds the
/// b-th contiguous slice of N = ⌊count / B⌋ tokens, and step i of all columns is one row.
public struct BatchedTokens: Sendable, Equatable {
    /// B, the number of columns.
    public let batch: Int
    /// N, the steps per column.
    public let steps: Int
    /// (N, B) row-major: `data[i·B + b]` is step i of column b.
    public let data: [Int]

    /// Cuts `ids` into `batch` columns.
    /// - Throws: `RNNKitError` if a column would hold fewer than 2 tokens (one input and its
    ///   target), i.e. the text is shorter than one batch. `what` names the stream.
    public init(_ ids: [Int], batch B: Int, what: String = "the text") throws {
        guard B > 0 else { throw RNNKitError("the batch size must be positive, got \(B)") }
        let n = ids.count / B
        guard n >= 2 else {
            throw RNNKitError("\(what) has \(ids.count) tokens, too short for one batch of \(B) columns (at least \(CheckedCount.product(2, B).map(String.init) ?? "2^64") needed)")
        }
        var data = [Int](repeating: 0, count: n * B)
        for b in 0..<B {
            for i in 0..<n { data[i * B + b] = ids[b * n + i] }
        }
        batch = B
        steps = n
        self.data = data
    }

    /// The number of (input, target) positions per column: N − 1.
    public var positions: Int { steps - 1 }

    /// The inputs and targets of `count` steps starting at step `start`, each (T, B) row-major
    /// with T = `count`; targets are the next step's tokens. The first `ignored` targets are
    /// set to −1 (not trained: the warm-up part of a TBPTT(k1, k2) window).
    public func chunk(start: Int, count T: Int, ignored: Int = 0) -> (inputs: [Int], targets: [Int]) {
        precondition(start >= 0 && T > 0 && start + T <= positions, "BatchedTokens: chunk \(start)..<\(start + T) out of 0..<\(positions)")
        let B = batch
        let inputs = Array(data[(start * B)..<((start + T) * B)])
        var targets = Array(data[((start + 1) * B)..<((start + 1 + T) * B)])
        for k in 0..<min(ignored, T) * B { targets[k] = -1 }
        return (inputs, targets)
    }
}

/// The truncated-BPTT schedule TBPTT(k1, k2) over one epoch of a batched stream: an update
/// every k1 steps, each backpropagating through the last k2 steps (k1 ≤ k2).
///
/// Update s trains the targets of positions [s·k1, e) with e = min((s+1)·k1, N−1), running the
/// window [w, e) with w = max(0, s·k1 + k1 − k2) from the state that entered position w (a
/// constant); its first s·k1 − w targets are only context. With k1 = k2 this is PyTorch's
/// word_language_model loop: consecutive chunks of k2 steps, the last one shorter.
public struct TBPTTSchedule: Sendable, Equatable {
    /// k1, the steps between updates.
    public let k1: Int
    /// k2, the steps gradients flow back through.
    public let k2: Int
    /// N − 1, the positions of one epoch.
    public let positions: Int

    /// One update: the window to run and how many of its first steps are context only.
    public struct Window: Sendable, Equatable {
        /// The first step run (w).
        public let start: Int
        /// The steps run (e − w).
        public let count: Int
        /// The leading steps whose targets are ignored (s·k1 − w).
        public let context: Int
        /// The steps whose targets are trained.
        public var trained: Int { count - context }
    }

    /// Creates a schedule. Requires 1 ≤ k1 ≤ k2 and positions ≥ 1.
    public init(k1: Int, k2: Int, positions: Int) {
        precondition(k1 >= 1 && k1 <= k2 && positions >= 1, "TBPTTSchedule: need 1 ≤ k1 ≤ k2 and positions ≥ 1")
        self.k1 = k1
        self.k2 = k2
        self.positions = positions
    }

    /// The updates per epoch: ⌈(N − 1) / k1⌉.
    public var updates: Int { (positions + k1 - 1) / k1 }

    /// Update `s` (0-based).
    public func window(_ s: Int) -> Window {
        let first = s * k1, end = min(first + k1, positions)
        let start = max(0, first + k1 - k2)
        return Window(start: start, count: end - start, context: first - start)
    }

    /// Where, within window `s`, the state that enters window s + 1 is: the offset of s+1's
    /// start from s's start (k1 once windows are full length; the window's length means its
    /// final state).
    public func carryOffset(after s: Int) -> Int {
        window(s + 1).start - window(s).start
    }
}

extension BatchedTokens {
    /// Columns `columns` of `other`, as a stream of their own: (N, n).
    init(selecting columns: Range<Int>, of other: BatchedTokens) {
        batch = columns.count
        steps = other.steps
        data = (0..<other.steps).flatMap { i in other.data[(i * other.batch + columns.lowerBound)..<(i * other.batch + columns.upperBound)] }
    }
}
