/// One line of a task run's `metrics.jsonl`: what a validation measured, or, on the final line
/// of a run with a test split, what the best checkpoint measured on it.
///
/// `{"epoch", "step", "train_loss", "valid_loss", "valid_<metric>"…, "lr", "tokens_per_s",
/// "elapsed_s", "epoch_end", "ranks", "sigma_max": {name: σ}, "sigma_max_gates": {name: [σ_gate…]}}`,
/// plus `"test_loss", "test_<metric>"…` on the test line. The σ entries (σ_max of every
/// recurrent weight `…weight_hh…` and, for LSTM and GRU, of its gate blocks; see
/// `ParameterArena.recurrentSpectralNorms`) are there when the model has recurrent weights.
public struct TaskMetricsRecord: Equatable, Sendable {
    /// The epoch (1-based) the validation belongs to.
    public var epoch: Int
    /// Optimizer steps taken so far.
    public var step: Int
    /// Mean training loss over the epoch's steps so far.
    public var trainLoss: Double
    /// Mean validation loss.
    public var validLoss: Double
    /// The task's validation metrics (`accuracy`, `f1`, …), in order.
    public var validMetrics: [Metric]
    /// The learning rate for the steps that follow (after any annealing).
    public var learningRate: Double
    /// Training tokens per second since the previous validation (training time only).
    public var tokensPerSecond: Double
    /// Seconds since the run started (all sessions of a resumed run together).
    public var elapsedSeconds: Double
    /// Whether this validation closed an epoch.
    public var epochEnd: Bool
    /// The test loss and metrics of the best checkpoint, on the final line.
    public var test: (loss: Double, metrics: [Metric])?
    /// σ_max of each recurrent weight and of its gate blocks at this validation (empty if not measured).
    public var spectralNorms: [RecurrentSpectralNorm] = []
    /// The number of processes that trained (1 unless distributed).
    public var ranks = 1

    /// A named number.
    public struct Metric: Equatable, Sendable {
        /// The name, without the split prefix.
        public var name: String
        /// The value.
        public var value: Double
        /// Creates a metric.
        public init(_ name: String, _ value: Double) { self.name = name; self.value = value }
    }

    /// Creates a record.
    public init(epoch: Int, step: Int, trainLoss: Double, validLoss: Double, validMetrics: [Metric],
                learningRate: Double, tokensPerSecond: Double, elapsedSeconds: Double, epochEnd: Bool) {
        self.epoch = epoch
        self.step = step
        self.trainLoss = trainLoss
        self.validLoss = validLoss
        self.validMetrics = validMetrics
        self.learningRate = learningRate
        self.tokensPerSecond = tokensPerSecond
        self.elapsedSeconds = elapsedSeconds
        self.epochEnd = epochEnd
    }

    /// Records compare by their JSON lines.
    public static func == (a: TaskMetricsRecord, b: TaskMetricsRecord) -> Bool { a.jsonLine == b.jsonLine }

    /// The record as one compact JSON object (no line break).
    public var jsonLine: String {
        var members: [(key: String, value: JSONValue)] = [
            ("epoch", .integer(epoch)), ("step", .integer(step)),
            ("train_loss", .rounded(trainLoss, 6)), ("valid_loss", .rounded(validLoss, 6)),
        ]
        members += validMetrics.map { ("valid_" + $0.name, .rounded($0.value, 4)) }
        members += [("lr", .double(learningRate)), ("tokens_per_s", .rounded(tokensPerSecond, 1)),
                    ("elapsed_s", .rounded(elapsedSeconds, 2)), ("epoch_end", .bool(epochEnd)), ("ranks", .integer(ranks))]
        if !spectralNorms.isEmpty {
            members.append(("sigma_max", .object(spectralNorms.map { ($0.name, .rounded($0.sigmaMax, 6)) })))
            let gated = spectralNorms.filter { $0.gates.count > 1 }
            if !gated.isEmpty {
                members.append(("sigma_max_gates", .object(gated.map { ($0.name, .array($0.gates.map { .rounded($0, 6) })) })))
            }
        }
        if let test {
            members.append(("test_loss", .rounded(test.loss, 6)))
            members += test.metrics.map { ("test_" + $0.name, .rounded($0.value, 4)) }
        }
        return JSONValue.object(members).serialized
    }

