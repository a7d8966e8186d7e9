/// Trains a language model the way PyTorch's word_language_model example does, and keeps a
/// run folder up to date: metrics, loss curve, best and latest checkpoints.
///
/// Each step reads k2 = `bptt` steps of all B columns of the training stream (TBPTT(k1, k2):
/// an update every k1 = `updateEvery` steps), starts from the state the previous step left
/// (a constant: truncated BPTT), takes the mean cross-entropy, backpropagates, clips the global
/// gradient norm and applies the optimizer. Each epoch starts from the zero state and ends with
/// a validation; `anneal` divides the learning rate when it does not improve.
///
/// ```swift
/// let data = try LanguageModelData.load(TextSources(train: "input.txt"))
/// let trainer = try Trainer(model: .init(vocabularySize: 0, embeddingSize: 64, hiddenSize: 256, numLayers: 2),
///                           data: data, configuration: TrainingConfiguration(), run: RunDirectory("runs/x"))
/// try trainer.train { event in print(event) }
/// ```
public final class Trainer {
    /// The model being trained.
    public let model: LanguageModel<Float>
    /// The token streams and vocabulary.
    public let data: LanguageModelData
    /// The training settings (with any `--epochs`/`--max-steps` given on resume).
    public let configuration: TrainingConfiguration
    /// The folder the run writes.
    public let run: RunDirectory
    /// Where the run is; saved in every checkpoint.
    public internal(set) var progress: TrainingProgress
    /// The validation records so far (what `metrics.jsonl` holds).
    public internal(set) var history: [MetricsRecord] = []

    let optimizer: any Optimizer<Float>
    let trainStream: BatchedTokens      // (N, B)
    let validStream: BatchedTokens      // (N_valid, B_eval)
    let testStream: BatchedTokens?      // (N_test, B_eval)
    /// The updates of one epoch.
    public let schedule: TBPTTSchedule
    /// The step of the last checkpoint written (−1 before any).
    var lastCheckpointStep = -1
    /// Smoothed seconds per update (for tokens/s and ETA).
    var secondsPerUpdate: Double?
    let clock = ContinuousClock()
    var sessionStart: ContinuousClock.Instant
    var elapsedAtSessionStart = 0.0

    /// Prepares a new run: checks every setting and that each text fills at least one batch,
    /// and initialises the model exactly as PyTorch initialises torch_lm.py's model after
    /// `torch.manual_seed(configuration.seed)`. Nothing is written until `train`.
    /// - Parameters:
    ///   - modelConfiguration: the architecture; its `vocabularySize` is replaced by the data's.
    /// - Throws: `RNNKitError` for an invalid setting or a text shorter than one batch.
    public init(model modelConfiguration: LanguageModel<Float>.Configuration, data: LanguageModelData,
                configuration: TrainingConfiguration, run: RunDirectory) throws {
        try configuration.validate()
        var architecture = modelConfiguration
        architecture.vocabularySize = data.vocabulary.count
        try architecture.validate()
        (trainStream, validStream, testStream) = try Self.streams(data, configuration)
        model = try LanguageModel<Float>(architecture, initRange: configuration.initRange, seed: configuration.seed)
        model.initializeLikePyTorch(seed: configuration.seed, initRange: configuration.initRange)
        optimizer = try configuration.optimizer.make(learningRate: configuration.resolvedLearningRate)
        progress = TrainingProgress(learningRate: configuration.resolvedLearningRate, seed: configuration.seed)
        progress.dropoutGenerators = model.dropoutGenerators
        schedule = TBPTTSchedule(k1: configuration.k1, k2: configuration.bptt, positions: trainStream.positions)
        self.data = data
        self.configuration = configuration
        self.run = run
        sessionStart = clock.now
    }

