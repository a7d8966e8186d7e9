/// The architecture of an encoder–decoder (`Seq2Seq`): the constructor arguments of the
/// PyTorch twin in reference_models.py, under the same JSON names (`cell`, `src_vocab`,
/// `tgt_vocab`, `embed`, `hidden`, `layers`, `bidirectional`, `attention`, `score`,
/// `attention_size`, `dropout`).
public struct Seq2SeqConfiguration: Equatable, Sendable {
    /// How the decoder looks back at the source.
    public enum AttentionKind: String, Sendable, CaseIterable {
        /// No attention (Sutskever et al. 2014): the source reaches the decoder only through
        /// its initial state.
        case none
        /// Attend with the previous state; the context joins the cell's input (Bahdanau et
        /// al. 2015, the PyTorch tutorial's AttnDecoderRNN).
        case bahdanau
        /// Attend with the current state; the attentional state h̃ = tanh(W_c[c; h]) feeds the
        /// generator and the next step's input (Luong et al. 2015, OpenNMT's input feeding).
        case luong
    }

    /// How a query scores each source step.
    public enum Score: String, Sendable, CaseIterable {
        /// e_s = q · h_s (needs the encoder output size to equal the decoder's).
        case dot
        /// e_s = q · (W_k h_s).
        case general
        /// e_s = v · tanh(W_q q + W_k h_s + b).
        case additive
    }

    /// The recurrent cell of the encoder and the decoder.
    public var cell: CellKind
    /// Source vocabulary size, specials included.
    public var sourceVocabularySize: Int
    /// Target vocabulary size, specials included.
    public var targetVocabularySize: Int
    /// E, the width of both embeddings.
    public var embeddingSize: Int
    /// H, the hidden units per layer (and direction) of the encoder and the decoder.
    public var hiddenSize: Int
    /// L, the stacked layers of each.
    public var numLayers: Int
    /// Whether the encoder also reads the source backwards (D = 2).
    public var bidirectional: Bool
    /// The attention.
    public var attention: AttentionKind
    /// The score function (unused without attention).
    public var score: Score
    /// A, the width of the additive score's hidden layer.
    public var attentionSize: Int
    /// Dropout between stacked layers.
    public var dropout: Double

    /// Creates a configuration; `attentionSize` nil means H.
    public init(cell: CellKind = .lstm, sourceVocabularySize: Int, targetVocabularySize: Int, embeddingSize: Int,
                hiddenSize: Int, numLayers: Int = 1, bidirectional: Bool = false, attention: AttentionKind = .luong,
                score: Score = .general, attentionSize: Int? = nil, dropout: Double = 0) {
        self.cell = cell
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.bidirectional = bidirectional
        self.attention = attention
        self.score = score
        self.attentionSize = attentionSize ?? hiddenSize
        self.dropout = dropout
    }

    /// D, the encoder's directions.
    public var directions: Int { bidirectional ? 2 : 1 }
    /// C = D·H, the width of the encoder's outputs (the attention's memory).
    public var memorySize: Int { directions * hiddenSize }
    /// The decoder cell's input: the embedding, plus the context (bahdanau) or h̃ (luong).
    public var decoderInputSize: Int {
        embeddingSize + (attention == .none ? 0 : attention == .bahdanau ? memorySize : hiddenSize)
    }

