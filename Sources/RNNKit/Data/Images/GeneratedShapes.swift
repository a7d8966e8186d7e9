// The built-in captioning set that needs no download: two coloured shapes in two cells of a
// 2 × 2 grid on a 32 × 32 RGB image, described in reading order by their colours, kinds and
// where the first lies relative to the second: "red circle left of blue square", "green cross
// above yellow triangle". The colour and shape words of each item name its cell (their region); the
// relation words name none.

/// Generates the coloured-shapes captioning set, reproducibly from a seed.
public enum GeneratedShapes {
    /// Pixels per side of an image; each cell is half of it.
    public static let side = 32
    /// The colour words and their RGB values.
    public static let colors: [(name: String, rgb: (Float, Float, Float))] =
        [("red", (1, 0.1, 0.1)), ("green", (0.1, 0.9, 0.2)), ("blue", (0.15, 0.3, 1)), ("yellow", (1, 0.9, 0.1))]
    /// The shape words.
    public static let shapes = ["circle", "square", "triangle", "cross"]

    /// `count` images (3, 32, 32) with their captions and word regions, drawn with `generator`.
    public static func generate(count: Int, generator g: inout SeededGenerator) throws -> CaptionedImages {
        guard count >= 0 else { throw RNNKitError("the number of shape images must not be negative, got \(count)") }
        let S = side, cell = S / 2, plane = S * S
        var pixels = [UInt8](repeating: 0, count: count * 3 * plane)
        var captions: [[String]] = [], regions: [[PixelRegion?]] = []
        for n in 0..<count {
            let first = Int.random(in: 0..<4, using: &g)
            var second = Int.random(in: 0..<3, using: &g)
            if second >= first { second += 1 }
            var items: [(cell: Int, color: Int, shape: Int)] = []
            for c in [first, second] {
                let color = Int.random(in: 0..<colors.count, using: &g), shape = Int.random(in: 0..<shapes.count, using: &g)
                items.append((c, color, shape))
                let radius = Double.random(in: 4.5...7, using: &g)
                let cy = Double((c / 2) * cell) + 7.5 + Double.random(in: -1...1, using: &g)
                let cx = Double((c % 2) * cell) + 7.5 + Double.random(in: -1...1, using: &g)
                let rgb = colors[color].rgb
                for y in ((c / 2) * cell)..<((c / 2) * cell + cell) {
                    for x in ((c % 2) * cell)..<((c % 2) * cell + cell) where inside(shape, dx: Double(x) - cx, dy: Double(y) - cy, r: radius) {
                        for (k, v) in [rgb.0, rgb.1, rgb.2].enumerated() {
                            pixels[n * 3 * plane + k * plane + y * S + x] = UInt8((v * 255).rounded())
                        }
                    }
                }
            }
            // The items in reading order (as the fashion grid's captions), so that an image has one
            // caption: the same row gives "left of", else "above" (when either item could come first,
            // the first word cannot be predicted from the image, and no model gets past half the
            // captions exactly).
            if items[0].cell > items[1].cell { items.swapAt(0, 1) }
            let (a, b) = (items[0], items[1])
            let relation: [String] = a.cell / 2 == b.cell / 2
                ? [a.cell % 2 < b.cell % 2 ? "left" : "right", "of"]
                : [a.cell / 2 < b.cell / 2 ? "above" : "below"]
            func region(_ c: Int) -> PixelRegion {
                PixelRegion(top: (c / 2) * cell, left: (c % 2) * cell, bottom: (c / 2) * cell + cell, right: (c % 2) * cell + cell)
            }
            captions.append([colors[a.color].name, shapes[a.shape]] + relation + [colors[b.color].name, shapes[b.shape]])
            regions.append([region(a.cell), region(a.cell)] + relation.map { _ in nil } + [region(b.cell), region(b.cell)])
        }
        return try CaptionedImages(channels: 3, height: S, width: S, pixels: .bytes(pixels), captions: captions, regions: regions)
    }

    /// Whether offset (dx, dy) from the centre lies inside a shape of size r.
    static func inside(_ shape: Int, dx: Double, dy: Double, r: Double) -> Bool {
        switch shapes[shape] {
        case "circle": return dx * dx + dy * dy <= r * r
        case "square": return abs(dx) <= 0.8 * r && abs(dy) <= 0.8 * r
        case "triangle": return dy >= -r && dy <= 0.8 * r && abs(dx) <= (dy + r) * 0.55
        default: return (abs(dx) <= r / 3 && abs(dy) <= r) || (abs(dy) <= r / 3 && abs(dx) <= r)   // cross
        }
    }
}
