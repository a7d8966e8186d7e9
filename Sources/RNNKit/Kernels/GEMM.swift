// Matrix products: the one entry point every layer calls.
//
// Row-major storage throughout. For an M×K matrix A stored row-major with leading dimension lda,
// element (i, p) is a[i·lda + p]; op(A) = A or Aᵀ. Shapes:
//   C (M, N) = alpha · op(A) (M, K) · op(B) (K, N) + beta · C (M, N)
// beta == 0 overwrites C without reading it (NaNs in C do not propagate).

import CRNNKernels

/// C = alpha·op(A)·op(B) + beta·C, row-major. `Float` runs the fast kernels (`GEMMKernel.best`,
/// on several threads when the product is large), `Double` the reference kernel.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gemm<Scalar: RNNScalar>(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
    b: UnsafePointer<Scalar>, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
) {
    if Scalar.self == Float.self {
        sgemm(transA: transA, transB: transB, m: m, n: n, k: k,
              alpha: Float(alpha), a: UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), lda: lda,
              b: UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), ldb: ldb,
              beta: Float(beta), c: UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), ldc: ldc)
    } else {
        gemmReference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                      b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

/// The work below which a product stays on one thread: waking a second thread and sharing
/// the packing costs several microseconds, about 2 % of 16 MFLOP at 200 GFLOP/s.
let gemmFlopsPerThread = 16_000_000

/// Single-precision C = alpha·op(A)·op(B) + beta·C on `kernel`, using up to `maxThreads`
/// threads (default `Compute.threadCount`) and at most one per `flopsPerThread` (tests
/// lower it to split small products).
///
/// A parallel product is cut into pieces, along M when M > N (each piece then packs all of
/// op(B)) and along N otherwise (each piece packs all of op(A)), so the repeated packing is
/// the smaller one. There is one piece per thread, and up to four per thread while pieces
/// stay at least 512 long (so that repacking costs under about 5 %): threads that the
/// machine slows down then take fewer pieces.
func sgemm(
    kernel: GEMMKernel = .best, maxThreads: Int? = nil, flopsPerThread: Int = gemmFlopsPerThread,
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative dimension \(m)×\(k)×\(n)")
    precondition(lda >= max(1, transA ? m : k) && ldb >= max(1, transB ? k : n) && ldc >= max(1, n),
                 "gemm: leading dimension shorter than a row")
    let flops = 2 * m * n * k
    let threadLimit = maxThreads ?? (flops >= 2 * flopsPerThread ? Compute.threadCount : 1)
    let threads = min(threadLimit, flops / flopsPerThread)

    /// C[rows, columns] of the product, on the calling thread.
    func block(rows: Range<Int>, columns: Range<Int>) {
        let a0 = transA ? a + rows.lowerBound : a + rows.lowerBound * lda
        let b0 = transB ? b + columns.lowerBound * ldb : b + columns.lowerBound
        let c0 = c + rows.lowerBound * ldc + columns.lowerBound
        let status = crnn_sgemm(kernel.id, transA ? 1 : 0, transB ? 1 : 0,
                                rows.count, columns.count, k, alpha, a0, lda, b0, ldb, beta, c0, ldc)
        if status != 0 {  // no memory for packing (or an unsupported kernel): the slow way
            gemmReference(transA: transA, transB: transB, m: rows.count, n: columns.count, k: k,
                          alpha: alpha, a: a0, lda: lda, b: b0, ldb: ldb, beta: beta, c: c0, ldc: ldc)
        }
    }
    if threads <= 1 {
        block(rows: 0..<m, columns: 0..<n)
        return
    }
    let splitRows = m > n
    let length = splitRows ? m : n
    let unit = splitRows ? 48 : 64  // whole register tiles of every kernel (MR | 48, NR | 64)
    let wanted = max(threads, min(4 * threads, length / 512))
    let pieceLength = ((length + wanted - 1) / wanted + unit - 1) / unit * unit
    let pieces = (length + pieceLength - 1) / pieceLength
    parallelFor(count: pieces, maxThreads: threads) { piece in
        let range = piece * pieceLength..<min(length, (piece + 1) * pieceLength)
        if splitRows { block(rows: range, columns: 0..<n) } else { block(rows: 0..<m, columns: range) }
    }
}
