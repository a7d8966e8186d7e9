import Testing
@testable import RNNKit

@Suite struct SeriesPlotTests {
    func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func forecastPlotDrawsHistoryActualSegmentsAndSplit() {
        let series: [Double] = (0..<144).map { t in Double(100 + t + (t % 12 == 6 ? 20 : 0)) }
        let times = (0..<144).map { "t\($0)" }
        let segments = [ForecastPlot.Segment(origin: 120, values: Array(series[120..<132])),
                        ForecastPlot.Segment(origin: 132, values: Array(series[132..<144])),
                        ForecastPlot.Segment(origin: 500, values: [1, 2])]          // outside: left out
        let svg = ForecastPlot.svg(series: series, times: times, split: 120, forecasts: segments, title: "Air <passengers> & co")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.hasSuffix("</svg>\n"))
        #expect(count("<polyline", in: svg) == 4)            // history, actual, two forecasts
        #expect(count("stroke=\"#ff7f0e\" stroke-width=\"2\" points", in: svg) == 2)
        #expect(count("stroke-dasharray=\"5,4\"", in: svg) == 2)   // the split line and its legend entry
        #expect(svg.contains("Air &lt;passengers&gt; &amp; co"))
        #expect(svg.contains(">t0</text>") && svg.contains(">train/test split</text>"))
        #expect(svg == ForecastPlot.svg(series: series, times: times, split: 120, forecasts: segments, title: "Air <passengers> & co"))
    }

    @Test func plotsNeverHoldNaNAndStaySmall() {
        var series = (0..<20_000).map { Double($0 % 100) }
        series[5] = .nan
        series[6] = .infinity
        let svg = ForecastPlot.svg(series: series, split: 15_000, forecasts: [.init(origin: 15_000, values: [.nan, 3])], title: "big")
        #expect(!svg.lowercased().contains("nan") && !svg.contains("inf"))
        #expect(svg.utf8.count < 200_000)
        let pointsInLines = svg.components(separatedBy: "points=\"").dropFirst().map { $0.prefix { $0 != "\"" }.split(separator: " ").count }
        #expect(pointsInLines.allSatisfy { $0 <= 4000 })
        let empty = ForecastPlot.svg(series: [], split: 0, forecasts: [], title: "")
        #expect(empty.hasSuffix("</svg>\n") && !empty.contains("nan"))
        let flat = AnomalyPlot.svg(series: [1, 1, 1], scores: [0, 0, 0], threshold: .nan, flagged: [5..<9], title: "flat")
        #expect(!flat.lowercased().contains("nan") && count("<rect", in: flat) == 3)   // background and two frames
    }

    @Test func thinningKeepsTheExtremesInTimeOrder() {
        let values = (0..<100).map { $0 == 37 ? 1000.0 : Double($0 % 7) }
        let thinned = SeriesPlotPanel.thinned(values, 0..<100, maxPoints: 10)   // 5 buckets of 20
        #expect(thinned.count <= 10 && thinned.contains { $0 == (37, 1000) })
        #expect(thinned.map(\.0) == thinned.map(\.0).sorted())
        #expect(SeriesPlotPanel.thinned(values, 90..<200, maxPoints: 10).map(\.0) == Array(90..<100))
    }

    @Test func anomalyPlotShadesFlaggedAndLabelledRangesAndDrawsTheThreshold() {
        let g = GeneratedSeries.anomalies(seed: 1)
        let series = g.test.columns[0]
        let scores = series.map { abs($0 - 50) / 30 }
        let svg = AnomalyPlot.svg(series: series, times: g.test.times, scores: scores, threshold: 0.9,
                                  flagged: [160..<163, 352..<400], labelled: g.anomalies.map(\.points), title: "NAB <test>")
        #expect(count("<polyline", in: svg) == 2)                                   // series and score
        #expect(count("fill=\"#d62728\" fill-opacity=\"0.18\"", in: svg) == 4)     // two ranges, both panels
        #expect(count("fill=\"#2ca02c\" fill-opacity=\"0.7\"", in: svg) == 3)      // three labelled strips
        #expect(count("stroke-dasharray=\"6,4\"", in: svg) == 2)                   // threshold and its legend
        #expect(svg.contains("NAB &lt;test&gt;") && svg.contains(">2024-02-01 00:00:00</text>"))
        #expect(!svg.lowercased().contains("nan"))
    }
}
