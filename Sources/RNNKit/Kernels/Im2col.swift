// im2col and its adjoint col2im: a convolution as one GEMM per image.
//
// For one image x (C, H, W), the patch matrix X̂ (K, Ho·Wo) holds in column (oy, ox) the
// K = C·kH·kW input values under the kernel placed at output pixel (oy, ox), zeros where the
// kernel overhangs the padding:
//   X̂[(c·kH + i)·kW + j, oy·Wo + ox] = x[c, oy·sH − pH + i, ox·sW − pW + j]   (0 outside)
// Then y (O, Ho·Wo) = W (O, K) · X̂ + b, dW (O, K) += dy · X̂ᵀ, dX̂ (K, Ho·Wo) = Wᵀ · dy, and
// dx = col2im(dX̂), which adds each entry of dX̂ back onto the input pixel it was read from.

/// Fills `cols` (K, Ho·Wo) with the patches of one image `x` (C, H, W) (see the file comment).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func im2col<Scalar: RNNScalar>(_ x: UnsafePointer<Scalar>, _ g: ConvolutionGeometry,
                               into cols: UnsafeMutablePointer<Scalar>) {
    let H = g.height, W = g.width, Ho = g.outputHeight, Wo = g.outputWidth
    let kH = g.kernelHeight, kW = g.kernelWidth, sH = g.strideHeight, sW = g.strideWidth
    let pH = g.paddingHeight, pW = g.paddingWidth
    let sameWidth = sH == 1 && sW == 1 && Wo == W
    for c in 0..<g.inChannels {
        let plane = x + c * H * W                                          // (H, W)
        for i in 0..<kH {
            for j in 0..<kW {
                let row = cols + ((c * kH + i) * kW + j) * Ho * Wo         // (Ho, Wo)
                if sameWidth {
                    shiftedPlane(plane, height: H, width: W, rowShift: i - pH, columnShift: j - pW, outputHeight: Ho, into: row)
                    continue
                }
                for oy in 0..<Ho {
                    let iy = oy * sH - pH + i
                    let out = row + oy * Wo
                    guard iy >= 0 && iy < H else { out.update(repeating: 0, count: Wo); continue }
                    let src = plane + iy * W
                    if sW == 1 {
                        // ix = ox − pW + j runs over a contiguous span: zeros, a copy, zeros.
                        let first = max(0, pW - j), last = min(Wo, W + pW - j)   // ox in first..<last is inside
                        if first >= last { out.update(repeating: 0, count: Wo); continue }
                        out.update(repeating: 0, count: first)
                        (out + first).update(from: src + first - pW + j, count: last - first)
                        (out + last).update(repeating: 0, count: Wo - last)
                    } else {
                        for ox in 0..<Wo {
                            let ix = ox * sW - pW + j
                            out[ox] = ix >= 0 && ix < W ? src[ix] : 0
                        }
                    }
                }
            }
        }
    }
}

/// Where one row of the patch matrix of a "same" convolution (output as wide as the input, both
/// strides 1, e.g. 3 × 3 with padding 1) meets its input plane: out (Ho, W)[oy, ox] =
/// plane (H, W)[oy + dy, ox + dx], 0 outside. The valid rows are one contiguous run of the plane
/// shifted by dy·W + dx, except the |dx| columns per row that wrap into the neighbouring row —
/// a few calls per kernel offset instead of three per output row (small planes, e.g. 14 × 14).
private struct ShiftedRun {
    /// The output rows oy with 0 ≤ oy + dy < H.
    let firstRow: Int, lastRow: Int
    /// The flat positions of `out` that the run covers; position q reads plane[q + offset]. The
    /// first −dx (dx < 0) or last dx (dx > 0) positions of the valid rows are left out: they would
    /// fall before or after the plane, and are wrapped columns anyway.
    let start: Int, end: Int
    /// dy·W + dx.
    let offset: Int
    let width: Int, columnShift: Int
    /// Whether no output pixel reads the plane.
    var isEmpty: Bool { lastRow <= firstRow || abs(columnShift) >= width }

    @inline(__always)
    init(height H: Int, width W: Int, rowShift dy: Int, columnShift dx: Int, outputHeight Ho: Int) {
        firstRow = min(Ho, max(0, -dy))
        lastRow = max(firstRow, min(Ho, H - dy))
        start = firstRow * W + max(0, -dx)
        end = lastRow * W - max(0, dx)
        offset = dy * W + dx
        width = W
        columnShift = dx
    }

