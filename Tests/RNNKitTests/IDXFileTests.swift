import Foundation
import Testing
@testable import RNNKit

/// IDX files (plain and gzip) and their errors; the real Fashion-MNIST files when the Debian
/// package `dataset-fashion-mnist` is installed (skipped otherwise).
@Suite struct IDXFileTests {
    @Test func readsGzipAndPlainFiles() throws {
        let images = try IDXFile.read(fixtureURL("gzip/idx_images.gz").path)
        #expect(images.shape == [3, 4, 5])
        let raw = try FileIO.readAll(fixtureURL("gzip/idx_images.raw").path)
        #expect(images.bytes == Array(raw[16...]))
        #expect(try IDXFile.read(fixtureURL("gzip/idx_images.raw").path) == images)
        let labels = try IDXFile.read(fixtureURL("gzip/idx_labels.gz").path)
        #expect(labels.shape == [3] && labels.bytes == [9, 0, 4])
    }

    @Test func headersThatDoNotMatchTheDataAreErrors() throws {
        let raw = try FileIO.readAll(fixtureURL("gzip/idx_images.raw").path)
        #expect(throws: RNNKitError("i: truncated: the IDX header [3, 4, 5] calls for 60 data bytes, only 59 follow it")) {
            try IDXFile.parse(Array(raw.dropLast()), name: "i")
        }
        #expect(throws: RNNKitError("i: 1 bytes follow the 60 data bytes of IDX shape [3, 4, 5]")) {
            try IDXFile.parse(raw + [0], name: "i")
        }
        // A corrupt header declaring 2^32 − 1 images of 2^32 − 1 × 2^32 − 1: refused, nothing allocated.
        let huge: [UInt8] = [0, 0, 8, 3] + [UInt8](repeating: 0xFF, count: 12) + [1, 2, 3]
        #expect(throws: RNNKitError.self) { try IDXFile.parse(huge, name: "i") }
        #expect(throws: RNNKitError("i: IDX element type 0xd is not supported (only unsigned bytes, 0x08)")) {
            try IDXFile.parse([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], name: "i")
        }
        #expect(throws: RNNKitError("i: not an IDX file (the first two bytes are not zero)")) {
            try IDXFile.parse([1, 2, 3, 4, 5], name: "i")
        }
        #expect(throws: RNNKitError("i: truncated: the IDX header needs 12 bytes, the data has 9")) {
            try IDXFile.parse([0, 0, 8, 2, 0, 0, 0, 1, 0], name: "i")
        }
        #expect(throws: RNNKitError.self) { try IDXFile.read("/nonexistent/train-images-idx3-ubyte.gz") }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory + "/t10k-labels-idx1-ubyte.gz")))
    func readsTheFashionMNISTTestSplit() throws {
        let labels = try IDXFile.read(FashionMNIST.defaultDirectory + "/t10k-labels-idx1-ubyte.gz")
        #expect(labels.shape == [10_000])
        #expect(Set(labels.bytes) == Set(0..<10))
        #expect(labels.bytes.filter { $0 == 3 }.count == 1000)   // 1,000 of each class
        let images = try IDXFile.read(FashionMNIST.defaultDirectory + "/t10k-images-idx3-ubyte.gz")
        #expect(images.shape == [10_000, 28, 28])
    }
}
