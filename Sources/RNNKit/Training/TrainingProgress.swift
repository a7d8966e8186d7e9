/// Where a training run is: everything besides weights and optimizer buffers that a resumed
/// run needs to continue exactly as an uninterrupted one would.
public struct TrainingProgress: Equatable, Sendable {
    /// The current epoch, 1-based (epochs + 1 once all epochs are done).
    public var epoch = 1
    /// The next update within the epoch, 0-based (`TBPTTSchedule.updates` when the epoch's
    /// steps are done and its validation is pending).
    public var update = 0
    /// Optimizer steps taken in total.
    public var step = 0
    /// The learning rate of the next step.
    public var learningRate: Double
    /// The lowest validation loss so far (the loss of `best.safetensors`).
    public var bestValidLoss = Double.infinity
    /// The lowest epoch-end validation loss so far (what annealing compares with).
    public var bestEpochValidLoss = Double.infinity
    /// Σ loss · tokens over the epoch's steps so far.
    public var epochLossSum = 0.0
    /// Tokens trained in the epoch so far.
    public var epochTokens = 0
    /// Training tokens and training seconds since the last validation (for tokens/s).
    public var tokensSinceValidation = 0
    /// Seconds spent in training steps since the last validation.
    public var secondsSinceValidation = 0.0
    /// Wall-clock seconds of all sessions of the run so far.
    public var elapsedSeconds = 0.0
    /// The step of the last validation (−1 before any).
    public var lastValidationStep = -1
    /// The hidden state carried into the next update (nil: zeros, at the start of an epoch).
    public var carriedState: RecurrentState<Float>?
    /// The dropout generators of the model (`LanguageModel.dropoutGenerators`).
    public var dropoutGenerators: [SeededGenerator] = []
    /// The generator of the samples printed during training.
    public var sampleGenerator: SeededGenerator

    /// The progress of a new run.
    public init(learningRate: Double, seed: UInt64) {
        self.learningRate = learningRate
        sampleGenerator = SeededGenerator(seed: seed ^ 0x5A4D_504C_4553)
    }

    /// The progress as JSON (the carried state goes into the state file, not here).
    var json: JSONValue {
        .object([
            ("epoch", .integer(epoch)), ("update", .integer(update)), ("step", .integer(step)),
            ("lr", .double(learningRate)), ("best_valid_loss", .double(bestValidLoss)),
            ("best_epoch_valid_loss", .double(bestEpochValidLoss)),
            ("epoch_loss_sum", .double(epochLossSum)), ("epoch_tokens", .integer(epochTokens)),
            ("tokens_since_validation", .integer(tokensSinceValidation)),
            ("seconds_since_validation", .double(secondsSinceValidation)),
            ("elapsed_s", .double(elapsedSeconds)), ("last_validation_step", .integer(lastValidationStep)),
            ("has_carried_state", .bool(carriedState != nil)),
            ("dropout_generators", .array(dropoutGenerators.map(JSONValue.generator))),
            ("sample_generator", .generator(sampleGenerator)),
        ])
    }

    /// Reads `json`; `carriedState` is left nil for the caller to fill from the state file.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "progress")
        learningRate = try f.double("lr")
        sampleGenerator = try f.generator("sample_generator")
        epoch = try f.int("epoch")
        update = try f.int("update")
        step = try f.int("step")
        bestValidLoss = try f.double("best_valid_loss")
        bestEpochValidLoss = try f.double("best_epoch_valid_loss")
        epochLossSum = try f.double("epoch_loss_sum")
        epochTokens = try f.int("epoch_tokens")
        tokensSinceValidation = try f.int("tokens_since_validation")
        secondsSinceValidation = try f.double("seconds_since_validation")
        elapsedSeconds = try f.double("elapsed_s")
        lastValidationStep = try f.int("last_validation_step")
        dropoutGenerators = try f.generators("dropout_generators")
        guard epoch >= 1, update >= 0, step >= 0, epochTokens >= 0, learningRate > 0 else {
            throw RNNKitError("progress holds impossible values (epoch \(epoch), update \(update), step \(step))")
        }
    }

    /// Whether the checkpoint was taken with a carried state (read from the JSON).
    static func hasCarriedState(_ json: JSONValue) -> Bool { json["has_carried_state"] == .bool(true) }
}
