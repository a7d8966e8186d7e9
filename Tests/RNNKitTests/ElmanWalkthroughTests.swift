import Foundation
import Testing
@testable import RNNKit

/// `rnn explain`: the hand-written walkthrough equals the library's RNN, forward and BPTT, and
/// its ∂L/∂W_hh agrees with finite differences.
@Suite struct ElmanWalkthroughTests {
    @Test(arguments: [("I love AI", 2), ("the cat saw the dog", 3), ("hello", 1)])
    func matchesTheLibrarysRNN(_ example: (String, Int)) throws {
        let w = try ElmanWalkthrough(text: example.0, hidden: example.1)
        let T = w.steps, V = w.vocabularySize, H = w.hiddenSize
        let rnn = RNN<Double>(inputSize: V, hiddenSize: H, nonlinearity: .tanh, seed: 0)
        try rnn.arena.setValue(Tensor(shape: [H, V], scalars: w.wxh), named: "weight_ih_l0")
        try rnn.arena.setValue(Tensor(shape: [H, H], scalars: w.whh), named: "weight_hh_l0")
        try rnn.arena.setValue(Tensor(shape: [H], scalars: w.bh), named: "bias_ih_l0")
        try rnn.arena.setValue(Tensor(zeros: [H]), named: "bias_hh_l0")
        var x = [Double](repeating: 0, count: T * V)
        for t in 0..<T { x[t * V + w.input(t)] = 1 }
        let (output, _) = rnn.forward(Tensor(shape: [T, 1, V], scalars: x))
        let forward = w.forward()
        #expect(expectClose(output.scalars, forward.flatMap(\.h), atol: 1e-14, rtol: 1e-12, "h_t"))
        // dL/dh_t from the output layer only: W_hyᵀ·dy_t; the library carries W_hhᵀ·δ itself.
        var dOut = [Double](repeating: 0, count: T * H)
        for t in 0..<T {
            var dy = forward[t].p
            dy[w.target(t)] -= 1
            for i in 0..<H { for v in 0..<V { dOut[t * H + i] += w.why[v * H + i] * dy[v] } }
        }
        rnn.arena.zeroGradients()
        _ = rnn.backward(gradOutput: Tensor(shape: [T, 1, H], scalars: dOut))
        let bptt = w.backward()
        #expect(expectClose(rnn.arena.gradient(named: "weight_hh_l0")!.scalars, bptt.last!.dWhhSoFar,
                            atol: 1e-14, rtol: 1e-12, "dL/dW_hh"))
        #expect(expectClose(bptt.last!.dWhhSoFar, w.finiteDifferenceWhh(), atol: 1e-8, rtol: 1e-6, "finite differences"))
        // Steps are listed last first, and the first step adds nothing (h_0 = 0).
        #expect(bptt.map(\.t) == Array((0..<T).reversed()))
        if T > 1 { #expect(bptt[T - 1].dWhhSoFar == bptt[T - 2].dWhhSoFar) }
    }

    /// The numbers the default table prints (quoted in the documentation).
    @Test func defaultSentenceNumbers() throws {
        let w = try ElmanWalkthrough(text: "I love AI")
        #expect(w.vocabulary == ["I", "love", "AI", "<eos>"])
        #expect(w.whh == [0.7, 0.1, 0.9, 0.9])
        #expect(abs(w.loss() - 7.185266) < 5e-7)
        #expect(w.forwardTable.contains("1  I       [0.0000 0.0000]    [0.8617 0.6044]"))
        #expect(w.backwardTable.contains("[0.1716 0.1214 0.9211 0.6680]"))
    }

    @Test func commandLine() throws {
        let forward = try RNNTool.run(["explain", "forward"])
        #expect(forward.status == 0 && forward.stdout.contains("L = Σ_t −log p_t[target] = 7.185266"))
        let bptt = try RNNTool.run(["explain", "bptt", "--text", "to be or not to be", "--hidden", "3"])
        #expect(bptt.status == 0 && bptt.stdout.contains("largest difference from BPTT"))
        try BadInputTests.expectError(["explain", "forward", "--text", "   "], "no word")
        try BadInputTests.expectError(["explain", "sideways"], "sideways")
        try BadInputTests.expectError(["explain", "bptt", "--hidden", "9"], "--hidden must be in 1...8")
    }
}
