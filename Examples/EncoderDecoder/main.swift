// Encoder–decoder with attention: a sequence in, a sequence of another length out. A Seq2Seq
// model (LSTM encoder, LSTM decoder attending over the encoder's states, Luong-style) learns to
// rewrite dates written many ways ("3 march 1997", "03/03/97", …) as ISO dates, character by
// character. `rnn seq2seq train` and `rnn seq2seq translate` do the same at full size.
import RNNKit

// 1. Data: (written date, ISO date) pairs; characters as ids after PAD 0, <bos> 1, <eos> 2.
let pairs = GeneratedDates.pairs(count: 4000, seed: 1)
var ids: [Character: Int] = [:]
for (source, target) in pairs { for ch in source + target where ids[ch] == nil { ids[ch] = ids.count + 3 } }
let characters = Dictionary(uniqueKeysWithValues: ids.map { ($1, $0) })
let (bos, eos) = (1, 2)
let train = pairs.prefix(3800), test = pairs.suffix(200)

// 2. A batch, time-major: source (S, B) padded with 0; the decoder reads <bos> y_1 … y_n and
//    is trained to emit y_1 … y_n <eos>.
@MainActor func batch(_ set: ArraySlice<(source: String, target: String)>)
    -> (source: [Int], lengths: [Int], targetIn: [Int], targetOut: [Int]) {
    let B = set.count, sources = set.map { $0.source.map { ids[$0]! } }, targets = set.map { $0.target.map { ids[$0]! } }
    let S = sources.map(\.count).max()!, T = targets.map(\.count).max()! + 1
    var source = [Int](repeating: 0, count: S * B), targetIn = [Int](repeating: 0, count: T * B)
    var targetOut = targetIn
    for b in 0..<B {
        for (s, id) in sources[b].enumerated() { source[s * B + b] = id }
        let input = [bos] + targets[b], output = targets[b] + [eos]
        for t in 0..<input.count { targetIn[t * B + b] = input[t]; targetOut[t * B + b] = output[t] }
    }
    return (source, sources.map(\.count), targetIn, targetOut)
}

let config = Seq2SeqConfiguration(cell: .lstm, sourceVocabularySize: ids.count + 3, targetVocabularySize: ids.count + 3,
                                   embeddingSize: 16, hiddenSize: 64, attention: .luong, score: .general)
let model = try Seq2Seq<Float>(config, seed: 1)
let adam = try Adam<Float>(learningRate: 0.01)

// 3. Greedy decoding: feed <bos>, then the decoder's own argmax at every later step
//    (a teacher mask that is false from step 1 on).
@MainActor func translate(_ set: ArraySlice<(source: String, target: String)>) -> [String] {
    let b = batch(set), B = set.count, T = b.targetIn.count / B
    let teacher = (0..<T * B).map { $0 < B }
    let logits = model.forward(source: b.source, sourceLengths: b.lengths, targetIn: b.targetIn, teacher: teacher).logits
    let V = config.targetVocabularySize
    return (0..<B).map { column in
        var text = ""
        for t in 0..<T {
            let row = Array(logits.scalars[((t * B + column) * V)..<((t * B + column + 1) * V)])
            let id = row.indices.max { row[$0] < row[$1] }!
            if id == eos { break }
            text.append(characters[id] ?? "?")
        }
        return text
    }
}

// 4. Train with teacher forcing; the loss has a term at every target step, and BPTT runs
//    back through the decoder, the attention and the encoder.
for step in 1...400 {
    let start = (step * 32) % (train.count - 32) + train.startIndex
    let b = batch(train[start..<start + 32])
    model.arena.zeroGradients()
    let loss = model.lossAndGradients(source: b.source, sourceLengths: b.lengths, targetIn: b.targetIn,
                                      targetOut: b.targetOut).loss
    _ = clipGradientNorm(model.arena, maxNorm: 1)
    adam.step(model.arena)
    if step % 100 == 0 {
        let exact = zip(translate(test), test).filter { $0 == $1.target }.count
        print("step \(step): loss \(loss), exact matches on 200 test dates: \(exact)")
    }
}
for (pair, output) in zip(test.prefix(4), translate(test.prefix(4))) { print("\(pair.source)  →  \(output)") }
