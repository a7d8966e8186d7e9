/// A tiny Elman RNN language model worked through by hand, every number printed: forward
/// propagation through time over the words of a sentence ("I love AI"), and backpropagation
/// through time with ∂L/∂W_hh accumulated one step at a time, checked by finite differences.
///
/// V words (the sentence's distinct words and `<eos>`), one-hot inputs x_t (V), H hidden units:
///
///     a_t = W_xh·x_t + W_hh·h_{t−1} + b_h        h_t = tanh(a_t)        (h_0 = 0)
///     y_t = W_hy·h_t + b_y                        p_t = softmax(y_t)
///     L   = Σ_t −log p_t[target_t]                target_t = the next word (`<eos>` after the last)
///
/// and backward, from the last step to the first:
///
///     dy_t = p_t − onehot(target_t)
///     dh_t = W_hyᵀ·dy_t + W_hhᵀ·δ_{t+1}           (the second term is 0 at the last step)
///     δ_t  = dh_t ⊙ (1 − h_t²)                    ∂L/∂W_hh = Σ_t δ_t·h_{t−1}ᵀ
///
/// The weights are fixed (drawn from a seed and rounded to one decimal so they can be read and
/// typed in); everything is computed in Double, written out loop by loop. Tests check it
/// against `RNN` (the library's BPTT) to rounding.
public struct ElmanWalkthrough: Sendable {
    /// The words of the sentence, in order (the inputs x_1 … x_T).
    public let words: [String]
    /// The vocabulary: the distinct words in order of appearance, then `<eos>`.
    public let vocabulary: [String]
    /// H, the hidden units.
    public let hiddenSize: Int
    /// W_xh (H, V), W_hh (H, H), b_h (H), W_hy (V, H), b_y (V), row-major.
    public let wxh: [Double], whh: [Double], bh: [Double], why: [Double], by: [Double]

    /// Sets up the walkthrough for the whitespace-separated words of `text`.
    /// - Throws: `RNNKitError` if the text has no word, or `hidden` is not in 1...8.
    public init(text: String, hidden: Int = 2, seed: UInt64 = 1) throws {
        words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
        guard !words.isEmpty else { throw RNNKitError("the text holds no word to walk through") }
        guard (1...8).contains(hidden) else { throw RNNKitError("hidden size must be in 1...8 for a readable table, got \(hidden)") }
        var seen: [String] = []
        for w in words where !seen.contains(w) { seen.append(w) }
        vocabulary = seen + ["<eos>"]
        hiddenSize = hidden
        var g = SeededGenerator(seed: seed)
        func draw(_ n: Int) -> [Double] { (0..<n).map { _ in (g.uniform(-1.0, 1.0) * 10).rounded() / 10 } }
        let V = seen.count + 1
        wxh = draw(hidden * V); whh = draw(hidden * hidden); bh = draw(hidden)
        why = draw(V * hidden); by = draw(V)
    }

    /// V, the vocabulary size.
    public var vocabularySize: Int { vocabulary.count }
    /// T, the steps.
    public var steps: Int { words.count }
    /// The vocabulary index of input t (0-based) and of its target, the next word.
    public func input(_ t: Int) -> Int { vocabulary.firstIndex(of: words[t])! }
    public func target(_ t: Int) -> Int { t + 1 < steps ? input(t + 1) : vocabularySize - 1 }

    // MARK: - Forward

    /// What step t computed.
    public struct ForwardStep: Sendable {
        /// h_{t−1}, a_t, h_t (H); y_t, p_t (V); the step's loss −log p_t[target].
        public var hPrev: [Double], a: [Double], h: [Double], y: [Double], p: [Double], loss: Double
    }

    /// Forward propagation through time with `whh` in place of the walkthrough's W_hh (for the
    /// finite-difference check).
    public func forward(whh w: [Double]? = nil) -> [ForwardStep] {
        let H = hiddenSize, V = vocabularySize, whh = w ?? self.whh
        var h = [Double](repeating: 0, count: H), out: [ForwardStep] = []
        for t in 0..<steps {
            let x = input(t)
            var a = bh
            for i in 0..<H {
                a[i] += wxh[i * V + x]                                  // W_xh·x_t: column x of W_xh
                for j in 0..<H { a[i] += whh[i * H + j] * h[j] }        // W_hh·h_{t−1}
            }
            let hNew = a.map { Double.tanh($0) }
            var y = by
            for v in 0..<V { for i in 0..<H { y[v] += why[v * H + i] * hNew[i] } }
            let m = y.max()!, e = y.map { Double.exp($0 - m) }, s = e.reduce(0, +)
            let p = e.map { $0 / s }
            out.append(ForwardStep(hPrev: h, a: a, h: hNew, y: y, p: p, loss: -Double.log(p[target(t)])))
            h = hNew
        }
        return out
    }

    /// L = Σ_t loss_t.
    public func loss(whh w: [Double]? = nil) -> Double { forward(whh: w).reduce(0) { $0 + $1.loss } }

    // MARK: - Backward

    /// What the backward pass computed at step t.
    public struct BackwardStep: Sendable {
        /// The step (0-based), dy_t (V), dh_t (H), δ_t (H), and ∂L/∂W_hh (H, H) summed over steps t … T−1.
        public var t: Int, dy: [Double], dh: [Double], delta: [Double], dWhhSoFar: [Double]
    }

    /// Backpropagation through time, last step first.
    public func backward() -> [BackwardStep] {
        let H = hiddenSize, V = vocabularySize, fwd = forward()
        var dWhh = [Double](repeating: 0, count: H * H), carry = [Double](repeating: 0, count: H)   // W_hhᵀ·δ_{t+1}
        var out: [BackwardStep] = []
        for t in stride(from: steps - 1, through: 0, by: -1) {
            var dy = fwd[t].p
            dy[target(t)] -= 1
            var dh = carry
            for i in 0..<H { for v in 0..<V { dh[i] += why[v * H + i] * dy[v] } }
            let delta = (0..<H).map { dh[$0] * (1 - fwd[t].h[$0] * fwd[t].h[$0]) }
            for i in 0..<H { for j in 0..<H { dWhh[i * H + j] += delta[i] * fwd[t].hPrev[j] } }
            carry = (0..<H).map { j in (0..<H).reduce(0) { $0 + whh[$1 * H + j] * delta[$1] } }
            out.append(BackwardStep(t: t, dy: dy, dh: dh, delta: delta, dWhhSoFar: dWhh))
        }
        return out
    }

    /// ∂L/∂W_hh by central differences (L(W + εE_ij) − L(W − εE_ij)) / 2ε for every entry.
    public func finiteDifferenceWhh(epsilon: Double = 1e-6) -> [Double] {
        (0..<whh.count).map { k in
            var plus = whh, minus = whh
            plus[k] += epsilon; minus[k] -= epsilon
            return (loss(whh: plus) - loss(whh: minus)) / (2 * epsilon)
        }
    }
}
