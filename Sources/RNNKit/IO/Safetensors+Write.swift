/// Collects named tensors and metadata and writes them as one safetensors file.
///
/// ```swift
/// var writer = SafetensorsWriter(metadata: ["epoch": "3"])
/// try writer.add("decoder.weight", decoderWeight)              // Tensor<Float> → F32
/// try writer.add("tokens", integers: tokens)                   // [Int] → I64, shape [count]
/// try writer.write(to: "checkpoint.safetensors")               // atomic replace
/// ```
///
/// Tensors are laid out widest dtype first (then in the order added), so every tensor starts
/// on a multiple of its element size, and the header is padded with spaces to a multiple of 8
/// bytes, as the reference implementation does. The file PyTorch's `safetensors.torch.load_file`
/// reads back is the same set of tensors.
public struct SafetensorsWriter: Sendable {
    /// The `__metadata__` string map written into the header (omitted when empty).
    public var metadata: [String: String]
    private var entries: [(name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8])] = []

    /// Creates an empty writer.
    /// - Parameter metadata: the `__metadata__` map; numbers and booleans go in as strings.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// The names added so far, in the order added.
    public var names: [String] { entries.map(\.name) }

    /// Adds a floating-point tensor.
    /// - Parameters:
    ///   - name: a unique name, e.g. `rnn.weight_ih_l0` (not `__metadata__`).
    ///   - tensor: any shape; written row-major.
    ///   - dtype: `.f32` or `.f64`; nil writes `Scalar`'s own type (F32 for Float, F64 for Double).
    /// - Throws: `RNNKitError` for a duplicate or reserved name or an unsupported dtype.
    public mutating func add<Scalar: RNNScalar>(_ name: String, _ tensor: Tensor<Scalar>, dtype: SafetensorsDType? = nil) throws {
        let dtype = dtype ?? (Scalar.self == Double.self ? .f64 : .f32)
        try checkName(name)
        guard dtype == .f32 || dtype == .f64 else {
            throw RNNKitError("tensor '\(name)': cannot write a floating-point tensor as \(dtype.rawValue) (F32 or F64)")
        }
        let bytes = tensor.scalars.withUnsafeBufferPointer { encodeFloats($0, dtype: dtype) }
        entries.append((name, dtype, tensor.shape, bytes))
    }

    /// Adds an integer tensor.
    /// - Parameters:
    ///   - name: a unique name (not `__metadata__`).
    ///   - integers: the elements, row-major.
    ///   - shape: the shape; nil means `[integers.count]`.
    ///   - dtype: `.i64` (PyTorch's `long`) or `.i32`.
    /// - Throws: `RNNKitError` for a duplicate or reserved name, a shape that does not match the
    ///   element count, an unsupported dtype, or a value that does not fit in I32.
    public mutating func add(_ name: String, integers: [Int], shape: [Int]? = nil, dtype: SafetensorsDType = .i64) throws {
        try checkName(name)
        let shape = shape ?? [integers.count]
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == integers.count else {
            throw RNNKitError("tensor '\(name)': \(integers.count) integers do not fill shape \(shape)")
        }
        let bytes: [UInt8]
        switch dtype {
        case .i64: bytes = littleEndianBytes(integers.map { Int64($0) })
        case .i32:
            if let i = integers.firstIndex(where: { Int32(exactly: $0) == nil }) {
                throw RNNKitError("tensor '\(name)': value \(integers[i]) at index \(i) does not fit in I32")
            }
            bytes = littleEndianBytes(integers.map { Int32($0) })
        default: throw RNNKitError("tensor '\(name)': cannot write integers as \(dtype.rawValue) (I64 or I32)")
        }
        entries.append((name, dtype, shape, bytes))
    }

    /// The complete file: header length, padded JSON header, data.
    public func serialized() -> [UInt8] {
        // Widest dtype first; the sort is stable, so equal widths keep the order added.
        let ordered = entries.enumerated()
            .sorted { ($1.element.dtype.byteCount, $0.offset) < ($0.element.dtype.byteCount, $1.offset) }
            .map(\.element)
        var members: [(key: String, value: JSONValue)] = []
        if !metadata.isEmpty {
            let sorted = metadata.sorted { $0.key < $1.key }
            members.append(("__metadata__", .object(sorted.map { ($0.key, JSONValue.string($0.value)) })))
        }
        var offset = 0
        for e in ordered {
            members.append((e.name, .object([
                ("dtype", .string(e.dtype.rawValue)),
                ("shape", .array(e.shape.map { .integer($0) })),
                ("data_offsets", .array([.integer(offset), .integer(offset + e.bytes.count)])),
            ])))
            offset += e.bytes.count
        }
        var header = Array(JSONValue.object(members).serialized.utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)

        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + offset)
        out += littleEndianBytes([UInt64(header.count)])
        out += header
        for e in ordered { out += e.bytes }
        return out
    }

    /// Writes the file atomically: to a temporary file in the same directory, flushed to disk,
    /// then renamed over `path`, so a crash never leaves a half-written file in its place.
    /// - Throws: `RNNKitError` naming the file and the operating system's reason.
    public func write(to path: String) throws {
        try FileIO.writeAtomically(serialized(), to: path)
    }

    private func checkName(_ name: String) throws {
        guard name != "__metadata__" else { throw RNNKitError("'__metadata__' is reserved and cannot name a tensor") }
        guard !name.isEmpty else { throw RNNKitError("a tensor name cannot be empty") }
        guard !entries.contains(where: { $0.name == name }) else { throw RNNKitError("tensor '\(name)' was added twice") }
    }
}

/// The little-endian bytes of `values`, one after another.
private func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    let size = MemoryLayout<T>.size
    return [UInt8](unsafeUninitializedCapacity: values.count * size) { out, initialized in
        let raw = UnsafeMutableRawBufferPointer(out)
        for (i, v) in values.enumerated() {
            raw.storeBytes(of: v.littleEndian, toByteOffset: i * size, as: T.self)
        }
        initialized = values.count * size
    }
}
