// The system's MPI library, opened at run time with dlopen so that RNNKit builds and runs
// without MPI (no headers, no link-time dependency). Two ABIs are in use:
//
//   Open MPI (libmpi.so.40)   handles are pointers to global objects the library exports:
//                             MPI_COMM_WORLD = &ompi_mpi_comm_world, MPI_FLOAT = &ompi_mpi_float, …
//   MPICH and derivatives     handles are 32-bit integers fixed by mpi.h:
//   (libmpi.so.12)            MPI_COMM_WORLD 0x44000000, MPI_FLOAT 0x4c00040a,
//                             MPI_DOUBLE 0x4c00080b, MPI_BYTE 0x4c00010d, MPI_SUM 0x58000003
//
// The flavour is told by whether `ompi_mpi_comm_world` exists. Functions are called through
// `@convention(c)` pointer types; in both ABIs every handle argument is passed in an integer
// register, so one set of Swift types per flavour covers them. Not API: unsafe, and only the
// few calls data-parallel training makes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element types the collectives use.
enum MPIElement {
    case float, double, byte
}

/// The loaded MPI library: the functions data-parallel training calls, with the flavour's
/// handles bound.
final class MPILibrary: @unchecked Sendable {
    /// `Open MPI` or `MPICH`.
    let flavour: String
    /// The file that was opened.
    let path: String

