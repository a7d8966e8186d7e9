import Foundation
import Testing
@testable import RNNKit

/// The adding problem's data, and `AddingExperiment` on small settings.
@Suite struct AddingProblemTests {
    @Test(arguments: [2, 3, 10, 151])
    func twoMarkersOnePerHalfAndTheirSum(_ T: Int) throws {
        let problem = try AddingProblem(length: T)
        var g = SeededGenerator(seed: 3)
        let B = 50
        let (x, target) = problem.batch(size: B, using: &g)
        #expect(x.count == T * B * 2 && target.count == B)
        for b in 0..<B {
            let marked = (0..<T).filter { x[($0 * B + b) * 2 + 1] == 1 }
            #expect(marked.count == 2 && marked[0] < T / 2 && marked[1] >= T / 2)
            #expect((0..<T).allSatisfy { [0, 1].contains(x[($0 * B + b) * 2 + 1]) })
            #expect((0..<T).allSatisfy { x[($0 * B + b) * 2] >= 0 && x[($0 * B + b) * 2] < 1 })
            #expect(target[b] == marked.reduce(Float(0)) { $0 + x[($1 * B + b) * 2] })
        }
    }

    /// Predicting 1 scores about Var(u₁ + u₂) = 1/6 (20 000 sequences: standard error ≈ 0.0012).
    @Test func baselineIsOneSixth() throws {
        var g = SeededGenerator(seed: 8)
        let (_, target) = try AddingProblem(length: 4).batch(size: 20_000, using: &g)
        let mse = target.reduce(0.0) { $0 + Double(($1 - 1) * ($1 - 1)) } / 20_000
        #expect(abs(mse - AddingProblem.baselineMSE) < 0.005, "baseline MSE \(mse)")
    }

    @Test func badSettingsAreRefused() {
        #expect(throws: RNNKitError.self) { try AddingProblem(length: 1) }
        var s = AddingExperiment.Settings(length: 10)
        s.cell = .lstm
        s.initialization = .identity
        #expect(throws: RNNKitError.self) { try AddingExperiment(s) }
        s = AddingExperiment.Settings(length: 10)
        s.hiddenSize = 0
        #expect(throws: RNNKitError.self) { try AddingExperiment(s) }
    }

    /// An LSTM learns short sequences well below the baseline, and the report holds its curve
    /// and a norm per step at the start and the end.
    @Test func lstmLearnsShortSequences() throws {
        var s = AddingExperiment.Settings(length: 8)
        s.cell = .lstm
        s.hiddenSize = 16
        s.steps = 400
        s.learningRate = 0.01
        s.evalEvery = 100
        s.testSize = 500
        let experiment = try AddingExperiment(s)
        try experiment.run()
        #expect(experiment.curve.map(\.step) == [0, 100, 200, 300, 400])
        let final = experiment.curve.last!.testMSE
        #expect(final < 0.25 * AddingProblem.baselineMSE, "final test MSE \(final)")
        let start = try #require(experiment.start), end = try #require(experiment.end)
        #expect(start.flow.hidden[0][0].count == 8 && end.flow.cellState?[0][0].count == 8 && end.step == 400)
        // Many-to-one: the gradient enters at the last step only, so nothing reaches h_t from
        // an output at t < T−1 — yet it is carried back to t = 0.
        #expect(end.flow.hidden[0][0].allSatisfy { $0 > 0 })
        let json = try JSONValue.parse(Array(experiment.json.utf8))
        #expect(json["curve"] != nil && json["start"]?["sigma_max"] != nil && json["end"]?["cell_state"] != nil)
        #expect(experiment.mseSVG.contains("baseline 0.167") && experiment.gradientFlowSVG.contains("σ_max(W_hh)"))
    }
}
