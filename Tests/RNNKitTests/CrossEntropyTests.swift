import Foundation
import Testing
@testable import RNNKit

@Suite struct CrossEntropyTests {
    /// Random logits (N, V) in Double.
    static func logits(_ n: Int, _ v: Int, seed: UInt64, scale: Double = 2) -> Tensor<Double> {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: [n, v], scalars: (0..<n * v).map { _ in rng.normal(std: scale) })
    }

    @Test func matchesTheDefinitionOnAHandExample() throws {
        let logits = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 1, 1, 1])
        let (loss, gradient) = try crossEntropy(logits: logits, targets: [2, 0])
        // −log softmax: row 0 log(e + e² + e³) − 3, row 1 log 3.
        let z0 = exp(1.0) + exp(2.0) + exp(3.0)
        #expect(abs(loss - (log(z0) - 3 + log(3.0)) / 2) < 1e-15)
        let probabilities: [Double] = [exp(1) / z0, exp(2) / z0, exp(3) / z0, 1.0 / 3, 1.0 / 3, 1.0 / 3]
        let onehot: [Double] = [0, 0, 1, 1, 0, 0]
        let expected = zip(probabilities, onehot).map { ($0 - $1) / 2 }
        expectClose(gradient.scalars, expected, atol: 1e-15, rtol: 1e-14, "dlogits")
        let lossOnly = try crossEntropyLoss(logits: logits, targets: [2, 0])
        #expect(lossOnly == loss)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        var logits = Self.logits(4, 5, seed: 1)
        let targets = [0, 4, 2, 2]
        let (_, gradient) = try crossEntropy(logits: logits, targets: targets)
        let numerical = numericalGradient(count: logits.count, read: { logits.scalars[$0] },
                                          write: { logits.scalars[$0] = $1 },
                                          loss: { try! crossEntropyLoss(logits: logits, targets: targets) })
        expectClose(gradient.scalars, numerical, atol: 1e-9, rtol: 1e-6, "dlogits")
    }

    @Test func ignoredRowsCountForNothing() throws {
        var logits = Self.logits(5, 4, seed: 2)
        let targets = [1, -100, 3, -100, 0]
        let (loss, gradient) = try crossEntropy(logits: logits, targets: targets, ignoreIndex: -100)
        // The mean runs over the three counted rows only.
        let kept = Tensor(shape: [3, 4], scalars: [0, 2, 4].flatMap { logits.scalars[4 * $0..<4 * $0 + 4] })
        #expect(abs(loss - (try crossEntropyLoss(logits: kept, targets: [1, 3, 0]))) < 1e-15)
        #expect(gradient.scalars[4..<8].allSatisfy { $0 == 0 } && gradient.scalars[12..<16].allSatisfy { $0 == 0 })
        let numerical = numericalGradient(count: logits.count, read: { logits.scalars[$0] },
                                          write: { logits.scalars[$0] = $1 },
                                          loss: { try! crossEntropyLoss(logits: logits, targets: targets, ignoreIndex: -100) })
        expectClose(gradient.scalars, numerical, atol: 1e-9, rtol: 1e-6, "dlogits with ignore index")
    }

    @Test func padTokenAsIgnoreIndex() throws {
        // An ignore index inside 0..<V (a padding token) excludes exactly the rows targeting it.
        let logits = Self.logits(3, 4, seed: 3)
        let (loss, gradient) = try crossEntropy(logits: logits, targets: [0, 2, 0], ignoreIndex: 0)
        let (expected, _) = try crossEntropy(logits: Tensor(shape: [1, 4], scalars: Array(logits.scalars[4..<8])), targets: [2])
        #expect(abs(loss - expected) < 1e-15)
        #expect(gradient.scalars[0..<4].allSatisfy { $0 == 0 })
    }

    @Test func isStableForHugeLogits() throws {
        let logits = Tensor<Float>(shape: [2, 3], scalars: [1000, 0, -1000, 88, 89, 90])
        let (loss, gradient) = try crossEntropy(logits: logits, targets: [1, 2])
        let row1 = log(1 + exp(-1.0) + exp(-2.0))  // −log softmax(88, 89, 90)[2]
        #expect(abs(Double(loss) - (1000 + row1) / 2) < 1e-4)
        #expect(gradient.scalars.allSatisfy { $0.isFinite })
        #expect(gradient.scalars[0] == 0.5 && gradient.scalars[1] == -0.5)
    }

    @Test func everyRowIgnoredGivesNaNAndZeroGradient() throws {
        let (loss, gradient) = try crossEntropy(logits: Self.logits(2, 3, seed: 4), targets: [-1, -1], ignoreIndex: -1)
        #expect(loss.isNaN)
        #expect(gradient == Tensor(zeros: [2, 3]))
    }

    @Test func rejectsBadShapesAndTargets() {
        let logits = Self.logits(2, 3, seed: 5)
        #expect(throws: RNNKitError("cross-entropy needs logits of shape (N, V), got [6]")) {
            try crossEntropy(logits: logits.reshaped([6]), targets: [0])
        }
        #expect(throws: RNNKitError("cross-entropy got 3 targets for 2 rows of logits")) {
            try crossEntropy(logits: logits, targets: [0, 1, 2])
        }
        #expect(throws: RNNKitError("target 3 at row 1 is outside the classes 0..<3")) {
            try crossEntropy(logits: logits, targets: [0, 3])
        }
        #expect(throws: RNNKitError("target -100 at row 0 is outside the classes 0..<3")) {
            try crossEntropyLoss(logits: logits, targets: [-100, 0])
        }
    }

    @Test func kernelWorksInPlace() throws {
        let logits = Self.logits(3, 5, seed: 6)
        let targets = [4, 0, 2]
        let (loss, gradient) = try crossEntropy(logits: logits, targets: targets)
        var buffer = logits.scalars
        let result = buffer.withUnsafeMutableBufferPointer { b in
            softmaxCrossEntropy(logits: b.baseAddress!, targets: targets, rows: 3, classes: 5,
                                ignoreIndex: nil, gradient: b.baseAddress!)
        }
        #expect(result.loss == loss && result.count == 3)
        #expect(buffer == gradient.scalars)
    }

    @Test func matchesPyTorch() throws {
        let file = try TorchReference.file()
        let logits: Tensor<Float> = try file.tensor("ce.logits")
        let (loss, gradient) = try crossEntropy(logits: logits, targets: try file.integers("ce.targets"), ignoreIndex: -100)
        #expect(loss == (try file.tensor("ce.loss", as: Float.self)).scalars[0])
        // PyTorch forms exp(log p) with its own vectorised exp; RNNKit scales exp(x − m) by
        // 1/(C Σ exp), one exp per logit. Both are within about 1e-6 of the exact gradient.
        expectClose(gradient.scalars, try file.tensor("ce.grad", as: Float.self).scalars, atol: 1e-9, rtol: 2e-6, "dlogits")
    }
}
