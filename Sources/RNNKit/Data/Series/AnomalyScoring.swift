/// How the anomaly threshold is chosen from the training windows' reconstruction errors.
public enum AnomalyThreshold: Equatable, Sendable {
    /// The largest training error (the twin's `train_err.max()`).
    case max
    /// The q-quantile of the training errors, q in (0, 1], with numpy's default linear
    /// interpolation (`np.quantile(errors, q)`); q = 1 is `max`.
    case quantile(Double)
}

/// A run of flagged windows whose points overlap or touch, as one range of points.
public struct AnomalyRange: Equatable, Sendable {
    /// The first and last flagged window of the run (indices into the windows).
    public var windows: ClosedRange<Int>
    /// The points the run's windows cover.
    public var points: Range<Int>
    /// The times of the first and last covered point, when the series has a time column.
    public var startTime: String?, endTime: String?

    /// Creates a range.
    public init(windows: ClosedRange<Int>, points: Range<Int>, startTime: String? = nil, endTime: String? = nil) {
        self.windows = windows
        self.points = points
        self.startTime = startTime
        self.endTime = endTime
    }
}

/// Turning reconstruction errors of windows into anomaly decisions and per-point scores, as
/// `detect()` in ../shared/bench/torch_tasks.py does. Window i covers points i·S..<i·S+W
/// (W window length, S stride; the twin uses S = 1).
public enum AnomalyScoring {
    /// The threshold over `trainingErrors` by `rule`.
    /// - Throws: `RNNKitError` if there are no errors, one is not finite, or q is outside (0, 1].
    public static func threshold(_ trainingErrors: [Double], rule: AnomalyThreshold) throws -> Double {
        guard !trainingErrors.isEmpty else { throw RNNKitError("no training errors to set a threshold from") }
        guard trainingErrors.allSatisfy(\.isFinite) else { throw RNNKitError("a training window's error is not finite") }
        switch rule {
        case .max: return trainingErrors.max()!
        case let .quantile(q):
            guard q > 0, q <= 1 else { throw RNNKitError("the threshold quantile must lie in (0, 1] (it is \(q))") }
            return quantile(trainingErrors.sorted(), q)
        }
    }

    /// numpy's default ("linear") quantile of ascending `sorted` values: position q·(n − 1),
    /// interpolated between its neighbours.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = min(low + 1, sorted.count - 1)
        let fraction = position - Double(low)
        return sorted[low] + (sorted[high] - sorted[low]) * fraction
    }

    /// Whether each window is flagged: its error is strictly above `threshold`.
    public static func flagged(_ errors: [Double], threshold: Double) -> [Bool] {
        errors.map { $0 > threshold }
    }

    /// The windows covering point j: from ⌈(j − W + 1)/S⌉ to ⌊j/S⌋, clipped to the windows;
    /// empty (lower > upper) where the point lies in a gap or past the last window.
    static func covering(_ j: Int, window: Int, stride: Int, windows: Int) -> (first: Int, last: Int) {
        let low = j - window + 1
        let first = low <= 0 ? 0 : (low + stride - 1) / stride
        return (first, min(j / stride, windows - 1))
    }

    /// Each point's score: the mean error of the windows covering it (the twin's cumulative
    /// sums, generalised to a stride). A point covered by no window (past the last window, or
    /// in a gap when S > W) takes the error of the nearest window, the earlier on a tie.
    /// - Parameters:
    ///   - window: W, the window length.
    ///   - stride: S, the step between window starts.
    ///   - errors: one error per window, window i starting at point i·S.
    ///   - points: the number of points in the series, N.
    /// - Throws: `RNNKitError` if W or S is below 1 or the windows do not fit in N points.
    public static func pointScores(_ errors: [Double], window: Int, stride: Int = 1, points: Int) throws -> [Double] {
        try check(windows: errors.count, window: window, stride: stride, points: points)
        var sums = [0.0]
        sums.reserveCapacity(errors.count + 1)
        for e in errors { sums.append(sums.last! + e) }
        return (0..<points).map { j in
            let (first, last) = covering(j, window: window, stride: stride, windows: errors.count)
            if first <= last { return (sums[last + 1] - sums[first]) / Double(last - first + 1) }
            let before = min(last, errors.count - 1), after = first
            guard after < errors.count else { return errors[before] }
            let gapBefore = j - (before * stride + window - 1), gapAfter = after * stride - j
            return gapBefore <= gapAfter ? errors[before] : errors[after]
        }
    }

    /// The runs of flagged windows as point ranges: flagged windows whose points overlap or
    /// touch merge into one range. With `times` (one per point) each range carries the times
    /// of its first and last point.
    /// - Throws: `RNNKitError` if W or S is below 1, the windows do not fit in N points, or
    ///   `times` has another length.
    public static func ranges(flagged: [Bool], window: Int, stride: Int = 1, points: Int, times: [String]? = nil) throws -> [AnomalyRange] {
        try check(windows: flagged.count, window: window, stride: stride, points: points)
        if let times, times.count != points {
            throw RNNKitError("\(times.count) times for \(points) points")
        }
        var out: [AnomalyRange] = []
        for (i, isFlagged) in flagged.enumerated() where isFlagged {
            let span = (i * stride)..<(i * stride + window)
            if let last = out.last, span.lowerBound <= last.points.upperBound {
                out[out.count - 1].windows = last.windows.lowerBound...i
                out[out.count - 1].points = last.points.lowerBound..<span.upperBound
            } else {
                out.append(AnomalyRange(windows: i...i, points: span))
            }
        }
        if let times {
            for k in out.indices {
                out[k].startTime = times[out[k].points.lowerBound]
                out[k].endTime = times[out[k].points.upperBound - 1]
            }
        }
        return out
    }

    /// Checks that `windows` windows of length W, stride S, fit in N points.
    static func check(windows: Int, window: Int, stride: Int, points: Int) throws {
        guard window >= 1 else { throw RNNKitError("the window length must be at least 1 (it is \(window))") }
        guard stride >= 1 else { throw RNNKitError("the stride must be at least 1 (it is \(stride))") }
        guard windows >= 1 else { throw RNNKitError("there are no windows to score") }
        let (startOfLast, o1) = (windows - 1).multipliedReportingOverflow(by: stride)
        let (end, o2) = startOfLast.addingReportingOverflow(window)
        guard !o1, !o2, end <= points else {
            throw RNNKitError("\(windows) windows of length \(window), stride \(stride), do not fit in \(points) points")
        }
    }
}
