// LSTM pointwise step, forward and backward side by side. The GEMMs (input projection for all
// steps, recurrent product per step, weight gradients after the loop) are done by the caller;
// these kernels do everything elementwise for one time step over a (B, 4H) gate buffer.
// Rows b with lengths[b] <= t are inactive (packed-sequence padding): state passes through.

// MARK: - Forward

/// One LSTM step, pointwise.
/// - gates: (B, 4H) in: pre-activations a = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh;
///          out: activated [i | f | g | o].
/// - hPrev, cPrev: (B, H) previous state. hOut, cOut: (B, H) new state. tanhC: (B, H) tanh(c_t).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func lstmStepForwardReference<Scalar: RNNScalar>(
    batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    gates: UnsafeMutablePointer<Scalar>,
    hPrev: UnsafePointer<Scalar>, cPrev: UnsafePointer<Scalar>,
    hOut: UnsafeMutablePointer<Scalar>, cOut: UnsafeMutablePointer<Scalar>,
    tanhC: UnsafeMutablePointer<Scalar>
) {
    for b in 0..<batch {
        let hp = hPrev + b * H, cp = cPrev + b * H
        let ho = hOut + b * H, co = cOut + b * H, tc = tanhC + b * H
        if let lengths, t >= lengths[b] {
            ho.update(from: hp, count: H)
            co.update(from: cp, count: H)
            continue
        }
        let gi = gates + b * 4 * H, gf = gi + H, gg = gf + H, go = gg + H
        for j in 0..<H {
            let i = Scalar.sigmoid(gi[j]), f = Scalar.sigmoid(gf[j])
            let g = Scalar.tanh(gg[j]), o = Scalar.sigmoid(go[j])
            let c = f * cp[j] + i * g
            let th = Scalar.tanh(c)
            gi[j] = i; gf[j] = f; gg[j] = g; go[j] = o
            co[j] = c
            tc[j] = th
            ho[j] = o * th
        }
    }
}

// MARK: - Backward

/// The exact backward of `lstmStepForward` for one step.
/// - dh: (B, H) dL/dh_t (output gradient plus the carry from step t+1).
/// - dc: (B, H) in: dL/dc_t from step t+1; out: dL/dc_{t−1}.
/// - gates: (B, 4H) the activated [i | f | g | o] saved by the forward step.
/// - cPrev, tanhC: (B, H) saved by the forward step.
/// - dGates: (B, 4H) out: dL/da, the gradient of the pre-activations (zero for inactive rows).
/// - dhDirect: (B, H) out: the part of dL/dh_{t−1} not flowing through W_hh (zero, or dh for
///   inactive rows); the caller adds dGates·W_hh.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func lstmStepBackwardReference<Scalar: RNNScalar>(
    batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    dh: UnsafePointer<Scalar>, dc: UnsafeMutablePointer<Scalar>,
    gates: UnsafePointer<Scalar>, cPrev: UnsafePointer<Scalar>, tanhC: UnsafePointer<Scalar>,
    dGates: UnsafeMutablePointer<Scalar>, dhDirect: UnsafeMutablePointer<Scalar>
) {
    for b in 0..<batch {
        let dhb = dh + b * H, dcb = dc + b * H, dd = dhDirect + b * H
        let dgi = dGates + b * 4 * H, dgf = dgi + H, dgg = dgf + H, dgo = dgg + H
        if let lengths, t >= lengths[b] {
            dd.update(from: dhb, count: H)            // dc passes through unchanged
            dgi.update(repeating: 0, count: 4 * H)
            continue
        }
        let gi = gates + b * 4 * H, gf = gi + H, gg = gf + H, go = gg + H
        let cp = cPrev + b * H, tc = tanhC + b * H
        for j in 0..<H {
            let i = gi[j], f = gf[j], g = gg[j], o = go[j], th = tc[j]
            let dcTotal = dcb[j] + dhb[j] * o * (1 - th * th)
            dgi[j] = dcTotal * g * i * (1 - i)
            dgf[j] = dcTotal * cp[j] * f * (1 - f)
            dgg[j] = dcTotal * i * (1 - g * g)
            dgo[j] = dhb[j] * th * o * (1 - o)
            dcb[j] = dcTotal * f
            dd[j] = 0
        }
    }
}
