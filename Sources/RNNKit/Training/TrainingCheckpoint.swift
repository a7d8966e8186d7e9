/// The latest checkpoint of a language-model run, read and verified: what
/// `Trainer(resuming:data:)` needs. The generic `TaskCheckpoint` (both files' headers checked
/// strictly, their data against their CRC-32, the state file the one `latest.safetensors`
/// names) read as a `language-model`, with the task's metadata parsed.
public struct TrainingCheckpoint {
    /// The generic checkpoint.
    public let checkpoint: TaskCheckpoint
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

    /// The run folder.
    public var run: RunDirectory { checkpoint.run }
    /// `latest.safetensors`.
    public var path: String { checkpoint.path }

    /// Reads the latest checkpoint of `run`.
    /// - Throws: `RNNKitError` if there is none, or it is truncated, corrupted, inconsistent or
    ///   not a language model's.
    public static func read(_ run: RunDirectory) throws -> TrainingCheckpoint {
        let checkpoint = try TaskCheckpoint.read(run, kind: LanguageModelTask.kind)
        let saved = checkpoint.model
        let (configuration, vocabulary) = try Checkpoint.architecture(saved.metadata, path: saved.path)
        return try saved.naming {
            let training = try LanguageModelTask.settings(task: try saved.json("task"), loop: checkpoint.loop)
            var carried: [String: Tensor<Float>] = [:]
            for name in checkpoint.state.names where name.hasPrefix("task.") {
                carried[String(name.dropFirst("task.".count))] = try checkpoint.state.tensor(name)
            }
            let state = try LanguageModelTask.carriedState(carried, configuration, batch: training.batch)
            guard let fingerprint = saved.metadata["fingerprint"] else { throw RNNKitError("no data fingerprint") }
            return TrainingCheckpoint(
                checkpoint: checkpoint, modelConfiguration: configuration, vocabulary: vocabulary, training: training,
                sources: try TextSources(json: try saved.json("data")), fingerprint: fingerprint,
                progress: TrainingProgress(checkpoint.progress, carriedState: state,
                                           sampleGenerator: try LanguageModelTask.sampleGenerator(saved.metadata)))
        }
    }
}
