// Attention over the encoder's outputs (the memory), called once per decoder step.
//
// S source steps, B sequences, C memory width, H query width, A additive width.
//   keys     = memory (dot) | memory·W_kᵀ (general, (S, B, H)) | memory·W_kᵀ + b (additive, (S, B, A))
//   e_s      = q·k_s (dot, general) | v·u_s with u_s = tanh(W_q q + k_s) (additive)
//   α        = softmax over s < length of e                               (B, S)
//   c        = Σ_s α_s m_s                                                (B, C)
// Backward, per step in reverse:
//   dα_s = dc·m_s (+ a direct dα_s);  dm_s += α_s dc;  de_s = α_s (dα_s − Σ α dα)
//   dot/general:  dq = Σ_s de_s k_s;  dk_s += de_s q
//   additive:     du_s = de_s v ⊙ (1 − u_s²);  dv += Σ_s de_s u_s;  dk_s += du_s;  dq = W_qᵀ Σ_s du_s
// and once after every step: dm += dkeys·W_k (general, additive), dW_k, db.

/// Global attention (`Attention` in reference_models.py): the keys are computed once per
/// source batch by `prepare`, then `forward` runs once per decoder step (each call keeps what
/// its backward needs), `backward` visits the steps in reverse, and `finishBackward` returns
/// the memory's gradient. Parameters `key.weight` (general: (H, C); additive: (A, C) with
/// `key.bias`), `query.weight` (A, H) and `v.weight` (1, A) under the model's prefix.
final class Attention<Scalar: RNNScalar> {
    let score: Seq2SeqConfiguration.Score
    let arena: ParameterArena<Scalar>
    let key: Linear<Scalar>?
    let query: Linear<Scalar>?
    let v: ParameterArena<Scalar>.Entry?
    let querySize: Int, memorySize: Int, attentionSize: Int

    private(set) var steps = 0, batch = 0
    private var lengths: [Int] = []
    private var memory: UnsafePointer<Scalar>? = nil   // (S, B, C), the caller's, valid until finishBackward
    let keys = ScratchBuffer<Scalar>()                  // (S, B, K) K = C | H | A
    let dKeys = ScratchBuffer<Scalar>()                 // (S, B, K)
    let dMemory = ScratchBuffer<Scalar>()               // (S, B, C)
    let hidden = ScratchBuffer<Scalar>()                // (T, S, B, A) additive u_s per step
    let projected = ScratchBuffer<Scalar>()             // (B, A) W_q q
    let scratch = ScratchBuffer<Scalar>()               // (S) dα / de of one row
    let dProjected = ScratchBuffer<Scalar>()            // (B, A) Σ_s du_s

    /// Registers the score's parameters in `arena` under `prefix` (`attention.`), in PyTorch's
    /// order: general `key`; additive `query`, `key`, `v`.
    init(score: Seq2SeqConfiguration.Score, querySize H: Int, memorySize C: Int, attentionSize A: Int,
         arena: ParameterArena<Scalar>, prefix: String, generator: inout SeededGenerator) {
        self.score = score
        self.arena = arena
        querySize = H; memorySize = C; attentionSize = A
        switch score {
        case .dot:
            key = nil; query = nil; v = nil
        case .general:
            key = Linear(inFeatures: C, outFeatures: H, bias: false, arena: arena, prefix: prefix + "key.", generator: &generator)
            query = nil; v = nil
        case .additive:
            query = Linear(inFeatures: H, outFeatures: A, bias: false, arena: arena, prefix: prefix + "query.", generator: &generator)
            key = Linear(inFeatures: C, outFeatures: A, arena: arena, prefix: prefix + "key.", generator: &generator)
            let entry = arena.add(name: prefix + "v.weight", shape: [1, A])
            let bound = Scalar(1 / Double(A).squareRoot())
            arena.fillUniform(entry, low: -bound, high: bound, using: &generator)
            v = entry
        }
    }

    /// K, the width of a key.
    var keySize: Int { score == .dot ? memorySize : score == .general ? querySize : attentionSize }

    // MARK: - Forward

    /// Computes the keys of `memory` (S, B, C) once for the source batch, makes room for
    /// `decoderSteps` calls, and clears the accumulated gradients. `memory` must stay valid and
    /// unchanged until `finishBackward`.
    func prepare(memory: UnsafePointer<Scalar>, steps S: Int, batch B: Int, lengths: [Int], decoderSteps T: Int) {
        steps = S; batch = B
        self.lengths = lengths
        self.memory = memory
        let K = keySize, N = S * B
        let k = keys.ensure(N * K)
        if let key { key.forward(x: memory, rows: N, into: k) } else { k.update(from: memory, count: N * K) }
        if score == .additive { hidden.ensure(max(T, 1) * N * attentionSize) }
        dKeys.ensure(N * K).update(repeating: 0, count: N * K)
        dMemory.ensure(N * memorySize).update(repeating: 0, count: N * memorySize)
    }

    /// Sets the memory (S, B, C) and its keys (S, B, K) computed elsewhere (decoding gathers
    /// them per hypothesis), for forward calls at step 0 only (no backward).
    func use(memory: UnsafePointer<Scalar>, keys given: UnsafePointer<Scalar>, steps S: Int, batch B: Int, lengths: [Int]) {
        steps = S; batch = B
        self.lengths = lengths
        self.memory = memory
        keys.ensure(S * B * keySize).update(from: given, count: S * B * keySize)
        if score == .additive { hidden.ensure(S * B * attentionSize) }
    }

