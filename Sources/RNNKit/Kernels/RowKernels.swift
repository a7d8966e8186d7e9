// Row-wise helpers shared by layers: broadcasting a bias, summing rows for a bias gradient,
// and strided row copies. Matrices are row-major with an explicit leading dimension.

/// Sets every row of `c` (rows, cols; leading dimension ldc) to `bias` (cols), or to zero when
/// `bias` is nil.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func fillRows<Scalar: RNNScalar>(
    _ c: UnsafeMutablePointer<Scalar>, rows: Int, cols: Int, ldc: Int, bias: UnsafePointer<Scalar>?
) {
    for r in 0..<rows {
        let row = c + r * ldc
        if let bias {
            row.update(from: bias, count: cols)
        } else {
            row.update(repeating: 0, count: cols)
        }
    }
}

/// Adds `bias` (cols) to every row of `c` (rows, cols; leading dimension ldc).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func addRows<Scalar: RNNScalar>(
    _ c: UnsafeMutablePointer<Scalar>, rows: Int, cols: Int, ldc: Int, bias: UnsafePointer<Scalar>
) {
    for r in 0..<rows {
        let row = c + r * ldc
        for j in 0..<cols { row[j] += bias[j] }
    }
}

/// Adds the column sums of `a` (rows, cols; leading dimension lda) into `sum` (cols):
/// the gradient of a bias broadcast over rows.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func accumulateColumnSums<Scalar: RNNScalar>(
    _ a: UnsafePointer<Scalar>, rows: Int, cols: Int, lda: Int, into sum: UnsafeMutablePointer<Scalar>
) {
    for r in 0..<rows {
        let row = a + r * lda
        for j in 0..<cols { sum[j] += row[j] }
    }
}

/// Σ x[0 ..< count] in eight interleaved partial sums (x[i] goes to sum i mod 8), added pairwise
/// at the end: one vector of adds per eight elements instead of a chain of dependent adds (the
/// gradient of a bias over a plane of positions).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func interleavedSum<Scalar: RNNScalar>(_ x: UnsafePointer<Scalar>, count: Int) -> Scalar {
    var s0 = Scalar(0), s1 = Scalar(0), s2 = Scalar(0), s3 = Scalar(0)
    var s4 = Scalar(0), s5 = Scalar(0), s6 = Scalar(0), s7 = Scalar(0)
    var i = 0
    while i + 8 <= count {
        s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3]
        s4 += x[i + 4]; s5 += x[i + 5]; s6 += x[i + 6]; s7 += x[i + 7]
        i += 8
    }
    var tail = Scalar(0)
    while i < count { tail += x[i]; i += 1 }
    return (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) + tail
}

/// Copies `rows` rows of `cols` elements from `src` (leading dimension lds) to `dst`
/// (leading dimension ldd).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func copyRows<Scalar: RNNScalar>(
    _ src: UnsafePointer<Scalar>, lds: Int, to dst: UnsafeMutablePointer<Scalar>, ldd: Int, rows: Int, cols: Int
) {
    for r in 0..<rows {
        (dst + r * ldd).update(from: src + r * lds, count: cols)
    }
}

/// Writes the state rows `h` (B, H) into one time step of an output `out` (B rows, leading
/// dimension ldo): active rows are copied, rows with lengths[b] <= t (padding) are zeroed.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func writeOutputStep<Scalar: RNNScalar>(
    _ h: UnsafePointer<Scalar>, batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    to out: UnsafeMutablePointer<Scalar>, ldo: Int
) {
    for b in 0..<batch {
        let dst = out + b * ldo
        if let lengths, t >= lengths[b] {
            dst.update(repeating: 0, count: H)
        } else {
            dst.update(from: h + b * H, count: H)
        }
    }
}

/// Adds one time step of an output gradient `dOut` (B rows, leading dimension ldo) into
/// `dh` (B, H), skipping padding rows (lengths[b] <= t), whose outputs are constant zeros.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func addOutputGradientStep<Scalar: RNNScalar>(
    _ dOut: UnsafePointer<Scalar>, ldo: Int, batch: Int, hidden H: Int, t: Int,
    lengths: UnsafePointer<Int>?, into dh: UnsafeMutablePointer<Scalar>
) {
    for b in 0..<batch {
        if let lengths, t >= lengths[b] { continue }
        let src = dOut + b * ldo, dst = dh + b * H
        for j in 0..<H { dst[j] += src[j] }
    }
}