    let initialized: @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
    let initThread: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int32, UnsafeMutablePointer<Int32>) -> Int32
    let finalized: @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
    let finalize: @convention(c) () -> Int32
    let libraryVersion: @convention(c) (UnsafeMutablePointer<CChar>, UnsafeMutablePointer<Int32>) -> Int32
    private let handles: Handles

    /// The handle-taking calls, bound to one flavour's handle type.
    private enum Handles {
        case openMPI(OpenMPI)
        case mpich(MPICH)
    }

    /// The library names tried in order when none is given: the launcher's own flavour first —
    /// MPICH's (libmpi.so.12, Debian's libmpich.so.12) under Hydra, which announces itself with
    /// PMI_SIZE and no OMPI_ variable, else Open MPI's (libmpi.so.40) — then the other, then the
    /// unversioned name.
    static func defaultNames(_ environment: [String: String]) -> [String] {
        #if os(macOS)
        let openMPI = ["libmpi.40.dylib"], mpich = ["libmpi.12.dylib", "libmpich.12.dylib"]
        let other = ["/opt/homebrew/lib/libmpi.dylib", "/usr/local/lib/libmpi.dylib"]
        #else
        let openMPI = ["libmpi.so.40"], mpich = ["libmpi.so.12", "libmpich.so.12"], other = ["libmpi.so"]
        #endif
        let hydra = environment["PMI_SIZE"] != nil && environment["OMPI_COMM_WORLD_SIZE"] == nil
        return (hydra ? mpich + openMPI : openMPI + mpich) + other
    }

    /// Opens `path`, or the first of `names` that opens.
    /// - Throws: `RNNKitError` naming what to install (or the library's own error for `path`).
    init(path given: String?, names: [String] = MPILibrary.defaultNames(MPILaunch.processEnvironment)) throws {
        var opened: (UnsafeMutableRawPointer, String)?
        var lastError = ""
        for name in given.map({ [$0] }) ?? names {
            if let h = dlopen(name, RTLD_NOW | RTLD_GLOBAL) { opened = (h, name); break }   // GLOBAL: Open MPI's plugins
            lastError = dlerror().map { String(cString: $0) } ?? name
        }
        guard let (h, name) = opened else {
            if let given {
                throw RNNKitError("cannot load the MPI library '\(given)': \(lastError)")
            }
            throw RNNKitError("a distributed run needs an MPI library, and none was found (tried \(names.joined(separator: ", "))); install Open MPI (apt-get install openmpi-bin) or give the library's path")
        }
        func symbol(_ s: String) throws -> UnsafeMutableRawPointer {
            guard let p = dlsym(h, s) else { throw RNNKitError("'\(name)' is not an MPI library: it has no \(s)") }
            return p
        }
        func fn<F>(_ s: String, _: F.Type) throws -> F { unsafeBitCast(try symbol(s), to: F.self) }
        path = name
        initialized = try fn("MPI_Initialized", (@convention(c) (UnsafeMutablePointer<Int32>) -> Int32).self)
        initThread = try fn("MPI_Init_thread", (@convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int32, UnsafeMutablePointer<Int32>) -> Int32).self)
        finalized = try fn("MPI_Finalized", (@convention(c) (UnsafeMutablePointer<Int32>) -> Int32).self)
        finalize = try fn("MPI_Finalize", (@convention(c) () -> Int32).self)
        libraryVersion = try fn("MPI_Get_library_version", (@convention(c) (UnsafeMutablePointer<CChar>, UnsafeMutablePointer<Int32>) -> Int32).self)
        if dlsym(h, "ompi_mpi_comm_world") != nil {
            flavour = "Open MPI"
            handles = .openMPI(try OpenMPI(symbol: symbol))
        } else {
            flavour = "MPICH"
            handles = .mpich(try MPICH(symbol: symbol))
        }
    }

    func commRank() -> (Int32, Int32) {
        var r: Int32 = -1
        let rc: Int32
        switch handles {
        case let .openMPI(m): rc = m.commRank(m.world, &r)
        case let .mpich(m): rc = m.commRank(MPICH.world, &r)
        }
        return (rc, r)
    }

    func commSize() -> (Int32, Int32) {
        var n: Int32 = -1
        let rc: Int32
        switch handles {
        case let .openMPI(m): rc = m.commSize(m.world, &n)
        case let .mpich(m): rc = m.commSize(MPICH.world, &n)
        }
        return (rc, n)
    }

    func allreduceSum(_ send: UnsafeRawPointer, _ receive: UnsafeMutableRawPointer, _ count: Int32, _ e: MPIElement) -> Int32 {
        switch handles {
        case let .openMPI(m): m.allreduce(send, receive, count, m.type(e), m.sum, m.world)
        case let .mpich(m): m.allreduce(send, receive, count, MPICH.type(e), MPICH.sum, MPICH.world)
        }
    }

    func allgather(_ send: UnsafeRawPointer, _ count: Int32, _ receive: UnsafeMutableRawPointer, _ e: MPIElement) -> Int32 {
        switch handles {
        case let .openMPI(m): m.allgather(send, count, m.type(e), receive, count, m.type(e), m.world)
        case let .mpich(m): m.allgather(send, count, MPICH.type(e), receive, count, MPICH.type(e), MPICH.world)
        }
    }

    func broadcast(_ buffer: UnsafeMutableRawPointer, _ count: Int32, _ e: MPIElement, root: Int32) -> Int32 {
        switch handles {
        case let .openMPI(m): m.bcast(buffer, count, m.type(e), root, m.world)
        case let .mpich(m): m.bcast(buffer, count, MPICH.type(e), root, MPICH.world)
        }
    }

    func barrier() -> Int32 {
        switch handles {
        case let .openMPI(m): m.barrier(m.world)
        case let .mpich(m): m.barrier(MPICH.world)
        }
    }

    func abort(_ code: Int32) {
        switch handles {
        case let .openMPI(m): _ = m.abort(m.world, code)
        case let .mpich(m): _ = m.abort(MPICH.world, code)
        }
    }
}

