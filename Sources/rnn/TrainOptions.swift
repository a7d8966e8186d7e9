import ArgumentParser
import RNNKit

/// `--level`: what a token is.
enum LevelOption: String, ExpressibleByArgument, CaseIterable {
    case char, word
    var level: TokenLevel { self == .char ? .char : .word }
}

/// `--cell`: the recurrent cell.
enum CellOption: String, ExpressibleByArgument, CaseIterable {
    case lstm, gru, rnnTanh = "rnn-tanh", rnnRelu = "rnn-relu"
    var kind: CellKind {
        switch self {
        case .lstm: .lstm
        case .gru: .gru
        case .rnnTanh: .rnnTanh
        case .rnnRelu: .rnnRelu
        }
    }
}

/// `--init`: how the recurrent weights start.
enum InitOption: String, ExpressibleByArgument, CaseIterable {
    case pytorch, identity, orthogonal
    var scheme: RecurrentInitialization { RecurrentInitialization(rawValue: rawValue)! }
}

/// `--optimizer`.
enum OptimizerOption: String, ExpressibleByArgument, CaseIterable {
    case sgd, adam, adamw, rmsprop, adagrad
    var kind: OptimizerKind { OptimizerKind(rawValue: rawValue)! }
}

/// Where the text comes from and how it is cut into tokens.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Training text (UTF-8). Default: RNNKit's built-in generated corpus.", valueName: "file"))
    var text: String?
    @Option(help: ArgumentHelp("Validation text. Default: the last --valid-fraction of the training text.", valueName: "file"))
    var valid: String?
    @Option(help: ArgumentHelp("Test text, scored once at the end with the best model.", valueName: "file"))
    var test: String?
    @Option(parsing: .unconditional, help: "Share of the training text held out for validation when --valid is not given. (default: 0.1)")
    var validFraction: Double?
    @Option(help: "Tokens: characters, or whitespace-separated words with <eos> per line. (default: char)")
    var level: LevelOption?

    var sources: TextSources {
        TextSources(train: text, valid: valid, test: test, validFraction: validFraction ?? 0.1, level: level?.level ?? .char)
    }

    func validate() throws {
        if let f = validFraction, !(f > 0 && f < 1) {
            throw ValidationError("--valid-fraction must be between 0 and 1 (exclusive), got \(f)")
        }
    }
}

/// The architecture.
struct ModelOptions: ParsableArguments {
    @Option(help: "Recurrent cell. (default: lstm)")
    var cell: CellOption?
    @Option(parsing: .unconditional, help: "Stacked recurrent layers. (default: 1)")
    var layers: Int?
    @Option(parsing: .unconditional, help: "Hidden units per layer. (default: 128)")
    var hidden: Int?
    @Option(parsing: .unconditional, help: "Embedding width. (default: 32, or --hidden with --tie)")
    var embed: Int?
    @Option(parsing: .unconditional, help: "Dropout on the embedding output, between layers and on the last layer's output. (default: 0)")
    var dropout: Double?
    @Flag(help: "Share the embedding and decoder weights (needs --embed equal to --hidden).")
    var tie = false
    @Option(help: ArgumentHelp("Start from these weights instead of a random initialisation: a safetensors file with PyTorch's names, e.g. a PyTorch model's initial state_dict (to reproduce a PyTorch run step for step).", valueName: "file"))
    var initWeights: String?
    @Option(name: .customLong("init"), help: "Recurrent weights: pytorch (U(-1/√H, 1/√H)), identity (W_hh = I, zero biases; rnn-relu only) or orthogonal (each gate block of W_hh). (default: pytorch)")
    var initialization: InitOption?

    var configuration: LanguageModel<Float>.Configuration {
        let hidden = self.hidden ?? 128
        return .init(cell: cell?.kind ?? .lstm, vocabularySize: 1, embeddingSize: embed ?? (tie ? hidden : 32),
                     hiddenSize: hidden, numLayers: layers ?? 1, dropout: dropout ?? 0, tiedWeights: tie)
    }

    func validate() throws {
        for (name, value) in [("--layers", layers), ("--hidden", hidden), ("--embed", embed)] {
            if let value, value <= 0 { throw ValidationError("\(name) must be positive, got \(value)") }
        }
        if let p = dropout, !(p >= 0 && p < 1) { throw ValidationError("--dropout must be in [0, 1), got \(p)") }
        let c = configuration
        if tie && c.embeddingSize != c.hiddenSize {
            throw ValidationError("--tie needs --embed equal to --hidden (got \(c.embeddingSize) and \(c.hiddenSize))")
        }
        if let scheme = initialization?.scheme, let reason = scheme.refusal(for: c.cell) {
            throw ValidationError("--init \(scheme.rawValue) with --cell \(cell?.rawValue ?? "lstm"): \(reason)")
        }
        if initialization != nil && initWeights != nil {
            throw ValidationError("--init and --init-weights both set the initial weights; give one")
        }
    }
}

