/// A sequence-to-sequence task RNNKit writes itself, so that `rnn seq2seq train` runs with no
/// download: dates written in one of fourteen ways, translated to ISO 8601, character by
/// character.
///
///     3 march 1997             → 1997-03-03
///     03/03/97                 → 1997-03-03      (month first; 50–99 → 19xx, 00–49 → 20xx)
///     monday, march 3 1997     → 1997-03-03
///     3rd of march 1997        → 1997-03-03
///
/// Dates are drawn uniformly from 1950-01-01 … 2049-12-31 (so every two-digit year is
/// unambiguous) and formats uniformly from `formats`. Everything is a function of the seed.
/// Solving it needs attention-like alignment (the day moves, the month is spelled out, the
/// weekday must be ignored), yet a small model learns it in a minute.
public enum GeneratedDates {
    /// The first year drawn.
    public static let firstYear = 1950
    /// The last year drawn.
    public static let lastYear = 2049

    /// The ways a date is written, each shown as 1997-03-03 (a Monday) in that format, in the
    /// order `written(_:format:)` numbers them.
    public static let formats = [
        "3 march 1997", "03/03/97", "March 3, 1997", "monday, march 3 1997", "1997-03-03",
        "3 mar 1997", "3.3.1997", "MARCH 3 1997", "3rd of march 1997", "mon 3 mar 97",
        "19970303", "march 03, 1997", "03/03/1997", "Monday 3 March 1997",
    ]

    /// `count` pairs (written date, ISO date), drawn from a generator seeded with `seed`.
    public static func pairs(count: Int, seed: UInt64) -> [(source: String, target: String)] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in pair(&g) }
    }

    /// A training set of `train` pairs and a validation set of `valid` pairs, character level
    /// (each Unicode scalar a token, spaces included). Validation pairs come from a second
    /// generator derived from `seed` and never repeat a training source.
    /// - Precondition: `train >= 1`, `valid >= 1`.
    public static func data(train: Int = 10_000, valid: Int = 500, seed: UInt64) -> (train: ParallelText, valid: ParallelText) {
        precondition(train >= 1 && valid >= 1, "both parts need at least one pair")
        let trainPairs = pairs(count: train, seed: seed)
        let seen = Set(trainPairs.map { ExactString($0.source) })
        var g = SeededGenerator(seed: seed ^ 0x0DA7_E5DA_7E5D_A7E5)
        var validPairs: [(source: String, target: String)] = []
        var attempts = 0
        while validPairs.count < valid {
            let p = pair(&g)
            attempts += 1
            // Past 100 draws per pair the date space is exhausted: accept repeats.
            if !seen.contains(ExactString(p.source)) || attempts > 100 * valid { validPairs.append(p) }
        }
        return (characters(trainPairs), characters(validPairs))
    }

    /// One pair drawn from `g`: a uniform date in `firstYear…lastYear` and a uniform format.
    public static func pair(_ g: inout SeededGenerator) -> (source: String, target: String) {
        let first = days(year: firstYear, month: 1, day: 1), last = days(year: lastYear, month: 12, day: 31)
        let day = first + Int(g.next().multipliedFullWidth(by: UInt64(last - first + 1)).high)
        let format = Int(g.next().multipliedFullWidth(by: UInt64(formats.count)).high)
        return (written(day, format: format), written(day, format: 4))
    }

    /// The date `day` (days since 1970-01-01) written in format `format` (an index into
    /// `formats`).
    /// - Precondition: `0 <= format < formats.count`.
    public static func written(_ day: Int, format: Int) -> String {
        let (y, m, d) = civil(day)
        let weekday = weekdays[((day % 7) + 7 + 4) % 7]          // 1970-01-01 was a Thursday
        let month = months[m - 1], mon = String(month.prefix(3)), yy = two(y % 100)
        switch format {
        case 0: return "\(d) \(month) \(y)"
        case 1: return "\(two(m))/\(two(d))/\(yy)"
        case 2: return "\(capitalized(month)) \(d), \(y)"
        case 3: return "\(weekday), \(month) \(d) \(y)"
        case 4: return "\(y)-\(two(m))-\(two(d))"
        case 5: return "\(d) \(mon) \(y)"
        case 6: return "\(d).\(m).\(y)"
        case 7: return "\(month.uppercased()) \(d) \(y)"
        case 8: return "\(ordinal(d)) of \(month) \(y)"
        case 9: return "\(weekday.prefix(3)) \(d) \(mon) \(yy)"
        case 10: return "\(y)\(two(m))\(two(d))"
        case 11: return "\(month) \(two(d)), \(y)"
        case 12: return "\(two(m))/\(two(d))/\(y)"
        case 13: return "\(capitalized(weekday)) \(d) \(capitalized(month)) \(y)"
        default: preconditionFailure("no date format \(format)")
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (`SeriesTime.daysFromCivil`).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        SeriesTime.daysFromCivil(year, month, day)
    }

    /// The (year, month, day) of `days` since 1970-01-01 (`SeriesTime.civilFromDays`).
    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        SeriesTime.civilFromDays(days)
    }

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august",
                         "september", "october", "november", "december"]
    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    private static func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    private static func ordinal(_ d: Int) -> String {
        switch (d % 10, d / 10 == 1) {
        case (1, false): return "\(d)st"
        case (2, false): return "\(d)nd"
        case (3, false): return "\(d)rd"
        default: return "\(d)th"
        }
    }

    private static func characters(_ pairs: [(source: String, target: String)]) -> ParallelText {
        ParallelText(sources: pairs.map { $0.source.unicodeScalars.map { String($0) } },
                     targets: pairs.map { $0.target.unicodeScalars.map { String($0) } })
    }
}
