import Foundation
import Testing
@testable import RNNKit

/// A run interrupted by Ctrl-C and resumed without repeating its display options prints what
/// the uninterrupted run prints: the same step losses on log lines at the same steps, and the
/// same samples after each validation (`--sample-length` and `--log-every` are saved with it).
@Suite struct ResumedOutputTests {
    /// The step → loss of the log lines, and the samples, of a run's standard output.
    static func printed(_ output: String) -> (losses: [Int: String], samples: [String]) {
        let samples = output.components(separatedBy: "--- sample ---\n").dropFirst()
            .map { $0.components(separatedBy: "\n--------------")[0] }
        return (EndToEndTests.stepLosses(output), samples)
    }

    @Test func aResumedRunPrintsTheSameSamplesAndLogLines() throws {
        let folder = TemporaryFolder("rnn-resume-output")
        let text = try folder.write("t.txt", GeneratedCorpus.text(characters: 2_000, seed: 12))
        let options = ["train", "--text", text, "--epochs", "2", "--eval-every", "3", "--log-every", "1",
                       "--sample-length", "30", "--dropout", "0.1"] + EndToEndTests.tinyModel
        let straight = try RNNTool.run(options + ["--out", folder.file("a")])
        #expect(straight.status == 0, "\(straight.stderr)")

        let run = folder.file("b")
        let first = try RNNTool.start(options + ["--out", run], stdout: folder.file("out"), stderr: folder.file("err"))
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && first.isRunning {
            if ((try? String(contentsOfFile: folder.file("out"), encoding: .utf8)) ?? "").contains("step 5/") { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        first.interrupt()
        first.waitUntilExit()
        let head = (try? String(contentsOfFile: folder.file("out"), encoding: .utf8)) ?? ""
        let rest = try RNNTool.run(["train", "--out", run, "--resume"])
        #expect(rest.status == 0, "\(rest.stderr)")

        let a = Self.printed(straight.stdout), b1 = Self.printed(head), b2 = Self.printed(rest.stdout)
        #expect(first.terminationStatus == 130 || b2.losses.isEmpty, "the first part finished before Ctrl-C")
        #expect(b1.losses.merging(b2.losses) { x, _ in x } == a.losses)
        #expect(Set(b1.losses.keys).isDisjoint(with: b2.losses.keys))
        #expect(b1.samples + b2.samples == a.samples && a.samples.count >= 8, "\(a.samples.count) samples")
    }
}
