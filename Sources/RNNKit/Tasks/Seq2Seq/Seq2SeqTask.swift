/// Sequence to sequence (encoder–decoder) as a `TrainingTask`: a `Seq2Seq` trained on batches
/// of B pairs drawn at random with replacement (deterministic from the seed and the step), with
/// teacher forcing or scheduled sampling, mean cross-entropy over the target tokens. Validation
/// reports the teacher-forced loss, free-running greedy `exact_match` and `token_accuracy`
/// (percentages) and the teacher-forcing ratio ε_i of the step (`valid_teacher_forcing`); the best checkpoint has the
/// highest exact match — `torch_tasks.py seq2seq`.
public final class Seq2SeqTask: TrainingTask {
    /// The model.
    public let model: Seq2Seq<Float>
    /// The source and target vocabularies.
    public let sourceVocabulary: Seq2SeqVocabulary, targetVocabulary: Seq2SeqVocabulary
    /// Tokenization, batching, scheduled sampling, decoding.
    public let settings: Seq2SeqSettings
    /// Where the pairs came from.
    public let sources: Seq2SeqSources
    let train: (sources: [[Int]], targets: [[Int]])
    let valid: (sources: [[Int]], targets: [[Int]], references: [[String]])
    let seed: UInt64

    /// Builds the task and its model (initialised from `seed`); the vocabularies are counted
    /// from the training pairs unless given (as when resuming).
    /// - Throws: `RNNKitError` for invalid settings or configuration.
    public init(train: ParallelText, valid: ParallelText, sources: Seq2SeqSources, model configuration: Seq2SeqConfiguration,
                settings: Seq2SeqSettings, seed: UInt64, sourceVocabulary: Seq2SeqVocabulary? = nil,
                targetVocabulary: Seq2SeqVocabulary? = nil) throws {
        try settings.validate()
        guard train.count > 0, valid.count > 0 else { throw RNNKitError("training and validation need at least one pair each") }
        let sv = sourceVocabulary ?? Seq2SeqVocabulary(counting: train.sources, minCount: settings.minCount)
        let tv = targetVocabulary ?? Seq2SeqVocabulary(counting: train.targets, minCount: settings.minCount)
        var c = configuration
        c.sourceVocabularySize = sv.count
        c.targetVocabularySize = tv.count
        model = try Seq2Seq<Float>(c, seed: seed)
        self.train = (train.sources.map(sv.encode), train.targets.map(tv.encode))
        self.valid = (valid.sources.map(sv.encode), valid.targets.map(tv.encode), valid.targets)
        self.sourceVocabulary = sv
        self.targetVocabulary = tv
        self.settings = settings
        self.sources = sources
        self.seed = seed
    }

    /// `seq2seq`.
    public var modelKind: String { Self.kind }
    /// The checkpoint kind of encoder–decoders.
    public static let kind = "seq2seq"
    /// 1.
    public var modelVersion: Int { 1 }
    /// The model's parameters.
    public var arena: ParameterArena<Float> { model.arena }
    /// The model.
    public var module: any Module { model }
    /// ⌈N / B⌉: an epoch draws as many pairs as there are (with replacement).
    public var batchesPerEpoch: Int { (train.sources.count + settings.batchSize - 1) / settings.batchSize }
    /// No test split (`rnn seq2seq eval` evaluates files).
    public var hasTestSplit: Bool { false }
    /// The number of training and validation pairs.
    public var pairCounts: (train: Int, valid: Int) { (train.sources.count, valid.sources.count) }

    /// The model configuration, vocabularies, settings and sources.
    public var checkpointMetadata: [String: String] {
        ["model": model.configuration.json.serialized, "source_vocabulary": sourceVocabulary.json.serialized,
         "target_vocabulary": targetVocabulary.json.serialized, "task": settings.json.serialized,
         "data": sources.json.serialized]
    }

    /// The data files may have moved.
    public var metadataKeysFreeOnResume: Set<String> { ["data"] }

    /// Forward, loss and backward of training step `(epoch − 1)·batchesPerEpoch + index`: B
    /// random pairs, and the teacher mask of the schedule's ε at that step.
    public func trainBatch(epoch: Int, index: Int) throws -> TaskBatchResult {
        try trainBatch(epoch: epoch, index: index, shard: .whole)
    }

    /// Nil: the batch's pairs are split among ranks.
    public var shardingRefusal: String? { nil }

