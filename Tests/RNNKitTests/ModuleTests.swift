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

    /// A 2-layer stack run one step at a time (T calls, the state carried), then T backwards
    /// in reverse carrying the state gradient, equals the whole-sequence call: the decoder
    /// pattern on the stack itself.
    @Test(arguments: [CellKind.lstm, .gru])
    func stackRunStepByStepEqualsTheWholeSequence(_ kind: CellKind) {
        let T = 4, B = 3, I = 5, H = 6, L = 2
        var g = SeededGenerator(seed: 7)
        let arena = ParameterArena<Double>()
        let stack = RecurrentStack<Double>(cell: kind, inputSize: I, hiddenSize: H, numLayers: L, bias: true,
                                           bidirectional: false, dropout: 0, arena: arena, prefix: "", generator: &g)
        let x = LayerTestData.tensor([T, B, I], seed: 8), r = LayerTestData.tensor([T, B, H], seed: 9)
        func slice(_ t: Tensor<Double>, _ step: Int, _ width: Int) -> Tensor<Double> {
            Tensor(shape: [1, B, width], scalars: Array(t.scalars[(step * B * width)..<((step + 1) * B * width)]))
        }
        arena.zeroGradients()
        let (y, _) = stack.forward(x)
        let whole = stack.backward(gradOutput: r)
        let wholeGradients = analyticGradient(of: arena)

        arena.zeroGradients()
        var state: RecurrentState<Double>? = nil
        var outputs: [Double] = []
        for t in 0..<T {
            let step = stack.forward(slice(x, t, I), initialState: state)
            outputs += step.output.scalars
            state = step.state
        }
        var dState: RecurrentState<Double>? = nil
        var dx = [[Double]](repeating: [], count: T)
        for t in stride(from: T - 1, through: 0, by: -1) {
            let back = stack.backward(gradOutput: slice(r, t, H), gradState: dState)
            dx[t] = back.input.scalars
            dState = back.initialState
        }
        expectClose(outputs, y.scalars, atol: 1e-12, rtol: 1e-12, "outputs")
        expectClose(dx.flatMap { $0 }, whole.input.scalars, atol: 1e-12, rtol: 1e-10, "dx")
        expectClose(analyticGradient(of: arena), wholeGradients, atol: 1e-12, rtol: 1e-10, "parameter gradients")
    }

    /// Two whole-sequence calls of a bidirectional stack with different inputs and lengths,
    /// backpropagated in reverse order, give each call's own input gradient and the sum of the
    /// two calls' parameter gradients.
    @Test func stackCallsWithLengthsAreKeptApart() {
        var g = SeededGenerator(seed: 3)
        let arena = ParameterArena<Double>()
        let stack = RecurrentStack<Double>(cell: .lstm, inputSize: 3, hiddenSize: 4, numLayers: 2, bias: true,
                                           bidirectional: true, dropout: 0, arena: arena, prefix: "", generator: &g)
        let calls: [(x: Tensor<Double>, lengths: [Int]?, r: Tensor<Double>)] = [
            (LayerTestData.tensor([5, 2, 3], seed: 1), [5, 3], LayerTestData.tensor([5, 2, 8], seed: 2)),
            (LayerTestData.tensor([3, 4, 3], seed: 3), nil, LayerTestData.tensor([3, 4, 8], seed: 4)),
        ]
        var separate = [Double](repeating: 0, count: arena.count), dxSeparate: [Tensor<Double>] = []
        for c in calls {
            arena.zeroGradients()
            _ = stack.forward(c.x, lengths: c.lengths)
            dxSeparate.append(stack.backward(gradOutput: c.r).input)
            separate = zip(separate, analyticGradient(of: arena)).map { $0 + $1 }
        }
        arena.zeroGradients()
        for c in calls { _ = stack.forward(c.x, lengths: c.lengths) }
        let dx1 = stack.backward(gradOutput: calls[1].r).input, dx0 = stack.backward(gradOutput: calls[0].r).input
        #expect(dx0 == dxSeparate[0] && dx1 == dxSeparate[1])
        expectClose(analyticGradient(of: arena), separate, atol: 1e-12, rtol: 1e-12, "summed gradients")
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
