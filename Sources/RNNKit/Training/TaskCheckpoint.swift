// Reading task-model checkpoints (format `rnnkit.model/1`, written by `TaskTrainer`). A weights
// file is a standard safetensors file of the model's parameters under PyTorch's names; its
// `__metadata__` holds strings:
//
//   format          "rnnkit.model/1"
//   model_kind      e.g. "sequence-classifier", "sequence-tagger"
//   model_version   the kind's layout version, "1"
//   model, …        what the task writes (`TrainingTask.checkpointMetadata`): configuration,
//                   vocabularies, data sources and fingerprint
//   training        JSON: {"loop": the loop settings, "display": what the front end prints}
//   crc32           CRC-32 of the data section
//   header_crc32    CRC-32 of the length and header (Checkpoint+Checksum.swift)
//   valid_score, epoch, step        (best)
//   progress, state_file, state_crc32   (latest)
//   …               (latest) what the task saves as `TrainingTask.progressMetadata`
//
// The state file holds the optimizer buffers `optimizer.<name>`, the task's carried state
// `task.<name>` and, when the run averages its weights, the average `average.values`.

/// A trained task model read from a run folder (`best.safetensors`, else `latest`) or a
/// checkpoint file, verified, with the kind checked: what `predict` and `eval` commands load.
public struct SavedTaskModel {
    /// The file it was read from.
    public let path: String
    /// Every metadata entry.
    public let metadata: [String: String]
    let weights: SafetensorsFile

    /// Reads and verifies the model at `path` (a run folder or a file), which must be of
    /// `kind` (in a version ≤ `version`).
    /// - Throws: `RNNKitError` if nothing is there, the file is truncated or corrupted, of
    ///   another format or kind (both named), or of a newer version.
    public static func load(_ path: String, kind: String, version: Int = 1) throws -> SavedTaskModel {
        let file = try RunDirectory.modelFile(path)
        let weights = try Checkpoint.readVerified(file, formats: [Checkpoint.modelFormat])
        let saved = SavedTaskModel(path: file, metadata: weights.metadata, weights: weights)
        try saved.checkKind(kind, version: version)
        return saved
    }

    /// Throws unless the file holds a model of `kind` in a version ≤ `version`.
    func checkKind(_ kind: String, version: Int) throws {
        let found = metadata["model_kind"] ?? "(no kind)"
        guard found == kind else { throw RNNKitError("'\(path)' holds a \(found) model, not a \(kind)") }
        guard let v = metadata["model_version"].flatMap({ Int($0) }), v >= 1 else {
            throw RNNKitError("'\(path)' has no valid model_version")
        }
        guard v <= version else {
            throw RNNKitError("'\(path)' holds a \(kind) model of version \(v), newer than this RNNKit reads (\(version))")
        }
    }

    /// The JSON of metadata entry `key`.
    func json(_ key: String) throws -> JSONValue { try Checkpoint.parse(metadata[key], key, in: path) }

    /// Loads the weights into `arena`, which must have exactly the file's tensors.
    public func loadWeights(into arena: ParameterArena<Float>) throws {
        do {
            try arena.load(from: weights, strict: true)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(path)': \(error.message)")
        }
    }

    /// Runs `body`, prefixing an `RNNKitError` it throws with the file's path.
    func naming<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RNNKitError where !error.message.hasPrefix("'\(path)'") {
            throw RNNKitError("'\(path)': \(error.message)")
        }
    }
}

/// The latest checkpoint of a task run, read and verified: what `TaskTrainer(resuming:task:)`
/// needs. Both files' headers are checked strictly and their data against their CRC-32, and the
/// state file must be the one `latest.safetensors` names (by name and checksum).
public struct TaskCheckpoint {
    /// The run folder.
    public let run: RunDirectory
    /// `latest.safetensors`, read as a model.
    public let model: SavedTaskModel
    /// The loop settings the run was started (or last resumed) with.
    public let loop: TrainingLoopConfiguration
    /// What the front end printed (absent in older runs: its defaults).
    public let display: TrainingDisplay
    /// Where the run was.
    public let progress: TaskProgress
    let state: SafetensorsFile

    /// `latest.safetensors`.
    public var path: String { model.path }

