import Foundation
import Testing
@testable import RNNKit

/// `rnn forecast` and `rnn anomaly` end to end on small generated CSV files: train, predict,
/// backtest, score with labels, and one clear error line for each kind of bad input, leaving
/// the run folder intact.
@Suite(.serialized) struct TimeSeriesCommandTests {
    static let tiny = ["--hidden", "8", "--epochs", "2", "--log-every", "1000"]

    /// A seasonal CSV with a covariate (the month number) and CRLF line ends.
    static func seasonalCSV(rows: Int = 120) throws -> String {
        let series = GeneratedSeries.seasonal(seed: 3, count: rows)
        var text = "\"month\",\"sales\",\"moy\"\r\n"
        for (t, (time, value)) in zip(series.times!, try series.values("value")).enumerated() {
            text += "\"\(time)\",\(value),\(t % 12)\r\n"
        }
        return text
    }

    @Test func forecastTrainPredictBacktest() throws {
        let folder = TemporaryFolder("forecast-cli")
        let csv = try folder.write("sales.csv", try Self.seasonalCSV())
        let out = folder.file("run")
        let trained = try RNNTool.run(["forecast", "train", "--csv", csv, "--column", "sales", "--time-column", "month",
                                       "--features", "moy", "--window", "12", "--horizon", "6", "--test-size", "12",
                                       "--scaler", "window-mean", "--season", "12", "--out", out] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        let metrics = RunDirectory(out).readTaskMetrics()
        #expect(metrics.count == 3 && metrics[0].validMetrics.map(\.name) == ["mae", "rmse"])
        #expect(metrics.last?.test?.metrics.map(\.name) == ["mae", "rmse", "mape_pct", "smape_pct", "mase"])
        #expect(FileManager.default.fileExists(atPath: RunDirectory(out).file("forecast.svg")))
        let line = try JSONValue.parse(Array(trained.stdout.split(separator: "\n").last!.utf8))
        #expect(line["origins"] == .integer(2) && line["points"] == .integer(12) && line["seasonal_naive_mase"] != nil)

        let predicted = try RNNTool.run(["forecast", "predict", "--model", out, "--csv", csv])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let rows = predicted.stdout.split(separator: "\n")
        #expect(rows.count == 7 && rows[0] == "step,month,sales" && rows[1].hasPrefix("1,2010-01,") && rows[6].hasPrefix("6,2010-06,"))

        let plot = folder.file("bt.svg")
        let backtest = try RNNTool.run(["forecast", "backtest", "--model", out, "--csv", csv, "--start", "2008-07",
                                        "--stride", "3", "--plot", plot])
        #expect(backtest.status == 0, "\(backtest.stderr)")
        let bt = try JSONValue.parse(Array(backtest.stdout.utf8))
        #expect(bt["origins"] == .integer(6) && bt["model_mae"] != nil && bt["last_value_mape_pct"] != nil)
        #expect(FileManager.default.fileExists(atPath: plot))

        // Bad input: one line, non-zero exit, the run untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: RunDirectory(out).bestPath))
        let noCovariate = try folder.write("plain.csv", "month,sales\n2000-01,1\n2000-02,2\n")
        try BadInputTests.expectError(["forecast", "predict", "--model", out, "--csv", noCovariate], "'moy'")
        let text = try folder.write("text.csv", "month,sales\n2000-01,1\n2000-02,n/a\n")
        try BadInputTests.expectError(["forecast", "train", "--csv", text, "--column", "sales", "--out", folder.file("a")],
                                      "line 3, column 'sales': 'n/a' is not a number")
        try BadInputTests.expectError(["forecast", "train", "--csv", csv, "--column", "price", "--out", folder.file("b")], "sales")
        try BadInputTests.expectError(["forecast", "train", "--csv", csv, "--column", "sales", "--window", "100",
                                       "--out", folder.file("c")], "fewer rows")
        try BadInputTests.expectError(["forecast", "train", "--csv", csv, "--column", "sales", "--horizon", "0",
                                       "--out", folder.file("d")], "horizon")
        try BadInputTests.expectError(["forecast", "train", "--csv", csv, "--column", "sales", "--horizon", "12", "--test-size", "5",
                                       "--out", folder.file("e")], "shorter than the horizon")
        try BadInputTests.expectError(["forecast", "train", "--csv", csv, "--out", out] + Self.tiny, "already holds a training run")
        try BadInputTests.expectError(["anomaly", "score", "--model", out], "holds a forecaster model, not a sequence-autoencoder")
        #expect(try Data(contentsOf: URL(fileURLWithPath: RunDirectory(out).bestPath)) == before)
        for name in ["a", "b", "c", "d", "e"] { #expect(!FileManager.default.fileExists(atPath: folder.file(name))) }
    }

    /// A constant series trains (scaling divides by nothing) and forecasts the constant's range.
    @Test func constantSeriesDoesNotDivideByZero() throws {
        let folder = TemporaryFolder("forecast-constant")
        let csv = try folder.write("flat.csv", "v\n" + String(repeating: "5\n", count: 60))
        let out = folder.file("run")
        let trained = try RNNTool.run(["forecast", "train", "--csv", csv, "--column", "v", "--window", "8", "--horizon", "4",
                                       "--out", out] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        let predicted = try RNNTool.run(["forecast", "predict", "--model", out, "--csv", csv])
        #expect(predicted.stdout.split(separator: "\n").dropFirst().allSatisfy { Double($0.split(separator: ",")[1])!.isFinite })
    }

    @Test func anomalyTrainScoreWithLabels() throws {
        let folder = TemporaryFolder("anomaly-cli")
        let generated = GeneratedSeries.anomalies(seed: 5, days: 12)
        let normal = try folder.write("normal.csv", generated.normal.csvText)
        var labelled = "timestamp,value,label\n"
        for (j, (time, value)) in zip(generated.test.times!, try generated.test.values("value")).enumerated() {
            labelled += "\(time),\(value),\(generated.labels[j] ? 1 : 0)\n"
        }
        let test = try folder.write("test.csv", labelled)
        let out = folder.file("run")
        let trained = try RNNTool.run(["anomaly", "train", "--csv", normal, "--time-column", "timestamp", "--window", "24",
                                       "--stride", "2", "--threshold", "0.99", "--out", out] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(RunDirectory(out).readTaskMetrics().first?.validMetrics.map(\.name) == ["threshold"])

        let scores = folder.file("scores.csv")
        let scored = try RNNTool.run(["anomaly", "score", "--model", out, "--csv", test, "--label-column", "label", "--scores", scores])
        #expect(scored.status == 0, "\(scored.stderr)")
        let json = try JSONValue.parse(Array(scored.stdout.utf8))
        #expect(json["point_roc_auc"] != nil && json["flagged_windows"] != nil && json["ranges"] != nil)
        let lines = try String(contentsOfFile: scores, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == generated.test.rowCount + 1 && lines[0] == "timestamp,value,score,flagged")
        #expect(FileManager.default.fileExists(atPath: RunDirectory(out).file("anomalies.svg")))

        // NAB's label format: the entry whose key ends with the file's name.
        let windows = generated.anomalies.map { "[\"\($0.window.start)\", \"\($0.window.end)\"]" }.joined(separator: ", ")
        let labels = try folder.write("windows.json", "{\"other/normal.csv\": [], \"data/test.csv\": [\(windows)]}")
        let nab = try RNNTool.run(["anomaly", "score", "--model", out, "--csv", test, "--labels", labels, "--scores", scores])
        #expect(nab.status == 0, "\(nab.stderr)")
        #expect(try JSONValue.parse(Array(nab.stdout.utf8))["point_roc_auc"] == json["point_roc_auc"])

        try BadInputTests.expectError(["anomaly", "train", "--csv", normal, "--window", "0", "--out", folder.file("x")], "--window")
        try BadInputTests.expectError(["anomaly", "score", "--model", out, "--csv", test, "--label-column", "value"], "not a label")
        try BadInputTests.expectError(["forecast", "backtest", "--model", out], "holds a sequence-autoencoder model, not a forecaster")
    }
}
