// Data parallelism inside one process. A batch of B columns is split into K shards; shard k
// runs forward and backward on its own copy of the model, on its own thread, and the shards'
// gradients are combined into the primary model's arena weighted by each shard's share of the
// loss's count:
//
//     ∇ = Σ_k (n_k / N) ∇_k      (N = Σ_k n_k, ∇_k the gradient of shard k's mean loss)
//
// which is the gradient of the mean over the whole batch, as one model on all B columns
// computes it (up to float summation order). Models whose steps are small products on a
// few rows — a decoder run one target step at a time — cannot use a second core inside
// each step; whole shards can.
//
// The replicas hold no state of their own: before every batch their parameters are copied
// from the primary and their dropout generators are drawn from the primary's, so the primary
// alone is what a checkpoint saves, and a resumed run continues exactly.

/// The primary model and the copies that run the other shards of a batch (see the file
/// comment). Used by tasks whose per-step products are too small to thread.
final class ModelReplicas<Model: Module, Scalar: RNNScalar> {
    /// The model the trainer sees: its arena receives the combined gradients.
    let primary: Model
    private let arena: (Model) -> ParameterArena<Scalar>
    private let makeReplica: () -> Model
    private var replicas: [Model] = []

    /// - Parameters:
    ///   - primary: the trained model.
    ///   - arena: the parameters of a model (the primary's and the replicas' have one layout).
    ///   - makeReplica: a new model of the primary's architecture (its values are overwritten).
    init(primary: Model, arena: @escaping (Model) -> ParameterArena<Scalar>, makeReplica: @escaping () -> Model) {
        self.primary = primary
        self.arena = arena
        self.makeReplica = makeReplica
    }

    /// The shards a batch of `columns` is split into: one per thread while each gets at least
    /// `minimumColumns`, else 1 (the primary alone, as without replicas).
    static func shardCount(columns: Int, minimumColumns: Int) -> Int {
        max(1, min(Compute.threadCount, columns / max(minimumColumns, 1)))
    }

    /// Runs `body(model, k)` — forward and backward of shard k, returning its mean loss and
    /// count — for k in 0..<shards in parallel, shard 0 on the primary, and leaves Σ_k (n_k/N)∇_k
    /// in the primary's gradients.
    /// - Precondition: the primary's gradients are zero (the trainer zeroes them before each
    ///   batch).
    /// - Returns: the mean loss over all N counted items (NaN if N is 0) and N.
    func run(shards: Int, _ body: (Model, Int) -> (loss: Double, count: Int)) -> (loss: Double, count: Int) {
        precondition(shards >= 1, "ModelReplicas: at least one shard")
        if shards == 1 { return body(primary, 0) }
        let results = runShards(shards, body)
        let total = results.reduce(0) { $0 + $1.count }
        guard total > 0 else { return (.nan, 0) }
        combineGradients(weights: results.map { Scalar(Double($0.count) / Double(total)) }, shards: shards)
        let loss = results.reduce(0.0) { $1.count > 0 ? $0 + $1.loss * Double($1.count) : $0 } / Double(total)
        return (loss, total)
    }

    /// Runs `body(model, k)` as `run` does, for shards that scale their loss and gradients to
    /// the whole batch themselves — each divides by the whole batch's counts, not its own, as a
    /// loss with terms normalised by different counts must (a captioner's cross-entropy per word,
    /// its regularizer per image) — and leaves Σ_k ∇_k in the primary's gradients.
    /// - Precondition: the primary's gradients are zero.
    /// - Returns: Σ_k loss_k and Σ_k count_k.
    func runPrescaled(shards: Int, _ body: (Model, Int) -> (loss: Double, count: Int)) -> (loss: Double, count: Int) {
        precondition(shards >= 1, "ModelReplicas: at least one shard")
        if shards == 1 { return body(primary, 0) }
        let results = runShards(shards, body)
        combineGradients(weights: [Scalar](repeating: 1, count: shards), shards: shards)
        return (results.reduce(0.0) { $0 + $1.loss }, results.reduce(0) { $0 + $1.count })
    }

    /// Runs `body(model, k)` for k in 0..<workers in parallel — k = 0 on the primary, the others
    /// on replicas holding the primary's values and mode — for work that reads the models only
    /// (an evaluation): no gradients are combined and the primary's random generators are left
    /// as they are. The caller gives each worker its own share and keeps the results in a fixed
    /// order, so that they do not depend on the number of workers.
    func forEachModel(workers: Int, _ body: (Model, Int) -> Void) {
        precondition(workers >= 1, "ModelReplicas: at least one worker")
        if workers == 1 { return body(primary, 0) }
        prepare(replicas: workers - 1, forTraining: false)
        parallelFor(count: workers) { k in body(k == 0 ? primary : replicas[k - 1], k) }
    }

    /// Each shard's (loss, count) from `body`, shard k on thread k, shard 0 on the primary.
    private func runShards(_ shards: Int, _ body: (Model, Int) -> (loss: Double, count: Int)) -> [(loss: Double, count: Int)] {
        prepare(replicas: shards - 1)
        var results = [(loss: Double, count: Int)](repeating: (0, 0), count: shards)
        results.withUnsafeMutableBufferPointer { r in
            let out = r.baseAddress!
            parallelFor(count: shards) { k in out[k] = body(k == 0 ? primary : replicas[k - 1], k) }
        }
        return results
    }

    /// Makes `count` replicas with the primary's values and mode; for training, also zero
    /// gradients and fresh dropout generators drawn from the primary's (an evaluation leaves the
    /// primary's generators as they are).
    private func prepare(replicas count: Int, forTraining: Bool = true) {
        while replicas.count < count { replicas.append(makeReplica()) }
        var generators = forTraining ? primary.randomGenerators : []
        let values = arena(primary)
        for replica in replicas.prefix(count) {
            let a = arena(replica)
            a.copyValues(from: values)
            replica.setTraining(primary.isTraining)
            guard forTraining else { continue }
            a.zeroGradients()
            if !generators.isEmpty {
                replica.randomGenerators = generators.indices.map { SeededGenerator(seed: generators[$0].next()) }
            }
        }
        if !generators.isEmpty { primary.randomGenerators = generators }
    }

    /// g_primary ← w_0·g_primary + Σ_{k≥1} w_k·g_replica(k), element by element.
    private func combineGradients(weights: [Scalar], shards: Int) {
        let target = arena(primary)
        let sources = replicas.prefix(shards - 1).map { arena($0).gradients }
        let g = target.gradients
        forEachSlice(count: target.count) { start, n in
            let w0 = weights[0]
            for i in start..<(start + n) { g[i] *= w0 }
            for k in 1..<shards {
                let w = weights[k], s = sources[k - 1]
                for i in start..<(start + n) { g[i] += w * s[i] }
            }
        }
    }
}
