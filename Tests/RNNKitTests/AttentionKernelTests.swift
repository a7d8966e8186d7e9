import CRNNKernels
import Testing
@testable import RNNKit

/// The attention's vectorised Float inner loops (every ISA this CPU has) against the generic
/// Swift references (AttentionKernels.swift), on odd widths (vector tails), fewer rows than the
/// batch, sequences shorter than the memory, and with and without a direct dα.
@Suite(.serialized) struct AttentionKernelTests {
    static let widths = [1, 7, 16, 33]

    func buffer(_ n: Int, _ g: inout SeededGenerator, scale: Float = 2) -> [Float] { g.floats(n, scale: scale) }

    @Test(arguments: widths)
    func additiveScoresMatchReference(_ A: Int) {
        var g = SeededGenerator(seed: 300 + UInt64(A))
        let S = 5, B = 4, R = 3
        let keys = buffer(S * B * A, &g), wq = buffer(B * A, &g), v = buffer(A, &g)
        eachISA { isa in
            var (ur, uf) = ([Float](repeating: 9, count: S * B * A), [Float](repeating: 9, count: S * B * A))
            var (er, ef) = ([Float](repeating: 7, count: B * S), [Float](repeating: 7, count: B * S))
            additiveScoresReference(steps: S, batch: B, rows: R, width: A, keys: keys, query: wq, v: v, hidden: &ur, scores: &er)
            additiveScores(steps: S, batch: B, rows: R, width: A, keys: keys, query: wq, v: v, hidden: &uf, scores: &ef)
            expectClose(uf, ur, atol: 1e-6, rtol: 1e-6, "\(isa) A\(A) u")
            expectClose(ef, er, atol: 1e-5, rtol: 1e-5, "\(isa) A\(A) scores")
            #expect(ef[((B - 1) * S)...].allSatisfy { $0 == 7 }, "\(isa): row \(B - 1) is beyond R and stays as it was")
        }
    }

    @Test(arguments: widths)
    func stepBackwardsMatchReference(_ W: Int) {
        var g = SeededGenerator(seed: 400 + UInt64(W))
        let S = 6, B = 4, R = 3, lengths = [6, 2, 4, 5]                // row 3 is beyond R
        let alpha = buffer(B * S, &g), dc = buffer(B * W, &g), direct = buffer(B * S, &g), v = buffer(W, &g)
        let m = buffer(S * B * W, &g), u = buffer(S * B * W, &g, scale: 0.99), de = buffer(B * S, &g)
        let dm0 = buffer(S * B * W, &g), dk0 = buffer(S * B * W, &g), dv0 = buffer(W, &g), dq0 = buffer(B * W, &g)
        eachISA { isa in
            for withDirect in [false, true] {
                var (dmr, dmf) = (dm0, dm0)
                var (der, def) = ([Float](repeating: 5, count: B * S), [Float](repeating: 5, count: B * S))
                let d: [Float]? = withDirect ? direct : nil
                contextBackwardReference(steps: S, batch: B, rows: R, width: W, lengths: lengths, weights: alpha, dContext: dc,
                                         memory: m, dMemory: &dmr, direct: d, de: &der)
                contextBackward(steps: S, batch: B, rows: R, width: W, lengths: lengths, weights: alpha, dContext: dc,
                                memory: m, dMemory: &dmf, direct: d, de: &def)
                expectClose(dmf, dmr, atol: 1e-6, rtol: 1e-6, "\(isa) W\(W) dm")
                expectClose(def, der, atol: 1e-5, rtol: 1e-5, "\(isa) W\(W) de direct \(withDirect)")
                #expect(def[1 * S + 2] == 5 && def[3 * S] == 5, "\(isa): steps past a length and rows past R untouched")
            }
            var (dkr, dkf, dvr, dvf, dqr, dqf) = (dk0, dk0, dv0, dv0, dq0, dq0)
            additiveBackwardReference(steps: S, batch: B, rows: R, width: W, lengths: lengths, de: de, hidden: u, v: v,
                                      dv: &dvr, dKeys: &dkr, dQuery: &dqr)
            additiveBackward(steps: S, batch: B, rows: R, width: W, lengths: lengths, de: de, hidden: u, v: v,
                             dv: &dvf, dKeys: &dkf, dQuery: &dqf)
            expectClose(dkf, dkr, atol: 1e-6, rtol: 1e-6, "\(isa) W\(W) dk")
            expectClose(dvf, dvr, atol: 1e-5, rtol: 1e-5, "\(isa) W\(W) dv")
            expectClose(dqf, dqr, atol: 1e-5, rtol: 1e-5, "\(isa) W\(W) dq")
            #expect(dkf[((2 * B + 1) * W)..<((2 * B + 2) * W)] == dk0[((2 * B + 1) * W)..<((2 * B + 2) * W)],
                    "\(isa): the key of a step past its sequence's length is untouched")
        }
    }
}
