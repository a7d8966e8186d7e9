import ArgumentParser
import RNNKit

/// `--level` for the text tasks.
enum TaskLevelOption: String, ExpressibleByArgument, CaseIterable {
    case word, char
    var unit: TextUnit { self == .word ? .word : .character }
}

/// `--pooling`.
extension SequencePooling: ExpressibleByArgument {}

/// Where a text task's examples come from and how they are cut into tokens.
struct TaskDataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Training file. Default: a data set RNNKit generates itself.", valueName: "file"))
    var train: String?
    @Option(help: ArgumentHelp("Validation file. Default: the last --valid-fraction of the training examples.", valueName: "file"))
    var valid: String?
    @Option(help: ArgumentHelp("Test file, evaluated once at the end with the best checkpoint.", valueName: "file"))
    var test: String?
    @Option(parsing: .unconditional, help: "Share of the training examples (the last ones, in file order) held out for validation without --valid. (default: 0.1)")
    var validFraction: Double?
    @Option(help: "Tokens: whitespace-separated words or characters. (default: word)")
    var level: TaskLevelOption?
    @Flag(help: "Lowercase the text before cutting it into tokens.")
    var lowercase = false
    @Option(parsing: .unconditional, help: "Read symbols seen fewer times in the training data as <unk>. (default: 1)")
    var minCount: Int?

    func settings(batch: Int?, evalBatch: Int?) -> TextTaskSettings {
        var s = TextTaskSettings()
        if let level { s.unit = level.unit }
        s.lowercase = lowercase
        if let minCount { s.minCount = minCount }
        if let batch { s.batchSize = batch }
        if let evalBatch { s.evalBatchSize = evalBatch }
        if let validFraction { s.validFraction = validFraction }
        return s
    }

    func validate() throws {
        if valid != nil && validFraction != nil { throw ValidationError("--valid and --valid-fraction contradict each other: give one") }
        if let f = validFraction, !(f > 0 && f < 1) { throw ValidationError("--valid-fraction must be between 0 and 1 (exclusive), got \(f)") }
        if let m = minCount, m < 1 { throw ValidationError("--min-count must be at least 1, got \(m)") }
    }

    /// Whether any option besides the defaults was given (refused with --resume).
    var anyGiven: Bool { validFraction != nil || level != nil || lowercase || minCount != nil }
}

/// The architecture of a classifier or tagger.
struct TaskModelOptions: ParsableArguments {
    @Option(help: "Recurrent cell. (default: lstm)")
    var cell: CellOption?
    @Option(parsing: .unconditional, help: "Embedding width. (default: 128)")
    var embed: Int?
    @Option(parsing: .unconditional, help: "Hidden units per layer and direction. (default: 128)")
    var hidden: Int?
    @Option(parsing: .unconditional, help: "Stacked recurrent layers. (default: 1)")
    var layers: Int?
    @Flag(help: "Also read each sequence backwards (a bidirectional stack).")
    var bidirectional = false
    @Option(parsing: .unconditional, help: "Dropout before the output layer and between stacked layers. (default: 0)")
    var dropout: Double?

    func configuration(pooling: SequencePooling) -> SequenceModelConfiguration {
        SequenceModelConfiguration(cell: cell?.kind ?? .lstm, vocabularySize: 1, embeddingSize: embed ?? 128,
                                   hiddenSize: hidden ?? 128, numLayers: layers ?? 1, bidirectional: bidirectional,
                                   outputs: 1, pooling: pooling, dropout: dropout ?? 0)
    }

    func validate() throws {
        if let p = dropout, !(p >= 0 && p < 1) { throw ValidationError("--dropout must be in [0, 1), got \(p)") }
        do {
            try configuration(pooling: .last).validate()
        } catch let error as RNNKitError {
            throw ValidationError(error.message)
        }
    }

    var anyGiven: Bool { cell != nil || embed != nil || hidden != nil || layers != nil || bidirectional || dropout != nil }
}

