import Foundation
import Testing
@testable import RNNKit

/// The forecasting and anomaly tasks on the generic trainer: the loss falls, an interrupted
/// and resumed run equals an uninterrupted one (metrics, best and latest weights, the
/// threshold), and a resumed run refuses a changed series.
@Suite struct SeriesTaskTests {
    static func loop(epochs: Int = 3, evalEvery: Int = 5) -> TrainingLoopConfiguration {
        var c = TrainingLoopConfiguration()
        c.epochs = epochs
        c.evalEvery = evalEvery
        c.learningRate = 0.01
        c.seed = 4
        return c
    }

    static func forecastTask(_ csv: String) throws -> ForecastTask {
        var s = ForecastSettings()
        s.targets = ["value"]; s.timeColumn = "month"; s.window = 12; s.horizon = 4; s.testSize = 8; s.validationSize = 8
        s.scaling = .windowMean; s.batchSize = 8
        let data = try ForecastData.load(path: csv, settings: s)
        return try ForecastTask(data: data, model: .forecaster(cell: .gru, features: 1, hiddenSize: 6, numLayers: 2,
                                                              horizon: 1, dropout: 0.1), seed: 4)
    }

    static func anomalyTask(_ csv: String) throws -> AnomalyTask {
        var s = AnomalySettings()
        s.timeColumn = "timestamp"; s.window = 16; s.stride = 4; s.batchSize = 16; s.threshold = .quantile(0.95)
        return try AnomalyTask(path: csv, settings: s, model: .autoencoder(cell: .lstm, features: 1, hiddenSize: 6), seed: 4)
    }

    /// Trains `make()` whole and in two parts (interrupted after `stopAfter` steps, resumed);
    /// both folders must hold the same metrics and weights.
    static func expectExactResume(kind: String, stopAfter: Int, make: () throws -> any TrainingTask,
                                  resume: (TaskCheckpoint) throws -> any TrainingTask) throws {
        try ComputeSettings.exclusive {
            let folder = TemporaryFolder("series-resume")
            let whole = RunDirectory(folder.file("whole")), parts = RunDirectory(folder.file("parts"))
            #expect(try TaskTrainer(task: try make(), configuration: loop(), run: whole).train() == .completed)
            let metrics = whole.readTaskMetrics()
            #expect(metrics.count >= 3 && metrics.first!.trainLoss > metrics.last!.trainLoss, "the loss falls")
            var steps = 0
            let b = try TaskTrainer(task: try make(), configuration: loop(), run: parts)
            #expect(try b.train(shouldStop: { steps += 1; return steps > stopAfter }) == .interrupted)
            let checkpoint = try TaskCheckpoint.read(parts, kind: kind)
            #expect(try TaskTrainer(resuming: checkpoint, task: try resume(checkpoint)).train() == .completed)
            #expect(TaskTrainerTests.metricsWithoutTimes(whole) == TaskTrainerTests.metricsWithoutTimes(parts))
            for file in ["best.safetensors", "latest.safetensors"] {
                let x = try SafetensorsFile(contentsOf: whole.file(file)), y = try SafetensorsFile(contentsOf: parts.file(file))
                for name in x.names { #expect(try x.tensor(name) as Tensor<Float> == y.tensor(name), "\(file) \(name)") }
                #expect(x.metadata["threshold"] == y.metadata["threshold"])
            }
        }
    }

    @Test func forecastingResumesExactly() throws {
        let folder = TemporaryFolder("forecast-task")
        let csv = try folder.write("series.csv", GeneratedSeries.seasonal(seed: 2, count: 90).csvText)
        try Self.expectExactResume(kind: ForecastTask.kind, stopAfter: 11, make: { try Self.forecastTask(csv) },
                                   resume: { try ForecastTask.resuming($0) })
        // A changed series is refused on resume.
        let run = RunDirectory(folder.file("changed"))
        _ = try TaskTrainer(task: try Self.forecastTask(csv), configuration: Self.loop(epochs: 1), run: run).train()
        try folder.write("series.csv", GeneratedSeries.seasonal(seed: 3, count: 90).csvText)
        let checkpoint = try TaskCheckpoint.read(run, kind: ForecastTask.kind)
        #expect(throws: RNNKitError.self) { try ForecastTask.resuming(checkpoint) }
    }

    @Test func anomalyDetectionResumesExactly() throws {
        let folder = TemporaryFolder("anomaly-task")
        let csv = try folder.write("normal.csv", GeneratedSeries.anomalies(seed: 2, days: 13).normal.csvText)
        try Self.expectExactResume(kind: AnomalyTask.kind, stopAfter: 13, make: { try Self.anomalyTask(csv) },
                                   resume: { try AnomalyTask.resuming($0) })
    }

    /// The validation's MAE is in the series' units: a model that forecasts the window's level
    /// (zero output after window-mean scaling would be level 0) is scored against real values.
    @Test func forecastEvaluationIsInOriginalUnits() throws {
        let folder = TemporaryFolder("forecast-units")
        let csv = try folder.write("series.csv", GeneratedSeries.seasonal(seed: 2, count: 90).csvText)
        let task = try Self.forecastTask(csv)
        for e in task.arena.entries { task.arena.fill(e, with: 0) }
        task.model.setTraining(false)
        let e = try task.evaluate(.validation, shouldStop: { false })!
        // All-zero weights forecast 0 in scaled units: min-max 0 times the level is the training minimum.
        let minimum = try task.data.table.values("value")[task.data.split.train].min()!
        let valid = task.data.valid!
        var expected = 0.0, count = 0
        for w in 0..<valid.count {
            for h in 0..<4 { expected += abs(try task.data.table.values("value")[valid.starts[w] + 12 + h] - minimum); count += 1 }
        }
        #expect(abs(e.metrics[0].value - expected / Double(count)) < 1e-6 * expected)
    }
}
