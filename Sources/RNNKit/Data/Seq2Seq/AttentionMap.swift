/// The attention weights of one translation as a standalone SVG heatmap: the source symbols
/// label the columns (along the top), the output symbols label the rows (down the left), and
/// cell (i, j) is shaded from white (weight 0) to dark blue (weight 1) by α_{i,j}, how much
/// output step i attended to source position j. Each cell carries a tooltip with its weight.
///
/// Labels are shown so that every symbol is visible: a space as `␣`, other whitespace and
/// control characters as `U+XXXX`, an empty symbol as `∅`; `&`, `<` and `>` are escaped.
///
/// ```swift
/// let svg = try AttentionMap.svg(source: ["3", " ", "m", "a", "r"], output: ["0", "3"],
///                                weights: alphas, title: "3 mar → 03")
/// ```
public enum AttentionMap {
    /// The side of one cell in pixels, for short sequences.
    static let largestCell = 24.0
    /// The smallest side of a cell, for long sequences.
    static let smallestCell = 6.0

    /// An SVG document drawing `weights`, (output × source).
    /// - Parameters:
    ///   - source: the symbols of the source, one per column.
    ///   - output: the symbols produced, one per row.
    ///   - weights: `weights[i][j]`, the attention of output step i on source position j;
    ///     values are clamped to [0, 1] (NaN draws as 0).
    ///   - title: the caption above the map.
    /// - Throws: `RNNKitError` if `weights` is not `output.count` rows of `source.count` values.
    public static func svg<Scalar: BinaryFloatingPoint>(source: [String], output: [String], weights: [[Scalar]],
                                                         title: String) throws -> String {
        guard weights.count == output.count, weights.allSatisfy({ $0.count == source.count }) else {
            let columns = Set(weights.map(\.count)).sorted().map(String.init).joined(separator: "/")
            throw RNNKitError("the attention weights are \(weights.count) × \(columns.isEmpty ? "0" : columns) "
                              + "but there are \(output.count) output and \(source.count) source symbols")
        }
        let sourceLabels = source.map(visible), outputLabels = output.map(visible)
        let cell = max(smallestCell, min(largestCell, 720 / Double(max(source.count, output.count, 1))))
        let charWidth = 7.5
        let left = 16 + charWidth * Double(outputLabels.map(\.count).max() ?? 1)
        let top = 44 + 0.75 * charWidth * Double(sourceLabels.map(\.count).max() ?? 1)
        let gridW = cell * Double(source.count), gridH = cell * Double(output.count)
        let width = max(left + gridW + 70, 240), height = top + gridH + 24
        func f(_ v: Double) -> String { String((v * 10).rounded() / 10) }
        let fontSize = min(12, max(7, cell * 0.6))

        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
        s += "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\" font-size=\"\(f(fontSize))\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(f(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">\(LossCurve.escape(title))</text>\n"
        s += "<g class=\"source\">\n"
        for (j, label) in sourceLabels.enumerated() {
            let x = left + cell * (Double(j) + 0.5), y = top - 6
            s += "<text transform=\"translate(\(f(x)) \(f(y))) rotate(-45)\">\(LossCurve.escape(label))</text>\n"
        }
        s += "</g>\n<g class=\"output\">\n"
        for (i, label) in outputLabels.enumerated() {
            let y = top + cell * (Double(i) + 0.5) + fontSize * 0.35
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y))\" text-anchor=\"end\">\(LossCurve.escape(label))</text>\n"
        }
        s += "</g>\n<g class=\"cells\">\n"
        for (i, row) in weights.enumerated() {
            for (j, value) in row.enumerated() {
                let w = clamp(Double(value))
                s += "<rect x=\"\(f(left + cell * Double(j)))\" y=\"\(f(top + cell * Double(i)))\" "
                s += "width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"\(shade(w))\">"
                s += "<title>\(LossCurve.escape(outputLabels[i])) ← \(LossCurve.escape(sourceLabels[j])): \(format3(w))</title></rect>\n"
            }
        }
        s += "</g>\n"
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(gridW))\" height=\"\(f(gridH))\" fill=\"none\" stroke=\"#888\"/>\n"
        s += legend(x: left + gridW + 16, y: top, height: max(gridH, 60), f)
        return s + "</svg>\n"
    }

    /// A vertical colour bar from weight 1 (top) to 0 (bottom).
    static func legend(x: Double, y: Double, height: Double, _ f: (Double) -> String) -> String {
        var s = "<g class=\"legend\">\n"
        let steps = 10
        for k in 0..<steps {
            let w = 1 - Double(k) / Double(steps - 1)
            s += "<rect x=\"\(f(x))\" y=\"\(f(y + height * Double(k) / Double(steps)))\" width=\"12\" "
            s += "height=\"\(f(height / Double(steps)))\" fill=\"\(shade(w))\"/>\n"
        }
        s += "<text x=\"\(f(x + 16))\" y=\"\(f(y + 8))\">1</text>\n"
        s += "<text x=\"\(f(x + 16))\" y=\"\(f(y + height))\">0</text>\n"
        return s + "</g>\n"
    }

    /// The colour of weight `w` ∈ [0, 1]: white to rgb(8, 48, 107).
    static func shade(_ w: Double) -> String {
        func channel(_ dark: Double) -> Int { Int((255 + (dark - 255) * w).rounded()) }
        return "rgb(\(channel(8)),\(channel(48)),\(channel(107)))"
    }

    /// `w` clamped to [0, 1], NaN as 0.
    static func clamp(_ w: Double) -> Double { w.isNaN ? 0 : min(max(w, 0), 1) }

    /// `w` with three decimals.
    static func format3(_ w: Double) -> String {
        let thousandths = Int((w * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// A label that shows `symbol` visibly (see the type's documentation).
    static func visible(_ symbol: String) -> String {
        if symbol.isEmpty { return "∅" }
        if symbol == " " { return "␣" }
        return symbol.unicodeScalars.map { s -> String in
            let invisible = s.value < 0x20 || s.value == 0x7F || Tokenizer.isWhitespace(s)
            guard invisible else { return String(s) }
            let hex = String(s.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }.joined()
    }
}
