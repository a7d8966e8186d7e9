// Modules: the explicit building blocks every model is composed of.
//
// A module registers its parameters in a shared `ParameterArena` under dotted PyTorch names
// (`encoder.rnn.weight_ih_l0`, `classifier.weight`) when it is built, names its children, and
// pairs each `forward` with a `backward`. No reflection and no registry: a model lists its
// children by hand, as a PyTorch `nn.Module` assigns them in `__init__`.
//
// Saved activations. What a backward needs is saved per call on a last-in-first-out stack of
// reusable buffers: in training mode every forward is kept until its backward, so one module
// can run N times in one forward (a decoder applies its cell and output layer once per
// target step) and be backpropagated N times in reverse order. After the first step with a
// given shape nothing is allocated. In evaluation mode a forward replaces whatever was saved
// (like PyTorch's `no_grad`), so inference loops keep nothing. `clearSavedActivations()`
// drops every saved call (keeping the buffers) — models call it at the start of each step.

/// A building block of a model: parameters in an arena, child modules, a train/eval switch,
/// the random generators of its dropout, and `forward`/`backward` pairs whose saved
/// activations form a last-in-first-out stack (see the file comment).
public protocol Module: AnyObject {
    /// The modules this one is built from, in the order their parameters were registered.
    var children: [any Module] { get }
    /// Whether this module itself behaves as in training (dropout active, every call saved).
    /// Use `setTraining(_:)` to switch a whole model.
    var isTraining: Bool { get set }
    /// The random generators this module itself owns (its dropout masks), not its children's.
    var ownGenerators: [SeededGenerator] { get set }
    /// Drops the calls this module itself has saved for backward (not its children's),
    /// keeping the buffers for reuse.
    func clearOwnSavedActivations()
}

extension Module {
    /// No children by default.
    public var children: [any Module] { [] }

    /// No generators by default.
    public var ownGenerators: [SeededGenerator] {
        get { [] }
        set { precondition(newValue.isEmpty, "\(type(of: self)) owns no random generators") }
    }

    /// Nothing saved by default.
    public func clearOwnSavedActivations() {}

    /// Switches this module and every descendant to training (`true`, PyTorch's `train()`) or
    /// evaluation (`false`, `eval()`).
    public func setTraining(_ training: Bool) {
        isTraining = training
        for child in children { child.setTraining(training) }
    }

    /// Drops every saved call of this module and its descendants.
    public func clearSavedActivations() {
        clearOwnSavedActivations()
        for child in children { child.clearSavedActivations() }
    }

    /// The random generators of this module and its descendants, depth first in registration
    /// order: what a checkpoint saves so that a resumed run draws the same dropout masks.
    /// Assigning needs exactly as many generators as reading returns.
    public var randomGenerators: [SeededGenerator] {
        get { ownGenerators + children.flatMap(\.randomGenerators) }
        set {
            precondition(newValue.count == randomGeneratorCount,
                         "\(type(of: self)): \(newValue.count) generators for \(randomGeneratorCount)")
            var rest = newValue[...]
            func assign(_ m: any Module) {
                let n = m.ownGenerators.count
                if n > 0 { m.ownGenerators = Array(rest.prefix(n)); rest = rest.dropFirst(n) }
                for child in m.children { assign(child) }
            }
            assign(self)
        }
    }

    /// How many generators `randomGenerators` holds.
    public var randomGeneratorCount: Int {
        ownGenerators.count + children.reduce(0) { $0 + $1.randomGeneratorCount }
    }
}
