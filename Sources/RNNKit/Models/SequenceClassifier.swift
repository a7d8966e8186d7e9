// Many-to-one: a sequence of tokens → one class (e.g. sentiment). PyTorch twin:
// `SequenceClassifier` in ../shared/bench/reference_models.py.
//
// T steps, B sequences, C classes, D directions, H hidden units, F = D·H.
//   out, h_n = encoder(tokens, lengths)           (T, B, F), (L·D, B, H)
//   z        = pool(out, h_n)                     (B, F)     last | mean | max
//   logits   = classifier(dropout(z))             (B, C)
//   loss     = mean_b −log softmax(logits_b)[label_b]   (labels of −100 ignored)

/// A sequence classifier: embedding → recurrent stack with lengths (bidirectional or not) →
/// pooling (last | mean | max) → dropout → linear → softmax cross-entropy. Parameters
/// `embedding.weight`, `rnn.*`, `classifier.weight`, `classifier.bias`, as PyTorch's twin.
///
/// ```swift
/// let model = try SequenceClassifier<Float>(.init(vocabularySize: 100, embeddingSize: 16, hiddenSize: 32,
///                                                 bidirectional: true, outputs: 2, pooling: .max), seed: 1)
/// let loss = model.lossAndGradients(tokens: ids, lengths: lengths, labels: labels)  // ids (T, B) time-major
/// ```
public final class SequenceClassifier<Scalar: RNNScalar>: Module {
    /// The architecture (`outputs` = C classes).
    public let configuration: SequenceModelConfiguration
    /// Every parameter, PyTorch names.
    public let arena: ParameterArena<Scalar>
    /// Embedding and recurrent stack.
    public let encoder: TokenSequenceEncoder<Scalar>
    /// Dropout on the pooled vector.
    public let dropout: Dropout<Scalar>
    /// The output layer, `classifier.weight` (C, D·H) and `classifier.bias` (C).
    public let classifier: Linear<Scalar>
    /// Whether dropout is active.
    public var isTraining = true
    /// Encoder, dropout, output layer.
    public var children: [any Module] { [encoder, dropout, classifier] }

    private var lengths: [Int] = []
    private var steps = 0, batch = 0
    let pooled = ScratchBuffer<Scalar>()       // (B, F) z
    let dropped = ScratchBuffer<Scalar>()      // (B, F) dropout(z)
    let logits = ScratchBuffer<Scalar>()       // (B, C) logits; overwritten by dL/dlogits
    let argmax = ScratchBuffer<Int>()          // (B, F) max pooling: the step of each maximum
    let dPooled = ScratchBuffer<Scalar>()      // (B, F) dL/dz
    let dOutput = ScratchBuffer<Scalar>()      // (T, B, F) dL/d(out), mean and max pooling
    let dFinal = ScratchBuffer<Scalar>()       // (L·D, B, H) dL/dh_n, last pooling

    /// Creates a model initialised as PyTorch initialises its twin's layers (embedding N(0, 1)
    /// with row PAD zero; recurrent and linear weights U(−1/√fan, 1/√fan)), from `seed`.
    /// - Throws: `RNNKitError` for an invalid configuration.
    public init(_ configuration: SequenceModelConfiguration, seed: UInt64 = 0) throws {
        try configuration.validate()
        let c = configuration
        self.configuration = c
        var g = SeededGenerator(seed: seed)
        arena = ParameterArena()
        arena.reserveCapacity(ModelMemory.arenaCapacity(parameters: c.parameterCount!, layers: c.numLayers, directions: c.directions))
        encoder = TokenSequenceEncoder(c, arena: arena, generator: &g)
        classifier = Linear(inFeatures: encoder.outputSize, outFeatures: c.outputs, arena: arena, prefix: "classifier.", generator: &g)
        dropout = Dropout(p: c.dropout, seed: g.next())
    }

    // MARK: - Forward

    /// Logits (B, C) for token ids (T, B) time-major (`tokens[t·B + b]`, PAD = 0 past each end)
    /// and `lengths` (B, each in 1...T).
    public func forward(tokens: [Int], lengths: [Int]) -> Tensor<Scalar> {
        let z = forwardLogits(tokens: tokens, lengths: lengths)
        return Tensor(shape: [batch, configuration.outputs],
                      scalars: Array(UnsafeBufferPointer(start: z, count: batch * configuration.outputs)))
    }

