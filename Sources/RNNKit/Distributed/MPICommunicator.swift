// The MPI implementation of `Communicator`: MPI_Init_thread (MPI_THREAD_FUNNELED: only the
// main thread calls MPI; RNNKit's worker threads never do) once per process, collectives on
// MPI_COMM_WORLD, MPI_Finalize once at the end. Sums go through separate send and receive
// buffers (no MPI_IN_PLACE, whose value differs between the ABIs).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The processes that `mpirun`/`mpiexec` started, through the system's MPI library (loaded at
/// run time; see `MPILibrary`).
public final class MPICommunicator: Communicator {
    /// This process's rank in MPI_COMM_WORLD.
    public let rank: Int
    /// The number of processes in MPI_COMM_WORLD.
    public let size: Int
    /// The MPI library's version line and the number of ranks.
    public let description: String
    let library: MPILibrary
    private var finished = false

    nonisolated(unsafe) private static var started: MPICommunicator?

    /// Loads the MPI library (`libraryPath`, or the usual names) and initialises MPI; a second
    /// call in the same process returns the first communicator.
    /// - Throws: `RNNKitError` when no MPI library can be loaded (naming `apt-get install
    ///   openmpi-bin`), or MPI fails to start.
    public static func start(libraryPath: String? = nil) throws -> MPICommunicator {
        if let started { return started }
        let c = try MPICommunicator(libraryPath: libraryPath)
        started = c
        return c
    }

    private init(libraryPath: String?) throws {
        let lib = try MPILibrary(path: libraryPath)
        var flag: Int32 = 0
        _ = lib.initialized(&flag)
        if flag == 0 {
            var provided: Int32 = 0
            let rc = lib.initThread(nil, nil, 1, &provided)             // 1 = MPI_THREAD_FUNNELED
            guard rc == 0 else { throw RNNKitError("MPI_Init_thread failed (error \(rc)) in '\(lib.path)'") }
        }
        let (rc1, r) = lib.commRank(), (rc2, n) = lib.commSize()
        guard rc1 == 0, rc2 == 0, n >= 1, r >= 0, r < n else {
            throw RNNKitError("MPI could not tell this process's rank (errors \(rc1), \(rc2))")
        }
        if let announced = MPILaunch.worldRanks(MPILaunch.processEnvironment), announced != Int(n) {
            // A library of another flavour than the launcher's starts as a singleton (or fails):
            // every process would train alone and write the same run folder.
            throw RNNKitError("the MPI launcher started \(announced) ranks, but '\(lib.path)' (\(lib.flavour)) sees \(n): it is not the launcher's MPI library; load the library of the MPI whose launcher started the run")
        }
        var text = [CChar](repeating: 0, count: 8192)
        var length: Int32 = 0
        _ = lib.libraryVersion(&text, &length)
        let version = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(whereSeparator: { $0.isNewline || $0 == "," }).first.map(String.init) ?? lib.flavour
        library = lib
        rank = Int(r)
        size = Int(n)
        var line = Substring(version)
        while let last = line.last, last == "," || last == " " { line = line.dropLast() }
        description = "\(line) (\(lib.path)), \(n) ranks"
    }

    private func check(_ rc: Int32, _ what: String) throws {
        guard rc == 0 else { throw RNNKitError("MPI \(what) failed with error \(rc) on rank \(rank)") }
    }

    private func count(_ n: Int, _ what: String) throws -> Int32 {
        guard n <= Int(Int32.max) else { throw RNNKitError("MPI \(what): \(n) elements exceed the 2³¹ − 1 an MPI call takes") }
        return Int32(n)
    }

    /// MPI_Allreduce with MPI_SUM on floats.
    public func allreduceSum(_ values: inout [Float]) throws {
        let send = values, n = try count(values.count, "allreduce")
        let rc = send.withUnsafeBytes { s in values.withUnsafeMutableBytes { r in
            library.allreduceSum(s.baseAddress!, r.baseAddress!, n, .float) } }
        try check(rc, "allreduce")
    }

    /// MPI_Allreduce with MPI_SUM on doubles.
    public func allreduceSum(_ values: inout [Double]) throws {
        let send = values, n = try count(values.count, "allreduce")
        let rc = send.withUnsafeBytes { s in values.withUnsafeMutableBytes { r in
            library.allreduceSum(s.baseAddress!, r.baseAddress!, n, .double) } }
        try check(rc, "allreduce")
    }

    /// MPI_Allgather of floats.
    public func allgather(_ values: [Float]) throws -> [Float] {
        let n = try count(values.count, "allgather")
        _ = try count(values.count * size, "allgather")
        var out = [Float](repeating: 0, count: values.count * size)
        let rc = values.withUnsafeBytes { s in out.withUnsafeMutableBytes { r in
            library.allgather(s.baseAddress!, n, r.baseAddress!, .float) } }
        try check(rc, "allgather")
        return out
    }

    /// MPI_Allgather of bytes.
    public func allgather(_ bytes: [UInt8]) throws -> [[UInt8]] {
        let n = try count(bytes.count, "allgather")
        var out = [UInt8](repeating: 0, count: bytes.count * size)
        let rc = bytes.withUnsafeBytes { s in out.withUnsafeMutableBytes { r in
            library.allgather(s.baseAddress!, n, r.baseAddress!, .byte) } }
        try check(rc, "allgather")
        return (0..<size).map { Array(out[($0 * bytes.count)..<(($0 + 1) * bytes.count)]) }
    }

    /// MPI_Bcast of bytes.
    public func broadcast(_ bytes: inout [UInt8], root: Int) throws {
        let n = try count(bytes.count, "broadcast")
        let rc = bytes.withUnsafeMutableBytes { library.broadcast($0.baseAddress!, n, .byte, root: Int32(root)) }
        try check(rc, "broadcast")
    }

    /// MPI_Bcast of floats.
    public func broadcast(_ values: inout [Float], root: Int) throws {
        let n = try count(values.count, "broadcast")
        let rc = values.withUnsafeMutableBytes { library.broadcast($0.baseAddress!, n, .float, root: Int32(root)) }
        try check(rc, "broadcast")
    }

    /// MPI_Barrier.
    public func barrier() throws { try check(library.barrier(), "barrier") }

    /// MPI_Abort on MPI_COMM_WORLD, then exit (should the library return).
    public func abort(code: Int32) -> Never {
        fflush(nil)
        library.abort(code)
        exit(code)
    }

    /// MPI_Finalize, once.
    public func finish() {
        guard !finished else { return }
        finished = true
        var flag: Int32 = 0
        _ = library.finalized(&flag)
        if flag == 0 { _ = library.finalize() }
    }
}
