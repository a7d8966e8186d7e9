import Testing
@testable import RNNKit

@Suite struct PaddedBatchTests {
    @Test func padsTimeMajor() {
        let batch = PaddedBatch(sequences: [[5, 6, 7], [8], [9, 10]], indices: [4, 0, 2])
        #expect(batch.steps == 3 && batch.batch == 3)
        #expect(batch.tokens == [5, 8, 9,
                                 6, 0, 10,
                                 7, 0, 0])                  // (T=3, B=3)
        #expect(batch.lengths == [3, 1, 2] && batch.indices == [4, 0, 2])
        #expect(batch.tokenCount == 6 && batch.paddingFraction == 3.0 / 9)
        #expect(batch.padded([[1, 2, 3], [4], [5, 6]]) == [1, 4, 5, 2, -100, 6, 3, -100, -100])
        #expect(batch.unpadded([0, 1, 2, 3, 4, 5, 6, 7, 8]) == [[0, 3, 6], [1], [2, 5]])
    }

    @Test func selectsExamplesByIndex() {
        let examples = [[1], [2, 3], [4, 5, 6]]
        let batch = PaddedBatch(examples: examples, indices: [2, 0])
        #expect(batch.tokens == [4, 1, 5, 0, 6, 0] && batch.lengths == [3, 1] && batch.indices == [2, 0])
        #expect(PaddedBatch(sequences: [[7]]).indices == [0])
    }
}
