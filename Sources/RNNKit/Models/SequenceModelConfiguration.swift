/// The architecture of a token-sequence model (`SequenceClassifier`, `SequenceTagger`): the
/// constructor arguments of the PyTorch twins in reference_models.py, under the same JSON names
/// (`cell`, `vocab`, `embed`, `hidden`, `layers`, `bidirectional`, `classes` or `tags`,
/// `pooling`, `dropout`).
public struct SequenceModelConfiguration: Equatable, Sendable {
    /// The recurrent cell.
    public var cell: CellKind
    /// V, the vocabulary size, PAD (id 0) included.
    public var vocabularySize: Int
    /// E, the embedding width.
    public var embeddingSize: Int
    /// H, the hidden units per layer and direction.
    public var hiddenSize: Int
    /// L, the stacked recurrent layers.
    public var numLayers: Int
    /// Whether each layer also reads the sequence backwards (D = 2).
    public var bidirectional: Bool
    /// C, the classes (classifier) or tags (tagger).
    public var outputs: Int
    /// How the classifier pools the outputs over time (unused by the tagger).
    public var pooling: SequencePooling
    /// Dropout before the output layer, and between stacked layers.
    public var dropout: Double

    /// The largest number of parameters a model may have (4 GiB of `Float`s).
    public static let maxParameters = ModelMemory.maxParameters

    /// Creates a configuration.
    public init(cell: CellKind = .lstm, vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, numLayers: Int = 1,
                bidirectional: Bool = false, outputs: Int, pooling: SequencePooling = .last, dropout: Double = 0) {
        self.cell = cell
        self.vocabularySize = vocabularySize
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.bidirectional = bidirectional
        self.outputs = outputs
        self.pooling = pooling
        self.dropout = dropout
    }

    /// D, the number of directions.
    public var directions: Int { bidirectional ? 2 : 1 }

    /// The number of parameters, or nil if it overflows.
    public var parameterCount: Int? {
        let stack = ModelMemory.stackParameters(cell: cell, input: embeddingSize, hidden: hiddenSize,
                                                layers: numLayers, directions: directions)
        return CheckedCount.sum(CheckedCount.product(vocabularySize, embeddingSize), stack,
                                CheckedCount.product(outputs, directions, hiddenSize), outputs)
    }

    /// Throws `RNNKitError` if the model cannot be built: a size that is not positive, more
    /// than 64 layers or `maxParameters` parameters, dropout outside [0, 1), or parameters and
    /// gradients that would not fit in the memory available (`MemoryBudget`).
    public func validate() throws {
        let sizes = [("vocabulary size", vocabularySize), ("embedding size", embeddingSize),
                     ("hidden size", hiddenSize), ("layer count", numLayers), ("output count", outputs)]
        for (name, value) in sizes where value < 1 {
            throw RNNKitError("the \(name) must be positive, got \(value)")
        }
        guard numLayers <= ModelMemory.maxLayers else {
            throw RNNKitError("the layer count must be at most \(ModelMemory.maxLayers), got \(numLayers)")
        }
        guard dropout >= 0 && dropout < 1 else { throw RNNKitError("dropout must be in [0, 1), got \(dropout)") }
        try ModelMemory.checkParameters(parameterCount)
    }

    /// The configuration as JSON; `outputsKey` is `classes` (classifier) or `tags` (tagger).
    func json(outputsKey: String) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("cell", .string(cell.rawValue)), ("vocab", .integer(vocabularySize)), ("embed", .integer(embeddingSize)),
            ("hidden", .integer(hiddenSize)), ("layers", .integer(numLayers)), ("bidirectional", .bool(bidirectional)),
            (outputsKey, .integer(outputs)),
        ]
        if outputsKey == "classes" { members.append(("pooling", .string(pooling.rawValue))) }
        members.append(("dropout", .double(dropout)))
        return .object(members)
    }

    /// Reads the JSON written by `json(outputsKey:)`, or a reference model's `config` (where
    /// `dropout` may be absent: 0), and validates it.
    init(json: JSONValue, outputsKey: String) throws {
        let f = try JSONFields(json, "model")
        guard let cell = CellKind(rawValue: try f.string("cell")) else {
            throw RNNKitError("model.cell '\(try f.string("cell"))' is not one of \(CellKind.allCases.map(\.rawValue))")
        }
        var pooling = SequencePooling.last
        if outputsKey == "classes" {
            guard let p = SequencePooling(rawValue: try f.string("pooling")) else {
                throw RNNKitError("model.pooling '\(try f.string("pooling"))' is not one of \(SequencePooling.allCases.map(\.rawValue))")
            }
            pooling = p
        }
        self.init(cell: cell, vocabularySize: try f.int("vocab"), embeddingSize: try f.int("embed"),
                  hiddenSize: try f.int("hidden"), numLayers: try f.int("layers"), bidirectional: try f.bool("bidirectional"),
                  outputs: try f.int(outputsKey), pooling: pooling, dropout: f.has("dropout") ? try f.double("dropout") : 0)
        try validate()
    }
}
