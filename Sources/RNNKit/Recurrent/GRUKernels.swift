// GRU pointwise step, forward and backward side by side (reset-after, as PyTorch).
// The caller computes gi = x·W_ihᵀ + b_ih (+ b_hr, b_hz folded in) for all steps, and
// gh = h_{t−1}·W_hhᵀ (no bias) per step; b_hn is added here because it sits inside r ⊙ (…).
// Rows b with lengths[b] <= t are inactive (packed-sequence padding): state passes through.

// MARK: - Forward

/// One GRU step, pointwise.
/// - gates: (B, 3H) in: gi (with b_ih and b_hr, b_hz); out: activated [r | z | n].
/// - gh: (B, 3H) h_{t−1}·W_hhᵀ without bias. bhn: (H) b_hn, or nil without bias.
/// - ghn: (B, H) out: gh_n + b_hn, saved for backward.
/// - hPrev: (B, H). hOut: (B, H) new state.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gruStepForwardReference<Scalar: RNNScalar>(
    batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    gates: UnsafeMutablePointer<Scalar>, gh: UnsafePointer<Scalar>, bhn: UnsafePointer<Scalar>?,
    ghn: UnsafeMutablePointer<Scalar>,
    hPrev: UnsafePointer<Scalar>, hOut: UnsafeMutablePointer<Scalar>
) {
    for b in 0..<batch {
        let hp = hPrev + b * H, ho = hOut + b * H
        if let lengths, t >= lengths[b] {
            ho.update(from: hp, count: H)
            continue
        }
        let gr = gates + b * 3 * H, gz = gr + H, gn = gz + H
        let hr = gh + b * 3 * H, hz = hr + H, hn = hz + H
        let sn = ghn + b * H
        for j in 0..<H {
            let r = Scalar.sigmoid(gr[j] + hr[j])
            let z = Scalar.sigmoid(gz[j] + hz[j])
            let hnj = hn[j] + (bhn?[j] ?? 0)
            let n = Scalar.tanh(gn[j] + r * hnj)
            gr[j] = r; gz[j] = z; gn[j] = n
            sn[j] = hnj
            ho[j] = (1 - z) * n + z * hp[j]
        }
    }
}

// MARK: - Backward

/// The exact backward of `gruStepForward` for one step.
/// - dh: (B, H) dL/dh_t. gates: (B, 3H) saved [r | z | n]. ghn: (B, H) saved gh_n + b_hn.
/// - hPrev: (B, H) the step's previous state.
/// - dGatesInput: (B, 3H) out: dL/d(gi) (= dL/d(b_ih) rows). dGatesHidden: (B, 3H) out:
///   dL/d(gh + b_hh); differs from dGatesInput only in the n block (multiplied by r).
/// - dhDirect: (B, H) out: z ⊙ dh (or dh for inactive rows); the caller adds dGatesHidden·W_hh.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gruStepBackwardReference<Scalar: RNNScalar>(
    batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    dh: UnsafePointer<Scalar>, gates: UnsafePointer<Scalar>, ghn: UnsafePointer<Scalar>,
    hPrev: UnsafePointer<Scalar>,
    dGatesInput: UnsafeMutablePointer<Scalar>, dGatesHidden: UnsafeMutablePointer<Scalar>,
    dhDirect: UnsafeMutablePointer<Scalar>
) {
    for b in 0..<batch {
        let dhb = dh + b * H, dd = dhDirect + b * H
        let dir = dGatesInput + b * 3 * H, diz = dir + H, din = diz + H
        let dhr = dGatesHidden + b * 3 * H, dhz = dhr + H, dhn = dhz + H
        if let lengths, t >= lengths[b] {
            dd.update(from: dhb, count: H)
            dir.update(repeating: 0, count: 3 * H)
            dhr.update(repeating: 0, count: 3 * H)
            continue
        }
        let gr = gates + b * 3 * H, gz = gr + H, gn = gz + H
        let sn = ghn + b * H, hp = hPrev + b * H
        for j in 0..<H {
            let r = gr[j], z = gz[j], n = gn[j], d = dhb[j]
            let dan = d * (1 - z) * (1 - n * n)
            let daz = d * (hp[j] - n) * z * (1 - z)
            let dar = dan * sn[j] * r * (1 - r)
            dir[j] = dar; diz[j] = daz; din[j] = dan
            dhr[j] = dar; dhz[j] = daz; dhn[j] = dan * r
            dd[j] = d * z
        }
    }
}
