/// Where a task run is: everything besides weights, optimizer buffers and the task's carried
/// state that a resumed run needs to continue exactly as an uninterrupted one would.
public struct TaskProgress: Equatable, Sendable {
    /// The current epoch, 1-based (epochs + 1 once all epochs are done).
    public var epoch = 1
    /// The next batch within the epoch, 0-based (`batchesPerEpoch` when the epoch's steps are
    /// done and its validation is pending).
    public var batch = 0
    /// Optimizer steps taken in total.
    public var step = 0
    /// The learning rate of the next step.
    public var learningRate: Double
    /// The highest validation score so far (the score of `best.safetensors`).
    public var bestScore = -Double.infinity
    /// The highest epoch-end validation score so far (annealing and early stopping compare
    /// with it).
    public var bestEpochScore = -Double.infinity
    /// Epoch ends in a row without a better score.
    public var epochsWithoutImprovement = 0
    /// Whether early stopping ended the run.
    public var stoppedEarly = false
    /// Σ loss · count over the epoch's steps so far.
    public var epochLossSum = 0.0
    /// Items counted by the loss in the epoch so far.
    public var epochCount = 0
    /// Training tokens since the last validation (for tokens/s).
    public var tokensSinceValidation = 0
    /// Seconds spent in training steps since the last validation.
    public var secondsSinceValidation = 0.0
    /// Wall-clock seconds of all sessions of the run so far.
    public var elapsedSeconds = 0.0
    /// The step of the last validation (−1 before any).
    public var lastValidationStep = -1
    /// The model's random generators (`Module.randomGenerators`).
    public var generators: [SeededGenerator] = []
    /// The step at which the best checkpoint was evaluated on the test split (−1: not yet).
    public var testedStep = -1
    /// Optimizer steps averaged into the weight average so far (0 without averaging).
    public var averagedSteps = 0

    /// The largest item or token count accepted from a checkpoint (2^62; counts saturate
    /// there rather than overflow).
    public static let maxTokenCount = 1 << 62
    /// The largest number of seconds accepted from a checkpoint (about 31,700 years).
    public static let maxSeconds = 1e12

    /// The progress of a new run.
    public init(learningRate: Double) {
        self.learningRate = learningRate
    }

    /// The progress as JSON.
    var json: JSONValue {
        .object([
            ("epoch", .integer(epoch)), ("batch", .integer(batch)), ("step", .integer(step)),
            ("lr", .double(learningRate)), ("best_score", .double(bestScore)),
            ("best_epoch_score", .double(bestEpochScore)), ("epochs_without_improvement", .integer(epochsWithoutImprovement)),
            ("stopped_early", .bool(stoppedEarly)),
            ("epoch_loss_sum", .double(epochLossSum)), ("epoch_count", .integer(epochCount)),
            ("tokens_since_validation", .integer(tokensSinceValidation)),
            ("seconds_since_validation", .double(secondsSinceValidation)),
            ("elapsed_s", .double(elapsedSeconds)), ("last_validation_step", .integer(lastValidationStep)),
            ("generators", .array(generators.map(JSONValue.generator))), ("tested_step", .integer(testedStep)),
            ("averaged_steps", .integer(averagedSteps)),
        ])
    }

    /// Reads `json`, refusing impossible values.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "progress")
        learningRate = try f.double("lr")
        epoch = try f.int("epoch")
        batch = try f.int("batch")
        step = try f.int("step")
        bestScore = try f.double("best_score")
        bestEpochScore = try f.double("best_epoch_score")
        epochsWithoutImprovement = try f.int("epochs_without_improvement")
        stoppedEarly = try f.bool("stopped_early")
        epochLossSum = try f.double("epoch_loss_sum")
        epochCount = try f.int("epoch_count")
        tokensSinceValidation = try f.int("tokens_since_validation")
        secondsSinceValidation = try f.double("seconds_since_validation")
        elapsedSeconds = try f.double("elapsed_s")
        lastValidationStep = try f.int("last_validation_step")
        generators = try f.generators("generators")
        testedStep = f.has("tested_step") ? try f.int("tested_step") : step   // older runs: tested at their end
        averagedSteps = f.has("averaged_steps") ? try f.int("averaged_steps") : 0
        let limit = TrainingLoopConfiguration.maxCount, tokens = Self.maxTokenCount
        guard (1...limit + 1).contains(epoch), (0...limit).contains(batch), (0...limit).contains(step),
              (0...limit).contains(epochsWithoutImprovement), (0...tokens).contains(epochCount),
              (0...tokens).contains(tokensSinceValidation), (-1...step).contains(lastValidationStep), (-1...step).contains(testedStep), (0...step).contains(averagedSteps),
              learningRate > 0, learningRate.isFinite, (0...Self.maxSeconds).contains(elapsedSeconds),
              (0...Self.maxSeconds).contains(secondsSinceValidation), !epochLossSum.isNaN else {
            throw RNNKitError("progress holds impossible values (epoch \(epoch), batch \(batch), step \(step), lr \(learningRate), counts \(epochCount) and \(tokensSinceValidation), seconds \(elapsedSeconds))")
        }
    }
}
