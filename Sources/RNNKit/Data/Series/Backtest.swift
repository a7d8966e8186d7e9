/// A rolling-origin backtest without retraining (Darts' `historical_forecasts`, the twin's
/// `backtest()`): from each origin o the model forecasts rows o..<o+h from the actual history
/// before o, with h = min(H, N − o); the actual values and the forecasts of all origins are
/// concatenated and scored, side by side with two baselines, seasonal naive (period m) and
/// last value, over the same points.
///
/// All values are in the units the caller chose (the twin scores airline in original units,
/// sunspots in min-max units); MASE is scaled by the in-sample seasonal-naive MAE of the
/// training rows in the same units.
public struct Backtest: Sendable {
    /// The origins, in the order given.
    public let origins: [Int]
    /// The horizon H.
    public let horizon: Int
    /// The seasonal period m of the seasonal-naive baseline and of MASE.
    public let season: Int
    /// Each origin's forecast, cut to the series' end (h values each).
    public let segments: [[Double]]
    /// The actual values over all origins, concatenated.
    public let actual: [Double]
    /// The model's forecasts, concatenated like `actual`.
    public let forecast: [Double]
    /// The seasonal-naive forecasts, concatenated like `actual`.
    public let seasonalNaive: [Double]
    /// The last-value forecasts, concatenated like `actual`.
    public let lastValue: [Double]
    /// The model's errors.
    public let model: ForecastErrors
    /// The seasonal-naive baseline's errors.
    public let seasonalNaiveErrors: ForecastErrors
    /// The last-value baseline's errors.
    public let lastValueErrors: ForecastErrors

    /// Runs the backtest.
    /// - Parameters:
    ///   - horizon: H, the steps forecast from each origin.
    ///   - season: m, the season length of the seasonal-naive baseline.
    ///   - series: the whole series (one target column), N values.
    ///   - trainingRows: how many leading rows are the training part (for MASE's scale).
    ///   - origins: rows to forecast from, each in m...N − 1 (e.g. `SeriesSplit.origins`).
    ///   - forecast: the model's H (or more) values from an origin, in the series' units.
    /// - Throws: `RNNKitError` if H or m is below 1, there are no origins, an origin is out of
    ///   range, or a forecast is too short; rethrows the closure's errors.
    public init(series: [Double], trainingRows: Int, origins: [Int], horizon: Int, season: Int,
                forecast: (Int) throws -> [Double]) throws {
        guard horizon >= 1 else { throw RNNKitError("the horizon must be at least 1 (it is \(horizon))") }
        guard season >= 1 else { throw RNNKitError("the seasonal period must be at least 1 (it is \(season))") }
        guard !origins.isEmpty else { throw RNNKitError("a backtest needs at least one origin") }
        guard trainingRows >= 0, trainingRows <= series.count else {
            throw RNNKitError("\(trainingRows) training rows do not fit in \(series.count)")
        }
        var segments: [[Double]] = [], actual: [Double] = [], model: [Double] = []
        var seasonal: [Double] = [], last: [Double] = []
        for o in origins {
            guard o >= season, o < series.count else {
                throw RNNKitError("backtest origin \(o) is outside \(season)..<\(series.count) (the seasonal period to the end)")
            }
            let h = min(horizon, series.count - o)
            let f = try forecast(o)
            guard f.count >= h else {
                throw RNNKitError("the forecast from row \(o) holds \(f.count) values, fewer than \(h)")
            }
            segments.append(Array(f.prefix(h)))
            actual += series[o..<o + h]
            model += f.prefix(h)
            seasonal += try ForecastMetrics.seasonalNaive(series, origin: o, count: h, period: season)
            last += try ForecastMetrics.lastValue(series, origin: o, count: h)
        }
        let scale = try ForecastMetrics.seasonalNaiveMAE(Array(series[..<trainingRows]), period: season)
        self.origins = origins
        self.horizon = horizon
        self.season = season
        self.segments = segments
        self.actual = actual
        self.forecast = model
        self.seasonalNaive = seasonal
        self.lastValue = last
        self.model = try ForecastErrors(actual: actual, forecast: model, maseScale: scale)
        self.seasonalNaiveErrors = try ForecastErrors(actual: actual, forecast: seasonal, maseScale: scale)
        self.lastValueErrors = try ForecastErrors(actual: actual, forecast: last, maseScale: scale)
    }

    /// The metrics as ordered (name, value) pairs: `origins`, `points`, then `mae`, `rmse`,
    /// `mape_pct`, `smape_pct`, `mase` for the model (`model_…`, or `<modelName>_…`), the
    /// seasonal-naive baseline (`seasonal_naive_…`) and the last-value one (`last_value_…`).
    public func fields(modelName: String = "model") -> [(key: String, value: Double?)] {
        [("origins", Double(origins.count)), ("points", Double(actual.count)), ("season", Double(season))]
            + model.fields(prefix: modelName + "_")
            + seasonalNaiveErrors.fields(prefix: "seasonal_naive_")
            + lastValueErrors.fields(prefix: "last_value_")
    }

    /// `fields` as one compact JSON object line, numbers rounded to `digits` decimals, nil as
    /// `null`, non-finite values as the strings "nan", "inf", "-inf".
    public func jsonLine(modelName: String = "model", digits: Int = 4) -> String {
        let members = fields(modelName: modelName).map { field -> (key: String, value: JSONValue) in
            guard let v = field.value else { return (field.key, .null) }
            if v == v.rounded(), abs(v) < 1e15 { return (field.key, .integer(Int(v))) }
            return (field.key, .rounded(v, digits))
        }
        return JSONValue.object(members).serialized
    }
}
