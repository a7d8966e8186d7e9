// Inference: encode once, then step any number of hypotheses (greedy or beam search) in
// evaluation mode. Each step's rows are hypotheses; row r continues row `parents[r]` of the
// previous step, so the decoder state, h̃, the memory and its keys are gathered by parent.
//
// R rows now, R' rows at the previous step, S source steps, B sentences.

/// What decoding keeps between steps (evaluation mode, no backward).
final class Seq2SeqDecodingState<Scalar: RNNScalar> {
    var memory: [Scalar] = []          // (S, B, C) per sentence
    var keys: [Scalar] = []            // (S, B, K)
    var lengths: [Int] = []            // (B)
    var sentence: [Int] = []           // (R') the sentence of each previous row
    var h: [Scalar] = [], c: [Scalar] = []   // (L, R', H) s of each previous row
    var feed: [Scalar] = []            // (R', H) h̃ (luong)
    var rowMemory: [Scalar] = [], rowKeys: [Scalar] = []   // (S, R, C), (S, R, K) gathered
}

extension Seq2Seq {
    /// Encodes source ids (S, B) with `lengths` for decoding: each sentence starts as one
    /// hypothesis (row b = sentence b) in the state s_0. Switches to evaluation mode.
    func startDecoding(source: [Int], lengths: [Int]) -> Seq2SeqDecodingState<Scalar> {
        setTraining(false)
        encode(source: source, lengths: lengths, steps: 1)
        let c = configuration, L = c.numLayers, H = c.hiddenSize, B = batch, S = sourceSteps
        let d = Seq2SeqDecodingState<Scalar>()
        d.lengths = lengths
        d.sentence = Array(0..<B)
        d.h = Array(UnsafeBufferPointer(start: state(0, 0), count: L * B * H))
        d.c = c.cell.hasCellState ? Array(UnsafeBufferPointer(start: state(0, 1), count: L * B * H)) : []
        d.feed = [Scalar](repeating: 0, count: B * H)
        if let attention {
            let memory = encoder.rnn.outputs[L - 1].pointer                      // (S, B, C)
            d.memory = Array(UnsafeBufferPointer(start: memory, count: S * B * c.memorySize))
            d.keys = Array(UnsafeBufferPointer(start: attention.keys.pointer, count: S * B * attention.keySize))
        }
        return d
    }

    /// One decoding step of R hypotheses: row r reads `tokens[r]` and continues row
    /// `parents[r]` of the previous step. Returns log-probabilities (R, V) and, with attention,
    /// the weights (R, S).
    func decodingStep(_ d: Seq2SeqDecodingState<Scalar>, tokens: [Int], parents: [Int]) -> (logProbs: [Float], attention: [Float]?) {
        let c = configuration, L = c.numLayers, H = c.hiddenSize, S = sourceSteps, R = tokens.count, B = d.lengths.count
        precondition(parents.count == R && parents.allSatisfy { (0..<d.sentence.count).contains($0) }, "Seq2Seq: bad parents")
        let previous = d.sentence.count
        let sentence = parents.map { d.sentence[$0] }
        // Gather s_t (L, R, H), h̃ and the rows' memory and keys.
        batch = R; steps = 1
        states.ensure(2 * 2 * L * R * H); inputs.ensure(R * c.decoderInputSize); outputs.ensure(R * H)
        contexts.ensure(R * c.memorySize); weights.ensure(R * S); logits.ensure(R * c.targetVocabularySize)
        inputIDs.ensure(R)
        for l in 0..<L {
            for (r, p) in parents.enumerated() {
                (state(0, 0) + (l * R + r) * H).update(from: d.h, at: (l * previous + p) * H, count: H)
                if c.cell.hasCellState { (state(0, 1) + (l * R + r) * H).update(from: d.c, at: (l * previous + p) * H, count: H) }
            }
        }
        if c.attention == .luong {
            feeds.ensure(2 * R * H)
            for (r, p) in parents.enumerated() { (feeds.pointer + r * H).update(from: d.feed, at: p * H, count: H) }
            combined.ensure(R * (c.memorySize + H))
        }
        if let attention {
            let C = c.memorySize, K = attention.keySize
            if d.rowMemory.count != S * R * C { d.rowMemory = [Scalar](repeating: 0, count: S * R * C) }
            if d.rowKeys.count != S * R * K { d.rowKeys = [Scalar](repeating: 0, count: S * R * K) }
            for s in 0..<S {
                for (r, b) in sentence.enumerated() {
                    for j in 0..<C { d.rowMemory[(s * R + r) * C + j] = d.memory[(s * B + b) * C + j] }
                    for j in 0..<K { d.rowKeys[(s * R + r) * K + j] = d.keys[(s * B + b) * K + j] }
                }
            }
            d.rowMemory.withUnsafeBufferPointer { m in
                d.rowKeys.withUnsafeBufferPointer { k in
                    attention.use(memory: m.baseAddress!, keys: k.baseAddress!, steps: S, batch: R,
                                  lengths: sentence.map { d.lengths[$0] })
                }
            }
        }
        let y = d.rowMemory.withUnsafeBufferPointer { _ in
            tokens.withUnsafeBufferPointer { decodeStep(0, ids: $0.baseAddress!) }
        }
        // Keep s_{t+1} and h̃_{t+1}; log-softmax the logits.
        d.sentence = sentence
        d.h = Array(UnsafeBufferPointer(start: state(1, 0), count: L * R * H))
        if c.cell.hasCellState { d.c = Array(UnsafeBufferPointer(start: state(1, 1), count: L * R * H)) }
        if c.attention == .luong { d.feed = Array(UnsafeBufferPointer(start: feeds.pointer + R * H, count: R * H)) }
        let V = c.targetVocabularySize
        var logProbs = [Float](repeating: 0, count: R * V)
        for r in 0..<R {
            let row = y + r * V
            var top = row[0]
            for v in 1..<V { top = max(top, row[v]) }
            var total = 0.0
            for v in 0..<V { total += Double(Scalar.exp(row[v] - top)) }
            let shift = Double(top) + Double.log(total)
            for v in 0..<V { logProbs[r * V + v] = Float(Double(row[v]) - shift) }
        }
        let alpha = c.attention == .none ? nil : (0..<(R * S)).map { Float(weights.pointer[$0]) }
        return (logProbs, alpha)
    }
}

extension UnsafeMutablePointer {
    /// Copies `count` elements of `array` starting at `offset`.
    fileprivate func update(from array: [Pointee], at offset: Int, count: Int) {
        array.withUnsafeBufferPointer { (self).update(from: $0.baseAddress! + offset, count: count) }
    }
}
