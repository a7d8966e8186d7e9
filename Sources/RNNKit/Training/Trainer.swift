/// Trains a language model the way PyTorch's word_language_model example does, and keeps a
/// run folder up to date: metrics, loss curve, best and latest checkpoints.
///
/// A thin facade over the generic loop: it builds a `LanguageModelTask` (TBPTT windows with the
/// hidden state carried between steps, validation loss and perplexity) and runs it with
/// `TaskTrainer`, which zeroes the gradients, clips the global gradient norm, applies the
/// optimizer, validates (every `evalEvery` steps and at each epoch end), anneals the learning
/// rate when an epoch's validation loss does not improve, writes the checkpoints and resumes.
///
/// ```swift
/// let data = try LanguageModelData.load(TextSources(train: "input.txt"))
/// let trainer = try Trainer(model: .init(vocabularySize: 0, embeddingSize: 64, hiddenSize: 256, numLayers: 2),
///                           data: data, configuration: TrainingConfiguration(), run: RunDirectory("runs/x"))
/// try trainer.train { event in print(event) }
/// ```
public final class Trainer {
    /// The language-model task: model, data, TBPTT schedule, carried state, sample generator.
    public let task: LanguageModelTask
    /// The generic loop that trains `task`.
    public let loop: TaskTrainer
    /// The training settings (with any `epochs`/`maxSteps`/`evalEvery` given on resume).
    public let configuration: TrainingConfiguration

    /// Prepares a new run: checks every setting and that each text fills at least one batch,
    /// and initialises the model exactly as PyTorch initialises torch_lm.py's model after
    /// `torch.manual_seed(configuration.seed)`. Nothing is written until `train`.
    /// - Parameters:
    ///   - data: the training, validation and test streams.
    ///   - configuration: the training settings.
    ///   - run: the run folder the trainer writes to.
    ///   - modelConfiguration: the architecture; its `vocabularySize` is replaced by the data's.
    /// - Throws: `RNNKitError` for an invalid setting or a text shorter than one batch.
    public init(model modelConfiguration: LanguageModel<Float>.Configuration, data: LanguageModelData,
                configuration: TrainingConfiguration, run: RunDirectory) throws {
        try configuration.validate()
        var architecture = modelConfiguration
        architecture.vocabularySize = data.vocabulary.count
        try architecture.validate()
        let model = try LanguageModel<Float>(architecture, initRange: configuration.initRange, seed: configuration.seed)
        model.initializeLikePyTorch(seed: configuration.seed, initRange: configuration.initRange)
        task = try LanguageModelTask(model: model, data: data, settings: configuration)
        loop = try TaskTrainer(task: task, configuration: LanguageModelTask.loop(configuration), run: run)
        self.configuration = configuration
        loop.title = "RNNKit \(architecture.cell.rawValue) language model: loss"
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
        task = try LanguageModelTask(model: try LanguageModel<Float>(checkpoint.modelConfiguration), data: data,
                                     settings: configuration)
        loop = try TaskTrainer(resuming: checkpoint.checkpoint, task: task, epochs: epochs, maxSteps: maxSteps,
                               evalEvery: evalEvery)
        self.configuration = configuration
        loop.title = "RNNKit \(checkpoint.modelConfiguration.cell.rawValue) language model: loss"
    }

    /// The model being trained.
    public var model: LanguageModel<Float> { task.model }
    /// The token streams and vocabulary.
    public var data: LanguageModelData { task.data }
    /// The folder the run writes.
    public var run: RunDirectory { loop.run }
    /// The updates of one epoch.
    public var schedule: TBPTTSchedule { task.schedule }
    /// Where the run is; saved in every checkpoint.
    public var progress: TrainingProgress {
        TrainingProgress(loop.progress, carriedState: task.carriedState, sampleGenerator: task.sampleGenerator)
    }
    /// The validation records so far (what `metrics.jsonl` holds).
    public var history: [MetricsRecord] { loop.history.map(MetricsRecord.init) }
    /// The total number of steps the run will take.
    public var totalSteps: Int { loop.totalSteps }
    /// Whether every epoch or step has run and been validated.
    public var isComplete: Bool { loop.isComplete }

