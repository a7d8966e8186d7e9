import Testing
@testable import RNNKit

@Suite struct CorpusBleuTests {
    func bleu(_ hypotheses: [String], _ references: [String]) throws -> CorpusBleu {
        try CorpusBleu(hypothesisLines: hypotheses, referenceLines: references)
    }

    @Test func handComputedExamples() throws {
        // Every precision 100; c = 4 < r = 5: BP = exp(1 − 5/4).
        let short = try bleu(["the cat sat down"], ["the cat sat down here"])
        #expect(short.precisions == [100, 100, 100, 100] && short.brevityPenalty == Double.exp(-0.25))
        #expect(abs(short.score - 100 * Double.exp(-0.25)) < 1e-12)
        // 3/4, 2/3, 1/2, then 0/1 smoothed to 100 / (2 · 1) = 50.
        let smoothed = try bleu(["a b c d"], ["a b c e"])
        #expect(smoothed.matches == [3, 2, 1, 0] && smoothed.totals == [4, 3, 2, 1])
        #expect(smoothed.precisions == [75, 200.0 / 3, 50, 50])
        #expect(abs(smoothed.score - Double.exp((Double.log(75) + Double.log(200.0 / 3) + 2 * Double.log(50)) / 4)) < 1e-12)
        // Clipping: "the" counts once; the zero orders are smoothed by 2, 4, 8.
        let clipped = try bleu(["the the the the"], ["the cat"])
        #expect(clipped.matches == [1, 0, 0, 0] && clipped.precisions == [25, 100.0 / 6, 12.5, 12.5])
        #expect(clipped.brevityPenalty == 1)
        // Hypotheses shorter than 4 tokens have no 4-grams: BLEU 0 despite every match.
        #expect(try bleu(["a b c"], ["a b c"]).score == 0)
        #expect(try bleu(["x y z w"], ["a b c d"]).score == 0)
        let empty = try bleu([""], ["a b"])
        #expect(empty.score == 0 && empty.brevityPenalty == 0 && empty.hypothesisLength == 0)
    }

    @Test func tokenListsAreJoinedWithSpacesAndCutAgain() throws {
        let lines = try bleu(["a  b c d  ", "e"], ["a b c d", "e f"])
        let tokens = try CorpusBleu(hypotheses: [["a", "b", "c", "d", " "], ["e"]], references: [["a", "b", "c", "d"], ["e", "f"]])
        #expect(lines == tokens)
        #expect(tokens.hypothesisLength == 5 && tokens.referenceLength == 6)
        #expect(abs(tokens.score - 81.87307530779823) < 1e-12)          // sacrebleu 2.6.0
        #expect(throws: RNNKitError("1 outputs but 2 references")) { try bleu(["a"], ["a", "b"]) }
        #expect(throws: RNNKitError("there are no outputs to score")) { try bleu([], []) }
    }

