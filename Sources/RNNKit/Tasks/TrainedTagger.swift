/// A trained sequence tagger read from a run folder or checkpoint, with its vocabulary, tags
/// and settings: what `rnn tag predict` and `rnn tag eval` use.
public struct TrainedTagger {
    /// The model, in evaluation mode.
    public let model: SequenceTagger<Float>
    /// The word vocabulary.
    public let vocabulary: TaskVocabulary
    /// The tags.
    public let tags: LabelSet
    /// Lowercasing and evaluation batching.
    public let settings: TextTaskSettings
    /// The tag column the model was trained with (1-based; nil = last).
    public let tagColumn: Int?
    /// The file it was read from.
    public let path: String

    /// Reads a tagger from a run folder (`best.safetensors`, else `latest`) or a file.
    /// - Throws: `RNNKitError` if the file is missing, corrupted, of another kind, or its
    ///   metadata or weights do not fit together.
    public static func load(_ path: String) throws -> TrainedTagger {
        let saved = try SavedTaskModel.load(path, kind: TaggingTask.kind)
        return try saved.naming {
            let (configuration, vocabulary, tags, settings) = try textModelParts(saved, outputsKey: "tags")
            let model = try SequenceTagger<Float>(configuration)
            try saved.loadWeights(into: model.arena)
            model.setTraining(false)
            return TrainedTagger(model: model, vocabulary: vocabulary, tags: tags, settings: settings,
                                 tagColumn: try TaggingTask.tagColumn(try saved.json("task")), path: saved.path)
        }
    }

    /// The tags of each sentence (words as read; lowercased here when the model was trained so).
    /// - Throws: `RNNKitError` if the batches would not fit in the memory available.
    public func predict(_ sentences: [[String]]) throws -> [[String]] {
        try model.configuration.checkMemory(lengths: sentences.map(\.count), batch: settings.evalBatchSize, for: "tagging these sentences")
        let encoded = sentences.map { words in
            EncodedSentence(ids: vocabulary.encode(settings.lowercase ? words.map { $0.lowercased() } : words),
                            tags: [Int](repeating: ignoredTarget, count: words.count), gold: [])
        }
        return TaggingTask.predict(model, encoded, tags: tags, batchSize: settings.evalBatchSize, shouldStop: { false })!.2
    }

    /// Loss, token accuracy, chunk precision/recall/F1 and per-type F1 on tagged sentences
    /// read from `file`.
    /// - Throws: `RNNKitError` naming the file, sentence and word of a tag the model never saw.
    public func evaluate(_ sentences: [TaggedSentence], file: String) throws -> TaskEvaluation {
        for (s, sentence) in sentences.enumerated() {
            if let w = sentence.tags.firstIndex(where: { tags.id(of: $0) == nil }) {
                throw RNNKitError("'\(file)' sentence \(s + 1), word \(w + 1) ('\(sentence.words[w])'): the tag '\(sentence.tags[w])' was never seen in training (tags: \(tags.symbols.joined(separator: " ")))")
            }
        }
        try model.configuration.checkMemory(lengths: sentences.map(\.words.count), batch: settings.evalBatchSize,
                                            for: "evaluating these sentences")
        let encoded = sentences.map { EncodedSentence(ids: vocabulary.encode($0.words), tags: tags.encode($0.tags), gold: $0.tags) }
        return try TaggingTask.evaluate(model, encoded, tags: tags, batchSize: settings.evalBatchSize, shouldStop: { false })!
    }
}
