#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An anomaly put into a generated test series, and the points it spans.
public struct InjectedAnomaly: Equatable, Sendable {
    /// What was done: "spike", "level shift" or "flat".
    public var kind: String
    /// The points changed.
    public var points: Range<Int>
    /// The same points as a label window of their first and last time.
    public var window: AnomalyLabelWindow
}

/// A normal series to train an anomaly detector on, a test series of the same kind with
/// anomalies put in, and where they are.
public struct GeneratedAnomalies: Sendable {
    /// The normal series (columns `timestamp` and `value`).
    public let normal: TimeSeriesTable
    /// The test series, normal data with `anomalies` put in.
    public let test: TimeSeriesTable
    /// The anomalies in `test`, in time order.
    public let anomalies: [InjectedAnomaly]
    /// The points of one day, and the suggested window length.
    public let period: Int

    /// One label per test point: true inside an anomaly.
    public var labels: [Bool] {
        (0..<test.rowCount).map { j in anomalies.contains { $0.points.contains(j) } }
    }
}

/// Series the project generates, so that forecasting and anomaly detection run with no data
/// files. Each is determined by its seed (`SeededGenerator`).
public enum GeneratedSeries {
    /// A monthly-like series with a linear trend, multiplicative seasonality that grows with
    /// it, and multiplicative noise, like the airline passengers:
    ///
    ///     y_t = (100 + 1.5 t) · (1 + 0.25 sin(2πt/m) + 0.1 cos(4πt/m)) · (1 + 0.03 ε_t)
    ///
    /// with ε_t standard normal, rounded to 2 decimals. Columns `month` (`YYYY-MM`, from
    /// 2000-01, one month per point) and `value`; every value is positive.
    /// - Parameters:
    ///   - seed: the random seed (the same seed gives the same series).
    ///   - count: the number of points (at least 1; default 240, twenty seasons of 12).
    ///   - period: the season length m (at least 1).
    public static func seasonal(seed: UInt64, count: Int = 240, period: Int = 12) -> TimeSeriesTable {
        let n = max(count, 1), m = Double(max(period, 1))
        var rng = SeededGenerator(seed: seed)
        var values: [Double] = [], months: [String] = []
        for t in 0..<n {
            let x = 2 * Double.pi * Double(t) / m
            let season = 1 + 0.25 * sin(x) + 0.1 * cos(2 * x)
            let noise = 1 + 0.03 * max(-3, min(3, rng.normal() as Double))
            values.append(((100 + 1.5 * Double(t)) * season * noise * 100).rounded() / 100)
            let date = SeriesTime.daysFromCivil(2000 + t / 12, t % 12 + 1, 1)
            months.append(SeriesTime.text(Double(date) * 86_400, monthOnly: true))
        }
        return TimeSeriesTable(source: "generated seasonal series (seed \(seed))", names: ["value"], columns: [values],
                               timeName: "month", times: months)
    }

    /// A daily pattern sampled every 30 minutes (period 48), like NAB's artificial series:
    /// a smooth day-night wave between about 20 and 80 plus N(0, 1) noise; `days` days of normal
    /// data starting 2024-01-01, and a test series of as many days starting 2024-02-01 with
    /// three anomalies: a spike (+40 for 3 points) on day 3, a level shift (+25 for a day) on
    /// day 7, and a flat segment (the value frozen for 18 hours) on day 11, each starting at
    /// 08:00.
    /// - Parameters:
    ///   - days: the length of each series in days (at least 13, default 14).
    ///   - seed: the random seed (the same seed gives the same series).
    public static func anomalies(seed: UInt64, days: Int = 14) -> GeneratedAnomalies {
        let period = 48, n = max(days, 13) * period   // the flat segment ends on day 12
        var rng = SeededGenerator(seed: seed)
        func series() -> [Double] {
            (0..<n).map { t in
                let wave = 50 - 30 * cos(2 * Double.pi * Double(t % period) / Double(period))
                return wave + max(-4, min(4, rng.normal() as Double))
            }
        }
        func times(from date: (Int, Int, Int)) -> [String] {
            let start = Double(SeriesTime.daysFromCivil(date.0, date.1, date.2)) * 86_400
            return (0..<n).map { SeriesTime.text(start + 1800 * Double($0)) }
        }
        func rounded(_ v: [Double]) -> [Double] { v.map { ($0 * 1000).rounded() / 1000 } }
        let normal = series()
        var test = series()
        let testTimes = times(from: (2024, 2, 1))
        var anomalies: [InjectedAnomaly] = []
        func inject(_ kind: String, day: Int, length: Int, _ change: (Int) -> Void) {
            let start = day * period + 16
            for j in start..<(start + length) { change(j) }
            anomalies.append(InjectedAnomaly(kind: kind, points: start..<(start + length),
                                             window: AnomalyLabelWindow(start: testTimes[start], end: testTimes[start + length - 1])))
        }
        inject("spike", day: 3, length: 3) { test[$0] += 40 }
        inject("level shift", day: 7, length: period) { test[$0] += 25 }
        let frozen = test[11 * period + 16]
        inject("flat", day: 11, length: 36) { test[$0] = frozen }
        let normalTable = TimeSeriesTable(source: "generated normal series (seed \(seed))", names: ["value"],
                                          columns: [rounded(normal)], timeName: "timestamp", times: times(from: (2024, 1, 1)))
        let testTable = TimeSeriesTable(source: "generated test series with anomalies (seed \(seed))", names: ["value"],
                                        columns: [rounded(test)], timeName: "timestamp", times: testTimes)
        return GeneratedAnomalies(normal: normalTable, test: testTable, anomalies: anomalies, period: period)
    }
}
