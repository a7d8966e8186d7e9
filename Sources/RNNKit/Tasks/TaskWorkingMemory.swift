// The working-memory estimates (`TrainingTask.workingMemory`) of the time-series and
// sequence-to-sequence tasks, which the trainer adds to the optimizer state before it starts
// (see ModelMemory.swift for the stack's part and the notation). Upper estimates: a setting
// that would not fit — a batch of a million pairs, a window of a million steps — is refused
// with the amount instead of aborting in malloc.

extension ForecastTask {
    /// The forecaster's buffers for a training or evaluation batch of windows: the stack over
    /// W steps of B windows, and the inputs and outputs (N, F) and (B, horizon · targets).
    public var workingMemory: Int? {
        let s = data.settings, c = model.configuration
        let batch = max(s.batchSize, s.evalBatchSize)
        return SeriesModelConfiguration.seriesWorkingBytes(c, steps: s.window, batch: batch, stacks: 1)
    }
}

extension AnomalyTask {
    /// The autoencoder's buffers for a training or evaluation batch of windows: the encoder
    /// and decoder stacks over W steps of B windows, and the inputs and reconstructions.
    public var workingMemory: Int? {
        SeriesModelConfiguration.seriesWorkingBytes(model.configuration, steps: settings.window,
                                                    batch: max(settings.batchSize, settings.evalBatchSize), stacks: 2)
    }
}

extension SeriesModelConfiguration {
    /// `stacks` stacks (input F, hidden H) over `steps` steps of `batch` windows, plus (N, 4F)
    /// inputs, outputs and their gradients and the (B, horizon · targets) head, in bytes.
    static func seriesWorkingBytes(_ c: SeriesModelConfiguration, steps: Int, batch: Int, stacks: Int) -> Int? {
        let stack = ModelMemory.stackFloats(cell: c.cell, input: max(c.features, c.hiddenSize), hidden: c.hiddenSize,
                                            layers: c.numLayers, directions: 1, steps: steps, batch: batch, vocabulary: 0)
        let N = CheckedCount.product(steps, batch)
        return ModelMemory.bytes(floats: CheckedCount.sum(
            stack.flatMap { CheckedCount.product($0, stacks) }, N.flatMap { CheckedCount.product($0, 4, c.features) },
            CheckedCount.product(batch, 4, c.horizon, c.targets)))
    }
}

extension Seq2SeqTask {
    /// The encoder–decoder's buffers for a training batch (B pairs, the longest source and
    /// target) or a teacher-forced evaluation batch (the longest validation pair): the encoder
    /// stack over the source, the decoder stack over the target, and per target step the logits
    /// and their gradients (2·V_target), the attention weights over the source and the context
    /// and output vectors. (Greedy decoding steps one token at a time in smaller buffers.)
    public var workingMemory: Int? {
        let c = model.configuration, s = settings
        func bytes(sourceSteps S: Int, targetSteps T: Int, batch B: Int) -> Int? {
            let encoder = ModelMemory.stackFloats(cell: c.cell, input: c.embeddingSize, hidden: c.hiddenSize, layers: c.numLayers,
                                                  directions: c.directions, steps: S, batch: B, vocabulary: c.sourceVocabularySize)
            let decoder = ModelMemory.stackFloats(cell: c.cell, input: c.decoderInputSize, hidden: c.hiddenSize, layers: c.numLayers,
                                                  directions: 1, steps: T, batch: B, vocabulary: c.targetVocabularySize)
            let perStep = CheckedCount.sum(CheckedCount.product(2, c.targetVocabularySize), CheckedCount.product(2, S),
                                           CheckedCount.product(4, c.memorySize), CheckedCount.product(4, c.hiddenSize))
            return ModelMemory.bytes(floats: CheckedCount.sum(encoder, decoder, perStep.flatMap { CheckedCount.product($0, T, B) }))
        }
        let longest = { (sequences: [[Int]]) in (sequences.map(\.count).max() ?? 0) + 1 }
        // Training draws B pairs with replacement: B is the batch size whatever the data's size.
        let training = bytes(sourceSteps: longest(train.sources), targetSteps: longest(train.targets), batch: s.batchSize)
        let evaluation = bytes(sourceSteps: longest(valid.sources), targetSteps: longest(valid.targets),
                               batch: min(s.evalBatchSize, max(valid.sources.count, 1)))
        return training.flatMap { a in evaluation.map { max(a, $0) } }
    }
}
