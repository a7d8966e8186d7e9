/// A multi-layer LSTM, PyTorch's `nn.LSTM` (time-major, gate order i, f, g, o):
///
///     i = σ(x·W_iiᵀ + b_ii + h·W_hiᵀ + b_hi)    f = σ(…)    g = tanh(…)    o = σ(…)
///     c_t = f ⊙ c_{t−1} + i ⊙ g                 h_t = o ⊙ tanh(c_t)
///
/// ```swift
/// let lstm = LSTM<Float>(inputSize: 8, hiddenSize: 16, numLayers: 2)
/// let (y, state) = lstm.forward(x)          // x (T, B, 8) → y (T, B, 16), state.h/c (2, B, 16)
/// let grads = lstm.backward(gradOutput: dy) // parameter gradients land in lstm.arena
/// ```
public final class LSTM<Scalar: RNNScalar>: RecurrentStack<Scalar> {
    /// Creates an LSTM whose parameters are registered in `arena` under `prefix`.
    /// - Parameters:
    ///   - prefix: prepended to every parameter name (e.g. `rnn.`).
    ///   - inputSize: I, features of each input step.
    ///   - hiddenSize: H, hidden (and cell) units per layer and direction.
    ///   - numLayers: L, stacked layers.
    ///   - bias: whether to use b_ih and b_hh.
    ///   - bidirectional: whether each layer also reads the sequence backwards (D = 2).
    ///   - dropout: dropout on each layer's output except the last, while training.
    ///   - arena: where the parameters live; `prefix` is prepended to their names.
    ///   - generator: the random source for U(−1/√H, 1/√H) initialisation.
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true,
                bidirectional: Bool = false, dropout: Double = 0,
                arena: ParameterArena<Scalar>, prefix: String = "", generator: inout SeededGenerator) {
        super.init(cell: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers,
                   bias: bias, bidirectional: bidirectional, dropout: dropout, arena: arena,
                   prefix: prefix, generator: &generator)
    }

    /// Creates an LSTM with its own parameter arena, initialised from `seed`.
    public convenience init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true,
                            bidirectional: Bool = false, dropout: Double = 0, seed: UInt64 = 0) {
        var generator = SeededGenerator(seed: seed)
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                  bidirectional: bidirectional, dropout: dropout, arena: ParameterArena(),
                  generator: &generator)
    }
}
