/// The columns of a time series read from a CSV file: the chosen numeric columns (values,
/// covariates, a 0/1 label column, in the order asked for) and, optionally, a time column kept
/// as written.
///
/// The file needs a header row; fields follow RFC 4180 (see `CSVRecords`): quoted or not,
/// commas and doubled quotes inside quotes, CRLF or LF, a UTF-8 byte order mark, no newline
/// needed at the end, blank lines at the end ignored. Numbers may be quoted and surrounded by
/// spaces; `nan`, `inf` and other non-decimal text are not numbers. Errors are one line naming
/// the file, the 1-based line and the column, e.g.
/// `'sales.csv' line 7, column 'units': 'n/a' is not a number`.
public struct TimeSeriesTable: Equatable, Sendable {
    /// The largest file `read` accepts: 1 GiB.
    public static let maxFileBytes = 1 << 30

    /// The file (or other name) the table was read from, used in errors.
    public let source: String
    /// Every column name in the file's header, in file order.
    public let header: [String]
    /// The chosen numeric columns' names, in the order asked for.
    public let names: [String]
    /// The chosen numeric columns, one array per name, each `rowCount` long.
    public let columns: [[Double]]
    /// The time column's name, if one was chosen.
    public let timeName: String?
    /// The time of each row as written (`rowCount` long), if a time column was chosen.
    public let times: [String]?
    /// The 1-based line of the file each row starts on (`rowCount` long), for errors.
    public let lines: [Int]

    /// The number of data rows, N.
    public var rowCount: Int { lines.count }

    /// A table built in memory (e.g. generated data).
    /// - Parameters:
    ///   - source: a name for the data, used in error messages.
    ///   - columns: (name, values) pairs, all of one length N ≥ 1, values finite.
    ///   - time: the time column's name and its N values, if any.
    /// - Throws: `RNNKitError` if there are no columns or rows, or lengths or names disagree.
    public init(source: String, columns: [(name: String, values: [Double])], time: (name: String, values: [String])? = nil) throws {
        guard let n = columns.first?.values.count, n > 0 else { throw RNNKitError("'\(source)' has no data rows") }
        for c in columns where c.values.count != n {
            throw RNNKitError("'\(source)': column '\(c.name)' holds \(c.values.count) values, expected \(n)")
        }
        if let t = time, t.values.count != n {
            throw RNNKitError("'\(source)': time column '\(t.name)' holds \(t.values.count) values, expected \(n)")
        }
        for c in columns { if let bad = c.values.firstIndex(where: { !$0.isFinite }) {
            throw RNNKitError("'\(source)': value \(bad + 1) of column '\(c.name)' is not finite")
        } }
        let all = (time.map { [$0.name] } ?? []) + columns.map(\.name)
        if let twice = all.first(where: { name in all.filter { $0 == name }.count > 1 }) {
            throw RNNKitError("'\(source)': column '\(twice)' appears twice")
        }
        self.init(source: source, names: columns.map(\.name), columns: columns.map(\.values),
                  timeName: time?.name, times: time?.values)
    }

    /// A table of columns already checked (same lengths, at least one row, finite values,
    /// distinct names), as if read from a file with the time column first.
    init(source: String, names: [String], columns: [[Double]], timeName: String?, times: [String]?) {
        self.init(source: source, header: (timeName.map { [$0] } ?? []) + names, names: names, columns: columns,
                  timeName: timeName, times: times, lines: Array(2..<(columns[0].count + 2)))
    }

    private init(source: String, header: [String], names: [String], columns: [[Double]], timeName: String?,
                 times: [String]?, lines: [Int]) {
        self.source = source
        self.header = header
        self.names = names
        self.columns = columns
        self.timeName = timeName
        self.times = times
        self.lines = lines
    }

    /// Reads the CSV file at `path` (at most `maxFileBytes`).
    /// - Parameters:
    ///   - path: the CSV file to read.
    ///   - columns: the numeric columns to keep, by header name (at least one).
    ///   - time: the time column to keep as text, if any.
    /// - Throws: `RNNKitError` if the file cannot be read or is too large, a column is missing
    ///   (the message lists the columns that exist), a cell is empty or not a number, a row has
    ///   the wrong number of fields, or there are no data rows.
    public static func read(_ path: String, columns: [String], time: String? = nil) throws -> TimeSeriesTable {
        try read(path, columns: columns, time: time, maxBytes: maxFileBytes)
    }

    /// `read` with another size limit (for tests).
    static func read(_ path: String, columns: [String], time: String?, maxBytes: Int) throws -> TimeSeriesTable {
        try parse(bytes: FileIO.readAll(path, maxBytes: maxBytes), source: path, columns: columns, time: time)
    }

