// Writing the run's checkpoints. `latest.safetensors` is the commit record: the state file it
// names is written first under a fresh name, then `latest.safetensors` replaces the previous
// one atomically, and only then are older state files removed. A crash at any point leaves a
// complete previous (or new) checkpoint.

extension Trainer {
    /// The `training` metadata: settings, data sources and fingerprint.
    var trainingMetadata: String {
        JSONValue.object([("config", configuration.json), ("data", data.sources.json),
                          ("fingerprint", .string(data.fingerprint))]).serialized
    }

    /// Writes the latest checkpoint (weights, optimizer state, carried state, progress).
    public func saveLatest() throws {
        progress.dropoutGenerators = model.dropoutGenerators
        progress.elapsedSeconds = elapsedSeconds
        let optimizerState = optimizer.exportState()
        let stateName = "latest.state.\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).safetensors"
        var writer = SafetensorsWriter(metadata: [
            "format": Checkpoint.stateFormat, "optimizer": configuration.optimizer.rawValue,
            "step_count": String(optimizerState.stepCount),
        ])
        for (name, buffer) in optimizerState.buffers.sorted(by: { $0.key < $1.key }) {
            try writer.add("optimizer." + name, Tensor(shape: [buffer.count], scalars: buffer))
        }
        if let state = progress.carriedState {
            try writer.add("carried.h", state.h)                                   // (L, B, H)
            if let c = state.c { try writer.add("carried.c", c) }                  // (L, B, H)
        }
        try Checkpoint.writeWithChecksum(&writer, to: run.file(stateName))
        try Checkpoint.writeWeights(model, vocabulary: data.vocabulary, metadata: [
            "training": trainingMetadata, "progress": progress.json.serialized,
            "state_file": stateName, "state_crc32": writer.metadata["crc32"]!,
        ], to: run.latestPath)
        for old in run.stateFileNames() where old != stateName { run.remove(old) }
        lastCheckpointStep = progress.step
    }

    /// Replaces the initial weights with those of a safetensors file under PyTorch's names (for
    /// example a PyTorch model's `state_dict` right after construction), before training starts.
    /// Every parameter must be there with its shape; with tied weights a `decoder.weight` in the
    /// file is ignored (PyTorch lists the shared tensor under both names).
    /// - Throws: `RNNKitError` if training has started or the file does not fit the model.
    public func loadInitialWeights(from path: String) throws {
        guard progress.step == 0 && lastCheckpointStep < 0 else {
            throw RNNKitError("initial weights can only be loaded before training starts")
        }
        let file = try SafetensorsFile(contentsOf: path)
        let report = try model.arena.load(from: file, strict: false)
        let unexpected = report.unexpected.filter { !(model.configuration.tiedWeights && $0 == "decoder.weight") }
        guard report.missing.isEmpty && unexpected.isEmpty else {
            throw RNNKitError("'\(path)' does not fit the model: missing \(report.missing), unexpected \(unexpected)")
        }
    }

    /// Writes the current weights as the best model.
    func saveBest(validLoss: Double) throws {
        try Checkpoint.writeWeights(model, vocabulary: data.vocabulary, metadata: [
            "training": trainingMetadata, "valid_loss": String(validLoss),
            "epoch": String(progress.epoch), "step": String(progress.step),
        ], to: run.bestPath)
    }

    /// A one-line explanation of where the last good checkpoint is, for errors.
    var lastCheckpointNote: String {
        lastCheckpointStep >= 0
            ? "the last good checkpoint (step \(lastCheckpointStep)) is kept in '\(run.latestPath)'"
            : "no checkpoint was written"
    }
}
