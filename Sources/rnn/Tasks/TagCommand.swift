import ArgumentParser
import RNNKit

/// `rnn tag`: sequence tagging (many-to-many).
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Sequence tagging: train a recurrent tagger on CoNLL columns, predict, evaluate (conlleval chunk F1).",
        subcommands: [TagTrainCommand.self, TagPredictCommand.self, TagEvalCommand.self])
}

/// `rnn tag train`.
struct TagTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a sequence tagger (with no data arguments: on generated chunking sentences with noun/verb-ambiguous words).",
        discussion: """
            Files are CoNLL columns: one token per line, whitespace-separated columns, the word first and the \
            tag in --tag-column (default: the last), a blank line between sentences. Embedding → recurrent \
            stack (--bidirectional) → dropout → linear at every token → softmax cross-entropy over the real \
            tokens, as SequenceTagger in reference_models.py. Validation reports conlleval's chunk F1 (IOB1/IOB2) \
            and token accuracy; best.safetensors has the highest validation F1.
            """)

    @OptionGroup(title: "Data") var data: TaskDataOptions
    @Option(parsing: .unconditional, help: "The column holding the tag (1-based). (default: the last column)")
    var tagColumn: Int?
    @OptionGroup(title: "Model") var model: TaskModelOptions
    @OptionGroup(title: "Optimization") var optimization: TaskOptimizationOptions
    @OptionGroup(title: "Bookkeeping") var bookkeeping: TaskBookkeepingOptions

    func validate() throws {
        if let c = tagColumn, c < 2 { throw ValidationError("--tag-column must be at least 2 (column 1 holds the word), got \(c)") }
        if data.level == .char { throw ValidationError("--level char does not apply to tagging: CoNLL files hold one word per line") }
    }

    func run() throws {
        let runner = TaskTrainingRun(data: data, model: model, optimization: optimization, bookkeeping: bookkeeping, command: "tag")
        let trainer: TaskTrainer, task: TaggingTask
        if bookkeeping.resume {
            try runner.checkResumeOptions()
            if tagColumn != nil { throw RNNKitError("--tag-column cannot change when resuming") }
            let lock = try runner.lockForResume()
            let checkpoint = try TaskCheckpoint.read(runner.run, kind: TaggingTask.kind)
            task = try TaggingTask.resuming(checkpoint)
            trainer = try TaskTrainer(resuming: checkpoint, task: task, epochs: optimization.epochs,
                                      maxSteps: optimization.maxSteps, evalEvery: bookkeeping.evalEvery)
            trainer.runLock = lock
        } else {
            try runner.checkNewRun()
            let settings = data.settings(batch: optimization.batch, evalBatch: optimization.evalBatch)
            let loaded = try TaggingData.load(train: data.train.map(absolutePath), valid: data.valid.map(absolutePath),
                                              test: data.test.map(absolutePath), tagColumn: tagColumn, settings: settings)
            var loop = optimization.loop(defaultEpochs: 8)
            loop.evalEvery = bookkeeping.evalEvery ?? 0
            task = try TaggingTask(data: loaded, model: model.configuration(pooling: .last), settings: settings,
                                   tagColumn: tagColumn, seed: loop.seed)
            trainer = try TaskTrainer(task: task, configuration: loop, run: runner.run)
        }
        let c = task.model.configuration
        let what = "training a \(c.numLayers)×\(c.hiddenSize) \(c.bidirectional ? "bidirectional " : "")\(c.cell.rawValue) tagger "
            + "(embedding \(c.embeddingSize), \(thousands(Double(task.arena.parameterCount))) parameters) on "
            + "\(task.sources.train ?? "generated chunking sentences"): \(task.exampleCounts.train) training and \(task.exampleCounts.valid) validation sentences, "
            + "\(task.tags.count) tags, vocabulary of \(task.vocabulary.count)"
        try runner.train(trainer, summary: TaskTrainingRun.summary(resumingAt: bookkeeping.resume ? trainer.progress.step : nil,
                                                                   epoch: trainer.progress.epoch, what: what, trainer: trainer))
    }
}

/// `rnn tag predict`.
struct TagPredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Tag tokens: one token per line (the first column is read), a blank line between sentences; prints CoNLL columns word<TAB>tag.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file of `rnn tag train`.", valueName: "dir"))
    var model: String
    @Option(help: ArgumentHelp("Input file. Default: standard input.", valueName: "file"))
    var input: String?

    func run() throws {
        let tagger = try TrainedTagger.load(model)
        let text: String
        if let input {
            text = try TextFile.read(input)
        } else {
            var lines: [String] = []
            while let line = readLine(strippingNewline: true) { lines.append(line) }
            text = lines.joined(separator: "\n")
        }
        let sentences = try ConllFile.parseWords(text: text, path: input ?? "(standard input)", lowercase: false)
        for (words, tags) in zip(sentences, try tagger.predict(sentences)) {
            for (word, tag) in zip(words, tags) { print("\(word)\t\(tag)") }
            print("")
        }
    }
}

/// `rnn tag eval`.
struct TagEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a tagger on CoNLL columns: one JSON line with loss, f1, accuracy, precision, recall (percentages) and per-type F1.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file of `rnn tag train`.", valueName: "dir"))
    var model: String
    @Option(help: ArgumentHelp("CoNLL file.", valueName: "file"))
    var data: String
    @Option(parsing: .unconditional, help: "The column holding the tag (1-based). (default: the model's)")
    var tagColumn: Int?

    func run() throws {
        let tagger = try TrainedTagger.load(model)
        let sentences = try ConllFile.read(data, tagColumn: tagColumn ?? tagger.tagColumn, lowercase: tagger.settings.lowercase)
        let e = try tagger.evaluate(sentences, file: data)
        print(e.jsonLine(counting: "sentences", sentences.count, labels: tagger.tags.symbols))
    }
}
