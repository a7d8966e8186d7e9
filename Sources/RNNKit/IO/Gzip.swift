// The gzip container (RFC 1952) around DEFLATE data (Inflate.swift):
//   member = header (1f 8b, method 8, flags, mtime, xfl, os [, extra] [, name] [, comment] [, crc16])
//            deflate stream, CRC-32 of the data (LE), its size mod 2^32 (LE)
// A file may hold several members, whose data is concatenated (as `gzip -d` does).

/// Decompression of gzip data, with errors that name the file and the byte where it failed.
enum Gzip {
    /// Whether `bytes` start like gzip data (1f 8b).
    static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// The decompressed contents of gzip data `bytes`.
    /// - Parameters: `name` for error messages (the file's path); `limit` the most bytes to produce.
    /// - Throws: `RNNKitError` naming `name` for data that is not gzip, truncated or corrupt
    ///   (a bad header, an invalid deflate stream, a CRC or size that does not match).
    static func decompress(_ bytes: [UInt8], name: String, limit: Int = 1 << 32) throws -> [UInt8] {
        var result: [UInt8] = []
        var at = 0
        repeat {
            let dataStart = try header(bytes, at: at, name: name)
            // ISIZE, the last 4 bytes of a single-member file, is only a capacity hint here.
            let hint = bytes.count >= 4 ? Int(littleEndian32(bytes, bytes.count - 4)) : 0
            var inflater = Inflater(bytes, start: dataStart, name: name, limit: limit - result.count, expectedSize: hint)
            try inflater.run()
            let end = inflater.position
            guard end + 8 <= bytes.count else {
                throw RNNKitError("\(name): truncated: the gzip trailer (CRC and size) is missing after byte \(end)")
            }
            let crc = littleEndian32(bytes, end), size = littleEndian32(bytes, end + 4)
            let data = inflater.output
            var check = CRC32()
            data.withUnsafeBytes { check.update($0) }
            guard check.value == crc else {
                throw RNNKitError("\(name): corrupt: the CRC-32 of the decompressed data does not match the gzip trailer at byte \(end)")
            }
            guard UInt32(truncatingIfNeeded: data.count) == size else {
                throw RNNKitError("\(name): corrupt: \(data.count) bytes decompressed, the gzip trailer at byte \(end + 4) says \(size)")
            }
            if result.isEmpty { result = data } else { result += data }
            at = end + 8
        } while at < bytes.count && bytes[at...].contains(where: { $0 != 0 })   // another member; zero padding ends the file
        return result
    }

    /// Checks a member header at `at`; returns where its deflate data starts.
    private static func header(_ b: [UInt8], at: Int, name: String) throws -> Int {
        guard b.count - at >= 10 else { throw RNNKitError("\(name): truncated: the gzip header at byte \(at) is incomplete") }
        guard b[at] == 0x1F && b[at + 1] == 0x8B else { throw RNNKitError("\(name): not gzip data at byte \(at)") }
        guard b[at + 2] == 8 else { throw RNNKitError("\(name): gzip compression method \(b[at + 2]) is not deflate (8)") }
        let flags = b[at + 3]
        guard flags & 0xE0 == 0 else { throw RNNKitError("\(name): corrupt gzip header: reserved flag bits set") }
        var p = at + 10
        func need(_ n: Int) throws {
            guard p + n <= b.count else { throw RNNKitError("\(name): truncated: the gzip header ends at byte \(b.count)") }
        }
        if flags & 4 != 0 {                                      // FEXTRA
            try need(2)
            let length = Int(b[p]) | Int(b[p + 1]) << 8
            p += 2
            try need(length)
            p += length
        }
        for flag: UInt8 in [8, 16] where flags & flag != 0 {     // FNAME, FCOMMENT: zero-terminated
            while true { try need(1); p += 1; if b[p - 1] == 0 { break } }
        }
        if flags & 2 != 0 { try need(2); p += 2 }                // FHCRC
        return p
    }

    private static func littleEndian32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
