import CRNNKernels
import Testing
@testable import RNNKit

/// The vectorised Float optimizer updates against the Swift references: the same bits, on
/// every ISA this CPU has, for odd lengths (vector tails) and every option.
@Suite(.serialized) struct OptimizerKernelTests {
    static let counts = [1, 7, 17, 100]

    func data(_ n: Int, _ seed: UInt64) -> (θ: [Float], g: [Float], a: [Float], b: [Float], c: [Float]) {
        var r = SeededGenerator(seed: seed)
        func v(_ lo: Float, _ hi: Float) -> [Float] { (0..<n).map { _ in r.uniform(lo, hi) } }
        return (v(-1, 1), v(-1, 1), v(-0.5, 0.5), v(0, 1), v(-0.1, 0.1))
    }

    /// Bit patterns, so that equal NaNs compare equal (a centered RMSprop step on random state
    /// can take the square root of a negative number).
    func bits(_ x: [Float]) -> [UInt32] { x.map(\.bitPattern) }

    @Test(arguments: counts)
    func adamMatchesReferenceBitForBit(_ n: Int) {
        let d = data(n, UInt64(n))
        for (l2, decay, w1) in [(Float(0), Float(1), Float(0.1)), (0.01, 1, 0.1), (0, 0.999, 0.7)] {
            eachISA { isa in
                var (θ1, m1, v1) = (d.θ, d.a, d.b), (θ2, m2, v2) = (d.θ, d.a, d.b)
                adamStepReference(values: &θ1, gradients: d.g, m: &m1, v: &v1, count: n, l2Decay: l2, decayFactor: decay,
                                  firstMomentWeight: w1, beta2: 0.999, secondMomentWeight: 0.001,
                                  biasCorrection2Sqrt: 0.0447, epsilon: 1e-8, negativeStepSize: -0.01)
                adamStep(values: &θ2, gradients: d.g, m: &m2, v: &v2, count: n, l2Decay: l2, decayFactor: decay,
                         firstMomentWeight: w1, beta2: 0.999, secondMomentWeight: 0.001,
                         biasCorrection2Sqrt: 0.0447, epsilon: 1e-8, negativeStepSize: -0.01)
                #expect(bits(θ1) == bits(θ2) && bits(m1) == bits(m2) && bits(v1) == bits(v2), "\(isa) n \(n) l2 \(l2) decay \(decay) w1 \(w1)")
            }
        }
    }

    @Test(arguments: counts)
    func rmspropMatchesReferenceBitForBit(_ n: Int) {
        let d = data(n, 50 + UInt64(n))
        for (centered, momentum, wd) in [(false, Float(0), Float(0)), (true, 0.9, 0.01), (false, 0.5, 0), (true, 0, 0)] {
            eachISA { isa in
                var (θ1, v1, b1, a1) = (d.θ, d.b, d.c, d.a), (θ2, v2, b2, a2) = (d.θ, d.b, d.c, d.a)
                b1.withUnsafeMutableBufferPointer { bp1 in a1.withUnsafeMutableBufferPointer { ap1 in
                    rmspropStepReference(values: &θ1, gradients: d.g, squareAverage: &v1,
                                         momentumBuffer: momentum > 0 ? bp1.baseAddress : nil,
                                         gradientAverage: centered ? ap1.baseAddress : nil, count: n, alpha: 0.99,
                                         averageWeight: 0.01, epsilon: 1e-8, weightDecay: wd, momentum: momentum,
                                         negativeLR: -0.01)
                } }
                b2.withUnsafeMutableBufferPointer { bp2 in a2.withUnsafeMutableBufferPointer { ap2 in
                    rmspropStep(values: &θ2, gradients: d.g, squareAverage: &v2,
                                momentumBuffer: momentum > 0 ? bp2.baseAddress : nil,
                                gradientAverage: centered ? ap2.baseAddress : nil, count: n, alpha: 0.99,
                                averageWeight: 0.01, epsilon: 1e-8, weightDecay: wd, momentum: momentum,
                                negativeLR: -0.01)
                } }
                #expect(bits(θ1) == bits(θ2) && bits(v1) == bits(v2) && bits(b1) == bits(b2) && bits(a1) == bits(a2),
                        "\(isa) n \(n) centered \(centered) momentum \(momentum) wd \(wd)")
            }
        }
    }

    @Test(arguments: counts)
    func adagradMatchesReferenceBitForBit(_ n: Int) {
        let d = data(n, 90 + UInt64(n))
        for wd in [Float(0), 0.01] {
            eachISA { isa in
                var (θ1, s1) = (d.θ, d.b), (θ2, s2) = (d.θ, d.b)
                adagradStepReference(values: &θ1, gradients: d.g, sum: &s1, count: n, weightDecay: wd, epsilon: 1e-10, negativeLR: -0.01)
                adagradStep(values: &θ2, gradients: d.g, sum: &s2, count: n, weightDecay: wd, epsilon: 1e-10, negativeLR: -0.01)
                #expect(bits(θ1) == bits(θ2) && bits(s1) == bits(s2), "\(isa) n \(n) wd \(wd)")
            }
        }
    }
}
