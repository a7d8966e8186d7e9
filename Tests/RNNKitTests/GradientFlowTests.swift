import Foundation
import Testing
@testable import RNNKit

/// Per-step gradient norms (`RecurrentStack.gradientFlow`): the analytic case, recording off,
/// and variable-length batches. PyTorch's numbers are checked by the grad_flow parity fixtures.
@Suite struct GradientFlowTests {
    /// Q = (I − 2uuᵀ/‖u‖²)(I − 2vvᵀ/‖v‖²), an orthogonal (n, n) matrix, row-major.
    static func orthogonal(_ n: Int, seed: UInt64) -> [Double] {
        var g = SeededGenerator(seed: seed)
        func reflector() -> [Double] {
            let u = (0..<n).map { _ in g.uniform(-1.0, 1.0) }
            let uu = u.reduce(0) { $0 + $1 * $1 }
            return (0..<n * n).map { k in (k / n == k % n ? 1 : 0) - 2 * u[k / n] * u[k % n] / uu }
        }
        let a = reflector(), b = reflector()
        return (0..<n * n).map { k in (0..<n).reduce(0) { $0 + a[(k / n) * n + $1] * b[$1 * n + k % n] } }
    }

    /// tanh RNN, zero input and bias, h0 = 0, W_hh = ρ·Q: every h_t is 0, tanh′(0) = 1, so each
    /// step back multiplies the gradient by ρ·Qᵀ and ‖∂L/∂h_t‖ = ρ^(T−1−t)·‖g‖ for a gradient g
    /// given only at the last step t = T−1 (ρ^(T−t) with steps counted from 1).
    @Test(arguments: [0.5, 0.9, 1.0, 1.1])
    func orthogonalRecurrenceScalesByRhoPerStep(_ rho: Double) throws {
        let T = 20, B = 2, H = 5
        let rnn = RNN<Double>(inputSize: 3, hiddenSize: H, nonlinearity: .tanh, seed: 1)
        for name in ["weight_ih_l0", "bias_ih_l0", "bias_hh_l0"] {
            let e = rnn.arena.entry(named: name)!
            rnn.arena.fill(e, with: 0)
        }
        let q = Self.orthogonal(H, seed: 3)
        try rnn.arena.setValue(Tensor(shape: [H, H], scalars: q.map { rho * $0 }), named: "weight_hh_l0")
        rnn.recordsGradientFlow = true
        _ = rnn.forward(Tensor(zeros: [T, B, 3]))
        var g = SeededGenerator(seed: 5)
        var dOut = [Double](repeating: 0, count: T * B * H)
        for k in 0..<B * H { dOut[(T - 1) * B * H + k] = g.uniform(-1.0, 1.0) }
        let gNorm = dOut.reduce(0) { $0 + $1 * $1 }.squareRoot()
        _ = rnn.backward(gradOutput: Tensor(shape: [T, B, H], scalars: dOut))
        let norms = try #require(rnn.gradientFlow).hidden[0][0]
        for t in 0..<T {
            let expected = pow(rho, Double(T - 1 - t)) * gNorm
            #expect(abs(norms[t] - expected) <= 1e-12 * expected, "t = \(t): \(norms[t]) vs \(expected)")
        }
        // σ_max(ρQ) = ρ exactly.
        #expect(abs(rnn.spectralNorms()[0].sigmaMax - rho) <= 1e-9 * rho)
    }

    /// In Float, norms far below √(smallest Float) are still measured: ρ = 0.5 over 120 steps
    /// leaves 0.5¹¹⁹ ≈ 1.5e-36 of the gradient, whose squares (≈ 1e-72) only Double holds.
    @Test func tinyNormsDoNotUnderflowInFloat() throws {
        let T = 120, B = 1, H = 4
        let rnn = RNN<Float>(inputSize: 1, hiddenSize: H, nonlinearity: .tanh, seed: 1)
        for name in ["weight_ih_l0", "bias_ih_l0", "bias_hh_l0"] { rnn.arena.fill(rnn.arena.entry(named: name)!, with: 0) }
        let q = Self.orthogonal(H, seed: 4)
        try rnn.arena.setValue(Tensor(shape: [H, H], scalars: q.map { Float(0.5 * $0) }), named: "weight_hh_l0")
        rnn.recordsGradientFlow = true
        _ = rnn.forward(Tensor(zeros: [T, B, 1]))
        var dOut = [Float](repeating: 0, count: T * B * H)
        dOut[(T - 1) * H] = 1
        _ = rnn.backward(gradOutput: Tensor(shape: [T, B, H], scalars: dOut))
        let norms = try #require(rnn.gradientFlow).hidden[0][0]
        for t in [0, 10, 60, T - 1] {
            let expected = pow(0.5, Double(T - 1 - t))
            #expect(abs(norms[t] - expected) <= 1e-4 * expected, "t = \(t): \(norms[t]) vs \(expected)")
        }
    }

