import Testing
@testable import RNNKit

/// The inference path (encode once, step hypotheses with parents) computes what the training
/// forward computes: free-running greedy steps equal a forward whose teacher mask is false
/// after step 0, and shuffled parents move each hypothesis's state with it.
@Suite struct Seq2SeqDecodingTests {
    static let lengths = [5, 2, 4]

    @Test(arguments: Seq2SeqConfiguration.AttentionKind.allCases)
    func greedyStepsEqualTheFreeRunningForward(_ attention: Seq2SeqConfiguration.AttentionKind) throws {
        let config = Seq2SeqConfiguration(cell: .lstm, sourceVocabularySize: 7, targetVocabularySize: 6, embeddingSize: 3,
                                          hiddenSize: 4, numLayers: 2, bidirectional: attention != .luong,
                                          attention: attention, score: attention == .luong ? .dot : .additive)
        let model = try Seq2Seq<Double>(config, seed: 9)
        model.setTraining(false)
        let source = Seq2SeqGradientTests.ids(7, steps: 5, lengths: Self.lengths, seed: 1)
        let T = 4, B = 3, V = 6
        let targetIn = [Int](repeating: 2, count: T * B)
        var teacher = [Bool](repeating: false, count: T * B)
        for b in 0..<B { teacher[b] = true }
        let (logits, weights) = model.forward(source: source, sourceLengths: Self.lengths, targetIn: targetIn, teacher: teacher)

        let d = model.startDecoding(source: source, lengths: Self.lengths)
        var tokens = [2, 2, 2]
        for t in 0..<T {
            let (logProbs, alpha) = model.decodingStep(d, tokens: tokens, parents: [0, 1, 2])
            for b in 0..<B {
                let row = (0..<V).map { logits.scalars[(t * B + b) * V + $0] }
                let top = row.max()!, shift = top + Double.log(row.map { Double.exp($0 - top) }.reduce(0, +))
                for v in 0..<V { #expect(abs(Double(logProbs[b * V + v]) - (row[v] - shift)) < 1e-5) }
                tokens[b] = (0..<V).max { logProbs[b * V + $0] < logProbs[b * V + $1] || (logProbs[b * V + $0] == logProbs[b * V + $1] && $0 > $1) }!
                if let weights, let alpha {
                    for s in 0..<5 { #expect(abs(Double(alpha[b * 5 + s]) - weights.scalars[(t * B + b) * 5 + s]) < 1e-6) }
                }
            }
        }
    }

    /// Rows that swap parents swap states: stepping [a, b] from parents [1, 0] gives the rows of
    /// stepping from [0, 1] in the other order.
    @Test func parentsCarryTheState() throws {
        let config = Seq2SeqConfiguration(cell: .gru, sourceVocabularySize: 7, targetVocabularySize: 6, embeddingSize: 3,
                                          hiddenSize: 4, attention: .luong, score: .general)
        let model = try Seq2Seq<Double>(config, seed: 2)
        let source = Seq2SeqGradientTests.ids(7, steps: 5, lengths: [5, 3], seed: 4)
        func run(_ swap: Bool) -> [Float] {
            let d = model.startDecoding(source: source, lengths: [5, 3])
            _ = model.decodingStep(d, tokens: [2, 2], parents: [0, 1])
            _ = model.decodingStep(d, tokens: [4, 5], parents: [0, 1])
            return model.decodingStep(d, tokens: swap ? [1, 3] : [3, 1], parents: swap ? [1, 0] : [0, 1]).logProbs
        }
        let straight = run(false), swapped = run(true)
        #expect(Array(straight[0..<6]) == Array(swapped[6..<12]) && Array(straight[6..<12]) == Array(swapped[0..<6]))
    }
}
