/// The time of one gradient allreduce (`Communicator.allreduceSum` of Float) for arenas of
/// several sizes, as `rnn bench --allreduce` prints it under mpirun.
public enum AllreduceBenchmark {
    /// What one size measured.
    public struct Result: Sendable {
        /// P, the floats summed.
        public let floats: Int
        /// The median seconds of one allreduce over the samples.
        public let seconds: Double
        /// The "bus bandwidth" of a ring allreduce: 2(N−1)/N · 4P bytes / seconds, in GB/s.
        public let busGigabytesPerSecond: Double

        /// One JSON object.
        public var json: String {
            "{\"allreduce_floats\": \(floats), \"mib\": \((Double(floats) * 4 / 1_048_576 * 100).rounded() / 100), "
                + "\"us\": \((seconds * 1e7).rounded() / 10), \"bus_gb_per_s\": \((busGigabytesPerSecond * 100).rounded() / 100)}"
        }
    }

    /// The arena sizes of `rnn bench`'s configurations, then 10³ … 10⁷ floats.
    public static var standardSizes: [Int] {
        let arenas = LanguageModelBenchmark.configurations.map { c -> Int in
            var p = c.vocabulary * c.embedding + c.hidden * c.vocabulary + c.vocabulary
            for l in 0..<c.layers {
                p += c.cell.gateCount * c.hidden * ((l == 0 ? c.embedding : c.hidden) + c.hidden + 2)
            }
            return p
        }
        return Array(Set(arenas + [1_000, 10_000, 100_000, 1_000_000, 10_000_000])).sorted()
    }

    /// Times `samples` allreduces of `floats` values (after 2 warm-up calls), each between
    /// barriers, and returns the median.
    public static func measure(floats: Int, samples: Int = 15, communicator: any Communicator) throws -> Result {
        var buffer = [Float](repeating: 1, count: floats)
        for _ in 0..<2 { try communicator.allreduceSum(&buffer) }
        var times: [Double] = []
        for _ in 0..<samples {
            try communicator.barrier()
            let start = LanguageModelBenchmark.monotonicSeconds()
            try communicator.allreduceSum(&buffer)
            times.append(LanguageModelBenchmark.monotonicSeconds() - start)
        }
        // Every rank takes rank 0's median, so all print the same figure.
        var median = [times.sorted()[times.count / 2]]
        var bytes = median.withUnsafeBytes { Array($0) }
        try communicator.broadcast(&bytes, root: 0)
        median = bytes.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        let N = Double(communicator.size)
        return Result(floats: floats, seconds: median[0],
                      busGigabytesPerSecond: 2 * (N - 1) / N * Double(floats) * 4 / median[0] / 1e9)
    }
}
