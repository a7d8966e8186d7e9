/// Reading training and evaluation text exactly as Python's `open(path, encoding="utf-8").read()`
/// does: strict UTF-8, and universal newlines (`\r\n` and a lone `\r` become `\n`).
///
/// Errors are one line and say where the problem is, e.g.
/// `'notes.txt': invalid UTF-8 at byte 1234 (line 57): 0xFF cannot start a character`.
public enum TextFile {
    /// The text of the file at `path`.
    /// - Throws: `RNNKitError` if the file is missing or unreadable, empty, or not valid UTF-8.
    public static func read(_ path: String) throws -> String {
        let bytes = try FileIO.readAll(path)
        guard !bytes.isEmpty else { throw RNNKitError("'\(path)' is empty") }
        do {
            return try decode(bytes)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(path)': \(error.message)")
        }
    }

    /// Decodes UTF-8 `bytes` with universal newlines.
    /// - Throws: `RNNKitError` naming the byte offset (0-based) and line (1-based) of the first
    ///   malformed sequence.
    public static func decode(_ bytes: [UInt8]) throws -> String {
        if let bad = firstInvalidUTF8(bytes) {
            let line = 1 + bytes[..<bad.offset].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw RNNKitError("invalid UTF-8 at byte \(bad.offset) (line \(line)): \(bad.reason)")
        }
        var normalized = [UInt8]()
        normalized.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D {
                normalized.append(0x0A)
                if i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
            } else {
                normalized.append(bytes[i])
            }
            i += 1
        }
        return String(decoding: normalized, as: UTF8.self)
    }

    /// The offset of the first byte that does not start a well-formed UTF-8 sequence (overlong
    /// forms, surrogates and values above U+10FFFF are malformed), and why; nil if all is well.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (offset: Int, reason: String)? {
        func hex(_ b: UInt8) -> String { "0x" + String(b, radix: 16, uppercase: true) }
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int, secondRange: ClosedRange<UInt8>
            switch b {
            case 0xC2...0xDF: length = 2; secondRange = 0x80...0xBF
            case 0xE0: length = 3; secondRange = 0xA0...0xBF
            case 0xE1...0xEC, 0xEE...0xEF: length = 3; secondRange = 0x80...0xBF
            case 0xED: length = 3; secondRange = 0x80...0x9F
            case 0xF0: length = 4; secondRange = 0x90...0xBF
            case 0xF1...0xF3: length = 4; secondRange = 0x80...0xBF
            case 0xF4: length = 4; secondRange = 0x80...0x8F
            default: return (i, "\(hex(b)) cannot start a character")
            }
            guard i + length <= n else { return (i, "the file ends inside a \(length)-byte character") }
            guard secondRange.contains(bytes[i + 1]) else {
                return (i, "\(hex(b)) \(hex(bytes[i + 1])) is not a valid sequence")
            }
            for k in 2..<length where !(0x80...0xBF).contains(bytes[i + k]) {
                return (i, "byte \(hex(bytes[i + k])) cannot continue a character")
            }
            i += length
        }
        return nil
    }
}
