// The shape arithmetic of a 2-D convolution, shared by the fast (im2col + GEMM) and the naive
// reference kernels.
//
// Letters, once for every convolution file: B images, C input channels, O output channels,
// H × W input plane, kH × kW kernel, sH, sW strides, pH, pW zero padding, Ho × Wo output
// plane with Ho = (H + 2·pH − kH) / sH + 1 (floor), K = C·kH·kW the length of one patch.

/// The geometry of `Conv2d` on one input size: channels, kernel, stride, padding and the
/// input plane, from which the output plane follows as in PyTorch.
struct ConvolutionGeometry: Equatable, Sendable {
    /// C, O.
    let inChannels: Int, outChannels: Int
    /// kH, kW.
    let kernelHeight: Int, kernelWidth: Int
    /// sH, sW (positive).
    let strideHeight: Int, strideWidth: Int
    /// pH, pW (zeros on each side, non-negative).
    let paddingHeight: Int, paddingWidth: Int
    /// H, W.
    let height: Int, width: Int

    /// Ho = (H + 2·pH − kH) / sH + 1, floor division; ≤ 0 when the kernel does not fit.
    var outputHeight: Int { (height + 2 * paddingHeight - kernelHeight) >= 0
        ? (height + 2 * paddingHeight - kernelHeight) / strideHeight + 1 : 0 }
    /// Wo = (W + 2·pW − kW) / sW + 1, floor division.
    var outputWidth: Int { (width + 2 * paddingWidth - kernelWidth) >= 0
        ? (width + 2 * paddingWidth - kernelWidth) / strideWidth + 1 : 0 }
    /// K = C·kH·kW, the length of one patch (a row of the weight seen as (O, K)).
    var patchSize: Int { inChannels * kernelHeight * kernelWidth }
    /// C·H·W, the elements of one input image.
    var inputCount: Int { inChannels * height * width }
    /// O·Ho·Wo, the elements of one output image.
    var outputCount: Int { outChannels * outputHeight * outputWidth }
    /// Ho·Wo.
    var outputPlane: Int { outputHeight * outputWidth }
}
