// Reading a sequence-to-sequence data set as ../shared/bench/torch_tasks.py reads the morph
// set (`read_symbols`): two files, one sequence per line, line n of the source file paired with
// line n of the target file.
//
//   word        Python's line.split(): runs of whitespace separate symbols
//   character   every Unicode scalar of the line (spaces included), without the line break
//
// Lines are cut as Python's str.splitlines() cuts them; files are strict UTF-8 with universal
// newlines (`TextFile`).

/// A parallel corpus: source sequence i is translated by target sequence i.
///
/// ```swift
/// let data = try ParallelText.read(source: "src.train", target: "tgt.train", unit: .word)
/// let (train, valid) = try data.split(validFraction: 0.1)
/// ```
public struct ParallelText: Equatable, Sendable {
    /// The source sequences, one per line of the source file, each non-empty.
    public var sources: [[String]]
    /// The target sequences, parallel to `sources`, each non-empty.
    public var targets: [[String]]

    /// The largest file `read` accepts, in bytes (64 MiB): a corpus of this size already takes
    /// gigabytes as token strings.
    public static let maxFileBytes = 64 << 20

    /// Pairs `sources[i]` with `targets[i]`.
    /// - Precondition: both hold the same number of sequences.
    public init(sources: [[String]], targets: [[String]]) {
        precondition(sources.count == targets.count, "one target per source")
        self.sources = sources
        self.targets = targets
    }

    /// N, the number of pairs.
    public var count: Int { sources.count }

    /// Reads the pairs of two parallel files.
    /// - Parameters:
    ///   - source: the source file, one sequence per line.
    ///   - target: the target file, with as many lines.
    ///   - unit: words (split on whitespace) or characters (every Unicode scalar of the line).
    /// - Throws: `RNNKitError` if a file is missing, unreadable, empty, larger than
    ///   `maxFileBytes` or not UTF-8, if the files have different numbers of lines, or if a
    ///   line has no tokens (naming the file and the line).
    public static func read(source: String, target: String, unit: TextUnit) throws -> ParallelText {
        try parse(sourceText: readText(source), sourcePath: source,
                  targetText: readText(target), targetPath: target, unit: unit)
    }

    /// The pairs in two texts, read as the contents of the files `sourcePath` and `targetPath`
    /// (used in errors).
    /// - Throws: `RNNKitError` as `read` does.
    public static func parse(sourceText: String, sourcePath: String, targetText: String, targetPath: String,
                             unit: TextUnit) throws -> ParallelText {
        let sourceLines = LabeledTextFile.contentLines(of: sourceText)
        let targetLines = LabeledTextFile.contentLines(of: targetText)
        guard sourceLines.count == targetLines.count else {
            let longer = sourceLines.count > targetLines.count ? "source" : "target"
            throw RNNKitError("the source file '\(sourcePath)' has \(sourceLines.count) lines but the target file "
                              + "'\(targetPath)' has \(targetLines.count): the \(longer) file is longer")
        }
        guard !sourceLines.isEmpty else { throw RNNKitError("'\(sourcePath)' holds no sequences") }
        return ParallelText(sources: try sequences(sourceLines, path: sourcePath, unit: unit),
                            targets: try sequences(targetLines, path: targetPath, unit: unit))
    }

    /// The sequences of the lines of one file, in the same way as `parse` cuts them.
    /// - Throws: `RNNKitError` if the text holds no lines or a line has no tokens.
    public static func sequences(of text: String, path: String, unit: TextUnit) throws -> [[String]] {
        let lines = LabeledTextFile.contentLines(of: text)
        guard !lines.isEmpty else { throw RNNKitError("'\(path)' holds no sequences") }
        return try sequences(lines, path: path, unit: unit)
    }

    /// The last `validFraction` of the pairs in file order validate, the first
    /// ⌊(1 − validFraction)·N⌋ train (as the other tasks and the PyTorch twins cut).
    /// - Throws: `RNNKitError` if the fraction is not strictly between 0 and 1, or a part would
    ///   be empty.
    public func split(validFraction: Double) throws -> (train: ParallelText, valid: ParallelText) {
        guard validFraction > 0 && validFraction < 1 else {
            throw RNNKitError("the validation fraction must be between 0 and 1, got \(validFraction)")
        }
        let (train, valid) = try TextTaskSources.split(Array(zip(sources, targets)), validFraction: validFraction,
                                                       what: "pairs")
        return (ParallelText(sources: train.map(\.0), targets: train.map(\.1)),
                ParallelText(sources: valid.map(\.0), targets: valid.map(\.1)))
    }

    /// The text of the file at `path`, refused above `maxFileBytes`.
    static func readText(_ path: String) throws -> String {
        let bytes = try FileIO.readAll(path, maxBytes: maxFileBytes)
        guard !bytes.isEmpty else { throw RNNKitError("'\(path)' is empty") }
        do {
            return try TextFile.decode(bytes)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(path)': \(error.message)")
        }
    }

    private static func sequences(_ lines: [(number: Int, line: Substring.UnicodeScalarView)], path: String,
                                  unit: TextUnit) throws -> [[String]] {
        try lines.map { number, line in
            let tokens = TaskTokenizer.tokens(of: String(line), unit: unit, lowercase: false)
            guard !tokens.isEmpty else {
                throw RNNKitError("'\(path)' line \(number): the line is empty (no \(unit == .word ? "words" : "characters"))")
            }
            return tokens
        }
    }
}
