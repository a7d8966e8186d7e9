/// How an anomaly-detection run reads, scales and windows its normal series, and how it sets
/// its threshold. The NAB twin (`torch_tasks.py anomaly`) uses windows of 288 with stride 1,
/// standard scaling, the largest training error as the threshold and batches of 128.
public struct AnomalySettings: Equatable, Sendable {
    /// The value columns (F features), all reconstructed.
    public var columns: [String] = ["value"]
    /// The time column, if any (labels, plots, flagged ranges).
    public var timeColumn: String?
    /// W, the window length.
    public var window = 48
    /// The step between the starts of consecutive windows (training and scoring).
    public var stride = 1
    /// How values are scaled (statistics from the normal series).
    public var scaling: SeriesScaling = .standard
    /// How the threshold comes from the training windows' errors.
    public var threshold: AnomalyThreshold = .max
    /// B, the windows of a training batch.
    public var batchSize = 128
    /// The windows of an evaluation batch.
    public var evalBatchSize = 512

    /// The largest window, stride or batch accepted.
    public static let maxSize = 1 << 20

    /// The defaults.
    public init() {}

    /// Throws `RNNKitError` for a setting that cannot work.
    public func validate() throws {
        for (name, value) in [("window length", window), ("stride", stride), ("batch size", batchSize),
                              ("evaluation batch size", evalBatchSize)] where !(1...Self.maxSize).contains(value) {
            throw RNNKitError("the \(name) must be in 1...\(Self.maxSize), got \(value)")
        }
        guard !columns.isEmpty, Set(columns).count == columns.count else {
            throw RNNKitError("name each value column once (\(columns.joined(separator: ", ")))")
        }
        if let t = timeColumn, columns.contains(t) { throw RNNKitError("the time column '\(t)' is also a value column") }
        guard scaling != .windowMean else { throw RNNKitError("window-mean scaling is for forecasting; use minmax or standard") }
        if case let .quantile(q) = threshold, !(q > 0 && q <= 1) {
            throw RNNKitError("the threshold quantile must be in (0, 1], got \(q)")
        }
    }

    /// The rule as text: `max` or `quantile:<q>`.
    var thresholdText: String {
        switch threshold {
        case .max: "max"
        case let .quantile(q): "quantile:\(q)"
        }
    }

    /// The settings as JSON (the `task` metadata of checkpoints).
    var json: JSONValue {
        .object([("columns", .array(columns.map(JSONValue.string))), ("time_column", timeColumn.map(JSONValue.string) ?? .null),
                 ("window", .integer(window)), ("stride", .integer(stride)), ("scaling", .string(scaling.rawValue)),
                 ("threshold", .string(thresholdText)), ("batch", .integer(batchSize)), ("eval_batch", .integer(evalBatchSize))])
    }

    /// Reads `json` and validates it.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "task")
        self.init()
        columns = try f.strings("columns")
        timeColumn = try f.optionalString("time_column")
        window = try f.int("window")
        stride = try f.int("stride")
        guard let scaling = SeriesScaling(rawValue: try f.string("scaling")) else {
            throw RNNKitError("task.scaling is not one of \(SeriesScaling.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.scaling = scaling
        let rule = try f.string("threshold")
        if rule == "max" {
            threshold = .max
        } else if rule.hasPrefix("quantile:"), let q = Double(rule.dropFirst(9)) {
            threshold = .quantile(q)
        } else {
            throw RNNKitError("task.threshold '\(rule)' is neither max nor quantile:<q>")
        }
        batchSize = try f.int("batch")
        evalBatchSize = try f.int("eval_batch")
        try validate()
    }
}
