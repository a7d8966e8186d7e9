import Foundation
import Testing
@testable import RNNKit

/// No number crashes the tool: sizes and counts from the command line or from a checkpoint's
/// metadata are checked against their limits (one error line, exit status 1 or 64, never a
/// trap or an allocation abort), and what would not fit in memory is refused with the amount.
@Suite struct HugeNumberTests {
    static let huge = "4611686018427387904"

    /// A status of 1 (error) or 64 (usage), one "error:" line containing `expected`.
    static func expectCleanError(_ arguments: [String], _ expected: String = "", environment: [String: String] = [:],
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try RNNTool.run(arguments, environment: environment, sourceLocation: sourceLocation)
        #expect(result.status == 1 || result.status == 64, "status \(result.status) for \(arguments): \(result.stderr.prefix(300))",
                sourceLocation: sourceLocation)
        #expect(result.errorLines.count == 1 && result.stderr.hasPrefix("error: "), "\(arguments): \(result.stderr.prefix(300))",
                sourceLocation: sourceLocation)
        #expect(expected.isEmpty || result.stderr.contains(expected), "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func hugeOptionValuesGiveOneLineErrors() throws {
        let folder = TemporaryFolder("rnn-huge")
        let out = ["--out", folder.file("never"), "--sample-length", "0"]
        for options in [["--batch", Self.huge], ["--hidden", Self.huge], ["--epochs", Self.huge, "--max-steps", "5"],
                        ["--hidden", "100000000"], ["--embed", "1000000000"], ["--layers", "1000000"], ["--bptt", Self.huge],
                        ["--eval-batch", Self.huge], ["--update-every", Self.huge], ["--max-steps", Self.huge]] {
            try Self.expectCleanError(["train"] + out + options)
        }
        for command in [["classify", "train"], ["tag", "train"]] {
            for options in [["--hidden", Self.huge], ["--embed", "1000000000"], ["--layers", "1000000"], ["--batch", Self.huge],
                            ["--eval-batch", Self.huge], ["--epochs", Self.huge], ["--patience", Self.huge]] {
                try Self.expectCleanError(command + ["--out", folder.file("never")] + options)
            }
        }
        let series = [["forecast", "train"], ["anomaly", "train"], ["seq2seq", "train"]]
        for command in series {
            for options in [["--hidden", Self.huge], ["--layers", "1000000"], ["--batch", Self.huge], ["--eval-batch", Self.huge],
                            ["--epochs", Self.huge]] {
                try Self.expectCleanError(command + ["--out", folder.file("never")] + options)
            }
        }
        try Self.expectCleanError(["forecast", "train", "--out", folder.file("never"), "--window", Self.huge])
        try Self.expectCleanError(["seq2seq", "train", "--out", folder.file("never"), "--max-length", Self.huge])
        try Self.expectCleanError(["sample", "--model", folder.path, "--length", Self.huge], "--length must be in 0...")
        try Self.expectCleanError(["eval", "--model", folder.path, "--text", "x", "--batch", Self.huge], "--batch must be in")
        #expect(!FileManager.default.fileExists(atPath: folder.file("never")))
    }

    @Test func whatExceedsTheMemoryIsRefusedWithTheAmount() throws {
        let folder = TemporaryFolder("rnn-memory")
        let limit = ["RNNKIT_MEMORY_LIMIT": "200000000"]                     // 191 MiB
        let out = ["--out", folder.file("never"), "--max-steps", "1", "--sample-length", "0"]
        try Self.expectCleanError(["train", "--hidden", "4000"] + out, "the model (", environment: limit)
        try Self.expectCleanError(["train", "--hidden", "4000"] + out, "MiB of memory, more than the 191 MiB available",
                                  environment: limit)
        try Self.expectCleanError(["train", "--hidden", "512", "--bptt", "8192"] + out, "training this model needs about", environment: limit)
        try Self.expectCleanError(["classify", "train", "--hidden", "512", "--batch", "8192", "--out", folder.file("never")],
                                  "training this model needs about", environment: limit)
        try Self.expectCleanError(["seq2seq", "train", "--batch", "1000000", "--out", folder.file("never")],
                                  "training this model needs about", environment: limit)
        try Self.expectCleanError(["anomaly", "train", "--hidden", "3000", "--out", folder.file("never")],
                                  "the model (", environment: limit)
        #expect(!FileManager.default.fileExists(atPath: folder.file("never")))
    }

    @Test func hugeNumbersInCheckpointsGiveOneLineErrors() throws {
        let folder = TemporaryFolder("rnn-huge-metadata")
        let text = try folder.write("t.txt", GeneratedCorpus.text(characters: 1_500, seed: 4))
        let run = folder.file("lm")
        let trained = try RNNTool.run(["train", "--text", text, "--out", run, "--max-steps", "3"] + BadInputTests.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        typealias Change = (inout [String: String]) throws -> Void
        let cases: [(file: String, change: Change, commands: [[String]])] = [
            ("best", { try CheckpointSurgery.setJSON(&$0, "model", "hidden", Self.huge) }, [["sample"]]),
            ("best", { try CheckpointSurgery.setJSON(&$0, "model", "embed", "1000000000") }, [["sample"]]),
            ("best", { try CheckpointSurgery.setJSON(&$0, "model", "layers", "1000000") }, [["sample"]]),
            ("best", { try CheckpointSurgery.setJSON(&$0, "task", "eval_batch", Self.huge) }, [["eval", "--text", text]]),
            ("latest", { try CheckpointSurgery.setJSON(&$0, "task", "batch", Self.huge) }, [["resume"]]),
            ("latest", { try CheckpointSurgery.setJSON(&$0, "progress", "tokens_since_validation", "9223372036854775807") }, [["resume"]]),
            ("latest", { try CheckpointSurgery.setJSON(&$0, "progress", "epoch_count", "9223372036854775807") }, [["resume"]]),
            ("latest", { try CheckpointSurgery.setJSON(&$0, "progress", "elapsed_s", "1e300") }, [["resume"]]),
            ("latest", { try CheckpointSurgery.setJSON(&$0, "training", "loop.epochs", Self.huge) }, [["resume"]]),
            ("state", { $0["step_count"] = "9223372036854775807" }, [["resume"]]),
        ]
        for (n, item) in cases.enumerated() {
            let copy = try CheckpointSurgery.copyRun(run, to: "case\(n)")
            let path = item.file == "state" ? try CheckpointSurgery.stateFile(copy) : copy + "/\(item.file).safetensors"
            try CheckpointSurgery.rewrite(path, item.change)
            for command in item.commands {
                let arguments = command == ["resume"]
                    ? ["train", "--out", copy, "--resume", "--max-steps", "5", "--sample-length", "0"]
                    : [command[0], "--model", path] + command.dropFirst()
                try Self.expectCleanError(arguments)
            }
        }
    }

    @Test func longSamplesStreamAsTheyGo() throws {
        let folder = TemporaryFolder("rnn-stream")
        let text = try folder.write("t.txt", GeneratedCorpus.text(characters: 1_500, seed: 4))
        let run = folder.file("lm")
        #expect(try RNNTool.run(["train", "--text", text, "--out", run, "--max-steps", "2"] + BadInputTests.tiny).status == 0)
        let process = try RNNTool.start(["sample", "--model", run, "--length", "1099511627776"],
                                        stdout: folder.file("out"), stderr: folder.file("err"))
        let deadline = Date().addingTimeInterval(60)
        var streamed = 0
        while Date() < deadline && process.isRunning {
            streamed = (try? Data(contentsOf: URL(fileURLWithPath: folder.file("out"))).count) ?? 0
            if streamed >= 500 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(process.isRunning, "stderr: \((try? String(contentsOfFile: folder.file("err"), encoding: .utf8)) ?? "")")
        #expect(streamed >= 500, "only \(streamed) bytes printed while sampling")
        kill(process.processIdentifier, SIGKILL)           // the test runner's children inherit a blocked SIGTERM
        process.waitUntilExit()
    }
}
