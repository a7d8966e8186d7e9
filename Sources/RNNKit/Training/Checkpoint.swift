// Checkpoint files. A weights file is a standard safetensors file holding the model's
// parameters under PyTorch's names, so `safetensors.torch.load_file` + `load_state_dict` read
// it; its `__metadata__` holds strings. Language-model runs write the generic task format
// (`rnnkit.model/1`, model_kind `language-model`, see TaskCheckpoint.swift and
// LanguageModelTask+Checkpoint.swift); `SavedModel` also reads files of the earlier
// language-model format:
//
//   format       "rnnkit.language-model/1"
//   model        JSON: cell, vocab_size, embed, hidden, layers, dropout, tied
//   vocabulary   JSON: level, symbols (sorted by code point)
//   training     JSON: {"config": the training settings, "data", "fingerprint"}
//   crc32        CRC-32 of the data section (every byte after the header), 8 hex digits
//   header_crc32 CRC-32 of the length and header (Checkpoint+Checksum.swift; newer files)
//
// State files (format "rnnkit.training-state/1") hold the optimizer buffers as flat tensors
// `optimizer.<PyTorch state name>` ((arena.count), the arena's layout) and the task's carried
// state; their metadata: format, optimizer, step_count, crc32, header_crc32.

/// The identifier of RNNKit's earlier language-model checkpoint format (still read).
public let checkpointFormat = "rnnkit.language-model/1"

/// A trained language model read from a checkpoint, with its vocabulary: what `rnn sample`,
/// `rnn eval` and `rnn score` work with.
public struct SavedModel {
    /// The model, in evaluation mode.
    public let model: LanguageModel<Float>
    /// Its vocabulary.
    public let vocabulary: Vocabulary
    /// The settings it was trained with, if the file records them.
    public let training: TrainingConfiguration?
    /// The file it was read from.
    public let path: String

    /// Reads a model from a run folder (its `best.safetensors`, else `latest.safetensors`) or a
    /// checkpoint file.
    /// - Throws: `RNNKitError` if nothing is there, or the file is truncated, corrupted (checksum
    ///   mismatch), not an RNNKit language-model checkpoint, or its weights do not fit its model.
    public static func load(_ path: String) throws -> SavedModel {
        let file = try RunDirectory.modelFile(path)
        let weights = try Checkpoint.readVerified(file, formats: [checkpointFormat, Checkpoint.modelFormat])
        let (model, vocabulary) = try Checkpoint.model(from: weights, path: file)
        model.isTraining = false
        let training: TrainingConfiguration?
        if weights.metadata["format"] == Checkpoint.modelFormat {
            let saved = SavedTaskModel(path: file, metadata: weights.metadata, weights: weights)
            training = try saved.naming {
                let loop = try TrainingLoopConfiguration(json: try JSONFields(try saved.json("training"), "training").required("loop"))
                return try LanguageModelTask.settings(task: try saved.json("task"), loop: loop)
            }
        } else {
            training = try weights.metadata["training"].map { try Checkpoint.parse($0, "training", in: file) }
                .map { try TrainingConfiguration(json: try JSONFields($0, "training").required("config")) }
        }
        return SavedModel(model: model, vocabulary: vocabulary, training: training, path: file)
    }
}

/// Writing and reading checkpoint files.
enum Checkpoint {
    /// Reads a checkpoint file: its header against `header_crc32` (before parsing it), then the
    /// header strictly, then its data against `crc32` (see Checkpoint+Checksum.swift).
    /// - Parameter formats: the formats accepted (the language model's and the state file's
    ///   by default); a file of another RNNKit format is refused naming its model kind.
    static func readVerified(_ path: String, formats: Set<String> = [checkpointFormat, stateFormat]) throws -> SafetensorsFile {
        try verified(try FileIO.readAll(path), path: path, formats: formats)
    }

