// Linear: PyTorch's nn.Linear, y = x·Wᵀ + b.
//
// N = rows (every leading dimension of the input flattened), I = inFeatures, O = outFeatures.
//   forward   y  (N, O) = x (N, I) · Wᵀ (I, O) + b (O)          one GEMM
//   backward  dW (O, I) += dyᵀ (O, N) · x (N, I)                 one GEMM, beta 1
//             db (O)    += Σₙ dy[n, :]
//             dx (N, I)  = dy (N, O) · W (O, I)                  one GEMM

/// A fully connected layer, PyTorch's `nn.Linear`: **y = x·Wᵀ + b**.
///
/// The input may have any rank; its last dimension is `inFeatures` and every leading dimension
/// is treated as a row: `x` (…, I) → `y` (…, O). The parameters live in `arena` under PyTorch's
/// names, `"\(prefix)weight"` (O, I) and `"\(prefix)bias"` (O), initialised like PyTorch to
/// U(−1/√I, 1/√I).
///
/// ```swift
/// let decoder = Linear<Float>(inFeatures: 16, outFeatures: 100)
/// let logits = decoder.forward(h)        // h (T, B, 16) → logits (T, B, 100)
/// let dh = decoder.backward(dLogits)     // (T, B, 16); dW and db are added into decoder.arena
/// ```
public final class Linear<Scalar: RNNScalar>: Module {
    /// The arena holding `weight` and `bias` and their gradients.
    public let arena: ParameterArena<Scalar>
    /// I, the size of the input's last dimension.
    public let inFeatures: Int
    /// O, the size of the output's last dimension.
    public let outFeatures: Int
    /// `weight` (O, I) in the arena.
    let weight: ParameterArena<Scalar>.Entry
    /// `bias` (O) in the arena, or nil for a layer without bias.
    let bias: ParameterArena<Scalar>.Entry?
    /// The inputs of the Tensor-level `forward` calls not yet backpropagated, last in first out.
    private var savedInputs = CallTape<Tensor<Scalar>>()
    /// W packed once for the products of many calls (`holdWeights`): Wᵀ (I, O) for forward,
    /// W (O, I) for dx; nil = pack on every call.
    private var heldWeights: (transposed: GEMMPackedB<Scalar>, plain: GEMMPackedB<Scalar>)?
    /// Whether calls are saved for backward (training) or each replaces the last (evaluation).
    public var isTraining = true

    /// Whether the layer adds a bias.
    public var hasBias: Bool { bias != nil }

