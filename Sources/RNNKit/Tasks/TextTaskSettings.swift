/// How a text task reads and batches its data: tokenization, vocabulary, batch sizes and the
/// validation split. The PyTorch twins (`torch_tasks.py classify|tag`) use word units,
/// lowercase, a minimum count of 2, batches of 32 and evaluation batches of 256.
public struct TextTaskSettings: Equatable, Sendable {
    /// Words (whitespace-separated) or characters.
    public var unit: TextUnit = .word
    /// Lowercase the text before cutting it into tokens.
    public var lowercase = false
    /// Symbols seen fewer times in the training data are read as `<unk>`.
    public var minCount = 1
    /// B, the sequences of a training batch.
    public var batchSize = 32
    /// The sequences of an evaluation batch.
    public var evalBatchSize = 256
    /// Without a validation file, the last this fraction of the training examples (in file
    /// order) validates.
    public var validFraction = 0.1

    /// The largest batch size accepted.
    public static let maxBatchSize = 1 << 20

    /// The defaults.
    public init() {}

    /// Throws `RNNKitError` for a setting that cannot work.
    public func validate() throws {
        guard (1...Self.maxBatchSize).contains(batchSize) else {
            throw RNNKitError("the batch size must be in 1...\(Self.maxBatchSize), got \(batchSize)")
        }
        guard (1...Self.maxBatchSize).contains(evalBatchSize) else {
            throw RNNKitError("the evaluation batch size must be in 1...\(Self.maxBatchSize), got \(evalBatchSize)")
        }
        guard minCount >= 1 && minCount <= Int(Int32.max) else { throw RNNKitError("the minimum count must be at least 1, got \(minCount)") }
        guard validFraction > 0 && validFraction < 1 else {
            throw RNNKitError("the validation fraction must be between 0 and 1, got \(validFraction)")
        }
    }

    /// The settings as JSON (the `task` metadata of checkpoints).
    var json: JSONValue {
        .object([("unit", .string(unit.rawValue)), ("lowercase", .bool(lowercase)), ("min_count", .integer(minCount)),
                 ("batch", .integer(batchSize)), ("eval_batch", .integer(evalBatchSize)),
                 ("valid_fraction", .double(validFraction))])
    }

    /// Reads `json` and validates it.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "task")
        self.init()
        guard let unit = TextUnit(rawValue: try f.string("unit")) else { throw RNNKitError("task.unit is neither word nor character") }
        self.unit = unit
        lowercase = try f.bool("lowercase")
        minCount = try f.int("min_count")
        batchSize = try f.int("batch")
        evalBatchSize = try f.int("eval_batch")
        validFraction = try f.double("valid_fraction")
        try validate()
    }
}

/// Where a text task's data came from: file paths (nil for the built-in generated data), and
/// a fingerprint of the contents, so that a resumed run can check it reads the same data.
public struct TextTaskSources: Equatable, Sendable {
    /// The training file, or nil for the built-in generated data.
    public var train: String?
    /// The validation file, or nil to hold out the end of the training data.
    public var valid: String?
    /// The test file, if any.
    public var test: String?
    /// CRC-32 of every text read, in order.
    public var fingerprint: String

    /// The sources as JSON (the `data` metadata of checkpoints).
    var json: JSONValue {
        .object([("train", train.map(JSONValue.string) ?? .null), ("valid", valid.map(JSONValue.string) ?? .null),
                 ("test", test.map(JSONValue.string) ?? .null), ("fingerprint", .string(fingerprint))])
    }

    /// Reads `json`.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "data")
        train = try f.optionalString("train")
        valid = try f.optionalString("valid")
        test = try f.optionalString("test")
        fingerprint = try f.string("fingerprint")
    }

    /// Sources with their fingerprint computed from `texts`.
    init(train: String?, valid: String?, test: String?, texts: [String]) {
        self.train = train
        self.valid = valid
        self.test = test
        var crc = CRC32()
        for text in texts { crc.update(text.utf8) }
        fingerprint = crc.hex
    }

    /// Splits `examples` in file order: the first ⌊(1 − fraction)·N⌋ train, the rest
    /// validate (as the PyTorch twins cut `int(0.9 * len(data))`).
    /// - Throws: `RNNKitError` if either part would be empty.
    static func split<T>(_ examples: [T], validFraction: Double, what: String) throws -> (train: [T], valid: [T]) {
        let cut = Int((1 - validFraction) * Double(examples.count))
        guard cut >= 1 && cut < examples.count else {
            throw RNNKitError("\(examples.count) \(what) cannot be split with a validation fraction of \(validFraction): a part would be empty")
        }
        return (Array(examples[..<cut]), Array(examples[cut...]))
    }
}
