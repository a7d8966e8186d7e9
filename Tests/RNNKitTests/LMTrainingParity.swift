import Testing
@testable import RNNKit

/// kind = lm_training: Embedding → stack → Linear trained for `steps` chunks the way PyTorch's
/// word_language_model trains (state carried as a constant, mean cross-entropy, clip, step);
/// checks every step's loss and pre-clip gradient norm and the final parameters.
func checkLMTraining(_ f: Fixture) throws -> Bool {
    guard let cell = CellKind(rawValue: try f.string("mode")) else {
        throw RNNKitError("\(f.name): unknown mode \(f.metadata["mode"] ?? "")")
    }
    let V = try f.int("vocab"), B = try f.int("batch"), bptt = try f.int("bptt"), steps = try f.int("steps")
    let config = LanguageModel<Float>.Configuration(
        cell: cell, vocabularySize: V, embeddingSize: try f.int("embed"), hiddenSize: try f.int("hidden_size"),
        numLayers: try f.int("num_layers"))
    let model = try LanguageModel<Float>(config)
    for name in model.arena.names { try model.arena.setValue(try f.tensor("init." + name), named: name) }
    let lr = try f.double("lr"), clip = try f.double("clip_norm")
    let optimizer: any Optimizer<Float>
    switch try f.string("optimizer") {
    case "sgd": optimizer = try SGD<Float>(learningRate: lr)
    case "sgd_momentum": optimizer = try SGD<Float>(learningRate: lr, momentum: 0.9)
    case "adam": optimizer = try Adam<Float>(learningRate: lr)
    case "adamw": optimizer = try AdamW<Float>(learningRate: lr, weightDecay: 0.01)
    case "rmsprop": optimizer = try RMSprop<Float>(learningRate: lr)
    case let name: throw RNNKitError("\(f.name): unknown optimizer \(name)")
    }
    guard try f.string("loss") == "cross_entropy_mean" else { throw RNNKitError("\(f.name): unknown loss") }

    // The stream cut into B columns: data[i][b] = tokens[b·N + i].
    let tokens = try f.intArray("tokens"), N = tokens.count / B
    func chunk(_ start: Int) -> [Int] {
        (0..<bptt).flatMap { i in (0..<B).map { b in tokens[b * N + start + i] } }
    }
    var losses: [Float] = [], norms: [Float] = []
    var state: RecurrentState<Float>? = nil
    for s in 0..<steps {
        model.arena.zeroGradients()
        let (loss, next) = model.lossAndGradients(inputs: chunk(s * bptt), targets: chunk(s * bptt + 1),
                                                  steps: bptt, batch: B, initialState: state)
        state = next
        norms.append(clip > 0 ? clipGradientNorm(model.arena, maxNorm: Float(clip)) : 0)
        optimizer.step(model.arena)
        losses.append(loss)
    }
    var ok = expectClose(losses, try f.tensor("losses").scalars, atol: 1e-5, rtol: 1e-4, "\(f.name) losses")
    ok = expectClose(norms, try f.tensor("grad_norms").scalars, atol: 1e-5, rtol: 1e-4, "\(f.name) grad_norms") && ok
    for name in model.arena.names {
        ok = expectClose(model.arena.value(named: name)!.scalars, try f.tensor("final." + name).scalars,
                         atol: 1e-5, rtol: 1e-4, "\(f.name) final.\(name)") && ok
    }
    return ok
}
