/// How a recurrent stack's recurrent weights start, beyond PyTorch's default U(−1/√H, 1/√H).
///
/// - `identity` (IRNN; Le, Jaitly & Hinton 2015, "A Simple Way to Initialize Recurrent
///   Networks of Rectified Linear Units"): W_hh = I and every bias 0, for ReLU RNNs only. With
///   zero input a ReLU RNN then copies its (non-negative) state unchanged from step to step, and
///   the Jacobian ∂h_t/∂h_{t−1} is the identity on the active units: gradients neither explode
///   nor vanish at the start of training. W_ih keeps its default draw.
/// - `orthogonal`: each (H, H) gate block of W_hh is a random orthogonal matrix (Haar
///   distributed: Gram–Schmidt of a Gaussian matrix), so σ_max of every block is exactly 1;
///   W_ih and the biases keep their default draw. For every cell.
public enum RecurrentInitialization: String, Sendable, CaseIterable {
    /// PyTorch's default: every weight and bias from U(−1/√H, 1/√H) (nothing changed).
    case pytorch
    /// W_hh = I, biases 0 (ReLU RNNs only).
    case identity
    /// Each gate block of W_hh random orthogonal.
    case orthogonal

    /// Why `identity` does not apply to `cell`, or nil when it does (or for another scheme).
    public func refusal(for cell: CellKind) -> String? {
        guard self == .identity else { return nil }
        switch cell {
        case .rnnRelu: return nil
        case .rnnTanh:
            return "identity initialisation is for ReLU RNNs (Le, Jaitly & Hinton 2015): with tanh, h_t = tanh(h_{t−1}) shrinks the state every step instead of copying it; use --cell rnn-relu, or --init orthogonal"
        case .lstm, .gru:
            return "identity initialisation is for ReLU RNNs (Le, Jaitly & Hinton 2015): \(cell == .lstm ? "an LSTM" : "a GRU")'s W_hh feeds \(cell.gateCount) sigmoid and tanh gate blocks, where an identity block does not copy the state (its memory comes from the gates); use --init orthogonal"
        }
    }
}

extension RecurrentStack {
    /// Re-initialises every layer's recurrent weights by `scheme` (see `RecurrentInitialization`),
    /// drawing from `generator` for `orthogonal`.
    /// - Throws: `RNNKitError` for `identity` on a cell other than ReLU RNN, with the reason.
    public func initialize(_ scheme: RecurrentInitialization, generator: inout SeededGenerator) throws {
        if let reason = scheme.refusal(for: cell) { throw RNNKitError(reason) }
        let H = hiddenSize, G = cell.gateCount
        for layer in layers.joined() {
            let w = arena.valuePointer(layer.weightHH)                   // (G·H, H)
            switch scheme {
            case .pytorch: break
            case .identity:
                w.update(repeating: 0, count: G * H * H)
                for j in 0..<H { w[j * H + j] = 1 }
                for bias in [layer.biasIH, layer.biasHH].compactMap({ $0 }) { arena.fill(bias, with: 0) }
            case .orthogonal:
                for g in 0..<G {
                    let q = randomOrthogonal(H, using: &generator)
                    for k in 0..<H * H { w[g * H * H + k] = Scalar(q[k]) }
                }
            }
        }
    }
}

/// A Haar-random orthogonal (n, n) matrix, row-major: modified Gram–Schmidt on the rows of a
/// standard Gaussian matrix (in Double; a zero-probability degenerate draw is redrawn).
func randomOrthogonal(_ n: Int, using generator: inout SeededGenerator) -> [Double] {
    var q = [Double](repeating: 0, count: n * n)
    var i = 0
    while i < n {
        var row = (0..<n).map { _ in generator.normal() as Double }
        for p in 0..<i {                                      // remove the earlier rows' components
            var dot = 0.0
            for j in 0..<n { dot += row[j] * q[p * n + j] }
            for j in 0..<n { row[j] -= dot * q[p * n + j] }
        }
        let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 1e-8 else { continue }
        for j in 0..<n { q[i * n + j] = row[j] / norm }
        i += 1
    }
    return q
}
