import Testing
@testable import RNNKit

@Suite struct TokenStreamTests {
    @Test func batchifyMatchesPyTorch() throws {
        // ids[: n·B].view(B, n).t(): column b is the b-th contiguous slice; the tail is dropped.
        let stream = try BatchedTokens(Array(0..<11), batch: 3)
        #expect(stream.steps == 3 && stream.positions == 2)
        #expect(stream.data == [0, 3, 6, 1, 4, 7, 2, 5, 8])
        let (inputs, targets) = stream.chunk(start: 0, count: 2)
        #expect(inputs == [0, 3, 6, 1, 4, 7])
        #expect(targets == [1, 4, 7, 2, 5, 8])
        #expect(stream.chunk(start: 1, count: 1, ignored: 1).targets == [-1, -1, -1])
    }

    @Test func tooShortForOneBatch() {
        #expect(throws: RNNKitError("the text has 7 tokens, too short for one batch of 4 columns (at least 8 needed)")) {
            try BatchedTokens(Array(0..<7), batch: 4)
        }
    }

    @Test func scheduleWithK1EqualK2IsConsecutiveChunks() {
        // range(0, N − 1, bptt) with the last chunk shorter, as word_language_model.
        let schedule = TBPTTSchedule(k1: 4, k2: 4, positions: 10)
        #expect(schedule.updates == 3)
        #expect((0..<3).map { schedule.window($0) } == [
            .init(start: 0, count: 4, context: 0), .init(start: 4, count: 4, context: 0), .init(start: 8, count: 2, context: 0),
        ])
        #expect(schedule.carryOffset(after: 0) == 4)
    }

    @Test func scheduleWithK1BelowK2OverlapsWindows() {
        let schedule = TBPTTSchedule(k1: 2, k2: 5, positions: 9)
        #expect(schedule.updates == 5)
        let windows = (0..<5).map { schedule.window($0) }
        #expect(windows == [
            .init(start: 0, count: 2, context: 0), .init(start: 0, count: 4, context: 2),
            .init(start: 1, count: 5, context: 3), .init(start: 3, count: 5, context: 3),
            .init(start: 5, count: 4, context: 3),
        ])
        // Every position is trained exactly once, and each window ends where its update does.
        let trained = windows.flatMap { w in (w.start + w.context)..<(w.start + w.count) }
        #expect(trained == Array(0..<9))
        #expect((0..<4).map { schedule.carryOffset(after: $0) } == [0, 1, 2, 2])
    }
}