/// Batching, the TBPTT schedule and the optimizer.
struct OptimizationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Columns the training stream is cut into. (default: 32)")
    var batch: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("Steps each update backpropagates through (k2). (default: 64)", valueName: "k2"))
    var bptt: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("Steps between updates (k1 ≤ k2): TBPTT(k1, k2). (default: --bptt)", valueName: "k1"))
    var updateEvery: Int?
    @Option(parsing: .unconditional, help: "Batch of the validation and test streams. (default: --batch)")
    var evalBatch: Int?
    @Option(help: "Optimizer. (default: adam)")
    var optimizer: OptimizerOption?
    @Option(parsing: .unconditional, help: "Learning rate. (default: 0.002; sgd 20, adagrad 0.01)")
    var lr: Double?
    @Option(parsing: .unconditional, help: "Largest global gradient norm; 0 disables clipping. (default: 5)")
    var clip: Double?
    @Option(parsing: .unconditional, help: "Divide the learning rate by this when an epoch's validation loss does not improve; 0 never. (default: 0)")
    var anneal: Double?
    @OptionGroup var schedule: LearningRateScheduleOptions
    @Option(parsing: .unconditional, help: "Draw embedding and decoder weights from U(-R, R), decoder bias 0; 0 keeps PyTorch's initialisation. (default: 0)")
    var initRange: Double?
    @Option(parsing: .unconditional, help: "Passes over the training text. (default: 10)")
    var epochs: Int?
    @Option(parsing: .unconditional, help: "Stop after this many optimizer steps in total.")
    var maxSteps: Int?
    @Option(parsing: .unconditional, help: "Seed: weights start as after torch.manual_seed(seed); also seeds dropout and samples. (default: 1)")
    var seed: UInt64?

    var configuration: TrainingConfiguration {
        var c = TrainingConfiguration()
        if let batch { c.batch = batch }
        if let bptt { c.bptt = bptt }
        c.updateEvery = updateEvery
        c.evalBatch = evalBatch
        if let optimizer { c.optimizer = optimizer.kind }
        c.learningRate = lr
        if let clip { c.clip = clip }
        if let anneal { c.anneal = anneal }
        c.learningRateSchedule = schedule.schedule
        if let initRange { c.initRange = initRange }
        if let epochs { c.epochs = epochs }
        c.maxSteps = maxSteps
        if let seed { c.seed = seed }
        return c
    }

    func validate() throws {
        for (name, value) in [("--batch", batch), ("--bptt", bptt), ("--update-every", updateEvery), ("--eval-batch", evalBatch),
                              ("--epochs", epochs), ("--max-steps", maxSteps)] {
            if let value, value <= 0 { throw ValidationError("\(name) must be positive, got \(value)") }
        }
        let c = configuration
        if c.k1 > c.bptt {
            throw ValidationError("--update-every \(c.k1) must not exceed --bptt \(c.bptt) (gradients flow through the last k2 ≥ k1 steps)")
        }
        do {
            try c.validate()
        } catch let error as RNNKitError {
            throw ValidationError(error.message)
        }
    }
}

/// The run folder, validation cadence and what is printed.
struct BookkeepingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Run folder: metrics, loss curve, checkpoints. (default: runs/default, replaced by each new run)", valueName: "dir"))
    var out: String?
    @Flag(help: "Continue the run in --out from its latest checkpoint (--epochs and --max-steps may be raised).")
    var resume = false
    @Option(parsing: .unconditional, help: "Also validate every this many steps; 0 validates only at epoch ends. (default: 0)")
    var evalEvery: Int?
    @Option(parsing: .unconditional, help: "Tokens sampled and printed at each validation; 0 prints none; kept on resume. (default: 200 characters or 40 words)")
    var sampleLength: Int?
    @Option(parsing: .unconditional, help: "Without a terminal, print a log line every this many steps; kept on resume. (default: about every 10 seconds)")
    var logEvery: Int?
    @Flag(help: "At each validation, write the per-step gradient norms ‖∂L/∂h_t‖ of the last training window with σ_max of each W_hh: gradflow-step<N>.json and .svg in --out.")
    var gradFlow = false
    @OptionGroup(title: "Parallelism") var parallelism: ParallelismOptions

    func validate() throws {
        if let e = evalEvery, e < 0 { throw ValidationError("--eval-every must be ≥ 0, got \(e)") }
        if let s = sampleLength, !(0...TrainingDisplay.maxSampleLength).contains(s) {
            throw ValidationError("--sample-length must be in 0...\(TrainingDisplay.maxSampleLength), got \(s)")
        }
        if let l = logEvery, !(1...TrainingLoopConfiguration.maxCount).contains(l) {
            throw ValidationError("--log-every must be in 1...\(TrainingLoopConfiguration.maxCount), got \(l)")
        }
    }
}
