import Testing
@testable import RNNKit

@Suite struct EmbeddingTests {
    /// V = 4, E = 2, row v = [v, 10·v].
    private func handTable(paddingIndex: Int? = nil) throws -> Embedding<Double> {
        let table = Embedding<Double>(numEmbeddings: 4, embeddingDim: 2, paddingIndex: paddingIndex)
        try table.arena.setValue(Tensor(shape: [4, 2], scalars: [0, 0, 1, 10, 2, 20, 3, 30]), named: "weight")
        return table
    }

    @Test func forwardGathersRows() throws {
        let table = try handTable()
        #expect(table.forward([3, 0, 1, 3], shape: [2, 2])
                == Tensor(shape: [2, 2, 2], scalars: [3, 30, 0, 0, 1, 10, 3, 30]))
        #expect(table.forward([2]) == Tensor(shape: [1, 2], scalars: [2, 20]))
        #expect(table.forward([], shape: [0, 3]).shape == [0, 3, 2])
    }

    @Test func backwardScatterAddsRepeatedIds() throws {
        let table = try handTable()
        _ = table.forward([2, 0, 2], shape: [3])
        table.backward(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]))
        #expect(table.arena.gradient(named: "weight")?.scalars == [3, 4, 0, 0, 6, 8, 0, 0])
        _ = table.forward([2, 0, 2], shape: [3])
        table.backward(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]))  // accumulates
        #expect(table.arena.gradient(named: "weight")?.scalars == [6, 8, 0, 0, 12, 16, 0, 0])
    }

    @Test func initialisationIsStandardNormal() {
        let arena = ParameterArena<Double>()
        var g = SeededGenerator(seed: 4)
        let table = Embedding(numEmbeddings: 200, embeddingDim: 50, arena: arena, prefix: "embedding.", generator: &g)
        #expect(arena.names == ["embedding.weight"] && arena.entry(named: "embedding.weight")?.shape == [200, 50])
        #expect(table.numEmbeddings == 200 && table.embeddingDim == 50 && table.paddingIndex == nil)
        var expected = SeededGenerator(seed: 4)
        let w = arena.value(named: "embedding.weight")!.scalars
        #expect(w == (0..<10_000).map { _ in expected.normal() as Double })
        #expect(g == expected)
        let mean = w.reduce(0, +) / Double(w.count)
        let variance = w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(w.count)
        #expect(abs(mean) < 0.04 && abs(variance - 1) < 0.06)   // 4σ bounds for 10,000 samples
    }

    @Test(arguments: [1, -3])
    func paddingRowIsZeroAndGetsNoGradient(paddingIndex: Int) {
        let table = Embedding<Double>(numEmbeddings: 4, embeddingDim: 3, paddingIndex: paddingIndex, seed: 2)
        #expect(table.paddingIndex == 1)                                     // −3 counts from the end
        let w = table.arena.value(named: "weight")!.scalars
        #expect(w[3..<6].allSatisfy { $0 == 0 } && w[0..<3].allSatisfy { $0 != 0 })
        #expect(table.forward([1, 2]).scalars[0..<3].allSatisfy { $0 == 0 })
        table.backward(Tensor(shape: [2, 3], repeating: 1))
        #expect(table.arena.gradient(named: "weight")?.scalars == [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0])
    }

    @Test func gradientsMatchFiniteDifferences() {
        let table = Embedding<Double>(numEmbeddings: 5, embeddingDim: 3, seed: 6)
        let ids = [4, 0, 2, 4, 1, 4], shape = [2, 3]
        let r = LayerTestData.tensor([2, 3, 3], seed: 3)
        table.arena.zeroGradients()
        _ = table.forward(ids, shape: shape)
        table.backward(r)
        let numeric = numericalGradient(of: table.arena) { LayerTestData.dot(table.forward(ids, shape: shape), r) }
        expectClose(analyticGradient(of: table.arena), numeric, atol: 1e-8, rtol: 1e-6, "weight")
    }

    @Test func pointerEntryPointsMatchTensorAPI() {
        let table = Embedding<Double>(numEmbeddings: 6, embeddingDim: 4, paddingIndex: 0, seed: 1)
        let ids = [5, 0, 3, 3], dy = LayerTestData.tensor([4, 4], seed: 2)
        let y = table.forward(ids)
        table.backward(dy)
        let tensorGradients = analyticGradient(of: table.arena)
        table.arena.zeroGradients()
        var yp = [Double](repeating: .nan, count: 16)
        ids.withUnsafeBufferPointer { i in
            yp.withUnsafeMutableBufferPointer { table.forward(ids: i.baseAddress!, rows: 4, into: $0.baseAddress!) }
            dy.scalars.withUnsafeBufferPointer { table.backward(ids: i.baseAddress!, dy: $0.baseAddress!, rows: 4) }
        }
        #expect(yp == y.scalars)
        #expect(analyticGradient(of: table.arena) == tensorGradients)
    }

    @Test func floatAndDoubleAgree() {
        let double = Embedding<Double>(numEmbeddings: 10, embeddingDim: 4, seed: 8)
        let float = Embedding<Float>(numEmbeddings: 10, embeddingDim: 4, seed: 8)
        // Both round the same Double samples, and a lookup is exact.
        let ids = [9, 0, 4, 4, 7, 1]
        #expect(float.forward(ids, shape: [3, 2]) == Tensor<Float>(double.forward(ids, shape: [3, 2])))
    }

    @Test func outOfRangeIdIsAPreconditionFailure() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Embedding<Float>(numEmbeddings: 3, embeddingDim: 2).forward([0, 3])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("token id 3 at position 1 is out of range 0..<3"), "\(message)")
        await #expect(processExitsWith: .failure) {
            _ = Embedding<Float>(numEmbeddings: 3, embeddingDim: 2).forward([-1])
        }
    }
}
