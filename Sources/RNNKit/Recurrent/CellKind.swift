/// The recurrent cells RNNKit implements, with PyTorch's equations and gate orders.
///
/// Notation (used on every buffer in this folder): T time steps, B batch, I input features,
/// H hidden units, G gates per cell, L layers, D directions (1 or 2). Weights are PyTorch's
/// (out, in): `W_ih` is (G·H, I), `W_hh` is (G·H, H); gate blocks are stacked row blocks of H.
///
/// - `rnnTanh`, `rnnRelu` (G = 1):  h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)
/// - `lstm` (G = 4, order i, f, g, o):
///       [a_i | a_f | a_g | a_o] = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh
///       i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
///       c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)
/// - `gru` (G = 3, order r, z, n; reset applied after the recurrent product):
///       r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r ⊙ gh_n)
///       h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
///   with gi = x_t·W_ihᵀ + b_ih and gh = h_{t−1}·W_hhᵀ + b_hh.
public enum CellKind: String, Sendable, CaseIterable, Codable {
    /// Elman RNN with tanh.
    case rnnTanh = "RNN_TANH"
    /// Elman RNN with ReLU.
    case rnnRelu = "RNN_RELU"
    /// Long short-term memory.
    case lstm = "LSTM"
    /// Gated recurrent unit.
    case gru = "GRU"

    /// G, the number of gate blocks stacked in `W_ih` and `W_hh`.
    public var gateCount: Int {
        switch self {
        case .rnnTanh, .rnnRelu: 1
        case .lstm: 4
        case .gru: 3
        }
    }

    /// Whether the cell carries a cell state `c` beside `h` (LSTM only).
    public var hasCellState: Bool { self == .lstm }
}
