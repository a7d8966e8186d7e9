// Many-to-many, aligned: one tag per token (named entities, chunks, parts of speech). PyTorch
// twin: `SequenceTagger` in ../shared/bench/reference_models.py.
//
// T steps, B sequences, C tags, F = D·H, N = T·B rows.
//   out    = encoder(tokens, lengths)              (N, F), zero past each sequence's end
//   logits = tagger(dropout(out))                  (N, C)
//   loss   = mean over the rows whose tag is not −100 of −log softmax(logits_n)[tag_n]

/// A sequence tagger: embedding → recurrent stack with lengths (bidirectional or not) →
/// dropout → linear at every step → softmax cross-entropy over the real tokens. Parameters
/// `embedding.weight`, `rnn.*`, `tagger.weight`, `tagger.bias`, as PyTorch's twin.
public final class SequenceTagger<Scalar: RNNScalar>: Module {
    /// The architecture (`outputs` = C tags).
    public let configuration: SequenceModelConfiguration
    /// Every parameter, PyTorch names.
    public let arena: ParameterArena<Scalar>
    /// Embedding and recurrent stack.
    public let encoder: TokenSequenceEncoder<Scalar>
    /// Dropout on the stack's output.
    public let dropout: Dropout<Scalar>
    /// The output layer, `tagger.weight` (C, D·H) and `tagger.bias` (C).
    public let tagger: Linear<Scalar>
    /// Whether dropout is active.
    public var isTraining = true
    /// Encoder, dropout, output layer.
    public var children: [any Module] { [encoder, dropout, tagger] }

    private var rows = 0
    let dropped = ScratchBuffer<Scalar>()      // (N, F) dropout(out)
    let logits = ScratchBuffer<Scalar>()       // (N, C) logits; overwritten by dL/dlogits
    let dDropped = ScratchBuffer<Scalar>()     // (N, F) dL/d(dropout(out)), then dL/d(out)

    /// Creates a model initialised as PyTorch initialises its twin's layers, from `seed`.
    /// - Throws: `RNNKitError` for an invalid configuration.
    public init(_ configuration: SequenceModelConfiguration, seed: UInt64 = 0) throws {
        try configuration.validate()
        let c = configuration
        self.configuration = c
        var g = SeededGenerator(seed: seed)
        arena = ParameterArena()
        arena.reserveCapacity(ModelMemory.arenaCapacity(parameters: c.parameterCount!, layers: c.numLayers, directions: c.directions))
        encoder = TokenSequenceEncoder(c, arena: arena, generator: &g)
        tagger = Linear(inFeatures: encoder.outputSize, outFeatures: c.outputs, arena: arena, prefix: "tagger.", generator: &g)
        dropout = Dropout(p: c.dropout, seed: g.next())
    }

    // MARK: - Forward

    /// Logits (T, B, C) for token ids (T, B) time-major and `lengths` (B, each in 1...T).
    public func forward(tokens: [Int], lengths: [Int]) -> Tensor<Scalar> {
        let y = forwardLogits(tokens: tokens, lengths: lengths)
        return Tensor(shape: [encoder.steps, encoder.batch, configuration.outputs],
                      scalars: Array(UnsafeBufferPointer(start: y, count: rows * configuration.outputs)))
    }

    /// encoder → dropout → tagger; returns the logits (N, C) in `logits`.
    func forwardLogits(tokens: [Int], lengths: [Int]) -> UnsafeMutablePointer<Scalar> {
        clearSavedActivations()
        let c = configuration, F = c.directions * c.hiddenSize
        let out = encoder.forward(ids: tokens, lengths: lengths)          // (N, F)
        rows = encoder.steps * encoder.batch
        let x = dropped.ensure(rows * F)
        dropout.forward(x: out, count: rows * F, into: x)
        let y = logits.ensure(rows * c.outputs)
        tagger.forward(x: x, rows: rows, into: y)
        return y
    }

    // MARK: - Loss and backward

    /// Forward, mean cross-entropy over the tags that are not −100, and backward: adds dL/dθ
    /// into `arena`'s gradients (call `arena.zeroGradients()` first).
    /// - Parameters: tokens (T, B) time-major, lengths (B), tags (T, B) in 0..<C or −100
    ///   (padding must carry −100).
    /// - Returns: the mean loss and the tags counted.
    @discardableResult
    public func lossAndGradients(tokens: [Int], lengths: [Int], tags: [Int]) -> (loss: Scalar, count: Int) {
        let y = forwardLogits(tokens: tokens, lengths: lengths)
        let c = configuration, F = c.directions * c.hiddenSize
        precondition(tags.count == rows, "SequenceTagger: \(tags.count) tags for \(rows) tokens")
        let result = tags.withUnsafeBufferPointer {
            softmaxCrossEntropy(logits: y, targets: $0.baseAddress!, rows: rows, classes: c.outputs,
                                ignoreIndex: ignoredTarget, gradient: y)
        }
        let dx = dDropped.ensure(rows * F)
        tagger.backward(x: dropped.pointer, dy: y, rows: rows, dx: dx)
        dropout.backward(dy: dx, count: rows * F, into: dx)
        encoder.backward(dOutput: dx, dhN: nil, dcN: nil)
        return result
    }
}

extension SequenceTagger {
    /// Evaluation without gradients: the summed cross-entropy over the tags that are not −100,
    /// how many were counted, and the predicted tag of every (t, b) row (argmax). Runs in the
    /// current mode (call `setTraining(false)` first to turn dropout off).
    public func evaluate(tokens: [Int], lengths: [Int], tags: [Int]) -> (lossSum: Double, count: Int, predicted: [Int]) {
        let y = forwardLogits(tokens: tokens, lengths: lengths)
        return scoreLogits(y, rows: rows, classes: configuration.outputs, targets: tags)
    }
}
