#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ε_i, the probability that the decoder reads the true previous target token rather than its
/// own prediction, after i optimizer updates (Bengio et al. 2015, "Scheduled Sampling for
/// Sequence Prediction with Recurrent Neural Networks"). The first training step has done no
/// update: it uses ε_0.
///
///     constant(k)              ε_i = k                         k ∈ [0, 1]     (k = 1: teacher forcing)
///     linear(k, c, minimum)    ε_i = max(minimum, k − c·i)     k, minimum ∈ [0, 1], minimum ≤ k, c ≥ 0
///     exponential(k)           ε_i = k^i                       k ∈ (0, 1]
///     inverseSigmoid(k)        ε_i = k / (k + exp(i / k))      k ≥ 1
///
/// Exponential and inverse sigmoid decay towards 0; inverse sigmoid starts at k / (k + 1) and
/// falls through 1/2 near i = k·ln k.
public enum TeacherForcingSchedule: Equatable, Sendable {
    /// ε_i = k.
    case constant(Double)
    /// ε_i = max(minimum, k − c·i).
    case linear(k: Double, c: Double, minimum: Double)
    /// ε_i = k^i.
    case exponential(k: Double)
    /// ε_i = k / (k + exp(i / k)).
    case inverseSigmoid(k: Double)

    /// Full teacher forcing, ε_i = 1.
    public static let teacherForcing = TeacherForcingSchedule.constant(1)

    /// The schedule's name: `constant`, `linear`, `exponential` or `inverse-sigmoid`.
    public var name: String {
        switch self {
        case .constant: return "constant"
        case .linear: return "linear"
        case .exponential: return "exponential"
        case .inverseSigmoid: return "inverse-sigmoid"
        }
    }

    /// Throws `RNNKitError` if a parameter is outside its range (see the table above).
    public func validate() throws {
        func check(_ ok: Bool, _ what: String) throws {
            if !ok { throw RNNKitError("the \(name) teacher-forcing schedule needs \(what)") }
        }
        switch self {
        case let .constant(k):
            try check((0...1).contains(k), "a teacher-forcing ratio in [0, 1], got \(k)")
        case let .linear(k, c, minimum):
            try check((0...1).contains(k), "a start k in [0, 1], got \(k)")
            try check(c >= 0 && c.isFinite, "a slope c ≥ 0, got \(c)")
            try check((0...1).contains(minimum), "a minimum in [0, 1], got \(minimum)")
            try check(minimum <= k, "a minimum (\(minimum)) no larger than the start k (\(k))")
        case let .exponential(k):
            try check(k > 0 && k <= 1, "k in (0, 1], got \(k)")
        case let .inverseSigmoid(k):
            try check(k >= 1 && k.isFinite, "k ≥ 1, got \(k)")
        }
    }

    /// ε_i after `updates` = i optimizer updates (i ≥ 0), in [0, 1].
    /// - Precondition: the schedule is valid and `updates >= 0`.
    public func epsilon(after updates: Int) -> Double {
        precondition(updates >= 0, "the number of updates cannot be negative")
        let i = Double(updates)
        switch self {
        case let .constant(k): return k
        case let .linear(k, c, minimum): return max(minimum, k - c * i)
        case let .exponential(k): return pow(k, i)
        case let .inverseSigmoid(k): return k / (k + Double.exp(i / k))
        }
    }

    /// The schedule as JSON, e.g. `{"schedule":"linear","k":1,"c":0.0001,"minimum":0.1}`.
    var json: JSONValue {
        switch self {
        case let .constant(k): return .object([("schedule", .string(name)), ("k", .double(k))])
        case let .linear(k, c, minimum):
            return .object([("schedule", .string(name)), ("k", .double(k)), ("c", .double(c)), ("minimum", .double(minimum))])
        case let .exponential(k), let .inverseSigmoid(k): return .object([("schedule", .string(name)), ("k", .double(k))])
        }
    }

    /// Reads and validates a schedule written by `json`; `context` names it in errors.
    init(json: JSONValue, context: String) throws {
        let f = try JSONFields(json, context)
        switch try f.string("schedule") {
        case "constant": self = .constant(try f.double("k"))
        case "linear": self = .linear(k: try f.double("k"), c: try f.double("c"), minimum: try f.double("minimum"))
        case "exponential": self = .exponential(k: try f.double("k"))
        case "inverse-sigmoid": self = .inverseSigmoid(k: try f.double("k"))
        case let other: throw RNNKitError("\(context).schedule '\(other)' is not constant, linear, exponential or inverse-sigmoid")
        }
        try validate()
    }
}
