import ArgumentParser
import RNNKit

/// `rnn seq2seq`: encoder–decoder with attention.
struct Seq2SeqCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seq2seq",
        abstract: "Sequence to sequence: train an encoder–decoder with attention on parallel files, translate, evaluate.",
        subcommands: [Seq2SeqTrainCommand.self, Seq2SeqTranslateCommand.self, Seq2SeqEvalCommand.self])
}

extension Seq2SeqConfiguration.AttentionKind: ExpressibleByArgument {}
extension Seq2SeqConfiguration.Score: ExpressibleByArgument {}
extension TeacherForcingGranularity: ExpressibleByArgument {}

/// `--scheduled-sampling`.
enum ScheduleOption: String, ExpressibleByArgument, CaseIterable {
    case constant, linear, exponential
    case inverseSigmoid = "inverse-sigmoid"
}

/// `rnn seq2seq train`.
struct Seq2SeqTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an encoder–decoder (with no data arguments: dates written many ways → ISO dates, character by character).",
        discussion: """
            Files hold one sequence per line, parallel line by line. The encoder (embedding → recurrent stack, \
            --bidirectional) reads the source; the decoder runs one step at a time from the encoder's final state \
            (through a bridge when bidirectional), attending over the encoder's outputs (--attention, --score), \
            as Seq2Seq in reference_models.py. Each step draws --batch pairs at random. Teacher forcing feeds the \
            true previous token with probability ε (--teacher-forcing, or a --scheduled-sampling schedule of the \
            step: linear max(--ss-min, k − c·i), exponential k^i, inverse-sigmoid k/(k + exp(i/k))), per token \
            or per sequence. Validation reports the teacher-forced loss and free-running greedy exact match \
            (valid_exact_match, which picks best.safetensors) and token accuracy; metrics.jsonl logs ε as \
            valid_teacher_forcing.
            """)

    @Option(help: ArgumentHelp("Source sequences, one per line. Default: generated dates.", valueName: "file")) var source: String?
    @Option(help: ArgumentHelp("Target sequences, line by line with --source.", valueName: "file")) var target: String?
    @Option(help: ArgumentHelp("Validation sources.", valueName: "file")) var validSource: String?
    @Option(help: ArgumentHelp("Validation targets.", valueName: "file")) var validTarget: String?
    @Option(parsing: .unconditional, help: "Share of the pairs (the last ones) held out for validation without validation files. (default: 0.1)")
    var validFraction: Double?
    @Option(help: "Tokens: whitespace-separated words or characters. (default: word; char for the generated dates)")
    var level: TaskLevelOption?
    @Option(help: "Read symbols seen fewer times in the training data as <unk>. (default: 1)") var minCount: Int?
    @Option(parsing: .unconditional, help: "Recurrent cell. (default: lstm)") var cell: CellOption?
    @Option(parsing: .unconditional, help: "Embedding width. (default: 64)") var embed: Int?
    @Option(parsing: .unconditional, help: "Hidden units per layer (and direction). (default: 256; 128 for the generated dates)") var hidden: Int?
    @Option(help: "Stacked layers of encoder and decoder. (default: 1)") var layers: Int?
    @Flag(help: "Also read the source backwards (a bridge maps the final states to the decoder's).") var bidirectional = false
    @Option(help: "Attention: none, bahdanau (previous state, context into the input) or luong (current state, input feeding). (default: luong)")
    var attention: Seq2SeqConfiguration.AttentionKind?
    @Option(parsing: .unconditional, help: "Attention score: dot, general or additive. (default: general)") var score: Seq2SeqConfiguration.Score?
    @Option(parsing: .unconditional, help: "Width of the additive score's hidden layer. (default: hidden)") var attentionSize: Int?
    @Option(parsing: .unconditional, help: "Dropout between stacked layers. (default: 0)") var dropout: Double?
    @Option(help: "Probability ε of feeding the true previous token (constant schedule). (default: 1)") var teacherForcing: Double?
    @Option(parsing: .unconditional, help: "Decay ε over the steps: constant, linear, exponential, inverse-sigmoid.") var scheduledSampling: ScheduleOption?
    @Option(parsing: .unconditional, help: "Schedule parameter k. (defaults: linear 1, exponential 0.9999, inverse-sigmoid 500)") var ssK: Double?
    @Option(parsing: .unconditional, help: "Linear schedule slope c. (default: 1e-4)") var ssC: Double?
    @Option(help: "Linear schedule floor. (default: 0)") var ssMin: Double?
    @Option(parsing: .unconditional, help: "Draw ε per token or per sequence. (default: token)") var ssGranularity: TeacherForcingGranularity?
    @Flag(help: "Where the true token is not fed, feed a token drawn from the model's softmax instead of its argmax.")
    var ssSample = false
    @Option(parsing: .unconditional, help: "Longest output of greedy validation. (default: 100)") var maxLength: Int?
    @Option(help: "Optimizer steps (each a batch of random pairs); overrides --epochs.") var steps: Int?
    @OptionGroup(title: "Optimization") var optimization: TaskOptimizationOptions
    @OptionGroup(title: "Bookkeeping") var bookkeeping: TaskBookkeepingOptions

    var schedule: TeacherForcingSchedule {
        switch scheduledSampling {
        case nil, .constant?: return .constant(teacherForcing ?? 1)
        case .linear?: return .linear(k: ssK ?? 1, c: ssC ?? 1e-4, minimum: ssMin ?? 0)
        case .exponential?: return .exponential(k: ssK ?? 0.9999)
        case .inverseSigmoid?: return .inverseSigmoid(k: ssK ?? 500)
        }
    }

    var settings: Seq2SeqSettings {
        var s = Seq2SeqSettings()
        s.unit = level?.unit ?? (source == nil ? .character : .word)
        if let v = minCount { s.minCount = v }
        s.batchSize = optimization.batch ?? 64
        if let v = optimization.evalBatch { s.evalBatchSize = v }
        if let v = validFraction { s.validFraction = v }
        if let v = maxLength { s.maxLength = v }
        s.sampling = ScheduledSampling(schedule: schedule, granularity: ssGranularity ?? .token, sample: ssSample)
        return s
    }

    var model: Seq2SeqConfiguration {
        Seq2SeqConfiguration(cell: cell?.kind ?? .lstm, sourceVocabularySize: 1, targetVocabularySize: 1, embeddingSize: embed ?? 64,
                             hiddenSize: hidden ?? (source == nil ? 128 : 256), numLayers: layers ?? 1, bidirectional: bidirectional,
                             attention: attention ?? .luong, score: score ?? .general, attentionSize: attentionSize, dropout: dropout ?? 0)
    }

    func validate() throws {
        if (source == nil) != (target == nil) { throw ValidationError("--source and --target come together") }
        if (validSource == nil) != (validTarget == nil) { throw ValidationError("--valid-source and --valid-target come together") }
        if validSource != nil && source == nil { throw ValidationError("validation files need --source and --target") }
        if validSource != nil && validFraction != nil { throw ValidationError("--valid-source and --valid-fraction contradict each other: give one") }
        if teacherForcing != nil && scheduledSampling != nil && scheduledSampling != .constant {
            throw ValidationError("--teacher-forcing sets a constant ε; --scheduled-sampling \(scheduledSampling!.rawValue) decays it: give one")
        }
        if let s = steps, s < 1 { throw ValidationError("--steps must be at least 1, got \(s)") }
        if let h = hidden, h < 1 { throw ValidationError("--hidden must be positive, got \(h)") }
        if let e = embed, e < 1 { throw ValidationError("--embed must be positive, got \(e)") }
        do {
            try settings.validate()
            var m = model
            m.sourceVocabularySize = 8; m.targetVocabularySize = 8
            try m.validate()
        } catch let error as RNNKitError {
            throw ValidationError(error.message)
        }
    }

    var otherOptionsGiven: Bool {
        source != nil || validSource != nil || validFraction != nil || level != nil || minCount != nil || cell != nil || embed != nil
            || hidden != nil || layers != nil || bidirectional || attention != nil || score != nil || attentionSize != nil
            || dropout != nil || teacherForcing != nil || scheduledSampling != nil || ssK != nil || ssC != nil || ssMin != nil
            || ssGranularity != nil || ssSample || maxLength != nil
    }

    func run() throws {
        let runner = TaskTrainingRun(otherOptionsGiven: otherOptionsGiven, optimization: optimization, bookkeeping: bookkeeping,
                                     command: "seq2seq")
        let trainer: TaskTrainer, task: Seq2SeqTask
        if bookkeeping.resume {
            try runner.checkResumeOptions()
            let lock = try runner.lockForResume()
            let checkpoint = try TaskCheckpoint.read(runner.run, kind: Seq2SeqTask.kind)
            task = try Seq2SeqTask.resuming(checkpoint)
            trainer = try TaskTrainer(resuming: checkpoint, task: task, epochs: optimization.epochs,
                                      maxSteps: steps ?? optimization.maxSteps, evalEvery: bookkeeping.evalEvery)
            trainer.runLock = lock
        } else {
            try runner.checkNewRun()
            let pairs = try Seq2SeqTask.loadPairs(source: source.map(absolutePath), target: target.map(absolutePath),
                                                  validSource: validSource.map(absolutePath), validTarget: validTarget.map(absolutePath),
                                                  settings: settings)
            var loop = optimization.loop(defaultEpochs: 10)
            let perEpoch = (pairs.train.count + settings.batchSize - 1) / settings.batchSize
            if let steps {
                loop.epochs = (steps + perEpoch - 1) / perEpoch
                loop.maxSteps = steps
            }
            if source == nil && optimization.epochs == nil && steps == nil {
                loop.epochs = 3
                loop.maxSteps = optimization.maxSteps ?? 800              // the built-in dates: 800 steps unless told
            }
            loop.evalEvery = bookkeeping.evalEvery ?? (source == nil && steps == nil ? 200 : 0)
            task = try Seq2SeqTask(train: pairs.train, valid: pairs.valid, sources: pairs.sources, model: model, settings: settings,
                                   seed: loop.seed)
            trainer = try TaskTrainer(task: task, configuration: loop, run: runner.run)
        }
        let c = task.model.configuration, s = task.settings
        let what = "training a \(c.numLayers)×\(c.hiddenSize) \(c.bidirectional ? "bidirectional " : "")\(c.cell.rawValue) encoder–decoder, "
            + "\(c.attention.rawValue) attention\(c.attention == .none ? "" : " (\(c.score.rawValue))") "
            + "(\(thousands(Double(task.arena.parameterCount))) parameters) on \(task.sources.source ?? "generated dates"): "
            + "\(task.pairCounts.train) training and \(task.pairCounts.valid) validation pairs, \(s.unit == .word ? "words" : "characters"), "
            + "vocabularies \(task.sourceVocabulary.count) → \(task.targetVocabulary.count); "
            + (s.sampling.isTeacherForcing ? "teacher forcing" : "scheduled sampling \(s.sampling.schedule.name) per \(s.sampling.granularity.rawValue)")
        try runner.train(trainer, summary: TaskTrainingRun.summary(resumingAt: bookkeeping.resume ? trainer.progress.step : nil,
                                                                   epoch: trainer.progress.epoch, what: what, trainer: trainer),
                         hint: "rnn seq2seq translate --model \(runner.run.path) \"...\"")
        guard task.sources.source == nil else { return }
        // The generated task: show a few translations and their attention maps.
        let trained = try TrainedSeq2Seq.load(runner.run.path)
        let examples = ["3 march 1997", "tuesday, july 14 2026", "12/25/49"]
        var options = BeamSearchOptions(beamSize: 1)
        options.maxLength = 20
        let results = try trained.translate(try examples.map { try trained.tokens($0) }, options: options)
        for (k, (text, result)) in zip(examples, results).enumerated() {
            guard let best = result.first else { continue }
            var line = "\(text) → \(best.tokens.joined())"
            if let weights = best.attention {
                let path = runner.run.file("attention-\(k + 1).svg")
                let output = best.tokens + (weights.count > best.tokens.count ? ["<eos>"] : [])
                try writeTextFile(try AttentionMap.svg(source: best.source, output: output, weights: weights,
                                                   title: "\(text) → \(best.tokens.joined())"), to: path)
                line += "   (attention: \(path))"
            }
            print(line)
        }
    }
}

