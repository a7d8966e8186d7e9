import Testing
@testable import RNNKit

@Suite struct SGDTests {
    /// SGD computed from its definition: g += λθ; b = g, then μb + (1 − τ)g; g = g + μb or b; θ −= γg.
    static func reference(lr: Double, momentum μ: Double = 0, dampening τ: Double = 0, weightDecay λ: Double = 0,
                          nesterov: Bool = false, steps: Int) -> [[Double]] {
        var θ = OptimizerHarness.initial
        var b = [Double](repeating: 0, count: 7)
        var history: [[Double]] = []
        for s in 0..<steps {
            for i in 0..<7 {
                var g = OptimizerHarness.gradient(step: s, index: i) + λ * θ[i]
                if μ != 0 {
                    b[i] = s == 0 ? g : μ * b[i] + (1 - τ) * g
                    g = nesterov ? g + μ * b[i] : b[i]
                }
                θ[i] -= lr * g
            }
            history.append(θ)
        }
        return history
    }

    @Test func defaultsArePyTorchs() throws {
        let sgd = try SGD<Double>()
        #expect(sgd.learningRate == 1e-3 && sgd.momentum == 0 && sgd.dampening == 0 && sgd.weightDecay == 0 && !sgd.nesterov)
        OptimizerHarness.expectSteps(OptimizerHarness.run(sgd, steps: 3), Self.reference(lr: 1e-3, steps: 3), "SGD")
        #expect(sgd.stepCount == 3 && sgd.exportState().buffers.isEmpty)
    }

    @Test func momentumDampeningAndWeightDecay() throws {
        let sgd = try SGD<Double>(learningRate: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01)
        OptimizerHarness.expectSteps(OptimizerHarness.run(sgd, steps: 3),
                                     Self.reference(lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, steps: 3), "SGD momentum")
    }

    @Test func nesterov() throws {
        let sgd = try SGD<Double>(learningRate: 0.05, momentum: 0.8, nesterov: true)
        OptimizerHarness.expectSteps(OptimizerHarness.run(sgd, steps: 3),
                                     Self.reference(lr: 0.05, momentum: 0.8, nesterov: true, steps: 3), "SGD Nesterov")
    }

    @Test func rejectsInvalidSettings() {
        #expect(throws: RNNKitError("Nesterov momentum requires a momentum and zero dampening")) {
            try SGD<Float>(learningRate: 0.1, nesterov: true)
        }
        #expect(throws: RNNKitError("Nesterov momentum requires a momentum and zero dampening")) {
            try SGD<Float>(learningRate: 0.1, momentum: 0.9, dampening: 0.5, nesterov: true)
        }
        #expect(throws: RNNKitError("invalid learning rate -0.1: it must be ≥ 0")) { try SGD<Float>(learningRate: -0.1) }
        #expect(throws: RNNKitError("invalid momentum -0.5: it must be ≥ 0")) { try SGD<Float>(momentum: -0.5) }
    }

    @Test func aNewLearningRateAppliesToTheNextStep() throws {
        let arena = ParameterArena<Float>()
        let e = arena.add(name: "w", shape: [1])
        arena.gradientPointer(e)[0] = 1
        let sgd = try SGD<Float>(learningRate: 0.5)
        sgd.step(arena)
        sgd.learningRate = 0.25
        sgd.step(arena)
        #expect(arena.value(named: "w")!.scalars == [-0.75])
    }
}
