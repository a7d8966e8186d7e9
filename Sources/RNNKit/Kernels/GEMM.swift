// Matrix products: the one entry point every layer calls.
//
// Row-major storage throughout. For an M×K matrix A stored row-major with leading dimension lda,
// element (i, p) is a[i·lda + p]; op(A) = A or Aᵀ. Shapes:
//   C (M, N) = alpha · op(A) (M, K) · op(B) (K, N) + beta · C (M, N)
// beta == 0 overwrites C without reading it (NaNs in C do not propagate).

/// C = alpha·op(A)·op(B) + beta·C, row-major. `Float` runs the fast kernels, `Double` the
/// reference kernel.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gemm<Scalar: RNNScalar>(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
    b: UnsafePointer<Scalar>, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
) {
    gemmReference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                  b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
}
