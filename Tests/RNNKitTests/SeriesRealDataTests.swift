import Foundation
import Testing
@testable import RNNKit

/// The shared data sets (../shared/data beside the repository, or `RNNKIT_SERIES_DATA`),
/// checked against numbers computed with numpy from ../shared/bench/torch_tasks.py's
/// definitions. Skipped where the data folder is absent (fresh clones).
@Suite struct SeriesRealDataTests {
    static let data = ProcessInfo.processInfo.environment["RNNKIT_SERIES_DATA"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data").path
    static func has(_ path: String) -> Bool { FileManager.default.fileExists(atPath: data + "/" + path) }

    @Test(.enabled(if: has("airline/airline-passengers.csv")))
    func airlineWindowsAndSeasonalNaive() throws {
        let table = try TimeSeriesTable.read(Self.data + "/airline/airline-passengers.csv", columns: ["Passengers"], time: "Month")
        let values = try table.values("Passengers")
        #expect(table.rowCount == 144 && values[0] == 112 && table.times?[0] == "1949-01")
        let split = try SeriesSplit(rows: 144, testRows: 24, window: 24, horizon: 12)
        let scaler = try SeriesScaler(fitting: [Array(values[split.train])], scaling: .windowMean)
        #expect(scaler.offsets == [104] && scaler.scales == [401])
        let windows = try SeriesWindows(forecasting: scaler.transform(matrix: values), featureCount: 1, targetColumns: [0],
                                        window: 24, horizon: 12, targetsIn: split.train, windowMean: true)
        #expect(windows.count == 85)
        #expect(abs(windows.levels(inputFrom: 0)[0] - 0.07273482959268496) < 1e-15)
        let x = windows.inputs([0]), y = windows.targets([0])
        #expect(x[0] == Float(0.27428571428571424) && x[2] == Float(0.9599999999999999) && y[0] == Float(1.4057142857142857))
        #expect(abs(try windows.input(endingAt: 120).levels[0] - 0.6750831255195345) < 1e-15)

        let b = try Backtest(series: values, trainingRows: 120, origins: split.origins(stride: 12), horizon: 12, season: 12) {
            try ForecastMetrics.seasonalNaive(values, origin: $0, count: 12, period: 12)
        }
        #expect(abs(b.seasonalNaiveErrors.mae - 47.583333333333336) < 1e-9)
        #expect(abs(b.seasonalNaiveErrors.rmse - 49.98666488841466) < 1e-9)
        #expect(abs(b.seasonalNaiveErrors.mapePercent! - 10.522728354862307) < 1e-9)
        #expect(abs(b.seasonalNaiveErrors.smapePercent - 11.166612762539101) < 1e-9)
        #expect(abs(b.seasonalNaiveErrors.mase! - 1.665262475696695) < 1e-9)
        #expect(abs(b.lastValueErrors.mapePercent! - 16.89379448469156) < 1e-9)
        #expect(b.model == b.seasonalNaiveErrors)
    }

    @Test(.enabled(if: has("sunspots/monthly-sunspots.csv")))
    func sunspotsBaselinesInScaledUnits() throws {
        let table = try TimeSeriesTable.read(Self.data + "/sunspots/monthly-sunspots.csv", columns: ["Sunspots"], time: "Month")
        let testFrom = try SeriesSplit.firstRow(atOrAfter: "1940-11", in: table.times!)
        let split = try SeriesSplit(rows: table.rowCount, testFrom: testFrom, window: 125, horizon: 36)
        #expect(table.rowCount == 2820 && split.train == 0..<2302)
        let values = try table.values("Sunspots")
        let scaler = try SeriesScaler(fitting: [Array(values[split.train])], scaling: .minmax)
        let scaled = try scaler.transform(matrix: values)
        let origins = try split.origins(stride: 36)
        #expect(origins.count == 15)
        let b = try Backtest(series: scaled, trainingRows: split.train.count, origins: origins, horizon: 36, season: 132) { _ in
            Array(repeating: 0, count: 36)
        }
        #expect(b.actual.count == 518)
        #expect(abs(b.seasonalNaiveErrors.mae - 0.13778886822001093) < 1e-12)
        #expect(abs(b.seasonalNaiveErrors.rmse - 0.19192567018231413) < 1e-12)
        #expect(abs(b.lastValueErrors.mae - 0.170773057336473) < 1e-12)
    }

    @Test(.enabled(if: has("nab/anomaly_windows.json")))
    func nabLabelsAndStandardScaling() throws {
        let train = try TimeSeriesTable.read(Self.data + "/nab/art_daily_small_noise.csv", columns: ["value"], time: "timestamp")
        let testPath = Self.data + "/nab/art_daily_jumpsup.csv"
        let test = try TimeSeriesTable.read(testPath, columns: ["value"], time: "timestamp")
        let scaler = try SeriesScaler(fitting: train.columns, scaling: .standard)
        #expect(abs(scaler.offsets[0] - 42.43835333580657) < 1e-10 && abs(scaler.scales[0] - 28.07712228126252) < 1e-10)
        let windows = try AnomalyLabels.readWindows(Self.data + "/nab/anomaly_windows.json", for: testPath)
        let labels = try AnomalyLabels.points(of: test, in: windows)
        #expect(labels.filter { $0 }.count == 403 && labels.firstIndex(of: true) == 2787)
        let auc = try AnomalyEvaluation.rocAUC(scores: test.columns[0], labels: labels)!
        #expect(abs(auc - 0.5332190986996808) < 1e-12)
        let reconstruct = try SeriesWindows(reconstructing: scaler.transform(matrix: test.columns[0]), featureCount: 1, window: 288)
        #expect(reconstruct.count == 3745)
        let coversLabel = reconstruct.starts.filter { s in labels[s..<(s + 288)].contains(true) }.count
        #expect(coversLabel == 690)
        let everything = try AnomalyEvaluation.windowPrecisionRecall(flagged: Array(repeating: true, count: 3745), labels: labels, window: 288)
        #expect(abs(everything.precision! - 690.0 / 3745) < 1e-15 && everything.recall == 1)
    }
}
