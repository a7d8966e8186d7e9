import ArgumentParser
import RNNKit

/// `rnn forecast`: multi-step time-series forecasting.
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Time-series forecasting: train a recurrent forecaster on a CSV column, forecast the next steps, backtest.",
        subcommands: [ForecastTrainCommand.self, ForecastPredictCommand.self, ForecastBacktestCommand.self])
}

/// `rnn forecast train`.
struct ForecastTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a forecaster (with no --csv: on a seasonal series with trend and noise that RNNKit generates).",
        discussion: """
            Reads the windows of --window steps before each point and forecasts the next --horizon steps at \
            once (recurrent stack → linear on the last step's output, as Forecaster in reference_models.py), \
            with mean squared error on scaled values. The series is split by time: training rows, then \
            --valid-size rows, then the test part (--test-size rows, or from --test-from); the scaler is \
            fitted on the training rows only. Validation reports MAE and RMSE in the series' units (on the \
            training windows when --valid-size is 0); at the end the best checkpoint is backtested over the \
            test part from actual history (origins every --horizon rows), printed as one JSON line and drawn \
            in forecast.svg. --out receives metrics.jsonl, loss.svg, forecast.svg, best.safetensors and \
            latest.safetensors.
            """)

    @OptionGroup(title: "Data") var data: SeriesDataOptions
    @Option(help: ArgumentHelp("Covariate columns read as extra inputs, comma-separated.", valueName: "names"))
    var features: String?
    @Option(parsing: .unconditional, help: "Steps forecast at once. (default: 12)")
    var horizon: Int?
    @Option(parsing: .unconditional, help: "Rows of the test part at the end. (default: 2 × horizon)")
    var testSize: Int?
    @Option(help: ArgumentHelp("The test part starts at the first row at or after this time (of --time-column).", valueName: "time"))
    var testFrom: String?
    @Option(parsing: .unconditional, help: "Rows held out for validation before the test part; 0 validates on the training windows. (default: 0)")
    var validSize: Int?
    @Option(parsing: .unconditional, help: "Seasonal period of MASE and of the seasonal-naive baseline. (default: 1)")
    var season: Int?
    @OptionGroup(title: "Model") var model: SeriesModelOptions
    @OptionGroup(title: "Optimization") var optimization: TaskOptimizationOptions
    @OptionGroup(title: "Bookkeeping") var bookkeeping: TaskBookkeepingOptions

    func validate() throws {
        if testSize != nil && testFrom != nil { throw ValidationError("--test-size and --test-from contradict each other: give one") }
        if testFrom != nil && data.timeColumn == nil { throw ValidationError("--test-from needs --time-column") }
        if features != nil && data.csv == nil { throw ValidationError("--features names columns of a --csv file") }
        do { try settings.validate() } catch let error as RNNKitError { throw ValidationError(error.message) }
    }

    var settings: ForecastSettings {
        var s = ForecastSettings()
        if let columns = data.columns { s.targets = columns }
        s.covariates = features.map(commaSeparated) ?? []
        s.timeColumn = data.timeColumn ?? (data.csv == nil ? "month" : nil)
        if let w = data.window { s.window = w }
        if let h = horizon { s.horizon = h }
        if let v = data.stride { s.stride = v }
        if let v = data.scaler { s.scaling = v } else if data.csv == nil { s.scaling = .windowMean }   // the generated series trends
        s.testSize = testSize
        s.testFrom = testFrom
        if let v = validSize { s.validationSize = v }
        if let v = season { s.season = v } else if data.csv == nil { s.season = 12 }
        s.batchSize = optimization.batch ?? 16
        if let v = optimization.evalBatch { s.evalBatchSize = v }
        return s
    }

    func run() throws {
        let runner = TaskTrainingRun(otherOptionsGiven: data.anyGiven || model.anyGiven || features != nil || horizon != nil
                                     || testSize != nil || testFrom != nil || validSize != nil || season != nil,
                                     optimization: optimization, bookkeeping: bookkeeping, command: "forecast")
        let trainer: TaskTrainer, task: ForecastTask
        if bookkeeping.resume {
            try runner.checkResumeOptions()
            let lock = try runner.lockForResume()
            let checkpoint = try TaskCheckpoint.read(runner.run, kind: ForecastTask.kind)
            task = try ForecastTask.resuming(checkpoint)
            trainer = try TaskTrainer(resuming: checkpoint, task: task, epochs: optimization.epochs,
                                      maxSteps: optimization.maxSteps, evalEvery: bookkeeping.evalEvery)
            trainer.runLock = lock
        } else {
            try runner.checkNewRun()
            var loop = optimization.loop(defaultEpochs: 100)
            loop.evalEvery = bookkeeping.evalEvery ?? 0
            let series = try ForecastData.load(path: data.csv.map(absolutePath), settings: settings)
            let configuration = SeriesModelConfiguration.forecaster(
                cell: model.cell?.kind ?? .lstm, features: 1, hiddenSize: model.hidden ?? 32, numLayers: model.layers ?? 1,
                horizon: 1, dropout: model.dropout ?? 0)
            task = try ForecastTask(data: series, model: configuration, seed: loop.seed)
            trainer = try TaskTrainer(task: task, configuration: loop, run: runner.run)
        }
        let c = task.model.configuration, d = task.data, s = d.settings
        let what = "training a \(c.numLayers)×\(c.hiddenSize) \(c.cell.rawValue) forecaster (\(thousands(Double(task.arena.parameterCount))) parameters) on "
            + "\(d.path ?? d.table.source), column\(s.targets.count > 1 ? "s" : "") \(s.targets.joined(separator: ", "))"
            + (s.covariates.isEmpty ? "" : " with covariates \(s.covariates.joined(separator: ", "))")
            + ": \(d.split.train.count) training, \(d.split.validation.count) validation and \(d.split.test.count) test rows; "
            + "windows of \(s.window) → \(s.horizon) steps, \(s.scaling.rawValue) scaling, \(d.train.count) training windows"
        try runner.train(trainer, summary: TaskTrainingRun.summary(resumingAt: bookkeeping.resume ? trainer.progress.step : nil,
                                                                   epoch: trainer.progress.epoch, what: what, trainer: trainer),
                         hint: "rnn forecast predict --model \(runner.run.path)\(d.path.map { " --csv \($0)" } ?? "")")
        guard !d.split.test.isEmpty else { return }
        let trained = try TrainedForecaster.load(runner.run.path)
        let backtests = try trained.backtest(d)
        try writeForecastPlot(backtests[0], data: d, to: runner.run.file("forecast.svg"))
        for (name, b) in zip(s.targets, backtests) { print(backtestLine(b, column: name, of: s.targets.count)) }
    }
}

