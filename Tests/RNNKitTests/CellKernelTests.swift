import CRNNKernels
import Testing
@testable import RNNKit

/// The vectorised Float step kernels (every ISA this CPU has) against the generic Swift
/// references, on odd widths (tails), padding rows and wide input ranges.
@Suite(.serialized) struct CellKernelTests {
    static let widths = [1, 7, 16, 33]

    func buffer(_ n: Int, _ g: inout SeededGenerator, scale: Float = 4) -> [Float] { g.floats(n, scale: scale) }

    @Test(arguments: widths)
    func lstmFastMatchesReference(_ H: Int) {
        var g = SeededGenerator(seed: UInt64(H))
        let B = 3, lengths = [2, 1, 5], t = 1
        let gates0 = buffer(B * 4 * H, &g, scale: 12), hp = buffer(B * H, &g), cp = buffer(B * H, &g)
        let dh = buffer(B * H, &g), dc0 = buffer(B * H, &g)
        eachISA { isa in
            var gr = gates0, gf = gates0
            var (h1, c1, t1) = ([Float](repeating: 0, count: B * H), [Float](repeating: 0, count: B * H), [Float](repeating: 0, count: B * H))
            var (h2, c2, t2) = (h1, c1, t1)
            lstmStepForwardReference(batch: B, hidden: H, t: t, lengths: lengths, gates: &gr, hPrev: hp, cPrev: cp,
                                     hOut: &h1, cOut: &c1, tanhC: &t1)
            lstmStepForward(batch: B, hidden: H, t: t, lengths: lengths, gates: &gf, hPrev: hp, cPrev: cp,
                            hOut: &h2, cOut: &c2, tanhC: &t2)
            for (a, b, what) in [(gf, gr, "gates"), (h2, h1, "h"), (c2, c1, "c"), (t2, t1, "tanh c")] {
                expectClose(a, b, atol: 1e-6, rtol: 1e-6, "\(isa) H\(H) \(what)")
            }
            var (dcr, dcf) = (dc0, dc0)
            var (dgr, dgf) = ([Float](repeating: 0, count: B * 4 * H), [Float](repeating: 0, count: B * 4 * H))
            var (ddr, ddf) = ([Float](repeating: 0, count: B * H), [Float](repeating: 0, count: B * H))
            lstmStepBackwardReference(batch: B, hidden: H, t: t, lengths: lengths, dh: dh, dc: &dcr, gates: gr,
                                      cPrev: cp, tanhC: t1, dGates: &dgr, dhDirect: &ddr)
            lstmStepBackward(batch: B, hidden: H, t: t, lengths: lengths, dh: dh, dc: &dcf, gates: gr,
                             cPrev: cp, tanhC: t1, dGates: &dgf, dhDirect: &ddf)
            expectClose(dgf, dgr, atol: 1e-6, rtol: 1e-6, "\(isa) H\(H) dgates")
            expectClose(dcf, dcr, atol: 1e-6, rtol: 1e-6, "\(isa) H\(H) dc")
            expectClose(ddf, ddr, atol: 0, rtol: 0, "\(isa) H\(H) dh direct")
        }
    }

    @Test(arguments: widths)
    func gruFastMatchesReference(_ H: Int) {
        var g = SeededGenerator(seed: 100 + UInt64(H))
        let B = 3, lengths = [2, 1, 5], t = 1
        let gates0 = buffer(B * 3 * H, &g, scale: 12), gh = buffer(B * 3 * H, &g), bhn = buffer(H, &g)
        let hp = buffer(B * H, &g), dh = buffer(B * H, &g)
        eachISA { isa in
            var gr = gates0, gf = gates0
            var (n1, h1) = ([Float](repeating: 0, count: B * H), [Float](repeating: 0, count: B * H))
            var (n2, h2) = (n1, h1)
            gruStepForwardReference(batch: B, hidden: H, t: t, lengths: lengths, gates: &gr, gh: gh, bhn: bhn,
                                    ghn: &n1, hPrev: hp, hOut: &h1)
            gruStepForward(batch: B, hidden: H, t: t, lengths: lengths, gates: &gf, gh: gh, bhn: bhn,
                           ghn: &n2, hPrev: hp, hOut: &h2)
            expectClose(gf, gr, atol: 1e-6, rtol: 1e-6, "\(isa) H\(H) gates")
            expectClose(h2, h1, atol: 1e-6, rtol: 1e-6, "\(isa) H\(H) h")
            var (dir, dif) = ([Float](repeating: 0, count: B * 3 * H), [Float](repeating: 0, count: B * 3 * H))
            var (dhr, dhf) = (dir, dif)
            var (ddr, ddf) = ([Float](repeating: 0, count: B * H), [Float](repeating: 0, count: B * H))
            gruStepBackwardReference(batch: B, hidden: H, t: t, lengths: lengths, dh: dh, gates: gr, ghn: n1, hPrev: hp,
                                     dGatesInput: &dir, dGatesHidden: &dhr, dhDirect: &ddr)
            gruStepBackward(batch: B, hidden: H, t: t, lengths: lengths, dh: dh, gates: gr, ghn: n1, hPrev: hp,
                            dGatesInput: &dif, dGatesHidden: &dhf, dhDirect: &ddf)
            expectClose(dif, dir, atol: 1e-6, rtol: 1e-6, "\(isa) H\(H) d(gi)")
            expectClose(dhf, dhr, atol: 1e-6, rtol: 1e-6, "\(isa) H\(H) d(gh)")
            expectClose(ddf, ddr, atol: 1e-6, rtol: 1e-6, "\(isa) H\(H) dh direct")
        }
    }

