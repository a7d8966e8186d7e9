// The backward pass, the forward's mirror: the loss, the generator over all steps at once,
// then the decoder steps in reverse (combine and attention, the cell, the input's parts), then
// the bridge, the keys and the encoder.

extension Seq2Seq {
    // MARK: - Loss and backward

    /// Forward (see `forward`), mean cross-entropy over the target tokens that are not PAD, and
    /// backward: adds dL/dθ into `arena`'s gradients (call `arena.zeroGradients()` first).
    /// - Parameters: source (S, B), sourceLengths (B), targetIn (T, B), targetOut (T, B) (PAD =
    ///   0 ignored), teacher (T, B) or nil (always the target).
    /// - Returns: the mean loss (NaN when every target is PAD) and the tokens counted.
    @discardableResult
    /// - sampling: where the mask is false, feed a token drawn from the softmax with this
    ///   generator instead of the argmax (scheduled sampling's `sample`).
    public func lossAndGradients(source: [Int], sourceLengths: [Int], targetIn: [Int], targetOut: [Int],
                                 teacher: [Bool]? = nil, sampling: inout SeededGenerator?) -> (loss: Scalar, count: Int) {
        guard var g = sampling else {
            return lossAndGradients(source: source, sourceLengths: sourceLengths, targetIn: targetIn, targetOut: targetOut, teacher: teacher)
        }
        defer { sampling = g }
        let y = withUnsafeMutablePointer(to: &g) {
            forwardLogits(source: source, sourceLengths: sourceLengths, targetIn: targetIn, teacher: teacher, sampling: $0,
                          rows: Self.activeRows(targetIn: targetIn, targetOut: targetOut, batch: sourceLengths.count))
        }
        return lossAndBackward(y, targetOut: targetOut)
    }

    /// The same with the argmax fed back where the mask is false.
    @discardableResult
    public func lossAndGradients(source: [Int], sourceLengths: [Int], targetIn: [Int], targetOut: [Int],
                                 teacher: [Bool]? = nil) -> (loss: Scalar, count: Int) {
        let y = forwardLogits(source: source, sourceLengths: sourceLengths, targetIn: targetIn, teacher: teacher,
                              rows: Self.activeRows(targetIn: targetIn, targetOut: targetOut, batch: sourceLengths.count))
        return lossAndBackward(y, targetOut: targetOut)
    }

    /// The loss of logits `y` (T, B, V) against targetOut (T, B), and backward.
    private func lossAndBackward(_ y: UnsafeMutablePointer<Scalar>, targetOut: [Int]) -> (loss: Scalar, count: Int) {
        let c = configuration, T = steps, B = batch, V = c.targetVocabularySize
        precondition(targetOut.count == T * B, "Seq2Seq: \(targetOut.count) output targets for (T, B) = (\(T), \(B))")
        let result = targetOut.withUnsafeBufferPointer {
            softmaxCrossEntropy(logits: y, targets: $0.baseAddress!, rows: T * B, classes: V, ignoreIndex: 0, gradient: y)
        }
        backward(dLogits: y)
        return result
    }

