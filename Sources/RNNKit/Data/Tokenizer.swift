// Cutting text into tokens the way PyTorch's word_language_model example and
// ../shared/bench/torch_lm.py do, so that the same file gives the same token ids:
//
//   char level   Python's list(text): one token per Unicode scalar (code point)
//   word level   for line in text.splitlines(): line.split() + ["<eos>"]
//
// Files are read as Python's open(path, encoding="utf-8") reads them (universal newlines),
// see `TextFile`.

/// How text is cut into tokens.
public enum TokenLevel: String, Codable, Sendable, CaseIterable {
    /// One token per Unicode scalar (Python's `list(text)`).
    case char
    /// Whitespace-separated words, with `<eos>` closing every line (Python's `line.split()`
    /// for each line of `text.splitlines()`).
    case word

    /// The token that ends a line: `"\n"` at char level, `"<eos>"` at word level.
    public var lineEnd: String { self == .char ? "\n" : Vocabulary.endOfLine }
}

/// Cuts text into tokens.
public enum Tokenizer {
    /// The tokens of `text` at `level`.
    ///
    /// - char: every Unicode scalar as a one-scalar string, in order.
    /// - word: each line's whitespace-separated words followed by `<eos>`; lines are split as
    ///   Python's `str.splitlines()` splits them (a final line break adds no empty line).
    public static func tokens(of text: String, level: TokenLevel) -> [String] {
        switch level {
        case .char:
            return text.unicodeScalars.map { String($0) }
        case .word:
            var tokens: [String] = []
            for line in lines(of: text) {
                tokens += words(of: line)
                tokens.append(Vocabulary.endOfLine)
            }
            return tokens
        }
    }

    /// The lines of `text` without their line breaks: Python's `str.splitlines()`, which breaks
    /// at \n, \r, \r\n, \v, \f, \x1c, \x1d, \x1e, \x85, U+2028 and U+2029.
    public static func lines(of text: String) -> [Substring.UnicodeScalarView] {
        let scalars = text.unicodeScalars
        var lines: [Substring.UnicodeScalarView] = []
        var start = scalars.startIndex, i = start
        while i < scalars.endIndex {
            let s = scalars[i]
            if isLineBoundary(s) {
                lines.append(scalars[start..<i])
                var next = scalars.index(after: i)
                if s == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                start = next
                i = next
            } else {
                i = scalars.index(after: i)
            }
        }
        if start < scalars.endIndex { lines.append(scalars[start...]) }
        return lines
    }

    /// The whitespace-separated words of one line: Python's `str.split()` with no argument.
    public static func words(of line: Substring.UnicodeScalarView) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for s in line {
            if isWhitespace(s) {
                if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// Whether Python's `splitlines()` breaks a line at `s`.
    static func isLineBoundary(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Whether Python's `str.isspace()` holds for `s` (what `str.split()` splits at).
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// Where the first token equal to `token` occurs in `text` at `level`, as 1-based
    /// (line, column) with columns counted in Unicode scalars; nil if it does not occur.
    /// Used to point at an unknown symbol in an error message.
    public static func location(of token: String, in text: String, level: TokenLevel) -> (line: Int, column: Int)? {
        for (n, line) in lines(of: text).enumerated() {
            switch level {
            case .char:
                if let target = token.unicodeScalars.first, let i = line.firstIndex(of: target) {
                    return (n + 1, line.distance(from: line.startIndex, to: i) + 1)
                }
            case .word:
                var column = 1, inWord = false, start = 1
                var current = String.UnicodeScalarView()
                for s in line {
                    if isWhitespace(s) {
                        if inWord && String(current) == token { return (n + 1, start) }
                        inWord = false; current = String.UnicodeScalarView()
                    } else {
                        if !inWord { inWord = true; start = column }
                        current.append(s)
                    }
                    column += 1
                }
                if inWord && String(current) == token { return (n + 1, start) }
            }
        }
        return nil
    }
}
