/// Times RNNKit's single-precision matrix products, for `rnn bench` and for the figures in
/// `Sources/CRNNKernels/README.md`.
///
/// Each measurement runs the product once to warm caches and workers, then takes `samples`
/// samples, each repeating the product for at least `minimumSeconds`, and reports the median
/// (the machines RNNKit is measured on are shared and noisy; the range shows how noisy).
public enum GEMMBenchmark {
    /// A product to time: C (M, N) = op(A) (M, K) · op(B) (K, N), with beta = 0.
    public struct Shape: Sendable, Equatable, CustomStringConvertible {
        /// Rows of C.
        public var m: Int
        /// The shared dimension.
        public var k: Int
        /// Columns of C.
        public var n: Int
        /// Whether A is stored transposed, (K, M).
        public var transA: Bool
        /// Whether B is stored transposed, (N, K), as in x·Wᵀ with W stored (out, in).
        public var transB: Bool

        /// A shape written M·K·N, as in the figures.
        public init(_ m: Int, _ k: Int, _ n: Int, transA: Bool = false, transB: Bool = false) {
            (self.m, self.k, self.n, self.transA, self.transB) = (m, k, n, transA, transB)
        }

        /// The arithmetic of one product: 2·M·K·N.
        public var flops: Double { 2 * Double(m) * Double(k) * Double(n) }

        /// "M·K·N" followed by the transposes, e.g. "64·512·2048 NT".
        public var description: String { "\(m)·\(k)·\(n) \(transA ? "T" : "N")\(transB ? "T" : "N")" }
    }

    /// The speed of one shape on one thread setting.
    public struct Measurement: Sendable, CustomStringConvertible {
        /// What was timed.
        public var shape: Shape
        /// The thread limit asked for; products below 16 MFLOP per thread use fewer.
        public var threads: Int
        /// The micro-kernel, as `ComputeInfo.kernelDescription` names it, and ", B prepacked"
        /// when B was packed ahead.
        public var kernel: String
        /// The median over the samples, in GFLOP/s.
        public var gflops: Double
        /// The slowest and the fastest sample, in GFLOP/s.
        public var range: ClosedRange<Double>

        /// One line: shape, threads, median and range.
        public var description: String {
            func f(_ x: Double) -> String {  // one decimal
                let tenths = Int((x * 10).rounded())
                return "\(tenths / 10).\(tenths % 10)"
            }
            return "\(shape) threads=\(threads) \(kernel): \(f(gflops)) GFLOP/s (\(f(range.lowerBound))–\(f(range.upperBound)))"
        }
    }

    /// The shapes RNNKit quotes: 1024³; per-time-step recurrent products B·H·4H (NN, and NT
    /// as h·W_hhᵀ, also for half a batch: the piece each of two threads takes); batched input
    /// projections T·B·I·4H (NN, and NT as x·W_ihᵀ); a weight
    /// gradient dGᵀ·X, 4H·T·B·I (TN); the vocabulary projection (T·B)·H·V.
    public static let standardShapes: [Shape] = [
        Shape(1024, 1024, 1024),
        Shape(20, 200, 800), Shape(20, 200, 800, transB: true),
        Shape(32, 256, 1024), Shape(32, 256, 1024, transB: true),
        Shape(16, 256, 1024, transB: true), Shape(10, 200, 800, transB: true),
        Shape(64, 512, 2048), Shape(64, 512, 2048, transB: true),
        Shape(2048, 64, 1024), Shape(1280, 256, 1024, transB: true),
        Shape(1024, 640, 256, transA: true), Shape(700, 200, 10000),
    ]

    /// The names `measure` accepts for `kernel`: the kernels this CPU supports, fastest first.
    public static var kernels: [String] { GEMMKernel.supported.map(\.name) }

    /// Times `shape` with at most `threads` threads (and at most `Compute.threadCount`).
    /// - Parameters:
    ///   - shape: the product's sizes.
    ///   - threads: the most threads to use.
    ///   - samples: how many timings to take (the median is reported).
    ///   - minimumSeconds: the least time each timing runs for.
    ///   - kernel: one of `kernels`; nil for the one `gemm` uses.
    ///   - prepackedB: pack op(B) once, outside the timing, as a recurrent layer can for
    ///     W_hh over all time steps; the products then skip packing B.
    /// - Throws: `RNNKitError` for an unknown or unsupported kernel or a non-positive size.
    public static func measure(_ shape: Shape, threads: Int, kernel: String? = nil,
                               prepackedB: Bool = false, samples: Int = 7,
                               minimumSeconds: Double = 0.02) throws -> Measurement {
        guard shape.m > 0, shape.k > 0, shape.n > 0, threads > 0, samples > 0 else {
            throw RNNKitError("GEMM benchmark: sizes, threads and samples must be positive, got \(shape)")
        }
        let chosen = try kernel.map { name in
            guard let found = GEMMKernel.supported.first(where: { $0.name == name }) else {
                throw RNNKitError("GEMM benchmark: no kernel '\(name)' on this CPU; have \(kernels)")
            }
            return found
        } ?? GEMMKernel.best
        let (m, k, n) = (shape.m, shape.k, shape.n)
        var generator = SeededGenerator(seed: 42)
        var buffers: [UnsafeMutableRawPointer] = []
        defer { buffers.forEach { $0.deallocate() } }
        func matrix(_ count: Int) -> UnsafeMutablePointer<Float> {
            buffers.append(.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64))
            let p = buffers.last!.bindMemory(to: Float.self, capacity: count)
            for i in 0..<count { p[i] = Float.random(in: -1...1, using: &generator) }
            return p
        }
        let a = matrix(m * k)  // (M, K), or (K, M) when transA
        let b = matrix(k * n)  // (K, N), or (N, K) when transB
        let c = matrix(m * n)  // (M, N)
        let packed = prepackedB ? GEMMPackedB<Float>(k: k, n: n, kernel: chosen) : nil
        packed?.pack(transB: shape.transB, b: b, ldb: shape.transB ? k : n)
        func run() {
            if let packed {
                gemm(transA: shape.transA, m: m, alpha: 1, a: a, lda: shape.transA ? m : k,
                     packedB: packed, beta: 0, c: c, ldc: n, maxThreads: threads)
            } else {
                sgemm(kernel: chosen, maxThreads: threads, transA: shape.transA, transB: shape.transB,
                      m: m, n: n, k: k, alpha: 1, a: a, lda: shape.transA ? m : k,
                      b: b, ldb: shape.transB ? k : n, beta: 0, c: c, ldc: n)
            }
        }
        run()
        let clock = ContinuousClock()
        var rates: [Double] = []
        for _ in 0..<samples {
            var repeats = 0
            let start = clock.now
            var elapsed = 0.0
            repeat {
                run()
                repeats += 1
                let d = clock.now - start
                elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            } while elapsed < minimumSeconds
            rates.append(shape.flops * Double(repeats) / elapsed / 1e9)
        }
        rates.sort()
        return Measurement(shape: shape, threads: threads, kernel: chosen.name + (prepackedB ? ", B prepacked" : ""),
                           gflops: rates[rates.count / 2], range: rates[0]...rates[rates.count - 1])
    }
}
