/// Multi-step forecasting (many-to-one, direct multi-horizon) as a `TrainingTask`: a
/// `Forecaster` trained on the series' training windows, shuffled per epoch from the seed, with
/// mean squared error in scaled units. Validation reports MAE and RMSE in the series' units
/// (the score is −MAE); the test is a rolling-origin backtest over the test part from actual
/// history (origins every Hz rows), with MAE, RMSE, MAPE, sMAPE and MASE — the twin's
/// `torch_tasks.py forecast`.
public final class ForecastTask: TrainingTask {
    /// The model.
    public let model: Forecaster<Float>
    /// The series, split, scaler and windows.
    public let data: ForecastData
    var batches: EpochBatches

    /// Builds the task and its model (initialised from `seed`); the model's features, horizon
    /// and targets are set from the data's settings.
    /// - Throws: `RNNKitError` for an invalid configuration.
    public init(data: ForecastData, model configuration: SeriesModelConfiguration, seed: UInt64) throws {
        var c = configuration
        c.features = data.settings.features.count
        c.horizon = data.settings.horizon
        c.targets = data.settings.targets.count
        model = try Forecaster<Float>(c, seed: seed)
        batches = try EpochBatches(lengths: [Int](repeating: 1, count: data.train.count), batchSize: data.settings.batchSize,
                                   seed: seed)
        self.data = data
    }

    /// `forecaster`.
    public var modelKind: String { Self.kind }
    /// The checkpoint kind of forecasters.
    public static let kind = "forecaster"
    /// 1.
    public var modelVersion: Int { 1 }
    /// The model's parameters.
    public var arena: ParameterArena<Float> { model.arena }
    /// The model.
    public var module: any Module { model }
    /// ⌈windows / B⌉.
    public var batchesPerEpoch: Int { batches.count }
    /// Whether the series has a test part.
    public var hasTestSplit: Bool { !data.split.test.isEmpty }

    /// The model configuration, settings, scaler and data source.
    public var checkpointMetadata: [String: String] {
        data.scaler.metadata.merging(["model": model.configuration.json.serialized, "task": data.settings.json.serialized,
                                      "data": ForecastTask.sourceJSON(data).serialized]) { a, _ in a }
    }

    /// `{"csv": path or null, "rows": N, "fingerprint"}`.
    static func sourceJSON(_ data: ForecastData) -> JSONValue {
        .object([("csv", data.path.map(JSONValue.string) ?? .null), ("rows", .integer(data.table.rowCount)),
                 ("fingerprint", .string(data.fingerprint))])
    }

