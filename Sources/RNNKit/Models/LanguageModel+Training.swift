// Building the language model, and its forward/backward over one chunk of tokens.

extension LanguageModel {
    /// Creates a model with parameters registered in a new arena, initialised as PyTorch does
    /// (embedding N(0, 1); recurrent and decoder weights U(−1/√fan, 1/√fan)). With
    /// `initRange` > 0, embedding and decoder weights are drawn from U(−r, r) and the decoder
    /// bias is zero, as word_language_model's `init_weights`.
    /// - Throws: `RNNKitError` for an invalid configuration.
    public convenience init(_ configuration: Configuration, initRange: Double = 0, seed: UInt64 = 0) throws {
        try configuration.validate()
        var g = SeededGenerator(seed: seed)
        self.init(configuration, initRange: initRange, generator: &g)
    }

    convenience init(_ c: Configuration, initRange: Double, generator g: inout SeededGenerator) {
        let arena = ParameterArena<Scalar>()
        let embedding = Embedding<Scalar>(vocabularySize: c.vocabularySize, embeddingSize: c.embeddingSize,
                                          arena: arena, prefix: "embedding.", generator: &g)
        let rnn = RecurrentStack<Scalar>(cell: c.cell, inputSize: c.embeddingSize, hiddenSize: c.hiddenSize,
                                         numLayers: c.numLayers, bias: true, bidirectional: false,
                                         dropout: c.numLayers > 1 ? c.dropout : 0, arena: arena,
                                         prefix: "rnn.", generator: &g)
        let decoder = Linear<Scalar>(inFeatures: c.hiddenSize, outFeatures: c.vocabularySize, bias: true,
                                     arena: arena, prefix: "decoder.", generator: &g)
        self.init(configuration: c, arena: arena, embedding: embedding, rnn: rnn, decoder: decoder,
                  dropoutSeeds: (g.next(), g.next()))
        if initRange > 0 {
            let r = Scalar(initRange)
            arena.fillUniform(embedding.weight, low: -r, high: r, using: &g)
            arena.fillUniform(decoder.weight, low: -r, high: r, using: &g)
            if let bias = decoder.bias { arena.fill(bias, with: 0) }
        }
    }

    // MARK: - Forward

    /// Runs embedding → stack → decoder over a (T, B) chunk and leaves the logits (T·B, V) in
    /// `logits`. Returns the final state (L, B, H).
    func forwardLogits(inputs: [Int], steps T: Int, batch B: Int, initialState: RecurrentState<Scalar>?) -> RecurrentState<Scalar> {
        precondition(inputs.count == T * B, "LanguageModel: \(inputs.count) inputs for T = \(T), B = \(B)")
        let c = configuration, rows = T * B
        steps = T; batch = B
        var x = embedding.forward(ids: inputs)                           // (T·B, E)
        if isTraining && c.dropout > 0 { x = embeddingDropout.forward(x) }
        let h = rnn.forward(x.reshaped([T, B, c.embeddingSize]), initialState: initialState)
        var y = h.output.reshaped([rows, c.hiddenSize])                    // (T·B, H)
        if isTraining && c.dropout > 0 { y = outputDropout.forward(y) }
        let out = decoder.forward(y)                                       // (T·B, V)
        out.scalars.withUnsafeBufferPointer { logits.ensure(rows * c.vocabularySize).update(from: $0.baseAddress!, count: out.count) }
        return h.state
    }

    /// Forward, mean cross-entropy over the targets that are not `ignoreIndex`, and backward:
    /// adds dL/dθ into `arena`'s gradients (call `arena.zeroGradients()` first).
    /// - Parameters:
    ///   - inputs, targets: (T, B) row-major token ids; a target of −1 is ignored (TBPTT uses it
    ///     to train only the last k1 of k2 steps).
    ///   - initialState: (L, B, H) state carried from the previous chunk (a constant), or nil.
    /// - Returns: the mean loss and the final state, to carry into the next chunk.
    public func lossAndGradients(inputs: [Int], targets: [Int], steps T: Int, batch B: Int,
                                 initialState: RecurrentState<Scalar>? = nil) -> (loss: Scalar, state: RecurrentState<Scalar>) {
        let state = forwardLogits(inputs: inputs, steps: T, batch: B, initialState: initialState)
        let V = configuration.vocabularySize, rows = T * B
        let logitTensor = Tensor(shape: [rows, V], scalars: Array(UnsafeBufferPointer(start: logits.pointer, count: rows * V)))
        let (loss, dLogits) = crossEntropy(logits: logitTensor, targets: targets, ignoreIndex: -1)
        // MARK: - Backward
        var dy = decoder.backward(dLogits)                                 // (T·B, H)
        if isTraining && configuration.dropout > 0 { dy = outputDropout.backward(dy) }
        let dStack = rnn.backward(gradOutput: dy.reshaped([T, B, configuration.hiddenSize]))
        var dx = dStack.input.reshaped([rows, configuration.embeddingSize])
        if isTraining && configuration.dropout > 0 { dx = embeddingDropout.backward(dx) }
        embedding.backward(dx)
        return (loss, state)
    }

    /// The summed cross-entropy (nats) of `targets` given `inputs`, without gradients, and the
    /// final state; divide by the token count for the mean. Runs with dropout off.
    public func loss(inputs: [Int], targets: [Int], steps T: Int, batch B: Int,
                     initialState: RecurrentState<Scalar>? = nil) -> (totalLoss: Double, state: RecurrentState<Scalar>) {
        let training = isTraining
        isTraining = false
        defer { isTraining = training }
        let state = forwardLogits(inputs: inputs, steps: T, batch: B, initialState: initialState)
        let V = configuration.vocabularySize, rows = T * B
        let logitTensor = Tensor(shape: [rows, V], scalars: Array(UnsafeBufferPointer(start: logits.pointer, count: rows * V)))
        let (mean, _) = crossEntropy(logits: logitTensor, targets: targets, ignoreIndex: -1)
        let counted = targets.filter { $0 != -1 }.count
        return (Double(mean) * Double(counted), state)
    }
}
