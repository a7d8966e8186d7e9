// Rebuilding a text task from the latest checkpoint of its run: the data files it names (read
// again and checked against the fingerprint by `TaskTrainer(resuming:task:)`), the model
// configuration, vocabulary and labels it saved.

extension ClassificationTask {
    /// The task of the run saved in `checkpoint`, with its data read again from the files the
    /// run names (`sources` may replace them, e.g. after moving them).
    /// - Throws: `RNNKitError` if a file cannot be read or the metadata does not fit together.
    public static func resuming(_ checkpoint: TaskCheckpoint, sources: TextTaskSources? = nil) throws -> ClassificationTask {
        let saved = checkpoint.model
        let (configuration, vocabulary, labels, settings) = try saved.naming { try textModelParts(saved, outputsKey: "classes") }
        let s = try sources ?? saved.naming { try TextTaskSources(json: try saved.json("data")) }
        let data = try ClassificationData.load(train: s.train, valid: s.valid, test: s.test, settings: settings)
        return try ClassificationTask(data: data, model: configuration, settings: settings, seed: checkpoint.loop.seed,
                                      vocabulary: vocabulary, labels: labels)
    }
}

extension TaggingTask {
    /// The task of the run saved in `checkpoint`, with its data read again from the files the
    /// run names (`sources` may replace them).
    /// - Throws: `RNNKitError` if a file cannot be read or the metadata does not fit together.
    public static func resuming(_ checkpoint: TaskCheckpoint, sources: TextTaskSources? = nil) throws -> TaggingTask {
        let saved = checkpoint.model
        let (configuration, vocabulary, tags, settings) = try saved.naming { try textModelParts(saved, outputsKey: "tags") }
        let tagColumn = try saved.naming { try TaggingTask.tagColumn(try saved.json("task")) }
        let s = try sources ?? saved.naming { try TextTaskSources(json: try saved.json("data")) }
        let data = try TaggingData.load(train: s.train, valid: s.valid, test: s.test, tagColumn: tagColumn, settings: settings)
        return try TaggingTask(data: data, model: configuration, settings: settings, tagColumn: tagColumn,
                               seed: checkpoint.loop.seed, vocabulary: vocabulary, tags: tags)
    }
}
