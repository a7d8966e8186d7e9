// Evaluating a language model on a batched stream, as PyTorch's word_language_model
// `evaluate` does: chunks of bptt steps from the zero state, the state carried from chunk to
// chunk, dropout off; the result is the mean cross-entropy per token.

extension LanguageModel {
    /// The mean cross-entropy per token (nats) of `stream` and the number of tokens scored.
    ///
    /// Reads the stream in consecutive chunks of `bptt` steps (the last one shorter), starting
    /// from the zero state and carrying the state across chunks, with dropout off.
    /// - Parameters:
    ///   - shouldStop: asked before each chunk; returning true abandons the
    ///     evaluation and the result is nil.
    ///   - stream: the batched token stream to score.
    ///   - bptt: the steps run per forward (the state is carried between them).
    public func meanLoss(on stream: BatchedTokens, bptt: Int,
                         shouldStop: () -> Bool = { false }) -> (loss: Double, tokens: Int)? {
        guard let (total, count) = lossSum(on: stream, bptt: bptt, shouldStop: shouldStop) else { return nil }
        return (total / Double(Swift.max(count, 1)), count)
    }

    /// The summed cross-entropy (nats) of `stream`'s tokens and their number, read as
    /// `meanLoss(on:bptt:shouldStop:)` reads it; nil if `shouldStop` abandoned it.
    public func lossSum(on stream: BatchedTokens, bptt: Int,
                        shouldStop: () -> Bool = { false }) -> (total: Double, tokens: Int)? {
        precondition(bptt > 0, "LanguageModel.lossSum: bptt must be positive")
        var state: RecurrentState<Scalar>? = nil
        var total = 0.0, count = 0, i = 0
        while i < stream.positions {
            if shouldStop() { return nil }
            let T = Swift.min(bptt, stream.positions - i)
            let (inputs, targets) = stream.chunk(start: i, count: T)
            let result = loss(inputs: inputs, targets: targets, steps: T, batch: stream.batch, initialState: state)
            total += result.totalLoss
            count += result.count
            state = result.state
            i += T
        }
        return (total, count)
    }
}
