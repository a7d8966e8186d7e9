import Foundation
@testable import RNNKit

/// Serializes the tests that change process-wide compute settings (the thread count
/// `Compute.threadCount`, the pointwise kernels' instruction set forced by `eachISA`) with the
/// tests whose bit-for-bit comparisons depend on them (exact resume): swift-testing runs
/// suites in parallel, and a setting changed by one test for a moment changes how another
/// test's products are split across threads or which cell kernel runs, and so their last bits.
enum ComputeSettings {
    private static let lock = NSLock()

    /// Runs `body` while no other `exclusive` body runs.
    static func exclusive<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
