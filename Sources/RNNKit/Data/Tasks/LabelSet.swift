/// The classes of a classification task or the tags of a tagging task, each with its id
/// 0..<C: the distinct label strings of the training set sorted by Unicode code point, as
/// torch_tasks.py sorts them (`sorted({t for ...})`; for sentence polarity "neg" = 0, "pos" = 1).
///
/// ```swift
/// let tags = LabelSet(labels: ["I-NP", "B-NP", "O", "B-NP"])   // ["B-NP", "I-NP", "O"]
/// tags.id(of: "O")     // 2
/// tags.name(of: 1)     // "I-NP"
/// ```
public struct LabelSet: Equatable, Sendable {
    /// The label strings by id, sorted by code point.
    public let symbols: [String]
    private let index: [ExactString: Int]

    /// The distinct strings of `labels`, sorted by code point.
    public init(labels: some Sequence<String>) {
        self.init(unchecked: Vocabulary.sortedByCodePoint(Set(labels.lazy.map(ExactString.init))))
    }

    /// Restores a label set from its symbols (e.g. read from a checkpoint).
    /// - Throws: `RNNKitError` if `symbols` is empty, repeats a label, or is not sorted by code
    ///   point.
    public init(symbols: [String]) throws {
        guard !symbols.isEmpty else { throw RNNKitError("the label set is empty") }
        guard Vocabulary.sortedByCodePoint(Set(symbols.map(ExactString.init))).elementsEqual(symbols, by: { $0.utf8.elementsEqual($1.utf8) }) else {
            throw RNNKitError("the labels are repeated or not sorted by code point")
        }
        self.init(unchecked: symbols)
    }

    private init(unchecked symbols: [String]) {
        self.symbols = symbols
        index = Dictionary(uniqueKeysWithValues: symbols.enumerated().map { (ExactString($1), $0) })
    }

    /// Whether two label sets list exactly the same labels (code point by code point).
    public static func == (a: LabelSet, b: LabelSet) -> Bool {
        a.symbols.elementsEqual(b.symbols) { $0.utf8.elementsEqual($1.utf8) }
    }

    /// C, the number of labels.
    public var count: Int { symbols.count }

    /// The id of `label`, or nil if the set does not have it.
    public func id(of label: String) -> Int? { index[ExactString(label)] }

    /// The label with id `id`.
    /// - Precondition: `0 <= id < count`.
    public func name(of id: Int) -> String { symbols[id] }

    /// The ids of `labels`, a label the set lacks mapped to `unknown` (torch_tasks.py maps an
    /// unseen tag to IGNORE, so it costs nothing in the loss).
    public func encode(_ labels: [String], unknown: Int = PaddedBatch.ignoreIndex) -> [Int] {
        labels.map { index[ExactString($0)] ?? unknown }
    }

    /// The ids of `labels`.
    /// - Throws: `RNNKitError` naming the first label the set lacks, and the labels it has.
    public func ids(of labels: [String]) throws -> [Int] {
        try labels.map { label in
            guard let id = index[ExactString(label)] else {
                throw RNNKitError("the label '\(label)' is not one of the \(count) labels of the training set (\(symbols.prefix(20).joined(separator: ", "))\(count > 20 ? ", ..." : ""))")
            }
            return id
        }
    }
}
