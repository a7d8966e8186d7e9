import Foundation
import Testing
@testable import RNNKit

/// Conv2d, MaxPool2d and ReLU: fast (im2col + GEMM, threaded) == naive reference, finite
/// differences in Double, and PyTorch's float32 values (Fixtures/reference/conv_reference.safetensors,
/// written by make_conv_reference.py beside it).
@Suite struct ConvolutionTests {
    /// Awkward geometries: B, C, O, H, W, (kH, kW), (sH, sW), (pH, pW).
    static let shapes: [(Int, Int, Int, Int, Int, (Int, Int), (Int, Int), (Int, Int))] = [
        (3, 3, 4, 7, 9, (3, 3), (1, 1), (1, 1)),
        (11, 2, 5, 8, 5, (3, 2), (2, 1), (0, 1)),       // more images than pieces, uneven pieces
        (1, 4, 3, 11, 10, (5, 5), (2, 3), (2, 1)),
        (2, 5, 6, 6, 6, (1, 1), (1, 1), (0, 0)),        // pointwise: the image is its own patch matrix
        (4, 1, 2, 4, 7, (4, 3), (1, 2), (2, 2)),        // padding wider than half the kernel
        (2, 3, 2, 3, 3, (3, 3), (3, 3), (3, 3)),        // stride and padding as large as the kernel
        (2, 17, 33, 13, 12, (3, 3), (1, 1), (1, 1)),    // GEMM sizes past the register tiles
        (2, 2, 3, 6, 8, (5, 5), (1, 1), (2, 2)),        // "same" 5 × 5: columns shifted by up to 2
        (1, 1, 2, 3, 2, (5, 5), (1, 1), (2, 2)),        // shifts as wide as the image
        (2, 3, 2, 5, 4, (3, 1), (1, 1), (1, 0)),        // "same" with padding on the rows only
        (2, 2, 2, 4, 5, (1, 3), (1, 1), (0, 1)),        // … and on the columns only
    ]

    static func geometry(_ s: (Int, Int, Int, Int, Int, (Int, Int), (Int, Int), (Int, Int))) -> ConvolutionGeometry {
        ConvolutionGeometry(inChannels: s.1, outChannels: s.2, kernelHeight: s.5.0, kernelWidth: s.5.1,
                            strideHeight: s.6.0, strideWidth: s.6.1, paddingHeight: s.7.0, paddingWidth: s.7.1,
                            height: s.3, width: s.4)
    }

    /// Runs the fast and the reference kernels on the same data; returns (fast, reference) of
    /// [y, dx, dW, db] concatenated.
    static func both<S: RNNScalar>(_ g: ConvolutionGeometry, batch B: Int, seed: UInt64, as: S.Type) -> ([S], [S]) {
        let x = LayerTestData.uniform(B * g.inputCount, seed: seed).map { S($0) }
        let w = LayerTestData.uniform(g.outChannels * g.patchSize, seed: seed + 1).map { S($0) }
        let bias = LayerTestData.uniform(g.outChannels, seed: seed + 2).map { S($0) }
        let dy = LayerTestData.uniform(B * g.outputCount, seed: seed + 3).map { S($0) }
        let workspace = ConvolutionWorkspace<S>()
        func run(fast: Bool) -> [S] {
            var y = [S](repeating: .nan, count: B * g.outputCount), dx = [S](repeating: .nan, count: x.count)
            var dw = [S](repeating: 0.5, count: w.count), db = [S](repeating: 0.25, count: g.outChannels)  // accumulated into
            if fast {
                convolutionForward(g, batch: B, x: x, weight: w, bias: bias, y: &y, workspace: workspace)
                convolutionBackward(g, batch: B, x: x, weight: w, dy: dy, dWeight: &dw, dBias: &db, dx: &dx, workspace: workspace)
            } else {
                convolutionForwardReference(g, batch: B, x: x, weight: w, bias: bias, y: &y)
                convolutionBackwardReference(g, batch: B, x: x, weight: w, dy: dy, dWeight: &dw, dBias: &db, dx: &dx)
            }
            return y + dx + dw + db
        }
        return (run(fast: true), run(fast: false))
    }

