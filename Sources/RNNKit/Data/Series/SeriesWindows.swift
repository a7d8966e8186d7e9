/// Sliding windows over a scaled series, gathered into time-major batches.
///
/// Letters: N rows, F features per row (values, then covariates), T target columns (a subset of
/// the F), W window length, H horizon, S stride, B windows in a batch. The series is an (N, F)
/// row-major matrix already scaled by a `SeriesScaler`.
///
/// A forecasting window starting at row s has input rows s..<s+W and target rows
/// s+W..<s+W+H (target columns only); with window-mean scaling the target columns of both are
/// divided by the input window's level (`SeriesScaler.level`), per target column. This is the
/// X/Y construction of `task_forecast` in ../shared/bench/torch_tasks.py. A reconstruction
/// window (for the autoencoder) is its input rows only.
public struct SeriesWindows: Sendable {
    /// Rows in the series, N.
    public let rows: Int
    /// Features per row, F.
    public let featureCount: Int
    /// The T target columns, indices into the F features.
    public let targetColumns: [Int]
    /// The window length, W.
    public let window: Int
    /// The horizon, H (0 for reconstruction windows).
    public let horizon: Int
    /// The first input row of each window, in time order.
    public let starts: [Int]
    /// Whether target columns are divided by their input window's mean.
    public let windowMean: Bool
    /// The scaled series, (N, F) row-major.
    let matrix: [Double]

    /// Forecasting windows whose target rows all lie in `targetsIn` (their input may reach back
    /// before it, never past it): every start s from max(0, lower − W) to upper − W − H, step S.
    /// For the training part 0..<n this is every s in 0...n − W − H, as the twin builds them.
    /// - Parameters:
    ///   - featureCount: F, the columns of `matrix`.
    ///   - targetColumns: the columns forecast, in 0..<F.
    ///   - window: W, the input window length.
    ///   - horizon: H, the steps forecast.
    ///   - stride: S, the step between window starts.
    ///   - range: the rows the windows' targets must lie in.
    ///   - windowMean: subtract each window's mean (of its input rows) from its input and targets.
    ///   - matrix: the scaled series, (N, F) row-major.
    /// - Throws: `RNNKitError` if W, H or S is below 1, a target column is out of range or
    ///   repeated, the range is outside the series, or it holds no window.
    public init(forecasting matrix: [Double], featureCount: Int, targetColumns: [Int], window: Int, horizon: Int,
                stride: Int = 1, targetsIn range: Range<Int>, windowMean: Bool = false) throws {
        let n = try Self.rowCount(matrix, featureCount)
        try Self.check(window: window, stride: stride)
        guard horizon >= 1 else { throw RNNKitError("the horizon must be at least 1 (it is \(horizon))") }
        guard !targetColumns.isEmpty, targetColumns.allSatisfy({ (0..<featureCount).contains($0) }),
              Set(targetColumns).count == targetColumns.count else {
            throw RNNKitError("target columns \(targetColumns) must be distinct features in 0..<\(featureCount)")
        }
        guard range.lowerBound >= 0, range.upperBound <= n else { throw RNNKitError("rows \(range) lie outside the \(n) rows of the series") }
        let first = range.lowerBound - min(range.lowerBound, window)
        let available = range.upperBound - first
        let (need, overflow) = window.addingReportingOverflow(horizon)
        guard !overflow, available >= need else {
            throw RNNKitError("fewer rows (\(available)) than window + horizon (\(overflow ? "too many" : String(need)))")
        }
        self.init(matrix: matrix, rows: n, featureCount: featureCount, targetColumns: targetColumns, window: window,
                  horizon: horizon, starts: Array(Swift.stride(from: first, through: range.upperBound - need, by: stride)),
                  windowMean: windowMean)
    }

    /// Reconstruction windows (autoencoder inputs) lying inside `rows`: every start from
    /// lower to upper − W, step S (the twin's `unfold(0, W, 1)` for stride 1).
    /// - Throws: `RNNKitError` if W or S is below 1, the range is outside the series, or it is
    ///   shorter than one window.
    public init(reconstructing matrix: [Double], featureCount: Int, window: Int, stride: Int = 1, rows range: Range<Int>? = nil) throws {
        let n = try Self.rowCount(matrix, featureCount)
        try Self.check(window: window, stride: stride)
        let range = range ?? 0..<n
        guard range.lowerBound >= 0, range.upperBound <= n else { throw RNNKitError("rows \(range) lie outside the \(n) rows of the series") }
        guard range.count >= window else {
            throw RNNKitError("fewer rows (\(range.count)) than the window length (\(window))")
        }
        self.init(matrix: matrix, rows: n, featureCount: featureCount, targetColumns: Array(0..<featureCount), window: window,
                  horizon: 0, starts: Array(Swift.stride(from: range.lowerBound, through: range.upperBound - window, by: stride)),
                  windowMean: false)
    }