    /// Forward, loss and backward of `shard`'s part of training step
    /// `(epoch − 1)·batchesPerEpoch + index`: its contiguous share of the B pairs (sorted longest
    /// target first) and those columns of the teacher mask; when sampling, its own generator,
    /// the shard-th of `shard.count` seeds drawn from the step's stream.
    public func trainBatch(epoch: Int, index: Int, shard: BatchShard) throws -> TaskBatchResult {
        let step = (epoch - 1) * batchesPerEpoch + index
        updates = step + 1
        // Longest target first: a decoder step then computes only the targets still running.
        let indices = Seq2SeqBatch.randomIndices(count: train.sources.count, batchSize: settings.batchSize, seed: seed, step: step)
            .enumerated().sorted { ($0.element == $1.element || train.targets[$0.element].count == train.targets[$1.element].count)
                ? $0.offset < $1.offset : train.targets[$0.element].count > train.targets[$1.element].count }
            .map(\.element)
        let batch = Seq2SeqBatch(selecting: indices, sources: train.sources, targets: train.targets)
        var teacher: [Bool]? = nil
        var sampling: SeededGenerator? = nil
        if !settings.sampling.isTeacherForcing {
            var g = BucketedBatches.generator(seed: seed ^ 0x7EAC_4E25_0000_0000, epoch: step)
            teacher = settings.sampling.mask(steps: batch.targetSteps, batch: batch.batch, after: step, using: &g)
            if settings.sampling.sample { sampling = g }      // the same stream, after the mask's draws
        }
        if !shard.isWhole {
            let columns = Array(shard.columns(of: batch.batch))
            guard !columns.isEmpty else { return .empty }
            let part = Seq2SeqBatch(selecting: columns.map { batch.indices[$0] }, sources: train.sources, targets: train.targets)
            let mask = teacher.map { m in (0..<part.targetSteps).flatMap { t in columns.map { m[t * batch.batch + $0] } } }
            var shardSampling = sampling.map { g in
                var g = g
                let seeds = (0..<shard.count).map { _ in g.next() }
                return SeededGenerator(seed: seeds[shard.index])
            }
            let r = model.lossAndGradients(source: part.source, sourceLengths: part.sourceLengths, targetIn: part.targetInput,
                                           targetOut: part.targetOutput, teacher: mask, sampling: &shardSampling)
            return TaskBatchResult(loss: Double(r.loss), count: r.count, tokens: part.targetTokenCount)
        }
        // With several shards, each samples from its own generator drawn from that stream.
        let shards = ModelReplicas<Seq2Seq<Float>, Float>.shardCount(columns: batch.batch, minimumColumns: Self.minimumShardPairs)
        var shardGenerators: [SeededGenerator?] = []
        if shards > 1 {
            for _ in 0..<shards {
                if sampling == nil { shardGenerators.append(nil) } else { shardGenerators.append(SeededGenerator(seed: sampling!.next())) }
            }
        }
        let (loss, count) = replicas.run(shards: shards) { model, k in
            guard shards > 1 else {
                let r = model.lossAndGradients(source: batch.source, sourceLengths: batch.sourceLengths, targetIn: batch.targetInput,
                                               targetOut: batch.targetOutput, teacher: teacher, sampling: &sampling)
                return (Double(r.loss), r.count)
            }
            // Shard k: columns k, k + K, … of the batch, re-padded, and of the teacher mask (T, B).
            let columns = Array(Swift.stride(from: k, to: batch.batch, by: shards))     // every K-th: still longest first
            let part = Seq2SeqBatch(selecting: columns.map { batch.indices[$0] }, sources: train.sources, targets: train.targets)
            let mask = teacher.map { m in
                (0..<part.targetSteps).flatMap { t in columns.map { m[t * batch.batch + $0] } }
            }
            var shardSampling = shardGenerators[k]
            let r = model.lossAndGradients(source: part.source, sourceLengths: part.sourceLengths, targetIn: part.targetInput,
                                           targetOut: part.targetOutput, teacher: mask, sampling: &shardSampling)
            return (Double(r.loss), r.count)
        }
        return TaskBatchResult(loss: loss, count: count, tokens: batch.targetTokenCount)
    }

    /// Pairs per shard below which a batch is not split across threads (`ModelReplicas`).
    static let minimumShardPairs = 16

    /// The primary model and the copies that train the other shards of a batch on other threads.
    lazy var replicas = ModelReplicas(primary: model, arena: { $0.arena },
                                      makeReplica: { [configuration = model.configuration] in
                                          try! Seq2Seq<Float>(configuration) })     // valid: the primary was built from it

    /// The optimizer updates so far (the i of ε_i), carried across a resume.
    var updates = 0

    /// `seq2seq_updates`: the updates so far.
    public var progressMetadata: [String: String] { ["seq2seq_updates": String(updates)] }

