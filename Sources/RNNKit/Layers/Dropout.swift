// Dropout: PyTorch's nn.Dropout, inverted dropout.
//
// N = elements (any shape, flattened), p = drop probability.
//   forward   m[n] = 0 with probability p, else 1/(1−p)     mask (N), drawn from `generator`
//             y[n] = x[n] · m[n]                              y (N)
//   backward  dx[n] = dy[n] · m[n]                           the same mask
// In evaluation mode, or with p = 0, forward and backward are the identity and draw nothing.

/// Inverted dropout, PyTorch's `nn.Dropout`: while training, **y = x ⊙ m / (1 − p)** with
/// m ~ Bernoulli(1 − p) per element, so E[y] = x; in evaluation mode **y = x**.
///
/// The mask comes from a `SeededGenerator` the layer owns, so runs are reproducible from `seed`,
/// and `generator` can be saved in a checkpoint and assigned back to resume the same masks.
/// `backward` multiplies by the mask of the most recent `forward`.
///
/// ```swift
/// let dropout = Dropout<Float>(p: 0.2, seed: 7)
/// let y = dropout.forward(x)        // any shape; about 20% of elements zeroed, the rest × 1.25
/// let dx = dropout.backward(dy)     // dy ⊙ the same mask
/// dropout.isTraining = false        // now forward(x) == x
/// ```
public final class Dropout<Scalar: RNNScalar>: Module {
    /// p, the probability of zeroing an element, in [0, 1]; p = 1 zeroes everything.
    public let p: Double
    /// Whether the layer drops (PyTorch's `train()`); false makes it the identity (`eval()`).
    public var isTraining = true
    /// The source of the masks. Its `state` can be read for a checkpoint and assigned back.
    public var generator: SeededGenerator

    /// The scaled masks of the calls not yet backpropagated: 0 or 1/(1−p) per element.
    let masks = BufferStack<Scalar>()       // each (N)
    /// N and whether the call was the identity, for each call not yet backpropagated.
    private var calls = CallTape<(count: Int, identity: Bool)>()
    /// The shapes of the Tensor-level calls not yet backpropagated.
    private var shapes = CallTape<[Int]>()
    /// The output of `forward(x:count:)`.
    let output = ScratchBuffer<Scalar>()    // (N)

    /// Whether `forward` currently passes its input through unchanged (evaluation mode or p = 0).
    public var isIdentity: Bool { !isTraining || p == 0 }

    /// Creates a dropout layer.
    /// - Parameters:
    ///   - p: the drop probability, in [0, 1] (PyTorch's default 0.5).
    ///   - seed: the seed of the mask generator.
    public init(p: Double = 0.5, seed: UInt64 = 0) {
        precondition(p >= 0 && p <= 1, "Dropout: p must be in [0, 1], got \(p)")
        self.p = p
        generator = SeededGenerator(seed: seed)
    }

    /// The mask generator, for checkpoints (see `Module.randomGenerators`).
    public var ownGenerators: [SeededGenerator] {
        get { [generator] }
        set { generator = newValue[0] }
    }

    /// Drops the masks of calls not yet backpropagated.
    public func clearOwnSavedActivations() {
        masks.clear()
        calls.clear()
        shapes.clear()
    }

    // MARK: - Forward

    /// Draws a fresh mask (when training) and returns y = x ⊙ m; the mask is saved for the
    /// matching `backward` (calls are backpropagated last in first out).
    /// - Parameter input: x, any shape.
    /// - Returns: y, the shape of `input`.
    public func forward(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        var result = input.scalars                                           // (N)
        result.withUnsafeMutableBufferPointer { y in
            if let base = y.baseAddress { forward(x: base, count: y.count, into: base) } else { calls.push((0, true)) }
        }
        shapes.push(input.shape)
        return Tensor(shape: input.shape, scalars: result)
    }

    /// y (N) = x (N) ⊙ m (N), drawing m when training, into the layer's own buffer
    /// `outputPointer`. The recurrent stack applies dropout between layers this way.
    func forward(x: UnsafePointer<Scalar>, count: Int) {
        forward(x: x, count: count, into: output.ensure(count))
    }

    /// The output of the last `forward(x:count:)` (N); valid until the next, larger call.
    var outputPointer: UnsafeMutablePointer<Scalar> { output.pointer }

    /// y (N) = x (N) ⊙ m (N), drawing m when training and saving it for backward. `y` may be
    /// `x` (in place). In evaluation mode the call replaces whatever was saved.
    func forward(x: UnsafePointer<Scalar>, count: Int, into y: UnsafeMutablePointer<Scalar>) {
        if !isTraining { clearOwnSavedActivations() }
        calls.push((count, isIdentity))
        if isIdentity {
            if UnsafePointer(y) != x { y.update(from: x, count: count) }
            return
        }
        let m = masks.push(count)
        sampleDropoutMask(m, count: count, p: p, using: &generator)
        multiplyElementwise(x, by: m, count: count, into: y)
    }

    // MARK: - Backward

    /// Back-propagates through the most recent `forward` not yet backpropagated:
    /// dx = dy ⊙ m with that call's mask.
    /// - Parameter gradOutput: dL/dy, the shape of that `forward`'s output.
    /// - Returns: dL/dx, the same shape.
    public func backward(_ gradOutput: Tensor<Scalar>) -> Tensor<Scalar> {
        let shape = shapes.pop("Dropout")
        precondition(gradOutput.shape == shape,
                     "Dropout: gradOutput shape \(gradOutput.shape) does not match its forward's \(shape)")
        var result = gradOutput.scalars                                      // (N)
        result.withUnsafeMutableBufferPointer { dx in
            if let base = dx.baseAddress { backward(dy: base, count: dx.count, into: base) } else { _ = calls.pop("Dropout") }
        }
        return Tensor(shape: gradOutput.shape, scalars: result)
    }

    /// dx (N) = dy (N) ⊙ m (N), the mask of the most recent call not yet backpropagated (a
    /// copy when it was the identity). `dx` may be `dy` (in place).
    func backward(dy: UnsafePointer<Scalar>, count: Int, into dx: UnsafeMutablePointer<Scalar>) {
        let last = calls.pop("Dropout")
        precondition(count == last.count, "Dropout: backward of \(count) elements after a forward of \(last.count)")
        if last.identity {
            if UnsafePointer(dx) != dy { dx.update(from: dy, count: count) }
            return
        }
        multiplyElementwise(dy, by: masks.pop("Dropout").pointer, count: count, into: dx)
    }
}

// MARK: - Kernels

/// Fills `mask` (count) with 0 (probability p) or 1/(1−p), each element from one 53-bit
/// uniform u ∈ [0, 1): dropped when u < p. p = 1 gives all zeros.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func sampleDropoutMask<Scalar: RNNScalar>(
    _ mask: UnsafeMutablePointer<Scalar>, count: Int, p: Double, using generator: inout SeededGenerator
) {
    let scale: Scalar = p < 1 ? 1 / Scalar(1 - p) : 0   // as PyTorch: mask.div_(1 − p) in Scalar
    for i in 0..<count {
        let u = Double(generator.next() >> 11) * 0x1p-53
        mask[i] = u < p ? 0 : scale
    }
}

/// y (count) = x (count) ⊙ m (count), element by element; `y` may be `x`.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func multiplyElementwise<Scalar: RNNScalar>(
    _ x: UnsafePointer<Scalar>, by m: UnsafePointer<Scalar>, count: Int, into y: UnsafeMutablePointer<Scalar>
) {
    for i in 0..<count { y[i] = x[i] * m[i] }
}
