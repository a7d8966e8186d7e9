/// Image captioning as a `TrainingTask`: a `Captioner` trained on shuffled batches of B images
/// per epoch with teacher forcing (input `<bos>` w1 … wn, output w1 … wn `<eos>`), loss =
/// cross-entropy + λ·doubly stochastic regularizer. Validation reports the teacher-forced
/// cross-entropy and, from greedy captions, `exact_match`, `token_accuracy`, `bleu` and, for
/// grounded data, `localization` (percentages); the best checkpoint has the highest exact match
/// (ties: token accuracy) — `torch_tasks.py caption`.
public final class CaptionTask: TrainingTask {
    /// The model.
    public let model: Captioner<Float>
    /// The caption vocabulary (`<pad>`, `<unk>`, `<bos>`, `<eos>`, then the words).
    public let vocabulary: Seq2SeqVocabulary
    /// Batching and decoding.
    public let settings: CaptionSettings
    /// Where the images came from.
    public let source: CaptionDataSource
    let train: CaptionedImages, valid: CaptionedImages
    let trainIDs: [[Int]], validIDs: [[Int]]
    let seed: UInt64
    private var order: (epoch: Int, indices: [Int]) = (0, [])

    /// Builds the task and its model (initialised from `seed`); the vocabulary is that of the
    /// training captions unless given (as when resuming). The model's vocabulary size is set
    /// from it.
    /// - Throws: `RNNKitError` for invalid settings or configuration, or images that do not fit the model.
    public init(train: CaptionedImages, valid: CaptionedImages, source: CaptionDataSource, model configuration: CaptionerConfiguration,
                settings: CaptionSettings, seed: UInt64, vocabulary: Seq2SeqVocabulary? = nil) throws {
        try settings.validate()
        guard train.count > 0, valid.count > 0 else { throw RNNKitError("training and validation need at least one image each") }
        guard (valid.channels, valid.height, valid.width) == (train.channels, train.height, train.width) else {
            throw RNNKitError("the validation images are (\(valid.channels), \(valid.height), \(valid.width)), the training images (\(train.channels), \(train.height), \(train.width))")
        }
        let v = vocabulary ?? Seq2SeqVocabulary(counting: train.captions)
        var c = configuration
        c.vocabularySize = v.count
        switch (c.encoder, source.isFeatures) {
        case (.cnn(_, let c1, let c2), false): c.encoder = .cnn(channels: train.channels, conv1: c1, conv2: c2)
        case (.features, true): c.encoder = .features(size: train.width)                // (N, 1, P, D): D
        case (.cnn, true): throw RNNKitError("annotation vectors need a captioner built on features, not on images")
        case (.features, false): throw RNNKitError("this captioner reads annotation vectors, not images")
        }
        model = try Captioner<Float>(c, seed: seed)
        if !source.isFeatures { try model.checkImageShape(channels: train.channels, height: train.height, width: train.width) }
        self.train = train; self.valid = valid
        trainIDs = train.captions.map(v.encode); validIDs = valid.captions.map(v.encode)
        self.vocabulary = v; self.settings = settings; self.source = source; self.seed = seed
    }

    /// `captioner`.
    public var modelKind: String { Self.kind }
    /// The checkpoint kind of captioners.
    public static let kind = "captioner"
    /// 1.
    public var modelVersion: Int { 1 }
    /// The model's parameters.
    public var arena: ParameterArena<Float> { model.arena }
    /// The model.
    public var module: any Module { model }
    /// ⌈N / B⌉.
    public var batchesPerEpoch: Int { (train.count + settings.batchSize - 1) / settings.batchSize }
    /// No test split (`rnn caption eval` evaluates other data).
    public var hasTestSplit: Bool { false }
    /// Images: a batch's `tokens` are its images.
    public var throughputUnit: String { "img" }
    /// The number of training and validation images.
    public var imageCounts: (train: Int, valid: Int) { (train.count, valid.count) }

