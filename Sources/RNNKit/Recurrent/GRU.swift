/// A multi-layer GRU, PyTorch's `nn.GRU` (time-major, gate order r, z, n, reset after the
/// recurrent product):
///
///     r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)    z = σ(x·W_izᵀ + b_iz + h·W_hzᵀ + b_hz)
///     n = tanh(x·W_inᵀ + b_in + r ⊙ (h·W_hnᵀ + b_hn))
///     h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
public final class GRU<Scalar: RNNScalar>: RecurrentStack<Scalar> {
    /// Creates a GRU whose parameters are registered in `arena` under `prefix`; see `LSTM` for
    /// the meaning of each parameter.
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true,
                bidirectional: Bool = false, dropout: Double = 0,
                arena: ParameterArena<Scalar>, prefix: String = "", generator: inout SeededGenerator) {
        super.init(cell: .gru, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers,
                   bias: bias, bidirectional: bidirectional, dropout: dropout, arena: arena,
                   prefix: prefix, generator: &generator)
    }

    /// Creates a GRU with its own parameter arena, initialised from `seed`.
    public convenience init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true,
                            bidirectional: Bool = false, dropout: Double = 0, seed: UInt64 = 0) {
        var generator = SeededGenerator(seed: seed)
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                  bidirectional: bidirectional, dropout: dropout, arena: ParameterArena(),
                  generator: &generator)
    }
}
