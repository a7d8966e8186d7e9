import Foundation
import Testing
@testable import RNNKit

/// The gzip/DEFLATE decoder against files written by Python's gzip module
/// (Fixtures/gzip/make_gzip.py), and its errors on truncated and corrupt data.
@Suite struct GzipTests {
    static let cases = ["stored", "fixed", "dynamic", "noisy", "named", "multi", "empty", "idx_images", "idx_labels"]

    static func bytes(_ name: String) throws -> [UInt8] {
        try FileIO.readAll(fixtureURL("gzip/" + name).path)
    }

    @Test(arguments: cases)
    func decompressesWhatPythonCompressed(_ name: String) throws {
        let compressed = try Self.bytes(name + ".gz")
        #expect(Gzip.isGzip(compressed))
        #expect(try Gzip.decompress(compressed, name: name) == (try Self.bytes(name + ".raw")))
    }

    @Test func everyTruncationIsAnErrorNamingTheFile() throws {
        for name in ["fixed", "dynamic", "stored", "multi"] {
            let whole = try Self.bytes(name + ".gz")
            for length in Array(0..<min(whole.count, 120)) + stride(from: 120, to: whole.count, by: 97).map({ $0 }) {
                do {
                    _ = try Gzip.decompress(Array(whole[..<length]), name: "\(name).gz")
                    if name == "multi" && length > 0 { continue }   // may end cleanly after the first member
                    Issue.record("\(name): \(length) of \(whole.count) bytes decompressed without an error")
                } catch let error as RNNKitError {
                    #expect(error.message.hasPrefix("\(name).gz: "), "\(error.message)")
                }
            }
        }
    }

    @Test func corruptBytesAreErrorsNotCrashes() throws {
        var g = SeededGenerator(seed: 5)
        for name in ["fixed", "dynamic", "noisy"] {
            let whole = try Self.bytes(name + ".gz"), raw = try Self.bytes(name + ".raw")
            for _ in 0..<60 {
                var bad = whole
                let at = 10 + Int(g.next() % UInt64(whole.count - 10))
                bad[at] ^= UInt8(1 + g.next() % 255)
                do {
                    // A flip in the trailer's size or in unused padding bits can still decode; the data must then be exact.
                    #expect(try Gzip.decompress(bad, name: "x.gz") == raw)
                } catch let error as RNNKitError {
                    #expect(error.message.hasPrefix("x.gz: "))
                }
            }
        }
    }

    @Test func specificErrorsSayWhatIsWrong() throws {
        let fixed = try Self.bytes("fixed.gz")
        var crc = fixed
        crc[crc.count - 8] ^= 0xFF
        #expect(throws: RNNKitError("f.gz: corrupt: the CRC-32 of the decompressed data does not match the gzip trailer at byte \(fixed.count - 8)")) {
            try Gzip.decompress(crc, name: "f.gz")
        }
        var method = fixed
        method[2] = 7
        #expect(throws: RNNKitError("f.gz: gzip compression method 7 is not deflate (8)")) { try Gzip.decompress(method, name: "f.gz") }
        #expect(throws: RNNKitError("f.gz: truncated: the gzip trailer (CRC and size) is missing after byte \(fixed.count - 8)")) {
            try Gzip.decompress(Array(fixed.dropLast(3)), name: "f.gz")
        }
        // A stored block whose length check fails; a reserved block type.
        let header: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]
        #expect(throws: RNNKitError("s.gz: corrupt deflate data near byte 11: a stored block's length check fails")) {
            try Gzip.decompress(header + [0x01, 0x05, 0x00, 0x00, 0x00], name: "s.gz")
        }
        #expect(throws: RNNKitError("s.gz: corrupt deflate data near byte 11: block type 3 is reserved")) {
            try Gzip.decompress(header + [0x07, 0, 0, 0, 0, 0, 0, 0, 0], name: "s.gz")
        }
    }
}
