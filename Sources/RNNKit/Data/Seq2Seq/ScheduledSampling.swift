// Letters: T = decoder steps of a batch, B = sequences in the batch.
// The teacher mask is (T, B) time-major: entry (t, b) is at t*B + b.

/// Whether one coin decides each decoder input or each whole sequence.
public enum TeacherForcingGranularity: String, Codable, Sendable, CaseIterable {
    /// Each (t, b) independently (Bengio et al. 2015).
    case token
    /// One draw per sequence b for all its steps (the PyTorch tutorial's
    /// `teacher_forcing_ratio`).
    case sequence
}

/// Teacher forcing and scheduled sampling: at decoder step t of sequence b the model reads the
/// true previous target token where `teacher[t, b]` is true, and its own previous prediction
/// otherwise (never differentiated through). `teacher[t, b]` is true with probability ε_i,
/// given by `schedule` after i optimizer updates; row t = 0 is always true (it reads `<bos>`).
///
/// Whether "its own prediction" is the argmax or a sample from the softmax (`sample`) is the
/// model's business: this type only records the choice and draws the mask.
///
/// ```swift
/// let sampling = ScheduledSampling(schedule: .inverseSigmoid(k: 500), granularity: .token)
/// var g = SeededGenerator(seed: 7)
/// let teacher = sampling.mask(steps: 12, batch: 64, after: 300, using: &g)   // (T, B)
/// ```
public struct ScheduledSampling: Equatable, Sendable {
    /// ε_i over optimizer updates i.
    public var schedule: TeacherForcingSchedule
    /// One draw per token or per sequence.
    public var granularity: TeacherForcingGranularity
    /// Feed a sample of the model's softmax instead of its argmax where the mask is false.
    public var sample: Bool

    /// Plain teacher forcing: ε = 1 at every step.
    public static let teacherForcing = ScheduledSampling(schedule: .teacherForcing)

    /// Settings with `schedule`, drawn per `granularity`, feeding argmax or samples.
    public init(schedule: TeacherForcingSchedule, granularity: TeacherForcingGranularity = .token, sample: Bool = false) {
        self.schedule = schedule
        self.granularity = granularity
        self.sample = sample
    }

    /// Throws `RNNKitError` if the schedule's parameters are out of range.
    public func validate() throws { try schedule.validate() }

    /// Whether the model is always fed the true tokens (ε_i = 1 for every i).
    public var isTeacherForcing: Bool { schedule == .constant(1) }

    /// ε_i after `updates` optimizer updates.
    public func epsilon(after updates: Int) -> Double { schedule.epsilon(after: updates) }

    /// The teacher mask of one training batch, (T, B): `mask[t * B + b]` is true where step t
    /// of sequence b reads the true previous token.
    ///
    /// Row t = 0 is all true and draws nothing. Then, with ε = ε_i for i = `updates`:
    /// - ε = 1 or ε = 0: every entry is true (false), and nothing is drawn — so ε = 1 is plain
    ///   teacher forcing and leaves `generator` untouched, bit for bit;
    /// - per token: for t = 1…T−1, for b = 0…B−1, one uniform u ∈ [0, 1) (53 bits) each,
    ///   true when u < ε;
    /// - per sequence: for b = 0…B−1 one draw u_b, and `mask[t, b]` = u_b < ε for every t ≥ 1.
    /// The mask is a function of `generator`'s state, T, B and ε alone.
    /// - Precondition: `steps >= 1`, `batch >= 1`, `updates >= 0`.
    public func mask(steps T: Int, batch B: Int, after updates: Int, using generator: inout SeededGenerator) -> [Bool] {
        precondition(T >= 1 && B >= 1, "a mask needs at least one step and one sequence")
        let epsilon = schedule.epsilon(after: updates)
        var mask = [Bool](repeating: true, count: T * B)       // (T, B)
        guard T > 1 && epsilon < 1 else { return mask }
        if epsilon <= 0 {
            for i in B..<(T * B) { mask[i] = false }
            return mask
        }
        func draw() -> Bool { Double(generator.next() >> 11) * 0x1p-53 < epsilon }
        switch granularity {
        case .token:
            for i in B..<(T * B) { mask[i] = draw() }
        case .sequence:
            for b in 0..<B {
                let teacher = draw()
                for t in 1..<T { mask[t * B + b] = teacher }
            }
        }
        return mask
    }

    /// The settings as JSON: the schedule's fields plus `granularity` and `sample`.
    var json: JSONValue {
        guard case var .object(members) = schedule.json else { preconditionFailure("a schedule is a JSON object") }
        members.append(("granularity", .string(granularity.rawValue)))
        members.append(("sample", .bool(sample)))
        return .object(members)
    }

    /// Reads and validates settings written by `json`; `context` names them in errors.
    init(json: JSONValue, context: String) throws {
        let f = try JSONFields(json, context)
        let name = try f.string("granularity")
        guard let granularity = TeacherForcingGranularity(rawValue: name) else {
            throw RNNKitError("\(context).granularity '\(name)' is neither token nor sequence")
        }
        self.init(schedule: try TeacherForcingSchedule(json: json, context: context), granularity: granularity,
                  sample: try f.bool("sample"))
    }
}
