import ArgumentParser
import RNNKit

/// `rnn classify`: sentence classification (many-to-one).
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Sentence classification: train a recurrent classifier on label<TAB>text lines, predict, evaluate.",
        subcommands: [ClassifyTrainCommand.self, ClassifyPredictCommand.self, ClassifyEvalCommand.self])
}

/// `rnn classify train`.
struct ClassifyTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a sequence classifier (with no data arguments: on generated movie reviews whose label depends on word order and negation).",
        discussion: """
            Files hold one example per line, label<TAB>text (any label strings). Embedding → recurrent stack \
            (--bidirectional) → pooling (last, mean or max over time) → dropout → linear → softmax \
            cross-entropy, as SequenceClassifier in reference_models.py. Batches are bucketed by length \
            and shuffled per epoch from --seed. --out receives metrics.jsonl (valid_accuracy, valid_macro_f1, \
            tokens_per_s; test_accuracy at the end with --test), loss.svg, best.safetensors (highest \
            validation accuracy) and latest.safetensors.
            """)

    @OptionGroup(title: "Data") var data: TaskDataOptions
    @OptionGroup(title: "Model") var model: TaskModelOptions
    @Option(help: "How the outputs over time become one vector: last (final states), mean or max. (default: max)")
    var pooling: SequencePooling?
    @OptionGroup(title: "Optimization") var optimization: TaskOptimizationOptions
    @OptionGroup(title: "Bookkeeping") var bookkeeping: TaskBookkeepingOptions

    func run() throws {
        let runner = TaskTrainingRun(data: data, model: model, optimization: optimization, bookkeeping: bookkeeping, command: "classify")
        let trainer: TaskTrainer, task: ClassificationTask
        if bookkeeping.resume {
            try runner.checkResumeOptions()
            if pooling != nil { throw RNNKitError("--pooling cannot change when resuming") }
            let lock = try runner.lockForResume()
            let checkpoint = try TaskCheckpoint.read(runner.run, kind: ClassificationTask.kind)
            task = try ClassificationTask.resuming(checkpoint)
            trainer = try TaskTrainer(resuming: checkpoint, task: task, epochs: optimization.epochs,
                                      maxSteps: optimization.maxSteps, evalEvery: bookkeeping.evalEvery)
            trainer.runLock = lock
        } else {
            try runner.checkNewRun()
            let settings = data.settings(batch: optimization.batch, evalBatch: optimization.evalBatch)
            let loaded = try ClassificationData.load(train: data.train.map(absolutePath), valid: data.valid.map(absolutePath),
                                                     test: data.test.map(absolutePath), settings: settings)
            var loop = optimization.loop(defaultEpochs: 5)
            loop.evalEvery = bookkeeping.evalEvery ?? 0
            task = try ClassificationTask(data: loaded, model: model.configuration(pooling: pooling ?? .max),
                                          settings: settings, seed: loop.seed)
            trainer = try TaskTrainer(task: task, configuration: loop, run: runner.run)
        }
        let c = task.model.configuration
        let what = "training a \(c.numLayers)×\(c.hiddenSize) \(c.bidirectional ? "bidirectional " : "")\(c.cell.rawValue) classifier "
            + "(embedding \(c.embeddingSize), \(c.pooling.rawValue) pooling, \(thousands(Double(task.arena.parameterCount))) parameters) on "
            + "\(task.sources.train ?? "generated reviews"): \(task.exampleCounts.train) training and \(task.exampleCounts.valid) validation examples, "
            + "\(task.labels.count) labels (\(task.labels.symbols.prefix(8).joined(separator: ", "))), vocabulary of \(task.vocabulary.count)"
        try runner.train(trainer, summary: TaskTrainingRun.summary(resumingAt: bookkeeping.resume ? trainer.progress.step : nil,
                                                                   epoch: trainer.progress.epoch, what: what, trainer: trainer))
    }
}

/// `rnn classify predict`.
struct ClassifyPredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Print the label and its probability for each text (each argument, or each line of standard input).")

    @Option(help: ArgumentHelp("A run folder or checkpoint file of `rnn classify train`.", valueName: "dir"))
    var model: String
    @Argument(help: "Texts to classify; without any, lines are read from standard input.")
    var texts: [String] = []

    func run() throws {
        let classifier = try TrainedClassifier.load(model)
        var inputs = texts
        if inputs.isEmpty {
            while let line = readLine(strippingNewline: true) { inputs.append(line) }
        }
        for (text, result) in zip(inputs, try classifier.predict(inputs)) {
            print("\(result.label)\t\(fixed(result.probability, 4))\t\(text)")
        }
    }
}

/// `rnn classify eval`.
struct ClassifyEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a classifier on labelled examples: one JSON line with loss, accuracy, macro_f1 and the confusion matrix.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file of `rnn classify train`.", valueName: "dir"))
    var model: String
    @Option(help: ArgumentHelp("label<TAB>text lines.", valueName: "file"))
    var data: String

    func run() throws {
        let classifier = try TrainedClassifier.load(model)
        let examples = try LabeledTextFile.read(data, unit: classifier.settings.unit, lowercase: classifier.settings.lowercase)
        let e = try classifier.evaluate(examples, file: data)
        print(e.jsonLine(counting: "examples", examples.count, labels: classifier.labels.symbols))
    }
}
