import Testing
@testable import RNNKit

@Suite struct AdagradTests {
    /// Adagrad from PyTorch's documented algorithm.
    static func reference(lr: Double, lrDecay η: Double = 0, weightDecay λ: Double = 0, initial: Double = 0,
                          eps: Double = 1e-10, steps: Int) -> [[Double]] {
        var θ = OptimizerHarness.initial
        var sum = [Double](repeating: initial, count: 7)
        var history: [[Double]] = []
        for s in 0..<steps {
            let decayed = lr / (1 + Double(s) * η)
            for i in 0..<7 {
                let g = OptimizerHarness.gradient(step: s, index: i) + λ * θ[i]
                sum[i] += g * g
                θ[i] -= decayed * g / (sum[i].squareRoot() + eps)
            }
            history.append(θ)
        }
        return history
    }

    @Test func defaultsArePyTorchs() throws {
        let adagrad = try Adagrad<Double>()
        #expect(adagrad.learningRate == 1e-2 && adagrad.learningRateDecay == 0 && adagrad.weightDecay == 0)
        #expect(adagrad.initialAccumulatorValue == 0 && adagrad.epsilon == 1e-10)
        OptimizerHarness.expectSteps(OptimizerHarness.run(adagrad, steps: 3), Self.reference(lr: 1e-2, steps: 3), "Adagrad")
    }

    @Test func decayWeightDecayAndInitialAccumulator() throws {
        let adagrad = try Adagrad<Double>(learningRate: 0.1, learningRateDecay: 0.1, weightDecay: 0.05,
                                          initialAccumulatorValue: 0.1)
        OptimizerHarness.expectSteps(OptimizerHarness.run(adagrad, steps: 3),
                                     Self.reference(lr: 0.1, lrDecay: 0.1, weightDecay: 0.05, initial: 0.1, steps: 3),
                                     "Adagrad with options")
        // The accumulator starts at its initial value in every slot, the alignment gap included.
        #expect(adagrad.exportState().buffers["sum"]?[10] == 0.1)
    }

    @Test func rejectsInvalidSettings() {
        #expect(throws: RNNKitError("invalid learning rate decay -0.1: it must be ≥ 0")) {
            try Adagrad<Float>(learningRateDecay: -0.1)
        }
        #expect(throws: RNNKitError("invalid initial accumulator value -1.0: it must be ≥ 0")) {
            try Adagrad<Float>(initialAccumulatorValue: -1)
        }
    }
}
