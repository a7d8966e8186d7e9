import Testing
@testable import RNNKit

@Suite struct MeanSquaredErrorTests {
    @Test func matchesTheDefinitionOnAHandExample() throws {
        let p = Tensor<Double>(shape: [2, 2], scalars: [1, 2, 3, 4])
        let y = Tensor<Double>(shape: [2, 2], scalars: [0, 2, 5, 3.5])
        let (loss, gradient) = try meanSquaredError(p, y)
        #expect(loss == (1 + 0 + 4 + 0.25) / 4)
        #expect(gradient.scalars == [0.5, 0, -1, 0.25])  // (2/4)(p − y)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 11)
        var p = Tensor<Double>(shape: [3, 4], scalars: (0..<12).map { _ in rng.normal() })
        let y = Tensor<Double>(shape: [3, 4], scalars: (0..<12).map { _ in rng.normal() })
        let (_, gradient) = try meanSquaredError(p, y)
        let numerical = numericalGradient(count: p.count, read: { p.scalars[$0] }, write: { p.scalars[$0] = $1 },
                                          loss: { try! meanSquaredError(p, y).loss })
        expectClose(gradient.scalars, numerical, atol: 1e-9, rtol: 1e-7, "dprediction")
    }

    @Test func rejectsMismatchedShapesAndHandlesEmptyTensors() throws {
        #expect(throws: RNNKitError("mean squared error: prediction has shape [2, 3], target [3, 2]")) {
            try meanSquaredError(Tensor<Float>(zeros: [2, 3]), Tensor<Float>(zeros: [3, 2]))
        }
        let (loss, gradient) = try meanSquaredError(Tensor<Float>(zeros: [0, 3]), Tensor<Float>(zeros: [0, 3]))
        #expect(loss.isNaN && gradient.shape == [0, 3])
    }

    @Test func matchesPyTorch() throws {
        let file = try TorchReference.file()
        let (loss, gradient) = try meanSquaredError(try file.tensor("mse.prediction", as: Float.self),
                                                    try file.tensor("mse.target", as: Float.self))
        #expect(gradient.scalars == (try file.tensor("mse.grad", as: Float.self)).scalars)
        // PyTorch sums in float with its cascade; RNNKit sums in Double: within an ulp.
        #expect(ulpDistance([loss], try file.tensor("mse.loss", as: Float.self).scalars) <= 1)
    }
}
