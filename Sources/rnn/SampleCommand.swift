import ArgumentParser
import RNNKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    @Option(parsing: .unconditional, help: "Tokens to generate (characters or words); printed as they are drawn.")
    var length = 500
    @Option(parsing: .unconditional, help: "Sampling temperature: below 1 is more conservative, above 1 more varied; 0 always picks the most likely token.")
    var temperature = 1.0
    @Option(parsing: .unconditional, help: "Sample only among the K most likely tokens; 0 uses all.")
    var topK = 0
    @Option(parsing: .unconditional, help: "Seed of the random draws.")
    var seed: UInt64 = 1

    /// The most tokens one sample may have (2^40: days of output, yet a bound).
    static let maxLength = 1 << 40

    func validate() throws {
        guard (0...Self.maxLength).contains(length) else { throw ValidationError("--length must be in 0...\(Self.maxLength), got \(length)") }
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
        try MemoryBudget.check(saved.model.configuration.workingBytes(steps: start.count, batch: 1), for: "reading the prompt")
        var generator = SeededGenerator(seed: seed)
        var output = StreamingText(vocabulary: vocabulary, separate: vocabulary.level == .word && !prompt.isEmpty)
        output.write(prompt)
        saved.model.sample(prompt: start, count: length, temperature: temperature, topK: topK, using: &generator) { token in
            output.append(token)
            return true
        }
        output.write("\n")
    }
}

/// Generated tokens written to standard output as they come, decoded exactly as
/// `Vocabulary.decode` decodes them all at once (at word level: a space between words, a line
/// end for `<eos>`).
struct StreamingText {
    let vocabulary: Vocabulary
    /// Whether a space goes before the first token (after a word-level prompt).
    var separate: Bool
    private var lineStart = true, first = true

    init(vocabulary: Vocabulary, separate: Bool) {
        self.vocabulary = vocabulary
        self.separate = separate
    }

    /// Writes `text` and flushes it.
    func write(_ text: String) {
        print(text, terminator: "")
        fflush(nil)
    }

    /// Writes one generated token.
    mutating func append(_ id: Int) {
        var piece = first && separate ? " " : ""
        first = false
        let symbol = vocabulary.symbols[id]
        if vocabulary.level == .char {
            piece += symbol
        } else if symbol == Vocabulary.endOfLine {
            piece += "\n"
            lineStart = true
        } else {
            piece += (lineStart ? "" : " ") + symbol
            lineStart = false
        }
        write(piece)
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
