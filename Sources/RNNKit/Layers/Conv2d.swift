// Conv2d: PyTorch's nn.Conv2d (no dilation, no groups), y = W ⋆ x + b.
//
// Letters as in Kernels/ConvolutionGeometry.swift. Parameters `weight` (O, C, kH, kW) and
// `bias` (O), PyTorch's layout and names, initialised as PyTorch does: U(−1/√K, 1/√K) for both
// with K = C·kH·kW.
//   forward   y (B, O, Ho, Wo) = conv(x (B, C, H, W)) + b        im2col + one GEMM per image
//   backward  dW (O, K) += Σ_b dy_b · X̂_bᵀ;  db += Σ dy;  dx = col2im(Wᵀ · dy_b)
// (Kernels/Convolution.swift; the naive reference beside it in Convolution+Reference.swift.)

/// A 2-D convolution, PyTorch's `nn.Conv2d(in, out, kernel_size, stride, padding)`:
/// x (B, C, H, W) → y (B, O, Ho, Wo), Ho = (H + 2·pH − kH) / sH + 1.
///
/// ```swift
/// let conv = Conv2d<Float>(inChannels: 3, outChannels: 16, kernelSize: 3, padding: 1)
/// let y = conv.forward(x)          // x (B, 3, 56, 56) → y (B, 16, 56, 56)
/// let dx = conv.backward(dy)       // dW and db are added into conv.arena
/// ```
public final class Conv2d<Scalar: RNNScalar>: Module {
    /// The arena holding `weight` and `bias` and their gradients.
    public let arena: ParameterArena<Scalar>
    /// C, O.
    public let inChannels: Int, outChannels: Int
    /// (kH, kW), (sH, sW), (pH, pW).
    public let kernelSize: (height: Int, width: Int), stride: (height: Int, width: Int), padding: (height: Int, width: Int)
    /// `weight` (O, C, kH, kW) in the arena.
    let weight: ParameterArena<Scalar>.Entry
    /// `bias` (O) in the arena, or nil.
    let bias: ParameterArena<Scalar>.Entry?
    /// Whether calls are saved for backward (training) or each replaces the last (evaluation).
    public var isTraining = true
    let workspace = ConvolutionWorkspace<Scalar>()
    private var savedInputs = CallTape<Tensor<Scalar>>()

    /// Creates the layer with its parameters registered in a shared arena.
    /// - Parameters:
    ///   - inChannels: C, positive.
    ///   - outChannels: O, positive.
    ///   - kernelSize: (kH, kW), positive.
    ///   - stride: (sH, sW), positive.
    ///   - padding: (pH, pW) zeros around the input, ≥ 0.
    ///   - bias: whether to add a learned bias (O).
    ///   - arena: where `"\(prefix)weight"` and `"\(prefix)bias"` are registered.
    ///   - prefix: the parameters' name prefix (`encoder.conv1.`).
    ///   - generator: the random source; the weight (row-major), then the bias, are drawn from
    ///     U(−1/√K, 1/√K).
    public init(inChannels: Int, outChannels: Int, kernelSize: (height: Int, width: Int),
                stride: (height: Int, width: Int) = (1, 1), padding: (height: Int, width: Int) = (0, 0),
                bias: Bool = true, arena: ParameterArena<Scalar>, prefix: String = "", generator: inout SeededGenerator) {
        precondition(inChannels > 0 && outChannels > 0, "Conv2d: channel counts must be positive")
        precondition(kernelSize.height > 0 && kernelSize.width > 0 && stride.height > 0 && stride.width > 0,
                     "Conv2d: kernel size and stride must be positive")
        precondition(padding.height >= 0 && padding.width >= 0, "Conv2d: padding must not be negative")
        self.arena = arena
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        weight = arena.add(name: "\(prefix)weight", shape: [outChannels, inChannels, kernelSize.height, kernelSize.width])
        self.bias = bias ? arena.add(name: "\(prefix)bias", shape: [outChannels]) : nil
        let bound = Scalar(1 / Double(inChannels * kernelSize.height * kernelSize.width).squareRoot())
        arena.fillUniform(weight, low: -bound, high: bound, using: &generator)
        if let b = self.bias { arena.fillUniform(b, low: -bound, high: bound, using: &generator) }
    }

    /// A square kernel k × k with stride s and padding p, in a shared arena.
    public convenience init(inChannels: Int, outChannels: Int, kernelSize k: Int, stride s: Int = 1, padding p: Int = 0,
                            bias: Bool = true, arena: ParameterArena<Scalar>, prefix: String = "",
                            generator: inout SeededGenerator) {
        self.init(inChannels: inChannels, outChannels: outChannels, kernelSize: (k, k), stride: (s, s), padding: (p, p),
                  bias: bias, arena: arena, prefix: prefix, generator: &generator)
    }

    /// A square-kernel layer with its own arena, initialised from `seed`.
    public convenience init(inChannels: Int, outChannels: Int, kernelSize k: Int, stride s: Int = 1, padding p: Int = 0,
                            bias: Bool = true, seed: UInt64 = 0) {
        var g = SeededGenerator(seed: seed)
        self.init(inChannels: inChannels, outChannels: outChannels, kernelSize: k, stride: s, padding: p, bias: bias,
                  arena: ParameterArena(), generator: &g)
    }

    /// Whether the layer adds a bias.
    public var hasBias: Bool { bias != nil }

