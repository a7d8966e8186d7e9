/// How series values are scaled before windows are cut. Every statistic comes from the
/// training part only.
public enum SeriesScaling: String, Sendable, CaseIterable {
    /// (x − min) / (max − min), with the training part's min and max.
    case minmax
    /// (x − mean) / std, with the training part's mean and sample standard deviation (ddof 1,
    /// numpy's `std(ddof=1)`), the z-normalisation of `task_anomaly`.
    case standard
    /// `minmax`, then each window's target columns (input and targets) divided by the mean of
    /// its input window (DeepAR's mean scaling, `level()` in `task_forecast`); see
    /// `SeriesWindows` and `SeriesScaler.level(_:)`.
    case windowMean = "window-mean"
}

/// A fitted per-column affine scaling: `scaled = (x − offset) / scale`, one offset and scale per
/// column (values and covariates alike), fitted on the training part only.
///
/// A constant training part (max = min, or a standard deviation of 0, or fewer than two rows
/// for `standard`) gets scale 1, so nothing divides by zero. The fitted scaler is stored in a
/// checkpoint's string metadata via `metadata` and restored with `init(metadata:)`.
public struct SeriesScaler: Equatable, Sendable {
    /// The kind of scaling.
    public let scaling: SeriesScaling
    /// Subtracted from each column, one per column (F).
    public let offsets: [Double]
    /// Each column is divided by this after the offset, one per column (F); finite and positive.
    public let scales: [Double]

    /// A window-mean level whose magnitude is below this (a window at the training minimum) is
    /// replaced by 1.
    public static let minimumLevel = 1e-3

    /// A scaler with the given statistics.
    /// - Throws: `RNNKitError` if the counts differ or are 0, or a value is not finite, or a
    ///   scale is not positive.
    public init(scaling: SeriesScaling, offsets: [Double], scales: [Double]) throws {
        guard !offsets.isEmpty, offsets.count == scales.count else {
            throw RNNKitError("a series scaler needs one offset and one scale per column (\(offsets.count) offsets, \(scales.count) scales)")
        }
        guard offsets.allSatisfy(\.isFinite), scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw RNNKitError("a series scaler's offsets must be finite and its scales finite and positive")
        }
        self.scaling = scaling
        self.offsets = offsets
        self.scales = scales
    }

    /// Fits a scaler on the training part of each column.
    /// - Parameters:
    ///   - columns: F columns, each the training rows of one column (at least one row).
    ///   - scaling: how to scale each column.
    /// - Throws: `RNNKitError` if there are no columns or rows, a value is not finite, or a
    ///   column's spread overflows.
    public init(fitting columns: [[Double]], scaling: SeriesScaling) throws {
        var offsets: [Double] = [], scales: [Double] = []
        for (c, x) in columns.enumerated() {
            guard !x.isEmpty else { throw RNNKitError("column \(c + 1) has no training rows to fit a scaler on") }
            guard x.allSatisfy(\.isFinite) else { throw RNNKitError("column \(c + 1) holds a value that is not finite") }
            let offset: Double, spread: Double
            switch scaling {
            case .minmax, .windowMean:
                offset = x.min()!
                spread = x.max()! - offset
            case .standard:
                offset = x.reduce(0, +) / Double(x.count)
                spread = x.count < 2 ? 0 : (x.reduce(0) { $0 + ($1 - offset) * ($1 - offset) } / Double(x.count - 1)).squareRoot()
            }
            guard spread.isFinite, offset.isFinite else {
                throw RNNKitError("the training values of column \(c + 1) spread too widely to scale")
            }
            offsets.append(offset)
            scales.append(spread > 0 ? spread : 1)
        }
        try self.init(scaling: scaling, offsets: offsets, scales: scales)
    }

    /// The number of columns, F.
    public var columnCount: Int { offsets.count }

    /// `x` of column `column` (in 0..<F) scaled: (x − offset) / scale.
    public func transform(_ x: Double, column: Int) -> Double { (x - offsets[column]) / scales[column] }

    /// A scaled value of column `column` (in 0..<F) back in original units: y · scale + offset.
    public func inverse(_ y: Double, column: Int) -> Double { y * scales[column] + offsets[column] }

    /// The rows (N, F), row-major, scaled column by column.
    /// - Throws: `RNNKitError` if the count is not a multiple of F.
    public func transform(matrix: [Double]) throws -> [Double] {
        let f = columnCount
        guard matrix.count % f == 0 else {
            throw RNNKitError("\(matrix.count) values do not make rows of \(f) columns")
        }
        return matrix.indices.map { transform(matrix[$0], column: $0 % f) }
    }

    /// A forecast in original units from the model's output in scaled units.
    /// - Parameters:
    ///   - output: (H, T) scaled forecast, row-major.
    ///   - targetColumns: the T columns (of F) the forecast is for.
    ///   - levels: the input window's level per target (T), from `SeriesWindows.input(endingAt:)`
    ///     (all 1 unless window-mean scaling).
    /// - Returns: (H, T) values, row-major: `inverse(y · level)`.
    /// - Throws: `RNNKitError` if T is 0, the levels are not T, a column is out of range, or the
    ///   output is not whole rows of T.
    public func inverse(forecast output: [Float], targetColumns: [Int], levels: [Double]) throws -> [Double] {
        let t = targetColumns.count
        guard t > 0, levels.count == t, output.count % t == 0,
              targetColumns.allSatisfy({ (0..<columnCount).contains($0) }) else {
            throw RNNKitError("a forecast of \(output.count) values cannot be unscaled for target columns \(targetColumns) with \(levels.count) levels")
        }
        return output.indices.map { i in inverse(Double(output[i]) * levels[i % t], column: targetColumns[i % t]) }
    }

    /// The window-mean level of an input window's (scaled) values: their mean, or 1 when its
    /// magnitude is below `minimumLevel`.
    public static func level(_ window: ArraySlice<Double>) -> Double {
        guard !window.isEmpty else { return 1 }
        let mean = window.reduce(0, +) / Double(window.count)
        return abs(mean) < minimumLevel || !mean.isFinite ? 1 : mean
    }

    // MARK: - Checkpoint metadata

    /// The scaler as checkpoint metadata: `series_scaling` (the `SeriesScaling` raw value), and
    /// `series_scaler_offsets` / `series_scaler_scales` (comma-separated, exact round-trip).
    public var metadata: [String: String] {
        ["series_scaling": scaling.rawValue,
         "series_scaler_offsets": offsets.map(\.description).joined(separator: ","),
         "series_scaler_scales": scales.map(\.description).joined(separator: ",")]
    }

    /// The scaler stored in `metadata` by `metadata`.
    /// - Throws: `RNNKitError` naming the entry that is missing or malformed.
    public init(metadata: [String: String]) throws {
        func entry(_ key: String) throws -> String {
            guard let v = metadata[key] else { throw RNNKitError("the checkpoint has no '\(key)'") }
            return v
        }
        func numbers(_ key: String) throws -> [Double] {
            try entry(key).split(separator: ",", omittingEmptySubsequences: false).map {
                guard let x = Double($0), x.isFinite else {
                    throw RNNKitError("the checkpoint's '\(key)' holds '\(CSVRecords.shown(String($0)))', not a finite number")
                }
                return x
            }
        }
        let name = try entry("series_scaling")
        guard let scaling = SeriesScaling(rawValue: name) else {
            throw RNNKitError("the checkpoint's series scaling '\(CSVRecords.shown(name))' is not one of \(SeriesScaling.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try self.init(scaling: scaling, offsets: numbers("series_scaler_offsets"), scales: numbers("series_scaler_scales"))
    }
}
