/// Point-forecast error measures of actual values y and forecasts f (n of each), as
/// `error_metrics` in ../shared/bench/torch_tasks.py computes them:
///
///     MAE   = mean |y − f|
///     RMSE  = sqrt(mean (y − f)²)
///     MAPE  = 100 · mean |y − f| / |y|                      (percent)
///     sMAPE = 100 · mean 2 |y − f| / (|y| + |f|)            (percent)
///     MASE  = MAE / (in-sample seasonal-naive MAE)          (see `seasonalNaiveMAE`)
///
/// Where the twin would divide by zero: MAPE is nil when some y is 0; an sMAPE term with
/// y = f = 0 counts as 0; MASE is nil without a positive scale.
public struct ForecastErrors: Equatable, Sendable {
    /// Mean absolute error.
    public var mae: Double
    /// Root mean squared error.
    public var rmse: Double
    /// Mean absolute percentage error, in percent; nil when an actual value is 0.
    public var mapePercent: Double?
    /// Symmetric mean absolute percentage error, in percent (0 to 200).
    public var smapePercent: Double
    /// Mean absolute scaled error; nil when no positive scale was given.
    public var mase: Double?

    /// The errors of `forecast` against `actual`.
    /// - Parameters:
    ///   - maseScale: the MASE denominator, e.g. `ForecastMetrics.seasonalNaiveMAE`.
    ///   - actual: the true values.
    ///   - forecast: the forecast values, as many as `actual`.
    /// - Throws: `RNNKitError` if the counts differ or are 0.
    public init(actual: [Double], forecast: [Double], maseScale: Double? = nil) throws {
        guard !actual.isEmpty, actual.count == forecast.count else {
            throw RNNKitError("\(actual.count) actual values and \(forecast.count) forecasts cannot be compared")
        }
        let n = Double(actual.count)
        var absolute = 0.0, squared = 0.0, percentage = 0.0, symmetric = 0.0
        var zeroActual = false
        for (y, f) in zip(actual, forecast) {
            let e = abs(y - f)
            absolute += e
            squared += e * e
            if y == 0 { zeroActual = true } else { percentage += e / abs(y) }
            let denominator = abs(y) + abs(f)
            if denominator != 0 { symmetric += 2 * e / denominator }
        }
        mae = absolute / n
        rmse = (squared / n).squareRoot()
        mapePercent = zeroActual ? nil : 100 * percentage / n
        smapePercent = 100 * symmetric / n
        if let scale = maseScale, scale > 0, scale.isFinite { mase = mae / scale } else { mase = nil }
    }

    /// The measures as (name, value) pairs: `mae`, `rmse`, `mape_pct`, `smape_pct`, `mase`,
    /// each name after `prefix` (nil values included, for JSON `null`).
    public func fields(prefix: String) -> [(key: String, value: Double?)] {
        [(prefix + "mae", mae), (prefix + "rmse", rmse), (prefix + "mape_pct", mapePercent),
         (prefix + "smape_pct", smapePercent), (prefix + "mase", mase)]
    }
}

/// Baselines and scales for forecast errors.
public enum ForecastMetrics {
    /// The in-sample seasonal-naive MAE of `training` with period m, MASE's denominator:
    /// mean over t = m..<n of |y_t − y_{t−m}| (the twin's `mean(abs(train[12:] - train[:-12]))`).
    /// - Returns: nil when the training part has no more than m values or the MAE is 0 (a
    ///   perfectly periodic series), where MASE is undefined.
    /// - Throws: `RNNKitError` if m is below 1.
    public static func seasonalNaiveMAE(_ training: [Double], period m: Int) throws -> Double? {
        guard m >= 1 else { throw RNNKitError("the seasonal period must be at least 1 (it is \(m))") }
        guard training.count > m else { return nil }
        var sum = 0.0
        for t in m..<training.count { sum += abs(training[t] - training[t - m]) }
        let mae = sum / Double(training.count - m)
        return mae > 0 && mae.isFinite ? mae : nil
    }

    /// The seasonal-naive forecast from `origin`: for k in 0..<h, the value m steps before the
    /// k-th forecast step within the last observed season, y[origin − m + (k mod m)] (the
    /// twin's `values[o - m:o - m + h]` when h ≤ m, without reading past the origin when h > m).
    /// - Throws: `RNNKitError` if m is below 1, or fewer than m values precede `origin`.
    public static func seasonalNaive(_ series: [Double], origin: Int, count h: Int, period m: Int) throws -> [Double] {
        guard m >= 1 else { throw RNNKitError("the seasonal period must be at least 1 (it is \(m))") }
        guard origin >= m, origin <= series.count else {
            throw RNNKitError("a seasonal-naive forecast from row \(origin) needs the \(m) values before it")
        }
        return (0..<max(h, 0)).map { series[origin - m + $0 % m] }
    }

    /// The naive (last value) forecast from `origin`: y[origin − 1], h times.
    /// - Throws: `RNNKitError` if `origin` is 0 or past the end.
    public static func lastValue(_ series: [Double], origin: Int, count h: Int) throws -> [Double] {
        guard origin >= 1, origin <= series.count else {
            throw RNNKitError("a last-value forecast from row \(origin) needs a value before it")
        }
        return Array(repeating: series[origin - 1], count: max(h, 0))
    }
}
