// The fashion grid: captioning with a grounded answer. Each 56 × 56 image is a 2 × 2 grid of
// Fashion-MNIST items; its caption is the four class names in reading order (top-left,
// top-right, bottom-left, bottom-right), and word t names the item in quadrant t.

/// Generates fashion-grid images from the Fashion-MNIST items, reproducibly from a seed.
public enum FashionGrid {
    /// Pixels per side of a grid image.
    public static let side = 2 * FashionMNIST.side

    /// The region of quadrant q (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right).
    public static func quadrant(_ q: Int) -> PixelRegion {
        let s = FashionMNIST.side, row = q / 2, column = q % 2
        return PixelRegion(top: row * s, left: column * s, bottom: row * s + s, right: column * s + s)
    }

    /// `count` grid images (1, 56, 56) whose four items are drawn uniformly (with replacement)
    /// from `split` with `generator`: item q of image n is drawn before item q + 1, image n
    /// before image n + 1. Captions are the items' class names in reading order, each word's
    /// region its quadrant.
    public static func generate(count: Int, from split: FashionMNIST.Split, generator: inout SeededGenerator) throws -> CaptionedImages {
        guard count >= 0 else { throw RNNKitError("the number of grid images must not be negative, got \(count)") }
        guard split.count > 0 else { throw RNNKitError("the Fashion-MNIST split holds no items") }
        let s = FashionMNIST.side, S = side, item = s * s
        var pixels = [UInt8](repeating: 0, count: count * S * S)
        var captions: [[String]] = [], regions: [[PixelRegion?]] = []
        captions.reserveCapacity(count); regions.reserveCapacity(count)
        let quadrants = (0..<4).map { Optional(quadrant($0)) }
        pixels.withUnsafeMutableBufferPointer { out in
            split.images.withUnsafeBufferPointer { items in
                for n in 0..<count {
                    var words: [String] = []
                    for q in 0..<4 {
                        let pick = Int.random(in: 0..<split.count, using: &generator)
                        words.append(FashionMNIST.classNames[Int(split.labels[pick])])
                        let top = (q / 2) * s, left = (q % 2) * s
                        for r in 0..<s {
                            let dst = out.baseAddress! + n * S * S + (top + r) * S + left
                            dst.update(from: items.baseAddress! + pick * item + r * s, count: s)
                        }
                    }
                    captions.append(words)
                    regions.append(quadrants)
                }
            }
        }
        return try CaptionedImages(channels: 1, height: S, width: S, pixels: .bytes(pixels), captions: captions, regions: regions)
    }

    /// The data of a run: `trainCount` training grids from the training split, then
    /// `validCount` validation grids from the test split (t10k), all from `seed`.
    public static func trainingAndValidation(_ data: FashionMNIST, trainCount: Int, validCount: Int, seed: UInt64)
        throws -> (train: CaptionedImages, valid: CaptionedImages) {
        var g = SeededGenerator(seed: seed)
        let train = try generate(count: trainCount, from: data.train, generator: &g)
        let valid = try generate(count: validCount, from: data.test, generator: &g)
        return (train, valid)
    }
}
