// Samples drawn while a language model trains (printed after each validation), from the
// task's own generator so that a resumed run prints the same samples.

extension LanguageModelTask {
    /// `count` tokens sampled from the current model after a line end, at `temperature`, as
    /// text. Advances `sampleGenerator`.
    public func sample(count: Int, temperature: Double = 0.8) -> String {
        let start = data.vocabulary.id(of: data.vocabulary.level.lineEnd) ?? 0
        let ids = model.sample(prompt: [start], count: count, temperature: temperature, using: &sampleGenerator)
        return data.vocabulary.decode(ids)
    }
}
