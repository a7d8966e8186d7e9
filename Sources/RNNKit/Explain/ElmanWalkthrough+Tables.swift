// The walkthrough as text: the weights, the forward table, the backward pass step by step.

extension ElmanWalkthrough {
    /// The weights, one matrix per line (rows separated by `;`).
    public var weightsText: String {
        let H = hiddenSize, V = vocabularySize
        func matrix(_ m: [Double], rows: Int, cols: Int) -> String {
            "[" + (0..<rows).map { r in (0..<cols).map { Self.number(m[r * cols + $0], 1) }.joined(separator: " ") }
                .joined(separator: "; ") + "]"
        }
        return """
            vocabulary (V = \(V)): \(vocabulary.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", ")); H = \(H)
            W_xh (H×V) = \(matrix(wxh, rows: H, cols: V))
            W_hh (H×H) = \(matrix(whh, rows: H, cols: H))
            b_h        = \(Self.vector(bh, 1))
            W_hy (V×H) = \(matrix(why, rows: V, cols: H))
            b_y        = \(Self.vector(by, 1))
            """
    }

    /// The unrolled forward pass: one row per step with t, the word x_t, h_{t−1}, h_t, y_t, the
    /// target and its probability, and the total loss.
    public var forwardTable: String {
        let fwd = forward()
        var s = "forward: a_t = W_xh·x_t + W_hh·h_{t-1} + b_h, h_t = tanh(a_t), y_t = W_hy·h_t + b_y, p_t = softmax(y_t)\n"
        s += "t  x_t     h_{t-1}            h_t                y_t                              target  p(target)  loss\n"
        for (t, step) in fwd.enumerated() {
            s += Self.pad("\(t + 1)", 3) + Self.pad(words[t], 8) + Self.pad(Self.vector(step.hPrev, 4), 19)
                + Self.pad(Self.vector(step.h, 4), 19) + Self.pad(Self.vector(step.y, 4), 33)
                + Self.pad(vocabulary[target(t)], 8) + Self.pad(Self.number(step.p[target(t)], 4), 11)
                + Self.number(step.loss, 4) + "\n"
        }
        return s + "L = Σ_t −log p_t[target] = \(Self.number(fwd.reduce(0) { $0 + $1.loss }, 6))\n"
    }

    /// The backward pass from the last step: dy_t, dh_t, δ_t and ∂L/∂W_hh accumulated as
    /// Σ δ_t·h_{t−1}ᵀ, then the finite-difference check of every entry.
    public var backwardTable: String {
        let steps = backward(), fd = finiteDifferenceWhh()
        var s = "backward: dy_t = p_t − onehot(target), dh_t = W_hyᵀ·dy_t + W_hhᵀ·δ_{t+1}, δ_t = dh_t ⊙ (1 − h_t²), ∂L/∂W_hh += δ_t·h_{t-1}ᵀ\n"
        s += "t  dy_t                             dh_t               δ_t                ∂L/∂W_hh so far\n"
        for step in steps {
            s += Self.pad("\(step.t + 1)", 3) + Self.pad(Self.vector(step.dy, 4), 33) + Self.pad(Self.vector(step.dh, 4), 19)
                + Self.pad(Self.vector(step.delta, 4), 19) + Self.vector(step.dWhhSoFar, 4) + "\n"
        }
        s += "(step 1 adds nothing to ∂L/∂W_hh: h_0 = 0)\n"
        let analytic = steps.last!.dWhhSoFar
        let worst = zip(analytic, fd).map { abs($0 - $1) }.max() ?? 0
        s += "finite differences (L(W_hh + ε) − L(W_hh − ε)) / 2ε, ε = 1e-6: \(Self.vector(fd, 6))\n"
        s += "largest difference from BPTT: \(worst < 1e-300 ? "0" : Self.scientific(worst))\n"
        return s
    }

    static func number(_ x: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (x * scale).rounded() / scale
        var text = String(abs(r) < 0.5 / scale ? 0 : r)
        let decimals = text.split(separator: ".").last.map(\.count) ?? 0
        if !text.contains("e") { text += String(repeating: "0", count: max(digits - decimals, 0)) }
        return text
    }

    static func vector(_ v: [Double], _ digits: Int) -> String { "[" + v.map { number($0, digits) }.joined(separator: " ") + "]" }

    static func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(width - s.count, 1)) }

    static func scientific(_ x: Double) -> String {
        var e = 0, m = abs(x)
        while m >= 10 { m /= 10; e += 1 }
        while m < 1 && m > 0 { m *= 10; e -= 1 }
        return number(x < 0 ? -m : m, 2) + "e" + String(e)
    }
}
