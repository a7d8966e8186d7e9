/// One line of `metrics.jsonl`: what a validation measured (or, for the final line of a run
/// with a test text, the test loss of the best model).
///
/// Losses are mean cross-entropy per token in nats; perplexity is e^loss.
public struct MetricsRecord: Equatable, Sendable {
    /// The epoch (1-based) the validation belongs to.
    public var epoch: Int
    /// Optimizer steps taken so far.
    public var step: Int
    /// Mean training loss over the epoch's steps so far.
    public var trainLoss: Double
    /// Mean validation loss.
    public var validLoss: Double
    /// The learning rate for the steps that follow (after any annealing).
    public var learningRate: Double
    /// Training tokens per second since the previous validation (training time only).
    public var tokensPerSecond: Double
    /// Seconds since the run started (all sessions of a resumed run together).
    public var elapsedSeconds: Double
    /// Whether this validation closed an epoch (false: a mid-epoch or final-step validation).
    public var epochEnd: Bool
    /// The test loss of the best model, on the final line of a run given a test text.
    public var testLoss: Double?

    /// e^validLoss.
    public var validPerplexity: Double { Double.exp(validLoss) }

    /// Creates a record.
    public init(epoch: Int, step: Int, trainLoss: Double, validLoss: Double, learningRate: Double,
                tokensPerSecond: Double, elapsedSeconds: Double, epochEnd: Bool, testLoss: Double? = nil) {
        self.epoch = epoch
        self.step = step
        self.trainLoss = trainLoss
        self.validLoss = validLoss
        self.learningRate = learningRate
        self.tokensPerSecond = tokensPerSecond
        self.elapsedSeconds = elapsedSeconds
        self.epochEnd = epochEnd
        self.testLoss = testLoss
    }

    /// The language-model view of a generic record (its test loss, if any).
    init(_ record: TaskMetricsRecord) {
        self.init(epoch: record.epoch, step: record.step, trainLoss: record.trainLoss, validLoss: record.validLoss,
                  learningRate: record.learningRate, tokensPerSecond: record.tokensPerSecond,
                  elapsedSeconds: record.elapsedSeconds, epochEnd: record.epochEnd, testLoss: record.test?.loss)
    }

    /// The record as one compact JSON object (no line break).
    public var jsonLine: String {
        var members: [(key: String, value: JSONValue)] = [
            ("epoch", .integer(epoch)), ("step", .integer(step)),
            ("train_loss", .rounded(trainLoss, 6)), ("valid_loss", .rounded(validLoss, 6)),
            ("valid_ppl", .rounded(validPerplexity, 3)), ("lr", .double(learningRate)),
            ("tokens_per_s", .rounded(tokensPerSecond, 1)), ("elapsed_s", .rounded(elapsedSeconds, 2)),
            ("epoch_end", .bool(epochEnd)),
        ]
        if let testLoss {
            members += [("test_loss", .rounded(testLoss, 6)), ("test_ppl", .rounded(Double.exp(testLoss), 3))]
        }
        return JSONValue.object(members).serialized
    }

    /// Parses a line written by `jsonLine`.
    /// - Throws: `RNNKitError` if the line is not such an object.
    public init(jsonLine line: String) throws {
        let f = try JSONFields(try JSONValue.parse(Array(line.utf8)), "metrics line")
        self.init(epoch: try f.int("epoch"), step: try f.int("step"), trainLoss: try f.double("train_loss"),
                  validLoss: try f.double("valid_loss"), learningRate: try f.double("lr"),
                  tokensPerSecond: try f.double("tokens_per_s"), elapsedSeconds: try f.double("elapsed_s"),
                  epochEnd: (try? f.bool("epoch_end")) ?? true,
                  testLoss: f.has("test_loss") ? try f.double("test_loss") : nil)
    }

    /// The records of a `metrics.jsonl` text, skipping lines that do not parse (such as a line
    /// cut short by a crash).
    public static func records(inJSONLines text: String) -> [MetricsRecord] {
        text.split(separator: "\n").compactMap { try? MetricsRecord(jsonLine: String($0)) }
    }
}
