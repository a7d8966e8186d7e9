// The generic training loop: steps, validations (every `evalEvery` steps and at each epoch
// end), annealing, early stopping, checkpoints, and the final test of the best checkpoint.

extension TaskTrainer {
    /// Trains until every epoch (or `maxSteps`) has run, or early stopping ends the run,
    /// writing the run folder as it goes.
    ///
    /// It first locks the run folder (`lockRun`: one trainer per folder) and removes what dead
    /// runs left there. A new run then writes a checkpoint of the initial model. After each validation it
    /// appends to `metrics.jsonl`, writes `best.safetensors` if the score improved, writes
    /// `latest.safetensors` and redraws `loss.svg`. At the end the best checkpoint is evaluated
    /// on the test split, if any (split among the ranks as the validations are), and a last line
    /// with `test_loss` and `test_<metric>` is added.
    /// - Parameters:
    ///   - shouldStop: asked before every step and during evaluations (not in a distributed
    ///     run, whose launcher stops every rank at once); when it returns true
    ///     the latest checkpoint is written and `train` returns `.interrupted`.
    ///   - events: called after each step, validation and the test.
    /// - Throws: `RNNKitError` if a file cannot be written or the loss stops being finite (the
    ///   message names the step; no checkpoint is written after it).
    @discardableResult
    public func train(shouldStop: () -> Bool = { false },
                      events: (TaskTrainingEvent) -> Void = { _ in }) throws -> TrainingOutcome {
        // Ranks could see a stop request at different steps: a distributed run is stopped by
        // its launcher instead, and resumes from the last checkpoint.
        let distributed = parallelism.isDistributed
        func stopRequested() -> Bool { !distributed && shouldStop() }
        if isRoot { try lockRun() }
        defer { runLock = nil }
        try prepareParallelism()
        elapsedAtSessionStart = progress.elapsedSeconds
        sessionStart = clock.now
        if lastCheckpointStep < 0 {
            if isRoot { try run.writeMetricLines([]) }
            try saveLatest()
        } else if isRoot {
            try run.writeMetricLines(history.map(\.jsonLine))     // drop lines written after the checkpoint
        }
        let perEpoch = task.batchesPerEpoch
        while !isTrainingComplete {
            if isValidationDue {
                guard try validate(epochEnd: progress.batch >= perEpoch, shouldStop: stopRequested, events: events) else {
                    return try interrupted()
                }
            } else {
                if stopRequested() { return try interrupted() }
                events(.step(try trainStep()))
            }
        }
        if task.hasTestSplit && progress.testedStep != progress.step {
            guard let evaluation = try testBest(shouldStop: stopRequested) else { return .interrupted }
            if isRoot, let last = history.last {                  // every rank evaluated its share; rank 0 writes
                var record = last
                record.test = (evaluation.loss, evaluation.metrics.map { .init($0.name, $0.value) })
                record.elapsedSeconds = elapsedSeconds
                try run.appendMetricLine(record.jsonLine)
                events(.test(evaluation))
            }
            progress.testedStep = progress.step
            try saveLatest()
        }
        return .completed
    }

    /// Whether a validation is due before the next step: at an epoch's end, at the step limit,
    /// or every `evalEvery` steps — unless it already ran at this step. A validation that
    /// Ctrl-C interrupted is due again when the run resumes, so metrics, best checkpoint and
    /// generators follow the uninterrupted run.
    var isValidationDue: Bool {
        guard progress.lastValidationStep != progress.step else { return false }
        let every = configuration.evalEvery
        return progress.batch >= task.batchesPerEpoch || progress.step >= (configuration.maxSteps ?? Int.max)
            || (every > 0 && progress.step > 0 && progress.step % every == 0)
    }

    /// Locks the run folder for this trainer (creating it) unless `runLock` is already held,
    /// then removes the temporary files that dead runs left there.
    /// - Throws: `RNNKitError` if another trainer holds the folder (naming its process id).
    public func lockRun() throws {
        if runLock == nil { runLock = try run.lock() }
        run.removeLeftoverTemporaryFiles()
    }

    private func interrupted() throws -> TrainingOutcome {
        try saveLatest()
        return .interrupted
    }

    /// One step: zero the gradients, the task's forward and backward of the next batch,
    /// clipping, the optimizer step.
    func trainStep() throws -> TrainingStepReport {
        let start = clock.now
        task.module.setTraining(true)
        task.arena.zeroGradients()
        let learningRate = scheduledLearningRate
        optimizer.learningRate = learningRate
        let result = try runBatch()
        guard result.loss.isFinite else {
            throw RNNKitError("the training loss became \(TaskTrainer.describe(result.loss)) at step \(progress.step + 1) (epoch \(progress.epoch)); stopped — \(lastCheckpointNote)")
        }
        if configuration.clip > 0 { clipGradientNorm(task.arena, maxNorm: Float(configuration.clip)) }
        optimizer.step(task.arena)
        if configuration.averaging.averages(epoch: progress.epoch) {
            average.add(task.arena.values, count: task.arena.count, steps: progress.averagedSteps, kind: configuration.averaging)
            progress.averagedSteps += 1
        }
        progress.batch += 1
        progress.step += 1
        progress.epochLossSum += result.loss * Double(result.count)
        progress.epochCount = min(progress.epochCount.addingSaturating(result.count), TaskProgress.maxTokenCount)
        let seconds = TaskTrainer.seconds(clock.now - start)
        progress.tokensSinceValidation = min(progress.tokensSinceValidation.addingSaturating(result.tokens), TaskProgress.maxTokenCount)
        progress.secondsSinceValidation = min(progress.secondsSinceValidation + seconds, TaskProgress.maxSeconds)
        secondsPerStep = secondsPerStep.map { 0.9 * $0 + 0.1 * seconds } ?? seconds
        let perStep = secondsPerStep!
        return TrainingStepReport(
            epoch: progress.epoch, epochs: configuration.epochs, step: progress.step, totalSteps: totalSteps,
            update: progress.batch, updatesPerEpoch: task.batchesPerEpoch, loss: result.loss,
            epochLoss: progress.epochLossSum / Double(max(progress.epochCount, 1)),
            learningRate: learningRate, tokensPerSecond: Double(result.tokens) / max(perStep, 1e-9),
            secondsRemaining: Double(max(totalSteps - progress.step, 0)) * perStep)
    }

