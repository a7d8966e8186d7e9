import Foundation
import Testing
@testable import RNNKit

/// σ_max by power iteration, the arena's recurrent weights, `--init identity|orthogonal`, and
/// σ entries in metrics lines. PyTorch's σ values are checked by the grad_flow fixtures.
@Suite struct SpectralNormTests {
    /// W = U·diag(s)·Vᵀ with orthogonal U, V: σ_max = max(s) (rectangular both ways).
    @Test(arguments: [(6, 4), (4, 6), (5, 5)])
    func knownSingularValues(_ shape: (Int, Int)) {
        let (m, n) = shape, k = min(m, n)
        var g = SeededGenerator(seed: 21)
        let u = randomOrthogonal(m, using: &g), v = randomOrthogonal(n, using: &g)
        let s = [3.0, 2.9, 1.5, 0.7, 0.2].prefix(k)
        var w = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for r in 0..<k { w[i * n + j] += u[i * m + r] * s[r] * v[j * n + r] } } }
        let sigma = w.withUnsafeBufferPointer { SpectralNorm.largestSingularValue(rows: m, cols: n, values: $0.baseAddress!) }
        #expect(abs(sigma - 3) <= 1e-6 * 3, "σ_max \(sigma)")
        #expect(SpectralNorm.largestSingularValue(Tensor(shape: [m, n], scalars: w.map { Float($0) })) - 3 < 1e-5)
    }

    @Test func zeroMatrixHasZeroNorm() {
        #expect(SpectralNorm.largestSingularValue(Tensor<Float>(zeros: [4, 3])) == 0)
    }

    /// The arena finds every weight_hh (a stack's and a cell's) with its gate count.
    @Test func arenaFindsRecurrentWeights() {
        let lstm = LSTM<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 1)
        let norms = lstm.arena.recurrentSpectralNorms()
        #expect(norms.map(\.name) == ["weight_hh_l0", "weight_hh_l0_reverse", "weight_hh_l1", "weight_hh_l1_reverse"])
        #expect(norms.allSatisfy { $0.gates.count == 4 && $0.gates.allSatisfy { $0 <= norms[0].sigmaMax + 1e-9 || true } })
        #expect(norms == lstm.spectralNorms())
        // σ of the whole matrix is at least that of any block and at most the root of their squares' sum.
        for n in norms {
            #expect(n.gates.allSatisfy { $0 <= n.sigmaMax * (1 + 1e-9) })
            #expect(n.sigmaMax <= n.gates.reduce(0) { $0 + $1 * $1 }.squareRoot() * (1 + 1e-9))
        }
    }

    @Test func identityInitialisation() throws {
        let rnn = RNN<Float>(inputSize: 2, hiddenSize: 5, numLayers: 2, nonlinearity: .relu, seed: 3)
        var g = SeededGenerator(seed: 1)
        try rnn.initialize(.identity, generator: &g)
        for l in 0..<2 {
            let w = rnn.arena.value(named: "weight_hh_l\(l)")!.scalars
            #expect(w == (0..<25).map { $0 / 5 == $0 % 5 ? 1 : 0 })
            #expect(rnn.arena.value(named: "bias_ih_l\(l)")!.scalars.allSatisfy { $0 == 0 })
            #expect(rnn.arena.value(named: "bias_hh_l\(l)")!.scalars.allSatisfy { $0 == 0 })
        }
        #expect(rnn.spectralNorms().allSatisfy { abs($0.sigmaMax - 1) < 1e-9 })
        // Zero input: the first layer copies its state unchanged (the second reads the first's output).
        let h0 = Tensor<Float>(shape: [2, 1, 5], scalars: [0.5, 0, 1, 2, 0.25, 0.1, 0.2, 0.3, 0.4, 0.5])
        let (_, state) = rnn.forward(Tensor(zeros: [7, 1, 2]), initialState: RecurrentState(h: h0))
        #expect(Array(state.h.scalars[0..<5]) == Array(h0.scalars[0..<5]))
    }

    @Test(arguments: [CellKind.rnnTanh, .lstm, .gru])
    func identityIsRefusedWithAReason(_ cell: CellKind) {
        var g = SeededGenerator(seed: 1)
        let stack = RecurrentStack<Float>(cell: cell, inputSize: 2, hiddenSize: 3, numLayers: 1, bias: true,
                                          bidirectional: false, dropout: 0, arena: ParameterArena(), prefix: "", generator: &g)
        let before = stack.arena.value(named: "weight_hh_l0")
        #expect(throws: RNNKitError.self) { try stack.initialize(.identity, generator: &g) }
        #expect(RecurrentInitialization.identity.refusal(for: cell)?.contains("ReLU RNNs") == true)
        #expect(stack.arena.value(named: "weight_hh_l0") == before)
    }

    /// Each gate block is orthogonal: QQᵀ = I to float precision, σ_max = 1.
    @Test(arguments: CellKind.allCases)
    func orthogonalInitialisation(_ cell: CellKind) throws {
        var g = SeededGenerator(seed: 5)
        let H = 6
        let stack = RecurrentStack<Double>(cell: cell, inputSize: 2, hiddenSize: H, numLayers: 1, bias: true,
                                           bidirectional: true, dropout: 0, arena: ParameterArena(), prefix: "", generator: &g)
        try stack.initialize(.orthogonal, generator: &g)
        let w = stack.arena.value(named: "weight_hh_l0_reverse")!.scalars
        for b in 0..<cell.gateCount {
            for i in 0..<H { for j in 0..<H {
                let dot = (0..<H).reduce(0.0) { $0 + w[b * H * H + i * H + $1] * w[b * H * H + j * H + $1] }
                #expect(abs(dot - (i == j ? 1 : 0)) < 1e-12)
            } }
        }
        #expect(stack.spectralNorms().allSatisfy { n in n.gates.allSatisfy { abs($0 - 1) < 1e-9 } })
        #expect(stack.arena.value(named: "weight_hh_l0") != stack.arena.value(named: "weight_hh_l0_reverse"))
    }

    /// σ entries survive a metrics line's round trip (resumed runs rewrite their lines).
    @Test func metricsLineKeepsSigmas() throws {
        var record = TaskMetricsRecord(epoch: 1, step: 10, trainLoss: 2, validLoss: 1.5, validMetrics: [.init("ppl", 4.48)],
                                       learningRate: 0.01, tokensPerSecond: 100, elapsedSeconds: 1, epochEnd: false)
        record.spectralNorms = [RecurrentSpectralNorm(name: "rnn.weight_hh_l0", sigmaMax: 1.25, gates: [1, 0.5, 0.75, 1.125]),
                                RecurrentSpectralNorm(name: "cell.weight_hh", sigmaMax: 0.5, gates: [0.5])]
        let line = record.jsonLine
        #expect(line.contains("\"sigma_max\":{\"rnn.weight_hh_l0\":1.25,\"cell.weight_hh\":0.5}"))
        #expect(line.contains("\"sigma_max_gates\":{\"rnn.weight_hh_l0\":[1.0,0.5,0.75,1.125]}"))
        let parsed = try TaskMetricsRecord(jsonLine: line)
        #expect(parsed.spectralNorms == record.spectralNorms)
        #expect(parsed.validMetrics.map(\.name) == ["ppl"])
    }
}
