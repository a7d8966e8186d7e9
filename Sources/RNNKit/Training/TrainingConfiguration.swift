/// The optimizers `rnn train` offers, each PyTorch's.
public enum OptimizerKind: String, Sendable, CaseIterable {
    /// `torch.optim.SGD` (no momentum).
    case sgd
    /// `torch.optim.Adam`.
    case adam
    /// `torch.optim.AdamW` (decoupled weight decay 0.01).
    case adamw
    /// `torch.optim.RMSprop`.
    case rmsprop
    /// `torch.optim.Adagrad`.
    case adagrad

    /// The learning rate used when none is given: 20 for SGD (word_language_model's), 0.002 for
    /// Adam, AdamW and RMSprop (char-rnn's), 0.01 for Adagrad (PyTorch's).
    public var defaultLearningRate: Double {
        switch self {
        case .sgd: 20
        case .adam, .adamw, .rmsprop: 0.002
        case .adagrad: 0.01
        }
    }

    /// The buffers of the optimizer's state, each the size of the parameters (PyTorch's
    /// defaults: no momentum for SGD and RMSprop).
    public var stateBufferCount: Int {
        switch self {
        case .sgd: 0
        case .rmsprop, .adagrad: 1
        case .adam, .adamw: 2
        }
    }

    /// A new optimizer of this kind with PyTorch's default settings and `learningRate`.
    /// - Throws: `RNNKitError` for an invalid learning rate.
    public func make(learningRate: Double) throws -> any Optimizer<Float> {
        switch self {
        case .sgd: try SGD<Float>(learningRate: learningRate)
        case .adam: try Adam<Float>(learningRate: learningRate)
        case .adamw: try AdamW<Float>(learningRate: learningRate)
        case .rmsprop: try RMSprop<Float>(learningRate: learningRate)
        case .adagrad: try Adagrad<Float>(learningRate: learningRate)
        }
    }
}

/// How a language model is trained: batching, the TBPTT schedule, the optimizer and the length
/// of the run. Defaults train a small model on the built-in corpus in a minute or two.
public struct TrainingConfiguration: Equatable, Sendable {
    /// B, the columns the training stream is cut into.
    public var batch = 32
    /// k2, the steps each update backpropagates through (`--bptt`).
    public var bptt = 64
    /// k1, the steps between updates (`--update-every`); nil means k2.
    public var updateEvery: Int?
    /// The batch of the validation and test streams; nil means `batch`.
    public var evalBatch: Int?
    /// The optimizer.
    public var optimizer: OptimizerKind = .adam
    /// The initial learning rate; nil means the optimizer's default.
    public var learningRate: Double?
    /// The largest global gradient norm (PyTorch's `clip_grad_norm_`); 0 means no clipping.
    public var clip = 5.0
    /// Divide the learning rate by this when an epoch's validation loss does not improve;
    /// 0 means never.
    public var anneal = 0.0
    /// How the learning rate moves over the run (on top of annealing).
    public var learningRateSchedule: LearningRateSchedule = .constant
    /// Passes over the training stream.
    public var epochs = 10
    /// Stop after this many optimizer steps in total; nil means no limit.
    public var maxSteps: Int?
    /// Also validate every this many steps within an epoch; 0 means only at epoch ends.
    public var evalEvery = 0
    /// The seed of weight initialisation, dropout masks and samples.
    public var seed: UInt64 = 1
    /// Draw embedding and decoder weights from U(−r, r) and zero the decoder bias (0: PyTorch's
    /// default initialisation).
    public var initRange = 0.0

    /// A configuration with the defaults.
    public init() {}

    /// k1.
    public var k1: Int { updateEvery ?? bptt }
    /// The validation and test batch.
    public var resolvedEvalBatch: Int { evalBatch ?? batch }
    /// The learning rate at the start.
    public var resolvedLearningRate: Double { learningRate ?? optimizer.defaultLearningRate }

    /// The largest batch, evaluation batch, bptt or update interval accepted (2^20); what a
    /// batch needs in memory is checked separately, when the model is known.
    public static let maxBatchDimension = ModelMemory.maxBatchDimension

    /// Throws `RNNKitError` for a setting that cannot work (named as a setting; the
    /// command-line layer names its options itself): sizes outside 1...2^20, counts outside
    /// the loop's limits (`TrainingLoopConfiguration.maxCount`), impossible rates.
    public func validate() throws {
        func size(_ value: Int, _ setting: String) throws {
            guard value > 0 else { throw RNNKitError("the \(setting) must be positive, got \(value)") }
            guard value <= Self.maxBatchDimension else {
                throw RNNKitError("the \(setting) must be at most \(Self.maxBatchDimension), got \(value)")
            }
        }
        try size(batch, "batch size")
        try size(bptt, "backpropagation length k2 (bptt)")
        try size(k1, "update interval k1")
        try size(resolvedEvalBatch, "evaluation batch size")
        guard k1 <= bptt else {
            throw RNNKitError("the update interval k1 = \(k1) must not exceed the backpropagation length k2 = \(bptt) (gradients flow through the last k2 ≥ k1 steps)")
        }
        try LanguageModelTask.loop(self).validate()       // epochs, step limit, interval, rates
        guard initRange >= 0, initRange.isFinite else { throw RNNKitError("the initialisation range must be ≥ 0, got \(initRange)") }
    }
}
