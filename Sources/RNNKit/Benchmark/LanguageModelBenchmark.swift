#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The training-throughput benchmark of `rnn bench`, configuration for configuration the same
/// as ../shared/bench/torch_rnn_bench.py: embedding → stacked recurrent layer → linear →
/// softmax cross-entropy, backward, clip by norm 5, one Adam step (lr 1e-3), on random tokens.
public enum LanguageModelBenchmark {
    /// One benchmark configuration.
    public struct Configuration: Sendable, Equatable {
        /// The name shared with the PyTorch script, e.g. `char-lstm-256`.
        public let name: String
        /// The recurrent cell.
        public let cell: CellKind
        /// V, E, H, L: vocabulary, embedding, hidden units, layers.
        public let vocabulary: Int, embedding: Int, hidden: Int, layers: Int
        /// B and T of each batch.
        public let batch: Int, steps: Int

        /// Multiply-adds ×2 of the recurrent and projection GEMMs per token, forward + backward
        /// (3× forward), counted exactly as the PyTorch script counts them.
        public var trainingFlopsPerToken: Double {
            var f = 0.0
            for l in 0..<layers {
                let input = l == 0 ? embedding : hidden
                f += 2.0 * Double(cell.gateCount * hidden * (input + hidden))
            }
            f += 2.0 * Double(hidden * vocabulary)
            return 3 * f
        }
    }

    /// The six configurations of torch_rnn_bench.py, in its order.
    public static let configurations: [Configuration] = [
        Configuration(name: "char-lstm-256", cell: .lstm, vocabulary: 65, embedding: 64, hidden: 256, layers: 1, batch: 32, steps: 64),
        Configuration(name: "char-gru-256", cell: .gru, vocabulary: 65, embedding: 64, hidden: 256, layers: 1, batch: 32, steps: 64),
        Configuration(name: "char-rnn-256", cell: .rnnTanh, vocabulary: 65, embedding: 64, hidden: 256, layers: 1, batch: 32, steps: 64),
        Configuration(name: "char-lstm-2x512", cell: .lstm, vocabulary: 65, embedding: 128, hidden: 512, layers: 2, batch: 64, steps: 100),
        Configuration(name: "ptb-small-lstm", cell: .lstm, vocabulary: 10000, embedding: 200, hidden: 200, layers: 2, batch: 20, steps: 35),
        Configuration(name: "ptb-medium-lstm", cell: .lstm, vocabulary: 10000, embedding: 650, hidden: 650, layers: 2, batch: 20, steps: 35),
    ]

    /// What one configuration measured.
    public struct Result: Sendable {
        /// The configuration's name.
        public let config: String
        /// "train" or "infer".
        public let mode: String
        /// Tokens (B·T) per second.
        public let tokensPerSecond: Double
        /// Milliseconds per batch.
        public let millisecondsPerBatch: Double
        /// Achieved GFLOP/s of the recurrent and projection GEMMs (the PyTorch script's count).
        public let gflops: Double

        /// One JSON object, the PyTorch script's fields.
        public var json: String {
            func r(_ x: Double, _ digits: Double) -> Double { (x * digits).rounded() / digits }
            return "{\"config\": \"\(config)\", \"mode\": \"\(mode)\", \"tokens_per_s\": \(Int(tokensPerSecond.rounded())), "
                + "\"ms_per_batch\": \(r(millisecondsPerBatch, 100)), \"gflops\": \(r(gflops, 10))}"
        }
    }

    /// Times one configuration: 3 warm-up batches, then batches until `seconds` have passed.
    /// - Parameters:
    ///   - training: true for forward + backward + clip + Adam, false for forward only.
    ///   - c: the configuration to time.
    ///   - seconds: how long to keep timing batches after the warm-up.
    public static func run(_ c: Configuration, seconds: Double, training: Bool) throws -> Result {
        let model = try LanguageModel<Float>(.init(cell: c.cell, vocabularySize: c.vocabulary, embeddingSize: c.embedding,
                                                   hiddenSize: c.hidden, numLayers: c.layers), seed: 0)
        var g = SeededGenerator(seed: 1)
        let n = c.batch * c.steps
        let x = (0..<n).map { _ in Int(g.next() % UInt64(c.vocabulary)) }
        let y = (0..<n).map { _ in Int(g.next() % UInt64(c.vocabulary)) }
        let adam = try Adam<Float>(learningRate: 1e-3)
        model.isTraining = training
        func step() {
            if training {
                model.arena.zeroGradients()
                _ = model.lossAndGradients(inputs: x, targets: y, steps: c.steps, batch: c.batch)
                _ = clipGradientNorm(model.arena, maxNorm: 5)
                adam.step(model.arena)
            } else {
                _ = model.forwardLogits(inputs: x, steps: c.steps, batch: c.batch, initialState: nil)
            }
        }
        for _ in 0..<3 { step() }
        var batches = 0
        let start = monotonicSeconds()
        while monotonicSeconds() - start < seconds || batches == 0 {
            step()
            batches += 1
        }
        let perBatch = (monotonicSeconds() - start) / Double(batches)
        let tokens = Double(n) / perBatch
        let flops = c.trainingFlopsPerToken * (training ? 1 : 1.0 / 3)
        return Result(config: c.name, mode: training ? "train" : "infer", tokensPerSecond: tokens,
                      millisecondsPerBatch: perBatch * 1e3, gflops: tokens * flops / 1e9)
    }

    /// Seconds from a monotonic clock.
    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// The process's peak resident memory in MiB (getrusage).
    public static func peakResidentMiB() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        #if canImport(Darwin)
        return Double(usage.ru_maxrss) / 1_048_576   // bytes
        #else
        return Double(usage.ru_maxrss) / 1024        // KiB
        #endif
    }
}
