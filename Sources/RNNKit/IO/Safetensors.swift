// The safetensors format (https://github.com/huggingface/safetensors):
//
//   [8 bytes]  N, the header length, unsigned little-endian
//   [N bytes]  JSON header: {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]},
//              ..., "__metadata__": {"key": "value", ...}}   (may be padded with spaces)
//   [rest]     the data section; tensor `name` is bytes b..<e of it, row-major, little-endian
//
// Reading validates everything before any tensor is handed out: the header fits in the file,
// is a JSON object of well-formed entries, and the tensors tile the data section exactly
// (contiguous, no gap, no overlap, each the size its dtype and shape require).

/// A safetensors file read into memory and validated: tensor names, dtypes, shapes, the
/// `__metadata__` string map, and typed access to each tensor.
///
/// ```swift
/// let file = try SafetensorsFile(contentsOf: "model.safetensors")
/// let w: Tensor<Float> = try file.tensor("rnn.weight_ih_l0")   // (4H, I)
/// let lengths = try file.integers("lengths")                   // I64 → [Int]
/// ```
public struct SafetensorsFile: Sendable {
    /// One tensor's header entry.
    public struct TensorInfo: Sendable, Equatable {
        /// The tensor's name, e.g. `rnn.weight_hh_l0`.
        public let name: String
        /// The element type stored in the file.
        public let dtype: SafetensorsDType
        /// The shape, outermost dimension first (`[]` for a scalar).
        public let shape: [Int]
        /// The tensor's bytes within the data section (the header's `data_offsets`).
        public let dataOffsets: Range<Int>
        /// The number of elements, `shape.reduce(1, *)`.
        public var count: Int { shape.reduce(1, *) }
    }

    /// The largest header accepted, as in the reference implementation (100 MB).
    public static let maxHeaderLength = 100_000_000

    /// The `__metadata__` map (empty if the file has none).
    public let metadata: [String: String]
    /// Every tensor, in the order of their data in the file.
    public let tensors: [TensorInfo]
    private let bytes: [UInt8]
    private let dataStart: Int
    private let index: [String: Int]

    /// Reads and validates the file at `path`.
    /// - Throws: `RNNKitError` naming the file and the first problem found.
    public init(contentsOf path: String) throws {
        let bytes = try FileIO.readAll(path)
        do {
            try self.init(bytes: bytes)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(path)': \(error.message)")
        }
    }

