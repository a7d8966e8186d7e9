// The last-in-first-out stacks that hold what each module call saved for its backward.

/// The records of one module's calls in the current forward, last in first out.
///
/// `push` in forward, `pop` in backward; `clear` keeps the capacity, so after the first step
/// with a given number of calls nothing is allocated.
struct CallTape<Record> {
    private var records: [Record] = []

    /// The number of calls saved and not yet backpropagated.
    var depth: Int { records.count }

    /// Saves the record of a forward call.
    mutating func push(_ record: Record) { records.append(record) }

    /// The record of the most recent call not yet backpropagated, removed from the tape.
    mutating func pop(_ module: String) -> Record {
        guard let record = records.popLast() else {
            preconditionFailure("\(module): backward called more often than forward")
        }
        return record
    }

    /// Drops every record, keeping the capacity.
    mutating func clear() { records.removeAll(keepingCapacity: true) }
}

/// Reusable buffers handed out last in first out: `push(count)` returns the buffer of the next
/// call (grown if needed, never shrunk), `pop()` the most recent one. A module copies what its
/// backward needs into the pushed buffer.
final class BufferStack<Scalar: Numeric> {
    private var buffers: [ScratchBuffer<Scalar>] = []
    private var counts: [Int] = []
    /// The number of buffers in use.
    private(set) var depth = 0

    /// The buffer of a new call, holding room for `count` elements.
    func push(_ count: Int) -> UnsafeMutablePointer<Scalar> {
        if depth == buffers.count { buffers.append(ScratchBuffer()); counts.append(0) }
        counts[depth] = count
        defer { depth += 1 }
        return buffers[depth].ensure(count)
    }

    /// The most recent buffer in use and its element count, released for reuse.
    func pop(_ module: String) -> (pointer: UnsafeMutablePointer<Scalar>, count: Int) {
        precondition(depth > 0, "\(module): backward called more often than forward")
        depth -= 1
        return (buffers[depth].pointer, counts[depth])
    }

    /// Releases every buffer (they stay allocated for reuse).
    func clear() { depth = 0 }
}
