import Foundation
import Testing
@testable import RNNKit

/// `mpirun -np N rnn … train` against one process (run when Open MPI's mpirun is installed;
/// skipped otherwise):
/// - N ranks with the plain allreduce reproduce one process with the same global batch to
///   within float summation order: every logged training and validation loss within
///   1e-4·max(1, |loss|) for 50 steps, the final weights within 1e-3;
/// - with --deterministic-reduce they reproduce `--local-shards N` in one process bit for bit:
///   the logged losses, validation metrics and test line (both splits shared among the ranks as
///   among the local shards), the weights, the optimizer state and the carried state;
/// - ranks started with different settings stop with one error; a killed rank stops the run
///   with the last checkpoint intact, and the run resumes (in one process); a resumed
///   distributed run equals the uninterrupted one.
@Suite(.serialized, .enabled(if: MPITool.available, "Open MPI's mpirun is not installed (apt-get install openmpi-bin)"))
struct MPITrainingTests {
    static let tinyModel = ["--hidden", "24", "--embed", "12", "--bptt", "12", "--sample-length", "0", "--threads", "1"]

    /// The train and validation losses of a run's metrics.jsonl, its validation metrics and its ranks.
    static func metrics(_ run: String) throws -> [(losses: [Double], valid: [TaskMetricsRecord.Metric], ranks: Int)] {
        RunDirectory(run).readTaskMetrics().map { ([$0.trainLoss, $0.validLoss], $0.validMetrics, $0.ranks) }
    }

    /// Every tensor of the latest checkpoint and of its state file, by name.
    static func checkpointTensors(_ run: String) throws -> [String: [Float]] {
        let latest = try SafetensorsFile(contentsOf: run + "/latest.safetensors")
        let state = try SafetensorsFile(contentsOf: run + "/" + latest.metadata["state_file"]!)
        var all: [String: [Float]] = [:]
        for name in latest.names { all[name] = try latest.tensor(name, as: Float.self).scalars }
        for name in state.names { all["state." + name] = try state.tensor(name, as: Float.self).scalars }
        return all
    }

    @Test func ranksWithAllreduceMatchOneProcessFor50Steps() throws {
        let folder = TemporaryFolder("mpi-lm")
        let args = ["train", "--batch", "8", "--max-steps", "50", "--eval-every", "10"] + Self.tinyModel
        let one = try RNNTool.run(args + ["--out", folder.file("one")])
        let two = try MPITool.run([MPITool.app(2, args + ["--out", folder.file("two")])])
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
        #expect(two.stdout.hasPrefix("distributed: "), "the first line says how the run is split: \(two.stdout.prefix(200))")
        let a = try Self.metrics(folder.file("one")), b = try Self.metrics(folder.file("two"))
        #expect(a.count == 5 && b.count == 5)
        #expect(b.allSatisfy { $0.ranks == 2 } && a.allSatisfy { $0.ranks == 1 })
        for (x, y) in zip(a.flatMap(\.losses), b.flatMap(\.losses)) {
            #expect(abs(x - y) <= 1e-4 * max(1, abs(x)), "one process \(x), two ranks \(y)")
        }
        let wa = try Self.checkpointTensors(folder.file("one")), wb = try Self.checkpointTensors(folder.file("two"))
        for name in wa.keys where !name.hasPrefix("state.") {
            let drift = zip(wa[name]!, wb[name]!).map { abs($0 - $1) }.max() ?? 0
            #expect(drift <= 1e-3, "\(name): largest difference \(drift)")
        }
        #expect(try SafetensorsFile(contentsOf: folder.file("two") + "/latest.safetensors").metadata["ranks"] == "2")
    }

    /// `--deterministic-reduce` with `ranks` ranks against `--local-shards ranks` in one process
    /// (and the test line of the best checkpoint, which the run has when `hasTest`).
    func expectBitForBit(_ args: [String], ranks: Int, _ label: String, hasTest: Bool = false, mpich: Bool = false) throws {
        let folder = TemporaryFolder("mpi-det")
        let local = try RNNTool.run(args + ["--local-shards", String(ranks), "--out", folder.file("local")])
        let mpi = try MPITool.run([MPITool.app(ranks, args + ["--deterministic-reduce", "--out", folder.file("mpi")])], mpich: mpich)
        #expect(local.status == 0 && mpi.status == 0, "\(label): \(local.stderr)\(mpi.stderr)")
        let a = try Self.metrics(folder.file("local")), b = try Self.metrics(folder.file("mpi"))
        #expect(!a.isEmpty && a.map(\.losses) == b.map(\.losses), "\(label): losses \(a.map(\.losses)) vs \(b.map(\.losses))")
        #expect(a.map(\.valid) == b.map(\.valid), "\(label): validation metrics \(a.map(\.valid)) vs \(b.map(\.valid))")
        let testA = RunDirectory(folder.file("local")).readTaskMetrics().last?.test, testB = RunDirectory(folder.file("mpi")).readTaskMetrics().last?.test
        #expect((testA != nil) == hasTest && testA?.loss == testB?.loss && testA?.metrics == testB?.metrics, "\(label): test \(String(describing: testA)) vs \(String(describing: testB))")
        let ta = try Self.checkpointTensors(folder.file("local")), tb = try Self.checkpointTensors(folder.file("mpi"))
        #expect(Set(ta.keys) == Set(tb.keys))
        for (name, values) in ta {
            #expect(values.map(\.bitPattern) == tb[name]?.map(\.bitPattern), "\(label): \(name) differs")
        }
    }

