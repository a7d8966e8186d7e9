import Foundation
import Testing
@testable import RNNKit

/// Weight averaging: PyTorch's `AveragedModel` numbers, the trainer validating and saving the
/// average while it steps the live weights, exact resume, and refused settings.
@Suite struct WeightAveragingTests {
    /// The weights after five steps, fed one by one to `AveragedModel.update_parameters`.
    static let live: [[Float]] = [[0.1, -1.7, 3.3], [0.35, -1.2, 2.9], [-0.4, 0.05, 3.05], [0.2, 0.8, -2.5], [1.1, -0.3, 0.7]]
    /// `AveragedModel(m, multi_avg_fn=get_ema_multi_avg_fn(0.9))`'s weight after each update
    /// (torch 2.15, float32).
    static let torchEMA09: [[Float]] = [
        [0.10000000149011612, -1.7000000476837158, 3.299999952316284], [0.125, -1.6500000953674316, 3.259999990463257],
        [0.07249999791383743, -1.4800001382827759, 3.239000082015991], [0.08524999767541885, -1.252000093460083, 2.66510009765625],
        [0.18672500550746918, -1.1568000316619873, 2.468590021133423],
    ]
    /// The same with decay 0.3: the weight 0.7 takes `torch.lerp`'s other branch.
    static let torchEMA03: [[Float]] = [
        [0.10000000149011612, -1.7000000476837158, 3.299999952316284], [0.2749999761581421, -1.350000023841858, 3.0199999809265137],
        [-0.19750000536441803, -0.3700000047683716, 3.0409998893737793], [0.0807499960064888, 0.44899997115135193, -0.8376999497413635],
        [0.7942249774932861, -0.07530001550912857, 0.23868998885154724],
    ]
    /// `AveragedModel(m)` (the SWA mean).
    static let torchSWA: [[Float]] = [
        [0.10000000149011612, -1.7000000476837158, 3.299999952316284], [0.22499999403953552, -1.4500000476837158, 3.0999999046325684],
        [0.01666666567325592, -0.9500000476837158, 3.0833332538604736], [0.0625, -0.5125000476837158, 1.6875],
        [0.27000001072883606, -0.4700000286102295, 1.4900000095367432],
    ]

    @Test func theAveragesAreThoseOfPyTorchsAveragedModel() {
        for (kind, expected) in [(WeightAveraging.exponential(decay: 0.9), Self.torchEMA09), (.exponential(decay: 0.3), Self.torchEMA03),
                                 (.uniform(fromEpoch: 1), Self.torchSWA)] {
            var average = WeightAverage()
            for (n, weights) in Self.live.enumerated() {
                weights.withUnsafeBufferPointer { average.add($0.baseAddress!, count: 3, steps: n, kind: kind) }
                #expect(average.values == expected[n], "\(kind), update \(n + 1): \(average.values) vs \(expected[n])")
            }
        }
    }

    /// The vectorised lerp gives its reference's bits on every ISA this CPU has, on both
    /// branches and any length.
    @Test func theFastLerpIsItsReference() {
        for (n, w) in [(1, Float(0.001)), (37, 0.1), (1000, 0.5), (263, 0.7), (8, 0.999)] {
            let live = LayerTestData.uniform(n, seed: UInt64(n)).map { Float($0) }
            let start = LayerTestData.uniform(n, seed: UInt64(n + 1)).map { Float($0) }
            var reference = start
            reference.withUnsafeMutableBufferPointer { lerpReference($0.baseAddress!, toward: live, count: n, weight: w) }
            eachISA { isa in
                var fast = start
                fast.withUnsafeMutableBufferPointer { lerp($0.baseAddress!, toward: live, count: n, weight: w) }
                #expect(fast == reference, "\(isa) n \(n), w \(w)")
            }
        }
    }

