// Next-token probabilities for sampling and scoring: the model as P(x_t | x_<t).
//
// Both run with dropout off (evaluation mode) and leave `isTraining` as it was.
//   nextTokenLogProbabilities   one step of B tokens (1, B) + state → log-softmax (B, V) + state
//   logProbabilities            T inputs of one sequence (T, 1) → log P(target_t) for each t

extension LanguageModel {
    /// One step of generation: feeds one token per sequence and returns the log-probabilities
    /// of the next token, log softmax(logits) (B, V), and the state after the step.
    /// - Parameters:
    ///   - tokens: B token ids, one per sequence, each in `0..<V`.
    ///   - state: the (L, B, H) state carried from the previous step; nil means zeros.
    public func nextTokenLogProbabilities(_ tokens: [Int], state: RecurrentState<Scalar>?)
        -> (logProbabilities: [Scalar], state: RecurrentState<Scalar>) {
        let B = tokens.count, V = configuration.vocabularySize
        precondition(B > 0, "LanguageModel: no tokens")
        let state = inEvaluationMode { forwardLogits(inputs: tokens, steps: 1, batch: B, initialState: state) }
        var result = [Scalar](repeating: 0, count: B * V)                        // (B, V)
        result.withUnsafeMutableBufferPointer { out in
            logSoftmaxRows(UnsafePointer(logits.pointer), output: out.baseAddress!, rows: B, classes: V)
        }
        return (result, state)
    }

    /// The log-probability of each target given everything before it, for one sequence:
    /// log P(targets[t] | inputs[0…t], initial state), for t in 0..<T, in nats.
    ///
    /// To score a text x₁ … x_T after a context token c, pass inputs [c, x₁, …, x_{T−1}] and
    /// targets [x₁, …, x_T]; the sum of the result is log P(x₁ … x_T | c).
    /// - Parameters:
    ///   - inputs: T ≥ 1 token ids.
    ///   - targets: T token ids, each in `0..<V`.
    ///   - initialState: an (L, 1, H) state, nil means zeros.
    /// - Returns: the T log-probabilities and the state after the last input.
    public func logProbabilities(inputs: [Int], targets: [Int], initialState: RecurrentState<Scalar>? = nil)
        -> (logProbabilities: [Double], state: RecurrentState<Scalar>) {
        let T = inputs.count, V = configuration.vocabularySize
        precondition(T > 0 && targets.count == T, "LanguageModel: need T ≥ 1 inputs and T targets")
        precondition(targets.allSatisfy { (0..<V).contains($0) }, "LanguageModel: target out of range 0..<\(V)")
        let state = inEvaluationMode { forwardLogits(inputs: inputs, steps: T, batch: 1, initialState: initialState) }
        let rows = logits.pointer                                                // (T, V)
        logSoftmaxRows(UnsafePointer(rows), output: rows, rows: T, classes: V)
        let result = (0..<T).map { t in Double(rows[t * V + targets[t]]) }
        return (result, state)
    }

    /// Runs `body` with dropout off, then restores the training mode.
    func inEvaluationMode<R>(_ body: () -> R) -> R {
        let training = isTraining
        if training { isTraining = false }
        defer { if training { isTraining = true } }
        return body()
    }
}
