import ArgumentParser
import RNNKit

/// `rnn anomaly`: anomaly detection with an LSTM autoencoder.
struct AnomalyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomaly",
        abstract: "Anomaly detection: train a recurrent autoencoder on normal data, then flag what it reconstructs badly.",
        subcommands: [AnomalyTrainCommand.self, AnomalyScoreCommand.self])
}

/// `--threshold`: `max` or a quantile in (0, 1].
struct ThresholdOption: ExpressibleByArgument {
    let rule: AnomalyThreshold
    init?(argument: String) {
        if argument == "max" { rule = .max; return }
        guard let q = Double(argument), q > 0, q <= 1 else { return nil }
        rule = .quantile(q)
    }
}

/// `rnn anomaly train`.
struct AnomalyTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an anomaly detector on normal data (with no --csv: on a daily pattern RNNKit generates, then scored on a copy with three anomalies put in).",
        discussion: """
            Cuts the normal series into windows of --window steps (every --stride), scales them (fitted on \
            this series), and trains an autoencoder to reconstruct them: the encoder's final state is the \
            code, repeated at every step of a decoder, mapped back to the values (SequenceAutoencoder in \
            reference_models.py). Each validation reconstructs every training window and sets the threshold: \
            the largest window error, or the --threshold quantile of them. --out receives metrics.jsonl, \
            loss.svg, best.safetensors (lowest mean error, with its threshold) and latest.safetensors.
            """)

    @OptionGroup(title: "Data") var data: SeriesDataOptions
    @Option(help: ArgumentHelp("Windows whose error is above this are flagged: max (the largest training error) or a quantile of the training errors in (0, 1]. (default: max)", valueName: "max|q"))
    var threshold: ThresholdOption?
    @OptionGroup(title: "Model") var model: SeriesModelOptions
    @OptionGroup(title: "Optimization") var optimization: TaskOptimizationOptions
    @OptionGroup(title: "Bookkeeping") var bookkeeping: TaskBookkeepingOptions

    var settings: AnomalySettings {
        var s = AnomalySettings()
        if let columns = data.columns { s.columns = columns }
        s.timeColumn = data.timeColumn ?? (data.csv == nil ? "timestamp" : nil)
        if let w = data.window { s.window = w }
        if let v = data.stride { s.stride = v }
        if let v = data.scaler { s.scaling = v }
        if let t = threshold { s.threshold = t.rule }
        s.batchSize = optimization.batch ?? 128
        if let v = optimization.evalBatch { s.evalBatchSize = v }
        return s
    }

    func validate() throws {
        do { try settings.validate() } catch let error as RNNKitError { throw ValidationError(error.message) }
    }

    func run() throws {
        let runner = TaskTrainingRun(otherOptionsGiven: data.anyGiven || model.anyGiven || threshold != nil,
                                     optimization: optimization, bookkeeping: bookkeeping, command: "anomaly")
        let trainer: TaskTrainer, task: AnomalyTask
        if bookkeeping.resume {
            try runner.checkResumeOptions()
            let lock = try runner.lockForResume()
            let checkpoint = try TaskCheckpoint.read(runner.run, kind: AnomalyTask.kind)
            task = try AnomalyTask.resuming(checkpoint)
            trainer = try TaskTrainer(resuming: checkpoint, task: task, epochs: optimization.epochs,
                                      maxSteps: optimization.maxSteps, evalEvery: bookkeeping.evalEvery)
            trainer.runLock = lock
        } else {
            try runner.checkNewRun()
            var loop = optimization.loop(defaultEpochs: 30)
            loop.evalEvery = bookkeeping.evalEvery ?? 0
            let configuration = SeriesModelConfiguration.autoencoder(
                cell: model.cell?.kind ?? .lstm, features: 1, hiddenSize: model.hidden ?? 64, numLayers: model.layers ?? 1,
                dropout: model.dropout ?? 0)
            task = try AnomalyTask(path: data.csv.map(absolutePath), settings: settings, model: configuration, seed: loop.seed)
            trainer = try TaskTrainer(task: task, configuration: loop, run: runner.run)
        }
        let c = task.model.configuration, s = task.settings
        let what = "training a \(c.numLayers)×\(c.hiddenSize) \(c.cell.rawValue) autoencoder (\(thousands(Double(task.arena.parameterCount))) parameters) on "
            + "\(task.path ?? task.table.source), column\(s.columns.count > 1 ? "s" : "") \(s.columns.joined(separator: ", ")): "
            + "\(task.table.rowCount) rows, \(task.windows.count) windows of \(s.window) (stride \(s.stride)), \(s.scaling.rawValue) scaling"
        let generated = task.path == nil
        try runner.train(trainer, summary: TaskTrainingRun.summary(resumingAt: bookkeeping.resume ? trainer.progress.step : nil,
                                                                   epoch: trainer.progress.epoch, what: what, trainer: trainer),
                         hint: "rnn anomaly score --model \(runner.run.path)" + (generated ? "" : " --csv FILE"))
        guard generated else { return }
        let test = GeneratedSeries.anomalies(seed: 1)
        let detector = try TrainedAnomalyDetector.load(runner.run.path)
        let report = try detector.score(test.test, labels: test.labels)
        print("scored the generated test series (anomalies put in: \(test.anomalies.map { "\($0.kind) at points \($0.points.lowerBound)..<\($0.points.upperBound)" }.joined(separator: ", "))):")
        print(report.jsonLine)
        try writeAnomalyPlot(report, table: test.test, column: "value", to: runner.run.file("anomalies.svg"))
        print("plot: \(runner.run.file("anomalies.svg"))")
    }
}

