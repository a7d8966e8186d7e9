// Writing a task run's checkpoints, as the language-model trainer does: the state file is
// written first under a fresh name, then `latest.safetensors` replaces the previous one
// atomically and names it, and only then are older state files removed. A crash at any point
// leaves a complete previous (or new) checkpoint.

extension TaskTrainer {
    /// The metadata every weights file carries: format, kind, the task's entries, the loop.
    var modelMetadata: [String: String] {
        var all = task.checkpointMetadata
        all["format"] = Checkpoint.modelFormat
        all["model_kind"] = task.modelKind
        all["model_version"] = String(task.modelVersion)
        all["ranks"] = String(parallelism.communicator.size)
        all["training"] = JSONValue.object([("loop", configuration.json), ("display", display.json)]).serialized
        return all
    }

    /// Writes the latest checkpoint: weights, optimizer state, carried state, progress.
    /// In a distributed run every rank calls it (the carried state is gathered first) and
    /// rank 0 alone writes.
    public func saveLatest() throws {
        try gatherCarriedState()
        guard isRoot else { lastCheckpointStep = progress.step; return }
        progress.generators = task.module.randomGenerators
        progress.elapsedSeconds = elapsedSeconds
        let optimizerState = optimizer.exportState()
        let stateName = "latest.state.\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).safetensors"
        var state = SafetensorsWriter(metadata: [
            "format": Checkpoint.stateFormat, "optimizer": configuration.optimizer.rawValue,
            "step_count": String(optimizerState.stepCount),
        ])
        for (name, buffer) in optimizerState.buffers.sorted(by: { $0.key < $1.key }) {
            try state.add("optimizer." + name, Tensor(shape: [buffer.count], scalars: buffer))
        }
        for (name, tensor) in task.stateTensors.sorted(by: { $0.key < $1.key }) { try state.add("task." + name, tensor) }
        if progress.averagedSteps > 0 { try state.add(Self.averageTensorName, Tensor(shape: [average.values.count], scalars: average.values)) }
        try Checkpoint.writeWithChecksum(&state, to: run.file(stateName))
        var metadata = modelMetadata.merging(task.progressMetadata) { trainer, _ in trainer }
        metadata["progress"] = progress.json.serialized
        metadata["state_file"] = stateName
        metadata["state_crc32"] = state.metadata["crc32"]!
        try writeWeights(metadata, to: run.latestPath)
        for old in run.stateFileNames() where old != stateName { run.remove(old) }
        lastCheckpointStep = progress.step
    }

    /// The state file's entry holding the weight average θ̄ (`WeightAveraging`).
    static let averageTensorName = "average.values"

    /// Writes the current weights as the best model.
    func saveBest(_ evaluation: TaskEvaluation) throws {
        guard isRoot else { return }
        var metadata = modelMetadata
        metadata["valid_score"] = String(evaluation.score)
        metadata["valid_loss"] = String(evaluation.loss)
        metadata["epoch"] = String(progress.epoch)
        metadata["step"] = String(progress.step)
        try writeWeights(metadata, to: run.bestPath)
    }

    private func writeWeights(_ metadata: [String: String], to path: String) throws {
        var writer = SafetensorsWriter(metadata: metadata)
        try task.arena.add(to: &writer)
        try Checkpoint.writeWithChecksum(&writer, to: path)
    }

    /// A one-line explanation of where the last good checkpoint is, for errors.
    var lastCheckpointNote: String {
        lastCheckpointStep >= 0
            ? "the last good checkpoint (step \(lastCheckpointStep)) is kept in '\(run.latestPath)'"
            : "no checkpoint was written"
    }
}
