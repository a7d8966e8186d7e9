/// Sequence tagging (many-to-many, aligned) as a `TrainingTask`: a `SequenceTagger` trained on
/// padded batches bucketed by length, shuffled per epoch from the seed, with mean
/// cross-entropy over the real tokens; validation reports token accuracy and conlleval's chunk
/// precision, recall and F1 (percentages); the best checkpoint has the highest chunk F1.
///
/// Token ids as `ClassificationTask`; tag ids: the training tags, sorted (no padding tag:
/// padding carries −100). A validation or test tag the training data lacks is left out of the
/// loss but counts in chunk F1, as `torch_tasks.py tag` does.
public final class TaggingTask: TrainingTask {
    /// The model.
    public let model: SequenceTagger<Float>
    /// The word vocabulary.
    public let vocabulary: TaskVocabulary
    /// The tags.
    public let tags: LabelSet
    /// Tokenization and batching.
    public let settings: TextTaskSettings
    /// Where the data came from.
    public let sources: TextTaskSources
    /// The tag column read (1-based; nil = last).
    public let tagColumn: Int?

    let train: [EncodedSentence]
    let valid: [EncodedSentence]
    let test: [EncodedSentence]?
    var batches: EpochBatches

    /// Builds the task and its model (initialised from `seed`). The vocabulary and tags are
    /// counted from the training sentences unless given (as when resuming).
    /// - Throws: `RNNKitError` for invalid settings.
    public init(data: TaggingData, model configuration: SequenceModelConfiguration, settings: TextTaskSettings,
                tagColumn: Int?, seed: UInt64, vocabulary: TaskVocabulary? = nil, tags: LabelSet? = nil) throws {
        try settings.validate()
        let vocabulary = vocabulary ?? TaskVocabulary(counting: data.train.map(\.words), minCount: settings.minCount)
        let tags = tags ?? LabelSet(labels: data.train.flatMap(\.tags))
        var c = configuration
        c.vocabularySize = vocabulary.count
        c.outputs = tags.count
        model = try SequenceTagger<Float>(c, seed: seed)
        func encode(_ sentences: [TaggedSentence]) -> [EncodedSentence] {
            sentences.map { EncodedSentence(ids: vocabulary.encode($0.words), tags: tags.encode($0.tags), gold: $0.tags) }
        }
        train = encode(data.train)
        valid = encode(data.valid)
        test = data.test.map(encode)
        batches = try EpochBatches(lengths: train.map(\.ids.count), batchSize: settings.batchSize, seed: seed)
        self.vocabulary = vocabulary
        self.tags = tags
        self.settings = settings
        self.sources = data.sources
        self.tagColumn = tagColumn
    }

    /// `sequence-tagger`.
    public var modelKind: String { Self.kind }
    /// The checkpoint kind of taggers.
    public static let kind = "sequence-tagger"
    /// 1.
    public var modelVersion: Int { 1 }
    /// The model's parameters.
    public var arena: ParameterArena<Float> { model.arena }
    /// The model.
    public var module: any Module { model }
    /// The batches of every epoch.
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
    /// The number of training, validation and test sentences.
    public var exampleCounts: (train: Int, valid: Int, test: Int?) { (train.count, valid.count, test?.count) }

    /// The model configuration, vocabulary, tags, data settings and sources.
    public var checkpointMetadata: [String: String] {
        ["model": model.configuration.json(outputsKey: "tags").serialized,
         "vocabulary": JSONValue.array(vocabulary.symbols.map(JSONValue.string)).serialized,
         "labels": JSONValue.array(tags.symbols.map(JSONValue.string)).serialized,
         "task": Self.taskJSON(settings, tagColumn: tagColumn).serialized, "data": sources.json.serialized]
    }

    /// The `task` metadata of a tagger: the text settings and the tag column.
    static func taskJSON(_ settings: TextTaskSettings, tagColumn: Int?) -> JSONValue {
        guard case .object(let members) = settings.json else { return settings.json }
        return .object(members + [("tag_column", tagColumn.map(JSONValue.integer) ?? .null)])
    }

