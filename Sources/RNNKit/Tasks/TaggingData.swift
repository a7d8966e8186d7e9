/// The sentences of a sequence-tagging run (CoNLL columns): training, validation and optional
/// test sentences, and where they came from.
public struct TaggingData: Sendable {
    /// The training sentences.
    public var train: [TaggedSentence]
    /// The validation sentences.
    public var valid: [TaggedSentence]
    /// The test sentences, if a test file was given.
    public var test: [TaggedSentence]?
    /// Where each part came from, with a fingerprint of the texts.
    public var sources: TextTaskSources

    /// The seed of the built-in generated data set.
    public static let generatedSeed: UInt64 = 2026

    /// Reads the files (strict UTF-8; `tagColumn` 1-based, nil = last); without `train`, the
    /// built-in generated chunking sentences (`GeneratedTaskData.tagging`). Without `valid`,
    /// the last `validFraction` of the training sentences validate. Words are lowercased when
    /// the settings say so.
    /// - Throws: `RNNKitError` naming the file and line of anything malformed, or a split that
    ///   would leave a part empty.
    public static func load(train: String?, valid: String?, test: String?, tagColumn: Int?,
                            settings: TextTaskSettings) throws -> TaggingData {
        func read(_ text: String, _ path: String) throws -> [TaggedSentence] {
            let sentences = try ConllFile.parse(text: text, path: path, tagColumn: tagColumn, lowercase: settings.lowercase)
            guard !sentences.isEmpty else { throw RNNKitError("'\(path)' holds no sentences") }
            guard settings.unit == .word else { throw RNNKitError("tagging reads words (one per line); character units do not apply") }
            return sentences
        }
        let trainText = try train.map(TextFile.read) ?? GeneratedTaskData.tagging(seed: generatedSeed)
        let all = try read(trainText, train ?? "(generated chunking sentences)")
        var texts = [trainText]
        var data: TaggingData
        if let valid {
            let text = try TextFile.read(valid)
            texts.append(text)
            data = TaggingData(train: all, valid: try read(text, valid), test: nil,
                               sources: TextTaskSources(train: train, valid: valid, test: test, texts: []))
        } else {
            let (t, v) = try TextTaskSources.split(all, validFraction: settings.validFraction, what: "sentences")
            data = TaggingData(train: t, valid: v, test: nil, sources: TextTaskSources(train: train, valid: nil, test: test, texts: []))
        }
        if let test {
            let text = try TextFile.read(test)
            texts.append(text)
            data.test = try read(text, test)
        }
        data.sources = TextTaskSources(train: train, valid: valid, test: test, texts: texts)
        return data
    }
}

/// One encoded sentence: token ids, tag ids (−100 for a tag the training data lacks) and the
/// gold tags as written (what chunk F1 compares).
struct EncodedSentence {
    var ids: [Int]
    var tags: [Int]
    var gold: [String]
}
