#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Initialising a language model exactly as PyTorch does after `torch.manual_seed(seed)`, so
// that `rnn train --seed S` starts from the weights `torch_lm.py --seed S` starts from, and the
// two runs follow the same trajectory (the training arithmetic already matches PyTorch's).
//
// PyTorch's CPU generator is MT19937. In the order torch_lm.py's `LM.__init__` draws them:
//   embedding.weight (V, E)   init.normal_        uniforms, then Box–Muller in blocks of 16
//   rnn.* in registration order   init.uniform_(−1/√H, 1/√H)
//   decoder.weight (V, H)     kaiming_uniform_(a=√5) = U(−1/√H, 1/√H)   (drawn even when tied)
//   decoder.bias (V)          U(−1/√H, 1/√H)
//   with init_range r > 0:    embedding U(−r, r), decoder.bias 0, decoder.weight U(−r, r)
// A float uniform is (x & (2²⁴ − 1)) · 2⁻²⁴ · (to − from) + from for one 32-bit draw x.

/// PyTorch's CPU random generator: MT19937 seeded as `torch.manual_seed(seed)` seeds it, with
/// PyTorch's float `uniform_` and `normal_` transformations.
public struct PyTorchGenerator: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    /// The generator `torch.manual_seed(seed)` leaves (the low 32 bits of the seed).
    public init(seed: UInt64) {
        state[0] = UInt32(truncatingIfNeeded: seed)
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    /// The next 32 random bits (`generator->random()`).
    public mutating func next() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
        }
        index = 0
    }

    /// One float from U(from, to), as `tensor.uniform_(from, to)` draws it.
    public mutating func uniform(_ from: Double, _ to: Double) -> Float {
        let f = Float(from), t = Float(to)
        let x = Float(next() & 0xFF_FFFF) * 0x1p-24
        return x * (t - f) + f
    }

    /// Fills `count` floats as `tensor.normal_(mean, std)` does for a contiguous float tensor
    /// of at least 16 elements: all uniforms first, then Box–Muller on blocks of 16 (the last
    /// block redrawn when `count` is not a multiple of 16).
    public mutating func fillNormal(_ data: inout [Float], mean: Float = 0, std: Float = 1) {
        let n = data.count
        precondition(n >= 16, "PyTorchGenerator.fillNormal: PyTorch's vectorised path needs at least 16 values")
        for i in 0..<n { data[i] = uniform(0, 1) }
        var i = 0
        while i + 16 <= n {
            Self.boxMuller16(&data, at: i, mean: mean, std: std)
            i += 16
        }
        if n % 16 != 0 {
            for k in (n - 16)..<n { data[k] = uniform(0, 1) }
            Self.boxMuller16(&data, at: n - 16, mean: mean, std: std)
        }
    }

    private static func boxMuller16(_ data: inout [Float], at base: Int, mean: Float, std: Float) {
        for j in 0..<8 {
            let u1 = 1 - data[base + j], u2 = data[base + j + 8]
            let radius = (-2 * Float.log(u1)).squareRoot()
            let theta = Float(2.0 * Double.pi * Double(u2))
            data[base + j] = radius * cosf(theta) * std + mean
            data[base + j + 8] = radius * sinf(theta) * std + mean
        }
    }
}

extension LanguageModel {
    /// Sets every parameter to what PyTorch's model (torch_lm.py's `LM`, the word_language_model
    /// layout) holds right after `torch.manual_seed(seed)` and construction, then, with
    /// `initRange` > 0, its `init_weights`. Values are drawn in `Float` as PyTorch draws them
    /// (the normal embedding to within rounding of PyTorch's vectorised log/sin/cos; an
    /// embedding of fewer than 16 values, which PyTorch draws another way, keeps its values).
    public func initializeLikePyTorch(seed: UInt64, initRange: Double = 0) {
        var g = PyTorchGenerator(seed: seed)
        let c = configuration
        func fillUniform(_ name: String, _ bound: Double, count: Int) {
            let values = (0..<count).map { _ in g.uniform(-bound, bound) }
            if let entry = arena.entry(named: name) {
                try! arena.setValue(Tensor(shape: entry.shape, scalars: values.map { Scalar($0) }), named: name)
            }
        }
        var normal = [Float](repeating: 0, count: c.vocabularySize * c.embeddingSize)
        if normal.count >= 16 {
            g.fillNormal(&normal)
            try! arena.setValue(Tensor(shape: [c.vocabularySize, c.embeddingSize], scalars: normal.map { Scalar($0) }),
                                named: "embedding.weight")
        }
        let stdv = 1 / Double(c.hiddenSize).squareRoot()
        for entry in arena.entries where entry.name.hasPrefix("rnn.") {
            fillUniform(entry.name, stdv, count: entry.count)
        }
        let gain = (2.0 / (1 + 5.0.squareRoot() * 5.0.squareRoot())).squareRoot()     // calculate_gain('leaky_relu', √5)
        let kaiming = 3.0.squareRoot() * (gain / Double(c.hiddenSize).squareRoot())
        let decoderWeight = c.tiedWeights ? "decoder.weight (tied)" : "decoder.weight"   // drawn, then replaced by the tie
        fillUniform(decoderWeight, kaiming, count: c.vocabularySize * c.hiddenSize)
        fillUniform("decoder.bias", 1 / Double(c.hiddenSize).squareRoot(), count: c.vocabularySize)
        if initRange > 0 {
            fillUniform("embedding.weight", initRange, count: c.vocabularySize * c.embeddingSize)
            if let bias = arena.entry(named: "decoder.bias") { arena.fill(bias, with: 0) }
            fillUniform(decoderWeight, initRange, count: c.vocabularySize * c.hiddenSize)
        }
    }
}
