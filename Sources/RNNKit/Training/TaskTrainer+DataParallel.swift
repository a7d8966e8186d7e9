// The data-parallel parts of the generic loop (see `DataParallelism`): one step's shards and
// the combination of their gradients, the agreement of all ranks at the start (fingerprint,
// rank 0's weights), validation and test split among the ranks, and the carried state gathered
// before a checkpoint.

extension TaskTrainer {
    /// Whether this process writes the run folder (rank 0, or the only process).
    public var isRoot: Bool { parallelism.communicator.rank == 0 }

    /// Checks that the task can be split and every rank runs the same code, model, settings
    /// and data (one fingerprint compared across ranks), then gives every rank rank 0's
    /// weights. Does nothing in one process without local shards.
    /// - Throws: `RNNKitError` on every rank when a fingerprint differs (naming the rank).
    func prepareParallelism() throws {
        guard parallelism.shards > 1 else { return }
        if let refusal = task.shardingRefusal { throw RNNKitError(refusal) }
        guard parallelism.isDistributed else { return }
        let comm = parallelism.communicator
        let mine = Self.fingerprintBytes(runFingerprint)
        let all = try comm.allgather(mine)
        for (r, theirs) in all.enumerated() where theirs != all[0] {
            let (v0, vr) = (Self.version(in: all[0]), Self.version(in: theirs))
            if v0 != vr { throw RNNKitError("rank \(r) runs RNNKit \(vr) and rank 0 RNNKit \(v0); install the same RNNKit on every machine") }
            throw RNNKitError("rank \(r)'s model, settings, data or position differ from rank 0's (run fingerprints differ); start every rank with the same command and the same files")
        }
        try shareRootWeights()
    }

    /// Gives every rank rank 0's weights; nothing to do in one process.
    func shareRootWeights() throws {
        guard parallelism.isDistributed else { return }
        var values = Array(UnsafeBufferPointer(start: task.arena.values, count: task.arena.count))
        try parallelism.communicator.broadcast(&values, root: 0)
        values.withUnsafeBufferPointer { task.arena.values.update(from: $0.baseAddress!, count: $0.count) }
    }

    /// Everything that must agree across ranks: the RNNKit version, the task's model kind and
    /// checkpoint metadata (model configuration, vocabularies, data fingerprint — entries that may
    /// differ on resume excluded), the arena size, the batches of an epoch, the loop settings,
    /// the position in the run and the reduction mode.
    var runFingerprint: String {
        let free = task.metadataKeysFreeOnResume
        let metadata = task.checkpointMetadata.filter { !free.contains($0.key) }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        return "\(task.modelKind) v\(task.modelVersion)\n\(metadata)\narena \(task.arena.count)\nbatches \(task.batchesPerEpoch)\n"
            + "loop \(configuration.json.serialized)\nstep \(progress.step)\ndeterministic \(parallelism.deterministicReduce)"
    }

    /// 32 bytes of version (zero-padded) and 8 of FNV-1a 64 of `text`.
    static func fingerprintBytes(_ text: String) -> [UInt8] {
        var version = Array(rnnKitVersion.utf8.prefix(32))
        version += [UInt8](repeating: 0, count: 32 - version.count)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return version + (0..<8).map { UInt8(truncatingIfNeeded: h >> (8 * $0)) }
    }

