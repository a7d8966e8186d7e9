/// What a trainer reports while it runs, for progress displays and logs.
public enum TrainingEvent: Sendable {
    /// An optimizer step finished.
    case step(TrainingStepReport)
    /// A validation finished; `improved` says whether it set a new best (written to
    /// `best.safetensors`), `annealedFrom` the learning rate before annealing, if it annealed.
    case validation(MetricsRecord, improved: Bool, annealedFrom: Double?)
    /// The best model's loss on the test text, at the end.
    case test(loss: Double)
}

/// One optimizer step, as a progress line shows it.
public struct TrainingStepReport: Sendable {
    /// The epoch, 1-based, and the number of epochs.
    public var epoch: Int, epochs: Int
    /// Steps taken in total, and the total the run will take.
    public var step: Int, totalSteps: Int
    /// The update within the epoch, 1-based, and the updates per epoch.
    public var update: Int, updatesPerEpoch: Int
    /// The step's mean training loss.
    public var loss: Double
    /// The mean training loss of the epoch so far.
    public var epochLoss: Double
    /// The learning rate of the step.
    public var learningRate: Double
    /// Training tokens per second (recent average).
    public var tokensPerSecond: Double
    /// Estimated seconds until the last step.
    public var secondsRemaining: Double
}

/// How `Trainer.train` ended.
public enum TrainingOutcome: Sendable, Equatable {
    /// Every epoch (or `maxSteps`) ran; the latest checkpoint holds the end state.
    case completed
    /// `shouldStop` asked to stop; the latest checkpoint holds the state at that step.
    case interrupted
}
