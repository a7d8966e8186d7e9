// Token ids → embedding → recurrent stack with lengths: the front half of the classifier, the
// tagger and the encoder of an encoder–decoder.
//
// T steps, B sequences, V vocabulary, E embedding width, H hidden units, L layers, D directions.
//   forward   x_{t,b} = E[ids_{t,b}]   (PAD = 0 is row 0, kept zero)       (T, B, E)
//             out, (h_n, c_n) = stack(x, lengths)                           (T, B, D·H), (L·D, B, H)
//   backward  dx = stack⁻¹(dOut, dh_n, dc_n);  dE[ids] += dx (never row PAD)
// When V < T·B the lookup is folded into the first layer's input projection (each embedding
// row projected once, then gathered), with the same numbers.

/// Embedding (PAD = row 0, as PyTorch's `padding_idx=0`) followed by a recurrent stack run with
/// packed-sequence lengths: token ids (T, B) → output (T, B, D·H), zero past each sequence's
/// end, and the final state (L·D, B, H) at each sequence's own last step.
///
/// Parameters: `"\(embeddingPrefix)weight"` (V, E) and the stack's under `stackPrefix`
/// (`rnn.weight_ih_l0`, …). One forward is followed by at most one backward.
public final class TokenSequenceEncoder<Scalar: RNNScalar>: Module {
    /// The token table, PAD row 0.
    public let embedding: Embedding<Scalar>
    /// The recurrent stack.
    public let rnn: RecurrentStack<Scalar>
    /// Whether the modules are in training mode.
    public var isTraining = true
    /// The children: the embedding and the stack.
    public var children: [any Module] { [embedding, rnn] }
    /// Whether a forward may fold the lookup into the first projection (tests compare both).
    var foldsEmbeddingLookup = true

    private(set) var steps = 0, batch = 0
    private var folded = false
    private var ids: [Int] = []                      // (T·B) the ids of the last forward
    let embedded = ScratchBuffer<Scalar>()           // (T·B, E) the looked-up rows (unfolded path)
    let dEmbedded = ScratchBuffer<Scalar>()          // (T·B, E) dL/d(embedded)
    let padGradient = ScratchBuffer<Scalar>()        // (E) the PAD row's gradient before a folded backward

    /// Registers the embedding (V, E), drawn from N(0, 1) with row PAD zeroed, then the stack.
    public init(cell: CellKind, vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, numLayers: Int,
                bidirectional: Bool, dropout: Double, arena: ParameterArena<Scalar>,
                embeddingPrefix: String, stackPrefix: String, generator: inout SeededGenerator) {
        embedding = Embedding(numEmbeddings: vocabularySize, embeddingDim: embeddingSize, paddingIndex: 0,
                              arena: arena, prefix: embeddingPrefix, generator: &generator)
        rnn = RecurrentStack(cell: cell, inputSize: embeddingSize, hiddenSize: hiddenSize, numLayers: numLayers,
                             bias: true, bidirectional: bidirectional, dropout: numLayers > 1 ? dropout : 0,
                             arena: arena, prefix: stackPrefix, generator: &generator)
    }

    /// The encoder of a `SequenceModelConfiguration`: `embedding.weight` and `rnn.*`, as the
    /// reference models name them.
    convenience init(_ c: SequenceModelConfiguration, arena: ParameterArena<Scalar>, generator: inout SeededGenerator) {
        self.init(cell: c.cell, vocabularySize: c.vocabularySize, embeddingSize: c.embeddingSize, hiddenSize: c.hiddenSize,
                  numLayers: c.numLayers, bidirectional: c.bidirectional, dropout: c.dropout, arena: arena,
                  embeddingPrefix: "embedding.", stackPrefix: "rnn.", generator: &generator)
    }

    /// D·H, the width of the output.
    public var outputSize: Int { rnn.directions * rnn.hiddenSize }

    // MARK: - Forward

    /// Runs the embedding and the stack over ids (T, B) row-major with `lengths` (B, each in
    /// 1...T). Returns the output (T, B, D·H), valid until the next forward; the final state
    /// is in `rnn.hN`/`rnn.cN`.
    func forward(ids: [Int], lengths: [Int]) -> UnsafePointer<Scalar> {
        let B = lengths.count, T = ids.count / max(B, 1)
        precondition(B > 0 && T > 0 && T * B == ids.count, "TokenSequenceEncoder: \(ids.count) ids for \(B) lengths")
        steps = T; batch = B
        self.ids = ids
        let V = embedding.numEmbeddings, E = embedding.embeddingDim, N = T * B
        folded = foldsEmbeddingLookup && V < N
        if folded {
            return self.ids.withUnsafeBufferPointer {
                rnn.forward(tokens: $0.baseAddress!, table: embedding.arena.valuePointer(embedding.weight),
                            vocabulary: V, steps: T, batch: B, h0: nil, c0: nil, lengths: lengths)
            }
        }
        let x = embedded.ensure(N * E)                                      // (N, E)
        self.ids.withUnsafeBufferPointer { embedding.forward(ids: $0.baseAddress!, rows: N, into: x) }
        return rnn.forward(x: x, steps: T, batch: B, h0: nil, c0: nil, lengths: lengths)
    }

    // MARK: - Backward

    /// Backpropagates dOutput (T, B, D·H) and dh_n, dc_n (L·D, B, H) (nil = zero) through the
    /// stack and the lookup; adds every parameter gradient into the arena (row PAD of the
    /// embedding gets none).
    func backward(dOutput: UnsafePointer<Scalar>?, dhN: UnsafePointer<Scalar>?, dcN: UnsafePointer<Scalar>?) {
        let N = steps * batch, E = embedding.embeddingDim
        let dTable = embedding.arena.gradientPointer(embedding.weight)   // (V, E)
        if folded {
            // dL/dE (V, E) is added straight into the table's gradient; PAD's row is then
            // zeroed: padding_idx gets no gradient.
            let saved = padGradient.ensure(E)
            saved.update(from: dTable, count: E)
            rnn.backward(dOutput: dOutput, dhN: dhN, dcN: dcN, dx: dTable, dh0: nil, dc0: nil)
            dTable.update(from: saved, count: E)
            return
        }
        let dx = dEmbedded.ensure(N * E)                                    // (N, E)
        rnn.backward(dOutput: dOutput, dhN: dhN, dcN: dcN, dx: dx, dh0: nil, dc0: nil)
        ids.withUnsafeBufferPointer { embedding.backward(ids: $0.baseAddress!, dy: dx, rows: N) }
    }
}
