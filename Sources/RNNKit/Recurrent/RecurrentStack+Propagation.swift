// The stack's pointer-level forward and backward: layers bottom-up, then top-down.
// Models (the language model, the benchmark) chain these without copying tensors.

extension RecurrentStack {
    /// Whether inter-layer dropout applies in this call.
    var dropoutActive: Bool { isTraining && dropout > 0 && numLayers > 1 }

    /// The input of layer k: the caller's input for k = 0 (a copy of x, or token ids into a
    /// table), else layer k−1's output (T, B, D·H), after dropout when active (the dropout
    /// layer keeps its own output buffer).
    func layerInput(_ k: Int) -> LayerInput<Scalar> {
        if k == 0 {
            guard let table = tokenTable else { return .dense(UnsafePointer(inputCopy.pointer)) }
            return .tokens(ids: UnsafePointer(tokenCopy.pointer), table: table.values, vocabulary: table.vocabulary)
        }
        return .dense(UnsafePointer(dropoutActive ? interLayerDropout[k - 1].outputPointer : outputs[k - 1].pointer))
    }

    // MARK: - Forward

    /// Runs the stack. x: (T, B, I). h0, c0: (L·D, B, H), nil = zeros. lengths: (B) in 1...T or
    /// nil. Returns the top layer's output (T, B, D·H), valid until the next forward; the final
    /// state is left in `hN`/`cN`.
    @discardableResult
    func forward(x: UnsafePointer<Scalar>, steps T: Int, batch B: Int, h0: UnsafePointer<Scalar>?,
                 c0: UnsafePointer<Scalar>?, lengths: [Int]?) -> UnsafePointer<Scalar> {
        beginCall()
        inputCopy.ensure(T * B * inputSize).update(from: x, count: T * B * inputSize)
        tokenTable = nil
        return propagate(steps: T, batch: B, h0: h0, c0: c0, lengths: lengths)
    }

    /// Runs the stack on x_n = table[ids[n]], an embedding lookup folded into the first
    /// layer's input projection (see `LayerInput.tokens`): the same numbers as `forward(x:)`
    /// on the gathered rows, with a V-row projection instead of a T·B-row one.
    /// - ids: (T, B) token ids in 0..<V. table: (V, I), valid and unchanged until backward.
    /// - lengths: (B) valid steps per sequence, or nil (see `forward(x:…)`).
    @discardableResult
    func forward(tokens ids: UnsafePointer<Int>, table: UnsafePointer<Scalar>, vocabulary V: Int,
                 steps T: Int, batch B: Int, h0: UnsafePointer<Scalar>?, c0: UnsafePointer<Scalar>?,
                 lengths: [Int]? = nil) -> UnsafePointer<Scalar> {
        beginCall()
        tokenCopy.ensure(T * B).update(from: ids, count: T * B)
        tokenTable = (table, V)
        return propagate(steps: T, batch: B, h0: h0, c0: c0, lengths: lengths)
    }

    private func propagate(steps T: Int, batch B: Int, h0: UnsafePointer<Scalar>?, c0: UnsafePointer<Scalar>?,
                           lengths: [Int]?) -> UnsafePointer<Scalar> {
        precondition(T > 0 && B > 0, "\(cell.rawValue): empty input (T = \(T), B = \(B))")
        let H = hiddenSize, D = directions, DH = D * H
        steps = T; batch = B
        setLengths(lengths, steps: T, batch: B)
        let lens: UnsafePointer<Int>? = hasLengths ? UnsafePointer(lengthsBuffer.pointer) : nil
        let hN = self.hN.ensure(numLayers * D * B * H)
        let cN = cell.hasCellState ? self.cN.ensure(numLayers * D * B * H) : nil

        for k in 0..<numLayers {
            if k > 0 && dropoutActive {
                interLayerDropout[k - 1].forward(x: outputs[k - 1].pointer, count: T * B * DH)
            }
            let out = outputs[k].ensure(T * B * DH)
            for (d, layer) in layers[k].enumerated() {
                let s = (k * D + d) * B * H                       // state slot of (layer, direction)
                layer.forward(input: layerInput(k), steps: T, batch: B, h0: h0.map { $0 + s },
                              c0: c0.map { $0 + s }, lengths: lens, output: out + d * H, ldo: DH)
                (hN + s).update(from: layer.hLast.pointer, count: B * H)
                if let cN { (cN + s).update(from: layer.cLast.pointer, count: B * H) }
            }
        }
        return UnsafePointer(outputs[numLayers - 1].pointer)
    }

    // MARK: - Backward

    /// Backpropagates through the last forward.
    /// - dOutput: (T, B, D·H) dL/d(output), nil = zero. dhN, dcN: (L·D, B, H), nil = zero.
    /// - dx: (T, B, I) receives dL/dx; after `forward(tokens:)`, dL/d(table) (V, I) is added
    ///   into it instead. nil = not needed. dh0, dc0: (L·D, B, H) receive the initial-state
    ///   gradients, nil = not needed.
    /// Adds every parameter gradient into the arena.
    func backward(dOutput: UnsafePointer<Scalar>?, dhN: UnsafePointer<Scalar>?, dcN: UnsafePointer<Scalar>?,
                  dx: UnsafeMutablePointer<Scalar>?, dh0: UnsafeMutablePointer<Scalar>?,
                  dc0: UnsafeMutablePointer<Scalar>?) {
        prepareBackward()
        defer { pendingCalls -= 1; liveIsPending = false }
        let T = steps, B = batch, H = hiddenSize, D = directions, DH = D * H
        let rows = T * B
        let dIn = dLayerInput.ensure(rows * max(inputSize, DH))
        let dOut = dLayerOutput.ensure(rows * DH)
        var upstream = dOutput                             // dL/d(output of layer k)
        for k in stride(from: numLayers - 1, through: 0, by: -1) {
            let I = k == 0 ? inputSize : DH
            let wantInput = k > 0 || dx != nil
            let target = k == 0 ? dx : dIn                 // dL/d(input of layer k), (T, B, I)
            for (d, layer) in layers[k].enumerated() {
                let s = (k * D + d) * B * H
                layer.backward(dOutput: upstream.map { $0 + d * H }, ldo: DH,
                               dhN: dhN.map { $0 + s }, dcN: dcN.map { $0 + s },
                               input: layerInput(k), dInput: wantInput ? target : nil, accumulate: d > 0,
                               dh0: dh0.map { $0 + s }, dc0: dc0.map { $0 + s })
            }
            if k > 0 {
                // dL/d(output of layer k−1), through the inter-layer dropout.
                if dropoutActive {
                    interLayerDropout[k - 1].backward(dy: dIn, count: rows * I, into: dOut)
                } else {
                    dOut.update(from: dIn, count: rows * I)
                }
                upstream = UnsafePointer(dOut)
            }
        }
    }

    func setLengths(_ lengths: [Int]?, steps T: Int, batch B: Int) {
        guard let lengths, lengths.contains(where: { $0 != T }) else {
            hasLengths = false
            return
        }
        precondition(lengths.count == B, "\(cell.rawValue): \(lengths.count) lengths for a batch of \(B)")
        precondition(lengths.allSatisfy { $0 >= 1 && $0 <= T },
                     "\(cell.rawValue): every length must be in 1...\(T), got \(lengths)")
        lengthsBuffer.ensure(B).update(from: lengths, count: B)
        hasLengths = true
    }
}
