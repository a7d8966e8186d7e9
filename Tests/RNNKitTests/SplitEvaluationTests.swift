import Foundation
import Testing
@testable import RNNKit

/// Every task's evaluation split among ranks: the statistics of K contiguous parts of a split
/// (`evaluationSums` with `BatchShard`), combined in part order, give the unsplit evaluation —
/// metrics computed from counts (accuracy, F1, chunk F1, exact match, BLEU, localization, the
/// backtest's, the anomaly threshold) bit for bit, for K = 2, 3 and more parts than items (some
/// empty), and a `localShards = 3` run records the whole split's evaluation at every validation.
///
/// The loss (and a forecaster's MAE and RMSE) may differ in rounding only: each evaluation batch's
/// mean loss is rounded to Float, and a split cut in parts is cut into other batches.
@Suite struct SplitEvaluationTests {
    /// The relative difference allowed where evaluation batches differ: a few Float roundings
    /// (8 ulps), far below what a part counted twice or left out changes.
    static let floatRounding = 1e-6

    // MARK: - The statistics

    @Test func partsCombineInOrderAndTravelAsBytes() throws {
        let a = EvaluationSums(counts: [1, 2], sums: [0.5], items: [3])
        let b = EvaluationSums(counts: [10, -20], sums: [0.25], items: [])
        let c = EvaluationSums(counts: [0, 0], sums: [1e-300], items: [4, .nan])
        let whole = try EvaluationSums(combining: [a, b, c])
        #expect(whole.counts == [11, -18] && whole.sums == [(0.5 + 0.25) + 1e-300] && whole.items.count == 3)
        #expect(whole.items[0] == 3 && whole.items[1] == 4 && whole.items[2].isNaN)
        for s in [a, b, EvaluationSums()] { #expect(try EvaluationSums(bytes: s.bytes) == s) }
        #expect(try EvaluationSums(bytes: c.bytes).items[1].isNaN)
        #expect(throws: RNNKitError.self) { try EvaluationSums(combining: [a, EvaluationSums(counts: [1], sums: [0])]) }
        #expect(throws: RNNKitError.self) { try EvaluationSums(bytes: Array(a.bytes.dropLast(8))) }
        #expect(throws: RNNKitError.self) { try EvaluationSums(bytes: [1, 2, 3]) }
    }

    @Test func ranksGatherBytesOfDifferentLengths() throws {
        #expect(try SingleProcess().allgather(varying: [1, 2, 3]) == [[1, 2, 3]])
        let hub = ThreadCommunicator.Hub(size: 3)
        nonisolated(unsafe) var gathered: [[[UInt8]]] = [[], [], []]
        let done = DispatchGroup()
        for rank in 0..<3 {
            done.enter()
            Thread {
                gathered[rank] = (try? ThreadCommunicator(rank: rank, hub: hub).allgather(varying: [UInt8](repeating: UInt8(rank), count: 2 - rank))) ?? []
                done.leave()
            }.start()
        }
        done.wait()
        for rank in 0..<3 { #expect(gathered[rank] == [[0, 0], [1], []], "rank \(rank)") }
    }

    // MARK: - Every task, evaluated in parts

    /// Evaluates `split` of `task` whole and in K = 2, 3 and `items` + 1 parts (the last has
    /// empty parts): the metrics named in `exact` must be bit for bit the whole's, the loss and
    /// the other metrics within `floatRounding`.
    static func expectPartsEvaluateAsTheWhole(_ task: any TrainingTask, _ split: DataSplit = .validation, items: Int,
                                              exact: Set<String>, lossExact: Bool = false) throws {
        task.module.setTraining(false)
        let whole = try #require(try task.evaluate(split, shouldStop: { false }))
        let wholeSums = try #require(try task.evaluationSums(split, shard: .whole, shouldStop: { false }))
        for K in [2, 3, items + 1] {
            let parts = try (0..<K).map { k in
                try #require(try task.evaluationSums(split, shard: BatchShard(index: k, count: K), shouldStop: { false }))
            }
            let sums = try EvaluationSums(combining: parts)
            // The parts partition the split: every item counted once.
            #expect(sums.counts == wholeSums.counts && sums.items.map(\.bitPattern) == wholeSums.items.map(\.bitPattern),
                    "\(task.modelKind), \(K) parts: counts \(sums.counts) vs \(wholeSums.counts)")
            #expect(zip(sums.sums, wholeSums.sums).allSatisfy { abs($0 - $1) <= floatRounding * max(1, abs($1)) })
            let e = try task.evaluation(of: split, from: sums)
            expectSame(e.loss, e.metrics, as: whole.loss, whole.metrics, exact: exact, lossExact: lossExact, "\(task.modelKind), \(K) parts")
            #expect(abs(e.score - whole.score) <= floatRounding * max(1, abs(whole.score)), "\(task.modelKind), \(K) parts: score")
            #expect(e.details.map(\.value) == whole.details.map(\.value), "\(task.modelKind), \(K) parts: details")
        }
    }

    /// Whether an evaluation equals another: the same metric names; `exact` ones (and the loss
    /// when `lossExact`) bit for bit, the others within `floatRounding`.
    static func expectSame(_ loss: Double, _ metrics: [(name: String, value: Double)], as wholeLoss: Double,
                           _ wholeMetrics: [(name: String, value: Double)], exact: Set<String>, lossExact: Bool, _ label: String) {
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= floatRounding * max(1, abs(b)) }
        #expect(lossExact ? loss.bitPattern == wholeLoss.bitPattern : close(loss, wholeLoss), "\(label): loss \(loss) vs \(wholeLoss)")
        #expect(metrics.map(\.name) == wholeMetrics.map(\.name), "\(label)")
        for (m, w) in zip(metrics, wholeMetrics) {
            if exact.contains(m.name) {
                #expect(m.value.bitPattern == w.value.bitPattern, "\(label): \(m.name) \(m.value) vs \(w.value)")
            } else {
                #expect(close(m.value, w.value), "\(label): \(m.name) \(m.value) vs \(w.value)")
            }
        }
        #expect(Set(exact).isSubset(of: wholeMetrics.map(\.name)), "\(label): every exact metric is reported")
    }

