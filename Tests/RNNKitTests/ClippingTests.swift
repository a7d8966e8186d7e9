import Testing
@testable import RNNKit

@Suite struct ClippingTests {
    /// An arena with a (3) and b (2, 2) whose gradients are `a` and `b`.
    static func arena<S: RNNScalar>(_ a: [S], _ b: [S]) -> ParameterArena<S> {
        let arena = ParameterArena<S>()
        let ea = arena.add(name: "a", shape: [3])
        let eb = arena.add(name: "b", shape: [2, 2])
        for i in 0..<3 { arena.gradientPointer(ea)[i] = a[i] }
        for i in 0..<4 { arena.gradientPointer(eb)[i] = b[i] }
        return arena
    }

    @Test func clipsByTheGlobalNorm() {
        // ‖(3, 4, 0)‖ = 5 and ‖(12, 0, 0, 0)‖ = 12, so the global norm is 13.
        let arena: ParameterArena<Double> = Self.arena([3, 4, 0], [12, 0, 0, 0])
        let total = clipGradientNorm(arena, maxNorm: 6.5)
        #expect(total == 13)
        let scale = 6.5 / (13 + 1e-6)
        expectClose(arena.gradient(named: "a")!.scalars, [3 * scale, 4 * scale, 0], atol: 0, rtol: 1e-15)
        expectClose(arena.gradient(named: "b")!.scalars, [12 * scale, 0, 0, 0], atol: 0, rtol: 1e-15)
        #expect(analyticGradient(of: arena)[3..<16].allSatisfy { $0 == 0 })  // the alignment gap stays 0
    }

    @Test func onlyReportsWhenTheNormIsSmallOrMaxIsNotPositive() {
        for maxNorm in [0.0, -1.0, 100.0] {
            let arena: ParameterArena<Double> = Self.arena([3, 4, 0], [12, 0, 0, 0])
            #expect(clipGradientNorm(arena, maxNorm: maxNorm) == 13)
            #expect(arena.gradient(named: "a")!.scalars == [3, 4, 0])
            #expect(arena.gradient(named: "b")!.scalars == [12, 0, 0, 0])
        }
        #expect(clipGradientNorm(ParameterArena<Float>(), maxNorm: 1) == 0)
    }

    @Test func sumsLongTensorsAccurately() {
        var rng = SeededGenerator(seed: 3)
        let arena = ParameterArena<Float>()
        var exact = 0.0
        for (k, n) in [1000, 7, 33].enumerated() {
            let e = arena.add(name: "p\(k)", shape: [n])
            for i in 0..<n {
                let g: Float = rng.normal()
                arena.gradientPointer(e)[i] = g
                exact += Double(g) * Double(g)
            }
        }
        let total = clipGradientNorm(arena, maxNorm: 0)
        #expect(abs(Double(total) - exact.squareRoot()) <= 1e-6 * exact.squareRoot())
    }

    @Test func spreadsNaNAsPyTorchDoes() {
        let arena: ParameterArena<Float> = Self.arena([.nan, 1, 0], [1, 0, 0, 0])
        #expect(clipGradientNorm(arena, maxNorm: 1).isNaN)
        #expect(arena.gradient(named: "b")!.scalars[0].isNaN)
    }

    @Test func clampsByValue() throws {
        let arena: ParameterArena<Float> = Self.arena([-3, 0.5, 2], [.nan, -1, 1, -0.25])
        try clipGradientValue(arena, clipValue: 1)
        #expect(arena.gradient(named: "a")!.scalars == [-1, 0.5, 1])
        let b = arena.gradient(named: "b")!.scalars
        #expect(b[0].isNaN && Array(b[1...]) == [-1, 1, -0.25])
        #expect(throws: RNNKitError("the gradient clip value must be zero or positive, got -1.0")) {
            try clipGradientValue(arena, clipValue: -1)
        }
        #expect(throws: RNNKitError.self) { try clipGradientValue(arena, clipValue: .nan) }
    }

    @Test(arguments: ["clip", "clip_none"])
    func matchesPyTorchBitForBit(_ name: String) throws {
        let file = try TorchReference.file()
        let arena = TorchReference.arena()
        try TorchReference.setGradients(arena, from: file, prefix: "\(name).grad.")
        let total = clipGradientNorm(arena, maxNorm: name == "clip" ? 1.5 : 1000)
        #expect(total == (try file.tensor("\(name).total_norm", as: Float.self)).scalars[0])
        for e in arena.entries {
            #expect(arena.gradient(named: e.name)!.scalars == (try file.tensor("\(name).clipped.\(e.name)", as: Float.self)).scalars)
        }
    }
}