/// Batching, the optimizer and the length of the run.
struct TaskOptimizationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Sequences (or windows) per training batch. (default: 32; forecast 16, anomaly 128, seq2seq 64)")
    var batch: Int?
    @Option(parsing: .unconditional, help: "Sequences per evaluation batch. (default: 256)")
    var evalBatch: Int?
    @Option(parsing: .unconditional, help: "Passes over the training data.")
    var epochs: Int?
    @Option(parsing: .unconditional, help: "Stop after this many optimizer steps in total.")
    var maxSteps: Int?
    @Option(help: "Optimizer. (default: adam)")
    var optimizer: OptimizerOption?
    @Option(parsing: .unconditional, help: "Learning rate. (default: 0.001; sgd 20, adagrad 0.01)")
    var lr: Double?
    @Option(parsing: .unconditional, help: "Largest global gradient norm; 0 disables clipping. (default: 5)")
    var clip: Double?
    @Option(parsing: .unconditional, help: "Divide the learning rate by this when an epoch's validation score does not improve; 0 never. (default: 0)")
    var anneal: Double?
    @OptionGroup var schedule: LearningRateScheduleOptions
    @Option(parsing: .unconditional, help: "Validate and keep as the best model an exponential moving average of the weights with this decay, e.g. 0.999 (Keras's use_ema; PyTorch's AveragedModel with get_ema_multi_avg_fn). (default: no averaging)")
    var emaDecay: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("Validate and keep as the best model the mean of the weights after every step from this epoch on (stochastic weight averaging; PyTorch's AveragedModel). (default: no averaging)", valueName: "epoch"))
    var swaStart: Int?
    @Option(parsing: .unconditional, help: "Stop after this many epochs without a better validation score; 0 never. (default: 0)")
    var patience: Int?
    @Option(parsing: .unconditional, help: "Seed of initialisation, batch order and dropout. (default: 1)")
    var seed: UInt64?

    func loop(defaultEpochs: Int) -> TrainingLoopConfiguration {
        var c = TrainingLoopConfiguration()
        c.epochs = epochs ?? defaultEpochs
        c.maxSteps = maxSteps
        if let optimizer { c.optimizer = optimizer.kind }
        c.learningRate = lr ?? (c.optimizer == .adam || c.optimizer == .adamw ? 0.001 : nil)
        if let clip { c.clip = clip }
        if let anneal { c.anneal = anneal }
        c.learningRateSchedule = schedule.schedule
        if let emaDecay { c.averaging = .exponential(decay: emaDecay) }
        if let swaStart { c.averaging = .uniform(fromEpoch: swaStart) }
        if let patience { c.patience = patience }
        if let seed { c.seed = seed }
        return c
    }

    func validate() throws {
        if emaDecay != nil && swaStart != nil {
            throw ValidationError("--ema-decay and --swa-start are two ways of averaging the weights; give one")
        }
        do {
            try loop(defaultEpochs: 1).validate()
            var s = TextTaskSettings()
            if let batch { s.batchSize = batch }
            if let evalBatch { s.evalBatchSize = evalBatch }
            try s.validate()
        } catch let error as RNNKitError {
            throw ValidationError(error.message)
        }
    }

    var anyGiven: Bool {
        batch != nil || evalBatch != nil || optimizer != nil || lr != nil || clip != nil || anneal != nil || patience != nil || seed != nil
            || schedule.anyGiven || emaDecay != nil || swaStart != nil
    }
}

/// The run folder and what is printed.
struct TaskBookkeepingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Run folder: metrics, loss curve, checkpoints. (default: runs/<task>, replaced by each new run)", valueName: "dir"))
    var out: String?
    @Flag(help: "Continue the run in --out from its latest checkpoint (--epochs, --max-steps and --eval-every may change).")
    var resume = false
    @Option(parsing: .unconditional, help: "Also validate every this many steps; 0 validates only at epoch ends. (default: 0)")
    var evalEvery: Int?
    @Option(parsing: .unconditional, help: "Without a terminal, print a log line every this many steps; kept on resume. (default: about every 10 seconds)")
    var logEvery: Int?
    @OptionGroup(title: "Parallelism") var parallelism: ParallelismOptions

    func validate() throws {
        if let e = evalEvery, e < 0 { throw ValidationError("--eval-every must be ≥ 0, got \(e)") }
        if let l = logEvery, !(1...TrainingLoopConfiguration.maxCount).contains(l) {
            throw ValidationError("--log-every must be in 1...\(TrainingLoopConfiguration.maxCount), got \(l)")
        }
    }
}
