import Foundation
@testable import RNNKit

/// Serializes the tests that change the process-wide thread count (`Compute.threadCount`)
/// with the tests whose bit-for-bit comparisons depend on it (exact resume): swift-testing
/// runs suites in parallel, and a thread count changed by one test for a moment changes how
/// another test's products are split across threads, and so their last bits.
enum ComputeSettings {
    private static let lock = NSLock()

    /// Runs `body` while no other `exclusive` body runs.
    static func exclusive<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
