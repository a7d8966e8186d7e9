import Foundation
import Testing
@testable import RNNKit

/// One trainer per run folder: a second trainer is refused with the first one's process id,
/// the kernel releases the lock when the first is killed, and the next run removes the
/// temporary files the dead one left.
@Suite struct RunFolderLockTests {
    @Test func aSecondLockIsRefusedNamingTheHolder() throws {
        let folder = TemporaryFolder("lock")
        let run = RunDirectory(folder.file("run"))
        var first: RunLock? = try run.lock()
        #expect(first != nil && run.lockHolder() == Int(getpid()))
        #expect { _ = try run.lock() } throws: {
            ($0 as? RNNKitError)?.message.contains("is being written by another trainer (process \(getpid()))") == true
        }
        first = nil
        #expect(try run.lock().path == run.lockPath)
    }

    @Test func temporaryFileNames() {
        for name in [".latest.safetensors.tmp-123-4567", ".loss.svg.tmp-1-0", ".metrics.jsonl.tmp-99-42",
                     ".latest.state.0badf00d.safetensors.tmp-7-8"] {
            #expect(RunDirectory.isTemporaryFileName(name), "\(name)")
        }
        for name in ["latest.safetensors", ".lock", "notes.tmp-1-2", ".x.tmp-1", ".x.tmp-a-2", ".x.tmp-1-2-3", ".tmp-1-2"] {
            #expect(!RunDirectory.isTemporaryFileName(name), "\(name)")
        }
    }

    @Test func aSecondTrainerIsRefusedAndTheLockDiesWithTheFirst() throws {
        let folder = TemporaryFolder("lock-cli")
        let text = try folder.write("t.txt", GeneratedCorpus.text(characters: 2_000, seed: 9))
        let run = folder.file("run")
        let first = try RNNTool.start(["train", "--text", text, "--out", run, "--epochs", "100000", "--log-every", "1",
                                       "--sample-length", "0"] + EndToEndTests.tinyModel,
                                      stdout: folder.file("out"), stderr: folder.file("err"))
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && first.isRunning {
            if ((try? String(contentsOfFile: folder.file("out"), encoding: .utf8)) ?? "").contains("step 2/") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(first.isRunning)
        let holder = "is being written by another trainer (process \(first.processIdentifier))"
        try BadInputTests.expectError(["train", "--out", run, "--resume", "--sample-length", "0"], holder)
        try BadInputTests.expectError(["classify", "train", "--out", run, "--resume"], holder)
        try BadInputTests.expectError(["train", "--text", text, "--out", run] + EndToEndTests.tinyModel, "already holds a training run")

        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let leftovers = [".latest.safetensors.tmp-99999-1", ".loss.svg.tmp-99999-2", ".metrics.jsonl.tmp-99999-3"]
        for name in leftovers + ["notes.txt"] { try folder.write("run/" + name, "x") }
        let checkpoint = try TrainingCheckpoint.read(RunDirectory(run))
        let resumed = try RNNTool.run(["train", "--out", run, "--resume", "--max-steps", String(checkpoint.progress.step + 1),
                                       "--sample-length", "0"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: run)
        #expect(names.filter { $0.contains(".tmp-") }.isEmpty, "\(names)")
        #expect(names.contains("notes.txt"))
    }
}
