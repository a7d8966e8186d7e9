// Letters: N = examples scored, C = classes.

/// How well predicted classes match the gold ones: accuracy, macro-F1 and the confusion
/// matrix. Percentages, as torch_tasks.py reports them (suffix `_pct`).
///
/// ```swift
/// let m = try ClassificationMetrics(gold: [0, 0, 1, 1], predicted: [0, 1, 1, 1], classes: 2)
/// m.accuracyPercent   // 75
/// m.confusion         // [[1, 1], [0, 2]]
/// ```
public struct ClassificationMetrics: Equatable, Sendable {
    /// C, the number of classes.
    public let classes: Int
    /// The confusion matrix, (C, C): `confusion[gold][predicted]` counts examples.
    public let confusion: [[Int]]

    /// Scores `predicted` against `gold`, both N class ids in 0..<C.
    /// - Throws: `RNNKitError` if the counts differ or an id is outside 0..<`classes`.
    public init(gold: [Int], predicted: [Int], classes: Int) throws {
        guard classes >= 1 else { throw RNNKitError("there are \(classes) classes; there must be at least 1") }
        guard gold.count == predicted.count else {
            throw RNNKitError("\(gold.count) gold labels but \(predicted.count) predictions")
        }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (g, p) in zip(gold, predicted) {
            guard (0..<classes).contains(g), (0..<classes).contains(p) else {
                throw RNNKitError("class id \((0..<classes).contains(g) ? p : g) is outside 0..<\(classes)")
            }
            confusion[g][p] += 1
        }
        self.init(confusion: confusion)
    }

    /// Metrics from a (C, C) confusion matrix (e.g. summed over batches).
    /// - Precondition: `confusion` is square and not empty.
    public init(confusion: [[Int]]) {
        precondition(!confusion.isEmpty && confusion.allSatisfy { $0.count == confusion.count }, "the confusion matrix must be (C, C)")
        classes = confusion.count
        self.confusion = confusion
    }

    /// N, the number of examples scored.
    public var count: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }

    /// The number of examples predicted right (the diagonal).
    public var correct: Int { (0..<classes).reduce(0) { $0 + confusion[$1][$1] } }

    /// 100 · correct / N; 0 when N = 0.
    public var accuracyPercent: Double { count == 0 ? 0 : 100 * Double(correct) / Double(count) }

    /// How many examples of class `c` are gold (row sum) and predicted (column sum).
    public func support(of c: Int) -> (gold: Int, predicted: Int) {
        (confusion[c].reduce(0, +), confusion.reduce(0) { $0 + $1[c] })
    }

    /// Precision, recall and F1 of class `c` in percent (each 0 when its denominator is 0);
    /// nil when the class has neither gold nor predicted examples.
    public func scores(of c: Int) -> (precision: Double, recall: Double, f1: Double)? {
        let (gold, predicted) = support(of: c)
        guard gold + predicted > 0 else { return nil }
        let hit = Double(confusion[c][c])
        let precision = predicted > 0 ? 100 * hit / Double(predicted) : 0
        let recall = gold > 0 ? 100 * hit / Double(gold) : 0
        let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return (precision, recall, f1)
    }

    /// The mean of the per-class F1 over the classes that have gold or predicted examples, in
    /// percent; 0 when no class has any.
    public var macroF1Percent: Double {
        let f1s = (0..<classes).compactMap { scores(of: $0)?.f1 }
        return f1s.isEmpty ? 0 : f1s.reduce(0, +) / Double(f1s.count)
    }
}
