/// Adam with optional L2 weight decay: PyTorch's `torch.optim.Adam`, same defaults, same
/// float32 arithmetic (`AdamW` is the decoupled-decay variant).
///
/// For each parameter θ with gradient g at step t (1, 2, …), learning rate γ, betas (β₁, β₂),
/// ε and weight decay λ:
///
///     g ← g + λθ                                     (if λ ≠ 0; decoupled: θ ← θ(1 − γλ))
///     m ← m + (1 − β₁)(g − m)                        (= β₁m + (1 − β₁)g, as PyTorch's lerp)
///     v ← β₂v + (1 − β₂)g²
///     θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// The bias corrections and the step size are computed in `Double`, as PyTorch does in Python.
/// State: `exp_avg` (m) and `exp_avg_sq` (v).
public class Adam<Scalar: RNNScalar>: Optimizer {
    /// γ, the learning rate.
    public var learningRate: Double
    /// (β₁, β₂), the decay rates of the moment estimates.
    public let betas: (Double, Double)
    /// ε, added to the denominator.
    public let epsilon: Double
    /// λ, the weight decay.
    public let weightDecay: Double
    /// Whether weight decay multiplies the parameters directly (AdamW) instead of being added
    /// to the gradient (L2).
    public let decoupledWeightDecay: Bool
    private var slots = OptimizerSlots<Scalar>(names: ["exp_avg", "exp_avg_sq"])

    /// Creates the optimizer. Defaults are PyTorch's.
    /// - Parameters:
    ///   - learningRate: γ.
    ///   - betas: (β₁, β₂), each in [0, 1).
    ///   - epsilon: ε.
    ///   - weightDecay: λ; 0 means none.
    ///   - decoupledWeightDecay: apply λ as AdamW does (θ ← θ(1 − γλ) before the update).
    /// - Throws: `RNNKitError` for a negative learning rate, ε or λ, or a beta outside [0, 1).
    public init(learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), epsilon: Double = 1e-8,
                weightDecay: Double = 0, decoupledWeightDecay: Bool = false) throws {
        try requireNonNegative(learningRate, "learning rate")
        try requireNonNegative(epsilon, "epsilon")
        try requireNonNegative(weightDecay, "weight decay")
        for (i, beta) in [betas.0, betas.1].enumerated() where !(0 <= beta && beta < 1) {
            throw RNNKitError("invalid beta parameter at index \(i): \(beta) (it must be in [0, 1))")
        }
        self.learningRate = learningRate
        self.betas = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    /// The number of steps taken so far.
    public var stepCount: Int { slots.stepCount }

    /// Applies one Adam update to every parameter of `arena`.
    public func step(_ arena: ParameterArena<Scalar>) {
        slots.prepare(for: arena)
        slots.stepCount += 1
        guard arena.count > 0 else { return }
        let t = Double(slots.stepCount)
        let biasCorrection1 = 1 - power(betas.0, t)
        let biasCorrection2 = 1 - power(betas.1, t)
        let stepSize = learningRate / biasCorrection1
        let decoupled = decoupledWeightDecay && weightDecay != 0
        let n = arena.count
        slots.withSlots { m in
            adamStep(values: arena.values, gradients: arena.gradients, m: m, v: m + n, count: n,
                     l2Decay: decoupled ? 0 : Scalar(weightDecay),
                     decayFactor: decoupled ? Scalar(1 - learningRate * weightDecay) : 1,
                     firstMomentWeight: Scalar(1 - betas.0), beta2: Scalar(betas.1),
                     secondMomentWeight: Scalar(1 - betas.1),
                     biasCorrection2Sqrt: Scalar(power(biasCorrection2, 0.5)),
                     epsilon: Scalar(epsilon), negativeStepSize: Scalar(-stepSize))
        }
    }

    /// The step count, `exp_avg` and `exp_avg_sq`.
    public func exportState() -> OptimizerState<Scalar> { slots.export() }

    /// Restores a state exported by an `Adam` or `AdamW`.
    public func importState(_ state: OptimizerState<Scalar>, for arena: ParameterArena<Scalar>) throws {
        try slots.restore(state, for: arena)
    }
}

/// One Adam update over `count` elements in PyTorch's float order: `lerp`, `add(…, alpha:)`
/// and `addcmul` (v + (w·g)·g) are fused multiply-adds, `addcdiv` is θ + (−s·m)/denom. `decayFactor` is 1 − γλ for decoupled decay (else 1); `l2Decay` is λ for
/// L2 decay (else 0).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func adamStepReference<Scalar: RNNScalar>(
    values θ: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
    m: UnsafeMutablePointer<Scalar>, v: UnsafeMutablePointer<Scalar>, count: Int,
    l2Decay: Scalar, decayFactor: Scalar, firstMomentWeight: Scalar, beta2: Scalar,
    secondMomentWeight: Scalar, biasCorrection2Sqrt: Scalar, epsilon: Scalar, negativeStepSize: Scalar
) {
    for k in 0..<count {
        if decayFactor != 1 {
            θ[k] *= decayFactor
        }
        var d = g[k]
        if l2Decay != 0 {
            d = d.addingProduct(θ[k], l2Decay)
        }
        m[k] = lerp(m[k], d, firstMomentWeight)
        v[k] = (v[k] * beta2).addingProduct(secondMomentWeight * d, d)
        let denominator = v[k].squareRoot() / biasCorrection2Sqrt + epsilon
        θ[k] = θ[k] + (negativeStepSize * m[k]) / denominator
    }
}
