/// One example of a classification task: its label and the tokens of its text.
public struct LabeledExample: Equatable, Sendable {
    /// The label string, exactly as written before the first tab.
    public var label: String
    /// The tokens of the text after the first tab.
    public var tokens: [String]

    /// Creates an example.
    public init(label: String, tokens: [String]) {
        self.label = label
        self.tokens = tokens
    }
}

/// Reading a classification data set: one example per line, `label<TAB>text`, split at the
/// first tab (the label may be any string without a tab; the text may hold more tabs), as
/// `task_classify` in ../shared/bench/torch_tasks.py reads it.
///
/// Files are read with `TextFile` (strict UTF-8, universal newlines) and cut into lines as
/// Python's `str.splitlines()` cuts them. Empty lines at the end of the file are skipped; any
/// other line that breaks the format is an error naming the file and the 1-based line, e.g.
/// `'train.tsv' line 12: no tab between the label and the text`.
public enum LabeledTextFile {
    /// The examples in the file at `path`.
    /// - Parameters:
    ///   - path: the file to read.
    ///   - unit: how each text is cut into tokens.
    ///   - lowercase: lowercase each text before cutting it (labels are kept as written).
    /// - Throws: `RNNKitError` if the file cannot be read, holds no examples, or has a line
    ///   without a tab, with an empty label, or with a text that has no tokens.
    public static func read(_ path: String, unit: TextUnit, lowercase: Bool) throws -> [LabeledExample] {
        try parse(text: TextFile.read(path), path: path, unit: unit, lowercase: lowercase)
    }

    /// The examples in `text`, read as the contents of a file called `path` (used in errors).
    /// - Throws: `RNNKitError` as `read` does.
    public static func parse(text: String, path: String, unit: TextUnit, lowercase: Bool) throws -> [LabeledExample] {
        var examples: [LabeledExample] = []
        for (number, line) in contentLines(of: text) {
            guard let tab = line.firstIndex(of: "\t") else {
                throw RNNKitError("'\(path)' line \(number): no tab between the label and the text")
            }
            let label = String(line[..<tab])
            guard !label.isEmpty else { throw RNNKitError("'\(path)' line \(number): the label is empty") }
            let tokens = TaskTokenizer.tokens(of: String(line[line.index(after: tab)...]), unit: unit, lowercase: lowercase)
            guard !tokens.isEmpty else {
                throw RNNKitError("'\(path)' line \(number): the text has no \(unit == .word ? "words" : "characters")")
            }
            examples.append(LabeledExample(label: label, tokens: tokens))
        }
        guard !examples.isEmpty else { throw RNNKitError("'\(path)' holds no examples") }
        return examples
    }

    /// The texts of an unlabeled file for prediction: one text per line, the whole line.
    /// - Throws: `RNNKitError` if the file cannot be read, holds no texts, or has a line with
    ///   no tokens before its last text.
    public static func readTexts(_ path: String, unit: TextUnit, lowercase: Bool) throws -> [[String]] {
        try parseTexts(text: TextFile.read(path), path: path, unit: unit, lowercase: lowercase)
    }

    /// The texts of `text`, one per line, read as the contents of a file called `path`.
    /// - Throws: `RNNKitError` as `readTexts` does.
    public static func parseTexts(text: String, path: String, unit: TextUnit, lowercase: Bool) throws -> [[String]] {
        var texts: [[String]] = []
        for (number, line) in contentLines(of: text) {
            let tokens = TaskTokenizer.tokens(of: String(line), unit: unit, lowercase: lowercase)
            guard !tokens.isEmpty else {
                throw RNNKitError("'\(path)' line \(number): the text has no \(unit == .word ? "words" : "characters")")
            }
            texts.append(tokens)
        }
        guard !texts.isEmpty else { throw RNNKitError("'\(path)' holds no texts") }
        return texts
    }

    /// The lines of `text` (Python's `splitlines()`) with their 1-based numbers, without the
    /// completely empty lines at the end.
    static func contentLines(of text: String) -> [(number: Int, line: Substring.UnicodeScalarView)] {
        var lines = Tokenizer.lines(of: text)
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.enumerated().map { ($0 + 1, $1) }
    }
}
