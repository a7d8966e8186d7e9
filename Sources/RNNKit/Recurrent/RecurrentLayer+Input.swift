// The input projection of a recurrent layer, forward and backward side by side, for its two
// kinds of input: dense rows, or token ids into a table (an embedding lookup folded into the
// projection, which a language model uses when its vocabulary is smaller than T·B).

/// What a recurrent layer reads: the rows x_n (n < N = T·B) of its input.
enum LayerInput<Scalar: RNNScalar> {
    /// x (N, I), row-major.
    case dense(UnsafePointer<Scalar>)
    /// x_n = table[ids[n]]: ids (N) into table (V, I). Every id must be in 0..<V.
    case tokens(ids: UnsafePointer<Int>, table: UnsafePointer<Scalar>, vocabulary: Int)
}

extension RecurrentLayer {
    // MARK: - Forward

    /// gates (N, G·H) = bias + x·W_ihᵀ for all N = T·B rows at once, before the time loop.
    ///
    /// Dense input: one GEMM (N, I)·(I, G·H). Token input: the projection of each table row
    /// once, P (V, G·H) = bias + table·W_ihᵀ, then row n of the gates is P[ids[n]]; the same
    /// numbers for V·I·G·H multiply-adds instead of N·I·G·H.
    func projectInput(_ input: LayerInput<Scalar>, rows N: Int, into gates: UnsafeMutablePointer<Scalar>,
                      bias: UnsafePointer<Scalar>?) {
        let I = inputSize, GH = cell.gateCount * hiddenSize
        let wih = arena.valuePointer(weightIH)
        switch input {
        case .dense(let x):
            fillRows(gates, rows: N, cols: GH, ldc: GH, bias: bias)
            if weightsHeld, let packed = packedWihT {
                gemm(transA: false, m: N, alpha: 1, a: x, lda: I, packedB: packed, beta: 1, c: gates, ldc: GH)
            } else {
                gemm(transA: false, transB: true, m: N, n: GH, k: I, alpha: 1, a: x, lda: I,
                     b: wih, ldb: I, beta: 1, c: gates, ldc: GH)
            }
        case .tokens(let ids, let table, let V):
            let projected = tokenProjection.ensure(V * GH)                  // (V, G·H)
            fillRows(projected, rows: V, cols: GH, ldc: GH, bias: bias)
            gemm(transA: false, transB: true, m: V, n: GH, k: I, alpha: 1, a: table, lda: I,
                 b: wih, ldb: I, beta: 1, c: projected, ldc: GH)
            gatherRows(of: projected, rowCount: V, cols: GH, ids: ids, count: N, into: gates)
        }
    }

    // MARK: - Backward

    /// Adds dL/dW_ih and, when `dInput` is given, the gradient of the input, from
    /// dG (N, G·H) = dL/d(gates) of all N = T·B rows, after the reverse time loop.
    ///
    /// Dense input: dW_ih (G·H, I) += dGᵀ·X, and dInput = dX (N, I) = dG·W_ih (added when
    /// `accumulate`). Token input: S (V, G·H) sums the rows of dG by token, then
    /// dW_ih += Sᵀ·table and dInput = d(table) (V, I) += S·W_ih (always added).
    func backpropagateInput(_ input: LayerInput<Scalar>, dGates dG: UnsafePointer<Scalar>, rows N: Int,
                            dInput: UnsafeMutablePointer<Scalar>?, accumulate: Bool) {
        let I = inputSize, GH = cell.gateCount * hiddenSize
        let wih = arena.valuePointer(weightIH), dWih = arena.gradientPointer(weightIH)
        switch input {
        case .dense(let x):
            gemm(transA: true, transB: false, m: GH, n: I, k: N, alpha: 1, a: dG, lda: GH,
                 b: x, ldb: I, beta: 1, c: dWih, ldc: I)
            if let dInput, weightsHeld, let packed = packedWih {
                gemm(transA: false, m: N, alpha: 1, a: dG, lda: GH, packedB: packed, beta: accumulate ? 1 : 0,
                     c: dInput, ldc: I)
            } else if let dInput {
                gemm(transA: false, transB: false, m: N, n: I, k: GH, alpha: 1, a: dG, lda: GH,
                     b: wih, ldb: I, beta: accumulate ? 1 : 0, c: dInput, ldc: I)
            }
        case .tokens(let ids, let table, let V):
            let summed = tokenProjection.ensure(V * GH)                     // S (V, G·H)
            summed.update(repeating: 0, count: V * GH)
            scatterAddRows(dG, ids: ids, count: N, cols: GH, skipping: -1, into: summed, rowCount: V)
            gemm(transA: true, transB: false, m: GH, n: I, k: V, alpha: 1, a: summed, lda: GH,
                 b: table, ldb: I, beta: 1, c: dWih, ldc: I)
            if let dInput {
                gemm(transA: false, transB: false, m: V, n: I, k: GH, alpha: 1, a: summed, lda: GH,
                     b: wih, ldb: I, beta: 1, c: dInput, ldc: I)
            }
        }
    }
}
