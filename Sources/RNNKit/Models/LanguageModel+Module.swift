// A language model as a `Module`, so that `TaskTrainer` can switch it between training and
// evaluation and save its dropout generators. Its parts are not listed as children: the
// model owns their train/eval switch (`isTraining`) and their generators (`dropoutGenerators`).

extension LanguageModel: Module {
    /// The dropout generators (`dropoutGenerators`): the model is trained as one module.
    public var ownGenerators: [SeededGenerator] {
        get { dropoutGenerators }
        set { dropoutGenerators = newValue }
    }

    /// Drops the dropout masks saved for backward (each forward starts a new step).
    public func clearOwnSavedActivations() {
        embeddingDropout.clearOwnSavedActivations()
        outputDropout.clearOwnSavedActivations()
        for dropout in rnn.interLayerDropout { dropout.clearOwnSavedActivations() }
    }
}
