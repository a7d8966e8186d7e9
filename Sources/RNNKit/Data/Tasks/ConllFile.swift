/// One sentence of a tagging task: its words and one tag per word.
public struct TaggedSentence: Equatable, Sendable {
    /// The words, in order (lowercased if the reader was asked to).
    public var words: [String]
    /// The tags, one per word (e.g. `B-NP`, `I-NP`, `O`).
    public var tags: [String]

    /// Creates a sentence.
    /// - Precondition: `words.count == tags.count`.
    public init(words: [String], tags: [String]) {
        precondition(words.count == tags.count, "a tagged sentence needs one tag per word")
        self.words = words
        self.tags = tags
    }
}

/// Reading CoNLL-style column files (CoNLL-2000 chunking, CoNLL-2003 NER): one token per line,
/// whitespace-separated columns with the word first, a blank line between sentences, as
/// `read_conll` in ../shared/bench/torch_tasks.py reads them.
///
/// ```text
/// He        PRP  B-NP
/// reckons   VBZ  B-VP
///
/// Rockwell  NNP  B-NP
/// ```
///
/// Several blank lines in a row separate one pair of sentences; the last sentence needs no
/// blank line after it. Lines may have different numbers of columns. Files are read with
/// `TextFile` (strict UTF-8, universal newlines) and cut into lines at line feeds, as Python
/// iterates over a file; columns are split as Python's `str.split()` splits them.
public enum ConllFile {
    /// The sentences of the file at `path`.
    /// - Parameters:
    ///   - path: the file to read.
    ///   - tagColumn: the 1-based column holding the tag; nil takes each line's last column.
    ///   - lowercase: lowercase the words (Python's `str.lower()`; tags are kept as written).
    /// - Throws: `RNNKitError` if the file cannot be read, holds no sentences, or has a line
    ///   without a tag column.
    public static func read(_ path: String, tagColumn: Int? = nil, lowercase: Bool) throws -> [TaggedSentence] {
        try parse(text: TextFile.read(path), path: path, tagColumn: tagColumn, lowercase: lowercase)
    }

    /// The sentences of `text`, read as the contents of a file called `path` (used in errors).
    /// - Throws: `RNNKitError` as `read` does, or if `tagColumn` is below 2.
    public static func parse(text: String, path: String, tagColumn: Int? = nil, lowercase: Bool) throws -> [TaggedSentence] {
        if let tagColumn, tagColumn < 2 {
            throw RNNKitError("the tag column is \(tagColumn), but column 1 holds the word: it must be 2 or more")
        }
        var sentences: [TaggedSentence] = []
        var words: [String] = [], tags: [String] = []
        for (number, columns) in lineColumns(of: text) {
            if columns.isEmpty {
                if !words.isEmpty { sentences.append(TaggedSentence(words: words, tags: tags)) }
                words = []; tags = []
                continue
            }
            let column = tagColumn ?? columns.count
            guard columns.count >= column, column >= 2 else {
                let need = tagColumn.map { "\($0) columns" } ?? "a word and a tag"
                throw RNNKitError("'\(path)' line \(number): \(columns.count) column\(columns.count == 1 ? "" : "s"), but the tags need \(need)")
            }
            words.append(lowercase ? columns[0].lowercased() : columns[0])
            tags.append(columns[column - 1])
        }
        if !words.isEmpty { sentences.append(TaggedSentence(words: words, tags: tags)) }
        guard !sentences.isEmpty else { throw RNNKitError("'\(path)' holds no sentences") }
        return sentences
    }

    /// The sentences of an untagged file at `path`, for prediction: the first column of each
    /// line (so a plain one-word-per-line file or a tagged file both work), a blank line between
    /// sentences.
    /// - Throws: `RNNKitError` if the file cannot be read or holds no sentences.
    public static func readWords(_ path: String, lowercase: Bool) throws -> [[String]] {
        try parseWords(text: TextFile.read(path), path: path, lowercase: lowercase)
    }

    /// The sentences of `text` as `readWords` reads them, `path` naming it in errors.
    /// - Throws: `RNNKitError` if `text` holds no sentences.
    public static func parseWords(text: String, path: String, lowercase: Bool) throws -> [[String]] {
        var sentences: [[String]] = [], words: [String] = []
        for (_, columns) in lineColumns(of: text) {
            if let word = columns.first {
                words.append(lowercase ? word.lowercased() : word)
            } else if !words.isEmpty {
                sentences.append(words)
                words = []
            }
        }
        if !words.isEmpty { sentences.append(words) }
        guard !sentences.isEmpty else { throw RNNKitError("'\(path)' holds no sentences") }
        return sentences
    }

    /// CoNLL text for `sentences`: `word tag` on each line, a blank line after each sentence.
    public static func format(_ sentences: [TaggedSentence]) -> String {
        var out = ""
        for sentence in sentences {
            for (word, tag) in zip(sentence.words, sentence.tags) { out += "\(word) \(tag)\n" }
            out += "\n"
        }
        return out
    }

    /// The whitespace-separated columns of each line of `text` (cut at line feeds), with the
    /// line's 1-based number; a blank line has no columns.
    static func lineColumns(of text: String) -> [(number: Int, columns: [String])] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { n, line in
            (n + 1, Tokenizer.words(of: line))
        }
    }
}
