import Foundation
import Testing
@testable import RNNKit

/// Every bad input gives one line on stderr starting with "error:", a non-zero exit, and leaves
/// the files of an existing run untouched.
@Suite struct BadInputTests {
    /// Files to feed the tool: a good text, and the bad ones.
    struct Inputs: Sendable {
        let folder = TemporaryFolder("rnn-bad")
        let good: String, empty: String, badUTF8: String, short: String, foreign: String

        static let shared: Swift.Result<Inputs, Error> = Result { try Inputs() }

        init() throws {
            good = try folder.write("good.txt", GeneratedCorpus.text(characters: 1_500, seed: 3))
            empty = try folder.write("empty.txt", "")
            badUTF8 = try folder.write("bad.txt", bytes: Array("first line\nsecond ".utf8) + [0xC3, 0x28] + Array(" line\n".utf8))
            short = try folder.write("short.txt", "abc")
            foreign = try folder.write("foreign.txt", GeneratedCorpus.text(characters: 200, seed: 3) + "жжж\n")
        }
    }

    static let tiny = ["--hidden", "8", "--embed", "4", "--batch", "4", "--bptt", "8", "--sample-length", "0"]

    /// Runs `arguments` and checks for a one-line error containing `expected`.
    @discardableResult
    static func expectError(_ arguments: [String], _ expected: String,
                            sourceLocation: SourceLocation = #_sourceLocation) throws -> RNNTool.Result {
        let result = try RNNTool.run(arguments, sourceLocation: sourceLocation)
        #expect(result.status != 0, "exit status 0 for \(arguments)", sourceLocation: sourceLocation)
        #expect(result.errorLines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("error: "), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(expected), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    @Test func badTrainingTexts() throws {
        let inputs = try Inputs.shared.get()
        let out = inputs.folder.file("never-created")
        let cases: [(String, String)] = [
            (inputs.folder.file("missing.txt"), "cannot open"),
            (inputs.folder.path, "is not a regular file"),
            (inputs.empty, "is empty"),
            (inputs.badUTF8, "invalid UTF-8 at byte 18 (line 2)"),
            (inputs.short, "too short for one batch"),
        ]
        for (file, expected) in cases {
            try Self.expectError(["train", "--text", file, "--out", out] + Self.tiny, expected)
            try Self.expectError(["train", "--text", inputs.good, "--valid", file, "--out", out] + Self.tiny, expected)
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func invalidOptionCombinations() throws {
        let inputs = try Inputs.shared.get()
        let base = ["train", "--text", inputs.good, "--out", inputs.folder.file("never-created")]
        try Self.expectError(base + ["--tie", "--embed", "16", "--hidden", "32"], "--tie needs --embed equal to --hidden")
        try Self.expectError(base + ["--bptt", "10", "--update-every", "20"], "--update-every 20 must not exceed --bptt 10")
        try Self.expectError(base + ["--valid-fraction", "1.5"], "--valid-fraction")
        try Self.expectError(base + ["--dropout", "1"], "--dropout")
        try Self.expectError(base + ["--cell", "transformer"], "transformer")
        try Self.expectError(["sample", "--model", inputs.folder.path, "--temperature=-1"], "--temperature")
        try Self.expectError(base + ["--lr-min", "0.001"], "--lr-min needs --lr-schedule cosine")
        try Self.expectError(base + ["--lr-schedule", "cosine", "--lr-gamma", "0.5"], "--lr-gamma needs --lr-schedule step")
        try Self.expectError(base + ["--lr-schedule", "cosine", "--lr", "0.01", "--lr-min", "0.1"], "minimum learning rate must be in 0...0.01")
        try Self.expectError(base + ["--lr-schedule", "step", "--lr-gamma", "2"], "factor must be in (0, 1]")
        try Self.expectError(["classify", "train", "--out", inputs.folder.file("never-created"), "--lr-schedule", "step", "--lr-step-epochs", "0"],
                             "epoch interval must be in 1...")
        let classify = ["classify", "train", "--out", inputs.folder.file("never-created")]
        try Self.expectError(classify + ["--ema-decay", "1"], "the weight average's decay must be in (0, 1), got 1.0")
        try Self.expectError(classify + ["--swa-start", "0"], "the weight average's first epoch must be in 1...")
        try Self.expectError(classify + ["--ema-decay", "0.99", "--swa-start", "2"], "--ema-decay and --swa-start are two ways of averaging the weights; give one")
        #expect(!FileManager.default.fileExists(atPath: inputs.folder.file("never-created")))
    }

    @Test func badModelsAndUnknownSymbols() throws {
        let inputs = try Inputs.shared.get()
        let run = inputs.folder.file("run-\(UUID().uuidString.prefix(6))")
        let trained = try RNNTool.run(["train", "--text", inputs.good, "--out", run, "--max-steps", "2"] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        try Self.expectError(["eval", "--model", run, "--text", inputs.foreign], "'ж' (U+0436) is not in the model's vocabulary")
        try Self.expectError(["eval", "--model", run, "--text", inputs.foreign], "(first at line ")
        try Self.expectError(["score", "--model", run, "the cat", "жук"], "is not in the model's vocabulary")
        try Self.expectError(["sample", "--model", run, "--prompt", "ж"], "is not in the model's vocabulary")
        try Self.expectError(["sample", "--model", inputs.folder.file("nothing-here")], "cannot open")

        let fixture = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/parity/03_lstm_basic.safetensors").path
        try Self.expectError(["sample", "--model", fixture], "is not an RNNKit checkpoint")

        let best = try Data(contentsOf: URL(fileURLWithPath: run + "/best.safetensors"))
        let truncated = try inputs.folder.write("truncated.safetensors", bytes: Array(best.prefix(best.count - 64)))
        try Self.expectError(["eval", "--model", truncated, "--text", inputs.good], "is not a readable checkpoint")
        var flipped = Array(best)
        flipped[flipped.count - 5] ^= 0x10
        let corrupted = try inputs.folder.write("corrupted.safetensors", bytes: flipped)
        try Self.expectError(["score", "--model", corrupted, "the cat"], "is corrupted")
    }

    @Test func failedCommandsLeaveAnExistingRunUntouched() throws {
        let inputs = try Inputs.shared.get()
        let run = inputs.folder.file("kept-\(UUID().uuidString.prefix(6))")
        let trained = try RNNTool.run(["train", "--text", inputs.good, "--out", run, "--max-steps", "3"] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        let before = try Self.snapshot(run)
        try Self.expectError(["train", "--text", inputs.good, "--out", run] + Self.tiny, "already holds a training run")
        try Self.expectError(["train", "--out", run, "--resume", "--hidden", "64"], "--hidden 64 differs from the run's 8")
        try Self.expectError(["train", "--out", run, "--resume", "--lr-schedule", "cosine"], "--lr-schedule cosine down to 0.0 differs from the run's constant")
        try Self.expectError(["train", "--out", run, "--resume", "--text", inputs.empty], "is empty")
        try Self.expectError(["train", "--out", run, "--resume", "--text", inputs.foreign], "differs from the text this run was trained on")
        try Self.expectError(["train", "--out", run, "--resume", "--max-steps", "3"], "already complete")
        try Self.expectError(["train", "--out", inputs.folder.file("no-run"), "--resume"], "no checkpoint to resume from")
        #expect(try Self.snapshot(run) == before)
    }

    @Test func nonFiniteLossStopsWithTheStepAndKeepsTheCheckpoint() throws {
        let inputs = try Inputs.shared.get()
        let run = inputs.folder.file("exploding-\(UUID().uuidString.prefix(6))")
        try Self.expectError(["train", "--text", inputs.good, "--out", run, "--cell", "rnn-relu", "--optimizer", "sgd",
                              "--lr", "1000", "--clip", "0"] + Self.tiny, "the training loss became NaN at step")
        let sample = try RNNTool.run(["sample", "--model", run, "--length", "10"])
        #expect(sample.status == 0, "\(sample.stderr)")
    }

    /// Every file of a folder with its contents (but the lock file, which names the process
    /// that last locked the folder).
    static func snapshot(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name != ".lock" {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        return files
    }
}
