import Foundation
import Testing
@testable import RNNKit

/// PyTorch parity of the task models (reference_models.py): every fixture in
/// Tests/RNNKitTests/Fixtures/models (made by ../shared/bench/make_model_fixtures.py), plus
/// every `*.safetensors` in the folder named by RNNKIT_MODEL_FIXTURES. Each run prints
/// `model parity: N/N fixtures match`. In the bundled set, fixtures of models whose issue has
/// not landed yet are listed as not yet supported; in RNNKIT_MODEL_FIXTURES every file must
/// be checkable.
@Suite struct ModelParityTests {
    /// The models RNNKit builds so far.
    static let supportedModels: Set<String> = ["SequenceClassifier", "SequenceTagger", "Forecaster", "SequenceAutoencoder", "Seq2Seq", "Captioner"]

    static var bundledFixtures: [URL] {
        ParityTests.fixtureFiles(in: Bundle.module.resourceURL!.appendingPathComponent("Fixtures/models"))
    }

    @Test func bundledFixturesMatch() throws {
        let files = Self.bundledFixtures
        #expect(files.count >= 18)
        var matched = 0, checked = 0, pending: [String] = []
        for url in files {
            let fixture = try Fixture(url)
            let model = fixture.metadata["model"] ?? "(none)"
            guard Self.supportedModels.contains(model) else { pending.append("\(url.lastPathComponent) (\(model))"); continue }
            checked += 1
            if try checkModelFixture(fixture) { matched += 1 }
        }
        #expect(checked >= 17)
        print("model parity: \(matched)/\(checked) fixtures match; not yet supported: \(pending.count) (\(pending.joined(separator: ", ")))")
        #expect(matched == checked)
    }

    /// Checks the folder in RNNKIT_MODEL_FIXTURES (if set): every file must be of a kind and
    /// model RNNKit can check, and match.
    @Test func fixturesFromEnvironment() throws {
        guard let dir = ProcessInfo.processInfo.environment["RNNKIT_MODEL_FIXTURES"] else { return }
        let files = ParityTests.fixtureFiles(in: URL(fileURLWithPath: dir))
        #expect(!files.isEmpty, "RNNKIT_MODEL_FIXTURES=\(dir) holds no *.safetensors file")
        var matched = 0
        for url in files {
            do {
                if try checkModelFixture(try Fixture(url)) { matched += 1 }
            } catch {
                Issue.record("\(url.lastPathComponent): \(error)")
            }
        }
        print("model parity: \(matched)/\(files.count) fixtures match")
        #expect(matched == files.count)
    }
}

/// One batch of a fixture: its inputs and target under `prefix` (`""` for model_grad,
/// `step<s>.` for model_training).
struct FixtureBatch {
    let fixture: Fixture
    let prefix: String
    func ints(_ name: String) throws -> [Int] { try fixture.intArray(prefix + "input." + name) }
    func floats(_ name: String) throws -> Tensor<Float> { try fixture.tensor(prefix + "input." + name) }
    var intTarget: [Int] { get throws { try fixture.intArray(prefix + "target") } }
    var floatTarget: [Float] { get throws { try fixture.tensor(prefix + "target").scalars } }
}

/// A task model under test: its arena, its outputs on a fixture's inputs, and one forward +
/// loss + backward on a fixture's inputs and target (returning the loss and dL/d(dense input)
/// by input name).
struct FixtureModel {
    let arena: ParameterArena<Float>
    let outputs: (FixtureBatch) throws -> [String: Tensor<Float>]
    let lossAndGradients: (FixtureBatch) throws -> (loss: Float, inputGradients: [String: [Float]])

