/// The symbols of one side (source or target) of a sequence-to-sequence model, each with its
/// id: the specials `<pad>` = 0, `<unk>` = 1, `<bos>` = 2, `<eos>` = 3, then every symbol seen
/// at least `minCount` times in the training sequences, sorted by code point — as `build_vocab`
/// with `SPECIALS_SEQ` in ../shared/bench/torch_tasks.py builds it, so the same files give
/// PyTorch's ids. (A special written literally in the data keeps its special id and is not
/// listed twice, as in `TaskVocabulary`.)
///
/// ```swift
/// let vocabulary = Seq2SeqVocabulary(counting: [["c", "a"], ["b", "a"]])
/// // symbols ["<pad>", "<unk>", "<bos>", "<eos>", "a", "b", "c"]
/// vocabulary.encode(["a", "z"])          // [4, 1]
/// vocabulary.decode([6, 4, 3, 5])        // ["c", "a"]: stops at <eos>
/// ```
///
/// In a checkpoint a vocabulary is its `symbols`, a JSON array of strings;
/// `init(symbols:)` rebuilds it and checks it.
public struct Seq2SeqVocabulary: Equatable, Sendable {
    /// The padding id: filler beyond a sequence's end, ignored by the loss.
    public static let paddingID = 0
    /// The id of `<unk>`, which every symbol the vocabulary lacks maps to.
    public static let unknownID = 1
    /// The id of `<bos>`, the decoder's first input.
    public static let beginID = 2
    /// The id of `<eos>`, which ends every target sequence.
    public static let endID = 3
    /// The special symbols in id order: `<pad>`, `<unk>`, `<bos>`, `<eos>`.
    public static let specials = ["<pad>", "<unk>", "<bos>", "<eos>"]

    private let base: TaskVocabulary

    /// Builds the vocabulary of `sequences`: the specials, then every other symbol seen at least
    /// `minCount` times, sorted by code point.
    /// - Precondition: `minCount >= 1`.
    public init(counting sequences: [[String]], minCount: Int = 1) {
        precondition(minCount >= 1, "the minimum count must be at least 1")
        base = TaskVocabulary(counting: sequences, minCount: minCount, specials: Self.specials)
    }

    /// Restores a vocabulary from its symbols (e.g. read from a checkpoint).
    /// - Throws: `RNNKitError` if `symbols` does not start with the four specials in order,
    ///   repeats a symbol, or does not list the other symbols sorted by code point.
    public init(symbols: [String]) throws {
        base = try TaskVocabulary(symbols: symbols, specials: Self.specials)
    }

    /// The symbols by id: the four specials, then the counted symbols sorted by code point.
    public var symbols: [String] { base.symbols }

    /// V, the number of symbols, specials included.
    public var count: Int { base.count }

    /// The id of `symbol`, or nil if the vocabulary does not have it.
    public func id(of symbol: String) -> Int? { base.id(of: symbol) }

    /// The symbol with id `id`.
    /// - Precondition: `0 <= id < count`.
    public func symbol(of id: Int) -> String { base.symbol(of: id) }

    /// The ids of `tokens`, a symbol the vocabulary lacks mapped to `<unk>` (Python's
    /// `[stoi.get(s, UNK) for s in seq]`). No `<bos>` or `<eos>` is added.
    public func encode(_ tokens: [String]) -> [Int] { base.encode(tokens) }

    /// How many of `tokens` the vocabulary lacks (they encode as `<unk>`).
    public func unknownCount(_ tokens: [String]) -> Int { base.unknownCount(tokens) }

    /// The symbols of a decoded id sequence: everything before the first `<eos>`, with `<pad>`
    /// and `<bos>` dropped. `<unk>` is kept (written `<unk>`), so an output the model could not
    /// name is visible and never matches a reference by vanishing — as the PyTorch twin's exact
    /// match compares `[tgt_itos[k] for k in ids]`.
    /// - Precondition: every id before the first `<eos>` is in `0..<count`.
    public func decode(_ ids: [Int]) -> [String] {
        var out: [String] = []
        for id in ids {
            if id == Self.endID { break }
            if id == Self.paddingID || id == Self.beginID { continue }
            out.append(base.symbol(of: id))
        }
        return out
    }

    /// The symbols as JSON (a checkpoint's record of the vocabulary).
    var json: JSONValue { .array(symbols.map(JSONValue.string)) }

    /// Reads and checks a vocabulary written by `json`; `context` names it in errors.
    init(json: JSONValue, context: String) throws {
        do {
            try self.init(symbols: JSONFields.strings(json, context))
        } catch let error as RNNKitError {
            throw RNNKitError(error.message.hasPrefix(context) ? error.message : "\(context): \(error.message)")
        }
    }
}
