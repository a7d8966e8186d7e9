import ArgumentParser
import RNNKit

/// `rnn sample`: generates text from a trained model.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Generate text from a trained model.",
        discussion: "The model starts after a line end, reads --prompt, then continues it one token at a time.")

    @Option(help: ArgumentHelp("A run folder (its best.safetensors) or a checkpoint file.", valueName: "dir"))
    var model: String
    @Option(help: "Text the sample starts with.")
    var prompt = ""
    @Option(help: "Tokens to generate (characters or words).")
    var length = 500
    @Option(help: "Sampling temperature: below 1 is more conservative, above 1 more varied; 0 always picks the most likely token.")
    var temperature = 1.0
    @Option(help: "Sample only among the K most likely tokens; 0 uses all.")
    var topK = 0
    @Option(help: "Seed of the random draws.")
    var seed: UInt64 = 1

    func validate() throws {
        guard length >= 0 else { throw ValidationError("--length must be ≥ 0, got \(length)") }
        guard temperature >= 0 && temperature.isFinite else { throw ValidationError("--temperature must be ≥ 0, got \(temperature)") }
        guard topK >= 0 else { throw ValidationError("--top-k must be ≥ 0, got \(topK)") }
    }

    func run() throws {
        let saved = try SavedModel.load(model)
        let vocabulary = saved.vocabulary
        let context = vocabulary.id(of: vocabulary.level.lineEnd).map { [$0] } ?? []
        var promptTokens = Tokenizer.tokens(of: prompt, level: vocabulary.level)
        if vocabulary.level == .word && promptTokens.last == Vocabulary.endOfLine { promptTokens.removeLast() }
        let (ids, unknown) = try encode(promptTokens, vocabulary, what: "the prompt")
        if unknown > 0 { warn("\(unknown) word(s) of the prompt are not in the vocabulary; read as \(Vocabulary.unknown)") }
        let start = context + ids
        guard !start.isEmpty else {
            throw RNNKitError("the model's vocabulary has no line end to start from; give a --prompt")
        }
        var generator = SeededGenerator(seed: seed)
        let generated = saved.model.sample(prompt: start, count: length, temperature: temperature, topK: topK, using: &generator)
        var text = prompt
        if vocabulary.level == .word && !prompt.isEmpty && !generated.isEmpty { text += " " }
        text += vocabulary.decode(generated)
        print(text)
    }
}

/// The ids of `tokens`; at word level, unknown words become `<unk>` when the vocabulary has it.
/// - Throws: `RNNKitError` naming the first unknown symbol of `what`.
func encode(_ tokens: [String], _ vocabulary: Vocabulary, what: String) throws -> (ids: [Int], unknown: Int) {
    do {
        let result = try vocabulary.encode(tokens, mapUnknown: vocabulary.level == .word)
        return (result.ids, result.unknownCount)
    } catch let error as RNNKitError {
        throw RNNKitError("\(what): \(error.message)")
    }
}

/// Prints a note on stderr.
func warn(_ message: String) {
    var stderr = StandardError()
    print("note: \(message)", to: &stderr)
}
