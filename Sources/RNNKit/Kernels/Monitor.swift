// Synchronisation primitives for the thread pool: a mutex with a condition variable, and
// atomic words. Built on pthreads and the C atomics of CRNNKernels, because Swift's own
// `Synchronization` module needs macOS 15 and RNNKit supports macOS 13.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CRNNKernels

/// A pthread mutex with one condition variable, at a stable heap address.
final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    /// Takes the lock if it is free; returns whether it did.
    func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }

    /// Runs `body` holding the lock.
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Wakes every thread in `wait(until:)` to re-check its condition. Call after changing the
    /// state it waits on (atomics may be changed without the lock: this takes it).
    func broadcast() {
        lock()
        pthread_cond_broadcast(condition)
        unlock()
    }

    /// Returns when `isDone()` is true: first polling it for about `spinMicroseconds` (cheap
    /// when the wait is short, as between back-to-back jobs), then sleeping until a
    /// `broadcast()` makes it worth checking again. The polling yields the processor now and
    /// then, so that a thread sharing it (perhaps the one it waits for) can run.
    func wait(spinMicroseconds: Int, until isDone: () -> Bool) {
        if isDone() { return }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .microseconds(spinMicroseconds))
        var spins = 0
        while !isDone() {
            crnn_spin_pause()
            spins += 1
            if spins % 32 == 0 {
                if clock.now >= deadline { break }
                sched_yield()
            }
        }
        lock()
        while !isDone() { pthread_cond_wait(condition, mutex) }
        unlock()
    }
}

/// Integer words that threads read and update atomically, each on its own cache line.
struct AtomicWords: @unchecked Sendable {
    private static let stride = 8  // 64 bytes / 8-byte words
    private let base: UnsafeMutablePointer<Int>

    /// Allocates `count` words, all zero. Call `deallocate()` when no thread uses them.
    init(count: Int) {
        base = .allocate(capacity: count * Self.stride)
        base.initialize(repeating: 0, count: count * Self.stride)
    }

    func deallocate() { base.deallocate() }

    func load(_ word: Int) -> Int { crnn_atomic_load(base + word * Self.stride) }
    func store(_ word: Int, _ value: Int) { crnn_atomic_store(base + word * Self.stride, value) }
    /// Adds `delta` and returns the previous value.
    @discardableResult
    func add(_ word: Int, _ delta: Int) -> Int { crnn_atomic_fetch_add(base + word * Self.stride, delta) }
}
