import Testing
@testable import RNNKit

/// Finite-difference gradient checks in Double for the forecaster and the autoencoder (every
/// cell, stacked), parameters and inputs; the autoencoder's input gradient includes its target
/// path.
@Suite struct SeriesModelGradientTests {
    static let T = 6, B = 3

    static func series(_ count: Int, seed: UInt64) -> [Double] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (g.nextUnit() as Double) * 2 - 1 }
    }

    static let cells: [CellKind] = [.lstm, .gru, .rnnTanh, .rnnRelu]

    @Test(arguments: cells)
    func forecasterGradientsMatchFiniteDifferences(_ cell: CellKind) throws {
        let model = try Forecaster<Double>(.forecaster(cell: cell, features: 2, hiddenSize: 4, numLayers: 2, horizon: 3, targets: 2),
                                           seed: 3)
        var x = Self.series(Self.T * Self.B * 2, seed: 1)
        let target = Self.series(Self.B * 3 * 2, seed: 2)
        model.arena.zeroGradients()
        let (loss, dx) = model.lossAndGradients(x: x, steps: Self.T, target: target, inputGradient: true)
        let analytic = analyticGradient(of: model.arena)   // before the finite differences add more
        #expect(loss.isFinite && loss > 0)
        let numeric = numericalGradient(of: model.arena) { Double(model.lossAndGradients(x: x, steps: Self.T, target: target).loss) }
        expectClose(analytic, numeric, atol: 1e-7, rtol: 1e-5, "\(cell) forecaster parameters")
        let numericX = numericalGradient(count: x.count, read: { x[$0] }, write: { x[$0] = $1 }) {
            model.lossAndGradients(x: x, steps: Self.T, target: target).loss
        }
        expectClose(dx!, numericX, atol: 1e-7, rtol: 1e-5, "\(cell) forecaster inputs")
    }

    @Test(arguments: cells)
    func autoencoderGradientsMatchFiniteDifferences(_ cell: CellKind) throws {
        let model = try SequenceAutoencoder<Double>(.autoencoder(cell: cell, features: 2, hiddenSize: 3, numLayers: 2), seed: 4)
        var x = Self.series(Self.T * Self.B * 2, seed: 5)
        model.arena.zeroGradients()
        let (loss, dx) = model.lossAndGradients(x: x, steps: Self.T, inputGradient: true)
        let analytic = analyticGradient(of: model.arena)   // before the finite differences add more
        #expect(loss.isFinite && loss > 0)
        let numeric = numericalGradient(of: model.arena) { Double(model.lossAndGradients(x: x, steps: Self.T).loss) }
        expectClose(analytic, numeric, atol: 1e-7, rtol: 1e-5, "\(cell) autoencoder parameters")
        let numericX = numericalGradient(count: x.count, read: { x[$0] }, write: { x[$0] = $1 }) {
            model.lossAndGradients(x: x, steps: Self.T).loss
        }
        expectClose(dx!, numericX, atol: 1e-7, rtol: 1e-5, "\(cell) autoencoder inputs")
    }

    /// The window errors are each window's own mean squared error: their mean is the loss.
    @Test func windowErrorsAverageToTheLoss() throws {
        let model = try SequenceAutoencoder<Double>(.autoencoder(cell: .lstm, features: 2, hiddenSize: 3), seed: 6)
        let x = Self.series(Self.T * Self.B * 2, seed: 7)
        let errors = model.windowErrors(x: x, steps: Self.T)
        let loss = model.lossAndGradients(x: x, steps: Self.T).loss
        #expect(errors.count == Self.B)
        #expect(abs(errors.reduce(0, +) / Double(Self.B) - loss) < 1e-12)
    }

    @Test func configurationsAreValidated() {
        #expect(throws: RNNKitError.self) { try Forecaster<Float>(.forecaster(features: 1, hiddenSize: 4, horizon: 0)) }
        #expect(throws: RNNKitError.self) { try Forecaster<Float>(.autoencoder(features: 1, hiddenSize: 4)) }
        #expect(throws: RNNKitError.self) {
            try Forecaster<Float>(.forecaster(features: 1, hiddenSize: 1 << 40, horizon: 1))
        }
        #expect(throws: RNNKitError.self) {
            try SequenceAutoencoder<Float>(.autoencoder(features: 4_611_686_018_427_387_904, hiddenSize: 8))
        }
    }
}
