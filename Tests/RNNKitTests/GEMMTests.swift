import Testing
@testable import RNNKit

/// A row-major Float matrix whose leading dimension may exceed its row length; the padding
/// holds NaN, so a kernel that reads it shows up in the results.
private struct Matrix {
    let rows: Int, columns: Int, ld: Int
    var storage: [Float]

    init(rows: Int, columns: Int, padding: Int, seed: UInt64) {
        self.rows = rows
        self.columns = columns
        ld = max(1, columns + padding)
        var generator = SeededGenerator(seed: seed)
        storage = [Float](repeating: .nan, count: max(1, rows * ld))
        for i in 0..<rows {
            for j in 0..<columns { storage[i * ld + j] = Float.random(in: -1...1, using: &generator) }
        }
    }

    subscript(i: Int, j: Int) -> Float { storage[i * ld + j] }
}

/// One product to check: shapes, transposes, scalars and the padding of every operand.
private struct Case: CustomStringConvertible {
    var m: Int, n: Int, k: Int
    var transA = false, transB = false
    var alpha: Float = 1, beta: Float = 0
    var padding = 0

    var description: String {
        "\(m)×\(k)×\(n) \(transA ? "T" : "N")\(transB ? "T" : "N") α=\(alpha) β=\(beta) pad=\(padding)"
    }

    /// Runs `product` on fresh operands (C filled with NaN when beta is 0) and checks every
    /// element against a Double reference, within the rounding error of Float accumulation:
    /// 1e-5 · (|alpha|·Σ_p |op(A)_ip·op(B)_pj| + |beta·C_ij|). C's padding must be untouched.
    func check(sourceLocation: SourceLocation = #_sourceLocation,
               _ product: (UnsafePointer<Float>, Int, UnsafePointer<Float>, Int,
                           UnsafeMutablePointer<Float>, Int) -> Void) {
        let a = transA ? Matrix(rows: k, columns: m, padding: padding, seed: 1)
                       : Matrix(rows: m, columns: k, padding: padding, seed: 1)
        let b = transB ? Matrix(rows: n, columns: k, padding: padding, seed: 2)
                       : Matrix(rows: k, columns: n, padding: padding, seed: 2)
        var c = Matrix(rows: m, columns: n, padding: padding, seed: 3)
        if beta == 0 { for i in 0..<m { for j in 0..<n { c.storage[i * c.ld + j] = .nan } } }
        let before = c
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    product(ap.baseAddress!, a.ld, bp.baseAddress!, b.ld, cp.baseAddress!, c.ld)
                }
            }
        }
        var failures = 0
        a.storage.withUnsafeBufferPointer { a0 in
            b.storage.withUnsafeBufferPointer { b0 in
                // op(A)(i, p) = a0[i·ai + p·ap], op(B)(p, j) = b0[p·bp + j·bj]
                let (ai, ap) = transA ? (1, a.ld) : (a.ld, 1)
                let (bp, bj) = transB ? (1, b.ld) : (b.ld, 1)
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0, magnitude = 0.0
                        for p in 0..<k {
                            let x = Double(a0[i * ai + p * ap]) * Double(b0[p * bp + j * bj])
                            sum += x
                            magnitude += abs(x)
                        }
                        let old = beta == 0 ? 0 : Double(before[i, j])
                        let expected = Double(alpha) * sum + Double(beta) * old
                        let bound = 1e-5 * (abs(Double(alpha)) * magnitude + abs(Double(beta) * old))
                        if !(abs(Double(c[i, j]) - expected) <= bound) { failures += 1 }
                    }
                    for j in n..<c.ld where i * c.ld + j < c.storage.count {
                        if !c.storage[i * c.ld + j].isNaN { failures += 1 }  // padding written
                    }
                }
            }
        }
        #expect(failures == 0, "\(failures) wrong elements: \(self)", sourceLocation: sourceLocation)
    }
}