/// One backtest JSON line; with several targets it names the column.
func backtestLine(_ b: Backtest, column: String, of targets: Int) -> String {
    guard targets > 1 else { return b.jsonLine() }
    return "{\"column\":\(jsonString(column))," + b.jsonLine().dropFirst()
}

/// Draws the first target's history, actual values and the backtest's forecasts.
func writeForecastPlot(_ b: Backtest, data: ForecastData, to path: String) throws {
    let name = data.settings.targets[0]
    let svg = ForecastPlot.svg(series: try data.table.values(name), times: data.table.times, split: data.split.test.lowerBound,
                               forecasts: zip(b.origins, b.segments).map { ForecastPlot.Segment(origin: $0, values: $1) },
                               title: "\(name): backtest from \(b.origins.count) origin\(b.origins.count == 1 ? "" : "s") (MAE \(fixed(b.model.mae, 3)))",
                               valueName: name)
    try writeTextFile(svg, to: path)
}

/// `rnn forecast predict`.
struct ForecastPredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Forecast the steps after the end of a CSV file (the model's columns, at least --window rows), as CSV.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file of `rnn forecast train`.", valueName: "dir"))
    var model: String
    @Option(help: ArgumentHelp("CSV file with the columns the model reads. Default: the run's own series when it was generated.", valueName: "file"))
    var csv: String?

    func run() throws {
        let trained = try TrainedForecaster.load(model)
        let table = try csv.map(trained.read) ?? GeneratedSeries.seasonal(seed: 1)
        let values = try trained.forecastNext(table)
        let s = trained.settings, G = s.targets.count
        // The times after the file's end, when the time column steps regularly.
        let times = table.times.flatMap { SeriesTime.following($0, count: s.horizon) }
        print((["step"] + (times == nil ? [] : [table.timeName ?? "time"]) + s.targets).map(csvField).joined(separator: ","))
        for h in 0..<s.horizon {
            let time = times.map { [csvField($0[h])] } ?? []
            print(([String(h + 1)] + time + (0..<G).map { "\(values[h * G + $0])" }).joined(separator: ","))
        }
    }
}

