/// How a forecasting run reads, scales, splits and batches its series. The defaults suit a
/// monthly series; the airline twin (`torch_tasks.py forecast`) uses window 24, horizon 12,
/// the last 24 months as the test part, window-mean scaling and batches of 16.
public struct ForecastSettings: Equatable, Sendable {
    /// The columns to forecast (G targets); they are also read as inputs.
    public var targets: [String] = ["value"]
    /// Covariate columns, read as extra input features (not forecast).
    public var covariates: [String] = []
    /// The time column, if any (kept as text: labels of plots, `test from` times).
    public var timeColumn: String?
    /// W, the input window (steps read per forecast).
    public var window = 24
    /// Hz, the steps forecast at once (direct multi-horizon).
    public var horizon = 12
    /// The step between the starts of consecutive training windows.
    public var stride = 1
    /// How values are scaled (statistics from the training part only).
    public var scaling: SeriesScaling = .minmax
    /// The rows of the test part at the end (nil: `testFrom`, or else 2·Hz).
    public var testSize: Int?
    /// The time (of `timeColumn`) the test part starts at, instead of `testSize`.
    public var testFrom: String?
    /// Rows held out for validation just before the test part; 0 validates on the training
    /// windows themselves (in evaluation mode), as the twin trains on every window it has.
    public var validationSize = 0
    /// The seasonal period m of MASE and of the seasonal-naive baseline (1: the last value).
    public var season = 1
    /// B, the windows of a training batch.
    public var batchSize = 16
    /// The windows of an evaluation batch.
    public var evalBatchSize = 256

    /// The largest window, horizon, stride, season or batch accepted.
    public static let maxSize = 1 << 20

    /// The defaults.
    public init() {}

    /// The input features per step: the targets, then the covariates.
    public var features: [String] { targets + covariates }

    /// Throws `RNNKitError` for a setting that cannot work.
    public func validate() throws {
        for (name, value) in [("window length", window), ("horizon", horizon), ("stride", stride), ("seasonal period", season),
                              ("batch size", batchSize), ("evaluation batch size", evalBatchSize)]
        where !(1...Self.maxSize).contains(value) {
            throw RNNKitError("the \(name) must be in 1...\(Self.maxSize), got \(value)")
        }
        guard !targets.isEmpty else { throw RNNKitError("name at least one column to forecast") }
        guard Set(features).count == features.count else {
            throw RNNKitError("a column is named twice among the targets and covariates (\(features.joined(separator: ", ")))")
        }
        if let t = timeColumn, features.contains(t) { throw RNNKitError("the time column '\(t)' is also a value column") }
        if let n = testSize, !(0...Int(Int32.max)).contains(n) { throw RNNKitError("the test size must be in 0...\(Int32.max), got \(n)") }
        guard (0...Int(Int32.max)).contains(validationSize) else {
            throw RNNKitError("the validation size must be in 0...\(Int32.max), got \(validationSize)")
        }
        if testSize != nil && testFrom != nil { throw RNNKitError("give the test part as a size or as a start time, not both") }
        if testFrom != nil && timeColumn == nil { throw RNNKitError("a test start time needs a time column") }
    }

    /// The settings as JSON (the `task` metadata of checkpoints).
    var json: JSONValue {
        .object([("targets", .array(targets.map(JSONValue.string))), ("covariates", .array(covariates.map(JSONValue.string))),
                 ("time_column", timeColumn.map(JSONValue.string) ?? .null), ("window", .integer(window)),
                 ("horizon", .integer(horizon)), ("stride", .integer(stride)), ("scaling", .string(scaling.rawValue)),
                 ("test_size", testSize.map(JSONValue.integer) ?? .null), ("test_from", testFrom.map(JSONValue.string) ?? .null),
                 ("validation_size", .integer(validationSize)), ("season", .integer(season)),
                 ("batch", .integer(batchSize)), ("eval_batch", .integer(evalBatchSize))])
    }

    /// Reads `json` and validates it.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "task")
        self.init()
        targets = try f.strings("targets")
        covariates = try f.strings("covariates")
        timeColumn = try f.optionalString("time_column")
        window = try f.int("window")
        horizon = try f.int("horizon")
        stride = try f.int("stride")
        guard let scaling = SeriesScaling(rawValue: try f.string("scaling")) else {
            throw RNNKitError("task.scaling is not one of \(SeriesScaling.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.scaling = scaling
        testSize = f.has("test_size") ? try f.int("test_size") : nil
        testFrom = try f.optionalString("test_from")
        validationSize = try f.int("validation_size")
        season = try f.int("season")
        batchSize = try f.int("batch")
        evalBatchSize = try f.int("eval_batch")
        try validate()
    }
}