@Suite struct GEMMTests {
    /// Sizes around the register tiles (12×32, 6×16, 6×8), primes, and ones that cross the
    /// cache blocks (K > 256: two K blocks; M > 192: B packed ahead for several A blocks).
    private static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (2, 3, 5), (7, 13, 11), (12, 32, 8), (13, 33, 17), (6, 16, 1), (5, 7, 64),
        (37, 65, 29), (3, 59, 7), (11, 29, 40), (13, 40, 270), (197, 40, 20), (20, 200, 24),
    ]

    /// Every shape in all four transpose combinations; the (alpha, beta, padding) triples
    /// take turns, so each combination meets each triple across the shapes.
    @Test(arguments: GEMMKernel.supported)
    func kernelMatchesReference(kernel: GEMMKernel) {
        let scalars: [(alpha: Float, beta: Float, padding: Int)] = [(1, 0, 0), (-0.5, 1, 3), (2, 0.25, 1)]
        let transposes = [(false, false), (false, true), (true, false), (true, true)]
        for (s, (m, n, k)) in Self.shapes.enumerated() {
            for (t, (transA, transB)) in transposes.enumerated() {
                let (alpha, beta, padding) = scalars[(s + t) % scalars.count]
                let test = Case(m: m, n: n, k: k, transA: transA, transB: transB,
                                alpha: alpha, beta: beta, padding: padding)
                test.check { a, lda, b, ldb, c, ldc in
                    sgemm(kernel: kernel, maxThreads: 1, transA: transA, transB: transB,
                          m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                          beta: beta, c: c, ldc: ldc)
                }
            }
        }
    }

    @Test(arguments: GEMMKernel.supported)
    func emptyProductsScaleC(kernel: GEMMKernel) {
        for (k, alpha, beta): (Int, Float, Float) in [(0, 1, 0), (0, 1, 0.5), (9, 0, 0), (9, 0, 2)] {
            Case(m: 5, n: 7, k: k, alpha: alpha, beta: beta, padding: 2).check { a, lda, b, ldb, c, ldc in
                sgemm(kernel: kernel, maxThreads: 1, transA: false, transB: false, m: 5, n: 7, k: k,
                      alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            }
        }
    }

    /// Split over two threads (with the work threshold lowered to 50 kFLOP per thread, so the
    /// shapes stay small): along N (m ≤ n) and along M (m > n), pieces with partial tiles.
    @Test(arguments: [(20, 700, 50), (500, 30, 40)])
    func multiThreadedMatchesReference(shape: (m: Int, n: Int, k: Int)) {
        let (m, n, k) = shape
        for (transA, transB) in [(false, true), (true, false)] {
            Case(m: m, n: n, k: k, transA: transA, transB: transB, alpha: 1, beta: 0.5, padding: 1)
                .check { a, lda, b, ldb, c, ldc in
                    sgemm(maxThreads: 2, flopsPerThread: 50_000, transA: transA, transB: transB,
                          m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb,
                          beta: 0.5, c: c, ldc: ldc)
                }
        }
    }

    /// The generic entry point: Float takes the fast path, Double the reference.
    @Test func genericEntryPoint() {
        Case(m: 9, n: 40, k: 33, transB: true, beta: 0).check { a, lda, b, ldb, c, ldc in
            gemm(transA: false, transB: true, m: 9, n: 40, k: 33, alpha: Float(1), a: a, lda: lda,
                 b: b, ldb: ldb, beta: 0, c: c, ldc: ldc)
        }
        let a: [Double] = [1, 2, 3, 4, 5, 6]  // (2, 3)
        let b: [Double] = [1, 0, 0, 1, 1, 1]  // (3, 2)
        var c = [Double](repeating: .nan, count: 4)  // (2, 2)
        gemm(transA: false, transB: false, m: 2, n: 2, k: 3, alpha: 1, a: a, lda: 3, b: b, ldb: 2,
             beta: 0, c: &c, ldc: 2)
        #expect(c == [4, 5, 10, 11])
    }

    @Test func bestKernelIsReported() {
        #expect(GEMMKernel.best.isSupported)
        #expect(ComputeInfo.kernelDescription == GEMMKernel.best.name)
        #expect(GEMMKernel.supported.contains(.portable))
    }
}
