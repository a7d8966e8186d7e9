/// A forecasting run's series, read and prepared: the columns (targets first, then
/// covariates), the split by time, the scaler fitted on the training part, and the training and
/// validation windows. Built from a CSV file, or from the series RNNKit generates.
public struct ForecastData: Sendable {
    /// The columns read.
    public let table: TimeSeriesTable
    /// How the series was read, scaled, split and batched.
    public let settings: ForecastSettings
    /// Training, validation and test rows.
    public let split: SeriesSplit
    /// The scaling fitted on the training rows.
    public let scaler: SeriesScaler
    /// The file read, or nil for generated data.
    public let path: String?
    /// Training windows: every window whose targets lie in the training part.
    public let train: SeriesWindows
    /// Validation windows (targets in the validation part), or nil when validating on `train`.
    public let valid: SeriesWindows?
    /// The scaled series, (N, F) row-major: targets, then covariates.
    let scaled: [Double]

    /// Reads `path` (or generates the seasonal series of seed 1 when nil), splits, fits the scaler on the
    /// training part (unless `scaler` is given, as for a trained model) and cuts the windows.
    /// - Throws: `RNNKitError` for a missing column, a bad cell, too few rows, a constant or
    ///   unusable setting.
    public static func load(path: String?, settings: ForecastSettings, scaler: SeriesScaler? = nil) throws -> ForecastData {
        try settings.validate()
        let table: TimeSeriesTable
        if let path {
            table = try TimeSeriesTable.read(path, columns: settings.features, time: settings.timeColumn)
        } else {
            table = GeneratedSeries.seasonal(seed: 1)
        }
        return try ForecastData(table: table, settings: settings, path: path, scaler: scaler)
    }

    /// Prepares `table` as `load` does.
    public init(table: TimeSeriesTable, settings: ForecastSettings, path: String?, scaler: SeriesScaler? = nil) throws {
        try settings.validate()
        let s = settings, n = table.rowCount
        if let from = s.testFrom {
            guard let times = table.times else { throw RNNKitError("'\(table.source)' has no time column to find \(from) in") }
            split = try SeriesSplit(rows: n, testFrom: try SeriesSplit.firstRow(atOrAfter: from, in: times),
                                    validationRows: s.validationSize, window: s.window, horizon: s.horizon)
        } else {
            split = try SeriesSplit(rows: n, testRows: s.testSize ?? min(2 * s.horizon, n), validationRows: s.validationSize,
                                    window: s.window, horizon: s.horizon)
        }
        let raw = try table.matrix(s.features)                                  // (N, F)
        let source = table, trainRows = split.train
        let fitted = try scaler ?? SeriesScaler(fitting: try s.features.map { Array(try source.values($0)[trainRows]) },
                                                scaling: s.scaling)
        guard fitted.columnCount == s.features.count, fitted.scaling == s.scaling else {
            throw RNNKitError("the scaler holds \(fitted.columnCount) \(fitted.scaling.rawValue) columns, the settings \(s.features.count) \(s.scaling.rawValue)")
        }
        scaled = try fitted.transform(matrix: raw)
        let targets = Array(0..<s.targets.count), F = s.features.count
        train = try SeriesWindows(forecasting: scaled, featureCount: F, targetColumns: targets, window: s.window,
                                  horizon: s.horizon, stride: s.stride, targetsIn: split.train,
                                  windowMean: s.scaling == .windowMean)
        valid = split.validation.isEmpty ? nil
            : try SeriesWindows(forecasting: scaled, featureCount: F, targetColumns: targets, window: s.window,
                                horizon: s.horizon, stride: 1, targetsIn: split.validation, windowMean: s.scaling == .windowMean)
        self.table = table
        self.settings = s
        self.scaler = fitted
        self.path = path
    }

    /// A fingerprint of the values and times read, so that a resumed run can check it reads
    /// the same series.
    public var fingerprint: String { table.fingerprint }
}

extension TimeSeriesTable {
    /// CRC-32 of the chosen columns' values (their bit patterns) and the times, in order.
    var fingerprint: String {
        var crc = CRC32()
        for column in columns { crc.update(integers: column.map { Int(bitPattern: UInt($0.bitPattern)) }) }
        for t in times ?? [] { crc.update(t.utf8) }
        return crc.hex
    }
}
