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
}
