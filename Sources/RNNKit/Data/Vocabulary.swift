/// The symbols a language model knows, each with its id: every distinct token of the training
/// text(s), sorted by Unicode code point (Python's `sorted(set(tokens))`), so the same files
/// give the same ids as PyTorch's trainer.
///
/// ```swift
/// let tokens = Tokenizer.tokens(of: "to be or not to be\n", level: .word)
/// let vocabulary = Vocabulary(level: .word, tokens: tokens)   // ["<eos>", "be", "not", "or", "to"]
/// let ids = try vocabulary.encode(tokens)                     // [4, 1, 3, 2, 4, 1, 0]
/// ```
public struct Vocabulary: Equatable, Sendable {
    /// The token that closes every line at word level.
    public static let endOfLine = "<eos>"
    /// The token unknown words map to, when the vocabulary has it (PTB's texts do).
    public static let unknown = "<unk>"

    /// How the text was cut into tokens.
    public let level: TokenLevel
    /// The symbols by id, sorted by code point.
    public let symbols: [String]
    private let index: [ExactString: Int]

    /// Builds the vocabulary of `tokens`: every distinct token, sorted by code point.
    public init(level: TokenLevel, tokens: some Sequence<String>) {
        self.init(level: level, uniqueSortedSymbols: Self.sortedByCodePoint(Set(tokens.lazy.map(ExactString.init))))
    }

    /// Restores a vocabulary from its symbols (e.g. read from a checkpoint).
    /// - Throws: `RNNKitError` if `symbols` is empty, repeats a symbol, is not sorted by code
    ///   point, or (at char level) holds a symbol that is not exactly one Unicode scalar.
    public init(level: TokenLevel, symbols: [String]) throws {
        guard !symbols.isEmpty else { throw RNNKitError("the vocabulary is empty") }
        guard Self.sortedByCodePoint(Set(symbols.map(ExactString.init))).elementsEqual(symbols, by: { $0.utf8.elementsEqual($1.utf8) }) else {
            throw RNNKitError("the vocabulary's symbols are repeated or not sorted by code point")
        }
        if level == .char, let bad = symbols.first(where: { $0.unicodeScalars.count != 1 }) {
            throw RNNKitError("the character vocabulary holds '\(bad)', which is not one character")
        }
        self.init(level: level, uniqueSortedSymbols: symbols)
    }

    private init(level: TokenLevel, uniqueSortedSymbols symbols: [String]) {
        self.level = level
        self.symbols = symbols
        index = Dictionary(uniqueKeysWithValues: symbols.enumerated().map { (ExactString($1), $0) })
    }

    /// Whether two vocabularies have the same level and exactly the same symbols.
    public static func == (a: Vocabulary, b: Vocabulary) -> Bool {
        a.level == b.level && a.symbols.elementsEqual(b.symbols) { $0.utf8.elementsEqual($1.utf8) }
    }

    /// V, the number of symbols.
    public var count: Int { symbols.count }

    /// The id of `symbol`, or nil if the vocabulary does not have it.
    public func id(of symbol: String) -> Int? { index[ExactString(symbol)] }

    /// The id of `<unk>`, if the vocabulary has it.
    public var unknownID: Int? { index[ExactString(Self.unknown)] }

    /// The ids of `tokens`.
    /// - Parameters:
    ///   - tokens: the symbols to look up.
    ///   - mapUnknown: map a token the vocabulary lacks to `<unk>` (when it has one)
    ///     instead of throwing; `unknownCount` then says how many were mapped.
    /// - Throws: `RNNKitError` naming the first unknown token (and its code point at char level).
    public func encode(_ tokens: [String], mapUnknown: Bool = false) throws -> (ids: [Int], unknownCount: Int) {
        var ids = [Int](), unknown = 0
        ids.reserveCapacity(tokens.count)
        let fallback = mapUnknown ? unknownID : nil
        for token in tokens {
            if let id = index[ExactString(token)] {
                ids.append(id)
            } else if let fallback {
                ids.append(fallback)
                unknown += 1
            } else {
                throw RNNKitError("\(describe(token)) is not in the model's vocabulary of \(count) \(level == .char ? "characters" : "words")")
            }
        }
        return (ids, unknown)
    }

    /// The ids of `tokens`; throws on the first unknown token.
    public func encode(_ tokens: [String]) throws -> [Int] {
        try encode(tokens, mapUnknown: false).ids
    }

    /// The text of `ids`: concatenated at char level; at word level words joined by spaces,
    /// with `<eos>` written as a line break.
    public func decode(_ ids: [Int]) -> String {
        switch level {
        case .char:
            return ids.map { symbols[$0] }.joined()
        case .word:
            var out = "", lineStart = true
            for id in ids {
                let s = symbols[id]
                if s == Self.endOfLine { out += "\n"; lineStart = true; continue }
                if !lineStart { out += " " }
                out += s
                lineStart = false
            }
            return out
        }
    }

    /// A token for an error message: quoted, with its code point at char level.
    public func describe(_ token: String) -> String {
        guard level == .char, let s = token.unicodeScalars.first else { return "'\(token)'" }
        let hex = String(s.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let printable = s.value >= 0x20 && s.value != 0x7F
        return printable ? "'\(token)' (\(code))" : code
    }

    /// Strings sorted as Python sorts them: lexicographically by code point.
    static func sortedByCodePoint(_ strings: Set<ExactString>) -> [String] {
        strings.map(\.string).sorted { a, b in
            a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
        }
    }
}

/// A string compared and hashed by its exact code points, as Python compares strings. (Swift's
/// `String` equality is canonical equivalence, which would merge "é" and "e\u{301}", or the
/// Ångström sign and Å, into one symbol.)
struct ExactString: Hashable {
    let string: String
    init(_ string: String) { self.string = string }
    static func == (a: ExactString, b: ExactString) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }
    func hash(into hasher: inout Hasher) {
        for byte in string.utf8 { hasher.combine(byte) }
    }
}
