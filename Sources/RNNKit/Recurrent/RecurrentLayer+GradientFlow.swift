// Per-step gradient norms of one layer and direction, recorded during backpropagation through
// time when asked for (`recordsGradientNorms`). Off, backward pays one nil check per step and
// allocates nothing; on, it writes one sum of squares per batch row and step into (T, B)
// buffers allocated before the time loop, and the norms are summed over the batch afterwards.
// Squares are summed in Double: in Float, a gradient of 1e-23 (common after 100 steps of a
// vanishing product) would square to below the smallest subnormal and read as 0.

extension RecurrentLayer {
    // MARK: - Recording (inside the reverse time loop)

    /// Writes ‖dL/dh_t‖² of each batch row r ..< r + n into `hSquares` (T, B) and, for LSTM,
    /// ‖dL/dc_t‖² into `cSquares`, where dL/dc_t is the whole gradient arriving at c_t: the
    /// carry from step t+1 (`dc`, f_{t+1} ⊙ dL/dc_{t+1}) plus the part through h_t,
    /// dL/dh_t ⊙ o_t ⊙ (1 − tanh²c_t). Rows past their sequence's end (t ≥ lengths[b]) have
    /// no state at t and record 0.
    /// - dh: (n, H) dL/dh_t of these rows. dc: (n, H) the carried dL/dc before this step's backward.
    /// - lengths: the lengths of these rows (already offset to row r), nil = all T.
    func recordGradientSquares(t: Int, firstRow r: Int, rows n: Int, lengths: UnsafePointer<Int>?,
                               dh: UnsafePointer<Scalar>, dc: UnsafePointer<Scalar>?,
                               hSquares: UnsafeMutablePointer<Double>, cSquares: UnsafeMutablePointer<Double>?) {
        let H = hiddenSize, GH = cell.gateCount * H, B = batch
        for b in 0..<n {
            let slot = t * B + r + b
            if let lengths, t >= lengths[b] {
                hSquares[slot] = 0
                cSquares?[slot] = 0
                continue
            }
            let dhb = dh + b * H
            var sum = 0.0
            for j in 0..<H { let d = Double(dhb[j]); sum += d * d }
            hSquares[slot] = sum
            guard let cSquares, let dc else { continue }
            let o = gates.pointer + slot * GH + 3 * H           // (H) the output gate of row b
            let th = tanhC.pointer + slot * H                   // (H) tanh(c_t) of row b
            let dcb = dc + b * H
            var sumC = 0.0
            for j in 0..<H {
                let total = Double(dcb[j] + dhb[j] * o[j] * (1 - th[j] * th[j]))
                sumC += total * total
            }
            cSquares[slot] = sumC
        }
    }

    // MARK: - Reading (after backward)

    /// ‖dL/dh_t‖ over the whole (B, H) block for t = 0 ..< T, from the last recorded backward,
    /// or nil if the last backward did not record.
    var hiddenGradientNorms: [Double]? { recordedShape.map { norms(hGradSquares, $0.steps, $0.batch) } }

    /// ‖dL/dc_t‖ for t = 0 ..< T (LSTM), from the last recorded backward, or nil.
    var cellGradientNorms: [Double]? {
        guard cell == .lstm else { return nil }
        return recordedShape.map { norms(cGradSquares, $0.steps, $0.batch) }
    }

    /// √(Σ_b squares[t, b]) for each t, summed in Double.
    private func norms(_ squares: ScratchBuffer<Double>, _ T: Int, _ B: Int) -> [Double] {
        (0..<T).map { t in
            var sum = 0.0
            for b in 0..<B { sum += squares.pointer[t * B + b] }
            return sum.squareRoot()
        }
    }
}
