// What a language-model run's checkpoints remember besides the weights: the architecture,
// vocabulary, batching settings, data sources and fingerprint (every checkpoint), the carried
// hidden state (state file) and the sample generator (latest checkpoint).
//
//   model        JSON: cell, vocab_size, embed, hidden, layers, dropout, tied
//   vocabulary   JSON: level, symbols (sorted by code point)
//   task         JSON: batch, bptt, update_every, eval_batch, init_range
//   data         JSON: the text sources (may change on resume, e.g. after moving the files)
//   fingerprint  `LanguageModelData.fingerprint`
//   sample_generator   (latest) the generator of the samples printed during training
//
// The state file holds `task.carried.h` and, for an LSTM, `task.carried.c`, each (L, B, H).

extension LanguageModelTask {
    /// The model configuration, vocabulary, batching settings, data sources and fingerprint.
    public var checkpointMetadata: [String: String] {
        ["model": model.configuration.json.serialized, "vocabulary": data.vocabulary.json.serialized,
         "task": Self.settingsJSON(settings).serialized, "data": data.sources.json.serialized,
         "fingerprint": data.fingerprint]
    }

    /// The data sources may name moved files on resume; the fingerprint still has to match.
    public var metadataKeysFreeOnResume: Set<String> { ["data"] }

    /// The carried state `carried.h` (L, B, H) and, for an LSTM, `carried.c`; empty at an
    /// epoch boundary.
    public var stateTensors: [String: Tensor<Float>] {
        guard let state = carriedState else { return [:] }
        var tensors = ["carried.h": state.h]
        if let c = state.c { tensors["carried.c"] = c }
        return tensors
    }

    /// Restores the carried state, checking its shape and cell kind.
    public func restoreStateTensors(_ tensors: [String: Tensor<Float>]) throws {
        carriedState = try Self.carriedState(tensors, model.configuration, batch: settings.batch)
    }

    /// The sample generator.
    public var progressMetadata: [String: String] {
        ["sample_generator": JSONValue.generator(sampleGenerator).serialized]
    }

    /// Restores the sample generator.
    public func restoreProgressMetadata(_ metadata: [String: String]) throws {
        sampleGenerator = try Self.sampleGenerator(metadata)
    }

    /// The `task` metadata: the settings a resumed run must keep.
    static func settingsJSON(_ s: TrainingConfiguration) -> JSONValue {
        .object([("batch", .integer(s.batch)), ("bptt", .integer(s.bptt)), ("update_every", .integer(s.k1)),
                 ("eval_batch", .integer(s.resolvedEvalBatch)), ("init_range", .double(s.initRange))])
    }

    /// The training settings of a checkpoint: its `task` metadata and loop settings.
    static func settings(task json: JSONValue, loop: TrainingLoopConfiguration) throws -> TrainingConfiguration {
        let f = try JSONFields(json, "task")
        var c = TrainingConfiguration()
        c.batch = try f.int("batch")
        c.bptt = try f.int("bptt")
        c.updateEvery = try f.int("update_every")
        c.evalBatch = try f.int("eval_batch")
        c.initRange = try f.double("init_range")
        c.optimizer = loop.optimizer
        c.learningRate = loop.resolvedLearningRate
        c.clip = loop.clip
        c.anneal = loop.anneal
        c.learningRateSchedule = loop.learningRateSchedule
        c.epochs = loop.epochs
        c.maxSteps = loop.maxSteps
        c.evalEvery = loop.evalEvery
        c.seed = loop.seed
        try c.validate()
        return c
    }

    /// The loop settings of a language-model configuration (no early stopping).
    static func loop(_ c: TrainingConfiguration) -> TrainingLoopConfiguration {
        var loop = TrainingLoopConfiguration()
        loop.epochs = c.epochs
        loop.maxSteps = c.maxSteps
        loop.evalEvery = c.evalEvery
        loop.optimizer = c.optimizer
        loop.learningRate = c.resolvedLearningRate
        loop.clip = c.clip
        loop.anneal = c.anneal
        loop.learningRateSchedule = c.learningRateSchedule
        loop.seed = c.seed
        return loop
    }

    /// The carried state in `tensors` (nil if empty), checked against the model and batch.
    static func carriedState(_ tensors: [String: Tensor<Float>], _ m: LanguageModel<Float>.Configuration,
                             batch: Int) throws -> RecurrentState<Float>? {
        guard let h = tensors["carried.h"] else {
            guard tensors.isEmpty else { throw RNNKitError("unexpected carried state \(tensors.keys.sorted())") }
            return nil
        }
        let c = tensors["carried.c"], shape = [m.numLayers, batch, m.hiddenSize]
        guard (c != nil) == m.cell.hasCellState, tensors.count == (c == nil ? 1 : 2) else {
            throw RNNKitError("the carried state does not fit a \(m.cell.rawValue) model")
        }
        guard h.shape == shape, c.map({ $0.shape == shape }) ?? true else {
            throw RNNKitError("the carried state has shape \(h.shape), expected \(shape)")
        }
        return RecurrentState(h: h, c: c)
    }

    /// The sample generator saved in `metadata`.
    static func sampleGenerator(_ metadata: [String: String]) throws -> SeededGenerator {
        guard let text = metadata["sample_generator"] else { throw RNNKitError("the checkpoint has no sample_generator") }
        return try JSONFields.generator(try JSONValue.parse(Array(text.utf8)), "sample_generator")
    }
}
