import ArgumentParser
import RNNKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a training run uses processes and threads: MPI data parallelism (`mpirun -np N rnn …`),
/// shards in one process, threads per process. Part of every train command's bookkeeping
/// options.
struct ParallelismOptions: ParsableArguments {
    @Flag(help: "Train as one rank of an MPI run even if no launcher is detected (mpirun/mpiexec are detected from their environment).")
    var distributed = false
    @Option(help: ArgumentHelp("The MPI library to load. (default: libmpi.so.40 (Open MPI), then libmpi.so.12 (MPICH))", valueName: "path"))
    var mpiLibrary: String?
    @Flag(help: "Combine the ranks' gradients by gathering them and summing in rank order: bit for bit what --local-shards N computes in one process (N× the traffic of an allreduce).")
    var deterministicReduce = false
    @Option(parsing: .unconditional, help: ArgumentHelp("In one process, split each batch into N shards as N ranks would and combine them in rank order (the reference of --deterministic-reduce).", valueName: "N"))
    var localShards: Int?
    @Option(parsing: .unconditional, help: "Threads per process. (default: the cores this process may use; under MPI, divided among the ranks on the machine unless the launcher binds them)")
    var threads: Int?

    func validate() throws {
        if let n = localShards, !(1...4096).contains(n) { throw ValidationError("--local-shards must be in 1...4096, got \(n)") }
        if let n = threads, !(1...4096).contains(n) { throw ValidationError("--threads must be in 1...4096, got \(n)") }
    }
}

/// The parallelism of this process's training run, started once (MPI may be initialised only
/// once per process).
enum ParallelRun {
    nonisolated(unsafe) private(set) static var current: DataParallelism?

    /// Starts MPI when asked to or launched by mpirun/mpiexec, sets the threads, and silences
    /// standard output on ranks other than 0; later calls return the first result.
    /// - Throws: `RNNKitError` when MPI is needed and cannot be loaded, or for contradicting options.
    @discardableResult
    static func start(_ options: ParallelismOptions) throws -> DataParallelism {
        if let current { return current }
        let environment = MPILaunch.processEnvironment
        var parallelism = DataParallelism(deterministicReduce: options.deterministicReduce, localShards: options.localShards ?? 1)
        if options.distributed || MPILaunch.isLaunched(environment) {
            if options.localShards != nil { throw RNNKitError("--local-shards splits batches in one process; it cannot be combined with an MPI run") }
            let comm: MPICommunicator
            do {
                comm = try MPICommunicator.start(libraryPath: options.mpiLibrary)
            } catch let error as RNNKitError where error.message.hasSuffix("give the library's path")
                        || error.message.hasSuffix("whose launcher started the run") {
                throw RNNKitError(error.message + " (--mpi-library PATH)")
            }
            parallelism.communicator = comm
            if comm.size > 1 && options.threads == nil {
                Compute.threadCount = MPILaunch.threadsPerRank(allowed: Compute.threadCount, online: MPILaunch.onlineCores,
                                                              localRanks: MPILaunch.localRanks(environment))
            }
            if comm.rank != 0 {
                fflush(nil)
                let null = open("/dev/null", O_WRONLY)
                if null >= 0 { dup2(null, STDOUT_FILENO); close(null) }
            }
        }
        if let threads = options.threads { Compute.threadCount = threads }
        current = parallelism
        return parallelism
    }

    /// Whether this process writes the run folder and prints (rank 0, or not distributed).
    static var isRoot: Bool { (current?.communicator.rank ?? 0) == 0 }

    /// Whether several MPI ranks take part.
    static var isDistributed: Bool { current?.isDistributed ?? false }

    /// The line a split run prints first: ranks or shards, threads, how a batch of `batch` is split.
    static func describe(batch: Int?) -> String? {
        guard let p = current, p.shards > 1 else { return nil }
        let split = batch.map { BatchShard.describeSplit(columns: $0, ranks: p.shards) }
            ?? "each batch split into \(p.shards) contiguous shares whose sizes differ by at most 1"
        if p.isDistributed {
            return "distributed: \(p.communicator.description), \(Compute.threadCount) thread\(Compute.threadCount == 1 ? "" : "s") per rank, "
                + "gradients \(p.deterministicReduce ? "gathered and summed in rank order" : "summed by allreduce"); \(split)"
        }
        return "\(p.shards) local shards run one after another, summed in rank order; \(split)"
    }

    /// Ends MPI (after a completed run).
    static func finish() { current?.communicator.finish() }

    /// After an error on this rank: ends every rank of an MPI run (the others may be waiting in
    /// a collective); returns in one process.
    static func abortIfDistributed(code: Int32) {
        guard let p = current, p.isDistributed else { return }
        p.communicator.abort(code: code)
    }
}