    /// Parses a line written by `jsonLine`.
    /// - Throws: `RNNKitError` if the line is not such an object.
    public init(jsonLine line: String) throws {
        let value = try JSONValue.parse(Array(line.utf8))
        let f = try JSONFields(value, "metrics line")
        self.init(epoch: try f.int("epoch"), step: try f.int("step"), trainLoss: try f.double("train_loss"),
                  validLoss: try f.double("valid_loss"), validMetrics: [], learningRate: try f.double("lr"),
                  tokensPerSecond: try f.double("tokens_per_s"), elapsedSeconds: try f.double("elapsed_s"),
                  epochEnd: try f.bool("epoch_end"))
        guard case let .object(members) = value else { return }
        var testMetrics: [Metric] = []
        for (key, _) in members {
            if key.hasPrefix("valid_") && key != "valid_loss" {
                validMetrics.append(Metric(String(key.dropFirst(6)), try f.double(key)))
            } else if key.hasPrefix("test_") && key != "test_loss" {
                testMetrics.append(Metric(String(key.dropFirst(5)), try f.double(key)))
            }
        }
        if f.has("test_loss") { test = (try f.double("test_loss"), testMetrics) }
        if f.has("sigma_max") { spectralNorms = try Self.spectralNorms(f) }
        if f.has("ranks") { ranks = try f.int("ranks") }
    }

    /// The σ entries of a metrics line, in the line's order.
    private static func spectralNorms(_ f: JSONFields) throws -> [RecurrentSpectralNorm] {
        let whole = try f.object("sigma_max")
        let gates = f.has("sigma_max_gates") ? try f.object("sigma_max_gates") : nil
        guard case let .object(members) = whole.value else { return [] }
        return try members.map { name, _ in
            let sigma = try whole.double(name)
            var perGate = [sigma]
            if let gates, gates.has(name) {
                guard case let .array(items) = try gates.required(name) else {
                    throw RNNKitError("metrics line: sigma_max_gates.\(name) is not an array")
                }
                perGate = try items.enumerated().map { k, _ in try JSONFields(.object([("v", items[k])]), "sigma_max_gates.\(name)").double("v") }
            }
            return RecurrentSpectralNorm(name: name, sigmaMax: sigma, gates: perGate)
        }
    }

    /// The records of a `metrics.jsonl` text, skipping lines that do not parse.
    public static func records(inJSONLines text: String) -> [TaskMetricsRecord] {
        text.split(separator: "\n").compactMap { try? TaskMetricsRecord(jsonLine: String($0)) }
    }
}

extension RunDirectory {
    /// The records of a task run's `metrics.jsonl` (none if it does not exist).
    public func readTaskMetrics() -> [TaskMetricsRecord] {
        guard let bytes = try? FileIO.readAll(metricsPath) else { return [] }
        return TaskMetricsRecord.records(inJSONLines: String(decoding: bytes, as: UTF8.self))
    }

    /// Replaces `metrics.jsonl` with `lines`, atomically.
    func writeMetricLines(_ lines: [String]) throws {
        try FileIO.writeAtomically(Array(lines.map { $0 + "\n" }.joined().utf8), to: metricsPath)
    }

    /// Redraws `loss.svg` from a task run's records, atomically.
    func writeLossCurve(_ records: [TaskMetricsRecord], title: String) throws {
        let points = records.filter { $0.test == nil }
            .map { LossCurve.LossPoint(step: $0.step, trainLoss: $0.trainLoss, validLoss: $0.validLoss) }
        try FileIO.writeAtomically(Array(LossCurve.svg(points: points, title: title).utf8), to: lossCurvePath)
    }
}
