/// A small, fast, seedable random number generator (xoshiro256**, seeded by SplitMix64).
///
/// RNNKit uses it for weight initialisation and dropout masks so that runs are reproducible
/// from a seed, and so that its whole state can be saved in a checkpoint and restored.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    /// The four 64-bit words of generator state.
    public var state: (UInt64, UInt64, UInt64, UInt64) {
        get { (s0, s1, s2, s3) }
        set { (s0, s1, s2, s3) = newValue }
    }
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Creates a generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform sample in [0, 1) with 24 random bits (exact in `Float`).
    public mutating func nextUnit<Scalar: RNNScalar>() -> Scalar {
        Scalar(next() >> 40) * Scalar(1.0 / 16_777_216.0)
    }

    /// A uniform sample in [low, high).
    public mutating func uniform<Scalar: RNNScalar>(_ low: Scalar, _ high: Scalar) -> Scalar {
        low + (high - low) * nextUnit()
    }

    /// A standard normal sample (Box–Muller).
    public mutating func normal<Scalar: RNNScalar>(mean: Scalar = 0, std: Scalar = 1) -> Scalar {
        let u1 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let r = (-2 * Double.log(1 - u1)).squareRoot()
        return mean + std * Scalar(r * cosine(2 * Double.pi * u2))
    }

    /// Whether two generators are in the same state (will produce the same sequence).
    public static func == (a: SeededGenerator, b: SeededGenerator) -> Bool {
        a.s0 == b.s0 && a.s1 == b.s1 && a.s2 == b.s2 && a.s3 == b.s3
    }

    private func cosine(_ x: Double) -> Double {
        libmCos(x)
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
