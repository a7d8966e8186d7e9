/// How a sequence-to-sequence run reads, batches and decodes its pairs, and how much the
/// decoder is fed the truth. The twin (`torch_tasks.py seq2seq`) uses word units, batches of
/// 64 random pairs and teacher forcing.
public struct Seq2SeqSettings: Equatable, Sendable {
    /// Words (whitespace-separated) or characters (each Unicode scalar).
    public var unit: TextUnit = .word
    /// Symbols seen fewer times in the training data are read as `<unk>`.
    public var minCount = 1
    /// B, the pairs of a training batch, drawn at random with replacement.
    public var batchSize = 64
    /// The pairs of an evaluation (or decoding) batch.
    public var evalBatchSize = 256
    /// Without validation files, the last this fraction of the pairs (in file order) validates.
    public var validFraction = 0.1
    /// Teacher forcing or scheduled sampling.
    public var sampling = ScheduledSampling.teacherForcing
    /// The longest output greedy validation decodes.
    public var maxLength = 100

    /// The largest batch or length accepted.
    public static let maxSize = 1 << 20

    /// The defaults.
    public init() {}

    /// Throws `RNNKitError` for a setting that cannot work.
    public func validate() throws {
        for (name, value) in [("batch size", batchSize), ("evaluation batch size", evalBatchSize), ("maximum length", maxLength)]
        where !(1...Self.maxSize).contains(value) {
            throw RNNKitError("the \(name) must be in 1...\(Self.maxSize), got \(value)")
        }
        guard minCount >= 1 && minCount <= Int(Int32.max) else { throw RNNKitError("the minimum count must be at least 1, got \(minCount)") }
        guard validFraction > 0 && validFraction < 1 else {
            throw RNNKitError("the validation fraction must be between 0 and 1, got \(validFraction)")
        }
        try sampling.validate()
    }

    /// The settings as JSON (the `task` metadata of checkpoints).
    var json: JSONValue {
        .object([("unit", .string(unit.rawValue)), ("min_count", .integer(minCount)), ("batch", .integer(batchSize)),
                 ("eval_batch", .integer(evalBatchSize)), ("valid_fraction", .double(validFraction)),
                 ("sampling", sampling.json), ("max_length", .integer(maxLength))])
    }

    /// Reads `json` and validates it.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "task")
        self.init()
        guard let unit = TextUnit(rawValue: try f.string("unit")) else { throw RNNKitError("task.unit is neither word nor character") }
        self.unit = unit
        minCount = try f.int("min_count")
        batchSize = try f.int("batch")
        evalBatchSize = try f.int("eval_batch")
        validFraction = try f.double("valid_fraction")
        sampling = try ScheduledSampling(json: try f.required("sampling"), context: "task.sampling")
        maxLength = try f.int("max_length")
        try validate()
    }
}

/// Where a sequence-to-sequence run's pairs came from: file paths (nil for generated data) and
/// a fingerprint of the contents, so that a resumed run can check it reads the same pairs.
public struct Seq2SeqSources: Equatable, Sendable {
    /// The training source and target files, or nil for the generated dates.
    public var source: String?, target: String?
    /// The validation files, or nil to hold out the end of the training pairs.
    public var validSource: String?, validTarget: String?
    /// CRC-32 of every token read, in order.
    public var fingerprint: String

    /// The sources as JSON (the `data` metadata of checkpoints).
    var json: JSONValue {
        let path = { (p: String?) in p.map(JSONValue.string) ?? .null }
        return .object([("source", path(source)), ("target", path(target)), ("valid_source", path(validSource)),
                        ("valid_target", path(validTarget)), ("fingerprint", .string(fingerprint))])
    }

    /// Reads `json`.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "data")
        source = try f.optionalString("source")
        target = try f.optionalString("target")
        validSource = try f.optionalString("valid_source")
        validTarget = try f.optionalString("valid_target")
        fingerprint = try f.string("fingerprint")
    }

    /// Sources with the fingerprint of `pairs`.
    init(source: String?, target: String?, validSource: String?, validTarget: String?, pairs: [ParallelText]) {
        self.source = source
        self.target = target
        self.validSource = validSource
        self.validTarget = validTarget
        var crc = CRC32()
        for p in pairs {
            for sequence in p.sources + p.targets { crc.update((sequence.joined(separator: "\u{1F}") + "\u{1E}").utf8) }
        }
        fingerprint = crc.hex
    }
}
