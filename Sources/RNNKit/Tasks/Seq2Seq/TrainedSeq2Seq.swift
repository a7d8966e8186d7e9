/// A trained encoder–decoder read from a run folder or checkpoint, with its vocabularies and
/// tokenization: what `rnn seq2seq translate` and `rnn seq2seq eval` use.
public struct TrainedSeq2Seq {
    /// The model, in evaluation mode.
    public let model: Seq2Seq<Float>
    /// The source and target vocabularies.
    public let sourceVocabulary: Seq2SeqVocabulary, targetVocabulary: Seq2SeqVocabulary
    /// How texts are cut into tokens and batched.
    public let settings: Seq2SeqSettings
    /// The file it was read from.
    public let path: String

    /// One output of a translation.
    public struct Translation: Sendable {
        /// The source tokens read (unknown ones as written).
        public var source: [String]
        /// The output tokens, without `<eos>`.
        public var tokens: [String]
        /// The total log-probability, and the score the search ranked by (length-penalised).
        public var logProb: Double, score: Double
        /// The attention weights of every output step over the source tokens (output × source;
        /// the step that wrote `<eos>` included when it finished), or nil without attention.
        public var attention: [[Float]]?
        /// How many source tokens the vocabulary does not know (read as `<unk>`).
        public var unknownCount: Int
    }

    /// Reads a model from a run folder (`best.safetensors`, else `latest`) or a file.
    /// - Throws: `RNNKitError` if the file is missing, corrupted, of another kind, or its
    ///   metadata or weights do not fit together.
    public static func load(_ path: String) throws -> TrainedSeq2Seq {
        let saved = try SavedTaskModel.load(path, kind: Seq2SeqTask.kind)
        return try saved.naming {
            let (configuration, sv, tv, settings) = try seq2seqParts(saved)
            let model = try Seq2Seq<Float>(configuration)
            try saved.loadWeights(into: model.arena)
            model.setTraining(false)
            return TrainedSeq2Seq(model: model, sourceVocabulary: sv, targetVocabulary: tv, settings: settings, path: saved.path)
        }
    }

    /// The tokens of one line of text, cut as the run's training data was.
    /// - Throws: `RNNKitError` if the line has no tokens.
    public func tokens(_ text: String, name: String = "input") throws -> [String] {
        guard let first = try ParallelText.sequences(of: text, path: name, unit: settings.unit).first else {
            throw RNNKitError("\(name) has no tokens")
        }
        return first
    }

    /// Decodes token sequences with `options` (beam size 1: greedy), `settings.evalBatchSize`
    /// sentences at a time, the encoder run once per sentence. Returns the n-best of each.
    /// - Throws: `RNNKitError` for invalid options or an empty sequence.
    public func translate(_ sequences: [[String]], options: BeamSearchOptions) throws -> [[Translation]] {
        var result: [[Translation]] = []
        let V = model.configuration.targetVocabularySize
        for first in Swift.stride(from: 0, to: sequences.count, by: settings.evalBatchSize) {
            let chunk = Array(sequences[first..<min(first + settings.evalBatchSize, sequences.count)])
            for (k, s) in chunk.enumerated() where s.isEmpty { throw RNNKitError("sequence \(first + k + 1) has no tokens") }
            let ids = chunk.map(sourceVocabulary.encode)
            let padded = PaddedBatch(sequences: ids, indices: Array(ids.indices))
            let d = model.startDecoding(source: padded.tokens, lengths: padded.lengths)
            let S = padded.steps
            let found = try BeamSearch.search(sentences: chunk.count, vocabularySize: V, options: options) { rows in
                let (logProbs, attention) = model.decodingStep(d, tokens: rows.tokens, parents: rows.parents)
                return DecoderScores<Float>(logProbs: logProbs, attention: attention)
            }
            for (b, hypotheses) in found.enumerated() {
                let n = chunk[b].count
                result.append(hypotheses.map { h in
                    Translation(source: chunk[b], tokens: targetVocabulary.decode(h.tokens), logProb: h.logProb, score: h.score,
                                attention: h.attention.map { $0.map { Array($0.prefix(min(n, S))) } },
                                unknownCount: sourceVocabulary.unknownCount(chunk[b]))
                })
            }
        }
        return result
    }

