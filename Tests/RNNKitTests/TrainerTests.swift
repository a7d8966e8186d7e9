import Foundation
import Testing
@testable import RNNKit

/// The trainer and its checkpoints, in process: resume == uninterrupted, interruption,
/// corruption detection, non-finite losses.
@Suite struct TrainerTests {
    static let text = GeneratedCorpus.text(characters: 2_400, seed: 11)

    static func data() throws -> LanguageModelData {
        let tokens = Tokenizer.tokens(of: text, level: .char)
        let vocabulary = Vocabulary(level: .char, tokens: tokens)
        let ids = try vocabulary.encode(tokens)
        let cut = Int(Double(ids.count) * 0.9)
        return LanguageModelData(sources: TextSources(), vocabulary: vocabulary, train: Array(ids[..<cut]),
                                 valid: Array(ids[cut...]), test: nil)
    }

    static func trainer(_ folder: TemporaryFolder, maxSteps: Int, optimizer: OptimizerKind = .adam,
                        lr: Double? = nil, k1: Int = 5, cell: CellKind = .lstm) throws -> Trainer {
        var c = TrainingConfiguration()
        c.batch = 4
        c.bptt = 8
        c.updateEvery = k1
        c.optimizer = optimizer
        c.learningRate = lr
        c.clip = lr == nil ? 1 : 0
        c.maxSteps = maxSteps
        c.evalEvery = 4
        let model = LanguageModel<Float>.Configuration(cell: cell, vocabularySize: 0, embeddingSize: 6, hiddenSize: 8,
                                                       numLayers: 2, dropout: 0.2)
        return try Trainer(model: model, data: try data(), configuration: c, run: RunDirectory(folder.path))
    }

    /// Runs `trainer` and returns its step losses.
    static func losses(_ trainer: Trainer, stopAfter: Int = .max) throws -> (losses: [Double], outcome: TrainingOutcome) {
        var losses: [Double] = []
        let outcome = try trainer.train(shouldStop: { losses.count >= stopAfter }) { event in
            if case let .step(report) = event { losses.append(report.loss) }
        }
        return (losses, outcome)
    }

    @Test func resumedRunMatchesUninterruptedRun() throws {
        try ComputeSettings.exclusive {
            let a = TemporaryFolder(), b = TemporaryFolder()
            let straight = try Self.trainer(a, maxSteps: 10)
            let (all, _) = try Self.losses(straight)
            #expect(all.count == 10)

            let first = try Self.trainer(b, maxSteps: 10)
            let (head, outcome) = try Self.losses(first, stopAfter: 6)
            #expect(outcome == .interrupted && head == Array(all[..<6]))
            let checkpoint = try TrainingCheckpoint.read(RunDirectory(b.path))
            #expect(checkpoint.progress.step == 6 && checkpoint.progress.carriedState != nil)
            let resumed = try Trainer(resuming: checkpoint, data: try Self.data())
            #expect(resumed.progress == first.progress)
            let (tail, _) = try Self.losses(resumed)
            #expect(head + tail == all)
            for name in straight.model.arena.names {
                #expect(straight.model.arena.value(named: name) == resumed.model.arena.value(named: name))
            }
            // The metrics of both runs agree on every loss.
            let ma = RunDirectory(a.path).readMetrics(), mb = RunDirectory(b.path).readMetrics()
            #expect(ma.map(\.validLoss) == mb.map(\.validLoss) && ma.map(\.trainLoss) == mb.map(\.trainLoss))
        }
    }

    @Test func savedModelLoadsTheBestWeights() throws {
        let folder = TemporaryFolder()
        let trainer = try Self.trainer(folder, maxSteps: 4)
        try trainer.train()
        let saved = try SavedModel.load(folder.path)
        #expect(saved.path.hasSuffix("best.safetensors"))
        #expect(saved.vocabulary == trainer.data.vocabulary)
        #expect(saved.training?.batch == 4)
        for name in trainer.model.arena.names {
            #expect(saved.model.arena.value(named: name) == trainer.model.arena.value(named: name))
        }
        // PyTorch names, and a standard safetensors file.
        let file = try SafetensorsFile(contentsOf: folder.file("best.safetensors"))
        #expect(file.names.contains("rnn.weight_hh_l1") && file.names.contains("decoder.bias"))
    }

