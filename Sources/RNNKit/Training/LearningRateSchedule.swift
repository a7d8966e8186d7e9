// How the learning rate moves over a run, PyTorch's `torch.optim.lr_scheduler` in closed form:
// the rate of each step is a function of the step (or epoch) alone, so a resumed run recomputes
// it and needs nothing saved beyond the progress it already keeps.

import Foundation

/// A learning-rate schedule, applied on top of annealing (`TrainingLoopConfiguration.anneal`
/// divides the base rate η that the schedule then shapes).
///
/// | case | rate of step t (0-based) in epoch e (1-based) | PyTorch |
/// |---|---|---|
/// | `constant` | η | no scheduler |
/// | `cosine(minimum:)` | η_min + (η − η_min)(1 + cos(π t / T)) / 2, T = the run's total steps | `CosineAnnealingLR(T_max=T, eta_min=η_min)`, stepped after every optimizer step |
/// | `step(everyEpochs:gamma:)` | η · γ^⌊(e − 1) / n⌋ | `StepLR(step_size=n, gamma=γ)`, stepped after every epoch |
public enum LearningRateSchedule: Equatable, Sendable, CustomStringConvertible {
    /// The base rate throughout.
    case constant
    /// Half a cosine from the base rate down to `minimum` over the run's steps.
    case cosine(minimum: Double)
    /// The base rate times `gamma` after every `everyEpochs` epochs.
    case step(everyEpochs: Int, gamma: Double)

    /// The rate of the optimizer step that follows `step` steps of the run, in `epoch`.
    /// - Parameters:
    ///   - base: η, the initial rate after any annealing.
    ///   - step: t, the optimizer steps the run has taken so far.
    ///   - totalSteps: T, the steps the run takes (epochs × batches, or the step limit).
    ///   - epoch: e, the epoch the step belongs to (1-based).
    public func rate(base: Double, step: Int, totalSteps: Int, epoch: Int) -> Double {
        switch self {
        case .constant:
            return base
        case .cosine(let minimum):
            let progress = Double(min(step, totalSteps)) / Double(max(totalSteps, 1))
            return minimum + (base - minimum) * (1 + cos(Double.pi * progress)) / 2
        case .step(let every, let gamma):
            return base * pow(gamma, Double((max(epoch, 1) - 1) / every))
        }
    }

    /// The schedule's name in metadata and on the command line: `constant`, `cosine`, `step`.
    public var name: String {
        switch self {
        case .constant: "constant"
        case .cosine: "cosine"
        case .step: "step"
        }
    }

    /// "constant", "cosine down to 0.0", "step: ×0.1 every 2 epochs".
    public var description: String {
        switch self {
        case .constant: "constant"
        case .cosine(let minimum): "cosine down to \(minimum)"
        case .step(let every, let gamma): "step: ×\(gamma) every \(every) epoch\(every == 1 ? "" : "s")"
        }
    }

    /// Throws `RNNKitError` for settings that cannot work: a negative or non-finite minimum, a
    /// minimum above `base`, an epoch interval outside 1...`TrainingLoopConfiguration.maxCount`,
    /// a factor outside (0, 1].
    public func validate(base: Double) throws {
        switch self {
        case .constant:
            break
        case .cosine(let minimum):
            guard minimum >= 0, minimum <= base, minimum.isFinite else {
                throw RNNKitError("the cosine schedule's minimum learning rate must be in 0...\(base) (the initial rate), got \(minimum)")
            }
        case .step(let every, let gamma):
            guard (1...TrainingLoopConfiguration.maxCount).contains(every) else {
                throw RNNKitError("the step schedule's epoch interval must be in 1...\(TrainingLoopConfiguration.maxCount), got \(every)")
            }
            guard gamma > 0, gamma <= 1 else {
                throw RNNKitError("the step schedule's factor must be in (0, 1], got \(gamma)")
            }
        }
    }

    /// As JSON (the `lr_schedule` entry of `training.loop`).
    var json: JSONValue {
        switch self {
        case .constant: .object([("kind", .string(name))])
        case .cosine(let minimum): .object([("kind", .string(name)), ("minimum", .double(minimum))])
        case .step(let every, let gamma):
            .object([("kind", .string(name)), ("every_epochs", .integer(every)), ("gamma", .double(gamma))])
        }
    }

    /// Reads `json` (not validated: the loop configuration validates it against its rate).
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "training.loop.lr_schedule")
        switch try f.string("kind") {
        case "constant": self = .constant
        case "cosine": self = .cosine(minimum: try f.double("minimum"))
        case "step": self = .step(everyEpochs: try f.int("every_epochs"), gamma: try f.double("gamma"))
        case let other: throw RNNKitError("training.loop.lr_schedule.kind '\(other)' is unknown")
        }
    }
}