    /// Prepares to continue the run saved in `checkpoint`, on `data` (which must be the data
    /// the run started with), optionally with a new number of epochs, step limit or validation
    /// interval (none of which changes the losses of the steps themselves).
    /// - Throws: `RNNKitError` if the data differs, the checkpoint's files are inconsistent, or
    ///   the run is already complete under the (new) limits.
    public init(resuming checkpoint: TrainingCheckpoint, data: LanguageModelData,
                epochs: Int? = nil, maxSteps: Int? = nil, evalEvery: Int? = nil) throws {
        var configuration = checkpoint.training
        if let epochs { configuration.epochs = epochs }
        if let maxSteps { configuration.maxSteps = maxSteps }
        if let evalEvery { configuration.evalEvery = evalEvery }
        try configuration.validate()
        guard data.vocabulary == checkpoint.vocabulary, data.fingerprint == checkpoint.fingerprint else {
            throw RNNKitError("the text differs from the text this run was trained on (data fingerprint \(data.fingerprint), checkpoint \(checkpoint.fingerprint)); resume with the same files")
        }
        (trainStream, validStream, testStream) = try Self.streams(data, configuration)
        model = try LanguageModel<Float>(checkpoint.modelConfiguration)
        try checkpoint.restore(into: model)
        optimizer = try configuration.optimizer.make(learningRate: checkpoint.progress.learningRate)
        try checkpoint.restore(into: optimizer, arena: model.arena)
        progress = checkpoint.progress
        guard progress.dropoutGenerators.count == model.dropoutGeneratorCount else {
            throw RNNKitError("'\(checkpoint.path)': \(progress.dropoutGenerators.count) dropout generators for a model with \(model.dropoutGeneratorCount)")
        }
        model.dropoutGenerators = progress.dropoutGenerators
        schedule = TBPTTSchedule(k1: configuration.k1, k2: configuration.bptt, positions: trainStream.positions)
        guard progress.update <= schedule.updates else {
            throw RNNKitError("'\(checkpoint.path)': update \(progress.update) is past the epoch's \(schedule.updates)")
        }
        if let state = progress.carriedState, state.h.shape != [model.configuration.numLayers, configuration.batch, model.configuration.hiddenSize] {
            throw RNNKitError("'\(checkpoint.path)': the carried state has shape \(state.h.shape)")
        }
        self.data = data
        self.configuration = configuration
        self.run = checkpoint.run
        lastCheckpointStep = progress.step
        sessionStart = clock.now
        history = run.readMetrics().filter { $0.step <= progress.step && $0.testLoss == nil }
        if isComplete {
            throw RNNKitError("the run in '\(run.path)' is already complete (epoch \(min(progress.epoch, configuration.epochs)) of \(configuration.epochs), step \(progress.step)); raise --epochs or --max-steps to train further")
        }
    }

    static func streams(_ data: LanguageModelData, _ c: TrainingConfiguration) throws
        -> (BatchedTokens, BatchedTokens, BatchedTokens?) {
        let eval = c.resolvedEvalBatch
        return (try BatchedTokens(data.train, batch: c.batch, what: "the training text"),
                try BatchedTokens(data.valid, batch: eval, what: "the validation text"),
                try data.test.map { try BatchedTokens($0, batch: eval, what: "the test text") })
    }

    /// The total number of steps the run will take.
    public var totalSteps: Int {
        min(configuration.maxSteps ?? Int.max, configuration.epochs * schedule.updates)
    }

    /// Whether every epoch or step has run and been validated.
    public var isComplete: Bool {
        progress.epoch > configuration.epochs
            || (progress.step >= (configuration.maxSteps ?? Int.max) && progress.lastValidationStep == progress.step)
    }

    /// `count` tokens sampled from the current model after a line end, at `temperature`, as
    /// text. Advances the run's sample generator (saved in checkpoints).
    public func sample(count: Int, temperature: Double = 0.8) -> String {
        let start = data.vocabulary.id(of: data.vocabulary.level.lineEnd) ?? 0
        let ids = model.sample(prompt: [start], count: count, temperature: temperature, using: &progress.sampleGenerator)
        return data.vocabulary.decode(ids)
    }

    /// Seconds of all sessions so far.
    var elapsedSeconds: Double { elapsedAtSessionStart + Self.seconds(clock.now - sessionStart) }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
