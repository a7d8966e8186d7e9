// Averaging the weights over a run's steps: the averaged weights are the ones validated and
// saved as the best model, while training goes on from the live ones. PyTorch's
// `torch.optim.swa_utils.AveragedModel`, updated after every optimizer step; Keras's
// `use_ema=True` for the exponential kind.

/// How the trainer averages the weights over the steps of a run (`TrainingLoopConfiguration
/// .averaging`). With averaging, validation, `best.safetensors` and the test see the average;
/// the optimizer keeps stepping the live weights, which `latest.safetensors` holds together with
/// the average (in its state file) so that a resumed run continues exactly.
///
/// | case | after optimizer step n (the first averaged step copies θ) | PyTorch |
/// |---|---|---|
/// | `none` | — | no `AveragedModel` |
/// | `exponential(decay:)` | θ̄ ← θ̄ + (1 − d)(θ − θ̄) | `AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(d))` |
/// | `uniform(fromEpoch:)` | θ̄ ← θ̄ + (θ − θ̄) / (n + 1), n = steps averaged so far, from epoch e on | `AveragedModel(model)` (SWA), `update_parameters` after every step of epoch ≥ e |
public enum WeightAveraging: Equatable, Sendable, CustomStringConvertible {
    /// The live weights are validated and saved.
    case none
    /// An exponential moving average with factor `decay` in (0, 1) (an average over roughly the
    /// last 1 / (1 − decay) steps), from the first step on.
    case exponential(decay: Double)
    /// The plain mean of the weights after every step of epoch `fromEpoch` (1-based) and later
    /// (stochastic weight averaging); before that epoch, the live weights are validated.
    case uniform(fromEpoch: Int)

    /// Whether the weights after a step of `epoch` join the average.
    func averages(epoch: Int) -> Bool {
        switch self {
        case .none: false
        case .exponential: true
        case .uniform(let from): epoch >= from
        }
    }

    /// "none", "exponential moving average, decay 0.999", "uniform average from epoch 4".
    public var description: String {
        switch self {
        case .none: "none"
        case .exponential(let decay): "exponential moving average, decay \(decay)"
        case .uniform(let from): "uniform average from epoch \(from)"
        }
    }

    /// Throws `RNNKitError` for a decay outside (0, 1) or a start epoch outside
    /// 1...`TrainingLoopConfiguration.maxCount`.
    public func validate() throws {
        switch self {
        case .none:
            break
        case .exponential(let decay):
            guard decay > 0, decay < 1 else {
                throw RNNKitError("the weight average's decay must be in (0, 1), got \(decay)")
            }
        case .uniform(let from):
            guard (1...TrainingLoopConfiguration.maxCount).contains(from) else {
                throw RNNKitError("the weight average's first epoch must be in 1...\(TrainingLoopConfiguration.maxCount), got \(from)")
            }
        }
    }

    /// As JSON (the `averaging` entry of `training.loop`).
    var json: JSONValue {
        switch self {
        case .none: .object([("kind", .string("none"))])
        case .exponential(let decay): .object([("kind", .string("exponential")), ("decay", .double(decay))])
        case .uniform(let from): .object([("kind", .string("uniform")), ("from_epoch", .integer(from))])
        }
    }

    /// Reads `json` (not validated: the loop configuration validates it).
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "training.loop.averaging")
        switch try f.string("kind") {
        case "none": self = .none
        case "exponential": self = .exponential(decay: try f.double("decay"))
        case "uniform": self = .uniform(fromEpoch: try f.int("from_epoch"))
        case let other: throw RNNKitError("training.loop.averaging.kind '\(other)' is unknown")
        }
    }
}

/// The running average θ̄ of a parameter arena's values (one float per parameter, the arena's
/// flat layout); the number of steps averaged is kept in `TaskProgress.averagedSteps`.
struct WeightAverage {
    /// θ̄, [arena.count]; empty until the first averaged step.
    private(set) var values: [Float] = []

    /// An empty average.
    init() {}

    /// The average a run saved after `steps` averaged steps, for an arena of `parameters`.
    /// - Throws: `RNNKitError` if `values` does not hold one float per parameter.
    init(values: [Float], steps: Int, parameters: Int) throws {
        guard values.count == parameters, steps > 0 else {
            throw RNNKitError("the saved weight average holds \(values.count) values after \(steps) steps, expected \(parameters)")
        }
        self.values = values
    }

    /// Adds the weights θ = `live` [count] after a step, `steps` steps having been averaged
    /// before it, as `kind` says: the first step's weights are copied.
    mutating func add(_ live: UnsafePointer<Float>, count: Int, steps: Int, kind: WeightAveraging) {
        guard steps > 0 else {
            values = Array(UnsafeBufferPointer(start: live, count: count))
            return
        }
        values.withUnsafeMutableBufferPointer { avg in
            switch kind {
            case .none:
                return
            case .exponential(let decay):
                lerp(avg.baseAddress!, toward: live, count: count, weight: Float(1 - decay))
            case .uniform:
                let n = Float(steps + 1)
                for i in 0..<count { avg[i] += (live[i] - avg[i]) / n }
            }
        }
    }
}

/// torch.lerp(avg, live, w) on the CPU, in place over `count` floats, one rounding per
/// branch: avg + w(live − avg) for w < ½, else live − (1 − w)(live − avg), each a fused
/// multiply-add. The reference of the vectorised `lerp`.
func lerpReference(_ avg: UnsafeMutablePointer<Float>, toward live: UnsafePointer<Float>, count: Int, weight w: Float) {
    if w < 0.5 {
        for i in 0..<count { avg[i] = avg[i].addingProduct(w, live[i] - avg[i]) }
    } else {
        for i in 0..<count { avg[i] = live[i].addingProduct(w - 1, live[i] - avg[i]) }
    }
}
