/// Where a language-model run is, in the language model's terms: the generic loop's
/// `TaskProgress` (losses as losses rather than scores, tokens rather than counts) with the
/// task's carried state and sample generator. Together with the weights and optimizer buffers
/// it is everything a resumed run needs to continue exactly as an uninterrupted one would.
public struct TrainingProgress: Equatable, Sendable {
    /// The current epoch, 1-based (epochs + 1 once all epochs are done).
    public var epoch: Int
    /// The next update within the epoch, 0-based (`TBPTTSchedule.updates` when the epoch's
    /// steps are done and its validation is pending).
    public var update: Int
    /// Optimizer steps taken in total.
    public var step: Int
    /// The learning rate of the next step.
    public var learningRate: Double
    /// The lowest validation loss so far (the loss of `best.safetensors`).
    public var bestValidLoss: Double
    /// The lowest epoch-end validation loss so far (what annealing compares with).
    public var bestEpochValidLoss: Double
    /// Σ loss · tokens over the epoch's steps so far.
    public var epochLossSum: Double
    /// Tokens trained in the epoch so far.
    public var epochTokens: Int
    /// Training tokens since the last validation (for tokens/s).
    public var tokensSinceValidation: Int
    /// Seconds spent in training steps since the last validation.
    public var secondsSinceValidation: Double
    /// Wall-clock seconds of all sessions of the run so far.
    public var elapsedSeconds: Double
    /// The step of the last validation (−1 before any).
    public var lastValidationStep: Int
    /// The hidden state carried into the next update (nil: zeros, at the start of an epoch).
    public var carriedState: RecurrentState<Float>?
    /// The dropout generators of the model (`LanguageModel.dropoutGenerators`).
    public var dropoutGenerators: [SeededGenerator]
    /// The generator of the samples printed during training.
    public var sampleGenerator: SeededGenerator

    /// The language-model view of `progress` (scores are −loss).
    init(_ progress: TaskProgress, carriedState: RecurrentState<Float>?, sampleGenerator: SeededGenerator) {
        epoch = progress.epoch
        update = progress.batch
        step = progress.step
        learningRate = progress.learningRate
        bestValidLoss = -progress.bestScore
        bestEpochValidLoss = -progress.bestEpochScore
        epochLossSum = progress.epochLossSum
        epochTokens = progress.epochCount
        tokensSinceValidation = progress.tokensSinceValidation
        secondsSinceValidation = progress.secondsSinceValidation
        elapsedSeconds = progress.elapsedSeconds
        lastValidationStep = progress.lastValidationStep
        dropoutGenerators = progress.generators
        self.carriedState = carriedState
        self.sampleGenerator = sampleGenerator
    }
}
