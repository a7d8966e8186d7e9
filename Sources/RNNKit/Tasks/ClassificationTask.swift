/// Sentence classification (many-to-one) as a `TrainingTask`: a `SequenceClassifier` trained on
/// padded batches bucketed by length, shuffled per epoch from the seed, with mean
/// cross-entropy over the batch; validation reports accuracy and macro-F1 (percentages) and
/// the best checkpoint is the one with the highest validation accuracy.
///
/// Token ids: 0 = `<pad>`, 1 = `<unk>`, then the training symbols seen at least `minCount`
/// times, sorted; class ids: the training labels, sorted — as `torch_tasks.py classify`.
public final class ClassificationTask: TrainingTask {
    /// The model.
    public let model: SequenceClassifier<Float>
    /// The token vocabulary.
    public let vocabulary: TaskVocabulary
    /// The class labels.
    public let labels: LabelSet
    /// Tokenization and batching.
    public let settings: TextTaskSettings
    /// Where the data came from.
    public let sources: TextTaskSources

    let train: [(ids: [Int], label: Int)]
    let valid: [(ids: [Int], label: Int)]
    let test: [(ids: [Int], label: Int)]?
    var batches: EpochBatches

    /// Builds the task and its model (initialised from `seed`). The vocabulary and labels are
    /// counted from the training examples unless given (as when resuming).
    /// - Parameters:
    ///   - data: the training, validation and (optional) test examples.
    ///   - settings: how texts are cut into tokens and the training settings.
    ///   - seed: the seed of the model's initialisation and the batch order.
    ///   - vocabulary: the vocabulary to use instead of counting one (when resuming).
    ///   - labels: the labels to use instead of counting them (when resuming).
    ///   - configuration: the architecture; its vocabulary size and output count are set from the data.
    /// - Throws: `RNNKitError` for invalid settings, or a validation or test label that the
    ///   training data does not have.
    public init(data: ClassificationData, model configuration: SequenceModelConfiguration, settings: TextTaskSettings,
                seed: UInt64, vocabulary: TaskVocabulary? = nil, labels: LabelSet? = nil) throws {
        try settings.validate()
        let vocabulary = vocabulary ?? TaskVocabulary(counting: data.train.map(\.tokens), minCount: settings.minCount)
        let labels = labels ?? LabelSet(labels: data.train.map(\.label))
        var c = configuration
        c.vocabularySize = vocabulary.count
        c.outputs = labels.count
        model = try SequenceClassifier<Float>(c, seed: seed)
        func encode(_ examples: [LabeledExample], _ file: String, _ firstLine: Int) throws -> [(ids: [Int], label: Int)] {
            zip(examples.map { vocabulary.encode($0.tokens) },
                try ClassificationData.labelIDs(examples, labels, file: file, firstLine: firstLine)).map { ($0, $1) }
        }
        let trainName = data.sources.train ?? "(generated reviews)"
        train = try encode(data.train, trainName, 1)
        valid = try encode(data.valid, data.sources.valid ?? trainName, data.validFirstLine)
        test = try data.test.map { try encode($0, data.sources.test ?? "test", 1) }
        batches = try EpochBatches(lengths: train.map(\.ids.count), batchSize: settings.batchSize, seed: seed)
        self.vocabulary = vocabulary
        self.labels = labels
        self.settings = settings
        self.sources = data.sources
    }

    /// `sequence-classifier`.
    public var modelKind: String { Self.kind }
    /// The checkpoint kind of classifiers.
    public static let kind = "sequence-classifier"
    /// 1.
    public var modelVersion: Int { 1 }
    /// The model's parameters.
    public var arena: ParameterArena<Float> { model.arena }
    /// The model.
    public var module: any Module { model }
    /// ⌈N / B⌉ give or take the pools' last batches.
    public var batchesPerEpoch: Int { batches.count }
    /// Whether a test file was given.
    public var hasTestSplit: Bool { test != nil }

    /// The model's buffers for the longest training batch or evaluation batch, whichever is
    /// larger.
    public var workingMemory: Int? {
        let c = model.configuration
        func bytes(_ lengths: [Int], _ batch: Int) -> Int? {
            c.workingBytes(steps: lengths.max() ?? 0, batch: min(batch, lengths.count))
        }
        let all = [bytes(train.map(\.ids.count), settings.batchSize), bytes(valid.map(\.ids.count), settings.evalBatchSize),
                   bytes((test ?? []).map(\.ids.count), settings.evalBatchSize)]
        return all.reduce(0) { a, b in a.flatMap { a in b.map { max(a, $0) } } }
    }
    /// The number of training, validation and test examples.
    public var exampleCounts: (train: Int, valid: Int, test: Int?) { (train.count, valid.count, test?.count) }

