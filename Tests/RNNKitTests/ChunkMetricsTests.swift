import Testing
@testable import RNNKit

@Suite struct ChunkMetricsTests {
    func chunks(_ tags: String) -> [String] {
        ChunkMetrics.chunks(of: tags.split(separator: " ").map(String.init)).sorted { ($0.start, $0.type) < ($1.start, $1.type) }.map(\.description)
    }

    @Test func iob2ChunksByHand() {
        #expect(chunks("B-NP I-NP O B-VP I-VP") == ["NP[0...1]", "VP[3...4]"])
        // A chunk at the very end closes at the sentence boundary; B-X after B-X starts anew.
        #expect(chunks("B-NP B-NP I-NP") == ["NP[0...0]", "NP[1...2]"])
        #expect(chunks("O O") == [])
    }

    @Test func iob1AndTypeChangesByHand() {
        // I-X after O (or at the start) opens a chunk; I-VP after I-NP closes NP and opens VP.
        #expect(chunks("I-NP I-NP I-VP B-VP O I-PP") == ["NP[0...1]", "VP[2...2]", "VP[3...3]", "PP[5...5]"])
        #expect(chunks("B-NP I-VP I-VP B-NP B-NP I-NP") == ["NP[0...0]", "VP[1...2]", "NP[3...3]", "NP[4...5]"])
    }

    @Test func oddTagsMatchThePythonTwin() {
        // Outputs of conll_chunks in ../shared/bench/torch_tasks.py for the same tags.
        #expect(chunks("NP NP O B-NP I-ADJP X") == ["NP[3...3]", "ADJP[4...4]"])
        #expect(chunks("O I-NP B-NP-X I-NP-X I-NP") == ["NP[1...1]", "NP-X[2...3]", "NP[4...4]"])
        #expect(chunks("B-NP O-NP I-NP") == ["NP[0...0]", "NP[2...2]"])
        #expect(ChunkMetrics.splitTag("B-NP-X") == ("B", "NP-X"))
        #expect(ChunkMetrics.splitTag("NP") == ("NP", ""))
        #expect(ChunkMetrics.splitTag("O") == ("O", ""))
    }

    @Test func scoresMatchThePythonTwin() throws {
        let gold = [["B-NP", "I-NP", "O", "B-VP", "I-VP", "B-PP", "B-NP"], ["I-NP", "I-NP", "B-NP", "O"], ["B-ADJP", "I-ADJP", "O"]]
        let pred = [["B-NP", "I-NP", "O", "B-VP", "B-VP", "B-PP", "I-NP"], ["B-NP", "I-NP", "I-NP", "O"], ["I-ADJP", "I-ADJP", "B-NP"]]
        let m = try ChunkMetrics(gold: gold, predicted: pred)
        // conll_scores: accuracy 57.142857142857146, precision 50.0, recall 57.142857142857146,
        // f1 53.333333333333336, gold_chunks 7, pred_chunks 8.
        #expect(abs(m.accuracyPercent - 57.142857142857146) < 1e-12)
        #expect(m.precisionPercent == 50)
        #expect(abs(m.recallPercent - 57.142857142857146) < 1e-12)
        #expect(abs(m.f1Percent - 53.333333333333336) < 1e-12)
        #expect(m.total == ChunkMetrics.TypeCounts(gold: 7, predicted: 8, correct: 4))
        #expect(m.tokens == 14 && m.correctTokens == 8)
        // By type: NP gold 4 (0-1, 6 | 0-1, 2) predicted 4 (0-1, 6 | 0-2 | 2) correct 2 (0-1, 6);
        // VP 1/2/0; PP 1/1/1; ADJP 1/1/1 (I-ADJP at the start opens a chunk as B-ADJP would).
        #expect(m.byType["NP"] == ChunkMetrics.TypeCounts(gold: 4, predicted: 4, correct: 2))
        #expect(m.byType["VP"] == ChunkMetrics.TypeCounts(gold: 1, predicted: 2, correct: 0))
        #expect(m.f1ByType["PP"] == 100 && m.f1ByType["ADJP"] == 100 && m.f1ByType["VP"] == 0)
        #expect(m.f1ByType["NP"] == 50)
    }

    @Test func perfectAndEmpty() throws {
        let tags = [["B-NP", "I-NP", "B-VP"]]
        let m = try ChunkMetrics(gold: tags, predicted: tags)
        #expect(m.f1Percent == 100 && m.accuracyPercent == 100)
        let none = try ChunkMetrics(gold: [["O"]], predicted: [["O"]])
        #expect(none.f1Percent == 0 && none.precisionPercent == 0 && none.accuracyPercent == 100)
    }

    @Test func mismatchedLengthsThrow() {
        #expect(throws: RNNKitError("sentence 2 has 2 gold tags but 1 predicted")) {
            try ChunkMetrics(gold: [["O"], ["O", "O"]], predicted: [["O"], ["O"]])
        }
        #expect(throws: RNNKitError("2 gold sentences but 1 predicted")) {
            try ChunkMetrics(gold: [["O"], ["O"]], predicted: [["O"]])
        }
    }
}
