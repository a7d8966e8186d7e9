// The JSON that checkpoint metadata and metrics lines hold, through every reader of it: the
// input is one JSON value (typically an object); each reader either accepts it (and then its
// values must be within their limits) or gives an error.
import FuzzSupport
@testable import RNNKit

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    Fuzz.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpointMetadata(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Fuzz.bytes(data, size)
    guard let json = try? JSONValue.parse(bytes) else { return 0 }
    _ = json.serialized
    Fuzz.run {
        let p = try TaskProgress(json: json)
        precondition(p.step <= TrainingLoopConfiguration.maxCount && p.tokensSinceValidation <= TaskProgress.maxTokenCount)
        _ = p.json.serialized
    }
    Fuzz.run {
        let loop = try TrainingLoopConfiguration(json: json)
        Fuzz.run { _ = try LanguageModelTask.settings(task: json, loop: loop) }
        _ = loop.json.serialized
    }
    Fuzz.run { _ = try TrainingDisplay(json: json) }
    Fuzz.run {
        let c = try LanguageModel<Float>.Configuration(json: json)
        _ = c.workingBytes(steps: 64, batch: 32)
    }
    for key in ["classes", "tags"] {
        Fuzz.run {
            let c = try SequenceModelConfiguration(json: json, outputsKey: key)
            _ = c.workingBytes(steps: 100, batch: 256)
        }
    }
    Fuzz.run { _ = try Seq2SeqConfiguration(json: json).parameterCount }
    Fuzz.run { _ = try Seq2SeqSettings(json: json) }
    Fuzz.run { _ = try Seq2SeqSources(json: json) }
    Fuzz.run { _ = try Seq2SeqVocabulary(json: json, context: "vocabulary") }
    for model in [SeriesModelConfiguration.Model.forecaster, .autoencoder] {
        Fuzz.run { _ = try SeriesModelConfiguration(json: json, model: model).parameterCount }
    }
    Fuzz.run { _ = try ForecastSettings(json: json) }
    Fuzz.run { _ = try AnomalySettings(json: json) }
    Fuzz.run { _ = try TextTaskSettings(json: json) }
    Fuzz.run { _ = try TextTaskSources(json: json) }
    Fuzz.run { _ = try TextSources(json: json) }
    Fuzz.run { _ = try TrainingConfiguration(json: json) }
    Fuzz.run { _ = try Vocabulary(json: json) }
    Fuzz.run { _ = try TaggingTask.tagColumn(json) }
    Fuzz.run { _ = try JSONFields.generator(json, "generator") }
    Fuzz.run {
        let symbols = try JSONFields.strings(json, "symbols")
        Fuzz.run { _ = try TaskVocabulary(symbols: symbols) }
        Fuzz.run { _ = try LabelSet(symbols: symbols) }
    }
    let line = String(decoding: bytes, as: UTF8.self)
    Fuzz.run { _ = try TaskMetricsRecord(jsonLine: line).jsonLine }
    Fuzz.run { _ = try MetricsRecord(jsonLine: line).jsonLine }
    return 0
}
