import Testing
@testable import RNNKit

/// Central-difference gradient of a scalar function with respect to `count` scalars that
/// `read`/`write` expose (parameters in an arena, elements of an input tensor, …).
/// Run in `Double`: eps = 1e-6 gives about 1e-9 relative accuracy on smooth functions.
func numericalGradient(
    count: Int, eps: Double = 1e-6,
    read: (Int) -> Double, write: (Int, Double) -> Void,
    loss: () -> Double
) -> [Double] {
    var grad = [Double](repeating: 0, count: count)
    for i in 0..<count {
        let x = read(i)
        write(i, x + eps)
        let up = loss()
        write(i, x - eps)
        let down = loss()
        write(i, x)
        grad[i] = (up - down) / (2 * eps)
    }
    return grad
}

/// Central-difference gradient with respect to every trainable scalar of an arena, in the
/// arena's flat layout (alignment gaps get 0).
func numericalGradient(of arena: ParameterArena<Double>, eps: Double = 1e-6, loss: () -> Double) -> [Double] {
    var grad = [Double](repeating: 0, count: arena.count)
    for e in arena.entries {
        let p = arena.valuePointer(e)
        let g = numericalGradient(count: e.count, eps: eps, read: { p[$0] }, write: { p[$0] = $1 }, loss: loss)
        for i in 0..<e.count { grad[e.offset + i] = g[i] }
    }
    return grad
}

/// The arena's accumulated gradients as an array in its flat layout.
func analyticGradient(of arena: ParameterArena<Double>) -> [Double] {
    Array(UnsafeBufferPointer(start: arena.gradients, count: arena.count))
}

/// Records an issue for every element where |actual − expected| > atol + rtol·|expected|,
/// naming the first few, and returns whether all matched.
@discardableResult
func expectClose<S: RNNScalar>(
    _ actual: [S], _ expected: [S], atol: Double = 1e-5, rtol: Double = 1e-4,
    _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
    guard actual.count == expected.count else {
        Issue.record("\(label): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return false
    }
    var bad: [String] = []
    var worst = 0.0
    for i in actual.indices {
        let a = Double(actual[i]), e = Double(expected[i])
        let err = abs(a - e)
        if !(err <= atol + rtol * abs(e)) {
            worst = max(worst, err.isNaN ? .infinity : err)
            if bad.count < 5 { bad.append("[\(i)] \(a) vs \(e)") }
        }
    }
    if !bad.isEmpty {
        Issue.record("\(label): mismatch (worst abs error \(worst)): \(bad.joined(separator: ", "))",
                     sourceLocation: sourceLocation)
        return false
    }
    return true
}
