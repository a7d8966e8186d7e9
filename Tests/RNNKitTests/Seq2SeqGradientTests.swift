import Testing
@testable import RNNKit

/// Finite-difference gradient checks in Double for the encoder–decoder: every attention and
/// score, unidirectional and bidirectional encoders (the bridge), LSTM, GRU and RNN cells, a
/// teacher mask that feeds the model's own predictions.
@Suite struct Seq2SeqGradientTests {
    static let S = 5, T = 4, B = 3
    static let sourceLengths = [5, 2, 4]

    static func ids(_ V: Int, steps: Int, lengths: [Int], seed: UInt64) -> [Int] {
        var g = SeededGenerator(seed: seed)
        return (0..<steps).flatMap { t in (0..<lengths.count).map { b in t < lengths[b] ? 1 + Int(g.next() % UInt64(V - 1)) : 0 } }
    }

    static let cases: [(CellKind, Bool, Seq2SeqConfiguration.AttentionKind, Seq2SeqConfiguration.Score, Int)] = [
        (.lstm, false, .none, .dot, 2), (.gru, true, .none, .dot, 1), (.lstm, false, .bahdanau, .additive, 1),
        (.gru, true, .bahdanau, .general, 2), (.lstm, true, .luong, .general, 1), (.lstm, false, .luong, .dot, 2),
        (.gru, false, .luong, .additive, 1), (.rnnTanh, true, .bahdanau, .additive, 1),
    ]

    @Test(arguments: 0..<cases.count)
    func gradientsMatchFiniteDifferences(_ k: Int) throws {
        let (cell, bi, attention, score, layers) = Self.cases[k]
        let config = Seq2SeqConfiguration(cell: cell, sourceVocabularySize: 7, targetVocabularySize: 6, embeddingSize: 3,
                                          hiddenSize: 4, numLayers: layers, bidirectional: bi, attention: attention,
                                          score: score, attentionSize: 5)
        let model = try Seq2Seq<Double>(config, seed: UInt64(k))
        let source = Self.ids(7, steps: Self.S, lengths: Self.sourceLengths, seed: 1)
        let targetLengths = [4, 3, 1]
        let target = Self.ids(6, steps: Self.T + 1, lengths: targetLengths.map { $0 + 1 }, seed: 2)
        let targetIn = Array(target[0..<(Self.T * Self.B)]), targetOut = Array(target[Self.B...])
        // Step 2 of pair 0 and step 1 of pair 2 read the model's own previous prediction.
        var teacher = [Bool](repeating: true, count: Self.T * Self.B)
        teacher[2 * Self.B + 0] = false
        teacher[1 * Self.B + 2] = false
        model.arena.zeroGradients()
        let (loss, count) = model.lossAndGradients(source: source, sourceLengths: Self.sourceLengths, targetIn: targetIn,
                                                   targetOut: targetOut, teacher: teacher)
        #expect(loss.isFinite && count == targetOut.filter { $0 != 0 }.count)
        let analytic = analyticGradient(of: model.arena)
        var numeric = numericalGradient(of: model.arena) {
            model.lossAndGradients(source: source, sourceLengths: Self.sourceLengths, targetIn: targetIn,
                                   targetOut: targetOut, teacher: teacher).loss
        }
        // The target PAD row is read where a fed-back prediction is PAD, yet gets no gradient
        // (padding_idx, as in PyTorch): leave it out of the comparison.
        let pad = model.arena.entry(named: "tgt_embedding.weight")!
        for i in 0..<3 { numeric[pad.offset + i] = 0 }
        expectClose(analytic, numeric, atol: 1e-7, rtol: 1e-5, "\(cell) bidirectional \(bi) \(attention) \(score)")
        // Padding rows of both embeddings get no gradient.
        #expect(model.arena.gradient(named: "src_embedding.weight")!.scalars[0..<3].allSatisfy { $0 == 0 })
        #expect(model.arena.gradient(named: "tgt_embedding.weight")!.scalars[0..<3].allSatisfy { $0 == 0 })
    }

    /// The attention weights of each step sum to 1 over the source's valid steps and are 0 past
    /// its length.
    @Test func attentionIsMaskedToEachLength() throws {
        let config = Seq2SeqConfiguration(cell: .gru, sourceVocabularySize: 7, targetVocabularySize: 6, embeddingSize: 3,
                                          hiddenSize: 4, attention: .bahdanau, score: .additive)
        let model = try Seq2Seq<Double>(config, seed: 3)
        let source = Self.ids(7, steps: Self.S, lengths: Self.sourceLengths, seed: 1)
        let targetIn = Self.ids(6, steps: Self.T, lengths: [4, 4, 4], seed: 2)
        let attention = model.forward(source: source, sourceLengths: Self.sourceLengths, targetIn: targetIn).attention!
        #expect(attention.shape == [Self.T, Self.B, Self.S])
        for t in 0..<Self.T {
            for b in 0..<Self.B {
                let row = (0..<Self.S).map { attention.scalars[(t * Self.B + b) * Self.S + $0] }
                #expect(abs(row.reduce(0, +) - 1) < 1e-12)
                #expect(row[Self.sourceLengths[b]...].allSatisfy { $0 == 0 })
            }
        }
    }

    @Test func dotScoresNeedEqualSizes() {
        let config = Seq2SeqConfiguration(sourceVocabularySize: 7, targetVocabularySize: 6, embeddingSize: 3, hiddenSize: 4,
                                          bidirectional: true, attention: .luong, score: .dot)
        #expect(throws: RNNKitError.self) { try Seq2Seq<Float>(config) }
    }
}

