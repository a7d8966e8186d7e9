import Testing
@testable import RNNKit

@Suite struct TensorTests {
    @Test func indexingIsRowMajor() {
        var t = Tensor<Float>(zeros: [2, 3, 4])
        t[1, 2, 3] = 7
        #expect(t.scalars[1 * 12 + 2 * 4 + 3] == 7)
        #expect(t.count == 24 && t.rank == 3)
    }

    @Test func arenaAlignsAndNamesTensors() throws {
        let arena = ParameterArena<Double>()
        let a = arena.add(name: "a", shape: [3])
        let b = arena.add(name: "b", shape: [2, 2])
        #expect(a.offset == 0 && b.offset == 16)
        try arena.setValue(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), named: "b")
        #expect(arena.value(named: "b")?.scalars == [1, 2, 3, 4])
        #expect(throws: RNNKitError.self) { try arena.setValue(Tensor(zeros: [3]), named: "b") }
        for i in 0..<40 { _ = arena.add(name: "x\(i)", shape: [5]) }  // forces growth
        #expect(arena.value(named: "b")?.scalars == [1, 2, 3, 4])
    }
}
