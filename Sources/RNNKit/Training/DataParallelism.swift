/// How `TaskTrainer` splits each batch: among the processes of a `Communicator` (synchronous
/// data parallelism, as Horovod and PyTorch DDP), or among shards run one after another in
/// this process (the reference a deterministic distributed run reproduces bit for bit).
///
/// With N ranks, rank r trains its share of every batch (`BatchShard`), and before each
/// optimizer step the gradients are combined into Σ_r (n_r/N)∇_r — the gradient of the mean
/// over the whole batch — on every rank; clipping and the optimizer then run identically
/// everywhere, so the weights stay equal. Validation is split the same way: each rank
/// evaluates its share of the split's items and the whole split's metrics are computed on every
/// rank from the parts' statistics (`EvaluationSums`). Rank 0 alone writes the run folder.
public struct DataParallelism {
    /// The processes of the run (`SingleProcess` by default).
    public var communicator: any Communicator
    /// Combine gradients by gathering every rank's and summing in rank order (`RankOrderSum`)
    /// instead of MPI's allreduce: the result no longer depends on the MPI library's reduction
    /// order, and equals `localShards = N` in one process bit for bit. Costs N× the memory
    /// and traffic of an allreduce.
    public var deterministicReduce: Bool
    /// In one process: split each batch into this many shards, run them one after another
    /// and combine them in rank order. 1: no split.
    public var localShards: Int

    /// One process, no split.
    public init(communicator: any Communicator = SingleProcess(), deterministicReduce: Bool = false, localShards: Int = 1) {
        self.communicator = communicator
        self.deterministicReduce = deterministicReduce
        self.localShards = localShards
    }

    /// The number of shards each batch is split into (ranks, or local shards).
    public var shards: Int { communicator.size > 1 ? communicator.size : localShards }
    /// Whether several processes take part.
    public var isDistributed: Bool { communicator.size > 1 }
}
