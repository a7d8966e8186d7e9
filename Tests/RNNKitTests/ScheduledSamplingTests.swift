import Testing
@testable import RNNKit

@Suite struct ScheduledSamplingTests {
    @Test func schedulesFollowTheirFormulas() {
        #expect(TeacherForcingSchedule.constant(0.75).epsilon(after: 1000) == 0.75)
        let linear = TeacherForcingSchedule.linear(k: 1, c: 0.001, minimum: 0.2)
        #expect(linear.epsilon(after: 0) == 1)
        #expect(abs(linear.epsilon(after: 500) - 0.5) < 1e-15)
        #expect(linear.epsilon(after: 900) == 0.2 && linear.epsilon(after: 100_000) == 0.2)
        #expect(TeacherForcingSchedule.exponential(k: 0.5).epsilon(after: 0) == 1)
        #expect(TeacherForcingSchedule.exponential(k: 0.5).epsilon(after: 3) == 0.125)
        let sigmoid = TeacherForcingSchedule.inverseSigmoid(k: 10)
        #expect(sigmoid.epsilon(after: 0) == 10.0 / 11)
        #expect(abs(sigmoid.epsilon(after: 20) - 10 / (10 + Double.exp(2))) < 1e-15)
        #expect(sigmoid.epsilon(after: 1 << 40) == 0)                   // exp overflows to ∞
        // Decreasing after the start.
        let values = (0..<200).map { sigmoid.epsilon(after: $0) }
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 > $1 })
    }

    @Test func parametersAreChecked() throws {
        try TeacherForcingSchedule.constant(0).validate()
        try TeacherForcingSchedule.exponential(k: 1).validate()
        try TeacherForcingSchedule.inverseSigmoid(k: 1).validate()
        try TeacherForcingSchedule.linear(k: 0.9, c: 0, minimum: 0.9).validate()
        #expect(throws: RNNKitError("the constant teacher-forcing schedule needs a teacher-forcing ratio in [0, 1], got 1.5")) {
            try TeacherForcingSchedule.constant(1.5).validate()
        }
        #expect(throws: RNNKitError("the exponential teacher-forcing schedule needs k in (0, 1], got 0.0")) {
            try TeacherForcingSchedule.exponential(k: 0).validate()
        }
        #expect(throws: RNNKitError("the inverse-sigmoid teacher-forcing schedule needs k ≥ 1, got 0.5")) {
            try TeacherForcingSchedule.inverseSigmoid(k: 0.5).validate()
        }
        #expect(throws: RNNKitError("the linear teacher-forcing schedule needs a slope c ≥ 0, got -1.0")) {
            try TeacherForcingSchedule.linear(k: 1, c: -1, minimum: 0).validate()
        }
        #expect(throws: RNNKitError("the linear teacher-forcing schedule needs a minimum (0.6) no larger than the start k (0.5)")) {
            try TeacherForcingSchedule.linear(k: 0.5, c: 0.1, minimum: 0.6).validate()
        }
        #expect(throws: RNNKitError("the constant teacher-forcing schedule needs a teacher-forcing ratio in [0, 1], got nan")) {
            try ScheduledSampling(schedule: .constant(.nan)).validate()
        }
    }

    @Test func teacherForcingDrawsNothingAndIsAllTrue() {
        var g = SeededGenerator(seed: 9)
        let before = g
        let mask = ScheduledSampling.teacherForcing.mask(steps: 5, batch: 3, after: 77, using: &g)
        #expect(mask == [Bool](repeating: true, count: 15) && g == before)
        let never = ScheduledSampling(schedule: .constant(0)).mask(steps: 3, batch: 2, after: 0, using: &g)
        #expect(never == [true, true, false, false, false, false] && g == before)
        #expect(ScheduledSampling.teacherForcing.isTeacherForcing)
    }

    @Test func perTokenMaskIsBernoulliWithRowZeroTrue() {
        let sampling = ScheduledSampling(schedule: .constant(0.3), granularity: .token)
        var g = SeededGenerator(seed: 1)
        let mask = sampling.mask(steps: 101, batch: 100, after: 0, using: &g)     // (T, B)
        #expect(mask[0..<100].allSatisfy { $0 })
        let fraction = Double(mask[100...].filter { $0 }.count) / 10_000
        #expect(abs(fraction - 0.3) < 0.02)
        // Deterministic: the same generator state gives the same mask.
        var h = SeededGenerator(seed: 1)
        #expect(sampling.mask(steps: 101, batch: 100, after: 0, using: &h) == mask && h == g)
        // Entry (t, b) for t ≥ 1 is the ((t − 1)·B + b)-th draw, u < ε with 53-bit u.
        var k = SeededGenerator(seed: 1)
        let draws = (0..<10_000).map { _ in Double(k.next() >> 11) * 0x1p-53 < 0.3 }
        #expect(Array(mask[100...]) == draws)
    }

    @Test func perSequenceMaskIsOneDrawPerColumn() {
        let sampling = ScheduledSampling(schedule: .exponential(k: 0.9), granularity: .sequence)
        var g = SeededGenerator(seed: 4)
        let T = 6, B = 200
        let mask = sampling.mask(steps: T, batch: B, after: 5, using: &g)
        var columns = 0
        for b in 0..<B {
            #expect(mask[b])
            let column = (1..<T).map { mask[$0 * B + b] }
            #expect(Set(column).count == 1)
            if column[0] { columns += 1 }
        }
        #expect(abs(Double(columns) / Double(B) - 0.59049) < 0.1)        // 0.9^5
        var h = SeededGenerator(seed: 4)
        let draws = (0..<B).map { _ in Double(h.next() >> 11) * 0x1p-53 < 0.59049 }
        #expect((0..<B).map { mask[B + $0] } == draws && h == g)
    }

    @Test func settingsRoundTripThroughJSON() throws {
        let all: [ScheduledSampling] = [
            .teacherForcing,
            ScheduledSampling(schedule: .linear(k: 1, c: 1e-4, minimum: 0.1), granularity: .sequence, sample: true),
            ScheduledSampling(schedule: .exponential(k: 0.999)),
            ScheduledSampling(schedule: .inverseSigmoid(k: 500), granularity: .token, sample: false),
        ]
        for s in all {
            #expect(try ScheduledSampling(json: try JSONValue.parse(Array(s.json.serialized.utf8)), context: "sampling") == s)
        }
        #expect(all[1].json.serialized == #"{"schedule":"linear","k":1.0,"c":0.0001,"minimum":0.1,"granularity":"sequence","sample":true}"#)
        #expect(throws: RNNKitError("the inverse-sigmoid teacher-forcing schedule needs k ≥ 1, got 0.2")) {
            try ScheduledSampling(json: .object([("schedule", .string("inverse-sigmoid")), ("k", .double(0.2)),
                                                 ("granularity", .string("token")), ("sample", .bool(false))]), context: "s")
        }
        #expect(throws: RNNKitError("s.schedule 'cosine' is not constant, linear, exponential or inverse-sigmoid")) {
            try ScheduledSampling(json: .object([("schedule", .string("cosine")), ("granularity", .string("token")),
                                                 ("sample", .bool(false))]), context: "s")
        }
    }
}
