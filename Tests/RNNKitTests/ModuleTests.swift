import Testing
@testable import RNNKit

/// Modules run many times in one forward and backpropagated in reverse (the decoder's pattern),
/// train/eval propagation and the random generators a checkpoint saves.
@Suite struct ModuleTests {
    /// A cell stepped T times, then backpropagated T times in reverse order, computes exactly
    /// what the whole-sequence stack computes: outputs, input gradients and weight gradients.
    @Test(arguments: CellKind.allCases)
    func cellRunTimesEqualsTheStack(_ kind: CellKind) {
        let T = 5, B = 3, I = 4, H = 6
        var g = SeededGenerator(seed: 3)
        let cellArena = ParameterArena<Double>(), stackArena = ParameterArena<Double>()
        let cell = RecurrentCellTests.makeCell(kind, cellArena, &g, inputSize: I, hiddenSize: H)
        let stack = RecurrentStack<Double>(cell: kind, inputSize: I, hiddenSize: H, numLayers: 1, bias: true,
                                           bidirectional: false, dropout: 0, arena: stackArena, prefix: "", generator: &g)
        for (name, suffix) in zip(cellArena.names, ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]) {
            try! stackArena.setValue(cellArena.value(named: name)!, named: suffix + "_l0")
        }
        let x = LayerTestData.tensor([T, B, I], seed: 4), r = LayerTestData.tensor([T, B, H], seed: 5)
        func slice(_ t: Tensor<Double>, _ step: Int, _ width: Int) -> Tensor<Double> {
            Tensor(shape: [B, width], scalars: Array(t.scalars[(step * B * width)..<((step + 1) * B * width)]))
        }
        // The cell, step by step: T saved calls.
        var state: RecurrentState<Double>? = nil
        var outputs: [Double] = []
        for t in 0..<T {
            state = cell.step(slice(x, t, I), state: state)
            outputs += state!.h.scalars
        }
        var dState = RecurrentState(h: Tensor<Double>(zeros: [B, H]), c: kind.hasCellState ? Tensor(zeros: [B, H]) : nil)
        var dx = [[Double]](repeating: [], count: T)
        for t in stride(from: T - 1, through: 0, by: -1) {
            let rt = slice(r, t, H)
            dState.h = Tensor(shape: [B, H], scalars: zip(dState.h.scalars, rt.scalars).map { $0 + $1 })
            let back = cell.backward(gradState: dState)
            dx[t] = back.input.scalars
            dState = back.state
        }
        // The stack, whole sequence.
        let (y, _) = stack.forward(x)
        let grads = stack.backward(gradOutput: r)
        expectClose(outputs, y.scalars, atol: 1e-12, rtol: 1e-12, "outputs")
        expectClose(dx.flatMap { $0 }, grads.input.scalars, atol: 1e-12, rtol: 1e-10, "dx")
        for (name, suffix) in zip(cellArena.names, ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]) {
            expectClose(cellArena.gradient(named: name)!.scalars, stackArena.gradient(named: suffix + "_l0")!.scalars,
                        atol: 1e-12, rtol: 1e-10, name)
        }
    }

    /// One Linear applied three times in a forward: three backwards in reverse order give the
    /// sum of the three calls' weight gradients and each call's own input gradient.
    @Test func linearRunsManyTimesInOneForward() {
        let layer = Linear<Double>(inFeatures: 3, outFeatures: 2, seed: 1)
        let xs = (0..<3).map { LayerTestData.tensor([4, 3], seed: 10 + UInt64($0)) }
        let dys = (0..<3).map { LayerTestData.tensor([4, 2], seed: 20 + UInt64($0)) }
        for x in xs { _ = layer.forward(x) }
        let dxs = (0..<3).reversed().map { layer.backward(dys[$0]) }.reversed()
        let together = analyticGradient(of: layer.arena)
        layer.arena.zeroGradients()
        var separate = [Double](repeating: 0, count: together.count)
        for (k, x) in xs.enumerated() {
            layer.arena.zeroGradients()
            _ = layer.forward(x)
            #expect(layer.backward(dys[k]) == Array(dxs)[k])
            separate = zip(separate, analyticGradient(of: layer.arena)).map { $0 + $1 }
        }
        expectClose(together, separate, atol: 1e-12, rtol: 1e-12, "summed gradients")
    }

    /// Buffers are reused: the k-th call of a step gets the same buffer every step.
    @Test func savedBuffersAreReusedAcrossSteps() {
        let stack = BufferStack<Float>()
        let first = (0..<3).map { _ in stack.push(100) }
        for _ in 0..<3 { _ = stack.pop("test") }
        stack.clear()
        let second = (0..<3).map { _ in stack.push(80) }
        #expect(first == second)
    }

    /// setTraining reaches every descendant; the generators round-trip in a fixed order.
    @Test func trainingModeAndGeneratorsPropagate() throws {
        let model = try SequenceClassifier<Float>(.init(vocabularySize: 10, embeddingSize: 4, hiddenSize: 5, numLayers: 3,
                                                        outputs: 2, dropout: 0.3), seed: 2)
        model.setTraining(false)
        #expect(!model.encoder.rnn.isTraining && !model.dropout.isTraining && !model.encoder.rnn.interLayerDropout[1].isTraining)
        #expect(model.randomGeneratorCount == 3)       // two inter-layer dropouts, one before the classifier
        var generators = model.randomGenerators
        generators[2] = SeededGenerator(seed: 99)
        model.randomGenerators = generators
        #expect(model.dropout.generator == SeededGenerator(seed: 99))
        #expect(model.randomGenerators == generators)
    }
}
