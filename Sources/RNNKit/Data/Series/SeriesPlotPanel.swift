/// One plotting area of a series picture: maps a point index (x) and a value (y) to pixels
/// and draws the pieces `ForecastPlot` and `AnomalyPlot` share, as SVG text. Every number goes
/// through `f`, so no NaN or infinity reaches the file.
struct SeriesPlotPanel {
    /// The pixel frame of the plotting area.
    let left: Double, top: Double, width: Double, height: Double
    /// The index range on x (0 to N − 1) and the value range on y (widened to round ticks).
    let xLow: Double, xHigh: Double
    private(set) var yLow: Double, yHigh: Double
    /// Round values for the y grid.
    private(set) var yTicks: [Double]

    /// A panel for points 0..<`points` whose y axis covers the finite `values`.
    init(left: Double, top: Double, width: Double, height: Double, points: Int, values: [Double]) {
        (self.left, self.top, self.width, self.height) = (left, top, width, height)
        xLow = 0
        xHigh = Double(max(points - 1, 1))
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if !(high - low).isFinite { (low, high) = (-1e300, 1e300) }
        if high - low < 1e-12 * max(1, abs(high)) { low -= 0.5; high += 0.5 }
        yTicks = LossCurve.niceTicks(low, high)
        yLow = min(low, yTicks.first ?? low)
        yHigh = max(high, yTicks.last ?? high)
        yTicks = yTicks.filter { $0 >= yLow && $0 <= yHigh }
    }

    /// The pixel x of point index `i`.
    func x(_ i: Double) -> Double { left + width * (i - xLow) / (xHigh - xLow) }

    /// The pixel y of value `v`.
    func y(_ v: Double) -> Double { top + height * (1 - (v - yLow) / (yHigh - yLow)) }

    /// `v` with one decimal, clamped to ±1e6 (non-finite becomes 0).
    static func f(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        return String((min(max(v, -1e6), 1e6) * 10).rounded() / 10)
    }

    /// The frame, the y grid with labels, and x ticks labelled with the point index or, when
    /// `times` is given, the point's time.
    func axes(times: [String]?, yLabel: String) -> String {
        let f = Self.f
        var s = ""
        for t in yTicks {
            s += "<line x1=\"\(f(left))\" x2=\"\(f(left + width))\" y1=\"\(f(y(t)))\" y2=\"\(f(y(t)))\" stroke=\"#e4e4e4\"/>\n"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y(t) + 4))\" text-anchor=\"end\">\(LossCurve.label(t))</text>\n"
        }
        for t in LossCurve.niceTicks(xLow, xHigh) where t >= xLow && t <= xHigh && t == t.rounded() {
            let index = Int(t)
            let text = times.flatMap { index < $0.count ? $0[index] : nil } ?? String(index)
            s += "<line x1=\"\(f(x(t)))\" x2=\"\(f(x(t)))\" y1=\"\(f(top + height))\" y2=\"\(f(top + height + 4))\" stroke=\"black\"/>\n"
            s += "<text x=\"\(f(x(t)))\" y=\"\(f(top + height + 17))\" text-anchor=\"middle\" font-size=\"11\">\(LossCurve.escape(text))</text>\n"
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"none\" stroke=\"black\"/>\n"
        s += "<text transform=\"translate(\(f(left - 48)) \(f(top + height / 2))) rotate(-90)\" text-anchor=\"middle\">\(LossCurve.escape(yLabel))</text>\n"
        return s
    }

    /// A polyline through `points` (index, value), or a dot when there is one point; nothing
    /// when there is none.
    func line(_ points: [(Int, Double)], color: String, width: Double = 1.5, dash: String? = nil) -> String {
        let f = Self.f
        let finite = points.filter { $0.1.isFinite }
        if finite.count == 1 {
            return "<circle cx=\"\(f(x(Double(finite[0].0))))\" cy=\"\(f(y(finite[0].1)))\" r=\"2.5\" fill=\"\(color)\"/>\n"
        }
        guard finite.count > 1 else { return "" }
        let xy = finite.map { "\(f(x(Double($0.0)))),\(f(y($0.1)))" }.joined(separator: " ")
        let dashed = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(LossCurve.label(width))\"\(dashed) points=\"\(xy)\"/>\n"
    }

    /// A shaded band over points `range` across the whole panel height (or a strip of it).
    func band(_ range: Range<Int>, color: String, opacity: Double, strip: (from: Double, to: Double) = (0, 1)) -> String {
        let f = Self.f
        let x0 = x(Double(range.lowerBound)) - 0.5, x1 = x(Double(max(range.upperBound - 1, range.lowerBound))) + 0.5
        let y0 = top + height * strip.from, y1 = top + height * strip.to
        return "<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(max(x1 - x0, 1)))\" height=\"\(f(y1 - y0))\" fill=\"\(color)\" fill-opacity=\"\(opacity)\"/>\n"
    }

    /// A legend entry (a short line and its name) at row `row` of the panel's top-right corner.
    func legend(_ name: String, color: String, row: Int, dash: String? = nil) -> String {
        let f = Self.f
        let yy = top + 14 + 16 * Double(row), x0 = left + width - 130
        let dashed = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        return "<line x1=\"\(f(x0))\" x2=\"\(f(x0 + 20))\" y1=\"\(f(yy))\" y2=\"\(f(yy))\" stroke=\"\(color)\" stroke-width=\"2\"\(dashed)/>\n"
            + "<text x=\"\(f(x0 + 26))\" y=\"\(f(yy + 4))\">\(LossCurve.escape(name))</text>\n"
    }

    /// The points (index, value) of `values[range]`, thinned when there are more than
    /// `maxPoints`: each of maxPoints/2 consecutive buckets keeps its smallest and largest
    /// value, in time order (min/max decimation keeps spikes visible).
    static func thinned(_ values: [Double], _ range: Range<Int>, maxPoints: Int) -> [(Int, Double)] {
        let range = range.clamped(to: 0..<values.count)
        guard range.count > max(maxPoints, 4) else { return range.map { ($0, values[$0]) } }
        let buckets = max(maxPoints, 4) / 2
        let size = (range.count + buckets - 1) / buckets
        var out: [(Int, Double)] = []
        out.reserveCapacity(2 * buckets)
        for start in Swift.stride(from: range.lowerBound, to: range.upperBound, by: size) {
            let bucket = start..<min(start + size, range.upperBound)
            let finite = bucket.filter { values[$0].isFinite }
            guard let low = finite.min(by: { values[$0] < values[$1] }),
                  let high = finite.max(by: { values[$0] < values[$1] }) else { continue }
            for i in Set([low, high]).sorted() { out.append((i, values[i])) }
        }
        return out
    }

    /// The opening of a standalone SVG document of the given size, white background, title.
    static func header(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">\(LossCurve.escape(title))</text>\n"
    }
}
