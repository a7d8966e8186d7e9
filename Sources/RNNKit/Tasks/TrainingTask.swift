// What a task supplies to the generic trainer (`TaskTrainer`): batches, the loss and its
// gradients, evaluation metrics, and what its checkpoints must remember. The trainer owns the
// rest — epochs, steps, validation, annealing and early stopping, clipping, the optimizer,
// metrics.jsonl, the loss curve, atomic checkpoints and exact resume — written once for every
// task (Keras `fit()`, PyTorch Lightning's `training_step`/`validation_step` are the shapes).

/// A model plus its data, trainable by `TaskTrainer`.
///
/// A step is `trainBatch(epoch:index:)`: forward, loss and backward of one batch, with the
/// parameter gradients added into `arena` (the trainer zeroes them before, clips and steps the
/// optimizer after). The batches of an epoch must be a deterministic function of the epoch (and
/// the task's seed), so that a resumed run recomputes them. Anything else the task carries from
/// step to step is saved through `stateTensors`.
public protocol TrainingTask: AnyObject {
    /// The model kind written into checkpoints (e.g. `sequence-classifier`); loading a
    /// checkpoint of another kind is refused with both names.
    var modelKind: String { get }
    /// The version of the model kind's checkpoint layout.
    var modelVersion: Int { get }
    /// Every parameter and gradient.
    var arena: ParameterArena<Float> { get }
    /// The model as a module: train/eval switch, dropout generators.
    var module: any Module { get }
    /// The number of training batches of each epoch.
    var batchesPerEpoch: Int { get }
    /// Forward, loss and backward of batch `index` (0-based) of `epoch` (1-based) in training
    /// mode; gradients are added into `arena`.
    func trainBatch(epoch: Int, index: Int) throws -> TaskBatchResult
    /// Forward, loss and backward of `shard`'s columns of batch `index` of `epoch` (see
    /// `BatchShard` for the split): the loss is the mean over the shard's own count, the
    /// gradients are those of that mean; an empty shard returns loss 0, count 0 and adds
    /// nothing. With `.whole` it is `trainBatch(epoch:index:)`. Default: only `.whole`.
    /// - Throws: `RNNKitError` (`shardingRefusal`) for a split the task cannot do.
    func trainBatch(epoch: Int, index: Int, shard: BatchShard) throws -> TaskBatchResult
    /// Why the task cannot train a share of each batch (data parallelism), or nil when it can.
    /// Default: a refusal naming the model kind.
    var shardingRefusal: String? { get }
    /// `stateTensors` as far as `shard` owns them: what the task carries for the shard's
    /// columns, zero elsewhere, so that the sum over all shards is the whole carried state.
    /// Default: `stateTensors` for shard 0, zeros for the others.
    func stateTensors(ownedBy shard: BatchShard) -> [String: Tensor<Float>]
    /// The additive statistics (`EvaluationSums`) of `shard`'s contiguous part of `split`'s
    /// items — sequences, pairs, images, windows, or a language model's columns — in evaluation
    /// mode; an empty part gives zero counts and sums and no items. With `.whole` it measures the
    /// whole split. Nil if `shouldStop` interrupted it, or if the task has no such split.
    func evaluationSums(_ split: DataSplit, shard: BatchShard, shouldStop: () -> Bool) throws -> EvaluationSums?
    /// The evaluation of the whole of `split` from the statistics of all its parts combined in
    /// part order (`EvaluationSums(combining:)`), the same whatever the number of parts (counts
    /// exactly, real sums up to their summation order).
    /// - Throws: `RNNKitError` if the statistics do not fit the task or the split cannot be scored.
    func evaluation(of split: DataSplit, from sums: EvaluationSums) throws -> TaskEvaluation
    /// Evaluates the current parameters on `split` in evaluation mode; nil if `shouldStop`
    /// interrupted it, or if the task has no such split. Default: `evaluationSums` of the
    /// whole split, then `evaluation(of:from:)`.
    func evaluate(_ split: DataSplit, shouldStop: () -> Bool) throws -> TaskEvaluation?
    /// Whether the task has a test split, evaluated with the best checkpoint at the end.
    var hasTestSplit: Bool { get }
    /// Model configuration, vocabularies, data sources and fingerprint, as metadata strings for
    /// every checkpoint (keys other than the trainer's own: `format`, `model_kind`,
    /// `model_version`, `training`, `progress`, `state_file`, `state_crc32`, `crc32`).
    var checkpointMetadata: [String: String] { get }
    /// What the task carries between steps (e.g. a language model's hidden state), saved with
    /// the optimizer state; empty when nothing is carried.
    var stateTensors: [String: Tensor<Float>] { get }
    /// Restores what `stateTensors` returned, on resume.
    /// - Throws: `RNNKitError` if the tensors do not fit the task.
    func restoreStateTensors(_ tensors: [String: Tensor<Float>]) throws
    /// Keys of `checkpointMetadata` that may differ on resume (e.g. data sources naming moved
    /// files); every other entry must equal the checkpoint's.
    var metadataKeysFreeOnResume: Set<String> { get }
    /// What else the task carries between steps that is not a tensor (e.g. the generator of
    /// samples drawn during training), as metadata entries of latest checkpoints; empty when
    /// nothing. Keys must differ from `checkpointMetadata`'s and the trainer's.
    var progressMetadata: [String: String] { get }
    /// Restores what `progressMetadata` returned, on resume, from all the checkpoint's metadata.
    /// - Throws: `RNNKitError` if an entry is missing or invalid.
    func restoreProgressMetadata(_ metadata: [String: String]) throws
    /// An upper estimate of the bytes of activations and working buffers for the largest
    /// training or evaluation batch (nil: too many to count). The trainer adds the optimizer
    /// state and refuses to start when that exceeds the memory available. Default: 0.
    var workingMemory: Int? { get }
    /// What `TaskBatchResult.tokens` counts, as a unit of throughput ("tok", "img"); the
    /// metrics' `tokens_per_s` is this many per second. Default: "tok".
    var throughputUnit: String { get }
}

