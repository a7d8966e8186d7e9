// Time-series CSV files (rnn forecast, rnn anomaly): records (quotes, line ends, BOM), the
// table of the header's columns with the first as time, the times after its end, and the
// anomaly-label JSON read against it.
import FuzzSupport
@testable import RNNKit

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    Fuzz.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Fuzz.bytes(data, size)
    guard let records = try? CSVRecords.parse(bytes, source: "input"), let header = records.first?.fields else { return 0 }
    for field in records.prefix(50).flatMap(\.fields) { _ = SeriesTime.seconds(field) }
    let time = header.first, columns = Array(header.dropFirst().prefix(3))
    for choice in [(columns, time), (columns, nil), (Array(header.prefix(2)), nil)] where !choice.0.isEmpty {
        Fuzz.run {
            let table = try TimeSeriesTable.parse(bytes: bytes, source: "input", columns: choice.0, time: choice.1)
            _ = table.csvText
            if let times = table.times { _ = SeriesTime.following(times, count: 3) }
            Fuzz.run { _ = try AnomalyLabels.points(of: table, column: choice.0[0]) }
            Fuzz.run {
                let windows = try AnomalyLabels.parseWindows(bytes, source: "input", for: "input")
                _ = try AnomalyLabels.points(of: table, in: windows)
            }
        }
    }
    return 0
}
