import Foundation
import Testing
@testable import RNNKit

/// The generic trainer on the classification and tagging tasks: the loss falls, an interrupted
/// and resumed run equals an uninterrupted one, early stopping, the test line, and checkpoints
/// of another kind or corrupted are refused.
@Suite struct TaskTrainerTests {
    static func settings() -> TextTaskSettings {
        var s = TextTaskSettings()
        s.batchSize = 16
        s.evalBatchSize = 64
        return s
    }

    static func loop(epochs: Int = 3, evalEvery: Int = 7) -> TrainingLoopConfiguration {
        var c = TrainingLoopConfiguration()
        c.epochs = epochs
        c.evalEvery = evalEvery
        c.learningRate = 0.01
        c.seed = 3
        return c
    }

    static let model = SequenceModelConfiguration(cell: .lstm, vocabularySize: 1, embeddingSize: 8, hiddenSize: 8,
                                                  numLayers: 2, bidirectional: true, outputs: 1, pooling: .max, dropout: 0.2)

    static func classificationTask(_ folder: TemporaryFolder) throws -> ClassificationTask {
        let path = try folder.write("train.tsv", GeneratedTaskData.classification(examples: 300, seed: 5))
        let test = try folder.write("test.tsv", GeneratedTaskData.classification(examples: 60, seed: 6))
        let data = try ClassificationData.load(train: path, valid: nil, test: test, settings: settings())
        return try ClassificationTask(data: data, model: model, settings: settings(), seed: 3)
    }

    /// The metrics lines without the timing fields, which differ between runs.
    static func metricsWithoutTimes(_ run: RunDirectory) -> [String] {
        run.readTaskMetrics().map {
            var r = $0
            r.tokensPerSecond = 0
            r.elapsedSeconds = 0
            return r.jsonLine
        }
    }

    @Test func classificationResumesExactly() throws {
        try ComputeSettings.exclusive {
            let folder = TemporaryFolder("task-resume")
            let whole = RunDirectory(folder.file("whole")), parts = RunDirectory(folder.file("parts"))
            let a = try TaskTrainer(task: try Self.classificationTask(folder), configuration: Self.loop(), run: whole)
            #expect(try a.train() == .completed)
            let metrics = whole.readTaskMetrics()
            #expect(metrics.count >= 3 && metrics.last?.test != nil)
            #expect(metrics.first!.trainLoss > metrics[metrics.count - 2].trainLoss, "the loss falls")

            var steps = 0
            let b = try TaskTrainer(task: try Self.classificationTask(folder), configuration: Self.loop(), run: parts)
            #expect(try b.train(shouldStop: { steps += 1; return steps > 23 }) == .interrupted)
            let checkpoint = try TaskCheckpoint.read(parts, kind: ClassificationTask.kind)
            let resumed = try TaskTrainer(resuming: checkpoint, task: try ClassificationTask.resuming(checkpoint))
            #expect(resumed.progress.step > 0)
            #expect(try resumed.train() == .completed)

            #expect(Self.metricsWithoutTimes(whole) == Self.metricsWithoutTimes(parts))
            for file in ["best.safetensors", "latest.safetensors"] {
                let x = try SafetensorsFile(contentsOf: whole.file(file)), y = try SafetensorsFile(contentsOf: parts.file(file))
                for name in x.names { #expect(try x.tensor(name) as Tensor<Float> == y.tensor(name), "\(file) \(name)") }
            }
        }
    }

    @Test func taggingResumesExactly() throws {
        try ComputeSettings.exclusive {
            let folder = TemporaryFolder("tag-resume")
            let path = try folder.write("train.txt", GeneratedTaskData.tagging(sentences: 200, seed: 4))
            func task() throws -> TaggingTask {
                let data = try TaggingData.load(train: path, valid: nil, test: nil, tagColumn: nil, settings: Self.settings())
                return try TaggingTask(data: data, model: Self.model, settings: Self.settings(), tagColumn: nil, seed: 3)
            }
            let whole = RunDirectory(folder.file("whole")), parts = RunDirectory(folder.file("parts"))
            try TaskTrainer(task: try task(), configuration: Self.loop(epochs: 2), run: whole).train()
            var steps = 0
            let b = try TaskTrainer(task: try task(), configuration: Self.loop(epochs: 2), run: parts)
            #expect(try b.train(shouldStop: { steps += 1; return steps > 9 }) == .interrupted)
            let checkpoint = try TaskCheckpoint.read(parts, kind: TaggingTask.kind)
            try TaskTrainer(resuming: checkpoint, task: try TaggingTask.resuming(checkpoint)).train()
            #expect(Self.metricsWithoutTimes(whole) == Self.metricsWithoutTimes(parts))
            #expect(whole.readTaskMetrics().last!.validMetrics.map(\.name) == ["f1", "accuracy", "precision", "recall"])
        }
    }

    @Test func earlyStoppingEndsTheRun() throws {
        let folder = TemporaryFolder("task-patience")
        var loop = Self.loop(epochs: 6, evalEvery: 0)
        loop.learningRate = 1e-12                       // nothing improves after the first epoch
        loop.patience = 2
        let trainer = try TaskTrainer(task: try Self.classificationTask(folder), configuration: loop,
                                      run: RunDirectory(folder.file("run")))
        var stopped = false
        try trainer.train(events: { if case .stoppedEarly = $0 { stopped = true } })
        #expect(stopped && trainer.progress.stoppedEarly)
        #expect(trainer.history.filter { $0.test == nil }.count == 3)
    }

    @Test func checkpointsOfAnotherKindOrCorruptedAreRefused() throws {
        let folder = TemporaryFolder("task-kinds")
        var loop = Self.loop(epochs: 1, evalEvery: 0)
        loop.maxSteps = 3
        let run = RunDirectory(folder.file("run"))
        try TaskTrainer(task: try Self.classificationTask(folder), configuration: loop, run: run).train()
        #expect(try TrainedClassifier.load(run.path).labels.symbols == ["neg", "pos"])
        #expect(throws: RNNKitError("'\(run.bestPath)' holds a sequence-classifier model, not a sequence-tagger")) {
            try TrainedTagger.load(run.path)
        }
        #expect(throws: RNNKitError("'\(run.bestPath)' holds a sequence-classifier checkpoint, not a language model")) {
            try SavedModel.load(run.path)
        }
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: run.bestPath)))
        bytes[bytes.count - 5] ^= 0x10
        let corrupted = try folder.write("corrupted.safetensors", bytes: bytes)
        #expect { try TrainedClassifier.load(corrupted) } throws: { ($0 as? RNNKitError)?.message.contains("is corrupted") == true }

        // A header claiming a huge model is refused before anything is allocated.
        let best = try SafetensorsFile(contentsOf: run.bestPath)
        var metadata = best.metadata
        metadata["model"] = metadata["model"]!.replacingOccurrences(of: "\"hidden\":8", with: "\"hidden\":1000")
        #expect(metadata["model"] != best.metadata["model"])
        var writer = SafetensorsWriter(metadata: metadata)
        for name in best.names { try writer.add(name, try best.tensor(name) as Tensor<Float>) }
        let huge = folder.file("huge.safetensors")
        try Checkpoint.writeWithChecksum(&writer, to: huge)
        #expect { try TrainedClassifier.load(huge) } throws: { ($0 as? RNNKitError)?.message.contains("parameters, the file holds") == true }
    }
}
