import CRNNKernels

// MaxPool2d: PyTorch's nn.MaxPool2d (floor mode, no dilation), forward and backward side by side.
//
// N = B·C independent planes, H × W input, k × k window, stride s, padding p (windows are
// clipped to the image: PyTorch pads with −∞), Ho = (H + 2p − k) / s + 1.
//   forward   y[n, oy, ox] = max over the window of x[n, ·, ·]; the first maximum in row-major
//             window order is kept as the argmax (a NaN wins, as in PyTorch)
//   backward  dx = 0; dx[n, argmax[n, oy, ox]] += dy[n, oy, ox]

/// Max pooling over k × k windows, PyTorch's `nn.MaxPool2d(kernel_size, stride, padding)`:
/// x (B, C, H, W) → y (B, C, Ho, Wo). No parameters; each training `forward` saves its argmax
/// for the matching `backward` (last in first out, see `Module`).
public final class MaxPool2d<Scalar: RNNScalar>: Module {
    /// k, the window side.
    public let kernelSize: Int
    /// s, the step between windows (PyTorch's default: k).
    public let stride: Int
    /// p, the implicit −∞ border on each side (at most k / 2, as PyTorch requires).
    public let padding: Int
    /// Whether calls are saved for backward (training) or each replaces the last (evaluation).
    public var isTraining = true
    private var saved = CallTape<(shape: [Int], argmax: [Int32])>()