    /// The data file may have moved.
    public var metadataKeysFreeOnResume: Set<String> { ["data"] }

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
        let (loss, _) = model.lossAndGradients(x: data.train.inputs(indices), steps: data.settings.window,
                                               target: data.train.targets(indices))
        return TaskBatchResult(loss: Double(loss), count: indices.count * model.outputsPerWindow,
                               tokens: indices.count * data.settings.window)
    }

    /// The statistics of `shard`'s part of a split. Validation: the validation windows (or the
    /// training windows without a validation part) in evaluation batches, `counts` = [values
    /// of the first target], `sums` = [squared scaled error over every target, absolute and
    /// squared error of the first target in the series' units]. Test: the backtest origins
    /// (every Hz rows of the test part), `items` = each origin's forecast (Hz, G) in the series'
    /// units. Nil if interrupted, or for the test of a series without a test part.
    public func evaluationSums(_ split: DataSplit, shard: BatchShard, shouldStop: () -> Bool) throws -> EvaluationSums? {
        switch split {
        case .validation:
            return try Self.validationSums(model, data.valid ?? data.train, part: shard.columns(of: (data.valid ?? data.train).count),
                                           data: data, shouldStop: shouldStop)
        case .test:
            guard hasTestSplit else { return nil }
            var forecasts: [Double] = []
            for o in shard.part(try data.split.origins(stride: data.settings.horizon)) {
                if shouldStop() { return nil }
                forecasts += try Self.forecast(model, data: data, origin: o)
            }
            return EvaluationSums(items: forecasts)
        }
    }

    /// Validation: loss (scaled MSE), MAE and RMSE in the series' units (the score is −MAE).
    /// Test: the backtest's MAE, RMSE, MAPE, sMAPE and MASE of the first target (loss = RMSE²).
    public func evaluation(of split: DataSplit, from sums: EvaluationSums) throws -> TaskEvaluation {
        switch split {
        case .validation:
            try sums.expect(counts: 1, sums: 3, of: "a forecaster's")
            let count = sums.counts[0], G = data.settings.targets.count
            let mae = sums.sums[1] / Double(max(count, 1))
            return TaskEvaluation(loss: sums.sums[0] / Double(max(count * G, 1)),
                                  metrics: [("mae", mae), ("rmse", (sums.sums[2] / Double(max(count, 1))).squareRoot())],
                                  score: -mae)
        case .test:
            let origins = try data.split.origins(stride: data.settings.horizon)
            let K = data.settings.horizon * data.settings.targets.count
            guard sums.items.count == origins.count * K else {
                throw RNNKitError("\(sums.items.count) forecast values for \(origins.count) backtest origins of \(K)")
            }
            let b = try Self.backtest(data: data, origins: origins, season: data.settings.season) { o in
                Array(sums.items[(o * K)..<((o + 1) * K)])
            }[0]
            return TaskEvaluation(loss: b.model.rmse * b.model.rmse,
                                  metrics: b.model.fields(prefix: "").compactMap { f in f.value.map { (f.key, $0) } },
                                  score: -b.model.mae)
        }
    }

    /// The validation statistics of `model` on the windows `part` of `windows`, in evaluation
    /// batches (see `evaluationSums(_:shard:shouldStop:)`); nil if `shouldStop` interrupted it.
    static func validationSums(_ model: Forecaster<Float>, _ windows: SeriesWindows, part: Range<Int>, data: ForecastData,
                               shouldStop: () -> Bool) throws -> EvaluationSums? {
        let s = data.settings, G = s.targets.count, K = s.horizon * G
        var squared = 0.0, absolute = 0.0, squaredOriginal = 0.0, count = 0
        for first in Swift.stride(from: part.lowerBound, to: part.upperBound, by: s.evalBatchSize) {
            if shouldStop() { return nil }
            let indices = Array(first..<min(first + s.evalBatchSize, part.upperBound))
            let target = windows.targets(indices)
            let (forecast, sum) = model.predict(x: windows.inputs(indices), steps: s.window, target: target)
            squared += sum
            for (k, w) in indices.enumerated() {
                let levels = windows.levels(inputFrom: windows.starts[w])
                let f = try data.scaler.inverse(forecast: Array(forecast[(k * K)..<((k + 1) * K)]), targetColumns: Array(0..<G), levels: levels)
                let y = try data.scaler.inverse(forecast: Array(target[(k * K)..<((k + 1) * K)]), targetColumns: Array(0..<G), levels: levels)
                for i in Swift.stride(from: 0, to: K, by: G) {       // the first target
                    let e = f[i] - y[i]
                    absolute += abs(e); squaredOriginal += e * e
                }
                count += s.horizon
            }
        }
        return EvaluationSums(counts: [count], sums: [squared, absolute, squaredOriginal])
    }

    /// The forecast (Hz, G) in the series' units from the W rows before `origin`.
    static func forecast(_ model: Forecaster<Float>, data: ForecastData, origin: Int) throws -> [Double] {
        let (x, levels) = try data.train.input(endingAt: origin)
        let (y, _) = model.predict(x: x, steps: data.settings.window)
        return try data.scaler.inverse(forecast: y, targetColumns: Array(0..<data.settings.targets.count), levels: levels)
    }

    /// A rolling-origin backtest of every target from `origins`, without retraining.
    static func backtest(_ model: Forecaster<Float>, data: ForecastData, origins: [Int], season: Int) throws -> [Backtest] {
        var forecasts: [Int: [Double]] = [:]
        for o in origins { forecasts[o] = try forecast(model, data: data, origin: o) }
        return try backtest(data: data, origins: origins, season: season) { forecasts[origins[$0]]! }
    }

    /// The backtest of every target from `origins`, given the forecast (Hz, G) from the i-th origin.
    static func backtest(data: ForecastData, origins: [Int], season: Int, forecast: (Int) -> [Double]) throws -> [Backtest] {
        let G = data.settings.targets.count
        let position = Dictionary(origins.enumerated().map { ($1, $0) }) { first, _ in first }
        return try (0..<G).map { g in
            try Backtest(series: try data.table.values(data.settings.targets[g]), trainingRows: data.split.train.count, origins: origins,
                         horizon: data.settings.horizon, season: season) { o in
                let values = forecast(position[o]!)
                return Swift.stride(from: g, to: values.count, by: G).map { values[$0] }
            }
        }
    }
}
