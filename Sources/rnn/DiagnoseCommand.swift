import ArgumentParser
import Foundation
import RNNKit

/// `rnn diagnose`: watch gradients flow through time.
struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "See the gradients flow: per-step gradient norms ‖∂L/∂h_t‖ and σ_max of W_hh.",
        subcommands: [DiagnoseAddingCommand.self, DiagnoseModelCommand.self])
}

/// `rnn diagnose adding`: the adding problem, trained while watching the gradients.
struct DiagnoseAddingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adding",
        abstract: "Train on the adding problem and show how the gradient carried back through time grows or vanishes.",
        discussion: """
            Two input channels per step, a value in [0, 1) and a marker on exactly two steps (one in each \
            half); the target is the sum of the two marked values. Always predicting 1 scores MSE 0.167. \
            --out receives adding.json (settings, MSE curve, ‖∂L/∂h_t‖ and σ_max at the start and end), \
            adding-mse.svg and adding-gradflow.svg.
            """)

    @Option(parsing: .unconditional, help: "T, the steps of every sequence (at least 2).")
    var length: Int
    @Option(help: "Recurrent cell. (default: rnn-tanh)")
    var cell: CellOption = .rnnTanh
    @Option(name: .customLong("init"), help: "Recurrent weights: pytorch, identity (rnn-relu only) or orthogonal. (default: pytorch)")
    var initialization: InitOption = .pytorch
    @Option(parsing: .unconditional, help: "Hidden units. (default: 64)")
    var hidden: Int = 64
    @Option(parsing: .unconditional, help: "Optimizer steps. (default: 2000)")
    var steps: Int = 2000
    @Option(parsing: .unconditional, help: "Sequences per step. (default: 32)")
    var batch: Int = 32
    @Option(help: "Optimizer. (default: adam)")
    var optimizer: OptimizerOption = .adam
    @Option(parsing: .unconditional, help: "Learning rate. (default: 0.001)")
    var lr: Double = 0.001
    @Option(parsing: .unconditional, help: "Largest global gradient norm; 0 disables clipping. (default: 1)")
    var clip: Double = 1
    @Option(parsing: .unconditional, help: "Steps between test evaluations. (default: 100)")
    var evalEvery: Int = 100
    @Option(parsing: .unconditional, help: "Seed of the weights and the data. (default: 1)")
    var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Folder for adding.json, adding-mse.svg and adding-gradflow.svg. (default: runs/adding)", valueName: "dir"))
    var out: String = "runs/adding"

    func validate() throws {
        if length < 2 { throw ValidationError("--length must be at least 2 (two marked steps), got \(length)") }
        if let reason = initialization.scheme.refusal(for: cell.kind) {
            throw ValidationError("--init \(initialization.rawValue) with --cell \(cell.rawValue): \(reason)")
        }
        for (name, value) in [("--hidden", hidden), ("--steps", steps), ("--batch", batch), ("--eval-every", evalEvery)] where value < 1 {
            throw ValidationError("\(name) must be positive, got \(value)")
        }
        if !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be positive, got \(lr)") }
        if !(clip >= 0 && clip.isFinite) { throw ValidationError("--clip must be ≥ 0, got \(clip)") }
    }

    func run() throws {
        var settings = AddingExperiment.Settings(length: length)
        settings.cell = cell.kind
        settings.initialization = initialization.scheme
        settings.hiddenSize = hidden
        settings.steps = steps
        settings.batch = batch
        settings.optimizer = optimizer.kind
        settings.learningRate = lr
        settings.clip = clip
        settings.evalEvery = evalEvery
        settings.seed = seed
        let experiment = try AddingExperiment(settings)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        print("adding problem, T = \(length): \(experiment.label), H = \(hidden), \(optimizer.rawValue) lr \(lr), clip \(clip), batch \(batch), \(steps) steps (baseline MSE 0.1667)")
        let clock = ContinuousClock(), started = clock.now
        Interrupt.install()
        try experiment.run(shouldStop: { Interrupt.requested }) { point in
            let train = point.trainMSE.map { "train MSE \(fixed($0, 4))  " } ?? ""
            print("step \(point.step): \(train)test MSE \(fixed(point.testMSE, 4))")
        }
        let seconds = Double((clock.now - started).components.seconds)
        try write(experiment.json + "\n", "adding.json")
        try write(experiment.mseSVG, "adding-mse.svg")
        try write(experiment.gradientFlowSVG, "adding-gradflow.svg")
        if let start = experiment.start, let end = experiment.end {
            let first = { (s: AddingExperiment.Snapshot) in s.flow.hidden[0][0][0] }, last = { (s: AddingExperiment.Snapshot) in s.flow.hidden[0][0][length - 1] }
            print("‖∂L/∂h_0‖ / ‖∂L/∂h_T-1‖: \(scientific(first(start) / last(start))) at the start, \(scientific(first(end) / last(end))) at the end; σ_max(W_hh) \(fixed(start.spectralNorms[0].sigmaMax, 3)) → \(fixed(end.spectralNorms[0].sigmaMax, 3))")
        }
        print("final test MSE \(fixed(experiment.curve.last!.testMSE, 4)) (baseline 0.1667) after \(experiment.end?.step ?? 0) steps in \(Int(seconds)) s; report in \(out)/adding.json, plots adding-mse.svg and adding-gradflow.svg")
    }

    private func write(_ text: String, _ name: String) throws {
        try text.write(toFile: out + "/" + name, atomically: true, encoding: .utf8)
    }
}

