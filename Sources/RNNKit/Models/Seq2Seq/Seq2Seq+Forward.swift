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
        // The decoder's modules run once per step on B rows or fewer: their weights are packed
        // here, once per forward (every forward starts here, after any change to the weights).
        decoder.holdWeights()
        combine?.holdWeights()
        generator.holdWeights()
        attention?.query?.holdWeights()
    }

    // MARK: - Decoder step

    /// Decoder step t from s_t reading ids (B): writes s_{t+1}, the step's output, context,
    /// weights and h̃, and returns logits_t (B, V).
    ///
    /// Only the first `rows` sequences are computed (nil = all B): the caller knows that the
    /// others have ended (their targets from t on are PAD, so nothing they would compute
    /// reaches the loss), as when the columns are sorted by target length. Their output, h̃
    /// and logits rows are zero and their s_{t+1} is left as it was.
    @discardableResult
    func decodeStep(_ t: Int, ids: UnsafePointer<Int>, rows: Int? = nil) -> UnsafeMutablePointer<Scalar> {
        let c = configuration, L = c.numLayers, H = c.hiddenSize, C = c.memorySize, E = c.embeddingSize
        let I = c.decoderInputSize, B = batch, V = c.targetVocabularySize, S = sourceSteps
        let R = rows ?? B
        precondition(R >= 1 && R <= B, "Seq2Seq: \(R) active rows of a batch of \(B)")
        (inputIDs.pointer + t * B).update(from: ids, count: B)
        let x = inputs.pointer + t * B * I                                         // (B, I), rows < R
        let context = contexts.pointer + t * B * C, alpha = weights.pointer + t * B * S
        let emb = embedded.ensure(B * E)
        targetEmbedding.forward(ids: ids, rows: R, into: emb)
        for b in 0..<R { (x + b * I).update(from: emb + b * E, count: E) }
        switch c.attention {
        case .none: break
        case .bahdanau:
            attention!.forward(step: t, query: state(t, 0) + (L - 1) * B * H, context: context, weights: alpha, rows: R)
            for b in 0..<R { (x + b * I + E).update(from: context + b * C, count: C) }
        case .luong:
            let feed = feeds.pointer + t * B * H
            for b in 0..<R { (x + b * I + E).update(from: feed + b * H, count: H) }
        }
        let hasC = c.cell.hasCellState
        let out = decoder.forward(x: x, steps: 1, batch: R, h0: packedStateRows(state(t, 0), R, slot: 0),
                                  c0: hasC ? packedStateRows(state(t, 1), R, slot: 1) : nil, lengths: nil)
        let top = outputs.pointer + t * B * H
        top.update(from: out, count: R * H)
        (top + R * H).update(repeating: 0, count: (B - R) * H)
        scatterActiveRows(decoder.hN.pointer, R, into: state(t + 1, 0))
        if hasC { scatterActiveRows(decoder.cN.pointer, R, into: state(t + 1, 1)) }
        var generatorInput = UnsafePointer(top)
        if c.attention == .luong {
            attention!.forward(step: t, query: top, context: context, weights: alpha, rows: R)
            let joined = combined.pointer + t * B * (C + H)                        // (B, C+H) [c_t; top]
            for b in 0..<R {
                (joined + b * (C + H)).update(from: context + b * C, count: C)
                (joined + b * (C + H) + C).update(from: top + b * H, count: H)
            }
            let feed = feeds.pointer + (t + 1) * B * H
            combine!.forward(x: joined, rows: R, into: feed)
            for i in 0..<(R * H) { feed[i] = Scalar.tanh(feed[i]) }
            (feed + R * H).update(repeating: 0, count: (B - R) * H)
            generatorInput = UnsafePointer(feed)
        }
        let y = logits.pointer + t * B * V
        generator.forward(x: generatorInput, rows: R, into: y)
        (y + R * V).update(repeating: 0, count: (B - R) * V)
        return y
    }

    /// The first R rows of each layer's (B, H) block of an (L, B, H) state, as (L, R, H): the
    /// state itself when that is already contiguous (one layer, or R = B), else a copy in
    /// `activeState` slot `slot` (0…3).
    func packedStateRows(_ state: UnsafeMutablePointer<Scalar>, _ R: Int, slot: Int) -> UnsafeMutablePointer<Scalar> {
        let L = configuration.numLayers, B = batch, H = configuration.hiddenSize
        guard L > 1 && R < B else { return state }
        let packed = activeState.ensure(4 * L * B * H) + slot * L * B * H
        for l in 0..<L { (packed + l * R * H).update(from: state + l * B * H, count: R * H) }
        return packed
    }

    /// Writes an (L, R, H) state into the first R rows of each layer's block of an (L, B, H) one.
    func scatterActiveRows(_ from: UnsafePointer<Scalar>, _ R: Int, into state: UnsafeMutablePointer<Scalar>) {
        let L = configuration.numLayers, B = batch, H = configuration.hiddenSize
        if from == UnsafePointer(state) && (L == 1 || R == B) { return }           // written in place
        if R == B { return state.update(from: from, count: L * B * H) }
        for l in 0..<L { (state + l * B * H).update(from: from + l * R * H, count: R * H) }
    }

    // MARK: - Teacher-forced forward

    /// The columns each step must compute so that the loss over targetOut (T, B) is exact:
    /// step t computes columns 0 ..< rows[t], through the last column that is not PAD in
    /// targetIn or targetOut at t or any later step (so a column once skipped stays skipped,
    /// and its logits only meet PAD targets). With columns sorted by target length, longest
    /// first, rows[t] is the number of targets still running.
    static func activeRows(targetIn: [Int], targetOut: [Int], batch B: Int) -> [Int] {
        precondition(targetOut.count == targetIn.count, "Seq2Seq: \(targetOut.count) output targets for \(targetIn.count) inputs")
        let T = targetIn.count / max(B, 1), pad = Seq2SeqVocabulary.paddingID
        var rows = [Int](repeating: 1, count: T), reach = 1
        for t in stride(from: T - 1, through: 0, by: -1) {
            if let last = (0..<B).last(where: { targetIn[t * B + $0] != pad || targetOut[t * B + $0] != pad }) {
                reach = max(reach, last + 1)
            }
            rows[t] = reach
        }
        return rows
    }

    /// Encodes and decodes T steps: step t reads target_in[t] where `teacher[t·B + b]` (nil =
    /// always), else the argmax of its own logits at t − 1 (the first maximum) or, with
    /// `sampling`, a token drawn from their softmax with that generator; never differentiated.
    /// With `rows` (T) (see `activeRows(targetIn:targetOut:batch:)`), step t computes only
    /// its first rows[t] columns (see `decodeStep`); the others' logits are zero. Returns the
    /// logits (T, B, V).
    func forwardLogits(source: [Int], sourceLengths: [Int], targetIn: [Int], teacher: [Bool]?,
                       sampling: UnsafeMutablePointer<SeededGenerator>? = nil, rows: [Int]? = nil) -> UnsafeMutablePointer<Scalar> {
        let B = sourceLengths.count, T = targetIn.count / max(B, 1), V = configuration.targetVocabularySize
        precondition(B > 0 && T > 0 && T * B == targetIn.count, "Seq2Seq: \(targetIn.count) target ids for \(B) pairs")
        precondition(teacher == nil || teacher!.count == T * B, "Seq2Seq: the teacher mask must be (T, B)")
        encode(source: source, lengths: sourceLengths, steps: T)
        precondition(rows == nil || (rows!.count == T && rows!.allSatisfy { $0 >= 1 && $0 <= B }), "Seq2Seq: bad active rows")
        stepRows = rows ?? Array(repeating: B, count: T)
        var ids = Array(targetIn[0..<B])
        for t in 0..<T {
            let R = stepRows[t]
            if t > 0 {
                let previous = logits.pointer + (t - 1) * B * V
                for b in 0..<R {
                    if let teacher, !teacher[t * B + b] {
                        let row = previous + b * V
                        var best = 0
                        for v in 1..<V where row[v] > row[best] { best = v }
                        if let sampling {                             // inverse CDF of softmax(row)
                            let top = row[best]
                            var total = 0.0
                            for v in 0..<V { total += Double(Scalar.exp(row[v] - top)) }
                            var u = (sampling.pointee.nextUnit() as Double) * total
                            best = V - 1
                            for v in 0..<V {
                                u -= Double(Scalar.exp(row[v] - top))
                                if u < 0 { best = v; break }
                            }
                        }
                        ids[b] = best
                    } else {
                        ids[b] = targetIn[t * B + b]
                    }
                }
                for b in R..<B { ids[b] = targetIn[t * B + b] }
            }
            _ = ids.withUnsafeBufferPointer { decodeStep(t, ids: $0.baseAddress!, rows: R) }
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
