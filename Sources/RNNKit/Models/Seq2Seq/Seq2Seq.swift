// Encoder–decoder with attention. PyTorch twin: `Seq2Seq` in ../shared/bench/reference_models.py.
//
// S source steps, T target steps, B pairs, E embedding, H hidden, L layers, D encoder
// directions, C = D·H memory width, V target vocabulary, I = the decoder cell's input width.
//   memory, s_enc = encoder(src_embedding(source), lengths)        (S, B, C), (L·D, B, H)
//   s_0           = s_enc (D = 1) | tanh(bridge([fwd; bwd])) per layer (D = 2)   (L, B, H)
//   per step t (y_0 = target_in[0]; y_t = target_in[t] where teacher[t] else argmax logits_{t−1}):
//     none      x_t = emb(y_t)                 s_{t+1} = dec(x_t, s_t)       logits_t = gen(top s_{t+1})
//     bahdanau  c_t = attend(top s_t)          x_t = [emb(y_t); c_t]         logits_t = gen(top s_{t+1})
//     luong     x_t = [emb(y_t); h̃_t] (h̃_0 = 0)  c_t = attend(top s_{t+1})
//               h̃_{t+1} = tanh(combine([c_t; top s_{t+1}]))                  logits_t = gen(h̃_{t+1})
//   loss = mean cross-entropy over the target tokens that are not PAD (0)
// The decoder stack runs once per step (one call of T = 1); backward (Seq2Seq+Backward.swift)
// visits the steps in reverse.

/// An encoder–decoder with optional attention: `src_embedding`, `encoder.*`, `bridge_h`,
/// `bridge_c` (bidirectional encoders), `tgt_embedding`, `decoder.*`, `attention.*`,
/// `combine` (luong), `generator`, as PyTorch's twin.
public final class Seq2Seq<Scalar: RNNScalar>: Module {
    /// The architecture.
    public let configuration: Seq2SeqConfiguration
    /// Every parameter, PyTorch names.
    public let arena: ParameterArena<Scalar>
    /// Source embedding and encoder stack.
    public let encoder: TokenSequenceEncoder<Scalar>
    /// The bridges of a bidirectional encoder's final states to the decoder's (h, and c for LSTM).
    let bridgeH: Linear<Scalar>?, bridgeC: Linear<Scalar>?
    /// The target embedding.
    public let targetEmbedding: Embedding<Scalar>
    /// The decoder stack, run one step at a time.
    public let decoder: RecurrentStack<Scalar>
    let attention: Attention<Scalar>?
    let combine: Linear<Scalar>?
    /// The output layer, `generator.weight` (V, H) and `generator.bias` (V).
    public let generator: Linear<Scalar>
    /// Whether dropout (between stacked layers) is active.
    public var isTraining = true
    /// Encoder, decoder and their layers.
    public var children: [any Module] { [encoder, targetEmbedding, decoder, generator] }

