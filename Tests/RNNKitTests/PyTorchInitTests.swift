import Foundation
import Testing
@testable import RNNKit

/// `initializeLikePyTorch(seed:)` against the weights PyTorch's own model holds after
/// `torch.manual_seed(seed)` (Fixtures/pytorch_init, made by make_lm_init.py there).
@Suite struct PyTorchInitTests {
    @Test func mersenneTwisterMatchesTheReferenceSequence() {
        var g = PyTorchGenerator(seed: 5489)                 // std::mt19937's default seed
        var last: UInt32 = 0
        for _ in 0..<10_000 { last = g.next() }
        #expect(last == 4_123_659_995)                       // the C++ standard's check value
    }

    @Test(arguments: [("lstm", CellKind.lstm, 11, 6, 5, 2, false, 0.0, UInt64(1)),
                      ("gru_tied_init", .gru, 9, 4, 4, 1, true, 0.1, 7),
                      ("rnn", .rnnTanh, 13, 3, 7, 2, false, 0.0, 123_456_789_012)])
    func matchesPyTorch(_ name: String, _ cell: CellKind, _ V: Int, _ E: Int, _ H: Int, _ L: Int,
                        _ tied: Bool, _ initRange: Double, _ seed: UInt64) throws {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/pytorch_init/lm_init.safetensors")
        let file = try SafetensorsFile(contentsOf: url.path)
        let model = try LanguageModel<Float>(.init(cell: cell, vocabularySize: V, embeddingSize: E, hiddenSize: H,
                                                   numLayers: L, tiedWeights: tied))
        model.initializeLikePyTorch(seed: seed, initRange: initRange)
        for entry in model.arena.entries {
            let expected: Tensor<Float> = try file.tensor("\(name).\(entry.name)")
            let actual = model.arena.value(named: entry.name)!
            // Uniform draws are exact; Box–Muller normals agree to rounding of log/sin/cos.
            expectClose(actual.scalars, expected.scalars, atol: 1e-6, rtol: 1e-6, "\(name).\(entry.name)")
        }
    }
}
