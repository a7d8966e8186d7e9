/// The latest checkpoint of a run, read and verified: what `Trainer(resuming:data:)` needs.
///
/// Reading checks both files' headers strictly and their data against the CRC-32 in their
/// metadata, and that the state file is the one `latest.safetensors` names (by name and
/// checksum), so a truncated, corrupted or mismatched checkpoint is reported, never loaded.
public struct TrainingCheckpoint {
    /// The run folder.
    public let run: RunDirectory
    /// `latest.safetensors`.
    public let path: String
    /// The architecture.
    public let modelConfiguration: LanguageModel<Float>.Configuration
    /// The vocabulary.
    public let vocabulary: Vocabulary
    /// The training settings the run was started (or last resumed) with.
    public let training: TrainingConfiguration
    /// Where the text came from.
    public let sources: TextSources
    /// The data fingerprint (`LanguageModelData.fingerprint`) of the run.
    public let fingerprint: String
    /// Where the run was, carried state included.
    public let progress: TrainingProgress
    let weights: SafetensorsFile
    let state: SafetensorsFile

    /// Reads the latest checkpoint of `run`.
    /// - Throws: `RNNKitError` if there is none, or it is truncated, corrupted or inconsistent.
    public static func read(_ run: RunDirectory) throws -> TrainingCheckpoint {
        let path = run.latestPath
        guard RunDirectory.exists(path) else {
            throw RNNKitError("'\(run.path)' has no checkpoint to resume from (no latest.safetensors)")
        }
        let weights = try Checkpoint.readVerified(path)
        let (model, vocabulary) = try Checkpoint.model(from: weights, path: path)
        let training = try JSONFields(try Checkpoint.parse(weights.metadata["training"], "training", in: path), "training")
        let progressJSON = try Checkpoint.parse(weights.metadata["progress"], "progress", in: path)
        guard let stateName = weights.metadata["state_file"], let stateCRC = weights.metadata["state_crc32"],
              !stateName.contains("/") else {
            throw RNNKitError("'\(path)' does not name its state file")
        }
        let statePath = run.file(stateName)
        guard RunDirectory.exists(statePath) else {
            throw RNNKitError("'\(path)' needs '\(statePath)', which is missing")
        }
        let state = try Checkpoint.readVerified(statePath)
        guard state.metadata["format"] == Checkpoint.stateFormat, state.metadata["crc32"] == stateCRC else {
            throw RNNKitError("'\(statePath)' does not belong to '\(path)' (checksum \(state.metadata["crc32"] ?? "none"), expected \(stateCRC))")
        }
        var progress: TrainingProgress
        do {
            progress = try TrainingProgress(json: progressJSON)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(path)': \(error.message)")
        }
        if TrainingProgress.hasCarriedState(progressJSON) {
            let h: Tensor<Float> = try state.tensor("carried.h")
            let c: Tensor<Float>? = state.contains("carried.c") ? try state.tensor("carried.c") : nil
            guard (c != nil) == model.configuration.cell.hasCellState else {
                throw RNNKitError("'\(statePath)': the carried state does not fit a \(model.configuration.cell.rawValue) model")
            }
            progress.carriedState = RecurrentState(h: h, c: c)
        }
        do {
            return TrainingCheckpoint(
                run: run, path: path, modelConfiguration: model.configuration, vocabulary: vocabulary,
                training: try TrainingConfiguration(json: try training.required("config")),
                sources: try TextSources(json: try training.required("data")),
                fingerprint: try training.string("fingerprint"), progress: progress,
                weights: weights, state: state)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(path)': \(error.message)")
        }
    }

    /// Loads the checkpoint's weights into `model` (same architecture).
    func restore(into model: LanguageModel<Float>) throws {
        do {
            try model.arena.load(from: weights, strict: true)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(path)': \(error.message)")
        }
    }

    /// Loads the optimizer state (step count and buffers) into `optimizer`.
    func restore(into optimizer: any Optimizer<Float>, arena: ParameterArena<Float>) throws {
        let statePath = run.file(weights.metadata["state_file"] ?? "")
        guard state.metadata["optimizer"] == training.optimizer.rawValue else {
            throw RNNKitError("'\(statePath)' holds \(state.metadata["optimizer"] ?? "no") optimizer state, the run uses \(training.optimizer.rawValue)")
        }
        guard let steps = state.metadata["step_count"].flatMap({ Int($0) }) else {
            throw RNNKitError("'\(statePath)' has no optimizer step count")
        }
        var buffers: [String: [Float]] = [:]
        for name in state.names where name.hasPrefix("optimizer.") {
            let t: Tensor<Float> = try state.tensor(name)
            buffers[String(name.dropFirst("optimizer.".count))] = t.scalars
        }
        do {
            try optimizer.importState(OptimizerState(stepCount: steps, buffers: buffers), for: arena)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(statePath)': \(error.message)")
        }
    }
}
