import ArgumentParser
import RNNKit

/// `rnn caption`: describe images with a visual-attention LSTM.
struct CaptionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caption",
        abstract: "Image captioning with visual attention: train a CNN + attention LSTM, describe images, evaluate.",
        subcommands: [CaptionTrainCommand.self, CaptionDescribeCommand.self, CaptionEvalCommand.self])
}

/// `--data`.
enum CaptionDataOption: String, ExpressibleByArgument, CaseIterable {
    case shapes
    case fashionGrid = "fashion-grid"
}

/// Which images a caption command reads.
struct CaptionDataOptions: ParsableArguments {
    @Option(help: "Generated data: shapes (drawn by RNNKit) or fashion-grid (2 × 2 grids of Fashion-MNIST items). (default: shapes)")
    var data: CaptionDataOption?
    @Option(help: ArgumentHelp("Images (N, C, H, W) as one float32 or uint8 tensor in a safetensors file.", valueName: "file"))
    var images: String?
    @Option(help: ArgumentHelp("Annotation vectors (N, P, D) from any CNN, one float32 tensor in a safetensors file, instead of images: the captioner then skips its own CNN.", valueName: "file"))
    var features: String?
    @Option(help: ArgumentHelp("Captions, one line per image of --images (or per set of --features).", valueName: "file"))
    var captions: String?
    @Option(help: ArgumentHelp("The Fashion-MNIST IDX files. (default: /usr/share/datasets/fashion-mnist)", valueName: "dir"))
    var fashionMnist: String?
    @Option(parsing: .unconditional, help: "Training images to generate. (default: 20,000 grids; 10,000 shapes)") var trainSize: Int?
    @Option(parsing: .unconditional, help: "Validation images to generate. (default: 2,000)") var validSize: Int?
    @Option(parsing: .unconditional, help: "Share of --images (the last ones) held out for validation. (default: 0.1)") var validFraction: Double?

    var anyGiven: Bool {
        data != nil || images != nil || features != nil || captions != nil || fashionMnist != nil || trainSize != nil
            || validSize != nil || validFraction != nil
    }

    /// --images or --features.
    var files: String? { images ?? features }

    func validate() throws {
        if images != nil && features != nil { throw ValidationError("--images and --features contradict each other: give one") }
        if (files == nil) != (captions == nil) { throw ValidationError("--images (or --features) and --captions come together") }
        if files != nil && (data != nil || fashionMnist != nil || trainSize != nil || validSize != nil) {
            throw ValidationError("--images/--features/--captions and --data/--fashion-mnist/--train-size/--valid-size contradict each other: give one kind of data")
        }
        if files == nil && validFraction != nil { throw ValidationError("--valid-fraction applies to --images and --features") }
        if fashionMnist != nil && data != .fashionGrid { throw ValidationError("--fashion-mnist needs --data fashion-grid") }
        for (name, value) in [("--train-size", trainSize), ("--valid-size", validSize)] {
            if let v = value, !(1...10_000_000).contains(v) { throw ValidationError("\(name) must be in 1...10000000, got \(v)") }
        }
        if let f = validFraction, !(f > 0 && f < 1) { throw ValidationError("--valid-fraction must be between 0 and 1 (exclusive), got \(f)") }
    }

    /// The data source these options name.
    var source: CaptionDataSource {
        if let features, let captions {
            return .features(features: absolutePath(features), captions: absolutePath(captions), validFraction: validFraction ?? 0.1)
        }
        if let images, let captions {
            return .files(images: absolutePath(images), captions: absolutePath(captions), validFraction: validFraction ?? 0.1)
        }
        if data == .fashionGrid {
            return .fashionGrid(directory: absolutePath(fashionMnist ?? FashionMNIST.defaultDirectory), train: trainSize ?? 20_000,
                                valid: validSize ?? 2_000)
        }
        return .shapes(train: trainSize ?? 10_000, valid: validSize ?? 2_000)
    }

