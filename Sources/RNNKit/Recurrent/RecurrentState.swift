/// The state a recurrent stack carries between calls: h (and c for LSTM).
///
/// For a stack both tensors are (L·D, B, H), indexed `layer·D + direction`, exactly as
/// PyTorch's `h_n`/`c_n`; for a single-step cell they are (B, H).
public struct RecurrentState<Scalar: RNNScalar>: Equatable, Sendable {
    /// The hidden state h.
    public var h: Tensor<Scalar>
    /// The LSTM cell state c; nil for RNN and GRU.
    public var c: Tensor<Scalar>?

    /// Creates a state from its tensors.
    public init(h: Tensor<Scalar>, c: Tensor<Scalar>? = nil) {
        self.h = h
        self.c = c
    }
}
