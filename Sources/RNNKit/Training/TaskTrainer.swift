/// The training loop for any `TrainingTask`, keeping a run folder up to date: metrics, loss
/// curve, best and latest checkpoints, exact resume.
///
/// Each epoch runs the task's batches in order (the task shuffles them per epoch from its
/// seed); each step zeroes the gradients, lets the task run forward, loss and backward, clips
/// the global gradient norm and applies the optimizer. Each epoch ends with a validation (also
/// every `evalEvery` steps): the best validation score is kept in `best.safetensors`,
/// `anneal` divides the learning rate and `patience` stops the run when the epoch's score does
/// not improve. At the end the best checkpoint is evaluated on the test split, if any.
///
/// ```swift
/// let task = try ClassificationTask(data: data, model: configuration, settings: settings)
/// let trainer = try TaskTrainer(task: task, configuration: loop, run: RunDirectory("runs/sst"))
/// try trainer.train { event in print(event) }
/// ```
public final class TaskTrainer {
    /// The task being trained.
    public let task: any TrainingTask
    /// The loop settings (with any epochs, step limit or validation interval given on resume).
    public let configuration: TrainingLoopConfiguration
    /// The folder the run writes.
    public let run: RunDirectory
    /// Where the run is; saved in every checkpoint.
    public internal(set) var progress: TaskProgress
    /// The validation records so far (what `metrics.jsonl` holds).
    public internal(set) var history: [TaskMetricsRecord] = []
    /// The caption of `loss.svg`.
    public var title: String
    /// What the front end prints, saved with the run (restored on resume).
    public var display = TrainingDisplay()
    /// The lock of the run folder while this trainer writes it (`RunDirectory.lock()`); `train`
    /// takes it when nil and releases it when done. Set it to a lock taken before the trainer
    /// was built (e.g. before reading the checkpoint) to keep the folder locked throughout.
    public var runLock: RunLock?
    /// How each batch is split among processes or shards (`DataParallelism`); one process by
    /// default. Set it before `train`.
    public var parallelism = DataParallelism()

    let optimizer: any Optimizer<Float>
    /// The weight average θ̄ (`configuration.averaging`); empty before its first step.
    var average = WeightAverage()
    /// The step of the last checkpoint written (−1 before any).
    var lastCheckpointStep = -1
    /// Smoothed seconds per step (for tokens/s and ETA).
    var secondsPerStep: Double?
    let clock = ContinuousClock()
    var sessionStart: ContinuousClock.Instant
    var elapsedAtSessionStart = 0.0

    /// Prepares a new run of `task` (whose model is already initialised). Nothing is written
    /// until `train`.
    /// - Throws: `RNNKitError` for an invalid setting or a task without batches.
    public init(task: any TrainingTask, configuration: TrainingLoopConfiguration, run: RunDirectory) throws {
        try configuration.validate()
        guard task.batchesPerEpoch > 0 else { throw RNNKitError("the training data holds no batch") }
        try Self.checkMemory(task, configuration)
        self.task = task
        self.configuration = configuration
        self.run = run
        optimizer = try configuration.optimizer.make(learningRate: configuration.resolvedLearningRate)
        progress = TaskProgress(learningRate: configuration.resolvedLearningRate)
        progress.generators = task.module.randomGenerators
        title = "RNNKit \(task.modelKind): loss"
        sessionStart = clock.now
    }

