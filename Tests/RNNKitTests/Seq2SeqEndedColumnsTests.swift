import Testing
@testable import RNNKit

/// Training skips the columns whose targets have ended (`Seq2Seq.activeRows`, `decodeStep`'s
/// `rows`) and splits a batch across model copies on threads (`ModelReplicas`); both must leave
/// the loss and every gradient as the plain computation over the whole padded batch has them.
@Suite struct Seq2SeqEndedColumnsTests {
    static let S = 5, T = 5, B = 4

    /// Targets of lengths 4, 2, 3, 0 (+ <eos>): unsorted, so a skipped column can sit before a
    /// running one.
    static func batch(sourceVocabulary: Int, targetVocabulary: Int) -> Seq2SeqBatch {
        var g = SeededGenerator(seed: 11)
        func ids(_ n: Int, _ V: Int) -> [Int] { (0..<n).map { _ in 4 + Int(g.next() % UInt64(V - 4)) } }
        return Seq2SeqBatch(sources: [5, 2, 4, 3].map { ids($0, sourceVocabulary) },
                            targets: [4, 2, 3, 0].map { ids($0, targetVocabulary) })
    }

    @Test func activeRowsReachTheLastRunningColumn() {
        let b = Self.batch(sourceVocabulary: 9, targetVocabulary: 8)   // target lengths + 1: 5, 3, 4, 1
        #expect(Seq2Seq<Float>.activeRows(targetIn: b.targetInput, targetOut: b.targetOutput, batch: 4) == [4, 3, 3, 3, 1])
        let sorted = Seq2SeqBatch(sources: [[5], [6], [7]], targets: [[4, 5, 6], [4], []])
        #expect(Seq2Seq<Float>.activeRows(targetIn: sorted.targetInput, targetOut: sorted.targetOutput, batch: 3) == [3, 2, 1, 1])
    }

    static let cases: [(CellKind, Bool, Seq2SeqConfiguration.AttentionKind, Seq2SeqConfiguration.Score, Int)] = [
        (.lstm, false, .none, .dot, 2), (.gru, true, .bahdanau, .general, 2), (.lstm, true, .luong, .general, 1),
        (.lstm, false, .luong, .additive, 2), (.rnnTanh, false, .bahdanau, .additive, 1),
    ]

    @Test(arguments: 0..<cases.count)
    func skippingEndedColumnsChangesNoGradient(_ k: Int) throws {
        let (cell, bi, attention, score, layers) = Self.cases[k]
        let config = Seq2SeqConfiguration(cell: cell, sourceVocabularySize: 9, targetVocabularySize: 8, embeddingSize: 3,
                                          hiddenSize: 4, numLayers: layers, bidirectional: bi, attention: attention,
                                          score: score, attentionSize: 5)
        let model = try Seq2Seq<Double>(config, seed: UInt64(k + 3))
        let b = Self.batch(sourceVocabulary: 9, targetVocabulary: 8)
        // The whole padded batch at every step.
        model.arena.zeroGradients()
        let y = model.forwardLogits(source: b.source, sourceLengths: b.sourceLengths, targetIn: b.targetInput, teacher: nil)
        let full = b.targetOutput.withUnsafeBufferPointer {
            softmaxCrossEntropy(logits: y, targets: $0.baseAddress!, rows: b.targetOutput.count, classes: 8, ignoreIndex: 0, gradient: y)
        }
        model.backward(dLogits: y)
        let expected = analyticGradient(of: model.arena)
        // Training's path: ended columns skipped.
        model.arena.zeroGradients()
        let skipped = model.lossAndGradients(source: b.source, sourceLengths: b.sourceLengths, targetIn: b.targetInput,
                                             targetOut: b.targetOutput)
        #expect(model.stepRows == [4, 3, 3, 3, 1])
        #expect(abs(skipped.loss - full.loss) <= 1e-14 && skipped.count == full.count)
        expectClose(analyticGradient(of: model.arena), expected, atol: 1e-14, rtol: 1e-12, "\(cell) \(attention) \(score) L\(layers)")
    }

    /// Two shards on two model copies: the loss and the gradients of the whole batch's mean.
    @Test func shardsCombineToTheWholeBatchGradient() throws {
        let config = Seq2SeqConfiguration(cell: .lstm, sourceVocabularySize: 9, targetVocabularySize: 8, embeddingSize: 3,
                                          hiddenSize: 6, numLayers: 1, attention: .luong, score: .general)
        let model = try Seq2Seq<Float>(config, seed: 5)
        let b = Self.batch(sourceVocabulary: 9, targetVocabulary: 8)
        var pairs: [(source: [Int], target: [Int])] = []
        for j in 0..<b.batch {
            let source: [Int] = (0..<b.sourceLengths[j]).map { b.source[$0 * b.batch + j] }
            let target: [Int] = (0..<(b.targetLengths[j] - 1)).map { b.targetOutput[$0 * b.batch + j] }
            pairs.append((source, target))
        }
        model.arena.zeroGradients()
        let whole = model.lossAndGradients(source: b.source, sourceLengths: b.sourceLengths, targetIn: b.targetInput,
                                           targetOut: b.targetOutput)
        let expected = Array(UnsafeBufferPointer(start: model.arena.gradients, count: model.arena.count))
        model.arena.zeroGradients()
        let replicas = ModelReplicas(primary: model, arena: { $0.arena }, makeReplica: { try! Seq2Seq<Float>(config) })
        let combined = replicas.run(shards: 2) { m, k in
            let part = Seq2SeqBatch(sources: [pairs[k].source, pairs[k + 2].source], targets: [pairs[k].target, pairs[k + 2].target])
            let r = m.lossAndGradients(source: part.source, sourceLengths: part.sourceLengths, targetIn: part.targetInput,
                                       targetOut: part.targetOutput)
            return (Double(r.loss), r.count)
        }
        #expect(combined.count == whole.count)
        #expect(abs(combined.loss - Double(whole.loss)) <= 1e-6 * abs(Double(whole.loss)))
        let actual = Array(UnsafeBufferPointer(start: model.arena.gradients, count: model.arena.count))
        expectClose(actual, expected, atol: 1e-6, rtol: 1e-4, "two shards")
    }
}
