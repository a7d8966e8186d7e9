import ArgumentParser
import RNNKit

/// The part of `rnn classify train` and `rnn tag train` that is the same for every task:
/// start or resume the run, show progress, handle Ctrl-C, report the outcome.
struct TaskTrainingRun {
    /// Whether a data or model option was given (refused with --resume).
    let otherOptionsGiven: Bool
    let optimization: TaskOptimizationOptions
    let bookkeeping: TaskBookkeepingOptions
    /// `classify`, `tag`, `forecast`, …
    let command: String

    init(otherOptionsGiven: Bool, optimization: TaskOptimizationOptions, bookkeeping: TaskBookkeepingOptions, command: String) {
        self.otherOptionsGiven = otherOptionsGiven
        self.optimization = optimization
        self.bookkeeping = bookkeeping
        self.command = command
    }

    /// A text task's run.
    init(data: TaskDataOptions, model: TaskModelOptions, optimization: TaskOptimizationOptions,
         bookkeeping: TaskBookkeepingOptions, command: String) {
        self.init(otherOptionsGiven: data.train != nil || data.valid != nil || data.test != nil || data.anyGiven || model.anyGiven,
                  optimization: optimization, bookkeeping: bookkeeping, command: command)
    }

    /// The run folder: --out, or runs/<command> (replaced by each new run).
    var run: RunDirectory { RunDirectory(bookkeeping.out ?? "runs/\(command)") }

    /// Refuses to start a new run over an explicit --out that holds one; clears the default
    /// scratch folder only once everything is ready.
    func checkNewRun() throws {
        try ParallelRun.start(bookkeeping.parallelism)
        guard ParallelRun.isRoot else { return }
        if run.hasCheckpoint && bookkeeping.out != nil {
            throw RNNKitError("'\(run.path)' already holds a training run; continue it with --resume, or choose another --out")
        }
    }

    /// Refuses options that would change a resumed run.
    func checkResumeOptions() throws {
        if otherOptionsGiven || optimization.anyGiven {
            throw RNNKitError("a resumed run keeps its data, model and optimizer settings; only --epochs, --max-steps and --eval-every may be given with --resume")
        }
    }

    /// Locks an existing run folder before its checkpoint is read for --resume (one trainer
    /// per folder); nil when there is no folder (reading the checkpoint then says so).
    func lockForResume() throws -> RunLock? {
        try ParallelRun.start(bookkeeping.parallelism)
        return ParallelRun.isRoot && RunDirectory.isFolder(run.path) ? try run.lock() : nil
    }

    /// Trains with `trainer`, printing `summary` first and `hint` (a command to try) at the
    /// end; exits 130 after Ctrl-C.
    func train(_ trainer: TaskTrainer, summary: String, hint: String? = nil, batch: Int? = nil) throws {
        trainer.parallelism = try ParallelRun.start(bookkeeping.parallelism)
        if ParallelRun.isRoot {
            try trainer.lockRun()
            if !bookkeeping.resume && run.hasCheckpoint { run.removeRunFiles() }   // only the default folder gets here
        }
        if let n = bookkeeping.logEvery { trainer.display.logEvery = n }     // else the run's own (saved with it)
        let display = ProgressDisplay(logEvery: trainer.display.logEvery, sampleLength: 0)
        display.unit = trainer.task.throughputUnit
        if let line = ParallelRun.describe(batch: batch ?? optimization.batch) { display.say(line) }
        display.say(summary)
        Interrupt.install(runFolder: run.path)
        var best: TaskMetricsRecord? = nil            // the validation the trainer last marked best
        let outcome = try trainer.train(shouldStop: { Interrupt.requested }) { event in
            if case let .validation(record, improved, _) = event, improved { best = record }
            display.handle(event)
        }
        display.finish()
        switch outcome {
        case .interrupted:
            var stderr = StandardError()
            print("interrupted at step \(trainer.progress.step): checkpoint written to \(run.latestPath); continue with: rnn \(command) train --out \(run.path) --resume",
                  to: &stderr)
            throw ExitCode(130)
        case .completed:
            // Resumed after the best validation: only its score is known here.
            let figures = best.map { $0.validMetrics.map { "\($0.name) \(fixed($0.value, 2))" }.joined(separator: ", ") }
                ?? "score \(fixed(trainer.progress.bestScore, 4))"
            display.say("done\(trainer.progress.stoppedEarly ? " (stopped early)" : ""): best validation \(figures); model in \(run.bestPath), metrics in \(run.metricsPath), curve in \(run.lossCurvePath)")
            display.say("try: " + (hint ?? "rnn \(command) predict --model \(run.path)"))
        }
    }


    /// The first lines a run prints.
    static func summary(resumingAt step: Int?, epoch: Int, what: String, trainer: TaskTrainer) -> String {
        var text = step.map { "resuming \(trainer.run.path) at step \($0) (epoch \(epoch)): " } ?? ""
        text += what
        text += "\n\(trainer.task.batchesPerEpoch) steps per epoch, \(trainer.totalSteps) steps in all; \(trainer.configuration.optimizer.rawValue) lr \(trainer.progress.learningRate)\(trainer.configuration.learningRateSchedule == .constant ? "" : " (\(trainer.configuration.learningRateSchedule))")\(trainer.configuration.averaging == .none ? "" : "; weight averaging: \(trainer.configuration.averaging)"); writing \(trainer.run.path)"
        return text
    }
}

extension ProgressDisplay {
    /// Shows a task trainer's events.
    func handle(_ event: TaskTrainingEvent) {
        switch event {
        case let .step(report): step(report)
        case let .validation(m, improved, annealedFrom):
            var line = "epoch \(m.epoch) step \(m.step): train \(fixed(m.trainLoss, 4))  valid \(fixed(m.validLoss, 4))"
            for metric in m.validMetrics { line += "  \(metric.name) \(fixed(metric.value, 2))" }
            line += "  \(thousands(m.tokensPerSecond)) \(unit)/s  \(duration(m.elapsedSeconds)) elapsed"
            if improved { line += "  [best]" }
            say(line)
            if let from = annealedFrom { say("validation score did not improve: learning rate \(rate(from)) → \(rate(m.learningRate))") }
        case let .stoppedEarly(epochs):
            say("stopping early: \(epochs) epochs without a better validation score")
        case let .test(evaluation):
            say("test with the best checkpoint: loss \(fixed(evaluation.loss, 4))"
                + evaluation.metrics.map { "  \($0.name) \(fixed($0.value, 2))" }.joined())
        }
    }
}
