import Foundation
import Testing
@testable import RNNKit

@Suite struct AdamTests {
    /// Adam / AdamW from the definitions in CONTRACT.md and PyTorch's documentation.
    static func reference(lr: Double, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                          weightDecay λ: Double = 0, decoupled: Bool = false, steps: Int) -> [[Double]] {
        var θ = OptimizerHarness.initial
        var m = [Double](repeating: 0, count: 7), v = m
        var history: [[Double]] = []
        for s in 0..<steps {
            let t = Double(s + 1)
            for i in 0..<7 {
                var g = OptimizerHarness.gradient(step: s, index: i)
                if decoupled { θ[i] -= lr * λ * θ[i] } else { g += λ * θ[i] }
                m[i] = betas.0 * m[i] + (1 - betas.0) * g
                v[i] = betas.1 * v[i] + (1 - betas.1) * g * g
                let mHat = m[i] / (1 - pow(betas.0, t))
                let vHat = v[i] / (1 - pow(betas.1, t))
                θ[i] -= lr * mHat / (vHat.squareRoot() + eps)
            }
            history.append(θ)
        }
        return history
    }

    @Test func defaultsArePyTorchs() throws {
        let adam = try Adam<Double>()
        #expect(adam.learningRate == 1e-3 && adam.betas == (0.9, 0.999) && adam.epsilon == 1e-8 && adam.weightDecay == 0)
        #expect(!adam.decoupledWeightDecay)
        OptimizerHarness.expectSteps(OptimizerHarness.run(adam, steps: 3), Self.reference(lr: 1e-3, steps: 3), "Adam")
        let state = adam.exportState()
        #expect(state.stepCount == 3 && Set(state.buffers.keys) == ["exp_avg", "exp_avg_sq"])
    }

    @Test func l2WeightDecayAndOtherBetas() throws {
        let adam = try Adam<Double>(learningRate: 0.01, betas: (0.8, 0.99), epsilon: 1e-6, weightDecay: 0.1)
        OptimizerHarness.expectSteps(OptimizerHarness.run(adam, steps: 3),
                                     Self.reference(lr: 0.01, betas: (0.8, 0.99), eps: 1e-6, weightDecay: 0.1, steps: 3), "Adam L2")
    }

    @Test func smallFirstBetaUsesTheOtherLerpBranch() throws {
        // 1 − β₁ ≥ 0.5 takes PyTorch's lerp from the far end; the result is the same update.
        let adam = try Adam<Double>(learningRate: 0.01, betas: (0.3, 0.999))
        OptimizerHarness.expectSteps(OptimizerHarness.run(adam, steps: 3),
                                     Self.reference(lr: 0.01, betas: (0.3, 0.999), steps: 3), "Adam β₁ = 0.3")
    }

    @Test func rejectsInvalidSettings() {
        #expect(throws: RNNKitError("invalid beta parameter at index 1: 1.0 (it must be in [0, 1))")) {
            try Adam<Float>(betas: (0.9, 1.0))
        }
        #expect(throws: RNNKitError("invalid beta parameter at index 0: -0.1 (it must be in [0, 1))")) {
            try Adam<Float>(betas: (-0.1, 0.9))
        }
        #expect(throws: RNNKitError("invalid epsilon -1.0: it must be ≥ 0")) { try Adam<Float>(epsilon: -1) }
        #expect(throws: RNNKitError("invalid weight decay -0.1: it must be ≥ 0")) { try Adam<Float>(weightDecay: -0.1) }
    }
}
