// The loss and the backward pass, the forward's mirror: the loss and the regularizer, the
// output layer over all steps at once, the steps in reverse (cell, gate, attention), the LSTM's
// weights over all steps, then the initial state, the mean and the CNN (letters in Captioner.swift).
//   R        = λ/B · Σ_b Σ_p (1 − cov_b,p)²,  cov_b,p = Σ_{t: target_t,b ≠ PAD} α_t,b,p
//   dR/dα_t,b,p = −2λ/B · (1 − cov_b,p) where target_t,b ≠ PAD, else 0

/// The counts a whole batch's loss is averaged over, given to each of its shards.
struct CaptionerBatchCounts {
    /// The non-PAD target words of the whole batch (the cross-entropy's divisor).
    var words: Int
    /// The images of the whole batch (the regularizer's divisor).
    var images: Int
}

/// The loss of one captioner batch.
public struct CaptionerLoss: Sendable {
    /// Cross-entropy + λ·regularizer, the quantity differentiated.
    public var loss: Double
    /// The mean cross-entropy over the non-PAD targets (NaN when every target is PAD).
    public var crossEntropy: Double
    /// mean_b Σ_p (1 − Σ_t α_t,b,p)², before λ.
    public var coverage: Double
    /// The non-PAD targets counted.
    public var count: Int
}

extension Captioner {
    // MARK: - Loss and backward

    /// Forward, loss and backward on images (B, Cin, Hgt, Wid), captionIn and captionOut (T, B)
    /// (PAD = 0 targets ignored): adds dL/dθ into `arena`'s gradients (call
    /// `arena.zeroGradients()` first).
    /// - Returns: the loss and, with `imageGradient`, dL/dimages (B, Cin, Hgt, Wid).
    public func lossAndGradients(images: Tensor<Scalar>, captionIn: [Int], captionOut: [Int], imageGradient: Bool = false)
        -> (loss: CaptionerLoss, dImages: [Scalar]?) {
        _ = forward(images: images, captionIn: captionIn)
        let loss = captionOut.withUnsafeBufferPointer { lossAndBackward(captionOut: $0.baseAddress!, count: $0.count) }
        guard imageGradient else { backwardCNN(dImages: nil); return (loss, nil) }
        var dx = [Scalar](repeating: 0, count: images.count)
        dx.withUnsafeMutableBufferPointer { backwardCNN(dImages: $0.baseAddress!) }
        return (loss, dx)
    }

    /// The same for annotation vectors given as features (B, P, D); with `featureGradient`,
    /// also returns dL/dfeatures (B, P, D).
    public func lossAndGradients(features: Tensor<Scalar>, captionIn: [Int], captionOut: [Int], featureGradient: Bool = false)
        -> (loss: CaptionerLoss, dFeatures: [Scalar]?) {
        _ = forward(features: features, captionIn: captionIn)
        let loss = captionOut.withUnsafeBufferPointer { lossAndBackward(captionOut: $0.baseAddress!, count: $0.count) }
        return (loss, featureGradient ? self.featureGradient() : nil)
    }

    /// Forward, loss and backward of a batch as the model reads it (`runEncoder(input:)`: images,
    /// or annotation vectors held as (B, 1, P, D)), for one shard of a larger batch: with
    /// `wholeBatch`, the cross-entropy is divided by the whole batch's counted words and the
    /// regularizer by its images instead of this shard's, so that the shards' losses and
    /// gradients add up to the whole batch's. Adds dL/dθ into the arena's gradients.
    func lossAndGradients(input: Tensor<Scalar>, captionIn: [Int], captionOut: [Int],
                          wholeBatch: CaptionerBatchCounts?) -> CaptionerLoss {
        _ = forward(input: input, captionIn: captionIn)
        let loss = captionOut.withUnsafeBufferPointer {
            lossAndBackward(captionOut: $0.baseAddress!, count: $0.count, wholeBatch: wholeBatch)
        }
        if configuration.imageChannels != nil { backwardCNN(dImages: nil) }
        return loss
    }

    /// The loss of the last forward against captionOut (T, B), and the backward down to the
    /// annotations (`dAnnotations`); the CNN's backward is left to the caller.
    /// With `wholeBatch`, the means are over its counts (see `lossAndGradients(input:…)`).
    func lossAndBackward(captionOut: UnsafePointer<Int>, count: Int, wholeBatch: CaptionerBatchCounts? = nil) -> CaptionerLoss {
        let T = steps, B = batch, P = annotationCount, V = configuration.vocabularySize, N = T * B
        precondition(count == N, "Captioner: \(count) output targets for (T, B) = (\(T), \(B))")
        for i in 0..<N { precondition((0..<V).contains(captionOut[i]), "Captioner: target \(captionOut[i]) outside 0..<\(V)") }
        let y = logits.pointer
        var (ce, counted) = softmaxCrossEntropy(logits: y, targets: captionOut, rows: N, classes: V, ignoreIndex: 0, gradient: y)
        if let whole = wholeBatch, counted > 0 {                // this shard's share of the whole batch's mean
            let share = Scalar(counted) / Scalar(whole.words)
            ce *= share
            for i in 0..<(N * V) { y[i] *= share }
        }
        let images = wholeBatch?.images ?? B
        // The doubly stochastic regularizer and its gradient with respect to every α_t.
        let lambda = configuration.doublyStochastic, alpha = weights.pointer
        let cov = coverage.ensure(B * P), dAlpha = dWeights.ensure(N * P)
        cov.update(repeating: 0, count: B * P)
        for t in 0..<T {
            for b in 0..<B where captionOut[t * B + b] != 0 {
                for p in 0..<P { cov[b * P + p] += alpha[(t * B + b) * P + p] }
            }
        }
        var total = 0.0
        for i in 0..<(B * P) { total += Double((1 - cov[i]) * (1 - cov[i])) }
        let regularizer = total / Double(images)
        let scale = Scalar(-2 * lambda / Double(images))
        for t in 0..<T {
            for b in 0..<B {
                let row = dAlpha + (t * B + b) * P
                if captionOut[t * B + b] == 0 { row.update(repeating: 0, count: P); continue }
                for p in 0..<P { row[p] = scale * (1 - cov[b * P + p]) }
            }
        }
        backward(dLogits: y)
        return CaptionerLoss(loss: Double(ce) + lambda * regularizer, crossEntropy: Double(ce), coverage: regularizer, count: counted)
    }