/// Draws the series, the per-point scores, the threshold, and the flagged (and labelled) ranges.
func writeAnomalyPlot(_ report: AnomalyReport, table: TimeSeriesTable, column: String, to path: String) throws {
    let svg = AnomalyPlot.svg(series: try table.values(column), times: table.times, scores: report.pointScores,
                              threshold: report.threshold, flagged: report.ranges.map(\.points),
                              labelled: report.labels.map(AnomalyEvaluation.labelledRanges) ?? [],
                              title: "\(column): \(report.flagged.filter { $0 }.count) of \(report.flagged.count) windows flagged",
                              valueName: column)
    try writeTextFile(svg, to: path)
}

/// `rnn anomaly score`.
struct AnomalyScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score a series with a trained detector: per-point scores as CSV, flagged windows and ranges as one JSON line, and anomalies.svg; with labels, ROC-AUC and window precision and recall.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file of `rnn anomaly train`.", valueName: "dir"))
    var model: String
    @Option(help: ArgumentHelp("CSV file with the columns the model reads. Default: the generated test series (when the run was trained on generated data).", valueName: "file"))
    var csv: String?
    @Option(help: ArgumentHelp("Labelled anomaly windows in NAB's anomaly_windows.json format (the entry whose key ends with the CSV's file name, or its only entry).", valueName: "file"))
    var labels: String?
    @Option(help: ArgumentHelp("A 0/1 column of the CSV file marking anomalous rows.", valueName: "name"))
    var labelColumn: String?
    @Option(help: ArgumentHelp("Where to write the per-point scores. (default: anomaly_scores.csv in the model's folder)", valueName: "file"))
    var scores: String?
    @Option(help: ArgumentHelp("Where to draw the plot. (default: anomalies.svg in the model's folder)", valueName: "file"))
    var plot: String?

    func validate() throws {
        if labels != nil && labelColumn != nil { throw ValidationError("--labels and --label-column contradict each other: give one") }
        if csv == nil && (labels != nil || labelColumn != nil) { throw ValidationError("--labels and --label-column label a --csv file") }
    }

    func run() throws {
        let detector = try TrainedAnomalyDetector.load(model)
        let table: TimeSeriesTable, marks: [Bool]?
        if let csv {
            table = try detector.read(csv, labelColumn: labelColumn)
            if let labels {
                marks = try AnomalyLabels.points(of: table, in: try AnomalyLabels.readWindows(labels, for: csv))
            } else {
                marks = try labelColumn.map { try AnomalyLabels.points(of: table, column: $0) }
            }
        } else {
            let generated = GeneratedSeries.anomalies(seed: 1)
            table = generated.test
            marks = generated.labels
        }
        let report = try detector.score(table, labels: marks)
        let folder = runFolder(of: model)
        let scoresPath = scores ?? folder + "/anomaly_scores.csv"
        var csvText = ((table.timeName.map { [$0] } ?? []) + detector.settings.columns + ["score", "flagged"]).map(csvField)
            .joined(separator: ",") + "\n"
        var flaggedPoint = [Bool](repeating: false, count: table.rowCount)
        for r in report.ranges { for j in r.points { flaggedPoint[j] = true } }
        let values = try detector.settings.columns.map { try table.values($0) }
        for j in 0..<table.rowCount {
            let fields = (table.times.map { [csvField($0[j])] } ?? []) + values.map { "\($0[j])" } + ["\(report.pointScores[j])", flaggedPoint[j] ? "1" : "0"]
            csvText += fields.joined(separator: ",") + "\n"
        }
        try writeTextFile(csvText, to: scoresPath)
        let plotPath = plot ?? folder + "/anomalies.svg"
        try writeAnomalyPlot(report, table: table, column: detector.settings.columns[0], to: plotPath)
        print(report.jsonLine)
        var stderr = StandardError()
        print("scores: \(scoresPath); plot: \(plotPath)", to: &stderr)
    }
}
