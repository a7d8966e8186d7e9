// swift-tools-version:6.0
// libFuzzer targets for every file format RNNKit reads. Not part of the RNNKit package: build
// and run them with ./run.sh (which passes -sanitize=fuzzer,address and -enable-testing; the
// targets import RNNKit with @testable to reach the internal readers). See README.md.
import Foundation
import PackageDescription

/// The RNNKit package is the folder above; SwiftPM names a path dependency after its folder.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rnnkit = Target.Dependency.product(name: "RNNKit", package: root.lastPathComponent)

/// One fuzz target: a module whose LLVMFuzzerTestOneInput feeds the input to one reader.
/// SwiftPM compiles it; run.sh links it with libFuzzer's main (SwiftPM's executable targets
/// bring their own entry point, which libFuzzer's would clash with).
func fuzzTarget(_ name: String) -> Target {
    .target(name: name, dependencies: [rnnkit, "FuzzSupport"], path: "Sources/\(name)")
}

let package = Package(
    name: "RNNKitFuzz",
    dependencies: [.package(path: root.path)],
    targets: [
        .target(name: "FuzzSupport", dependencies: [rnnkit]),
        fuzzTarget("fuzz-safetensors"),           // SafetensorsFile(bytes:): header, offsets, dtypes
        fuzzTarget("fuzz-checkpoint-metadata"),   // the JSON of checkpoint metadata and metrics lines
        fuzzTarget("fuzz-checkpoint-file"),       // whole checkpoints, re-signed, through every loader
        fuzzTarget("fuzz-text"),                  // UTF-8 text, char and word tokens, vocabulary, batches
        fuzzTarget("fuzz-labeled-text"),          // label<TAB>text files (rnn classify)
        fuzzTarget("fuzz-conll"),                 // CoNLL columns (rnn tag), chunk metrics
        fuzzTarget("fuzz-symbols"),               // vocabulary and label files (rnn import)
        fuzzTarget("fuzz-metrics"),               // metrics.jsonl (read on resume) and the loss curve
        fuzzTarget("fuzz-csv"),                   // time-series CSV (forecast, anomaly), label JSON
        fuzzTarget("fuzz-parallel-text"),         // parallel source/target files (seq2seq)
        fuzzTarget("fuzz-idx"),                   // IDX files and their gzip/DEFLATE decoder (rnn caption)
    ]
)
