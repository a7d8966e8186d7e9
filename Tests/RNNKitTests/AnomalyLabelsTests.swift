import Testing
@testable import RNNKit

@Suite struct AnomalyLabelsTests {
    let nab = """
    {
     "artificialNoAnomaly/art_daily_small_noise.csv": [],
     "artificialWithAnomaly/art_daily_jumpsup.csv": [
      ["2014-04-10 16:15:00.000000", "2014-04-10 16:25:00.000000"],
      ["2014-04-11 00:00:00.000000", "2014-04-11 00:00:00.000000"]
     ]
    }
    """

    @Test func picksTheEntryWhoseKeyEndsWithTheFileName() throws {
        let windows = try AnomalyLabels.parseWindows(Array(nab.utf8), source: "w.json", for: "/data/art_daily_jumpsup.csv")
        #expect(windows == [AnomalyLabelWindow(start: "2014-04-10 16:15:00.000000", end: "2014-04-10 16:25:00.000000"),
                            AnomalyLabelWindow(start: "2014-04-11 00:00:00.000000", end: "2014-04-11 00:00:00.000000")])
        #expect(try AnomalyLabels.parseWindows(Array(nab.utf8), source: "w.json", for: "art_daily_small_noise.csv").isEmpty)
        let only = "{\"anything.csv\": [[\"2020-01-01\", \"2020-01-02\"]]}"
        #expect(try AnomalyLabels.parseWindows(Array(only.utf8), source: "w.json", for: "mine.csv").count == 1)
    }

    @Test func labelFileErrorsListTheKeys() {
        func failure(_ json: String, for csv: String = "x.csv") -> String? {
            do {
                _ = try AnomalyLabels.parseWindows(Array(json.utf8), source: "w.json", for: csv)
                return nil
            } catch { return (error as? RNNKitError)?.message }
        }
        #expect(failure(nab) == "'w.json' has no entry for 'x.csv' (keys: 'artificialNoAnomaly/art_daily_small_noise.csv', 'artificialWithAnomaly/art_daily_jumpsup.csv')")
        #expect(failure("{\"a/x.csv\": [], \"b/x.csv\": []}") == "'w.json' has more than one entry for 'x.csv' (keys: 'a/x.csv', 'b/x.csv')")
        #expect(failure("[]") == "'w.json' is an array, expected an object of label windows per file")
        #expect(failure("{\"x.csv\": 3}") == "'w.json': entry 'x.csv' is a number, expected a list of [start, end] pairs")
        #expect(failure("{\"x.csv\": [[\"2020-01-01\"]]}") == "'w.json': window 1 of 'x.csv' is not a pair of timestamp strings")
        #expect(failure("{\"x.csv\": [[\"2020-01-01\", \"soon\"]]}") == "'w.json': window 1 of 'x.csv' holds a time that is not a timestamp")
        #expect(failure("{\"x.csv\": [[\"2020-01-02\", \"2020-01-01\"]]}") == "'w.json': window 1 of 'x.csv' ends before it starts")
        #expect(failure("{\"x.csv\": [}")?.hasPrefix("'w.json': ") == true)
    }

    @Test func pointsInsideWindowsAreLabelledInclusively() throws {
        let csv = "timestamp,value\n2014-04-10 16:10:00,1\n2014-04-10 16:15:00,2\n2014-04-10 16:20:00,3\n"
            + "2014-04-10 16:25:00,4\n2014-04-10 16:30:00,5\n2014-04-11 00:00:00,6\n"
        let table = try TimeSeriesTable.parse(csv, source: "d.csv", columns: ["value"], time: "timestamp")
        let windows = try AnomalyLabels.parseWindows(Array(nab.utf8), source: "w.json", for: "art_daily_jumpsup.csv")
        #expect(try AnomalyLabels.points(of: table, in: windows) == [false, true, true, true, false, true])
        let untimed = try TimeSeriesTable.parse(csv, source: "d.csv", columns: ["value"])
        #expect(throws: RNNKitError("'d.csv': label windows need a time column")) {
            try AnomalyLabels.points(of: untimed, in: windows)
        }
        let badTime = try TimeSeriesTable.parse("t,v\n2014-04-10,1\nlater,2\n", source: "d.csv", columns: ["v"], time: "t")
        #expect(throws: RNNKitError("'d.csv' line 3, column 't': 'later' is not a timestamp")) {
            try AnomalyLabels.points(of: badTime, in: windows)
        }
    }

    @Test func aZeroOneLabelColumn() throws {
        let table = try TimeSeriesTable.parse("v,label\n1,0\n2,1\n3,1.0\n", source: "d.csv", columns: ["v", "label"])
        #expect(try AnomalyLabels.points(of: table, column: "label") == [false, true, true])
        let bad = try TimeSeriesTable.parse("v,label\n1,0\n2,2\n", source: "d.csv", columns: ["v", "label"])
        #expect(throws: RNNKitError("'d.csv' line 3, column 'label': 2.0 is not a label (0 or 1)")) {
            try AnomalyLabels.points(of: bad, column: "label")
        }
    }
}
