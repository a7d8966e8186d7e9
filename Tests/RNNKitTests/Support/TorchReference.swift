import Foundation
import Testing
@testable import RNNKit

/// PyTorch's own float32 results for the optimizers, clipping and losses
/// (Fixtures/reference/torch_reference.safetensors, written by make_reference.py beside it).
enum TorchReference {
    /// The parsed reference file.
    static func file() throws -> SafetensorsFile {
        try SafetensorsFile(contentsOf: fixtureURL("reference/torch_reference.safetensors").path)
    }

    /// An arena with the reference's two parameters, p0 (7, 9) and p1 (40,).
    static func arena() -> ParameterArena<Float> {
        let arena = ParameterArena<Float>()
        arena.add(name: "p0", shape: [7, 9])
        arena.add(name: "p1", shape: [40])
        return arena
    }

    /// Copies the file's tensors `prefix + name` into the arena's gradients.
    static func setGradients(_ arena: ParameterArena<Float>, from file: SafetensorsFile, prefix: String) throws {
        for e in arena.entries {
            let g: Tensor<Float> = try file.tensor(prefix + e.name)
            for i in 0..<e.count { arena.gradientPointer(e)[i] = g.scalars[i] }
        }
    }
}
