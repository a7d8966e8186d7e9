// A persistent thread pool for the CPU kernels, and `parallelFor`, the way kernels use it.
//
// Workers are started once and wait between jobs: first spinning for a short while (so a
// burst of large GEMMs pays no wake-up), then asleep on a condition variable. Starting
// threads for every call (fork/join) costs about 50 µs on a small VM, as long as a whole
// per-time-step GEMM.

import CRNNKernels

/// Runs `body(i)` for every `i` in `0..<count` on up to `maxThreads` threads of the shared
/// pool (the calling thread works too) and returns when all iterations have finished.
///
/// `body` must be safe to run concurrently for different indices. Iterations are handed out
/// one at a time, so a thread that the machine slows down simply takes fewer. Runs serially
/// on the calling thread when `count` or `maxThreads` is at most 1, when
/// `Compute.threadCount` is 1, or when the pool is busy with another call (a nested
/// `parallelFor`, or another thread's).
func parallelFor(count: Int, maxThreads: Int = .max, body: (Int) -> Void) {
    if count > 1, maxThreads > 1, let pool = ThreadPool.shared.pool(),
       pool.tryRun(count: count, maxThreads: maxThreads, body: body) {
        return
    }
    for i in 0..<max(count, 0) { body(i) }
}

/// Elements of a memory-bound pass (an optimizer step, a softmax) that make a second thread
/// worth its hand-off: about 250 µs of work, against 5–50 µs to wake a worker.
let parallelElementsPerThread = 1 << 18

/// Runs `body(start, count)` over near-equal slices of `0..<count`, one per thread (on the
/// pool) when every thread gets at least `minimumPerThread` elements, else once over all of
/// it. For elementwise passes over the whole parameter arena (optimizer steps, clipping,
/// zeroing), which are memory-bound: each element is computed exactly as in one pass.
/// Slices start at multiples of 64 elements, so vector loops see whole vectors.
func forEachSlice(count: Int, minimumPerThread: Int = parallelElementsPerThread, _ body: (_ start: Int, _ count: Int) -> Void) {
    let threads = min(Compute.threadCount, count / max(minimumPerThread, 1))
    guard threads > 1 else { return body(0, count) }
    let slice = (count / threads + 63) / 64 * 64
    parallelFor(count: threads) { i in
        let start = min(i * slice, count), end = i == threads - 1 ? count : min(start + slice, count)
        if end > start { body(start, end - start) }
    }
}

/// A fixed set of worker threads that run the iterations of one job at a time.
final class ThreadPool: @unchecked Sendable {
    /// Threads that run iterations: the workers and the calling thread.
    let threadCount: Int
    private let job = PoolJob()
    private let submission = Monitor()  // held for the whole of one job

    /// Starts `threadCount - 1` workers (fewer if the system refuses to start more).
    init(threadCount: Int) {
        var started = 0
        for index in 0..<max(threadCount - 1, 0) {
            let context = Unmanaged.passRetained(PoolWorker(job: job, index: index)).toOpaque()
            let entry: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
                Unmanaged<PoolWorker>.fromOpaque(context!).takeRetainedValue().run()
            }
            if crnn_thread_start(entry, context) != 0 {
                Unmanaged<PoolWorker>.fromOpaque(context).release()
                break
            }
            started += 1
        }
        self.threadCount = started + 1
    }

    deinit { job.shutDown() }

    /// Runs the job and returns true, or returns false at once if the pool is busy.
    func tryRun(count: Int, maxThreads: Int, body: (Int) -> Void) -> Bool {
        guard submission.tryLock() else { return false }
        defer { submission.unlock() }
        job.run(count: count, workers: min(maxThreads, threadCount) - 1, body: body)
        return true
    }

    /// The number of processors this process may run on.
    static var activeProcessorCount: Int { Int(crnn_processor_count()) }

    /// The pool `parallelFor` uses; `Compute.threadCount` resizes it.
    static let shared = SharedThreadPool()
}

