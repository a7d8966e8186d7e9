/// Where a language model's text comes from and how it is cut into tokens.
public struct TextSources: Equatable, Sendable {
    /// The training text file; nil means RNNKit's own generated corpus (`GeneratedCorpus`).
    public var train: String?
    /// A validation text file; nil means the last `validFraction` of the training text.
    public var valid: String?
    /// A test text file, evaluated once at the end with the best model.
    public var test: String?
    /// The share of the training text held out for validation when `valid` is nil, in (0, 1).
    public var validFraction: Double
    /// Characters or words.
    public var level: TokenLevel

    /// Creates a description of the texts.
    public init(train: String? = nil, valid: String? = nil, test: String? = nil,
                validFraction: Double = 0.1, level: TokenLevel = .char) {
        self.train = train
        self.valid = valid
        self.test = test
        self.validFraction = validFraction
        self.level = level
    }

    /// The size of the built-in corpus used when `train` is nil, in characters.
    public static let builtInCorpusCharacters = 200_000
}

/// The token streams of a language-model run, as PyTorch's word_language_model `Corpus` and
/// ../shared/bench/torch_lm.py build them: the vocabulary is every symbol of the file(s)
/// sorted by code point; without a validation file the first 1 − `validFraction` of the
/// training tokens train and the rest validate (`cut = ⌊count · (1 − fraction)⌋`).
public struct LanguageModelData: Sendable {
    /// Where the text came from.
    public let sources: TextSources
    /// Every symbol of the text(s), sorted.
    public let vocabulary: Vocabulary
    /// The training token ids.
    public let train: [Int]
    /// The validation token ids.
    public let valid: [Int]
    /// The test token ids, if a test file was given.
    public let test: [Int]?

    /// Reads, tokenizes and splits the texts.
    /// - Throws: `RNNKitError` for a missing, unreadable, empty or non-UTF-8 file, a fraction
    ///   outside (0, 1), or a split that leaves no validation or training tokens.
    public static func load(_ sources: TextSources) throws -> LanguageModelData {
        guard sources.validFraction > 0 && sources.validFraction < 1 else {
            throw RNNKitError("the validation fraction must be between 0 and 1 (exclusive), got \(sources.validFraction)")
        }
        let trainText = try sources.train.map(TextFile.read)
            ?? GeneratedCorpus.text(characters: TextSources.builtInCorpusCharacters)
        let trainTokens = Tokenizer.tokens(of: trainText, level: sources.level)
        let validTokens = try sources.valid.map { Tokenizer.tokens(of: try TextFile.read($0), level: sources.level) }
        let testTokens = try sources.test.map { Tokenizer.tokens(of: try TextFile.read($0), level: sources.level) }
        let name = sources.train.map { "'\($0)'" } ?? "the built-in corpus"
        guard !trainTokens.isEmpty else { throw RNNKitError("\(name) has no \(sources.level == .char ? "characters" : "words")") }
        let vocabulary = Vocabulary(level: sources.level, tokens: trainTokens + (validTokens ?? []) + (testTokens ?? []))
        let ids = try vocabulary.encode(trainTokens)
        var train = ids, valid: [Int]
        if let validTokens {
            valid = try vocabulary.encode(validTokens)
        } else {
            let cut = Int(Double(ids.count) * (1 - sources.validFraction))
            train = Array(ids[..<cut])
            valid = Array(ids[cut...])
        }
        return LanguageModelData(sources: sources, vocabulary: vocabulary, train: train, valid: valid,
                                 test: try testTokens.map { try vocabulary.encode($0) })
    }

    /// Creates the streams directly (for tests and programs that tokenize themselves).
    public init(sources: TextSources, vocabulary: Vocabulary, train: [Int], valid: [Int], test: [Int]?) {
        self.sources = sources
        self.vocabulary = vocabulary
        self.train = train
        self.valid = valid
        self.test = test
    }

    /// A checksum of the vocabulary and all token streams: a resumed run checks that it reads
    /// exactly the data the run started with.
    public var fingerprint: String {
        var crc = CRC32()
        crc.update(Array(vocabulary.symbols.joined(separator: "\u{0}").utf8))
        for stream in [train, valid, test ?? []] {
            crc.update(integers: [stream.count])
            crc.update(integers: stream)
        }
        return crc.hex
    }
}
