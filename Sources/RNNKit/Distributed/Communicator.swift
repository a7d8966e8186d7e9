// The collective operations data-parallel training needs, over N cooperating processes
// ("ranks" 0..<N): every rank calls the same operations in the same order with buffers of the
// same size. `SingleProcess` is the identity (N = 1); `MPICommunicator` runs them with the
// system's MPI library, loaded at run time.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Collective operations among the processes of one data-parallel run.
///
/// Every rank must call the same operations, in the same order, with equal counts; a rank
/// that calls something else, or dies, leaves the others waiting (MPI's launcher then ends
/// the run). Errors are `RNNKitError`s naming the operation.
public protocol Communicator: AnyObject {
    /// This process's index, 0..<size; rank 0 writes the run folder.
    var rank: Int { get }
    /// N, the number of processes.
    var size: Int { get }
    /// A one-line description (`Open MPI v4.1.4, 2 ranks`).
    var description: String { get }
    /// Replaces every element by its sum over all ranks (the summation order is the library's).
    func allreduceSum(_ values: inout [Float]) throws
    /// Replaces every element by its sum over all ranks (the summation order is the library's).
    func allreduceSum(_ values: inout [Double]) throws
    /// Every rank's `values` (each rank gives the same count), concatenated in rank order:
    /// (N, count).
    func allgather(_ values: [Float]) throws -> [Float]
    /// Every rank's `bytes` (each rank gives the same count), one array per rank, in rank order.
    func allgather(_ bytes: [UInt8]) throws -> [[UInt8]]
    /// Replaces `bytes` on every rank by rank `root`'s (each rank gives the same count).
    func broadcast(_ bytes: inout [UInt8], root: Int) throws
    /// Replaces `values` on every rank by rank `root`'s (each rank gives the same count).
    func broadcast(_ values: inout [Float], root: Int) throws
    /// Returns once every rank has called it.
    func barrier() throws
    /// Ends every process of the run at once with exit status `code` (after an error that the
    /// other ranks cannot know about).
    func abort(code: Int32) -> Never
    /// Ends this process's part in the run (MPI_Finalize); no operation may follow.
    func finish()
}

/// One process alone: every collective operation is the identity.
public final class SingleProcess: Communicator {
    /// Creates the communicator of a one-process run.
    public init() {}
    /// 0.
    public var rank: Int { 0 }
    /// 1.
    public var size: Int { 1 }
    /// `one process`.
    public var description: String { "one process" }
    /// Leaves `values` as they are.
    public func allreduceSum(_ values: inout [Float]) throws {}
    /// Leaves `values` as they are.
    public func allreduceSum(_ values: inout [Double]) throws {}
    /// `values`.
    public func allgather(_ values: [Float]) throws -> [Float] { values }
    /// `[bytes]`.
    public func allgather(_ bytes: [UInt8]) throws -> [[UInt8]] { [bytes] }
    /// Leaves `bytes` as they are.
    public func broadcast(_ bytes: inout [UInt8], root: Int) throws {}
    /// Leaves `values` as they are.
    public func broadcast(_ values: inout [Float], root: Int) throws {}
    /// Returns at once.
    public func barrier() throws {}
    /// Exits with `code`.
    public func abort(code: Int32) -> Never { exit(code) }
    /// Nothing to finish.
    public func finish() {}
}

extension Communicator {
    /// Every rank's `bytes`, whose counts may differ, one array per rank in rank order: the
    /// counts are gathered first, then every rank's bytes padded with zeros to the largest.
    public func allgather(varying bytes: [UInt8]) throws -> [[UInt8]] {
        let count = UInt64(bytes.count)
        let counts = try allgather((0..<8).map { UInt8(truncatingIfNeeded: count >> (8 * $0)) }).map { b in
            Int(clamping: (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[$1]) << (8 * $1) })
        }
        let largest = counts.max() ?? 0
        let padded = try allgather(bytes + [UInt8](repeating: 0, count: largest - bytes.count))
        return zip(padded, counts).map { Array($0.prefix($1)) }
    }
}
