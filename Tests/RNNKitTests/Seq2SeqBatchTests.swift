import Testing
@testable import RNNKit

@Suite struct Seq2SeqBatchTests {
    @Test func padsSourceAndShiftedTargetsTimeMajor() {
        let batch = Seq2SeqBatch(sources: [[5, 6], [7]], targets: [[8], [9, 10]])
        #expect(batch.source == [5, 7, 6, 0] && batch.sourceLengths == [2, 1] && batch.sourceSteps == 2)
        #expect(batch.targetInput == [2, 2, 8, 9, 0, 10])
        #expect(batch.targetOutput == [8, 9, 3, 10, 0, 3])
        #expect(batch.targetLengths == [2, 3] && batch.targetSteps == 3 && batch.batch == 2)
        #expect(batch.indices == [0, 1] && batch.targetTokenCount == 5)
    }

    @Test func selectsPairsByIndex() {
        let sources = [[4], [5, 6], [7, 8, 9]], targets = [[10, 11], [], [12]]
        let batch = Seq2SeqBatch(selecting: [2, 1, 2], sources: sources, targets: targets)
        #expect(batch.indices == [2, 1, 2])
        #expect(batch.source == [7, 5, 7, 8, 6, 8, 9, 0, 9])
        // An empty target still has its <eos> to predict.
        #expect(batch.targetInput == [2, 2, 2, 12, 0, 12])
        #expect(batch.targetOutput == [12, 3, 12, 3, 0, 3])
        #expect(batch.targetLengths == [2, 1, 2])
    }

    @Test func randomIndicesDependOnSeedAndStepOnly() {
        let a = Seq2SeqBatch.randomIndices(count: 9000, batchSize: 64, seed: 1, step: 7)
        #expect(a.count == 64 && a.allSatisfy { (0..<9000).contains($0) })
        #expect(a == Seq2SeqBatch.randomIndices(count: 9000, batchSize: 64, seed: 1, step: 7))
        #expect(a != Seq2SeqBatch.randomIndices(count: 9000, batchSize: 64, seed: 1, step: 8))
        #expect(a != Seq2SeqBatch.randomIndices(count: 9000, batchSize: 64, seed: 2, step: 7))
        // With replacement, and roughly uniform: 30,000 draws over 3 pairs.
        var counts = [0, 0, 0]
        for step in 1...1000 {
            for i in Seq2SeqBatch.randomIndices(count: 3, batchSize: 30, seed: 5, step: step) { counts[i] += 1 }
        }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
        #expect(Seq2SeqBatch.randomIndices(count: 1, batchSize: 4, seed: 0, step: 0) == [0, 0, 0, 0])
    }
}