    init(_ f: Fixture) throws {
        let config = try JSONValue.parse(Array(try f.string("config").utf8))
        switch try f.string("model") {
        case "SequenceClassifier":
            let m = try SequenceClassifier<Float>(try SequenceModelConfiguration(json: config, outputsKey: "classes"))
            arena = m.arena
            outputs = { b in ["logits": m.forward(tokens: try b.ints("tokens"), lengths: try b.ints("lengths"))] }
            lossAndGradients = { b in
                (m.lossAndGradients(tokens: try b.ints("tokens"), lengths: try b.ints("lengths"), labels: try b.intTarget).loss, [:])
            }
        case "SequenceTagger":
            let m = try SequenceTagger<Float>(try SequenceModelConfiguration(json: config, outputsKey: "tags"))
            arena = m.arena
            outputs = { b in ["logits": m.forward(tokens: try b.ints("tokens"), lengths: try b.ints("lengths"))] }
            lossAndGradients = { b in
                (m.lossAndGradients(tokens: try b.ints("tokens"), lengths: try b.ints("lengths"), tags: try b.intTarget).loss, [:])
            }
        case "Forecaster":
            let m = try Forecaster<Float>(try SeriesModelConfiguration(json: config, model: .forecaster))
            arena = m.arena
            outputs = { b in ["forecast": m.forward(try b.floats("x"))] }
            lossAndGradients = { b in
                let x = try b.floats("x")
                let r = m.lossAndGradients(x: x.scalars, steps: x.shape[0], target: try b.floatTarget, inputGradient: true)
                return (r.loss, ["x": r.dx!])
            }
        case "SequenceAutoencoder":
            let m = try SequenceAutoencoder<Float>(try SeriesModelConfiguration(json: config, model: .autoencoder))
            arena = m.arena
            outputs = { b in
                let (reconstruction, code) = m.forward(try b.floats("x"))
                return ["reconstruction": reconstruction, "code": code]
            }
            lossAndGradients = { b in
                let x = try b.floats("x")
                guard try b.floatTarget == x.scalars else { throw RNNKitError("\(f.name): the autoencoder's target must be its input") }
                let r = m.lossAndGradients(x: x.scalars, steps: x.shape[0], inputGradient: true)
                return (r.loss, ["x": r.dx!])
            }
        case "Seq2Seq":
            let m = try Seq2Seq<Float>(try Seq2SeqConfiguration(json: config))
            arena = m.arena
            func run(_ b: FixtureBatch) throws -> (source: [Int], lengths: [Int], targetIn: [Int], teacher: [Bool]) {
                (try b.ints("source"), try b.ints("source_lengths"), try b.ints("target_in"), try b.ints("teacher").map { $0 != 0 })
            }
            outputs = { b in
                let r = try run(b)
                let (logits, attention) = m.forward(source: r.source, sourceLengths: r.lengths, targetIn: r.targetIn, teacher: r.teacher)
                return attention.map { ["logits": logits, "attention": $0] } ?? ["logits": logits]
            }
            lossAndGradients = { b in
                let r = try run(b)
                return (m.lossAndGradients(source: r.source, sourceLengths: r.lengths, targetIn: r.targetIn,
                                           targetOut: try b.intTarget, teacher: r.teacher).loss, [:])
            }
        case "Captioner":
            let m = try Captioner<Float>(try CaptionerConfiguration(json: config))
            arena = m.arena
            let input = m.configuration.imageChannels == nil ? "features" : "image"
            outputs = { b in
                let x = try b.floats(input), captionIn = try b.ints("caption_in")
                let r = input == "image" ? m.forward(images: x, captionIn: captionIn) : m.forward(features: x, captionIn: captionIn)
                return ["logits": r.logits, "attention": r.attention]
            }
            lossAndGradients = { b in
                let x = try b.floats(input), captionIn = try b.ints("caption_in"), captionOut = try b.intTarget
                if input == "image" {
                    let r = m.lossAndGradients(images: x, captionIn: captionIn, captionOut: captionOut, imageGradient: true)
                    return (Float(r.loss.loss), ["image": r.dImages!])
                }
                let r = m.lossAndGradients(features: x, captionIn: captionIn, captionOut: captionOut, featureGradient: true)
                return (Float(r.loss.loss), ["features": r.dFeatures!])
            }
        case let model:
            throw RNNKitError("\(f.name): model \(model) is not built yet")
        }
    }
}

