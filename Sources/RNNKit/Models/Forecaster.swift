// Many-to-one, direct multi-horizon forecasting. PyTorch twin: `Forecaster` in
// ../shared/bench/reference_models.py.
//
// T steps, B windows, F input features, H hidden units, Hz horizon, G targets per step.
//   out, h_n = rnn(x)                               (T, B, H), (L, B, H)
//   forecast = head(out[T−1]).view(B, Hz, G)        (B, Hz·G)
//   loss     = mean over B·Hz·G of (forecast − target)²
// out[T−1] is the top layer's final state h_n[L−1]: backward enters the stack there.

/// A forecaster: recurrent stack over the input window → linear on the last step's output →
/// `horizon` × `targets` values. Parameters `rnn.*`, `head.weight` (Hz·G, H), `head.bias`
/// (Hz·G), as PyTorch's twin.
///
/// ```swift
/// let model = try Forecaster<Float>(.forecaster(cell: .gru, features: 1, hiddenSize: 32, horizon: 12), seed: 1)
/// let loss = model.lossAndGradients(x: window, steps: 24, target: next12)   // window (T, B, F) time-major
/// ```
public final class Forecaster<Scalar: RNNScalar>: Module {
    /// The architecture.
    public let configuration: SeriesModelConfiguration
    /// Every parameter, PyTorch names.
    public let arena: ParameterArena<Scalar>
    /// The recurrent stack, `rnn.*`.
    public let rnn: RecurrentStack<Scalar>
    /// The output layer, `head.weight` (Hz·G, H) and `head.bias` (Hz·G).
    public let head: Linear<Scalar>
    /// Whether dropout (between layers) is active.
    public var isTraining = true
    /// Stack, output layer.
    public var children: [any Module] { [rnn, head] }

    private(set) var steps = 0, batch = 0
    let forecast = ScratchBuffer<Scalar>()     // (B, Hz·G) forecast; overwritten by dL/dforecast
    let dLast = ScratchBuffer<Scalar>()        // (B, H) dL/d(out[T−1])
    let dFinal = ScratchBuffer<Scalar>()       // (L, B, H) dL/dh_n, the top slot dLast
    let dInput = ScratchBuffer<Scalar>()       // (T, B, F) dL/dx

    /// Creates a model initialised as PyTorch initialises its twin's layers (recurrent and
    /// linear weights U(−1/√fan, 1/√fan)), from `seed`.
    /// - Throws: `RNNKitError` for an invalid configuration or one of another model.
    public init(_ configuration: SeriesModelConfiguration, seed: UInt64 = 0) throws {
        try configuration.validate()
        guard configuration.model == .forecaster else {
            throw RNNKitError("a Forecaster needs a forecaster configuration, not \(configuration.model.rawValue)")
        }
        let c = configuration
        self.configuration = c
        var g = SeededGenerator(seed: seed)
        arena = ParameterArena()
        rnn = RecurrentStack(cell: c.cell, inputSize: c.features, hiddenSize: c.hiddenSize, numLayers: c.numLayers,
                             bias: true, bidirectional: false, dropout: c.numLayers > 1 ? c.dropout : 0,
                             arena: arena, prefix: "rnn.", generator: &g)
        head = Linear(inFeatures: c.hiddenSize, outFeatures: c.horizon * c.targets, arena: arena, prefix: "head.",
                      generator: &g)
    }

    /// Hz·G, the values forecast per window.
    public var outputsPerWindow: Int { configuration.horizon * configuration.targets }

    // MARK: - Forward

