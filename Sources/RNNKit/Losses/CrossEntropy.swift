// Softmax cross-entropy, mean over the counted targets, fused with its backward.
//
// N rows (tokens), V classes. For row i with target t_i (rows whose target is the ignore index
// are skipped and count for nothing), C = number of counted rows:
//
//   log p_i = log softmax(x_i)                                   (V)
//   loss    = −(1/C) Σ_i log p_i[t_i]
//   ∂loss/∂x_i,j = (p_i,j − [j = t_i]) / C      counted rows
//               = 0                              ignored rows
//
// This is PyTorch's `F.cross_entropy(logits, targets, ignore_index=…)` with the default mean
// reduction. When every row is ignored, C = 0 and the loss is NaN (0/0), as in PyTorch; the
// gradient is then all zeros.

/// Mean softmax cross-entropy of `logits` against class indices, and its gradient.
///
///     loss = −(1/C) Σ_i log softmax(logits_i)[targets_i],   ∂loss/∂logits_i = (softmax(logits_i) − onehot(targets_i)) / C
///
/// where C counts the rows whose target is not `ignoreIndex`; ignored rows get zero gradient.
/// - Parameters:
///   - logits: (N, V) unnormalised scores.
///   - targets: N class indices in `0..<V`, or `ignoreIndex`.
///   - ignoreIndex: a target value (e.g. a padding token, or PyTorch's −100) whose rows are
///     left out of the mean; nil counts every row.
/// - Returns: the loss (NaN if every row is ignored) and ∂loss/∂logits (N, V).
/// - Throws: `RNNKitError` if `logits` is not 2-D, `targets` does not have N entries, or a
///   target is outside `0..<V`.
public func crossEntropy<Scalar: RNNScalar>(
    logits: Tensor<Scalar>, targets: [Int], ignoreIndex: Int? = nil
) throws -> (loss: Scalar, gradient: Tensor<Scalar>) {
    let (rows, classes) = try checkCrossEntropyShapes(logits, targets, ignoreIndex)
    var gradient = Tensor<Scalar>(zeros: logits.shape)
    guard rows > 0 else { return (.nan, gradient) }
    let loss = logits.scalars.withUnsafeBufferPointer { x in
        targets.withUnsafeBufferPointer { t in
            gradient.scalars.withUnsafeMutableBufferPointer { g in
                softmaxCrossEntropy(logits: x.baseAddress!, targets: t.baseAddress!, rows: rows, classes: classes,
                                    ignoreIndex: ignoreIndex, gradient: g.baseAddress!).loss
            }
        }
    }
    return (loss, gradient)
}

/// Mean softmax cross-entropy of `logits` (N, V) against `targets` (N), without the gradient
/// (for evaluation). Same definition and errors as `crossEntropy(logits:targets:ignoreIndex:)`.
public func crossEntropyLoss<Scalar: RNNScalar>(
    logits: Tensor<Scalar>, targets: [Int], ignoreIndex: Int? = nil
) throws -> Scalar {
    let (rows, classes) = try checkCrossEntropyShapes(logits, targets, ignoreIndex)
    guard rows > 0 else { return .nan }
    return logits.scalars.withUnsafeBufferPointer { x in
        targets.withUnsafeBufferPointer { t in
            softmaxCrossEntropy(logits: x.baseAddress!, targets: t.baseAddress!, rows: rows, classes: classes,
                                ignoreIndex: ignoreIndex, gradient: nil).loss
        }
    }
}

/// (N, V) of a valid cross-entropy call, or the error describing what is wrong.
private func checkCrossEntropyShapes<Scalar: RNNScalar>(
    _ logits: Tensor<Scalar>, _ targets: [Int], _ ignoreIndex: Int?
) throws -> (rows: Int, classes: Int) {
    guard logits.rank == 2 else {
        throw RNNKitError("cross-entropy needs logits of shape (N, V), got \(logits.shape)")
    }
    let (rows, classes) = (logits.shape[0], logits.shape[1])
    guard targets.count == rows else {
        throw RNNKitError("cross-entropy got \(targets.count) targets for \(rows) rows of logits")
    }
    guard classes > 0 || rows == 0 else { throw RNNKitError("cross-entropy needs at least one class") }
    if let i = targets.firstIndex(where: { $0 != ignoreIndex && !(0..<classes).contains($0) }) {
        throw RNNKitError("target \(targets[i]) at row \(i) is outside the classes 0..<\(classes)")
    }
    return (rows, classes)
}

/// The fused cross-entropy kernel: mean loss over counted rows and, if `gradient` is given,
/// ∂loss/∂logits written into it (every element, ignored rows set to 0).
///
/// Shapes: `logits` (rows, classes), `targets` (rows), `gradient` (rows, classes), row-major;
/// `gradient` may be the same memory as `logits`. Targets must be in `0..<classes` or equal
/// `ignoreIndex` (the caller validates them).
/// - Returns: the mean loss (NaN when `count` is 0) and `count`, the number of counted rows.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func softmaxCrossEntropy<Scalar: RNNScalar>(
    logits: UnsafePointer<Scalar>, targets: UnsafePointer<Int>, rows: Int, classes: Int,
    ignoreIndex: Int?, gradient: UnsafeMutablePointer<Scalar>?
) -> (loss: Scalar, count: Int) {
    var count = 0
    for i in 0..<rows where targets[i] != ignoreIndex {
        precondition((0..<classes).contains(targets[i]), "softmaxCrossEntropy: target \(targets[i]) out of range")
        count += 1
    }
    let inverseCount = 1 / Scalar(count)  // as PyTorch: grad_output / total_weight
    // Rows are independent: blocks of 64 rows, on both threads when the logits are large; the
    // loss is the sum of the blocks' sums in block order, the same for any number of threads.
    let blockRows = 64, blocks = (rows + blockRows - 1) / blockRows
    var partialSums = [Double](repeating: 0, count: blocks)
    partialSums.withUnsafeMutableBufferPointer { partial in
        parallelFor(count: blocks, maxThreads: rows * classes / parallelElementsPerThread) { block in
            var sum = 0.0
            for i in (block * blockRows)..<min(rows, (block + 1) * blockRows) {
                let x = logits + i * classes
                let g = gradient?.advanced(by: i * classes)
                let t = targets[i]
                guard t != ignoreIndex else {
                    g?.update(repeating: 0, count: classes)
                    continue
                }
                // One exp per logit: e_j = exp(x_j − m) goes into the gradient row, then is scaled.
                let maximum = rowMaximum(x, count: classes)
                let shiftedTarget = x[t] - maximum  // read before `g`, which may be `x`, is written
                let total = expShiftedRow(x, into: g, count: classes, shift: maximum)
                sum -= Double(shiftedTarget - Scalar(Double.log(total)))
                guard let g else { continue }
                // softmax_j / C = e_j · 1/(C Σ e), the factor formed once in Double.
                let scale = Scalar(1 / (Double(count) * total))
                for j in 0..<classes {
                    g[j] *= scale
                }
                g[t] -= inverseCount
            }
            partial[block] = sum
        }
    }
    let sum = partialSums.reduce(0, +)
    return (Scalar(sum) / Scalar(count), count)
}