    /// Backpropagates dL/dlogits (T, B, V) through the last forward.
    func backward(dLogits: UnsafePointer<Scalar>) {
        let c = configuration, T = steps, B = batch, L = c.numLayers, H = c.hiddenSize, C = c.memorySize
        let E = c.embeddingSize, I = c.decoderInputSize, S = sourceSteps, N = T * B, hasC = c.cell.hasCellState
        let luong = c.attention == .luong
        // The generator over every step at once: dL/d(its input) (T, B, H).
        let dGen = dTop.ensure(N * H)
        generator.backward(x: luong ? feeds.pointer + B * H : outputs.pointer, dy: dLogits, rows: N, dx: dGen)
        let block = L * B * H
        let ds = dState.ensure(4 * block)                                  // [next h, next c, this h, this c]
        ds.update(repeating: 0, count: 2 * block)                          // dL/ds_T = 0
        let dx = dInput.ensure(B * I), dEmb = dEmbedded.ensure(N * E)
        let dfeed = dFeed.ensure(B * H)
        dfeed.update(repeating: 0, count: B * H)
        let dctx = dContext.ensure(B * C), dq = dQuery.ensure(B * H)
        // The per-step products of the decoder and combine have a few rows each: their weight
        // gradients are added once after the loop, over every step's rows.
        let stepped = stepRows.reduce(0, +)
        decoder.deferWeightGradients(maxRows: stepped)
        combine?.deferWeightGradients(maxRows: stepped)
        for t in stride(from: T - 1, through: 0, by: -1) {
            let R = stepRows[t]                                            // the columns step t computed
            let dOut = dGen + t * B * H                                    // becomes dL/d(top s_{t+1})
            let alpha = weights.pointer + t * B * S
            if luong {
                // h̃_{t+1} = tanh(combine([c_t; top])): its gradient from the generator and from x_{t+1}.
                let feed = feeds.pointer + (t + 1) * B * H
                for i in 0..<(R * H) { dOut[i] = (dOut[i] + dfeed[i]) * (1 - feed[i] * feed[i]) }
                let dj = dJoined.ensure(B * (C + H))
                combine!.backward(x: combined.pointer + t * B * (C + H), dy: dOut, rows: R, dx: dj)
                for b in 0..<R {
                    (dctx + b * C).update(from: dj + b * (C + H), count: C)
                    (dOut + b * H).update(from: dj + b * (C + H) + C, count: H)
                }
                attention!.backward(step: t, query: outputs.pointer + t * B * H, weights: alpha, dContext: dctx, dQuery: dq, rows: R)
                for i in 0..<(R * H) { dOut[i] += dq[i] }
            }
            // The cell: dL/ds_t and dL/dx_t from dL/d(top s_{t+1}) and dL/ds_{t+1}, for the
            // step's R columns; the others' dL/ds_t is zero (they ended before step t).
            let dh0 = packedStateRows(ds + 2 * block, R, slot: 2), dc0 = hasC ? packedStateRows(ds + 3 * block, R, slot: 3) : nil
            decoder.backward(dOutput: dOut, dhN: packedStateRows(ds, R, slot: 0), dcN: hasC ? packedStateRows(ds + block, R, slot: 1) : nil,
                             dx: dx, dh0: dh0, dc0: dc0)
            for (part, packed) in [(2, Optional(dh0)), (3, dc0)] {
                guard let packed else { continue }
                let target = ds + part * block
                scatterActiveRows(packed, R, into: target)
                for l in 0..<L { (target + (l * B + R) * H).update(repeating: 0, count: (B - R) * H) }
            }
            for b in 0..<R { (dEmb + (t * B + b) * E).update(from: dx + b * I, count: E) }
            (dEmb + (t * B + R) * E).update(repeating: 0, count: (B - R) * E)
            switch c.attention {
            case .none: break
            case .bahdanau:
                for b in 0..<R { (dctx + b * C).update(from: dx + b * I + E, count: C) }
                attention!.backward(step: t, query: state(t, 0) + (L - 1) * B * H, weights: alpha, dContext: dctx, dQuery: dq, rows: R)
                let top = ds + 2 * block + (L - 1) * B * H
                for i in 0..<(R * H) { top[i] += dq[i] }
            case .luong:
                for b in 0..<R { (dfeed + b * H).update(from: dx + b * I + E, count: H) }   // dL/dh̃_t
                (dfeed + R * H).update(repeating: 0, count: (B - R) * H)
            }
            (ds).update(from: ds + 2 * block, count: 2 * block)            // s_t becomes the next step's s_{t+1}
        }
        decoder.flushWeightGradients()
        combine?.flushWeightGradients()
        targetEmbedding.backward(ids: inputIDs.pointer, dy: dEmb, rows: N)
        // dL/ds_0 → the encoder's final states (through the bridge), then the memory and the encoder.
        let D = c.directions
        let dFinalH = dFinal.ensure(2 * L * D * B * H), dFinalC = dFinalH + L * D * B * H
        if D == 1 {
            dFinalH.update(from: ds, count: block)
            if hasC { dFinalC.update(from: ds + block, count: block) }
        } else {
            for (part, bridge, target) in [(0, bridgeH, dFinalH), (1, bridgeC, dFinalC)] {
                guard let bridge else { continue }
                let s0 = state(0, part), dpre = ds + part * block              // through tanh, in place
                for i in 0..<block { dpre[i] *= 1 - s0[i] * s0[i] }
                let dBridge = dJoined.ensure(L * B * C)
                bridge.backward(x: bridgeInput.pointer + part * L * B * C, dy: dpre, rows: L * B, dx: dBridge)
                for l in 0..<L {
                    for b in 0..<B {
                        for d in 0..<2 { (target + ((l * 2 + d) * B + b) * H).update(from: dBridge + (l * B + b) * C + d * H, count: H) }
                    }
                }
            }
        }
        let dMemory = attention?.finishBackward()
        encoder.backward(dOutput: dMemory, dhN: dFinalH, dcN: hasC ? dFinalC : nil)
    }
}
