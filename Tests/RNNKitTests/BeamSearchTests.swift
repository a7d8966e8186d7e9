import Testing
@testable import RNNKit

@Suite struct BeamSearchTests {
    static let penalties: [LengthPenalty] = [.none, .average(alpha: 1), .average(alpha: 0.6), .wu(alpha: 0.6), .wu(alpha: 2)]

    /// V = 4 (`<eos>` = 3, `<bos>` = 2), at most 4 tokens: 27 prefixes of length 3, so a beam
    /// of 128 prunes nothing and must return exactly the exhaustive ranking.
    func options(_ penalty: LengthPenalty, beam: Int = 128, nBest: Int) -> BeamSearchOptions {
        var o = BeamSearchOptions(beamSize: beam, nBest: nBest, maxLength: 4)
        o.lengthPenalty = penalty
        return o
    }

    func run(_ decoder: FakeDecoder, sentences: Int, _ options: BeamSearchOptions) throws -> (result: [[Hypothesis<Float>]], driver: FakeDecoderDriver) {
        let driver = FakeDecoderDriver(decoder, beginID: options.beginID)
        let result = try BeamSearch.search(sentences: sentences, vocabularySize: decoder.V, options: options, step: driver.step)
        #expect(driver.contractHeld)
        return (result, driver)
    }

