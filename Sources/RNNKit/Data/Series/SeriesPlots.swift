// The two pictures of the series commands, drawn with `SeriesPlotPanel`: a forecast backtest
// (`forecast.svg`) and anomaly scores (`anomalies.svg`).

/// A forecast backtest as a standalone SVG picture (`forecast.svg`): the history before the
/// train/test split, the actual values after it, one forecast segment per origin, a dashed
/// vertical line at the split, a legend and axis ticks (point indices, or times when given).
///
/// The output depends only on the arguments. Series longer than `maxPoints` are thinned by
/// min/max decimation so files stay small; non-finite values are left out.
public enum ForecastPlot {
    /// One forecast drawn on the plot: the values for points origin, origin + 1, ….
    public struct Segment: Equatable, Sendable {
        /// The first forecast point's index.
        public var origin: Int
        /// The forecast values, in the series' units.
        public var values: [Double]

        /// Creates a segment.
        public init(origin: Int, values: [Double]) {
            self.origin = origin
            self.values = values
        }
    }

    /// An SVG document of a series and its forecasts.
    /// - Parameters:
    ///   - series: the whole series, N values.
    ///   - times: the N times for x labels, if any.
    ///   - split: the first test point (history is drawn before it, actual values from it).
    ///   - forecasts: the forecast segments (e.g. `Backtest.origins` zipped with `segments`);
    ///     a segment whose origin lies outside 0...N is left out.
    ///   - title: the caption above the plot (escaped).
    ///   - valueName: the y axis label.
    ///   - maxPoints: the most points one line keeps before min/max thinning.
    public static func svg(series: [Double], times: [String]? = nil, split: Int, forecasts: [Segment], title: String,
                           valueName: String = "value", maxPoints: Int = 4000) -> String {
        let width = 900.0, height = 440.0
        let n = series.count
        let split = min(max(split, 0), n)
        let forecasts = forecasts.filter { (0...n).contains($0.origin) }
        let lastPoint = forecasts.reduce(n) { max($0, $1.origin + $1.values.count) }
        let panel = SeriesPlotPanel(left: 72, top: 40, width: width - 72 - 20, height: height - 40 - 52, points: lastPoint,
                                    values: series + forecasts.flatMap(\.values))
        let f = SeriesPlotPanel.f
        var s = SeriesPlotPanel.header(width: width, height: height, title: title)
        s += panel.axes(times: times, yLabel: valueName)
        let history = "#1f77b4", actual = "#222222", forecast = "#ff7f0e"
        // History and actual share the split point so the line is continuous.
        s += panel.line(SeriesPlotPanel.thinned(series, 0..<min(split + 1, n), maxPoints: maxPoints), color: history)
        if split < n {
            s += panel.line(SeriesPlotPanel.thinned(series, split..<n, maxPoints: maxPoints), color: actual)
        }
        for segment in forecasts {
            let points = segment.values.enumerated().map { (segment.origin + $0.offset, $0.element) }
            s += panel.line(points.count > maxPoints ? thinned(points, maxPoints) : points, color: forecast, width: 2)
        }
        if split > 0 && split < n {
            let xs = f(panel.x(Double(split)))
            s += "<line x1=\"\(xs)\" x2=\"\(xs)\" y1=\"\(f(panel.top))\" y2=\"\(f(panel.top + panel.height))\" stroke=\"#888888\" stroke-dasharray=\"5,4\"/>\n"
            s += "<text x=\"\(f(panel.x(Double(split)) + 4))\" y=\"\(f(panel.top + panel.height - 6))\" fill=\"#666666\">test</text>\n"
        }
        s += panel.legend("history", color: history, row: 0)
        s += panel.legend("actual", color: actual, row: 1)
        s += panel.legend("forecast", color: forecast, row: 2)
        s += panel.legend("train/test split", color: "#888888", row: 3, dash: "5,4")
        s += "<text x=\"\(f(panel.left + panel.width / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\">\(times == nil ? "point" : "time")</text>\n"
        return s + "</svg>\n"
    }

