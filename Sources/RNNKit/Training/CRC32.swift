/// CRC-32 (IEEE 802.3, the polynomial of zlib, PNG and gzip), used to detect corrupted or
/// truncated checkpoint data. Python's `zlib.crc32(data)` gives the same number.
public struct CRC32: Sendable, Equatable {
    /// The checksum of everything fed so far.
    public private(set) var value: UInt32 = 0

    /// An empty checksum (value 0).
    public init() {}

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    /// Feeds `bytes`.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        var c = ~value
        for byte in bytes {
            c = Self.table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8)
        }
        value = ~c
    }

    /// Feeds the bytes of `buffer`.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        var c = ~value
        for byte in buffer {
            c = Self.table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8)
        }
        value = ~c
    }

    /// Feeds integers as little-endian 64-bit values (for fingerprints of token streams).
    public mutating func update(integers: [Int]) {
        integers.withUnsafeBufferPointer { buffer in
            var c = ~value
            for v in buffer {
                var x = UInt64(bitPattern: Int64(v))
                for _ in 0..<8 {
                    c = Self.table[Int((c ^ UInt32(x & 0xFF)) & 0xFF)] ^ (c >> 8)
                    x >>= 8
                }
            }
            value = ~c
        }
    }

    /// The value as 8 lowercase hex digits.
    public var hex: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }

    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
