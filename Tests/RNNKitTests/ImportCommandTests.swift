import Foundation
import Testing
@testable import RNNKit

/// `rnn import`: PyTorch's weights of a reference-model fixture, imported with their
/// configuration, give PyTorch's outputs through `TrainedClassifier`/`TrainedTagger`.
@Suite struct ImportCommandTests {
    /// Writes the fixture's parameters alone (a PyTorch state_dict) and the vocabulary and
    /// label files; returns the arguments of `rnn import`.
    static func importArguments(_ fixture: Fixture, kind: String, outputsKey: String, folder: TemporaryFolder) throws -> [String] {
        let config = try fixture.string("config")
        let parsed = try SequenceModelConfiguration(json: try JSONValue.parse(Array(config.utf8)), outputsKey: outputsKey)
        let arena = kind == "classifier" ? try SequenceClassifier<Float>(parsed).arena : try SequenceTagger<Float>(parsed).arena
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        for name in arena.names { try writer.add(name, try fixture.tensor(name)) }
        let weights = folder.file("state_dict.safetensors")
        try writer.write(to: weights)
        let symbols = ["<pad>", "<unk>"] + (2..<parsed.vocabularySize).map { String(format: "w%02d", $0) }
        let vocabulary = try folder.write("vocab.txt", symbols.joined(separator: "\n") + "\n")
        let labels = try folder.write("labels.txt", (0..<parsed.outputs).map { "L\($0)" }.joined(separator: "\n") + "\n")
        return ["import", kind, "--weights", weights, "--config", config, "--vocabulary", vocabulary, "--labels", labels,
                "--out", folder.file("run")]
    }

    @Test func importedClassifierGivesPyTorchsLogits() throws {
        let fixture = try Fixture(fixtureURL("models/03_classifier_lstm_bi_max.safetensors"))
        let folder = TemporaryFolder("import")
        let result = try RNNTool.run(try Self.importArguments(fixture, kind: "classifier", outputsKey: "classes", folder: folder))
        #expect(result.status == 0, "\(result.stderr)")
        let model = try TrainedClassifier.load(folder.file("run"))
        let logits = model.model.forward(tokens: try fixture.intArray("input.tokens"), lengths: try fixture.intArray("input.lengths"))
        expectClose(logits.scalars, try fixture.tensor("output.logits").scalars, "imported logits")
        #expect(model.labels.symbols == ["L0", "L1", "L2", "L3"])
        // A second import into the same folder is refused.
        try BadInputTests.expectError(try Self.importArguments(fixture, kind: "classifier", outputsKey: "classes", folder: folder),
                                      "already holds a model")
    }

    @Test func importedTaggerGivesPyTorchsLogits() throws {
        let fixture = try Fixture(fixtureURL("models/04_tagger_lstm_bi.safetensors"))
        let folder = TemporaryFolder("import-tagger")
        let result = try RNNTool.run(try Self.importArguments(fixture, kind: "tagger", outputsKey: "tags", folder: folder))
        #expect(result.status == 0, "\(result.stderr)")
        let model = try TrainedTagger.load(folder.file("run"))
        let logits = model.model.forward(tokens: try fixture.intArray("input.tokens"), lengths: try fixture.intArray("input.lengths"))
        expectClose(logits.scalars, try fixture.tensor("output.logits").scalars, "imported logits")
    }

    @Test func weightsThatDoNotFitAreRefused() throws {
        let fixture = try Fixture(fixtureURL("models/01_classifier_lstm_last.safetensors"))
        let folder = TemporaryFolder("import-bad")
        var arguments = try Self.importArguments(fixture, kind: "classifier", outputsKey: "classes", folder: folder)
        let config = arguments[arguments.firstIndex(of: "--config")! + 1]
        arguments[arguments.firstIndex(of: "--config")! + 1] = config.replacingOccurrences(of: "\"hidden\": 6", with: "\"hidden\": 7")
        try BadInputTests.expectError(arguments, "does not fit the model")
        arguments[arguments.firstIndex(of: "--config")! + 1] = "{not json"
        try BadInputTests.expectError(arguments, "not valid JSON")
    }
}