    /// encoder → pooling → dropout → classifier; returns the logits (B, C) in `logits`.
    func forwardLogits(tokens: [Int], lengths: [Int]) -> UnsafeMutablePointer<Scalar> {
        clearSavedActivations()
        let c = configuration, B = lengths.count, H = c.hiddenSize, D = c.directions, F = D * H
        let out = encoder.forward(ids: tokens, lengths: lengths)          // (T, B, F)
        let T = encoder.steps
        self.lengths = lengths; steps = T; batch = B
        let z = pooled.ensure(B * F)
        switch c.pooling {
        case .last:   // the top layer's h_n of each direction, side by side
            let top = (c.numLayers - 1) * D
            for d in 0..<D {
                for b in 0..<B { (z + b * F + d * H).update(from: encoder.rnn.hN.pointer + ((top + d) * B + b) * H, count: H) }
            }
        case .mean: meanPoolForward(out, steps: T, batch: B, features: F, lengths: lengths, into: z)
        case .max: maxPoolForward(out, steps: T, batch: B, features: F, lengths: lengths, into: z, argmax: argmax.ensure(B * F))
        }
        let x = dropped.ensure(B * F)
        dropout.forward(x: z, count: B * F, into: x)
        let y = logits.ensure(B * c.outputs)
        classifier.forward(x: x, rows: B, into: y)
        return y
    }

    // MARK: - Loss and backward

    /// Forward, mean cross-entropy over the labels that are not −100, and backward: adds dL/dθ
    /// into `arena`'s gradients (call `arena.zeroGradients()` first).
    /// - Parameters: tokens (T, B) time-major, lengths (B), labels (B) in 0..<C or −100.
    /// - Returns: the mean loss (NaN when every label is ignored) and the labels counted.
    @discardableResult
    public func lossAndGradients(tokens: [Int], lengths: [Int], labels: [Int]) -> (loss: Scalar, count: Int) {
        let y = forwardLogits(tokens: tokens, lengths: lengths)
        let c = configuration, B = batch, T = steps, H = c.hiddenSize, D = c.directions, F = D * H
        precondition(labels.count == B, "SequenceClassifier: \(labels.count) labels for a batch of \(B)")
        let result = labels.withUnsafeBufferPointer {
            softmaxCrossEntropy(logits: y, targets: $0.baseAddress!, rows: B, classes: c.outputs,
                                ignoreIndex: ignoredTarget, gradient: y)
        }
        let dz = dPooled.ensure(B * F)
        classifier.backward(x: dropped.pointer, dy: y, rows: B, dx: dz)
        dropout.backward(dy: dz, count: B * F, into: dz)
        switch c.pooling {
        case .last:
            let dhN = dFinal.ensure(c.numLayers * D * B * H)
            dhN.update(repeating: 0, count: c.numLayers * D * B * H)
            let top = (c.numLayers - 1) * D
            for d in 0..<D {
                for b in 0..<B { (dhN + ((top + d) * B + b) * H).update(from: dz + b * F + d * H, count: H) }
            }
            encoder.backward(dOutput: nil, dhN: dhN, dcN: nil)
        case .mean:
            let dOut = dOutput.ensure(T * B * F)
            meanPoolBackward(dz, steps: T, batch: B, features: F, lengths: lengths, into: dOut)
            encoder.backward(dOutput: dOut, dhN: nil, dcN: nil)
        case .max:
            let dOut = dOutput.ensure(T * B * F)
            maxPoolBackward(dz, argmax: argmax.pointer, steps: T, batch: B, features: F, into: dOut)
            encoder.backward(dOutput: dOut, dhN: nil, dcN: nil)
        }
        return result
    }
}

/// The target value that token losses skip: PyTorch's default `ignore_index`.
public let ignoredTarget = -100

extension SequenceClassifier {
    /// Evaluation without gradients: the summed cross-entropy over the labels that are not
    /// −100, how many were counted, and the predicted class of every sequence (argmax).
    /// Runs in the current mode (call `setTraining(false)` first to turn dropout off).
    public func evaluate(tokens: [Int], lengths: [Int], labels: [Int]) -> (lossSum: Double, count: Int, predicted: [Int]) {
        let y = forwardLogits(tokens: tokens, lengths: lengths)
        return scoreLogits(y, rows: batch, classes: configuration.outputs, targets: labels)
    }
}

/// Σ cross-entropy over the rows whose target is not −100, their count, and the argmax of every
/// row (the first maximum) of logits (rows, classes). Leaves the logits as they are.
func scoreLogits<Scalar: RNNScalar>(_ logits: UnsafePointer<Scalar>, rows: Int, classes: Int,
                                    targets: [Int]) -> (lossSum: Double, count: Int, predicted: [Int]) {
    precondition(targets.count == rows, "\(targets.count) targets for \(rows) rows")
    var predicted = [Int](repeating: 0, count: rows)
    for r in 0..<rows {
        let row = logits + r * classes
        var best = 0
        for c in 1..<max(classes, 1) where row[c] > row[best] { best = c }
        predicted[r] = best
    }
    let result = targets.withUnsafeBufferPointer {
        softmaxCrossEntropy(logits: logits, targets: $0.baseAddress!, rows: rows, classes: classes,
                            ignoreIndex: ignoredTarget, gradient: nil)
    }
    return (result.count > 0 ? Double(result.loss) * Double(result.count) : 0, result.count, predicted)
}
