// The random state a language model consumes while training: its dropout masks. A checkpoint
// saves these generators so that a resumed run draws the same masks as an uninterrupted one.

extension LanguageModel {
    /// The states of every dropout generator, in a fixed order: embedding output, the recurrent
    /// stack's inter-layer dropouts (layer 0→1, 1→2, …), the last layer's output.
    public var dropoutGenerators: [SeededGenerator] {
        get { [embeddingDropout.generator] + rnn.interLayerDropout.map(\.generator) + [outputDropout.generator] }
        set {
            precondition(newValue.count == dropoutGeneratorCount,
                         "LanguageModel: \(newValue.count) dropout generators for \(dropoutGeneratorCount)")
            embeddingDropout.generator = newValue[0]
            for (k, dropout) in rnn.interLayerDropout.enumerated() { dropout.generator = newValue[1 + k] }
            outputDropout.generator = newValue[newValue.count - 1]
        }
    }

    /// How many dropout generators the model has: L + 1.
    public var dropoutGeneratorCount: Int { rnn.interLayerDropout.count + 2 }
}