    @Test func corruptedOrTruncatedCheckpointsAreRejected() throws {
        let folder = TemporaryFolder()
        try Self.trainer(folder, maxSteps: 2).train()
        let run = RunDirectory(folder.path)
        var bytes = try FileIO.readAll(run.latestPath)
        let original = bytes

        bytes[bytes.count - 10] ^= 0x40
        try FileIO.writeAtomically(bytes, to: run.latestPath)
        #expect(throws: RNNKitError.self) { try TrainingCheckpoint.read(run) }
        do { _ = try TrainingCheckpoint.read(run) } catch let e as RNNKitError { #expect(e.message.contains("corrupted")) }

        try FileIO.writeAtomically(Array(original.prefix(original.count - 100)), to: run.latestPath)
        #expect(throws: RNNKitError.self) { try SavedModel.load(run.latestPath) }

        try FileIO.writeAtomically(Array(original.prefix(5)), to: run.latestPath)
        #expect(throws: RNNKitError.self) { try TrainingCheckpoint.read(run) }

        // A state file that belongs to another checkpoint.
        try FileIO.writeAtomically(original, to: run.latestPath)
        let stateName = run.stateFileNames().first!
        var state = try FileIO.readAll(run.file(stateName))
        state[state.count - 1] ^= 1
        try FileIO.writeAtomically(state, to: run.file(stateName))
        #expect(throws: RNNKitError.self) { try TrainingCheckpoint.read(run) }
    }

    @Test func aFileFromElsewhereIsNotAModel() throws {
        let folder = TemporaryFolder()
        let arena = ParameterArena<Float>()
        arena.add(name: "weight", shape: [2, 2])
        try arena.save(to: folder.file("other.safetensors"))
        #expect(throws: RNNKitError("'\(folder.file("other.safetensors"))' is not an RNNKit checkpoint (its metadata has no 'format')")) {
            try SavedModel.load(folder.file("other.safetensors"))
        }
        #expect(throws: RNNKitError.self) { try SavedModel.load(folder.path) }     // nothing there
    }

    @Test func nonFiniteLossStopsAndKeepsTheLastCheckpoint() throws {
        let folder = TemporaryFolder()
        let trainer = try Self.trainer(folder, maxSteps: 50, optimizer: .sgd, lr: 1e6, k1: 8, cell: .rnnRelu)
        do {
            try trainer.train()
            Issue.record("training a ReLU RNN with SGD at lr 1e6 did not stop")
        } catch let error as RNNKitError {
            #expect(error.message.contains("the training loss became NaN at step \(trainer.progress.step + 1)"))
        }
        let checkpoint = try TrainingCheckpoint.read(RunDirectory(folder.path))
        #expect(checkpoint.progress.step <= trainer.progress.step)
        do { try trainer.train() } catch let error as RNNKitError {
            #expect(error.message.contains("the last good checkpoint (step \(checkpoint.progress.step))"))
        }
        #expect(try SavedModel.load(folder.file("latest.safetensors")).model.arena.parameterCount > 0)
    }

    @Test func metricsLinesRoundTrip() throws {
        let record = MetricsRecord(epoch: 2, step: 40, trainLoss: 1.25, validLoss: 1.5, learningRate: 0.002,
                                   tokensPerSecond: 1234.5, elapsedSeconds: 12.25, epochEnd: true, testLoss: 1.75)
        let parsed = try MetricsRecord(jsonLine: record.jsonLine)
        #expect(parsed == record)
        #expect(record.jsonLine.contains("\"valid_ppl\":4.482"))
        #expect(MetricsRecord.records(inJSONLines: record.jsonLine + "\n{\"epoch\":3,\"st").count == 1)
        var earlier = record, later = record
        earlier.testLoss = nil
        later.testLoss = nil
        later.step = 80
        later.validLoss = 1.4
        let svg = LossCurve.svg([earlier, later, record], title: "t")
        #expect(svg.hasPrefix("<svg") && svg.contains("polyline"))
    }
}
