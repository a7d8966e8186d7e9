import Foundation
import Testing
import RNNKit

/// The library example in README.md, verbatim, runs; and the README still shows this code.
@Suite struct ReadmeExampleTests {
    func readmeExample() throws -> (Float, [Int], [Int]) {
        let lstm = LSTM<Float>(inputSize: 8, hiddenSize: 16, numLayers: 2, seed: 1)
        let x = Tensor<Float>(shape: [5, 3, 8], repeating: 0.5)       // (T, B, I), time-major
        let (y, state) = lstm.forward(x)                             // y (5, 3, 16); state.h, state.c (2, 3, 16)

        let target = Tensor<Float>(zeros: y.shape)
        let (loss, dy) = try meanSquaredError(y, target)             // loss and dL/dy
        lstm.arena.zeroGradients()
        let grads = lstm.backward(gradOutput: dy)                    // BPTT; dL/dW lands in lstm.arena
        print(loss, grads.input.shape, state.h.shape)

        let adam = try Adam<Float>(learningRate: 1e-3)
        adam.step(lstm.arena)                                        // one Adam step over every parameter
        #expect(try meanSquaredError(lstm.forward(x).output, target).loss < loss)
        return (loss, grads.input.shape, state.h.shape)
    }

    @Test func exampleRuns() throws {
        let (loss, inputShape, stateShape) = try readmeExample()
        #expect(loss > 0 && loss.isFinite)
        #expect(inputShape == [5, 3, 8] && stateShape == [2, 3, 16])
    }

    @Test func readmeShowsThisExample() throws {
        let here = URL(fileURLWithPath: #filePath)
        let readme = try String(contentsOf: here.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: here, encoding: .utf8)
        let block = readme.components(separatedBy: "```swift\n").dropFirst().first?.components(separatedBy: "```").first ?? ""
        let lines = block.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("//") && $0 != "import RNNKit" }
        #expect(lines.count >= 10)
        for line in lines {
            #expect(source.contains(line), "README line not exercised by this test: \(line)")
        }
    }

    func classifierExample() throws -> Float {
        let config = SequenceModelConfiguration(cell: .lstm, vocabularySize: 100, embeddingSize: 16, hiddenSize: 32,
                                                bidirectional: true, outputs: 2, pooling: .max)
        let classifier = try SequenceClassifier<Float>(config, seed: 1)    // embedding → rnn → pool → dropout → classifier
        let batch = PaddedBatch(sequences: [[5, 9, 2], [7, 3]])            // tokens (T, B) = (3, 2), lengths [3, 2]
        classifier.arena.zeroGradients()
        let (loss, _) = classifier.lossAndGradients(tokens: batch.tokens, lengths: batch.lengths, labels: [1, 0])
        try Adam<Float>(learningRate: 1e-3).step(classifier.arena)       // names: embedding.weight, rnn.weight_ih_l0, classifier.bias, …
        #expect(batch.tokens == [5, 7, 9, 3, 2, 0] && batch.lengths == [3, 2])
        #expect(classifier.arena.names.contains("classifier.bias"))
        return loss
    }

    func cellExample() -> RecurrentState<Float> {
        let cell = LSTMCell<Float>(inputSize: 8, hiddenSize: 16, seed: 1)
        let inputs = (0..<4).map { _ in Tensor<Float>(shape: [3, 8], repeating: 0.5) }   // T = 4 steps of (B, I)
        var state: RecurrentState<Float>? = nil
        for x in inputs { state = cell.step(x, state: state) }              // 4 saved steps
        var dState = RecurrentState(h: Tensor<Float>(shape: [3, 16], repeating: 1), c: Tensor<Float>(zeros: [3, 16]))
        for _ in inputs { dState = cell.backward(gradState: dState).state } // 4 backwards, last step first
        return dState
    }

    @Test func moduleExamplesRun() throws {
        #expect(try classifierExample().isFinite)
        #expect(cellExample().h.shape == [3, 16])
    }

    @Test func readmeShowsTheModuleExamples() throws {
        let here = URL(fileURLWithPath: #filePath)
        let readme = try String(contentsOf: here.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: here, encoding: .utf8)
        let blocks = readme.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "```").first ?? "" }
        #expect(blocks.count >= 3)
        for block in blocks.dropFirst() {
            for line in block.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
                #expect(source.contains(line), "README line not exercised by this test: \(line)")
            }
        }
    }
}
