import Foundation
import Testing
@testable import RNNKit

/// The two checksums cover every byte of a checkpoint: any flipped bit of the length, header
/// or data is reported and nothing is loaded; files written before the header checksum and
/// plain safetensors files still read as before.
@Suite struct CheckpointChecksumTests {
    /// The best checkpoint of a tiny language-model run (a realistic header: vocabulary,
    /// progress, settings), as bytes.
    static let checkpoint: Swift.Result<(folder: TemporaryFolder, bytes: [UInt8]), Error> = Result {
        let folder = TemporaryFolder("checksum")
        let data = try LanguageModelData.load(TextSources(train: try folder.write("t.txt", GeneratedCorpus.text(characters: 800, seed: 2))))
        var settings = TrainingConfiguration()
        (settings.batch, settings.bptt, settings.maxSteps) = (2, 8, 2)
        let trainer = try Trainer(model: .init(vocabularySize: 0, embeddingSize: 3, hiddenSize: 4), data: data,
                                  configuration: settings, run: RunDirectory(folder.file("run")))
        try trainer.train()
        return (folder, Array(try Data(contentsOf: URL(fileURLWithPath: folder.file("run/best.safetensors")))))
    }

    /// The header length N of a safetensors file.
    static func headerLength(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
    }

    @Test func everyFlippedBitOfTheLengthAndHeaderIsReported() throws {
        let (folder, bytes) = try Self.checkpoint.get()
        let path = folder.file("flipped.safetensors")
        #expect(try Checkpoint.readVerified(try folder.write("good.safetensors", bytes: bytes),
                                            formats: [Checkpoint.modelFormat]).metadata["header_crc32"] != nil)
        let headerEnd = 8 + Self.headerLength(bytes)
        // Every bit of the length; one bit of every header byte (a different one byte by byte).
        let bits = Array(0..<64) + (8..<headerEnd).map { $0 * 8 + $0 % 8 }
        var loaded: [Int] = []
        for bit in bits {
            var flipped = bytes
            flipped[bit / 8] ^= UInt8(1 << (bit % 8))
            if (try? Checkpoint.verified(flipped, path: path, formats: [Checkpoint.modelFormat])) != nil { loaded.append(bit) }
        }
        #expect(loaded.isEmpty, "\(loaded.count) of \(bits.count) flipped header bits loaded, first at bit \(loaded.first ?? -1)")
    }

    @Test func flippedDataBitsAreReported() throws {
        let (folder, bytes) = try Self.checkpoint.get()
        let headerEnd = 8 + Self.headerLength(bytes)
        for byte in stride(from: headerEnd, to: bytes.count, by: max(1, (bytes.count - headerEnd) / 97)) {
            var flipped = bytes
            flipped[byte] ^= 0x08
            let path = try folder.write("data-flipped.safetensors", bytes: flipped)
            #expect(throws: RNNKitError.self) { try Checkpoint.readVerified(path, formats: [Checkpoint.modelFormat]) }
        }
    }

    @Test func theIssuesVocabularyFlipIsReportedByTheTool() throws {
        let (folder, bytes) = try Self.checkpoint.get()
        let header = String(decoding: bytes[8..<(8 + Self.headerLength(bytes))], as: UTF8.self)
        let symbols = try #require(header.range(of: #"\"symbols\":["#))
        let offset = 8 + header.utf8.distance(from: header.startIndex, to: symbols.upperBound) + 2   // the first symbol's first byte
        var flipped = bytes
        flipped[offset] ^= 0x01                                          // e.g. "b" → "c"
        let run = folder.file("flipped-run")
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        try folder.write("flipped-run/best.safetensors", bytes: flipped)
        try BadInputTests.expectError(["sample", "--model", run, "--length", "5"], "is corrupted: its header checksum is")
    }

    @Test func filesWithoutAHeaderChecksumStillLoad() throws {
        let (folder, bytes) = try Self.checkpoint.get()
        let file = try SafetensorsFile(bytes: bytes)
        func writeOld(_ metadata: [String: String], _ name: String) throws -> String {
            // The earlier writer wrote neither the header checksum nor `ranks` (added with MPI runs).
            var writer = SafetensorsWriter(metadata: metadata.filter { $0.key != "header_crc32" && $0.key != "ranks" })
            for name in file.names { try writer.add(name, try file.tensor(name) as Tensor<Float>) }
            writer.metadata["crc32"] = "00000000"                          // the earlier writer: data only
            writer.metadata["crc32"] = Checkpoint.dataChecksum(writer.serialized()).hex
            let path = folder.file(name)
            try writer.write(to: path)
            return path
        }
        let old = try writeOld(file.metadata, "old.safetensors")
        #expect(try SavedModel.load(old).vocabulary.count > 0)
        var renamedKey = file.metadata
        renamedKey["header_crc33"] = renamedKey["header_crc32"]                // a damaged key must not pass for an old file
        #expect(throws: RNNKitError.self) { try SavedModel.load(try writeOld(renamedKey, "renamed.safetensors")) }
        var badData = Array(try Data(contentsOf: URL(fileURLWithPath: old)))
        badData[badData.count - 3] ^= 0x40
        #expect(throws: RNNKitError.self) { try SavedModel.load(try folder.write("old-bad.safetensors", bytes: badData)) }
    }

    @Test func plainSafetensorsFilesReadAsBefore() throws {
        let fixture = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/reference/state_dict.safetensors").path
        #expect(try !SafetensorsFile(contentsOf: fixture).names.isEmpty)
        #expect(throws: RNNKitError.self) { try SavedModel.load(fixture) }     // not an RNNKit checkpoint, as before
    }
}