    /// Reads the latest checkpoint of `run`, which must hold a model of `kind`.
    /// - Throws: `RNNKitError` if there is none, or it is truncated, corrupted, inconsistent or
    ///   of another kind.
    public static func read(_ run: RunDirectory, kind: String) throws -> TaskCheckpoint {
        let path = run.latestPath
        guard RunDirectory.exists(path) else {
            throw RNNKitError("'\(run.path)' has no checkpoint to resume from (no latest.safetensors)")
        }
        let model = try SavedTaskModel.load(path, kind: kind)
        guard let stateName = model.metadata["state_file"], let stateCRC = model.metadata["state_crc32"],
              !stateName.contains("/") else {
            throw RNNKitError("'\(path)' does not name its state file")
        }
        let statePath = run.file(stateName)
        guard RunDirectory.exists(statePath) else { throw RNNKitError("'\(path)' needs '\(statePath)', which is missing") }
        let state = try Checkpoint.readVerified(statePath, formats: [Checkpoint.stateFormat])
        guard state.metadata["crc32"] == stateCRC else {
            throw RNNKitError("'\(statePath)' does not belong to '\(path)' (checksum \(state.metadata["crc32"] ?? "none"), expected \(stateCRC))")
        }
        return try model.naming {
            let training = try JSONFields(try model.json("training"), "training")
            let display = training.has("display") ? try TrainingDisplay(json: try training.required("display")) : TrainingDisplay()
            return TaskCheckpoint(run: run, model: model, loop: try TrainingLoopConfiguration(json: try training.required("loop")),
                                  display: display,
                                  progress: try TaskProgress(json: try model.json("progress")), state: state)
        }
    }

    /// Throws unless `task` writes the same metadata as the checkpoint holds (same model
    /// configuration, vocabularies and data), naming the first entry that differs.
    func checkCompatible(with task: any TrainingTask) throws {
        guard task.modelKind == model.metadata["model_kind"] else {
            throw RNNKitError("'\(path)' holds a \(model.metadata["model_kind"] ?? "(no kind)") model, not a \(task.modelKind)")
        }
        for (key, value) in task.checkpointMetadata.sorted(by: { $0.key < $1.key })
            where model.metadata[key] != value && !task.metadataKeysFreeOnResume.contains(key) {
            throw RNNKitError("the \(key) differs from the run saved in '\(run.path)'; resume with the same data and settings")
        }
    }

    /// Loads the optimizer state into `optimizer` and the carried state into `task`.
    func restoreState(optimizer: any Optimizer<Float>, task: any TrainingTask) throws {
        let statePath = run.file(model.metadata["state_file"] ?? "")
        guard state.metadata["optimizer"] == loop.optimizer.rawValue else {
            throw RNNKitError("'\(statePath)' holds \(state.metadata["optimizer"] ?? "no") optimizer state, the run uses \(loop.optimizer.rawValue)")
        }
        guard let steps = state.metadata["step_count"].flatMap({ Int($0) }),
              (0...TrainingLoopConfiguration.maxCount).contains(steps) else {
            throw RNNKitError("'\(statePath)' has no valid optimizer step count")
        }
        var buffers: [String: [Float]] = [:], carried: [String: Tensor<Float>] = [:]
        for name in state.names {
            if name.hasPrefix("optimizer.") {
                buffers[String(name.dropFirst("optimizer.".count))] = (try state.tensor(name) as Tensor<Float>).scalars
            } else if name.hasPrefix("task.") {
                carried[String(name.dropFirst("task.".count))] = try state.tensor(name)
            }
        }
        do {
            try optimizer.importState(OptimizerState(stepCount: steps, buffers: buffers), for: task.arena)
            try task.restoreStateTensors(carried)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(statePath)': \(error.message)")
        }
        try model.naming { try task.restoreProgressMetadata(model.metadata) }
    }

    /// The weight average θ̄ the state file holds after `progress.averagedSteps` averaged steps,
    /// for an arena of `parameters` values.
    /// - Throws: `RNNKitError` if it is missing or of another size.
    func savedAverage(parameters: Int) throws -> WeightAverage {
        let statePath = run.file(model.metadata["state_file"] ?? "")
        guard state.names.contains(TaskTrainer.averageTensorName) else {
            throw RNNKitError("'\(statePath)' has no weight average, though \(progress.averagedSteps) steps were averaged")
        }
        do {
            let values: Tensor<Float> = try state.tensor(TaskTrainer.averageTensorName)
            return try WeightAverage(values: values.scalars, steps: progress.averagedSteps, parameters: parameters)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(statePath)': \(error.message)")
        }
    }
}
