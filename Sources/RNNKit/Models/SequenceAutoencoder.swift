// The LSTM autoencoder: compress a window into a code, reconstruct it from the code alone.
// PyTorch twin: `SequenceAutoencoder` in ../shared/bench/reference_models.py.
//
// T steps, B windows, F features, H hidden units (= the code size), L layers, N = T·B rows.
//   _, h_n  = encoder(x)                            (L, B, H)
//   code    = h_n[L−1]                              (B, H)
//   out     = decoder(code repeated T times)        (T, B, H), from a zero state
//   x̂      = output(out)                           (T, B, F)
//   loss    = mean over N·F of (x̂ − x)²            (the anomaly score of a window: its own mean)
// The target is the input itself, so dL/dx has two parts: through the encoder, and −dL/dx̂.
// The decoder reads the same code at every step: its input is run as token ids into a table of
// the B codes (ids[t·B + b] = b), so the input projection is computed for B rows, not T·B, and
// backward adds dL/dcode straight into a (B, H) buffer.

/// A sequence autoencoder: encoder stack → its top layer's final state as the code → the code
/// fed at every step of a decoder stack → linear back to the features. Parameters
/// `encoder.*`, `decoder.*`, `output.weight` (F, H), `output.bias` (F), as PyTorch's twin.
public final class SequenceAutoencoder<Scalar: RNNScalar>: Module {
    /// The architecture.
    public let configuration: SeriesModelConfiguration
    /// Every parameter, PyTorch names.
    public let arena: ParameterArena<Scalar>
    /// The encoder stack, `encoder.*` (input F).
    public let encoder: RecurrentStack<Scalar>
    /// The decoder stack, `decoder.*` (input H: the code).
    public let decoder: RecurrentStack<Scalar>
    /// The output layer, `output.weight` (F, H) and `output.bias` (F).
    public let output: Linear<Scalar>
    /// Whether dropout (between layers) is active.
    public var isTraining = true
    /// Encoder, decoder, output layer.
    public var children: [any Module] { [encoder, decoder, output] }

    private(set) var steps = 0, batch = 0
    let codeIDs = ScratchBuffer<Int>()         // (T, B) b: step t of window b reads code b
    let reconstruction = ScratchBuffer<Scalar>() // (T, B, F) x̂; overwritten by dL/dx̂
    let dDecoded = ScratchBuffer<Scalar>()     // (T, B, H) dL/d(decoder output)
    let dFinal = ScratchBuffer<Scalar>()       // (L, B, H) dL/dh_n of the encoder, top slot dL/dcode
    let dInput = ScratchBuffer<Scalar>()       // (T, B, F) dL/dx

    /// Creates a model initialised as PyTorch initialises its twin's layers, from `seed`.
    /// - Throws: `RNNKitError` for an invalid configuration or one of another model.
    public init(_ configuration: SeriesModelConfiguration, seed: UInt64 = 0) throws {
        try configuration.validate()
        guard configuration.model == .autoencoder else {
            throw RNNKitError("a SequenceAutoencoder needs an autoencoder configuration, not \(configuration.model.rawValue)")
        }
        let c = configuration
        self.configuration = c
        var g = SeededGenerator(seed: seed)
        arena = ParameterArena()
        let p = c.numLayers > 1 ? c.dropout : 0
        encoder = RecurrentStack(cell: c.cell, inputSize: c.features, hiddenSize: c.hiddenSize, numLayers: c.numLayers,
                                 bias: true, bidirectional: false, dropout: p, arena: arena, prefix: "encoder.", generator: &g)
        decoder = RecurrentStack(cell: c.cell, inputSize: c.hiddenSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers,
                                 bias: true, bidirectional: false, dropout: p, arena: arena, prefix: "decoder.", generator: &g)
        output = Linear(inFeatures: c.hiddenSize, outFeatures: c.features, arena: arena, prefix: "output.", generator: &g)
    }

    // MARK: - Forward

    /// The reconstruction (T, B, F) and the code (B, H) of windows x (T, B, F) time-major.
    public func forward(_ x: Tensor<Scalar>) -> (reconstruction: Tensor<Scalar>, code: Tensor<Scalar>) {
        let F = configuration.features, H = configuration.hiddenSize
        precondition(x.shape.count == 3 && x.shape[2] == F, "SequenceAutoencoder: input shape \(x.shape) must be (T, B, \(F))")
        let (T, B) = (x.shape[0], x.shape[1])
        let y = x.scalars.withUnsafeBufferPointer { forwardReconstruction(x: $0.baseAddress!, steps: T, batch: B) }
        let code = encoder.hN.pointer + (configuration.numLayers - 1) * B * H
        return (Tensor(shape: [T, B, F], scalars: Array(UnsafeBufferPointer(start: y, count: T * B * F))),
                Tensor(shape: [B, H], scalars: Array(UnsafeBufferPointer(start: code, count: B * H))))
    }

