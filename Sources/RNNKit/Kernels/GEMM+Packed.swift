// Products with a prepacked right operand: op(B) is packed into the kernel's layout once and
// used for many products, as W_hh is at every time step of a recurrent layer.

import CRNNKernels

/// op(B) (K, N) prepared once for many products C = alpha·op(A)·op(B) + beta·C with
/// different A: the recurrent product h_{t-1}·W_hhᵀ uses the same W_hh at all T time steps.
///
/// A plain product packs op(B) on every call; for a batch of 20 that is about a fifth of its
/// time, and more when B is transposed. Use it for small M (a batch of rows): for M in the
/// hundreds the plain product measured faster. Call `pack` again whenever B changes (after
/// an optimizer step). `Float` packs for the fast kernel; `Double` keeps a plain copy of op(B)
/// for the reference kernel.
final class GEMMPackedB<Scalar: RNNScalar> {
    /// Rows of op(B).
    let k: Int
    /// Columns of op(B).
    let n: Int
    /// The kernel whose layout the `Float` storage has.
    let kernel: GEMMKernel
    /// The kernel's packed layout (`Float`), or op(B) (K, N) row-major (`Double`).
    let storage: UnsafeMutablePointer<Scalar>
    private let count: Int

    /// Allocates room for op(B) (k, n); its contents are undefined until `pack`.
    init(k: Int, n: Int, kernel: GEMMKernel = .best) {
        precondition(k >= 0 && n >= 0, "GEMMPackedB: negative dimension \(k)×\(n)")
        self.k = k
        self.n = n
        self.kernel = kernel
        count = Scalar.self == Float.self ? crnn_sgemm_packed_b_count(kernel.id, k, n) : k * n
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { storage.deallocate() }

    /// Packs op(B) (k, n), where B is stored (k, n) or, if `transB`, (n, k) with leading
    /// dimension `ldb`.
    func pack(transB: Bool, b: UnsafePointer<Scalar>, ldb: Int) {
        precondition(ldb >= (transB ? k : n), "GEMMPackedB: leading dimension shorter than a row")
        if Scalar.self == Float.self {
            let status = crnn_sgemm_pack_b(kernel.id, transB ? 1 : 0, k, n,
                                           UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), ldb,
                                           UnsafeMutableRawPointer(storage).assumingMemoryBound(to: Float.self))
            precondition(status == 0, "GEMMPackedB: kernel \(kernel) is not supported here")
        } else {
            for p in 0..<k {
                for j in 0..<n { storage[p * n + j] = transB ? b[j * ldb + p] : b[p * ldb + j] }
            }
        }
    }
}

/// C = alpha·op(A)·B + beta·C with B = op(B) prepacked (K, N) in `packedB`; the same
/// threading, and the same results, as `gemm` with the unpacked B.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gemm<Scalar: RNNScalar>(
    transA: Bool, m: Int, alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
    packedB: GEMMPackedB<Scalar>,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int,
    maxThreads: Int? = nil, flopsPerThread: Int = gemmFlopsPerThread
) {
    let (k, n) = (packedB.k, packedB.n)
    precondition(m >= 0 && lda >= (transA ? m : k) && ldc >= n, "gemm: bad shape or leading dimension")
    guard Scalar.self == Float.self else {
        gemmReference(transA: transA, transB: false, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                      b: packedB.storage, ldb: n, beta: beta, c: c, ldc: ldc)
        return
    }
    let af = UnsafeRawPointer(a).assumingMemoryBound(to: Float.self)
    let bf = UnsafeRawPointer(packedB.storage).assumingMemoryBound(to: Float.self)
    let cf = UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self)
    forEachPiece(m: m, n: n, k: k, maxThreads: maxThreads, flopsPerThread: flopsPerThread) { rows, columns in
        let a0 = transA ? af + rows.lowerBound : af + rows.lowerBound * lda
        let c0 = cf + rows.lowerBound * ldc + columns.lowerBound
        let status = crnn_sgemm_prepacked(packedB.kernel.id, transA ? 1 : 0, rows.count, columns.count, k,
                                          Float(alpha), a0, lda, bf, n, columns.lowerBound,
                                          Float(beta), c0, ldc)
        precondition(status == 0, "gemm: no memory to pack A, or kernel \(packedB.kernel) unsupported")
    }
}
