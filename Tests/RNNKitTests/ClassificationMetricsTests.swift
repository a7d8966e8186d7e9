import Testing
@testable import RNNKit

@Suite struct ClassificationMetricsTests {
    @Test func accuracyConfusionAndMacroF1ByHand() throws {
        // gold:      0 0 0 1 1 2
        // predicted: 0 0 1 1 2 2
        let m = try ClassificationMetrics(gold: [0, 0, 0, 1, 1, 2], predicted: [0, 0, 1, 1, 2, 2], classes: 4)
        #expect(m.confusion == [[2, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 0], [0, 0, 0, 0]])
        #expect(m.count == 6 && m.correct == 4)
        #expect(abs(m.accuracyPercent - 400.0 / 6) < 1e-12)
        // Class 0: P 1, R 2/3, F1 0.8. Class 1: P 1/2, R 1/2, F1 0.5. Class 2: P 1/2, R 1, F1 2/3.
        // Class 3 has no examples at all and is skipped.
        #expect(m.scores(of: 3) == nil)
        #expect(abs(m.scores(of: 0)!.f1 - 80) < 1e-12)
        #expect(abs(m.macroF1Percent - 100 * (0.8 + 0.5 + 2.0 / 3) / 3) < 1e-12)
    }

    @Test func classNeverPredictedHasF1Zero() throws {
        let m = try ClassificationMetrics(gold: [0, 1], predicted: [0, 0], classes: 2)
        #expect(m.scores(of: 1)! == (0, 0, 0))
        #expect(abs(m.macroF1Percent - 100 * (2.0 / 3) / 2) < 1e-12)
    }

    @Test func badInputThrows() {
        #expect(throws: RNNKitError("2 gold labels but 1 predictions")) {
            try ClassificationMetrics(gold: [0, 1], predicted: [0], classes: 2)
        }
        #expect(throws: RNNKitError("class id 2 is outside 0..<2")) {
            try ClassificationMetrics(gold: [0], predicted: [2], classes: 2)
        }
    }
}
