import Foundation
import Testing
@testable import RNNKit

@Suite struct BeamSearchOptionsTests {
    @Test func lengthPenaltiesFollowTheirFormulas() {
        #expect(LengthPenalty.none.score(logProb: -6, length: 3) == -6)
        #expect(LengthPenalty.average(alpha: 1).score(logProb: -6, length: 3) == -2)
        #expect(LengthPenalty.average(alpha: 0.5).divisor(length: 4) == 2)
        #expect(LengthPenalty.wu(alpha: 1).divisor(length: 7) == 2)             // (5 + 7) / 6
        #expect(abs(LengthPenalty.wu(alpha: 0.6).divisor(length: 10) - pow(2.5, 0.6)) < 1e-15)
        #expect(LengthPenalty.wu(alpha: 0).divisor(length: 10) == 1)
        // The bound a live hypothesis can still reach.
        #expect(LengthPenalty.average(alpha: 1).bound(logProb: -8, maxLength: 4) == -2)
        #expect(LengthPenalty.none.bound(logProb: -8, maxLength: 4) == -8)
        #expect(LengthPenalty.none.bound(logProb: 0.5, maxLength: 4) == .infinity)
    }

    @Test func badOptionsAreRefusedInOneLine() {
        func refuse(_ message: String, vocabularySize: Int? = nil, _ change: (inout BeamSearchOptions) -> Void) {
            var o = BeamSearchOptions()
            change(&o)
            #expect(throws: RNNKitError(message)) { try o.validate(vocabularySize: vocabularySize) }
        }
        refuse("the beam size must be at least 1, got 0") { $0.beamSize = 0 }
        refuse("the n-best count must be in 1...5 (the beam size), got 6") { $0.nBest = 6 }
        refuse("the maximum length must be at least 1, got 0") { $0.maxLength = 0 }
        refuse("the minimum length must be in 0...100 (the maximum length), got 101") { $0.minLength = 101 }
        refuse("the n-gram size to block must be at least 0 (0: off), got -1") { $0.blockNgramRepeat = -1 }
        refuse("the wu length penalty needs α ≥ 0, got -0.5") { $0.lengthPenalty = .wu(alpha: -0.5) }
        refuse("the avg length penalty needs α ≥ 0, got inf") { $0.lengthPenalty = .average(alpha: .infinity) }
        refuse("the <bos> id 2 or <eos> id 3 is outside the vocabulary 0..<3", vocabularySize: 3) { _ in }
        refuse("decoding needs a vocabulary of at least 2 symbols, got 1", vocabularySize: 1) { _ in }
        #expect(throws: RNNKitError("the maximum length must be at least 1, got 0")) {
            try GreedySearch.search(sentences: 1, vocabularySize: 5, maxLength: 0) { _ in DecoderScores<Float>(logProbs: []) }
        }
    }

    @Test func stepResultsOfTheWrongSizeAreRefused() throws {
        #expect(throws: RNNKitError("the decoder step returned 4 log-probabilities for 2 rows of 5")) {
            try BeamSearch.search(sentences: 2, vocabularySize: 5, options: BeamSearchOptions()) { _ in
                DecoderScores<Float>(logProbs: [0, 0, 0, 0])
            }
        }
        #expect(throws: RNNKitError("the decoder step returned 3 attention weights for 2 rows")) {
            try GreedySearch.search(sentences: 2, vocabularySize: 4, maxLength: 5) { rows in
                DecoderScores<Float>(logProbs: [Float](repeating: -1.3862944, count: rows.count * 4), attention: [1, 0, 0])
            }
        }
        #expect(throws: RNNKitError("the decoder step returned attention at an earlier step but not at this one")) {
            try BeamSearch.search(sentences: 1, vocabularySize: 4, options: BeamSearchOptions(beamSize: 2, maxLength: 5)) { rows in
                DecoderScores<Float>(logProbs: (0..<rows.count).flatMap { _ in [-0.1, -3, -3, -9] },
                                     attention: rows.step == 0 ? [1] : nil)
            }
        }
        // Nothing to decode: no call.
        #expect(try BeamSearch.search(sentences: 0, vocabularySize: 4, options: BeamSearchOptions()) { _ -> DecoderScores<Float> in
            Issue.record("no step expected"); return DecoderScores(logProbs: [])
        }.isEmpty)
    }
}
