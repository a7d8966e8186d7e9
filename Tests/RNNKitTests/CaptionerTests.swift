import Testing
@testable import RNNKit

/// The captioner's exact backward: finite differences in Double over every parameter (the CNN,
/// the β gate, the attention, the cell, the doubly stochastic regularizer) and the dense input,
/// for images and for given annotation vectors. PyTorch parity runs in ModelParityTests.
@Suite struct CaptionerTests {
    /// Caption input and output (T, B) = (4, 2) with padding at the end of the second caption.
    static let captionIn = [2, 2, 5, 4, 6, 3, 4, 0]
    static let captionOut = [5, 4, 6, 3, 4, 0, 3, 0]

    @Test func imageModelGradientsMatchFiniteDifferences() throws {
        let config = CaptionerConfiguration(encoder: .cnn(channels: 2, conv1: 3, conv2: 4), vocabularySize: 7,
                                            embeddingSize: 3, hiddenSize: 4, attentionSize: 3, doublyStochastic: 0.7)
        let model = try Captioner<Double>(config, seed: 12)
        var images = LayerTestData.tensor([2, 2, 9, 8], seed: 4)      // odd height: the last row is pooled away
        model.arena.zeroGradients()
        let (loss, dImages) = model.lossAndGradients(images: images, captionIn: Self.captionIn, captionOut: Self.captionOut,
                                                     imageGradient: true)
        #expect(loss.count == 6)
        #expect(abs(loss.loss - (loss.crossEntropy + 0.7 * loss.coverage)) < 1e-12)
        #expect(loss.coverage > 0.1)                                   // the regularizer is not negligible here
        let value = {
            model.lossAndGradients(images: images, captionIn: Self.captionIn, captionOut: Self.captionOut).loss.loss
        }
        let analytic = analyticGradient(of: model.arena)
        let numeric = numericalGradient(of: model.arena, loss: value)
        for e in model.arena.entries {
            let r = e.offset..<(e.offset + e.count)
            expectClose(Array(analytic[r]), Array(numeric[r]), atol: 1e-7, rtol: 1e-5, e.name)
        }
        let numericImages = numericalGradient(count: images.count, read: { images.scalars[$0] },
                                              write: { images.scalars[$0] = $1 }, loss: value)
        expectClose(dImages!, numericImages, atol: 1e-7, rtol: 1e-5, "images")
    }

    /// A deeper CNN (`extraConvolutions`: conv3, conv4 + ReLU on the grid): finite differences
    /// over every parameter, the annotation width from the last extra layer, and the JSON.
    @Test func deeperCNNGradientsMatchFiniteDifferences() throws {
        let config = CaptionerConfiguration(encoder: .cnn(channels: 1, conv1: 2, conv2: 3), vocabularySize: 7,
                                            embeddingSize: 3, hiddenSize: 4, attentionSize: 3, doublyStochastic: 0.7,
                                            extraConvolutions: [4, 2])
        #expect(config.annotationSize == 2)
        #expect(try CaptionerConfiguration(json: config.json) == config)
        let model = try Captioner<Double>(config, seed: 5)
        #expect(model.arena.names.contains("conv4.weight") && model.arena.parameterCount == config.parameterCount)
        let images = LayerTestData.tensor([2, 1, 8, 9], seed: 7)
        let value = { model.lossAndGradients(images: images, captionIn: Self.captionIn, captionOut: Self.captionOut).loss.loss }
        model.arena.zeroGradients()
        _ = value()
        expectClose(analyticGradient(of: model.arena), numericalGradient(of: model.arena, loss: value),
                    atol: 1e-7, rtol: 1e-5, "deeper CNN")
        var bad = config
        bad.encoder = .features(size: 4)
        #expect(throws: RNNKitError.self) { try bad.validate() }
    }

    @Test func featureModelGradientsMatchFiniteDifferences() throws {
        let config = CaptionerConfiguration(encoder: .features(size: 5), vocabularySize: 7, embeddingSize: 3,
                                            hiddenSize: 4, attentionSize: 6, doublyStochastic: 1.5)
        let model = try Captioner<Double>(config, seed: 3)
        #expect(!model.arena.names.contains { $0.hasPrefix("conv") })
        var features = LayerTestData.tensor([2, 6, 5], seed: 8)         // (B, P, D)
        model.arena.zeroGradients()
        let (_, dFeatures) = model.lossAndGradients(features: features, captionIn: Self.captionIn,
                                                    captionOut: Self.captionOut, featureGradient: true)
        let value = {
            model.lossAndGradients(features: features, captionIn: Self.captionIn, captionOut: Self.captionOut).loss.loss
        }
        expectClose(analyticGradient(of: model.arena), numericalGradient(of: model.arena, loss: value),
                    atol: 1e-7, rtol: 1e-5, "parameters")
        let numericFeatures = numericalGradient(count: features.count, read: { features.scalars[$0] },
                                                write: { features.scalars[$0] = $1 }, loss: value)
        expectClose(dFeatures!, numericFeatures, atol: 1e-7, rtol: 1e-5, "features")
    }

