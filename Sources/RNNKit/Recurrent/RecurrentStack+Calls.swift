// Many calls of one stack in one forward. The newest call's activations stay where the layers
// wrote them (the live buffers), so a stack run once per step — a language model, a
// classifier — copies nothing. Only when a forward starts while an older call still waits for
// its backward is that call's state copied out to a saved frame (last in first out), and
// copied back when its backward comes: a decoder running the stack one step at a time pays a
// copy of each step's activations, nothing more.

/// What a saved stack call needs besides its activation buffers.
struct SavedStackCall {
    var steps: Int, batch: Int
    var lengths: [Int]?                                       // (B), nil = all T
    var tokens: [Int]?                                        // (T·B) after forward(tokens:)
    var table: (values: UnsafeRawPointer, vocabulary: Int)?   // the token table, (V, I) of Scalar
}

extension RecurrentStack {
    /// Called at the start of every forward: in evaluation mode drops every kept call; if an
    /// older call is still pending in the live buffers, saves it first.
    func beginCall() {
        if !isTraining { clearOwnSavedActivations() }
        if pendingCalls > 0 && liveIsPending { saveLiveCall() }
        pendingCalls += 1
        liveIsPending = true
    }

    /// Every buffer a backward reads, with its element count for the live call's shape, in a
    /// fixed order.
    private func forEachActivation(_ body: (ScratchBuffer<Scalar>, Int) -> Void) {
        let T = steps, B = batch, H = hiddenSize, D = directions, N = T * B, GH = cell.gateCount * H
        if tokenTable == nil { body(inputCopy, N * inputSize) }               // (T, B, I)
        for k in 0..<numLayers {
            body(outputs[k], N * D * H)                                        // (T, B, D·H)
            if k < numLayers - 1 && dropoutActive { body(interLayerDropout[k].output, N * D * H) }
            for layer in layers[k] {
                body(layer.gates, N * GH)                                      // (T, B, G·H)
                body(layer.hPrev, N * H)                                       // (T, B, H)
                body(layer.hLast, B * H)                                       // (B, H)
                if cell == .lstm {
                    body(layer.cPrev, N * H)
                    body(layer.tanhC, N * H)
                    body(layer.cLast, B * H)
                }
                if cell == .gru { body(layer.ghn, N * H) }
            }
        }
        body(hN, numLayers * D * B * H)                                        // (L·D, B, H)
        if cell.hasCellState { body(cN, numLayers * D * B * H) }
    }

    /// Copies the live call out to a new saved frame.
    private func saveLiveCall() {
        var total = 0
        forEachActivation { total += $1 }
        var at = savedActivations.push(total)
        forEachActivation { buffer, n in
            at.update(from: buffer.pointer, count: n)
            at += n
        }
        savedCalls.push(SavedStackCall(
            steps: steps, batch: batch,
            lengths: hasLengths ? Array(UnsafeBufferPointer(start: lengthsBuffer.pointer, count: batch)) : nil,
            tokens: tokenTable == nil ? nil : Array(UnsafeBufferPointer(start: tokenCopy.pointer, count: steps * batch)),
            table: tokenTable.map { (UnsafeRawPointer($0.values), $0.vocabulary) }))
    }

    /// Makes the live buffers hold the newest call not yet backpropagated (restoring it from its
    /// saved frame if a newer call's backward has consumed them).
    func prepareBackward() {
        precondition(pendingCalls > 0, "\(cell.rawValue): backward called more often than forward")
        if !liveIsPending { restoreNewestSavedCall() }
    }

    /// Copies the newest saved frame back into the live buffers, for its backward.
    private func restoreNewestSavedCall() {
        liveIsPending = true
        let call = savedCalls.pop("\(cell.rawValue)")
        steps = call.steps
        batch = call.batch
        tokenTable = call.table.map { ($0.values.assumingMemoryBound(to: Scalar.self), $0.vocabulary) }
        if let tokens = call.tokens { tokenCopy.ensure(tokens.count).update(from: tokens, count: tokens.count) }
        setLengths(call.lengths, steps: steps, batch: batch)
        var at = UnsafePointer(savedActivations.pop("\(cell.rawValue)").pointer)
        forEachActivation { buffer, n in
            buffer.ensure(n).update(from: at, count: n)
            at += n
        }
        let lens: UnsafePointer<Int>? = hasLengths ? UnsafePointer(lengthsBuffer.pointer) : nil
        for layer in layers.joined() {
            layer.steps = steps
            layer.batch = batch
            layer.lengths = lens
        }
    }
}