    @Test func fastMatchesReferenceOnAwkwardShapes() {
        for (i, s) in Self.shapes.enumerated() {
            let g = Self.geometry(s)
            let (fd, rd) = Self.both(g, batch: s.0, seed: UInt64(10 * i), as: Double.self)
            expectClose(fd, rd, atol: 1e-12, rtol: 1e-12, "Double shape \(i)")
            let (ff, rf) = Self.both(g, batch: s.0, seed: UInt64(10 * i), as: Float.self)
            expectClose(ff, rf, atol: 1e-5, rtol: 1e-5, "Float shape \(i)")
            #expect(!ff.contains { $0.isNaN })
        }
    }

    /// col2im (with its one-run-per-offset path for "same" stride-1 shapes) equals the adjoint
    /// written from the definition, X̂[(c·kH + i)·kW + j, oy·Wo + ox] added onto
    /// x[c, oy·sH − pH + i, ox·sW − pW + j], bit for bit: every pixel receives its entries in
    /// the same order.
    @Test func col2imIsTheAdjointOfTheDefinition() {
        for (i, s) in Self.shapes.enumerated() {
            let g = Self.geometry(s)
            let N = g.outputHeight * g.outputWidth
            let cols = LayerTestData.uniform(g.patchSize * N, seed: UInt64(7 * i)).map { Float($0) }
            var expected = [Float](repeating: 0, count: g.inputCount)
            for c in 0..<g.inChannels {
                for ki in 0..<g.kernelHeight {
                    for kj in 0..<g.kernelWidth {
                        for oy in 0..<g.outputHeight {
                            for ox in 0..<g.outputWidth {
                                let iy: Int = oy * g.strideHeight - g.paddingHeight + ki
                                let ix: Int = ox * g.strideWidth - g.paddingWidth + kj
                                guard (0..<g.height).contains(iy), (0..<g.width).contains(ix) else { continue }
                                let k: Int = (c * g.kernelHeight + ki) * g.kernelWidth + kj
                                let pixel: Int = (c * g.height + iy) * g.width + ix
                                expected[pixel] += cols[k * N + oy * g.outputWidth + ox]
                            }
                        }
                    }
                }
            }
            var scratch = cols, dx = [Float](repeating: 0, count: g.inputCount)
            scratch.withUnsafeMutableBufferPointer { c in dx.withUnsafeMutableBufferPointer { col2im(c.baseAddress!, g, addingInto: $0.baseAddress!) } }
            #expect(dx == expected, "shape \(i)")
        }
    }

    /// The fused calls (each image's output handed to an epilogue, each image's dy written by a
    /// prologue) give the plain calls' results bit for bit.
    @Test func fusedCallsEqualThePlainOnes() {
        for (i, s) in Self.shapes.enumerated() {
            let g = Self.geometry(s), B = s.0, O = g.outChannels, N = g.outputPlane
            let x = LayerTestData.uniform(B * g.inputCount, seed: UInt64(i)).map { Float($0) }
            let w = LayerTestData.uniform(O * g.patchSize, seed: UInt64(i) + 1).map { Float($0) }
            let bias = LayerTestData.uniform(O, seed: UInt64(i) + 2).map { Float($0) }
            let dy = LayerTestData.uniform(B * g.outputCount, seed: UInt64(i) + 3).map { Float($0) }
            let workspace = ConvolutionWorkspace<Float>()
            var (y, fusedY) = ([Float](repeating: .nan, count: B * g.outputCount), [Float](repeating: .nan, count: B * g.outputCount))
            var (dx, fusedDx) = ([Float](repeating: .nan, count: x.count), [Float](repeating: .nan, count: x.count))
            var (dw, fusedDw) = ([Float](repeating: 0.5, count: w.count), [Float](repeating: 0.5, count: w.count))
            var (db, fusedDb) = ([Float](repeating: 0.25, count: O), [Float](repeating: 0.25, count: O))
            convolutionForward(g, batch: B, x: x, weight: w, bias: bias, y: &y, workspace: workspace)
            convolutionBackward(g, batch: B, x: x, weight: w, dy: dy, dWeight: &dw, dBias: &db, dx: &dx, workspace: workspace)
            fusedY.withUnsafeMutableBufferPointer { buffer in
                let out = buffer.baseAddress!
                convolutionForward(g, batch: B, x: x, weight: w, bias: bias, y: nil, workspace: workspace) { b, yb in
                    (out + b * O * N).update(from: yb, count: O * N)
                }
            }
            dy.withUnsafeBufferPointer { buffer in
                let d = buffer.baseAddress!
                convolutionBackward(g, batch: B, x: x, weight: w, dy: nil, dWeight: &fusedDw, dBias: &fusedDb, dx: &fusedDx,
                                    workspace: workspace) { b, dyb in dyb.update(from: d + b * O * N, count: O * N) }
            }
            #expect(fusedY == y && fusedDx == dx && fusedDw == dw && fusedDb == db, "shape \(i)")
        }
    }