    /// Creates a layer whose parameters are registered in a shared arena.
    ///
    /// Draws the weight (row-major), then the bias, from U(−1/√I, 1/√I), as PyTorch's
    /// `reset_parameters` does.
    /// - Parameters:
    ///   - inFeatures: I, the input features (positive).
    ///   - outFeatures: O, the output features (positive).
    ///   - bias: whether to add a learned bias `b` (O).
    ///   - arena: the arena to register `weight` (O, I) and `bias` (O) in.
    ///   - prefix: prepended to the parameter names, e.g. `"decoder."` → `decoder.weight`.
    ///   - generator: the random source for initialisation.
    ///   - tiedWeight: an existing (O, I) tensor of `arena` to use as the weight instead of
    ///     registering a new one (weight tying); it is left as it is.
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true,
                arena: ParameterArena<Scalar>, prefix: String = "", generator: inout SeededGenerator,
                tiedWeight: ParameterArena<Scalar>.Entry? = nil) {
        precondition(inFeatures > 0 && outFeatures > 0,
                     "Linear: feature counts must be positive, got inFeatures \(inFeatures), outFeatures \(outFeatures)")
        self.arena = arena
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        if let tiedWeight {
            precondition(tiedWeight.shape == [outFeatures, inFeatures],
                         "Linear: tied weight \(tiedWeight.name) is \(tiedWeight.shape), need \([outFeatures, inFeatures])")
        }
        weight = tiedWeight ?? arena.add(name: "\(prefix)weight", shape: [outFeatures, inFeatures])
        self.bias = bias ? arena.add(name: "\(prefix)bias", shape: [outFeatures]) : nil
        let bound = Scalar(1 / Double(inFeatures).squareRoot())
        if tiedWeight == nil { arena.fillUniform(weight, low: -bound, high: bound, using: &generator) }
        if let b = self.bias {
            arena.fillUniform(b, low: -bound, high: bound, using: &generator)
        }
    }

    /// Creates a layer with its own arena, initialised from `seed`.
    /// - Parameters:
    ///   - inFeatures: I, the input features (positive).
    ///   - outFeatures: O, the output features (positive).
    ///   - bias: whether to add a learned bias `b` (O).
    ///   - seed: the seed of the initialisation's random generator.
    public convenience init(inFeatures: Int, outFeatures: Int, bias: Bool = true, seed: UInt64 = 0) {
        var generator = SeededGenerator(seed: seed)
        self.init(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias,
                  arena: ParameterArena(), generator: &generator)
    }

    // MARK: - Forward

    /// Computes y = x·Wᵀ + b and saves `input` for the matching `backward` (see `Module`:
    /// calls are backpropagated last in first out).
    /// - Parameter input: x (…, I), any rank ≥ 1.
    /// - Returns: y (…, O): the input's shape with its last dimension replaced by O.
    public func forward(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(input.shape.last == inFeatures,
                     "Linear: input shape \(input.shape) must end in inFeatures = \(inFeatures)")
        releaseWeights()                    // the arena's current weights, not a held copy
        let rows = input.count / inFeatures
        var output = [Scalar](repeating: 0, count: rows * outFeatures)   // (N, O)
        if rows > 0 {
            input.scalars.withUnsafeBufferPointer { x in                   // (N, I)
                output.withUnsafeMutableBufferPointer { y in
                    forward(x: x.baseAddress!, rows: rows, into: y.baseAddress!)
                }
            }
        }
        if !isTraining { savedInputs.clear() }
        savedInputs.push(input)
        return Tensor(shape: Array(input.shape.dropLast()) + [outFeatures], scalars: output)
    }

    /// y (N, O) = x (N, I) · Wᵀ (I, O) + b (O) broadcast over the rows; one GEMM.
    /// `x` and `y` are contiguous row-major and must not overlap.
    func forward(x: UnsafePointer<Scalar>, rows: Int, into y: UnsafeMutablePointer<Scalar>) {
        let w = arena.valuePointer(weight)                                  // (O, I)
        if let bias {
            fillRows(y, rows: rows, cols: outFeatures, ldc: outFeatures,    // y = b
                     bias: arena.valuePointer(bias))                        // (O)
        }
        if let held = heldWeights {
            gemm(transA: false, m: rows, alpha: 1, a: x, lda: inFeatures, packedB: held.transposed,
                 beta: bias == nil ? 0 : 1, c: y, ldc: outFeatures)
        } else {
            gemm(transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures,
                 alpha: 1, a: x, lda: inFeatures, b: w, ldb: inFeatures,
                 beta: bias == nil ? 0 : 1, c: y, ldc: outFeatures)
        }
    }

    /// Packs W once for the products of the calls that follow (a decoder's calls, one per
    /// target step, each on a few rows), until `releaseWeights`. Call it again whenever W
    /// changes: held products read the packed copy, not the arena.
    func holdWeights() {
        let (O, I) = (outFeatures, inFeatures), w = UnsafePointer(arena.valuePointer(weight))
        let held = heldWeights ?? (GEMMPackedB(k: I, n: O), GEMMPackedB(k: O, n: I))
        held.transposed.pack(transB: true, b: w, ldb: I)
        held.plain.pack(transB: false, b: w, ldb: I)
        heldWeights = held
    }

    /// Goes back to packing W in every product.
    func releaseWeights() { heldWeights = nil }

    // MARK: - Backward

    /// Back-propagates through the most recent `forward` not yet backpropagated: adds
    /// dW = dyᵀ·x and db = Σ dy into the arena's gradients and returns dx = dy·W.
    /// - Parameter gradOutput: dL/dy (…, O), the shape that `forward` returned.
    /// - Returns: dL/dx (…, I), the shape of that `forward`'s input.
    public func backward(_ gradOutput: Tensor<Scalar>) -> Tensor<Scalar> {
        let input = savedInputs.pop("Linear")
        releaseWeights()
        let rows = input.count / inFeatures
        precondition(gradOutput.shape == Array(input.shape.dropLast()) + [outFeatures],
                     "Linear: gradOutput shape \(gradOutput.shape) does not match the output of input \(input.shape)")
        var gradInput = [Scalar](repeating: 0, count: input.count)             // (N, I)
        if rows > 0 {
            input.scalars.withUnsafeBufferPointer { x in                        // (N, I)
                gradOutput.scalars.withUnsafeBufferPointer { dy in              // (N, O)
                    gradInput.withUnsafeMutableBufferPointer { dx in
                        backward(x: x.baseAddress!, dy: dy.baseAddress!, rows: rows, dx: dx.baseAddress!)
                    }
                }
            }
        }
        return Tensor(shape: input.shape, scalars: gradInput)
    }

    /// dW (O, I) += dyᵀ (O, N) · x (N, I); db (O) += column sums of dy (N, O);
    /// dx (N, I) = dy (N, O) · W (O, I), overwritten, or not computed when `dx` is nil.
    func backward(x: UnsafePointer<Scalar>, dy: UnsafePointer<Scalar>, rows: Int,
                  dx: UnsafeMutablePointer<Scalar>?) {
        let w = arena.valuePointer(weight)                                  // (O, I)
        gemm(transA: true, transB: false, m: outFeatures, n: inFeatures, k: rows,
             alpha: 1, a: dy, lda: outFeatures, b: x, ldb: inFeatures,
             beta: 1, c: arena.gradientPointer(weight), ldc: inFeatures)     // dW (O, I)
        if let bias {
            accumulateColumnSums(dy, rows: rows, cols: outFeatures, lda: outFeatures,
                                 into: arena.gradientPointer(bias))          // db (O)
        }
        if let dx, let held = heldWeights {
            gemm(transA: false, m: rows, alpha: 1, a: dy, lda: outFeatures, packedB: held.plain,
                 beta: 0, c: dx, ldc: inFeatures)                            // dx (N, I)
        } else if let dx {
            gemm(transA: false, transB: false, m: rows, n: inFeatures, k: outFeatures,
                 alpha: 1, a: dy, lda: outFeatures, b: w, ldb: inFeatures,
                 beta: 0, c: dx, ldc: inFeatures)                            // dx (N, I)
        }
    }
}

extension Linear {
    /// Drops the saved inputs of calls not yet backpropagated.
    public func clearOwnSavedActivations() { savedInputs.clear() }
}
