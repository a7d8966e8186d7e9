// The fast convolution: im2col and one GEMM per image (Im2col.swift), threaded over the batch.
// Letters as in ConvolutionGeometry.swift.
//   forward   per image b:  X̂_b = im2col(x_b) (K, Ho·Wo);  y_b (O, Ho·Wo) = W (O, K) · X̂_b + b
//   backward  per image b:  dW (O, K) += dy_b · X̂_bᵀ;  db (O) += Σ dy_b;
//                           dx_b = col2im(Wᵀ (K, O) · dy_b)
// Fused calls hand each image's output (or take each image's output gradient) one image at a
// time, through a buffer of its piece, instead of a whole-batch tensor.
// The batch is cut into a fixed number of pieces (`ConvolutionWorkspace.pieceCount`, which
// depends on B only), each with its own patch buffer and its own dW, db partial sums; the
// partial sums are added in piece order, so results do not depend on the number of threads.

/// The reusable buffers of one convolution layer: per piece of the batch, a patch matrix
/// X̂ (K, Ho·Wo), its gradient, and partial weight and bias gradients (O, K), (O).
final class ConvolutionWorkspace<Scalar: RNNScalar> {
    private var patches: [ScratchBuffer<Scalar>] = []        // per piece (K, Ho·Wo)
    private var dPatches: [ScratchBuffer<Scalar>] = []       // per piece (K, Ho·Wo)
    private var dWeights: [ScratchBuffer<Scalar>] = []       // per piece (O·K + O): dW then db
    private var images: [ScratchBuffer<Scalar>] = []         // per piece (O, Ho·Wo): one image's y or dy (fused calls)

    /// The pieces a batch of B images is cut into: up to 8, at least one image each.
    static func pieceCount(batch B: Int) -> Int { max(1, min(B, 8)) }

    /// Makes room for `pieces` pieces of geometry `g`.
    func reserve(pieces: Int, _ g: ConvolutionGeometry) {
        while patches.count < pieces {
            patches.append(ScratchBuffer()); dPatches.append(ScratchBuffer()); dWeights.append(ScratchBuffer())
            images.append(ScratchBuffer())
        }
        for p in 0..<pieces {
            patches[p].ensure(g.patchSize * g.outputPlane)
            dPatches[p].ensure(g.patchSize * g.outputPlane)
            dWeights[p].ensure(g.outChannels * (g.patchSize + 1))
            images[p].ensure(g.outChannels * g.outputPlane)
        }
    }

    func patch(_ piece: Int) -> UnsafeMutablePointer<Scalar> { patches[piece].pointer }
    func dPatch(_ piece: Int) -> UnsafeMutablePointer<Scalar> { dPatches[piece].pointer }
    func dWeight(_ piece: Int) -> UnsafeMutablePointer<Scalar> { dWeights[piece].pointer }
    func image(_ piece: Int) -> UnsafeMutablePointer<Scalar> { images[piece].pointer }
}

/// The images of piece `p` of `pieces` over a batch of B.
@inline(__always)
private func pieceRange(_ p: Int, of pieces: Int, batch B: Int) -> Range<Int> {
    (p * B / pieces)..<((p + 1) * B / pieces)
}

/// Whether the patch matrix of an image is the image itself (a 1×1 kernel, stride 1, no padding).
private func isPointwise(_ g: ConvolutionGeometry) -> Bool {
    g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideHeight == 1 && g.strideWidth == 1
        && g.paddingHeight == 0 && g.paddingWidth == 0
}

// MARK: - Forward

/// y (B, O, Ho, Wo) = conv(x (B, C, H, W), weight (O, C, kH, kW)) + bias (O) or nil: im2col and
/// one GEMM per image, the pieces of the batch on the thread pool.
///
/// Fused use: with `y` nil, each image's output y_b (O, Ho·Wo) goes to a buffer of its piece and
/// `epilogue(b, y_b)` runs right after it, while y_b is still in cache (a pooling that keeps
/// only what it needs, so the whole batch's y is never stored); epilogues run concurrently for
/// images of different pieces.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func convolutionForward<Scalar: RNNScalar>(
    _ g: ConvolutionGeometry, batch B: Int, x: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>,
    bias: UnsafePointer<Scalar>?, y: UnsafeMutablePointer<Scalar>?, workspace: ConvolutionWorkspace<Scalar>,
    epilogue: ((_ image: Int, _ output: UnsafeMutablePointer<Scalar>) -> Void)? = nil
) {
    precondition(y != nil || epilogue != nil, "convolutionForward: an output or an epilogue")
    let O = g.outChannels, K = g.patchSize, N = g.outputPlane
    guard B > 0, N > 0 else { return }
    let pieces = ConvolutionWorkspace<Scalar>.pieceCount(batch: B)
    workspace.reserve(pieces: pieces, g)
    parallelFor(count: pieces) { p in
        let cols = workspace.patch(p)                                           // (K, Ho·Wo)
        for b in pieceRange(p, of: pieces, batch: B) {
            let xb = x + b * g.inputCount, yb = y.map { $0 + b * O * N } ?? workspace.image(p)   // (C, H, W), (O, Ho·Wo)
            let patches: UnsafePointer<Scalar>
            if isPointwise(g) { patches = xb } else { im2col(xb, g, into: cols); patches = UnsafePointer(cols) }
            if let bias {
                for o in 0..<O { (yb + o * N).update(repeating: bias[o], count: N) }
            }
            gemm(transA: false, transB: false, m: O, n: N, k: K, alpha: 1, a: weight, lda: K,
                 b: patches, ldb: N, beta: bias == nil ? 0 : 1, c: yb, ldc: N)
            epilogue?(b, yb)
        }
    }
}

