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

    @Option(parsing: .unconditional, help: "Threads for the matrix products, the time loops and the optimizer (default: all cores).")
    var threads: Int?

    @Flag(help: "Under mpirun: time one gradient allreduce per arena size (the configurations' arenas, then 10^3 … 10^7 floats) instead.")
    var allreduce = false

    @Flag(help: "Run as one rank of an MPI job even if no launcher is detected; under mpirun each rank trains its share of every batch and the gradients are summed by allreduce.")
    var distributed = false

    @Option(help: ArgumentHelp("The MPI library to load. (default: libmpi.so.40, then libmpi.so.12)", valueName: "path"))
    var mpiLibrary: String?

    @Flag(help: "Print only the JSON lines.")
    var json = false

    @Flag(help: "Time the matrix products RNNKit's layers run (GEMMBenchmark.standardShapes) instead: GFLOP/s on one thread and on --threads, and with W_hh prepacked for the per-step shapes.")
    var gemm = false

    func validate() throws {
        if let only, !LanguageModelBenchmark.configurations.contains(where: { $0.name == only }) {
            throw ValidationError("unknown configuration '\(only)'; choose from \(LanguageModelBenchmark.configurations.map(\.name).joined(separator: ", "))")
        }
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be positive") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        var parallel = distributed ? ["--distributed"] : []
        if let mpiLibrary { parallel += ["--mpi-library", mpiLibrary] }
        if let threads { parallel += ["--threads", String(threads)] }
        let communicator = try ParallelRun.start(try ParallelismOptions.parse(parallel)).communicator
        if allreduce {
            guard communicator.size > 1 else { throw RNNKitError("--allreduce times MPI: run it under mpirun -np N (N ≥ 2)") }
            for floats in AllreduceBenchmark.standardSizes {
                print(try AllreduceBenchmark.measure(floats: floats, communicator: communicator).json)
            }
            return
        }
        if gemm { return try runGEMM() }
        let chosen = LanguageModelBenchmark.configurations.filter { only == nil || $0.name == only }
        if !json {
            // The same header as torch_rnn_bench.py: the 1024³ SGEMM rate with these threads,
            // the yardstick for the large-GEMM configurations.
            let peak = try GEMMBenchmark.measure(.init(1024, 1024, 1024), threads: Compute.threadCount,
                                                 samples: 3, minimumSeconds: 0.2)
            print("{\"rnnkit\": \"\(rnnKitVersion)\", \"threads\": \(Compute.threadCount), \"ranks\": \(communicator.size), "
                  + "\"kernels\": \"\(ComputeInfo.kernelDescription)\", \"sgemm1024_gflops\": \((peak.gflops * 10).rounded() / 10)}")
        }
        for c in chosen {
            let result = try LanguageModelBenchmark.run(c, seconds: seconds, training: mode == .train, communicator: communicator)
            print(result.json)
        }
        let peak = LanguageModelBenchmark.peakResidentMiB()
        print("{\"peak_rss_mib\": \((peak * 10).rounded() / 10)}")
    }

    /// One JSON line per standard shape: the median GFLOP/s of 7 samples of at least 0.1 s.
    private func runGEMM() throws {
        let all = Compute.threadCount
        for shape in GEMMBenchmark.standardShapes {
            var rates: [String] = []
            for t in Set([1, all]).sorted() {
                for prepacked in shape.m <= 64 ? [false, true] : [false] {
                    let m = try GEMMBenchmark.measure(shape, threads: t, prepackedB: prepacked, minimumSeconds: 0.1)
                    rates.append("\"\(t)t\(prepacked ? " prepacked" : "")\": \((m.gflops * 10).rounded() / 10)")
                }
            }
            print("{\"gemm\": \"\(shape)\", \(rates.joined(separator: ", "))}")
        }
    }
}
