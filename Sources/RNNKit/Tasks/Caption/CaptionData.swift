// Where a captioning run's images come from, and how it batches and decodes them.

/// The data of a captioning run: the built-in shapes, Fashion-MNIST grids, or files.
public enum CaptionDataSource: Equatable, Sendable {
    /// Coloured shapes drawn by RNNKit (no download): `train` and `valid` images.
    case shapes(train: Int, valid: Int)
    /// 2 × 2 grids of Fashion-MNIST items from the IDX files in `directory`: training grids
    /// from the train split, validation grids from t10k.
    case fashionGrid(directory: String, train: Int, valid: Int)
    /// Images (N, C, Hgt, Wid) in a safetensors file and a caption file, one line per image;
    /// the last `validFraction` of them validate.
    case files(images: String, captions: String, validFraction: Double)
    /// Annotation vectors (N, P, D) from any CNN in a safetensors file and a caption file
    /// (`CaptionFiles.readFeatures`); the last `validFraction` of them validate.
    case features(features: String, captions: String, validFraction: Double)

    /// The source as JSON (the `data` metadata of checkpoints).
    var json: JSONValue {
        switch self {
        case let .shapes(train, valid):
            .object([("kind", .string("shapes")), ("train", .integer(train)), ("valid", .integer(valid))])
        case let .fashionGrid(directory, train, valid):
            .object([("kind", .string("fashion-grid")), ("directory", .string(directory)), ("train", .integer(train)),
                     ("valid", .integer(valid))])
        case let .files(images, captions, fraction):
            .object([("kind", .string("files")), ("images", .string(images)), ("captions", .string(captions)),
                     ("valid_fraction", .double(fraction))])
        case let .features(features, captions, fraction):
            .object([("kind", .string("features")), ("features", .string(features)), ("captions", .string(captions)),
                     ("valid_fraction", .double(fraction))])
        }
    }

    /// Reads `json`.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "data")
        switch try f.string("kind") {
        case "shapes": self = .shapes(train: try f.int("train"), valid: try f.int("valid"))
        case "fashion-grid": self = .fashionGrid(directory: try f.string("directory"), train: try f.int("train"), valid: try f.int("valid"))
        case "files": self = .files(images: try f.string("images"), captions: try f.string("captions"),
                                    validFraction: try f.double("valid_fraction"))
        case "features": self = .features(features: try f.string("features"), captions: try f.string("captions"),
                                          validFraction: try f.double("valid_fraction"))
        case let kind: throw RNNKitError("data.kind '\(kind)' is not shapes, fashion-grid, files or features")
        }
    }

    /// Makes (or reads) the training and validation images, from `seed` for generated data.
    /// - Throws: `RNNKitError` for unreadable or inconsistent files and impossible counts.
    public func load(seed: UInt64) throws -> (train: CaptionedImages, valid: CaptionedImages) {
        switch self {
        case let .shapes(train, valid):
            try Self.checkCounts(train, valid)
            var g = SeededGenerator(seed: seed)
            return (try GeneratedShapes.generate(count: train, generator: &g), try GeneratedShapes.generate(count: valid, generator: &g))
        case let .fashionGrid(directory, train, valid):
            try Self.checkCounts(train, valid)
            return try FashionGrid.trainingAndValidation(try FashionMNIST(directory: directory), trainCount: train, validCount: valid, seed: seed)
        case let .files(images, captions, fraction):
            return try Self.split(try CaptionFiles.read(images: images, captions: captions), validFraction: fraction)
        case let .features(features, captions, fraction):
            return try Self.split(try CaptionFiles.readFeatures(features: features, captions: captions), validFraction: fraction)
        }
    }

    /// Whether the source holds annotation vectors (for a captioner built on features), not images.
    public var isFeatures: Bool {
        if case .features = self { true } else { false }
    }

    /// The first items train, the last `fraction` validate.
    private static func split(_ all: CaptionedImages, validFraction fraction: Double) throws -> (train: CaptionedImages, valid: CaptionedImages) {
        guard fraction > 0 && fraction < 1 else { throw RNNKitError("the validation fraction must be between 0 and 1, got \(fraction)") }
        let valid = max(1, Int((Double(all.count) * fraction).rounded()))
        guard all.count - valid >= 1 else { throw RNNKitError("\(all.count) images are too few to hold out \(valid) for validation") }
        return (all.subset(0..<(all.count - valid)), all.subset((all.count - valid)..<all.count))
    }

    private static func checkCounts(_ train: Int, _ valid: Int) throws {
        guard (1...10_000_000).contains(train) else { throw RNNKitError("the training image count must be in 1...10000000, got \(train)") }
        guard (1...10_000_000).contains(valid) else { throw RNNKitError("the validation image count must be in 1...10000000, got \(valid)") }
    }
}

/// How a captioning run batches and decodes.
public struct CaptionSettings: Equatable, Sendable {
    /// B, images per training batch (an epoch visits every image once, in a shuffled order).
    public var batchSize = 64
    /// Images per evaluation batch.
    public var evalBatchSize = 500
    /// The longest caption greedy decoding writes.
    public var maxLength = 10

    /// The defaults.
    public init() {}

    /// Throws `RNNKitError` for a setting that cannot work.
    public func validate() throws {
        for (name, value) in [("batch size", batchSize), ("evaluation batch size", evalBatchSize), ("maximum caption length", maxLength)]
        where !(1...(1 << 20)).contains(value) {
            throw RNNKitError("the \(name) must be in 1...\(1 << 20), got \(value)")
        }
    }

    var json: JSONValue {
        .object([("batch", .integer(batchSize)), ("eval_batch", .integer(evalBatchSize)), ("max_length", .integer(maxLength))])
    }

    init(json: JSONValue) throws {
        let f = try JSONFields(json, "task")
        self.init()
        batchSize = try f.int("batch")
        evalBatchSize = try f.int("eval_batch")
        maxLength = try f.int("max_length")
        try validate()
    }
}
