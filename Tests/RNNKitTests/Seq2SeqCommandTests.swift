import Foundation
import Testing
@testable import RNNKit

/// `rnn seq2seq` end to end on small generated files: train (with scheduled sampling), translate
/// greedy and with a beam and an attention map, eval, and one clear error line for each kind of
/// bad input, leaving the run folder intact.
@Suite(.serialized) struct Seq2SeqCommandTests {
    static let tiny = ["--embed", "8", "--hidden", "16", "--batch", "16", "--log-every", "1000"]

    @Test func trainTranslateEval() throws {
        let folder = TemporaryFolder("seq2seq-cli")
        let pairs = GeneratedDates.pairs(count: 120, seed: 4)
        let source = try folder.write("src.txt", pairs.map(\.source).joined(separator: "\n") + "\n")
        let target = try folder.write("tgt.txt", pairs.map(\.target).joined(separator: "\n") + "\n")
        let out = folder.file("run")
        let trained = try RNNTool.run(["seq2seq", "train", "--source", source, "--target", target, "--level", "char",
                                       "--attention", "bahdanau", "--score", "additive", "--scheduled-sampling", "inverse-sigmoid",
                                       "--ss-k", "5", "--ss-sample", "--steps", "12", "--eval-every", "6", "--out", out] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        let metrics = RunDirectory(out).readTaskMetrics()
        #expect(metrics.count >= 2 && metrics[0].validMetrics.map(\.name) == ["exact_match", "token_accuracy", "teacher_forcing"])
        let eps = metrics.map { $0.validMetrics[2].value }
        #expect(eps[0] < 5.0 / 6 && eps[0] > eps[1], "ε_i = k / (k + exp(i/k)) falls: \(eps)")

        let greedy = try RNNTool.run(["seq2seq", "translate", "--model", out, "3 march 1997", "12/25/49"])
        #expect(greedy.status == 0, "\(greedy.stderr)")
        #expect(greedy.stdout.split(separator: "\n", omittingEmptySubsequences: false).count == 3)
        let map = folder.file("map.svg")
        let beam = try RNNTool.run(["seq2seq", "translate", "--model", out, "--beam", "3", "--n-best", "2", "--length-penalty", "wu",
                                    "--attention-map", map, "3 march 1997"])
        #expect(beam.status == 0, "\(beam.stderr)")
        let lines = beam.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains("\t") })
        #expect(FileManager.default.fileExists(atPath: map))

        let evaluated = try RNNTool.run(["seq2seq", "eval", "--model", out, "--source", source, "--target", target, "--beam", "2"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let json = try JSONValue.parse(Array(evaluated.stdout.utf8))
        #expect(json["exact_match"] != nil && json["token_accuracy"] != nil && json["bleu"] != nil && json["count"] == .integer(120))

        // Bad input: one line, non-zero exit, the run untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: RunDirectory(out).bestPath))
        let short = try folder.write("short.txt", "a\nb\n")
        try BadInputTests.expectError(["seq2seq", "eval", "--model", out, "--source", source, "--target", short], "longer")
        let blank = try folder.write("blank.txt", "a b\n\nc\n")
        try BadInputTests.expectError(["seq2seq", "train", "--source", blank, "--target", blank, "--out", folder.file("x")], "line 2")
        try BadInputTests.expectError(["seq2seq", "train", "--attention", "luong", "--score", "dot", "--bidirectional",
                                       "--out", folder.file("y")], "dot attention")
        try BadInputTests.expectError(["seq2seq", "translate", "--model", out, "--beam", "0", "x"], "--beam")
        try BadInputTests.expectError(["seq2seq", "translate", "--model", out, "--max-length", "0", "x"], "--max-length")
        try BadInputTests.expectError(["classify", "predict", "--model", out, "x"], "holds a seq2seq model, not a sequence-classifier")
        #expect(try Data(contentsOf: URL(fileURLWithPath: RunDirectory(out).bestPath)) == before)
        #expect(!FileManager.default.fileExists(atPath: folder.file("x")) && !FileManager.default.fileExists(atPath: folder.file("y")))
    }

    /// On the built-in dates, `--max-steps` bounds the run (it once gave way to the 800-step default).
    @Test func maxStepsBoundsTheBuiltInRun() throws {
        let folder = TemporaryFolder("seq2seq-max-steps")
        let out = folder.file("run")
        let trained = try RNNTool.run(["seq2seq", "train", "--max-steps", "2", "--max-length", "12", "--out", out] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(RunDirectory(out).readTaskMetrics().filter { $0.test == nil }.map(\.step) == [2])
    }
}
