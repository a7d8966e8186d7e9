// The states inside the last forward of a stack, for truncated BPTT with k1 < k2: the next
// window starts k1 steps into this one, from the state that entered that step.

extension RecurrentStack {
    /// The state entering step `t` of the last forward, each (L, B, H): h0 (and c0) for t = 0,
    /// the state after step t−1 for 0 < t < T, the final state for t = T.
    ///
    /// Each layer keeps the state entering every step in its `hPrev` (and `cPrev`) buffer, so
    /// nothing is recomputed. Only for unidirectional stacks run without `lengths`.
    func state(enteringStep t: Int) -> RecurrentState<Scalar> {
        precondition(!bidirectional && !hasLengths, "\(cell.rawValue): state(enteringStep:) needs a unidirectional stack without lengths")
        precondition(t >= 0 && t <= steps, "\(cell.rawValue): step \(t) is outside 0...\(steps)")
        if t == steps { return finalState() }
        let B = batch, H = hiddenSize, shape = [numLayers, B, H]
        var h = [Scalar](), c = [Scalar]()
        h.reserveCapacity(numLayers * B * H)
        for k in 0..<numLayers {
            let layer = layers[k][0]
            h += UnsafeBufferPointer(start: layer.hPrev.pointer + t * B * H, count: B * H)     // (B, H)
            if cell.hasCellState {
                c += UnsafeBufferPointer(start: layer.cPrev.pointer + t * B * H, count: B * H) // (B, H)
            }
        }
        return RecurrentState(h: Tensor(shape: shape, scalars: h),
                              c: cell.hasCellState ? Tensor(shape: shape, scalars: c) : nil)
    }
}

extension RecurrentStack {
    /// Packs every layer's weights once for the calls that follow (see
    /// `RecurrentLayer.holdWeights`): for a stack run one step at a time, as a decoder runs it.
    /// Call it again after the weights change; `releaseWeights` goes back to packing per call.
    func holdWeights() { for layer in layers.joined() { layer.holdWeights() } }

    /// Packs the weights in every call again.
    func releaseWeights() { for layer in layers.joined() { layer.releaseWeights() } }
}
