// The training loop: steps, validations (mid-epoch every `evalEvery` steps and at each epoch
// end), annealing, checkpoints, and the final test.

extension Trainer {
    /// Trains until every epoch (or `maxSteps`) has run, writing the run folder as it goes.
    ///
    /// A new run first writes a checkpoint of the initial model. After each validation it
    /// appends to `metrics.jsonl`, writes `best.safetensors` if the loss improved, writes
    /// `latest.safetensors` and redraws `loss.svg`. At the end the best model is evaluated on
    /// the test text, if any.
    /// - Parameters:
    ///   - shouldStop: asked before every step and every validation chunk; when it returns
    ///     true the latest checkpoint is written and `train` returns `.interrupted`.
    ///   - events: called after each step and validation.
    /// - Throws: `RNNKitError` if a file cannot be written, or the loss stops being finite
    ///   (the message names the step; no checkpoint is written after it).
    @discardableResult
    public func train(shouldStop: () -> Bool = { false },
                      events: (TrainingEvent) -> Void = { _ in }) throws -> TrainingOutcome {
        try run.create()
        elapsedAtSessionStart = progress.elapsedSeconds
        sessionStart = clock.now
        if lastCheckpointStep < 0 {
            try run.writeMetrics([])
            try saveLatest()
        } else {
            try run.writeMetrics(history)                 // drop lines written after the checkpoint
        }
        let maxSteps = configuration.maxSteps ?? Int.max
        while !isComplete {
            if progress.update < schedule.updates && progress.step < maxSteps {
                if shouldStop() { return try interrupted() }
                events(.step(try trainStep()))
                let every = configuration.evalEvery
                if every > 0 && progress.step % every == 0 && progress.update < schedule.updates {
                    guard try validate(epochEnd: false, shouldStop: shouldStop, events: events) else { return try interrupted() }
                }
            } else if progress.update >= schedule.updates {
                guard try validate(epochEnd: true, shouldStop: shouldStop, events: events) else { return try interrupted() }
            } else {
                guard try validate(epochEnd: false, shouldStop: shouldStop, events: events) else { return try interrupted() }
            }
        }
        if let testStream, let last = history.last, let loss = try testBestModel(testStream, shouldStop: shouldStop) {
            var record = last
            record.validLoss = progress.bestValidLoss
            record.testLoss = loss
            record.elapsedSeconds = elapsedSeconds
            try run.appendMetrics(record)
            events(.test(loss: loss))
        }
        return .completed
    }

    private func interrupted() throws -> TrainingOutcome {
        try saveLatest()
        return .interrupted
    }

    /// One TBPTT update: the window's forward and backward, clipping, the optimizer step, and
    /// the state carried to the next window.
    func trainStep() throws -> TrainingStepReport {
        let start = clock.now
        let s = progress.update, B = configuration.batch
        let window = schedule.window(s)
        let (inputs, targets) = trainStream.chunk(start: window.start, count: window.count, ignored: window.context)
        model.isTraining = true
        model.arena.zeroGradients()
        let (loss, finalState) = model.lossAndGradients(inputs: inputs, targets: targets, steps: window.count,
                                                        batch: B, initialState: progress.carriedState)
        guard loss.isFinite else {
            throw RNNKitError("the training loss became \(Self.describe(Double(loss))) at step \(progress.step + 1) (epoch \(progress.epoch)); stopped — \(lastCheckpointNote)")
        }
        if configuration.clip > 0 { clipGradientNorm(model.arena, maxNorm: Float(configuration.clip)) }
        optimizer.step(model.arena)
        if s + 1 < schedule.updates {
            let offset = schedule.carryOffset(after: s)
            progress.carriedState = offset == window.count ? finalState : model.rnn.state(enteringStep: offset)
        } else {
            progress.carriedState = nil
        }
        progress.update += 1
        progress.step += 1
        let tokens = window.trained * B
        progress.epochLossSum += Double(loss) * Double(tokens)
        progress.epochTokens += tokens
        let seconds = Self.seconds(clock.now - start)
        progress.tokensSinceValidation += tokens
        progress.secondsSinceValidation += seconds
        secondsPerUpdate = secondsPerUpdate.map { 0.9 * $0 + 0.1 * seconds } ?? seconds
        let perUpdate = secondsPerUpdate!
        return TrainingStepReport(
            epoch: progress.epoch, epochs: configuration.epochs, step: progress.step, totalSteps: totalSteps,
            update: progress.update, updatesPerEpoch: schedule.updates, loss: Double(loss),
            epochLoss: progress.epochLossSum / Double(max(progress.epochTokens, 1)),
            learningRate: progress.learningRate, tokensPerSecond: Double(tokens) / max(perUpdate, 1e-9),
            secondsRemaining: Double(max(totalSteps - progress.step, 0)) * perUpdate)
    }

    /// Validates, records, anneals (at an epoch end) and writes the checkpoints. Returns false
    /// if `shouldStop` interrupted the validation (nothing recorded).
    func validate(epochEnd: Bool, shouldStop: () -> Bool, events: (TrainingEvent) -> Void) throws -> Bool {
        guard let (loss, _) = model.meanLoss(on: validStream, bptt: configuration.bptt, shouldStop: shouldStop) else {
            return false
        }
        guard loss.isFinite else {
            throw RNNKitError("the validation loss became \(Self.describe(loss)) at step \(progress.step) (epoch \(progress.epoch)); stopped — \(lastCheckpointNote)")
        }
        let improved = loss < progress.bestValidLoss
        var annealedFrom: Double? = nil
        if epochEnd {
            if loss < progress.bestEpochValidLoss {
                progress.bestEpochValidLoss = loss
            } else if configuration.anneal > 0 {
                annealedFrom = progress.learningRate
                progress.learningRate /= configuration.anneal
                optimizer.learningRate = progress.learningRate
            }
        }
        let record = MetricsRecord(
            epoch: progress.epoch, step: progress.step,
            trainLoss: progress.epochLossSum / Double(max(progress.epochTokens, 1)), validLoss: loss,
            learningRate: progress.learningRate,
            tokensPerSecond: Double(progress.tokensSinceValidation) / max(progress.secondsSinceValidation, 1e-9),
            elapsedSeconds: elapsedSeconds, epochEnd: epochEnd)
        progress.lastValidationStep = progress.step
        progress.tokensSinceValidation = 0
        progress.secondsSinceValidation = 0
        if improved { progress.bestValidLoss = loss }
        if epochEnd {
            progress.epoch += 1
            progress.update = 0
            progress.carriedState = nil
            progress.epochLossSum = 0
            progress.epochTokens = 0
        }
        events(.validation(record, improved: improved, annealedFrom: annealedFrom))
        try run.appendMetrics(record)
        history.append(record)
        if improved { try saveBest(validLoss: loss) }
        try saveLatest()
        try? run.writeLossCurve(history, title: "RNNKit \(model.configuration.cell.rawValue) language model: loss")
        return true
    }

    /// "NaN", "inf" or the number.
    static func describe(_ x: Double) -> String {
        x.isNaN ? "NaN" : x.isInfinite ? (x > 0 ? "inf" : "-inf") : "\(x)"
    }

    /// The mean test loss of the best model (read back from `best.safetensors`).
    func testBestModel(_ stream: BatchedTokens, shouldStop: () -> Bool) throws -> Double? {
        let best = RunDirectory.exists(run.bestPath) ? try SavedModel.load(run.bestPath).model : model
        return best.meanLoss(on: stream, bptt: configuration.bptt, shouldStop: shouldStop)?.loss
    }
}
