import Testing
@testable import RNNKit

@Suite struct TimeSeriesTableTests {
    @Test func readsQuotedFieldsCRLFAndByteOrderMark() throws {
        let text = "\u{FEFF}\"Month\",\"Passengers\", note ,temp\r\n\"1949-01\",112,\"a, \"\"b\"\"\", 3.5 \r\n"
            + "\"1949-02\", \" 118 \" ,plain,-1e1\r\n\r\n\n"
        let t = try TimeSeriesTable.parse(text, source: "a.csv", columns: ["temp", "Passengers"], time: "Month")
        #expect(t.header == ["Month", "Passengers", "note", "temp"])
        #expect(t.names == ["temp", "Passengers"])
        #expect(t.columns == [[3.5, -10], [112, 118]])
        #expect(t.times == ["1949-01", "1949-02"])
        #expect(t.lines == [2, 3])
        #expect(t.rowCount == 2)
        #expect(try t.matrix(["Passengers", "temp"]) == [112, 3.5, 118, -10])   // (N, F)
        let notes = try TimeSeriesTable.parse(text, source: "a.csv", columns: ["temp"], time: "note")
        #expect(notes.times == ["a, \"b\"", "plain"])
    }

    @Test func lastLineWithoutNewlineAndLoneCarriageReturns() throws {
        let t = try TimeSeriesTable.parse("t,v\r1,2\r3,.5", source: "a.csv", columns: ["v"])
        #expect(t.columns == [[2, 0.5]])
        #expect(t.times == nil && t.lines == [2, 3])
    }

    @Test func quotedFieldsSpanningLinesKeepLineNumbers() throws {
        let text = "t,v\n\"x\ny\",1\nz,oops\n"
        let t = try TimeSeriesTable.parse("t,v\n\"x\ny\",1\nz,2\n", source: "a.csv", columns: ["v"], time: "t")
        #expect(t.times == ["x\ny", "z"] && t.lines == [2, 4])
        #expect(throws: RNNKitError("'a.csv' line 4, column 'v': 'oops' is not a number")) {
            try TimeSeriesTable.parse(text, source: "a.csv", columns: ["v"])
        }
    }

    @Test func errorsNameFileLineAndColumn() {
        func failure(_ text: String, _ columns: [String] = ["v"], time: String? = nil) -> String? {
            do {
                _ = try TimeSeriesTable.parse(text, source: "s.csv", columns: columns, time: time)
                return nil
            } catch { return (error as? RNNKitError)?.message }
        }
        #expect(failure("t,v\n1,2\n", ["value"]) == "'s.csv' has no column 'value' (its columns: 't', 'v')")
        #expect(failure("t,v\n1,abc\n") == "'s.csv' line 2, column 'v': 'abc' is not a number")
        #expect(failure("t,v\n1,nan\n") == "'s.csv' line 2, column 'v': 'nan' is not a number")
        #expect(failure("t,v\n1,0x10\n") == "'s.csv' line 2, column 'v': '0x10' is not a number")
        #expect(failure("t,v\n1,2\n2, \n") == "'s.csv' line 3, column 'v': the cell is empty")
        #expect(failure("t,v\n1,2\n,3\n", time: "t") == "'s.csv' line 3, column 't': the cell is empty")
        #expect(failure("t,v\n1,2,3\n") == "'s.csv' line 2: 3 fields, but the header has 2")
        #expect(failure("t,v\n1,2\n\n3,4\n") == "'s.csv' line 3 is empty")
        #expect(failure("t,v\n\n\n") == "'s.csv' has no data rows")
        #expect(failure("") == "'s.csv' has no header row")
        #expect(failure("t,v\n1,\"2\n") == "'s.csv' line 2: a quoted field is not closed before the end of the file")
        #expect(failure("t,v\n1,\"2\"x\n") == "'s.csv' line 2: text after the closing quote of field 2")
        #expect(failure("v,v\n1,2\n") == "'s.csv' has 2 columns named 'v'")
        #expect(failure("t,v\n1,2\n", ["v", "v"]) == "column 'v' of 's.csv' is chosen twice")
        #expect(failure("t,v\n1,2\n", []) == "no value column chosen for 's.csv'")
    }

    @Test func invalidUTF8AndSizeLimitAreRefused() throws {
        let folder = TemporaryFolder("series-csv")
        let bad = try folder.write("bad.csv", bytes: Array("t,v\n1,2\n".utf8) + [0xFF, 0x0A])
        #expect(throws: RNNKitError("'\(bad)': invalid UTF-8 at byte 8 (line 3): 0xFF cannot start a character")) {
            try TimeSeriesTable.read(bad, columns: ["v"])
        }
        let big = try folder.write("big.csv", "t,v\n1,2\n3,4\n")
        #expect(throws: RNNKitError("'\(big)' is 12 bytes, more than the 10 bytes this reader accepts")) {
            try TimeSeriesTable.read(big, columns: ["v"], time: nil, maxBytes: 10)
        }
        #expect(try TimeSeriesTable.read(big, columns: ["v"]).columns == [[2, 4]])
        #expect(TimeSeriesTable.maxFileBytes == 1 << 30)
    }

    @Test func anyBytesGiveATableOrAnError() {
        var rng = SeededGenerator(seed: 11)
        let alphabet = Array("t,v\"\r\n 1.e-x".utf8) + [0xC3, 0xA9, 0xFF, 0xEF, 0xBB, 0xBF]
        for _ in 0..<3000 {
            let count = Int(rng.next() % 24)
            let bytes = Array("t,v\n".utf8) + (0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            do {
                let table = try TimeSeriesTable.parse(bytes: bytes, source: "fuzz", columns: ["v"], time: "t")
                #expect(table.rowCount == table.columns[0].count && table.rowCount == table.times?.count)
            } catch {
                #expect(error is RNNKitError)
            }
        }
    }

    @Test func tablesBuiltInMemoryRoundTripThroughCSVText() throws {
        let t = try TimeSeriesTable(source: "mem", columns: [("a", [0.1, -2, 1e-5]), ("b c", [1, 2, 3])],
                                    time: ("time", ["x", "y, z", " q\""]))
        #expect(t.header == ["time", "a", "b c"])
        let back = try TimeSeriesTable.parse(t.csvText, source: "mem", columns: ["a", "b c"], time: "time")
        #expect(back == t)
        #expect(throws: RNNKitError("'mem': column 'b' holds 1 values, expected 2")) {
            try TimeSeriesTable(source: "mem", columns: [("a", [1, 2]), ("b", [1])])
        }
        #expect(throws: RNNKitError("'mem': value 2 of column 'a' is not finite")) {
            try TimeSeriesTable(source: "mem", columns: [("a", [1, .nan])])
        }
        #expect(throws: RNNKitError("'mem': column 'a ' was not read (read: a, b c)")) {
            try t.values("a ")
        }
    }
}
