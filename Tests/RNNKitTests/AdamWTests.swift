import Testing
@testable import RNNKit

@Suite struct AdamWTests {
    @Test func defaultsArePyTorchs() throws {
        let adamw = try AdamW<Double>()
        #expect(adamw.learningRate == 1e-3 && adamw.weightDecay == 0.01 && adamw.decoupledWeightDecay)
        #expect(adamw.betas == (0.9, 0.999) && adamw.epsilon == 1e-8)
        OptimizerHarness.expectSteps(OptimizerHarness.run(adamw, steps: 3),
                                     AdamTests.reference(lr: 1e-3, weightDecay: 0.01, decoupled: true, steps: 3), "AdamW")
    }

    @Test func strongDecay() throws {
        let adamw = try AdamW<Double>(learningRate: 0.05, weightDecay: 0.5)
        OptimizerHarness.expectSteps(OptimizerHarness.run(adamw, steps: 3),
                                     AdamTests.reference(lr: 0.05, weightDecay: 0.5, decoupled: true, steps: 3), "AdamW λ = 0.5")
    }

    @Test func decaysParametersWithZeroGradient() throws {
        // With g = 0 the Adam part is 0, so each step only multiplies θ by 1 − γλ.
        let arena = ParameterArena<Double>()
        let e = arena.add(name: "w", shape: [2])
        arena.valuePointer(e).update(from: [2.0, -4.0], count: 2)
        let adamw = try AdamW<Double>(learningRate: 0.1, weightDecay: 0.5)
        adamw.step(arena)
        adamw.step(arena)
        #expect(arena.value(named: "w")!.scalars == [2.0 * 0.95 * 0.95, -4.0 * 0.95 * 0.95])
    }
}
