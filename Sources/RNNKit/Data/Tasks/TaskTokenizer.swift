// Cutting one example's text into tokens as torch_tasks.py does:
//
//   word        Python's text.split(): runs of whitespace separate words
//   character   Python's list(text): one token per Unicode scalar, whitespace included
//
// with an optional Python text.lower() first (Swift's lowercased(), which agrees with it on
// the text RNNKit's tasks read).

/// How an example's text is cut into tokens.
public enum TextUnit: String, Codable, Sendable, CaseIterable {
    /// Whitespace-separated words (Python's `str.split()` with no argument).
    case word
    /// One token per Unicode scalar, spaces included (Python's `list(text)`).
    case character
}

/// Cuts the text of one example into tokens.
public enum TaskTokenizer {
    /// The tokens of `text`.
    /// - Parameters:
    ///   - text: the text of one example.
    ///   - unit: words or characters.
    ///   - lowercase: lowercase the text first (Python's `text.lower()`).
    public static func tokens(of text: some StringProtocol, unit: TextUnit, lowercase: Bool) -> [String] {
        let text = lowercase ? text.lowercased() : String(text)
        switch unit {
        case .word: return Tokenizer.words(of: text[...].unicodeScalars)
        case .character: return text.unicodeScalars.map { String($0) }
        }
    }
}
