/// Adagrad with learning-rate decay and L2 weight decay: PyTorch's `torch.optim.Adagrad`, same
/// defaults (ε = 1e-10, initial accumulator 0), same float32 arithmetic.
///
/// For each parameter θ with gradient g at step t (1, 2, …), learning rate γ, decay η, ε and
/// weight decay λ:
///
///     g ← g + λθ                                     (if λ ≠ 0)
///     γₜ = γ / (1 + (t − 1)η)                        (in Double)
///     S ← S + g²                                     (S starts at the initial accumulator value)
///     θ ← θ − γₜ · g / (√S + ε)
///
/// State: `sum` (S).
public final class Adagrad<Scalar: RNNScalar>: Optimizer {
    /// γ, the learning rate.
    public var learningRate: Double
    /// η, the learning-rate decay per step.
    public let learningRateDecay: Double
    /// λ, the L2 penalty added to the gradient.
    public let weightDecay: Double
    /// The value every sum of squares starts from.
    public let initialAccumulatorValue: Double
    /// ε, added to the root.
    public let epsilon: Double
    private var slots: OptimizerSlots<Scalar>

    /// Creates the optimizer. Defaults are PyTorch's.
    /// - Throws: `RNNKitError` for a negative learning rate, decay, weight decay, initial
    ///   accumulator value or ε.
    public init(learningRate: Double = 1e-2, learningRateDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0, epsilon: Double = 1e-10) throws {
        try requireNonNegative(learningRate, "learning rate")
        try requireNonNegative(learningRateDecay, "learning rate decay")
        try requireNonNegative(weightDecay, "weight decay")
        try requireNonNegative(initialAccumulatorValue, "initial accumulator value")
        try requireNonNegative(epsilon, "epsilon")
        self.learningRate = learningRate
        self.learningRateDecay = learningRateDecay
        self.weightDecay = weightDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.epsilon = epsilon
        slots = OptimizerSlots(names: ["sum"], initialValues: [Scalar(initialAccumulatorValue)])
    }

    /// The number of steps taken so far.
    public var stepCount: Int { slots.stepCount }

    /// Applies one Adagrad update to every parameter of `arena`.
    public func step(_ arena: ParameterArena<Scalar>) {
        slots.prepare(for: arena)
        slots.stepCount += 1
        guard arena.count > 0 else { return }
        let decayedLR = learningRate / (1 + (Double(slots.stepCount) - 1) * learningRateDecay)
        slots.withSlots { sum in
            adagradStep(values: arena.values, gradients: arena.gradients, sum: sum, count: arena.count,
                        weightDecay: Scalar(weightDecay), epsilon: Scalar(epsilon),
                        negativeLR: Scalar(-decayedLR))
        }
    }

    /// The step count and `sum`.
    public func exportState() -> OptimizerState<Scalar> { slots.export() }

    /// Restores a state exported by an Adagrad.
    public func importState(_ state: OptimizerState<Scalar>, for arena: ParameterArena<Scalar>) throws {
        try slots.restore(state, for: arena)
    }
}

/// One Adagrad update over `count` elements in PyTorch's float order: `addcmul` (S + g·g) is a
/// fused multiply-add, `addcdiv` is θ + (−γₜ·g)/(√S + ε).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func adagradStepReference<Scalar: RNNScalar>(
    values θ: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
    sum: UnsafeMutablePointer<Scalar>, count: Int, weightDecay: Scalar, epsilon: Scalar, negativeLR: Scalar
) {
    for k in 0..<count {
        var d = g[k]
        if weightDecay != 0 {
            d = d.addingProduct(θ[k], weightDecay)
        }
        sum[k] = sum[k].addingProduct(d, d)
        θ[k] = θ[k] + (negativeLR * d) / (sum[k].squareRoot() + epsilon)
    }
}
