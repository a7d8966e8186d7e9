// What a model and its batches need in memory, computed before anything is allocated and
// without trapping on sizes read from a command line or a file (every count is checked; nil
// means "more than Int.max"). The figures are upper estimates of what the buffers of
// RecurrentLayer, RecurrentStack and the model heads grow to; `MemoryBudget` compares them
// with what the machine has.
//
// Notation: N = T·B rows, G gates, H hidden, I first-layer input, L layers, D directions,
// V vocabulary, C outputs, F = D·H.

/// Memory estimates of models, shared by the language model and the sequence models.
enum ModelMemory {
    /// The most stacked layers a model may have.
    static let maxLayers = 64
    /// The most parameters a model may have (4 GiB of `Float`s).
    static let maxParameters = 1 << 30
    /// The most steps or sequences a batch may have (each, and their product bounded by memory).
    static let maxBatchDimension = 1 << 20

    /// Throws unless a model of `count` parameters (nil: uncountable) is within
    /// `maxParameters` and its values and gradients fit in memory.
    static func checkParameters(_ count: Int?) throws {
        guard let count, count <= maxParameters else {
            throw RNNKitError("the model would have \(count.map(String.init) ?? "more than 2^63") parameters; at most \(maxParameters) (4 GiB) are allowed")
        }
        try MemoryBudget.check(bytes(floats: CheckedCount.product(count, 2)), for: "the model (\(count) parameters)")
    }

    /// The arena capacity of a validated model: its parameters plus the alignment gaps of its
    /// tensors (at most 15 scalars before each of 4·L·D recurrent tensors and a few others).
    static func arenaCapacity(parameters: Int, layers: Int, directions: Int) -> Int {
        parameters + 16 * (4 * layers * directions + 8)
    }

    /// Bytes of `floats` single-precision values (nil stays nil).
    static func bytes(floats: Int?) -> Int? {
        floats.flatMap { CheckedCount.product($0, MemoryLayout<Float>.size) }
    }

    /// The parameters of a recurrent stack: per layer and direction W_ih (G·H, I_k), W_hh
    /// (G·H, H) and two biases (G·H), with I_0 = `input` and I_k = D·H above.
    static func stackParameters(cell: CellKind, input: Int, hidden H: Int, layers L: Int, directions D: Int) -> Int? {
        let G = cell.gateCount
        var total: Int? = 0
        for k in 0..<min(L, maxLayers + 1) {
            let I = k == 0 ? input : CheckedCount.product(D, H) ?? Int.max
            total = CheckedCount.sum(total, CheckedCount.product(D, G, H, I), CheckedCount.product(D, G, H, H),
                                     CheckedCount.product(D, 2, G, H))
        }
        return L > maxLayers ? nil : total
    }

    /// Floats a stack's forward and backward over N = `steps`·`batch` rows keep: per layer and
    /// direction the gates and their gradients (N, G·H) ×3 and four (N, H) state buffers, per
    /// layer the outputs (N, D·H), the input copy and the gradients between layers, and the
    /// token projection (V, G·H) when the embedding is folded in.
    static func stackFloats(cell: CellKind, input I: Int, hidden H: Int, layers L: Int, directions D: Int,
                            steps T: Int, batch B: Int, vocabulary V: Int) -> Int? {
        guard let N = CheckedCount.product(T, B), let F = CheckedCount.product(D, H),
              let GH = CheckedCount.product(cell.gateCount, H) else { return nil }
        let perDirection = CheckedCount.sum(CheckedCount.product(N, 3, GH), CheckedCount.product(N, 4, H),
                                            CheckedCount.product(B, 6, H))
        let perLayer = CheckedCount.sum(perDirection.flatMap { CheckedCount.product($0, D) }, CheckedCount.product(N, F))
        return CheckedCount.sum(perLayer.flatMap { CheckedCount.product($0, L) }, CheckedCount.product(N, I),
                                CheckedCount.product(N, max(I, F)), CheckedCount.product(N, F),
                                CheckedCount.product(D, V, GH), CheckedCount.product(4, L, D, B, H))
    }
}

extension LanguageModel.Configuration {
    /// The number of parameters: embedding (V, E), the stack, decoder weight (V, H) unless
    /// tied, decoder bias (V); nil if it overflows or there are more than 64 layers.
    public var parameterCount: Int? {
        let stack = ModelMemory.stackParameters(cell: cell, input: embeddingSize, hidden: hiddenSize,
                                                layers: numLayers, directions: 1)
        return CheckedCount.sum(CheckedCount.product(vocabularySize, embeddingSize), stack,
                                tiedWeights ? 0 : CheckedCount.product(vocabularySize, hiddenSize), vocabularySize)
    }

    /// An upper estimate of the bytes the model's working buffers take for a forward and
    /// backward over `steps` steps of `batch` columns: the stack's, plus the embedding output
    /// and its gradient (N, E) ×2, the stack output and its gradient (N, H) ×2 and the logits
    /// (N, V); nil if it overflows.
    public func workingBytes(steps: Int, batch: Int) -> Int? {
        let N = CheckedCount.product(steps, batch) ?? Int.max
        let stack = ModelMemory.stackFloats(cell: cell, input: embeddingSize, hidden: hiddenSize, layers: numLayers,
                                            directions: 1, steps: steps, batch: batch, vocabulary: vocabularySize)
        return ModelMemory.bytes(floats: CheckedCount.sum(stack, CheckedCount.product(N, 2, embeddingSize),
                                                          CheckedCount.product(N, 2, hiddenSize), CheckedCount.product(N, vocabularySize)))
    }
}

extension SequenceModelConfiguration {
    /// An upper estimate of the bytes the working buffers of a `SequenceClassifier` or
    /// `SequenceTagger` take for a forward and backward over `steps` steps of `batch`
    /// sequences: the stack's, plus the per-step head (N, 2F + C) and the pooled rows
    /// (B, 4F + C); nil if it overflows.
    public func workingBytes(steps: Int, batch: Int) -> Int? {
        let N = CheckedCount.product(steps, batch) ?? Int.max, F = CheckedCount.product(directions, hiddenSize) ?? Int.max
        let stack = ModelMemory.stackFloats(cell: cell, input: embeddingSize, hidden: hiddenSize, layers: numLayers,
                                            directions: directions, steps: steps, batch: batch, vocabulary: vocabularySize)
        let perStep = CheckedCount.sum(CheckedCount.product(2, F), outputs).flatMap { CheckedCount.product(N, $0) }
        let pooled = CheckedCount.sum(CheckedCount.product(4, F), outputs).flatMap { CheckedCount.product(batch, $0) }
        return ModelMemory.bytes(floats: CheckedCount.sum(stack, perStep, pooled))
    }

    /// Throws unless the working buffers for sequences of `lengths`, read `batch` at a time,
    /// fit in the memory available; `what` names the work in the message.
    func checkMemory(lengths: [Int], batch: Int, for what: String) throws {
        try MemoryBudget.check(workingBytes(steps: lengths.max() ?? 0, batch: min(batch, lengths.count)), for: what)
    }
}
