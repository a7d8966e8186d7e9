/// A recurrent language model, PyTorch's word_language_model: token ids → `Embedding` (V, E)
/// → dropout → recurrent stack (L layers, H units) → dropout → `Linear` (H → V) → softmax.
///
/// It models P(x₁ … x_T) = Π_t P(x_t | x_<t): `lossAndGradients` trains it with (truncated)
/// BPTT, `loss` evaluates mean cross-entropy per token, and `nextTokenLogProbabilities` scores
/// or samples one step at a time. Parameters carry PyTorch's names (`embedding.weight`,
/// `rnn.weight_ih_l0`, …, `decoder.weight`, `decoder.bias`) in one arena.
///
/// Shapes: token chunks are time-major (T, B) flattened row-major, so `inputs[t·B + b]` is
/// step t of column b; states are (L, B, H).
public final class LanguageModel<Scalar: RNNScalar> {
    /// The architecture of a language model.
    public struct Configuration: Codable, Equatable, Sendable {
        /// The recurrent cell.
        public var cell: CellKind
        /// V, the vocabulary size.
        public var vocabularySize: Int
        /// E, the embedding width.
        public var embeddingSize: Int
        /// H, the hidden units per layer.
        public var hiddenSize: Int
        /// L, the stacked recurrent layers.
        public var numLayers: Int
        /// Dropout on the embedding output, between layers and on the last layer's output.
        public var dropout: Double
        /// Whether the decoder shares the embedding matrix (requires E == H).
        public var tiedWeights: Bool

        /// Creates a configuration.
        public init(cell: CellKind = .lstm, vocabularySize: Int, embeddingSize: Int, hiddenSize: Int,
                    numLayers: Int = 1, dropout: Double = 0, tiedWeights: Bool = false) {
            self.cell = cell
            self.vocabularySize = vocabularySize
            self.embeddingSize = embeddingSize
            self.hiddenSize = hiddenSize
            self.numLayers = numLayers
            self.dropout = dropout
            self.tiedWeights = tiedWeights
        }

        /// Throws if the configuration cannot be built: a size that is not positive, more than
        /// 64 layers or 2^30 parameters, dropout outside [0, 1), tied weights of different
        /// widths, or parameters and gradients that would not fit in the memory available.
        public func validate() throws {
            guard vocabularySize > 0, embeddingSize > 0, hiddenSize > 0, numLayers > 0 else {
                throw RNNKitError("vocabulary, embedding, hidden and layer sizes must be positive")
            }
            guard numLayers <= ModelMemory.maxLayers else {
                throw RNNKitError("the layer count must be at most \(ModelMemory.maxLayers), got \(numLayers)")
            }
            guard dropout >= 0 && dropout < 1 else { throw RNNKitError("dropout must be in [0, 1), got \(dropout)") }
            if tiedWeights && embeddingSize != hiddenSize {
                throw RNNKitError("tied weights need embedding size == hidden size (got \(embeddingSize) and \(hiddenSize))")
            }
            try ModelMemory.checkParameters(parameterCount)
        }
    }

    /// The architecture.
    public let configuration: Configuration
    /// Every parameter, PyTorch names.
    public let arena: ParameterArena<Scalar>
    /// The token embedding, `embedding.weight` (V, E).
    public let embedding: Embedding<Scalar>
    /// The recurrent stack, `rnn.*`.
    public let rnn: RecurrentStack<Scalar>
    /// The output projection, `decoder.weight` (V, H) and `decoder.bias` (V).
    public let decoder: Linear<Scalar>
    let embeddingDropout: Dropout<Scalar>
    let outputDropout: Dropout<Scalar>

    /// Whether dropout is active (PyTorch's train()/eval()).
    public var isTraining: Bool = true {
        didSet {
            rnn.isTraining = isTraining
            embeddingDropout.isTraining = isTraining
            outputDropout.isTraining = isTraining
        }
    }

    // Working buffers, allocated once per (T, B) shape. N = T·B rows.
    var inputIds: [Int] = []                    // (N) the chunk's inputs, for embedding backward
    let embedded = ScratchBuffer<Scalar>()      // (N, E) embedding output (after dropout); unused when folded
    let hidden = ScratchBuffer<Scalar>()        // (N, H) stack output after dropout
    let logits = ScratchBuffer<Scalar>()        // (N, V) logits; overwritten by dL/dlogits
    let dHidden = ScratchBuffer<Scalar>()       // (N, H) dL/d(decoder input)
    let dEmbedded = ScratchBuffer<Scalar>()     // (N, E) dL/d(embedding output)
    var decoderInput: UnsafePointer<Scalar>?    // (N, H) what the decoder read
    /// Whether a chunk may fold the embedding lookup into the first layer's input projection
    /// (tests turn it off to compare both paths).
    var foldsEmbeddingLookup = true
    var embeddingFolded = false                 // the last forward folded it
    var steps = 0, batch = 0

    init(configuration: Configuration, arena: ParameterArena<Scalar>, embedding: Embedding<Scalar>,
         rnn: RecurrentStack<Scalar>, decoder: Linear<Scalar>, dropoutSeeds: (UInt64, UInt64)) {
        self.configuration = configuration
        self.arena = arena
        self.embedding = embedding
        self.rnn = rnn
        self.decoder = decoder
        embeddingDropout = Dropout(p: configuration.dropout, seed: dropoutSeeds.0)
        outputDropout = Dropout(p: configuration.dropout, seed: dropoutSeeds.1)
    }
}
