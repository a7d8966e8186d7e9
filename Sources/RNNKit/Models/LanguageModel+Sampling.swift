// Generating text: feed a prompt, then repeatedly draw the next token from
// softmax(logits / temperature), optionally restricted to the k most likely tokens.

extension LanguageModel {
    /// Continues `prompt` by `count` tokens drawn one at a time from the model.
    ///
    /// The prompt runs through the model in one forward from the zero state; each new token is
    /// drawn from p ∝ exp(logit / temperature) over the `topK` most likely tokens (all when
    /// `topK` is 0), then fed back. A temperature of 0 picks the most likely token.
    /// - Parameters:
    ///   - prompt: at least one token id (e.g. the line-end token to start a fresh line).
    ///   - count: how many tokens to generate.
    ///   - temperature: ≥ 0; below 1 sharpens, above 1 flattens the distribution.
    ///   - topK: keep only the k most likely tokens; 0 keeps all.
    ///   - generator: the random source (its state advances by one draw per token).
    /// - Returns: the `count` generated token ids (the prompt not included).
    public func sample(prompt: [Int], count: Int, temperature: Double = 1, topK: Int = 0,
                       using generator: inout SeededGenerator) -> [Int] {
        var output: [Int] = []
        output.reserveCapacity(Swift.min(count, 1 << 20))
        sample(prompt: prompt, count: count, temperature: temperature, topK: topK, using: &generator) { token in
            output.append(token)
            return true
        }
        return output
    }

    /// Continues `prompt` by up to `count` tokens as `sample(prompt:count:…)` does, handing each
    /// token to `emit` as soon as it is drawn (nothing is accumulated: any `count` runs in
    /// constant memory), until `emit` returns false.
    /// - Returns: the number of tokens generated.
    @discardableResult
    public func sample(prompt: [Int], count: Int, temperature: Double = 1, topK: Int = 0,
                       using generator: inout SeededGenerator, emit: (Int) -> Bool) -> Int {
        precondition(!prompt.isEmpty, "LanguageModel.sample: the prompt needs at least one token")
        precondition(temperature >= 0 && topK >= 0, "LanguageModel.sample: temperature and topK must be ≥ 0")
        let V = configuration.vocabularySize
        var state = inEvaluationMode {
            forwardLogits(inputs: prompt, steps: prompt.count, batch: 1, initialState: nil)
        }
        var row = Array(UnsafeBufferPointer(start: logits.pointer + (prompt.count - 1) * V, count: V))   // (V)
        var generated = 0
        while generated < count {
            let next = Self.draw(from: row, temperature: temperature, topK: topK, using: &generator)
            generated += 1
            guard emit(next) else { break }
            if generated == count { break }
            state = inEvaluationMode { forwardLogits(inputs: [next], steps: 1, batch: 1, initialState: state) }
            row = Array(UnsafeBufferPointer(start: logits.pointer, count: V))
        }
        return generated
    }

    /// Draws one index from softmax(logits / temperature) restricted to the `topK` largest
    /// logits (0: all); temperature 0 returns the arg max. Always one generator draw.
    static func draw(from logits: [Scalar], temperature: Double, topK: Int,
                     using generator: inout SeededGenerator) -> Int {
        let u = Double(generator.next() >> 11) * 0x1p-53
        var candidates = Array(logits.indices)
        if topK > 0 && topK < logits.count {
            candidates.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
            candidates.removeLast(logits.count - topK)
        }
        let best = candidates.max { logits[$0] < logits[$1] || (logits[$0] == logits[$1] && $0 > $1) }!
        guard temperature > 0 else { return best }
        let top = Double(logits[best])
        let weights = candidates.map { Double.exp((Double(logits[$0]) - top) / temperature) }
        let total = weights.reduce(0, +)
        var cumulative = 0.0
        for (k, w) in weights.enumerated() {
            cumulative += w / total
            if u < cumulative { return candidates[k] }
        }
        return candidates.last!
    }
}
