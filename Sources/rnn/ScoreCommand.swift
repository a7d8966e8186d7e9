import ArgumentParser
import RNNKit

/// `rnn score`: log P(text) under a trained model.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score texts: the total and per-token log-probability of each under the model.",
        discussion: """
            Each TEXT is read as one line: it follows a line end and is followed by one, so \
            log P = Σ log P(x_t | line end, x_<t) over its tokens and the closing line end, in nats. \
            A higher (less negative) score is more likely: rnn score --model DIR "I am going home" "I am going house".
            """)

    @Option(help: ArgumentHelp("A run folder (its best.safetensors) or a checkpoint file.", valueName: "dir"))
    var model: String
    @Argument(help: "The texts to score.")
    var texts: [String]

    func validate() throws {
        guard !texts.isEmpty else { throw ValidationError("give at least one TEXT to score") }
    }

    func run() throws {
        let saved = try SavedModel.load(model)
        let vocabulary = saved.vocabulary
        guard let lineEnd = vocabulary.id(of: vocabulary.level.lineEnd) else {
            throw RNNKitError("the model's vocabulary has no line end (\(vocabulary.describe(vocabulary.level.lineEnd))) to score lines with")
        }
        print("log_prob\tper_token\ttokens\ttext")
        for text in texts {
            var tokens = Tokenizer.tokens(of: text, level: vocabulary.level)
            if vocabulary.level == .char { tokens.append("\n") }
            if tokens.isEmpty { tokens = [vocabulary.level.lineEnd] }
            let (ids, unknown) = try encode(tokens, vocabulary, what: "\"\(text)\"")
            if unknown > 0 { warn("\(unknown) word(s) of \"\(text)\" are not in the vocabulary; scored as \(Vocabulary.unknown)") }
            let inputs = [lineEnd] + ids.dropLast()
            try MemoryBudget.check(saved.model.configuration.workingBytes(steps: inputs.count, batch: 1),
                                   for: "scoring a text of \(inputs.count) tokens")
            let logP = saved.model.logProbabilities(inputs: inputs, targets: ids).logProbabilities
            let total = logP.reduce(0, +)
            print("\(fixed(total, 4))\t\(fixed(total / Double(ids.count), 4))\t\(ids.count)\t\(text)")
        }
    }
}
