import Foundation
import Testing
@testable import RNNKit

/// The split of a batch among ranks, the rank-order sum, and shards run in one process (no MPI
/// needed): N shards combined as Σ_k (n_k/N)∇_k train as one process on the whole batch does,
/// up to float summation order.
@Suite struct DataParallelTests {
    @Test func shardsAreContiguousCoverTheBatchAndDifferByAtMostOne() {
        for B in 0...23 {
            for N in 1...6 {
                let parts = (0..<N).map { BatchShard(index: $0, count: N).columns(of: B) }
                #expect(parts.first?.lowerBound == 0 && parts.last?.upperBound == B)
                for k in 1..<N { #expect(parts[k].lowerBound == parts[k - 1].upperBound) }
                let sizes = parts.map(\.count)
                #expect(sizes.max()! - sizes.min()! <= 1)
                #expect(sizes == sizes.sorted(by: >), "the larger shares come first")
            }
        }
        #expect(BatchShard(index: 1, count: 2).part(Array(10..<15)) == [13, 14])
        #expect(BatchShard(index: 2, count: 3).part([7]) == [])
        #expect(BatchShard.whole.columns(of: 5) == 0..<5)
    }

    @Test func rankOrderSumWeightsByCountsAndSumsLeftToRight() {
        let counts = [3, 0, 1]
        let w = RankOrderSum.weights(counts: counts)
        #expect(w == [0.75, 0, 0.25])
        let g: [Float] = [1, 2, 3e8, 5, 6, 7, -3e8, 9, 0.1, 0.2, 0.3, 0.4]     // (K = 3, P = 4)
        var out = [Float](repeating: 0, count: 4)
        RankOrderSum.sum(g, weights: w, into: &out)
        for i in 0..<4 {
            var expected = g[i] * w[0]
            expected += w[1] * g[4 + i]
            expected += w[2] * g[8 + i]
            #expect(out[i].bitPattern == expected.bitPattern)
        }
        #expect(RankOrderSum.meanLoss(losses: [2, .nan, 6], counts: [3, 0, 1]) == 3)
        #expect(RankOrderSum.meanLoss(losses: [1], counts: [0]).isNaN)
        #expect(RankOrderSum.weights(counts: [0, 0]) == [0, 0])
    }

    @Test func launcherEnvironmentAndThreadsPerRank() {
        #expect(MPILaunch.launchedRanks([:]) == nil)
        #expect(MPILaunch.launchedRanks(["OMPI_COMM_WORLD_SIZE": "4"]) == 4)
        #expect(MPILaunch.launchedRanks(["PMI_SIZE": "2"]) == 2)
        #expect(MPILaunch.isLaunched(["PMIX_RANK": "0"]))
        #expect(MPILaunch.localRanks(["OMPI_COMM_WORLD_LOCAL_SIZE": "2"]) == 2)
        #expect(MPILaunch.threadsPerRank(allowed: 16, online: 16, localRanks: 4) == 4)   // unbound: share the machine
        #expect(MPILaunch.threadsPerRank(allowed: 1, online: 16, localRanks: 4) == 1)    // bound to one core
        #expect(MPILaunch.threadsPerRank(allowed: 2, online: 2, localRanks: 3) == 1)
        #expect(MPILaunch.worldRanks(["MPI_LOCALNRANKS": "2"]) == nil, "a local count is not the world's")
        #expect(MPILaunch.worldRanks(["PMI_SIZE": "3", "MPI_LOCALNRANKS": "2"]) == 3)
    }

    /// Under MPICH's Hydra (PMI_SIZE, no OMPI_ variable) MPICH's library is tried first, else
    /// Open MPI's: a library of the other flavour would start as a singleton.
    @Test func theLaunchersOwnMPIFlavourIsTriedFirst() {
        let hydra = MPILibrary.defaultNames(["PMI_SIZE": "2", "MPI_LOCALNRANKS": "2"])
        let openMPI = MPILibrary.defaultNames(["OMPI_COMM_WORLD_SIZE": "2", "PMI_SIZE": "2"])
        #expect(hydra.firstIndex { $0.contains("mpich") || $0.contains(".12") }! < hydra.firstIndex { $0.contains("40") }!)
        #expect(openMPI.firstIndex { $0.contains("40") }! < openMPI.firstIndex { $0.contains(".12") }!)
        #expect(MPILibrary.defaultNames([:]) == MPILibrary.defaultNames(["OMPI_COMM_WORLD_SIZE": "1"]))
    }

    @Test func aMissingMPILibraryIsOneErrorNamingWhatToInstall() {
        #expect(throws: RNNKitError.self) { try MPILibrary(path: nil, names: ["libmpi-not-there.so.99"]) }
        do {
            _ = try MPILibrary(path: nil, names: ["libmpi-not-there.so.99"])
        } catch let error as RNNKitError {
            #expect(error.message.contains("apt-get install openmpi-bin") && error.message.contains("the library's path"))
        } catch { Issue.record("\(error)") }
        do {
            _ = try MPILibrary(path: "/nonexistent/libmpi.so")
        } catch let error as RNNKitError {
            #expect(error.message.hasPrefix("cannot load the MPI library '/nonexistent/libmpi.so'"))
        } catch { Issue.record("\(error)") }
    }

    /// A small language-model run; `shards` > 1 splits each batch in this process; with
    /// `communicator` this trainer is one rank of a distributed run writing `folder`.
    static func languageModelRun(shards: Int, steps: Int, batch: Int = 6, communicator: (any Communicator)? = nil,
                                 deterministic: Bool = false,
                                 folder: TemporaryFolder = TemporaryFolder("rnn-shards")) throws -> (losses: [Double], weights: [Float]) {
        let data = try TrainerTests.data()
        var c = TrainingConfiguration()
        c.batch = batch
        c.bptt = 8
        c.maxSteps = steps
        c.evalEvery = 5
        let model = LanguageModel<Float>.Configuration(cell: .lstm, vocabularySize: 0, embeddingSize: 8, hiddenSize: 16, numLayers: 2)
        let trainer = try Trainer(model: model, data: data, configuration: c, run: RunDirectory(folder.path))
        trainer.loop.parallelism = communicator.map { DataParallelism(communicator: $0, deterministicReduce: deterministic) }
            ?? DataParallelism(localShards: shards)
        var losses: [Double] = []
        try trainer.train(events: { event in
            switch event {
            case let .step(report): losses.append(report.loss)
            case let .validation(record, _, _): losses.append(record.validLoss)
            default: break
            }
        })
        let w = trainer.model.arena
        return (losses, Array(UnsafeBufferPointer(start: w.values, count: w.count)))
    }

    @Test func languageModelShardsTrainAsTheWholeBatch() throws {
        let whole = try Self.languageModelRun(shards: 1, steps: 15)
        #expect(whole.losses.count == 15 + 3)
        for shards in [2, 4] {               // 6 columns: 3 + 3, and 2 + 2 + 1 + 1
            let split = try Self.languageModelRun(shards: shards, steps: 15)
            #expect(split.losses.count == whole.losses.count)
            for (a, b) in zip(split.losses, whole.losses) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "\(a) vs \(b)") }
            let drift = zip(split.weights, whole.weights).map { abs($0 - $1) }.max()!
            #expect(drift < 1e-4, "largest weight difference \(drift)")
        }
    }

    /// Trains the task `make()` builds for `steps` steps in `shards` local shards, validating
    /// every `evalEvery`, and checks that every logged loss equals the one-shard run's (1e-5).
    static func expectShardsTrainAsTheWholeBatch(shards: Int, steps: Int, evalEvery: Int,
                                                 _ make: () throws -> any TrainingTask) throws {
        func run(_ shards: Int) throws -> [Double] {
            let folder = TemporaryFolder("rnn-shards")
            var loop = TrainingLoopConfiguration()
            loop.maxSteps = steps
            loop.evalEvery = evalEvery
            let trainer = try TaskTrainer(task: try make(), configuration: loop, run: RunDirectory(folder.path))
            trainer.parallelism = DataParallelism(localShards: shards)
            try trainer.train()
            return trainer.history.flatMap { [$0.trainLoss, $0.validLoss] }
        }
        let whole = try run(1), split = try run(shards)
        #expect(whole.count == split.count && !whole.isEmpty)
        for (a, b) in zip(split, whole) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "\(a) vs \(b)") }
    }

    @Test func paddedBatchShardsTrainAsTheWholeBatch() throws {
        try Self.expectShardsTrainAsTheWholeBatch(shards: 3, steps: 8, evalEvery: 4) {   // 10 sequences: 4 + 3 + 3
            var settings = TextTaskSettings()
            settings.batchSize = 10
            let data = try ClassificationData.load(train: nil, valid: nil, test: nil, settings: settings)
            return try ClassificationTask(data: data, model: SequenceModelConfiguration(cell: .gru, vocabularySize: 1, embeddingSize: 8,
                                          hiddenSize: 12, numLayers: 1, bidirectional: true, outputs: 1, pooling: .max, dropout: 0),
                                          settings: settings, seed: 2)
        }
    }

    @Test func theCommandLineNamesAMissingMPILibraryAndSaysHowBatchesAreSplit() throws {
        let folder = TemporaryFolder("rnn-mpi-cli")
        let missing = try RNNTool.run(["train", "--distributed", "--mpi-library", "/nonexistent/libmpi.so", "--max-steps", "1",
                                       "--out", folder.file("run")])
        #expect(missing.status != 0)
        #expect(missing.errorLines.count == 1 && missing.errorLines[0].hasPrefix("error: cannot load the MPI library '/nonexistent/libmpi.so'"),
                "\(missing.stderr)")
        let split = try RNNTool.run(["train", "--local-shards", "3", "--batch", "8", "--max-steps", "2", "--hidden", "8", "--embed", "4",
                                     "--bptt", "8", "--sample-length", "0", "--out", folder.file("split")])
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.stdout.hasPrefix("3 local shards run one after another, summed in rank order; batch 8 split 3 on ranks 0–1 and 2 on the others"),
                "\(split.stdout.prefix(300))")
    }

    /// The captioner's loss mixes a mean over words and a mean over images: its shards are
    /// scaled to the whole batch's counts and add with weight 1 (`isScaledToWholeBatch`).
    @Test func captionerShardsTrainAsTheWholeBatch() throws {
        try Self.expectShardsTrainAsTheWholeBatch(shards: 3, steps: 6, evalEvery: 3) {   // 10 images: 4 + 3 + 3
            let source = CaptionDataSource.shapes(train: 30, valid: 6)
            let (train, valid) = try source.load(seed: 3)
            var settings = CaptionSettings()
            settings.batchSize = 10
            let model = CaptionerConfiguration(encoder: .cnn(channels: 3, conv1: 4, conv2: 6), vocabularySize: 2, embeddingSize: 5,
                                               hiddenSize: 8, attentionSize: 6, doublyStochastic: 1)
            return try CaptionTask(train: train, valid: valid, source: source, model: model, settings: settings, seed: 3)
        }
    }

    /// Two trainers on two threads joined by a fake communicator take the distributed path of
    /// `TaskTrainer` (allreduce or gather, carried state gathered, sharded validation, rank 0
    /// writing) and compute exactly what `localShards = 2` computes.
    @Test func twoRanksOnThreadsComputeTheSplitInOneProcessExactly() throws {
        try ComputeSettings.exclusive {
            let saved = Compute.threadCount
            Compute.threadCount = 1                          // the same products on every thread
            defer { Compute.threadCount = saved }
            let reference = try Self.languageModelRun(shards: 2, steps: 12, batch: 7)
            for deterministic in [false, true] {
                let hub = ThreadCommunicator.Hub(size: 2)
                let folder = TemporaryFolder("rnn-thread-ranks")
                nonisolated(unsafe) var results: [Result<(losses: [Double], weights: [Float]), Error>?] = [nil, nil]
                let done = DispatchGroup()
                for rank in 0..<2 {
                    done.enter()
                    Thread {
                        results[rank] = Result { try Self.languageModelRun(shards: 1, steps: 12, batch: 7,
                                                                           communicator: ThreadCommunicator(rank: rank, hub: hub),
                                                                           deterministic: deterministic, folder: folder) }
                        done.leave()
                    }.start()
                }
                done.wait()
                for rank in 0..<2 {
                    let r = try results[rank]!.get()
                    #expect(r.losses.map(\.bitPattern) == reference.losses.map(\.bitPattern), "rank \(rank), deterministic \(deterministic)")
                    #expect(r.weights.map(\.bitPattern) == reference.weights.map(\.bitPattern), "rank \(rank), deterministic \(deterministic)")
                }
                let records = RunDirectory(folder.path).readTaskMetrics()
                #expect(records.count == 3 && records.allSatisfy { $0.ranks == 2 }, "rank 0 alone wrote the metrics")
            }
        }
    }
}
