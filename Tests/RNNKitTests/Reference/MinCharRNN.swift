import Foundation

/// A faithful Swift port of Karpathy's min-char-rnn.py (vanilla RNN, BPTT, clipping, Adagrad),
/// written with plain arrays and loops so that it reads like the original. It is an
/// independent reference: the tests check that RNNKit's `RNN` + `Linear` + cross-entropy
/// compute the same loss and gradients.
///
///     h_t = tanh(Wxh·x_t + Whh·h_{t−1} + bh),   y_t = Why·h_t + by,   p_t = softmax(y_t)
///     loss = Σ_t −log p_t[target_t]
struct MinCharRNN {
    let vocabularySize: Int, hiddenSize: Int
    var Wxh: [[Double]], Whh: [[Double]], Why: [[Double]]   // (H, V), (H, H), (V, H)
    var bh: [Double], by: [Double]                          // (H), (V)

    struct Gradients {
        var dWxh: [[Double]], dWhh: [[Double]], dWhy: [[Double]], dbh: [Double], dby: [Double]
    }

    /// Forward and backward over one sequence; returns the loss, the gradients (clipped to
    /// [−5, 5] as the original does) and the last hidden state.
    func lossFunction(inputs: [Int], targets: [Int], hprev: [Double]) -> (loss: Double, grads: Gradients, h: [Double]) {
        let V = vocabularySize, H = hiddenSize, T = inputs.count
        var hs = [hprev], ps: [[Double]] = []
        var loss = 0.0
        for t in 0..<T {                                                  // forward pass
            var h = [Double](repeating: 0, count: H)
            for i in 0..<H {
                var a = Wxh[i][inputs[t]] + bh[i]                          // Wxh·x with x one-hot
                for j in 0..<H { a += Whh[i][j] * hs[t][j] }
                h[i] = tanh(a)
            }
            hs.append(h)
            var y = [Double](repeating: 0, count: V)
            for k in 0..<V {
                y[k] = by[k]
                for i in 0..<H { y[k] += Why[k][i] * h[i] }
            }
            let m = y.max()!
            let e = y.map { exp($0 - m) }, s = e.reduce(0, +)
            ps.append(e.map { $0 / s })
            loss += -log(ps[t][targets[t]])
        }
        var g = Gradients(dWxh: zeros(H, V), dWhh: zeros(H, H), dWhy: zeros(V, H),
                          dbh: [Double](repeating: 0, count: H), dby: [Double](repeating: 0, count: V))
        var dhnext = [Double](repeating: 0, count: H)
        for t in stride(from: T - 1, through: 0, by: -1) {               // backward pass
            var dy = ps[t]
            dy[targets[t]] -= 1                                           // backprop into y
            var dh = dhnext
            for k in 0..<V {
                for i in 0..<H { g.dWhy[k][i] += dy[k] * hs[t + 1][i]; dh[i] += Why[k][i] * dy[k] }
                g.dby[k] += dy[k]
            }
            let dhraw = (0..<H).map { (1 - hs[t + 1][$0] * hs[t + 1][$0]) * dh[$0] }   // through tanh
            for i in 0..<H {
                g.dbh[i] += dhraw[i]
                g.dWxh[i][inputs[t]] += dhraw[i]
                for j in 0..<H { g.dWhh[i][j] += dhraw[i] * hs[t][j] }
            }
            dhnext = (0..<H).map { j in (0..<H).reduce(0) { $0 + Whh[$1][j] * dhraw[$1] } }
        }
        func clip(_ x: Double) -> Double { min(max(x, -5), 5) }          // mitigate exploding gradients
        g.dWxh = g.dWxh.map { $0.map(clip) }; g.dWhh = g.dWhh.map { $0.map(clip) }
        g.dWhy = g.dWhy.map { $0.map(clip) }; g.dbh = g.dbh.map(clip); g.dby = g.dby.map(clip)
        return (loss, g, hs[T])
    }

    private func zeros(_ r: Int, _ c: Int) -> [[Double]] { [[Double]](repeating: [Double](repeating: 0, count: c), count: r) }
}
