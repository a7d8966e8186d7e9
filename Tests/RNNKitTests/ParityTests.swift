import Foundation
import Testing
@testable import RNNKit

/// PyTorch parity: every fixture in Tests/RNNKitTests/Fixtures/parity (made by PyTorch with
/// ../shared/bench/make_fixtures.py), plus every `*.safetensors` in the folder named by
/// RNNKIT_PARITY_FIXTURES when that variable is set. A fixture of unknown kind, or one that
/// cannot be read, fails the test.
@Suite struct ParityTests {
    static var bundledFixtures: [URL] {
        let dir = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/parity")
        return fixtureFiles(in: dir)
    }

    static func fixtureFiles(in dir: URL) -> [URL] {
        let files = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "safetensors" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func bundledFixturesArePresent() {
        #expect(Self.bundledFixtures.count >= 16)
    }

    @Test(arguments: bundledFixtures)
    func bundledFixtureMatches(_ url: URL) throws {
        #expect(try checkFixture(at: url), "\(url.lastPathComponent) does not match PyTorch")
    }

    /// Checks the folder in RNNKIT_PARITY_FIXTURES (if set) and prints `parity: N/N fixtures match`.
    @Test func fixturesFromEnvironment() throws {
        guard let dir = ProcessInfo.processInfo.environment["RNNKIT_PARITY_FIXTURES"] else { return }
        let files = Self.fixtureFiles(in: URL(fileURLWithPath: dir))
        #expect(!files.isEmpty, "RNNKIT_PARITY_FIXTURES=\(dir) holds no *.safetensors file")
        var matched = 0
        for url in files {
            do {
                if try checkFixture(at: url) { matched += 1 }
            } catch {
                Issue.record("\(url.lastPathComponent): \(error)")
            }
        }
        print("parity: \(matched)/\(files.count) fixtures match")
    }
}

/// Checks one fixture by its `kind`; returns whether every compared tensor matched.
func checkFixture(at url: URL) throws -> Bool {
    let fixture = try Fixture(url)
    switch fixture.metadata["kind"] {
    case "rnn_grad": return try checkRNNGrad(fixture)
    case "lm_training": return try checkLMTraining(fixture)
    case "grad_flow": return try checkGradFlow(fixture)
    case let kind:
        Issue.record("\(url.lastPathComponent): unknown fixture kind \(kind ?? "(none)")")
        return false
    }
}

/// The stack an `rnn_grad` or `grad_flow` fixture describes (mode, sizes, layers, bias,
/// directions), with the fixture's parameters.
func fixtureStack(_ f: Fixture) throws -> (CellKind, RecurrentStack<Float>, ParameterArena<Float>) {
    guard let cell = CellKind(rawValue: try f.string("mode")) else {
        throw RNNKitError("\(f.name): unknown mode \(f.metadata["mode"] ?? "")")
    }
    var g = SeededGenerator(seed: 0)
    let arena = ParameterArena<Float>()
    let stack = RecurrentStack<Float>(
        cell: cell, inputSize: try f.int("input_size"), hiddenSize: try f.int("hidden_size"),
        numLayers: try f.int("num_layers"), bias: try f.bool("bias"), bidirectional: try f.bool("bidirectional"),
        dropout: 0, arena: arena, prefix: "", generator: &g)
    for name in arena.names { try arena.setValue(try f.tensor(name), named: name) }
    return (cell, stack, arena)
}

/// kind = rnn_grad: one forward and backward of a stack; outputs, final states, and the
/// gradients of input, initial state and every parameter.
func checkRNNGrad(_ f: Fixture) throws -> Bool {
    let (cell, stack, arena) = try fixtureStack(f)
    let h0 = f.optionalTensor("h0"), c0 = f.optionalTensor("c0")
    let initial = h0.map { RecurrentState(h: $0, c: c0) }
    let (output, state) = stack.forward(try f.tensor("input"), initialState: initial, lengths: f.optionalInts("lengths"))
    var ok = expectClose(output.scalars, try f.tensor("output").scalars, "\(f.name) output")
    ok = expectClose(state.h.scalars, try f.tensor("h_n").scalars, "\(f.name) h_n") && ok
    if cell.hasCellState { ok = expectClose(state.c!.scalars, try f.tensor("c_n").scalars, "\(f.name) c_n") && ok }

    arena.zeroGradients()
    let gradState = RecurrentState(h: try f.tensor("grad_h_n"), c: f.optionalTensor("grad_c_n"))
    let grads = stack.backward(gradOutput: try f.tensor("grad_output"), gradState: gradState)
    ok = expectClose(grads.input.scalars, try f.tensor("grad.input").scalars, "\(f.name) grad.input") && ok
    if h0 != nil {
        ok = expectClose(grads.initialState.h.scalars, try f.tensor("grad.h0").scalars, "\(f.name) grad.h0") && ok
    }
    if c0 != nil {
        ok = expectClose(grads.initialState.c!.scalars, try f.tensor("grad.c0").scalars, "\(f.name) grad.c0") && ok
    }
    for name in arena.names {
        ok = expectClose(arena.gradient(named: name)!.scalars, try f.tensor("grad." + name).scalars,
                         "\(f.name) grad.\(name)") && ok
    }
    return ok
}
