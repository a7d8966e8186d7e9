import Testing
@testable import RNNKit

/// CaptionTask's batches: teacher-forced caption ids, time-major, PAD after shorter captions.
@Suite struct CaptionTaskTests {
    @Test func teacherForcedIdsAreTimeMajorWithBOSAndEOS() {
        let (input, output, steps) = CaptionTask.teacherForced([[7, 8, 9], [5]])
        #expect(steps == 4)
        // (T, B) = (4, 2): column 0 is the first caption, column 1 the second.
        #expect(input == [2, 2, 7, 5, 8, 0, 9, 0])
        #expect(output == [7, 5, 8, 3, 9, 0, 3, 0])
    }

    @Test func anEpochVisitsEveryTrainingImageOnce() throws {
        var g = SeededGenerator(seed: 3)
        let train = try GeneratedShapes.generate(count: 10, generator: &g), valid = try GeneratedShapes.generate(count: 3, generator: &g)
        let config = CaptionerConfiguration(encoder: .cnn(channels: 3, conv1: 2, conv2: 3), vocabularySize: 2, embeddingSize: 4,
                                            hiddenSize: 5, attentionSize: 3)
        var settings = CaptionSettings()
        settings.batchSize = 4
        let task = try CaptionTask(train: train, valid: valid, source: .shapes(train: 10, valid: 3), model: config,
                                   settings: settings, seed: 1)
        #expect(task.batchesPerEpoch == 3)
        var seen = 0
        for i in 0..<3 {
            task.arena.zeroGradients()
            let r = try task.trainBatch(epoch: 1, index: i)
            seen += r.tokens
            #expect(r.loss.isFinite && r.count > 0)
        }
        #expect(seen == 10)
        let e = try #require(try task.evaluate(.validation, shouldStop: { false }))
        #expect(e.metrics.map(\.name) == ["exact_match", "token_accuracy", "bleu", "localization"])
    }
}
