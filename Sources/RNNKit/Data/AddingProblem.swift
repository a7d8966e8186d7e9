/// The adding problem (Hochreiter & Schmidhuber 1997; Le, Jaitly & Hinton 2015), a test of
/// long-range memory: each sequence has T steps of two input channels, a value u_t ~ U(0, 1)
/// and a marker m_t that is 1 on exactly two steps — one in the first half, t₁ ∈ [0, ⌊T/2⌋),
/// one in the second, t₂ ∈ [⌊T/2⌋, T) — and 0 elsewhere. The target is u_{t₁} + u_{t₂}.
///
/// Always predicting 1 (the target's mean) scores MSE = Var(u₁ + u₂) = 2/12 ≈ 0.167, the
/// baseline a model must beat by remembering the first marked value for at least T/2 steps.
public struct AddingProblem: Sendable {
    /// T, the steps of every sequence (at least 2).
    public let length: Int
    /// The input channels per step: the value and the marker.
    public static let features = 2
    /// The MSE of always predicting 1: Var(u₁ + u₂) = 1/6.
    public static let baselineMSE = 1.0 / 6.0

    /// Creates the problem for sequences of `length` steps.
    /// - Throws: `RNNKitError` if `length` is below 2 (two marked steps are needed).
    public init(length: Int) throws {
        guard length >= 2 else {
            throw RNNKitError("the adding problem needs a sequence length of at least 2 (two marked steps), got \(length)")
        }
        self.length = length
    }

    /// B sequences drawn from `generator`: x (T, B, 2) time-major, [value, marker] per step, and
    /// the targets (B).
    public func batch(size B: Int, using generator: inout SeededGenerator) -> (x: [Float], target: [Float]) {
        let T = length, half = T / 2
        var x = [Float](repeating: 0, count: T * B * 2)          // (T, B, 2)
        var target = [Float](repeating: 0, count: B)             // (B)
        for b in 0..<B {
            for t in 0..<T { x[(t * B + b) * 2] = generator.nextUnit() }
            let first = Int(generator.next() % UInt64(half))
            let second = half + Int(generator.next() % UInt64(T - half))
            for t in [first, second] {
                x[(t * B + b) * 2 + 1] = 1
                target[b] += x[(t * B + b) * 2]
            }
        }
        return (x, target)
    }
}
