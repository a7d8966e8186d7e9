// One-to-many: one start token in, a sequence out. A character LanguageModel trained for a few
// hundred steps on a repeated rhyme, then sampled: each generated character is fed back as the
// next input. `rnn train` and `rnn sample` do the same at full size.
import RNNKit

// 1. Data: characters as ids, one stream.
let text = String(repeating: "twinkle twinkle little star\nhow I wonder what you are\n", count: 40)
let alphabet = Array(Set(text)).sorted()
let id = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })
let stream = text.map { id[$0]! }

// 2. The model: embedding → GRU → linear over the alphabet.
let model = try LanguageModel<Float>(.init(cell: .gru, vocabularySize: alphabet.count, embeddingSize: 16,
                                           hiddenSize: 64), seed: 1)
let adam = try Adam<Float>(learningRate: 0.01)

// 3. Train on windows of 32 characters, batch 1: inputs x_1…x_T, targets x_2…x_{T+1}.
let T = 32
for step in 0..<300 {
    let start = (step * T) % (stream.count - T - 1)
    model.arena.zeroGradients()
    let (loss, _) = model.lossAndGradients(inputs: Array(stream[start..<start + T]),
                                           targets: Array(stream[start + 1...start + T]), steps: T, batch: 1)
    adam.step(model.arena)
    if step % 100 == 0 || step == 299 { print("step \(step): loss \(loss) nats/char") }
}

// 4. Generate from one token: the line end.
var generator = SeededGenerator(seed: 7)
let generated = model.sample(prompt: [id["\n"]!], count: 80, temperature: 0.5, using: &generator)
print(String(generated.map { alphabet[$0] }))
