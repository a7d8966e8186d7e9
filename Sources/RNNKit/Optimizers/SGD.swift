/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2
/// weight decay: PyTorch's `torch.optim.SGD`, same defaults, same float32 arithmetic.
///
/// For each parameter θ with gradient g, learning rate γ, momentum μ, dampening τ and weight
/// decay λ:
///
///     g ← g + λθ                                     (if λ ≠ 0)
///     b ← g                                          (first step)
///     b ← μb + (1 − τ)g                              (later steps; if μ ≠ 0)
///     g ← g + μb  (Nesterov)   or   g ← b            (if μ ≠ 0)
///     θ ← θ − γg
///
/// State: `momentum_buffer` (b) when μ ≠ 0.
public final class SGD<Scalar: RNNScalar>: Optimizer {
    /// γ, the learning rate.
    public var learningRate: Double
    /// μ, the momentum factor (0: plain SGD).
    public let momentum: Double
    /// τ, the dampening of the gradient added to the momentum buffer.
    public let dampening: Double
    /// λ, the L2 penalty added to the gradient.
    public let weightDecay: Double
    /// Whether to use Nesterov momentum.
    public let nesterov: Bool
    private var slots: OptimizerSlots<Scalar>

    /// Creates the optimizer. Defaults are PyTorch's.
    /// - Throws: `RNNKitError` for a negative learning rate, momentum or weight decay, or
    ///   Nesterov without momentum or with dampening.
    public init(learningRate: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) throws {
        try requireNonNegative(learningRate, "learning rate")
        try requireNonNegative(momentum, "momentum")
        try requireNonNegative(weightDecay, "weight decay")
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw RNNKitError("Nesterov momentum requires a momentum and zero dampening")
        }
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        slots = OptimizerSlots(names: momentum != 0 ? ["momentum_buffer"] : [])
    }

    /// The number of steps taken so far.
    public var stepCount: Int { slots.stepCount }

    /// Applies one SGD update to every parameter of `arena`.
    public func step(_ arena: ParameterArena<Scalar>) {
        let firstStep = !slots.isAllocated
        slots.prepare(for: arena)
        slots.stepCount += 1
        guard arena.count > 0 else { return }
        func update(buffer: UnsafeMutablePointer<Scalar>?) {
            forEachSlice(count: arena.count) { k, n in
                sgdStep(values: arena.values + k, gradients: arena.gradients + k, buffer: buffer.map { $0 + k }, count: n,
                        negativeLR: Scalar(-learningRate), weightDecay: Scalar(weightDecay), momentum: Scalar(momentum),
                        gradientScale: Scalar(1 - dampening), nesterov: nesterov, firstStep: firstStep)
            }
        }
        if momentum == 0 {
            update(buffer: nil)
        } else {
            slots.withSlots { update(buffer: $0) }
        }
    }

    /// The step count and, with momentum, `momentum_buffer`.
    public func exportState() -> OptimizerState<Scalar> { slots.export() }

    /// Restores a state exported by an SGD with the same momentum setting.
    public func importState(_ state: OptimizerState<Scalar>, for arena: ParameterArena<Scalar>) throws {
        try slots.restore(state, for: arena)
    }
}

/// One SGD update over `count` elements, in PyTorch's float order (`add(…, alpha:)` is a fused
/// multiply-add). `buffer` is the momentum buffer (nil when μ = 0); `gradientScale` = 1 − τ.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func sgdStep<Scalar: RNNScalar>(
    values θ: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
    buffer b: UnsafeMutablePointer<Scalar>?, count: Int,
    negativeLR: Scalar, weightDecay: Scalar, momentum: Scalar, gradientScale: Scalar,
    nesterov: Bool, firstStep: Bool
) {
    for k in 0..<count {
        var d = g[k]
        if weightDecay != 0 {
            d = d.addingProduct(θ[k], weightDecay)
        }
        if let b {
            b[k] = firstStep ? d : (b[k] * momentum).addingProduct(d, gradientScale)
            d = nesterov ? d.addingProduct(b[k], momentum) : b[k]
        }
        θ[k] = θ[k].addingProduct(d, negativeLR)
    }
}