    /// Whether these options name the built-in shapes (given nothing, or --data shapes).
    var isShapes: Bool { files == nil && data != .fashionGrid }
}

/// `rnn caption train`.
struct CaptionTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a captioner (with no data arguments: coloured shapes RNNKit draws itself, a couple of minutes).",
        discussion: """
            The model is Captioner in reference_models.py ("Show, Attend and Tell"): two coordinate channels are \
            appended to each image, conv1 → ReLU → 2×2 max pool → conv2 → ReLU → 2×2 max pool gives a grid of \
            annotation vectors; an LSTM cell writes the caption word by word, attending over the grid (additive \
            attention, β gate). Loss: cross-entropy + --doubly-stochastic λ · Σ_p (1 − Σ_t α_t,p)². Each epoch \
            visits the training images in a shuffled order. Validation reports the teacher-forced loss and, from \
            greedy captions, exact_match (picks best.safetensors), token_accuracy, bleu and localization (the share \
            of words whose attention peak lies on the item they name). Defaults: the fashion grid and files train             15 epochs with λ 1 and Adam lr 0.001 (torch_tasks.py caption's settings); the built-in shapes 10 epochs             of 10,000 images with λ 0.1 and lr 0.003 (about a minute).
            """)

    @OptionGroup(title: "Data") var data: CaptionDataOptions
    @Option(parsing: .unconditional, help: "Channels of the first convolution. (default: 16)") var conv1: Int?
    @Option(parsing: .unconditional, help: "Channels of the second convolution (the annotation width). (default: 32)") var conv2: Int?
    @Option(parsing: .unconditional, help: "A deeper CNN than the twin's: channels of a third 3×3 convolution + ReLU on the annotation grid (no pooling); they become the annotation width. (default: none)") var conv3: Int?
    @Option(parsing: .unconditional, help: "Deeper still: channels of a fourth 3×3 convolution + ReLU after --conv3's, on the same grid; they become the annotation width. (default: none)") var conv4: Int?
    @Option(parsing: .unconditional, help: "A fifth, after --conv4's. (default: none)") var conv5: Int?
    @Option(parsing: .unconditional, help: "Word embedding width. (default: 32)") var embed: Int?
    @Option(parsing: .unconditional, help: "LSTM hidden units. (default: 128)") var hidden: Int?
    @Option(parsing: .unconditional, help: "Width of the attention's hidden layer. (default: 64)") var attentionSize: Int?
    @Option(parsing: .unconditional, help: "λ of the doubly stochastic attention regularizer. (default: 1; shapes 0.1)") var doublyStochastic: Double?
    @Option(parsing: .unconditional, help: "Longest caption of greedy validation. (default: 10)") var maxLength: Int?
    @OptionGroup(title: "Optimization") var optimization: TaskOptimizationOptions
    @OptionGroup(title: "Bookkeeping") var bookkeeping: TaskBookkeepingOptions

    // The built-in shapes' defaults, chosen so that the run with no arguments learns in about a
    // minute (BENCHMARKS.md): 5–6 words against 64 attention cells, where λ = 1 would be nearly
    // all of the loss; the fashion grid and files keep the twin's λ = 1 and lr 0.001.
    static let shapesDoublyStochastic = 0.1
    static let shapesLearningRate = 0.003

    var model: CaptionerConfiguration {
        CaptionerConfiguration(encoder: data.features != nil ? .features(size: 1)           // D: set from the file
                                   : .cnn(channels: 1, conv1: conv1 ?? 16, conv2: conv2 ?? 32), vocabularySize: 2,
                               embeddingSize: embed ?? 32, hiddenSize: hidden ?? 128, attentionSize: attentionSize ?? 64,
                               doublyStochastic: doublyStochastic ?? (data.isShapes ? Self.shapesDoublyStochastic : 1),
                               extraConvolutions: [conv3, conv4, conv5].compactMap { $0 })
    }

    var settings: CaptionSettings {
        var s = CaptionSettings()
        s.batchSize = optimization.batch ?? 64
        if let v = optimization.evalBatch { s.evalBatchSize = v }
        if let v = maxLength { s.maxLength = v }
        return s
    }

    func validate() throws {
        if data.features != nil && (conv1 != nil || conv2 != nil || conv3 != nil || conv4 != nil || conv5 != nil) {
            throw ValidationError("--conv1 … --conv5 size the built-in CNN, which --features replaces")
        }
        if conv4 != nil && conv3 == nil { throw ValidationError("--conv4 follows --conv3: give both") }
        if conv5 != nil && conv4 == nil { throw ValidationError("--conv5 follows --conv4: give both") }
        do {
            try settings.validate()
            try model.validate()
        } catch let error as RNNKitError {
            throw ValidationError(error.message)
        }
    }

    var otherOptionsGiven: Bool {
        data.anyGiven || conv1 != nil || conv2 != nil || conv3 != nil || conv4 != nil || conv5 != nil || embed != nil || hidden != nil || attentionSize != nil
            || doublyStochastic != nil || maxLength != nil
    }

    func run() throws {
        let runner = TaskTrainingRun(otherOptionsGiven: otherOptionsGiven, optimization: optimization, bookkeeping: bookkeeping,
                                     command: "caption")
        let trainer: TaskTrainer, task: CaptionTask
        if bookkeeping.resume {
            try runner.checkResumeOptions()
            let lock = try runner.lockForResume()
            let checkpoint = try TaskCheckpoint.read(runner.run, kind: CaptionTask.kind)
            task = try CaptionTask.resuming(checkpoint)
            trainer = try TaskTrainer(resuming: checkpoint, task: task, epochs: optimization.epochs,
                                      maxSteps: optimization.maxSteps, evalEvery: bookkeeping.evalEvery)
            trainer.runLock = lock
        } else {
            try runner.checkNewRun()
            var loop = optimization.loop(defaultEpochs: data.isShapes ? 10 : 15)
            if optimization.clip == nil { loop.clip = 5 }
            if data.isShapes && optimization.lr == nil && optimization.optimizer == nil { loop.learningRate = Self.shapesLearningRate }
            loop.evalEvery = bookkeeping.evalEvery ?? 0
            let source = data.source
            let (train, valid) = try source.load(seed: loop.seed)
            task = try CaptionTask(train: train, valid: valid, source: source, model: model, settings: settings, seed: loop.seed)
            trainer = try TaskTrainer(task: task, configuration: loop, run: runner.run)
        }
        let c = task.model.configuration
        var what = "training a captioner"
        if case let .cnn(channels, c1, c2) = c.encoder {
            what += " (CNN \(channels)+2 → \(c1) → \(c2)" + c.extraConvolutions.map { " → \($0)" }.joined()
        } else { what += " (given features" }
        what += ", embedding \(c.embeddingSize), LSTM \(c.hiddenSize), attention \(c.attentionSize), λ \(c.doublyStochastic); "
            + "\(thousands(Double(task.arena.parameterCount))) parameters) on \(task.imageCounts.train) training and "
            + "\(task.imageCounts.valid) validation images; vocabulary \(task.vocabulary.count)"
        try runner.train(trainer, summary: TaskTrainingRun.summary(resumingAt: bookkeeping.resume ? trainer.progress.step : nil,
                                                                   epoch: trainer.progress.epoch, what: what, trainer: trainer),
                         hint: "rnn caption describe --model \(runner.run.path) --image-index 0 --attention-map attention.svg")
        // One attention map of a validation image, from the best model (annotation vectors have no image).
        let trained = try TrainedCaptioner.load(runner.run.path)
        let (_, valid) = try trained.source.load(seed: trained.seed)
        let described = try trained.describe(valid, indices: [0])[0]
        guard !trained.source.isFeatures else {
            print("validation set 0 → \(described.words.joined(separator: " "))")
            return
        }
        let path = runner.run.file("attention.svg")
        try writeTextFile(try ImageAttentionMap.svg(images: valid, index: 0, words: mapWords(described),
                                                    attention: described.attention,
                                                    grid: Captioner<Float>.annotationGrid(height: valid.height, width: valid.width),
                                                    title: "validation image 0: \(described.words.joined(separator: " ")) (reference: \(valid.captions[0].joined(separator: " ")))"),
                          to: path)
        print("validation image 0 → \(described.words.joined(separator: " "))   (attention: \(path))")
    }
}