    /// Trains until every epoch (or `maxSteps`) has run, writing the run folder as it goes
    /// (`TaskTrainer.train`): metrics, `best.safetensors` when the validation loss improves,
    /// `latest.safetensors`, `loss.svg`, and at the end the best model's test loss, if any.
    /// - Parameters:
    ///   - shouldStop: asked before every step and every evaluation chunk; when it returns
    ///     true the latest checkpoint is written and `train` returns `.interrupted`.
    ///   - events: called after each step, validation and the test.
    /// - Throws: `RNNKitError` if a file cannot be written, or the loss stops being finite
    ///   (the message names the step; no checkpoint is written after it).
    @discardableResult
    public func train(shouldStop: () -> Bool = { false },
                      events: (TrainingEvent) -> Void = { _ in }) throws -> TrainingOutcome {
        var fileError: Error?
        let outcome = try loop.train(shouldStop: shouldStop) { event in
            switch event {
            case let .step(report): events(.step(report))
            case let .validation(record, improved, annealedFrom):
                if writesGradientFlow && loop.isRoot && fileError == nil {
                    do { try writeGradientFlow(step: record.step, spectralNorms: record.spectralNorms) } catch { fileError = error }
                }
                events(.validation(MetricsRecord(record), improved: improved, annealedFrom: annealedFrom))
            case .stoppedEarly: break                                   // no early stopping for language models
            case let .test(evaluation): events(.test(loss: evaluation.loss))
            }
        }
        if let fileError { throw fileError }
        return outcome
    }

    /// `count` tokens sampled from the current model after a line end, at `temperature`, as
    /// text. Advances the run's sample generator (saved in checkpoints).
    public func sample(count: Int, temperature: Double = 0.8) -> String {
        task.sample(count: count, temperature: temperature)
    }

    /// Writes the latest checkpoint (weights, optimizer state, carried state, progress).
    public func saveLatest() throws { try loop.saveLatest() }

    /// Re-initialises the recurrent weights by `scheme` (`identity`: W_hh = I and zero biases,
    /// ReLU RNNs only; `orthogonal`: each gate block of W_hh random orthogonal), drawing from
    /// the run's seed, before training starts.
    /// - Throws: `RNNKitError` if training has started, or for `identity` on another cell (with the reason).
    public func initializeRecurrentWeights(_ scheme: RecurrentInitialization) throws {
        guard loop.progress.step == 0 && loop.lastCheckpointStep < 0 else {
            throw RNNKitError("initial weights can only be set before training starts")
        }
        var generator = SeededGenerator(seed: configuration.seed ^ 0x1E17_0A7E)
        try model.rnn.initialize(scheme, generator: &generator)
    }

    /// Replaces the initial weights with those of a safetensors file under PyTorch's names (for
    /// example a PyTorch model's `state_dict` right after construction), before training starts.
    /// Every parameter must be there with its shape; with tied weights a `decoder.weight` in the
    /// file is ignored (PyTorch lists the shared tensor under both names).
    /// - Throws: `RNNKitError` if training has started or the file does not fit the model.
    public func loadInitialWeights(from path: String) throws {
        guard loop.progress.step == 0 && loop.lastCheckpointStep < 0 else {
            throw RNNKitError("initial weights can only be loaded before training starts")
        }
        let file = try SafetensorsFile(contentsOf: path)
        let report = try model.arena.load(from: file, strict: false)
        let unexpected = report.unexpected.filter { !(model.configuration.tiedWeights && $0 == "decoder.weight") }
        guard report.missing.isEmpty && unexpected.isEmpty else {
            throw RNNKitError("'\(path)' does not fit the model: missing \(report.missing), unexpected \(unexpected)")
        }
    }
}
