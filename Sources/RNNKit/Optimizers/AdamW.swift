/// Adam with decoupled weight decay: PyTorch's `torch.optim.AdamW`, same defaults (λ = 0.01),
/// same float32 arithmetic.
///
/// Each step first shrinks every parameter, then takes the Adam step without any decay term
/// in the gradient:
///
///     θ ← θ · (1 − γλ)                               (1 − γλ formed in Double)
///     m ← m + (1 − β₁)(g − m)
///     v ← β₂v + (1 − β₂)g²
///     θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// State: `exp_avg` (m) and `exp_avg_sq` (v), as `Adam`.
public final class AdamW<Scalar: RNNScalar>: Adam<Scalar> {
    /// Creates the optimizer. Defaults are PyTorch's.
    /// - Parameters:
    ///   - learningRate: γ.
    ///   - betas: (β₁, β₂), each in [0, 1).
    ///   - epsilon: ε.
    ///   - weightDecay: λ, the decoupled decay rate.
    /// - Throws: `RNNKitError` for a negative learning rate, ε or λ, or a beta outside [0, 1).
    public init(learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), epsilon: Double = 1e-8,
                weightDecay: Double = 0.01) throws {
        try super.init(learningRate: learningRate, betas: betas, epsilon: epsilon,
                       weightDecay: weightDecay, decoupledWeightDecay: true)
    }
}
