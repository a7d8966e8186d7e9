import ArgumentParser
import RNNKit

/// `rnn bench`: training (or inference) throughput of the six configurations of
/// ../shared/bench/torch_rnn_bench.py, one JSON line each, then peak memory.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the recurrent language-model configurations of torch_rnn_bench.py.")

    /// Training or inference.
    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case train, infer
    }

    @Option(help: "Run only this configuration (\(LanguageModelBenchmark.configurations.map(\.name).joined(separator: ", "))).")
    var only: String?

    @Option(help: "Seconds to time each configuration after 3 warm-up batches.")
    var seconds: Double = 5

    @Option(help: "train: forward + backward + clip + Adam; infer: forward only.")
    var mode: Mode = .train

    @Option(help: "Threads for large matrix products (default: all cores).")
    var threads: Int?

    @Flag(help: "Print only the JSON lines.")
    var json = false

    func validate() throws {
        if let only, !LanguageModelBenchmark.configurations.contains(where: { $0.name == only }) {
            throw ValidationError("unknown configuration '\(only)'; choose from \(LanguageModelBenchmark.configurations.map(\.name).joined(separator: ", "))")
        }
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be positive") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        if let threads { Compute.threadCount = threads }
        let chosen = LanguageModelBenchmark.configurations.filter { only == nil || $0.name == only }
        if !json {
            print("{\"rnnkit\": \"\(rnnKitVersion)\", \"threads\": \(Compute.threadCount), \"kernels\": \"\(ComputeInfo.kernelDescription)\"}")
        }
        for c in chosen {
            let result = try LanguageModelBenchmark.run(c, seconds: seconds, training: mode == .train)
            print(result.json)
        }
        let peak = LanguageModelBenchmark.peakResidentMiB()
        print("{\"peak_rss_mib\": \((peak * 10).rounded() / 10)}")
    }
}
