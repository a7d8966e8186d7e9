import Testing
@testable import RNNKit

/// Truncated BPTT with k1 < k2 hands each window the state that entered its first step; with
/// no parameter updates in between, the windows together must score exactly what one pass over
/// the whole stream scores.
@Suite struct TBPTTTests {
    static func model(_ cell: CellKind) throws -> LanguageModel<Double> {
        try LanguageModel<Double>(.init(cell: cell, vocabularySize: 7, embeddingSize: 5, hiddenSize: 6, numLayers: 2), seed: 3)
    }

    @Test(arguments: [CellKind.lstm, .gru, .rnnTanh])
    func stateEnteringStepIsThePrefixState(_ cell: CellKind) throws {
        let m = try Self.model(cell)
        var g = SeededGenerator(seed: 9)
        let T = 6, B = 3
        let inputs = (0..<T * B).map { _ in Int(g.next() % 7) }
        _ = m.loss(inputs: inputs, targets: inputs, steps: T, batch: B)
        for t in [0, 1, 4, T] {
            let entering = m.rnn.state(enteringStep: t)
            if t == 0 {
                #expect(entering.h.scalars.allSatisfy { $0 == 0 })
                continue
            }
            let prefix = m.loss(inputs: Array(inputs[..<(t * B)]), targets: Array(inputs[..<(t * B)]), steps: t, batch: B).state
            expectClose(entering.h.scalars, prefix.h.scalars, atol: 1e-12, rtol: 1e-12, "h entering step \(t)")
            if cell == .lstm { expectClose(entering.c!.scalars, prefix.c!.scalars, atol: 1e-12, rtol: 1e-12, "c entering step \(t)") }
            _ = m.loss(inputs: inputs, targets: inputs, steps: T, batch: B)     // restore the full forward
        }
    }

    @Test(arguments: [(2, 5), (3, 3), (1, 4)])
    func windowsTogetherScoreTheWholeStream(k1: Int, k2: Int) throws {
        let m = try Self.model(.lstm)
        var g = SeededGenerator(seed: 4)
        let stream = try BatchedTokens((0..<60).map { _ in Int(g.next() % 7) }, batch: 3)
        let all = stream.chunk(start: 0, count: stream.positions)
        let whole = m.loss(inputs: all.inputs, targets: all.targets, steps: stream.positions, batch: 3)

        let schedule = TBPTTSchedule(k1: k1, k2: k2, positions: stream.positions)
        var carried: RecurrentState<Double>? = nil
        var total = 0.0, count = 0
        for s in 0..<schedule.updates {
            let w = schedule.window(s)
            let (inputs, targets) = stream.chunk(start: w.start, count: w.count, ignored: w.context)
            let result = m.loss(inputs: inputs, targets: targets, steps: w.count, batch: 3, initialState: carried)
            total += result.totalLoss
            count += result.count
            if s + 1 < schedule.updates {
                let offset = schedule.carryOffset(after: s)
                carried = offset == w.count ? result.state : m.rnn.state(enteringStep: offset)
            }
        }
        #expect(count == whole.count)
        #expect(abs(total - whole.totalLoss) < 1e-9 * whole.totalLoss)
    }
}
