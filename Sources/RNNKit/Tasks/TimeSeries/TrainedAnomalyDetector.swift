/// A trained anomaly detector read from a run folder or checkpoint — the autoencoder, its
/// settings, scaler and threshold: what `rnn anomaly score` uses.
public struct TrainedAnomalyDetector {
    /// The model, in evaluation mode.
    public let model: SequenceAutoencoder<Float>
    /// How the run read, scaled and windowed its series.
    public let settings: AnomalySettings
    /// The scaling fitted on the normal series.
    public let scaler: SeriesScaler
    /// Windows whose error is above this are flagged.
    public let threshold: Double
    /// The file it was read from.
    public let path: String

    /// Reads a detector from a run folder (`best.safetensors`, else `latest`) or a file.
    /// - Throws: `RNNKitError` if the file is missing, corrupted, of another kind, has no
    ///   threshold yet (stopped before its first validation), or its metadata or weights do not
    ///   fit together.
    public static func load(_ path: String) throws -> TrainedAnomalyDetector {
        let saved = try SavedTaskModel.load(path, kind: AnomalyTask.kind)
        return try saved.naming {
            let (configuration, settings, scaler) = try autoencoderParts(saved)
            guard let threshold = saved.metadata["threshold"].flatMap(Double.init), threshold.isFinite else {
                throw RNNKitError("the run has no threshold yet: it stopped before its first validation")
            }
            let model = try SequenceAutoencoder<Float>(configuration)
            try saved.loadWeights(into: model.arena)
            model.setTraining(false)
            return TrainedAnomalyDetector(model: model, settings: settings, scaler: scaler, threshold: threshold, path: saved.path)
        }
    }

    /// Reads the columns the model needs (and an optional 0/1 label column) from `path`.
    public func read(_ path: String, labelColumn: String? = nil) throws -> TimeSeriesTable {
        let extra = labelColumn.map { settings.columns.contains($0) ? [] : [$0] } ?? []
        return try TimeSeriesTable.read(path, columns: settings.columns + extra, time: settings.timeColumn)
    }

    /// Scores every window of `table` and every point, flags the windows above the threshold,
    /// and, with `labels` (one per row), measures ROC-AUC and window precision and recall.
    /// - Throws: `RNNKitError` if the table lacks a column, is shorter than a window, or the
    ///   labels do not fit.
    public func score(_ table: TimeSeriesTable, labels: [Bool]? = nil) throws -> AnomalyReport {
        let s = settings
        for name in s.columns where !table.names.contains(name) {
            throw RNNKitError("'\(table.source)' has no column '\(name)', which the model reads (it reads \(s.columns.joined(separator: ", ")))")
        }
        let windows = try SeriesWindows(reconstructing: try scaler.transform(matrix: try table.matrix(s.columns)),
                                        featureCount: s.columns.count, window: s.window, stride: s.stride)
        model.setTraining(false)
        let errors = AnomalyTask.windowErrors(model, windows, batchSize: s.evalBatchSize)!
        let flagged = AnomalyScoring.flagged(errors, threshold: threshold)
        let n = table.rowCount
        let scores = try AnomalyScoring.pointScores(errors, window: s.window, stride: s.stride, points: n)
        let ranges = try AnomalyScoring.ranges(flagged: flagged, window: s.window, stride: s.stride, points: n, times: table.times)
        var report = AnomalyReport(threshold: threshold, windowErrors: errors, flagged: flagged, pointScores: scores, ranges: ranges)
        if let labels {
            guard labels.count == n else { throw RNNKitError("\(labels.count) labels for \(n) rows") }
            report.labels = labels
            report.rocAUC = try AnomalyEvaluation.rocAUC(scores: scores, labels: labels)
            let pr = try AnomalyEvaluation.windowPrecisionRecall(flagged: flagged, labels: labels, window: s.window, stride: s.stride)
            report.windowPrecision = pr.precision
            report.windowRecall = pr.recall
        }
        return report
    }
}