    @Test func languageModelColumns() throws {
        let task = try SplitEvaluationTasks.languageModel()
        try Self.expectPartsEvaluateAsTheWhole(task, items: task.validStream.batch, exact: [])
    }

    @Test func classifierSentences() throws {
        let task = try SplitEvaluationTasks.classifier()
        try Self.expectPartsEvaluateAsTheWhole(task, items: task.exampleCounts.valid, exact: ["accuracy", "macro_f1"])
        try Self.expectPartsEvaluateAsTheWhole(task, .test, items: task.exampleCounts.test!, exact: ["accuracy", "macro_f1"])
    }

    @Test func taggerSentences() throws {
        let task = try SplitEvaluationTasks.tagger()
        try Self.expectPartsEvaluateAsTheWhole(task, items: task.valid.count, exact: ["f1", "accuracy", "precision", "recall"])
    }

    @Test func seq2seqPairs() throws {
        let task = try SplitEvaluationTasks.seq2seq()
        try Self.expectPartsEvaluateAsTheWhole(task, items: task.pairCounts.valid, exact: ["exact_match", "token_accuracy", "teacher_forcing"])
    }

    @Test func captionerImages() throws {
        let task = try SplitEvaluationTasks.captioner()
        try Self.expectPartsEvaluateAsTheWhole(task, items: task.valid.count, exact: ["exact_match", "token_accuracy", "bleu", "localization"])
    }

