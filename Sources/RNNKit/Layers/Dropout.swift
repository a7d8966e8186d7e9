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
public final class Dropout<Scalar: RNNScalar> {
    /// p, the probability of zeroing an element, in [0, 1]; p = 1 zeroes everything.
    public let p: Double
    /// Whether the layer drops (PyTorch's `train()`); false makes it the identity (`eval()`).
    public var isTraining = true
    /// The source of the masks. Its `state` can be read for a checkpoint and assigned back.
    public var generator: SeededGenerator

    /// The scaled mask of the last forward: 0 or 1/(1−p) per element.
    let mask = ScratchBuffer<Scalar>()      // (N)
    /// The output of `forward(x:count:)`.
    let output = ScratchBuffer<Scalar>()    // (N)
    /// N of the last forward (nil before any), and whether it was the identity.
    private var last: (count: Int, identity: Bool)?
    /// The shape of the last Tensor-level forward.
    private var lastShape: [Int] = []

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

    // MARK: - Forward

    /// Draws a fresh mask (when training) and returns y = x ⊙ m.
    /// - Parameter input: x, any shape.
    /// - Returns: y, the shape of `input`.
    public func forward(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        var result = input.scalars                                           // (N)
        result.withUnsafeMutableBufferPointer { y in
            if let base = y.baseAddress { forward(x: base, count: y.count, into: base) }
        }
        lastShape = input.shape
        return Tensor(shape: input.shape, scalars: result)
    }

    /// y (N) = x (N) ⊙ m (N), drawing m when training, into the layer's own buffer
    /// `outputPointer`. The recurrent stack applies dropout between layers this way.
    func forward(x: UnsafePointer<Scalar>, count: Int) {
        forward(x: x, count: count, into: output.ensure(count))
    }

    /// The output of the last `forward(x:count:)` (N); valid until the next, larger call.
    var outputPointer: UnsafeMutablePointer<Scalar> { output.pointer }

    /// y (N) = x (N) ⊙ m (N), drawing m when training. `y` may be `x` (in place).
    func forward(x: UnsafePointer<Scalar>, count: Int, into y: UnsafeMutablePointer<Scalar>) {
        last = (count, isIdentity)
        if isIdentity {
            if UnsafePointer(y) != x { y.update(from: x, count: count) }
            return
        }
        let m = mask.ensure(count)
        sampleDropoutMask(m, count: count, p: p, using: &generator)
        multiplyElementwise(x, by: m, count: count, into: y)
    }

    // MARK: - Backward

    /// Back-propagates through the last `forward`: dx = dy ⊙ m with the same mask.
    /// - Parameter gradOutput: dL/dy, the shape of the last `forward`'s output.
    /// - Returns: dL/dx, the same shape.
    public func backward(_ gradOutput: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(last != nil, "Dropout: backward called before forward")
        precondition(gradOutput.shape == lastShape,
                     "Dropout: gradOutput shape \(gradOutput.shape) does not match the last forward's \(lastShape)")
        var result = gradOutput.scalars                                      // (N)
        result.withUnsafeMutableBufferPointer { dx in
            if let base = dx.baseAddress { backward(dy: base, count: dx.count, into: base) }
        }
        return Tensor(shape: gradOutput.shape, scalars: result)
    }

    /// dx (N) = dy (N) ⊙ m (N), the mask of the last forward (a copy when it was the identity).
    /// `dx` may be `dy` (in place).
    func backward(dy: UnsafePointer<Scalar>, count: Int, into dx: UnsafeMutablePointer<Scalar>) {
        guard let last else { preconditionFailure("Dropout: backward called before forward") }
        precondition(count == last.count, "Dropout: backward of \(count) elements after a forward of \(last.count)")
        if last.identity {
            if UnsafePointer(dx) != dy { dx.update(from: dy, count: count) }
            return
        }
        multiplyElementwise(dy, by: mask.pointer, count: count, into: dx)
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