    /// Training splits a batch into shards on model copies (`ModelReplicas.runPrescaled`), each
    /// scaled to the whole batch's counts: the words (cross-entropy) and the images (regularizer)
    /// differ between the shards here (4 and 2 words), so per-shard means would not add up.
    @Test func shardsScaledToTheWholeBatchGiveItsGradient() throws {
        let config = CaptionerConfiguration(encoder: .cnn(channels: 2, conv1: 3, conv2: 4), vocabularySize: 7,
                                            embeddingSize: 3, hiddenSize: 4, attentionSize: 3, doublyStochastic: 0.7)
        let model = try Captioner<Double>(config, seed: 12)
        let images = LayerTestData.tensor([2, 2, 9, 8], seed: 4)
        model.arena.zeroGradients()
        let (whole, _) = model.lossAndGradients(images: images, captionIn: Self.captionIn, captionOut: Self.captionOut)
        let expected = analyticGradient(of: model.arena)
        model.arena.zeroGradients()
        let plane = images.count / 2
        let parts: [(image: Tensor<Double>, captionIn: [Int], captionOut: [Int])] = [
            (Tensor(shape: [1, 2, 9, 8], scalars: Array(images.scalars[..<plane])), [2, 5, 6, 4], [5, 6, 4, 3]),
            (Tensor(shape: [1, 2, 9, 8], scalars: Array(images.scalars[plane...])), [2, 4], [4, 3]),
        ]
        let replicas = ModelReplicas(primary: model, arena: { $0.arena }, makeReplica: { try! Captioner<Double>(config) })
        let combined = replicas.runPrescaled(shards: 2) { m, k in
            let r = m.lossAndGradients(input: parts[k].image, captionIn: parts[k].captionIn, captionOut: parts[k].captionOut,
                                       wholeBatch: CaptionerBatchCounts(words: 6, images: 2))
            return (r.loss, r.count)
        }
        #expect(combined.count == whole.count)
        #expect(abs(combined.loss - whole.loss) <= 1e-12)
        expectClose(analyticGradient(of: model.arena), expected, atol: 1e-12, rtol: 1e-10, "two shards")
    }

    @Test func attentionIsADistributionOverTheGrid() throws {
        let config = CaptionerConfiguration(encoder: .cnn(channels: 1, conv1: 2, conv2: 3), vocabularySize: 7,
                                            embeddingSize: 3, hiddenSize: 4, attentionSize: 3)
        let model = try Captioner<Float>(config, seed: 1)
        let images = Tensor<Float>(LayerTestData.tensor([2, 1, 12, 13], seed: 2))
        let (logits, attention) = model.forward(images: images, captionIn: Self.captionIn)
        #expect(logits.shape == [4, 2, 7])
        #expect(attention.shape == [4, 2, 9])                          // 12 × 13 → 6 × 6 → 3 × 3
        for row in 0..<8 {
            let sum = attention.scalars[(row * 9)..<(row * 9 + 9)].reduce(0, +)
            #expect(abs(sum - 1) < 1e-5)
        }
        #expect(Captioner<Float>.annotationGrid(height: 56, width: 56) == (14, 14))
    }

    @Test func configurationRoundTripsAndRejectsBadSizes() throws {
        let config = CaptionerConfiguration(encoder: .cnn(channels: 1, conv1: 16, conv2: 32), vocabularySize: 14,
                                            embeddingSize: 32, hiddenSize: 128, attentionSize: 64)
        #expect(try CaptionerConfiguration(json: config.json) == config)
        let features = CaptionerConfiguration(encoder: .features(size: 512), vocabularySize: 14, embeddingSize: 32,
                                              hiddenSize: 128, attentionSize: 64, doublyStochastic: 0.5)
        #expect(try CaptionerConfiguration(json: features.json) == features)
        #expect(try Captioner<Float>(config).arena.parameterCount == config.parameterCount)
        #expect(throws: RNNKitError("the conv2 channel count must be positive, got 0")) {
            try CaptionerConfiguration(encoder: .cnn(channels: 1, conv1: 16, conv2: 0), vocabularySize: 14, embeddingSize: 32,
                                       hiddenSize: 128, attentionSize: 64).validate()
        }
        #expect(throws: RNNKitError.self) {
            try CaptionerConfiguration(encoder: .features(size: 8), vocabularySize: 14, embeddingSize: 32,
                                       hiddenSize: 128, attentionSize: 64, doublyStochastic: -1).validate()
        }
    }
}