    // The last forward, for backward and for callers.
    var sourceSteps = 0, steps = 0, batch = 0
    var sourceLengths: [Int] = []
    let inputIDs = ScratchBuffer<Int>()       // (T, B) y_t, the token each step read
    let bridgeInput = ScratchBuffer<Scalar>() // (2, L, B, C) [fwd; bwd] of h, then c
    let states = ScratchBuffer<Scalar>()      // (T+1, 2, L, B, H) s_t: h then c
    let inputs = ScratchBuffer<Scalar>()      // (T, B, I) x_t
    let outputs = ScratchBuffer<Scalar>()     // (T, B, H) top s_{t+1}
    let contexts = ScratchBuffer<Scalar>()    // (T, B, C) c_t
    let weights = ScratchBuffer<Scalar>()     // (T, B, S) α_t
    let feeds = ScratchBuffer<Scalar>()       // (T+1, B, H) h̃_t (luong)
    let combined = ScratchBuffer<Scalar>()    // (T, B, C+H) [c_t; top s_{t+1}] (luong)
    let logits = ScratchBuffer<Scalar>()      // (T, B, V); overwritten by dL/dlogits
    let embedded = ScratchBuffer<Scalar>()    // (B, E) emb(y_t) of one step
    var stepRows: [Int] = []                  // (T) the columns step t computed (see decodeStep)
    let activeState = ScratchBuffer<Scalar>() // (4, L, B, H) states of a step's active columns, packed (L, R, H)
    let dState = ScratchBuffer<Scalar>()      // (2, 2, L, B, H) dL/ds_{t+1} and dL/ds_t: h then c
    let dInput = ScratchBuffer<Scalar>()      // (B, I) dL/dx_t
    let dTop = ScratchBuffer<Scalar>()        // (T, B, H) dL/d(generator input), then per step dL/d(top s_{t+1})
    let dFeed = ScratchBuffer<Scalar>()       // (B, H) dL/dh̃ carried to the previous step (luong)
    let dJoined = ScratchBuffer<Scalar>()     // (B, C+H) dL/d[c_t; top] (luong)
    let dContext = ScratchBuffer<Scalar>()    // (B, C)
    let dQuery = ScratchBuffer<Scalar>()      // (B, H)
    let dEmbedded = ScratchBuffer<Scalar>()   // (T·B, E) dL/demb(y_t), all steps
    let dFinal = ScratchBuffer<Scalar>()      // (2, L·D, B, H) dL/d(encoder final h, c)

    /// Creates a model initialised as PyTorch initialises its twin's layers, from `seed`.
    /// - Throws: `RNNKitError` for an invalid configuration.
    public init(_ configuration: Seq2SeqConfiguration, seed: UInt64 = 0) throws {
        try configuration.validate()
        let c = configuration, H = c.hiddenSize, C = c.memorySize
        self.configuration = c
        var g = SeededGenerator(seed: seed)
        arena = ParameterArena()
        encoder = TokenSequenceEncoder(cell: c.cell, vocabularySize: c.sourceVocabularySize, embeddingSize: c.embeddingSize,
                                       hiddenSize: H, numLayers: c.numLayers, bidirectional: c.bidirectional, dropout: c.dropout,
                                       arena: arena, embeddingPrefix: "src_embedding.", stackPrefix: "encoder.", generator: &g)
        bridgeH = c.bidirectional ? Linear(inFeatures: C, outFeatures: H, arena: arena, prefix: "bridge_h.", generator: &g) : nil
        bridgeC = c.bidirectional && c.cell == .lstm
            ? Linear(inFeatures: C, outFeatures: H, arena: arena, prefix: "bridge_c.", generator: &g) : nil
        targetEmbedding = Embedding(numEmbeddings: c.targetVocabularySize, embeddingDim: c.embeddingSize, paddingIndex: 0,
                                    arena: arena, prefix: "tgt_embedding.", generator: &g)
        decoder = RecurrentStack(cell: c.cell, inputSize: c.decoderInputSize, hiddenSize: H, numLayers: c.numLayers, bias: true,
                                 bidirectional: false, dropout: c.numLayers > 1 ? c.dropout : 0, arena: arena,
                                 prefix: "decoder.", generator: &g)
        attention = c.attention == .none ? nil
            : Attention(score: c.score, querySize: H, memorySize: C, attentionSize: c.attentionSize, arena: arena,
                        prefix: "attention.", generator: &g)
        combine = c.attention == .luong
            ? Linear(inFeatures: C + H, outFeatures: H, bias: false, arena: arena, prefix: "combine.", generator: &g) : nil
        generator = Linear(inFeatures: H, outFeatures: c.targetVocabularySize, arena: arena, prefix: "generator.", generator: &g)
    }

    /// Offsets into `states`: h or c (`part` 0 or 1) of step t, (L, B, H).
    func state(_ t: Int, _ part: Int) -> UnsafeMutablePointer<Scalar> {
        let block = configuration.numLayers * batch * configuration.hiddenSize
        return states.pointer + (2 * t + part) * block
    }
}
