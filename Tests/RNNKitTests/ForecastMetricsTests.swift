import Testing
@testable import RNNKit

@Suite struct ForecastMetricsTests {
    @Test func errorMeasuresByHand() throws {
        // |e| = 10, 10, 30, 0
        let m = try ForecastErrors(actual: [100, 200, 300, 400], forecast: [110, 190, 330, 400], maseScale: 5)
        #expect(m.mae == 12.5)
        #expect(abs(m.rmse - 275.0.squareRoot()) < 1e-12)
        #expect(abs(m.mapePercent! - 6.25) < 1e-12)                  // 100 · (0.1 + 0.05 + 0.1 + 0) / 4
        #expect(abs(m.smapePercent - 550.0 / 91) < 1e-12)            // 100 · (2/21 + 2/39 + 2/21 + 0) / 4
        #expect(m.mase == 2.5)
        #expect(m.fields(prefix: "x_").map(\.key) == ["x_mae", "x_rmse", "x_mape_pct", "x_smape_pct", "x_mase"])
    }

    @Test func divisionsByZeroAreDefined() throws {
        let m = try ForecastErrors(actual: [0, 2], forecast: [0, 1])
        #expect(m.mapePercent == nil && m.mase == nil)
        let expected: Double = 100 * (2.0 / 3) / 2   // the 0/0 term counts 0
        #expect(m.smapePercent == expected)
        #expect(try ForecastErrors(actual: [1], forecast: [1], maseScale: 0).mase == nil)
        #expect(throws: RNNKitError("2 actual values and 1 forecasts cannot be compared")) {
            try ForecastErrors(actual: [1, 2], forecast: [1])
        }
        #expect(throws: RNNKitError("0 actual values and 0 forecasts cannot be compared")) {
            try ForecastErrors(actual: [], forecast: [])
        }
    }

    @Test func seasonalNaiveScaleAndBaselines() throws {
        #expect(try ForecastMetrics.seasonalNaiveMAE([1, 2, 3, 4, 5, 6], period: 2) == 2)
        #expect(try ForecastMetrics.seasonalNaiveMAE([1, 5, 2, 1, 5, 2], period: 3) == nil)   // perfectly periodic
        #expect(try ForecastMetrics.seasonalNaiveMAE([1, 2], period: 2) == nil)
        let series = (0..<10).map(Double.init)
        #expect(try ForecastMetrics.seasonalNaive(series, origin: 6, count: 3, period: 4) == [2, 3, 4])
        #expect(try ForecastMetrics.seasonalNaive(series, origin: 6, count: 6, period: 4) == [2, 3, 4, 5, 2, 3])
        #expect(try ForecastMetrics.lastValue(series, origin: 6, count: 3) == [5, 5, 5])
        #expect(throws: RNNKitError("a seasonal-naive forecast from row 3 needs the 4 values before it")) {
            try ForecastMetrics.seasonalNaive(series, origin: 3, count: 3, period: 4)
        }
        #expect(throws: RNNKitError("the seasonal period must be at least 1 (it is 0)")) {
            try ForecastMetrics.seasonalNaiveMAE(series, period: 0)
        }
        #expect(throws: RNNKitError("a last-value forecast from row 0 needs a value before it")) {
            try ForecastMetrics.lastValue(series, origin: 0, count: 1)
        }
    }

    @Test func rollingOriginBacktestByHand() throws {
        let series = (0..<20).map(Double.init)
        var asked: [Int] = []
        let b = try Backtest(series: series, trainingRows: 12, origins: [12, 18], horizon: 4, season: 4) { o in
            asked.append(o)
            return (o..<(o + 4)).map { Double($0) + 1 }   // every forecast one too high
        }
        #expect(asked == [12, 18])
        #expect(b.actual == [12, 13, 14, 15, 18, 19])      // the second origin is cut at the end
        #expect(b.segments == [[13, 14, 15, 16], [19, 20]])
        #expect(b.seasonalNaive == [8, 9, 10, 11, 14, 15])
        #expect(b.lastValue == [11, 11, 11, 11, 17, 17])
        // MASE scale: |y_t − y_{t−4}| = 4 over the 12 training rows.
        #expect(b.model.mae == 1 && b.model.mase == 0.25)
        #expect(b.seasonalNaiveErrors.mae == 4 && b.seasonalNaiveErrors.mase == 1)
        #expect(abs(b.lastValueErrors.mae - 13.0 / 6) < 1e-12)    // errors 1 2 3 4, 1 2
        #expect(abs(b.lastValueErrors.mase! - 13.0 / 24) < 1e-12)
        let line = b.jsonLine(modelName: "lstm")
        #expect(line.hasPrefix("{\"origins\":2,\"points\":6,\"season\":4,\"lstm_mae\":1,\"lstm_rmse\":1,"))
        #expect(line.contains("\"seasonal_naive_mase\":1,") && line.contains("\"last_value_mase\":0.5417}"))
    }

    @Test func backtestRejectsBadOrigins() {
        let series = (0..<20).map(Double.init)
        #expect(throws: RNNKitError("backtest origin 2 is outside 4..<20 (the seasonal period to the end)")) {
            try Backtest(series: series, trainingRows: 12, origins: [2], horizon: 4, season: 4) { _ in [0, 0, 0, 0] }
        }
        #expect(throws: RNNKitError("the forecast from row 12 holds 3 values, fewer than 4")) {
            try Backtest(series: series, trainingRows: 12, origins: [12], horizon: 4, season: 4) { _ in [0, 0, 0] }
        }
        #expect(throws: RNNKitError("a backtest needs at least one origin")) {
            try Backtest(series: series, trainingRows: 12, origins: [], horizon: 4, season: 4) { _ in [] }
        }
    }
}
