/// A stack of recurrent layers (RNN, LSTM or GRU), optionally bidirectional: PyTorch's
/// `nn.RNN`/`nn.LSTM`/`nn.GRU`, with the same parameter names, layouts and numbers.
///
/// Use the concrete types `RNN`, `LSTM` and `GRU`. Tensors are time-major: input (T, B, I),
/// output (T, B, D·H) with the forward direction's features first, state (L·D, B, H).
/// Layer k > 0 reads layer k−1's output (after inter-layer dropout when training).
///
/// `forward` keeps what `backward` needs; `backward` adds the parameter gradients into the
/// arena and returns the gradients of the input and the initial state. In training mode every
/// forward is kept until its backward, so a stack can run many times in one forward (a
/// decoder running one step at a time) and be backpropagated in reverse order; in evaluation
/// mode a forward replaces what was kept (see `Module`).
public class RecurrentStack<Scalar: RNNScalar> {
    /// The cell every layer uses.
    public let cell: CellKind
    /// I, the input features of the first layer.
    public let inputSize: Int
    /// H, the hidden units of every layer and direction.
    public let hiddenSize: Int
    /// L, the number of stacked layers.
    public let numLayers: Int
    /// Whether each layer also runs a reverse direction (D = 2).
    public let bidirectional: Bool
    /// Whether the layers have the bias vectors b_ih and b_hh.
    public let hasBias: Bool
    /// The dropout probability applied to the output of each layer but the last, in training.
    public let dropout: Double
    /// The arena holding this stack's parameters (shared with the model that owns it, if any).
    public let arena: ParameterArena<Scalar>
    /// Whether inter-layer dropout is active (PyTorch's `train()`/`eval()`).
    public var isTraining = true

    /// D, the number of directions.
    public var directions: Int { bidirectional ? 2 : 1 }

    /// [layer][direction].
    let layers: [[RecurrentLayer<Scalar>]]
    let interLayerDropout: [Dropout<Scalar>]        // one per layer boundary, L − 1
    let outputs: [ScratchBuffer<Scalar>]            // [layer] (T, B, D·H)
    let inputCopy = ScratchBuffer<Scalar>()         // (T, B, I) the first layer's input
    let tokenCopy = ScratchBuffer<Int>()            // (T, B) token ids, after forward(tokens:)
    var tokenTable: (values: UnsafePointer<Scalar>, vocabulary: Int)?  // (V, I), after forward(tokens:)
    let hN = ScratchBuffer<Scalar>()                // (L·D, B, H)
    let cN = ScratchBuffer<Scalar>()                // (L·D, B, H)
    let dLayerInput = ScratchBuffer<Scalar>()       // (T, B, max(I, D·H)) dL/d(layer input)
    let dLayerOutput = ScratchBuffer<Scalar>()      // (T, B, D·H) dL/d(layer output)
    let lengthsBuffer = ScratchBuffer<Int>()            // (B) valid steps, when hasLengths
    var hasLengths = false
    var steps = 0, batch = 0
    /// Forwards not yet backpropagated, and whether the live buffers hold the newest of them
    /// (older ones wait in `savedActivations`; see RecurrentStack+Calls.swift).
    var pendingCalls = 0, liveIsPending = false
    var savedCalls = CallTape<SavedStackCall>()
    let savedActivations = BufferStack<Scalar>()

    /// Creates a stack registering its parameters in `arena` under `prefix`, in PyTorch's order
    /// (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, then `…_reverse`, then l1, …),
    /// each initialised from U(−1/√H, 1/√H).
    init(cell: CellKind, inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool,
         bidirectional: Bool, dropout: Double, arena: ParameterArena<Scalar>, prefix: String,
         generator: inout SeededGenerator) {
        precondition(inputSize > 0 && hiddenSize > 0 && numLayers > 0,
                     "\(cell.rawValue): sizes must be positive (input \(inputSize), hidden \(hiddenSize), layers \(numLayers))")
        precondition(dropout >= 0 && dropout < 1, "\(cell.rawValue): dropout must be in [0, 1), got \(dropout)")
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.bidirectional = bidirectional
        self.hasBias = bias
        self.dropout = dropout
        self.arena = arena
        let D = bidirectional ? 2 : 1
        var layers: [[RecurrentLayer<Scalar>]] = []
        for k in 0..<numLayers {
            let inputs = k == 0 ? inputSize : D * hiddenSize
            layers.append((0..<D).map { d in
                RecurrentLayer(cell: cell, inputSize: inputs, hiddenSize: hiddenSize, bias: bias,
                               reverse: d == 1, arena: arena, prefix: prefix,
                               suffix: "_l\(k)" + (d == 1 ? "_reverse" : ""), generator: &generator)
            })
        }
        self.layers = layers
        outputs = (0..<numLayers).map { _ in ScratchBuffer() }
        interLayerDropout = (0..<max(numLayers - 1, 0)).map { _ in
            Dropout(p: dropout, seed: generator.next())
        }
    }

}

extension RecurrentStack: Module {
    /// The inter-layer dropouts (the layers' parameters are registered by the stack itself).
    public var children: [any Module] { interLayerDropout }

    /// Drops every call kept for backward (the buffers stay for reuse).
    public func clearOwnSavedActivations() {
        pendingCalls = 0
        liveIsPending = false
        savedCalls.clear()
        savedActivations.clear()
    }
}