/// `--length-penalty`.
enum LengthPenaltyOption: String, ExpressibleByArgument, CaseIterable {
    case none, avg, wu
}

/// The decoding options of `translate` and `eval`.
struct DecodingOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Beam size; 1 is greedy. (default: 1)") var beam: Int?
    @Option(parsing: .unconditional, help: "Hypotheses printed per input, best first (at most --beam). (default: 1)") var nBest: Int?
    @Option(parsing: .unconditional, help: "Longest output, in tokens. (default: 100)") var maxLength: Int?
    @Option(help: "Shortest output: <eos> is forbidden before it. (default: 0)") var minLength: Int?
    @Option(help: "Length penalty of finished hypotheses: none, avg (len^α) or wu (((5+len)/6)^α). (default: none)")
    var lengthPenalty: LengthPenaltyOption?
    @Option(parsing: .unconditional, help: "α of the length penalty. (default: 1)") var alpha: Double?
    @Option(help: "Forbid repeating any n-gram of this size; 0 never. (default: 0)") var blockNgramRepeat: Int?

    var options: BeamSearchOptions {
        var o = BeamSearchOptions(beamSize: beam ?? 1, nBest: nBest ?? 1, maxLength: maxLength ?? 100)
        if let v = minLength { o.minLength = v }
        switch lengthPenalty ?? .none {
        case .none: o.lengthPenalty = .none
        case .avg: o.lengthPenalty = .average(alpha: alpha ?? 1)
        case .wu: o.lengthPenalty = .wu(alpha: alpha ?? 1)
        }
        if let v = blockNgramRepeat { o.blockNgramRepeat = v }
        return o
    }

    func validate() throws {
        if let b = beam, b < 1 { throw ValidationError("--beam must be at least 1, got \(b)") }
        if let m = maxLength, m < 1 { throw ValidationError("--max-length must be at least 1, got \(m)") }
        do { try options.validate() } catch let error as RNNKitError { throw ValidationError(error.message) }
    }
}

