/// One record of a CSV file: its fields and the 1-based line it starts on. A blank line is a
/// record with no fields at all.
struct CSVRecord: Equatable {
    var fields: [String]
    var line: Int
}

/// Cutting CSV bytes into records as RFC 4180 describes them, a little more forgiving:
///
/// - fields are separated by commas, records by CRLF, LF or a lone CR; the last record may end
///   without a newline, and blank lines at the end of the file are dropped;
/// - a field may be quoted (`"a, b"`); inside quotes a doubled quote is one quote and commas and
///   newlines are kept; spaces or tabs around a quoted field are skipped, and anything else after
///   its closing quote is an error;
/// - an unquoted field loses its surrounding spaces and tabs; a quote inside it is kept as text;
/// - a UTF-8 byte order mark at the start is skipped, and the text must be valid UTF-8.
///
/// Every error is one line naming the source and the 1-based line. No input traps: all indexing
/// is bounded by the byte count.
enum CSVRecords {
    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
    private static let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A, space: UInt8 = 0x20, tab: UInt8 = 0x09

    /// The records of `bytes`, read as the contents of `source` (used in errors).
    /// - Throws: `RNNKitError` for invalid UTF-8, an unclosed quote or text after a closing quote.
    static func parse(_ bytes: [UInt8], source: String) throws -> [CSVRecord] {
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        if let bad = TextFile.firstInvalidUTF8(bytes) {
            let line = 1 + bytes[..<bad.offset].reduce(0) { $0 + ($1 == lf ? 1 : 0) }
            throw RNNKitError("'\(source)': invalid UTF-8 at byte \(bad.offset) (line \(line)): \(bad.reason)")
        }
        var records: [CSVRecord] = []
        var i = start, line = 1
        let n = bytes.count
        while i < n {
            let recordLine = line
            var fields: [String] = []
            var blank = true
            while true {
                var j = i
                while j < n && (bytes[j] == space || bytes[j] == tab) { j += 1 }
                if j < n && bytes[j] == quote {
                    blank = false
                    let (field, end, lines) = try quotedField(bytes, from: j + 1, source: source, line: line)
                    line += lines
                    fields.append(field)
                    i = end
                    while i < n && (bytes[i] == space || bytes[i] == tab) { i += 1 }
                    guard i == n || bytes[i] == comma || bytes[i] == cr || bytes[i] == lf else {
                        throw RNNKitError("'\(source)' line \(line): text after the closing quote of field \(fields.count)")
                    }
                } else {
                    var k = i
                    while k < n && bytes[k] != comma && bytes[k] != cr && bytes[k] != lf { k += 1 }
                    if k > i { blank = false }
                    fields.append(trimmed(bytes[i..<k]))
                    i = k
                }
                guard i < n && bytes[i] == comma else { break }
                blank = false
                i += 1
            }
            if i < n && bytes[i] == cr {
                i += 1
                if i < n && bytes[i] == lf { i += 1 }
                line += 1
            } else if i < n && bytes[i] == lf {
                i += 1
                line += 1
            }
            records.append(CSVRecord(fields: blank ? [] : fields, line: recordLine))
        }
        while let last = records.last, last.fields.isEmpty { records.removeLast() }
        return records
    }

    /// The text of a quoted field whose opening quote is just before `from`: the field, the
    /// index just past its closing quote, and how many line feeds it holds.
    private static func quotedField(_ bytes: [UInt8], from: Int, source: String, line: Int) throws
        -> (field: String, end: Int, lines: Int) {
        var value: [UInt8] = []
        var j = from, lines = 0
        while j < bytes.count {
            let b = bytes[j]
            if b == quote {
                if j + 1 < bytes.count && bytes[j + 1] == quote {
                    value.append(quote)
                    j += 2
                    continue
                }
                return (String(decoding: value, as: UTF8.self), j + 1, lines)
            }
            if b == lf { lines += 1 }
            value.append(b)
            j += 1
        }
        throw RNNKitError("'\(source)' line \(line): a quoted field is not closed before the end of the file")
    }

    /// `bytes` as text without leading and trailing spaces and tabs.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var low = bytes.startIndex, high = bytes.endIndex
        while low < high && (bytes[low] == space || bytes[low] == tab) { low += 1 }
        while high > low && (bytes[high - 1] == space || bytes[high - 1] == tab) { high -= 1 }
        return String(decoding: bytes[low..<high], as: UTF8.self)
    }

    /// The number written in `field` (surrounding spaces allowed): decimal digits with an
    /// optional sign, point and exponent, and finite; nil for anything else (`nan`, `inf`,
    /// hexadecimal, thousands separators).
    static func number(_ field: String) -> Double? {
        let text = trimmed(field)
        guard !text.isEmpty else { return nil }
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"),
                 UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): continue
            default: return nil
            }
        }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    /// `field` shortened to `limit` characters with control characters shown as `?`, for errors.
    static func shown(_ field: String, limit: Int = 40) -> String {
        let cut = field.unicodeScalars.prefix(limit).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) }
        return String(cut) + (field.unicodeScalars.count > limit ? "…" : "")
    }
}
