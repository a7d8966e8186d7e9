import Foundation
import Testing
@testable import RNNKit

/// Learning-rate schedules: PyTorch's CosineAnnealingLR and StepLR rates, applied by the trainer
/// step by step (seen in the optimizer's updates), kept in checkpoints, and resumed exactly.
@Suite struct LearningRateScheduleTests {
    /// `torch.optim.lr_scheduler.CosineAnnealingLR(SGD(lr=0.01), T_max=10, eta_min=1e-4)`: the
    /// rate of each of 11 optimizer steps (`param_groups[0]['lr']` before `step()`), torch 2.x.
    static let torchCosine = [0.01, 0.009757729755661011, 0.009054634122155989, 0.007959536998847742,
                              0.00657963412215599, 0.005050000000000001, 0.0035203658778440107,
                              0.0021404630011522584, 0.0010453658778440107, 0.00034227024433899, 0.0001]
    /// `StepLR(SGD(lr=0.01), step_size=2, gamma=0.5)`, stepped once per epoch: epochs 1...6.
    static let torchStep = [0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025]

    @Test func ratesAreThoseOfPyTorchsSchedulers() {
        let cosine = LearningRateSchedule.cosine(minimum: 1e-4)
        for (t, expected) in Self.torchCosine.enumerated() {
            let r = cosine.rate(base: 0.01, step: t, totalSteps: 10, epoch: 1)
            #expect(abs(r - expected) <= 1e-15, "cosine step \(t): \(r) vs \(expected)")
        }
        let step = LearningRateSchedule.step(everyEpochs: 2, gamma: 0.5)
        for (e, expected) in Self.torchStep.enumerated() {
            #expect(step.rate(base: 0.01, step: 1000 * e, totalSteps: 1, epoch: e + 1) == expected, "step epoch \(e + 1)")
        }
        #expect(LearningRateSchedule.constant.rate(base: 0.02, step: 7, totalSteps: 9, epoch: 4) == 0.02)
        #expect(cosine.rate(base: 0.01, step: 12, totalSteps: 10, epoch: 1) == 1e-4, "past the end it stays at the minimum")
    }

    @Test func impossibleSettingsAreRefused() {
        var c = TrainingLoopConfiguration()
        c.learningRate = 0.01
        for bad in [LearningRateSchedule.cosine(minimum: -1), .cosine(minimum: 0.02), .cosine(minimum: .nan),
                    .step(everyEpochs: 0, gamma: 0.5), .step(everyEpochs: 1, gamma: 0), .step(everyEpochs: 1, gamma: 1.5)] {
            c.learningRateSchedule = bad
            #expect(throws: RNNKitError.self, "\(bad)") { try c.validate() }
        }
        c.learningRateSchedule = .cosine(minimum: 0.01)
        #expect(throws: Never.self) { try c.validate() }
    }

    @Test func theScheduleIsKeptInCheckpointsAndOldOnesReadAsConstant() throws {
        var c = TrainingLoopConfiguration()
        c.learningRate = 0.002
        for schedule in [LearningRateSchedule.constant, .cosine(minimum: 1e-5), .step(everyEpochs: 3, gamma: 0.25)] {
            c.learningRateSchedule = schedule
            let read = try TrainingLoopConfiguration(json: try JSONValue.parse(Array(c.json.serialized.utf8)))
            #expect(read == c)
        }
        guard case .object(var members) = c.json else { Issue.record("not an object"); return }
        members.removeAll { $0.0 == "lr_schedule" }
        #expect(try TrainingLoopConfiguration(json: .object(members)).learningRateSchedule == .constant)
        members.append(("lr_schedule", .object([("kind", .string("triangle"))])))
        #expect(throws: RNNKitError.self) { try TrainingLoopConfiguration(json: .object(members)) }
    }

