import Foundation
import Testing
@testable import RNNKit

@Suite struct ParameterArenaSafetensorsTests {
    /// An arena shaped like a one-layer RNN with I = 5, H = 6 (G = 1), filled with values.
    static func rnnArena(hidden: Int = 6, input: Int = 5) -> ParameterArena<Float> {
        let arena = ParameterArena<Float>()
        for (name, shape) in [("weight_ih_l0", [hidden, input]), ("weight_hh_l0", [hidden, hidden]),
                              ("bias_ih_l0", [hidden]), ("bias_hh_l0", [hidden])] {
            arena.add(name: name, shape: shape)
        }
        var rng = SeededGenerator(seed: 7)
        for e in arena.entries { arena.fillUniform(e, low: -1, high: 1, using: &rng) }
        return arena
    }

    private func path(_ dir: String) -> String { dir + "/weights.safetensors" }

    @Test func savesAndLoadsByName() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = Self.rnnArena()
        try source.save(to: path(dir), metadata: ["mode": "RNN_TANH"], prefix: "rnn.")
        let file = try SafetensorsFile(contentsOf: path(dir))
        #expect(file.names == ["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0"])
        #expect(file.metadata == ["mode": "RNN_TANH"])

        let target = ParameterArena<Float>()
        for e in source.entries { target.add(name: e.name, shape: e.shape) }
        let report = try target.load(from: path(dir), prefix: "rnn.")
        #expect(report == WeightLoadReport(missing: [], unexpected: []))
        for e in source.entries {
            #expect(target.value(named: e.name) == source.value(named: e.name))
        }
        // A Double arena reads the same file, widening exactly.
        let wide = ParameterArena<Double>()
        for e in source.entries { wide.add(name: e.name, shape: e.shape) }
        try wide.load(from: file, prefix: "rnn.")
        #expect(wide.value(named: "bias_hh_l0") == Tensor<Double>(source.value(named: "bias_hh_l0")!))
    }

    @Test func loadsAPyTorchStateDictWithNoConversion() throws {
        // state_dict of Embedding(11, 5) → LSTM(5, 4, num_layers: 2) → Linear(4, 11).
        let file = try SafetensorsFile(contentsOf: fixtureURL("reference/state_dict.safetensors").path)
        let arena = ParameterArena<Float>()
        arena.add(name: "embedding.weight", shape: [11, 5])
        for layer in 0..<2 {
            arena.add(name: "rnn.weight_ih_l\(layer)", shape: [16, layer == 0 ? 5 : 4])
            arena.add(name: "rnn.weight_hh_l\(layer)", shape: [16, 4])
            arena.add(name: "rnn.bias_ih_l\(layer)", shape: [16])
            arena.add(name: "rnn.bias_hh_l\(layer)", shape: [16])
        }
        arena.add(name: "decoder.weight", shape: [11, 4])
        arena.add(name: "decoder.bias", shape: [11])
        try arena.load(from: file)
        for e in arena.entries {
            #expect(try arena.value(named: e.name) == file.tensor(e.name, as: Float.self))
        }
    }

    @Test func loadsTheInitialWeightsOfAnLMFixture() throws {
        let file = try SafetensorsFile(contentsOf: fixtureURL("parity/12_lm_gru_adam.safetensors").path)
        let rnn = ParameterArena<Float>()
        for name in ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"] {
            rnn.add(name: name, shape: file.info("init.rnn." + name)!.shape)
        }
        try rnn.load(from: file, prefix: "init.rnn.")
        #expect(Array(rnn.value(named: "weight_hh_l0")!.scalars.prefix(2)) == [-0.19838355481624603, 0.04739804193377495])
    }

    @Test func namesMisshapedMissingAndUnexpectedWeights() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.rnnArena(hidden: 20, input: 5).save(to: path(dir), prefix: "rnn.")
        let file = try SafetensorsFile(contentsOf: path(dir))

        let wider = Self.rnnArena(hidden: 20, input: 6)
        #expect(throws: RNNKitError("weight 'rnn.weight_ih_l0' has shape [20, 5] in the file, the model expects [20, 6]")) {
            try wider.load(from: file, prefix: "rnn.")
        }
        #expect(throws: RNNKitError("'\(path(dir))': weight 'rnn.weight_ih_l0' has shape [20, 5] in the file, the model expects [20, 6]")) {
            try wider.load(from: path(dir), prefix: "rnn.")
        }

        let extra = Self.rnnArena(hidden: 20)
        extra.add(name: "weight_ih_l1", shape: [20, 20])
        #expect(throws: RNNKitError("weights do not match the model: missing 'rnn.weight_ih_l1'")) {
            try extra.load(from: file, prefix: "rnn.")
        }

        let fewer = ParameterArena<Float>()
        fewer.add(name: "weight_ih_l0", shape: [20, 5])
        #expect(throws: RNNKitError("weights do not match the model: unexpected 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0'")) {
            try fewer.load(from: file, prefix: "rnn.")
        }
        #expect(throws: RNNKitError("weights do not match the model: missing 'weight_ih_l0'; unexpected 'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0'")) {
            try fewer.load(from: file)
        }
        #expect(fewer.value(named: "weight_ih_l0") == Tensor(zeros: [20, 5]))  // untouched after failures
    }

    @Test func nonStrictLoadReportsAndLoadsWhatItCan() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = Self.rnnArena()
        try source.save(to: path(dir))
        let target = ParameterArena<Float>()
        target.add(name: "weight_hh_l0", shape: [6, 6])
        target.add(name: "weight_ih_l1", shape: [6, 6])
        let report = try target.load(from: path(dir), strict: false)
        #expect(report == WeightLoadReport(missing: ["weight_ih_l1"], unexpected: ["weight_ih_l0", "bias_ih_l0", "bias_hh_l0"]))
        #expect(target.value(named: "weight_hh_l0") == source.value(named: "weight_hh_l0"))
        #expect(target.value(named: "weight_ih_l1") == Tensor(zeros: [6, 6]))
    }

    @Test func rejectsIntegerWeights() throws {
        var writer = SafetensorsWriter()
        try writer.add("w", integers: [1, 2])
        let arena = ParameterArena<Float>()
        arena.add(name: "w", shape: [2])
        #expect(throws: RNNKitError("weight 'w' has dtype I64 in the file, expected a floating-point dtype")) {
            try arena.load(from: SafetensorsFile(bytes: writer.serialized()))
        }
    }
}
