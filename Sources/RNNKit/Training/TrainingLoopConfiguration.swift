/// How the generic trainer (`TaskTrainer`) runs: the length of the run, validation, the
/// optimizer, clipping, annealing and early stopping. The task's own settings (batch size,
/// model sizes) live with the task.
public struct TrainingLoopConfiguration: Equatable, Sendable {
    /// Passes over the training data.
    public var epochs = 10
    /// Stop after this many optimizer steps in total; nil means no limit.
    public var maxSteps: Int?
    /// Also validate every this many steps within an epoch; 0 means only at epoch ends.
    public var evalEvery = 0
    /// The optimizer.
    public var optimizer: OptimizerKind = .adam
    /// The initial learning rate; nil means the optimizer's default.
    public var learningRate: Double?
    /// The largest global gradient norm (PyTorch's `clip_grad_norm_`); 0 means no clipping.
    public var clip = 5.0
    /// Divide the learning rate by this when an epoch's validation score does not improve;
    /// 0 means never.
    public var anneal = 0.0
    /// How the learning rate moves over the run (on top of annealing).
    public var learningRateSchedule: LearningRateSchedule = .constant
    /// Whether the weights are averaged over the steps (then the average is validated and
    /// saved as the best model).
    public var averaging: WeightAveraging = .none
    /// Stop early after this many epochs in a row without a better validation score; 0 means
    /// never.
    public var patience = 0
    /// The seed of initialisation, batch order and dropout masks.
    public var seed: UInt64 = 1

    /// The largest epoch, step or patience count accepted.
    public static let maxCount = 1 << 40

    /// A configuration with the defaults.
    public init() {}

    /// The learning rate at the start.
    public var resolvedLearningRate: Double { learningRate ?? optimizer.defaultLearningRate }

    /// Throws `RNNKitError` for a setting that cannot work (named as a setting, not a flag).
    public func validate() throws {
        func count(_ value: Int, _ name: String, minimum: Int) throws {
            guard value >= minimum, value <= Self.maxCount else {
                throw RNNKitError("the \(name) must be in \(minimum)...\(Self.maxCount), got \(value)")
            }
        }
        try count(epochs, "number of epochs", minimum: 1)
        if let maxSteps { try count(maxSteps, "step limit", minimum: 1) }
        try count(evalEvery, "validation interval", minimum: 0)
        try count(patience, "early-stopping patience", minimum: 0)
        guard resolvedLearningRate > 0, resolvedLearningRate.isFinite else {
            throw RNNKitError("the learning rate must be a positive number, got \(resolvedLearningRate)")
        }
        guard clip >= 0, clip.isFinite else { throw RNNKitError("the clipping norm must be ≥ 0 (0 = no clipping), got \(clip)") }
        guard anneal == 0 || (anneal >= 1 && anneal.isFinite) else {
            throw RNNKitError("the annealing factor must be ≥ 1 (0 = never), got \(anneal)")
        }
        try learningRateSchedule.validate(base: resolvedLearningRate)
        try averaging.validate()
    }

    /// Every setting, resolved, as JSON (the `training.loop` metadata of checkpoints).
    var json: JSONValue {
        .object([
            ("epochs", .integer(epochs)), ("max_steps", maxSteps.map(JSONValue.integer) ?? .null),
            ("eval_every", .integer(evalEvery)), ("optimizer", .string(optimizer.rawValue)),
            ("lr", .double(resolvedLearningRate)), ("clip", .double(clip)), ("anneal", .double(anneal)),
            ("lr_schedule", learningRateSchedule.json), ("averaging", averaging.json), ("patience", .integer(patience)), ("seed", .string(String(seed))),
        ])
    }

    /// Reads `json` and validates it.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "training.loop")
        self.init()
        epochs = try f.int("epochs")
        maxSteps = f.has("max_steps") ? try f.int("max_steps") : nil
        evalEvery = try f.int("eval_every")
        guard let optimizer = OptimizerKind(rawValue: try f.string("optimizer")) else {
            throw RNNKitError("training.loop.optimizer '\(try f.string("optimizer"))' is unknown")
        }
        self.optimizer = optimizer
        learningRate = try f.double("lr")
        clip = try f.double("clip")
        anneal = try f.double("anneal")
        learningRateSchedule = f.has("lr_schedule") ? try LearningRateSchedule(json: try f.required("lr_schedule")) : .constant
        averaging = f.has("averaging") ? try WeightAveraging(json: try f.required("averaging")) : .none
        patience = try f.int("patience")
        guard let seed = UInt64(try f.string("seed")) else { throw RNNKitError("training.loop.seed is not a seed") }
        self.seed = seed
        try validate()
    }
}
