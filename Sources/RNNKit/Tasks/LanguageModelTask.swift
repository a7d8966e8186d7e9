/// Language modelling as a `TrainingTask`, the way PyTorch's word_language_model trains: the
/// training text is cut into B columns, and step s of an epoch reads TBPTT window s of
/// `TBPTTSchedule` (TBPTT(k1, k2): an update every k1 = `updateEvery` steps, backpropagating
/// through k2 = `bptt`), starting from the state the previous window left (a constant:
/// truncated BPTT; zeros at an epoch's first window). The loss is the mean cross-entropy per
/// token; validation and test report it with the perplexity `ppl`, and the best checkpoint is
/// the one with the lowest validation loss (score −loss).
///
/// `Trainer` runs this task with `TaskTrainer` and the settings of a `TrainingConfiguration`.
public final class LanguageModelTask: TrainingTask {
    /// The model.
    public let model: LanguageModel<Float>
    /// The token streams and vocabulary.
    public let data: LanguageModelData
    /// Batching and the TBPTT schedule (`batch`, `bptt`, `updateEvery`, `evalBatch`,
    /// `initRange`, `seed`); the loop settings in it are not used by the task.
    public let settings: TrainingConfiguration
    /// The updates of one epoch.
    public let schedule: TBPTTSchedule
    /// The hidden state carried into the next window (nil: zeros, at the start of an epoch).
    public internal(set) var carriedState: RecurrentState<Float>?
    /// The generator of the samples drawn during training (saved in latest checkpoints).
    public var sampleGenerator: SeededGenerator

    let trainStream: BatchedTokens      // (N, B)
    let validStream: BatchedTokens      // (N_valid, B_eval)
    let testStream: BatchedTokens?      // (N_test, B_eval)

    /// Builds the task around `model`, checking that each text fills at least one batch.
    /// - Throws: `RNNKitError` for a text shorter than one batch.
    public init(model: LanguageModel<Float>, data: LanguageModelData, settings: TrainingConfiguration) throws {
        let eval = settings.resolvedEvalBatch
        trainStream = try BatchedTokens(data.train, batch: settings.batch, what: "the training text")
        validStream = try BatchedTokens(data.valid, batch: eval, what: "the validation text")
        testStream = try data.test.map { try BatchedTokens($0, batch: eval, what: "the test text") }
        schedule = TBPTTSchedule(k1: settings.k1, k2: settings.bptt, positions: trainStream.positions)
        sampleGenerator = SeededGenerator(seed: settings.seed ^ 0x5A4D_504C_4553)
        self.model = model
        self.data = data
        self.settings = settings
    }

    /// `language-model`.
    public var modelKind: String { Self.kind }
    /// The checkpoint kind of language models.
    public static let kind = "language-model"
    /// 1.
    public var modelVersion: Int { 1 }
    /// The model's parameters.
    public var arena: ParameterArena<Float> { model.arena }
    /// The model (its dropout generators are its random generators).
    public var module: any Module { model }
    /// The TBPTT updates of one epoch.
    public var batchesPerEpoch: Int { schedule.updates }
    /// Whether a test text was given.
    public var hasTestSplit: Bool { testStream != nil }

    /// The model's buffers for the longest training window (k2 steps of B columns) or
    /// evaluation chunk (bptt steps of the evaluation batch), whichever is larger.
    public var workingMemory: Int? {
        let c = model.configuration
        let train = c.workingBytes(steps: min(settings.bptt, trainStream.positions), batch: trainStream.batch)
        let eval = [validStream, testStream].compactMap { $0 }
            .map { c.workingBytes(steps: min(settings.bptt, $0.positions), batch: $0.batch) }
        return ([train] + eval).reduce(0) { a, b in a.flatMap { a in b.map { max(a, $0) } } }
    }

    /// Forward, loss and backward of TBPTT window `index` of the epoch, from the carried state
    /// (zeros at the epoch's first window); carries the state entering the next window on.
    /// A non-finite loss leaves the carried state as it was.
    public func trainBatch(epoch: Int, index s: Int) throws -> TaskBatchResult {
        if s == 0 { carriedState = nil }
        let B = settings.batch
        let window = schedule.window(s)
        let (inputs, targets) = trainStream.chunk(start: window.start, count: window.count, ignored: window.context)
        let (loss, finalState) = model.lossAndGradients(inputs: inputs, targets: targets, steps: window.count,
                                                        batch: B, initialState: carriedState)
        let tokens = window.trained * B
        guard loss.isFinite else { return TaskBatchResult(loss: Double(loss), count: tokens, tokens: tokens) }
        if s + 1 < schedule.updates {
            let offset = schedule.carryOffset(after: s)
            carriedState = offset == window.count ? finalState : model.rnn.state(enteringStep: offset)
        } else {
            carriedState = nil
        }
        return TaskBatchResult(loss: Double(loss), count: tokens, tokens: tokens)
    }
}