    /// sacrebleu 2.6.0 on random corpora: `sacrebleu.corpus_bleu(hyps, [refs], tokenize="none")`
    /// with the corpora `corpus(seed)` builds (the same generator, written out in Python).
    @Test func matchesSacrebleuOnRandomCorpora() throws {
        let expected: [(seed: UInt64, score: Double, matches: [Int], totals: [Int], c: Int, r: Int)] = [
            (1, 39.72157514094043, [39, 22, 14, 7], [49, 42, 37, 32], 49, 53),
            (2, 46.256848484843225, [17, 10, 6, 4], [22, 17, 12, 8], 22, 27),
            (3, 26.74697903921704, [24, 13, 6, 1], [31, 27, 23, 19], 31, 31),
            (4, 21.834177214239052, [19, 10, 4, 0], [25, 22, 19, 16], 25, 24),
            (5, 19.3576934939088, [3, 1, 0, 0], [5, 4, 3, 2], 5, 6),
            (6, 56.72498716975991, [49, 32, 22, 14], [57, 49, 41, 33], 57, 60),
            (7, 22.878957476294556, [41, 17, 5, 3], [53, 46, 39, 32], 53, 56),
            (8, 36.24075818269218, [23, 15, 6, 2], [30, 25, 20, 16], 30, 30),
            (9, 22.635009036698293, [16, 8, 3, 0], [22, 18, 14, 11], 22, 23),
            (10, 28.01538114968815, [13, 7, 3, 1], [16, 14, 12, 10], 16, 18),
            (11, 26.20251007173262, [7, 4, 2, 1], [12, 11, 10, 9], 12, 8),
            (12, 21.584684267574048, [31, 15, 3, 1], [41, 33, 25, 19], 41, 40),
            (13, 37.8251351703457, [17, 8, 4, 2], [23, 17, 12, 8], 23, 25),
            (14, 14.6038225831595, [35, 15, 3, 1], [51, 46, 41, 36], 51, 45),
            (15, 48.048684152496065, [15, 9, 5, 3], [19, 15, 12, 9], 19, 20),
            (16, 23.475699275266127, [4, 2, 1, 0], [7, 5, 4, 3], 7, 9),
            (17, 0.0, [2, 1, 0, 0], [3, 2, 1, 0], 3, 2),
            (18, 27.442283486587595, [35, 18, 7, 3], [46, 38, 32, 27], 46, 51),
            (19, 34.48729312244494, [22, 10, 5, 2], [30, 24, 18, 12], 30, 30),
            (20, 24.455569544487076, [27, 10, 5, 2], [35, 30, 26, 22], 35, 37),
        ]
        for e in expected {
            let (hypotheses, references) = corpus(seed: e.seed)
            let b = try bleu(hypotheses, references)
            #expect(b.matches == e.matches && b.totals == e.totals, "seed \(e.seed)")
            #expect(b.hypothesisLength == e.c && b.referenceLength == e.r, "seed \(e.seed)")
            #expect(abs(b.score - e.score) <= 1e-12 * max(1, e.score), "seed \(e.seed): \(b.score) vs \(e.score)")
        }
    }

    /// A few sentences over the words a…f: each reference 1–12 words, its hypothesis a noisy
    /// copy (a word replaced with chance 2/8, dropped 1/8, followed by an extra word 1/8), from
    /// the 64-bit LCG x ← 6364136223846793005·x + 1442695040888963407, drawing x >> 33.
    ///
    /// The Python that printed the expected values:
    ///
    ///     def corpus(seed):
    ///         g = LCG(seed); n = 1 + g.draw() % 8; hyps, refs = [], []
    ///         for _ in range(n):
    ///             ref = [WORDS[g.draw() % 6] for _ in range(1 + g.draw() % 12)]; hyp = []
    ///             for w in ref:
    ///                 k = g.draw() % 8
    ///                 if k < 2: hyp.append(WORDS[g.draw() % 6])
    ///                 elif k == 2: pass
    ///                 elif k == 3: hyp += [w, WORDS[g.draw() % 6]]
    ///                 else: hyp.append(w)
    ///             hyps.append(" ".join(hyp)); refs.append(" ".join(ref))
    ///         return hyps, refs
    func corpus(seed: UInt64) -> (hypotheses: [String], references: [String]) {
        var x = seed
        func draw() -> Int {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(x >> 33)
        }
        let words = ["a", "b", "c", "d", "e", "f"]
        var hypotheses: [String] = [], references: [String] = []
        for _ in 0..<(1 + draw() % 8) {
            let reference = (0..<(1 + draw() % 12)).map { _ in words[draw() % 6] }
            var hypothesis: [String] = []
            for w in reference {
                let k = draw() % 8
                if k < 2 { hypothesis.append(words[draw() % 6]) } else if k == 2 {} else if k == 3 {
                    hypothesis += [w, words[draw() % 6]]
                } else { hypothesis.append(w) }
            }
            hypotheses.append(hypothesis.joined(separator: " "))
            references.append(reference.joined(separator: " "))
        }
        return (hypotheses, references)
    }
}
