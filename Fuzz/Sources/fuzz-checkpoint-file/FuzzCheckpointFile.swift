// Whole checkpoint files through every loader. A mutated file almost never passes its two
// checksums, so the target first checks that the raw bytes are handled (reported, never
// loaded), then re-signs the file (both CRC-32s recomputed) and loads that as the model of
// every task and as a run's latest checkpoint of every kind: the code behind the checksums
// sees the mutated header and metadata.
import FuzzSupport
@testable import RNNKit

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    Fuzz.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpointFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Fuzz.bytes(data, size)
    Fuzz.run { _ = try Checkpoint.verified(bytes, path: "input", formats: [Checkpoint.modelFormat, Checkpoint.stateFormat, checkpointFormat]) }
    guard let file = try? SafetensorsFile(bytes: bytes) else { return 0 }
    var writer = SafetensorsWriter(metadata: file.metadata)
    for info in file.tensors where info.dtype.isReadableAsTensor {
        guard (try? writer.add(info.name, file.tensor(info.name) as Tensor<Float>)) != nil else { return 0 }
    }
    let run = RunDirectory(Fuzz.scratch + "/run")
    try? run.create()
    run.removeRunFiles()
    guard (try? Checkpoint.writeWithChecksum(&writer, to: run.latestPath)) != nil else { return 0 }
    if let state = file.metadata["state_file"], !state.contains("/"), state.hasPrefix("latest.state.") {
        var copy = writer
        _ = try? Checkpoint.writeWithChecksum(&copy, to: run.file(state))
    }
    Fuzz.run { _ = try SavedModel.load(run.latestPath) }
    Fuzz.run { _ = try TrainedClassifier.load(run.latestPath) }
    Fuzz.run { _ = try TrainedTagger.load(run.latestPath) }
    Fuzz.run { _ = try TrainedForecaster.load(run.latestPath) }
    Fuzz.run { _ = try TrainedAnomalyDetector.load(run.latestPath) }
    Fuzz.run { _ = try TrainedSeq2Seq.load(run.latestPath) }
    for kind in [LanguageModelTask.kind, ClassificationTask.kind, TaggingTask.kind, ForecastTask.kind, AnomalyTask.kind,
                 Seq2SeqTask.kind] {
        Fuzz.run {
            let checkpoint = try TaskCheckpoint.read(run, kind: kind)
            if kind == LanguageModelTask.kind { _ = try TrainingCheckpoint.read(run) }
            _ = checkpoint.progress.step
        }
    }
    return 0
}