/// Open MPI: handles are addresses of exported objects.
private struct OpenMPI {
    typealias Handle = UnsafeMutableRawPointer
    let world: Handle, float: Handle, double: Handle, byte: Handle, sum: Handle
    typealias RankFn = @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
    typealias AllreduceFn = @convention(c) (UnsafeRawPointer, UnsafeMutableRawPointer, Int32, Handle, Handle, Handle) -> Int32
    typealias AllgatherFn = @convention(c) (UnsafeRawPointer, Int32, Handle, UnsafeMutableRawPointer, Int32, Handle, Handle) -> Int32
    typealias BcastFn = @convention(c) (UnsafeMutableRawPointer, Int32, Handle, Int32, Handle) -> Int32
    typealias BarrierFn = @convention(c) (Handle) -> Int32
    typealias AbortFn = @convention(c) (Handle, Int32) -> Int32
    let commRank: RankFn, commSize: RankFn, allreduce: AllreduceFn, allgather: AllgatherFn
    let bcast: BcastFn, barrier: BarrierFn, abort: AbortFn

    init(symbol: (String) throws -> UnsafeMutableRawPointer) throws {
        world = try symbol("ompi_mpi_comm_world")
        float = try symbol("ompi_mpi_float")
        double = try symbol("ompi_mpi_double")
        byte = try symbol("ompi_mpi_byte")
        sum = try symbol("ompi_mpi_op_sum")
        commRank = unsafeBitCast(try symbol("MPI_Comm_rank"), to: RankFn.self)
        commSize = unsafeBitCast(try symbol("MPI_Comm_size"), to: RankFn.self)
        allreduce = unsafeBitCast(try symbol("MPI_Allreduce"), to: AllreduceFn.self)
        allgather = unsafeBitCast(try symbol("MPI_Allgather"), to: AllgatherFn.self)
        bcast = unsafeBitCast(try symbol("MPI_Bcast"), to: BcastFn.self)
        barrier = unsafeBitCast(try symbol("MPI_Barrier"), to: BarrierFn.self)
        abort = unsafeBitCast(try symbol("MPI_Abort"), to: AbortFn.self)
    }

    func type(_ e: MPIElement) -> Handle {
        switch e { case .float: float; case .double: double; case .byte: byte }
    }
}

/// MPICH (and Intel MPI, MVAPICH): handles are the integers of mpi.h.
private struct MPICH {
    typealias Handle = Int32
    static let world: Handle = 0x4400_0000
    static let sum: Handle = 0x5800_0003
    typealias RankFn = @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
    typealias AllreduceFn = @convention(c) (UnsafeRawPointer, UnsafeMutableRawPointer, Int32, Handle, Handle, Handle) -> Int32
    typealias AllgatherFn = @convention(c) (UnsafeRawPointer, Int32, Handle, UnsafeMutableRawPointer, Int32, Handle, Handle) -> Int32
    typealias BcastFn = @convention(c) (UnsafeMutableRawPointer, Int32, Handle, Int32, Handle) -> Int32
    typealias BarrierFn = @convention(c) (Handle) -> Int32
    typealias AbortFn = @convention(c) (Handle, Int32) -> Int32
    let commRank: RankFn, commSize: RankFn, allreduce: AllreduceFn, allgather: AllgatherFn
    let bcast: BcastFn, barrier: BarrierFn, abort: AbortFn

    init(symbol: (String) throws -> UnsafeMutableRawPointer) throws {
        commRank = unsafeBitCast(try symbol("MPI_Comm_rank"), to: RankFn.self)
        commSize = unsafeBitCast(try symbol("MPI_Comm_size"), to: RankFn.self)
        allreduce = unsafeBitCast(try symbol("MPI_Allreduce"), to: AllreduceFn.self)
        allgather = unsafeBitCast(try symbol("MPI_Allgather"), to: AllgatherFn.self)
        bcast = unsafeBitCast(try symbol("MPI_Bcast"), to: BcastFn.self)
        barrier = unsafeBitCast(try symbol("MPI_Barrier"), to: BarrierFn.self)
        abort = unsafeBitCast(try symbol("MPI_Abort"), to: AbortFn.self)
    }

    static func type(_ e: MPIElement) -> Handle {
        switch e { case .float: 0x4c00_040a; case .double: 0x4c00_080b; case .byte: 0x4c00_010d }
    }
}
