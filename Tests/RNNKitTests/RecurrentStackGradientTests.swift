import Testing
@testable import RNNKit

/// Finite-difference checks in Double of every recurrent stack's hand-written BPTT: the scalar
/// L = Σ output ⊙ R_y + Σ h_n ⊙ R_h (+ Σ c_n ⊙ R_c) for fixed random R, with respect to the
/// input, the initial state and every parameter.
@Suite struct RecurrentStackGradientTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let cell: CellKind, T: Int, B: Int, I: Int, H: Int, layers: Int, bidirectional: Bool
        var bias = true
        var lengths: [Int]? = nil
        var testDescription: String {
            "\(cell.rawValue) T\(T) B\(B) I\(I) H\(H) L\(layers)\(bidirectional ? " bi" : "")\(bias ? "" : " nobias")\(lengths.map { " lengths \($0)" } ?? "")"
        }
    }

    static let cases: [Case] = CellKind.allCases.flatMap { cell in [
        Case(cell: cell, T: 4, B: 2, I: 3, H: 3, layers: 1, bidirectional: false),
        Case(cell: cell, T: 3, B: 2, I: 2, H: 3, layers: 2, bidirectional: true),
        Case(cell: cell, T: 5, B: 3, I: 2, H: 2, layers: 1, bidirectional: true, lengths: [5, 2, 1]),
        Case(cell: cell, T: 3, B: 2, I: 2, H: 2, layers: 2, bidirectional: false, bias: false, lengths: [1, 3]),
    ] }

    @Test(arguments: cases)
    func gradientsMatchFiniteDifferences(_ c: Case) {
        var g = SeededGenerator(seed: 7)
        let arena = ParameterArena<Double>()
        let stack = RecurrentStack<Double>(cell: c.cell, inputSize: c.I, hiddenSize: c.H, numLayers: c.layers,
                                           bias: c.bias, bidirectional: c.bidirectional, dropout: 0,
                                           arena: arena, prefix: "", generator: &g)
        let D = c.bidirectional ? 2 : 1
        func random(_ shape: [Int]) -> Tensor<Double> {
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in g.uniform(-1.0, 1.0) })
        }
        var x = random([c.T, c.B, c.I])
        let stateShape = [c.layers * D, c.B, c.H]
        var h0 = random(stateShape), c0 = random(stateShape)
        let ry = random([c.T, c.B, D * c.H]), rh = random(stateShape), rc = random(stateShape)
        func state() -> RecurrentState<Double> { RecurrentState(h: h0, c: c.cell.hasCellState ? c0 : nil) }
        func loss() -> Double {
            let (y, s) = stack.forward(x, initialState: state(), lengths: c.lengths)
            var l = zip(y.scalars, ry.scalars).reduce(0) { $0 + $1.0 * $1.1 }
            l += zip(s.h.scalars, rh.scalars).reduce(0) { $0 + $1.0 * $1.1 }
            if let cn = s.c { l += zip(cn.scalars, rc.scalars).reduce(0) { $0 + $1.0 * $1.1 } }
            return l
        }
        _ = loss()
        arena.zeroGradients()
        let grads = stack.backward(gradOutput: ry, gradState: RecurrentState(h: rh, c: c.cell.hasCellState ? rc : nil))

        let numX = numericalGradient(count: x.count, read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss)
        expectClose(grads.input.scalars, numX, atol: 1e-7, rtol: 1e-6, "dL/dx")
        let numH = numericalGradient(count: h0.count, read: { h0.scalars[$0] }, write: { h0.scalars[$0] = $1 }, loss: loss)
        expectClose(grads.initialState.h.scalars, numH, atol: 1e-7, rtol: 1e-6, "dL/dh0")
        if c.cell.hasCellState {
            let numC = numericalGradient(count: c0.count, read: { c0.scalars[$0] }, write: { c0.scalars[$0] = $1 }, loss: loss)
            expectClose(grads.initialState.c!.scalars, numC, atol: 1e-7, rtol: 1e-6, "dL/dc0")
        }
        let analytic = analyticGradient(of: arena)
        let numeric = numericalGradient(of: arena, loss: loss)
        for e in arena.entries {
            expectClose(Array(analytic[e.offset..<e.offset + e.count]), Array(numeric[e.offset..<e.offset + e.count]),
                        atol: 1e-7, rtol: 1e-6, e.name)
        }
    }
}

/// Inter-layer dropout: active only in training, and BPTT differentiates through the same mask.
@Suite struct RecurrentStackDropoutTests {
    @Test func dropoutBetweenLayersIsDifferentiatedAndOffInEval() {
        var g = SeededGenerator(seed: 21)
        let arena = ParameterArena<Double>()
        let stack = LSTM<Double>(inputSize: 3, hiddenSize: 4, numLayers: 3, dropout: 0.4, arena: arena, generator: &g)
        var x = Tensor<Double>(shape: [4, 2, 3], scalars: (0..<24).map { _ in g.uniform(-1.0, 1.0) })
        let ry = Tensor<Double>(shape: [4, 2, 4], scalars: (0..<32).map { _ in g.uniform(-1.0, 1.0) })
        let saved = stack.interLayerDropout.map(\.generator)
        func loss() -> Double {
            for (d, s) in zip(stack.interLayerDropout, saved) { d.generator = s }   // same masks every call
            return zip(stack.forward(x).output.scalars, ry.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        }
        _ = loss()
        arena.zeroGradients()
        let grads = stack.backward(gradOutput: ry)
        expectClose(grads.input.scalars,
                    numericalGradient(count: x.count, read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss),
                    atol: 1e-7, rtol: 1e-6, "dx through dropout")
        expectClose(analyticGradient(of: arena), numericalGradient(of: arena, loss: loss), atol: 1e-7, rtol: 1e-6, "parameters")

        let trainOut = stack.forward(x).output
        stack.isTraining = false
        let evalOut = stack.forward(x).output
        #expect(trainOut != evalOut)
        let plain = LSTM<Double>(inputSize: 3, hiddenSize: 4, numLayers: 3, dropout: 0, arena: ParameterArena(), generator: &g)
        plain.arena.copyValues(from: arena)
        expectClose(evalOut.scalars, plain.forward(x).output.scalars, atol: 1e-15, rtol: 0, "eval = no dropout")
    }
}
