@testable import RNNKit

/// Deterministic test data for the layer tests.
enum LayerTestData {
    /// `count` samples from U(−1, 1), reproducible from `seed`.
    static func uniform(_ count: Int, seed: UInt64) -> [Double] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in g.uniform(-1.0, 1.0) }
    }

    /// A tensor of `shape` filled from U(−1, 1).
    static func tensor(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
        Tensor(shape: shape, scalars: uniform(shape.reduce(1, *), seed: seed))
    }

    /// Σᵢ aᵢ·bᵢ: a random linear functional of a layer's output, used as the scalar loss.
    static func dot(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
        precondition(a.shape == b.shape)
        return zip(a.scalars, b.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

extension SeededGenerator {
    /// n Float values uniform in [−scale, scale) (the kernel tests' inputs).
    mutating func floats(_ n: Int, scale: Float) -> [Float] {
        (0..<n).map { _ in uniform(-scale, scale) }
    }
}
