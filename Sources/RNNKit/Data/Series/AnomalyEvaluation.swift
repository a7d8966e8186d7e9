/// Scoring an anomaly detector against labelled anomalous points.
public enum AnomalyEvaluation {
    /// The area under the ROC curve of `scores` (higher = more anomalous) against `labels`:
    /// the Mann–Whitney statistic with tied scores given their average rank, exactly as
    /// `roc_auc` in ../shared/bench/torch_tasks.py:
    ///
    ///     AUC = (sum of the positives' ranks − P(P + 1)/2) / (P · Q)
    ///
    /// with ranks 1…n in ascending score order, P positives and Q negatives.
    /// - Returns: nil when all labels are of one class (the AUC is undefined).
    /// - Throws: `RNNKitError` if the counts differ or a score is not finite.
    public static func rocAUC(scores: [Double], labels: [Bool]) throws -> Double? {
        guard scores.count == labels.count else {
            throw RNNKitError("\(scores.count) scores for \(labels.count) labels")
        }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw RNNKitError("score \(bad + 1) is not finite")
        }
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] { rankSum += rank }
            i = j + 1
        }
        let p = Double(positives), q = Double(negatives)
        return (rankSum - p * (p + 1) / 2) / (p * q)
    }

    /// The runs of consecutive labelled points, as point ranges.
    public static func labelledRanges(_ labels: [Bool]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start: Int?
        for (j, label) in labels.enumerated() {
            if label, start == nil { start = j }
            if !label, let s = start {
                out.append(s..<j)
                start = nil
            }
        }
        if let s = start { out.append(s..<labels.count) }
        return out
    }

    /// Window-level precision and recall of flagged windows against labelled points:
    ///
    /// - precision = the fraction of flagged windows that cover at least one labelled point
    ///   (the twin's `flagged_overlapping_label_pct`, as a fraction); nil when none is flagged;
    /// - recall = the fraction of labelled ranges (runs of consecutive labelled points) that at
    ///   least one flagged window touches; nil when nothing is labelled.
    ///
    /// Window i covers points i·S..<i·S+W.
    /// - Throws: `RNNKitError` if W or S is below 1 or the windows do not fit in the labels.
    public static func windowPrecisionRecall(flagged: [Bool], labels: [Bool], window: Int, stride: Int = 1) throws
        -> (precision: Double?, recall: Double?) {
        try AnomalyScoring.check(windows: flagged.count, window: window, stride: stride, points: labels.count)
        var labelledBefore = [0]   // labelledBefore[j] = labelled points among 0..<j
        labelledBefore.reserveCapacity(labels.count + 1)
        for label in labels { labelledBefore.append(labelledBefore.last! + (label ? 1 : 0)) }
        var flaggedCount = 0, onLabel = 0
        var coverChange = [Int](repeating: 0, count: labels.count + 1)   // +1 where a flagged window starts, −1 past its end
        for (i, isFlagged) in flagged.enumerated() where isFlagged {
            flaggedCount += 1
            if labelledBefore[i * stride + window] > labelledBefore[i * stride] { onLabel += 1 }
            coverChange[i * stride] += 1
            coverChange[i * stride + window] -= 1
        }
        var covered = [Bool](repeating: false, count: labels.count)
        var open = 0
        for j in labels.indices {
            open += coverChange[j]
            covered[j] = open > 0
        }
        let ranges = labelledRanges(labels)
        let touched = ranges.filter { covered[$0].contains(true) }.count
        return (flaggedCount == 0 ? nil : Double(onLabel) / Double(flaggedCount),
                ranges.isEmpty ? nil : Double(touched) / Double(ranges.count))
    }
}