// MARK: - Backward

/// The exact backward of `convolutionForward`: from dy (B, O, Ho, Wo), adds dweight
/// (O, C, kH, kW) and dbias (O) (if given) and overwrites dx (B, C, H, W) (if given).
///
/// Fused use: with `dy` nil, `prologue(b, dy_b)` writes each image's dy_b (O, Ho·Wo) into a
/// buffer of its piece just before it is used (the backward of a pooling that scatters into
/// it), so the whole batch's dy is never stored; prologues run concurrently for images of
/// different pieces.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func convolutionBackward<Scalar: RNNScalar>(
    _ g: ConvolutionGeometry, batch B: Int, x: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>,
    dy: UnsafePointer<Scalar>?, dWeight: UnsafeMutablePointer<Scalar>, dBias: UnsafeMutablePointer<Scalar>?,
    dx: UnsafeMutablePointer<Scalar>?, workspace: ConvolutionWorkspace<Scalar>,
    prologue: ((_ image: Int, _ dOutput: UnsafeMutablePointer<Scalar>) -> Void)? = nil
) {
    precondition(dy != nil || prologue != nil, "convolutionBackward: a gradient or a prologue")
    let O = g.outChannels, K = g.patchSize, N = g.outputPlane
    guard B > 0 else { return }
    if N == 0 { dx?.update(repeating: 0, count: B * g.inputCount); return }
    let pieces = ConvolutionWorkspace<Scalar>.pieceCount(batch: B)
    workspace.reserve(pieces: pieces, g)
    parallelFor(count: pieces) { p in
        let cols = workspace.patch(p), dCols = workspace.dPatch(p)            // (K, Ho·Wo) each
        let dw = workspace.dWeight(p), db = dw + O * K                        // (O, K), (O)
        dw.update(repeating: 0, count: O * (K + 1))
        for b in pieceRange(p, of: pieces, batch: B) {
            let xb = x + b * g.inputCount                                      // (C, H, W)
            let dyb: UnsafePointer<Scalar>                                     // (O, Ho·Wo)
            if let dy { dyb = dy + b * O * N } else { prologue!(b, workspace.image(p)); dyb = UnsafePointer(workspace.image(p)) }
            let patches: UnsafePointer<Scalar>
            if isPointwise(g) { patches = xb } else { im2col(xb, g, into: cols); patches = UnsafePointer(cols) }
            gemm(transA: false, transB: true, m: O, n: K, k: N, alpha: 1, a: dyb, lda: N,
                 b: patches, ldb: N, beta: 1, c: dw, ldc: K)                  // dW += dy_b · X̂_bᵀ
            for o in 0..<O { db[o] += interleavedSum(dyb + o * N, count: N) }
            guard let dx else { continue }
            let dxb = dx + b * g.inputCount                                    // (C, H, W)
            if isPointwise(g) {
                gemm(transA: true, transB: false, m: K, n: N, k: O, alpha: 1, a: weight, lda: K,
                     b: dyb, ldb: N, beta: 0, c: dxb, ldc: N)
            } else {
                gemm(transA: true, transB: false, m: K, n: N, k: O, alpha: 1, a: weight, lda: K,
                     b: dyb, ldb: N, beta: 0, c: dCols, ldc: N)               // dX̂ = Wᵀ · dy_b
                dxb.update(repeating: 0, count: g.inputCount)
                col2im(dCols, g, addingInto: dxb)
            }
        }
    }
    for p in 0..<pieces {                                                      // in piece order
        let dw = workspace.dWeight(p)
        for i in 0..<(O * K) { dWeight[i] += dw[i] }
        if let dBias { for o in 0..<O { dBias[o] += dw[O * K + o] } }
    }
}
