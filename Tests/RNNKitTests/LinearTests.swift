import Testing
@testable import RNNKit

@Suite struct LinearTests {
    /// W = [[1, 2, 3], [4, 5, 6]], b = [0.5, −1].
    private func handLayer(bias: Bool = true) throws -> Linear<Double> {
        let layer = Linear<Double>(inFeatures: 3, outFeatures: 2, bias: bias)
        try layer.arena.setValue(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), named: "weight")
        if bias { try layer.arena.setValue(Tensor(shape: [2], scalars: [0.5, -1]), named: "bias") }
        return layer
    }

    @Test func forwardMatchesHandComputedValues() throws {
        let layer = try handLayer()
        let x = Tensor<Double>(shape: [2, 3], scalars: [1, 0, -1, 2, 1, 0])
        // [1, 0, −1]·Wᵀ = [−2, −2]; [2, 1, 0]·Wᵀ = [4, 13]; plus b.
        #expect(layer.forward(x) == Tensor(shape: [2, 2], scalars: [-1.5, -3, 4.5, 12]))
        // Leading dimensions are rows: (2, 1, 3) → (2, 1, 2); a vector (3) → (2).
        #expect(layer.forward(x.reshaped([2, 1, 3])) == Tensor(shape: [2, 1, 2], scalars: [-1.5, -3, 4.5, 12]))
        #expect(layer.forward(Tensor(shape: [3], scalars: [2, 1, 0])) == Tensor(shape: [2], scalars: [4.5, 12]))
        // No rows: (0, 3) → (0, 2).
        #expect(layer.forward(Tensor(zeros: [0, 3])).shape == [0, 2])
    }

    @Test func forwardWithoutBias() throws {
        let layer = try handLayer(bias: false)
        #expect(!layer.hasBias && layer.arena.names == ["weight"])
        let x = Tensor<Double>(shape: [2, 3], scalars: [1, 0, -1, 2, 1, 0])
        #expect(layer.forward(x) == Tensor(shape: [2, 2], scalars: [-2, -2, 4, 13]))
    }

    @Test func backwardMatchesHandComputedValues() throws {
        let layer = try handLayer()
        let x = Tensor<Double>(shape: [2, 3], scalars: [1, 0, -1, 2, 1, 0])
        _ = layer.forward(x)
        let dy = Tensor<Double>(shape: [2, 2], scalars: [1, 0, 0, 2])
        // dx = dy·W; dW = dyᵀ·x; db = column sums of dy.
        #expect(layer.backward(dy) == Tensor(shape: [2, 3], scalars: [1, 2, 3, 8, 10, 12]))
        #expect(layer.arena.gradient(named: "weight")?.scalars == [1, 0, -1, 4, 2, 0])
        #expect(layer.arena.gradient(named: "bias")?.scalars == [1, 2])
    }

    @Test func initialisationFollowsPyTorch() {
        let arena = ParameterArena<Double>()
        var g = SeededGenerator(seed: 11)
        let layer = Linear(inFeatures: 4, outFeatures: 3, arena: arena, prefix: "decoder.", generator: &g)
        #expect(arena.names == ["decoder.weight", "decoder.bias"])
        #expect(arena.entry(named: "decoder.weight")?.shape == [3, 4])
        #expect(arena.entry(named: "decoder.bias")?.shape == [3])
        #expect(layer.inFeatures == 4 && layer.outFeatures == 3 && layer.hasBias)
        // Weight (row-major), then bias, from U(−1/√4, 1/√4) = U(−0.5, 0.5).
        var expected = SeededGenerator(seed: 11)
        let w = (0..<12).map { _ in expected.uniform(-0.5, 0.5) as Double }
        let b = (0..<3).map { _ in expected.uniform(-0.5, 0.5) as Double }
        #expect(arena.value(named: "decoder.weight")?.scalars == w)
        #expect(arena.value(named: "decoder.bias")?.scalars == b)
        #expect(g == expected)
        // The convenience init is the same draw from its seed.
        let own = Linear<Double>(inFeatures: 4, outFeatures: 3, seed: 11)
        #expect(own.arena.value(named: "weight")?.scalars == w)
        #expect(Linear<Double>(inFeatures: 4, outFeatures: 3, seed: 12).arena.value(named: "weight")?.scalars != w)
    }

    @Test(arguments: [true, false])
    func gradientsMatchFiniteDifferences(bias: Bool) {
        let layer = Linear<Double>(inFeatures: 4, outFeatures: 3, bias: bias, seed: 5)
        var x = LayerTestData.tensor([2, 3, 4], seed: 1)            // (2, 3, I)
        let r = LayerTestData.tensor([2, 3, 3], seed: 2)            // (2, 3, O)
        layer.arena.zeroGradients()
        _ = layer.forward(x)
        let dx = layer.backward(r)

        let loss = { LayerTestData.dot(layer.forward(x), r) }
        let numericParameters = numericalGradient(of: layer.arena, loss: loss)
        expectClose(analyticGradient(of: layer.arena), numericParameters, atol: 1e-8, rtol: 1e-6, "parameters")
        let numericInput = numericalGradient(
            count: x.count, read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 },
            loss: { LayerTestData.dot(layer.forward(x), r) })
        expectClose(dx.scalars, numericInput, atol: 1e-8, rtol: 1e-6, "input")
    }

    @Test func backwardAccumulatesIntoGradients() {
        let layer = Linear<Double>(inFeatures: 3, outFeatures: 2, seed: 1)
        let x = LayerTestData.tensor([4, 3], seed: 3), dy = LayerTestData.tensor([4, 2], seed: 4)
        _ = layer.forward(x)
        _ = layer.backward(dy)
        let once = analyticGradient(of: layer.arena)
        _ = layer.forward(x)
        _ = layer.backward(dy)
        expectClose(analyticGradient(of: layer.arena), once.map { 2 * $0 }, atol: 1e-12, rtol: 1e-12, "twice")
        layer.arena.zeroGradients()
        #expect(analyticGradient(of: layer.arena).allSatisfy { $0 == 0 })
    }

    @Test func pointerEntryPointsMatchTensorAPI() {
        let layer = Linear<Double>(inFeatures: 5, outFeatures: 3, seed: 2)
        let x = LayerTestData.tensor([4, 5], seed: 5), dy = LayerTestData.tensor([4, 3], seed: 6)
        let y = layer.forward(x)
        _ = layer.backward(dy)
        let tensorGradients = analyticGradient(of: layer.arena)
        layer.arena.zeroGradients()

        var yp = [Double](repeating: .nan, count: 12)
        x.scalars.withUnsafeBufferPointer { xp in
            yp.withUnsafeMutableBufferPointer { layer.forward(x: xp.baseAddress!, rows: 4, into: $0.baseAddress!) }
            dy.scalars.withUnsafeBufferPointer { layer.backward(x: xp.baseAddress!, dy: $0.baseAddress!, rows: 4, dx: nil) }
        }
        #expect(yp == y.scalars)
        #expect(analyticGradient(of: layer.arena) == tensorGradients)
    }

    @Test func sharedArenaGrowthKeepsLayerValid() {
        let arena = ParameterArena<Double>()
        var g = SeededGenerator(seed: 9)
        let layer = Linear(inFeatures: 3, outFeatures: 2, arena: arena, prefix: "decoder.", generator: &g)
        let x = LayerTestData.tensor([2, 3], seed: 7)
        let before = layer.forward(x)
        _ = Embedding(numEmbeddings: 50, embeddingDim: 8, arena: arena, prefix: "embedding.", generator: &g)
        #expect(layer.forward(x) == before)
    }

    @Test func floatAndDoubleAgree() throws {
        let double = Linear<Double>(inFeatures: 7, outFeatures: 5, seed: 3)
        let float = Linear<Float>(inFeatures: 7, outFeatures: 5, seed: 3)
        // The same seed draws the same initialisation, up to Float rounding.
        expectClose(float.arena.value(named: "weight")!.scalars.map(Double.init),
                    double.arena.value(named: "weight")!.scalars, atol: 1e-7, rtol: 0, "init")
        for name in ["weight", "bias"] {
            try float.arena.setValue(Tensor(double.arena.value(named: name)!), named: name)
        }
        let x = LayerTestData.tensor([3, 2, 7], seed: 8), dy = LayerTestData.tensor([3, 2, 5], seed: 9)
        expectClose(float.forward(Tensor(x)).scalars, Tensor<Float>(double.forward(x)).scalars, "forward")
        expectClose(float.backward(Tensor(dy)).scalars, Tensor<Float>(double.backward(dy)).scalars, "dx")
        expectClose(float.arena.gradient(named: "weight")!.scalars,
                    Tensor<Float>(double.arena.gradient(named: "weight")!).scalars, "dW")
    }

    @Test func wrongInputWidthIsAPreconditionFailure() async {
        await #expect(processExitsWith: .failure) {
            _ = Linear<Float>(inFeatures: 3, outFeatures: 2).forward(Tensor(zeros: [2, 4]))
        }
    }
}