extension TrainingTask {
    /// Tokens (or time steps) by default.
    public var throughputUnit: String { "tok" }

    /// The whole batch only, by default.
    public func trainBatch(epoch: Int, index: Int, shard: BatchShard) throws -> TaskBatchResult {
        guard shard.isWhole else { throw RNNKitError(shardingRefusal ?? "the \(modelKind) task cannot split its batches") }
        return try trainBatch(epoch: epoch, index: index)
    }

    /// Refuses by default.
    public var shardingRefusal: String? {
        "the \(modelKind) task does not split its batches across processes yet; train it in one process"
    }

    /// Shard 0 owns everything by default.
    public func stateTensors(ownedBy shard: BatchShard) -> [String: Tensor<Float>] {
        let all = stateTensors
        guard shard.index > 0 else { return all }
        return all.mapValues { Tensor(shape: $0.shape, scalars: [Float](repeating: 0, count: $0.scalars.count)) }
    }

    /// The whole split's statistics turned into its evaluation, by default.
    public func evaluate(_ split: DataSplit, shouldStop: () -> Bool) throws -> TaskEvaluation? {
        guard let sums = try evaluationSums(split, shard: .whole, shouldStop: shouldStop) else { return nil }
        return try evaluation(of: split, from: sums)
    }

    /// Nothing carried by default.
    public var stateTensors: [String: Tensor<Float>] { [:] }

    /// Accepts only an empty state by default.
    public func restoreStateTensors(_ tensors: [String: Tensor<Float>]) throws {
        guard tensors.isEmpty else {
            throw RNNKitError("unexpected carried state \(tensors.keys.sorted()) for a \(modelKind) run")
        }
    }

    /// Every entry must match by default.
    public var metadataKeysFreeOnResume: Set<String> { [] }

    /// Nothing else carried by default.
    public var progressMetadata: [String: String] { [:] }

    /// Nothing to restore by default.
    public func restoreProgressMetadata(_ metadata: [String: String]) throws {}

    /// Not estimated by default.
    public var workingMemory: Int? { 0 }
}

/// The data splits a task evaluates.
public enum DataSplit: String, Sendable {
    /// Validation: chooses the best checkpoint, drives annealing and early stopping.
    case validation = "valid"
    /// Test: evaluated once at the end with the best checkpoint.
    case test
}

/// What one training batch measured.
public struct TaskBatchResult: Sendable {
    /// The mean loss of the batch (what was differentiated).
    public var loss: Double
    /// The number of items the mean is over (labels or tokens counted by the loss).
    public var count: Int
    /// The input tokens (or time steps) the batch read, for throughput.
    public var tokens: Int
    /// Whether `loss` and the gradients are this shard's share of the whole batch's loss —
    /// divided by the whole batch's counts, not the shard's own — so that the shards of a batch
    /// add up with weight 1 (a loss whose terms are means over different counts, such as a
    /// captioner's words and images, must be split this way); false: a mean over `count` items,
    /// weighted by count/total when shards are combined.
    public var isScaledToWholeBatch: Bool

    /// What an empty shard measured: loss 0 over nothing.
    public static let empty = TaskBatchResult(loss: 0, count: 0, tokens: 0)

    /// Creates a result.
    public init(loss: Double, count: Int, tokens: Int, isScaledToWholeBatch: Bool = false) {
        self.loss = loss
        self.count = count
        self.tokens = tokens
        self.isScaledToWholeBatch = isScaledToWholeBatch
    }
}

/// What an evaluation measured.
public struct TaskEvaluation: Sendable {
    /// The mean loss over the split.
    public var loss: Double
    /// Task metrics in a fixed order, without the split prefix (`accuracy`, `f1`, …); metrics.jsonl
    /// writes them as `valid_accuracy`, `test_f1`, ….
    public var metrics: [(name: String, value: Double)]
    /// What the best checkpoint is chosen by, higher is better (accuracy, F1, or −loss).
    public var score: Double
    /// Extra JSON-ready details (a confusion matrix, per-type F1) for `rnn … eval`; not logged.
    public var details: [(name: String, value: String)]

    /// Creates an evaluation.
    public init(loss: Double, metrics: [(name: String, value: Double)], score: Double,
                details: [(name: String, value: String)] = []) {
        self.loss = loss
        self.metrics = metrics
        self.score = score
        self.details = details
    }

    /// One JSON line: `loss`, the metrics, the details, `<counting>`: n and `labels`.
    public func jsonLine(counting name: String, _ n: Int, labels: [String]) -> String {
        var members: [(key: String, value: JSONValue)] = [("loss", .rounded(loss, 6))]
        members += metrics.map { ($0.name, .rounded($0.value, 4)) }
        members += details.map { ($0.name, (try? JSONValue.parse(Array($0.value.utf8))) ?? .string($0.value)) }
        members += [(name, .integer(n)), ("labels", .array(labels.map(JSONValue.string)))]
        return JSONValue.object(members).serialized
    }

}