    /// `readVerified` on the bytes of a file read from `path`.
    static func verified(_ bytes: [UInt8], path: String, formats: Set<String> = [checkpointFormat, stateFormat]) throws -> SafetensorsFile {
        let hasHeaderChecksum = try verifyHeaderChecksum(bytes, path: path)
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(bytes: bytes)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(path)' is not a readable checkpoint: \(error.message)")
        }
        guard let format = file.metadata["format"] else {
            throw RNNKitError("'\(path)' is not an RNNKit checkpoint (its metadata has no 'format')")
        }
        guard formats.contains(format) else {
            let wanted = formats.contains(checkpointFormat) ? "a language model" : "a task model"
            switch format {
            case checkpointFormat: throw RNNKitError("'\(path)' holds a language-model checkpoint, not \(wanted)")
            case modelFormat: throw RNNKitError("'\(path)' holds a \(file.metadata["model_kind"] ?? "task") checkpoint, not \(wanted)")
            default: throw RNNKitError("'\(path)' has format '\(format)', expected \(formats.sorted().map { "'\($0)'" }.joined(separator: " or "))")
            }
        }
        if !hasHeaderChecksum { try checkOldFileKeys(file.metadata, path: path) }
        guard let expected = file.metadata["crc32"] else { throw RNNKitError("'\(path)' has no checksum (crc32)") }
        let actual = dataChecksum(bytes).hex
        guard actual == expected else {
            throw RNNKitError("'\(path)' is corrupted: its data checksum is \(actual), the header says \(expected)")
        }
        return file
    }

    /// The model and vocabulary a verified weights file describes (either language-model
    /// format), with its weights loaded.
    static func model(from file: SafetensorsFile, path: String) throws -> (LanguageModel<Float>, Vocabulary) {
        if file.metadata["format"] == modelFormat {
            guard let kind = file.metadata["model_kind"], kind == LanguageModelTask.kind else {
                throw RNNKitError("'\(path)' holds a \(file.metadata["model_kind"] ?? "task") checkpoint, not a language model")
            }
            try SavedTaskModel(path: path, metadata: file.metadata, weights: file).checkKind(LanguageModelTask.kind, version: 1)
        } else if file.metadata["format"] != checkpointFormat {
            throw RNNKitError("'\(path)' is not a model checkpoint")
        }
        let (configuration, vocabulary) = try architecture(file.metadata, path: path)
        // The file must hold exactly the model's parameters before the model is built: a
        // corrupted header cannot make it allocate more than the file holds.
        let stored = file.tensors.reduce(0) { $0 + $1.count }
        guard configuration.parameterCount == stored else {
            throw RNNKitError("'\(path)': the model configuration needs \(configuration.parameterCount.map(String.init) ?? "too many") parameters, the file holds \(stored)")
        }
        do {
            let model = try LanguageModel<Float>(configuration)
            try model.arena.load(from: file, strict: true)
            return (model, vocabulary)
        } catch let error as RNNKitError where !error.message.hasPrefix("'\(path)'") {
            throw RNNKitError("'\(path)': \(error.message)")
        }
    }

    /// The architecture and vocabulary in a language-model checkpoint's metadata.
    static func architecture(_ metadata: [String: String], path: String)
        throws -> (LanguageModel<Float>.Configuration, Vocabulary) {
        do {
            let configuration = try LanguageModel<Float>.Configuration(json: try parse(metadata["model"], "model", in: path))
            let vocabulary = try Vocabulary(json: try parse(metadata["vocabulary"], "vocabulary", in: path))
            guard vocabulary.count == configuration.vocabularySize else {
                throw RNNKitError("the vocabulary has \(vocabulary.count) symbols, the model \(configuration.vocabularySize)")
            }
            return (configuration, vocabulary)
        } catch let error as RNNKitError where !error.message.hasPrefix("'\(path)'") {
            throw RNNKitError("'\(path)': \(error.message)")
        }
    }

    /// Parses the JSON text of metadata entry `key`.
    static func parse(_ text: String?, _ key: String, in path: String) throws -> JSONValue {
        guard let text else { throw RNNKitError("'\(path)' has no '\(key)' metadata") }
        do {
            return try JSONValue.parse(Array(text.utf8))
        } catch let error as RNNKitError {
            throw RNNKitError("'\(path)': metadata '\(key)' is not valid JSON (\(error.message))")
        }
    }

    /// The format of state files.
    static let stateFormat = "rnnkit.training-state/1"
    /// The format of task-model checkpoints (`TaskTrainer`); `model_kind` names the model.
    static let modelFormat = "rnnkit.model/1"
}