    /// The tag column a tagger's `task` metadata names (nil = the last column).
    static func tagColumn(_ task: JSONValue) throws -> Int? {
        let f = try JSONFields(task, "task")
        return f.has("tag_column") ? try f.int("tag_column") : nil
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
                                                   tags: batch.padded(indices.map { train[$0].tags }))
        return TaskBatchResult(loss: Double(loss), count: count, tokens: batch.tokenCount)
    }

    /// The statistics of `shard`'s part of a split, in batches of `evalBatchSize` sorted by
    /// length: `counts` = [tokens in the loss, tokens scored, tokens tagged right, then the gold,
    /// predicted and correct chunks of all types, then of each of `chunkTypes`], `sums` =
    /// [loss sum].
    public func evaluationSums(_ split: DataSplit, shard: BatchShard, shouldStop: () -> Bool) throws -> EvaluationSums? {
        guard let sentences = split == .validation ? valid : test else { return nil }
        return try Self.evaluationSums(model, shard.part(sentences), tags: tags, types: Self.chunkTypes(tags, sentences),
                                       batchSize: settings.evalBatchSize, shouldStop: shouldStop)
    }

    /// Loss, token accuracy and chunk precision, recall and F1 (the score), with the F1 of
    /// each chunk type.
    public func evaluation(of split: DataSplit, from sums: EvaluationSums) throws -> TaskEvaluation {
        guard let sentences = split == .validation ? valid : test else { throw RNNKitError("the tagger has no \(split.rawValue) split") }
        return try Self.evaluation(from: sums, types: Self.chunkTypes(tags, sentences))
    }

    /// Loss, token accuracy, chunk precision/recall/F1 and per-type F1 of `model` on encoded
    /// sentences; nil if `shouldStop` interrupted it.
    static func evaluate(_ model: SequenceTagger<Float>, _ sentences: [EncodedSentence], tags: LabelSet, batchSize: Int,
                         shouldStop: () -> Bool) throws -> TaskEvaluation? {
        let types = chunkTypes(tags, sentences)
        guard let sums = try evaluationSums(model, sentences, tags: tags, types: types, batchSize: batchSize,
                                            shouldStop: shouldStop) else { return nil }
        return try evaluation(from: sums, types: types)
    }

    /// Every chunk type that the tags or the gold tags of `sentences` can form, sorted: the
    /// statistics of every part of a split count chunks by these types.
    static func chunkTypes(_ tags: LabelSet, _ sentences: [EncodedSentence]) -> [String] {
        Set((tags.symbols + sentences.flatMap(\.gold)).map { ChunkMetrics.splitTag($0).type }).sorted()
    }

    /// The statistics of `model` on encoded sentences (see
    /// `evaluationSums(_:shard:shouldStop:)`); nil if `shouldStop` interrupted it.
    static func evaluationSums(_ model: SequenceTagger<Float>, _ sentences: [EncodedSentence], tags: LabelSet, types: [String],
                               batchSize: Int, shouldStop: () -> Bool) throws -> EvaluationSums? {
        guard let (lossSum, count, predicted) = predict(model, sentences, tags: tags, batchSize: batchSize,
                                                        shouldStop: shouldStop) else { return nil }
        let m = try ChunkMetrics(gold: sentences.map(\.gold), predicted: predicted)
        let byType = types.map { m.byType[$0] ?? ChunkMetrics.TypeCounts() }
        guard byType.reduce(0, { $0 + $1.gold + $1.predicted }) == m.total.gold + m.total.predicted else {
            throw RNNKitError("a chunk type is missing from the tagger's types \(types)")
        }
        return EvaluationSums(counts: [count, m.tokens, m.correctTokens] + ([m.total] + byType).flatMap { [$0.gold, $0.predicted, $0.correct] },
                              sums: [lossSum])
    }

    /// Loss, token accuracy, chunk precision/recall/F1 and per-type F1 from the statistics of
    /// every part.
    static func evaluation(from sums: EvaluationSums, types: [String]) throws -> TaskEvaluation {
        try sums.expect(counts: 6 + 3 * types.count, sums: 1, of: "a tagger's")
        let c = sums.counts
        func counts(_ at: Int) -> ChunkMetrics.TypeCounts { .init(gold: c[at], predicted: c[at + 1], correct: c[at + 2]) }
        var byType: [String: ChunkMetrics.TypeCounts] = [:]
        for (i, type) in types.enumerated() where c[6 + 3 * i] + c[7 + 3 * i] > 0 { byType[type] = counts(6 + 3 * i) }
        let m = ChunkMetrics(tokens: c[1], correctTokens: c[2], total: counts(3), byType: byType)
        let perType = JSONValue.object(m.f1ByType.sorted { $0.key < $1.key }.map { ($0.key, .rounded($0.value, 4)) })
        return TaskEvaluation(loss: sums.sums[0] / Double(max(c[0], 1)),
                              metrics: [("f1", m.f1Percent), ("accuracy", m.accuracyPercent),
                                        ("precision", m.precisionPercent), ("recall", m.recallPercent)],
                              score: m.f1Percent, details: [("f1_by_type", perType.serialized)])
    }

    /// The summed loss, its count and the predicted tags of every sentence (in batches of
    /// `batchSize` sorted by length), or nil if interrupted.
    static func predict(_ model: SequenceTagger<Float>, _ sentences: [EncodedSentence], tags: LabelSet, batchSize: Int,
                        shouldStop: () -> Bool) -> (Double, Int, [[String]])? {
        var lossSum = 0.0, count = 0
        var predicted = [[String]](repeating: [], count: sentences.count)
        for indices in BucketedBatches.evaluationOrder(lengths: sentences.map(\.ids.count), batchSize: batchSize) {
            if shouldStop() { return nil }
            let batch = PaddedBatch(sequences: indices.map { sentences[$0].ids }, indices: indices)
            let r = model.evaluate(tokens: batch.tokens, lengths: batch.lengths, tags: batch.padded(indices.map { sentences[$0].tags }))
            lossSum += r.lossSum
            count += r.count
            for (k, i) in indices.enumerated() {
                predicted[i] = (0..<batch.lengths[k]).map { t in tags.name(of: r.predicted[t * batch.batch + k]) }
            }
        }
        return (lossSum, count, predicted)
    }
}