    /// The model configuration, vocabulary, labels, data settings and sources.
    public var checkpointMetadata: [String: String] {
        ["model": model.configuration.json(outputsKey: "classes").serialized,
         "vocabulary": JSONValue.array(vocabulary.symbols.map(JSONValue.string)).serialized,
         "labels": JSONValue.array(labels.symbols.map(JSONValue.string)).serialized,
         "task": settings.json.serialized, "data": sources.json.serialized]
    }

    /// Forward, loss and backward of one training batch.
    public func trainBatch(epoch: Int, index: Int) throws -> TaskBatchResult {
        try trainBatch(epoch: epoch, index: index, shard: .whole)
    }

    /// Nil: the batch's sequences are split among ranks.
    public var shardingRefusal: String? { nil }

    /// Forward, loss and backward of `shard`'s part of one training batch (its contiguous share
    /// of the batch's sequences).
    public func trainBatch(epoch: Int, index: Int, shard: BatchShard) throws -> TaskBatchResult {
        let indices = shard.part(batches.batch(index, ofEpoch: epoch))
        guard !indices.isEmpty else { return .empty }
        let batch = PaddedBatch(sequences: indices.map { train[$0].ids }, indices: indices)
        let (loss, count) = model.lossAndGradients(tokens: batch.tokens, lengths: batch.lengths,
                                                   labels: indices.map { train[$0].label })
        return TaskBatchResult(loss: Double(loss), count: count, tokens: batch.tokenCount)
    }

    /// The statistics of `shard`'s part of a split, in batches of `evalBatchSize` sorted by
    /// length: `counts` = [labels scored, the (C, C) confusion matrix row by row], `sums` =
    /// [loss sum].
    public func evaluationSums(_ split: DataSplit, shard: BatchShard, shouldStop: () -> Bool) throws -> EvaluationSums? {
        guard let examples = split == .validation ? valid : test else { return nil }
        return try Self.evaluationSums(model, shard.part(examples), classes: labels.count, batchSize: settings.evalBatchSize,
                                       shouldStop: shouldStop)
    }

    /// Loss, accuracy and macro-F1 (the score is the accuracy), with the confusion matrix.
    public func evaluation(of split: DataSplit, from sums: EvaluationSums) throws -> TaskEvaluation {
        try Self.evaluation(from: sums, classes: labels.count)
    }

    /// Loss, accuracy, macro-F1 and the confusion matrix of `model` on encoded examples, in
    /// batches of `batchSize` sorted by length; nil if `shouldStop` interrupted it.
    static func evaluate(_ model: SequenceClassifier<Float>, _ examples: [(ids: [Int], label: Int)], classes: Int,
                         batchSize: Int, shouldStop: () -> Bool) throws -> TaskEvaluation? {
        guard let sums = try evaluationSums(model, examples, classes: classes, batchSize: batchSize, shouldStop: shouldStop) else {
            return nil
        }
        return try evaluation(from: sums, classes: classes)
    }

    /// The statistics of `model` on encoded examples (see `evaluationSums(_:shard:shouldStop:)`);
    /// nil if `shouldStop` interrupted it.
    static func evaluationSums(_ model: SequenceClassifier<Float>, _ examples: [(ids: [Int], label: Int)], classes: Int,
                               batchSize: Int, shouldStop: () -> Bool) throws -> EvaluationSums? {
        var lossSum = 0.0, count = 0
        var predicted = [Int](repeating: 0, count: examples.count)
        for indices in BucketedBatches.evaluationOrder(lengths: examples.map(\.ids.count), batchSize: batchSize) {
            if shouldStop() { return nil }
            let batch = PaddedBatch(sequences: indices.map { examples[$0].ids }, indices: indices)
            let r = model.evaluate(tokens: batch.tokens, lengths: batch.lengths, labels: indices.map { examples[$0].label })
            lossSum += r.lossSum
            count += r.count
            for (k, i) in indices.enumerated() { predicted[i] = r.predicted[k] }
        }
        let metrics = try ClassificationMetrics(gold: examples.map(\.label), predicted: predicted, classes: classes)
        return EvaluationSums(counts: [count] + metrics.confusion.joined(), sums: [lossSum])
    }

    /// Loss, accuracy, macro-F1 and the confusion matrix from the statistics of every part.
    static func evaluation(from sums: EvaluationSums, classes C: Int) throws -> TaskEvaluation {
        try sums.expect(counts: 1 + C * C, sums: 1, of: "a classifier's")
        let metrics = ClassificationMetrics(confusion: (0..<C).map { Array(sums.counts[(1 + $0 * C)..<(1 + ($0 + 1) * C)]) })
        return TaskEvaluation(loss: sums.sums[0] / Double(max(sums.counts[0], 1)),
                              metrics: [("accuracy", metrics.accuracyPercent), ("macro_f1", metrics.macroF1Percent)],
                              score: metrics.accuracyPercent,
                              details: [("confusion", JSONValue.array(metrics.confusion.map { .array($0.map(JSONValue.integer)) }).serialized)])
    }
}
