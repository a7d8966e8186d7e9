/// Timestamps of series files read as numbers, so that times can be compared and ordered
/// without a date library.
///
/// Accepted forms (surrounding spaces allowed): `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, then
/// optionally a space or `T` and `HH:MM`, `HH:MM:SS` or `HH:MM:SS.f…` (1–9 fraction digits),
/// then optionally `Z` or an offset `±HH:MM` (subtracted, giving UTC). Fields must be in range
/// (month 1–12, the day within its month, leap years included, hour 0–23, minutes and seconds
/// 0–59). A missing month or day counts as the first, a missing time as midnight.
public enum SeriesTime {
    /// Seconds since 1970-01-01 00:00:00 of `text` in one of the accepted forms, or nil.
    ///
    /// `"2014-04-11 09:00:00.000000"`, `"2014-04-11T09:00:00"` and `"2014-04-11 09:00"` are
    /// the same time; `"1949-01"` is 1949-01-01 00:00:00.
    public static func seconds(_ text: String) -> Double? {
        let b = Array(CSVRecords.trimmed(text).utf8)
        var p = 0
        func digits(_ count: Int) -> Int? {
            guard p + count <= b.count else { return nil }
            var v = 0
            for k in 0..<count {
                let d = b[p + k]
                guard d >= 0x30 && d <= 0x39 else { return nil }
                v = v * 10 + Int(d - 0x30)
            }
            p += count
            return v
        }
        func take(_ c: Character) -> Bool {
            guard p < b.count, b[p] == c.asciiValue! else { return false }
            p += 1
            return true
        }
        guard let year = digits(4) else { return nil }
        var month = 1, day = 1, hour = 0, minute = 0, second = 0, fraction = 0.0, offset = 0
        if take("-") {
            guard let m = digits(2) else { return nil }
            month = m
            if take("-") {
                guard let d = digits(2) else { return nil }
                day = d
                if take(" ") || take("T") {
                    guard let h = digits(2), take(":"), let mi = digits(2) else { return nil }
                    (hour, minute) = (h, mi)
                    if take(":") {
                        guard let s = digits(2) else { return nil }
                        second = s
                        if take(".") {
                            var scale = 0.1, count = 0
                            while p < b.count, b[p] >= 0x30 && b[p] <= 0x39, count < 9 {
                                fraction += Double(b[p] - 0x30) * scale
                                scale /= 10
                                count += 1
                                p += 1
                            }
                            guard count > 0 else { return nil }
                        }
                    }
                    if !take("Z"), p < b.count, b[p] == UInt8(ascii: "+") || b[p] == UInt8(ascii: "-") {
                        let sign = b[p] == UInt8(ascii: "-") ? -1 : 1
                        p += 1
                        guard let oh = digits(2), take(":"), let om = digits(2), oh <= 23, om <= 59 else { return nil }
                        offset = sign * (oh * 3600 + om * 60)
                    }
                }
            }
        }
        guard p == b.count, (1...12).contains(month), day >= 1, day <= daysIn(month, year),
              hour <= 23, minute <= 59, second <= 59 else { return nil }
        let days = daysFromCivil(year, month, day)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }

    /// The `count` times after the last of `times`, written in the same form: `YYYY` and
    /// `YYYY-MM` step by the last gap in years or months, anything else by the last gap in
    /// seconds (written `YYYY-MM-DD` when the times are dates, else `YYYY-MM-DD HH:MM:SS`).
    /// - Returns: nil when there are fewer than two times, the last two are not timestamps in
    ///   increasing order, or a step would leave years 0–9999.
    public static func following(_ times: [String], count: Int) -> [String]? {
        guard times.count >= 2, count >= 0, count <= 1_000_000 else { return nil }
        let a = CSVRecords.trimmed(times[times.count - 2]), b = CSVRecords.trimmed(times[times.count - 1])
        guard let sa = seconds(a), let sb = seconds(b), sb > sa else { return nil }
        if a.utf8.count == b.utf8.count, b.utf8.count == 4 || b.utf8.count == 7 {
            let (ya, ma, _) = civilFromDays(Int(sa / 86_400)), (yb, mb, _) = civilFromDays(Int(sb / 86_400))
            let step = b.utf8.count == 4 ? 12 * (yb - ya) : 12 * (yb - ya) + mb - ma
            let last = 12 * yb + mb - 1
            guard last + step * count < 12 * 10_000 else { return nil }
            return (0..<count).map { k in
                let month = last + step * (k + 1)
                let text = self.text(Double(daysFromCivil(month / 12, month % 12 + 1, 1)) * 86_400, monthOnly: true)
                return b.utf8.count == 4 ? String(text.prefix(4)) : text
            }
        }
        let step = sb - sa
        guard sb + step * Double(count) < 253_402_300_800 else { return nil }   // 10000-01-01
        return (0..<count).map { k in
            let text = self.text(sb + step * Double(k + 1))
            return b.utf8.count == 10 ? String(text.prefix(10)) : text
        }
    }

    /// `seconds` since 1970-01-01 as `YYYY-MM-DD HH:MM:SS` (whole seconds, rounded down), or
    /// `YYYY-MM` when `monthOnly`.
    public static func text(_ seconds: Double, monthOnly: Bool = false) -> String {
        let whole = seconds.isFinite && abs(seconds) < 1e15 ? Int(seconds.rounded(.down)) : 0
        let days = whole >= 0 ? whole / 86_400 : -((-whole + 86_399) / 86_400)
        let rest = whole - days * 86_400
        let (y, m, d) = civilFromDays(days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        let year = y >= 0 && y < 10_000 ? String(repeating: "0", count: 4 - String(y).count) + String(y) : String(y)
        if monthOnly { return "\(year)-\(two(m))" }
        return "\(year)-\(two(m))-\(two(d)) \(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))"
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days in `month` of `year` (proleptic Gregorian calendar).
    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to the given date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