    /// The model configuration, vocabulary, settings and data.
    public var checkpointMetadata: [String: String] {
        ["model": model.configuration.json.serialized, "vocabulary": vocabulary.json.serialized,
         "task": settings.json.serialized, "data": source.json.serialized]
    }

    /// Teacher-forced caption ids (T, B) of the captions `ids`: input `<bos>` w1 … wn, output
    /// w1 … wn `<eos>`, PAD after shorter captions; T = the longest n + 1.
    static func teacherForced(_ ids: [[Int]]) -> (input: [Int], output: [Int], steps: Int) {
        let B = ids.count, T = (ids.map(\.count).max() ?? 0) + 1
        var input = [Int](repeating: 0, count: T * B), output = [Int](repeating: 0, count: T * B)
        for (b, words) in ids.enumerated() {
            input[b] = Seq2SeqVocabulary.beginID
            for (t, w) in words.enumerated() { input[(t + 1) * B + b] = w; output[t * B + b] = w }
            output[words.count * B + b] = Seq2SeqVocabulary.endID
        }
        return (input, output, T)
    }

    /// Forward, loss and backward of batch `index` of `epoch`: images `order[index·B ..< (index+1)·B]`
    /// of the epoch's shuffled order.
    public func trainBatch(epoch: Int, index: Int) throws -> TaskBatchResult {
        try trainBatch(epoch: epoch, index: index, shard: .whole)
    }

    /// Nil: every shard scales its loss to the whole batch's words and images (`CaptionerBatchCounts`).
    public var shardingRefusal: String? { nil }

    /// Forward, loss and backward of `shard`'s part of one training batch (its contiguous share
    /// of the batch's images).
    public func trainBatch(epoch: Int, index: Int, shard: BatchShard) throws -> TaskBatchResult {
        if order.epoch != epoch {
            var indices = Array(0..<train.count)
            var g = BucketedBatches.generator(seed: seed, epoch: epoch)
            BucketedBatches.shuffle(&indices, &g)
            order = (epoch, indices)
        }
        let batch = Array(order.indices[(index * settings.batchSize)..<min((index + 1) * settings.batchSize, train.count)])
        // Every part — this process's share, and within it one shard of consecutive images per
        // thread — is scaled to the whole batch's counts, so that the parts add up to its loss.
        let whole = CaptionerBatchCounts(words: batch.reduce(0) { $0 + trainIDs[$1].count + 1 }, images: batch.count)
        let chunk = shard.part(batch)[...]
        guard !chunk.isEmpty else { return TaskBatchResult(loss: 0, count: 0, tokens: 0, isScaledToWholeBatch: true) }
        let shards = ModelReplicas<Captioner<Float>, Float>.shardCount(columns: chunk.count, minimumColumns: Self.minimumShardImages)
        let (loss, count) = replicas.runPrescaled(shards: shards) { model, k in
            let part = chunk[(chunk.startIndex + k * chunk.count / shards)..<(chunk.startIndex + (k + 1) * chunk.count / shards)]
            let (input, output, _) = Self.teacherForced(part.map { trainIDs[$0] })
            let loss = model.lossAndGradients(input: train.images(part, as: Float.self), captionIn: input,
                                              captionOut: output, wholeBatch: whole)
            return (loss.loss, loss.count)
        }
        return TaskBatchResult(loss: loss, count: count, tokens: chunk.count, isScaledToWholeBatch: true)
    }

    /// Images per shard below which a batch is not split across threads (`ModelReplicas`).
    static let minimumShardImages = 8

    /// The primary model and the copies that train the other shards of a batch on other threads.
    lazy var replicas = ModelReplicas(primary: model, arena: { $0.arena },
                                      makeReplica: { [configuration = model.configuration] in
                                          try! Captioner<Float>(configuration, seed: 0) })   // valid: the primary was built from it

