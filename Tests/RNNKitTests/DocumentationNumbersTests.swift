import Foundation
import Testing
@testable import RNNKit

/// Every number the DocC articles quote (Sources/RNNKit/RNNKit.docc) is computed here by RNNKit
/// and must appear verbatim in the article, so the documentation cannot go stale: change the
/// code or the article and this fails, naming the missing text. `RNNKIT_DOC_NUMBERS=FILE`
/// writes every expected snippet to FILE (to paste into an article).
@Suite(.serialized) struct DocumentationNumbersTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let catalog = root.appendingPathComponent("Sources/RNNKit/RNNKit.docc")

    static func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// Each non-empty line of `snippet` must be a substring of the article.
    static func expectQuoted(_ snippet: String, in article: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if let dump = ProcessInfo.processInfo.environment["RNNKIT_DOC_NUMBERS"] {
            let entry = "== \(article)\n\(snippet)\n"
            if let handle = FileHandle(forWritingAtPath: dump) {
                handle.seekToEndOfFile(); handle.write(Data(entry.utf8)); handle.closeFile()
            } else { try entry.write(toFile: dump, atomically: true, encoding: .utf8) }
        }
        let text = try read(catalog.appendingPathComponent(article))
        for line in snippet.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            #expect(text.contains(line), "\(article) does not quote: \(line)", sourceLocation: sourceLocation)
        }
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    @Test func forwardPropagationThroughTime() throws {
        let w = try ElmanWalkthrough(text: "I love AI")
        try Self.expectQuoted(w.weightsText, in: "ForwardPropagationThroughTime.md")
        try Self.expectQuoted(w.forwardTable, in: "ForwardPropagationThroughTime.md")
    }

    @Test func backpropagationThroughTime() throws {
        let w = try ElmanWalkthrough(text: "I love AI")
        try Self.expectQuoted(w.backwardTable, in: "BackpropagationThroughTime.md")
    }

    /// The windows of `TBPTTSchedule(k1: 2, k2: 5, positions: 10)`, one table row each.
    @Test func truncatedBPTT() throws {
        let schedule = TBPTTSchedule(k1: 2, k2: 5, positions: 10)
        var rows = "| update | steps run | context only (target −1) | trained | enters with |\n"
        for s in 0..<schedule.updates {
            let w = schedule.window(s)
            let carry = w.start == 0 ? "the zero state" : "the state after step \(w.start - 1)"
            rows += "| \(s) | \(w.start)…\(w.start + w.count - 1) | \(w.context) | \(w.trained) | \(carry) |\n"
        }
        try Self.expectQuoted(rows, in: "TruncatedBPTT.md")
    }

    @Test func explodingAndVanishingGradients() throws {
        // ‖∂L/∂h_0‖ / ‖g‖ for a tanh RNN with zero input and bias and W_hh = ρ·Q, T = 20.
        var lines = ""
        for rho in [0.9, 1.1] {
            let T = 20, B = 1, H = 4
            let rnn = RNN<Double>(inputSize: 1, hiddenSize: H, nonlinearity: .tanh, seed: 1)
            for name in ["weight_ih_l0", "bias_ih_l0", "bias_hh_l0"] { rnn.arena.fill(rnn.arena.entry(named: name)!, with: 0) }
            // Q: a rotation by 0.3 rad in two planes (orthogonal).
            let c = cos(0.3), s = sin(0.3)
            let q = [c, -s, 0, 0, s, c, 0, 0, 0, 0, c, -s, 0, 0, s, c]
            try rnn.arena.setValue(Tensor(shape: [H, H], scalars: q.map { rho * $0 }), named: "weight_hh_l0")
            rnn.recordsGradientFlow = true
            _ = rnn.forward(Tensor(zeros: [T, B, 1]))
            var dOut = [Double](repeating: 0, count: T * B * H)
            dOut[(T - 1) * H] = 1
            _ = rnn.backward(gradOutput: Tensor(shape: [T, B, H], scalars: dOut))
            let norms = try #require(rnn.gradientFlow).hidden[0][0]
            #expect(abs(norms[0] - pow(rho, Double(T - 1))) < 1e-12)
            lines += "ρ = \(rho): ‖∂L/∂h_1‖ / ‖∂L/∂h_20‖ = \(Self.fixed(norms[0] / norms[T - 1], 6)) = \(rho)^19, σ_max(W_hh) = \(Self.fixed(rnn.spectralNorms()[0].sigmaMax, 6))\n"
        }
        // Clipping: g = (3, 4), δ = 1.
        let arena = ParameterArena<Double>()
        let e = arena.add(name: "weight", shape: [2])
        arena.gradientPointer(e)[0] = 3
        arena.gradientPointer(e)[1] = 4
        let total = clipGradientNorm(arena, maxNorm: 1)
        lines += "clipGradientNorm: ‖g‖ = \(Self.fixed(total, 6)), g ← (\(Self.fixed(arena.gradientPointer(e)[0], 6)), \(Self.fixed(arena.gradientPointer(e)[1], 6)))\n"
        try Self.expectQuoted(lines, in: "ExplodingAndVanishingGradients.md")

        // The adding-problem rows are DIAGNOSE.md's, verbatim.
        let article = try Self.read(Self.catalog.appendingPathComponent("ExplodingAndVanishingGradients.md"))
        let diagnose = try Self.read(Self.root.appendingPathComponent("DIAGNOSE.md"))
        let rows = article.split(separator: "\n").filter { $0.hasPrefix("| 150 |") || $0.hasPrefix("| 50 |") }
        #expect(rows.count >= 4)
        for row in rows { #expect(diagnose.contains(row), "DIAGNOSE.md has no row \(row)") }
    }

    @Test func lstmAndGRU() throws {
        let counts = [
            ("RNN(8, 16)", RNN<Float>(inputSize: 8, hiddenSize: 16).arena.parameterCount),
            ("GRU(8, 16)", GRU<Float>(inputSize: 8, hiddenSize: 16).arena.parameterCount),
            ("LSTM(8, 16)", LSTM<Float>(inputSize: 8, hiddenSize: 16).arena.parameterCount),
            ("LSTM(8, 16, bidirectional)", LSTM<Float>(inputSize: 8, hiddenSize: 16, bidirectional: true).arena.parameterCount),
        ]
        try Self.expectQuoted(counts.map { "| \($0.0) | \($0.1) |" }.joined(separator: "\n"), in: "LSTMAndGRU.md")
    }

    @Test func sequenceProbability() throws {
        let w = try ElmanWalkthrough(text: "I love AI")
        let steps = w.forward()
        let p = (0..<w.steps).map { steps[$0].p[w.target($0)] }
        var text = "P(I love AI <eos>) = " + p.map { Self.fixed($0, 4) }.joined(separator: " × ")
        text += " = \(String(format: "%.3e", p.reduce(1, *)))\n"
        text += "log P = −L = −\(Self.fixed(w.loss(), 6)) nats\n"
        #expect(abs(log(p.reduce(1, *)) + w.loss()) < 1e-12)
        try Self.expectQuoted(text, in: "SequenceProbability.md")
    }
}
