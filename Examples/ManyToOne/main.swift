// Many-to-one: read a whole sentence, emit one label. A SequenceClassifier (embedding → LSTM →
// last state → linear) learns the sentiment of generated reviews whose label depends on word
// order ("not bad" is positive). `rnn classify train` does the same at full size.
import RNNKit

// 1. Data: "label<TAB>text" lines from RNNKit's seeded review grammar.
let lines = GeneratedTaskData.classification(examples: 600, seed: 1).split(separator: "\n")
let examples = lines.map { line -> (label: Int, words: [String]) in
    let parts = line.split(separator: "\t")
    return (parts[0] == "pos" ? 1 : 0, parts[1].split(separator: " ").map(String.init))
}

// 2. Vocabulary: id 0 is padding, so words start at 1.
var ids: [String: Int] = [:]
for example in examples { for w in example.words where ids[w] == nil { ids[w] = ids.count + 1 } }
let encoded = examples.map { ($0.label, $0.words.map { ids[$0]! }) }
let train = encoded.prefix(500), test = encoded.suffix(100)

// 3. The model and its optimizer.
let config = SequenceModelConfiguration(cell: .lstm, vocabularySize: ids.count + 1, embeddingSize: 16,
                                        hiddenSize: 32, outputs: 2)
let model = try SequenceClassifier<Float>(config, seed: 1)
let adam = try Adam<Float>(learningRate: 0.01)

@MainActor func accuracy(_ set: ArraySlice<(Int, [Int])>) -> Double {
    let batch = PaddedBatch(sequences: set.map(\.1))
    let predicted = model.evaluate(tokens: batch.tokens, lengths: batch.lengths, labels: set.map(\.0)).predicted
    return (Double(zip(predicted, set.map(\.0)).filter { $0 == $1 }.count) / Double(set.count) * 1000).rounded() / 10   // percent
}
print("test accuracy before training: \(accuracy(test)) %")

// 4. Train: batches of 25 sentences, padded to the longest; BPTT through every step.
for epoch in 1...10 {
    var total: Float = 0, batches = 0
    for start in stride(from: train.startIndex, to: train.endIndex, by: 25) {
        let slice = train[start..<min(start + 25, train.endIndex)]
        let batch = PaddedBatch(sequences: slice.map(\.1))
        model.arena.zeroGradients()
        total += model.lossAndGradients(tokens: batch.tokens, lengths: batch.lengths, labels: slice.map(\.0)).loss
        batches += 1
        adam.step(model.arena)
    }
    print("epoch \(epoch): mean loss \(total / Float(batches)), test accuracy \(accuracy(test)) %")
}