    /// The statistics of `shard`'s part of the validation images (see
    /// `evaluationSums(_:images:part:ids:vocabulary:settings:shouldStop:)`); nil for the test
    /// split (there is none).
    public func evaluationSums(_ split: DataSplit, shard: BatchShard, shouldStop: () -> Bool) throws -> EvaluationSums? {
        guard split == .validation else { return nil }
        return try Self.evaluationSums(model, images: valid, part: shard.columns(of: valid.count), ids: validIDs,
                                       vocabulary: vocabulary, settings: settings, replicas: replicas, shouldStop: shouldStop)
    }

    /// Teacher-forced cross-entropy and greedy-caption metrics (see `evaluation(from:)`).
    public func evaluation(of split: DataSplit, from sums: EvaluationSums) throws -> TaskEvaluation {
        try Self.evaluation(from: sums)
    }

    /// Loss and metrics of `model` on `images` with encoded captions `ids`, its evaluation
    /// batches on parallel copies of the model; nil if interrupted.
    static func evaluate(_ model: Captioner<Float>, images: CaptionedImages, ids: [[Int]], vocabulary: Seq2SeqVocabulary,
                         settings: CaptionSettings, shouldStop: () -> Bool) throws -> TaskEvaluation? {
        let replicas = ModelReplicas(primary: model, arena: { $0.arena }, makeReplica: { [configuration = model.configuration] in
            try! Captioner<Float>(configuration, seed: 0) })                                   // valid: the model was built from it
        guard let sums = try evaluationSums(model, images: images, part: 0..<images.count, ids: ids, vocabulary: vocabulary,
                                            settings: settings, replicas: replicas, shouldStop: shouldStop) else { return nil }
        return try evaluation(from: sums)
    }

    /// The statistics of `model` on the images `part` of `images` (encoded captions `ids`), in
    /// batches of `evalBatchSize`: `counts` = [caption tokens in the loss, the greedy captions'
    /// `Seq2SeqMetrics.counts` (4) and `CorpusBleu.counts` (11), the words whose attention peak
    /// lies in their region, the words with a region], `sums` = [loss sum]; nil if interrupted.
    /// With `replicas` (whose primary is `model`), the batches run on one thread each, in
    /// parallel; their statistics are added in batch order, so the result is the same.
    static func evaluationSums(_ model: Captioner<Float>, images: CaptionedImages, part: Range<Int>, ids: [[Int]],
                               vocabulary: Seq2SeqVocabulary, settings: CaptionSettings,
                               replicas: ModelReplicas<Captioner<Float>, Float>? = nil,
                               shouldStop: () -> Bool) throws -> EvaluationSums? {
        let chunks = stride(from: part.lowerBound, to: part.upperBound, by: settings.evalBatchSize).map {
            $0..<min($0 + settings.evalBatchSize, part.upperBound)
        }
        // Worker k measures batches k, k + workers, …; one that is told to stop leaves its
        // remaining batches nil, and the sums below are then nil too.
        let workers = replicas == nil ? 1 : max(1, min(Compute.threadCount, chunks.count))
        var results = [BatchStatistics?](repeating: nil, count: chunks.count)
        results.withUnsafeMutableBufferPointer { out in
            func measure(_ worker: Captioner<Float>, _ k: Int) {
                for c in stride(from: k, to: chunks.count, by: workers) {
                    if shouldStop() { return }
                    out[c] = batchStatistics(worker, images: images, chunk: chunks[c], ids: ids, vocabulary: vocabulary,
                                             settings: settings)
                }
            }
            if let replicas { replicas.forEachModel(workers: workers, measure) } else { measure(model, 0) }
        }
        var lossSum = 0.0, count = 0, hypotheses: [[String]] = [], located = 0, grounded = 0
        for r in results {
            guard let r else { return nil }
            lossSum += r.lossSum; count += r.count; hypotheses += r.hypotheses
            located += r.located; grounded += r.grounded
        }
        let references = Array(images.captions[part])
        return EvaluationSums(counts: [count] + (try Seq2SeqMetrics.counts(hypotheses: hypotheses, references: references))
                                  + (try CorpusBleu.counts(hypotheses: hypotheses, references: references)) + [located, grounded],
                              sums: [lossSum])
    }