/// `rnn forecast backtest`.
struct ForecastBacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Rolling-origin backtest over a series' test part without retraining: one JSON line (MAE, RMSE, MAPE, sMAPE, MASE, and the seasonal-naive and last-value baselines), and forecast.svg.")

    @Option(help: ArgumentHelp("A run folder or checkpoint file of `rnn forecast train`.", valueName: "dir"))
    var model: String
    @Option(help: ArgumentHelp("CSV file with the columns the model reads. Default: the run's own series when it was generated.", valueName: "file"))
    var csv: String?
    @Option(parsing: .unconditional, help: "Rows of the test part at the end. (default: the run's)")
    var testSize: Int?
    @Option(help: ArgumentHelp("The test part starts at the first row at or after this time. (default: the run's)", valueName: "time"))
    var testFrom: String?
    @Option(help: ArgumentHelp("First origin: a row number (0-based) or a time. (default: the start of the test part)", valueName: "row|time"))
    var start: String?
    @Option(parsing: .unconditional, help: "Rows between origins. (default: the horizon)")
    var stride: Int?
    @Option(parsing: .unconditional, help: "Seasonal period m of MASE and of the seasonal-naive baseline. (default: the run's)")
    var season: Int?
    @Option(help: ArgumentHelp("Where to draw the plot. (default: forecast.svg in the model's folder)", valueName: "file"))
    var plot: String?

    func validate() throws {
        if testSize != nil && testFrom != nil { throw ValidationError("--test-size and --test-from contradict each other: give one") }
        if let s = stride, s < 1 { throw ValidationError("--stride must be at least 1, got \(s)") }
        if let m = season, m < 1 { throw ValidationError("--season must be at least 1, got \(m)") }
        if let n = testSize, n < 1 { throw ValidationError("--test-size must be at least 1, got \(n)") }
    }

    func run() throws {
        let trained = try TrainedForecaster.load(model)
        let table = try csv.map(trained.read) ?? GeneratedSeries.seasonal(seed: 1)
        let data = try trained.data(table, path: csv, testSize: testSize, testFrom: testFrom)
        var origin: Int? = nil
        if let start {
            if let row = Int(start) { origin = row } else {
                guard let times = table.times else { throw RNNKitError("--start \(start) is not a row number, and the model reads no time column") }
                origin = try SeriesSplit.firstRow(atOrAfter: start, in: times)
            }
        }
        let backtests = try trained.backtest(data, start: origin, stride: stride, season: season)
        let path = plot ?? runFolder(of: model) + "/forecast.svg"
        try writeForecastPlot(backtests[0], data: data, to: path)
        for (name, b) in zip(trained.settings.targets, backtests) { print(backtestLine(b, column: name, of: backtests.count)) }
        var stderr = StandardError()
        print("plot: \(path)", to: &stderr)
    }
}

/// A CSV field: quoted when it holds a comma, quote or line break.
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
}
