// The gradient flow of a language model over a text window: what `rnn diagnose model` shows.

extension LanguageModel {
    /// Forward and backward of one (T, B) window from the zero state, recording the per-step
    /// gradient norms of the stack: ‖∂L/∂h_t‖ per layer (and ‖∂L/∂c_t‖ for LSTM) of the mean
    /// cross-entropy of the window. Runs in the current mode (evaluation: dropout off), leaves
    /// the parameters unchanged and the gradients zero.
    /// - Parameters: inputs, targets: (T, B) token ids, time-major; targets of −1 are ignored.
    /// - Returns: the mean loss, the norms, and σ_max of every W_hh and its gate blocks.
    public func gradientFlow(inputs: [Int], targets: [Int], steps T: Int, batch B: Int)
        -> (loss: Double, flow: GradientFlow, spectralNorms: [RecurrentSpectralNorm]) {
        let recording = rnn.recordsGradientFlow
        rnn.recordsGradientFlow = true
        defer { rnn.recordsGradientFlow = recording; arena.zeroGradients() }
        arena.zeroGradients()
        let (loss, _) = lossAndGradients(inputs: inputs, targets: targets, steps: T, batch: B)
        return (Double(loss), rnn.gradientFlow!, rnn.spectralNorms())
    }
}
