// Embedding: PyTorch's nn.Embedding, a lookup table of V rows of E features.
//
// N = token ids (any shape, flattened), V = numEmbeddings, E = embeddingDim.
//   forward   y[n, :]     = W[ids[n], :]                       gather,      y (N, E)
//   backward  dW[ids[n], :] += dy[n, :]   for ids[n] ≠ padding  scatter-add, dW (V, E)

/// A lookup table, PyTorch's `nn.Embedding`: token id v ↦ row v of the weight, **y = W[ids]**.
///
/// Ids may come in any shape `S`; the output has shape `S + [E]`. The weight lives in `arena`
/// as `"\(prefix)weight"` (V, E), initialised like PyTorch to N(0, 1). With a `paddingIndex`,
/// that row starts at zero and never receives gradient (PyTorch's `padding_idx`).
///
/// ```swift
/// let embedding = Embedding<Float>(numEmbeddings: 100, embeddingDim: 16)
/// let x = embedding.forward(tokens, shape: [T, B])   // (T, B, 16)
/// embedding.backward(dx)                             // dW rows added into embedding.arena
/// ```
public final class Embedding<Scalar: RNNScalar>: Module {
    /// The arena holding `weight` and its gradient.
    public let arena: ParameterArena<Scalar>
    /// V, the number of rows (the vocabulary size); valid ids are `0..<V`.
    public let numEmbeddings: Int
    /// E, the width of each row.
    public let embeddingDim: Int
    /// The row that is zero at initialisation and receives no gradient, in `0..<V`, if any.
    public let paddingIndex: Int?
    /// `weight` (V, E) in the arena.
    let weight: ParameterArena<Scalar>.Entry
    /// The ids and their shape of each Tensor-level `forward` not yet backpropagated, last in
    /// first out.
    private var savedIds = CallTape<(ids: [Int], shape: [Int])>()
    /// Whether calls are saved for backward (training) or each replaces the last (evaluation).
    public var isTraining = true

    /// Creates a table whose weight is registered in a shared arena.
    ///
    /// Draws the weight from N(0, 1) in row-major order, then zeroes the padding row.
    /// - Parameters:
    ///   - numEmbeddings: V, the number of rows (positive).
    ///   - embeddingDim: E, the width of a row (positive).
    ///   - paddingIndex: a row kept at zero by initialisation and excluded from gradients; as in
    ///     PyTorch it may be negative, counting from the end (−1 is row V − 1).
    ///   - arena: the arena to register `weight` (V, E) in.
    ///   - prefix: prepended to the parameter name, e.g. `"embedding."` → `embedding.weight`.
    ///   - generator: the random source for initialisation.
    public init(numEmbeddings: Int, embeddingDim: Int, paddingIndex: Int? = nil,
                arena: ParameterArena<Scalar>, prefix: String = "", generator: inout SeededGenerator) {
        precondition(numEmbeddings > 0 && embeddingDim > 0,
                     "Embedding: sizes must be positive, got numEmbeddings \(numEmbeddings), embeddingDim \(embeddingDim)")
        if let p = paddingIndex {
            precondition(p >= -numEmbeddings && p < numEmbeddings,
                         "Embedding: paddingIndex \(p) must be in \(-numEmbeddings)..<\(numEmbeddings)")
        }
        self.arena = arena
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        self.paddingIndex = paddingIndex.map { $0 < 0 ? $0 + numEmbeddings : $0 }
        weight = arena.add(name: "\(prefix)weight", shape: [numEmbeddings, embeddingDim])
        fillStandardNormal(arena.valuePointer(weight), count: weight.count, using: &generator)
        if let p = self.paddingIndex {
            (arena.valuePointer(weight) + p * embeddingDim).update(repeating: 0, count: embeddingDim)
        }
    }

    /// Creates a table with its own arena, initialised from `seed`.
    /// - Parameters:
    ///   - numEmbeddings: V, the number of rows (positive).
    ///   - embeddingDim: E, the width of a row (positive).
    ///   - paddingIndex: a row kept at zero and excluded from gradients (negative counts from the end).
    ///   - seed: the seed of the initialisation's random generator.
    public convenience init(numEmbeddings: Int, embeddingDim: Int, paddingIndex: Int? = nil, seed: UInt64 = 0) {
        var generator = SeededGenerator(seed: seed)
        self.init(numEmbeddings: numEmbeddings, embeddingDim: embeddingDim, paddingIndex: paddingIndex,
                  arena: ParameterArena(), generator: &generator)
    }

    // MARK: - Forward

