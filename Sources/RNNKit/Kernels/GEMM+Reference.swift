/// The naive reference GEMM: C = alpha·op(A)·op(B) + beta·C, row-major, accumulating in
/// `Scalar`. An algorithmic reference for the fast kernels and the path `Double` takes.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gemmReference<Scalar: RNNScalar>(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
    b: UnsafePointer<Scalar>, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
) {
    for i in 0..<m {
        let ci = c + i * ldc
        if beta == 0 {
            ci.update(repeating: 0, count: n)
        } else if beta != 1 {
            for j in 0..<n { ci[j] *= beta }
        }
        if k == 0 || alpha == 0 { continue }
        for p in 0..<k {
            let aip = alpha * (transA ? a[p * lda + i] : a[i * lda + p])
            if transB {
                for j in 0..<n { ci[j] += aip * b[j * ldb + p] }
            } else {
                let bp = b + p * ldb
                for j in 0..<n { ci[j] += aip * bp[j] }
            }
        }
    }
}