    /// Backpropagates dL/dlogits (T, B, V) and dL/dα (`dWeights`, (T, B, P)) through the
    /// decoder, the initial state and the mean: dL/da (P, B, D) in `dAnnotations`.
    func backward(dLogits: UnsafePointer<Scalar>) {
        let T = steps, B = batch, P = annotationCount, D = configuration.annotationSize, E = configuration.embeddingSize
        let H = configuration.hiddenSize, I = cellInputSize, G = 4 * H, N = T * B, layer = rnn.layer
        let dTop = dHidden.ensure(N * H)                                                   // (T, B, H)
        output.backward(x: h(1), dy: dLogits, rows: N, dx: dTop)
        let dh = dState.ensure(2 * B * H), dc = dh + B * H                                 // carried dL/dh, dL/dc
        dh.update(repeating: 0, count: 2 * B * H)
        let dg = dGates.ensure(N * G), dx = dInput.ensure(B * I), dEmb = dEmbedded.ensure(N * E)
        let dctx = dContext.ensure(B * D), dpre = dGatePre.ensure(B * D), dq = dQuery.ensure(B * H)
        let direct = dDirect.ensure(B * H)
        let wih = arena.valuePointer(layer.weightIH), whh = arena.valuePointer(layer.weightHH)
        for t in stride(from: T - 1, through: 0, by: -1) {
            for i in 0..<(B * H) { dh[i] += dTop[t * B * H + i] }                          // dL/dh_t in total
            // The cell: dL/dgates, dL/dc_{t−1}; then dL/dx_t = dG·W_ih and dL/dh_{t−1} = dG·W_hh.
            let dgt = dg + t * B * G
            lstmStepBackward(batch: B, hidden: H, t: 0, lengths: nil, dh: dh, dc: dc, gates: cellGates.pointer + t * B * G,
                             cPrev: c(t), tanhC: tanhC.pointer + t * B * H, dGates: dgt, dhDirect: direct)
            gemm(transA: false, transB: false, m: B, n: I, k: G, alpha: 1, a: dgt, lda: G, b: wih, ldb: I,
                 beta: 0, c: dx, ldc: I)
            gemm(transA: false, transB: false, m: B, n: H, k: G, alpha: 1, a: dgt, lda: G, b: whh, ldb: H,
                 beta: 0, c: dh, ldc: H)
            // x_t = [emb(y_t); σ ⊙ ẑ]: the embedding's part, then the gate's and the context's.
            let sigma = gateValues.pointer + t * B * D, context = contexts.pointer + t * B * D
            for b in 0..<B {
                (dEmb + (t * B + b) * E).update(from: dx + b * I, count: E)
                for d in 0..<D {
                    let dz = dx[b * I + E + d], s = sigma[b * D + d]
                    dctx[b * D + d] = dz * s
                    dpre[b * D + d] = dz * context[b * D + d] * s * (1 - s)
                }
            }
            gate.backward(x: h(t), dy: dpre, rows: B, dx: dq)
            for i in 0..<(B * H) { dh[i] += dq[i] }
            attention.backward(step: t, query: h(t), weights: weights.pointer + t * B * P, dContext: dctx, dQuery: dq,
                               dWeights: dWeights.pointer + t * B * P)
            for i in 0..<(B * H) { dh[i] += dq[i] }
        }
        // The LSTM's weights, one GEMM each over all steps: dW_ih += dGᵀ·X, dW_hh += dGᵀ·H_prev.
        gemm(transA: true, transB: false, m: G, n: I, k: N, alpha: 1, a: dg, lda: G, b: cellInputs.pointer, ldb: I,
             beta: 1, c: arena.gradientPointer(layer.weightIH), ldc: I)
        gemm(transA: true, transB: false, m: G, n: H, k: N, alpha: 1, a: dg, lda: G, b: h(0), ldb: H,
             beta: 1, c: arena.gradientPointer(layer.weightHH), ldc: H)
        accumulateColumnSums(dg, rows: N, cols: G, lda: G, into: arena.gradientPointer(layer.biasIH!))
        accumulateColumnSums(dg, rows: N, cols: G, lda: G, into: arena.gradientPointer(layer.biasHH!))
        embedding.backward(ids: inputIDs.pointer, dy: dEmb, rows: N)
        backwardInitialState(dh0: dh, dc0: dc)
    }
}
