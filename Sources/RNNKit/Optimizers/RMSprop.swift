/// RMSprop with optional momentum, centering and L2 weight decay: PyTorch's
/// `torch.optim.RMSprop`, same defaults (α = 0.99, ε = 1e-8 outside the root), same float32
/// arithmetic.
///
/// For each parameter θ with gradient g, learning rate γ, smoothing α, ε, weight decay λ and
/// momentum μ:
///
///     g ← g + λθ                                     (if λ ≠ 0)
///     v ← αv + (1 − α)g²
///     ḡ ← ḡ + (1 − α)(g − ḡ)                         (centered only)
///     s ← √(v − ḡ²) + ε   (centered)   or   √v + ε
///     b ← μb + g/s;  θ ← θ − γb                      (if μ > 0)
///     θ ← θ − γ·g/s                                  (otherwise)
///
/// State: `square_avg` (v), `momentum_buffer` (b) when μ > 0, `grad_avg` (ḡ) when centered.
public final class RMSprop<Scalar: RNNScalar>: Optimizer {
    /// γ, the learning rate.
    public var learningRate: Double
    /// α, the smoothing constant of the squared-gradient average.
    public let alpha: Double
    /// ε, added to the root.
    public let epsilon: Double
    /// λ, the L2 penalty added to the gradient.
    public let weightDecay: Double
    /// μ, the momentum factor (0: none).
    public let momentum: Double
    /// Whether to normalise by the estimated variance (v − ḡ²) instead of v.
    public let centered: Bool
    private var slots: OptimizerSlots<Scalar>

    /// Creates the optimizer. Defaults are PyTorch's.
    /// - Throws: `RNNKitError` for a negative learning rate, α, ε, λ or μ.
    public init(learningRate: Double = 1e-2, alpha: Double = 0.99, epsilon: Double = 1e-8,
                weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) throws {
        try requireNonNegative(learningRate, "learning rate")
        try requireNonNegative(alpha, "alpha")
        try requireNonNegative(epsilon, "epsilon")
        try requireNonNegative(weightDecay, "weight decay")
        try requireNonNegative(momentum, "momentum")
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        slots = OptimizerSlots(names: ["square_avg"] + (momentum > 0 ? ["momentum_buffer"] : [])
                                   + (centered ? ["grad_avg"] : []))
    }

    /// The number of steps taken so far.
    public var stepCount: Int { slots.stepCount }

    /// Applies one RMSprop update to every parameter of `arena`.
    public func step(_ arena: ParameterArena<Scalar>) {
        slots.prepare(for: arena)
        slots.stepCount += 1
        guard arena.count > 0 else { return }
        let n = arena.count
        let (hasMomentum, centered) = (momentum > 0, self.centered)
        slots.withSlots { squareAverage in
            let next = squareAverage + n
            rmspropStep(values: arena.values, gradients: arena.gradients, squareAverage: squareAverage,
                        momentumBuffer: hasMomentum ? next : nil,
                        gradientAverage: centered ? (hasMomentum ? next + n : next) : nil, count: n,
                        alpha: Scalar(alpha), averageWeight: Scalar(1 - alpha), epsilon: Scalar(epsilon),
                        weightDecay: Scalar(weightDecay), momentum: Scalar(momentum),
                        negativeLR: Scalar(-learningRate))
        }
    }

    /// The step count, `square_avg`, and `momentum_buffer` / `grad_avg` when used.
    public func exportState() -> OptimizerState<Scalar> { slots.export() }

    /// Restores a state exported by an RMSprop with the same momentum and centering.
    public func importState(_ state: OptimizerState<Scalar>, for arena: ParameterArena<Scalar>) throws {
        try slots.restore(state, for: arena)
    }
}

/// One RMSprop update over `count` elements in PyTorch's float order: `addcmul` (v + (w·g)·g),
/// `lerp` and `add(…, alpha:)` are fused multiply-adds, `addcdiv` is θ + (−γ·g)/s.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func rmspropStepReference<Scalar: RNNScalar>(
    values θ: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
    squareAverage v: UnsafeMutablePointer<Scalar>, momentumBuffer b: UnsafeMutablePointer<Scalar>?,
    gradientAverage gAvg: UnsafeMutablePointer<Scalar>?, count: Int,
    alpha: Scalar, averageWeight: Scalar, epsilon: Scalar, weightDecay: Scalar, momentum: Scalar,
    negativeLR: Scalar
) {
    for k in 0..<count {
        var d = g[k]
        if weightDecay != 0 {
            d = d.addingProduct(θ[k], weightDecay)
        }
        v[k] = (v[k] * alpha).addingProduct(averageWeight * d, d)
        var s: Scalar
        if let gAvg {
            gAvg[k] = lerp(gAvg[k], d, averageWeight)
            s = v[k].addingProduct(-gAvg[k], gAvg[k]).squareRoot()
        } else {
            s = v[k].squareRoot()
        }
        s += epsilon
        if let b {
            b[k] = (b[k] * momentum) + d / s
            θ[k] = θ[k].addingProduct(b[k], negativeLR)
        } else {
            θ[k] = θ[k] + (negativeLR * d) / s
        }
    }
}
