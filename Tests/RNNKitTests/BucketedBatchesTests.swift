import Testing
@testable import RNNKit

@Suite struct BucketedBatchesTests {
    func randomLengths(_ n: Int, seed: UInt64) -> [Int] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in 1 + Int(g.next() % 60) }
    }

    @Test func everyIndexOncePerEpochInBatchesOfAtMostB() throws {
        let lengths = randomLengths(1_234, seed: 7)
        let buckets = try BucketedBatches(lengths: lengths, batchSize: 8, seed: 1, poolBatches: 10)
        for epoch in 1...3 {
            let batches = buckets.epoch(epoch)
            #expect(batches.flatMap { $0 }.sorted() == Array(0..<1_234))
            #expect(batches.allSatisfy { (1...8).contains($0.count) })
            #expect(batches.count == buckets.batchesPerEpoch)
            // Within a batch, lengths are sorted.
            #expect(batches.allSatisfy { b in zip(b, b.dropFirst()).allSatisfy { lengths[$0] <= lengths[$1] } })
        }
        #expect(buckets.batchesPerEpoch == 15 * 10 + 5)          // 1234 = 15 pools of 80 + 34 (4 full + 1)
    }

    @Test func sameSeedAndEpochGiveTheSameBatches() throws {
        let lengths = randomLengths(500, seed: 3)
        let a = try BucketedBatches(lengths: lengths, batchSize: 16, seed: 42)
        let b = try BucketedBatches(lengths: lengths, batchSize: 16, seed: 42)
        #expect(a.epoch(5) == b.epoch(5))
        #expect(a.epoch(5) != a.epoch(6))
        #expect(a.epoch(1) != (try BucketedBatches(lengths: lengths, batchSize: 16, seed: 43)).epoch(1))
    }

    @Test func paddingIsMuchLowerThanUnbucketed() throws {
        let lengths = randomLengths(4_000, seed: 11)
        let examples = lengths.map { [Int](repeating: 2, count: $0) }
        func padding(_ batches: [[Int]]) -> Double {
            let slots = batches.reduce(0) { $0 + $1.count * $1.map { lengths[$0] }.max()! }
            return Double(slots - lengths.reduce(0, +)) / Double(slots)
        }
        let bucketed = padding(try BucketedBatches(lengths: lengths, batchSize: 32, seed: 5).epoch(1))
        var order = Array(lengths.indices)
        var g = SeededGenerator(seed: 5)
        BucketedBatches.shuffle(&order, &g)
        let plain = padding(stride(from: 0, to: order.count, by: 32).map { Array(order[$0..<min($0 + 32, order.count)]) })
        #expect(plain > 0.35)
        #expect(bucketed < 0.05)
        #expect(PaddedBatch(examples: examples, indices: [0, 1]).tokenCount == lengths[0] + lengths[1])
    }

    @Test func evaluationOrderIsSortedAndComplete() {
        let lengths = [5, 2, 9, 2, 1]
        #expect(BucketedBatches.evaluationOrder(lengths: lengths, batchSize: 2) == [[4, 1], [3, 0], [2]])
    }

    @Test func badSettingsThrow() {
        #expect(throws: RNNKitError("the batch size is 0; it must be at least 1")) {
            try BucketedBatches(lengths: [1], batchSize: 0, seed: 1)
        }
        #expect(throws: RNNKitError("there are no examples to batch")) {
            try BucketedBatches(lengths: [], batchSize: 4, seed: 1)
        }
    }
}