    /// Prepares to continue the run saved in `checkpoint` with `task`, which must be built from
    /// the same model configuration and data (every metadata entry the task writes must equal
    /// the checkpoint's), optionally with a new number of epochs, step limit or validation
    /// interval.
    /// - Throws: `RNNKitError` if the task or data differ, the checkpoint's files are
    ///   inconsistent, or the run is already complete under the (new) limits.
    public init(resuming checkpoint: TaskCheckpoint, task: any TrainingTask,
                epochs: Int? = nil, maxSteps: Int? = nil, evalEvery: Int? = nil) throws {
        var configuration = checkpoint.loop
        if let epochs { configuration.epochs = epochs }
        if let maxSteps { configuration.maxSteps = maxSteps }
        if let evalEvery { configuration.evalEvery = evalEvery }
        try configuration.validate()
        try checkpoint.checkCompatible(with: task)
        try Self.checkMemory(task, configuration)
        try checkpoint.model.loadWeights(into: task.arena)
        optimizer = try configuration.optimizer.make(learningRate: checkpoint.progress.learningRate)
        try checkpoint.restoreState(optimizer: optimizer, task: task)
        progress = checkpoint.progress
        if progress.averagedSteps > 0 { average = try checkpoint.savedAverage(parameters: task.arena.count) }
        display = checkpoint.display
        guard progress.generators.count == task.module.randomGeneratorCount else {
            throw RNNKitError("'\(checkpoint.path)': \(progress.generators.count) random generators for a model with \(task.module.randomGeneratorCount)")
        }
        task.module.randomGenerators = progress.generators
        guard progress.batch <= task.batchesPerEpoch else {
            throw RNNKitError("'\(checkpoint.path)': batch \(progress.batch) is past the epoch's \(task.batchesPerEpoch)")
        }
        self.task = task
        self.configuration = configuration
        self.run = checkpoint.run
        title = "RNNKit \(task.modelKind): loss"
        lastCheckpointStep = progress.step
        sessionStart = clock.now
        history = run.readTaskMetrics().filter { $0.step <= progress.step && $0.test == nil }
        if isComplete {
            throw RNNKitError("the run in '\(run.path)' is already complete (epoch \(min(progress.epoch, configuration.epochs)) of \(configuration.epochs), step \(progress.step)); raise the number of epochs or the step limit to train further")
        }
    }

    /// Throws unless the optimizer state, the weight average (with the copy of the live weights
    /// it swaps with during validation) and the task's working buffers fit in the memory
    /// available (the model's parameters are allocated already).
    static func checkMemory(_ task: any TrainingTask, _ configuration: TrainingLoopConfiguration) throws {
        let buffers = configuration.optimizer.stateBufferCount + (configuration.averaging == .none ? 0 : 2)
        let state = ModelMemory.bytes(floats: CheckedCount.product(task.arena.count, buffers))
        let need = CheckedCount.sum(state, task.workingMemory)
        do {
            try MemoryBudget.check(need, for: "training this model")
        } catch let error as RNNKitError {
            let parts = "optimizer state\(configuration.averaging == .none ? "" : " and weight average") \(state.map(MemoryBudget.describe) ?? "?"), activations and buffers \(task.workingMemory.map(MemoryBudget.describe) ?? "more than 8 EiB")"
            throw RNNKitError(error.message + " (\(parts))")
        }
    }

    /// The learning rate of the next step: the schedule applied to the (annealed) base rate.
    public var scheduledLearningRate: Double {
        configuration.learningRateSchedule.rate(base: progress.learningRate, step: progress.step, totalSteps: totalSteps,
                                    epoch: progress.epoch)
    }

    /// The number of steps the run will take (at most; early stopping may end it sooner).
    public var totalSteps: Int {
        let (all, overflow) = configuration.epochs.multipliedReportingOverflow(by: task.batchesPerEpoch)
        return min(configuration.maxSteps ?? Int.max, overflow ? Int.max : all)
    }

    /// Whether every epoch or step has run and been validated (or early stopping ended the
    /// run), and the test split, if any, has been evaluated.
    public var isComplete: Bool {
        isTrainingComplete && (!task.hasTestSplit || progress.testedStep == progress.step)
    }

    /// Whether every epoch or step has run and been validated, or early stopping ended the run.
    var isTrainingComplete: Bool {
        progress.stoppedEarly || progress.epoch > configuration.epochs
            || (progress.step >= (configuration.maxSteps ?? Int.max) && progress.lastValidationStep == progress.step)
    }

    /// Seconds of all sessions so far.
    var elapsedSeconds: Double { min(elapsedAtSessionStart + Self.seconds(clock.now - sessionStart), TaskProgress.maxSeconds) }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// "NaN", "inf" or the number.
    static func describe(_ x: Double) -> String {
        x.isNaN ? "NaN" : x.isInfinite ? (x > 0 ? "inf" : "-inf") : "\(x)"
    }
}

/// What a `TaskTrainer` reports while it runs.
public enum TaskTrainingEvent: Sendable {
    /// An optimizer step finished.
    case step(TrainingStepReport)
    /// A validation finished; `improved` says whether it set a new best (written to
    /// `best.safetensors`), `annealedFrom` the learning rate before annealing, if it annealed.
    case validation(TaskMetricsRecord, improved: Bool, annealedFrom: Double?)
    /// Early stopping ended the run after `epochs` epochs without improvement.
    case stoppedEarly(epochs: Int)
    /// The best checkpoint's evaluation on the test split, at the end.
    case test(TaskEvaluation)
}
