/// A trained captioner read from a run folder or checkpoint, with its vocabulary and the data
/// it was trained on: what `rnn caption describe` and `rnn caption eval` use.
public struct TrainedCaptioner {
    /// The model, in evaluation mode.
    public let model: Captioner<Float>
    /// The caption vocabulary.
    public let vocabulary: Seq2SeqVocabulary
    /// Batching and decoding.
    public let settings: CaptionSettings
    /// The data of the run.
    public let source: CaptionDataSource
    /// The file it was read from.
    public let path: String
    /// The seed of the run (its generated data, its initialisation).
    public let seed: UInt64

    /// Reads a model from a run folder (`best.safetensors`, else `latest`) or a file.
    /// - Throws: `RNNKitError` if the file is missing, corrupted, of another kind, or its
    ///   metadata or weights do not fit together.
    public static func load(_ path: String) throws -> TrainedCaptioner {
        let saved = try SavedTaskModel.load(path, kind: CaptionTask.kind)
        return try saved.naming {
            let (configuration, vocabulary, settings, source) = try captionParts(saved)
            let model = try Captioner<Float>(configuration)
            try saved.loadWeights(into: model.arena)
            model.setTraining(false)
            let training = try JSONFields(try saved.json("training"), "training")
            let loop = try TrainingLoopConfiguration(json: try training.required("loop"))
            return TrainedCaptioner(model: model, vocabulary: vocabulary, settings: settings, source: source, path: saved.path,
                                    seed: loop.seed)
        }
    }

    /// The greedy captions of `images` (their words, and per word the attention over the P
    /// annotation cells), `settings.evalBatchSize` at a time.
    /// - Throws: `RNNKitError` if the images do not fit the model.
    public func describe(_ images: CaptionedImages, indices: [Int]) throws -> [(words: [String], attention: [[Float]])] {
        try model.checkInputShape(channels: images.channels, height: images.height, width: images.width)
        var result: [(words: [String], attention: [[Float]])] = []
        for first in stride(from: 0, to: indices.count, by: settings.evalBatchSize) {
            let chunk = indices[first..<min(first + settings.evalBatchSize, indices.count)]
            let d = model.greedyCaptions(input: images.images(chunk, as: Float.self), maxLength: settings.maxLength,
                                         beginID: Seq2SeqVocabulary.beginID, endID: Seq2SeqVocabulary.endID)
            for (words, attention) in zip(d.words, d.attention) { result.append((vocabulary.decode(words), attention)) }
        }
        return result
    }

    /// `exact_match`, `token_accuracy`, `bleu` and, for grounded data, `localization`
    /// (percentages) of the greedy captions of `images`, and `count`: one JSON line.
    /// - Throws: `RNNKitError` if the images do not fit the model or a caption word is not in
    ///   the vocabulary.
    public func evaluate(_ images: CaptionedImages) throws -> String {
        try model.checkInputShape(channels: images.channels, height: images.height, width: images.width)
        for (n, caption) in images.captions.enumerated() {
            if let unknown = caption.first(where: { vocabulary.id(of: $0) == nil }) {
                throw RNNKitError("caption \(n + 1): the word '\(unknown)' is not in the model's vocabulary")
            }
        }
        let e = try CaptionTask.evaluate(model, images: images, ids: images.captions.map(vocabulary.encode), vocabulary: vocabulary,
                                         settings: settings, shouldStop: { false })!
        var members: [(key: String, value: JSONValue)] = e.metrics.map { ($0.name, .rounded($0.value, 2)) }
        members.append(("loss", .rounded(e.loss, 4)))
        members.append(("count", .integer(images.count)))
        return JSONValue.object(members).serialized
    }
}

/// The model configuration, vocabulary, settings and data a captioner checkpoint holds,
/// checked against each other and the stored tensors before anything is allocated.
func captionParts(_ saved: SavedTaskModel) throws -> (CaptionerConfiguration, Seq2SeqVocabulary, CaptionSettings, CaptionDataSource) {
    let configuration = try CaptionerConfiguration(json: try saved.json("model"))
    let vocabulary = try Seq2SeqVocabulary(json: try saved.json("vocabulary"), context: "vocabulary")
    let settings = try CaptionSettings(json: try saved.json("task"))
    let source = try CaptionDataSource(json: try saved.json("data"))
    guard vocabulary.count == configuration.vocabularySize else {
        throw RNNKitError("the vocabulary (\(vocabulary.count)) does not fit the model (\(configuration.vocabularySize))")
    }
    let stored = saved.weights.tensors.reduce(0) { $0 + $1.count }
    guard configuration.parameterCount == stored else {
        throw RNNKitError("the model configuration needs \(configuration.parameterCount.map(String.init) ?? "too many") parameters, the file holds \(stored)")
    }
    return (configuration, vocabulary, settings, source)
}

extension CaptionTask {
    /// The task of the run saved in `checkpoint`, its data made (or read) again as it names it.
    /// - Throws: `RNNKitError` if the data cannot be read or the metadata does not fit.
    public static func resuming(_ checkpoint: TaskCheckpoint) throws -> CaptionTask {
        let saved = checkpoint.model
        let (configuration, vocabulary, settings, source) = try saved.naming { try captionParts(saved) }
        let (train, valid) = try source.load(seed: checkpoint.loop.seed)
        guard Seq2SeqVocabulary(counting: train.captions).symbols == vocabulary.symbols else {
            throw RNNKitError("the captions differ from those this run was trained on; resume with the same data")
        }
        return try CaptionTask(train: train, valid: valid, source: source, model: configuration, settings: settings,
                               seed: checkpoint.loop.seed, vocabulary: vocabulary)
    }
}