    /// Restores the updates so far.
    public func restoreProgressMetadata(_ metadata: [String: String]) throws {
        guard let text = metadata["seq2seq_updates"], let n = Int(text), n >= 0 else {
            throw RNNKitError("the checkpoint has no valid seq2seq_updates")
        }
        updates = n
    }

    /// The statistics of `shard`'s part of the validation pairs, in batches of
    /// `evalBatchSize`: `counts` = [target tokens in the loss, then the greedy outputs'
    /// `Seq2SeqMetrics.counts`], `sums` = [teacher-forced loss sum]. Nil for the test split
    /// (there is none).
    public func evaluationSums(_ split: DataSplit, shard: BatchShard, shouldStop: () -> Bool) throws -> EvaluationSums? {
        guard split == .validation else { return nil }
        let pairs = shard.columns(of: valid.sources.count)
        var lossSum = 0.0, count = 0
        for first in Swift.stride(from: pairs.lowerBound, to: pairs.upperBound, by: settings.evalBatchSize) {
            if shouldStop() { return nil }
            let indices = Array(first..<min(first + settings.evalBatchSize, pairs.upperBound))
            let batch = Seq2SeqBatch(selecting: indices, sources: valid.sources, targets: valid.targets)
            let y = model.forwardLogits(source: batch.source, sourceLengths: batch.sourceLengths, targetIn: batch.targetInput,
                                        teacher: nil)
            let r = batch.targetOutput.withUnsafeBufferPointer {
                softmaxCrossEntropy(logits: y, targets: $0.baseAddress!, rows: batch.targetOutput.count,
                                    classes: model.configuration.targetVocabularySize, ignoreIndex: 0, gradient: nil)
            }
            if r.count > 0 { lossSum += Double(r.loss) * Double(r.count); count += r.count }
        }
        guard let hypotheses = Self.greedy(model, sources: Array(valid.sources[pairs]), batchSize: settings.evalBatchSize,
                                           maxLength: settings.maxLength, shouldStop: shouldStop) else { return nil }
        let counts = try Seq2SeqMetrics.counts(hypotheses: hypotheses.map(targetVocabulary.decode),
                                               references: Array(valid.references[pairs]))
        return EvaluationSums(counts: [count] + counts, sums: [lossSum])
    }

    /// Loss (teacher forcing), exact match (the score) and token accuracy (greedy), and the
    /// teacher-forcing ratio ε_i of the step.
    public func evaluation(of split: DataSplit, from sums: EvaluationSums) throws -> TaskEvaluation {
        try sums.expect(counts: 5, sums: 1, of: "a seq2seq model's")
        let metrics = try Seq2SeqMetrics(counts: Array(sums.counts[1...]))
        return TaskEvaluation(loss: sums.sums[0] / Double(max(sums.counts[0], 1)),
                              metrics: [("exact_match", metrics.exactMatchPercent), ("token_accuracy", metrics.tokenAccuracyPercent),
                                        ("teacher_forcing", settings.sampling.epsilon(after: updates))],
                              score: metrics.exactMatchPercent)
    }

    /// Greedy decoding of encoded sources in batches: the argmax token (the first maximum) at
    /// every step until `<eos>` or `maxLength` tokens; the ids exclude `<eos>`. Nil if
    /// `shouldStop` interrupted it.
    static func greedy(_ model: Seq2Seq<Float>, sources: [[Int]], batchSize: Int, maxLength: Int,
                       shouldStop: () -> Bool = { false }) -> [[Int]]? {
        var result: [[Int]] = []
        let V = model.configuration.targetVocabularySize
        for first in Swift.stride(from: 0, to: sources.count, by: batchSize) {
            if shouldStop() { return nil }
            let chunk = Array(sources[first..<min(first + batchSize, sources.count)])
            let padded = PaddedBatch(sequences: chunk, indices: Array(chunk.indices))
            let d = model.startDecoding(source: padded.tokens, lengths: padded.lengths)
            let B = chunk.count
            var tokens = [Int](repeating: Seq2SeqVocabulary.beginID, count: B)
            var outputs = [[Int]](repeating: [], count: B), done = [Bool](repeating: false, count: B)
            for _ in 0..<maxLength where done.contains(false) {
                let lp = model.decodingStep(d, tokens: tokens, parents: Array(0..<B)).logProbs
                for b in 0..<B {
                    var best = 0
                    for v in 1..<V where lp[b * V + v] > lp[b * V + best] { best = v }
                    tokens[b] = best
                    if done[b] { continue }
                    if best == Seq2SeqVocabulary.endID { done[b] = true } else { outputs[b].append(best) }
                }
            }
            result += outputs
        }
        return result
    }
}
