import Foundation
import Testing
@testable import RNNKit

/// A small fixed problem for checking optimizers against update equations computed
/// independently in the tests: parameters p (5) and q (2) — seven scalars in all, with an
/// alignment gap between them — and a known gradient for every step.
enum OptimizerHarness {
    /// The seven initial values, p then q.
    static let initial: [Double] = [0.5, -1.2, 0.03, 2.0, -0.7, 0.9, -0.1]

    /// The gradient of scalar `index` (0..<7) at `step` (0, 1, …).
    static func gradient(step: Int, index: Int) -> Double {
        sin(Double(3 * index + 7 * step + 1)) * Double(1 + step)
    }

    /// Runs `optimizer` for `steps` steps and returns the seven values after each step.
    static func run(_ optimizer: any Optimizer<Double>, steps: Int) -> [[Double]] {
        let arena = ParameterArena<Double>()
        let p = arena.add(name: "p", shape: [5])
        let q = arena.add(name: "q", shape: [2])
        let slots = (0..<5).map { arena.valuePointer(p) + $0 } + (0..<2).map { arena.valuePointer(q) + $0 }
        let grads = (0..<5).map { arena.gradientPointer(p) + $0 } + (0..<2).map { arena.gradientPointer(q) + $0 }
        for (i, v) in initial.enumerated() { slots[i].pointee = v }
        var history: [[Double]] = []
        for s in 0..<steps {
            for i in 0..<7 { grads[i].pointee = gradient(step: s, index: i) }
            optimizer.step(arena)
            history.append(slots.map(\.pointee))
            precondition(arena.count == 18 && (5..<16).allSatisfy { arena.valuePointer(p)[$0] == 0 },
                         "the alignment gap changed")
        }
        return history
    }

    /// Checks every step of `actual` against `expected` to about 1e-13 relative.
    static func expectSteps(_ actual: [[Double]], _ expected: [[Double]], _ label: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        for (s, (a, e)) in zip(actual, expected).enumerated() {
            expectClose(a, e, atol: 1e-14, rtol: 1e-13, "\(label), step \(s + 1)", sourceLocation: sourceLocation)
        }
    }
}