    /// The captioner's validation batches run on parallel copies of the model (`ModelReplicas.forEachModel`),
    /// one thread each: their statistics, added in batch order, are one model's bit for bit, loss
    /// included, with 2 and 3 threads; the model's weights are untouched; an interrupted
    /// evaluation is nil.
    @Test func captionerBatchesOnParallelCopiesAreOneModels() throws {
        let task = try SplitEvaluationTasks.captioner()
        _ = try task.trainBatch(epoch: 1, index: 0)                                  // weights that are not the initial ones
        for i in 0..<task.arena.count { task.arena.values[i] -= 0.5 * task.arena.gradients[i] }  // one SGD step
        task.module.setTraining(false)
        let weights = Array(UnsafeBufferPointer(start: task.arena.values, count: task.arena.count))
        let alone = try #require(try CaptionTask.evaluationSums(task.model, images: task.valid, part: 0..<task.valid.count,
                                                                ids: task.validIDs, vocabulary: task.vocabulary,
                                                                settings: task.settings, shouldStop: { false }))
        for threads in [2, 3] {
            let parallel = try ComputeSettings.exclusive { () throws -> EvaluationSums? in
                let before = Compute.threadCount
                defer { Compute.threadCount = before }
                Compute.threadCount = threads
                return try task.evaluationSums(.validation, shard: .whole, shouldStop: { false })
            }
            #expect(parallel == alone, "\(threads) threads")
        }
        // Told to stop before the first batch, or after the first one a worker asks: nil.
        for allowed in [0, 1] {
            let asked = NSLock()
            nonisolated(unsafe) var questions = 0
            let stopped = try ComputeSettings.exclusive { () throws -> EvaluationSums? in
                let before = Compute.threadCount
                defer { Compute.threadCount = before }
                Compute.threadCount = 2
                return try task.evaluationSums(.validation, shard: .whole, shouldStop: {
                    asked.lock(); defer { asked.unlock() }
                    questions += 1
                    return questions > allowed
                })
            }
            #expect(stopped == nil, "stopped after \(allowed) batch")
        }
        #expect(Array(UnsafeBufferPointer(start: task.arena.values, count: task.arena.count)) == weights)
    }

    @Test func forecasterWindowsAndBacktestOrigins() throws {
        let task = try SplitEvaluationTasks.forecaster()
        try Self.expectPartsEvaluateAsTheWhole(task, items: task.data.valid!.count, exact: [])
        let origins = try task.data.split.origins(stride: task.data.settings.horizon).count
        try Self.expectPartsEvaluateAsTheWhole(task, .test, items: origins, exact: ["mae", "rmse", "mape_pct", "smape_pct", "mase"], lossExact: true)
    }

    @Test func anomalyDetectorWindowsSetTheWholeThreshold() throws {
        let task = try SplitEvaluationTasks.anomalyDetector()
        try Self.expectPartsEvaluateAsTheWhole(task, items: task.windows.count, exact: ["threshold"], lossExact: true)
    }

    // MARK: - Training with local shards

    /// Trains `task` for `steps` steps in 3 local shards, validating every `evalEvery`; at every
    /// validation the recorded metrics must be the whole split's, evaluated at that moment, and
    /// the test of the best checkpoint (if the task has a test split) the whole test split's.
    static func expectShardedRunRecordsTheWholeValidation(_ task: any TrainingTask, steps: Int = 4, evalEvery: Int = 2,
                                                          exact: Set<String>, lossExact: Bool = false,
                                                          testExact: (metrics: Set<String>, loss: Bool)? = nil) throws {
        let folder = TemporaryFolder("rnn-split-valid")
        var loop = TrainingLoopConfiguration()
        loop.maxSteps = steps
        loop.evalEvery = evalEvery
        let trainer = try TaskTrainer(task: task, configuration: loop, run: RunDirectory(folder.path))
        trainer.parallelism = DataParallelism(localShards: 3)
        var wholes: [Result<TaskEvaluation?, Error>] = [], test: TaskEvaluation? = nil
        try trainer.train(events: { event in
            if case let .test(e) = event { test = e }
            guard case .validation = event else { return }
            wholes.append(Result { try task.evaluate(.validation, shouldStop: { false }) })
        })
        #expect(trainer.history.count == wholes.count && wholes.count >= 2)
        for (record, result) in zip(trainer.history, wholes) {
            let whole = try #require(try result.get())
            expectSame(record.validLoss, record.validMetrics.map { ($0.name, $0.value) }, as: whole.loss, whole.metrics,
                       exact: exact, lossExact: lossExact, "\(task.modelKind) run, step \(record.step)")
        }
        #expect((test != nil) == task.hasTestSplit)
        if let test, let testExact {
            try SavedTaskModel.load(trainer.run.bestPath, kind: task.modelKind, version: task.modelVersion).loadWeights(into: task.arena)
            let whole = try #require(try task.evaluate(.test, shouldStop: { false }))
            expectSame(test.loss, test.metrics, as: whole.loss, whole.metrics, exact: testExact.metrics, lossExact: testExact.loss,
                       "\(task.modelKind) run, test")
        }
    }

    @Test func shardedRunsRecordTheWholeValidation() throws {
        try Self.expectShardedRunRecordsTheWholeValidation(try SplitEvaluationTasks.languageModel(), exact: [])
        try Self.expectShardedRunRecordsTheWholeValidation(try SplitEvaluationTasks.classifier(), exact: ["accuracy", "macro_f1"],
                                                           testExact: (["accuracy", "macro_f1"], false))
        try Self.expectShardedRunRecordsTheWholeValidation(try SplitEvaluationTasks.tagger(), exact: ["f1", "accuracy", "precision", "recall"])
        try Self.expectShardedRunRecordsTheWholeValidation(try SplitEvaluationTasks.seq2seq(),
                                                           exact: ["exact_match", "token_accuracy", "teacher_forcing"])
        try Self.expectShardedRunRecordsTheWholeValidation(try SplitEvaluationTasks.captioner(),
                                                           exact: ["exact_match", "token_accuracy", "bleu", "localization"])
        try Self.expectShardedRunRecordsTheWholeValidation(try SplitEvaluationTasks.forecaster(), exact: [],
                                                           testExact: (["mae", "rmse", "mape_pct", "smape_pct", "mase"], true))
        try Self.expectShardedRunRecordsTheWholeValidation(try SplitEvaluationTasks.anomalyDetector(), exact: ["threshold"], lossExact: true)
    }

    /// The records of 4 steps of `task`, validated every 2, with `parallelism`.
    static func run(_ task: any TrainingTask, _ parallelism: DataParallelism, _ folder: TemporaryFolder) throws -> [TaskMetricsRecord] {
        var loop = TrainingLoopConfiguration()
        loop.maxSteps = 4
        loop.evalEvery = 2
        let trainer = try TaskTrainer(task: task, configuration: loop, run: RunDirectory(folder.path))
        trainer.parallelism = parallelism
        try trainer.train()
        return trainer.history
    }

    /// Two ranks on threads (`ThreadCommunicator`) gather their parts' statistics — of different
    /// lengths for the anomaly detector's errors — and record what 2 local shards record, bit
    /// for bit, on both ranks, the classifier's test of the best checkpoint included.
    @Test func twoThreadRanksValidateAsTwoLocalShards() throws {
        try ComputeSettings.exclusive {
            let saved = Compute.threadCount
            Compute.threadCount = 1                          // the same products on every thread
            defer { Compute.threadCount = saved }
            let makers: [(TemporaryFolder) throws -> any TrainingTask] = [{ try SplitEvaluationTasks.anomalyDetector(in: $0) },
                                                                          { try SplitEvaluationTasks.tagger(in: $0) },
                                                                          { try SplitEvaluationTasks.classifier(in: $0) }]
            for make in makers {
                let data = TemporaryFolder("split-valid-data")          // one data path: the ranks' fingerprints agree
                let localFolder = TemporaryFolder("split-valid-local")
                let local = try Self.run(try make(data), DataParallelism(localShards: 2), localFolder)
                nonisolated(unsafe) let tasks = [try make(data), try make(data)]
                let hub = ThreadCommunicator.Hub(size: 2), folder = TemporaryFolder("split-valid-threads")
                nonisolated(unsafe) var results: [Result<[TaskMetricsRecord], Error>?] = [nil, nil]
                let done = DispatchGroup()
                for rank in 0..<2 {
                    done.enter()
                    Thread {
                        results[rank] = Result {
                            try Self.run(tasks[rank], DataParallelism(communicator: ThreadCommunicator(rank: rank, hub: hub), deterministicReduce: true),
                                    folder)
                        }
                        done.leave()
                    }.start()
                }
                done.wait()
                #expect(local.count == 2)
                for rank in 0..<2 {
                    let records = try results[rank]!.get()
                    #expect(records.map(\.validLoss.bitPattern) == local.map(\.validLoss.bitPattern), "rank \(rank)")
                    #expect(records.map { $0.validMetrics.map(\.value.bitPattern) } == local.map { $0.validMetrics.map(\.value.bitPattern) },
                            "rank \(rank): \(records.map(\.validMetrics)) vs \(local.map(\.validMetrics))")
                }
                // The test split too: rank 0's line equals the local shards' (and exists with a test split).
                let test = RunDirectory(folder.path).readTaskMetrics().last?.test, localTest = RunDirectory(localFolder.path).readTaskMetrics().last?.test
                #expect(test?.loss == localTest?.loss && test?.metrics == localTest?.metrics && (test != nil) == tasks[0].hasTestSplit)
            }
        }
    }
}