    /// Parses and validates a complete safetensors file held in `bytes`.
    /// - Throws: `RNNKitError` naming the first problem found.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 8 else {
            throw RNNKitError("file is \(bytes.count) bytes, too short for the 8-byte header length")
        }
        let headerLength = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(Self.maxHeaderLength) else {
            throw RNNKitError("header length \(headerLength) exceeds the \(Self.maxHeaderLength)-byte limit (corrupt file?)")
        }
        guard 8 + Int(headerLength) <= bytes.count else {
            throw RNNKitError("header length \(headerLength) runs past the end of the file (\(bytes.count) bytes; truncated?)")
        }
        let dataStart = 8 + Int(headerLength)
        let header = try JSONValue.parse(bytes[8..<dataStart])
        guard case let .object(members) = header else {
            throw RNNKitError("the header is \(header.kindName), expected a JSON object")
        }
        var metadata: [String: String] = [:]
        var tensors: [TensorInfo] = []
        for (key, value) in members {
            if key == "__metadata__" {
                metadata = try Self.parseMetadata(value)
            } else {
                tensors.append(try Self.parseEntry(name: key, value))
            }
        }
        tensors.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound) }
        try Self.checkTiling(tensors, dataSize: bytes.count - dataStart)

        self.bytes = bytes
        self.dataStart = dataStart
        self.metadata = metadata
        self.tensors = tensors
        self.index = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.name, $0) })
    }

    /// The tensor names, in the order of their data in the file.
    public var names: [String] { tensors.map(\.name) }

    /// The header entry of the tensor called `name`, or nil.
    public func info(_ name: String) -> TensorInfo? {
        index[name].map { tensors[$0] }
    }

    /// Whether the file holds a tensor called `name`.
    public func contains(_ name: String) -> Bool { index[name] != nil }

    /// The tensor called `name`, converted to `Scalar` (F16, BF16, F32 or F64 in the file).
    /// - Throws: `RNNKitError` if there is no such tensor or it is not floating point.
    public func tensor<Scalar: RNNScalar>(_ name: String, as type: Scalar.Type = Scalar.self) throws -> Tensor<Scalar> {
        let info = try lookup(name)
        guard info.dtype.isReadableAsTensor else {
            throw RNNKitError("tensor '\(name)' has dtype \(info.dtype.rawValue), expected a floating-point dtype (F16, BF16, F32, F64)")
        }
        let scalars: [Scalar] = withData(of: info) { decodeFloats($0, dtype: info.dtype, count: info.count) }
        return Tensor(shape: info.shape, scalars: scalars)
    }

    /// The integer tensor called `name` (I64, I32, any other integer type, or BOOL), flattened
    /// in row-major order.
    /// - Throws: `RNNKitError` if there is no such tensor, it is not an integer type, or a U64
    ///   value does not fit in `Int`.
    public func integers(_ name: String) throws -> [Int] {
        let info = try lookup(name)
        guard info.dtype.isReadableAsIntegers else {
            throw RNNKitError("tensor '\(name)' has dtype \(info.dtype.rawValue), expected an integer dtype such as I64")
        }
        guard let values = withData(of: info, { decodeIntegers($0, dtype: info.dtype, count: info.count) }) else {
            throw RNNKitError("tensor '\(name)' holds a U64 value too large for Int")
        }
        return values
    }

    private func lookup(_ name: String) throws -> TensorInfo {
        guard let info = info(name) else { throw RNNKitError("no tensor named '\(name)' in the file") }
        return info
    }

    private func withData<R>(of info: TensorInfo, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { all in
            body(UnsafeRawBufferPointer(rebasing: all[(dataStart + info.dataOffsets.lowerBound)..<(dataStart + info.dataOffsets.upperBound)]))
        }
    }

    // MARK: - Header validation

    private static func parseMetadata(_ value: JSONValue) throws -> [String: String] {
        guard case let .object(members) = value else {
            throw RNNKitError("__metadata__ is \(value.kindName), expected an object of strings")
        }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case let .string(text) = value else {
                throw RNNKitError("metadata '\(key)' is \(value.kindName), expected a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseEntry(name: String, _ value: JSONValue) throws -> TensorInfo {
        guard case let .object(fields) = value else {
            throw RNNKitError("tensor '\(name)': entry is \(value.kindName), expected an object")
        }
        func field(_ key: String) throws -> JSONValue {
            guard let v = fields.first(where: { $0.key == key })?.value else {
                throw RNNKitError("tensor '\(name)': missing '\(key)'")
            }
            return v
        }
        func naturals(_ key: String) throws -> [Int] {
            guard case let .array(items) = try field(key) else {
                throw RNNKitError("tensor '\(name)': '\(key)' must be an array of non-negative integers")
            }
            return try items.map {
                guard case let .integer(i) = $0, i >= 0 else {
                    throw RNNKitError("tensor '\(name)': '\(key)' must be an array of non-negative integers, found \($0.serialized)")
                }
                return i
            }
        }
        guard case let .string(dtypeName) = try field("dtype") else {
            throw RNNKitError("tensor '\(name)': 'dtype' must be a string")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw RNNKitError("tensor '\(name)': unknown dtype '\(dtypeName)'")
        }
        let shape = try naturals("shape")
        let offsets = try naturals("data_offsets")
        guard offsets.count == 2 else {
            throw RNNKitError("tensor '\(name)': 'data_offsets' must hold 2 integers, found \(offsets.count)")
        }
        guard offsets[0] <= offsets[1] else {
            throw RNNKitError("tensor '\(name)': data_offsets [\(offsets[0]), \(offsets[1])] end before they begin")
        }
        var needed = dtype.byteCount
        for d in shape {
            let (product, overflow) = needed.multipliedReportingOverflow(by: d)
            guard !overflow else { throw RNNKitError("tensor '\(name)': shape \(shape) is too large") }
            needed = product
        }
        guard offsets[1] - offsets[0] == needed else {
            throw RNNKitError("tensor '\(name)' has \(offsets[1] - offsets[0]) bytes (data_offsets [\(offsets[0]), \(offsets[1])]) but \(dtype.rawValue) × \(shape) needs \(needed)")
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: offsets[0]..<offsets[1])
    }

    /// Checks that `tensors` (sorted by offset) cover `0..<dataSize` exactly, one after another.
    private static func checkTiling(_ tensors: [TensorInfo], dataSize: Int) throws {
        var end = 0
        var previous: String?
        for t in tensors {
            let r = t.dataOffsets
            guard r.upperBound <= dataSize else {
                throw RNNKitError("tensor '\(t.name)' (data_offsets [\(r.lowerBound), \(r.upperBound)]) runs past the end of the data (\(dataSize) bytes; truncated file?)")
            }
            if r.lowerBound < end, let previous {
                throw RNNKitError("tensor '\(t.name)' (data_offsets [\(r.lowerBound), \(r.upperBound)]) overlaps tensor '\(previous)', which ends at \(end)")
            }
            guard r.lowerBound == end else {
                throw RNNKitError("\(r.lowerBound - end) unused bytes before tensor '\(t.name)' (data_offsets [\(r.lowerBound), \(r.upperBound)])")
            }
            end = r.upperBound
            previous = t.name
        }
        guard end == dataSize else {
            throw RNNKitError("\(dataSize - end) unused bytes after the last tensor (the data section holds \(dataSize) bytes, the tensors \(end))")
        }
    }
}
