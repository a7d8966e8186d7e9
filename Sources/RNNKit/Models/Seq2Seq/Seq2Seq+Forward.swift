// The forward pass: encode once, then one decoder step per target position (see Seq2Seq.swift).

extension Seq2Seq {
    // MARK: - Encoder

    /// Runs the encoder on source ids (S, B) time-major with `lengths`, sets s_0 (through the
    /// bridge when bidirectional) and the attention's keys, and makes room for `steps` decoder
    /// steps.
    func encode(source: [Int], lengths: [Int], steps T: Int) {
        clearSavedActivations()
        let c = configuration, L = c.numLayers, H = c.hiddenSize, C = c.memorySize, B = lengths.count
        let memory = encoder.forward(ids: source, lengths: lengths)               // (S, B, C)
        sourceSteps = encoder.steps; batch = B; steps = T
        sourceLengths = lengths
        let S = sourceSteps, V = c.targetVocabularySize, I = c.decoderInputSize
        states.ensure((T + 1) * 2 * L * B * H)
        inputs.ensure(T * B * I)
        outputs.ensure(T * B * H)
        contexts.ensure(T * B * C)
        weights.ensure(T * B * S)
        logits.ensure(T * B * V)
        inputIDs.ensure(T * B)
        if c.attention == .luong {
            feeds.ensure((T + 1) * B * H).update(repeating: 0, count: B * H)      // h̃_0 = 0
            combined.ensure(T * B * (C + H))
        }
        let hN = UnsafePointer(encoder.rnn.hN.pointer), cN = UnsafePointer(encoder.rnn.cN.pointer)  // (L·D, B, H)
        let hasC = c.cell.hasCellState
        if c.directions == 1 {
            state(0, 0).update(from: hN, count: L * B * H)
            if hasC { state(0, 1).update(from: cN, count: L * B * H) }
        } else {
            for (part, bridge, final) in [(0, bridgeH, hN), (1, bridgeC, cN)] {
                guard let bridge else { continue }
                let x = bridgeInput.ensure(2 * L * B * C) + part * L * B * C          // (L, B, C) [fwd; bwd]
                for l in 0..<L {
                    for b in 0..<B {
                        for d in 0..<2 { (x + (l * B + b) * C + d * H).update(from: final + ((l * 2 + d) * B + b) * H, count: H) }
                    }
                }
                let s = state(0, part)
                bridge.forward(x: x, rows: L * B, into: s)
                for i in 0..<(L * B * H) { s[i] = Scalar.tanh(s[i]) }
            }
        }
        attention?.prepare(memory: memory, steps: S, batch: B, lengths: lengths, decoderSteps: T)
    }

    // MARK: - Decoder step

