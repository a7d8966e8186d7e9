import Foundation
import Testing
@testable import RNNKit

/// Ctrl-C (a `shouldStop` that turns true) at the awkward moments — inside a mid-epoch
/// validation, inside the final test — leaves a run whose resume equals the uninterrupted run:
/// the same metrics lines, best and latest weights, and generators.
@Suite struct TaskTrainerInterruptionTests {
    /// The files of two runs compared: metrics without timings, best and latest tensors.
    static func expectSameRuns(_ a: RunDirectory, _ b: RunDirectory, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(TaskTrainerTests.metricsWithoutTimes(a) == TaskTrainerTests.metricsWithoutTimes(b), sourceLocation: sourceLocation)
        for file in ["best.safetensors", "latest.safetensors"] {
            let x = try SafetensorsFile(contentsOf: a.file(file)), y = try SafetensorsFile(contentsOf: b.file(file))
            #expect(x.names == y.names, sourceLocation: sourceLocation)
            for name in x.names {
                #expect(try x.tensor(name) as Tensor<Float> == y.tensor(name), "\(file) \(name)", sourceLocation: sourceLocation)
            }
        }
        let x = try TaskProgress(json: try JSONValue.parse(Array(SafetensorsFile(contentsOf: a.latestPath).metadata["progress"]!.utf8)))
        let y = try TaskProgress(json: try JSONValue.parse(Array(SafetensorsFile(contentsOf: b.latestPath).metadata["progress"]!.utf8)))
        #expect(x.generators.map(\.state.0) == y.generators.map(\.state.0) && x.step == y.step && x.bestScore == y.bestScore,
                sourceLocation: sourceLocation)
    }

    @Test func ctrlCInsideAMidEpochValidationOrTheTestResumesExactly() throws {
        try ComputeSettings.exclusive {
            let folder = TemporaryFolder("interrupt-validation")
            let whole = RunDirectory(folder.file("whole")), parts = RunDirectory(folder.file("parts"))
            let loop = TaskTrainerTests.loop(epochs: 2, evalEvery: 7)
            try TaskTrainer(task: try TaskTrainerTests.classificationTask(folder), configuration: loop, run: whole).train()

            // Stop inside the validation of step 14 (7 · 2): after the step, before its line.
            let b = try TaskTrainer(task: try TaskTrainerTests.classificationTask(folder), configuration: loop, run: parts)
            #expect(try b.train(shouldStop: { b.progress.step == 14 && b.progress.lastValidationStep < 14 }) == .interrupted)
            #expect(b.progress.lastValidationStep == 7 && parts.readTaskMetrics().last?.step == 7)

            // Resume, then stop inside the final test.
            var checkpoint = try TaskCheckpoint.read(parts, kind: ClassificationTask.kind)
            let c = try TaskTrainer(resuming: checkpoint, task: try ClassificationTask.resuming(checkpoint))
            #expect(try c.train(shouldStop: { c.isTrainingComplete }) == .interrupted)
            #expect(parts.readTaskMetrics().last?.test == nil)

            checkpoint = try TaskCheckpoint.read(parts, kind: ClassificationTask.kind)
            let d = try TaskTrainer(resuming: checkpoint, task: try ClassificationTask.resuming(checkpoint))
            #expect(try d.train() == .completed)
            #expect(parts.readTaskMetrics().last?.test != nil)
            try Self.expectSameRuns(whole, parts)
            #expect(throws: RNNKitError.self) {                           // now complete, test included
                let done = try TaskCheckpoint.read(parts, kind: ClassificationTask.kind)
                _ = try TaskTrainer(resuming: done, task: try ClassificationTask.resuming(done))
            }
        }
    }

    @Test func languageModelCtrlCInsideAValidationResumesExactly() throws {
        try ComputeSettings.exclusive {
            let a = TemporaryFolder("lm-interrupt-a"), b = TemporaryFolder("lm-interrupt-b")
            var samples: [String: [String]] = [:]
            func run(_ trainer: Trainer, _ key: String, stop: @escaping () -> Bool = { false }) throws -> TrainingOutcome {
                try trainer.train(shouldStop: stop) { event in
                    if case .validation = event { samples[key, default: []].append(trainer.sample(count: 20)) }
                }
            }
            let straight = try TrainerTests.trainer(a, maxSteps: 10)
            #expect(try run(straight, "a") == .completed)
            let first = try TrainerTests.trainer(b, maxSteps: 10)
            #expect(try run(first, "b", stop: { first.progress.step == 8 && first.progress.lastValidationStep < 8 }) == .interrupted)
            let resumed = try Trainer(resuming: try TrainingCheckpoint.read(RunDirectory(b.path)), data: try TrainerTests.data())
            #expect(try run(resumed, "b") == .completed)
            #expect(samples["a"] == samples["b"] && samples["a"]?.count == 3)       // validations at steps 4, 8, 10
            #expect(resumed.progress.sampleGenerator.state.0 == straight.progress.sampleGenerator.state.0)
            try Self.expectSameRuns(RunDirectory(a.path), RunDirectory(b.path))
        }
    }
}
