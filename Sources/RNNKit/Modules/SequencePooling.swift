// Pooling a recurrent output over time: many-to-one, forward and backward side by side.
//
// out (T, B, F) with lengths (B); step t of sequence b is valid when t < len_b.
//   last   z_b = the top layer's final state h_n, both directions concatenated (read from the
//          stack's state, not from `out`: for the reverse direction it is the state at t = 0)
//   mean   z_b = Σ_{t<len_b} out_{t,b} / len_b           dOut_{t,b} = dz_b / len_b  (t < len_b)
//   max    z_{b,j} = max_{t<len_b} out_{t,b,j}            dOut_{argmax,b,j} = dz_{b,j}

/// How a many-to-one model turns a sequence of outputs into one vector.
public enum SequencePooling: String, Codable, Sendable, CaseIterable {
    /// The top layer's final state (both directions concatenated).
    case last
    /// The mean of the top layer's outputs over the valid steps.
    case mean
    /// The element-wise maximum of the top layer's outputs over the valid steps.
    case max
}

// MARK: - Forward

/// z (B, F) = the mean over the valid steps of out (T, B, F).
func meanPoolForward<Scalar: RNNScalar>(_ out: UnsafePointer<Scalar>, steps T: Int, batch B: Int, features F: Int,
                                        lengths: [Int], into z: UnsafeMutablePointer<Scalar>) {
    z.update(repeating: 0, count: B * F)
    for b in 0..<B {
        let zb = z + b * F
        for t in 0..<lengths[b] {
            let row = out + (t * B + b) * F
            for j in 0..<F { zb[j] += row[j] }
        }
        let n = Scalar(lengths[b])
        for j in 0..<F { zb[j] /= n }
    }
}

/// z (B, F) = the maximum over the valid steps of out (T, B, F); argmax (B, F) receives the
/// step of each maximum (the first one on ties).
func maxPoolForward<Scalar: RNNScalar>(_ out: UnsafePointer<Scalar>, steps T: Int, batch B: Int, features F: Int,
                                       lengths: [Int], into z: UnsafeMutablePointer<Scalar>,
                                       argmax: UnsafeMutablePointer<Int>) {
    for b in 0..<B {
        let zb = z + b * F, ab = argmax + b * F
        zb.update(from: out + b * F, count: F)
        ab.update(repeating: 0, count: F)
        for t in 1..<max(lengths[b], 1) {
            let row = out + (t * B + b) * F
            for j in 0..<F where row[j] > zb[j] {
                zb[j] = row[j]
                ab[j] = t
            }
        }
    }
}

// MARK: - Backward

/// dOut (T, B, F) = dz_b / len_b at the valid steps, 0 elsewhere.
func meanPoolBackward<Scalar: RNNScalar>(_ dz: UnsafePointer<Scalar>, steps T: Int, batch B: Int, features F: Int,
                                         lengths: [Int], into dOut: UnsafeMutablePointer<Scalar>) {
    dOut.update(repeating: 0, count: T * B * F)
    for b in 0..<B {
        let n = Scalar(lengths[b]), dzb = dz + b * F
        for t in 0..<lengths[b] {
            let row = dOut + (t * B + b) * F
            for j in 0..<F { row[j] = dzb[j] / n }
        }
    }
}

/// dOut (T, B, F) = dz at each maximum's step, 0 elsewhere.
func maxPoolBackward<Scalar: RNNScalar>(_ dz: UnsafePointer<Scalar>, argmax: UnsafePointer<Int>, steps T: Int,
                                        batch B: Int, features F: Int, into dOut: UnsafeMutablePointer<Scalar>) {
    dOut.update(repeating: 0, count: T * B * F)
    for b in 0..<B {
        for j in 0..<F { dOut[(argmax[b * F + j] * B + b) * F + j] = dz[b * F + j] }
    }
}