    static func version(in bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(32).prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Runs the task's share of the next batch and leaves the gradient of the whole batch's
    /// mean loss in the arena (on every rank); returns the whole batch's loss, count and tokens.
    func runBatch() throws -> TaskBatchResult {
        let (epoch, index) = (progress.epoch, progress.batch)
        let shards = parallelism.shards
        guard shards > 1 else { return try task.trainBatch(epoch: epoch, index: index) }
        let generators = shardGenerators(shards)
        let P = task.arena.count
        if !parallelism.isDistributed {
            var gathered = [Float](repeating: 0, count: shards * P)
            var results: [TaskBatchResult] = []
            for k in 0..<shards {
                task.arena.zeroGradients()
                let r = try withGenerators(generators?[k]) {
                    try task.trainBatch(epoch: epoch, index: index, shard: BatchShard(index: k, count: shards))
                }
                gathered.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: k * P).update(from: task.arena.gradients, count: P) }
                results.append(r)
            }
            return combine(gathered: gathered, results: results)
        }
        let comm = parallelism.communicator
        let shard = BatchShard(index: comm.rank, count: shards)
        let r = try withGenerators(generators?[comm.rank]) { try task.trainBatch(epoch: epoch, index: index, shard: shard) }
        let local = Array(UnsafeBufferPointer(start: task.arena.gradients, count: P))
        if parallelism.deterministicReduce {
            let stats = try comm.allgather(Self.bytes(UInt64(r.count)) + Self.bytes(UInt64(r.tokens)) + Self.bytes(r.loss.bitPattern))
            let results = stats.map { b in            // every rank's task scales its shards alike
                TaskBatchResult(loss: Double(bitPattern: Self.word(b, 16)), count: Int(Self.word(b, 0)), tokens: Int(Self.word(b, 8)),
                                isScaledToWholeBatch: r.isScaledToWholeBatch)
            }
            return combine(gathered: try comm.allgather(local), results: results)
        }
        // One allreduce of the statistics, one of the weighted gradients.
        // A shard scaled to the whole batch adds with weight 1, a mean over its count with count/total.
        let scaled = r.isScaledToWholeBatch
        var stats = [scaled ? r.loss : r.count > 0 ? r.loss * Double(r.count) : 0, Double(r.count), Double(r.tokens)]
        try comm.allreduceSum(&stats)
        let total = Int(stats[1])
        let w: Float = scaled ? 1 : total > 0 ? Float(Double(r.count) / Double(total)) : 0
        var g = local
        if w != 1 { for i in g.indices { g[i] *= w } }
        try comm.allreduceSum(&g)
        g.withUnsafeBufferPointer { task.arena.gradients.update(from: $0.baseAddress!, count: P) }
        let loss = scaled ? stats[0] : total > 0 ? stats[0] / Double(total) : .nan
        return TaskBatchResult(loss: loss, count: total, tokens: Int(stats[2]), isScaledToWholeBatch: scaled)
    }

    /// The rank-order combination of every shard's gradient and loss (`RankOrderSum`).
    private func combine(gathered: [Float], results: [TaskBatchResult]) -> TaskBatchResult {
        let counts = results.map(\.count), scaled = results.allSatisfy(\.isScaledToWholeBatch)
        var g = [Float](repeating: 0, count: task.arena.count)
        let weights = scaled ? [Float](repeating: 1, count: results.count) : RankOrderSum.weights(counts: counts)
        RankOrderSum.sum(gathered, weights: weights, into: &g)
        g.withUnsafeBufferPointer { task.arena.gradients.update(from: $0.baseAddress!, count: $0.count) }
        let loss = scaled ? results.reduce(0.0) { $0 + $1.loss } : RankOrderSum.meanLoss(losses: results.map(\.loss), counts: counts)
        return TaskBatchResult(loss: loss, count: counts.reduce(0, +), tokens: results.reduce(0) { $0 + $1.tokens },
                               isScaledToWholeBatch: scaled)
    }

    /// The dropout generators of each shard for this step: K seeds drawn from each of the
    /// model's generators (which advance by K on every rank alike); nil for a model without.
    private func shardGenerators(_ shards: Int) -> [[SeededGenerator]]? {
        var base = task.module.randomGenerators
        guard !base.isEmpty else { return nil }
        let seeds = base.indices.map { i in (0..<shards).map { _ in base[i].next() } }
        task.module.randomGenerators = base
        return (0..<shards).map { k in base.indices.map { SeededGenerator(seed: seeds[$0][k]) } }
    }

    /// Runs `body` with the model's generators replaced by `generators` (then restored).
    private func withGenerators<T>(_ generators: [SeededGenerator]?, _ body: () throws -> T) rethrows -> T {
        guard let generators else { return try body() }
        let saved = task.module.randomGenerators
        task.module.randomGenerators = generators
        defer { task.module.randomGenerators = saved }
        return try body()
    }

    /// Every rank's copy of the carried state made whole (each rank's own columns summed with
    /// zeros elsewhere), before a checkpoint; nothing to do in one process.
    func gatherCarriedState() throws {
        guard parallelism.isDistributed else { return }
        let comm = parallelism.communicator
        let owned = task.stateTensors(ownedBy: BatchShard(index: comm.rank, count: comm.size))
        guard !owned.isEmpty else { return }
        var whole: [String: Tensor<Float>] = [:]
        for (name, tensor) in owned.sorted(by: { $0.key < $1.key }) {
            var values = tensor.scalars
            try comm.allreduceSum(&values)
            whole[name] = Tensor(shape: tensor.shape, scalars: values)
        }
        try task.restoreStateTensors(whole)
    }

    /// Evaluates `split` split among the ranks or shards: each measures its contiguous part of
    /// the split's items (`TrainingTask.evaluationSums`), the parts are combined in rank order
    /// (`EvaluationSums(combining:)`) and every rank computes the whole split's evaluation from
    /// them — the unsplit evaluation's metrics (those from counts exactly, the loss up to
    /// rounding), the same on every rank, so that the decisions that follow (best checkpoint, annealing,
    /// early stopping) agree. Nil if `shouldStop` interrupted it or there is no such split.
    func evaluateSplit(_ split: DataSplit, shouldStop: () -> Bool) throws -> TaskEvaluation? {
        let K = parallelism.shards
        guard K > 1 else { return try task.evaluate(split, shouldStop: shouldStop) }
        var parts: [EvaluationSums] = []
        if parallelism.isDistributed {
            let comm = parallelism.communicator
            // Nil is the same on every rank (no such split): a distributed run is not interrupted.
            guard let mine = try task.evaluationSums(split, shard: BatchShard(index: comm.rank, count: K), shouldStop: shouldStop) else {
                return nil
            }
            parts = try comm.allgather(varying: mine.bytes).map(EvaluationSums.init(bytes:))
        } else {
            for k in 0..<K {
                guard let part = try task.evaluationSums(split, shard: BatchShard(index: k, count: K), shouldStop: shouldStop) else {
                    return nil
                }
                parts.append(part)
            }
        }
        return try task.evaluation(of: split, from: EvaluationSums(combining: parts))
    }

    private static func bytes(_ x: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: x >> (8 * $0)) } }
    private static func word(_ b: [UInt8], _ at: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | (at + $1 < b.count ? UInt64(b[at + $1]) << (8 * $1) : 0) }
    }
}
