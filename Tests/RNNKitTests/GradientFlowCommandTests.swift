import Foundation
import Testing
@testable import RNNKit

/// `rnn train --grad-flow` and `--init` end to end, and their bad input.
@Suite(.serialized) struct GradientFlowCommandTests {
    @Test func trainWritesGradientFlowAndSigmas() throws {
        let folder = TemporaryFolder("gradflow-train")
        let text = try folder.write("t.txt", GeneratedCorpus.text(characters: 3_000, seed: 2))
        let out = folder.file("run")
        let result = try RNNTool.run(["train", "--text", text, "--out", out, "--cell", "rnn-relu", "--init", "identity",
                                      "--layers", "2", "--max-steps", "6", "--eval-every", "3", "--grad-flow",
                                      "--log-every", "100"] + BadInputTests.tiny)
        #expect(result.status == 0, "\(result.stderr)")
        let metrics = RunDirectory(out).readTaskMetrics()
        #expect(metrics.map(\.step) == [3, 6])
        #expect(metrics.allSatisfy { $0.spectralNorms.map(\.name) == ["rnn.weight_hh_l0", "rnn.weight_hh_l1"] })
        for step in [3, 6] {
            let json = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/gradflow-step\(step).json"))))
            guard case let .array(layers)? = json["hidden"], case let .array(directions) = layers[0],
                  case let .array(norms) = directions[0] else { Issue.record("no hidden norms at step \(step)"); continue }
            #expect(layers.count == 2 && norms.count == 8 && json["step"] == .integer(step) && json["sigma_max"] != nil)
            let svg = try String(contentsOfFile: out + "/gradflow-step\(step).svg", encoding: .utf8)
            #expect(svg.hasPrefix("<svg") && svg.contains("h l1") && svg.contains("σ_max"))
        }
        // Identity start: σ_max(W_hh) moved only by 3 Adam steps of lr 0.002 from exactly 1.
        #expect(abs(metrics[0].spectralNorms[0].sigmaMax - 1) < 0.05)

        try BadInputTests.expectError(["train", "--out", out, "--resume", "--init", "orthogonal", "--cell", "rnn-relu",
                                       "--max-steps", "9"], "--init only applies to a new run")
    }

    @Test func identityIsRefusedForOtherCells() throws {
        let folder = TemporaryFolder("gradflow-bad")
        for cell in ["lstm", "gru", "rnn-tanh"] {
            try BadInputTests.expectError(["train", "--cell", cell, "--init", "identity", "--out", folder.file(cell)],
                                          "identity initialisation is for ReLU RNNs")
        }
        try BadInputTests.expectError(["train", "--init", "identity", "--out", folder.file("default")], "--cell lstm")
        try BadInputTests.expectError(["train", "--cell", "rnn-relu", "--init", "sideways", "--out", folder.file("x")], "sideways")
        #expect(!FileManager.default.fileExists(atPath: folder.file("lstm")))
    }
}