    /// The forecast (B, Hz, G) for windows x (T, B, F) time-major.
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(x.shape.count == 3 && x.shape[2] == configuration.features,
                     "Forecaster: input shape \(x.shape) must be (T, B, \(configuration.features))")
        let y = x.scalars.withUnsafeBufferPointer { forwardForecast(x: $0.baseAddress!, steps: x.shape[0], batch: x.shape[1]) }
        return Tensor(shape: [batch, configuration.horizon, configuration.targets],
                      scalars: Array(UnsafeBufferPointer(start: y, count: batch * outputsPerWindow)))
    }

    /// rnn → head on the last step; returns the forecast (B, Hz·G) in `forecast`.
    func forwardForecast(x: UnsafePointer<Scalar>, steps T: Int, batch B: Int) -> UnsafeMutablePointer<Scalar> {
        clearSavedActivations()
        steps = T; batch = B
        let H = configuration.hiddenSize
        let out = rnn.forward(x: x, steps: T, batch: B, h0: nil, c0: nil, lengths: nil)   // (T, B, H)
        let y = forecast.ensure(B * outputsPerWindow)
        head.forward(x: out + (T - 1) * B * H, rows: B, into: y)
        return y
    }

    // MARK: - Loss and backward

    /// Forward, mean squared error against `target` and backward: adds dL/dθ into `arena`'s
    /// gradients (call `arena.zeroGradients()` first).
    /// - Parameters: x (T, B, F) time-major with `steps` = T; target (B, Hz, G).
    /// - Returns: the mean loss and, when `inputGradient` is set, dL/dx (T, B, F).
    @discardableResult
    public func lossAndGradients(x: [Scalar], steps T: Int, target: [Scalar],
                                 inputGradient: Bool = false) -> (loss: Scalar, dx: [Scalar]?) {
        let F = configuration.features
        precondition(T > 0 && x.count % (T * F) == 0 && x.count > 0, "Forecaster: \(x.count) inputs for T = \(T), F = \(F)")
        let B = x.count / (T * F), K = outputsPerWindow
        precondition(target.count == B * K, "Forecaster: \(target.count) targets for \(B) windows of \(K)")
        let y = x.withUnsafeBufferPointer { forwardForecast(x: $0.baseAddress!, steps: T, batch: B) }
        let loss = target.withUnsafeBufferPointer {
            meanSquaredError(prediction: y, target: $0.baseAddress!, count: B * K, gradient: y)
        }
        let dx = backward(dForecast: y, inputGradient: inputGradient)
        return (loss, dx.map { Array(UnsafeBufferPointer(start: $0, count: T * B * F)) })
    }

    /// Backpropagates dL/dforecast (B, Hz·G) through the last forward; returns dL/dx (T, B, F)
    /// when asked.
    func backward(dForecast: UnsafePointer<Scalar>, inputGradient: Bool) -> UnsafeMutablePointer<Scalar>? {
        let c = configuration, T = steps, B = batch, H = c.hiddenSize, L = c.numLayers
        let out = rnn.outputs[L - 1].pointer                                 // (T, B, H)
        let dz = dLast.ensure(B * H)
        head.backward(x: out + (T - 1) * B * H, dy: dForecast, rows: B, dx: dz)
        let dhN = dFinal.ensure(L * B * H)
        dhN.update(repeating: 0, count: (L - 1) * B * H)
        (dhN + (L - 1) * B * H).update(from: dz, count: B * H)
        let dx = inputGradient ? dInput.ensure(T * B * c.features) : nil
        rnn.backward(dOutput: nil, dhN: dhN, dcN: nil, dx: dx, dh0: nil, dc0: nil)
        return dx
    }
}

extension Forecaster {
    /// Evaluation without gradients: the forecast (B·Hz·G, window-major) for windows x (T, B, F)
    /// and, when `target` (B, Hz, G) is given, the summed squared error. Runs in the current
    /// mode (call `setTraining(false)` first to turn dropout off).
    public func predict(x: [Scalar], steps T: Int, target: [Scalar]? = nil) -> (forecast: [Scalar], squaredErrorSum: Double) {
        let F = configuration.features
        precondition(T > 0 && x.count % (T * F) == 0 && x.count > 0, "Forecaster: \(x.count) inputs for T = \(T), F = \(F)")
        let B = x.count / (T * F), K = outputsPerWindow
        let y = x.withUnsafeBufferPointer { forwardForecast(x: $0.baseAddress!, steps: T, batch: B) }
        let values = Array(UnsafeBufferPointer(start: y, count: B * K))
        var sum = 0.0
        if let target {
            precondition(target.count == B * K, "Forecaster: \(target.count) targets for \(B) windows of \(K)")
            for k in 0..<(B * K) { let d = Double(values[k]) - Double(target[k]); sum += d * d }
        }
        return (values, sum)
    }
}