    /// Looks up one row per id and keeps the ids for `backward`.
    /// - Parameters:
    ///   - ids: token ids, each in `0..<V` (an id out of range is a precondition failure).
    ///   - shape: the shape `S` of `ids` (its product must be `ids.count`); nil means `[ids.count]`.
    /// - Returns: y (S…, E), y[s, :] = W[ids[s], :].
    public func forward(_ ids: [Int], shape: [Int]? = nil) -> Tensor<Scalar> {
        let shape = shape ?? [ids.count]
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == ids.count,
                     "Embedding: \(ids.count) ids cannot have shape \(shape)")
        var output = [Scalar](repeating: 0, count: ids.count * embeddingDim)   // (N, E)
        if !ids.isEmpty {
            ids.withUnsafeBufferPointer { i in
                output.withUnsafeMutableBufferPointer { y in
                    forward(ids: i.baseAddress!, rows: ids.count, into: y.baseAddress!)
                }
            }
        }
        if !isTraining { savedIds.clear() }
        savedIds.push((ids, shape))
        return Tensor(shape: shape + [embeddingDim], scalars: output)
    }

    /// y (N, E): y[n, :] = W[ids[n], :] for the N = `rows` ids.
    func forward(ids: UnsafePointer<Int>, rows: Int, into y: UnsafeMutablePointer<Scalar>) {
        gatherRows(of: arena.valuePointer(weight), rowCount: numEmbeddings, cols: embeddingDim,
                   ids: ids, count: rows, into: y)
    }

    // MARK: - Backward

    /// Back-propagates through the most recent `forward` not yet backpropagated: adds row n of `gradOutput` into row ids[n]
    /// of the weight gradient (skipping the padding row). Ids carry no gradient, so nothing is
    /// returned.
    /// - Parameter gradOutput: dL/dy (S…, E), the shape the last `forward` returned.
    public func backward(_ gradOutput: Tensor<Scalar>) {
        let (ids, shape) = savedIds.pop("Embedding")
        precondition(gradOutput.shape == shape + [embeddingDim],
                     "Embedding: gradOutput shape \(gradOutput.shape) does not match the output shape \(shape + [embeddingDim])")
        guard !ids.isEmpty else { return }
        ids.withUnsafeBufferPointer { i in
            gradOutput.scalars.withUnsafeBufferPointer { dy in                   // (N, E)
                backward(ids: i.baseAddress!, dy: dy.baseAddress!, rows: ids.count)
            }
        }
    }

    /// dW (V, E): dW[ids[n], :] += dy[n, :] for n < N = `rows`, except ids equal to `paddingIndex`.
    func backward(ids: UnsafePointer<Int>, dy: UnsafePointer<Scalar>, rows: Int) {
        scatterAddRows(dy, ids: ids, count: rows, cols: embeddingDim, skipping: paddingIndex ?? -1,
                       into: arena.gradientPointer(weight), rowCount: numEmbeddings)
    }
}

extension Embedding {
    /// Drops the saved ids of calls not yet backpropagated.
    public func clearOwnSavedActivations() { savedIds.clear() }
}

// MARK: - Kernels

/// y (count, cols): row n is row ids[n] of `table` (rowCount, cols). Every id must be in
/// `0..<rowCount`.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gatherRows<Scalar: RNNScalar>(
    of table: UnsafePointer<Scalar>, rowCount: Int, cols: Int,
    ids: UnsafePointer<Int>, count: Int, into y: UnsafeMutablePointer<Scalar>
) {
    for n in 0..<count {
        let id = ids[n]
        precondition(id >= 0 && id < rowCount,
                     "Embedding: token id \(id) at position \(n) is out of range 0..<\(rowCount)")
        (y + n * cols).update(from: table + id * cols, count: cols)
    }
}

/// dTable (rowCount, cols): row ids[n] += row n of `dy` (count, cols), for every n whose id is
/// not `skipped`. Every id must be in `0..<rowCount`.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func scatterAddRows<Scalar: RNNScalar>(
    _ dy: UnsafePointer<Scalar>, ids: UnsafePointer<Int>, count: Int, cols: Int, skipping skipped: Int,
    into dTable: UnsafeMutablePointer<Scalar>, rowCount: Int
) {
    for n in 0..<count {
        let id = ids[n]
        precondition(id >= 0 && id < rowCount,
                     "Embedding: token id \(id) at position \(n) is out of range 0..<\(rowCount)")
        if id == skipped { continue }
        let src = dy + n * cols, dst = dTable + id * cols
        for j in 0..<cols { dst[j] += src[j] }
    }
}

/// Fills `count` elements with N(0, 1) samples, in order.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func fillStandardNormal<Scalar: RNNScalar>(
    _ p: UnsafeMutablePointer<Scalar>, count: Int, using generator: inout SeededGenerator
) {
    for i in 0..<count { p[i] = generator.normal() }
}