    /// A long forecast segment thinned like a series.
    private static func thinned(_ points: [(Int, Double)], _ maxPoints: Int) -> [(Int, Double)] {
        let values = points.map(\.1)
        return SeriesPlotPanel.thinned(values, 0..<values.count, maxPoints: maxPoints).map { (points[$0.0].0, $0.1) }
    }
}

/// Anomaly scores as a standalone SVG picture (`anomalies.svg`) of two panels sharing the x
/// axis: above, the series with the flagged ranges shaded red and the labelled ranges (when
/// given) marked by a green strip along the panel's bottom edge; below, each point's score with
/// the threshold as a dashed horizontal line and the flagged ranges shaded again.
///
/// The output depends only on the arguments. Series longer than `maxPoints` are thinned by
/// min/max decimation so files stay small; non-finite values are left out.
public enum AnomalyPlot {
    /// An SVG document of a series, its scores and its anomalies.
    /// - Parameters:
    ///   - series: the series, N values.
    ///   - times: the N times for x labels, if any.
    ///   - scores: the per-point scores, N values (`AnomalyScoring.pointScores`).
    ///   - threshold: the error above which a window is flagged.
    ///   - flagged: the flagged point ranges (`AnomalyScoring.ranges(...).map(\.points)`).
    ///   - labelled: the labelled point ranges (`AnomalyEvaluation.labelledRanges`), if any.
    ///   - title: the caption above the plot (escaped).
    ///   - valueName: the y axis label.
    ///   - maxPoints: the most points one line keeps before min/max thinning.
    public static func svg(series: [Double], times: [String]? = nil, scores: [Double], threshold: Double,
                           flagged: [Range<Int>], labelled: [Range<Int>] = [], title: String,
                           valueName: String = "value", maxPoints: Int = 4000) -> String {
        let width = 900.0, height = 560.0
        let n = max(series.count, scores.count)
        let left = 72.0, plotW = width - left - 20
        let top = SeriesPlotPanel(left: left, top: 40, width: plotW, height: 250, points: n, values: series)
        let bottom = SeriesPlotPanel(left: left, top: 330, width: plotW, height: 170, points: n, values: scores + [threshold])
        let f = SeriesPlotPanel.f
        let red = "#d62728", green = "#2ca02c"
        let inside = { (r: Range<Int>) -> Range<Int>? in
            let c = r.clamped(to: 0..<n)
            return c.isEmpty ? nil : c
        }
        var s = SeriesPlotPanel.header(width: width, height: height, title: title)
        for r in flagged.compactMap(inside) {
            s += top.band(r, color: red, opacity: 0.18)
            s += bottom.band(r, color: red, opacity: 0.18)
        }
        for r in labelled.compactMap(inside) {
            s += top.band(r, color: green, opacity: 0.7, strip: (0.96, 1))
        }
        s += top.axes(times: times, yLabel: valueName)
        s += bottom.axes(times: times, yLabel: "score")
        s += top.line(SeriesPlotPanel.thinned(series, 0..<series.count, maxPoints: maxPoints), color: "#1f77b4")
        s += bottom.line(SeriesPlotPanel.thinned(scores, 0..<scores.count, maxPoints: maxPoints), color: "#9467bd")
        if threshold.isFinite {
            let yt = f(bottom.y(threshold))
            s += "<line x1=\"\(f(bottom.left))\" x2=\"\(f(bottom.left + bottom.width))\" y1=\"\(yt)\" y2=\"\(yt)\" stroke=\"\(red)\" stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n"
        }
        s += top.legend("series", color: "#1f77b4", row: 0)
        s += top.legend("flagged", color: red, row: 1)
        if !labelled.isEmpty { s += top.legend("labelled", color: green, row: 2) }
        s += bottom.legend("score", color: "#9467bd", row: 0)
        s += bottom.legend("threshold", color: red, row: 1, dash: "6,4")
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\">\(times == nil ? "point" : "time")</text>\n"
        return s + "</svg>\n"
    }
}