    /// The geometry on an input plane H × W.
    func geometry(height H: Int, width W: Int) -> ConvolutionGeometry {
        ConvolutionGeometry(inChannels: inChannels, outChannels: outChannels,
                            kernelHeight: kernelSize.height, kernelWidth: kernelSize.width,
                            strideHeight: stride.height, strideWidth: stride.width,
                            paddingHeight: padding.height, paddingWidth: padding.width, height: H, width: W)
    }

    // MARK: - Forward

    /// y (B, O, Ho, Wo) from x (B, C, H, W); saves `input` for the matching `backward`.
    public func forward(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(input.rank == 4 && input.shape[1] == inChannels,
                     "Conv2d: input must be (B, \(inChannels), H, W), got \(input.shape)")
        let B = input.shape[0], g = geometry(height: input.shape[2], width: input.shape[3])
        precondition(g.outputHeight > 0 && g.outputWidth > 0, "Conv2d: the kernel does not fit input \(input.shape)")
        var output = [Scalar](repeating: 0, count: B * g.outputCount)
        input.scalars.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in forward(x: x.baseAddress!, batch: B, g, into: y.baseAddress!) }
        }
        if !isTraining { savedInputs.clear() }
        savedInputs.push(input)
        return Tensor(shape: [B, outChannels, g.outputHeight, g.outputWidth], scalars: output)
    }

    /// y (B, O, Ho, Wo) = conv(x (B, C, H, W)) + b for geometry `g` (this layer's, on H × W).
    func forward(x: UnsafePointer<Scalar>, batch B: Int, _ g: ConvolutionGeometry, into y: UnsafeMutablePointer<Scalar>) {
        convolutionForward(g, batch: B, x: x, weight: arena.valuePointer(weight),
                           bias: bias.map { UnsafePointer(arena.valuePointer($0)) }, y: y, workspace: workspace)
    }

    /// The same with each image's output (O, Ho·Wo) handed to `epilogue(b, y_b)` while in cache,
    /// instead of stored (see `convolutionForward`); epilogues of different images may run
    /// concurrently.
    func forward(x: UnsafePointer<Scalar>, batch B: Int, _ g: ConvolutionGeometry,
                 epilogue: (_ image: Int, _ output: UnsafeMutablePointer<Scalar>) -> Void) {
        withoutActuallyEscaping(epilogue) { epilogue in
            convolutionForward(g, batch: B, x: x, weight: arena.valuePointer(weight),
                               bias: bias.map { UnsafePointer(arena.valuePointer($0)) }, y: nil, workspace: workspace,
                               epilogue: epilogue)
        }
    }

    // MARK: - Backward

    /// dL/dx (B, C, H, W) from dL/dy (B, O, Ho, Wo) of the most recent `forward` not yet
    /// backpropagated; dW and db are added into the arena's gradients.
    public func backward(_ gradOutput: Tensor<Scalar>) -> Tensor<Scalar> {
        let input = savedInputs.pop("Conv2d")
        let B = input.shape[0], g = geometry(height: input.shape[2], width: input.shape[3])
        precondition(gradOutput.shape == [B, outChannels, g.outputHeight, g.outputWidth],
                     "Conv2d: gradOutput shape \(gradOutput.shape) does not match the output of input \(input.shape)")
        var dx = [Scalar](repeating: 0, count: input.count)
        input.scalars.withUnsafeBufferPointer { x in
            gradOutput.scalars.withUnsafeBufferPointer { dy in
                dx.withUnsafeMutableBufferPointer { backward(x: x.baseAddress!, dy: dy.baseAddress!, batch: B, g, dx: $0.baseAddress!) }
            }
        }
        return Tensor(shape: input.shape, scalars: dx)
    }

    /// dW += Σ dy_b · X̂_bᵀ, db += Σ dy, and dx (B, C, H, W) overwritten (or not computed when nil),
    /// from the forward's input x and dy (B, O, Ho, Wo).
    func backward(x: UnsafePointer<Scalar>, dy: UnsafePointer<Scalar>, batch B: Int, _ g: ConvolutionGeometry,
                  dx: UnsafeMutablePointer<Scalar>?) {
        convolutionBackward(g, batch: B, x: x, weight: arena.valuePointer(weight), dy: dy,
                            dWeight: arena.gradientPointer(weight), dBias: bias.map { arena.gradientPointer($0) },
                            dx: dx, workspace: workspace)
    }

    /// The same with each image's dy_b (O, Ho·Wo) written by `prologue(b, dy_b)` just before it
    /// is used, instead of read from a whole-batch tensor; prologues of different images may run
    /// concurrently.
    func backward(x: UnsafePointer<Scalar>, batch B: Int, _ g: ConvolutionGeometry, dx: UnsafeMutablePointer<Scalar>?,
                  prologue: (_ image: Int, _ dOutput: UnsafeMutablePointer<Scalar>) -> Void) {
        withoutActuallyEscaping(prologue) { prologue in
            convolutionBackward(g, batch: B, x: x, weight: arena.valuePointer(weight), dy: nil,
                                dWeight: arena.gradientPointer(weight), dBias: bias.map { arena.gradientPointer($0) },
                                dx: dx, workspace: workspace, prologue: prologue)
        }
    }

    /// Drops the saved inputs of calls not yet backpropagated.
    public func clearOwnSavedActivations() { savedInputs.clear() }
}
