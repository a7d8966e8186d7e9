/// A split of a series' N rows by time into consecutive training, validation and test parts
/// (in that order, never shuffled across), and the rolling origins of a backtest over the test
/// part.
///
/// Training windows take their targets from the training part only (`SeriesWindows` with
/// `targetsIn: train`), validation windows from the validation part (their inputs may reach
/// back into the training part, which leaks no target).
public struct SeriesSplit: Equatable, Sendable {
    /// The training rows, 0..<n.
    public let train: Range<Int>
    /// The validation rows after them (may be empty).
    public let validation: Range<Int>
    /// The test rows at the end (may be empty).
    public let test: Range<Int>

    /// Splits N rows into train, then `validationRows`, then the last `testRows`.
    /// - Parameters:
    ///   - rows: N, the rows of the series.
    ///   - testRows: the rows of the test part at the end (0 for none).
    ///   - validationRows: the rows of the validation part before it (0 for none).
    ///   - window: W, the input window length (the training part must hold one window).
    ///   - horizon: H; a non-empty validation or test part must hold at least H rows.
    /// - Throws: `RNNKitError` if a size is negative or W or H below 1, the parts do not fit,
    ///   a validation or test part is shorter than the horizon, or the training part holds
    ///   fewer rows than window + horizon.
    public init(rows: Int, testRows: Int, validationRows: Int = 0, window: Int, horizon: Int) throws {
        guard window >= 1 else { throw RNNKitError("the window length must be at least 1 (it is \(window))") }
        guard horizon >= 1 else { throw RNNKitError("the horizon must be at least 1 (it is \(horizon))") }
        guard testRows >= 0, validationRows >= 0 else {
            throw RNNKitError("the test and validation sizes must not be negative (\(testRows), \(validationRows))")
        }
        guard testRows <= rows, validationRows <= rows - testRows else {
            throw RNNKitError("a test part of \(testRows) rows and a validation part of \(validationRows) do not fit in \(rows) rows")
        }
        for (name, size) in [("test", testRows), ("validation", validationRows)] where size > 0 && size < horizon {
            throw RNNKitError("the \(name) part (\(size) rows) is shorter than the horizon (\(horizon))")
        }
        let trainRows = rows - testRows - validationRows
        let (need, overflow) = window.addingReportingOverflow(horizon)
        guard !overflow, trainRows >= need else {
            throw RNNKitError("the training part has fewer rows (\(trainRows)) than window + horizon (\(overflow ? "too many" : String(need)))")
        }
        train = 0..<trainRows
        validation = trainRows..<(trainRows + validationRows)
        test = (trainRows + validationRows)..<rows
    }

    /// Splits N rows so that the test part starts at row `testFrom` (e.g. from
    /// `firstRow(atOrAfter:in:)`), with `validationRows` just before it.
    /// - Throws: `RNNKitError` as `init(rows:testRows:…)` does, or if `testFrom` is outside 0...N.
    public init(rows: Int, testFrom: Int, validationRows: Int = 0, window: Int, horizon: Int) throws {
        guard testFrom >= 0, testFrom <= rows else {
            throw RNNKitError("the test part cannot start at row \(testFrom) of \(rows)")
        }
        try self.init(rows: rows, testRows: rows - testFrom, validationRows: validationRows, window: window, horizon: horizon)
    }

    /// The first row whose time is at or after `time` (all times parsed as
    /// `SeriesTime.seconds`), or, when some cannot be parsed, the row whose time is exactly
    /// `time`: where a test part given as a time starts (`init(rows:testFrom:…)`).
    /// - Throws: `RNNKitError` if there is no such row.
    public static func firstRow(atOrAfter time: String, in times: [String]) throws -> Int {
        if let limit = SeriesTime.seconds(time) {
            var parsed: [Double] = []
            parsed.reserveCapacity(times.count)
            for t in times {
                guard let s = SeriesTime.seconds(t) else { break }
                parsed.append(s)
            }
            if parsed.count == times.count {
                if let row = parsed.firstIndex(where: { $0 >= limit }) { return row }
                throw RNNKitError("no row at or after time '\(CSVRecords.shown(time))' (the last is '\(times.last ?? "")')")
            }
        }
        if let row = times.firstIndex(of: time) { return row }
        throw RNNKitError("no row has the time '\(CSVRecords.shown(time))'")
    }

    /// The total number of rows, N.
    public var rows: Int { test.upperBound }

    /// Backtest origins over the test part: row `start` (by default the test part's first
    /// row), then every `stride` rows while before the end (the twin's
    /// `range(n_train, N, horizon)`; airline's [120, 132]). An origin o forecasts rows o..<o+H
    /// from the rows before o.
    /// - Throws: `RNNKitError` if `stride` is below 1, the test part is empty, or `start` lies
    ///   outside it.
    public func origins(stride: Int, from start: Int? = nil) throws -> [Int] {
        guard stride >= 1 else { throw RNNKitError("the backtest stride must be at least 1 (it is \(stride))") }
        guard !test.isEmpty else { throw RNNKitError("there is no test part to backtest over") }
        let first = start ?? test.lowerBound
        guard test.contains(first) else {
            throw RNNKitError("the backtest start (row \(first)) lies outside the test part (rows \(test.lowerBound)..<\(test.upperBound))")
        }
        return Array(Swift.stride(from: first, to: test.upperBound, by: stride))
    }
}