/// The process-wide pool, created on first use and replaced when the thread count changes.
final class SharedThreadPool: @unchecked Sendable {
    private let monitor = Monitor()
    private var requestedCount = ThreadPool.activeProcessorCount
    private var current: ThreadPool?

    /// Threads large kernels may use, the caller's included; at least 1.
    var threadCount: Int {
        get { monitor.withLock { requestedCount } }
        set {
            let old: ThreadPool? = monitor.withLock {
                requestedCount = max(1, newValue)
                let old = current
                current = nil
                return old
            }
            _ = old  // released outside the lock; its workers exit once its last job ends
        }
    }

    /// The pool for the current thread count, or nil when that count is 1.
    func pool() -> ThreadPool? {
        monitor.withLock {
            if requestedCount <= 1 { return nil }
            if current == nil { current = ThreadPool(threadCount: requestedCount) }
            return current
        }
    }
}

/// One worker thread's view of the pool: the shared job state and its own index.
private final class PoolWorker {
    let job: PoolJob
    let index: Int
    init(job: PoolJob, index: Int) { self.job = job; self.index = index }
    func run() { job.workerLoop(index: index) }
}

/// The state a pool's threads share.
///
/// The `phase` word counts up by one when a job opens (odd) and again when it closes (even).
/// A worker that sees an open phase announces itself in `inFlight`, then checks that the
/// phase is still the one it saw before it touches `body`; the caller, after closing the
/// phase, waits for `inFlight` to drain. So no worker ever runs or holds `body` after
/// `run` has returned, while a worker that wakes late (descheduled on a busy machine) never
/// delays a job: the caller waits for the iterations to finish, not for every worker.
private final class PoolJob: @unchecked Sendable {
    private enum Word { static let phase = 0, next = 1, completed = 2, inFlight = 3, shutdown = 4 }
    private let words = AtomicWords(count: 5)
    private let monitor = Monitor()
    // Written by the caller while the phase is even; read by workers while it is odd.
    private var body: ((Int) -> Void)?
    private var count = 0
    private var workers = 0  // workers with a smaller index take part

    deinit { words.deallocate() }

    func run(count: Int, workers: Int, body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            self.body = body
            self.count = count
            self.workers = workers
            words.store(Word.next, 0)
            words.store(Word.completed, 0)
            words.add(Word.phase, 1)  // open
            monitor.broadcast()
            runIterations()
            monitor.wait(spinMicroseconds: 1000) { words.load(Word.completed) == count }
            words.add(Word.phase, 1)  // closed: no worker enters any more
            monitor.wait(spinMicroseconds: 100) { words.load(Word.inFlight) == 0 }
            self.body = nil
        }
    }

    /// Claims and runs iterations until none is left. Not inlined, so that the reference to
    /// `body` it takes is released before it returns.
    @inline(never)
    private func runIterations() {
        guard let body else { return }
        while true {
            let i = words.add(Word.next, 1)
            if i >= count { return }
            body(i)
            if words.add(Word.completed, 1) == count - 1 { monitor.broadcast() }
        }
    }

    func workerLoop(index: Int) {
        var seen = 0  // the last phase this worker looked at
        while true {
            monitor.wait(spinMicroseconds: 200) {
                words.load(Word.shutdown) != 0 || words.load(Word.phase) != seen
            }
            if words.load(Word.shutdown) != 0 { return }
            let phase = words.load(Word.phase)
            seen = phase
            guard phase % 2 == 1 else { continue }  // that job already closed
            words.add(Word.inFlight, 1)
            if words.load(Word.phase) == phase && index < workers { runIterations() }
            if words.add(Word.inFlight, -1) == 1 { monitor.broadcast() }
        }
    }

    /// Tells the workers to exit once they are idle.
    func shutDown() {
        words.store(Word.shutdown, 1)
        monitor.broadcast()
    }
}
