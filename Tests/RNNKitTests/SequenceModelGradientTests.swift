import Testing
@testable import RNNKit

/// Finite-difference gradient checks in Double for the classifier (every pooling, cell,
/// direction) and the tagger, with ragged lengths; the folded embedding lookup equals the
/// plain one.
@Suite struct SequenceModelGradientTests {
    static let T = 5, B = 3
    static let lengths = [5, 2, 4]

    /// Ids (T, B) in 1..<V, PAD past each length.
    static func tokens(_ V: Int, seed: UInt64) -> [Int] {
        var g = SeededGenerator(seed: seed)
        return (0..<T).flatMap { t in (0..<B).map { b in t < lengths[b] ? 1 + Int(g.next() % UInt64(V - 1)) : 0 } }
    }

    static let cases: [(CellKind, Bool, SequencePooling, Int)] = [
        (.lstm, false, .last, 1), (.gru, true, .mean, 2), (.lstm, true, .max, 1), (.rnnTanh, true, .last, 2),
        (.rnnRelu, false, .max, 1),
    ]

    @Test(arguments: 0..<cases.count)
    func classifierGradientsMatchFiniteDifferences(_ k: Int) throws {
        let (cell, bi, pooling, layers) = Self.cases[k]
        let config = SequenceModelConfiguration(cell: cell, vocabularySize: 7, embeddingSize: 3, hiddenSize: 4,
                                                numLayers: layers, bidirectional: bi, outputs: 3, pooling: pooling)
        let model = try SequenceClassifier<Double>(config, seed: UInt64(k))
        let ids = Self.tokens(7, seed: 9), labels = [2, ignoredTarget, 0]
        model.arena.zeroGradients()
        let (loss, count) = model.lossAndGradients(tokens: ids, lengths: Self.lengths, labels: labels)
        #expect(count == 2 && loss.isFinite)
        let analytic = analyticGradient(of: model.arena)
        let numeric = numericalGradient(of: model.arena) {
            Double(model.lossAndGradients(tokens: ids, lengths: Self.lengths, labels: labels).loss)
        }
        expectClose(analytic, numeric, atol: 1e-7, rtol: 1e-5, "\(cell) \(pooling) bidirectional \(bi)")
        // PAD's embedding row gets no gradient.
        #expect(model.arena.gradient(named: "embedding.weight")!.scalars[0..<3].allSatisfy { $0 == 0 })
    }

    @Test(arguments: [CellKind.lstm, .gru])
    func taggerGradientsMatchFiniteDifferences(_ cell: CellKind) throws {
        let config = SequenceModelConfiguration(cell: cell, vocabularySize: 6, embeddingSize: 3, hiddenSize: 4,
                                                numLayers: 2, bidirectional: true, outputs: 4)
        let model = try SequenceTagger<Double>(config, seed: 5)
        let ids = Self.tokens(6, seed: 3)
        var g = SeededGenerator(seed: 8)
        let tags = (0..<Self.T).flatMap { t in (0..<Self.B).map { b in t < Self.lengths[b] ? Int(g.next() % 4) : ignoredTarget } }
        model.arena.zeroGradients()
        model.lossAndGradients(tokens: ids, lengths: Self.lengths, tags: tags)
        let analytic = analyticGradient(of: model.arena)
        let numeric = numericalGradient(of: model.arena) {
            Double(model.lossAndGradients(tokens: ids, lengths: Self.lengths, tags: tags).loss)
        }
        expectClose(analytic, numeric, atol: 1e-7, rtol: 1e-5, "\(cell) tagger")
    }

    /// V < T·B folds the lookup into the first projection: the same loss and gradients as the
    /// plain gather, PAD row included.
    @Test(arguments: SequencePooling.allCases)
    func foldedLookupEqualsPlainLookup(_ pooling: SequencePooling) throws {
        let config = SequenceModelConfiguration(cell: .lstm, vocabularySize: 4, embeddingSize: 3, hiddenSize: 4,
                                                bidirectional: true, outputs: 2, pooling: pooling)
        let folded = try SequenceClassifier<Double>(config, seed: 1), plain = try SequenceClassifier<Double>(config, seed: 1)
        plain.encoder.foldsEmbeddingLookup = false
        let ids = Self.tokens(4, seed: 2), labels = [1, 0, 1]
        #expect(4 < Self.T * Self.B)
        folded.arena.zeroGradients(); plain.arena.zeroGradients()
        let a = folded.lossAndGradients(tokens: ids, lengths: Self.lengths, labels: labels).loss
        let b = plain.lossAndGradients(tokens: ids, lengths: Self.lengths, labels: labels).loss
        #expect(abs(a - b) < 1e-12)
        expectClose(analyticGradient(of: folded.arena), analyticGradient(of: plain.arena), atol: 1e-12, rtol: 1e-10, "gradients")
    }
}