/// Checks one model fixture by its `kind`; returns whether every compared tensor matched.
func checkModelFixture(_ f: Fixture) throws -> Bool {
    switch f.metadata["kind"] {
    case "model_grad": return try checkModelGrad(f)
    case "model_training": return try checkModelTraining(f)
    case let kind: throw RNNKitError("\(f.name): unknown fixture kind \(kind ?? "(none)")")
    }
}

/// kind = model_grad: outputs, loss and every parameter gradient of one forward and backward.
func checkModelGrad(_ f: Fixture) throws -> Bool {
    let model = try FixtureModel(f)
    for name in model.arena.names { try model.arena.setValue(try f.tensor(name), named: name) }
    let batch = FixtureBatch(fixture: f, prefix: "")
    var ok = true
    let outputs = try model.outputs(batch)
    let parameters = Set(model.arena.names)   // `output.weight` is a parameter, not a returned output
    for name in f.names where name.hasPrefix("output.") && !parameters.contains(name) && outputs[String(name.dropFirst(7))] == nil {
        Issue.record("\(f.name): the model returns no \(name)")
        ok = false
    }
    for (name, value) in outputs {
        ok = expectClose(value.scalars, try f.tensor("output." + name).scalars, "\(f.name) output.\(name)") && ok
    }
    model.arena.zeroGradients()
    let (loss, inputGradients) = try model.lossAndGradients(batch)
    ok = expectClose([loss], try f.tensor("loss").scalars, "\(f.name) loss") && ok
    for name in f.names where name.hasPrefix("grad.input.") {
        guard let dx = inputGradients[String(name.dropFirst(11))] else {
            Issue.record("\(f.name): no gradient computed for \(name)")
            ok = false
            continue
        }
        ok = expectClose(dx, try f.tensor(name).scalars, "\(f.name) \(name)") && ok
    }
    for name in model.arena.names {
        ok = expectClose(model.arena.gradient(named: name)!.scalars, try f.tensor("grad." + name).scalars,
                         "\(f.name) grad.\(name)") && ok
    }
    return ok
}

/// kind = model_training: `steps` Adam steps with gradient-norm clipping; per-step losses,
/// pre-clip gradient norms and the final parameters.
func checkModelTraining(_ f: Fixture) throws -> Bool {
    let model = try FixtureModel(f)
    for name in model.arena.names { try model.arena.setValue(try f.tensor("init." + name), named: name) }
    guard try f.string("optimizer") == "adam" else { throw RNNKitError("\(f.name): unknown optimizer") }
    let adam = try Adam<Float>(learningRate: try f.double("lr"))
    let clip = try f.double("clip_norm")
    var losses: [Float] = [], norms: [Float] = []
    for s in 0..<(try f.int("steps")) {
        model.arena.zeroGradients()
        losses.append(try model.lossAndGradients(FixtureBatch(fixture: f, prefix: "step\(s).")).loss)
        norms.append(clipGradientNorm(model.arena, maxNorm: Float(clip)))
        adam.step(model.arena)
    }
    var ok = expectClose(losses, try f.tensor("losses").scalars, atol: 1e-5, rtol: 1e-4, "\(f.name) losses")
    ok = expectClose(norms, try f.tensor("grad_norms").scalars, atol: 1e-5, rtol: 1e-4, "\(f.name) grad_norms") && ok
    for name in model.arena.names {
        ok = expectClose(model.arena.value(named: name)!.scalars, try f.tensor("final." + name).scalars,
                         atol: 1e-5, rtol: 1e-4, "\(f.name) final.\(name)") && ok
    }
    return ok
}