    /// One evaluation batch's part of `evaluationSums`.
    struct BatchStatistics {
        /// The teacher-forced cross-entropy summed over the counted tokens, and their number.
        var lossSum: Double, count: Int
        /// The greedy captions, as words.
        var hypotheses: [[String]]
        /// Words whose attention peak lies in their region; words with a region.
        var located: Int, grounded: Int
    }

    /// The teacher-forced loss and the greedy captions of the images `chunk`: one run of the
    /// encoder serves both.
    static func batchStatistics(_ model: Captioner<Float>, images: CaptionedImages, chunk: Range<Int>, ids: [[Int]],
                                vocabulary: Seq2SeqVocabulary, settings: CaptionSettings) -> BatchStatistics {
        let (h, w) = Captioner<Float>.annotationGrid(height: images.height, width: images.width)
        let x = images.images(Array(chunk)[...], as: Float.self)
        let (input, output, _) = teacherForced(Array(ids[chunk]))
        let (logits, _) = model.forward(input: x, captionIn: input)
        let r = logits.scalars.withUnsafeBufferPointer { y in
            output.withUnsafeBufferPointer {
                softmaxCrossEntropy(logits: y.baseAddress!, targets: $0.baseAddress!, rows: output.count,
                                    classes: model.configuration.vocabularySize, ignoreIndex: 0,
                                    gradient: UnsafeMutablePointer<Float>?.none)
            }
        }
        var statistics = BatchStatistics(lossSum: r.count > 0 ? Double(r.loss) * Double(r.count) : 0, count: max(r.count, 0),
                                         hypotheses: [], located: 0, grounded: 0)
        // The annotations of this batch are still the model's: greedy decoding starts from them.
        let decoded = model.greedy(maxLength: settings.maxLength, beginID: Seq2SeqVocabulary.beginID,
                                   endID: Seq2SeqVocabulary.endID)
        statistics.hypotheses = decoded.words.map(vocabulary.decode)
        guard let regions = images.regions else { return statistics }
        for (k, i) in chunk.enumerated() {
            for (t, region) in regions[i].enumerated() {
                guard let region else { continue }
                statistics.grounded += 1
                guard t < decoded.attention[k].count else { continue }
                let alpha = decoded.attention[k][t]
                var p = 0
                for q in 1..<alpha.count where alpha[q] > alpha[p] { p = q }
                // The centre of annotation p's cell of the image.
                let row = (2 * (p / w) + 1) * images.height / (2 * h), column = (2 * (p % w) + 1) * images.width / (2 * w)
                if region.contains(row: row, column: column) { statistics.located += 1 }
            }
        }
        return statistics
    }

    /// Loss, exact match, token accuracy and BLEU of the greedy captions, and the share of
    /// words whose attention peak lies in their region (`localization`, when regions are
    /// given), from the statistics of every part; the score is exact match + token accuracy / 1000.
    static func evaluation(from sums: EvaluationSums) throws -> TaskEvaluation {
        try sums.expect(counts: 18, sums: 1, of: "a captioner's")
        let c = sums.counts
        let m = try Seq2SeqMetrics(counts: Array(c[1..<5])), bleu = try CorpusBleu(counts: Array(c[5..<16]))
        let (located, grounded) = (c[16], c[17])
        var metrics: [(name: String, value: Double)] = [("exact_match", m.exactMatchPercent), ("token_accuracy", m.tokenAccuracyPercent),
                                                        ("bleu", bleu.score)]
        if grounded > 0 { metrics.append(("localization", 100 * Double(located) / Double(grounded))) }
        return TaskEvaluation(loss: sums.sums[0] / Double(max(c[0], 1)), metrics: metrics,
                              score: m.exactMatchPercent + m.tokenAccuracyPercent / 1000)
    }
}
