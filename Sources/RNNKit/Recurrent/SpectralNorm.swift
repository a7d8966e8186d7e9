/// The largest singular value σ_max(W) = ‖W‖₂ of a matrix, by power iteration.
///
/// Through BPTT the gradient is multiplied once per step back by the recurrent Jacobian
/// diag(act′)·W_hh (per gate block for LSTM and GRU), so σ_max(W_hh) bounds how fast it can grow:
/// below 1 (and with |act′| ≤ 1) it must vanish geometrically.
///
/// Method: form the Gram matrix A = WᵀW (or WWᵀ, whichever is smaller; its largest eigenvalue
/// is σ_max²) with one GEMM, then iterate v ← Av/‖Av‖ in Double from a fixed start and take the
/// Rayleigh quotient λ = vᵀAv. The iteration stops when λ changes by less than `tolerance` relative
/// between two iterations, or after `maxIterations`. λ rises monotonically towards σ_max², and
/// its remaining error after a relative change ε is about ε/(1 − σ₂²/σ₁²), so the result is
/// within 1e-4 relative of the exact value unless the two largest singular values agree to
/// about 1e-6 relative (when either of them is an equally good answer to that accuracy).
public enum SpectralNorm {
    /// The relative change of σ_max² between two iterations that stops the power iteration.
    public static let tolerance = 1e-10
    /// The most power iterations run.
    public static let maxIterations = 20_000

    /// σ_max of a (rows, cols) row-major matrix.
    public static func largestSingularValue<Scalar: RNNScalar>(rows m: Int, cols n: Int, values: UnsafePointer<Scalar>) -> Double {
        guard m > 0 && n > 0 else { return 0 }
        let gram = gramMatrix(rows: m, cols: n, values: values)
        return largestEigenvalue(symmetric: gram, size: min(m, n)).squareRoot()
    }

    /// σ_max of a rank-2 tensor.
    public static func largestSingularValue<Scalar: RNNScalar>(_ matrix: Tensor<Scalar>) -> Double {
        precondition(matrix.rank == 2, "spectral norm: a matrix is needed, got shape \(matrix.shape)")
        return matrix.scalars.withUnsafeBufferPointer {
            largestSingularValue(rows: matrix.shape[0], cols: matrix.shape[1], values: $0.baseAddress!)
        }
    }

    /// A = WᵀW (n, n) if m ≥ n, else WWᵀ (m, m): one GEMM in the matrix's own precision (the
    /// fast single-precision kernel for Float: a (4·1500, 1500) LSTM weight takes a fraction of
    /// a second), returned in Double.
    static func gramMatrix<Scalar: RNNScalar>(rows m: Int, cols n: Int, values w: UnsafePointer<Scalar>) -> [Double] {
        let k = min(m, n)
        var a = [Scalar](repeating: 0, count: k * k)
        a.withUnsafeMutableBufferPointer { a in
            if m >= n {         // WᵀW: (n, m)·(m, n)
                gemm(transA: true, transB: false, m: n, n: n, k: m, alpha: 1, a: w, lda: n,
                     b: w, ldb: n, beta: 0, c: a.baseAddress!, ldc: n)
            } else {            // WWᵀ: (m, n)·(n, m)
                gemm(transA: false, transB: true, m: m, n: m, k: n, alpha: 1, a: w, lda: n,
                     b: w, ldb: n, beta: 0, c: a.baseAddress!, ldc: m)
            }
        }
        return a.map { Double($0) }
    }

    /// The largest eigenvalue of a symmetric positive semi-definite (k, k) matrix, by power
    /// iteration from a fixed start (see the type's documentation for the stopping rule).
    static func largestEigenvalue(symmetric a: [Double], size k: Int) -> Double {
        var generator = SeededGenerator(seed: 0x5EC7_4A1)
        var v = (0..<k).map { _ in 0.5 + Double(generator.next() % 1_000_000) / 1_000_000 }
        var av = [Double](repeating: 0, count: k)
        normalize(&v)
        var lambda = 0.0
        for _ in 0..<maxIterations {
            a.withUnsafeBufferPointer { a in
                v.withUnsafeBufferPointer { v in
                    for i in 0..<k {
                        var s = 0.0
                        for j in 0..<k { s += a[i * k + j] * v[j] }
                        av[i] = s
                    }
                }
            }
            var next = 0.0                           // λ = vᵀAv, ‖v‖ = 1
            for i in 0..<k { next += v[i] * av[i] }
            if next <= 0 { return 0 }                // A v = 0: W is zero on v's span (A is PSD)
            let converged = abs(next - lambda) <= tolerance * next
            lambda = next
            v = av
            normalize(&v)
            if converged { break }
        }
        return lambda
    }

    private static func normalize(_ v: inout [Double]) {
        var s = 0.0
        for x in v { s += x * x }
        let inv = 1 / s.squareRoot()
        for i in v.indices { v[i] *= inv }
    }
}

/// σ_max of one recurrent weight matrix and of each of its gate blocks.
public struct RecurrentSpectralNorm: Sendable, Equatable {
    /// The parameter's name in the arena (e.g. `rnn.weight_hh_l0`).
    public let name: String
    /// σ_max(W_hh) of the whole (G·H, H) matrix.
    public let sigmaMax: Double
    /// σ_max of each (H, H) gate block in PyTorch's order (i, f, g, o / r, z, n); one value
    /// (the same as `sigmaMax`) for an Elman RNN.
    public let gates: [Double]

    /// Creates a record from its values.
    public init(name: String, sigmaMax: Double, gates: [Double]) {
        self.name = name
        self.sigmaMax = sigmaMax
        self.gates = gates
    }

    /// Measures a (G·H, H) recurrent matrix of `gates` = G row blocks.
    init<Scalar: RNNScalar>(name: String, gates G: Int, hidden H: Int, values w: UnsafePointer<Scalar>) {
        let whole = SpectralNorm.largestSingularValue(rows: G * H, cols: H, values: w)
        self.init(name: name, sigmaMax: whole, gates: G == 1 ? [whole]
            : (0..<G).map { SpectralNorm.largestSingularValue(rows: H, cols: H, values: w + $0 * H * H) })
    }
}

extension RecurrentStack {
    /// σ_max of every `weight_hh` (each layer and direction, in parameter order) and of its
    /// gate blocks, by `SpectralNorm`'s power iteration.
    public func spectralNorms() -> [RecurrentSpectralNorm] {
        layers.joined().map { layer in
            RecurrentSpectralNorm(name: layer.weightHH.name, gates: cell.gateCount, hidden: hiddenSize,
                                  values: arena.valuePointer(layer.weightHH))      // (G·H, H)
        }
    }
}

extension ParameterArena {
    /// σ_max of every recurrent weight in the arena — each parameter whose name ends in a
    /// component starting with `weight_hh` (`rnn.weight_hh_l0`, `decoder.cell.weight_hh`) and
    /// whose shape is (G·H, H) — and of its G gate blocks, in parameter order. Any model's
    /// recurrent layers and cells, found by PyTorch's names.
    public func recurrentSpectralNorms() -> [RecurrentSpectralNorm] {
        entries.compactMap { e in
            let last = e.name.split(separator: ".").last ?? ""
            guard last.hasPrefix("weight_hh"), e.shape.count == 2, e.shape[1] > 0, e.shape[0] % e.shape[1] == 0 else { return nil }
            return RecurrentSpectralNorm(name: e.name, gates: e.shape[0] / e.shape[1], hidden: e.shape[1],
                                         values: valuePointer(e))
        }
    }
}
