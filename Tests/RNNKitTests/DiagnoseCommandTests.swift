import Foundation
import Testing
@testable import RNNKit

/// `rnn diagnose adding` and `rnn diagnose model` end to end, and their bad input.
@Suite(.serialized) struct DiagnoseCommandTests {
    @Test func addingWritesReportAndPlots() throws {
        let folder = TemporaryFolder("diagnose-adding")
        let out = folder.file("adding")
        let result = try RNNTool.run(["diagnose", "adding", "--length", "12", "--cell", "rnn-relu", "--init", "identity",
                                      "--hidden", "8", "--steps", "20", "--eval-every", "10", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("step 20:") && result.stdout.contains("final test MSE"))
        let json = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/adding.json"))))
        #expect(json["settings"]?["init"] == .string("identity") && json["settings"]?["cell"] == .string("RNN_RELU"))
        guard case let .array(curve)? = json["curve"], case let .array(layers)? = json["start"]?["hidden"],
              case let .array(directions) = layers[0], case let .array(norms) = directions[0] else {
            Issue.record("adding.json lacks its curve or norms")
            return
        }
        #expect(curve.count == 3 && norms.count == 12)
        // Identity start: σ_max(W_hh) = 1 exactly.
        if case let .number(sigma)? = json["start"]?["sigma_max"]?["rnn.weight_hh_l0"] { #expect(abs(Double(sigma)! - 1) < 1e-9) }
        else { Issue.record("no start sigma_max") }
        for name in ["adding-mse.svg", "adding-gradflow.svg"] {
            #expect(try String(contentsOfFile: out + "/" + name, encoding: .utf8).hasPrefix("<svg"))
        }
    }

    @Test func addingBadInput() throws {
        let folder = TemporaryFolder("diagnose-bad")
        try BadInputTests.expectError(["diagnose", "adding", "--length", "1", "--out", folder.file("a")], "--length must be at least 2")
        try BadInputTests.expectError(["diagnose", "adding", "--length", "10", "--cell", "lstm", "--init", "identity",
                                       "--out", folder.file("b")], "identity initialisation is for ReLU RNNs")
        try BadInputTests.expectError(["diagnose", "adding", "--length", "10", "--cell", "rnn-tanh", "--init", "identity",
                                       "--out", folder.file("c")], "tanh")
        try BadInputTests.expectError(["diagnose", "adding", "--length", "10", "--init", "eye", "--out", folder.file("d")], "eye")
        try BadInputTests.expectError(["diagnose", "adding", "--length", "10", "--hidden", "0", "--out", folder.file("e")], "--hidden")
        #expect(!FileManager.default.fileExists(atPath: folder.file("a")))
    }

    @Test func modelGradientFlowAndOtherKinds() throws {
        let folder = TemporaryFolder("diagnose-model")
        let text = try folder.write("t.txt", GeneratedCorpus.text(characters: 2_000, seed: 4))
        let lm = folder.file("lm")
        let trained = try RNNTool.run(["train", "--text", text, "--out", lm, "--layers", "2", "--max-steps", "2",
                                       "--log-every", "100"] + BadInputTests.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        let out = folder.file("flow")
        let result = try RNNTool.run(["diagnose", "model", "--model", lm, "--text", text, "--steps", "30", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("layer 1:"))
        let json = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/gradflow.json"))))
        #expect(json["steps"] == .integer(30) && json["cell_state"] != nil && json["sigma_max_gates"] != nil)
        #expect(try String(contentsOfFile: out + "/gradflow.svg", encoding: .utf8).contains("h l1"))

        // A checkpoint of another kind, a missing model, a one-token text.
        let csv = try folder.write("s.csv", "v\n" + (0..<60).map { "\(Double($0 % 7))" }.joined(separator: "\n") + "\n")
        let forecast = folder.file("forecast")
        let f = try RNNTool.run(["forecast", "train", "--csv", csv, "--column", "v", "--window", "6", "--horizon", "2",
                                 "--hidden", "4", "--epochs", "1", "--out", forecast, "--log-every", "1000"])
        #expect(f.status == 0, "\(f.stderr)")
        try BadInputTests.expectError(["diagnose", "model", "--model", forecast, "--text", text, "--out", folder.file("x")], "forecaster")
        try BadInputTests.expectError(["diagnose", "model", "--model", folder.file("none"), "--text", text], "none")
        let one = try folder.write("one.txt", "a")
        try BadInputTests.expectError(["diagnose", "model", "--model", lm, "--text", one, "--out", folder.file("y")], "at least 2")
    }
}