    /// Exact match, token accuracy (percentages) and corpus BLEU-4 of the best translations of
    /// `sources` against `references`, and the count: one JSON line.
    /// - Throws: `RNNKitError` for different counts or invalid options.
    public func evaluate(sources: [[String]], references: [[String]], options: BeamSearchOptions) throws -> String {
        guard sources.count == references.count else {
            throw RNNKitError("\(sources.count) sources and \(references.count) references")
        }
        let best = try translate(sources, options: options).map { $0.first?.tokens ?? [] }
        let m = try Seq2SeqMetrics(hypotheses: best, references: references)
        let bleu = try CorpusBleu(hypotheses: best, references: references)
        return JSONValue.object([("exact_match", .rounded(m.exactMatchPercent, 2)), ("token_accuracy", .rounded(m.tokenAccuracyPercent, 2)),
                                 ("bleu", .rounded(bleu.score, 2)), ("count", .integer(sources.count)),
                                 ("beam", .integer(options.beamSize))]).serialized
    }
}

/// The model configuration, vocabularies and settings a seq2seq checkpoint holds, checked
/// against each other and the stored tensors before anything is allocated.
func seq2seqParts(_ saved: SavedTaskModel) throws -> (Seq2SeqConfiguration, Seq2SeqVocabulary, Seq2SeqVocabulary, Seq2SeqSettings) {
    let configuration = try Seq2SeqConfiguration(json: try saved.json("model"))
    let sv = try Seq2SeqVocabulary(json: try saved.json("source_vocabulary"), context: "source_vocabulary")
    let tv = try Seq2SeqVocabulary(json: try saved.json("target_vocabulary"), context: "target_vocabulary")
    let settings = try Seq2SeqSettings(json: try saved.json("task"))
    guard sv.count == configuration.sourceVocabularySize, tv.count == configuration.targetVocabularySize else {
        throw RNNKitError("the vocabularies (\(sv.count), \(tv.count)) do not fit the model (\(configuration.sourceVocabularySize), \(configuration.targetVocabularySize))")
    }
    let stored = saved.weights.tensors.reduce(0) { $0 + $1.count }
    guard configuration.parameterCount == stored else {
        throw RNNKitError("the model configuration needs \(configuration.parameterCount.map(String.init) ?? "too many") parameters, the file holds \(stored)")
    }
    return (configuration, sv, tv, settings)
}

extension Seq2SeqTask {
    /// Reads the pairs: the training files (or the generated dates when nil), and the
    /// validation files or the last `settings.validFraction` of the training pairs.
    /// - Throws: `RNNKitError` for unreadable files, different line counts, empty lines.
    public static func loadPairs(source: String?, target: String?, validSource: String?, validTarget: String?,
                                 settings: Seq2SeqSettings) throws -> (train: ParallelText, valid: ParallelText, sources: Seq2SeqSources) {
        var train: ParallelText, valid: ParallelText
        if let source, let target {
            let all = try ParallelText.read(source: source, target: target, unit: settings.unit)
            if let validSource, let validTarget {
                train = all
                valid = try ParallelText.read(source: validSource, target: validTarget, unit: settings.unit)
            } else {
                (train, valid) = try all.split(validFraction: settings.validFraction)
            }
        } else {
            (train, valid) = GeneratedDates.data(train: 20_000, valid: 500, seed: 1)
        }
        return (train, valid, Seq2SeqSources(source: source, target: target, validSource: validSource, validTarget: validTarget,
                                             pairs: [train, valid]))
    }

    /// The task of the run saved in `checkpoint`, with its pairs read again from the files it
    /// names and checked against its fingerprint.
    /// - Throws: `RNNKitError` if a file cannot be read, differs, or the metadata does not fit.
    public static func resuming(_ checkpoint: TaskCheckpoint) throws -> Seq2SeqTask {
        let saved = checkpoint.model
        let (configuration, sv, tv, settings) = try saved.naming { try seq2seqParts(saved) }
        let s = try saved.naming { try Seq2SeqSources(json: try saved.json("data")) }
        let pairs = try loadPairs(source: s.source, target: s.target, validSource: s.validSource, validTarget: s.validTarget,
                                  settings: settings)
        guard pairs.sources.fingerprint == s.fingerprint else {
            throw RNNKitError("the pairs differ from those this run was trained on; resume with the same files")
        }
        return try Seq2SeqTask(train: pairs.train, valid: pairs.valid, sources: s, model: configuration, settings: settings,
                               seed: checkpoint.loop.seed, sourceVocabulary: sv, targetVocabulary: tv)
    }
}
