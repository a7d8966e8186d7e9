/// Anomaly detection with an LSTM autoencoder as a `TrainingTask`: a `SequenceAutoencoder`
/// trained to reconstruct the windows of a normal series (mean squared error on scaled
/// values), shuffled per epoch from the seed. Each validation reconstructs every training
/// window in evaluation mode: its loss is their mean error, and it sets the threshold (the
/// largest error, or a quantile) that checkpoints carry — the twin's `torch_tasks.py anomaly`.
public final class AnomalyTask: TrainingTask {
    /// The model.
    public let model: SequenceAutoencoder<Float>
    /// The normal series' columns.
    public let table: TimeSeriesTable
    /// How the series was read, scaled and windowed.
    public let settings: AnomalySettings
    /// The scaling fitted on the normal series.
    public let scaler: SeriesScaler
    /// The file read, or nil for generated data.
    public let path: String?
    /// The training windows.
    public let windows: SeriesWindows
    /// The threshold set by the latest validation (NaN before the first).
    public private(set) var threshold = Double.nan
    var batches: EpochBatches

    /// Reads the normal series from `path` (or generates one when nil), fits the scaler, cuts
    /// the windows and builds the model (initialised from `seed`; its features are set from
    /// the columns).
    /// - Throws: `RNNKitError` for a missing column, a bad cell, fewer rows than a window, or
    ///   an invalid configuration.
    public init(path: String?, settings: AnomalySettings, model configuration: SeriesModelConfiguration, seed: UInt64) throws {
        try settings.validate()
        let table = try path.map { try TimeSeriesTable.read($0, columns: settings.columns, time: settings.timeColumn) }
            ?? GeneratedSeries.anomalies(seed: 1).normal
        let raw = try table.matrix(settings.columns)                         // (N, F)
        scaler = try SeriesScaler(fitting: try settings.columns.map { try table.values($0) }, scaling: settings.scaling)
        windows = try SeriesWindows(reconstructing: try scaler.transform(matrix: raw), featureCount: settings.columns.count,
                                    window: settings.window, stride: settings.stride)
        var c = configuration
        c.features = settings.columns.count
        c.targets = c.features
        model = try SequenceAutoencoder<Float>(c, seed: seed)
        batches = try EpochBatches(lengths: [Int](repeating: 1, count: windows.count), batchSize: settings.batchSize, seed: seed)
        self.table = table
        self.settings = settings
        self.path = path
    }

    /// `sequence-autoencoder`.
    public var modelKind: String { Self.kind }
    /// The checkpoint kind of anomaly detectors.
    public static let kind = "sequence-autoencoder"
    /// 1.
    public var modelVersion: Int { 1 }
    /// The model's parameters.
    public var arena: ParameterArena<Float> { model.arena }
    /// The model.
    public var module: any Module { model }
    /// ⌈windows / B⌉.
    public var batchesPerEpoch: Int { batches.count }
    /// No test split: `TrainedAnomalyDetector.score` evaluates a series with anomalies.
    public var hasTestSplit: Bool { false }

    /// The model configuration, settings, scaler, threshold and data source.
    public var checkpointMetadata: [String: String] {
        let source = JSONValue.object([("csv", path.map(JSONValue.string) ?? .null), ("rows", .integer(table.rowCount)),
                                       ("fingerprint", .string(fingerprint))])
        return scaler.metadata.merging(["model": model.configuration.json.serialized, "task": settings.json.serialized,
                                        "data": source.serialized, "threshold": "\(threshold)"]) { a, _ in a }
    }

    /// A fingerprint of the values read, so that a resumed run can check it reads the same series.
    public var fingerprint: String { table.fingerprint }

    /// The data file may have moved; the threshold follows the weights.
    public var metadataKeysFreeOnResume: Set<String> { ["data", "threshold"] }

    /// Forward, loss and backward of one training batch; throughput counts time steps read.
    public func trainBatch(epoch: Int, index: Int) throws -> TaskBatchResult {
        try trainBatch(epoch: epoch, index: index, shard: .whole)
    }

    /// Nil: the batch's windows are split among ranks.
    public var shardingRefusal: String? { nil }

    /// Forward, loss and backward of `shard`'s part of one training batch (its contiguous share
    /// of the batch's windows).
    public func trainBatch(epoch: Int, index: Int, shard: BatchShard) throws -> TaskBatchResult {
        let indices = shard.part(batches.batch(index, ofEpoch: epoch))
        guard !indices.isEmpty else { return .empty }
        let (loss, _) = model.lossAndGradients(x: windows.inputs(indices), steps: settings.window)
        return TaskBatchResult(loss: Double(loss), count: indices.count, tokens: indices.count * settings.window)
    }

    /// The reconstruction errors of `shard`'s part of the training windows in evaluation mode,
    /// as `items` (the threshold is chosen on all of them); nil for the test split (there is none).
    public func evaluationSums(_ split: DataSplit, shard: BatchShard, shouldStop: () -> Bool) throws -> EvaluationSums? {
        guard split == .validation else { return nil }
        guard let errors = Self.windowErrors(model, windows, part: shard.columns(of: windows.count), batchSize: settings.evalBatchSize,
                                             shouldStop: shouldStop) else { return nil }
        return EvaluationSums(items: errors)
    }

    /// Loss = the windows' mean error (the score is −loss), and the threshold it sets (also a
    /// metric, and kept for the checkpoints).
    public func evaluation(of split: DataSplit, from sums: EvaluationSums) throws -> TaskEvaluation {
        try sums.expect(counts: 0, sums: 0, of: "an anomaly detector's")
        let errors = sums.items
        let mean = errors.reduce(0, +) / Double(errors.count)
        threshold = mean.isFinite ? try AnomalyScoring.threshold(errors, rule: settings.threshold) : .nan
        return TaskEvaluation(loss: mean, metrics: [("threshold", threshold)], score: -mean)
    }

    /// Sets the threshold saved with the weights (on resume).
    func restoreThreshold(_ text: String?) {
        threshold = text.flatMap(Double.init) ?? .nan
    }

    /// The mean squared reconstruction error of each window of `part` (all by default), in evaluation
    /// batches; nil if `shouldStop` interrupted it.
    static func windowErrors(_ model: SequenceAutoencoder<Float>, _ windows: SeriesWindows, part: Range<Int>? = nil, batchSize: Int,
                             shouldStop: () -> Bool = { false }) -> [Double]? {
        let part = part ?? 0..<windows.count
        var errors: [Double] = []
        errors.reserveCapacity(part.count)
        for first in Swift.stride(from: part.lowerBound, to: part.upperBound, by: batchSize) {
            if shouldStop() { return nil }
            let indices = Array(first..<min(first + batchSize, part.upperBound))
            errors += model.windowErrors(x: windows.inputs(indices), steps: windows.window)
        }
        return errors
    }
}
