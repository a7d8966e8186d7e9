// ReLU: PyTorch's nn.ReLU, forward and backward side by side.
//   forward   y = max(x, 0)                    (NaN stays NaN)
//   backward  dx = dy where y > 0, else 0     (PyTorch's threshold_backward on the result)

/// The rectified linear unit, elementwise: **y = max(x, 0)**, any shape. Each training
/// `forward` saves its output for the matching `backward` (last in first out, see `Module`).
public final class ReLU<Scalar: RNNScalar>: Module {
    /// Whether calls are saved for backward (training) or each replaces the last (evaluation).
    public var isTraining = true
    private var savedOutputs = CallTape<Tensor<Scalar>>()

    /// Creates the layer (it has no parameters).
    public init() {}

    /// y = max(x, 0), the shape of `input`.
    public func forward(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        var y = input
        y.scalars.withUnsafeMutableBufferPointer { reluForward($0.baseAddress!, count: input.count) }
        if !isTraining { savedOutputs.clear() }
        savedOutputs.push(y)
        return y
    }

    /// dL/dx from dL/dy (the shape of the output) of the most recent `forward` not yet backpropagated.
    public func backward(_ gradOutput: Tensor<Scalar>) -> Tensor<Scalar> {
        let y = savedOutputs.pop("ReLU")
        precondition(gradOutput.shape == y.shape, "ReLU: gradOutput shape \(gradOutput.shape) does not match \(y.shape)")
        var dx = gradOutput
        y.scalars.withUnsafeBufferPointer { y in
            dx.scalars.withUnsafeMutableBufferPointer { reluBackward(output: y.baseAddress!, gradient: $0.baseAddress!, count: y.count) }
        }
        return dx
    }

    /// Drops the saved outputs of calls not yet backpropagated.
    public func clearOwnSavedActivations() { savedOutputs.clear() }
}

// MARK: - Forward

/// x ← max(x, 0) in place, `count` elements.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func reluForward<Scalar: RNNScalar>(_ x: UnsafeMutablePointer<Scalar>, count: Int) {
    for i in 0..<count where x[i] < 0 { x[i] = 0 }
}

// MARK: - Backward

/// gradient ← 0 where output ≤ 0, in place (`output` = the forward's result; a NaN output passes
/// the gradient, as PyTorch's threshold_backward does).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func reluBackward<Scalar: RNNScalar>(output: UnsafePointer<Scalar>, gradient: UnsafeMutablePointer<Scalar>, count: Int) {
    for i in 0..<count where output[i] <= 0 { gradient[i] = 0 }
}