    @Test func resultsDoNotDependOnTheThreadCount() {
        let g = Self.geometry(Self.shapes[1])
        let results = ComputeSettings.exclusive {
            [1, 2, 3].map { threads in
                let old = Compute.threadCount
                Compute.threadCount = threads
                defer { Compute.threadCount = old }
                return Self.both(g, batch: 11, seed: 7, as: Float.self).0
            }
        }
        #expect(results[0] == results[1] && results[1] == results[2])
    }

    @Test func conv2dGradientsMatchFiniteDifferences() {
        var generator = SeededGenerator(seed: 3)
        let conv = Conv2d<Double>(inChannels: 2, outChannels: 3, kernelSize: (3, 2), stride: (2, 1), padding: (1, 1),
                                  arena: ParameterArena(), generator: &generator)
        var x = LayerTestData.tensor([2, 2, 5, 4], seed: 1)
        let y = conv.forward(x)
        #expect(y.shape == [2, 3, 3, 5])
        let r = LayerTestData.tensor(y.shape, seed: 2)
        conv.arena.zeroGradients()
        let dx = conv.backward(r)
        let loss = { LayerTestData.dot(conv.forward(x), r) }
        expectClose(analyticGradient(of: conv.arena), numericalGradient(of: conv.arena, loss: loss),
                    atol: 1e-8, rtol: 1e-6, "parameters")
        let numericInput = numericalGradient(count: x.count, read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss)
        expectClose(dx.scalars, numericInput, atol: 1e-8, rtol: 1e-6, "input")
    }