    /// The trainer sets the scheduled rate before every step: with SGD, each step moves the
    /// weights by exactly rate × gradient, and the step reports and metrics say that rate.
    @Test func theTrainerStepsWithTheScheduledRate() throws {
        try ComputeSettings.exclusive {
            let folder = TemporaryFolder("lr-schedule-steps")
            var loop = TaskTrainerTests.loop(epochs: 2, evalEvery: 0)
            loop.optimizer = .sgd
            loop.clip = 0
            loop.learningRate = 0.5
            loop.learningRateSchedule = .cosine(minimum: 0.05)
            let task = try TaskTrainerTests.classificationTask(folder)
            let trainer = try TaskTrainer(task: task, configuration: loop, run: RunDirectory(folder.file("run")))
            let arena = task.arena
            func values() -> [Float] { Array(UnsafeBufferPointer(start: arena.values, count: arena.count)) }
            var before = values(), rates: [Double] = [], checked = 0
            try trainer.train(events: { event in
                guard case .step(let report) = event else { return }
                let expected = loop.learningRateSchedule.rate(base: 0.5, step: report.step - 1, totalSteps: trainer.totalSteps, epoch: 1)
                rates.append(report.learningRate)
                #expect(report.learningRate == expected, "step \(report.step)")
                // SGD: θ' = θ − η g, so the change over the gradient is the rate the optimizer used.
                let after = values(), g = Array(UnsafeBufferPointer(start: arena.gradients, count: arena.count))
                if let i = g.indices.max(by: { abs(g[$0]) < abs(g[$1]) }), abs(g[i]) > 1e-3 {
                    let used = Double(before[i] - after[i]) / Double(g[i])
                    #expect(abs(used - expected) <= 1e-3 * expected, "step \(report.step): moved by \(used) × g, expected \(expected)")
                    checked += 1
                }
                before = after
            })
            #expect(rates.count == trainer.totalSteps && checked > rates.count / 2)
            #expect(rates.first == 0.5 && rates.last! < 0.06 && zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 })
            let metrics = trainer.run.readTaskMetrics().filter { $0.test == nil }
            #expect(metrics.last?.learningRate == 0.05, "the last record holds the rate of the steps that would follow")
        }
    }

    @Test func aScheduledRunResumesExactly() throws {
        try ComputeSettings.exclusive {
            let folder = TemporaryFolder("lr-schedule-resume")
            var loop = TaskTrainerTests.loop(epochs: 3)
            loop.learningRateSchedule = .step(everyEpochs: 1, gamma: 0.5)
            loop.anneal = 2                                       // annealing and the schedule compose
            let whole = RunDirectory(folder.file("whole")), parts = RunDirectory(folder.file("parts"))
            try TaskTrainer(task: try TaskTrainerTests.classificationTask(folder), configuration: loop, run: whole).train()

            var steps = 0
            let b = try TaskTrainer(task: try TaskTrainerTests.classificationTask(folder), configuration: loop, run: parts)
            #expect(try b.train(shouldStop: { steps += 1; return steps > 30 }) == .interrupted)
            let checkpoint = try TaskCheckpoint.read(parts, kind: ClassificationTask.kind)
            #expect(checkpoint.loop.learningRateSchedule == loop.learningRateSchedule)
            let resumed = try TaskTrainer(resuming: checkpoint, task: try ClassificationTask.resuming(checkpoint))
            #expect(try resumed.train() == .completed)

            #expect(TaskTrainerTests.metricsWithoutTimes(whole) == TaskTrainerTests.metricsWithoutTimes(parts))
            let rates = whole.readTaskMetrics().filter { $0.epochEnd && $0.test == nil }.map(\.learningRate)
            #expect(rates.count == 3 && rates[0] == 0.005 && rates[1] <= 0.0025, "halved every epoch (and again when annealed): \(rates)")
            let x = try SafetensorsFile(contentsOf: whole.latestPath), y = try SafetensorsFile(contentsOf: parts.latestPath)
            for name in x.names { #expect(try x.tensor(name) as Tensor<Float> == y.tensor(name), "\(name)") }
        }
    }
}
