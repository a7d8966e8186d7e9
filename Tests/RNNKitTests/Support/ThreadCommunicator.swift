import Foundation
@testable import RNNKit

/// N "ranks" as threads of this process: a fake `Communicator` for testing the trainer's
/// distributed path without MPI. Every collective exchanges each rank's bytes through one
/// `Hub`; sums are taken in rank order.
final class ThreadCommunicator: Communicator {
    /// Where the ranks meet: each call waits until all `size` ranks have deposited their bytes.
    final class Hub: @unchecked Sendable {
        let size: Int
        private let condition = NSCondition()
        private var slots: [[UInt8]?]
        private var arrived = 0, generation = 0
        private var result: [[UInt8]] = []

        init(size: Int) {
            self.size = size
            slots = Array(repeating: nil, count: size)
        }

        /// Every rank's bytes in rank order, once all have called.
        func exchange(_ bytes: [UInt8], rank: Int) -> [[UInt8]] {
            condition.lock()
            defer { condition.unlock() }
            let round = generation
            slots[rank] = bytes
            arrived += 1
            if arrived == size {
                result = slots.map { $0! }
                slots = Array(repeating: nil, count: size)
                arrived = 0
                generation += 1
                condition.broadcast()
            } else {
                while generation == round { condition.wait() }
            }
            return result
        }
    }

    let rank: Int
    let hub: Hub
    var size: Int { hub.size }
    var description: String { "\(hub.size) threads" }

    init(rank: Int, hub: Hub) {
        self.rank = rank
        self.hub = hub
    }

    private static func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
    private static func values<T>(_ bytes: [UInt8], _: T.Type) -> [T] { bytes.withUnsafeBytes { Array($0.bindMemory(to: T.self)) } }

    private func sum<T: FloatingPoint>(_ values: inout [T]) {
        let all = hub.exchange(Self.bytes(values), rank: rank).map { Self.values($0, T.self) }
        values = all[0]
        for other in all.dropFirst() { for i in values.indices { values[i] += other[i] } }
    }

    func allreduceSum(_ values: inout [Float]) throws { sum(&values) }
    func allreduceSum(_ values: inout [Double]) throws { sum(&values) }
    func allgather(_ values: [Float]) throws -> [Float] {
        hub.exchange(Self.bytes(values), rank: rank).flatMap { Self.values($0, Float.self) }
    }
    func allgather(_ bytes: [UInt8]) throws -> [[UInt8]] { hub.exchange(bytes, rank: rank) }
    func broadcast(_ bytes: inout [UInt8], root: Int) throws { bytes = hub.exchange(bytes, rank: rank)[root] }
    func broadcast(_ values: inout [Float], root: Int) throws {
        values = Self.values(hub.exchange(Self.bytes(values), rank: rank)[root], Float.self)
    }
    func barrier() throws { _ = hub.exchange([], rank: rank) }
    func abort(code: Int32) -> Never { fatalError("ThreadCommunicator.abort(\(code))") }
    func finish() {}
}
