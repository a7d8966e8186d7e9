/// One chunk of a tagged sentence: its type and the 0-based positions of its first and last
/// token. Types compare code point by code point, as conlleval compares them.
public struct Chunk: Hashable, Sendable, CustomStringConvertible {
    /// The chunk type: `NP` for `B-NP`, "" for a tag without a hyphen.
    public let type: String
    /// The position of the first token.
    public let start: Int
    /// The position of the last token (inclusive).
    public let end: Int

    /// Creates a chunk.
    public init(type: String, start: Int, end: Int) {
        self.type = type
        self.start = start
        self.end = end
    }

    /// Whether the chunks have exactly the same type and span.
    public static func == (a: Chunk, b: Chunk) -> Bool {
        a.start == b.start && a.end == b.end && a.type.utf8.elementsEqual(b.type.utf8)
    }

    /// Hashes the span and the type's bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(start)
        hasher.combine(end)
        for byte in type.utf8 { hasher.combine(byte) }
    }

    /// `NP[2...4]`.
    public var description: String { "\(type)[\(start)...\(end)]" }
}

/// Chunk precision, recall and F1 with the semantics of conlleval.pl (the CoNLL-2000 scorer),
/// ported from `conll_chunks` / `conll_scores` in ../shared/bench/torch_tasks.py, plus token
/// accuracy; all in percent, as conlleval prints them.
///
/// A chunk starts at `B-X`, or at `I-X` after `O` or after a tag of another type (IOB1); it
/// ends before the next tag that is not `I-X`. The sentence boundary acts as `O` on both sides.
/// A predicted chunk is correct when type, first and last token all match a gold chunk.
public struct ChunkMetrics: Equatable, Sendable {
    /// The counts of one chunk type.
    public struct TypeCounts: Equatable, Sendable {
        /// Gold chunks of the type.
        public var gold = 0
        /// Predicted chunks of the type.
        public var predicted = 0
        /// Predicted chunks of the type that match a gold one exactly.
        public var correct = 0

        /// Precision, recall and F1 in percent (each 0 when its denominator is 0).
        public var scores: (precision: Double, recall: Double, f1: Double) {
            ChunkMetrics.scores(correct: correct, gold: gold, predicted: predicted)
        }
    }

    /// Tokens scored.
    public private(set) var tokens = 0
    /// Tokens whose predicted tag equals the gold tag.
    public private(set) var correctTokens = 0
    /// Counts over all chunk types.
    public private(set) var total = TypeCounts()
    /// Counts by chunk type (every type found in the gold or the predicted tags).
    public private(set) var byType: [String: TypeCounts] = [:]

    /// Scores the predicted tags of each sentence against its gold tags.
    /// - Throws: `RNNKitError` if the number of sentences, or of tags in a sentence, differ.
    public init(gold: [[String]], predicted: [[String]]) throws {
        guard gold.count == predicted.count else {
            throw RNNKitError("\(gold.count) gold sentences but \(predicted.count) predicted")
        }
        for (n, (g, p)) in zip(gold, predicted).enumerated() {
            guard g.count == p.count else {
                throw RNNKitError("sentence \(n + 1) has \(g.count) gold tags but \(p.count) predicted")
            }
            add(gold: g, predicted: p)
        }
    }

    /// Metrics from counts (e.g. summed over the parts of a split): the tokens scored and
    /// tagged right, the chunk counts over all types, and those of every type found in the gold
    /// or the predicted tags.
    public init(tokens: Int, correctTokens: Int, total: TypeCounts, byType: [String: TypeCounts]) {
        self.tokens = tokens
        self.correctTokens = correctTokens
        self.total = total
        self.byType = byType
    }

    private mutating func add(gold: [String], predicted: [String]) {
        tokens += gold.count
        correctTokens += zip(gold, predicted).reduce(0) { $0 + ($1.0.utf8.elementsEqual($1.1.utf8) ? 1 : 0) }
        let g = Self.chunks(of: gold), p = Self.chunks(of: predicted)
        let hits = g.intersection(p)
        total.gold += g.count; total.predicted += p.count; total.correct += hits.count
        for c in g { byType[c.type, default: TypeCounts()].gold += 1 }
        for c in p { byType[c.type, default: TypeCounts()].predicted += 1 }
        for c in hits { byType[c.type, default: TypeCounts()].correct += 1 }
    }

    /// 100 · correct tokens / tokens; 0 when there are no tokens.
    public var accuracyPercent: Double { tokens == 0 ? 0 : 100 * Double(correctTokens) / Double(tokens) }
    /// 100 · correct chunks / predicted chunks; 0 when nothing was predicted.
    public var precisionPercent: Double { total.scores.precision }
    /// 100 · correct chunks / gold chunks; 0 when there are no gold chunks.
    public var recallPercent: Double { total.scores.recall }
    /// The harmonic mean of precision and recall; 0 when both are 0.
    public var f1Percent: Double { total.scores.f1 }
    /// F1 in percent by chunk type.
    public var f1ByType: [String: Double] { byType.mapValues(\.scores.f1) }

    static func scores(correct: Int, gold: Int, predicted: Int) -> (precision: Double, recall: Double, f1: Double) {
        let precision = predicted > 0 ? 100 * Double(correct) / Double(predicted) : 0
        let recall = gold > 0 ? 100 * Double(correct) / Double(gold) : 0
        let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return (precision, recall, f1)
    }

    // MARK: - Chunks (conlleval.pl)

    /// The chunks of one sentence's tags, as conlleval finds them.
    public static func chunks(of tags: [String]) -> Set<Chunk> {
        var chunks = Set<Chunk>()
        var start: Int? = nil
        var previous = (prefix: "O", type: "")
        for (i, t) in (tags + ["O"]).enumerated() {
            let current = splitTag(t)
            if let s = start, endOfChunk(previous, current) {
                chunks.insert(Chunk(type: previous.type, start: s, end: i - 1))
                start = nil
            }
            if startOfChunk(previous, current) { start = i }
            previous = current
        }
        return chunks
    }

    /// conlleval's split: `B-NP` → (`B`, `NP`), `O` → (`O`, ""), a tag without a hyphen →
    /// (tag, ""); only the first hyphen splits (`B-X-Y` → (`B`, `X-Y`)).
    static func splitTag(_ tag: String) -> (prefix: String, type: String) {
        if tag == "O" { return ("O", "") }
        guard let hyphen = tag.unicodeScalars.firstIndex(of: "-") else { return (tag, "") }
        return (String(tag.unicodeScalars[..<hyphen]), String(tag.unicodeScalars[tag.unicodeScalars.index(after: hyphen)...]))
    }

    private static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// conlleval.pl `endOfChunk`, IOB tags only.
    static func endOfChunk(_ previous: (prefix: String, type: String), _ current: (prefix: String, type: String)) -> Bool {
        ((previous.prefix == "B" || previous.prefix == "I") && (current.prefix == "B" || current.prefix == "O"))
            || (previous.prefix != "O" && !same(previous.type, current.type))
    }

    /// conlleval.pl `startOfChunk`, IOB tags only.
    static func startOfChunk(_ previous: (prefix: String, type: String), _ current: (prefix: String, type: String)) -> Bool {
        current.prefix == "B" || (previous.prefix == "O" && current.prefix == "I")
            || (current.prefix != "O" && !same(previous.type, current.type))
    }
}
