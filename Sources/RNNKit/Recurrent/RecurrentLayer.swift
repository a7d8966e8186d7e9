/// One layer in one direction of a recurrent stack: the time loop of forward propagation and
/// backpropagation through time (BPTT), written once for every cell.
///
/// The cell is only a pointwise step (LSTMKernels, GRUKernels, ElmanKernels). This type owns
/// the rest: the input projection of all T steps as one GEMM before the loop, the small
/// recurrent GEMM per step, the reverse loop carrying dh (and dc), and the weight gradients as
/// one GEMM each over all steps after it. Buffers are time-ordered in both directions and
/// allocated once per (T, B) shape; nothing is allocated inside a time loop.
final class RecurrentLayer<Scalar: RNNScalar> {
    let cell: CellKind
    /// I, the input features of this layer.
    let inputSize: Int
    /// H, the hidden units.
    let hiddenSize: Int
    /// Whether this direction reads x_{T−1} … x_0.
    let reverse: Bool
    let arena: ParameterArena<Scalar>
    let weightIH: ParameterArena<Scalar>.Entry  // (G·H, I)
    let weightHH: ParameterArena<Scalar>.Entry  // (G·H, H)
    let biasIH: ParameterArena<Scalar>.Entry?   // (G·H)
    let biasHH: ParameterArena<Scalar>.Entry?   // (G·H)

    // Shape of the last forward.
    var steps = 0   // T
    var batch = 0   // B
    var lengths: UnsafePointer<Int>?

    // Forward activations, time-ordered in both directions.
    let gates = ScratchBuffer<Scalar>()     // (T, B, G·H) activated gates of step t
    let hPrev = ScratchBuffer<Scalar>()     // (T, B, H) the state entering step t
    let cPrev = ScratchBuffer<Scalar>()     // (T, B, H) LSTM cell state entering step t
    let tanhC = ScratchBuffer<Scalar>()     // (T, B, H) LSTM tanh(c_t)
    let ghn = ScratchBuffer<Scalar>()       // (T, B, H) GRU gh_n + b_hn
    let gh = ScratchBuffer<Scalar>()        // (B, G·H) GRU recurrent product of one step
    let hLast = ScratchBuffer<Scalar>()     // (B, H) final state h_n
    let cLast = ScratchBuffer<Scalar>()     // (B, H) final cell state c_n
    let packedWhhT: GEMMPackedB<Scalar>     // W_hhᵀ (H, G·H) in the GEMM kernel's layout, per forward
    let packedWhh: GEMMPackedB<Scalar>      // W_hh (G·H, H) in the GEMM kernel's layout, per backward
    /// Set by `holdWeights`: W_hh and W_ih stay packed across calls (no packing per call).
    private(set) var weightsHeld = false
    var packedWihT: GEMMPackedB<Scalar>?    // W_ihᵀ (I, G·H) while held: dense input projection
    var packedWih: GEMMPackedB<Scalar>?     // W_ih (G·H, I) while held: dL/dx
    // Deferred weight gradients (`deferWeightGradients`): the rows of every backward since.
    var deferredCapacity = 0                // rows; 0 = not deferring
    var deferredRows = 0
    let deferredDGH = ScratchBuffer<Scalar>()  // (rows, G·H) dL/d(gh)
    let deferredDG = ScratchBuffer<Scalar>()   // (rows, G·H) GRU dL/d(gi) (RNN, LSTM: the same as dL/d(gh))
    let deferredH = ScratchBuffer<Scalar>()    // (rows, H) h_{t−1}
    let deferredX = ScratchBuffer<Scalar>()    // (rows, I) x_t
    let biasRow = ScratchBuffer<Scalar>()   // (G·H) bias folded into the input projection
    let tokenProjection = ScratchBuffer<Scalar>()  // (V, G·H) token input: bias + table·W_ihᵀ; backward: dG summed by token
    // Backward.
    let dGates = ScratchBuffer<Scalar>()    // (T, B, G·H) dL/d(gi)
    let dGatesHidden = ScratchBuffer<Scalar>()  // (T, B, G·H) GRU dL/d(gh)
    let dh = ScratchBuffer<Scalar>()        // (B, H) carried dL/dh
    let dhNext = ScratchBuffer<Scalar>()    // (B, H)
    let dc = ScratchBuffer<Scalar>()        // (B, H) carried dL/dc
    // Gradient flow, filled by backward only while `recordsGradientNorms` (see +GradientFlow).
    var recordsGradientNorms = false
    var recordedShape: (steps: Int, batch: Int)?    // (T, B) of the last recorded backward
    let hGradSquares = ScratchBuffer<Double>()  // (T, B) ‖dL/dh_t‖² of each batch row, in Double
    let cGradSquares = ScratchBuffer<Double>()  // (T, B) LSTM ‖dL/dc_t‖² of each batch row, in Double