    /// Validates, records (with σ_max of every recurrent weight), anneals and applies early
    /// stopping (at an epoch end), and writes the checkpoints. Returns false if `shouldStop` interrupted the validation (nothing
    /// recorded).
    func validate(epochEnd: Bool, shouldStop: () -> Bool, events: (TaskTrainingEvent) -> Void) throws -> Bool {
        task.module.setTraining(false)
        guard let evaluation = try withAveragedWeights({ try evaluateSplit(.validation, shouldStop: shouldStop) }) else {
            return false
        }
        guard evaluation.loss.isFinite, !evaluation.score.isNaN else {
            throw RNNKitError("the validation loss became \(TaskTrainer.describe(evaluation.loss)) at step \(progress.step) (epoch \(progress.epoch)); stopped — \(lastCheckpointNote)")
        }
        let improved = evaluation.score > progress.bestScore
        var annealedFrom: Double? = nil
        if epochEnd {
            if evaluation.score > progress.bestEpochScore {
                progress.bestEpochScore = evaluation.score
                progress.epochsWithoutImprovement = 0
            } else {
                progress.epochsWithoutImprovement += 1
                if configuration.anneal > 0 {
                    annealedFrom = scheduledLearningRate
                    progress.learningRate /= configuration.anneal
                }
            }
        }
        var record = TaskMetricsRecord(
            epoch: progress.epoch, step: progress.step,
            trainLoss: progress.epochLossSum / Double(max(progress.epochCount, 1)), validLoss: evaluation.loss,
            validMetrics: evaluation.metrics.map { .init($0.name, $0.value) }, learningRate: progress.learningRate,
            tokensPerSecond: Double(progress.tokensSinceValidation) / max(progress.secondsSinceValidation, 1e-9),
            elapsedSeconds: elapsedSeconds, epochEnd: epochEnd)
        record.ranks = parallelism.communicator.size
        record.spectralNorms = task.arena.recurrentSpectralNorms()
        progress.lastValidationStep = progress.step
        progress.tokensSinceValidation = 0
        progress.secondsSinceValidation = 0
        if improved { progress.bestScore = evaluation.score }
        if epochEnd {
            progress.epoch += 1
            progress.batch = 0
            progress.epochLossSum = 0
            progress.epochCount = 0
            if configuration.patience > 0 && progress.epochsWithoutImprovement >= configuration.patience
                && progress.epoch <= configuration.epochs {
                progress.stoppedEarly = true
            }
        }
        record.learningRate = scheduledLearningRate               // the rate of the steps that follow
        events(.validation(record, improved: improved, annealedFrom: annealedFrom))
        if isRoot { try run.appendMetricLine(record.jsonLine) }
        history.append(record)
        if improved { try withAveragedWeights { try saveBest(evaluation) } }
        try saveLatest()
        if isRoot { try? run.writeLossCurve(history, title: title) }
        if progress.stoppedEarly { events(.stoppedEarly(epochs: progress.epochsWithoutImprovement)) }
        return true
    }

    /// Runs `body` with the weight average in the arena when there is one (the live weights are
    /// put back after): what validation measures and `best.safetensors` keeps.
    func withAveragedWeights<T>(_ body: () throws -> T) rethrows -> T {
        guard progress.averagedSteps > 0 else { return try body() }
        return try keepingLiveWeights {
            average.values.withUnsafeBufferPointer { task.arena.values.update(from: $0.baseAddress!, count: task.arena.count) }
            return try body()
        }
    }

    /// Runs `body`, which may load other weights into the arena, and puts the current ones back
    /// after it (also when it throws).
    func keepingLiveWeights<T>(_ body: () throws -> T) rethrows -> T {
        let arena = task.arena
        let live = Array(UnsafeBufferPointer(start: arena.values, count: arena.count))
        defer { live.withUnsafeBufferPointer { arena.values.update(from: $0.baseAddress!, count: arena.count) } }
        return try body()
    }

    /// The test evaluation of the best checkpoint, split among the ranks or shards as a
    /// validation is: rank 0 reads the best weights and gives them to every rank; every rank's
    /// current weights are restored after.
    func testBest(shouldStop: () -> Bool) throws -> TaskEvaluation? {
        try keepingLiveWeights {
            if isRoot && RunDirectory.exists(run.bestPath) {
                try SavedTaskModel.load(run.bestPath, kind: task.modelKind, version: task.modelVersion).loadWeights(into: task.arena)
            }
            try shareRootWeights()
            task.module.setTraining(false)
            return try evaluateSplit(.test, shouldStop: shouldStop)
        }
    }
}
