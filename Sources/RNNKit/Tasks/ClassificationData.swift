/// The examples of a sentence-classification run: training, validation and optional test
/// examples (`label<TAB>text` lines), and where they came from.
public struct ClassificationData: Sendable {
    /// The training examples.
    public var train: [LabeledExample]
    /// The validation examples.
    public var valid: [LabeledExample]
    /// The test examples, if a test file was given.
    public var test: [LabeledExample]?
    /// Where each part came from, with a fingerprint of the texts.
    public var sources: TextTaskSources
    /// The 1-based file line of the first validation example (for errors naming a line).
    var validFirstLine = 1

    /// The seed of the built-in generated data set.
    public static let generatedSeed: UInt64 = 2026

    /// Reads the files (strict UTF-8); without `train`, the built-in generated reviews
    /// (`GeneratedTaskData.classification`). Without `valid`, the last `validFraction` of the
    /// training examples validate.
    /// - Throws: `RNNKitError` naming the file and line of anything malformed, or a split that
    ///   would leave a part empty.
    public static func load(train: String?, valid: String?, test: String?, settings: TextTaskSettings) throws -> ClassificationData {
        let trainText = try train.map(TextFile.read) ?? GeneratedTaskData.classification(seed: generatedSeed)
        let trainName = train ?? "(generated reviews)"
        let all = try LabeledTextFile.parse(text: trainText, path: trainName, unit: settings.unit, lowercase: settings.lowercase)
        var texts = [trainText]
        var data: ClassificationData
        if let valid {
            let text = try TextFile.read(valid)
            texts.append(text)
            data = ClassificationData(train: all, valid: try LabeledTextFile.parse(text: text, path: valid, unit: settings.unit,
                                                                                  lowercase: settings.lowercase),
                                      test: nil, sources: TextTaskSources(train: train, valid: valid, test: test, texts: []))
        } else {
            let (t, v) = try TextTaskSources.split(all, validFraction: settings.validFraction, what: "examples")
            data = ClassificationData(train: t, valid: v, test: nil, sources: TextTaskSources(train: train, valid: nil, test: test, texts: []))
            data.validFirstLine = t.count + 1
        }
        if let test {
            let text = try TextFile.read(test)
            texts.append(text)
            data.test = try LabeledTextFile.parse(text: text, path: test, unit: settings.unit, lowercase: settings.lowercase)
        }
        data.sources = TextTaskSources(train: train, valid: valid, test: test, texts: texts)
        return data
    }

    /// The label ids of `examples`, refusing a label the training data does not have (naming
    /// the file and line).
    static func labelIDs(_ examples: [LabeledExample], _ labels: LabelSet, file: String, firstLine: Int) throws -> [Int] {
        try examples.enumerated().map { i, example in
            guard let id = labels.id(of: example.label) else {
                throw RNNKitError("'\(file)' line \(firstLine + i): the label '\(example.label)' does not occur in the training data (labels: \(labels.symbols.joined(separator: ", ")))")
            }
            return id
        }
    }
}