    /// Registers `weight_ih{suffix}`, `weight_hh{suffix}` and, with bias, `bias_ih{suffix}`,
    /// `bias_hh{suffix}` in PyTorch's order, each drawn from U(−1/√H, 1/√H).
    init(cell: CellKind, inputSize: Int, hiddenSize: Int, bias: Bool, reverse: Bool,
         arena: ParameterArena<Scalar>, prefix: String, suffix: String, generator: inout SeededGenerator) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.reverse = reverse
        self.arena = arena
        let gh = cell.gateCount * hiddenSize
        weightIH = arena.add(name: "\(prefix)weight_ih\(suffix)", shape: [gh, inputSize])
        weightHH = arena.add(name: "\(prefix)weight_hh\(suffix)", shape: [gh, hiddenSize])
        biasIH = bias ? arena.add(name: "\(prefix)bias_ih\(suffix)", shape: [gh]) : nil
        biasHH = bias ? arena.add(name: "\(prefix)bias_hh\(suffix)", shape: [gh]) : nil
        packedWhhT = GEMMPackedB(k: hiddenSize, n: gh)
        packedWhh = GEMMPackedB(k: gh, n: hiddenSize)
        let bound = 1 / Scalar(hiddenSize).squareRoot()
        for e in [weightIH, weightHH, biasIH, biasHH].compactMap({ $0 }) {
            arena.fillUniform(e, low: -bound, high: bound, using: &generator)
        }
    }

    /// The time steps in processing order (forward propagation).
    func order(_ T: Int) -> StrideTo<Int> {
        reverse ? stride(from: T - 1, to: -1, by: -1) : stride(from: 0, to: T, by: 1)
    }

    /// The time steps in backpropagation order: processing order reversed.
    func backwardOrder(_ T: Int) -> StrideTo<Int> {
        reverse ? stride(from: 0, to: T, by: 1) : stride(from: T - 1, to: -1, by: -1)
    }

    /// The buffer slot that receives the state after step t: the entry of the next step in
    /// processing order, or the final state after the last one.
    private func nextSlot(_ base: UnsafeMutablePointer<Scalar>, _ last: UnsafeMutablePointer<Scalar>,
                          t: Int, T: Int, B: Int) -> UnsafeMutablePointer<Scalar> {
        let H = hiddenSize
        let next = reverse ? t - 1 : t + 1
        return next < 0 || next >= T ? last : base + next * B * H
    }

    // MARK: - Forward

    /// Runs the layer over a sequence.
    /// - input: the (T, B, I) input, dense or as token ids into a table; it must stay valid
    ///   until backward. h0, c0: (B, H) initial state, nil = zeros.
    /// - lengths: (B) valid steps per sequence (1...T), nil = all T; must stay valid until backward.
    /// - output: (T, B, ·) with leading dimension ldo; receives h_t in its first H columns.
    /// The final state is left in `hLast`/`cLast`.
    func forward(input: LayerInput<Scalar>, steps T: Int, batch B: Int,
                 h0: UnsafePointer<Scalar>?, c0: UnsafePointer<Scalar>?, lengths: UnsafePointer<Int>?,
                 output: UnsafeMutablePointer<Scalar>, ldo: Int) {
        let H = hiddenSize, GH = cell.gateCount * H
        steps = T; batch = B; self.lengths = lengths
        let gates = self.gates.ensure(T * B * GH), hPrev = self.hPrev.ensure(T * B * H)
        let hLast = self.hLast.ensure(B * H)
        let whh = arena.valuePointer(weightHH)

        // gates (T·B, G·H) = bias + X·W_ihᵀ: the input projection of all steps at once.
        projectInput(input, rows: T * B, into: gates, bias: foldedBias())
        // The per-step product h·W_hhᵀ reuses W_hhᵀ packed once for all T steps; a single
        // step (a cell) is not worth the packing.
        let prepacked = T > 1 || weightsHeld
        if prepacked && !weightsHeld { packedWhhT.pack(transB: true, b: whh, ldb: H) }

        guard T > 0 else { return }
        let first = reverse ? T - 1 : 0
        if let h0 { (hPrev + first * B * H).update(from: h0, count: B * H) }
        else { (hPrev + first * B * H).update(repeating: 0, count: B * H) }
        var cPrevBase: UnsafeMutablePointer<Scalar>? = nil, cLast: UnsafeMutablePointer<Scalar>? = nil
        var tanhC: UnsafeMutablePointer<Scalar>? = nil
        if cell == .lstm {
            let cp = self.cPrev.ensure(T * B * H)
            if let c0 { (cp + first * B * H).update(from: c0, count: B * H) }
            else { (cp + first * B * H).update(repeating: 0, count: B * H) }
            cPrevBase = cp
            cLast = self.cLast.ensure(B * H)
            tanhC = self.tanhC.ensure(T * B * H)
        }
        let ghn = cell == .gru ? self.ghn.ensure(T * B * H) : nil
        let ghStep = cell == .gru ? self.gh.ensure(B * GH) : nil
        let bhn = cell == .gru ? biasHH.map { UnsafePointer(arena.valuePointer($0) + 2 * H) } : nil

        // Batch rows are independent through the whole sequence, so each thread runs the
        // entire time loop for its own rows r ..< r + n: one hand-off per sequence, no
        // barrier between steps.
        let pieces = rowPieces(steps: T, batch: B)
        forEachRowPiece(batch: B, pieces: pieces) { r, n in
            for t in order(T) {
                let hp = hPrev + t * B * H                      // (B, H)
                let hn = nextSlot(hPrev, hLast, t: t, T: T, B: B)
                let g = gates + t * B * GH                      // (B, G·H)
                let cp = cPrevBase.map { $0 + t * B * H }, cn = cPrevBase.map { nextSlot($0, cLast!, t: t, T: T, B: B) }
                // Recurrent product h_{t−1} (n, H) · W_hhᵀ (H, G·H): into the gates for RNN
                // and LSTM, into its own buffer for GRU (b_hn and r apply to it separately).
                // Only up to the last row still running (sequences sorted by length skip the
                // rest): an ended row's gates are never read, its state passes through.
                let target = (cell == .gru ? ghStep! : g) + r * GH, beta: Scalar = cell == .gru ? 0 : 1
                let lens = lengths.map { $0 + r }
                let m = runningRows(n, t: t, lengths: lens)
                if m == 0 {
                } else if prepacked {
                    gemm(transA: false, m: m, alpha: 1, a: hp + r * H, lda: H, packedB: packedWhhT, beta: beta,
                         c: target, ldc: GH, maxThreads: pieces > 1 ? 1 : nil)
                } else {
                    gemm(transA: false, transB: true, m: m, n: GH, k: H, alpha: 1, a: hp + r * H, lda: H,
                         b: whh, ldb: H, beta: beta, c: target, ldc: GH)
                }
                switch cell {
                case .lstm:
                    lstmStepForward(batch: n, hidden: H, t: t, lengths: lens, gates: g + r * GH, hPrev: hp + r * H,
                                    cPrev: cp! + r * H, hOut: hn + r * H, cOut: cn! + r * H,
                                    tanhC: tanhC! + (t * B + r) * H)
                case .gru:
                    gruStepForward(batch: n, hidden: H, t: t, lengths: lens, gates: g + r * GH, gh: target,
                                   bhn: bhn, ghn: ghn! + (t * B + r) * H, hPrev: hp + r * H, hOut: hn + r * H)
                case .rnnTanh, .rnnRelu:
                    elmanStepForward(relu: cell == .rnnRelu, batch: n, hidden: H, t: t, lengths: lens,
                                     gates: g + r * GH, hPrev: hp + r * H, hOut: hn + r * H)
                }
                writeOutputStep(hn + r * H, batch: n, hidden: H, t: t, lengths: lens,
                                to: output + (t * B + r) * ldo, ldo: ldo)
            }
        }
    }

    /// The bias row added to every input-projection row, (G·H) or nil without bias:
    /// b_ih + b_hh for RNN and LSTM (forward outputs see only the sum); for GRU,
    /// b_ih + [b_hr | b_hz | 0], since b_hn sits inside r ⊙ (…).
    private func foldedBias() -> UnsafePointer<Scalar>? {
        guard let biasIH, let biasHH else { return nil }
        let GH = cell.gateCount * hiddenSize
        let row = biasRow.ensure(GH)
        row.update(from: arena.valuePointer(biasIH), count: GH)
        let summed = cell == .gru ? 2 * hiddenSize : GH
        let bhh = arena.valuePointer(biasHH)
        addRows(row, rows: 1, cols: summed, ldc: summed, bias: bhh)
        return UnsafePointer(row)
    }

    // MARK: - Backward

    /// Backpropagation through time over the sequence of the last forward.
    /// - dOutput: (T, B, ·) dL/d(output) with leading dimension ldo, nil = zero.
    /// - dhN, dcN: (B, H) dL/dh_n, dL/dc_n, nil = zero.
    /// - input: the same input the forward read.
    /// - dInput: receives dL/dx (T, B, I), added when `accumulate`; for a token input,
    ///   dL/d(table) (V, I), always added. nil = not needed.
    /// - dh0, dc0: (B, H) receive dL/dh0, dL/dc0, nil = not needed.
    /// Adds dL/dW_ih, dL/dW_hh, dL/db_ih, dL/db_hh into the arena's gradients.
    func backward(dOutput: UnsafePointer<Scalar>?, ldo: Int, dhN: UnsafePointer<Scalar>?, dcN: UnsafePointer<Scalar>?,
                  input: LayerInput<Scalar>, dInput: UnsafeMutablePointer<Scalar>?, accumulate: Bool,
                  dh0: UnsafeMutablePointer<Scalar>?, dc0: UnsafeMutablePointer<Scalar>?) {
        let T = steps, B = batch, H = hiddenSize, GH = cell.gateCount * H
        let dG = dGates.ensure(T * B * GH)
        let dGH = cell == .gru ? dGatesHidden.ensure(T * B * GH) : dG   // dL/d(gh), time-ordered
        var dh = self.dh.ensure(B * H), dhNext = self.dhNext.ensure(B * H)
        let dc = cell == .lstm ? self.dc.ensure(B * H) : nil
        if let dhN { dh.update(from: dhN, count: B * H) } else { dh.update(repeating: 0, count: B * H) }
        if let dc { if let dcN { dc.update(from: dcN, count: B * H) } else { dc.update(repeating: 0, count: B * H) } }
        let whh = arena.valuePointer(weightHH)
        let prepacked = T > 1 || weightsHeld
        if prepacked && !weightsHeld { packedWhh.pack(transB: false, b: whh, ldb: H) }
        let hSquares = recordsGradientNorms ? hGradSquares.ensure(T * B) : nil        // (T, B)
        let cSquares = recordsGradientNorms && cell == .lstm ? cGradSquares.ensure(T * B) : nil
        recordedShape = recordsGradientNorms ? (T, B) : nil

        // Each thread runs the whole reverse loop for its own batch rows (see forward).
        let pieces = rowPieces(steps: T, batch: B)
        forEachRowPiece(batch: B, pieces: pieces) { r, n in
            var carried = dh + r * H, next = dhNext + r * H      // (n, H) dh and dhNext of these rows
            let lens = lengths.map { $0 + r }
            for t in backwardOrder(T) {
                let g = gates.pointer + (t * B + r) * GH, dg = dG + (t * B + r) * GH    // (n, G·H)
                if let dOutput {
                    addOutputGradientStep(dOutput + (t * B + r) * ldo, ldo: ldo, batch: n, hidden: H, t: t,
                                          lengths: lens, into: carried)
                }
                // `carried` is now the whole dL/dh_t: from the output (and the layer above),
                // and from step t+1 in this direction.
                if let hSquares {
                    recordGradientSquares(t: t, firstRow: r, rows: n, lengths: lens, dh: carried,
                                          dc: dc.map { $0 + r * H }, hSquares: hSquares, cSquares: cSquares)
                }
                switch cell {
                case .lstm:
                    lstmStepBackward(batch: n, hidden: H, t: t, lengths: lens, dh: carried, dc: dc! + r * H,
                                     gates: g, cPrev: cPrev.pointer + (t * B + r) * H,
                                     tanhC: tanhC.pointer + (t * B + r) * H, dGates: dg, dhDirect: next)
                case .gru:
                    gruStepBackward(batch: n, hidden: H, t: t, lengths: lens, dh: carried, gates: g,
                                    ghn: ghn.pointer + (t * B + r) * H, hPrev: hPrev.pointer + (t * B + r) * H,
                                    dGatesInput: dg, dGatesHidden: dGH + (t * B + r) * GH, dhDirect: next)
                case .rnnTanh, .rnnRelu:
                    elmanStepBackward(relu: cell == .rnnRelu, batch: n, hidden: H, t: t, lengths: lens,
                                      dh: carried, gates: g, dGates: dg, dhDirect: next)
                }
                // dL/dh_{t−1} = direct part + dL/d(gh) (n, G·H) · W_hh (G·H, H); an ended row's
                // dL/d(gh) is zero, so only the rows up to the last one running.
                let dgh = dGH + (t * B + r) * GH
                let m = runningRows(n, t: t, lengths: lens)
                if m == 0 {
                } else if prepacked {
                    gemm(transA: false, m: m, alpha: 1, a: dgh, lda: GH, packedB: packedWhh, beta: 1,
                         c: next, ldc: H, maxThreads: pieces > 1 ? 1 : nil)
                } else {
                    gemm(transA: false, transB: false, m: m, n: H, k: GH, alpha: 1, a: dgh, lda: GH,
                         b: whh, ldb: H, beta: 1, c: next, ldc: H)
                }
                swap(&carried, &next)
            }
        }
        if T % 2 == 1 { swap(&dh, &dhNext) }    // every thread swapped T times: dL/dh_0 is in dh
        dh0?.update(from: dh, count: B * H)
        if let dc0, let dc { dc0.update(from: dc, count: B * H) }

        // Weight gradients: one GEMM each over all T·B rows — or, while deferring, the rows
        // are kept for one GEMM over every call's rows at `flushWeightGradients`.
        // dW_hh (G·H, H) += dGHᵀ (G·H, T·B) · H_prev (T·B, H); dW_ih and dX from dG (T·B, G·H).
        let deferred = deferRows(dGates: dG, dGatesHidden: dGH, input: input, rows: T * B)
        if !deferred {
            gemm(transA: true, transB: false, m: GH, n: H, k: T * B, alpha: 1, a: dGH, lda: GH,
                 b: hPrev.pointer, ldb: H, beta: 1, c: arena.gradientPointer(weightHH), ldc: H)
        }
        if let biasIH, let biasHH {
            accumulateColumnSums(dG, rows: T * B, cols: GH, lda: GH, into: arena.gradientPointer(biasIH))
            accumulateColumnSums(dGH, rows: T * B, cols: GH, lda: GH, into: arena.gradientPointer(biasHH))
        }
        backpropagateInput(input, dGates: dG, rows: T * B, dInput: dInput, accumulate: accumulate, weightGradient: !deferred)
    }

    /// The rows 0 ..< m of a piece of n rows that step t must compute: through the last one
    /// whose sequence is still running (length > t); n without lengths.
    func runningRows(_ n: Int, t: Int, lengths: UnsafePointer<Int>?) -> Int {
        guard let lengths else { return n }
        var m = n
        while m > 0 && lengths[m - 1] <= t { m -= 1 }
        return m
    }

    // MARK: - Held weights

    /// Packs W_hh (both ways) and W_ih (both ways) once for the calls that follow — a decoder
    /// runs the layer once per target step, each call one step of a few rows, where packing
    /// the weights would cost as much as the products — until `releaseWeights`. Call it again
    /// whenever the weights change: held products read the packed copies, not the arena.
    func holdWeights() {
        let H = hiddenSize, I = inputSize, GH = cell.gateCount * H
        let whh = UnsafePointer(arena.valuePointer(weightHH)), wih = UnsafePointer(arena.valuePointer(weightIH))
        packedWhhT.pack(transB: true, b: whh, ldb: H)
        packedWhh.pack(transB: false, b: whh, ldb: H)
        let wihT = packedWihT ?? GEMMPackedB(k: I, n: GH), wihPlain = packedWih ?? GEMMPackedB(k: GH, n: I)
        wihT.pack(transB: true, b: wih, ldb: I)
        wihPlain.pack(transB: false, b: wih, ldb: I)
        packedWihT = wihT
        packedWih = wihPlain
        weightsHeld = true
    }

    /// Goes back to packing the weights in every call.
    func releaseWeights() { weightsHeld = false }

    // MARK: - Deferred weight gradients

    /// Keeps the rows of the backward passes that follow, up to `maxRows` in all, and adds
    /// their dW_ih and dW_hh at `flushWeightGradients` as one GEMM each: a decoder's per-step
    /// calls have a few rows each, too few for an efficient product of their own. (Bias
    /// gradients and dL/dx are never deferred.) Dense input only; token input is not deferred.
    func deferWeightGradients(maxRows: Int) {
        let H = hiddenSize, GH = cell.gateCount * H
        _ = deferredDGH.ensure(maxRows * GH)
        if cell == .gru { _ = deferredDG.ensure(maxRows * GH) }
        _ = deferredH.ensure(maxRows * H)
        _ = deferredX.ensure(maxRows * inputSize)
        deferredCapacity = maxRows
        deferredRows = 0
    }

    /// Copies one backward's rows if deferring (and they fit); returns whether it did.
    private func deferRows(dGates dG: UnsafePointer<Scalar>, dGatesHidden dGH: UnsafePointer<Scalar>,
                           input: LayerInput<Scalar>, rows N: Int) -> Bool {
        guard deferredCapacity > 0, deferredRows + N <= deferredCapacity, case .dense(let x) = input else { return false }
        let H = hiddenSize, I = inputSize, GH = cell.gateCount * H, at = deferredRows
        (deferredDGH.pointer + at * GH).update(from: dGH, count: N * GH)
        if cell == .gru { (deferredDG.pointer + at * GH).update(from: dG, count: N * GH) }
        (deferredH.pointer + at * H).update(from: hPrev.pointer, count: N * H)
        (deferredX.pointer + at * I).update(from: x, count: N * I)
        deferredRows += N
        return true
    }

    /// Adds the deferred rows' dW_hh += dGHᵀ·H_prev and dW_ih += dGᵀ·X, and stops deferring.
    func flushWeightGradients() {
        defer { deferredRows = 0; deferredCapacity = 0 }
        let n = deferredRows, H = hiddenSize, I = inputSize, GH = cell.gateCount * H
        guard n > 0 else { return }
        gemm(transA: true, transB: false, m: GH, n: H, k: n, alpha: 1, a: deferredDGH.pointer, lda: GH,
             b: deferredH.pointer, ldb: H, beta: 1, c: arena.gradientPointer(weightHH), ldc: H)
        gemm(transA: true, transB: false, m: GH, n: I, k: n, alpha: 1, a: cell == .gru ? deferredDG.pointer : deferredDGH.pointer,
             lda: GH, b: deferredX.pointer, ldb: I, beta: 1, c: arena.gradientPointer(weightIH), ldc: I)
    }

    // MARK: - Threads

    /// How many row pieces the time loops are split into: one per thread (of at least 4 rows)
    /// when the recurrent products of the whole sequence are large enough (≥ 8 MFLOP, about
    /// 70 µs on one core) to outweigh the one hand-off, else 1.
    func rowPieces(steps T: Int, batch B: Int) -> Int {
        let flops = 2 * T * B * cell.gateCount * hiddenSize * hiddenSize
        guard flops >= 8_000_000, B >= 8 else { return 1 }
        return min(Compute.threadCount, B / 4)
    }
}

/// Runs `body(firstRow, rowCount)` over `pieces` near-equal slices of `batch` rows, on the
/// thread pool when there is more than one.
func forEachRowPiece(batch: Int, pieces: Int, _ body: (Int, Int) -> Void) {
    guard pieces > 1 else { return body(0, batch) }
    parallelFor(count: pieces) { p in
        let r0 = batch * p / pieces, r1 = batch * (p + 1) / pieces
        body(r0, r1 - r0)
    }
}