    @Test func poolingAndReLUGradientsMatchFiniteDifferences() {
        // Distinct values at least 0.01 apart and away from 0: no ties, no kink within eps.
        var g = SeededGenerator(seed: 9)
        var values = (0..<(2 * 3 * 7 * 6)).map { Double($0) * 0.01 - 1.255 }
        values.shuffle(using: &g)
        var x = Tensor(shape: [2, 3, 7, 6], scalars: values)
        for (k, s, p) in [(2, 2, 0), (3, 2, 1), (3, 1, 0)] {
            let pool = MaxPool2d<Double>(kernelSize: k, stride: s, padding: p), relu = ReLU<Double>()
            let y = pool.forward(relu.forward(x))
            let r = LayerTestData.tensor(y.shape, seed: UInt64(k + s))
            let dx = relu.backward(pool.backward(r))
            let numeric = numericalGradient(count: x.count, read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 },
                                            loss: { LayerTestData.dot(pool.forward(relu.forward(x)), r) })
            expectClose(dx.scalars, numeric, atol: 1e-8, rtol: 1e-6, "pool \(k) \(s) \(p)")
        }
    }

    /// The 2 × 2 fast path (every ISA this CPU has) equals the general kernel, ties, NaNs, odd
    /// sides and vector tails included.
    @Test func pooling2x2FastPathEqualsTheReference() {
        var g = SeededGenerator(seed: 21)
        eachISA { isa in
            for (H, W) in [(7, 9), (8, 8), (2, 3), (5, 2), (6, 70), (4, 34)] {
                let N = 3
                var x = (0..<(N * H * W)).map { _ in Float(Int(g.next() % 5)) - 2 }      // many ties
                x[4] = .nan; x[H * W + 1] = .nan; x[H * W] = .nan
                let pool = MaxPool2d<Float>(kernelSize: 2), M = N * (H / 2) * (W / 2)
                var fast = [Float](repeating: 0, count: M), reference = fast
                var fastArg = [Int32](repeating: 0, count: M), referenceArg = fastArg
                pool.forward2x2(x: x, planes: 0..<N, height: H, width: W, into: &fast, argmax: &fastArg)
                pool.forwardReference(x: x, planes: 0..<N, height: H, width: W, into: &reference, argmax: &referenceArg)
                #expect(fastArg == referenceArg, "\(isa) \(H)×\(W)")
                #expect(zip(fast, reference).allSatisfy { $0 == $1 || $0.isNaN && $1.isNaN }, "\(isa) \(H)×\(W)")
                #expect(fast.contains { $0.isNaN })
            }
        }
    }

    @Test func poolingKeepsTheFirstMaximumAndOddSidesFloor() {
        let pool = MaxPool2d<Float>(kernelSize: 2)
        let x = Tensor<Float>(shape: [1, 1, 3, 5], scalars: [1, 3, 3, 0, 9,
                                                             3, 2, 1, 3, 9,
                                                             7, 7, 7, 7, 7])
        let y = pool.forward(x)
        #expect(y == Tensor(shape: [1, 1, 1, 2], scalars: [3, 3]))   // the last row and column dropped
        let dx = pool.backward(Tensor(shape: [1, 1, 1, 2], scalars: [1, 2]))
        #expect(dx.scalars == [0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func conv2dInitialisationFollowsPyTorch() {
        let arena = ParameterArena<Double>()
        var g = SeededGenerator(seed: 4)
        _ = Conv2d(inChannels: 3, outChannels: 2, kernelSize: 2, arena: arena, prefix: "conv1.", generator: &g)
        #expect(arena.names == ["conv1.weight", "conv1.bias"])
        #expect(arena.entry(named: "conv1.weight")?.shape == [2, 3, 2, 2])
        var expected = SeededGenerator(seed: 4)
        let bound = 1 / 12.0.squareRoot()
        let w = (0..<24).map { _ in expected.uniform(-bound, bound) as Double }
        let b = (0..<2).map { _ in expected.uniform(-bound, bound) as Double }
        #expect(arena.value(named: "conv1.weight")?.scalars == w)
        #expect(arena.value(named: "conv1.bias")?.scalars == b)
    }

    // MARK: - PyTorch

    static func reference() throws -> SafetensorsFile {
        try SafetensorsFile(contentsOf: fixtureURL("reference/conv_reference.safetensors").path)
    }

    @Test func conv2dMatchesPyTorch() throws {
        let file = try Self.reference()
        var cases = 0, generator = SeededGenerator(seed: 3)
        while let spec = file.metadata["conv\(cases)"] {
            let v = spec.split(separator: " ").map { Int($0)! }   // C O kH kW sH sW pH pW
            let p = "conv\(cases)."
            let conv = Conv2d<Float>(inChannels: v[0], outChannels: v[1], kernelSize: (v[2], v[3]), stride: (v[4], v[5]),
                                     padding: (v[6], v[7]), arena: ParameterArena(), generator: &generator)
            try conv.arena.setValue(try file.tensor(p + "weight"), named: "weight")
            try conv.arena.setValue(try file.tensor(p + "bias"), named: "bias")
            let y = conv.forward(try file.tensor(p + "x"))
            expectClose(y.scalars, try file.tensor(p + "y").scalars, "\(p)y")
            #expect(y.shape == (try file.tensor(p + "y") as Tensor<Float>).shape)
            conv.arena.zeroGradients()
            let dx = conv.backward(try file.tensor(p + "dy"))
            expectClose(dx.scalars, try file.tensor(p + "dx").scalars, "\(p)dx")
            expectClose(conv.arena.gradient(named: "weight")!.scalars, try file.tensor(p + "dweight").scalars, "\(p)dweight")
            expectClose(conv.arena.gradient(named: "bias")!.scalars, try file.tensor(p + "dbias").scalars, "\(p)dbias")
            cases += 1
        }
        #expect(cases == 5)
    }

    @Test func maxPoolAndReLUMatchPyTorch() throws {
        let file = try Self.reference()
        var cases = 0
        while let spec = file.metadata["pool\(cases)"] {
            let v = spec.split(separator: " ").map { Int($0)! }   // k s p
            let p = "pool\(cases).", pool = MaxPool2d<Float>(kernelSize: v[0], stride: v[1], padding: v[2])
            let y = pool.forward(try file.tensor(p + "x"))
            #expect(y == (try file.tensor(p + "y")), "\(p)y")
            #expect(pool.backward(try file.tensor(p + "dy")) == (try file.tensor(p + "dx")), "\(p)dx")
            cases += 1
        }
        #expect(cases == 4)
        let relu = ReLU<Float>()
        #expect(relu.forward(try file.tensor("relu.x")) == (try file.tensor("relu.y")))
        #expect(relu.backward(try file.tensor("relu.dy")) == (try file.tensor("relu.dx")))
    }
}
