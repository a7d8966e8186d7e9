import Foundation
import Testing
@testable import RNNKit

@Suite struct LogSoftmaxTests {
    @Test func matchesTheDefinition() {
        let x = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, -1, 0, 5])
        let y = logSoftmax(x)
        var expected: [Double] = []
        for r in 0..<2 {
            let row = Array(x.scalars[3 * r..<3 * r + 3])
            let z = row.map { exp($0) }.reduce(0, +)
            expected += row.map { log(exp($0) / z) }
        }
        expectClose(y.scalars, expected, atol: 1e-15, rtol: 1e-14)
        #expect(y.shape == [2, 3])
    }

    @Test func rowsExponentiateToOneForAnyRank() {
        var rng = SeededGenerator(seed: 9)
        let x = Tensor<Float>(shape: [2, 3, 7], scalars: (0..<42).map { _ in rng.normal(std: 10) })
        let y = logSoftmax(x)
        for r in 0..<6 {
            let total = y.scalars[7 * r..<7 * r + 7].reduce(0.0) { $0 + exp(Double($1)) }
            #expect(abs(total - 1) < 1e-6)
        }
        #expect(y.scalars.allSatisfy { $0 <= 0 })
    }

    @Test func isStableForHugeLogits() {
        let y = logSoftmax(Tensor<Float>(shape: [1, 3], scalars: [1000, 0, -1000]))
        #expect(y.scalars == [0, -1000, -2000])
        #expect(logSoftmax(Tensor<Float>(shape: [2], scalars: [-1e30, -1e30])).scalars == [-Float(log(2.0)), -Float(log(2.0))])
    }

    @Test func matchesPyTorch() throws {
        let file = try TorchReference.file()
        let y = logSoftmax(try file.tensor("ce.logits", as: Float.self))
        #expect(ulpDistance(y.scalars, try file.tensor("ce.log_softmax", as: Float.self).scalars) <= 1)
    }
}