    /// A run with an exponential average: after every step the test folds the live weights into
    /// its own average; validation must score exactly that average (a fresh evaluation of it gives
    /// the same loss), `best.safetensors` holds the average of the best validation, and
    /// `latest.safetensors` the live weights with the average in its state file.
    @Test func theTrainerValidatesAndKeepsTheAverage() throws {
        try ComputeSettings.exclusive {
            let folder = TemporaryFolder("weight-average")
            var loop = TaskTrainerTests.loop(epochs: 2, evalEvery: 0)
            loop.averaging = .exponential(decay: 0.8)
            let task = try TaskTrainerTests.classificationTask(folder)
            let trainer = try TaskTrainer(task: task, configuration: loop, run: RunDirectory(folder.file("run")))
            let arena = task.arena
            func values() -> [Float] { Array(UnsafeBufferPointer(start: arena.values, count: arena.count)) }
            var mine = WeightAverage(), steps = 0, bestAverage: [Float] = [], validations: [(loss: Double, average: [Float])] = []
            try trainer.train(events: { event in
                switch event {
                case .step:
                    values().withUnsafeBufferPointer { mine.add($0.baseAddress!, count: arena.count, steps: steps, kind: loop.averaging) }
                    steps += 1
                case let .validation(record, improved, _):
                    validations.append((record.validLoss, mine.values))
                    if improved { bestAverage = mine.values }
                default: break
                }
            })
            #expect(trainer.progress.averagedSteps == steps && steps == trainer.totalSteps)
            #expect(trainer.average.values == mine.values)
            let live = values()
            #expect(live != mine.values, "the optimizer stepped the live weights, not the average")

            let best = try SafetensorsFile(contentsOf: trainer.run.bestPath)
            let latest = try SafetensorsFile(contentsOf: trainer.run.latestPath)
            let state = try SafetensorsFile(contentsOf: trainer.run.file(try #require(latest.metadata["state_file"])))
            for entry in arena.entries {
                let range = entry.offset..<entry.offset + entry.count
                #expect((try best.tensor(entry.name) as Tensor<Float>).scalars == Array(bestAverage[range]), "best \(entry.name)")
                #expect((try latest.tensor(entry.name) as Tensor<Float>).scalars == Array(live[range]), "latest \(entry.name)")
            }
            #expect((try state.tensor(TaskTrainer.averageTensorName) as Tensor<Float>).scalars == mine.values)

            // The validation loss is the average's: evaluate the last average afresh.
            mine.values.withUnsafeBufferPointer { arena.values.update(from: $0.baseAddress!, count: arena.count) }
            task.module.setTraining(false)
            let again = try #require(try trainer.evaluateSplit(.validation, shouldStop: { false }))
            #expect(again.loss == validations.last!.loss)
        }
    }

    /// A uniform average from epoch 2: epoch 1 validates the live weights (the same metrics as a
    /// run without averaging), epoch 2 the mean of its steps; interrupted mid-epoch 2 and resumed,
    /// the run equals the uninterrupted one, average included.
    @Test func aUniformAverageStartsAtItsEpochAndResumesExactly() throws {
        try ComputeSettings.exclusive {
            let folder = TemporaryFolder("weight-average-resume")
            var loop = TaskTrainerTests.loop(epochs: 3, evalEvery: 0)
            let plain = RunDirectory(folder.file("plain"))
            try TaskTrainer(task: try TaskTrainerTests.classificationTask(folder), configuration: loop, run: plain).train()
            loop.averaging = .uniform(fromEpoch: 2)
            let whole = RunDirectory(folder.file("whole")), parts = RunDirectory(folder.file("parts"))
            let a = try TaskTrainer(task: try TaskTrainerTests.classificationTask(folder), configuration: loop, run: whole)
            try a.train()
            #expect(a.progress.averagedSteps == 2 * a.task.batchesPerEpoch)
            let p = TaskTrainerTests.metricsWithoutTimes(plain), w = TaskTrainerTests.metricsWithoutTimes(whole)
            #expect(p.first == w.first, "epoch 1 validates the live weights")
            #expect(p[1] != w[1], "epoch 2 validates the average")

            var steps = 0
            let b = try TaskTrainer(task: try TaskTrainerTests.classificationTask(folder), configuration: loop, run: parts)
            let stopAt = b.task.batchesPerEpoch + b.task.batchesPerEpoch / 2
            #expect(try b.train(shouldStop: { steps += 1; return steps > stopAt + 1 }) == .interrupted)
            let checkpoint = try TaskCheckpoint.read(parts, kind: ClassificationTask.kind)
            #expect(checkpoint.loop.averaging == loop.averaging && checkpoint.progress.averagedSteps > 0)
            let resumed = try TaskTrainer(resuming: checkpoint, task: try ClassificationTask.resuming(checkpoint))
            #expect(try resumed.train() == .completed)
            #expect(w == TaskTrainerTests.metricsWithoutTimes(parts))
            #expect(resumed.average.values == a.average.values)
            for file in [whole.bestPath, whole.latestPath] {
                let x = try SafetensorsFile(contentsOf: file)
                let y = try SafetensorsFile(contentsOf: parts.file(URL(fileURLWithPath: file).lastPathComponent))
                for name in x.names { #expect(try x.tensor(name) as Tensor<Float> == y.tensor(name), "\(file): \(name)") }
            }
        }
    }

    @Test func settingsAreCheckedAndKeptInCheckpoints() throws {
        var c = TrainingLoopConfiguration()
        c.learningRate = 0.002
        for bad in [WeightAveraging.exponential(decay: 0), .exponential(decay: 1), .exponential(decay: .nan), .uniform(fromEpoch: 0)] {
            c.averaging = bad
            #expect(throws: RNNKitError.self, "\(bad)") { try c.validate() }
        }
        for kind in [WeightAveraging.none, .exponential(decay: 0.999), .uniform(fromEpoch: 4)] {
            c.averaging = kind
            #expect(try TrainingLoopConfiguration(json: try JSONValue.parse(Array(c.json.serialized.utf8))) == c)
        }
        guard case .object(var members) = c.json else { Issue.record("not an object"); return }
        members.removeAll { $0.0 == "averaging" }
        #expect(try TrainingLoopConfiguration(json: .object(members)).averaging == .none, "older runs did not average")
        members.append(("averaging", .object([("kind", .string("polyak"))])))
        #expect(throws: RNNKitError.self) { try TrainingLoopConfiguration(json: .object(members)) }
    }

    /// A saved average of the wrong size (or after no step) is refused.
    @Test func aBrokenSavedAverageIsRefused() throws {
        #expect(throws: RNNKitError.self) { try WeightAverage(values: [1, 2], steps: 3, parameters: 4) }
        #expect(throws: RNNKitError.self) { try WeightAverage(values: [1, 2], steps: 0, parameters: 2) }
        #expect(try WeightAverage(values: [1, 2], steps: 1, parameters: 2).values == [1, 2])
    }
}