    /// Decoder step t from s_t reading ids (B): writes s_{t+1}, the step's output, context,
    /// weights and h̃, and returns logits_t (B, V).
    @discardableResult
    func decodeStep(_ t: Int, ids: UnsafePointer<Int>) -> UnsafeMutablePointer<Scalar> {
        let c = configuration, L = c.numLayers, H = c.hiddenSize, C = c.memorySize, E = c.embeddingSize
        let I = c.decoderInputSize, B = batch, S = sourceSteps, V = c.targetVocabularySize
        (inputIDs.pointer + t * B).update(from: ids, count: B)
        let x = inputs.pointer + t * B * I                                         // (B, I)
        let context = contexts.pointer + t * B * C, alpha = weights.pointer + t * B * S
        let emb = embedded.ensure(B * E)
        targetEmbedding.forward(ids: ids, rows: B, into: emb)
        for b in 0..<B { (x + b * I).update(from: emb + b * E, count: E) }
        switch c.attention {
        case .none: break
        case .bahdanau:
            attention!.forward(step: t, query: state(t, 0) + (L - 1) * B * H, context: context, weights: alpha)
            for b in 0..<B { (x + b * I + E).update(from: context + b * C, count: C) }
        case .luong:
            let feed = feeds.pointer + t * B * H
            for b in 0..<B { (x + b * I + E).update(from: feed + b * H, count: H) }
        }
        let hasC = c.cell.hasCellState
        let out = decoder.forward(x: x, steps: 1, batch: B, h0: state(t, 0), c0: hasC ? state(t, 1) : nil, lengths: nil)
        let top = outputs.pointer + t * B * H
        top.update(from: out, count: B * H)
        state(t + 1, 0).update(from: decoder.hN.pointer, count: L * B * H)
        if hasC { state(t + 1, 1).update(from: decoder.cN.pointer, count: L * B * H) }
        var generatorInput = UnsafePointer(top)
        if c.attention == .luong {
            attention!.forward(step: t, query: top, context: context, weights: alpha)
            let joined = combined.pointer + t * B * (C + H)                        // (B, C+H) [c_t; top]
            for b in 0..<B {
                (joined + b * (C + H)).update(from: context + b * C, count: C)
                (joined + b * (C + H) + C).update(from: top + b * H, count: H)
            }
            let feed = feeds.pointer + (t + 1) * B * H
            combine!.forward(x: joined, rows: B, into: feed)
            for i in 0..<(B * H) { feed[i] = Scalar.tanh(feed[i]) }
            generatorInput = UnsafePointer(feed)
        }
        let y = logits.pointer + t * B * V
        generator.forward(x: generatorInput, rows: B, into: y)
        return y
    }

    // MARK: - Teacher-forced forward

    /// Encodes and decodes T steps: step t reads target_in[t] where `teacher[t·B + b]` (nil =
    /// always), else the argmax of its own logits at t − 1 (the first maximum; not
    /// differentiated). Returns the logits (T, B, V).
    func forwardLogits(source: [Int], sourceLengths: [Int], targetIn: [Int], teacher: [Bool]?) -> UnsafeMutablePointer<Scalar> {
        let B = sourceLengths.count, T = targetIn.count / max(B, 1), V = configuration.targetVocabularySize
        precondition(B > 0 && T > 0 && T * B == targetIn.count, "Seq2Seq: \(targetIn.count) target ids for \(B) pairs")
        precondition(teacher == nil || teacher!.count == T * B, "Seq2Seq: the teacher mask must be (T, B)")
        encode(source: source, lengths: sourceLengths, steps: T)
        var ids = Array(targetIn[0..<B])
        for t in 0..<T {
            if t > 0 {
                let previous = logits.pointer + (t - 1) * B * V
                for b in 0..<B {
                    if let teacher, !teacher[t * B + b] {
                        let row = previous + b * V
                        var best = 0
                        for v in 1..<V where row[v] > row[best] { best = v }
                        ids[b] = best
                    } else {
                        ids[b] = targetIn[t * B + b]
                    }
                }
            }
            _ = ids.withUnsafeBufferPointer { decodeStep(t, ids: $0.baseAddress!) }
        }
        return logits.pointer
    }

    /// The logits (T, B, V) and, with attention, the weights (T, B, S) for source ids (S, B)
    /// with `sourceLengths`, target input ids (T, B) and an optional teacher mask (T, B).
    public func forward(source: [Int], sourceLengths: [Int], targetIn: [Int], teacher: [Bool]? = nil)
        -> (logits: Tensor<Scalar>, attention: Tensor<Scalar>?) {
        let y = forwardLogits(source: source, sourceLengths: sourceLengths, targetIn: targetIn, teacher: teacher)
        let T = steps, B = batch, S = sourceSteps, V = configuration.targetVocabularySize
        let logits = Tensor(shape: [T, B, V], scalars: Array(UnsafeBufferPointer(start: y, count: T * B * V)))
        guard configuration.attention != .none else { return (logits, nil) }
        return (logits, Tensor(shape: [T, B, S], scalars: Array(UnsafeBufferPointer(start: weights.pointer, count: T * B * S))))
    }
}