    /// encoder → code → decoder → output; returns x̂ (T, B, F) in `reconstruction`.
    func forwardReconstruction(x: UnsafePointer<Scalar>, steps T: Int, batch B: Int) -> UnsafeMutablePointer<Scalar> {
        clearSavedActivations()
        steps = T; batch = B
        let c = configuration, H = c.hiddenSize
        encoder.forward(x: x, steps: T, batch: B, h0: nil, c0: nil, lengths: nil)
        let code = encoder.hN.pointer + (c.numLayers - 1) * B * H                // (B, H)
        let ids = codeIDs.ensure(T * B)
        for t in 0..<T { for b in 0..<B { ids[t * B + b] = b } }
        let out = decoder.forward(tokens: ids, table: code, vocabulary: B, steps: T, batch: B, h0: nil, c0: nil)  // (T, B, H)
        let y = reconstruction.ensure(T * B * c.features)
        output.forward(x: out, rows: T * B, into: y)
        return y
    }

    // MARK: - Loss and backward

    /// Forward, the mean squared reconstruction error of x and backward: adds dL/dθ into
    /// `arena`'s gradients (call `arena.zeroGradients()` first).
    /// - Parameters: x (T, B, F) time-major with `steps` = T.
    /// - Returns: the mean loss and, when `inputGradient` is set, dL/dx (T, B, F), both paths
    ///   (through the encoder and as the target) included.
    @discardableResult
    public func lossAndGradients(x: [Scalar], steps T: Int, inputGradient: Bool = false) -> (loss: Scalar, dx: [Scalar]?) {
        let c = configuration, F = c.features, H = c.hiddenSize, L = c.numLayers
        precondition(T > 0 && x.count % (T * F) == 0 && x.count > 0, "SequenceAutoencoder: \(x.count) inputs for T = \(T), F = \(F)")
        let B = x.count / (T * F), N = T * B
        return x.withUnsafeBufferPointer { xp in
            let x = xp.baseAddress!
            let y = forwardReconstruction(x: x, steps: T, batch: B)
            let loss = meanSquaredError(prediction: y, target: x, count: N * F, gradient: y)   // y ← dL/dx̂
            let dOut = dDecoded.ensure(N * H)
            output.backward(x: decoder.outputs[L - 1].pointer, dy: y, rows: N, dx: dOut)
            let dhN = dFinal.ensure(L * B * H)                                   // dL/dcode in the top slot
            dhN.update(repeating: 0, count: L * B * H)
            decoder.backward(dOutput: dOut, dhN: nil, dcN: nil, dx: dhN + (L - 1) * B * H, dh0: nil, dc0: nil)
            let dx = inputGradient ? dInput.ensure(N * F) : nil
            encoder.backward(dOutput: nil, dhN: dhN, dcN: nil, dx: dx, dh0: nil, dc0: nil)
            guard let dx else { return (loss, nil) }
            for k in 0..<(N * F) { dx[k] -= y[k] }                               // the target path
            return (loss, Array(UnsafeBufferPointer(start: dx, count: N * F)))
        }
    }
}

extension SequenceAutoencoder {
    /// Evaluation without gradients: each window's mean squared reconstruction error (B), its
    /// anomaly score, for windows x (T, B, F). Runs in the current mode (call
    /// `setTraining(false)` first to turn dropout off).
    public func windowErrors(x: [Scalar], steps T: Int) -> [Double] {
        let F = configuration.features
        precondition(T > 0 && x.count % (T * F) == 0 && x.count > 0, "SequenceAutoencoder: \(x.count) inputs for T = \(T), F = \(F)")
        let B = x.count / (T * F)
        let y = x.withUnsafeBufferPointer { forwardReconstruction(x: $0.baseAddress!, steps: T, batch: B) }
        var errors = [Double](repeating: 0, count: B)
        for t in 0..<T {
            for b in 0..<B {
                for f in 0..<F {
                    let k = (t * B + b) * F + f
                    let d = Double(y[k]) - Double(x[k])
                    errors[b] += d * d
                }
            }
        }
        return errors.map { $0 / Double(T * F) }
    }
}
