import Foundation
@testable import RNNKit

/// One small task of every kind, with splits of a few items (so that K parts of a split may
/// be empty), for `SplitEvaluationTests`; those read from files write them into `folder`.
enum SplitEvaluationTasks {
    static func textSettings() -> TextTaskSettings {
        var s = TextTaskSettings()
        s.batchSize = 8
        s.evalBatchSize = 4               // several evaluation batches per part
        return s
    }

    static let sequenceModel = SequenceModelConfiguration(cell: .gru, vocabularySize: 1, embeddingSize: 6, hiddenSize: 8, numLayers: 1,
                                                          bidirectional: true, outputs: 1, pooling: .max, dropout: 0)

    /// Validation text in 5 columns.
    static func languageModel() throws -> LanguageModelTask {
        var c = TrainingConfiguration()
        c.batch = 6
        c.bptt = 8
        c.evalBatch = 5
        let model = try LanguageModel<Float>(.init(cell: .lstm, vocabularySize: try TrainerTests.data().vocabulary.count,
                                                   embeddingSize: 8, hiddenSize: 12, numLayers: 2), seed: 1)
        return try LanguageModelTask(model: model, data: try TrainerTests.data(), settings: c)
    }

    /// 60 training reviews, 7 validation and 5 test ones.
    static func classifier(in folder: TemporaryFolder = TemporaryFolder("split-eval-classify")) throws -> ClassificationTask {
        let train = try folder.write("train.tsv", GeneratedTaskData.classification(examples: 60, seed: 5))
        let valid = try folder.write("valid.tsv", GeneratedTaskData.classification(examples: 7, seed: 6))
        let test = try folder.write("test.tsv", GeneratedTaskData.classification(examples: 5, seed: 7))
        let data = try ClassificationData.load(train: train, valid: valid, test: test, settings: textSettings())
        return try ClassificationTask(data: data, model: sequenceModel, settings: textSettings(), seed: 3)
    }

    /// 40 training sentences and 7 validation ones.
    static func tagger(in folder: TemporaryFolder = TemporaryFolder("split-eval-tag")) throws -> TaggingTask {
        let train = try folder.write("train.txt", GeneratedTaskData.tagging(sentences: 40, seed: 4))
        let valid = try folder.write("valid.txt", GeneratedTaskData.tagging(sentences: 7, seed: 8))
        let data = try TaggingData.load(train: train, valid: valid, test: nil, tagColumn: nil, settings: textSettings())
        return try TaggingTask(data: data, model: sequenceModel, settings: textSettings(), tagColumn: nil, seed: 3)
    }

    /// 40 training date pairs and 7 validation ones.
    static func seq2seq() throws -> Seq2SeqTask {
        let (train, valid) = GeneratedDates.data(train: 40, valid: 7, seed: 2)
        var settings = Seq2SeqSettings()
        settings.batchSize = 8
        settings.evalBatchSize = 3
        settings.maxLength = 12
        let model = Seq2SeqConfiguration(cell: .lstm, sourceVocabularySize: 1, targetVocabularySize: 1, embeddingSize: 6,
                                         hiddenSize: 8, numLayers: 1, bidirectional: true, attention: .bahdanau, score: .additive)
        let sources = Seq2SeqSources(source: nil, target: nil, validSource: nil, validTarget: nil, pairs: [train, valid])
        return try Seq2SeqTask(train: train, valid: valid, sources: sources, model: model, settings: settings, seed: 3)
    }

    /// 12 training shape images and 5 validation ones (with regions: localization).
    static func captioner() throws -> CaptionTask {
        let source = CaptionDataSource.shapes(train: 12, valid: 5)
        let (train, valid) = try source.load(seed: 3)
        var settings = CaptionSettings()
        settings.batchSize = 6
        settings.evalBatchSize = 2
        let model = CaptionerConfiguration(encoder: .cnn(channels: 3, conv1: 4, conv2: 6), vocabularySize: 2, embeddingSize: 5,
                                           hiddenSize: 8, attentionSize: 6, doublyStochastic: 1)
        return try CaptionTask(train: train, valid: valid, source: source, model: model, settings: settings, seed: 3)
    }

    /// A seasonal series of 90 months: 8 validation rows, a test part of 8.
    static func forecaster(in folder: TemporaryFolder = TemporaryFolder("split-eval-forecast")) throws -> ForecastTask {
        let csv = try folder.write("series.csv", GeneratedSeries.seasonal(seed: 2, count: 90).csvText)
        var s = ForecastSettings()
        s.targets = ["value"]; s.timeColumn = "month"; s.window = 12; s.horizon = 2; s.testSize = 8; s.validationSize = 8
        s.scaling = .windowMean; s.batchSize = 8; s.evalBatchSize = 3
        return try ForecastTask(data: try ForecastData.load(path: csv, settings: s),
                                model: .forecaster(cell: .gru, features: 1, hiddenSize: 6, numLayers: 1, horizon: 1, dropout: 0), seed: 4)
    }

    /// A normal series of 3 days, windows of 16 every 8 steps, threshold the 0.9 quantile.
    static func anomalyDetector(in folder: TemporaryFolder = TemporaryFolder("split-eval-anomaly")) throws -> AnomalyTask {
        let csv = try folder.write("normal.csv", GeneratedSeries.anomalies(seed: 2, days: 3).normal.csvText)
        var s = AnomalySettings()
        s.timeColumn = "timestamp"; s.window = 16; s.stride = 8; s.batchSize = 8; s.evalBatchSize = 5; s.threshold = .quantile(0.9)
        return try AnomalyTask(path: csv, settings: s, model: .autoencoder(cell: .lstm, features: 1, hiddenSize: 6), seed: 4)
    }
}
