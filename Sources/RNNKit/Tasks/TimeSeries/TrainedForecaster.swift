/// A trained forecaster read from a run folder or checkpoint, with its settings and the scaler
/// fitted on its training part: what `rnn forecast predict` and `rnn forecast backtest` use.
public struct TrainedForecaster {
    /// The model, in evaluation mode.
    public let model: Forecaster<Float>
    /// How the run read, scaled and split its series (column names, window, horizon, test part).
    public let settings: ForecastSettings
    /// The scaling fitted on the run's training part.
    public let scaler: SeriesScaler
    /// The file it was read from.
    public let path: String

    /// Reads a forecaster from a run folder (`best.safetensors`, else `latest`) or a file.
    /// - Throws: `RNNKitError` if the file is missing, corrupted, of another kind, or its
    ///   metadata or weights do not fit together (sizes are validated before anything is built).
    public static func load(_ path: String) throws -> TrainedForecaster {
        let saved = try SavedTaskModel.load(path, kind: ForecastTask.kind)
        return try saved.naming {
            let (configuration, settings, scaler) = try forecasterParts(saved)
            let model = try Forecaster<Float>(configuration)
            try saved.loadWeights(into: model.arena)
            model.setTraining(false)
            return TrainedForecaster(model: model, settings: settings, scaler: scaler, path: saved.path)
        }
    }

    /// The series of `table` prepared with the run's settings and scaler (`testSize` replaces
    /// the run's test part when given).
    /// - Throws: `RNNKitError` if the table lacks a column the model reads, or is too short.
    public func data(_ table: TimeSeriesTable, path: String?, testSize: Int? = nil, testFrom: String? = nil) throws -> ForecastData {
        var s = settings
        if testSize != nil || testFrom != nil { s.testSize = testSize; s.testFrom = testFrom }
        for name in s.features where !table.names.contains(name) {
            throw RNNKitError("'\(table.source)' has no column '\(name)', which the model reads (it reads \(s.features.joined(separator: ", ")))")
        }
        return try ForecastData(table: table, settings: s, path: path, scaler: scaler)
    }

    /// Reads the columns the model needs from the CSV file at `path`.
    public func read(_ path: String) throws -> TimeSeriesTable {
        try TimeSeriesTable.read(path, columns: settings.features, time: settings.timeColumn)
    }

    /// The next Hz steps after the end of `table`, (Hz, G) in the series' units, row-major.
    /// - Throws: `RNNKitError` if the table is shorter than the window or lacks a column.
    public func forecastNext(_ table: TimeSeriesTable) throws -> [Double] {
        var s = settings
        s.testSize = 0; s.testFrom = nil; s.validationSize = 0
        for name in s.features where !table.names.contains(name) {
            throw RNNKitError("'\(table.source)' has no column '\(name)', which the model reads (it reads \(s.features.joined(separator: ", ")))")
        }
        guard table.rowCount >= s.window else {
            throw RNNKitError("'\(table.source)' holds \(table.rowCount) rows; a forecast reads the last \(s.window)")
        }
        let raw = try table.matrix(s.features)
        let forecasting = try SeriesWindows(forecasting: try scaler.transform(matrix: raw), featureCount: s.features.count,
                                            targetColumns: Array(0..<s.targets.count), window: s.window, horizon: 1,
                                            targetsIn: 0..<table.rowCount, windowMean: s.scaling == .windowMean)
        let (x, levels) = try forecasting.input(endingAt: table.rowCount)
        model.setTraining(false)
        let (y, _) = model.predict(x: x, steps: s.window)
        return try scaler.inverse(forecast: y, targetColumns: Array(0..<s.targets.count), levels: levels)
    }

    /// A rolling-origin backtest of each target, without retraining: origins from `start`
    /// (default: the test part's first row; an earlier row backtests over training data too,
    /// as Darts' `historical_forecasts` allows) every `stride` rows (default Hz) to the end.
    /// - Throws: `RNNKitError` if `start` has fewer than W rows before it or lies past the end.
    public func backtest(_ data: ForecastData, start: Int? = nil, stride: Int? = nil, season: Int? = nil) throws -> [Backtest] {
        model.setTraining(false)
        let step = stride ?? settings.horizon
        let origins: [Int]
        if let start {
            guard step >= 1 else { throw RNNKitError("the backtest stride must be at least 1 (it is \(step))") }
            guard start >= settings.window, start < data.table.rowCount else {
                throw RNNKitError("the backtest start (row \(start)) must have the \(settings.window) rows of a window before it and lie before the end (row \(data.table.rowCount))")
            }
            origins = Array(Swift.stride(from: start, to: data.table.rowCount, by: step))
        } else {
            origins = try data.split.origins(stride: step)
        }
        return try ForecastTask.backtest(model, data: data, origins: origins, season: season ?? settings.season)
    }
}

/// The model configuration, settings and scaler a forecaster checkpoint holds, checked against
/// each other and the stored tensors before anything is allocated.
func forecasterParts(_ saved: SavedTaskModel) throws -> (SeriesModelConfiguration, ForecastSettings, SeriesScaler) {
    let configuration = try SeriesModelConfiguration(json: try saved.json("model"), model: .forecaster)
    let settings = try ForecastSettings(json: try saved.json("task"))
    let scaler = try SeriesScaler(metadata: saved.metadata)
    guard configuration.features == settings.features.count, configuration.horizon == settings.horizon,
          configuration.targets == settings.targets.count, scaler.columnCount == settings.features.count,
          scaler.scaling == settings.scaling else {
        throw RNNKitError("the model configuration, settings and scaler do not fit together")
    }
    let stored = saved.weights.tensors.reduce(0) { $0 + $1.count }
    guard configuration.parameterCount == stored else {
        throw RNNKitError("the model configuration needs \(configuration.parameterCount.map(String.init) ?? "too many") parameters, the file holds \(stored)")
    }
    return (configuration, settings, scaler)
}

extension ForecastTask {
    /// The task of the run saved in `checkpoint`, with its series read again from the file it
    /// names (`path` may replace it, e.g. after moving it) and checked against its fingerprint.
    /// - Throws: `RNNKitError` if the file cannot be read, differs, or the metadata does not fit.
    public static func resuming(_ checkpoint: TaskCheckpoint, path: String? = nil) throws -> ForecastTask {
        let saved = checkpoint.model
        let (configuration, settings, scaler) = try saved.naming { try forecasterParts(saved) }
        let source = try saved.naming { try JSONFields(try saved.json("data"), "data") }
        let file = try path ?? source.optionalString("csv")
        let data = try ForecastData.load(path: file, settings: settings)
        guard data.fingerprint == (try source.string("fingerprint")), data.scaler == scaler else {
            throw RNNKitError("the series differs from the one this run was trained on; resume with the same file")
        }
        return try ForecastTask(data: data, model: configuration, seed: checkpoint.loop.seed)
    }
}
