/// A labelled anomaly: the points whose time lies in [start, end], both included.
public struct AnomalyLabelWindow: Equatable, Sendable {
    /// The first labelled time, as written.
    public var start: String
    /// The last labelled time, as written.
    public var end: String

    /// Creates a window.
    public init(start: String, end: String) {
        self.start = start
        self.end = end
    }
}

/// Reading which points of a series are labelled anomalous, from NAB's `anomaly_windows.json`
/// or from a 0/1 column of the CSV file itself.
///
/// NAB's format is one JSON object: key (a data file's path, e.g.
/// `artificialWithAnomaly/art_daily_jumpsup.csv`) → list of [start, end] timestamp pairs. The
/// entry used is the one whose key ends with the CSV file's name, or else the only entry.
public enum AnomalyLabels {
    /// The label windows for the CSV file `csvPath` in the labels file at `path`.
    /// - Throws: `RNNKitError` if the file cannot be read or parsed, or names no single entry
    ///   for the CSV file (the message lists the keys).
    public static func readWindows(_ path: String, for csvPath: String) throws -> [AnomalyLabelWindow] {
        try parseWindows(FileIO.readAll(path, maxBytes: 64 << 20), source: path, for: csvPath)
    }

    /// The label windows for `csvPath` in JSON `bytes`, read as the contents of `source`.
    /// - Throws: `RNNKitError` as `readWindows` does.
    public static func parseWindows(_ bytes: [UInt8], source: String, for csvPath: String) throws -> [AnomalyLabelWindow] {
        let json: JSONValue
        do { json = try JSONValue.parse(bytes) } catch let error as RNNKitError {
            throw RNNKitError("'\(source)': \(error.message)")
        }
        guard case let .object(entries) = json else {
            throw RNNKitError("'\(source)' is \(json.kindName), expected an object of label windows per file")
        }
        let name = FileIO.split(csvPath).base
        let keys = entries.map(\.key)
        let matches = keys.indices.filter { keys[$0] == name || keys[$0].hasSuffix("/" + name) }
        guard let chosen = matches.count == 1 ? matches[0] : (matches.isEmpty && keys.count == 1 ? 0 : nil) else {
            let list = keys.map { "'\(CSVRecords.shown($0, limit: 200))'" }.joined(separator: ", ")
            throw RNNKitError("'\(source)' has \(matches.isEmpty ? "no" : "more than one") entry for '\(name)' (keys: \(list))")
        }
        let entry = entries[chosen]
        guard case let .array(pairs) = entry.value else {
            throw RNNKitError("'\(source)': entry '\(entry.key)' is \(entry.value.kindName), expected a list of [start, end] pairs")
        }
        return try pairs.enumerated().map { k, pair -> AnomalyLabelWindow in
            guard case let .array(ends) = pair, ends.count == 2, case let .string(start) = ends[0], case let .string(end) = ends[1] else {
                throw RNNKitError("'\(source)': window \(k + 1) of '\(entry.key)' is not a pair of timestamp strings")
            }
            guard let s = SeriesTime.seconds(start), let e = SeriesTime.seconds(end) else {
                throw RNNKitError("'\(source)': window \(k + 1) of '\(entry.key)' holds a time that is not a timestamp")
            }
            guard s <= e else { throw RNNKitError("'\(source)': window \(k + 1) of '\(entry.key)' ends before it starts") }
            return AnomalyLabelWindow(start: start, end: end)
        }
    }

    /// Which rows of `table` are labelled: those whose time lies in some window, inclusive
    /// (times compared as `SeriesTime.seconds`).
    /// - Throws: `RNNKitError` if the table has no time column, a time is not a timestamp
    ///   (naming its line), or a window's times are not timestamps.
    public static func points(of table: TimeSeriesTable, in windows: [AnomalyLabelWindow]) throws -> [Bool] {
        guard let times = table.times, let timeName = table.timeName else {
            throw RNNKitError("'\(table.source)': label windows need a time column")
        }
        let bounds = try windows.map { w -> (Double, Double) in
            guard let s = SeriesTime.seconds(w.start), let e = SeriesTime.seconds(w.end) else {
                throw RNNKitError("label window ['\(CSVRecords.shown(w.start))', '\(CSVRecords.shown(w.end))'] holds a time that is not a timestamp")
            }
            return (s, e)
        }
        return try times.enumerated().map { row, text in
            guard let t = SeriesTime.seconds(text) else {
                throw RNNKitError("'\(table.source)' line \(table.lines[row]), column '\(timeName)': '\(CSVRecords.shown(text))' is not a timestamp")
            }
            return bounds.contains { $0.0 <= t && t <= $0.1 }
        }
    }

    /// The labels in the 0/1 column `name` of `table` (1 = anomalous).
    /// - Throws: `RNNKitError` if the column was not read or holds a value other than 0 or 1
    ///   (naming its line).
    public static func points(of table: TimeSeriesTable, column name: String) throws -> [Bool] {
        try table.values(name).enumerated().map { row, x in
            guard x == 0 || x == 1 else {
                throw RNNKitError("'\(table.source)' line \(table.lines[row]), column '\(name)': \(x) is not a label (0 or 1)")
            }
            return x == 1
        }
    }
}
