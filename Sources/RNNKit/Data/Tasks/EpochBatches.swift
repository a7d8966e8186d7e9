/// The bucketed batches of the current epoch, computed once per epoch from `BucketedBatches`
/// (a task asks for batch `index` of `epoch` at every step).
struct EpochBatches {
    /// The batching of the training examples.
    let batching: BucketedBatches
    private var cached: (epoch: Int, batches: [[Int]])?

    /// Batches of the examples with `lengths`, `batchSize` at a time, shuffled from `seed`.
    init(lengths: [Int], batchSize: Int, seed: UInt64) throws {
        batching = try BucketedBatches(lengths: lengths, batchSize: batchSize, seed: seed)
    }

    /// The batches of every epoch.
    var count: Int { batching.batchesPerEpoch }

    /// The example indices of batch `index` of `epoch`.
    mutating func batch(_ index: Int, ofEpoch epoch: Int) -> [Int] {
        if cached?.epoch != epoch { cached = (epoch, batching.epoch(epoch)) }
        return cached!.batches[index]
    }
}
