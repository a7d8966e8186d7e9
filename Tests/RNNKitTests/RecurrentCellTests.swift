import Testing
@testable import RNNKit

@Suite struct RecurrentCellTests {
    static func makeCell(_ kind: CellKind, _ arena: ParameterArena<Double>, _ g: inout SeededGenerator,
                         inputSize I: Int = 3, hiddenSize H: Int = 4) -> RecurrentCell<Double> {
        switch kind {
        case .lstm: LSTMCell(inputSize: I, hiddenSize: H, arena: arena, generator: &g)
        case .gru: GRUCell(inputSize: I, hiddenSize: H, arena: arena, generator: &g)
        case .rnnTanh: RNNCell(inputSize: I, hiddenSize: H, arena: arena, generator: &g)
        case .rnnRelu: RNNCell(inputSize: I, hiddenSize: H, nonlinearity: .relu, arena: arena, generator: &g)
        }
    }

    /// A cell step equals one step of the matching single-layer stack with the same weights,
    /// and the cell carries PyTorch's cell parameter names.
    @Test(arguments: CellKind.allCases)
    func stepMatchesStack(_ kind: CellKind) throws {
        var g = SeededGenerator(seed: 3)
        let cellArena = ParameterArena<Double>()
        let cell = Self.makeCell(kind, cellArena, &g)
        #expect(cellArena.names == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"])
        let stackArena = ParameterArena<Double>()
        let stack = RecurrentStack<Double>(cell: kind, inputSize: 3, hiddenSize: 4, numLayers: 1, bias: true,
                                           bidirectional: false, dropout: 0, arena: stackArena, prefix: "", generator: &g)
        for name in cellArena.names {
            try stackArena.setValue(cellArena.value(named: name)!, named: name + "_l0")
        }
        let x = Tensor<Double>(shape: [2, 3], scalars: (0..<6).map { _ in g.uniform(-1.0, 1.0) })
        let h = Tensor<Double>(shape: [2, 4], scalars: (0..<8).map { _ in g.uniform(-1.0, 1.0) })
        let c = kind.hasCellState ? h.reshaped([2, 4]) : nil
        let s1 = cell.step(x, state: RecurrentState(h: h, c: c))
        let (y, s2) = stack.forward(x.reshaped([1, 2, 3]),
                                    initialState: RecurrentState(h: h.reshaped([1, 2, 4]), c: c?.reshaped([1, 2, 4])))
        expectClose(s1.h.scalars, s2.h.scalars, atol: 1e-14, rtol: 0, "h")
        expectClose(s1.h.scalars, y.scalars, atol: 1e-14, rtol: 0, "output")
        if kind.hasCellState { expectClose(s1.c!.scalars, s2.c!.scalars, atol: 1e-14, rtol: 0, "c") }
    }

    /// Finite differences of one step, through a random functional of the new state.
    @Test(arguments: CellKind.allCases)
    func stepGradientsMatchFiniteDifferences(_ kind: CellKind) {
        var g = SeededGenerator(seed: 11)
        let arena = ParameterArena<Double>()
        let cell = Self.makeCell(kind, arena, &g)
        var x = Tensor<Double>(shape: [2, 3], scalars: (0..<6).map { _ in g.uniform(-1.0, 1.0) })
        var h = Tensor<Double>(shape: [2, 4], scalars: (0..<8).map { _ in g.uniform(-1.0, 1.0) })
        let c = Tensor<Double>(shape: [2, 4], scalars: (0..<8).map { _ in g.uniform(-1.0, 1.0) })
        let rh = Tensor<Double>(shape: [2, 4], scalars: (0..<8).map { _ in g.uniform(-1.0, 1.0) })
        let rc = Tensor<Double>(shape: [2, 4], scalars: (0..<8).map { _ in g.uniform(-1.0, 1.0) })
        func loss() -> Double {
            let s = cell.step(x, state: RecurrentState(h: h, c: kind.hasCellState ? c : nil))
            var l = zip(s.h.scalars, rh.scalars).reduce(0) { $0 + $1.0 * $1.1 }
            if let sc = s.c { l += zip(sc.scalars, rc.scalars).reduce(0) { $0 + $1.0 * $1.1 } }
            return l
        }
        _ = loss()
        arena.zeroGradients()
        let grads = cell.backward(gradState: RecurrentState(h: rh, c: kind.hasCellState ? rc : nil))
        expectClose(grads.input.scalars,
                    numericalGradient(count: 6, read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss),
                    atol: 1e-7, rtol: 1e-6, "dx")
        expectClose(grads.state.h.scalars,
                    numericalGradient(count: 8, read: { h.scalars[$0] }, write: { h.scalars[$0] = $1 }, loss: loss),
                    atol: 1e-7, rtol: 1e-6, "dh")
        expectClose(analyticGradient(of: arena), numericalGradient(of: arena, loss: loss), atol: 1e-7, rtol: 1e-6, "parameters")
    }

