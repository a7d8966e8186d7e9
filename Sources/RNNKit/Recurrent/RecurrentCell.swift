/// A single recurrent cell applied one step at a time: PyTorch's `nn.RNNCell`, `nn.LSTMCell`,
/// `nn.GRUCell`, with parameters `weight_ih` (G·H, I), `weight_hh` (G·H, H), `bias_ih`,
/// `bias_hh` (G·H). Use it for streaming inference, or to drive a step loop yourself.
///
/// A cell is a `Module` that can run many times in one forward, the seed of every decoder:
/// each `step` in training mode saves what its `backward` needs (the input, the gates and the
/// state entering the step) on a last-in-first-out stack of reusable buffers, and each
/// `backward` differentiates the most recent step not yet backpropagated. Run T steps, then T
/// backwards in reverse order. The equations are those of `CellKind`. Use the concrete types
/// `RNNCell`, `LSTMCell` and `GRUCell`.
public class RecurrentCell<Scalar: RNNScalar>: Module {
    /// The cell's equations.
    public let cell: CellKind
    /// I, input features.
    public let inputSize: Int
    /// H, hidden units.
    public let hiddenSize: Int
    /// The arena holding `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh` (under the prefix).
    public let arena: ParameterArena<Scalar>
    /// Whether steps are saved for backward (training) or each replaces the last (evaluation).
    public var isTraining = true
    let layer: RecurrentLayer<Scalar>
    let output = ScratchBuffer<Scalar>()  // (B, H)
    let input = ScratchBuffer<Scalar>()   // (B, I) the input of the step being run or differentiated
    /// One frame per saved step: x (B, I) | gates (B, G·H) | h entering (B, H) | LSTM c
    /// entering (B, H) | LSTM tanh(c_t) or GRU gh_n + b_hn (B, H).
    let frames = BufferStack<Scalar>()
    /// B of each saved step.
    private var frameBatches = CallTape<Int>()

    init(cell: CellKind, inputSize: Int, hiddenSize: Int, bias: Bool,
         arena: ParameterArena<Scalar>, prefix: String, generator: inout SeededGenerator) {
        precondition(inputSize > 0 && hiddenSize > 0, "\(cell.rawValue) cell: sizes must be positive")
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.arena = arena
        layer = RecurrentLayer(cell: cell, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias,
                               reverse: false, arena: arena, prefix: prefix, suffix: "", generator: &generator)
    }

    /// Drops the saved steps not yet backpropagated.
    public func clearOwnSavedActivations() {
        frames.clear()
        frameBatches.clear()
    }

    /// Elements of one saved frame for a batch of B.
    private func frameCount(_ B: Int) -> Int { B * (inputSize + cell.gateCount * hiddenSize + 3 * hiddenSize) }

    /// Copies between a frame (x | gates | h | c | tanh c or ghn) and the layer's one-step
    /// buffers: `save` true copies layer → frame, false frame → layer.
    private func transfer(_ frame: UnsafeMutablePointer<Scalar>, batch B: Int, save: Bool) {
        let I = inputSize, H = hiddenSize, GH = cell.gateCount * H
        var at = frame
        func move(_ buffer: ScratchBuffer<Scalar>, _ n: Int) {
            let p = buffer.ensure(n)
            if save { at.update(from: p, count: n) } else { p.update(from: at, count: n) }
            at += n
        }
        move(input, B * I)
        move(layer.gates, B * GH)
        move(layer.hPrev, B * H)
        if cell == .lstm {
            move(layer.cPrev, B * H)
            move(layer.tanhC, B * H)
        }
        if cell == .gru { move(layer.ghn, B * H) }
    }

    // MARK: - Forward

    /// One step: x (B, I) and the previous state (each (B, H); nil = zeros) → the new state.
    /// In training mode the step is saved for its `backward`.
    public func step(_ x: Tensor<Scalar>, state: RecurrentState<Scalar>? = nil) -> RecurrentState<Scalar> {
        precondition(x.rank == 2 && x.shape[1] == inputSize,
                     "\(cell.rawValue) cell: input must be (B, \(inputSize)), got \(x.shape)")
        let B = x.shape[0], H = hiddenSize
        if let state {
            precondition(state.h.shape == [B, H], "\(cell.rawValue) cell: h must be \([B, H]), got \(state.h.shape)")
        }
        let xs = input.ensure(B * inputSize)
        x.scalars.withUnsafeBufferPointer { xs.update(from: $0.baseAddress!, count: B * inputSize) }
        withOptionalPointers(state?.h, state?.c) { h0, c0 in
            layer.forward(input: .dense(xs), steps: 1, batch: B, h0: h0, c0: c0, lengths: nil,
                          output: output.ensure(B * H), ldo: H)
        }
        if !isTraining { clearOwnSavedActivations() }
        transfer(frames.push(frameCount(B)), batch: B, save: true)
        frameBatches.push(B)
        let h = Tensor(shape: [B, H], scalars: Array(UnsafeBufferPointer(start: layer.hLast.pointer, count: B * H)))
        let c = cell.hasCellState
            ? Tensor(shape: [B, H], scalars: Array(UnsafeBufferPointer(start: layer.cLast.pointer, count: B * H))) : nil
        return RecurrentState(h: h, c: c)
    }

