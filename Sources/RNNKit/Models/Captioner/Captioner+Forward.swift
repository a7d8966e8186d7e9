// The decoder's forward: one attention LSTM step per word (letters in Captioner.swift).

extension Captioner {
    // MARK: - Decoder step

    /// Step t from (h_{t−1}, c_{t−1}) = slot t of the states, reading word ids (B): attention,
    /// gate, the LSTM cell; writes slot t + 1, ẑ_t, α_t, σ_t and the cell's activations.
    func decodeStep(_ t: Int, ids: UnsafePointer<Int>) {
        let B = batch, P = annotationCount, D = configuration.annotationSize, E = configuration.embeddingSize
        let H = configuration.hiddenSize, I = cellInputSize, G = 4 * H
        (inputIDs.pointer + t * B).update(from: ids, count: B)
        let hPrev = UnsafePointer(h(t))
        let context = contexts.pointer + t * B * D, alpha = weights.pointer + t * B * P   // (B, D), (B, P)
        attention.forward(step: t, query: hPrev, context: context, weights: alpha)
        let sigma = gateValues.pointer + t * B * D                                     // (B, D)
        gate.forward(x: hPrev, rows: B, into: sigma)
        for i in 0..<(B * D) { sigma[i] = Scalar.sigmoid(sigma[i]) }
        let x = cellInputs.pointer + t * B * I                                          // (B, I) [emb; z]
        let emb = embedded.ensure(B * E)
        embedding.forward(ids: ids, rows: B, into: emb)
        for b in 0..<B {
            let row = x + b * I
            row.update(from: emb + b * E, count: E)
            for d in 0..<D { row[E + d] = sigma[b * D + d] * context[b * D + d] }
        }
        // gates (B, 4H) = b_ih + b_hh + x·W_ihᵀ + h_{t−1}·W_hhᵀ, then the pointwise LSTM step.
        let gates = cellGates.pointer + t * B * G, layer = rnn.layer
        fillRows(gates, rows: B, cols: G, ldc: G, bias: biasRow.pointer)
        gemm(transA: false, transB: true, m: B, n: G, k: I, alpha: 1, a: x, lda: I,
             b: arena.valuePointer(layer.weightIH), ldb: I, beta: 1, c: gates, ldc: G)
        gemm(transA: false, transB: true, m: B, n: G, k: H, alpha: 1, a: hPrev, lda: H,
             b: arena.valuePointer(layer.weightHH), ldb: H, beta: 1, c: gates, ldc: G)
        lstmStepForward(batch: B, hidden: H, t: 0, lengths: nil, gates: gates, hPrev: hPrev, cPrev: c(t),
                        hOut: h(t + 1), cOut: c(t + 1), tanhC: tanhC.pointer + t * B * H)
    }

    /// Makes room for T steps after `startDecoding` and folds the LSTM's two biases.
    func prepareSteps() {
        let T = steps, B = batch, P = annotationCount, D = configuration.annotationSize, H = configuration.hiddenSize
        contexts.ensure(T * B * D); weights.ensure(T * B * P); gateValues.ensure(T * B * D)
        cellInputs.ensure(T * B * cellInputSize); cellGates.ensure(T * B * 4 * H); tanhC.ensure(T * B * H)
        inputIDs.ensure(T * B); logits.ensure(T * B * configuration.vocabularySize)
        let row = biasRow.ensure(4 * H), layer = rnn.layer
        row.update(from: arena.valuePointer(layer.biasIH!), count: 4 * H)
        addRows(row, rows: 1, cols: 4 * H, ldc: 4 * H, bias: arena.valuePointer(layer.biasHH!))
    }

    /// Teacher-forced steps over captionIn (T, B), then the output layer over all steps at
    /// once: logits (T, B, V) in `logits`.
    func decode(captionIn: UnsafePointer<Int>, steps T: Int) {
        startDecoding(steps: T)
        prepareSteps()
        for t in 0..<T { decodeStep(t, ids: captionIn + t * batch) }
        output.forward(x: h(1), rows: T * batch, into: logits.pointer)
    }

    // MARK: - Entry points

    /// The logits (T, B, V) and attention weights (T, B, P) for images (B, Cin, Hgt, Wid) and
    /// teacher-forced caption input ids captionIn (T, B) (word t − 1 of each caption, BOS first).
    public func forward(images: Tensor<Scalar>, captionIn: [Int]) -> (logits: Tensor<Scalar>, attention: Tensor<Scalar>) {
        runEncoder(images: images)
        return runDecoder(captionIn: captionIn)
    }

    /// The same for annotation vectors given as features (B, P, D) instead of images.
    public func forward(features: Tensor<Scalar>, captionIn: [Int]) -> (logits: Tensor<Scalar>, attention: Tensor<Scalar>) {
        runEncoder(features: features)
        return runDecoder(captionIn: captionIn)
    }

    /// The logits and attention for a batch as the model reads it (`runEncoder(input:)`).
    func forward(input: Tensor<Scalar>, captionIn: [Int]) -> (logits: Tensor<Scalar>, attention: Tensor<Scalar>) {
        runEncoder(input: input)
        return runDecoder(captionIn: captionIn)
    }

    /// Images (B, C, Hgt, Wid) for a model with its CNN; for a model built on features,
    /// annotation vectors held as one-channel images (B, 1, P, D) (`CaptionFiles.readFeatures`).
    func runEncoder(input: Tensor<Scalar>) {
        guard configuration.imageChannels == nil else { return runEncoder(images: input) }
        precondition(input.rank == 4 && input.shape[1] == 1, "Captioner: features must come as (B, 1, P, D), got \(input.shape)")
        runEncoder(features: Tensor(shape: [input.shape[0], input.shape[2], input.shape[3]], scalars: input.scalars))
    }

    func runEncoder(images: Tensor<Scalar>) {
        precondition(images.rank == 4 && images.shape[1] == configuration.imageChannels,
                     "Captioner: images must be (B, \(configuration.imageChannels.map(String.init) ?? "-"), Hgt, Wid), got \(images.shape)")
        clearSavedActivations()
        images.scalars.withUnsafeBufferPointer {
            encode(images: $0.baseAddress!, batch: images.shape[0], height: images.shape[2], width: images.shape[3])
        }
    }

    func runEncoder(features: Tensor<Scalar>) {
        precondition(configuration.imageChannels == nil && features.rank == 3 && features.shape[2] == configuration.annotationSize,
                     "Captioner: features must be (B, P, \(configuration.annotationSize)) for a model built on features, got \(features.shape)")
        clearSavedActivations()
        features.scalars.withUnsafeBufferPointer { encode(features: $0.baseAddress!, batch: features.shape[0], count: features.shape[1]) }
    }

    private func runDecoder(captionIn: [Int]) -> (logits: Tensor<Scalar>, attention: Tensor<Scalar>) {
        let B = batch, T = captionIn.count / max(B, 1), V = configuration.vocabularySize, P = annotationCount
        precondition(B > 0 && T > 0 && T * B == captionIn.count, "Captioner: \(captionIn.count) caption ids for \(B) images")
        precondition(captionIn.allSatisfy { (0..<V).contains($0) }, "Captioner: caption ids must be in 0..<\(V)")
        captionIn.withUnsafeBufferPointer { decode(captionIn: $0.baseAddress!, steps: T) }
        return (Tensor(shape: [T, B, V], scalars: Array(UnsafeBufferPointer(start: logits.pointer, count: T * B * V))),
                Tensor(shape: [T, B, P], scalars: Array(UnsafeBufferPointer(start: weights.pointer, count: T * B * P))))
    }
}
