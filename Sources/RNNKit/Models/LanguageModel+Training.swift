// Building the language model, and its forward/backward over one (T, B) chunk of tokens.

extension LanguageModel {
    /// Creates a model with parameters registered in a new arena, initialised as PyTorch does
    /// (embedding N(0, 1); recurrent and decoder weights U(−1/√fan, 1/√fan)). With
    /// `initRange` > 0, embedding and decoder weights are drawn from U(−r, r) and the decoder
    /// bias is zero, as word_language_model's `init_weights`.
    /// - Throws: `RNNKitError` for an invalid configuration.
    public convenience init(_ configuration: Configuration, initRange: Double = 0, seed: UInt64 = 0) throws {
        try configuration.validate()
        let c = configuration
        var g = SeededGenerator(seed: seed)
        let arena = ParameterArena<Scalar>()
        arena.reserveCapacity(ModelMemory.arenaCapacity(parameters: c.parameterCount!, layers: c.numLayers, directions: 1))
        let embedding = Embedding<Scalar>(numEmbeddings: c.vocabularySize, embeddingDim: c.embeddingSize,
                                          arena: arena, prefix: "embedding.", generator: &g)
        let rnn = RecurrentStack<Scalar>(cell: c.cell, inputSize: c.embeddingSize, hiddenSize: c.hiddenSize,
                                         numLayers: c.numLayers, bias: true, bidirectional: false,
                                         dropout: c.numLayers > 1 ? c.dropout : 0, arena: arena,
                                         prefix: "rnn.", generator: &g)
        let decoder = Linear<Scalar>(inFeatures: c.hiddenSize, outFeatures: c.vocabularySize, bias: true,
                                     arena: arena, prefix: "decoder.", generator: &g,
                                     tiedWeight: c.tiedWeights ? embedding.weight : nil)
        self.init(configuration: c, arena: arena, embedding: embedding, rnn: rnn, decoder: decoder,
                  dropoutSeeds: (g.next(), g.next()))
        if initRange > 0 {
            let r = Scalar(initRange)
            arena.fillUniform(embedding.weight, low: -r, high: r, using: &g)
            if !c.tiedWeights { arena.fillUniform(decoder.weight, low: -r, high: r, using: &g) }
            if let bias = decoder.bias { arena.fill(bias, with: 0) }
        }
    }

    var dropoutActive: Bool { isTraining && configuration.dropout > 0 }

    // MARK: - Forward

    /// embedding → dropout → stack → dropout → decoder over a (T, B) chunk; leaves the logits
    /// (T·B, V) in `logits` and returns the final state (L, B, H).
    func forwardLogits(inputs: [Int], steps T: Int, batch B: Int,
                       initialState: RecurrentState<Scalar>?) -> RecurrentState<Scalar> {
        precondition(inputs.count == T * B, "LanguageModel: \(inputs.count) inputs for T = \(T), B = \(B)")
        let c = configuration, N = T * B
        steps = T; batch = B
        inputIds = inputs
        clearSavedActivations()
        if let s = initialState {
            precondition(s.h.shape == [c.numLayers, B, c.hiddenSize],
                         "LanguageModel: state must be \([c.numLayers, B, c.hiddenSize]), got \(s.h.shape)")
        }
        // With fewer symbols than rows and no dropout on the embedding, the first layer
        // projects each embedding row once and looks the projections up (the same numbers).
        embeddingFolded = foldsEmbeddingLookup && !dropoutActive && embedding.paddingIndex == nil
            && c.vocabularySize < N
        let y = withOptionalPointers(initialState?.h, initialState?.c) { h0, c0 in
            if embeddingFolded {
                return inputIds.withUnsafeBufferPointer {
                    rnn.forward(tokens: $0.baseAddress!, table: arena.valuePointer(embedding.weight),
                                vocabulary: c.vocabularySize, steps: T, batch: B, h0: h0, c0: c0)   // (N, H)
                }
            }
            let x = embedded.ensure(N * c.embeddingSize)                  // (N, E)
            inputIds.withUnsafeBufferPointer { embedding.forward(ids: $0.baseAddress!, rows: N, into: x) }
            if dropoutActive { embeddingDropout.forward(x: x, count: N * c.embeddingSize, into: x) }
            return rnn.forward(x: x, steps: T, batch: B, h0: h0, c0: c0, lengths: nil)   // (N, H)
        }
        var decoderInput = y
        if dropoutActive {
            let h = hidden.ensure(N * c.hiddenSize)
            outputDropout.forward(x: y, count: N * c.hiddenSize, into: h)
            decoderInput = UnsafePointer(h)
        }
        self.decoderInput = decoderInput
        decoder.forward(x: decoderInput, rows: N, into: logits.ensure(N * c.vocabularySize))
        return rnn.finalState()
    }

