// The stack's public, tensor-level API.

extension RecurrentStack {
    /// Runs the stack over a sequence (forward propagation through time).
    /// - Parameters:
    ///   - input: (T, B, I), time-major.
    ///   - initialState: h0 (and c0 for LSTM), each (L·D, B, H); nil means zeros.
    ///   - lengths: valid steps per sequence (B values in 1...T), with PyTorch's packed-sequence
    ///     semantics: no sorting needed, outputs past a sequence's end are 0, and its final
    ///     state is the one at its own last step. nil means every sequence has T steps.
    /// - Returns: `output` (T, B, D·H) and the final `state` h_n (and c_n), each (L·D, B, H).
    public func forward(_ input: Tensor<Scalar>, initialState: RecurrentState<Scalar>? = nil,
                        lengths: [Int]? = nil) -> (output: Tensor<Scalar>, state: RecurrentState<Scalar>) {
        precondition(input.rank == 3 && input.shape[2] == inputSize,
                     "\(cell.rawValue): input must be (T, B, \(inputSize)), got \(input.shape)")
        releaseWeights()                    // the arena's current weights, not a held copy
        let T = input.shape[0], B = input.shape[1], H = hiddenSize, D = directions
        let stateShape = [numLayers * D, B, H]
        if let initialState { checkState(initialState, shape: stateShape, "initial state") }
        let output = input.scalars.withUnsafeBufferPointer { x in
            withOptionalPointers(initialState?.h, initialState?.c) { h0, c0 in
                forward(x: x.baseAddress!, steps: T, batch: B, h0: h0, c0: c0, lengths: lengths)
            }
        }
        return (Tensor(shape: [T, B, D * H], scalars: Array(UnsafeBufferPointer(start: output, count: T * B * D * H))),
                finalState())
    }

    /// Backpropagation through time for the last `forward`.
    /// - Parameters:
    ///   - gradOutput: dL/d(output), (T, B, D·H); nil means zero.
    ///   - gradState: dL/dh_n (and dL/dc_n), each (L·D, B, H); nil means zero.
    /// - Returns: dL/d(input) (T, B, I) and dL/d(initial state), each (L·D, B, H).
    ///   The parameter gradients are added into `arena`'s gradients.
    public func backward(gradOutput: Tensor<Scalar>?, gradState: RecurrentState<Scalar>? = nil)
        -> (input: Tensor<Scalar>, initialState: RecurrentState<Scalar>) {
        prepareBackward()
        releaseWeights()
        let T = steps, B = batch, H = hiddenSize, D = directions
        let stateShape = [numLayers * D, B, H]
        if let gradOutput {
            precondition(gradOutput.shape == [T, B, D * H],
                         "\(cell.rawValue): gradOutput must be \([T, B, D * H]), got \(gradOutput.shape)")
        }
        if let gradState { checkState(gradState, shape: stateShape, "state gradient") }
        var dx = [Scalar](repeating: 0, count: T * B * inputSize)
        var dh0 = [Scalar](repeating: 0, count: numLayers * D * B * H)
        var dc0 = [Scalar](repeating: 0, count: cell.hasCellState ? dh0.count : 0)
        withOptionalPointers(gradOutput, nil) { dOut, _ in
            withOptionalPointers(gradState?.h, gradState?.c) { dhN, dcN in
                dx.withUnsafeMutableBufferPointer { dx in
                    dh0.withUnsafeMutableBufferPointer { dh0 in
                        dc0.withUnsafeMutableBufferPointer { dc0 in
                            backward(dOutput: dOut, dhN: dhN, dcN: dcN, dx: dx.baseAddress!,
                                     dh0: dh0.baseAddress!, dc0: cell.hasCellState ? dc0.baseAddress! : nil)
                        }
                    }
                }
            }
        }
        return (Tensor(shape: [T, B, inputSize], scalars: dx),
                RecurrentState(h: Tensor(shape: stateShape, scalars: dh0),
                               c: cell.hasCellState ? Tensor(shape: stateShape, scalars: dc0) : nil))
    }

    private func checkState(_ state: RecurrentState<Scalar>, shape: [Int], _ what: String) {
        precondition(state.h.shape == shape, "\(cell.rawValue): \(what) h must be \(shape), got \(state.h.shape)")
        if cell.hasCellState, let c = state.c {
            precondition(c.shape == shape, "\(cell.rawValue): \(what) c must be \(shape), got \(c.shape)")
        }
    }
}

/// Calls `body` with base pointers of up to two optional tensors (nil stays nil).
func withOptionalPointers<Scalar: RNNScalar, R>(
    _ a: Tensor<Scalar>?, _ b: Tensor<Scalar>?,
    _ body: (UnsafePointer<Scalar>?, UnsafePointer<Scalar>?) -> R
) -> R {
    func with(_ t: Tensor<Scalar>?, _ inner: (UnsafePointer<Scalar>?) -> R) -> R {
        guard let t else { return inner(nil) }
        return t.scalars.withUnsafeBufferPointer { inner($0.baseAddress!) }
    }
    return with(a) { pa in with(b) { pb in body(pa, pb) } }
}