    private init(matrix: [Double], rows: Int, featureCount: Int, targetColumns: [Int], window: Int, horizon: Int,
                 starts: [Int], windowMean: Bool) {
        self.matrix = matrix
        self.rows = rows
        self.featureCount = featureCount
        self.targetColumns = targetColumns
        self.window = window
        self.horizon = horizon
        self.starts = starts
        self.windowMean = windowMean
    }

    private static func rowCount(_ matrix: [Double], _ featureCount: Int) throws -> Int {
        guard featureCount >= 1, matrix.count % featureCount == 0 else {
            throw RNNKitError("\(matrix.count) values do not make rows of \(featureCount) features")
        }
        return matrix.count / featureCount
    }

    private static func check(window: Int, stride: Int) throws {
        guard window >= 1 else { throw RNNKitError("the window length must be at least 1 (it is \(window))") }
        guard stride >= 1 else { throw RNNKitError("the stride must be at least 1 (it is \(stride))") }
    }

    /// The number of windows.
    public var count: Int { starts.count }

    /// The level of each target column (T) for an input window starting at row `start`: the
    /// mean of its W values (`SeriesScaler.level`) with window-mean scaling, else 1.
    public func levels(inputFrom start: Int) -> [Double] {
        targetColumns.map { c in
            guard windowMean else { return 1 }
            return SeriesScaler.level((start..<start + window).map { matrix[$0 * featureCount + c] }[...])
        }
    }

    /// The inputs of windows `indices` (into `starts`), time-major: (W, B, F).
    public func inputs(_ indices: [Int]) -> [Float] {
        let b = indices.count
        var out = [Float](repeating: 0, count: window * b * featureCount)   // (W, B, F)
        for (k, w) in indices.enumerated() {
            fillInput(&out, from: starts[w], slot: k, batch: b)
        }
        return out
    }

    /// The targets of windows `indices`: (B, H, T), each scaled by its input window's level.
    public func targets(_ indices: [Int]) -> [Float] {
        let t = targetColumns.count
        var out = [Float](repeating: 0, count: indices.count * horizon * t)   // (B, H, T)
        for (k, w) in indices.enumerated() {
            let s = starts[w], level = levels(inputFrom: s)
            for h in 0..<horizon {
                for (j, c) in targetColumns.enumerated() {
                    out[(k * horizon + h) * t + j] = Float(matrix[(s + window + h) * featureCount + c] / level[j])
                }
            }
        }
        return out
    }

    /// The input to forecast from `origin` (the W rows before it): (W, 1, F), and the level per
    /// target column (T) to multiply the scaled forecast by (`SeriesScaler.inverse(forecast:…)`).
    /// - Throws: `RNNKitError` if fewer than W rows precede `origin` or it is past the end.
    public func input(endingAt origin: Int) throws -> (inputs: [Float], levels: [Double]) {
        guard origin >= window, origin <= rows else {
            throw RNNKitError("a forecast from row \(origin) needs the \(window) rows before it, within the \(rows) rows")
        }
        var out = [Float](repeating: 0, count: window * featureCount)   // (W, 1, F)
        fillInput(&out, from: origin - window, slot: 0, batch: 1)
        return (out, levels(inputFrom: origin - window))
    }

    /// Writes the input window starting at row `start` into batch slot `slot` of a (W, B, F) buffer.
    private func fillInput(_ out: inout [Float], from start: Int, slot: Int, batch: Int) {
        let level = levels(inputFrom: start)
        var divisor = [Double](repeating: 1, count: featureCount)
        for (j, c) in targetColumns.enumerated() { divisor[c] = level[j] }
        for t in 0..<window {
            for f in 0..<featureCount {
                out[(t * batch + slot) * featureCount + f] = Float(matrix[(start + t) * featureCount + f] / divisor[f])
            }
        }
    }
}