    /// Forward, mean cross-entropy over the targets that are not −1, and backward: adds dL/dθ
    /// into `arena`'s gradients (call `arena.zeroGradients()` first).
    /// - Parameters:
    ///   - inputs: (T, B) row-major token ids.
    ///   - targets: (T, B) row-major next-token ids; a target of −1 is ignored (truncated
    ///     BPTT with k1 < k2 uses it to train only the last k1 of k2 steps).
    ///   - T: the steps.
    ///   - B: the batch (parallel streams).
    ///   - initialState: (L, B, H) state carried from the previous chunk (a constant), or nil.
    /// - Returns: the mean loss, and the final state to carry into the next chunk.
    public func lossAndGradients(inputs: [Int], targets: [Int], steps T: Int, batch B: Int,
                                 initialState: RecurrentState<Scalar>? = nil) -> (loss: Scalar, state: RecurrentState<Scalar>) {
        let state = forwardLogits(inputs: inputs, steps: T, batch: B, initialState: initialState)
        let c = configuration, N = T * B
        precondition(targets.count == N, "LanguageModel: \(targets.count) targets for T = \(T), B = \(B)")
        let loss = targets.withUnsafeBufferPointer { t in
            softmaxCrossEntropy(logits: logits.pointer, targets: t.baseAddress!, rows: N, classes: c.vocabularySize,
                                ignoreIndex: -1, gradient: logits.pointer).loss
        }
        // MARK: - Backward
        let dh = dHidden.ensure(N * c.hiddenSize)                          // (N, H)
        decoder.backward(x: decoderInput!, dy: logits.pointer, rows: N, dx: dh)
        if dropoutActive { outputDropout.backward(dy: dh, count: N * c.hiddenSize, into: dh) }
        if embeddingFolded {  // dL/dE (V, E) is added straight into the embedding's gradient
            rnn.backward(dOutput: dh, dhN: nil, dcN: nil, dx: arena.gradientPointer(embedding.weight), dh0: nil, dc0: nil)
        } else {
            let dx = dEmbedded.ensure(N * c.embeddingSize)                 // (N, E)
            rnn.backward(dOutput: dh, dhN: nil, dcN: nil, dx: dx, dh0: nil, dc0: nil)
            if dropoutActive { embeddingDropout.backward(dy: dx, count: N * c.embeddingSize, into: dx) }
            inputIds.withUnsafeBufferPointer { embedding.backward(ids: $0.baseAddress!, dy: dx, rows: N) }
        }
        return (loss, state)
    }

    /// The summed cross-entropy (nats) of the targets that are not −1, without gradients, and
    /// the final state. Runs with dropout off.
    public func loss(inputs: [Int], targets: [Int], steps T: Int, batch B: Int,
                     initialState: RecurrentState<Scalar>? = nil) -> (totalLoss: Double, count: Int, state: RecurrentState<Scalar>) {
        let training = isTraining
        isTraining = false
        defer { isTraining = training }
        let state = forwardLogits(inputs: inputs, steps: T, batch: B, initialState: initialState)
        let result = targets.withUnsafeBufferPointer { t in
            softmaxCrossEntropy(logits: logits.pointer, targets: t.baseAddress!, rows: T * B,
                                classes: configuration.vocabularySize, ignoreIndex: -1,
                                gradient: logits.pointer)  // in place: the logits are not needed again
        }
        return (Double(result.loss) * Double(result.count), result.count, state)
    }
}

extension RecurrentStack {
    /// The final state of the last forward as tensors, each (L·D, B, H).
    func finalState() -> RecurrentState<Scalar> {
        let n = numLayers * directions * batch * hiddenSize, shape = [numLayers * directions, batch, hiddenSize]
        let h = Tensor(shape: shape, scalars: Array(UnsafeBufferPointer(start: hN.pointer, count: n)))
        let c = cell.hasCellState ? Tensor(shape: shape, scalars: Array(UnsafeBufferPointer(start: cN.pointer, count: n))) : nil
        return RecurrentState(h: h, c: c)
    }
}
