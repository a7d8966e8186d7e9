// Turning a PyTorch model into an RNNKit run folder: a `state_dict` saved with
// `safetensors.torch.save_file` (PyTorch's parameter names), the model's constructor arguments
// as JSON, and its vocabulary (and labels), become a `best.safetensors` that the commands of
// that model kind load: `rnn sample/eval/score` for a language model, `rnn classify|tag
// predict/eval` for the task models.

/// Imports PyTorch-trained models into run folders: the language model of
/// word_language_model/torch_lm.py and the `SequenceClassifier` and `SequenceTagger` of
/// reference_models.py.
public enum ImportedTaskModel {
    /// The model kinds that can be imported: `language-model`, `sequence-classifier`,
    /// `sequence-tagger`.
    public static let kinds = [LanguageModelTask.kind, ClassificationTask.kind, TaggingTask.kind]

    /// Writes `run/best.safetensors` for a language model built from `configJSON` (`{"cell":
    /// "LSTM", "vocab_size": 65, "embed": 64, "hidden": 256, "layers": 2, "dropout": 0, "tied":
    /// false}`) with the weights at `weightsPath` (`embedding.weight`, `rnn.*`, `decoder.*`;
    /// with tied weights a `decoder.weight` in the file is ignored, as PyTorch lists the shared
    /// tensor under both names).
    /// - Parameters:
    ///   - symbols: the symbols by id, sorted by code point, at `level`.
    ///   - configJSON: the model's configuration as JSON.
    ///   - weightsPath: the safetensors file of the weights.
    ///   - level: whether the symbols are characters or words.
    ///   - run: the run folder that receives the checkpoint.
    /// - Throws: `RNNKitError` if the configuration or vocabulary is invalid, their sizes differ,
    ///   or the weights do not fit the model.
    public static func writeLanguageModel(configJSON: String, weightsPath: String, vocabulary symbols: [String],
                                          level: TokenLevel, to run: RunDirectory) throws {
        let configuration = try LanguageModel<Float>.Configuration(json: try parse(configJSON))
        let vocabulary = try Vocabulary(level: level, symbols: symbols)
        guard vocabulary.count == configuration.vocabularySize else {
            throw RNNKitError("the vocabulary has \(vocabulary.count) symbols, the configuration says \(configuration.vocabularySize)")
        }
        let model = try LanguageModel<Float>(configuration)
        let report = try load(weightsPath, into: model.arena, strict: false)
        let unexpected = report.unexpected.filter { !(configuration.tiedWeights && $0 == "decoder.weight") }
        guard report.missing.isEmpty && unexpected.isEmpty else {
            throw RNNKitError("'\(weightsPath)' does not fit the model: missing \(report.missing), unexpected \(unexpected)")
        }
        let settings = TrainingConfiguration()
        try write(model.arena, metadata: [
            "model_kind": LanguageModelTask.kind, "model": configuration.json.serialized,
            "vocabulary": vocabulary.json.serialized, "task": LanguageModelTask.settingsJSON(settings).serialized,
            "training": JSONValue.object([("loop", LanguageModelTask.loop(settings).json)]).serialized,
        ], from: weightsPath, to: run)
    }

