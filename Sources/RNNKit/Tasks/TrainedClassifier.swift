/// A trained sentence classifier read from a run folder or checkpoint, with its vocabulary,
/// labels and tokenization: what `rnn classify predict` and `rnn classify eval` use.
public struct TrainedClassifier {
    /// The model, in evaluation mode.
    public let model: SequenceClassifier<Float>
    /// The token vocabulary.
    public let vocabulary: TaskVocabulary
    /// The class labels.
    public let labels: LabelSet
    /// How texts are cut into tokens (and batched for evaluation).
    public let settings: TextTaskSettings
    /// The file it was read from.
    public let path: String

    /// Reads a classifier from a run folder (`best.safetensors`, else `latest`) or a file.
    /// - Throws: `RNNKitError` if the file is missing, corrupted, of another kind, or its
    ///   metadata or weights do not fit together (sizes are validated before anything is built).
    public static func load(_ path: String) throws -> TrainedClassifier {
        let saved = try SavedTaskModel.load(path, kind: ClassificationTask.kind)
        return try saved.naming {
            let (configuration, vocabulary, labels, settings) = try textModelParts(saved, outputsKey: "classes")
            let model = try SequenceClassifier<Float>(configuration)
            try saved.loadWeights(into: model.arena)
            model.setTraining(false)
            return TrainedClassifier(model: model, vocabulary: vocabulary, labels: labels, settings: settings, path: saved.path)
        }
    }

    /// The most likely label of each text and its probability (softmax), in order.
    /// - Throws: `RNNKitError` if a text has no tokens.
    public func predict(_ texts: [String]) throws -> [(label: String, probability: Double)] {
        var results: [(String, Double)] = []
        for (n, text) in texts.enumerated() {
            let tokens = TaskTokenizer.tokens(of: text, unit: settings.unit, lowercase: settings.lowercase)
            guard !tokens.isEmpty else { throw RNNKitError("text \(n + 1) has no tokens") }
            try model.configuration.checkMemory(lengths: [tokens.count], batch: 1, for: "classifying text \(n + 1)")
            let logits = model.forward(tokens: vocabulary.encode(tokens), lengths: [tokens.count]).scalars.map(Double.init)
            let top = logits.indices.max { logits[$0] < logits[$1] }!
            let total = logits.reduce(0) { $0 + Double.exp($1 - logits[top]) }
            results.append((labels.name(of: top), 1 / total))
        }
        return results
    }

    /// Loss, accuracy, macro-F1 and the confusion matrix on labelled examples read from `file`.
    /// - Throws: `RNNKitError` naming the file and line of a label the model never saw.
    public func evaluate(_ examples: [LabeledExample], file: String) throws -> TaskEvaluation {
        let ids = try ClassificationData.labelIDs(examples, labels, file: file, firstLine: 1)
        try model.configuration.checkMemory(lengths: examples.map(\.tokens.count), batch: settings.evalBatchSize,
                                            for: "evaluating these examples")
        let encoded = zip(examples, ids).map { (ids: vocabulary.encode($0.tokens), label: $1) }
        model.setTraining(false)
        return try ClassificationTask.evaluate(model, encoded, classes: labels.count, batchSize: settings.evalBatchSize,
                                               shouldStop: { false })!
    }
}

/// The model configuration, vocabulary, labels and settings a text-task checkpoint holds,
/// checked against each other before anything is allocated.
func textModelParts(_ saved: SavedTaskModel, outputsKey: String)
    throws -> (SequenceModelConfiguration, TaskVocabulary, LabelSet, TextTaskSettings) {
    let configuration = try SequenceModelConfiguration(json: try saved.json("model"), outputsKey: outputsKey)
    let vocabulary = try TaskVocabulary(symbols: try JSONFields.strings(try saved.json("vocabulary"), "vocabulary"))
    let labels = try LabelSet(symbols: try JSONFields.strings(try saved.json("labels"), "labels"))
    let settings = try TextTaskSettings(json: try saved.json("task"))
    guard vocabulary.count == configuration.vocabularySize, labels.count == configuration.outputs else {
        throw RNNKitError("the vocabulary (\(vocabulary.count)) or labels (\(labels.count)) do not fit the model (\(configuration.vocabularySize), \(configuration.outputs))")
    }
    // The file's tensors must hold exactly the model's parameters before the model is built:
    // a corrupted header cannot make it allocate more than the file holds.
    let stored = saved.weights.tensors.reduce(0) { $0 + $1.count }
    guard configuration.parameterCount == stored else {
        throw RNNKitError("the model configuration needs \(configuration.parameterCount.map(String.init) ?? "too many") parameters, the file holds \(stored)")
    }
    return (configuration, vocabulary, labels, settings)
}
