// Many-to-many: one output per input step. A bidirectional SequenceTagger (embedding → BiLSTM →
// linear at every step) learns part-of-speech tags of generated sentences in which "saw",
// "watch", "run" … are nouns or verbs by context. `rnn tag train` does the same at full size.
import RNNKit

// 1. Data: CoNLL columns "word POS chunk", a blank line between sentences.
let text = GeneratedTaskData.tagging(sentences: 300, seed: 1)
let sentences = text.split(separator: "\n", omittingEmptySubsequences: false)
    .split(whereSeparator: { $0.isEmpty })
    .map { $0.map { line -> (word: String, tag: String) in
        let columns = line.split(separator: " ")
        return (columns[0].lowercased(), String(columns[1]))
    } }

// 2. Vocabularies: word id 0 is padding; tags count from 0.
var wordIDs: [String: Int] = [:], tagIDs: [String: Int] = [:]
for s in sentences { for (w, t) in s {
    if wordIDs[w] == nil { wordIDs[w] = wordIDs.count + 1 }
    if tagIDs[t] == nil { tagIDs[t] = tagIDs.count }
} }
let encoded = sentences.map { s in (words: s.map { wordIDs[$0.word]! }, tags: s.map { tagIDs[$0.tag]! }) }
let train = encoded.prefix(250), test = encoded.suffix(50)

// 3. Tags laid out like the tokens, (T, B) time-major, −100 past each sentence's end.
func batch(_ set: ArraySlice<(words: [Int], tags: [Int])>) -> (PaddedBatch, [Int]) {
    let b = PaddedBatch(sequences: set.map(\.words))
    var tags = [Int](repeating: PaddedBatch.ignoreIndex, count: b.steps * b.batch)
    for (column, s) in set.enumerated() { for (t, tag) in s.tags.enumerated() { tags[t * b.batch + column] = tag } }
    return (b, tags)
}

let config = SequenceModelConfiguration(cell: .lstm, vocabularySize: wordIDs.count + 1, embeddingSize: 16,
                                        hiddenSize: 32, bidirectional: true, outputs: tagIDs.count)
let tagger = try SequenceTagger<Float>(config, seed: 1)
let adam = try Adam<Float>(learningRate: 0.01)

@MainActor func accuracy() -> Double {
    let (b, tags) = batch(test)
    let predicted = tagger.evaluate(tokens: b.tokens, lengths: b.lengths, tags: tags).predicted
    let scored = zip(predicted, tags).filter { $0.1 != PaddedBatch.ignoreIndex }
    return (Double(scored.filter { $0.0 == $0.1 }.count) / Double(scored.count) * 1000).rounded() / 10   // percent
}

// 4. Train: the loss has a term at every step, so the gradient enters everywhere.
for epoch in 1...8 {
    for start in stride(from: train.startIndex, to: train.endIndex, by: 25) {
        let (b, tags) = batch(train[start..<min(start + 25, train.endIndex)])
        tagger.arena.zeroGradients()
        tagger.lossAndGradients(tokens: b.tokens, lengths: b.lengths, tags: tags)
        adam.step(tagger.arena)
    }
    print("epoch \(epoch): test tag accuracy \(accuracy()) %")
}
