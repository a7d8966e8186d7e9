/// The element types of the safetensors format.
///
/// RNNKit reads every floating-point type listed here into a `Tensor` (F16, BF16, F32, F64), every
/// integer type and BOOL into `[Int]`, and writes F32, F64, I32 and I64. The FP8 types are
/// recognised so that a file holding them still opens; reading such a tensor throws.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    /// IEEE 754 half precision.
    case f16 = "F16"
    /// bfloat16: the upper 16 bits of an IEEE single.
    case bf16 = "BF16"
    /// IEEE 754 single precision.
    case f32 = "F32"
    /// IEEE 754 double precision.
    case f64 = "F64"
    /// FP8 E4M3 (read as raw bytes only).
    case f8e4m3 = "F8_E4M3"
    /// FP8 E5M2 (read as raw bytes only).
    case f8e5m2 = "F8_E5M2"
    /// Signed 8-bit integers.
    case i8 = "I8"
    /// Signed 16-bit integers.
    case i16 = "I16"
    /// Signed 32-bit integers.
    case i32 = "I32"
    /// Signed 64-bit integers (PyTorch's `int64`, `torch.long`).
    case i64 = "I64"
    /// Unsigned 8-bit integers.
    case u8 = "U8"
    /// Unsigned 16-bit integers.
    case u16 = "U16"
    /// Unsigned 32-bit integers.
    case u32 = "U32"
    /// Unsigned 64-bit integers.
    case u64 = "U64"
    /// Booleans, one byte each (0 or 1).
    case bool = "BOOL"

    /// The size of one element in bytes.
    public var byteCount: Int {
        switch self {
        case .f8e4m3, .f8e5m2, .i8, .u8, .bool: return 1
        case .f16, .bf16, .i16, .u16: return 2
        case .f32, .i32, .u32: return 4
        case .f64, .i64, .u64: return 8
        }
    }

    /// Whether `SafetensorsFile.tensor(_:)` can read this type into a `Tensor`.
    public var isReadableAsTensor: Bool {
        switch self {
        case .f16, .bf16, .f32, .f64: return true
        default: return false
        }
    }

    /// Whether `SafetensorsFile.integers(_:)` can read this type into `[Int]`.
    public var isReadableAsIntegers: Bool {
        switch self {
        case .i8, .i16, .i32, .i64, .u8, .u16, .u32, .u64, .bool: return true
        default: return false
        }
    }
}

// MARK: - Element decoding

/// Decodes `count` little-endian floating-point elements of `dtype` at `raw` into `Scalar`
/// (rounding to nearest when narrowing F64 to Float).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func decodeFloats<Scalar: RNNScalar>(_ raw: UnsafeRawBufferPointer, dtype: SafetensorsDType, count: Int) -> [Scalar] {
    [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
        switch dtype {
        case .f32:
            for i in 0..<count {
                out[i] = Scalar(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
            }
        case .f64:
            for i in 0..<count {
                out[i] = Scalar(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
            }
        case .bf16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                out[i] = Scalar(Float(bitPattern: UInt32(bits) << 16))
            }
        case .f16:
            for i in 0..<count {
                out[i] = Scalar(halfToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
            }
        default:
            preconditionFailure("decodeFloats: \(dtype) is not a floating-point type")
        }
        initialized = count
    }
}

/// Encodes `scalars` as little-endian F32 or F64 bytes (rounding to nearest when narrowing).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func encodeFloats<Scalar: RNNScalar>(_ scalars: UnsafeBufferPointer<Scalar>, dtype: SafetensorsDType) -> [UInt8] {
    let size = dtype.byteCount
    return [UInt8](unsafeUninitializedCapacity: scalars.count * size) { out, initialized in
        let raw = UnsafeMutableRawBufferPointer(out)
        switch dtype {
        case .f32:
            for i in scalars.indices {
                raw.storeBytes(of: Float(scalars[i]).bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
            }
        case .f64:
            for i in scalars.indices {
                raw.storeBytes(of: Double(scalars[i]).bitPattern.littleEndian, toByteOffset: 8 * i, as: UInt64.self)
            }
        default:
            preconditionFailure("encodeFloats: \(dtype) is not F32 or F64")
        }
        initialized = scalars.count * size
    }
}

/// Decodes `count` little-endian integer (or BOOL) elements of `dtype` at `raw`.
/// Returns nil if a U64 value does not fit in `Int`.
func decodeIntegers(_ raw: UnsafeRawBufferPointer, dtype: SafetensorsDType, count: Int) -> [Int]? {
    func load<T: FixedWidthInteger>(_: T.Type) -> [Int]? {
        var out = [Int]()
        out.reserveCapacity(count)
        for i in 0..<count {
            let v = T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
            guard let int = Int(exactly: v) else { return nil }
            out.append(int)
        }
        return out
    }
    switch dtype {
    case .i8: return load(Int8.self)
    case .i16: return load(Int16.self)
    case .i32: return load(Int32.self)
    case .i64: return load(Int64.self)
    case .u8, .bool: return load(UInt8.self)
    case .u16: return load(UInt16.self)
    case .u32: return load(UInt32.self)
    case .u64: return load(UInt64.self)
    default: preconditionFailure("decodeIntegers: \(dtype) is not an integer type")
    }
}

/// IEEE half (binary16) bits to Float, exactly (subnormals, infinities and NaN included).
func halfToFloat(_ h: UInt16) -> Float {
    let sign: UInt32 = UInt32(h & 0x8000) << 16
    let exponent = Int(h >> 10) & 0x1F
    let mantissa = UInt32(h & 0x3FF)
    if exponent == 0x1F {  // infinity or NaN
        return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    }
    if exponent == 0 {  // zero or subnormal: mantissa · 2^-24, exact in Float
        let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
        return sign == 0 ? magnitude : -magnitude
    }
    return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
}
