import Foundation
import Testing
@testable import RNNKit

/// `rnn classify` and `rnn tag` end to end on small generated files: train, predict, eval, and
/// one clear error line for each kind of bad input, leaving the run folder intact.
@Suite(.serialized) struct TaskCommandTests {
    static let tiny = ["--embed", "8", "--hidden", "8", "--batch", "16", "--epochs", "2", "--log-every", "1000"]

    @Test func classifyTrainPredictEval() throws {
        let folder = TemporaryFolder("classify-cli")
        let train = try folder.write("train.tsv", GeneratedTaskData.classification(examples: 200, seed: 8))
        let test = try folder.write("test.tsv", GeneratedTaskData.classification(examples: 40, seed: 9))
        let out = folder.file("run")
        let trained = try RNNTool.run(["classify", "train", "--train", train, "--test", test, "--out", out, "--bidirectional",
                                       "--pooling", "mean"] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        let metrics = RunDirectory(out).readTaskMetrics()
        #expect(metrics.count == 3 && metrics.last?.test?.metrics.first?.name == "accuracy")
        #expect(metrics[0].validMetrics.map(\.name) == ["accuracy", "macro_f1"])

        let predicted = try RNNTool.run(["classify", "predict", "--model", out, "what a wonderful film", "a dull , tedious mess"])
        #expect(predicted.status == 0)
        let lines = predicted.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines.allSatisfy { $0.hasPrefix("pos\t") || $0.hasPrefix("neg\t") })

        let evaluated = try RNNTool.run(["classify", "eval", "--model", out, "--data", test])
        #expect(evaluated.status == 0)
        let json = try JSONValue.parse(Array(evaluated.stdout.utf8))
        #expect(json["accuracy"] != nil && json["macro_f1"] != nil && json["confusion"] != nil && json["examples"] == .integer(40))

        // Bad input: one line, non-zero exit, the run untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: RunDirectory(out).bestPath))
        let noTab = try folder.write("notab.tsv", "pos\tgood\nneg bad film\n")
        try BadInputTests.expectError(["classify", "eval", "--model", out, "--data", noTab], "notab.tsv' line 2: no tab")
        let unseen = try folder.write("unseen.tsv", "pos\tgood\nmeh\tso so\n")
        try BadInputTests.expectError(["classify", "eval", "--model", out, "--data", unseen], "line 2: the label 'meh' does not occur")
        try BadInputTests.expectError(["classify", "train", "--train", train, "--out", out] + Self.tiny, "already holds a training run")
        try BadInputTests.expectError(["classify", "train", "--out", out, "--resume", "--hidden", "9"], "a resumed run keeps")
        try BadInputTests.expectError(["classify", "train", "--train", train, "--valid", test, "--valid-fraction", "0.2",
                                       "--out", folder.file("x")], "contradict")
        try BadInputTests.expectError(["tag", "predict", "--model", out], "holds a sequence-classifier model, not a sequence-tagger")
        try BadInputTests.expectError(["classify", "train", "--train", folder.file("missing.tsv"), "--out", folder.file("y")], "missing.tsv")
        #expect(try Data(contentsOf: URL(fileURLWithPath: RunDirectory(out).bestPath)) == before)
        #expect(!FileManager.default.fileExists(atPath: folder.file("x")) && !FileManager.default.fileExists(atPath: folder.file("y")))
    }

    @Test func tagTrainPredictEval() throws {
        let folder = TemporaryFolder("tag-cli")
        let train = try folder.write("train.txt", GeneratedTaskData.tagging(sentences: 150, seed: 8))
        let out = folder.file("run")
        let trained = try RNNTool.run(["tag", "train", "--train", train, "--out", out] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(RunDirectory(out).readTaskMetrics().first?.validMetrics.first?.name == "f1")

        let input = try folder.write("words.txt", "the\nman\nsaw\nthe\ndog\n\nthey\nrun\n")
        let predicted = try RNNTool.run(["tag", "predict", "--model", out, "--input", input])
        #expect(predicted.status == 0)
        let rows = predicted.stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(rows.count == 7 && rows.allSatisfy { $0.split(separator: "\t").count == 2 })

        let evaluated = try RNNTool.run(["tag", "eval", "--model", out, "--data", train])
        #expect(evaluated.status == 0)
        let json = try JSONValue.parse(Array(evaluated.stdout.utf8))
        for key in ["f1", "accuracy", "precision", "recall", "f1_by_type"] { #expect(json[key] != nil, "\(key)") }

        let short = try folder.write("short.txt", "the DT B-NP\nman\n")
        try BadInputTests.expectError(["tag", "eval", "--model", out, "--data", short, "--tag-column", "3"], "short.txt' line 2")
        let unseen = try folder.write("unseen.txt", "the DT B-NP\nman NN B-XYZ\n")
        try BadInputTests.expectError(["tag", "eval", "--model", out, "--data", unseen], "the tag 'B-XYZ' was never seen")
    }
}
