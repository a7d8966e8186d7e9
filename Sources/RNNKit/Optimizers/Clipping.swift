// Gradient clipping over a whole arena, as PyTorch's `torch.nn.utils.clip_grad_norm_` and
// `clip_grad_value_` compute it on the CPU in float32:
//
//   n_k   = ‖g_k‖₂ for each parameter tensor k        (vectorised sum of squares, then √)
//   total = ‖(n_1, …, n_K)‖₂                           (the same kernel over the K norms)
//   coef  = min(1, max · 1/(total + 1e-6))             (float32: PyTorch forms max/(…) as
//                                                       reciprocal times max)
//   g    ← coef · g                                    (when max > 0)
//
// The sums of squares follow PyTorch's vectorised float32 norm kernel (its AVX2 build, which
// PyTorch also runs on AVX-512 machines): 32-byte lanes (8 `Float`s) accumulate x·x with a
// separate multiply and add, the lanes are added first to last, and the elements left over
// are added with fused multiply-adds. Measured against PyTorch 2.15, this reproduces its
// norms bit for bit.

/// Scales all gradients of `arena` so that their global L2 norm is at most `maxNorm`, and
/// returns the norm before clipping (PyTorch's `clip_grad_norm_`).
///
///     total = ‖all gradients concatenated‖₂,   g ← g · min(1, maxNorm / (total + 1e-6))
///
/// - Parameters:
///   - arena: the parameters whose accumulated gradients are clipped in place.
///   - maxNorm: the largest norm allowed; zero or negative only measures (nothing is scaled).
/// - Returns: `total`, the norm before clipping (NaN or infinity if a gradient is not finite;
///   then, as in PyTorch, clipping spreads the NaN).
@discardableResult
public func clipGradientNorm<Scalar: RNNScalar>(_ arena: ParameterArena<Scalar>, maxNorm: Scalar) -> Scalar {
    // Each parameter's norm in PyTorch's order; parameters spread over the threads when large.
    var norms = [Scalar](repeating: 0, count: arena.entries.count)
    norms.withUnsafeMutableBufferPointer { out in
        parallelFor(count: out.count, maxThreads: arena.count / parallelElementsPerThread) { i in
            let e = arena.entries[i]
            out[i] = sumOfSquares(arena.gradientPointer(e), count: e.count).squareRoot()
        }
    }
    guard !norms.isEmpty else { return 0 }
    let total = norms.withUnsafeBufferPointer { sumOfSquares($0.baseAddress!, count: $0.count).squareRoot() }
    guard maxNorm > 0 else { return total }
    let coefficient = (1 / (total + Scalar(1e-6))) * maxNorm
    // `clamp(max: 1)`; written so that NaN passes through as it does in PyTorch.
    let clamped = coefficient > 1 ? 1 : coefficient
    if clamped != 1 {
        forEachSlice(count: arena.count) { k, n in scaleGradients(arena.gradients + k, count: n, by: clamped) }
    }
    return total
}

/// Clamps every gradient of `arena` to `[-clipValue, clipValue]` (PyTorch's
/// `clip_grad_value_`): g ← min(max(g, −clipValue), clipValue). NaN gradients stay NaN.
/// - Throws: `RNNKitError` if `clipValue` is negative or NaN.
public func clipGradientValue<Scalar: RNNScalar>(_ arena: ParameterArena<Scalar>, clipValue: Scalar) throws {
    guard clipValue >= 0 else {
        throw RNNKitError("the gradient clip value must be zero or positive, got \(clipValue)")
    }
    forEachSlice(count: arena.count) { k, n in clampGradients(arena.gradients + k, count: n, limit: clipValue) }
}

// MARK: - Kernels

/// Σ x_k² over `count` elements in PyTorch's float order: 32-byte lanes of x·x (multiply, then
/// add), lanes summed first to last, then the remaining elements by fused multiply-adds.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func sumOfSquares<Scalar: RNNScalar>(_ x: UnsafePointer<Scalar>, count: Int) -> Scalar {
    let lanes = 32 / MemoryLayout<Scalar>.size
    let vectorEnd = count - count % lanes
    return withUnsafeTemporaryAllocation(of: Scalar.self, capacity: lanes) { acc in
        acc.initialize(repeating: 0)
        var i = 0
        while i < vectorEnd {
            for l in 0..<lanes {
                acc[l] += x[i + l] * x[i + l]
            }
            i += lanes
        }
        var total = acc[0]
        for l in 1..<lanes {
            total += acc[l]
        }
        for k in vectorEnd..<count {
            total = total.addingProduct(x[k], x[k])
        }
        return total
    }
}

/// g_k ← g_k · factor for `count` elements.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func scaleGradients<Scalar: RNNScalar>(_ g: UnsafeMutablePointer<Scalar>, count: Int, by factor: Scalar) {
    for k in 0..<count {
        g[k] *= factor
    }
}

/// g_k ← min(max(g_k, −limit), limit) for `count` elements, keeping NaN.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func clampGradients<Scalar: RNNScalar>(_ g: UnsafeMutablePointer<Scalar>, count: Int, limit: Scalar) {
    for k in 0..<count {
        if g[k] < -limit {
            g[k] = -limit
        } else if g[k] > limit {
            g[k] = limit
        }
    }
}
