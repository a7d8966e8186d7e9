/// One flat arena holding every parameter of a model, with the gradients in the same layout.
///
/// Layers register their tensors here under PyTorch's names (`weight_ih_l0`,
/// `embedding.weight`, …) and keep only offsets. Because values and gradients are two flat
/// buffers, zeroing gradients, clipping, an optimizer step and writing a checkpoint are each one
/// loop over the arena, and optimizer state (moments, momentum buffers) mirrors the same layout.
///
/// Each tensor starts on a 16-element boundary (64 bytes for `Float`); the gaps hold zeros and
/// never receive gradient, so whole-arena loops may include them.
public final class ParameterArena<Scalar: RNNScalar> {
    /// One named tensor inside the arena.
    public struct Entry: Sendable, Equatable {
        /// The PyTorch-style name, e.g. `rnn.weight_hh_l1_reverse`.
        public let name: String
        /// The tensor's shape, PyTorch layout (`(out, in)` for weights).
        public let shape: [Int]
        /// The index of the first element in the arena's flat buffers.
        public let offset: Int
        /// The number of elements, `shape.reduce(1, *)`.
        public var count: Int { shape.reduce(1, *) }
    }

    /// Every registered tensor, in registration order.
    public private(set) var entries: [Entry] = []
    /// The length of the flat buffers, alignment gaps included.
    public private(set) var count: Int = 0
    /// The flat parameter values, `count` elements.
    private(set) var values: UnsafeMutablePointer<Scalar>
    /// The flat gradients, same layout as `values`; backward passes add into them.
    private(set) var gradients: UnsafeMutablePointer<Scalar>
    private var capacity: Int
    private var index: [String: Int] = [:]

    /// Creates an empty arena.
    public init() {
        capacity = 64
        values = .allocate(capacity: capacity)
        values.initialize(repeating: 0, count: capacity)
        gradients = .allocate(capacity: capacity)
        gradients.initialize(repeating: 0, count: capacity)
    }

    deinit {
        values.deallocate()
        gradients.deallocate()
    }

    /// The number of trainable scalars (alignment gaps excluded).
    public var parameterCount: Int { entries.reduce(0) { $0 + $1.count } }

    /// The names of all tensors, in registration order.
    public var names: [String] { entries.map(\.name) }

    /// The entry called `name`, if any.
    public func entry(named name: String) -> Entry? {
        index[name].map { entries[$0] }
    }

    /// Registers a zero-filled tensor and returns its entry. Names must be unique.
    @discardableResult
    public func add(name: String, shape: [Int]) -> Entry {
        precondition(index[name] == nil, "ParameterArena: duplicate parameter name \(name)")
        let offset = (count + 15) / 16 * 16
        let entry = Entry(name: name, shape: shape, offset: offset)
        reserve(offset + entry.count)
        count = offset + entry.count
        index[name] = entries.count
        entries.append(entry)
        return entry
    }

    /// Sets every gradient to zero.
    public func zeroGradients() {
        forEachSlice(count: count) { k, n in (gradients + k).update(repeating: 0, count: n) }
    }

    /// A copy of the tensor called `name`, or nil.
    public func value(named name: String) -> Tensor<Scalar>? {
        entry(named: name).map { tensor(at: values, $0) }
    }

    /// A copy of the gradient of the tensor called `name`, or nil.
    public func gradient(named name: String) -> Tensor<Scalar>? {
        entry(named: name).map { tensor(at: gradients, $0) }
    }

    /// Overwrites the tensor called `name`.
    /// - Throws: `RNNKitError` if there is no such tensor or the shapes differ.
    public func setValue(_ tensor: Tensor<Scalar>, named name: String) throws {
        guard let e = entry(named: name) else {
            throw RNNKitError("no parameter named '\(name)'")
        }
        guard e.shape == tensor.shape else {
            throw RNNKitError("parameter '\(name)' has shape \(e.shape), got \(tensor.shape)")
        }
        tensor.scalars.withUnsafeBufferPointer { src in
            (values + e.offset).update(from: src.baseAddress!, count: e.count)
        }
    }

    /// Fills a tensor with samples from U(low, high), drawn in row-major order.
    public func fillUniform(_ entry: Entry, low: Scalar, high: Scalar, using generator: inout SeededGenerator) {
        let p = values + entry.offset
        for i in 0..<entry.count {
            p[i] = generator.uniform(low, high)
        }
    }

    /// Sets a tensor to a constant.
    public func fill(_ entry: Entry, with value: Scalar) {
        (values + entry.offset).update(repeating: value, count: entry.count)
    }

    /// Copies all values (not gradients) from another arena with identical entries.
    public func copyValues(from other: ParameterArena) {
        precondition(other.entries == entries, "ParameterArena: layouts differ")
        values.update(from: other.values, count: count)
    }

    /// A pointer to the values of `entry`, valid until the next `add`.
    func valuePointer(_ entry: Entry) -> UnsafeMutablePointer<Scalar> { values + entry.offset }

    /// A pointer to the gradients of `entry`, valid until the next `add`.
    func gradientPointer(_ entry: Entry) -> UnsafeMutablePointer<Scalar> { gradients + entry.offset }

    private func tensor(at base: UnsafeMutablePointer<Scalar>, _ e: Entry) -> Tensor<Scalar> {
        Tensor(shape: e.shape, scalars: Array(UnsafeBufferPointer(start: base + e.offset, count: e.count)))
    }

    /// Grows the buffers once to hold `count` scalars (a model's parameter count plus
    /// alignment gaps), so that registering its tensors does not double them step by step.
    func reserveCapacity(_ count: Int) { reserve(count) }

    private func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        for which in 0..<2 {
            let old = which == 0 ? values : gradients
            let grown = UnsafeMutablePointer<Scalar>.allocate(capacity: newCapacity)
            grown.initialize(from: old, count: capacity)
            (grown + capacity).initialize(repeating: 0, count: newCapacity - capacity)
            old.deallocate()
            if which == 0 { values = grown } else { gradients = grown }
        }
        capacity = newCapacity
    }
}