    /// Creates the layer.
    /// - Parameters:
    ///   - kernelSize: k (positive).
    ///   - stride: s (positive), nil for k.
    ///   - padding: p, 0 ≤ p ≤ k / 2.
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        precondition(kernelSize > 0 && (stride ?? 1) > 0, "MaxPool2d: kernel size and stride must be positive")
        precondition(padding >= 0 && padding <= kernelSize / 2, "MaxPool2d: padding must be in 0...kernelSize/2")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
    }

    /// The output side for an input side n: (n + 2p − k) / s + 1, or 0 when the window does not fit.
    public func outputSize(_ n: Int) -> Int {
        n + 2 * padding >= kernelSize ? (n + 2 * padding - kernelSize) / stride + 1 : 0
    }

    // MARK: - Forward

    /// y (B, C, Ho, Wo) from x (B, C, H, W); saves the argmax for `backward`.
    public func forward(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(input.rank == 4, "MaxPool2d: input must be (B, C, H, W), got \(input.shape)")
        let (H, W) = (input.shape[2], input.shape[3]), planes = input.shape[0] * input.shape[1]
        let Ho = outputSize(H), Wo = outputSize(W)
        var output = [Scalar](repeating: 0, count: planes * Ho * Wo)
        var argmax = [Int32](repeating: 0, count: planes * Ho * Wo)
        input.scalars.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { a in
                    forward(x: x.baseAddress!, planes: planes, height: H, width: W, into: y.baseAddress!, argmax: a.baseAddress!)
                }
            }
        }
        if !isTraining { saved.clear() }
        saved.push((input.shape, argmax))
        return Tensor(shape: [input.shape[0], input.shape[1], Ho, Wo], scalars: output)
    }

    /// y (N, Ho, Wo) and argmax (N, Ho, Wo) (the index iy·W + ix of each maximum in its plane)
    /// from x (N, H, W); planes on the thread pool. 2 × 2 windows at stride 2 without padding
    /// (every CNN's usual pooling) take `forward2x2`, any other the general `forwardReference`.
    func forward(x: UnsafePointer<Scalar>, planes N: Int, height H: Int, width W: Int,
                 into y: UnsafeMutablePointer<Scalar>, argmax: UnsafeMutablePointer<Int32>) {
        let pieces = max(1, min(N, 8))
        let isPlain2x2 = kernelSize == 2 && stride == 2 && padding == 0
        parallelFor(count: pieces, maxThreads: N * H * W >= 1 << 16 ? .max : 1) { piece in
            let planes = (piece * N / pieces)..<((piece + 1) * N / pieces)
            if isPlain2x2 {
                forward2x2(x: x, planes: planes, height: H, width: W, into: y, argmax: argmax)
            } else {
                forwardReference(x: x, planes: planes, height: H, width: W, into: y, argmax: argmax)
            }
        }
    }

    /// The 2 × 2, stride 2 case of `forwardReference` for `planes`: for Float the vectorised
    /// C kernel (CRNNKernels/pooling.c: the four candidates compared in the same order, with
    /// selects), for Double the reference.
    func forward2x2(x: UnsafePointer<Scalar>, planes: Range<Int>, height H: Int, width W: Int,
                    into y: UnsafeMutablePointer<Scalar>, argmax: UnsafeMutablePointer<Int32>) {
        guard Scalar.self == Float.self else {
            return forwardReference(x: x, planes: planes, height: H, width: W, into: y, argmax: argmax)
        }
        let M = (H / 2) * (W / 2), first = planes.lowerBound
        rnnkit_maxpool2x2_f32(planes.count, H, W, float(x + first * H * W), float(y + first * M), argmax + first * M)
    }

    /// The naive kernel, any window, stride and padding, for `planes` of x (N, H, W).
    func forwardReference(x: UnsafePointer<Scalar>, planes: Range<Int>, height H: Int, width W: Int,
                          into y: UnsafeMutablePointer<Scalar>, argmax: UnsafeMutablePointer<Int32>) {
        let Ho = outputSize(H), Wo = outputSize(W), k = kernelSize, s = stride, p = padding
        for n in planes {
            let plane = x + n * H * W, out = y + n * Ho * Wo, arg = argmax + n * Ho * Wo
            for oy in 0..<Ho {
                let y0 = max(oy * s - p, 0), y1 = min(oy * s - p + k, H)
                for ox in 0..<Wo {
                    let x0 = max(ox * s - p, 0), x1 = min(ox * s - p + k, W)
                    var best = plane[y0 * W + x0], at = y0 * W + x0
                    for iy in y0..<y1 {
                        for ix in x0..<x1 {
                            let v = plane[iy * W + ix]
                            if v > best || v.isNaN && !best.isNaN { best = v; at = iy * W + ix }
                        }
                    }
                    out[oy * Wo + ox] = best
                    arg[oy * Wo + ox] = Int32(at)
                }
            }
        }
    }

    // MARK: - Backward

    /// dL/dx (B, C, H, W) from dL/dy (B, C, Ho, Wo) of the most recent `forward` not yet
    /// backpropagated.
    public func backward(_ gradOutput: Tensor<Scalar>) -> Tensor<Scalar> {
        let (shape, argmax) = saved.pop("MaxPool2d")
        let planes = shape[0] * shape[1], H = shape[2], W = shape[3]
        precondition(gradOutput.shape == [shape[0], shape[1], outputSize(H), outputSize(W)],
                     "MaxPool2d: gradOutput shape \(gradOutput.shape) does not match the output of input \(shape)")
        var dx = [Scalar](repeating: 0, count: planes * H * W)
        gradOutput.scalars.withUnsafeBufferPointer { dy in
            argmax.withUnsafeBufferPointer { a in
                dx.withUnsafeMutableBufferPointer { dx in
                    backward(dy: dy.baseAddress!, argmax: a.baseAddress!, planes: planes, height: H, width: W,
                             dx: dx.baseAddress!)
                }
            }
        }
        return Tensor(shape: shape, scalars: dx)
    }

    /// dx (N, H, W), overwritten: each dy (N, Ho, Wo) added at its plane's argmax.
    func backward(dy: UnsafePointer<Scalar>, argmax: UnsafePointer<Int32>, planes N: Int, height H: Int, width W: Int,
                  dx: UnsafeMutablePointer<Scalar>) {
        let M = outputSize(H) * outputSize(W)
        dx.update(repeating: 0, count: N * H * W)
        for n in 0..<N {
            let d = dy + n * M, a = argmax + n * M, plane = dx + n * H * W
            for i in 0..<M { plane[Int(a[i])] += d[i] }
        }
    }
}

extension MaxPool2d {
    /// Drops the saved argmax of calls not yet backpropagated.
    public func clearOwnSavedActivations() { saved.clear() }
}
