// Where a captioner looked: one SVG panel per word, the image drawn pixel by pixel (rows of
// equal pixels merged into one rectangle) and the word's attention over the h × w annotation
// grid as a translucent red layer (opacity α / max α).

/// SVG drawings of a caption's attention over its image.
public enum ImageAttentionMap {
    /// The SVG of image `index` of `images` with one panel per word of `words`, whose
    /// attention rows (P = h·w each) are `attention`.
    /// - Throws: `RNNKitError` if the attention rows do not fit the grid or the words.
    public static func svg(images: CaptionedImages, index: Int, words: [String], attention: [[Float]],
                           grid: (height: Int, width: Int), title: String) throws -> String {
        let (h, w) = grid, H = images.height, W = images.width, C = images.channels
        guard attention.count >= words.count, attention.allSatisfy({ $0.count == h * w }) else {
            throw RNNKitError("the attention rows do not fit \(words.count) words over a \(h) × \(w) grid")
        }
        let scale = max(1, 168 / max(H, W)), panelW = W * scale, panelH = H * scale, gap = 12
        let pixel = images.images([index][...], as: Float.self).scalars      // (C, H, W)
        var image = ""
        for y in 0..<H {
            var x = 0
            while x < W {
                func colour(_ x: Int) -> (Int, Int, Int) {
                    let v = (0..<3).map { k in Int((min(max(pixel[(C == 3 ? k : 0) * H * W + y * W + x], 0), 1) * 255).rounded()) }
                    return (v[0], v[1], v[2])
                }
                let c = colour(x)
                var end = x + 1
                while end < W && colour(end) == c { end += 1 }
                image += "<rect x=\"\(x * scale)\" y=\"\(y * scale)\" width=\"\((end - x) * scale)\" height=\"\(scale)\" fill=\"rgb(\(c.0),\(c.1),\(c.2))\"/>"
                x = end
            }
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(words.count * (panelW + gap) + gap)\" height=\"\(panelH + 56)\" font-family=\"sans-serif\">\n"
        svg += "<text x=\"\(gap)\" y=\"18\" font-size=\"14\">\(escape(title))</text>\n<defs><g id=\"image\">\(image)</g></defs>\n"
        for (k, word) in words.enumerated() {
            let x0 = gap + k * (panelW + gap), y0 = 28, row = attention[k], top = max(row.max() ?? 1, 1e-12)
            svg += "<g transform=\"translate(\(x0),\(y0))\"><use href=\"#image\"/>"
            for p in 0..<(h * w) {
                let (i, j) = (p / w, p % w)
                let x = j * W / w * scale, y = i * H / h * scale
                let cw = ((j + 1) * W / w - j * W / w) * scale, ch = ((i + 1) * H / h - i * H / h) * scale
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cw)\" height=\"\(ch)\" fill=\"red\" fill-opacity=\"\(String(format: 0.75 * Double(row[p] / top)))\"/>"
            }
            svg += "<text x=\"0\" y=\"\(panelH + 18)\" font-size=\"13\">\(escape(word))</text></g>\n"
        }
        return svg + "</svg>\n"
    }

    private static func escape(_ s: String) -> String {
        s.map { c in c == "&" ? "&amp;" : c == "<" ? "&lt;" : c == ">" ? "&gt;" : String(c) }.joined()
    }
}

private extension String {
    /// A short decimal for an opacity in [0, 1].
    init(format value: Double) {
        self = String(Double(Int((value * 1000).rounded())) / 1000)
    }
}