    @Test func deterministicReduceIsBitForBitTheSplitInOneProcess() throws {
        // 7 columns: 4 + 3 on two ranks; 50 steps, the carried state gathered at each checkpoint.
        try expectBitForBit(["train", "--batch", "7", "--max-steps", "50", "--eval-every", "25"] + Self.tinyModel, ranks: 2, "language model")
        let data = TemporaryFolder("mpi-det-data")              // the test split is split among the ranks too
        let test = try data.write("test.tsv", GeneratedTaskData.classification(examples: 41, seed: 6))
        try expectBitForBit(["classify", "train", "--batch", "7", "--max-steps", "10", "--eval-every", "5", "--hidden", "16",
                             "--embed", "8", "--threads", "1", "--test", test], ranks: 2, "classifier", hasTest: true)
        // Validation split among the ranks: the tagger's chunk counts, and the anomaly detector's
        // 625 window errors gathered (313 + 312) for the threshold.
        try expectBitForBit(["tag", "train", "--batch", "7", "--max-steps", "6", "--eval-every", "3", "--hidden", "16",
                             "--embed", "8", "--threads", "1"], ranks: 3, "tagger")
        try expectBitForBit(["anomaly", "train", "--max-steps", "6", "--eval-every", "3", "--hidden", "8", "--threshold", "0.9",
                             "--threads", "1"], ranks: 2, "anomaly detector")
    }

    /// Under MPICH's launcher the ranks load MPICH's library by themselves (integer handles) and
    /// reproduce the split in one process bit for bit; Open MPI's library there would see one
    /// rank per process, which is refused before anything is written.
    @Test(.enabled(if: MPITool.mpichLauncher != nil, "MPICH is not installed (apt-get install mpich)"))
    func mpichRanksLoadTheirOwnLibraryAndMatchTheSplitInOneProcess() throws {
        let args = ["classify", "train", "--batch", "7", "--max-steps", "6", "--eval-every", "3", "--hidden", "16", "--embed", "8",
                    "--threads", "1"]
        try expectBitForBit(args, ranks: 2, "classifier under MPICH", mpich: true)
        let folder = TemporaryFolder("mpich-wrong-library")
        let wrong = try MPITool.run([MPITool.app(2, args + ["--mpi-library", "libmpi.so.40", "--out", folder.file("run")])], mpich: true)
        #expect(wrong.status != 0 && wrong.stderr.contains("is not the launcher's MPI library"), "\(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("run")))
    }

    @Test func ranksWithDifferentSettingsStopWithOneError() throws {
        let folder = TemporaryFolder("mpi-mismatch")
        let args = ["train", "--batch", "8", "--max-steps", "5", "--out", folder.file("run"), "--sample-length", "0", "--threads", "1"]
        let r = try MPITool.run([MPITool.app(1, args + ["--hidden", "16"]), MPITool.app(1, args + ["--hidden", "24"])])
        #expect(r.status != 0)
        #expect(r.stderr.contains("error (rank 0): rank 1's model, settings, data or position differ from rank 0's"), "\(r.stderr)")
    }

    @Test func aKilledRankStopsTheRunAndTheLastCheckpointResumes() throws {
        let folder = TemporaryFolder("mpi-kill")
        let run = folder.file("run")
        let args = ["train", "--batch", "8", "--max-steps", "100000", "--eval-every", "5", "--out", run] + Self.tinyModel
        let mpirun = try MPITool.start([MPITool.app(2, args)], stdout: folder.file("out"), stderr: folder.file("err"))
        let deadline = Date().addingTimeInterval(120)
        while RunDirectory(run).readTaskMetrics().count < 2 && Date() < deadline && mpirun.isRunning { usleep(100_000) }
        let ranks = MPITool.ranks(of: mpirun)
        try #require(ranks[1] != nil, "rank 1's process not found")
        kill(ranks[1]!, SIGKILL)
        mpirun.waitUntilExit()
        let stderr = (try? String(contentsOfFile: folder.file("err"), encoding: .utf8)) ?? ""
        #expect(mpirun.terminationStatus != 0)
        #expect(stderr.contains("rnn (rank 0 of 2): stopped by a signal") || stderr.contains("exited on signal 9"), "\(stderr)")
        let checkpoint = try TrainingCheckpoint.read(RunDirectory(run))
        let step = checkpoint.checkpoint.progress.step
        #expect(step >= 5 && step % 5 == 0)
        let resumed = try RNNTool.run(["train", "--out", run, "--resume", "--max-steps", String(step + 5), "--threads", "1"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(RunDirectory(run).readTaskMetrics().last?.step == step + 5)
    }

    @Test func aResumedDistributedRunEqualsTheUninterruptedOne() throws {
        let folder = TemporaryFolder("mpi-resume")
        let args = ["train", "--batch", "7", "--eval-every", "10", "--deterministic-reduce"] + Self.tinyModel
        let whole = try MPITool.run([MPITool.app(2, args + ["--max-steps", "40", "--out", folder.file("whole")])])
        let first = try MPITool.run([MPITool.app(2, args + ["--max-steps", "20", "--out", folder.file("resumed")])])
        let rest = try MPITool.run([MPITool.app(2, ["train", "--out", folder.file("resumed"), "--resume", "--max-steps", "40",
                                                    "--threads", "1", "--deterministic-reduce"])])
        #expect(whole.status == 0 && first.status == 0 && rest.status == 0, "\(whole.stderr)\(first.stderr)\(rest.stderr)")
        #expect(try Self.metrics(folder.file("whole")).map(\.losses) == Self.metrics(folder.file("resumed")).map(\.losses))
        let a = try Self.checkpointTensors(folder.file("whole")), b = try Self.checkpointTensors(folder.file("resumed"))
        #expect(a.count == b.count && a.allSatisfy { b[$0.key]?.map(\.bitPattern) == $0.value.map(\.bitPattern) })
    }
}
