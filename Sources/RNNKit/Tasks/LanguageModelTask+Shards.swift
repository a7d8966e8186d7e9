// A language model's batch split among ranks: rank r trains the columns of `BatchShard` —
// its own streams of the text — from its part of the carried state, and writes the state it
// ends with back into its columns. Every rank keeps a whole (L, B, H) carried state of which
// only its own columns are current; before a checkpoint the trainer sums every rank's owned
// columns (zero elsewhere), so checkpoints hold the whole state, as a one-process run's do,
// and a run may resume with any number of ranks. Evaluation splits the validation text's
// columns the same way: each rank scores its own streams and the loss sums add up.

extension LanguageModelTask {
    /// Nil: a language model splits its columns.
    public var shardingRefusal: String? { nil }

    /// Forward, loss and backward of `shard`'s columns of TBPTT window `index`, from those
    /// columns of the carried state (zeros at the epoch's first window); their state entering
    /// the next window is written back into the same columns.
    public func trainBatch(epoch: Int, index s: Int, shard: BatchShard) throws -> TaskBatchResult {
        if shard.isWhole { return try trainBatch(epoch: epoch, index: s) }
        let B = settings.batch, columns = shard.columns(of: B), n = columns.count
        let window = schedule.window(s)
        let last = s + 1 >= schedule.updates
        guard n > 0 else {
            carriedState = last ? nil : (carriedState ?? zeroState())
            return TaskBatchResult(loss: 0, count: 0, tokens: 0)
        }
        let (all, allTargets) = trainStream.chunk(start: window.start, count: window.count, ignored: window.context)
        let inputs = Self.columns(all, rows: window.count, width: B, columns)
        let targets = Self.columns(allTargets, rows: window.count, width: B, columns)
        let initial = s == 0 ? nil : carriedState.map { slice($0, columns) }
        let (loss, finalState) = model.lossAndGradients(inputs: inputs, targets: targets, steps: window.count,
                                                        batch: n, initialState: initial)
        let tokens = window.trained * n
        guard loss.isFinite else { return TaskBatchResult(loss: Double(loss), count: tokens, tokens: tokens) }
        if last {
            carriedState = nil
        } else {
            let offset = schedule.carryOffset(after: s)
            let next = offset == window.count ? finalState : model.rnn.state(enteringStep: offset)
            var whole = carriedState ?? zeroState()
            write(next, columns, into: &whole)
            carriedState = whole
        }
        return TaskBatchResult(loss: Double(loss), count: tokens, tokens: tokens)
    }

    /// The carried state in `shard`'s columns, zero in the others.
    public func stateTensors(ownedBy shard: BatchShard) -> [String: Tensor<Float>] {
        guard let state = carriedState else { return [:] }
        var owned = zeroState()
        write(slice(state, shard.columns(of: settings.batch)), shard.columns(of: settings.batch), into: &owned)
        var tensors = ["carried.h": owned.h]
        if let c = owned.c { tensors["carried.c"] = c }
        return tensors
    }

    /// The summed loss and the token count of `shard`'s columns of the validation or test text,
    /// read in chunks of `bptt` from the zero state with dropout off (`counts` = [tokens],
    /// `sums` = [loss sum]); nil if interrupted or there is no such text.
    public func evaluationSums(_ split: DataSplit, shard: BatchShard, shouldStop: () -> Bool) throws -> EvaluationSums? {
        guard let stream = split == .validation ? validStream : testStream else { return nil }
        let columns = shard.columns(of: stream.batch)
        guard !columns.isEmpty else { return EvaluationSums(counts: [0], sums: [0]) }
        let part = shard.isWhole ? stream : BatchedTokens(selecting: columns, of: stream)
        guard let (total, count) = model.lossSum(on: part, bptt: settings.bptt, shouldStop: shouldStop) else { return nil }
        return EvaluationSums(counts: [count], sums: [total])
    }

    /// The mean loss per token and the perplexity `ppl`; the score is −loss.
    public func evaluation(of split: DataSplit, from sums: EvaluationSums) throws -> TaskEvaluation {
        try sums.expect(counts: 1, sums: 1, of: "a language model's")
        let loss = sums.sums[0] / Double(max(sums.counts[0], 1))
        return TaskEvaluation(loss: loss, metrics: [("ppl", Double.exp(loss))], score: -loss)
    }

    /// The columns `columns` of a (T, B) row-major array.
    static func columns(_ x: [Int], rows: Int, width B: Int, _ columns: Range<Int>) -> [Int] {
        (0..<rows).flatMap { t in x[(t * B + columns.lowerBound)..<(t * B + columns.upperBound)] }
    }

    /// A zero (L, B, H) state.
    func zeroState() -> RecurrentState<Float> {
        let m = model.configuration, shape = [m.numLayers, settings.batch, m.hiddenSize]
        return RecurrentState(h: Tensor(shape: shape, repeating: 0), c: m.cell.hasCellState ? Tensor(shape: shape, repeating: 0) : nil)
    }

    /// Columns `columns` of a whole (L, B, H) state: (L, n, H).
    func slice(_ state: RecurrentState<Float>, _ columns: Range<Int>) -> RecurrentState<Float> {
        func part(_ x: Tensor<Float>) -> Tensor<Float> {
            let L = x.shape[0], B = x.shape[1], H = x.shape[2], all = x.scalars
            let values = (0..<L).flatMap { l in all[(l * B + columns.lowerBound) * H..<(l * B + columns.upperBound) * H] }
            return Tensor(shape: [L, columns.count, H], scalars: values)
        }
        return RecurrentState(h: part(state.h), c: state.c.map(part))
    }

    /// Writes an (L, n, H) state into columns `columns` of a whole (L, B, H) one.
    func write(_ part: RecurrentState<Float>, _ columns: Range<Int>, into whole: inout RecurrentState<Float>) {
        func put(_ p: Tensor<Float>, _ w: inout Tensor<Float>) {
            let L = w.shape[0], B = w.shape[1], H = w.shape[2], n = columns.count
            var all = w.scalars
            let src = p.scalars
            for l in 0..<L {
                let to = (l * B + columns.lowerBound) * H
                all.replaceSubrange(to..<(to + n * H), with: src[(l * n * H)..<((l + 1) * n * H)])
            }
            w = Tensor(shape: w.shape, scalars: all)
        }
        put(part.h, &whole.h)
        if let c = part.c, whole.c != nil { put(c, &whole.c!) }
    }
}
