import ArgumentParser
import RNNKit

/// `rnn eval`: the loss of a trained model on a text.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained model on a text: loss, perplexity and bits per character (or word).",
        discussion: "The text is batched and read in chunks with the state carried, as during training's validation.")

    @Option(help: ArgumentHelp("A run folder (its best.safetensors) or a checkpoint file.", valueName: "dir"))
    var model: String
    @Option(help: ArgumentHelp("The text to evaluate (UTF-8).", valueName: "file"))
    var text: String
    @Option(parsing: .unconditional, help: "Columns the text is cut into. (default: the run's --eval-batch)")
    var batch: Int?
    @Option(parsing: .unconditional, help: "Steps per chunk. (default: the run's --bptt)")
    var bptt: Int?

    func validate() throws {
        let most = TrainingConfiguration.maxBatchDimension
        if let batch, !(1...most).contains(batch) { throw ValidationError("--batch must be in 1...\(most), got \(batch)") }
        if let bptt, !(1...most).contains(bptt) { throw ValidationError("--bptt must be in 1...\(most), got \(bptt)") }
    }

    func run() throws {
        let saved = try SavedModel.load(model)
        let vocabulary = saved.vocabulary
        let content = try TextFile.read(text)
        let tokens = Tokenizer.tokens(of: content, level: vocabulary.level)
        let ids: [Int], unknown: Int
        do {
            (ids, unknown) = try encode(tokens, vocabulary, what: "'\(text)'")
        } catch let error as RNNKitError {
            let symbol = tokens.first { vocabulary.id(of: $0) == nil }
            let place = symbol.flatMap { Tokenizer.location(of: $0, in: content, level: vocabulary.level) }
            throw RNNKitError(error.message + (place.map { " (first at line \($0.line), column \($0.column))" } ?? ""))
        }
        if unknown > 0 { warn("\(unknown) word(s) are not in the vocabulary; read as \(Vocabulary.unknown)") }
        let B = batch ?? saved.training?.resolvedEvalBatch ?? 1
        let stream = try BatchedTokens(ids, batch: B, what: "'\(text)'")
        let chunk = bptt ?? saved.training?.bptt ?? 64
        try MemoryBudget.check(saved.model.configuration.workingBytes(steps: min(chunk, stream.positions), batch: B),
                               for: "evaluating in chunks of \(chunk) steps of \(B) columns")
        let result = saved.model.meanLoss(on: stream, bptt: chunk)!
        let unit = vocabulary.level == .char ? "char" : "word"
        print("loss \(fixed(result.loss, 4)) nats/\(unit)  perplexity \(fixed(Double.exp(result.loss), 2))"
              + "  bits/\(unit) \(fixed(result.loss / Double.log(2), 4))  (\(thousands(Double(result.tokens))) \(unit)s scored, batch \(B))")
    }
}
