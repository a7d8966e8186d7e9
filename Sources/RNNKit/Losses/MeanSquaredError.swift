// Mean squared error over all elements, with its gradient (PyTorch's `F.mse_loss`, mean):
//
//   loss = (1/n) Σ_k (p_k − y_k)²
//   ∂loss/∂p_k = (2/n) (p_k − y_k)
//
// As in PyTorch, the factor 2/n is formed in Double and rounded to `Scalar` once, and the loss
// sum is accumulated at higher precision (here in Double).

/// Mean squared error between `prediction` and `target`, and its gradient with respect to
/// `prediction`.
///
///     loss = (1/n) Σ (prediction − target)²,   ∂loss/∂prediction = (2/n) (prediction − target)
///
/// - Parameters:
///   - prediction: any shape, n elements (e.g. the network output (T, B, D·H)).
///   - target: the same shape.
/// - Returns: the loss (NaN for empty tensors, as in PyTorch) and ∂loss/∂prediction, shaped
///   like `prediction`.
/// - Throws: `RNNKitError` if the shapes differ.
public func meanSquaredError<Scalar: RNNScalar>(
    _ prediction: Tensor<Scalar>, _ target: Tensor<Scalar>
) throws -> (loss: Scalar, gradient: Tensor<Scalar>) {
    guard prediction.shape == target.shape else {
        throw RNNKitError("mean squared error: prediction has shape \(prediction.shape), target \(target.shape)")
    }
    var gradient = Tensor<Scalar>(zeros: prediction.shape)
    guard prediction.count > 0 else { return (.nan, gradient) }
    let loss = prediction.scalars.withUnsafeBufferPointer { p in
        target.scalars.withUnsafeBufferPointer { y in
            gradient.scalars.withUnsafeMutableBufferPointer { g in
                meanSquaredError(prediction: p.baseAddress!, target: y.baseAddress!, count: p.count,
                                 gradient: g.baseAddress!)
            }
        }
    }
    return (loss, gradient)
}

/// The mean-squared-error kernel over `count` elements: returns the mean loss and, if
/// `gradient` is given, writes (2/n)(p − y) into it. `gradient` may be `prediction`.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func meanSquaredError<Scalar: RNNScalar>(
    prediction: UnsafePointer<Scalar>, target: UnsafePointer<Scalar>, count: Int,
    gradient: UnsafeMutablePointer<Scalar>?
) -> Scalar {
    let scale = Scalar(2.0 / Double(count))
    var sum = 0.0
    for k in 0..<count {
        let d = prediction[k] - target[k]
        sum += Double(d * d)
        gradient?[k] = d * scale
    }
    return Scalar(sum) / Scalar(count)
}
