// Turning a PyTorch model into an RNNKit run folder: a `state_dict` saved with
// `safetensors.torch.save_file` (PyTorch's parameter names), the reference model's constructor
// arguments as JSON, and its vocabulary and labels, become a `best.safetensors` that
// `rnn classify|tag predict/eval` (and `TrainedClassifier`/`TrainedTagger`) load.

/// Imports PyTorch-trained task models (the `SequenceClassifier` and `SequenceTagger` of
/// reference_models.py) into run folders.
public enum ImportedTaskModel {
    /// The model kinds that can be imported: `sequence-classifier`, `sequence-tagger`.
    public static let kinds = [ClassificationTask.kind, TaggingTask.kind]

    /// Writes `run/best.safetensors` for a model of `kind` built from `configJSON` (the
    /// constructor arguments, e.g. `{"cell": "LSTM", "vocab": 9076, "embed": 128, "hidden": 128,
    /// "layers": 1, "bidirectional": true, "classes": 2, "pooling": "max"}`) with the weights of
    /// the safetensors file at `weightsPath` (every parameter under its PyTorch name, F32 or F64).
    /// - Parameters:
    ///   - vocabulary: the token symbols by id: `<pad>`, `<unk>`, then the rest sorted by code point.
    ///   - labels: the class or tag names by id, sorted by code point.
    ///   - settings: how texts are cut into tokens (unit, lowercase).
    /// - Throws: `RNNKitError` if the configuration is invalid, the sizes of the vocabulary or
    ///   labels differ from the configuration's, or the weights do not fit the model exactly.
    public static func write(kind: String, configJSON: String, weightsPath: String, vocabulary: [String], labels: [String],
                             settings: TextTaskSettings, to run: RunDirectory) throws {
        guard kinds.contains(kind) else { throw RNNKitError("cannot import a '\(kind)' model; kinds: \(kinds.joined(separator: ", "))") }
        let outputsKey = kind == ClassificationTask.kind ? "classes" : "tags"
        let json: JSONValue
        do {
            json = try JSONValue.parse(Array(configJSON.utf8))
        } catch let error as RNNKitError {
            throw RNNKitError("the model configuration is not valid JSON (\(error.message))")
        }
        let configuration = try SequenceModelConfiguration(json: json, outputsKey: outputsKey)
        let vocabulary = try TaskVocabulary(symbols: vocabulary)
        let labels = try LabelSet(symbols: labels)
        guard vocabulary.count == configuration.vocabularySize else {
            throw RNNKitError("the vocabulary has \(vocabulary.count) symbols, the configuration says \(configuration.vocabularySize)")
        }
        guard labels.count == configuration.outputs else {
            throw RNNKitError("there are \(labels.count) labels, the configuration says \(configuration.outputs) \(outputsKey)")
        }
        try settings.validate()
        let arena: ParameterArena<Float> = kind == ClassificationTask.kind
            ? try SequenceClassifier<Float>(configuration).arena : try SequenceTagger<Float>(configuration).arena
        let file = try SafetensorsFile(contentsOf: weightsPath)
        do {
            try arena.load(from: file, strict: true)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(weightsPath)' does not fit the model: \(error.message)")
        }
        var task = settings.json
        if kind == TaggingTask.kind, case .object(var members) = task {
            members.append(("tag_column", .null))
            task = .object(members)
        }
        var loop = TrainingLoopConfiguration()
        loop.epochs = 1
        var writer = SafetensorsWriter(metadata: [
            "format": Checkpoint.modelFormat, "model_kind": kind, "model_version": "1",
            "model": configuration.json(outputsKey: outputsKey).serialized,
            "vocabulary": JSONValue.array(vocabulary.symbols.map(JSONValue.string)).serialized,
            "labels": JSONValue.array(labels.symbols.map(JSONValue.string)).serialized,
            "task": task.serialized,
            "data": TextTaskSources(train: nil, valid: nil, test: nil, texts: []).json.serialized,
            "training": JSONValue.object([("loop", loop.json)]).serialized,
            "imported_from": weightsPath,
        ])
        try arena.add(to: &writer)
        try run.create()
        try Checkpoint.writeWithChecksum(&writer, to: run.bestPath)
    }
}