    /// Zeroes, in the valid rows of `out`, the columns whose pixel would wrap into the
    /// neighbouring row (ox < −dx, or ox ≥ W − dx).
    @inline(__always)
    func zeroWrappedColumns<Scalar: RNNScalar>(_ out: UnsafeMutablePointer<Scalar>) {
        let W = width, dx = columnShift
        guard dx != 0 else { return }
        for oy in firstRow..<lastRow {
            let r = out + oy * W
            if dx < 0 { for k in 0..<(-dx) { r[k] = 0 } } else { for k in (W - dx)..<W { r[k] = 0 } }
        }
    }
}

/// One row of the patch matrix of a "same" convolution (`ShiftedRun`): the plane shifted by
/// (dy, dx), zeros outside.
@inline(__always)
private func shiftedPlane<Scalar: RNNScalar>(_ plane: UnsafePointer<Scalar>, height H: Int, width W: Int, rowShift dy: Int,
                                             columnShift dx: Int, outputHeight Ho: Int, into out: UnsafeMutablePointer<Scalar>) {
    let run = ShiftedRun(height: H, width: W, rowShift: dy, columnShift: dx, outputHeight: Ho)
    guard !run.isEmpty else { out.update(repeating: 0, count: Ho * W); return }
    out.update(repeating: 0, count: run.firstRow * W)
    (out + run.lastRow * W).update(repeating: 0, count: (Ho - run.lastRow) * W)
    (out + run.start).update(from: plane + run.start + run.offset, count: run.end - run.start)
    run.zeroWrappedColumns(out)
}

/// The adjoint of `im2col`: adds every entry of `cols` (K, Ho·Wo) onto the pixel of `dx`
/// (C, H, W) it was read from (padding entries are dropped). `dx` is accumulated into, not
/// overwritten. `cols` is scratch: the entries that fall in the padding may be zeroed.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func col2im<Scalar: RNNScalar>(_ cols: UnsafeMutablePointer<Scalar>, _ g: ConvolutionGeometry,
                               addingInto dx: UnsafeMutablePointer<Scalar>) {
    let H = g.height, W = g.width, Ho = g.outputHeight, Wo = g.outputWidth
    let kH = g.kernelHeight, kW = g.kernelWidth, sH = g.strideHeight, sW = g.strideWidth
    let pH = g.paddingHeight, pW = g.paddingWidth
    let sameWidth = sH == 1 && sW == 1 && Wo == W
    for c in 0..<g.inChannels {
        let plane = dx + c * H * W                                         // (H, W)
        for i in 0..<kH {
            for j in 0..<kW {
                let row = cols + ((c * kH + i) * kW + j) * Ho * Wo         // (Ho, Wo)
                if sameWidth {
                    addShiftedPlane(row, height: H, width: W, rowShift: i - pH, columnShift: j - pW, outputHeight: Ho, into: plane)
                    continue
                }
                for oy in 0..<Ho {
                    let iy = oy * sH - pH + i
                    guard iy >= 0 && iy < H else { continue }
                    let src = row + oy * Wo, dst = plane + iy * W
                    let first = max(0, (pW - j + sW - 1) / sW)             // smallest ox with ix ≥ 0
                    let last = min(Wo, (W + pW - j + sW - 1) / sW)          // ox < last ⇔ ix < W
                    if first >= last { continue }
                    if sW == 1 {                                            // contiguous: a vectorised add
                        let d = dst + first - pW + j, s = src + first
                        for k in 0..<(last - first) { d[k] += s[k] }
                        continue
                    }
                    for ox in first..<last { dst[ox * sW - pW + j] += src[ox] }
                }
            }
        }
    }
}

/// The adjoint of `shiftedPlane`: plane (H, W)[oy + dy, ox + dx] += out (Ho, W)[oy, ox] wherever
/// that pixel is inside the plane. The wrapped columns are zeroed in `out` first, so the valid
/// rows add as one contiguous run. Each pixel of the plane receives at most one entry per call,
/// so the sums are the row-by-row loop's bit for bit.
@inline(__always)
private func addShiftedPlane<Scalar: RNNScalar>(_ out: UnsafeMutablePointer<Scalar>, height H: Int, width W: Int, rowShift dy: Int,
                                                columnShift dx: Int, outputHeight Ho: Int, into plane: UnsafeMutablePointer<Scalar>) {
    let run = ShiftedRun(height: H, width: W, rowShift: dy, columnShift: dx, outputHeight: Ho)
    guard !run.isEmpty else { return }
    run.zeroWrappedColumns(out)
    let d = plane + run.start + run.offset, s = out + run.start
    for k in 0..<(run.end - run.start) { d[k] += s[k] }
}
