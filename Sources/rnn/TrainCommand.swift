import ArgumentParser
import RNNKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rnn train`: trains a language model, writing metrics, a loss curve and checkpoints.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a recurrent language model on a text (with no arguments: a small character LSTM on a built-in corpus).",
        discussion: """
            Trains as PyTorch's word_language_model does: the text is cut into --batch columns, each step \
            reads --bptt steps and carries the hidden state to the next (truncated BPTT). --out receives \
            metrics.jsonl, loss.svg, best.safetensors and latest.safetensors. Ctrl-C writes a checkpoint; \
            --resume continues it with the same losses as an uninterrupted run.
            """)

    /// The run folder when --out is not given; each new run replaces the previous one there.
    static let defaultOut = "runs/default"

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Optimization") var optimization: OptimizationOptions
    @OptionGroup(title: "Bookkeeping") var bookkeeping: BookkeepingOptions

    func run() throws {
        let parallelism = try ParallelRun.start(bookkeeping.parallelism)
        let run = RunDirectory(bookkeeping.out ?? Self.defaultOut)
        let lock = ParallelRun.isRoot && bookkeeping.resume && RunDirectory.isFolder(run.path) ? try run.lock() : nil   // before reading the checkpoint
        let trainer = try bookkeeping.resume ? resumedTrainer(run) : newTrainer(run)
        if let lock { trainer.loop.runLock = lock }
        trainer.loop.parallelism = parallelism
        var shown = trainer.loop.display                          // a resumed run prints as it did, unless told otherwise
        if let n = bookkeeping.sampleLength { shown.sampleLength = n }
        if let n = bookkeeping.logEvery { shown.logEvery = n }
        trainer.loop.display = shown
        trainer.writesGradientFlow = bookkeeping.gradFlow
        let display = ProgressDisplay(logEvery: shown.logEvery,
                                      sampleLength: shown.sampleLength ?? (trainer.data.vocabulary.level == .char ? 200 : 40))
        if let line = ParallelRun.describe(batch: trainer.configuration.batch) { display.say(line) }
        display.say(summary(trainer))
        Interrupt.install(runFolder: run.path)
        let outcome = try trainer.train(shouldStop: { Interrupt.requested }) { display.handle($0, trainer: trainer) }
        display.finish()
        switch outcome {
        case .interrupted:
            var stderr = StandardError()
            print("interrupted at step \(trainer.progress.step): checkpoint written to \(run.latestPath); continue with: rnn train --out \(run.path) --resume",
                  to: &stderr)
            throw ExitCode(130)
        case .completed:
            let best = trainer.progress.bestValidLoss
            display.say("done: best validation loss \(fixed(best, 4)) (perplexity \(fixed(Double.exp(best), 2))); model in \(run.bestPath), metrics in \(run.metricsPath), curve in \(run.lossCurvePath)")
            if bookkeeping.gradFlow { display.say("gradient flow per validation: \(run.path)/gradflow-step<N>.json and .svg") }
            display.say("try: rnn sample --model \(run.path)")
        }
    }

    /// A new run: reads the text, checks everything, then (only then) clears a scratch folder.
    func newTrainer(_ run: RunDirectory) throws -> Trainer {
        if ParallelRun.isRoot && run.hasCheckpoint && bookkeeping.out != nil {
            throw RNNKitError("'\(run.path)' already holds a training run; continue it with --resume, or choose another --out")
        }
        var sources = data.sources
        sources.train = sources.train.map(absolutePath)
        sources.valid = sources.valid.map(absolutePath)
        sources.test = sources.test.map(absolutePath)
        var training = optimization.configuration
        training.evalEvery = bookkeeping.evalEvery ?? 0
        let loaded = try LanguageModelData.load(sources)
        let trainer = try Trainer(model: model.configuration, data: loaded, configuration: training, run: run)
        if let path = model.initWeights { try trainer.loadInitialWeights(from: absolutePath(path)) }
        if let scheme = model.initialization?.scheme { try trainer.initializeRecurrentWeights(scheme) }
        if ParallelRun.isRoot {
            try trainer.loop.lockRun()
            if run.hasCheckpoint { run.removeRunFiles() }       // only the default scratch folder gets here
        }
        return trainer
    }

    /// Continues the run in `run`; options other than --epochs, --max-steps and --eval-every
    /// must match the run's (data files may be given again, e.g. after moving them).
    func resumedTrainer(_ run: RunDirectory) throws -> Trainer {
        let checkpoint = try TrainingCheckpoint.read(run)
        if model.initWeights != nil {
            throw RNNKitError("--init-weights only applies to a new run; a resumed run continues from its checkpoint")
        }
        if model.initialization != nil {
            throw RNNKitError("--init only applies to a new run; a resumed run continues from its checkpoint")
        }
        try checkSameSettings(checkpoint)
        var sources = checkpoint.sources
        if let text = data.text { sources.train = absolutePath(text) }
        if let valid = data.valid { sources.valid = absolutePath(valid) }
        if let test = data.test { sources.test = absolutePath(test) }
        let loaded = try LanguageModelData.load(sources)
        return try Trainer(resuming: checkpoint, data: loaded, epochs: optimization.epochs,
                           maxSteps: optimization.maxSteps, evalEvery: bookkeeping.evalEvery)
    }

    /// Throws if an option given with --resume contradicts the run's settings.
    func checkSameSettings(_ checkpoint: TrainingCheckpoint) throws {
        let m = checkpoint.modelConfiguration, t = checkpoint.training, s = checkpoint.sources
        var given: [(String, String?, String)] = [
            ("--valid-fraction", data.validFraction.map { "\($0)" }, "\(s.validFraction)"),
            ("--level", data.level?.rawValue, s.level.rawValue),
            ("--cell", model.cell?.kind.rawValue, m.cell.rawValue),
            ("--layers", model.layers.map(String.init), String(m.numLayers)),
            ("--hidden", model.hidden.map(String.init), String(m.hiddenSize)),
            ("--embed", model.embed.map(String.init), String(m.embeddingSize)),
            ("--dropout", model.dropout.map { "\($0)" }, "\(m.dropout)"),
            ("--tie", model.tie ? "true" : nil, "\(m.tiedWeights)"),
            ("--batch", optimization.batch.map(String.init), String(t.batch)),
            ("--bptt", optimization.bptt.map(String.init), String(t.bptt)),
            ("--update-every", optimization.updateEvery.map(String.init), String(t.k1)),
            ("--eval-batch", optimization.evalBatch.map(String.init), String(t.resolvedEvalBatch)),
            ("--optimizer", optimization.optimizer?.rawValue, t.optimizer.rawValue),
            ("--lr", optimization.lr.map { "\($0)" }, "\(t.resolvedLearningRate)"),
            ("--clip", optimization.clip.map { "\($0)" }, "\(t.clip)"),
            ("--anneal", optimization.anneal.map { "\($0)" }, "\(t.anneal)"),
            ("--lr-schedule", optimization.schedule.anyGiven ? "\(optimization.schedule.schedule)" : nil, "\(t.learningRateSchedule)"),
            ("--init-range", optimization.initRange.map { "\($0)" }, "\(t.initRange)"),
            ("--seed", optimization.seed.map(String.init), String(t.seed)),
        ]
        given = given.filter { $0.1 != nil && $0.1 != $0.2 }
        if let (option, value, stored) = given.first {
            throw RNNKitError("\(option) \(value!) differs from the run's \(stored); a resumed run keeps its settings (only --epochs, --max-steps and --eval-every may change)")
        }
    }

    /// One paragraph saying what is about to happen.
    func summary(_ trainer: Trainer) -> String {
        let c = trainer.model.configuration, t = trainer.configuration, d = trainer.data
        let unit = d.vocabulary.level == .char ? "characters" : "words"
        let source = d.sources.train ?? "the built-in corpus"
        let shape = "\(c.numLayers)×\(c.hiddenSize) \(c.cell.rawValue) (embedding \(c.embeddingSize)\(c.tiedWeights ? ", tied" : ""), \(thousands(Double(trainer.model.arena.parameterCount))) parameters)"
        var text = trainer.progress.step > 0
            ? "resuming \(trainer.run.path) at step \(trainer.progress.step) (epoch \(trainer.progress.epoch)): "
            : ""
        text += "training a \(shape) on \(source): \(thousands(Double(d.train.count))) training and \(thousands(Double(d.valid.count))) validation tokens, vocabulary of \(d.vocabulary.count) \(unit)"
        text += "\n\(trainer.schedule.updates) steps per epoch (batch \(t.batch), bptt \(t.bptt)\(t.k1 != t.bptt ? ", update every \(t.k1)" : "")), \(trainer.totalSteps) steps in all; \(t.optimizer.rawValue) lr \(trainer.progress.learningRate)\(t.learningRateSchedule == .constant ? "" : " (\(t.learningRateSchedule))"); writing \(trainer.run.path)"
        return text
    }
}

/// `path` made absolute (so a resumed run finds it from any folder); unchanged if it does not exist.
func absolutePath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
}
