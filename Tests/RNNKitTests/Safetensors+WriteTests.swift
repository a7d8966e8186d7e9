import Foundation
import Testing
@testable import RNNKit

/// A fresh, empty temporary directory; the caller removes it.
func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("rnnkit-\(UInt64.random(in: 0...UInt64.max))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct SafetensorsWriteTests {
    @Test func roundTripsTensorsIntegersAndMetadata() throws {
        let weights = Tensor<Float>(shape: [2, 3], scalars: [1, -2.5, 3e-7, .infinity, -0.0, 1e30])
        let precise = Tensor<Double>(shape: [3], scalars: [1.0 / 3, -2e-300, 12345.678901234567])
        var writer = SafetensorsWriter(metadata: ["note": "quote \" backslash \\ newline \n é ✓", "lr": "0.25"])
        try writer.add("rnn.weight_ih_l0", weights)
        try writer.add("precise", precise)
        try writer.add("narrowed", precise, dtype: .f32)
        try writer.add("tokens", integers: [3, -1, 1 << 40, 0], shape: [2, 2])
        try writer.add("lengths", integers: [5, 2, 7], dtype: .i32)
        try writer.add("scalar", Tensor<Float>(shape: [], scalars: [4.5]))
        try writer.add("empty", Tensor<Float>(zeros: [0, 3]))
        #expect(writer.names == ["rnn.weight_ih_l0", "precise", "narrowed", "tokens", "lengths", "scalar", "empty"])

        let file = try SafetensorsFile(bytes: writer.serialized())
        #expect(file.metadata == writer.metadata)
        #expect(try file.tensor("rnn.weight_ih_l0", as: Float.self) == weights)
        #expect(try file.tensor("precise", as: Double.self) == precise)
        #expect(file.info("precise")?.dtype == .f64 && file.info("narrowed")?.dtype == .f32)
        #expect(try file.tensor("narrowed", as: Double.self) == Tensor(shape: [3], scalars: precise.scalars.map { Double(Float($0)) }))
        #expect(try file.integers("tokens") == [3, -1, 1 << 40, 0] && file.info("tokens")?.shape == [2, 2])
        #expect(try file.integers("lengths") == [5, 2, 7] && file.info("lengths")?.dtype == .i32)
        #expect(try file.tensor("scalar", as: Float.self) == Tensor(shape: [], scalars: [4.5]))
        #expect(try file.tensor("empty", as: Float.self).shape == [0, 3])
        #expect(Set(file.names) == Set(writer.names))
    }

    @Test func alignsLikeTheReferenceWriter() throws {
        var writer = SafetensorsWriter()
        try writer.add("b32", Tensor<Float>(zeros: [3]))
        try writer.add("i32", integers: [1], dtype: .i32)
        try writer.add("a64", Tensor<Double>(zeros: [1]))
        let bytes = writer.serialized()
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect((8 + headerLength) % 8 == 0)
        let file = try SafetensorsFile(bytes: bytes)
        #expect(file.names == ["a64", "b32", "i32"])  // widest first, then in the order added
        for info in file.tensors {
            #expect(info.dataOffsets.lowerBound % info.dtype.byteCount == 0)
        }
    }

    @Test func rejectsBadEntries() throws {
        var writer = SafetensorsWriter()
        try writer.add("a", Tensor<Float>(zeros: [1]))
        #expect(throws: RNNKitError("tensor 'a' was added twice")) { try writer.add("a", integers: [1]) }
        #expect(throws: RNNKitError("'__metadata__' is reserved and cannot name a tensor")) {
            try writer.add("__metadata__", Tensor<Float>(zeros: [1]))
        }
        #expect(throws: RNNKitError("a tensor name cannot be empty")) { try writer.add("", integers: [1]) }
        #expect(throws: RNNKitError("tensor 'big': value 4294967296 at index 1 does not fit in I32")) {
            try writer.add("big", integers: [0, 1 << 32], dtype: .i32)
        }
        #expect(throws: RNNKitError("tensor 'n': 3 integers do not fill shape [2, 2]")) {
            try writer.add("n", integers: [1, 2, 3], shape: [2, 2])
        }
        #expect(throws: RNNKitError("tensor 'h': cannot write a floating-point tensor as F16 (F32 or F64)")) {
            try writer.add("h", Tensor<Float>(zeros: [1]), dtype: .f16)
        }
        #expect(throws: RNNKitError("tensor 'u': cannot write integers as U8 (I64 or I32)")) {
            try writer.add("u", integers: [1], dtype: .u8)
        }
        #expect(writer.names == ["a"])
    }

    @Test func writesAtomicallyAndReplacesTheOldFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/model.safetensors"
        var first = SafetensorsWriter(metadata: ["version": "1"])
        try first.add("w", Tensor<Float>(shape: [2], scalars: [1, 2]))
        try first.write(to: path)
        var second = SafetensorsWriter(metadata: ["version": "2"])
        try second.add("w", Tensor<Float>(shape: [3], scalars: [3, 4, 5]))
        try second.write(to: path)

        let file = try SafetensorsFile(contentsOf: path)
        #expect(file.metadata["version"] == "2")
        #expect(try file.tensor("w", as: Float.self).scalars == [3, 4, 5])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["model.safetensors"])  // no temporary left
    }

    @Test func aFailedWriteLeavesNoTraceAndNamesThePath() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var writer = SafetensorsWriter()
        try writer.add("w", Tensor<Float>(zeros: [1]))
        // The target is a non-empty directory: everything succeeds up to the rename.
        try FileManager.default.createDirectory(atPath: dir + "/taken/inner", withIntermediateDirectories: true)
        do {
            try writer.write(to: dir + "/taken")
            Issue.record("writing over a directory succeeded")
        } catch let error as RNNKitError {
            #expect(error.message.hasPrefix("cannot rename '\(dir)/.taken.tmp-"), "\(error.message)")
            #expect(error.message.hasSuffix("to '\(dir)/taken': Is a directory"), "\(error.message)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["taken"])
        do {
            try writer.write(to: "/nonexistent-dir/model.safetensors")
            Issue.record("writing into a missing directory succeeded")
        } catch let error as RNNKitError {
            #expect(error.message.hasPrefix("cannot create '/nonexistent-dir/.model.safetensors.tmp-"), "\(error.message)")
            #expect(error.message.hasSuffix("': No such file or directory"), "\(error.message)")
        }
    }

    @Test func splitsPaths() {
        #expect(FileIO.split("a/b/c.st") == ("a/b", "c.st"))
        #expect(FileIO.split("c.st") == (".", "c.st"))
        #expect(FileIO.split("/c.st") == ("/", "c.st"))
    }
}
