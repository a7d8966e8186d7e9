import Testing
@testable import RNNKit

@Suite struct GeneratedSeriesTests {
    @Test func seasonalSeriesIsDeterministicPositiveAndTrending() throws {
        let a = GeneratedSeries.seasonal(seed: 1), b = GeneratedSeries.seasonal(seed: 1)
        #expect(a == b)
        #expect(a.columns != GeneratedSeries.seasonal(seed: 2).columns)
        let v = try a.values("value")
        #expect(v.count == 240 && v.allSatisfy { $0 > 0 })
        #expect(a.timeName == "month" && a.times?.first == "2000-01" && a.times?[13] == "2001-02" && a.times?.last == "2019-12")
        let firstYear = v[0..<12].reduce(0, +), lastYear = v[228..<240].reduce(0, +)
        #expect(lastYear > 3 * firstYear)                   // trend 100 → ~460
        let seasonalSwing = v[228..<240].max()! - v[228..<240].min()!
        #expect(seasonalSwing > 3 * (v[0..<12].max()! - v[0..<12].min()!))   // multiplicative seasonality
        let back = try TimeSeriesTable.parse(a.csvText, source: a.source, columns: ["value"], time: "month")
        #expect(back == a)
        #expect(GeneratedSeries.seasonal(seed: 3, count: 0, period: 0).rowCount == 1)
    }

    @Test func anomaliesAreInjectedWhereLabelled() throws {
        let g = GeneratedSeries.anomalies(seed: 5)
        #expect(g.period == 48 && g.normal.rowCount == 672 && g.test.rowCount == 672)
        #expect(g.anomalies.map(\.kind) == ["spike", "level shift", "flat"])
        #expect(g.anomalies.map(\.points) == [160..<163, 352..<400, 544..<580])
        #expect(g.normal.times?.first == "2024-01-01 00:00:00" && g.normal.times?[1] == "2024-01-01 00:30:00")
        #expect(g.test.times?[160] == "2024-02-04 08:00:00")
        #expect(g.anomalies[0].window == AnomalyLabelWindow(start: "2024-02-04 08:00:00", end: "2024-02-04 09:00:00"))
        #expect(try AnomalyLabels.points(of: g.test, in: g.anomalies.map(\.window)) == g.labels)
        #expect(g.labels.filter { $0 }.count == 3 + 48 + 36)
        let test = try g.test.values("value")
        #expect(test[160...162].allSatisfy { $0 > 60 })                // +40 on the rising morning wave
        #expect(Set(test[544..<580]).count == 1)                          // frozen
        let other = GeneratedSeries.anomalies(seed: 5)
        #expect(other.test == g.test && other.normal == g.normal)
        #expect(GeneratedSeries.anomalies(seed: 6).normal != g.normal)
        let values = try g.normal.values("value")
        #expect(values.min()! > 10 && values.max()! < 90)
    }
}