    /// The number of parameters, or nil if it overflows.
    public var parameterCount: Int? {
        let H = hiddenSize, E = embeddingSize, C = memorySize, A = attentionSize
        guard let encoder = recurrentStackParameterCount(cell: cell, inputSize: E, hiddenSize: H, numLayers: numLayers,
                                                         directions: directions),
              let decoder = recurrentStackParameterCount(cell: cell, inputSize: decoderInputSize, hiddenSize: H,
                                                         numLayers: numLayers, directions: 1) else { return nil }
        var terms: [[Int]] = [[sourceVocabularySize, E], [targetVocabularySize, E], [targetVocabularySize, H + 1]]
        if bidirectional { terms += cell == .lstm ? [[2, H, C + 1]] : [[H, C + 1]] }
        switch (attention, score) {
        case (.none, _): break
        case (_, .dot): break
        case (_, .general): terms.append([H, C])
        case (_, .additive): terms += [[A, H], [A, C + 1], [A]]
        }
        if attention == .luong { terms.append([H, C + H]) }
        var total = encoder
        for t in terms {
            var product = 1, overflow = false
            for x in t { (product, overflow) = product.multipliedReportingOverflow(by: x); if overflow { return nil } }
            (total, overflow) = total.addingReportingOverflow(product)
            if overflow { return nil }
        }
        let (sum, overflow) = total.addingReportingOverflow(decoder)
        return overflow ? nil : sum
    }

    /// Throws `RNNKitError` if the model cannot be built: a size that is not positive, more
    /// than 64 layers or `SequenceModelConfiguration.maxParameters` parameters, dropout outside
    /// [0, 1), or dot scores between sizes that differ.
    public func validate() throws {
        let sizes = [("source vocabulary size", sourceVocabularySize), ("target vocabulary size", targetVocabularySize),
                     ("embedding size", embeddingSize), ("hidden size", hiddenSize), ("layer count", numLayers),
                     ("attention size", attentionSize)]
        for (name, value) in sizes where value < 1 { throw RNNKitError("the \(name) must be positive, got \(value)") }
        guard numLayers <= 64 else { throw RNNKitError("the layer count must be at most 64, got \(numLayers)") }
        guard dropout >= 0 && dropout < 1 else { throw RNNKitError("dropout must be in [0, 1), got \(dropout)") }
        if attention != .none && score == .dot && memorySize != hiddenSize {
            throw RNNKitError("dot attention compares the decoder state (\(hiddenSize)) with the encoder outputs (\(memorySize) = 2 directions × \(hiddenSize)): their sizes must be equal; use the general or additive score with a bidirectional encoder")
        }
        try ModelMemory.checkParameters(parameterCount)                // the limit, and values and gradients in memory
    }

    /// The configuration as JSON, the twin's constructor arguments.
    var json: JSONValue {
        .object([("cell", .string(cell.rawValue)), ("src_vocab", .integer(sourceVocabularySize)),
                 ("tgt_vocab", .integer(targetVocabularySize)), ("embed", .integer(embeddingSize)),
                 ("hidden", .integer(hiddenSize)), ("layers", .integer(numLayers)), ("bidirectional", .bool(bidirectional)),
                 ("attention", .string(attention.rawValue)), ("score", .string(score.rawValue)),
                 ("attention_size", .integer(attentionSize)), ("dropout", .double(dropout))])
    }

    /// Reads the JSON written by `json`, or a reference model's `config` (where `score`,
    /// `attention_size` and `dropout` may be absent or null), and validates it.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "model")
        guard let cell = CellKind(rawValue: try f.string("cell")) else {
            throw RNNKitError("model.cell '\(try f.string("cell"))' is not one of \(CellKind.allCases.map(\.rawValue))")
        }
        guard let attention = AttentionKind(rawValue: try f.string("attention")) else {
            throw RNNKitError("model.attention '\(try f.string("attention"))' is not one of none, bahdanau, luong")
        }
        let scoreName = f.has("score") ? try f.string("score") : "additive"
        guard let score = Score(rawValue: scoreName) else {
            throw RNNKitError("model.score '\(scoreName)' is not one of dot, general, additive")
        }
        self.init(cell: cell, sourceVocabularySize: try f.int("src_vocab"), targetVocabularySize: try f.int("tgt_vocab"),
                  embeddingSize: try f.int("embed"), hiddenSize: try f.int("hidden"), numLayers: try f.int("layers"),
                  bidirectional: try f.bool("bidirectional"), attention: attention, score: score,
                  attentionSize: f.has("attention_size") ? try f.int("attention_size") : nil,
                  dropout: f.has("dropout") ? try f.double("dropout") : 0)
        try validate()
    }
}
