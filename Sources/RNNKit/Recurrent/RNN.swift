/// A multi-layer Elman RNN, PyTorch's `nn.RNN` (time-major):
///
///     h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh),   act = tanh or ReLU
public final class RNN<Scalar: RNNScalar>: RecurrentStack<Scalar> {
    /// The activation of an Elman RNN.
    public enum Nonlinearity: String, Sendable {
        /// tanh, PyTorch's default.
        case tanh
        /// max(0, x).
        case relu
    }

    /// Creates an Elman RNN whose parameters are registered in `arena` under `prefix`; see
    /// `LSTM` for the meaning of the other parameters.
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh,
                bias: Bool = true, bidirectional: Bool = false, dropout: Double = 0,
                arena: ParameterArena<Scalar>, prefix: String = "", generator: inout SeededGenerator) {
        super.init(cell: nonlinearity == .relu ? .rnnRelu : .rnnTanh, inputSize: inputSize,
                   hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                   bidirectional: bidirectional, dropout: dropout, arena: arena, prefix: prefix,
                   generator: &generator)
    }

    /// Creates an Elman RNN with its own parameter arena, initialised from `seed`.
    public convenience init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1,
                            nonlinearity: Nonlinearity = .tanh, bias: Bool = true,
                            bidirectional: Bool = false, dropout: Double = 0, seed: UInt64 = 0) {
        var generator = SeededGenerator(seed: seed)
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers,
                  nonlinearity: nonlinearity, bias: bias, bidirectional: bidirectional,
                  dropout: dropout, arena: ParameterArena(), generator: &generator)
    }
}
