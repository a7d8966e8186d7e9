import CRNNKernels

// The attention's inner loops (Attention.swift), each as a naive generic reference and a fast
// path: for Float the vectorised C kernels of CRNNKernels/attention.c (AVX-512, AVX2+FMA or
// portable vectors, chosen at run time), for Double the reference. AttentionKernelTests check
// fast == reference on odd widths.
//
// Rows of the (S, B, ·) buffers are r = s·B + b; the loops run in that order, so that the large
// per-step buffers (u, keys, memory and their gradients) are read once, front to back.

// MARK: - Additive scores (forward)

/// u[r] = tanh(wq[b] + keys[r]) and e[b·S + s] = v · u[r] for s < S and the first R of B
/// sequences: keys and u (S, B, A), wq (B, A), v (A), e (B, S).
func additiveScoresReference<Scalar: RNNScalar>(
    steps S: Int, batch B: Int, rows R: Int, width A: Int, keys: UnsafePointer<Scalar>, query wq: UnsafePointer<Scalar>,
    v: UnsafePointer<Scalar>, hidden u: UnsafeMutablePointer<Scalar>, scores e: UnsafeMutablePointer<Scalar>
) {
    for s in 0..<S {
        for b in 0..<R {
            let row = u + (s * B + b) * A, k = keys + (s * B + b) * A, q = wq + b * A
            var score = 0.0
            for a in 0..<A {
                row[a] = Scalar.tanh(q[a] + k[a])
                score += Double(v[a] * row[a])
            }
            e[b * S + s] = Scalar(score)
        }
    }
}

@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func additiveScores<Scalar: RNNScalar>(
    steps S: Int, batch B: Int, rows R: Int, width A: Int, keys: UnsafePointer<Scalar>, query wq: UnsafePointer<Scalar>,
    v: UnsafePointer<Scalar>, hidden u: UnsafeMutablePointer<Scalar>, scores e: UnsafeMutablePointer<Scalar>
) {
    guard Scalar.self == Float.self else {
        return additiveScoresReference(steps: S, batch: B, rows: R, width: A, keys: keys, query: wq, v: v, hidden: u, scores: e)
    }
    rnnkit_additive_scores_f32(S, B, R, A, float(keys), float(wq), float(v), float(u), float(e))
}

// MARK: - Backward of one step, in memory order

/// The additive score's backward for the first R of B sequences and s < lengths[b], s then b:
/// with d = de[b·S + s] and x = u[r], du = d·v ⊙ (1 − x²); dk[r] += du; dq[b] += du; dv += d·x.
/// u and dk (S, B, A), de (B, S), dq (B, A), v and dv (A).
func additiveBackwardReference<Scalar: RNNScalar>(
    steps S: Int, batch B: Int, rows R: Int, width A: Int, lengths: UnsafePointer<Int>, de: UnsafePointer<Scalar>,
    hidden u: UnsafePointer<Scalar>, v: UnsafePointer<Scalar>, dv: UnsafeMutablePointer<Scalar>,
    dKeys dk: UnsafeMutablePointer<Scalar>, dQuery dq: UnsafeMutablePointer<Scalar>
) {
    for s in 0..<S {
        for b in 0..<R where s < lengths[b] {
            let d = de[b * S + s], x = u + (s * B + b) * A, dkr = dk + (s * B + b) * A, dqb = dq + b * A
            for a in 0..<A {
                let du = d * v[a] * (1 - x[a] * x[a])
                dkr[a] += du
                dqb[a] += du
                dv[a] += d * x[a]
            }
        }
    }
}

@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func additiveBackward<Scalar: RNNScalar>(
    steps S: Int, batch B: Int, rows R: Int, width A: Int, lengths: UnsafePointer<Int>, de: UnsafePointer<Scalar>,
    hidden u: UnsafePointer<Scalar>, v: UnsafePointer<Scalar>, dv: UnsafeMutablePointer<Scalar>,
    dKeys dk: UnsafeMutablePointer<Scalar>, dQuery dq: UnsafeMutablePointer<Scalar>
) {
    guard Scalar.self == Float.self else {
        return additiveBackwardReference(steps: S, batch: B, rows: R, width: A, lengths: lengths, de: de, hidden: u, v: v,
                                         dv: dv, dKeys: dk, dQuery: dq)
    }
    rnnkit_additive_backward_f32(S, B, R, A, lengths, float(de), float(u), float(v), float(dv), float(dk), float(dq))
}

/// The context's backward for the first R of B sequences and s < lengths[b], s then b:
/// de[b·S + s] = dc[b] · m[r] (+ direct[b·S + s]); dm[r] += α[b·S + s]·dc[b].
/// m and dm (S, B, C), α, direct and de (B, S), dc (B, C).
func contextBackwardReference<Scalar: RNNScalar>(
    steps S: Int, batch B: Int, rows R: Int, width C: Int, lengths: UnsafePointer<Int>, weights alpha: UnsafePointer<Scalar>,
    dContext dc: UnsafePointer<Scalar>, memory m: UnsafePointer<Scalar>, dMemory dm: UnsafeMutablePointer<Scalar>,
    direct: UnsafePointer<Scalar>?, de: UnsafeMutablePointer<Scalar>
) {
    for s in 0..<S {
        for b in 0..<R where s < lengths[b] {
            let ms = m + (s * B + b) * C, dms = dm + (s * B + b) * C, dcb = dc + b * C, a = alpha[b * S + s]
            var dot = Scalar(0)
            for j in 0..<C {
                dot += dcb[j] * ms[j]
                dms[j] += a * dcb[j]
            }
            de[b * S + s] = dot + (direct?[b * S + s] ?? 0)
        }
    }
}

@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func contextBackward<Scalar: RNNScalar>(
    steps S: Int, batch B: Int, rows R: Int, width C: Int, lengths: UnsafePointer<Int>, weights alpha: UnsafePointer<Scalar>,
    dContext dc: UnsafePointer<Scalar>, memory m: UnsafePointer<Scalar>, dMemory dm: UnsafeMutablePointer<Scalar>,
    direct: UnsafePointer<Scalar>?, de: UnsafeMutablePointer<Scalar>
) {
    guard Scalar.self == Float.self else {
        return contextBackwardReference(steps: S, batch: B, rows: R, width: C, lengths: lengths, weights: alpha, dContext: dc,
                                        memory: m, dMemory: dm, direct: direct, de: de)
    }
    rnnkit_context_backward_f32(S, B, R, C, lengths, float(alpha), float(dc), float(m), float(dm), direct.map(float), float(de))
}
