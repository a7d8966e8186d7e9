import ArgumentParser
import RNNKit

/// `--lr-schedule`: how the learning rate moves over the run.
enum LearningRateScheduleOption: String, ExpressibleByArgument, CaseIterable {
    case constant, cosine, step
}

/// The learning-rate schedule (PyTorch's CosineAnnealingLR and StepLR), shared by every train
/// command.
struct LearningRateScheduleOptions: ParsableArguments {
    @Option(help: "How the learning rate moves: constant, cosine (half a cosine from --lr down to --lr-min over the run's steps, PyTorch's CosineAnnealingLR) or step (times --lr-gamma every --lr-step-epochs epochs, PyTorch's StepLR). (default: constant)")
    var lrSchedule: LearningRateScheduleOption?
    @Option(parsing: .unconditional, help: "The cosine schedule's last learning rate (eta_min). (default: 0)")
    var lrMin: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("The step schedule's interval in epochs (step_size). (default: 1)", valueName: "epochs"))
    var lrStepEpochs: Int?
    @Option(parsing: .unconditional, help: "The step schedule's factor (gamma). (default: 0.1)")
    var lrGamma: Double?

    /// The schedule the options describe.
    var schedule: LearningRateSchedule {
        switch lrSchedule ?? .constant {
        case .constant: .constant
        case .cosine: .cosine(minimum: lrMin ?? 0)
        case .step: .step(everyEpochs: lrStepEpochs ?? 1, gamma: lrGamma ?? 0.1)
        }
    }

    /// Whether any option was given (a resumed run keeps its schedule).
    var anyGiven: Bool { lrSchedule != nil || lrMin != nil || lrStepEpochs != nil || lrGamma != nil }

    func validate() throws {
        let kind = lrSchedule ?? .constant
        if lrMin != nil && kind != .cosine { throw ValidationError("--lr-min needs --lr-schedule cosine") }
        if (lrStepEpochs != nil || lrGamma != nil) && kind != .step {
            throw ValidationError("--\(lrStepEpochs != nil ? "lr-step-epochs" : "lr-gamma") needs --lr-schedule step")
        }
    }
}