/// `rnn caption describe`.
struct CaptionDescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Caption images of the run's validation set (or of --images) and draw where each word looked.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file of `rnn caption train`.", valueName: "dir")) var model: String
    @Option(help: ArgumentHelp("Images (N, C, H, W) in a safetensors file; default: the run's validation images.", valueName: "file"))
    var images: String?
    @Option(help: ArgumentHelp("Annotation vectors (N, P, D) in a safetensors file, for a model trained on --features.", valueName: "file"))
    var features: String?
    @Option(help: ArgumentHelp("Captions of --images (or --features), one per line.", valueName: "file")) var captions: String?
    @Option(parsing: .unconditional, help: "Which image (0-based). (default: 0)") var imageIndex: Int?
    @Option(help: ArgumentHelp("Write the image with each word's attention over it as an SVG.", valueName: "file")) var attentionMap: String?

    func validate() throws {
        if images != nil && features != nil { throw ValidationError("--images and --features contradict each other: give one") }
        if ((images ?? features) == nil) != (captions == nil) { throw ValidationError("--images (or --features) and --captions come together") }
    }

    func run() throws {
        let trained = try TrainedCaptioner.load(model)
        if attentionMap != nil && trained.source.isFeatures {
            throw RNNKitError("the model reads annotation vectors (--features): there is no image to draw its attention over")
        }
        let set: CaptionedImages
        if let images, let captions { set = try CaptionFiles.read(images: images, captions: captions) }
        else if let features, let captions { set = try CaptionFiles.readFeatures(features: features, captions: captions) }
        else { set = try trained.source.load(seed: trained.seed).valid }
        let index = imageIndex ?? 0
        guard (0..<set.count).contains(index) else {
            throw RNNKitError("the image index \(index) is out of range: there are \(set.count) images (0...\(set.count - 1))")
        }
        let d = try trained.describe(set, indices: [index])[0]
        print(d.words.joined(separator: " "))
        if let attentionMap {
            try writeTextFile(try ImageAttentionMap.svg(images: set, index: index, words: mapWords(d), attention: d.attention,
                                                        grid: Captioner<Float>.annotationGrid(height: set.height, width: set.width),
                                                        title: "image \(index): \(d.words.joined(separator: " "))"), to: attentionMap)
            var stderr = StandardError()
            print("attention map: \(attentionMap)", to: &stderr)
        }
    }
}

/// `rnn caption eval`.
struct CaptionEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Greedy captions of a data set against its references: one JSON line with exact_match, token_accuracy, bleu, localization (grounded data), loss and count.",
        discussion: "With no data options: the run's own validation set; with --images and --captions, every image of the files; with --data, the validation images it generates.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file of `rnn caption train`.", valueName: "dir")) var model: String
    @OptionGroup(title: "Data") var data: CaptionDataOptions

    func run() throws {
        let trained = try TrainedCaptioner.load(model)
        let set: CaptionedImages
        if let images = data.images, let captions = data.captions {
            set = try CaptionFiles.read(images: images, captions: captions)               // every image of the files
        } else if let features = data.features, let captions = data.captions {
            set = try CaptionFiles.readFeatures(features: features, captions: captions)
        } else {
            set = try (data.anyGiven ? data.source : trained.source).load(seed: trained.seed).valid
        }
        print(try trained.evaluate(set))
    }
}

/// The words of an attention map: the caption's, and `<eos>` when decoding wrote it (a caption cut
/// at the length limit has no `<eos>` step).
func mapWords(_ d: (words: [String], attention: [[Float]])) -> [String] {
    d.attention.count > d.words.count ? d.words + ["<eos>"] : d.words
}
