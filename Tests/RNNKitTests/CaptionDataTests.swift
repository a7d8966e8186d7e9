import Foundation
import Testing
@testable import RNNKit

/// The generated captioning sets: the coloured shapes (always) and the fashion grid (on
/// synthetic items here, and on Fashion-MNIST when `dataset-fashion-mnist` is installed).
@Suite struct CaptionDataTests {
    @Test func shapesAreReproducibleAndGrounded() throws {
        var g1 = SeededGenerator(seed: 4), g2 = SeededGenerator(seed: 4), g3 = SeededGenerator(seed: 5)
        let a = try GeneratedShapes.generate(count: 50, generator: &g1)
        let b = try GeneratedShapes.generate(count: 50, generator: &g2)
        #expect(a.captions == b.captions)
        #expect(try GeneratedShapes.generate(count: 50, generator: &g3).captions != a.captions)
        guard case .bytes(let pixels) = a.pixels else { Issue.record("shapes are stored as bytes"); return }
        let plane = 32 * 32
        for (n, caption) in a.captions.enumerated() {
            #expect(caption.count == 5 || caption.count == 6)
            #expect(GeneratedShapes.colors.map(\.name).contains(caption[0]) && GeneratedShapes.shapes.contains(caption[1]))
            let regions = a.regions![n]
            // Each item's words name a region that holds coloured pixels; the relation's words name none.
            for (w, region) in regions.enumerated() {
                guard let region else { #expect(["left", "right", "of", "above", "below"].contains(caption[w])); continue }
                var lit = 0
                for y in region.top..<region.bottom {
                    for x in region.left..<region.right where (0..<3).contains(where: { pixels[n * 3 * plane + $0 * plane + y * 32 + x] > 0 }) {
                        lit += 1
                    }
                }
                #expect(lit >= 20, "image \(n) word \(caption[w])")
            }
            // The items come in reading order (one caption per image), and the relation is true of them.
            let first = regions[0]!, second = regions[caption.count - 1]!
            #expect(first.top < second.top || first.top == second.top && first.left < second.left, "image \(n): reading order")
            switch caption[2] {
            case "left": #expect(first.right <= second.left && first.top == second.top)
            default: #expect(caption[2] == "above" && first.bottom <= second.top)
            }
        }
    }

    /// A split of 10 items whose pixels are all equal to their label.
    static let syntheticSplit = FashionMNIST.Split(
        images: (0..<10).flatMap { [UInt8](repeating: UInt8($0 * 20 + 10), count: 784) }, labels: (0..<10).map(UInt8.init))

    @Test func fashionGridsPlaceItemsInReadingOrder() throws {
        var g = SeededGenerator(seed: 1)
        let grids = try FashionGrid.generate(count: 30, from: Self.syntheticSplit, generator: &g)
        #expect(grids.count == 30 && grids.height == 56 && grids.channels == 1)
        guard case .bytes(let pixels) = grids.pixels else { Issue.record("grids are stored as bytes"); return }
        for n in 0..<30 {
            for q in 0..<4 {
                let r = FashionGrid.quadrant(q), label = FashionMNIST.classNames.firstIndex(of: grids.captions[n][q])!
                #expect(grids.regions![n][q] == r)
                for y in [r.top, r.bottom - 1] {
                    for x in [r.left, r.right - 1] { #expect(pixels[n * 56 * 56 + y * 56 + x] == UInt8(label * 20 + 10)) }
                }
            }
        }
        var same = SeededGenerator(seed: 1)
        #expect(try FashionGrid.generate(count: 30, from: Self.syntheticSplit, generator: &same).captions == grids.captions)
        let batch = grids.images([3, 7], as: Float.self)
        #expect(batch.shape == [2, 1, 56, 56])
        #expect(batch.scalars[0] == Float(pixels[3 * 56 * 56]) / 255)
    }

    @Test func mismatchedCountsAreRefused() {
        #expect(throws: RNNKitError("2 images of (1, 2, 2) and 3 captions: the counts must be equal")) {
            try CaptionedImages(channels: 1, height: 2, width: 2, pixels: .floats([Float](repeating: 0, count: 8)),
                                captions: [["a"], ["b"], ["c"]])
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory + "/train-labels-idx1-ubyte.gz")))
    func fashionGridsFromTheRealSplits() throws {
        let data = try FashionMNIST()
        #expect(data.train.count == 60_000 && data.test.count == 10_000)
        let (train, valid) = try FashionGrid.trainingAndValidation(data, trainCount: 200, validCount: 100, seed: 9)
        #expect(train.count == 200 && valid.count == 100)
        #expect(Set(train.captions.joined()).isSubset(of: FashionMNIST.classNames))
    }
}
