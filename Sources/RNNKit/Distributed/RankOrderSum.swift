// Combining the shards of a batch. Shard k (rank k) computed ∇_k, the gradient of its own mean
// loss over n_k counted items; the gradient of the mean over the whole batch (N = Σ_k n_k) is
//
//     ∇ = Σ_k (n_k / N) ∇_k
//
// `RankOrderSum` evaluates it in a fixed order — g = w_0·∇_0, then g += w_k·∇_k for k = 1, 2, …
// (w_k = n_k / N rounded to Float) — so the bytes do not depend on how many processes computed
// the ∇_k or on an MPI library's reduction algorithm. `ModelReplicas` combines its in-process
// shards in the same order.

/// The weights and the fixed-order sum of per-shard gradients and losses.
public enum RankOrderSum {
    /// w_k = n_k / N as Float (all zero when N = 0).
    public static func weights(counts: [Int]) -> [Float] {
        let total = counts.reduce(0, +)
        guard total > 0 else { return counts.map { _ in 0 } }
        return counts.map { Float(Double($0) / Double(total)) }
    }

    /// The mean loss over all counted items from each shard's mean loss and count, summed in
    /// shard order: (Σ_k loss_k·n_k) / N, skipping empty shards; NaN when N = 0.
    public static func meanLoss(losses: [Double], counts: [Int]) -> Double {
        let total = counts.reduce(0, +)
        guard total > 0 else { return .nan }
        var sum = 0.0
        for (loss, n) in zip(losses, counts) where n > 0 { sum += loss * Double(n) }
        return sum / Double(total)
    }

    /// `out[i] = w_0·g_0[i] + w_1·g_1[i] + …`, left to right, where `gathered` holds the
    /// shards' gradients one after another: (K, out.count).
    /// - Precondition: `gathered.count == weights.count · out.count`.
    public static func sum(_ gathered: [Float], weights: [Float], into out: inout [Float]) {
        let P = out.count, K = weights.count
        precondition(gathered.count == K * P, "RankOrderSum: \(gathered.count) values for \(K) shards of \(P)")
        gathered.withUnsafeBufferPointer { g in
            out.withUnsafeMutableBufferPointer { o in
                let w0 = weights[0]
                for i in 0..<P { o[i] = g[i] * w0 }
                for k in 1..<max(K, 1) {
                    let w = weights[k], base = k * P
                    for i in 0..<P { o[i] += w * g[base + i] }
                }
            }
        }
    }
}
