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
    ///
    /// With a communicator of N > 1 ranks (training only), each rank runs its `BatchShard` of
    /// the batch's columns and the gradients are summed by one allreduce before clipping and
    /// Adam, as data-parallel training does; the tokens per second are the whole batch's, and
    /// every rank runs the number of batches rank 0 chose.
    /// - Parameters:
    ///   - training: true for forward + backward + clip + Adam, false for forward only.
    ///   - c: the configuration to time.
    ///   - seconds: how long to keep timing batches after the warm-up.
    ///   - communicator: the ranks sharing each batch (one process by default).
    public static func run(_ c: Configuration, seconds: Double, training: Bool,
                           communicator: any Communicator = SingleProcess()) throws -> Result {
        let model = try LanguageModel<Float>(.init(cell: c.cell, vocabularySize: c.vocabulary, embeddingSize: c.embedding,
                                                   hiddenSize: c.hidden, numLayers: c.layers), seed: 0)
        var g = SeededGenerator(seed: 1)
        let n = c.batch * c.steps
        var x = (0..<n).map { _ in Int(g.next() % UInt64(c.vocabulary)) }
        var y = (0..<n).map { _ in Int(g.next() % UInt64(c.vocabulary)) }
        let ranks = training ? communicator.size : 1
        let columns = BatchShard(index: ranks > 1 ? communicator.rank : 0, count: ranks).columns(of: c.batch)
        if ranks > 1 {
            x = LanguageModelTask.columns(x, rows: c.steps, width: c.batch, columns)
            y = LanguageModelTask.columns(y, rows: c.steps, width: c.batch, columns)
        }
        let adam = try Adam<Float>(learningRate: 1e-3)
        let weight = Float(Double(columns.count) / Double(c.batch))
        var gradients = [Float](repeating: 0, count: model.arena.count)
        model.isTraining = training
        func step() throws {
            if training {
                model.arena.zeroGradients()
                _ = model.lossAndGradients(inputs: x, targets: y, steps: c.steps, batch: columns.count)
                if ranks > 1 {
                    let a = model.arena
                    for i in gradients.indices { gradients[i] = a.gradients[i] * weight }
                    try communicator.allreduceSum(&gradients)
                    gradients.withUnsafeBufferPointer { a.gradients.update(from: $0.baseAddress!, count: $0.count) }
                }
                _ = clipGradientNorm(model.arena, maxNorm: 5)
                adam.step(model.arena)
            } else {
                _ = model.forwardLogits(inputs: x, steps: c.steps, batch: c.batch, initialState: nil)
            }
        }
        for _ in 0..<3 { try step() }
        var batches = 0
        var start = monotonicSeconds()
        if ranks > 1 {
            // Rank 0 times three batches and chooses the count every rank then runs.
            for _ in 0..<3 { try step() }
            var count = [UInt8](String(max(1, Int(seconds / ((monotonicSeconds() - start) / 3)))).utf8)
            count += [UInt8](repeating: 0, count: 24 - count.count)
            try communicator.broadcast(&count, root: 0)
            let chosen = Int(String(decoding: count.prefix { $0 != 0 }, as: UTF8.self)) ?? 1
            try communicator.barrier()
            start = monotonicSeconds()
            for _ in 0..<chosen { try step() }
            try communicator.barrier()
            batches = chosen
        } else {
            while monotonicSeconds() - start < seconds || batches == 0 {
                try step()
                batches += 1
            }
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