    /// Step `t`: the context (B, C) and weights (B, S) for queries q (B, H), of the first
    /// `rows` sequences only (nil = all B; the rest of context and weights is left as it was).
    func forward(step t: Int, query q: UnsafePointer<Scalar>, context: UnsafeMutablePointer<Scalar>,
                 weights alpha: UnsafeMutablePointer<Scalar>, rows: Int? = nil) {
        let S = steps, C = memorySize, K = keySize, A = attentionSize
        let B = batch, R = rows ?? B
        precondition(R <= B, "Attention: \(R) rows of a batch of \(B)")
        let k = UnsafePointer(keys.pointer), m = memory!
        if score == .additive {
            let wq = projected.ensure(B * A)
            query!.forward(x: q, rows: R, into: wq)                                  // (B, A)
            let u = hidden.pointer + t * S * B * A                                   // (S, B, A)
            additiveScores(steps: S, batch: B, rows: R, width: A, keys: k, query: wq, v: arena.valuePointer(v!),
                           hidden: u, scores: alpha)
        } else {
            for b in 0..<R {
                for s in 0..<S { alpha[b * S + s] = dotProduct(q + b * querySize, k + (s * B + b) * K, K) }
            }
        }
        for b in 0..<R {                                                            // masked softmax over s
            let row = alpha + b * S, n = lengths[b]
            var top = row[0]
            for s in 1..<n { top = max(top, row[s]) }
            var total = Scalar(0)
            for s in 0..<n { row[s] = Scalar.exp(row[s] - top); total += row[s] }
            for s in 0..<n { row[s] /= total }
            for s in n..<S { row[s] = 0 }
            let c = context + b * C
            c.update(repeating: 0, count: C)
            for s in 0..<n {
                let w = row[s], ms = m + (s * B + b) * C
                for j in 0..<C { c[j] += w * ms[j] }
            }
        }
    }

    private func dotProduct(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
        var sum = Scalar(0)
        for i in 0..<n { sum += a[i] * b[i] }
        return sum
    }

    // MARK: - Backward

    /// Step `t` in reverse: from dL/dcontext (B, C) and the step's query q (B, H) and weights
    /// (B, S), writes dL/dq (B, H) and accumulates the keys' and memory's gradients; of the
    /// first `rows` sequences only (nil = all B), as the step's forward. `dWeights` (B, S), if
    /// given, is a gradient reaching the weights α directly (the captioner's doubly stochastic
    /// regularizer), added to the one through the context.
    func backward(step t: Int, query q: UnsafePointer<Scalar>, weights alpha: UnsafePointer<Scalar>,
                  dContext: UnsafePointer<Scalar>, dQuery: UnsafeMutablePointer<Scalar>,
                  dWeights: UnsafePointer<Scalar>? = nil, rows: Int? = nil) {
        let S = steps, C = memorySize, K = keySize, A = attentionSize, H = querySize
        let B = batch, R = rows ?? B
        let k = UnsafePointer(keys.pointer), m = memory!, dk = dKeys.pointer, dm = dMemory.pointer
        let de = scratch.ensure(B * S)                                               // (B, S)
        let dwq = score == .additive ? dProjected.ensure(R * A) : nil
        dwq?.update(repeating: 0, count: R * A)
        dQuery.update(repeating: 0, count: R * H)
        lengths.withUnsafeBufferPointer { lengthsPointer in
            let n = lengthsPointer.baseAddress!
            contextBackward(steps: S, batch: B, rows: R, width: C, lengths: n, weights: alpha, dContext: dContext,
                            memory: m, dMemory: dm, direct: dWeights, de: de)              // dα_s, dm_s
            for b in 0..<R {                                                                // softmax
                let row = alpha + b * S, deb = de + b * S
                var weighted = Scalar(0)
                for s in 0..<lengths[b] { weighted += row[s] * deb[s] }
                for s in 0..<lengths[b] { deb[s] = row[s] * (deb[s] - weighted) }
            }
            if score == .additive {
                additiveBackward(steps: S, batch: B, rows: R, width: A, lengths: n, de: de, hidden: hidden.pointer + t * S * B * A,
                                 v: arena.valuePointer(v!), dv: arena.gradientPointer(v!), dKeys: dk, dQuery: dwq!)
                return
            }
            for b in 0..<R {
                let qr = q + b * H, dq = dQuery + b * H, deb = de + b * S
                for s in 0..<lengths[b] {
                    let kr = k + (s * B + b) * K, dkr = dk + (s * B + b) * K
                    for j in 0..<K { dq[j] += deb[s] * kr[j]; dkr[j] += deb[s] * qr[j] }
                }
            }
        }
        if let dwq { query!.backward(x: q, dy: dwq, rows: R, dx: dQuery) }
    }

    /// After every step's backward: dL/dmemory (S, B, C), the keys' gradients included (and
    /// the key layer's parameter gradients added).
    func finishBackward() -> UnsafePointer<Scalar> {
        let N = steps * batch, C = memorySize
        let dm = dMemory.pointer
        if let key {
            let dx = scratch.ensure(N * C)
            key.backward(x: memory!, dy: dKeys.pointer, rows: N, dx: dx)
            for i in 0..<(N * C) { dm[i] += dx[i] }
        } else {
            for i in 0..<(N * C) { dm[i] += dKeys.pointer[i] }
        }
        return UnsafePointer(dm)
    }
}