    @Test(arguments: widths)
    func elmanFastMatchesReference(_ H: Int) {
        var g = SeededGenerator(seed: 200 + UInt64(H))
        let B = 2, lengths = [1, 3]
        let gates0 = buffer(B * H, &g, scale: 20), hp = buffer(B * H, &g)
        eachISA { isa in
            for relu in [false, true] {
                var gr = gates0, gf = gates0
                var (h1, h2) = ([Float](repeating: 0, count: B * H), [Float](repeating: 0, count: B * H))
                elmanStepForwardReference(relu: relu, batch: B, hidden: H, t: 1, lengths: lengths, gates: &gr, hPrev: hp, hOut: &h1)
                elmanStepForward(relu: relu, batch: B, hidden: H, t: 1, lengths: lengths, gates: &gf, hPrev: hp, hOut: &h2)
                expectClose(h2, h1, atol: 1e-6, rtol: 1e-6, "\(isa) H\(H) relu \(relu)")
                // Backward at a step where row 0 is padding (t = 1 ≥ lengths[0]) and row 1 is not.
                let dh = buffer(B * H, &g)
                var (dgr, dgf) = ([Float](repeating: 9, count: B * H), [Float](repeating: 9, count: B * H))
                var (ddr, ddf) = (dgr, dgf)
                elmanStepBackwardReference(relu: relu, batch: B, hidden: H, t: 1, lengths: lengths, dh: dh, gates: gr,
                                           dGates: &dgr, dhDirect: &ddr)
                elmanStepBackward(relu: relu, batch: B, hidden: H, t: 1, lengths: lengths, dh: dh, gates: gr,
                                  dGates: &dgf, dhDirect: &ddf)
                expectClose(dgf, dgr, atol: 1e-6, rtol: 1e-6, "\(isa) H\(H) relu \(relu) d(gates)")
                expectClose(ddf, ddr, atol: 0, rtol: 0, "\(isa) H\(H) relu \(relu) dh direct")
                #expect(dgr[..<H].allSatisfy { $0 == 0 } && ddr[..<H] == dh[..<H], "padding row passes dh through")
            }
        }
    }

    @Test func expAndMaxMatchLibm() {
        var g = SeededGenerator(seed: 9)
        let x = (0..<1001).map { _ in g.uniform(Float(-80), Float(80)) }
        eachISA { isa in
            var y = [Float](repeating: 0, count: x.count)
            let sum = rnnkit_exp_shifted_f32(x, &y, x.count, 1.5)
            expectClose(y, x.map { Float.exp($0 - 1.5) }, atol: 0, rtol: 3e-7, "\(isa) exp")
            #expect(abs(sum - y.reduce(0.0) { $0 + Double($1) }) <= 1e-6 * abs(sum))
            #expect(rnnkit_max_f32(x, x.count) == x.max()!)
            #expect(rnnkit_max_f32(x, 5) == x.prefix(5).max()!)
            // NaN propagates through max and exp (a non-finite loss must stay visible).
            for at in [0, 3, 37, 1000] {
                var withNaN = x
                withNaN[at] = .nan
                #expect(rnnkit_max_f32(withNaN, withNaN.count).isNaN, "\(isa) max with NaN at \(at)")
                var out = [Float](repeating: 0, count: x.count)
                #expect(rnnkit_exp_shifted_f32(withNaN, &out, out.count, 0).isNaN)
                #expect(out[at].isNaN && out[(at + 1) % out.count].isFinite)
            }
        }
    }
}
