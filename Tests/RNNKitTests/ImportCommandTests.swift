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

    /// A language model's weights as PyTorch lists them (a tied decoder under both names) plus
    /// its configuration and vocabulary: the imported folder scores texts exactly as the original.
    @Test func importedLanguageModelScoresAsTheOriginal() throws {
        let folder = TemporaryFolder("import-lm")
        let corpus = try folder.write("corpus.txt", GeneratedCorpus.text(characters: 3_000, seed: 2))
        let original = folder.file("original")
        let trained = try RNNTool.run(["train", "--text", corpus, "--hidden", "8", "--embed", "8", "--tie", "--batch", "4",
                                       "--bptt", "8", "--max-steps", "3", "--sample-length", "0", "--out", original])
        #expect(trained.status == 0, "\(trained.stderr)")
        let best = try SafetensorsFile(contentsOf: RunDirectory(original).bestPath)
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        for name in best.names { try writer.add(name, try best.tensor(name) as Tensor<Float>) }
        try writer.add("decoder.weight", try best.tensor("embedding.weight") as Tensor<Float>)
        let weights = folder.file("state_dict.safetensors")
        try writer.write(to: weights)
        let vocabulary = try JSONValue.parse(Array(best.metadata["vocabulary"]!.utf8))["symbols"]!
        let vocabularyFile = try folder.write("vocab.json", vocabulary.serialized)
        let imported = folder.file("imported")
        let result = try RNNTool.run(["import", "language-model", "--weights", weights, "--config", best.metadata["model"]!,
                                      "--vocabulary", vocabularyFile, "--level", "char", "--out", imported])
        #expect(result.status == 0, "\(result.stderr)")
        let texts = ["ANNA: We must sleep.", "The bell rings near the harbour."]
        let a = try RNNTool.run(["score", "--model", original] + texts), b = try RNNTool.run(["score", "--model", imported] + texts)
        #expect(a.status == 0 && b.status == 0 && !a.stdout.isEmpty)
        #expect(a.stdout == b.stdout)
        try BadInputTests.expectError(["import", "language-model", "--weights", weights, "--config", best.metadata["model"]!,
                                       "--vocabulary", vocabularyFile, "--level", "char", "--out", folder.file("x"),
                                       "--labels", vocabularyFile], "--labels does not apply")
    }
}