/// `n` in scientific notation with 3 significant digits.
func scientific(_ x: Double) -> String {
    guard x.isFinite, x != 0 else { return "\(x)" }
    let e = Int((log10(abs(x))).rounded(.down))
    return fixed(x / pow(10, Double(e)), 2) + "e" + String(e)
}

/// `rnn diagnose model`: the gradient flow of a trained language model over a text.
struct DiagnoseModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Per-step gradient norms ‖∂L/∂h_t‖ of a trained language model over the start of a text, with σ_max of each W_hh.",
        discussion: """
            Reads the first --steps + 1 tokens of the text as one window from the zero state (dropout off), \
            backpropagates its mean cross-entropy, and writes gradflow.json and gradflow.svg to --out.
            """)

    @Option(help: ArgumentHelp("A language-model run folder (its best.safetensors) or checkpoint file.", valueName: "dir"))
    var model: String
    @Option(help: ArgumentHelp("The text (UTF-8).", valueName: "file"))
    var text: String
    @Option(parsing: .unconditional, help: "Steps of the window (fewer if the text is shorter). (default: 100)")
    var steps: Int = 100
    @Option(help: ArgumentHelp("Folder for gradflow.json and gradflow.svg. (default: runs/diagnose-model)", valueName: "dir"))
    var out: String = "runs/diagnose-model"

    func validate() throws {
        if !(1...TrainingConfiguration.maxBatchDimension).contains(steps) {
            throw ValidationError("--steps must be in 1...\(TrainingConfiguration.maxBatchDimension), got \(steps)")
        }
    }

    func run() throws {
        let saved = try SavedModel.load(model)
        let vocabulary = saved.vocabulary
        let tokens = Tokenizer.tokens(of: try TextFile.read(text), level: vocabulary.level)
        let (ids, unknown) = try encode(tokens, vocabulary, what: "'\(text)'")
        if unknown > 0 { warn("\(unknown) word(s) are not in the vocabulary; read as \(Vocabulary.unknown)") }
        guard ids.count >= 2 else {
            throw RNNKitError("'\(text)' holds \(ids.count) token(s); at least 2 are needed (an input and its next token)")
        }
        let T = min(steps, ids.count - 1)
        try MemoryBudget.check(saved.model.configuration.workingBytes(steps: T, batch: 1), for: "a window of \(T) steps")
        let result = saved.model.gradientFlow(inputs: Array(ids[0..<T]), targets: Array(ids[1...T]), steps: T, batch: 1)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let json = GradientFlowReport.json(result.flow, spectralNorms: result.spectralNorms,
                                           labels: [("model", saved.path), ("text", text)], numbers: [("loss", result.loss)])
        try (json + "\n").write(toFile: out + "/gradflow.json", atomically: true, encoding: .utf8)
        let svg = GradientFlowPlot.svg(curves: GradientFlowPlot.curves(result.flow),
                                       title: "\(saved.model.configuration.cell.rawValue) language model: ‖∂L/∂h_t‖ over \(T) steps",
                                       note: GradientFlowReport.sigmaNote(result.spectralNorms))
        try svg.write(toFile: out + "/gradflow.svg", atomically: true, encoding: .utf8)
        print("window of \(T) tokens: loss \(fixed(result.loss, 4)) nats/token")
        for (l, layer) in result.flow.hidden.enumerated() {
            let norms = layer[0]
            print("layer \(l): ‖∂L/∂h_t‖ from \(scientific(norms[0])) (t = 0) to \(scientific(norms[T - 1])) (t = \(T - 1)); σ_max(W_hh) \(fixed(result.spectralNorms[l].sigmaMax, 3))")
        }
        print("report in \(out)/gradflow.json, plot \(out)/gradflow.svg")
    }
}