    /// Reads `text` as the contents of a CSV file called `source` (used in errors).
    /// - Throws: `RNNKitError` as `read` does.
    public static func parse(_ text: String, source: String, columns: [String], time: String? = nil) throws -> TimeSeriesTable {
        try parse(bytes: Array(text.utf8), source: source, columns: columns, time: time)
    }

    /// Reads CSV `bytes` as the contents of `source`.
    static func parse(bytes: [UInt8], source: String, columns: [String], time: String?) throws -> TimeSeriesTable {
        guard !columns.isEmpty else { throw RNNKitError("no value column chosen for '\(source)'") }
        let records = try CSVRecords.parse(bytes, source: source)
        guard let header = records.first?.fields, !header.isEmpty else { throw RNNKitError("'\(source)' has no header row") }
        func index(of name: String) throws -> Int {
            let hits = header.indices.filter { header[$0] == name }
            guard let first = hits.first else {
                let list = header.map { "'\(CSVRecords.shown($0))'" }.joined(separator: ", ")
                throw RNNKitError("'\(source)' has no column '\(name)' (its columns: \(list))")
            }
            guard hits.count == 1 else { throw RNNKitError("'\(source)' has \(hits.count) columns named '\(name)'") }
            return first
        }
        let chosen = columns + (time.map { [$0] } ?? [])
        if let twice = chosen.first(where: { name in chosen.filter { $0 == name }.count > 1 }) {
            throw RNNKitError("column '\(twice)' of '\(source)' is chosen twice")
        }
        let valueIndices = try columns.map(index(of:))
        let timeIndex = try time.map(index(of:))
        let rows = records.dropFirst()
        guard !rows.isEmpty else { throw RNNKitError("'\(source)' has no data rows") }

        var values = [[Double]](repeating: [], count: columns.count)
        for v in values.indices { values[v].reserveCapacity(rows.count) }
        var times: [String] = [], lines: [Int] = []
        lines.reserveCapacity(rows.count)
        for row in rows {
            guard !row.fields.isEmpty else { throw RNNKitError("'\(source)' line \(row.line) is empty") }
            guard row.fields.count == header.count else {
                throw RNNKitError("'\(source)' line \(row.line): \(row.fields.count) fields, but the header has \(header.count)")
            }
            for (v, c) in valueIndices.enumerated() {
                let cell = row.fields[c]
                guard let x = CSVRecords.number(cell) else {
                    let what = CSVRecords.trimmed(cell).isEmpty ? "the cell is empty" : "'\(CSVRecords.shown(cell))' is not a number"
                    throw RNNKitError("'\(source)' line \(row.line), column '\(columns[v])': \(what)")
                }
                values[v].append(x)
            }
            if let t = timeIndex {
                guard !row.fields[t].isEmpty else {
                    throw RNNKitError("'\(source)' line \(row.line), column '\(time!)': the cell is empty")
                }
                times.append(row.fields[t])
            }
            lines.append(row.line)
        }
        return TimeSeriesTable(source: source, header: header, names: columns, columns: values, timeName: time,
                               times: time == nil ? nil : times, lines: lines)
    }

    /// The values of the chosen column `name`.
    /// - Throws: `RNNKitError` if no such column was chosen.
    public func values(_ name: String) throws -> [Double] {
        guard let c = names.firstIndex(of: name) else {
            throw RNNKitError("'\(source)': column '\(name)' was not read (read: \(names.joined(separator: ", ")))")
        }
        return columns[c]
    }

    /// The chosen columns `names` side by side, row-major: (N, F) with F = `names.count`.
    /// - Throws: `RNNKitError` if one was not read.
    public func matrix(_ names: [String]) throws -> [Double] {
        let picked = try names.map(values)
        var out = [Double](repeating: 0, count: rowCount * picked.count)   // (N, F)
        for (f, column) in picked.enumerated() {
            for (t, x) in column.enumerated() { out[t * picked.count + f] = x }
        }
        return out
    }

    /// The table as CSV text: a header (the time column first, then the chosen columns), one
    /// line per row, LF line ends. Numbers are written to read back exactly; a text field is
    /// quoted when it holds a comma, quote or line break or starts or ends with a space.
    public var csvText: String {
        func field(_ s: String) -> String {
            let plain = !s.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            guard !plain || s != CSVRecords.trimmed(s) else { return s }
            var out = "\""
            for c in s { out += c == "\"" ? "\"\"" : String(c) }
            return out + "\""
        }
        var lines = [((timeName.map { [$0] } ?? []) + names).map(field).joined(separator: ",")]
        for row in 0..<rowCount {
            let time = times.map { [field($0[row])] } ?? []
            lines.append((time + columns.map { $0[row].description }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
