#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// What every optimizer shares.
//
// An optimizer updates all parameters of a `ParameterArena` in one loop over its flat value and
// gradient buffers. Its state (moments, momentum buffers, sums of squares) is a few more flat
// buffers of the same length and layout, so element k of every buffer belongs to the same
// scalar parameter. Alignment gaps in the arena hold zero values and zero gradients; every
// update rule below leaves them at zero.
//
// Each optimizer reproduces PyTorch's single-tensor ("for-loop") CPU implementation, which is
// what `torch.optim` runs on the CPU by default: element arithmetic in `Scalar` in PyTorch's
// order (float32 for `Float`, including its fused multiply-adds), and scalar hyper-parameter
// arithmetic (bias corrections, step sizes) in `Double`, as Python does.
//
// Unlike PyTorch, which skips parameters whose `.grad` is None, every parameter is updated:
// a parameter the loss did not reach has a zero gradient, which still decays its moments.

/// A rule that updates every parameter of an arena from its accumulated gradients.
///
/// ```swift
/// let optimizer = try Adam<Float>(learningRate: 1e-3)
/// for batch in batches {
///     model.arena.zeroGradients()
///     // forward, loss, backward …
///     clipGradientNorm(model.arena, maxNorm: 0.25)
///     optimizer.step(model.arena)
/// }
/// ```
public protocol Optimizer<Scalar>: AnyObject {
    /// The scalar type of the parameters.
    associatedtype Scalar: RNNScalar

    /// The learning rate the next step uses; a schedule may change it between steps.
    var learningRate: Double { get set }

    /// The number of steps taken so far (the t of the bias corrections).
    var stepCount: Int { get }

    /// Applies one update to every parameter of `arena` from its gradients. The first step
    /// fixes the arena's layout; later steps must get an arena of the same size.
    func step(_ arena: ParameterArena<Scalar>)

    /// Everything needed to resume training exactly: the step count and the state buffers.
    func exportState() -> OptimizerState<Scalar>

    /// Restores a state from `exportState()` of an optimizer of the same kind and settings,
    /// for `arena` (whose layout the buffers must match).
    /// - Throws: `RNNKitError` if buffers are missing, unexpected, or of the wrong length.
    func importState(_ state: OptimizerState<Scalar>, for arena: ParameterArena<Scalar>) throws
}

/// An optimizer's resumable state: the step count and named flat buffers, each laid out like
/// the arena's flat value buffer (`arena.count` elements, alignment gaps included). A
/// checkpoint stores the buffers as tensors and the step count as metadata.
public struct OptimizerState<Scalar: RNNScalar>: Equatable, Sendable {
    /// The number of steps taken.
    public var stepCount: Int
    /// The state buffers by PyTorch's state names (`exp_avg`, `exp_avg_sq`, `momentum_buffer`,
    /// `square_avg`, `grad_avg`, `sum`); empty before the first step.
    public var buffers: [String: [Scalar]]

    /// Creates a state.
    public init(stepCount: Int = 0, buffers: [String: [Scalar]] = [:]) {
        self.stepCount = stepCount
        self.buffers = buffers
    }
}

/// The shared machinery of the optimizers: the step count and the named state buffers, stored
/// in one allocation as `names.count` slots of `count` elements. Slots are allocated on the
/// first step, sized to that step's arena.
struct OptimizerSlots<Scalar: RNNScalar> {
    /// The buffer names, one per slot.
    let names: [String]
    /// Each slot's value before the first step.
    let initialValues: [Scalar]
    /// Steps taken.
    var stepCount = 0
    /// Whether the slots exist (false until the first step or an import with buffers).
    private(set) var isAllocated = false
    /// The elements per slot (the arena's `count`) once allocated.
    private(set) var count = 0
    private var storage: [Scalar] = []

    init(names: [String], initialValues: [Scalar]? = nil) {
        self.names = names
        self.initialValues = initialValues ?? [Scalar](repeating: 0, count: names.count)
    }

    /// Allocates the slots for `arena` on first use; afterwards checks the arena still fits.
    mutating func prepare(for arena: ParameterArena<Scalar>) {
        if isAllocated {
            precondition(count == arena.count,
                         "optimizer state holds \(count) values per buffer, but the arena has \(arena.count)")
            return
        }
        count = arena.count
        storage = initialValues.flatMap { [Scalar](repeating: $0, count: count) }
        isAllocated = true
    }

    /// Runs `body` with a pointer to slot 0 (allocated, at least one slot); slot k starts
    /// `k · count` elements later.
    mutating func withSlots<R>(_ body: (UnsafeMutablePointer<Scalar>) -> R) -> R {
        precondition(isAllocated && !names.isEmpty && count > 0, "OptimizerSlots: no buffers to access")
        return storage.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }

    func export() -> OptimizerState<Scalar> {
        guard isAllocated else { return OptimizerState(stepCount: stepCount) }
        var buffers: [String: [Scalar]] = [:]
        for (k, name) in names.enumerated() {
            buffers[name] = Array(storage[(k * count)..<((k + 1) * count)])
        }
        return OptimizerState(stepCount: stepCount, buffers: buffers)
    }

    mutating func restore(_ state: OptimizerState<Scalar>, for arena: ParameterArena<Scalar>) throws {
        guard state.stepCount >= 0 else {
            throw RNNKitError("optimizer state has a negative step count \(state.stepCount)")
        }
        guard state.stepCount < Int.max / 2 else {
            throw RNNKitError("optimizer state has an impossible step count \(state.stepCount)")
        }
        if state.buffers.isEmpty {
            guard names.isEmpty || state.stepCount == 0 else {
                throw RNNKitError("optimizer state after \(state.stepCount) steps has none of the buffers \(names)")
            }
            (stepCount, isAllocated, count, storage) = (state.stepCount, false, 0, [])
            return
        }
        guard Set(state.buffers.keys) == Set(names) else {
            throw RNNKitError("optimizer state holds buffers \(state.buffers.keys.sorted()), this optimizer keeps \(names)")
        }
        for name in names where state.buffers[name]!.count != arena.count {
            throw RNNKitError("optimizer buffer '\(name)' has \(state.buffers[name]!.count) values, the arena has \(arena.count)")
        }
        (stepCount, isAllocated, count) = (state.stepCount, true, arena.count)
        storage = names.flatMap { state.buffers[$0]! }
    }
}

/// Throws unless `value` is a number ≥ 0 (PyTorch's "Invalid … value" checks).
func requireNonNegative(_ value: Double, _ name: String) throws {
    guard value >= 0 else { throw RNNKitError("invalid \(name) \(value): it must be ≥ 0") }
}

/// base^exponent in Double, as Python's `**` on floats computes it (C `pow`).
func power(_ base: Double, _ exponent: Double) -> Double {
    pow(base, exponent)
}

/// PyTorch's CPU `lerp(start, end, weight)` in `Scalar`: a fused multiply-add from the nearer
/// end, so the result is exact at weight 0 and 1.
@inline(__always)
func lerp<Scalar: RNNScalar>(_ start: Scalar, _ end: Scalar, _ weight: Scalar) -> Scalar {
    weight.magnitude < 0.5 ? start.addingProduct(weight, end - start) : end.addingProduct(weight - 1, end - start)
}
