/// What a front end prints while a run trains — not used by the trainer, but saved with the
/// run (in the checkpoints' `training` metadata, as `display`) so that a resumed run prints
/// what the uninterrupted one would: the same samples after each validation (a sample's length
/// decides how far the sample generator advances) and log lines at the same steps.
public struct TrainingDisplay: Equatable, Sendable {
    /// Tokens sampled and printed after each validation; nil: the front end's default.
    public var sampleLength: Int?
    /// Print a log line every this many steps; nil: the front end's default.
    public var logEvery: Int?

    /// The longest sample accepted (2^20 tokens: samples are held in memory while printed).
    public static let maxSampleLength = 1 << 20

    /// Creates display settings (nil: the front end's defaults).
    public init(sampleLength: Int? = nil, logEvery: Int? = nil) {
        self.sampleLength = sampleLength
        self.logEvery = logEvery
    }

    /// Throws `RNNKitError` for a sample length outside 0...2^20 or a log interval outside
    /// 1...`TrainingLoopConfiguration.maxCount`.
    public func validate() throws {
        if let n = sampleLength, !(0...Self.maxSampleLength).contains(n) {
            throw RNNKitError("the sample length must be in 0...\(Self.maxSampleLength), got \(n)")
        }
        if let n = logEvery, !(1...TrainingLoopConfiguration.maxCount).contains(n) {
            throw RNNKitError("the log interval must be in 1...\(TrainingLoopConfiguration.maxCount), got \(n)")
        }
    }

    /// `{"sample_length": n or null, "log_every": n or null}`.
    var json: JSONValue {
        .object([("sample_length", sampleLength.map(JSONValue.integer) ?? .null),
                 ("log_every", logEvery.map(JSONValue.integer) ?? .null)])
    }

    /// Reads `json` and validates it.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "training.display")
        self.init(sampleLength: f.has("sample_length") ? try f.int("sample_length") : nil,
                  logEvery: f.has("log_every") ? try f.int("log_every") : nil)
        try validate()
    }
}
