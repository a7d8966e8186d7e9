/// The input symbols of a classification or tagging model, each with its id: the special
/// symbols first (`<pad>` = 0, `<unk>` = 1), then every symbol seen at least `minCount` times in
/// the training sequences, sorted by Unicode code point — as `build_vocab` in
/// ../shared/bench/torch_tasks.py builds it, so the same file gives PyTorch's ids.
///
/// ```swift
/// let vocabulary = TaskVocabulary(counting: [["a", "b", "a"], ["c", "b"]], minCount: 2)
/// // symbols ["<pad>", "<unk>", "a", "b"]
/// vocabulary.encode(["b", "c", "a"])   // [3, 1, 2]
/// ```
///
/// One difference from the Python twin: a special symbol that occurs in the data (a literal
/// `<unk>` in a PTB-style text) is not listed a second time; it keeps its special id.
public struct TaskVocabulary: Equatable, Sendable {
    /// The padding symbol, id 0 with the default specials.
    public static let padding = "<pad>"
    /// The symbol unknown tokens map to, id 1 with the default specials.
    public static let unknown = "<unk>"
    /// The default special symbols, in id order.
    public static let defaultSpecials = [padding, unknown]

    /// The symbols by id: the specials, then the counted symbols sorted by code point.
    public let symbols: [String]
    /// How many leading symbols are specials.
    public let specialCount: Int
    /// The id unknown tokens map to (the id of `<unk>`).
    public let unknownID: Int
    private let index: [ExactString: Int]

    /// Builds the vocabulary of `sequences`: `specials`, then every other symbol that occurs at
    /// least `minCount` times, sorted by code point.
    /// - Precondition: `specials` holds `<unk>` and no symbol twice.
    public init(counting sequences: [[String]], minCount: Int, specials: [String] = defaultSpecials) {
        var counts: [ExactString: Int] = [:]
        for sequence in sequences {
            for symbol in sequence { counts[ExactString(symbol), default: 0] += 1 }
        }
        let specialSet = Set(specials.map(ExactString.init))
        precondition(specialSet.count == specials.count, "the special symbols repeat a symbol")
        let kept = Set(counts.filter { $0.value >= minCount && !specialSet.contains($0.key) }.keys)
        self.init(unchecked: specials + Vocabulary.sortedByCodePoint(kept), specialCount: specials.count)
    }

    /// Restores a vocabulary from its symbols (e.g. read from a checkpoint).
    /// - Throws: `RNNKitError` if `symbols` does not start with `specials`, repeats a symbol, or
    ///   does not list the other symbols sorted by code point.
    public init(symbols: [String], specials: [String] = defaultSpecials) throws {
        guard symbols.count >= specials.count,
              zip(symbols, specials).allSatisfy({ $0.utf8.elementsEqual($1.utf8) }) else {
            throw RNNKitError("the vocabulary does not start with the special symbols \(specials.joined(separator: " "))")
        }
        guard specials.contains(Self.unknown) else {
            throw RNNKitError("the special symbols do not include \(Self.unknown)")
        }
        guard Set(symbols.map(ExactString.init)).count == symbols.count else {
            throw RNNKitError("the vocabulary repeats a symbol")
        }
        let rest = Array(symbols[specials.count...])
        guard Vocabulary.sortedByCodePoint(Set(rest.map(ExactString.init))).elementsEqual(rest, by: { $0.utf8.elementsEqual($1.utf8) }) else {
            throw RNNKitError("the vocabulary's symbols are not sorted by code point")
        }
        self.init(unchecked: symbols, specialCount: specials.count)
    }

    private init(unchecked symbols: [String], specialCount: Int) {
        self.symbols = symbols
        self.specialCount = specialCount
        index = Dictionary(uniqueKeysWithValues: symbols.enumerated().map { (ExactString($1), $0) })
        guard let unk = index[ExactString(Self.unknown)] else {
            preconditionFailure("the special symbols do not include \(Self.unknown)")
        }
        unknownID = unk
    }

    /// Whether two vocabularies list exactly the same symbols (code point by code point).
    public static func == (a: TaskVocabulary, b: TaskVocabulary) -> Bool {
        a.specialCount == b.specialCount && a.symbols.elementsEqual(b.symbols) { $0.utf8.elementsEqual($1.utf8) }
    }

    /// V, the number of symbols, specials included.
    public var count: Int { symbols.count }

    /// The id of `symbol`, or nil if the vocabulary does not have it.
    public func id(of symbol: String) -> Int? { index[ExactString(symbol)] }

    /// The symbol with id `id`.
    /// - Precondition: `0 <= id < count`.
    public func symbol(of id: Int) -> String { symbols[id] }

    /// The ids of `tokens`, a token the vocabulary lacks mapped to `unknownID` (Python's
    /// `[stoi.get(s, UNK) for s in seq]`).
    public func encode(_ tokens: [String]) -> [Int] {
        tokens.map { index[ExactString($0)] ?? unknownID }
    }

    /// How many of `tokens` the vocabulary lacks (they encode as `<unk>`).
    public func unknownCount(_ tokens: [String]) -> Int {
        tokens.reduce(0) { $0 + (index[ExactString($1)] == nil ? 1 : 0) }
    }
}
