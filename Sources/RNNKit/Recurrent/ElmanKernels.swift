// Elman RNN pointwise step (tanh or ReLU), forward and backward side by side.
// Rows b with lengths[b] <= t are inactive (packed-sequence padding): state passes through.

// MARK: - Forward

/// One Elman step, pointwise: h_t = act(a) with a = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh.
/// - gates: (B, H) in: pre-activations a; out: h_t (kept for backward).
/// - hPrev: (B, H). hOut: (B, H) new state.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func elmanStepForwardReference<Scalar: RNNScalar>(
    relu: Bool, batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    gates: UnsafeMutablePointer<Scalar>, hPrev: UnsafePointer<Scalar>, hOut: UnsafeMutablePointer<Scalar>
) {
    for b in 0..<batch {
        let hp = hPrev + b * H, ho = hOut + b * H
        if let lengths, t >= lengths[b] {
            ho.update(from: hp, count: H)
            continue
        }
        let a = gates + b * H
        for j in 0..<H {
            let h = relu ? max(a[j], 0) : Scalar.tanh(a[j])
            a[j] = h
            ho[j] = h
        }
    }
}

// MARK: - Backward

/// The exact backward of `elmanStepForward`: dL/da = dh ⊙ act′, with tanh′ = 1 − h² and
/// relu′ = [h > 0].
/// - dh: (B, H). gates: (B, H) the saved h_t. dGates: (B, H) out: dL/da.
/// - dhDirect: (B, H) out: zero (dh for inactive rows); the caller adds dGates·W_hh.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func elmanStepBackwardReference<Scalar: RNNScalar>(
    relu: Bool, batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    dh: UnsafePointer<Scalar>, gates: UnsafePointer<Scalar>,
    dGates: UnsafeMutablePointer<Scalar>, dhDirect: UnsafeMutablePointer<Scalar>
) {
    for b in 0..<batch {
        let dhb = dh + b * H, dd = dhDirect + b * H, dg = dGates + b * H
        if let lengths, t >= lengths[b] {
            dd.update(from: dhb, count: H)
            dg.update(repeating: 0, count: H)
            continue
        }
        let h = gates + b * H
        for j in 0..<H {
            dg[j] = relu ? (h[j] > 0 ? dhb[j] : 0) : dhb[j] * (1 - h[j] * h[j])
            dd[j] = 0
        }
    }
}