    // MARK: - Backward

    /// The backward of the most recent `step` not yet backpropagated: given dL/d(new state),
    /// returns dL/dx (B, I) and dL/d(previous state); parameter gradients are added into `arena`.
    public func backward(gradState: RecurrentState<Scalar>) -> (input: Tensor<Scalar>, state: RecurrentState<Scalar>) {
        let B = frameBatches.pop("\(cell.rawValue) cell"), H = hiddenSize
        transfer(frames.pop("\(cell.rawValue) cell").pointer, batch: B, save: false)
        layer.steps = 1
        layer.batch = B
        layer.lengths = nil
        precondition(gradState.h.shape == [B, H], "\(cell.rawValue) cell: gradient of h must be \([B, H])")
        var dx = [Scalar](repeating: 0, count: B * inputSize)
        var dh = [Scalar](repeating: 0, count: B * H)
        var dc = [Scalar](repeating: 0, count: B * H)
        withOptionalPointers(gradState.h, gradState.c) { dhN, dcN in
            dx.withUnsafeMutableBufferPointer { dx in
                dh.withUnsafeMutableBufferPointer { dh in
                    dc.withUnsafeMutableBufferPointer { dc in
                        layer.backward(dOutput: nil, ldo: H, dhN: dhN, dcN: dcN, input: .dense(input.pointer),
                                       dInput: dx.baseAddress!, accumulate: false, dh0: dh.baseAddress!,
                                       dc0: cell.hasCellState ? dc.baseAddress! : nil)
                    }
                }
            }
        }
        return (Tensor(shape: [B, inputSize], scalars: dx),
                RecurrentState(h: Tensor(shape: [B, H], scalars: dh),
                               c: cell.hasCellState ? Tensor(shape: [B, H], scalars: dc) : nil))
    }
}

/// PyTorch's `nn.LSTMCell`: one LSTM step (gate order i, f, g, o).
public final class LSTMCell<Scalar: RNNScalar>: RecurrentCell<Scalar> {
    /// Creates the cell in `arena` under `prefix`, initialised from U(−1/√H, 1/√H).
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, arena: ParameterArena<Scalar>,
                prefix: String = "", generator: inout SeededGenerator) {
        super.init(cell: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias,
                   arena: arena, prefix: prefix, generator: &generator)
    }

    /// Creates the cell with its own arena, initialised from `seed`.
    public convenience init(inputSize: Int, hiddenSize: Int, bias: Bool = true, seed: UInt64 = 0) {
        var g = SeededGenerator(seed: seed)
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, arena: ParameterArena(), generator: &g)
    }
}

/// PyTorch's `nn.GRUCell`: one GRU step (gate order r, z, n, reset after the product).
public final class GRUCell<Scalar: RNNScalar>: RecurrentCell<Scalar> {
    /// Creates the cell in `arena` under `prefix`, initialised from U(−1/√H, 1/√H).
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, arena: ParameterArena<Scalar>,
                prefix: String = "", generator: inout SeededGenerator) {
        super.init(cell: .gru, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias,
                   arena: arena, prefix: prefix, generator: &generator)
    }

    /// Creates the cell with its own arena, initialised from `seed`.
    public convenience init(inputSize: Int, hiddenSize: Int, bias: Bool = true, seed: UInt64 = 0) {
        var g = SeededGenerator(seed: seed)
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, arena: ParameterArena(), generator: &g)
    }
}

/// PyTorch's `nn.RNNCell`: one Elman step, h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh).
public final class RNNCell<Scalar: RNNScalar>: RecurrentCell<Scalar> {
    /// Creates the cell in `arena` under `prefix`, initialised from U(−1/√H, 1/√H).
    public init(inputSize: Int, hiddenSize: Int, nonlinearity: RNN<Scalar>.Nonlinearity = .tanh,
                bias: Bool = true, arena: ParameterArena<Scalar>, prefix: String = "",
                generator: inout SeededGenerator) {
        super.init(cell: nonlinearity == .relu ? .rnnRelu : .rnnTanh, inputSize: inputSize,
                   hiddenSize: hiddenSize, bias: bias, arena: arena, prefix: prefix, generator: &generator)
    }

    /// Creates the cell with its own arena, initialised from `seed`.
    public convenience init(inputSize: Int, hiddenSize: Int, nonlinearity: RNN<Scalar>.Nonlinearity = .tanh,
                            bias: Bool = true, seed: UInt64 = 0) {
        var g = SeededGenerator(seed: seed)
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, nonlinearity: nonlinearity, bias: bias,
                  arena: ParameterArena(), generator: &g)
    }
}
