import Testing
@testable import RNNKit

@Suite struct AnomalyScoringTests {
    @Test func thresholdsByMaxAndLinearQuantile() throws {
        let errors: [Double] = [5, 1, 4, 2, 3]
        #expect(try AnomalyScoring.threshold(errors, rule: .max) == 5)
        #expect(abs(try AnomalyScoring.threshold(errors, rule: .quantile(0.9)) - 4.6) < 1e-12)   // np.quantile: 4.6
        #expect(try AnomalyScoring.threshold(errors, rule: .quantile(0.5)) == 3)
        #expect(try AnomalyScoring.threshold(errors, rule: .quantile(1)) == 5)
        #expect(abs(try AnomalyScoring.threshold([0.3, 0.1, 0.7, 0.2], rule: .quantile(0.35)) - 0.205) < 1e-12)
        #expect(try AnomalyScoring.threshold([2], rule: .quantile(0.3)) == 2)
        #expect(throws: RNNKitError("the threshold quantile must lie in (0, 1] (it is 0.0)")) {
            try AnomalyScoring.threshold(errors, rule: .quantile(0))
        }
        #expect(throws: RNNKitError("no training errors to set a threshold from")) {
            try AnomalyScoring.threshold([], rule: .max)
        }
        #expect(throws: RNNKitError("a training window's error is not finite")) {
            try AnomalyScoring.threshold([1, .nan], rule: .max)
        }
        #expect(AnomalyScoring.flagged([1, 2, 3], threshold: 2) == [false, false, true])
    }

    @Test func pointScoresAreMeansOfCoveringWindows() throws {
        // W = 3, S = 1: point j is covered by windows max(0, j − 2)...min(j, 3).
        #expect(try AnomalyScoring.pointScores([1, 2, 3, 4], window: 3, points: 6) == [1, 1.5, 2, 3, 3.5, 4])
        // W = 3, S = 2: windows cover 0–2 and 2–4; point 5 is past the last window.
        #expect(try AnomalyScoring.pointScores([1, 3], window: 3, stride: 2, points: 6) == [1, 1, 2, 3, 3, 3])
        // W = 2, S = 4: windows cover 0–1 and 4–5; points 2 and 3 lie in the gap.
        #expect(try AnomalyScoring.pointScores([1, 5], window: 2, stride: 4, points: 8) == [1, 1, 1, 5, 5, 5, 5, 5])
        #expect(throws: RNNKitError("3 windows of length 3, stride 2, do not fit in 6 points")) {
            try AnomalyScoring.pointScores([1, 2, 3], window: 3, stride: 2, points: 6)
        }
        #expect(throws: RNNKitError("2 windows of length 3, stride \(Int.max), do not fit in 6 points")) {
            try AnomalyScoring.pointScores([1, 2], window: 3, stride: .max, points: 6)
        }
        #expect(throws: RNNKitError("there are no windows to score")) {
            try AnomalyScoring.pointScores([], window: 3, points: 6)
        }
    }

    @Test func flaggedWindowsMergeIntoRanges() throws {
        let flagged = [false, true, true, false, false, false, true]   // W = 2: windows 1–2 cover 1..<4, window 6 covers 6..<8
        let times = (0..<8).map { "t\($0)" }
        let ranges = try AnomalyScoring.ranges(flagged: flagged, window: 2, points: 8, times: times)
        #expect(ranges == [AnomalyRange(windows: 1...2, points: 1..<4, startTime: "t1", endTime: "t3"),
                           AnomalyRange(windows: 6...6, points: 6..<8, startTime: "t6", endTime: "t7")])
        // Touching spans merge: window 4 (4..<6) starts where 1..<4 ends.
        let touching = try AnomalyScoring.ranges(flagged: [false, true, false, false, true], window: 3, points: 7)
        #expect(touching == [AnomalyRange(windows: 1...4, points: 1..<7)])
        #expect(try AnomalyScoring.ranges(flagged: [false, false], window: 2, points: 3).isEmpty)
        #expect(throws: RNNKitError("2 times for 3 points")) {
            try AnomalyScoring.ranges(flagged: [true, false], window: 2, points: 3, times: ["a", "b"])
        }
    }

    @Test func rocAUCWithAverageRanksForTies() throws {
        #expect(try AnomalyEvaluation.rocAUC(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) == 0.75)
        // Ranks 1.5 1.5 3.5 3.5; positives 1.5 + 3.5 = 5; (5 − 3) / 4.
        #expect(try AnomalyEvaluation.rocAUC(scores: [1, 1, 2, 2], labels: [false, true, false, true]) == 0.5)
        #expect(try AnomalyEvaluation.rocAUC(scores: [3, 2, 1], labels: [true, false, false]) == 1)
        #expect(try AnomalyEvaluation.rocAUC(scores: [3, 2, 1], labels: [true, true, true]) == nil)
        #expect(try AnomalyEvaluation.rocAUC(scores: [], labels: []) == nil)
        #expect(throws: RNNKitError("score 2 is not finite")) {
            try AnomalyEvaluation.rocAUC(scores: [1, .infinity], labels: [true, false])
        }
        #expect(throws: RNNKitError("2 scores for 1 labels")) {
            try AnomalyEvaluation.rocAUC(scores: [1, 2], labels: [true])
        }
    }

    @Test func windowPrecisionAndRecall() throws {
        var labels = [Bool](repeating: false, count: 10)
        labels[3] = true; labels[4] = true; labels[8] = true
        #expect(AnomalyEvaluation.labelledRanges(labels) == [3..<5, 8..<9])
        var flagged = [Bool](repeating: false, count: 9)   // W = 2: window i covers i, i + 1
        flagged[2] = true; flagged[5] = true; flagged[6] = true
        let (precision, recall) = try AnomalyEvaluation.windowPrecisionRecall(flagged: flagged, labels: labels, window: 2)
        #expect(precision == 1.0 / 3 && recall == 0.5)
        let none = try AnomalyEvaluation.windowPrecisionRecall(flagged: Array(repeating: false, count: 9), labels: labels, window: 2)
        #expect(none.precision == nil && none.recall == 0)
        let unlabelled = try AnomalyEvaluation.windowPrecisionRecall(flagged: flagged, labels: Array(repeating: false, count: 10), window: 2)
        #expect(unlabelled.precision == 0 && unlabelled.recall == nil)
        #expect(AnomalyEvaluation.labelledRanges([true, true]) == [0..<2])
    }
}
