// The checksums of checkpoint files. Two CRC-32s in the metadata cover every byte of the file:
//
//   header_crc32   the 8-byte header length and the JSON header, read with these 8 hex
//                  digits as "00000000"
//   crc32          the data section (every byte after the header)
//
// Reading checks `header_crc32` first, on the raw bytes, before the header is parsed; then
// the header strictly; then `crc32`. So any flipped bit — in the length, a tensor's offsets,
// the vocabulary, the progress, a checksum itself — is reported and nothing is loaded.
//
// Files written before the header checksum (no `header_crc32`) are still read, their data
// checked against `crc32` as before; their metadata may hold only the keys those versions
// wrote, so a damaged `header_crc32` key is never taken for an old file. Their header itself
// cannot be checked; a resumed run's next checkpoint carries both checksums.

extension Checkpoint {
    /// The metadata key of the header's checksum.
    static let headerChecksumKey = "header_crc32"

    /// The metadata keys RNNKit wrote before checkpoints carried `header_crc32`.
    static let keysBeforeHeaderChecksum: Set<String> = [
        "format", "model_kind", "model_version", "model", "vocabulary", "labels", "task", "data", "fingerprint",
        "training", "crc32", "valid_score", "valid_loss", "epoch", "step", "progress", "state_file", "state_crc32",
        "sample_generator", "imported_from", "optimizer", "step_count",
    ]

    /// Sets `crc32` and `header_crc32` in `writer`'s metadata and writes the file atomically.
    /// The file is serialized once; both checksums are patched into its header in place.
    static func writeWithChecksum(_ writer: inout SafetensorsWriter, to path: String) throws {
        writer.metadata["crc32"] = "00000000"
        writer.metadata[headerChecksumKey] = "00000000"
        var bytes = writer.serialized()
        let data = dataChecksum(bytes).hex
        guard let dataDigits = digitsOffset(of: "crc32", in: bytes),
              let headerDigits = digitsOffset(of: headerChecksumKey, in: bytes) else {
            throw RNNKitError("cannot place the checksums in the header of '\(path)'")
        }
        bytes.replaceSubrange(dataDigits..<dataDigits + 8, with: Array(data.utf8))
        let header = headerChecksum(bytes, digitsAt: headerDigits).hex
        bytes.replaceSubrange(headerDigits..<headerDigits + 8, with: Array(header.utf8))
        writer.metadata["crc32"] = data
        writer.metadata[headerChecksumKey] = header
        try FileIO.writeAtomically(bytes, to: path)
    }

    /// The CRC-32 of everything after the header of a serialized safetensors file.
    static func dataChecksum(_ bytes: [UInt8]) -> CRC32 {
        var crc = CRC32()
        guard let n = headerLength(bytes) else { return crc }
        bytes.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[(8 + n)...])) }
        return crc
    }

    /// Throws if the file's header checksum is present and wrong, or malformed; returns
    /// whether it was present. Runs on the raw bytes, before the header is parsed.
    static func verifyHeaderChecksum(_ bytes: [UInt8], path: String) throws -> Bool {
        guard let n = headerLength(bytes) else { return false }        // the parser reports it
        let pattern = Array("\"\(headerChecksumKey)\":\"".utf8)
        let found = occurrences(of: pattern, in: bytes[8..<(8 + n)])
        guard !found.isEmpty else { return false }
        guard found.count == 1 else { throw RNNKitError("'\(path)' is corrupted: its header names \(headerChecksumKey) \(found.count) times") }
        let start = found[0] + pattern.count
        let digits = start + 8 < 8 + n ? bytes[start..<start + 8] : []
        let hex = Set("0123456789abcdef".utf8)
        guard digits.count == 8, digits.allSatisfy(hex.contains), bytes[start + 8] == UInt8(ascii: "\"") else {
            throw RNNKitError("'\(path)' is corrupted: its header checksum is not 8 hex digits")
        }
        let expected = String(decoding: digits, as: UTF8.self), actual = headerChecksum(bytes, digitsAt: start).hex
        guard actual == expected else {
            throw RNNKitError("'\(path)' is corrupted: its header checksum is \(actual), the header says \(expected)")
        }
        return true
    }

    /// Throws unless a file without a header checksum holds only metadata keys that RNNKit
    /// wrote before header checksums existed.
    static func checkOldFileKeys(_ metadata: [String: String], path: String) throws {
        if let key = metadata.keys.sorted().first(where: { !keysBeforeHeaderChecksum.contains($0) }) {
            throw RNNKitError("'\(path)' is corrupted: it has no header checksum (\(headerChecksumKey)) but a metadata key '\(key)' that older RNNKit files never had")
        }
    }

    /// N, the header length, if the file is long enough to hold the header it announces.
    private static func headerLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 8 else { return nil }
        let n = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard n <= UInt64(bytes.count - 8) else { return nil }
        return Int(n)
    }

    /// The CRC-32 of the length and header (the first 8 + N bytes), with the 8 bytes at
    /// `digits` read as "00000000".
    private static func headerChecksum(_ bytes: [UInt8], digitsAt digits: Int) -> CRC32 {
        var crc = CRC32()
        let n = headerLength(bytes) ?? 0
        crc.update(bytes[..<digits])
        crc.update(Array(repeating: UInt8(ascii: "0"), count: 8))
        crc.update(bytes[(digits + 8)..<(8 + n)])
        return crc
    }

    /// Where the 8 digits of metadata entry `key` start in a serialized header.
    private static func digitsOffset(of key: String, in bytes: [UInt8]) -> Int? {
        guard let n = headerLength(bytes) else { return nil }
        let pattern = Array("\"\(key)\":\"".utf8)
        let found = occurrences(of: pattern, in: bytes[8..<(8 + n)])
        return found.count == 1 ? found[0] + pattern.count : nil
    }

    /// The offsets (in the whole array) where `pattern` starts within `slice`.
    private static func occurrences(of pattern: [UInt8], in slice: ArraySlice<UInt8>) -> [Int] {
        var found: [Int] = []
        guard slice.count >= pattern.count else { return found }
        var i = slice.startIndex
        while i <= slice.endIndex - pattern.count {
            if slice[i] == pattern[0] && slice[i..<(i + pattern.count)].elementsEqual(pattern) { found.append(i) }
            i += 1
        }
        return found
    }
}
