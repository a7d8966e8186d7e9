import Testing
@testable import RNNKit

@Suite struct SeriesTimeTests {
    @Test func parsesTheFormsOfSeriesFiles() {
        #expect(SeriesTime.seconds("1970-01-01") == 0)
        #expect(SeriesTime.seconds("1970") == 0)
        #expect(SeriesTime.seconds("2000-03-01") == Double(11_017 * 86_400))       // 10957 days to 2000, + 31 + 29
        #expect(SeriesTime.seconds("1949-01") == SeriesTime.seconds("1949-01-01 00:00"))
        let t = SeriesTime.seconds("2014-04-11 09:00:00")!
        #expect(SeriesTime.seconds("2014-04-11 09:00:00.000000") == t)
        #expect(SeriesTime.seconds("2014-04-11T09:00:00") == t)
        #expect(SeriesTime.seconds(" 2014-04-11T09:00Z ") == t)
        #expect(SeriesTime.seconds("2014-04-11T11:30:00+02:30") == t)
        #expect(SeriesTime.seconds("2014-04-11 09:00:00.25") == t + 0.25)
        #expect(SeriesTime.seconds("1969-12-31 23:59:59") == -1)
        #expect(SeriesTime.seconds("2024-02-29") != nil)
    }

    @Test func rejectsWhatIsNotATime() {
        for text in ["", "14-04-11", "2014-4-11", "2014-13-01", "2023-02-29", "2014-04-31", "2014-04-11 24:00",
                     "2014-04-11 09:60", "2014-04-11 09:00:00.", "2014-04-11 09", "2014-04-11x", "abcd", "2014-04-11 09:00+1"] {
            #expect(SeriesTime.seconds(text) == nil, "\(text)")
        }
    }

    @Test func writesTimesBack() {
        #expect(SeriesTime.text(0) == "1970-01-01 00:00:00")
        #expect(SeriesTime.text(-1) == "1969-12-31 23:59:59")
        #expect(SeriesTime.text(SeriesTime.seconds("2024-02-29 13:05:09")!) == "2024-02-29 13:05:09")
        #expect(SeriesTime.text(SeriesTime.seconds("1949-12")!, monthOnly: true) == "1949-12")
        #expect(SeriesTime.text(.nan) == "1970-01-01 00:00:00")
        for days in [-800_000, -1, 0, 59, 11_017, 2_932_896] {
            let (y, m, d) = SeriesTime.civilFromDays(days)
            #expect(SeriesTime.daysFromCivil(y, m, d) == days)
        }
    }

    @Test func findsTheFirstRowOfATestPart() throws {
        let months = ["1940-08", "1940-09", "1940-10", "1940-11", "1940-12"]
        #expect(try SeriesSplit.firstRow(atOrAfter: "1940-11", in: months) == 3)
        #expect(try SeriesSplit.firstRow(atOrAfter: "1940-10-15", in: months) == 3)
        #expect(try SeriesSplit.firstRow(atOrAfter: "1900", in: months) == 0)
        #expect(throws: RNNKitError("no row at or after time '1941-01' (the last is '1940-12')")) {
            try SeriesSplit.firstRow(atOrAfter: "1941-01", in: months)
        }
        #expect(try SeriesSplit.firstRow(atOrAfter: "b", in: ["a", "b", "c"]) == 1)
        #expect(throws: RNNKitError("no row has the time 'd'")) {
            try SeriesSplit.firstRow(atOrAfter: "d", in: ["a", "b", "c"])
        }
    }

    @Test func timesAfterTheEndFollowTheLastStep() {
        #expect(SeriesTime.following(["1960-11", "1960-12"], count: 3) == ["1961-01", "1961-02", "1961-03"])
        #expect(SeriesTime.following(["1960-01", "1960-04"], count: 2) == ["1960-07", "1960-10"])
        #expect(SeriesTime.following(["1998", "1999"], count: 2) == ["2000", "2001"])
        #expect(SeriesTime.following(["2024-02-28", "2024-02-29"], count: 2) == ["2024-03-01", "2024-03-02"])
        #expect(SeriesTime.following(["2014-04-14 23:50:00", "2014-04-14 23:55:00"], count: 2)
                == ["2014-04-15 00:00:00", "2014-04-15 00:05:00"])
        #expect(SeriesTime.following(["1960-11", "1960-12"], count: 0) == [])
        #expect(SeriesTime.following(["1960-12"], count: 1) == nil)
        #expect(SeriesTime.following(["b", "a"], count: 1) == nil)
        #expect(SeriesTime.following(["1961-01", "1960-12"], count: 1) == nil)
        #expect(SeriesTime.following(["9998", "9999"], count: 1) == nil)
        #expect(SeriesTime.following(["1960-11", "1960-12"], count: .max) == nil)
    }
}