    /// The Float path (fast kernels) agrees with the Double path on the same weights.
    @Test(arguments: CellKind.allCases)
    func floatMatchesDouble(_ kind: CellKind) throws {
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5)
        let a64 = ParameterArena<Double>(), a32 = ParameterArena<Float>()
        let s64 = RecurrentStack<Double>(cell: kind, inputSize: 5, hiddenSize: 7, numLayers: 2, bias: true,
                                         bidirectional: true, dropout: 0, arena: a64, prefix: "", generator: &g1)
        let s32 = RecurrentStack<Float>(cell: kind, inputSize: 5, hiddenSize: 7, numLayers: 2, bias: true,
                                        bidirectional: true, dropout: 0, arena: a32, prefix: "", generator: &g2)
        for name in a64.names { try a32.setValue(Tensor(a64.value(named: name)!), named: name) }
        let x = Tensor<Double>(shape: [9, 3, 5], scalars: (0..<135).map { _ in g1.uniform(-1.0, 1.0) })
        let (y64, _) = s64.forward(x, lengths: [9, 4, 6])
        let (y32, _) = s32.forward(Tensor(x), lengths: [9, 4, 6])
        expectClose(y32.scalars.map(Double.init), y64.scalars, atol: 1e-5, rtol: 1e-4, "output")
        let dy = Tensor<Double>(shape: y64.shape, scalars: (0..<y64.count).map { _ in g1.uniform(-1.0, 1.0) })
        let d64 = s64.backward(gradOutput: dy), d32 = s32.backward(gradOutput: Tensor(dy))
        expectClose(d32.input.scalars.map(Double.init), d64.input.scalars, atol: 1e-5, rtol: 1e-4, "dx")
        for name in a64.names {
            expectClose(a32.gradient(named: name)!.scalars.map(Double.init), a64.gradient(named: name)!.scalars,
                        atol: 1e-5, rtol: 1e-4, name)
        }
    }
}

/// The time loops split across threads by batch rows give the results of one thread.
@Suite(.serialized) struct RecurrentThreadingTests {
    @Test(arguments: CellKind.allCases)
    func rowSplitStepsMatchSingleThread(_ kind: CellKind) throws {
        ComputeSettings.exclusive {
            let saved = Compute.threadCount
            defer { Compute.threadCount = saved }
            var g = SeededGenerator(seed: 77)
            let x = Tensor<Float>(shape: [6, 32, 24], scalars: (0..<(6 * 32 * 24)).map { _ in g.uniform(-1, 1) })
            let dy = Tensor<Float>(shape: [6, 32, 2 * 256], scalars: (0..<(6 * 32 * 512)).map { _ in g.uniform(-1, 1) })
            let lengths = (0..<32).map { 1 + $0 % 6 }
            var results: [([Float], [Float], [Float])] = []
            for threads in [1, 2] {
                Compute.threadCount = threads
                var gi = SeededGenerator(seed: 1)
                let stack = RecurrentStack<Float>(cell: kind, inputSize: 24, hiddenSize: 256, numLayers: 1, bias: true,
                                                  bidirectional: true, dropout: 0, arena: ParameterArena(), prefix: "",
                                                  generator: &gi)
                #expect(stack.layers[0][0].rowPieces(steps: 6, batch: 32) == threads)
                let (y, _) = stack.forward(x, lengths: lengths)
                let d = stack.backward(gradOutput: dy)
                let grads = Array(UnsafeBufferPointer(start: stack.arena.gradients, count: stack.arena.count))
                results.append((y.scalars, d.input.scalars, grads))
            }
            expectClose(results[1].0, results[0].0, atol: 1e-6, rtol: 1e-5, "output")
            expectClose(results[1].1, results[0].1, atol: 1e-6, rtol: 1e-5, "dx")
            expectClose(results[1].2, results[0].2, atol: 1e-5, rtol: 1e-5, "parameter gradients")
        }
    }

    /// The passes split across threads on large arenas and logits (optimizer step, clipping,
    /// softmax cross-entropy) give the bits of one thread.
    @Test func elementwisePassesMatchSingleThread() throws {
        try ComputeSettings.exclusive {
            let saved = Compute.threadCount
            defer { Compute.threadCount = saved }
            var g = SeededGenerator(seed: 12)
            let (rows, classes) = (600, 1000)                                  // 2 × 2¹⁸+ logits and parameters
            let logits = (0..<rows * classes).map { _ in g.uniform(Float(-5), Float(5)) }
            let targets = (0..<rows).map { $0 % 7 == 0 ? -1 : Int(g.next() % UInt64(classes)) }
            let gradients = (0..<600_000).map { _ in g.uniform(Float(-1), Float(1)) }
            var results: [(Float, [Float], [Float])] = []
            for threads in [1, 2] {
                Compute.threadCount = threads
                var dLogits = [Float](repeating: 0, count: rows * classes)
                let loss = softmaxCrossEntropy(logits: logits, targets: targets, rows: rows, classes: classes,
                                               ignoreIndex: -1, gradient: &dLogits).loss
                let arena = ParameterArena<Float>()
                let w = arena.add(name: "w", shape: [600_000])
                arena.fill(w, with: 0.5)
                gradients.withUnsafeBufferPointer { arena.gradients.update(from: $0.baseAddress!, count: $0.count) }
                clipGradientNorm(arena, maxNorm: 1)
                let adam = try Adam<Float>(learningRate: 1e-2)
                adam.step(arena)
                adam.step(arena)
                results.append((loss, dLogits, Array(UnsafeBufferPointer(start: arena.values, count: arena.count))))
            }
            #expect(results[0].0 == results[1].0, "loss")
            #expect(results[0].1 == results[1].1, "dL/dlogits")
            #expect(results[0].2 == results[1].2, "parameters after clipping and two Adam steps")
        }
    }
}
