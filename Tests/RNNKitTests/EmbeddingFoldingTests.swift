import Testing
@testable import RNNKit

/// The embedding lookup folded into the first layer's input projection (`LayerInput.tokens`)
/// computes the same numbers as the lookup followed by the dense projection: outputs, final
/// state, and every gradient, the embedding's included.
@Suite struct EmbeddingFoldingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let cell: CellKind, layers: Int, tied: Bool
        var testDescription: String { "\(cell.rawValue) L\(layers)\(tied ? " tied" : "")" }
    }

    static let cases = [
        Case(cell: .lstm, layers: 2, tied: false), Case(cell: .gru, layers: 1, tied: true),
        Case(cell: .rnnTanh, layers: 2, tied: false), Case(cell: .rnnRelu, layers: 1, tied: true),
    ]

    /// One training chunk (V = 7 < T·B = 12, so the model folds) with folding on and off.
    @Test(arguments: cases)
    func languageModelFoldsExactly(_ c: Case) throws {
        let (T, B, V) = (4, 3, 7)
        var g = SeededGenerator(seed: 31)
        let inputs = (0..<T * B).map { _ in Int(g.next() % UInt64(V)) }
        let targets = (0..<T * B).map { _ in Int(g.next() % UInt64(V)) }
        func run(folding: Bool) throws -> (loss: Double, logits: [Double], h: [Double], gradients: [Double]) {
            let model = try LanguageModel<Double>(.init(cell: c.cell, vocabularySize: V, embeddingSize: 6, hiddenSize: 6,
                                                        numLayers: c.layers, tiedWeights: c.tied), seed: 5)
            model.foldsEmbeddingLookup = folding
            model.arena.zeroGradients()
            let (loss, state) = model.lossAndGradients(inputs: inputs, targets: targets, steps: T, batch: B)
            #expect(model.embeddingFolded == folding)
            let logits = model.inEvaluationMode {
                _ = model.forwardLogits(inputs: inputs, steps: T, batch: B, initialState: state)
                return Array(UnsafeBufferPointer(start: model.logits.pointer, count: T * B * V))
            }
            return (loss, logits, state.h.scalars, analyticGradient(of: model.arena))
        }
        let folded = try run(folding: true), plain = try run(folding: false)
        #expect(abs(folded.loss - plain.loss) <= 1e-12 * abs(plain.loss))
        expectClose(folded.logits, plain.logits, atol: 1e-12, rtol: 1e-12, "logits")
        expectClose(folded.h, plain.h, atol: 1e-12, rtol: 1e-12, "h_n")
        expectClose(folded.gradients, plain.gradients, atol: 1e-12, rtol: 1e-12, "gradients")
        #expect(folded.gradients.contains { $0 != 0 })
    }

    /// A bidirectional stack on token input: both directions add their d(table).
    @Test func bidirectionalStackOnTokens() {
        let (T, B, V, I, H) = (5, 2, 4, 3, 3)
        var g = SeededGenerator(seed: 8)
        let arena = ParameterArena<Double>()
        let stack = RecurrentStack<Double>(cell: .lstm, inputSize: I, hiddenSize: H, numLayers: 2, bias: true,
                                           bidirectional: true, dropout: 0, arena: arena, prefix: "", generator: &g)
        let table = (0..<V * I).map { _ in g.uniform(-1.0, 1.0) }
        let ids = (0..<T * B).map { _ in Int(g.next() % UInt64(V)) }
        let dy = (0..<T * B * 2 * H).map { _ in g.uniform(-1.0, 1.0) }
        let x = ids.flatMap { table[($0 * I)..<($0 * I + I)] }             // (T, B, I) gathered rows

        arena.zeroGradients()
        let yDense = Array(UnsafeBufferPointer(start: stack.forward(x: x, steps: T, batch: B, h0: nil, c0: nil, lengths: nil),
                                               count: T * B * 2 * H))
        var dx = [Double](repeating: 0, count: T * B * I)
        stack.backward(dOutput: dy, dhN: nil, dcN: nil, dx: &dx, dh0: nil, dc0: nil)
        let denseGradients = analyticGradient(of: arena)
        var dTableExpected = [Double](repeating: 0, count: V * I)
        for (n, id) in ids.enumerated() { for j in 0..<I { dTableExpected[id * I + j] += dx[n * I + j] } }

        arena.zeroGradients()
        let yTokens = Array(UnsafeBufferPointer(start: stack.forward(tokens: ids, table: table, vocabulary: V, steps: T,
                                                                     batch: B, h0: nil, c0: nil),
                                                count: T * B * 2 * H))
        var dTable = [Double](repeating: 0.5, count: V * I)                // added into, not overwritten
        stack.backward(dOutput: dy, dhN: nil, dcN: nil, dx: &dTable, dh0: nil, dc0: nil)

        expectClose(yTokens, yDense, atol: 1e-12, rtol: 1e-12, "output")
        expectClose(analyticGradient(of: arena), denseGradients, atol: 1e-12, rtol: 1e-12, "parameter gradients")
        expectClose(dTable, dTableExpected.map { $0 + 0.5 }, atol: 1e-12, rtol: 1e-12, "d(table)")
    }
}
