// The IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed:
//   magic  00 00 <type> <rank>       type 08 = unsigned bytes (the only type these sets use)
//   dims   rank big-endian UInt32
//   data   Π dims elements, row-major

/// An array of unsigned bytes read from an IDX file: (N, 28, 28) images or (N) labels.
public struct IDXArray: Sendable, Equatable {
    /// The dimensions, outermost first.
    public let shape: [Int]
    /// The elements, row-major.
    public let bytes: [UInt8]
}

/// Reads IDX files (LeCun's MNIST format), decompressing gzip files on the way.
public enum IDXFile {
    /// The unsigned-byte array stored in the file at `path` (`.gz` or not: gzip is recognised by
    /// its first bytes).
    /// - Throws: `RNNKitError` naming the file: missing, truncated or corrupt gzip data, a
    ///   header that is not IDX, an element type other than unsigned bytes, or fewer or more
    ///   data bytes than the header's dimensions call for.
    public static func read(_ path: String) throws -> IDXArray {
        let raw = try FileIO.readAll(path)
        let data = Gzip.isGzip(raw) ? try Gzip.decompress(raw, name: path) : raw
        return try parse(data, name: path)
    }

    /// Parses IDX bytes already in memory; `name` is used in errors.
    static func parse(_ data: [UInt8], name: String) throws -> IDXArray {
        guard data.count >= 4 else { throw RNNKitError("\(name): truncated: \(data.count) bytes, an IDX header needs at least 4") }
        guard data[0] == 0 && data[1] == 0 else { throw RNNKitError("\(name): not an IDX file (the first two bytes are not zero)") }
        guard data[2] == 0x08 else {
            throw RNNKitError("\(name): IDX element type 0x\(String(data[2], radix: 16)) is not supported (only unsigned bytes, 0x08)")
        }
        let rank = Int(data[3])
        guard rank >= 1 else { throw RNNKitError("\(name): the IDX header declares no dimensions") }
        let headerSize = 4 + 4 * rank
        guard data.count >= headerSize else {
            throw RNNKitError("\(name): truncated: the IDX header needs \(headerSize) bytes, the data has \(data.count)")
        }
        var shape: [Int] = []
        var count = 1
        for i in 0..<rank {
            let at = 4 + 4 * i
            let dim = Int(data[at]) << 24 | Int(data[at + 1]) << 16 | Int(data[at + 2]) << 8 | Int(data[at + 3])
            shape.append(dim)
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw RNNKitError("\(name): the IDX dimensions \(shape)… are too large") }
            count = product
        }
        // The header is checked against the bytes present: nothing is allocated from it alone.
        let present = data.count - headerSize
        guard present >= count else {
            throw RNNKitError("\(name): truncated: the IDX header \(shape) calls for \(count) data bytes, only \(present) follow it")
        }
        guard present == count else {
            throw RNNKitError("\(name): \(present - count) bytes follow the \(count) data bytes of IDX shape \(shape)")
        }
        return IDXArray(shape: shape, bytes: Array(data[headerSize...]))
    }
}
