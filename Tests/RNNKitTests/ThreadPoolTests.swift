import Testing
@testable import RNNKit

/// Counts how often each index ran; every slot is written by one iteration only.
private final class Tally: @unchecked Sendable {
    let counts: UnsafeMutableBufferPointer<Int>
    init(_ count: Int) { counts = .allocate(capacity: max(count, 1)); counts.initialize(repeating: 0) }
    deinit { counts.deallocate() }
    func record(_ i: Int) { counts[i] += 1 }
    func allOnce(_ count: Int) -> Bool { (0..<count).allSatisfy { counts[$0] == 1 } }
}

@Suite struct ThreadPoolTests {
    @Test func parallelForRunsEveryIndexOnce() {
        for count in [0, 1, 2, 3, 17, 1000] {
            let tally = Tally(count)
            parallelFor(count: count) { tally.record($0) }
            #expect(tally.allOnce(count), "count \(count)")
        }
    }

    /// forEachSlice covers 0..<count once, in slices that start on 64-element boundaries.
    @Test func slicesCoverEveryElementOnce() {
        for count in [0, 1, 63, 64, 65, 1000, 4097] {
            let tally = Tally(count)
            forEachSlice(count: count, minimumPerThread: 8) { start, n in
                #expect(start % 64 == 0)
                for i in start..<(start + n) { tally.record(i) }
            }
            #expect(tally.allOnce(count), "count \(count)")
        }
    }

    /// Many short jobs on a private pool of three threads: the phase protocol must hand out
    /// every index of every job once, whatever the workers' timing.
    @Test func poolRunsManyJobs() {
        let pool = ThreadPool(threadCount: 3)
        for job in 0..<300 {
            let count = job % 11
            let tally = Tally(count)
            #expect(pool.tryRun(count: count, maxThreads: 1 + job % 3) { tally.record($0) })
            #expect(tally.allOnce(count), "job \(job)")
        }
    }

    /// Pools that are dropped let their workers exit; new ones start cleanly.
    @Test func poolsComeAndGo() {
        for _ in 0..<20 {
            let pool = ThreadPool(threadCount: 2)
            let tally = Tally(8)
            #expect(pool.tryRun(count: 8, maxThreads: 2) { tally.record($0) })
            #expect(tally.allOnce(8))
        }
    }

    /// A parallelFor inside a parallelFor finds the pool busy and runs inline.
    @Test func nestedCallsRunInline() {
        let tally = Tally(64)
        parallelFor(count: 8) { i in
            parallelFor(count: 8) { j in tally.record(i * 8 + j) }
        }
        #expect(tally.allOnce(64))
    }

    /// Callers on several threads at once: one gets the pool, the others run inline.
    @Test func concurrentCallers() async {
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    (0..<50).allSatisfy { _ in
                        let tally = Tally(40)
                        parallelFor(count: 40) { tally.record($0) }
                        return tally.allOnce(40)
                    }
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    @Test func threadCountIsAtLeastOne() {
        ComputeSettings.exclusive {
            let old = Compute.threadCount
            #expect(old >= 1 && ComputeInfo.threadCount == old)
            Compute.threadCount = 0
            #expect(Compute.threadCount == 1)
            Compute.threadCount = old
            #expect(Compute.threadCount == old)
        }
    }
}
