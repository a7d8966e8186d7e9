import Foundation
import Testing
@testable import RNNKit

/// A safetensors file from parts: the 8-byte length (of `header`, unless `length` overrides
/// it), the header text and the data bytes.
func rawSafetensors(_ header: String, data: [UInt8], length: UInt64? = nil) -> [UInt8] {
    let h = Array(header.utf8)
    let n = length ?? UInt64(h.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } + h + data
}

/// The message a parse of `bytes` fails with, or nil if it succeeds.
func safetensorsFailure(_ bytes: [UInt8]) -> String? {
    do {
        _ = try SafetensorsFile(bytes: bytes)
        return nil
    } catch {
        return (error as? RNNKitError)?.message ?? "\(error)"
    }
}

@Suite struct SafetensorsTests {
    /// Two F32 tensors a (2) = [1, 2] and b (1, 1) = [-3], and metadata.
    static let good = rawSafetensors(
        #"{"b":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]},"__metadata__":{"kind":"test","n":"2"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
        data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40, 0, 0, 0x40, 0xC0])

    @Test func readsNamesMetadataAndTensors() throws {
        let file = try SafetensorsFile(bytes: Self.good)
        #expect(file.names == ["a", "b"])  // data order
        #expect(file.metadata == ["kind": "test", "n": "2"])
        #expect(file.info("b") == .init(name: "b", dtype: .f32, shape: [1, 1], dataOffsets: 8..<12))
        #expect(try file.tensor("a", as: Float.self) == Tensor(shape: [2], scalars: [1, 2]))
        #expect(try file.tensor("b", as: Double.self) == Tensor(shape: [1, 1], scalars: [-3]))
        #expect(file.contains("a") && !file.contains("c"))
        #expect(throws: RNNKitError("no tensor named 'c' in the file")) { try file.tensor("c", as: Float.self) }
        #expect(throws: RNNKitError("tensor 'a' has dtype F32, expected an integer dtype such as I64")) {
            try file.integers("a")
        }
    }

    @Test func readsEveryDtypeWrittenByTheSafetensorsLibrary() throws {
        let file = try SafetensorsFile(contentsOf: fixtureURL("reference/dtypes.safetensors").path)
        let values: [Float] = [1.5, -2.25, 0, 65504, 6.103515625e-05, -0.0999755859375]
        #expect(try file.tensor("f32", as: Float.self) == Tensor(shape: [2, 3], scalars: values))
        #expect(try file.tensor("f16", as: Float.self) == Tensor(shape: [2, 3], scalars: values))
        #expect(try file.tensor("bf16", as: Float.self).scalars == [1.5, -2.25, 0, 65536, 6.103515625e-05, -0.10009765625])
        #expect(try file.tensor("f64", as: Double.self).scalars == values.map { Double($0) / 3 })
        #expect(try file.tensor("f64", as: Float.self).scalars == values.map { Float(Double($0) / 3) })
        #expect(try file.tensor("scalar", as: Float.self) == Tensor(shape: [], scalars: [4.5]))
        #expect(try file.integers("i32") == [-5, 0, 2_147_483_647])
        #expect(try file.integers("i64") == [-(1 << 40), 7])
        #expect(file.info("i64")?.shape == [1, 2])
        #expect(try file.integers("u8") == [0, 255])
        #expect(try file.integers("bool") == [1, 0, 1])
        #expect(throws: RNNKitError("tensor 'i64' has dtype I64, expected a floating-point dtype (F16, BF16, F32, F64)")) {
            try file.tensor("i64", as: Float.self)
        }
    }

    @Test func convertsHalfPrecisionExactly() {
        #expect(halfToFloat(0x0001) == Float(sign: .plus, exponent: -24, significand: 1))  // smallest subnormal
        #expect(halfToFloat(0x83FF) == -Float(0x3FF) * Float(sign: .plus, exponent: -24, significand: 1))
        #expect(halfToFloat(0x7C00) == .infinity && halfToFloat(0xFC00) == -.infinity)
        #expect(halfToFloat(0x7E00).isNaN)
        #expect(halfToFloat(0x8000).sign == .minus && halfToFloat(0x8000) == 0)
        #expect(halfToFloat(0x3C00) == 1 && halfToFloat(0xC000) == -2)
    }

    @Test func readsEveryPyTorchParityFixture() throws {
        let dir = fixtureURL("parity")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".safetensors") }.sorted()
        #expect(files.count == 16)
        for name in files {
            let file = try SafetensorsFile(contentsOf: dir.appendingPathComponent(name).path)
            let kind = file.metadata["kind"]
            #expect(["rnn_grad", "lm_training", "grad_flow"].contains(kind ?? ""), "\(name): kind \(kind ?? "none")")
            for info in file.tensors {
                if info.dtype == .i64 {
                    #expect(try file.integers(info.name).count == info.count)
                } else {
                    #expect(info.dtype == .f32, "\(name): \(info.name) is \(info.dtype)")
                    #expect(try file.tensor(info.name, as: Float.self).shape == info.shape)
                }
            }
        }
    }

    @Test func readsKnownValuesFromTheFixtures() throws {
        let parity = fixtureURL("parity")
        let rnn = try SafetensorsFile(contentsOf: parity.appendingPathComponent("01_rnn_tanh_basic.safetensors").path)
        #expect(rnn.metadata["mode"] == "RNN_TANH" && rnn.metadata["hidden_size"] == "6")
        let input: Tensor<Float> = try rnn.tensor("input")
        #expect(input.shape == [5, 3, 4])
        #expect(Array(input.scalars.prefix(4)) == [-0.09422764182090759, -0.9721865653991699, 1.2762967348098755, 2.3958280086517334])
        #expect(abs(input.scalars.reduce(0.0) { $0 + Double($1) } - 2.890468657016754) < 1e-9)
        let lengths = try SafetensorsFile(contentsOf: parity.appendingPathComponent("09_lstm_lengths.safetensors").path)
        #expect(try lengths.integers("lengths") == [6, 2, 4])
        let lm = try SafetensorsFile(contentsOf: parity.appendingPathComponent("12_lm_gru_adam.safetensors").path)
        let tokens = try lm.integers("tokens")
        #expect(tokens.count == 62 && Array(tokens.prefix(4)) == [6, 1, 1, 8] && tokens.reduce(0, +) == 232)
    }

    @Test func rejectsTruncatedFiles() {
        #expect(safetensorsFailure([1, 0, 0]) == "file is 3 bytes, too short for the 8-byte header length")
        let cut = Array(Self.good.prefix(40))
        #expect(safetensorsFailure(cut) == "header length 149 runs past the end of the file (40 bytes; truncated?)")
        let lostData = Array(Self.good.dropLast(2))
        #expect(safetensorsFailure(lostData) ==
                "tensor 'b' (data_offsets [8, 12]) runs past the end of the data (10 bytes; truncated file?)")
        #expect(safetensorsFailure(rawSafetensors("{}", data: [], length: 1 << 40)) ==
                "header length 1099511627776 exceeds the 100000000-byte limit (corrupt file?)")
    }

    @Test func rejectsCorruptHeaders() {
        func fails(_ header: String, _ data: [UInt8] = [0, 0, 0, 0]) -> String? {
            safetensorsFailure(rawSafetensors(header, data: data))
        }
        #expect(fails(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#) ==
                "invalid JSON in the header at byte 53: unexpected end of input, expected '}'")
        #expect(fails("[1, 2]") == "the header is an array, expected a JSON object")
        #expect(fails(#"{"a":{"shape":[1],"data_offsets":[0,4]}}"#) == "tensor 'a': missing 'dtype'")
        #expect(fails(#"{"a":{"dtype":"Q8","shape":[1],"data_offsets":[0,4]}}"#) == "tensor 'a': unknown dtype 'Q8'")
        #expect(fails(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#) ==
                "tensor 'a': 'shape' must be an array of non-negative integers, found -1")
        #expect(fails(#"{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#) ==
                "tensor 'a': 'shape' must be an array of non-negative integers, found 1.0")
        #expect(fails(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#) ==
                "tensor 'a': 'data_offsets' must hold 2 integers, found 1")
        #expect(fails(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#) ==
                "tensor 'a': data_offsets [4, 0] end before they begin")
        #expect(fails(#"{"a":"F32"}"#) == "tensor 'a': entry is a string, expected an object")
        #expect(fails(#"{"__metadata__":{"n":2},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#) ==
                "metadata 'n' is a number, expected a string")
        #expect(fails(#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#) ==
                "tensor 'a': shape [4611686018427387904, 4] is too large")
    }

    @Test func rejectsOffsetsThatDoNotTileTheData() {
        func fails(_ a: String, _ b: String, dataSize: Int = 12) -> String? {
            let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":\#(a)},"b":{"dtype":"F32","shape":[1],"data_offsets":\#(b)}}"#
            return safetensorsFailure(rawSafetensors(header, data: [UInt8](repeating: 0, count: dataSize)))
        }
        #expect(fails("[0,8]", "[8,12]") == nil)
        #expect(fails("[0,8]", "[4,8]") == "tensor 'b' (data_offsets [4, 8]) overlaps tensor 'a', which ends at 8")
        #expect(fails("[0,8]", "[12,16]", dataSize: 16) == "4 unused bytes before tensor 'b' (data_offsets [12, 16])")
        #expect(fails("[4,12]", "[12,16]", dataSize: 16) == "4 unused bytes before tensor 'a' (data_offsets [4, 12])")
        #expect(fails("[0,8]", "[8,12]", dataSize: 20) ==
                "8 unused bytes after the last tensor (the data section holds 20 bytes, the tensors 12)")
        #expect(fails("[0,12]", "[12,16]", dataSize: 16) == "tensor 'a' has 12 bytes (data_offsets [0, 12]) but F32 × [2] needs 8")
        #expect(fails("[0,8]", "[8,12]", dataSize: 8) ==
                "tensor 'b' (data_offsets [8, 12]) runs past the end of the data (8 bytes; truncated file?)")
    }

    @Test func namesTheFileInErrors() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rnnkit-corrupt-\(UInt32.random(in: 0...UInt32.max)).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(Self.good.prefix(40)).write(to: URL(fileURLWithPath: path))
        #expect(throws: RNNKitError("'\(path)': header length 149 runs past the end of the file (40 bytes; truncated?)")) {
            try SafetensorsFile(contentsOf: path)
        }
        #expect(throws: RNNKitError("cannot open '/nonexistent/x.safetensors': No such file or directory")) {
            try SafetensorsFile(contentsOf: "/nonexistent/x.safetensors")
        }
        #expect(throws: RNNKitError("'/tmp' is not a regular file")) { try SafetensorsFile(contentsOf: "/tmp") }
    }
}
