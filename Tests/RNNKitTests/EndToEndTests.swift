import Foundation
import Testing
@testable import RNNKit

/// End-to-end: the built `rnn` executable on small generated text, with tiny models so the
/// suite stays fast in debug builds.
@Suite struct EndToEndTests {
    /// A small model trained once and shared by the tests that only read it.
    struct SharedRun: Sendable {
        let folder: TemporaryFolder
        let text: String
        let textPath: String
        let run: String
        let result: RNNTool.Result

        static let shared: Swift.Result<SharedRun, Error> = Result {
            let folder = TemporaryFolder("rnn-e2e")
            let text = GeneratedCorpus.text(characters: 3_000, seed: 5)
            let textPath = try folder.write("train.txt", text)
            let run = folder.file("run")
            let result = try RNNTool.run(["train", "--text", textPath, "--out", run] + tinyModel
                                         + ["--epochs", "4", "--lr", "0.01", "--sample-length", "40"])
            return SharedRun(folder: folder, text: text, textPath: textPath, run: run, result: result)
        }
    }

    static let tinyModel = ["--hidden", "32", "--embed", "16", "--batch", "8", "--bptt", "16"]

    @Test func trainingLowersTheLossAndWritesTheRunFolder() throws {
        let shared = try SharedRun.shared.get()
        #expect(shared.result.status == 0, "\(shared.result.stderr)")
        let metrics = RunDirectory(shared.run).readMetrics()
        #expect(metrics.count == 4)
        #expect(metrics.map(\.epoch) == [1, 2, 3, 4])
        #expect(metrics.last!.validLoss < metrics.first!.validLoss - 0.2, "\(metrics.map(\.validLoss))")
        #expect(metrics.last!.trainLoss < metrics.first!.trainLoss)
        for name in ["metrics.jsonl", "loss.svg", "best.safetensors", "latest.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: shared.run + "/" + name), "\(name) missing")
        }
        let line = try String(contentsOfFile: shared.run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")[0]
        for key in ["epoch", "step", "train_loss", "valid_loss", "valid_ppl", "lr", "tokens_per_s", "elapsed_s"] {
            #expect(line.contains("\"\(key)\":"))
        }
        #expect(shared.result.stdout.contains("--- sample ---"))
    }

    @Test func samplesComeFromTheVocabulary() throws {
        let shared = try SharedRun.shared.get()
        let result = try RNNTool.run(["sample", "--model", shared.run, "--length", "300", "--seed", "3", "--prompt", "The"])
        #expect(result.status == 0, "\(result.stderr)")
        let known = Set(shared.text.unicodeScalars)
        let sample = result.stdout.dropLast()                                  // print's line break
        #expect(sample.hasPrefix("The"))
        #expect(sample.unicodeScalars.count == 303)
        #expect(sample.unicodeScalars.allSatisfy(known.contains))
        let greedy = try RNNTool.run(["sample", "--model", shared.run, "--length", "50", "--temperature", "0"])
        let topOne = try RNNTool.run(["sample", "--model", shared.run, "--length", "50", "--top-k", "1", "--seed", "9"])
        #expect(greedy.stdout == topOne.stdout)
    }

    @Test func scoreRanksASeenSentenceAboveAScrambledOne() throws {
        let shared = try SharedRun.shared.get()
        let pairs = [("The old sailor walks to the harbour.", "harbour the to walks sailor old The."),
                     ("Where is the lantern?", "lantern the is Where?")]
        for (seen, scrambled) in pairs {
            let result = try RNNTool.run(["score", "--model", shared.run, seen, scrambled])
            #expect(result.status == 0, "\(result.stderr)")
            let rows = result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: "\t") }
            #expect(rows.count == 2 && rows[0][3] == seen[...])
            let a = Double(rows[0][0])!, b = Double(rows[1][0])!
            #expect(a > b, "log P(\(seen)) = \(a) is not above log P(\(scrambled)) = \(b)")
            #expect(Int(rows[0][2]) == seen.unicodeScalars.count + 1)          // + the closing line end
        }
    }

    @Test func evalReportsLossPerplexityAndBits() throws {
        let shared = try SharedRun.shared.get()
        let result = try RNNTool.run(["eval", "--model", shared.run, "--text", shared.textPath])
        #expect(result.status == 0, "\(result.stderr)")
        let fields = result.stdout.split(separator: " ").map(String.init)
        let loss = Double(fields[1])!, perplexity = Double(fields[4])!, bits = Double(fields[6])!
        #expect(abs(perplexity - Foundation.exp(loss)) < 0.01 * perplexity)
        #expect(abs(bits - loss / Foundation.log(2)) < 1e-3)
    }

    @Test func resumedRunGivesTheSameLosses() throws {
        let folder = TemporaryFolder("rnn-resume")
        let text = try folder.write("t.txt", GeneratedCorpus.text(characters: 2_000, seed: 8))
        let common = ["train", "--text", text, "--log-every", "1", "--sample-length", "0", "--layers", "2",
                      "--dropout", "0.2", "--update-every", "10", "--eval-every", "3"] + Self.tinyModel
        let straight = try RNNTool.run(common + ["--out", folder.file("a"), "--max-steps", "8"])
        let half = try RNNTool.run(common + ["--out", folder.file("b"), "--max-steps", "4"])
        let rest = try RNNTool.run(["train", "--out", folder.file("b"), "--resume", "--max-steps", "8", "--log-every", "1",
                                    "--sample-length", "0"])
        for r in [straight, half, rest] { #expect(r.status == 0, "\(r.stderr)") }
        let all = Self.stepLosses(straight.stdout), first = Self.stepLosses(half.stdout), second = Self.stepLosses(rest.stdout)
        #expect(all.count == 8 && first.count == 4 && second.count == 4)
        #expect(first.merging(second) { a, _ in a } == all)
        let a = RunDirectory(folder.file("a")).readMetrics().last!, b = RunDirectory(folder.file("b")).readMetrics().last!
        #expect(a.step == 8 && b.step == 8 && a.validLoss == b.validLoss && a.trainLoss == b.trainLoss)
    }

    @Test func wordLevelRunWithValidationAndTestTexts() throws {
        let folder = TemporaryFolder("rnn-words")
        let train = try folder.write("train.txt", GeneratedCorpus.text(characters: 6_000, seed: 21))
        let valid = try folder.write("valid.txt", GeneratedCorpus.text(characters: 1_200, seed: 22))
        let test = try folder.write("test.txt", GeneratedCorpus.text(characters: 1_200, seed: 23))
        let run = folder.file("run")
        let result = try RNNTool.run(["train", "--level", "word", "--text", train, "--valid", valid, "--test", test,
                                      "--out", run, "--epochs", "2", "--lr", "0.01", "--eval-batch", "4"] + Self.tinyModel)
        #expect(result.status == 0, "\(result.stderr)")
        let metrics = RunDirectory(run).readMetrics()
        #expect(metrics.count == 3)
        let last = try #require(metrics.last)
        #expect(last.testLoss != nil && last.testLoss!.isFinite)
        #expect(result.stdout.contains("test loss"))
        let score = try RNNTool.run(["score", "--model", run, "the old sailor walks to the harbour."])
        #expect(score.status == 0 && score.stdout.split(separator: "\n").count == 2, "\(score.stderr)")
    }

    /// step → loss from plain log lines "… step N/M loss X …".
    static func stepLosses(_ output: String) -> [Int: String] {
        var losses: [Int: String] = [:]
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let i = words.firstIndex(of: "step"), i + 3 < words.count, words[i + 2] == "loss",
                  let step = Int(words[i + 1].split(separator: "/")[0]) else { continue }
            losses[step] = String(words[i + 3])
        }
        return losses
    }

    @Test func ctrlCLeavesALoadableCheckpoint() throws {
        let folder = TemporaryFolder("rnn-sigint")
        let text = try folder.write("t.txt", GeneratedCorpus.text(characters: 2_000, seed: 9))
        let run = folder.file("run")
        let process = try RNNTool.start(["train", "--text", text, "--out", run, "--epochs", "100000", "--log-every", "1",
                                         "--sample-length", "0"] + Self.tinyModel,
                                        stdout: folder.file("out"), stderr: folder.file("err"))
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let out = (try? String(contentsOfFile: folder.file("out"), encoding: .utf8)) ?? ""
            if out.contains("step 2/") || !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(process.isRunning)
        process.interrupt()                                                     // SIGINT
        let exitDeadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            Issue.record("rnn train did not stop within a minute of SIGINT")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        let err = (try? String(contentsOfFile: folder.file("err"), encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 130, "\(err)")
        #expect(err.contains("checkpoint written"))
        let checkpoint = try TrainingCheckpoint.read(RunDirectory(run))
        #expect(checkpoint.progress.step >= 2)
        let sample = try RNNTool.run(["sample", "--model", run + "/latest.safetensors", "--length", "20"])
        #expect(sample.status == 0, "\(sample.stderr)")
        let resumed = try RNNTool.run(["train", "--out", run, "--resume", "--max-steps", String(checkpoint.progress.step + 2),
                                       "--sample-length", "0"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }

    @Test func aSecondCtrlCStillLeavesALoadableCheckpoint() throws {
        let folder = TemporaryFolder("rnn-sigint-twice")
        let text = try folder.write("t.txt", GeneratedCorpus.text(characters: 2_000, seed: 10))
        let run = folder.file("run")
        let process = try RNNTool.start(["train", "--text", text, "--out", run, "--epochs", "100000", "--eval-every", "2",
                                         "--log-every", "1", "--sample-length", "5"] + Self.tinyModel,
                                        stdout: folder.file("out"), stderr: folder.file("err"))
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && process.isRunning {
            if ((try? String(contentsOfFile: folder.file("out"), encoding: .utf8)) ?? "").contains("step 3/") { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        process.interrupt()
        process.interrupt()                                                     // the second one ends it at once
        process.waitUntilExit()
        let sample = try RNNTool.run(["sample", "--model", run, "--length", "10"])
        #expect(sample.status == 0, "\(sample.stderr)")
        let step = try TrainingCheckpoint.read(RunDirectory(run)).progress.step
        let resumed = try RNNTool.run(["train", "--out", run, "--resume", "--max-steps", String(step + 1)])
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }
}
