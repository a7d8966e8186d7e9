import Testing
@testable import RNNKit

/// RNNKit's Elman RNN, Linear decoder, cross-entropy and value clipping against the
/// independent min-char-rnn port: the same loss, gradients and final state.
@Suite struct MinCharRNNTests {
    @Test func libraryMatchesMinCharRNN() throws {
        let V = 7, H = 10, T = 12
        var g = SeededGenerator(seed: 2024)
        func matrix(_ r: Int, _ c: Int, _ s: Double) -> [[Double]] { (0..<r).map { _ in (0..<c).map { _ in g.uniform(-s, s) } } }
        let reference = MinCharRNN(vocabularySize: V, hiddenSize: H, Wxh: matrix(H, V, 0.5), Whh: matrix(H, H, 0.5),
                                   Why: matrix(V, H, 0.5), bh: matrix(1, H, 0.1)[0], by: matrix(1, V, 0.1)[0])
        let inputs = (0..<T).map { _ in Int(g.next() % UInt64(V)) }, targets = (0..<T).map { _ in Int(g.next() % UInt64(V)) }
        let hprev = (0..<H).map { _ in g.uniform(-0.5, 0.5) }
        let (refLoss, refGrads, refH) = reference.lossFunction(inputs: inputs, targets: targets, hprev: hprev)

        // The same network in RNNKit: one-hot inputs (T, 1, V) → RNN(tanh) → Linear(H, V).
        let arena = ParameterArena<Double>()
        let rnn = RNN<Double>(inputSize: V, hiddenSize: H, arena: arena, prefix: "rnn.", generator: &g)
        let decoder = Linear<Double>(inFeatures: H, outFeatures: V, arena: arena, prefix: "decoder.", generator: &g)
        try arena.setValue(Tensor(shape: [H, V], scalars: reference.Wxh.flatMap { $0 }), named: "rnn.weight_ih_l0")
        try arena.setValue(Tensor(shape: [H, H], scalars: reference.Whh.flatMap { $0 }), named: "rnn.weight_hh_l0")
        try arena.setValue(Tensor(shape: [H], scalars: reference.bh), named: "rnn.bias_ih_l0")
        try arena.setValue(Tensor(zeros: [H]), named: "rnn.bias_hh_l0")
        try arena.setValue(Tensor(shape: [V, H], scalars: reference.Why.flatMap { $0 }), named: "decoder.weight")
        try arena.setValue(Tensor(shape: [V], scalars: reference.by), named: "decoder.bias")

        var x = Tensor<Double>(zeros: [T, 1, V])
        for t in 0..<T { x[t, 0, inputs[t]] = 1 }
        let (h, state) = rnn.forward(x, initialState: RecurrentState(h: Tensor(shape: [1, 1, H], scalars: hprev)))
        let logits = decoder.forward(h.reshaped([T, H]))
        let (meanLoss, dLogits) = try crossEntropy(logits: logits, targets: targets)
        // min-char-rnn sums the loss over steps; the library's cross-entropy is the mean.
        #expect(abs(meanLoss * Double(T) - refLoss) < 1e-10)
        expectClose(state.h.scalars, refH, atol: 1e-12, rtol: 0, "final h")

        arena.zeroGradients()
        let dh = decoder.backward(Tensor(shape: dLogits.shape, scalars: dLogits.scalars.map { $0 * Double(T) }))
        _ = rnn.backward(gradOutput: dh.reshaped([T, 1, H]))
        try clipGradientValue(arena, clipValue: 5)
        let grad = { (name: String) in arena.gradient(named: name)!.scalars }
        expectClose(grad("rnn.weight_ih_l0"), refGrads.dWxh.flatMap { $0 }, atol: 1e-10, rtol: 0, "dWxh")
        expectClose(grad("rnn.weight_hh_l0"), refGrads.dWhh.flatMap { $0 }, atol: 1e-10, rtol: 0, "dWhh")
        expectClose(grad("decoder.weight"), refGrads.dWhy.flatMap { $0 }, atol: 1e-10, rtol: 0, "dWhy")
        expectClose(grad("rnn.bias_ih_l0"), refGrads.dbh, atol: 1e-10, rtol: 0, "dbh")
        expectClose(grad("rnn.bias_hh_l0"), refGrads.dbh, atol: 1e-10, rtol: 0, "dbh (b_hh gets the same)")
        expectClose(grad("decoder.bias"), refGrads.dby, atol: 1e-10, rtol: 0, "dby")
    }
}