    /// Without `recordsGradientFlow` there is no record, and recording changes no gradient.
    @Test func recordingIsOptionalAndChangesNothing() {
        func run(_ record: Bool) -> (GradientFlow?, [Float], [Float]) {
            let lstm = LSTM<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 9)
            lstm.recordsGradientFlow = record
            var g = SeededGenerator(seed: 2)
            let x = Tensor(shape: [6, 2, 3], scalars: (0..<36).map { _ in g.uniform(Float(-1), 1) })
            let dy = Tensor(shape: [6, 2, 8], scalars: (0..<96).map { _ in g.uniform(Float(-1), 1) })
            _ = lstm.forward(x)
            let grads = lstm.backward(gradOutput: dy)
            return (lstm.gradientFlow, grads.input.scalars, lstm.arena.names.flatMap { lstm.arena.gradient(named: $0)!.scalars })
        }
        let (off, dxOff, dwOff) = run(false), (on, dxOn, dwOn) = run(true)
        #expect(off == nil)
        #expect(on != nil && on!.cellState != nil && on!.hidden.count == 2 && on!.hidden[1].count == 2)
        #expect(dxOff == dxOn && dwOff == dwOn)
    }

    /// With lengths, each sequence's steps past its end contribute nothing: the squared norm
    /// of the batch at t is the sum over sequences run alone on their own valid steps.
    @Test(arguments: [CellKind.gru, .lstm, .rnnRelu])
    func lengthsSumOverSequencesRunAlone(_ cell: CellKind) throws {
        let T = 5, I = 2, H = 3, lengths = [5, 2, 4]
        let B = lengths.count
        var g = SeededGenerator(seed: 4)
        let x = (0..<T * B * I).map { _ in g.uniform(-1.0, 1.0) }
        let dy = (0..<T * B * 2 * H).map { _ in g.uniform(-1.0, 1.0) }
        func stack() -> RecurrentStack<Double> {
            var gen = SeededGenerator(seed: 11)
            let s = RecurrentStack<Double>(cell: cell, inputSize: I, hiddenSize: H, numLayers: 2, bias: true,
                                           bidirectional: true, dropout: 0, arena: ParameterArena(),
                                           prefix: "", generator: &gen)
            s.recordsGradientFlow = true
            return s
        }
        let whole = stack()
        _ = whole.forward(Tensor(shape: [T, B, I], scalars: x), lengths: lengths)
        _ = whole.backward(gradOutput: Tensor(shape: [T, B, 2 * H], scalars: dy))
        let batchFlow = try #require(whole.gradientFlow)
        var sums = [Double](repeating: 0, count: 2 * 2 * T)         // (L, D, T) Σ_b norm²
        for b in 0..<B {
            let n = lengths[b], alone = stack()
            var xb: [Double] = [], dyb: [Double] = []
            for t in 0..<n {
                let row = t * B + b
                xb += x[row * I ..< (row + 1) * I]
                dyb += dy[row * 2 * H ..< (row + 1) * 2 * H]
            }
            _ = alone.forward(Tensor(shape: [n, 1, I], scalars: xb))
            _ = alone.backward(gradOutput: Tensor(shape: [n, 1, 2 * H], scalars: dyb))
            let flow = try #require(alone.gradientFlow)
            for l in 0..<2 { for d in 0..<2 { for t in 0..<n { sums[(l * 2 + d) * T + t] += flow.hidden[l][d][t] * flow.hidden[l][d][t] } } }
        }
        let batchSquares = batchFlow.hidden.joined().joined().map { $0 * $0 }
        #expect(expectClose(batchSquares, sums, atol: 1e-12, rtol: 1e-10, "\(cell.rawValue) lengths"))
    }
}
