import Testing
@testable import RNNKit

@Suite struct Seq2SeqMetricsTests {
    @Test func exactMatchAndTokenAccuracyByHand() throws {
        // pair 1: equal (3 of 3); pair 2: "c" vs "c d" (1 of max(1, 2) = 2);
        // pair 3: "x y z" vs "y z" (0 of 3: nothing shifts back into place); pair 4: both empty.
        let m = try Seq2SeqMetrics(hypotheses: [["a", "b", "e"], ["c"], ["x", "y", "z"], []],
                                   references: [["a", "b", "e"], ["c", "d"], ["y", "z"], []])
        #expect(m.count == 4 && m.exactMatches == 2)
        #expect(m.matchedTokens == 4 && m.tokenPositions == 8)
        #expect(m.exactMatchPercent == 50)
        #expect(m.tokenAccuracyPercent == 50)
    }

    @Test func tokensCompareByCodePoint() throws {
        let m = try Seq2SeqMetrics(hypotheses: [["\u{C5}"]], references: [["\u{212B}"]])
        #expect(m.exactMatches == 0 && m.matchedTokens == 0)
        #expect(try Seq2SeqMetrics(hypotheses: [[]], references: [[]]).tokenAccuracyPercent == 100)
    }

    @Test func badInputThrows() {
        #expect(throws: RNNKitError("2 outputs but 1 references")) {
            try Seq2SeqMetrics(hypotheses: [["a"], ["b"]], references: [["a"]])
        }
        #expect(throws: RNNKitError("there are no outputs to score")) { try Seq2SeqMetrics(hypotheses: [], references: []) }
    }
}