    /// Writes `run/best.safetensors` for a model of `kind` built from `configJSON` (the
    /// constructor arguments, e.g. `{"cell": "LSTM", "vocab": 9076, "embed": 128, "hidden": 128,
    /// "layers": 1, "bidirectional": true, "classes": 2, "pooling": "max"}`) with the weights of
    /// the safetensors file at `weightsPath` (every parameter under its PyTorch name, F32 or F64).
    /// - Parameters:
    ///   - kind: one of `kinds`.
    ///   - configJSON: the constructor arguments as JSON.
    ///   - weightsPath: the safetensors file of the weights.
    ///   - run: the run folder that receives the checkpoint.
    ///   - vocabulary: the token symbols by id: `<pad>`, `<unk>`, then the rest sorted by code point.
    ///   - labels: the class or tag names by id, sorted by code point.
    ///   - settings: how texts are cut into tokens (unit, lowercase).
    /// - Throws: `RNNKitError` if the configuration is invalid, the sizes of the vocabulary or
    ///   labels differ from the configuration's, or the weights do not fit the model exactly.
    public static func write(kind: String, configJSON: String, weightsPath: String, vocabulary: [String], labels: [String],
                             settings: TextTaskSettings, to run: RunDirectory) throws {
        guard kinds.contains(kind) else { throw RNNKitError("cannot import a '\(kind)' model; kinds: \(kinds.joined(separator: ", "))") }
        guard kind != LanguageModelTask.kind else {
            throw RNNKitError("a language model is imported with writeLanguageModel (it has no labels)")
        }
        let outputsKey = kind == ClassificationTask.kind ? "classes" : "tags"
        let configuration = try SequenceModelConfiguration(json: try parse(configJSON), outputsKey: outputsKey)
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
        _ = try load(weightsPath, into: arena, strict: true)
        let task = kind == TaggingTask.kind ? TaggingTask.taskJSON(settings, tagColumn: nil) : settings.json
        var loop = TrainingLoopConfiguration()
        loop.epochs = 1
        try write(arena, metadata: [
            "model_kind": kind, "model": configuration.json(outputsKey: outputsKey).serialized,
            "vocabulary": JSONValue.array(vocabulary.symbols.map(JSONValue.string)).serialized,
            "labels": JSONValue.array(labels.symbols.map(JSONValue.string)).serialized,
            "task": task.serialized,
            "data": TextTaskSources(train: nil, valid: nil, test: nil, texts: []).json.serialized,
            "training": JSONValue.object([("loop", loop.json)]).serialized,
        ], from: weightsPath, to: run)
    }

    /// The symbols in a file: a JSON array of strings when the file starts with `[` (needed
    /// for a character vocabulary, which holds the line end), else one symbol per line
    /// (trailing empty lines dropped).
    /// - Throws: `RNNKitError` if the file cannot be read or is not such an array.
    public static func readSymbols(_ path: String) throws -> [String] {
        try parseSymbols(TextFile.read(path), path: path)
    }

    /// The symbols in the text of a file read from `path` (see `readSymbols`).
    static func parseSymbols(_ text: String, path: String) throws -> [String] {
        if text.hasPrefix("[") {
            do {
                return try JSONFields.strings(try JSONValue.parse(Array(text.utf8)), "'\(path)'")
            } catch let error as RNNKitError {
                throw RNNKitError("'\(path)' starts with '[' but is not a JSON array of strings (\(error.message))")
            }
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// The JSON of a configuration, or an error saying it is not JSON.
    private static func parse(_ text: String) throws -> JSONValue {
        do {
            return try JSONValue.parse(Array(text.utf8))
        } catch let error as RNNKitError {
            throw RNNKitError("the model configuration is not valid JSON (\(error.message))")
        }
    }

    /// Loads the weights file into `arena`, naming the file in errors.
    private static func load(_ path: String, into arena: ParameterArena<Float>, strict: Bool) throws -> WeightLoadReport {
        let file = try SafetensorsFile(contentsOf: path)
        do {
            return try arena.load(from: file, strict: strict)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(path)' does not fit the model: \(error.message)")
        }
    }

    /// Writes `arena` with `metadata` (plus the format, version and source) as
    /// `run/best.safetensors`, creating the folder.
    private static func write(_ arena: ParameterArena<Float>, metadata: [String: String], from source: String,
                              to run: RunDirectory) throws {
        var all = metadata
        all["format"] = Checkpoint.modelFormat
        all["model_version"] = "1"
        all["imported_from"] = source
        var writer = SafetensorsWriter(metadata: all)
        try arena.add(to: &writer)
        try run.create()
        try Checkpoint.writeWithChecksum(&writer, to: run.bestPath)
    }
}