/// `rnn seq2seq translate`.
struct Seq2SeqTranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate each text (each argument, or each line of standard input): the output tokens, and with --n-best the score of each.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file of `rnn seq2seq train`.", valueName: "dir")) var model: String
    @OptionGroup(title: "Decoding") var decoding: DecodingOptions
    @Option(help: ArgumentHelp("Draw the attention of each output step over the source as an SVG heatmap (FILE, or FILE-2.svg … for more inputs).", valueName: "file"))
    var attentionMap: String?
    @Argument(help: "Texts to translate; without any, lines are read from standard input.") var texts: [String] = []

    func run() throws {
        let trained = try TrainedSeq2Seq.load(model)
        var inputs = texts
        if inputs.isEmpty { while let line = readLine(strippingNewline: true) { inputs.append(line) } }
        let sequences = try inputs.enumerated().map { try trained.tokens($1, name: "text \($0 + 1)") }
        let results = try trained.translate(sequences, options: decoding.options)
        let separator = trained.settings.unit == .word ? " " : ""
        var stderr = StandardError()
        for (k, result) in results.enumerated() {
            if let unknown = result.first?.unknownCount, unknown > 0 {
                print("text \(k + 1): \(unknown) source symbol\(unknown == 1 ? "" : "s") unseen in training, read as <unk>", to: &stderr)
            }
            for h in result {
                print(decoding.nBest ?? 1 > 1 ? "\(fixed(h.score, 4))\t\(h.tokens.joined(separator: separator))" : h.tokens.joined(separator: separator))
            }
            if let file = attentionMap, let best = result.first {
                guard let weights = best.attention else { throw RNNKitError("the model has no attention to draw (--attention none)") }
                let path = k == 0 ? file : (file.hasSuffix(".svg") ? String(file.dropLast(4)) : file) + "-\(k + 1).svg"
                let output = best.tokens + (weights.count > best.tokens.count ? ["<eos>"] : [])
                try writeTextFile(try AttentionMap.svg(source: best.source, output: output, weights: weights,
                                                       title: inputs[k]), to: path)
                print("attention map: \(path)", to: &stderr)
            }
        }
    }
}

/// `rnn seq2seq eval`.
struct Seq2SeqEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Translate a source file and compare with its target file: one JSON line with exact_match, token_accuracy, bleu (corpus BLEU-4 as sacrebleu computes it on the tokens) and count.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file of `rnn seq2seq train`.", valueName: "dir")) var model: String
    @Option(help: ArgumentHelp("Source sequences, one per line.", valueName: "file")) var source: String
    @Option(help: ArgumentHelp("Reference target sequences, line by line.", valueName: "file")) var target: String
    @OptionGroup(title: "Decoding") var decoding: DecodingOptions

    func run() throws {
        let trained = try TrainedSeq2Seq.load(model)
        let pairs = try ParallelText.read(source: source, target: target, unit: trained.settings.unit)
        print(try trained.evaluate(sources: pairs.sources, references: pairs.targets, options: decoding.options))
    }
}