/// What scoring a series found.
public struct AnomalyReport: Sendable {
    /// The threshold used.
    public var threshold: Double
    /// Each window's mean squared reconstruction error.
    public var windowErrors: [Double]
    /// Whether each window's error is above the threshold.
    public var flagged: [Bool]
    /// Each point's score: the mean error of the windows covering it.
    public var pointScores: [Double]
    /// Runs of flagged windows, as point ranges (and times).
    public var ranges: [AnomalyRange]
    /// The labels scored against, if any.
    public var labels: [Bool]?
    /// Per-point ROC-AUC of the scores against the labels (nil without labels or with one class).
    public var rocAUC: Double?
    /// The fraction of flagged windows that cover a labelled point.
    public var windowPrecision: Double?
    /// The fraction of labelled ranges that a flagged window touches.
    public var windowRecall: Double?

    /// One JSON line: threshold, window counts, flagged ranges (points and times), and the
    /// label measures when labels were given.
    public var jsonLine: String {
        let flaggedCount = flagged.filter { $0 }.count
        var members: [(key: String, value: JSONValue)] = [
            ("threshold", .rounded(threshold, 6)), ("windows", .integer(windowErrors.count)), ("flagged_windows", .integer(flaggedCount)),
            ("ranges", .array(ranges.map { r in
                var m: [(key: String, value: JSONValue)] = [("first_window", .integer(r.windows.lowerBound)),
                                                            ("last_window", .integer(r.windows.upperBound)),
                                                            ("start", .integer(r.points.lowerBound)), ("end", .integer(r.points.upperBound))]
                if let a = r.startTime, let b = r.endTime { m += [("start_time", .string(a)), ("end_time", .string(b))] }
                return .object(m)
            })),
        ]
        if labels != nil {
            let optional = { (x: Double?) -> JSONValue in x.map { .rounded($0, 4) } ?? .null }
            members += [("point_roc_auc", optional(rocAUC)),
                        ("flagged_overlapping_label_pct", optional(windowPrecision.map { 100 * $0 })),
                        ("labelled_ranges_found_pct", optional(windowRecall.map { 100 * $0 }))]
        }
        return JSONValue.object(members).serialized
    }
}

/// The model configuration, settings and scaler an autoencoder checkpoint holds, checked
/// against each other and the stored tensors before anything is allocated.
func autoencoderParts(_ saved: SavedTaskModel) throws -> (SeriesModelConfiguration, AnomalySettings, SeriesScaler) {
    let configuration = try SeriesModelConfiguration(json: try saved.json("model"), model: .autoencoder)
    let settings = try AnomalySettings(json: try saved.json("task"))
    let scaler = try SeriesScaler(metadata: saved.metadata)
    guard configuration.features == settings.columns.count, scaler.columnCount == settings.columns.count,
          scaler.scaling == settings.scaling else {
        throw RNNKitError("the model configuration, settings and scaler do not fit together")
    }
    let stored = saved.weights.tensors.reduce(0) { $0 + $1.count }
    guard configuration.parameterCount == stored else {
        throw RNNKitError("the model configuration needs \(configuration.parameterCount.map(String.init) ?? "too many") parameters, the file holds \(stored)")
    }
    return (configuration, settings, scaler)
}

extension AnomalyTask {
    /// The task of the run saved in `checkpoint`, its normal series read again from the file
    /// it names (`path` may replace it) and checked against its fingerprint.
    /// - Throws: `RNNKitError` if the file cannot be read, differs, or the metadata does not fit.
    public static func resuming(_ checkpoint: TaskCheckpoint, path: String? = nil) throws -> AnomalyTask {
        let saved = checkpoint.model
        let (configuration, settings, scaler) = try saved.naming { try autoencoderParts(saved) }
        let source = try saved.naming { try JSONFields(try saved.json("data"), "data") }
        let task = try AnomalyTask(path: try path ?? source.optionalString("csv"), settings: settings, model: configuration,
                                   seed: checkpoint.loop.seed)
        guard task.scaler == scaler, task.fingerprint == (try source.string("fingerprint")) else {
            throw RNNKitError("the series differs from the one this run was trained on; resume with the same file")
        }
        task.restoreThreshold(saved.metadata["threshold"])
        return task
    }
}
