import Testing
@testable import RNNKit

@Suite struct RMSpropTests {
    /// RMSprop from PyTorch's documented algorithm.
    static func reference(lr: Double, alpha α: Double = 0.99, eps: Double = 1e-8, weightDecay λ: Double = 0,
                          momentum μ: Double = 0, centered: Bool = false, steps: Int) -> [[Double]] {
        var θ = OptimizerHarness.initial
        var v = [Double](repeating: 0, count: 7), gAvg = v, b = v
        var history: [[Double]] = []
        for s in 0..<steps {
            for i in 0..<7 {
                let g = OptimizerHarness.gradient(step: s, index: i) + λ * θ[i]
                v[i] = α * v[i] + (1 - α) * g * g
                var variance = v[i]
                if centered {
                    gAvg[i] = α * gAvg[i] + (1 - α) * g
                    variance -= gAvg[i] * gAvg[i]
                }
                let denominator = variance.squareRoot() + eps
                if μ > 0 {
                    b[i] = μ * b[i] + g / denominator
                    θ[i] -= lr * b[i]
                } else {
                    θ[i] -= lr * g / denominator
                }
            }
            history.append(θ)
        }
        return history
    }

    @Test func defaultsArePyTorchs() throws {
        let rmsprop = try RMSprop<Double>()
        #expect(rmsprop.learningRate == 1e-2 && rmsprop.alpha == 0.99 && rmsprop.epsilon == 1e-8)
        #expect(rmsprop.weightDecay == 0 && rmsprop.momentum == 0 && !rmsprop.centered)
        OptimizerHarness.expectSteps(OptimizerHarness.run(rmsprop, steps: 3), Self.reference(lr: 1e-2, steps: 3), "RMSprop")
        #expect(Set(rmsprop.exportState().buffers.keys) == ["square_avg"])
    }

    @Test func centeredWithMomentumAndWeightDecay() throws {
        let rmsprop = try RMSprop<Double>(learningRate: 0.01, alpha: 0.9, epsilon: 1e-6, weightDecay: 0.05,
                                          momentum: 0.7, centered: true)
        OptimizerHarness.expectSteps(OptimizerHarness.run(rmsprop, steps: 3),
                                     Self.reference(lr: 0.01, alpha: 0.9, eps: 1e-6, weightDecay: 0.05, momentum: 0.7,
                                                    centered: true, steps: 3), "RMSprop centered")
        #expect(Set(rmsprop.exportState().buffers.keys) == ["square_avg", "momentum_buffer", "grad_avg"])
    }

    @Test func centeredWithoutMomentum() throws {
        let rmsprop = try RMSprop<Double>(learningRate: 0.02, centered: true)
        OptimizerHarness.expectSteps(OptimizerHarness.run(rmsprop, steps: 3),
                                     Self.reference(lr: 0.02, centered: true, steps: 3), "RMSprop centered, μ = 0")
    }

    @Test func rejectsInvalidSettings() {
        #expect(throws: RNNKitError("invalid alpha -0.5: it must be ≥ 0")) { try RMSprop<Float>(alpha: -0.5) }
        #expect(throws: RNNKitError("invalid momentum -1.0: it must be ≥ 0")) { try RMSprop<Float>(momentum: -1) }
    }
}