    @Test(arguments: penalties)
    func wideBeamEqualsExhaustiveSearch(penalty: LengthPenalty) throws {
        let decoder = FakeDecoder(V: 4, S: 3, seed: 42)
        for nBest in [121, 5, 1] {
            let o = options(penalty, nBest: nBest)
            let (result, driver) = try run(decoder, sentences: 3, o)
            if nBest == 1 { #expect(driver.rowCounts[2] < 27) }        // sentences stop once none can win
            for b in 0..<3 {
                let all = decoder.exhaustive(b, o)
                #expect(all.count == 121)                      // 1 + 3 + 9 + 27 ended, 81 cut
                #expect(result[b] == Array(all.prefix(nBest)), "sentence \(b), n-best \(nBest), \(penalty.name)")
            }
        }
    }

    @Test(arguments: penalties)
    func constraintsMatchExhaustiveSearch(penalty: LengthPenalty) throws {
        let decoder = FakeDecoder(V: 4, S: 0, seed: 7, bias: [1: 2.5, 3: 1])      // likes token 1 and <eos>
        for (minLength, block) in [(2, 0), (0, 1), (0, 2), (3, 2)] {
            var o = options(penalty, nBest: 10)
            o.minLength = minLength
            o.blockNgramRepeat = block
            let (result, _) = try run(decoder, sentences: 2, o)
            for b in 0..<2 {
                let all = decoder.exhaustive(b, o)
                #expect(result[b] == Array(all.prefix(10)), "min \(minLength), block \(block), \(penalty.name)")
                #expect(result[b].allSatisfy { $0.tokens.count >= minLength && $0.attention == nil })
                if block > 0 {
                    #expect(result[b].allSatisfy { h in (0...h.tokens.count).allSatisfy { !decoder.repeatsLastNgram(Array(h.tokens.prefix($0)), block) } })
                }
            }
        }
    }

    @Test func blockingUnigramsForbidsAnyRepeatedToken() throws {
        let decoder = FakeDecoder(V: 6, S: 0, seed: 3, bias: [1: 8])            // token 1 almost surely
        var o = BeamSearchOptions(beamSize: 3, nBest: 1, maxLength: 6)
        let plain = try run(decoder, sentences: 1, o).result[0][0]
        #expect(plain.tokens == [1, 1, 1, 1, 1, 1] && !plain.finished)
        o.blockNgramRepeat = 1
        let blocked = try run(decoder, sentences: 1, o).result[0][0]
        #expect(Set(blocked.tokens).count == blocked.tokens.count && blocked.tokens.first == 1)
        #expect(BeamSearch.blockedTokens([4, 1, 4, 5, 4], n: 2, endID: 3) == [1, 5])
        #expect(BeamSearch.blockedTokens([4, 3, 4], n: 1, endID: 3) == [4])
        #expect(BeamSearch.blockedTokens([4], n: 2, endID: 3) == [])
    }

    @Test func smallBeamsRankTheirHypothesesAndStopSentencesEarly() throws {
        let decoder = FakeDecoder(V: 9, S: 5, seed: 11, bias: [3: 1])
        var o = BeamSearchOptions(beamSize: 4, nBest: 3, maxLength: 12)
        o.lengthPenalty = .wu(alpha: 0.7)
        let (result, driver) = try run(decoder, sentences: 6, o)
        #expect(result.count == 6 && result.allSatisfy { $0.count == 3 })
        for hypotheses in result {
            #expect(zip(hypotheses, hypotheses.dropFirst()).allSatisfy { $0.score >= $1.score })
            for h in hypotheses {
                #expect(!h.tokens.contains(3) && h.tokens.count <= 12)
                #expect(h.attention?.count == h.length && h.attention!.allSatisfy { $0.count == 5 })
                #expect(abs(h.score - h.logProb / LengthPenalty.wu(alpha: 0.7).divisor(length: h.length)) < 1e-12)
            }
        }
        // At most K rows per live sentence; sentences drop out as they finish.
        #expect(driver.rowCounts.first == 6 && driver.rowCounts.allSatisfy { $0 <= 24 })
        #expect(driver.calls < 12)                                      // all stopped early
    }

    @Test(arguments: penalties)
    func narrowBeamsMatchAPlainReference(penalty: LengthPenalty) throws {
        let decoder = FakeDecoder(V: 6, S: 2, seed: 5, spread: 1.5, bias: [3: 0.3])
        for (beam, nBest, block) in [(2, 1, 0), (3, 2, 0), (4, 4, 2), (5, 3, 1)] {
            var o = BeamSearchOptions(beamSize: beam, nBest: nBest, maxLength: 7)
            o.lengthPenalty = penalty
            o.blockNgramRepeat = block
            o.minLength = 1
            let (result, _) = try run(decoder, sentences: 4, o)
            for b in 0..<4 {
                #expect(result[b] == decoder.referenceBeam(b, o), "K \(beam), sentence \(b), \(penalty.name)")
            }
        }
    }

    @Test(arguments: [0, 2])
    func beamOfOneIsGreedy(minLength: Int) throws {
        for seed: UInt64 in 1...20 {
            let decoder = FakeDecoder(V: 7, S: 4, seed: seed, spread: 2, bias: [3: 0.8])
            let greedyDriver = FakeDecoderDriver(decoder, beginID: 2)
            let greedy = try GreedySearch.search(sentences: 5, vocabularySize: 7, maxLength: 9, minLength: minLength,
                                                 step: greedyDriver.step)
            #expect(greedyDriver.contractHeld)
            for penalty in Self.penalties {
                var o = BeamSearchOptions(beamSize: 1, nBest: 1, maxLength: 9)
                o.minLength = minLength
                o.lengthPenalty = penalty
                let beam = try run(decoder, sentences: 5, o).result.map { $0[0] }
                #expect(beam.map(\.tokens) == greedy.map(\.tokens) && beam.map(\.logProb) == greedy.map(\.logProb))
                #expect(beam.map(\.attention) == greedy.map(\.attention) && beam.map(\.finished) == greedy.map(\.finished))
                if penalty == .none { #expect(beam == greedy) }
            }
            // Greedy follows the argmax of each step.
            for (b, h) in greedy.enumerated() {
                var prefix: [Int] = []
                while prefix.count < 9 {
                    let lp = decoder.logProbs(b, prefix)
                    let allowed = (0..<7).filter { !($0 == 3 && prefix.count < minLength) }
                    let best = allowed.max { lp[$0] < lp[$1] || (lp[$0] == lp[$1] && $0 > $1) }!
                    if best == 3 { break }
                    prefix.append(best)
                }
                #expect(h.tokens == prefix && h.finished == (prefix.count < 9))
            }
        }
    }

    @Test func tiesGoToTheLowestID() throws {
        let flat: (DecoderRows) -> DecoderScores<Float> = { rows in
            DecoderScores(logProbs: [Float](repeating: -Float.log(5), count: rows.count * 5))
        }
        let greedy = try GreedySearch.search(sentences: 2, vocabularySize: 5, maxLength: 3, step: flat)
        #expect(greedy.map(\.tokens) == [[0, 0, 0], [0, 0, 0]])
        let beam = try BeamSearch.search(sentences: 1, vocabularySize: 5, options: BeamSearchOptions(beamSize: 1, maxLength: 3), step: flat)
        #expect(beam[0][0].tokens == [0, 0, 0] && !beam[0][0].finished)
        // NaN reads as −∞.
        let nan: (DecoderRows) -> DecoderScores<Float> = { rows in
            DecoderScores(logProbs: (0..<rows.count).flatMap { _ in [Float.nan, -1, -2, -0.5, -3] })
        }
        #expect(try GreedySearch.search(sentences: 1, vocabularySize: 5, maxLength: 3, step: nan)[0].tokens == [])
    }
}
