import CRNNKernels
// Log-softmax over the last dimension, the numerically stable way PyTorch computes it:
//
//   m = max_j x_j
//   log softmax(x)_j = (x_j − m) − log Σ_k exp(x_k − m)
//
// Subtracting the row maximum keeps every exp(·) in (0, 1], so nothing overflows, and the
// largest term contributes exactly 1 to the sum, so the log never sees 0. The sum of
// exponentials is accumulated in Double, which makes it exact to the last bit of `Float`
// for any vocabulary size.

/// Log-softmax over the last dimension: each row of `logits` (…, V) becomes
/// `x − max(x) − log Σ exp(x − max(x))`, so `exp` of a row sums to 1.
///
/// Used to score sequences (sum the log-probabilities of the chosen tokens) and to sample
/// (`exp` of it, optionally after dividing the logits by a temperature).
/// - Parameter logits: any shape (…, V); a scalar counts as one row of one class.
/// - Returns: the log-probabilities, same shape.
public func logSoftmax<Scalar: RNNScalar>(_ logits: Tensor<Scalar>) -> Tensor<Scalar> {
    let classes = logits.shape.last ?? 1
    var output = logits
    guard logits.count > 0 else { return output }
    output.scalars.withUnsafeMutableBufferPointer { out in
        logSoftmaxRows(out.baseAddress!, output: out.baseAddress!, rows: out.count / classes, classes: classes)
    }
    return output
}

/// Row-wise log-softmax of `input` (rows, classes) into `output` (rows, classes), row-major.
/// `output` may be `input` (in place).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func logSoftmaxRows<Scalar: RNNScalar>(
    _ input: UnsafePointer<Scalar>, output: UnsafeMutablePointer<Scalar>, rows: Int, classes: Int
) {
    for r in 0..<rows {
        let x = input + r * classes
        let y = output + r * classes
        let (maximum, logSum) = maxAndLogSumExp(x, count: classes)
        for j in 0..<classes {
            y[j] = (x[j] - maximum) - logSum
        }
    }
}

/// The maximum m of `count` values and log Σ exp(x − m), the two numbers a log-softmax of the
/// row needs (`count` ≥ 1).
@inline(__always)
func maxAndLogSumExp<Scalar: RNNScalar>(_ x: UnsafePointer<Scalar>, count: Int) -> (max: Scalar, logSum: Scalar) {
    let maximum = rowMaximum(x, count: count)
    var sum = 0.0
    for j in 0..<count {
        sum += Double(Scalar.exp(x[j] - maximum))
    }
    return (maximum, Scalar(Double.log(sum)))
}

/// The largest of `count` values (`count` ≥ 1); NaN if any is NaN, so that it propagates.
@inline(__always)
func rowMaximum<Scalar: RNNScalar>(_ x: UnsafePointer<Scalar>, count: Int) -> Scalar {
    if Scalar.self == Float.self {  // vectorised, NaN-propagating (CRNNKernels/pointwise.c)
        return Scalar(rnnkit_max_f32(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), count))
    }
    var maximum = x[0]
    for j in 1..<count where x[j] > maximum || x[j].isNaN {
        maximum = x[j]
    }
    return maximum
}

/// Σ_j exp(x_j − shift) accumulated in Double, writing each exp(x_j − shift) into `y` when
/// given (`y` may be `x`). `Float` runs the vectorised kernel (≈1 ulp); `Double` uses libm.
@inline(__always)
func expShiftedRow<Scalar: RNNScalar>(
    _ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>?, count: Int, shift: Scalar
) -> Double {
    if Scalar.self == Float.self, let y {
        return rnnkit_exp_shifted_f32(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                                      UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self),
                                      count, Float(shift))
    }
    var total = 0.0
    for j in 0..<count {
        let e = Scalar.exp(x[j] - shift)
        total += Double(e)
        y?[j] = e
    }
    return total
}
