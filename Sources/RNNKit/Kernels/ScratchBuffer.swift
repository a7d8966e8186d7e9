/// An owned, growable working buffer for activations and gradients.
///
/// Layers allocate their buffers once per (T, B) shape and reuse them across calls, so no
/// allocation happens inside a time loop. `ensure(_:)` only reallocates when a larger size is
/// asked for; contents are not preserved across a reallocation.
final class ScratchBuffer<Scalar: Numeric> {
    /// The first element; valid until the next `ensure` that grows the buffer.
    private(set) var pointer: UnsafeMutablePointer<Scalar>
    private(set) var capacity: Int

    init(count: Int = 0) {
        capacity = max(count, 1)
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for `count` elements and returns the (possibly new) base pointer.
    @discardableResult
    func ensure(_ count: Int) -> UnsafeMutablePointer<Scalar> {
        if count > capacity {
            pointer.deallocate()
            capacity = count
            pointer = .allocate(capacity: capacity)
            pointer.initialize(repeating: 0, count: capacity)
        }
        return pointer
    }

    /// Sets the first `count` elements to zero.
    func zero(_ count: Int) {
        pointer.update(repeating: 0, count: count)
    }
}
