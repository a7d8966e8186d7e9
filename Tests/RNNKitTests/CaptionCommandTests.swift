import Foundation
import Testing
@testable import RNNKit

/// `rnn caption` end to end on small data: train on the built-in shapes and on image files,
/// describe with an attention map, eval, and one clear error line for each kind of bad input.
@Suite(.serialized) struct CaptionCommandTests {
    static let tiny = ["--conv1", "4", "--conv2", "6", "--embed", "8", "--hidden", "16", "--attention-size", "8",
                       "--batch", "16", "--log-every", "1000"]

    @Test func trainDescribeEvalOnShapes() throws {
        let folder = TemporaryFolder("caption-cli")
        let out = folder.file("run")
        let trained = try RNNTool.run(["caption", "train", "--train-size", "64", "--valid-size", "20", "--epochs", "2",
                                       "--out", out] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        let metrics = RunDirectory(out).readTaskMetrics()
        #expect(metrics.count == 2 && metrics[0].validMetrics.map(\.name) == ["exact_match", "token_accuracy", "bleu", "localization"])
        #expect(FileManager.default.fileExists(atPath: RunDirectory(out).file("attention.svg")))

        let map = folder.file("map.svg")
        let described = try RNNTool.run(["caption", "describe", "--model", out, "--image-index", "3", "--attention-map", map])
        #expect(described.status == 0, "\(described.stderr)")
        #expect(described.stdout.split(separator: "\n").count == 1)
        let svg = try String(contentsOfFile: map, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("fill-opacity"))

        let evaluated = try RNNTool.run(["caption", "eval", "--model", out])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let json = try JSONValue.parse(Array(evaluated.stdout.utf8))
        for key in ["exact_match", "token_accuracy", "bleu", "localization"] { #expect(json[key] != nil, "\(key)") }
        #expect(json["count"] == .integer(20))

        // Resume for one more epoch.
        let resumed = try RNNTool.run(["caption", "train", "--out", out, "--resume", "--epochs", "3", "--log-every", "1000"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(RunDirectory(out).readTaskMetrics().count == 3)

        // Bad input: one line, non-zero exit, the run untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: RunDirectory(out).bestPath))
        try BadInputTests.expectError(["caption", "describe", "--model", out, "--image-index", "20"], "out of range")
        try BadInputTests.expectError(["caption", "train", "--data", "fashion-grid", "--fashion-mnist", folder.file("none"),
                                       "--out", folder.file("x")], "train-images-idx3-ubyte.gz")
        #expect(try Data(contentsOf: URL(fileURLWithPath: RunDirectory(out).bestPath)) == before)
    }

    /// `--conv3` and `--conv4`: two extra convolutions on the annotation grid, saved under the
    /// names conv3.*, conv4.*, the last one's channels the annotation width; `--conv4` without
    /// `--conv3` (or `--conv5` without `--conv4`) is refused.
    @Test func aDeeperCNNFromTheCommandLine() throws {
        let folder = TemporaryFolder("caption-deeper")
        let out = folder.file("run")
        let trained = try RNNTool.run(["caption", "train", "--train-size", "32", "--valid-size", "8", "--epochs", "1",
                                       "--conv3", "5", "--conv4", "7", "--out", out] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        let shapes = Dictionary(uniqueKeysWithValues: try SafetensorsFile(contentsOf: RunDirectory(out).bestPath).tensors
            .map { ($0.name, $0.shape) })
        #expect(shapes["conv3.weight"] == [5, 6, 3, 3] && shapes["conv4.weight"] == [7, 5, 3, 3])
        #expect(shapes["init_h.weight"] == [16, 7])                                   // (H, D): D = conv4's channels
        try BadInputTests.expectError(["caption", "train", "--conv4", "8", "--out", folder.file("x")], "--conv4 follows --conv3")
        try BadInputTests.expectError(["caption", "train", "--conv3", "8", "--conv5", "8", "--out", folder.file("x")],
                                      "--conv5 follows --conv4")
        #expect(!FileManager.default.fileExists(atPath: folder.file("x")))
    }

    @Test func imageFilesAndTheirErrors() throws {
        let folder = TemporaryFolder("caption-files")
        var g = SeededGenerator(seed: 2)
        let shapes = try GeneratedShapes.generate(count: 40, generator: &g)
        var file = SafetensorsWriter()
        try file.add("images", shapes.images(Array(0..<40)[...], as: Float.self))
        let images = folder.file("images.safetensors")
        try file.write(to: images)
        let captions = try folder.write("captions.txt", shapes.captions.map { $0.joined(separator: " ") }.joined(separator: "\n") + "\n")
        let out = folder.file("run")
        let trained = try RNNTool.run(["caption", "train", "--images", images, "--captions", captions, "--epochs", "1",
                                       "--out", out] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(RunDirectory(out).readTaskMetrics().first?.validMetrics.map(\.name) == ["exact_match", "token_accuracy", "bleu"])

        let short = try folder.write("short.txt", "red circle\n")
        try BadInputTests.expectError(["caption", "train", "--images", images, "--captions", short, "--out", folder.file("a")],
                                      "the counts must be equal")
        var rank3 = SafetensorsWriter()
        try rank3.add("images", Tensor<Float>(zeros: [40, 32, 32]))
        let flat = folder.file("flat.safetensors")
        try rank3.write(to: flat)
        try BadInputTests.expectError(["caption", "train", "--images", flat, "--captions", captions, "--out", folder.file("b")],
                                      "images must be (N, C, H, W)")
        var doubles = SafetensorsWriter()
        try doubles.add("images", Tensor<Double>(zeros: [40, 3, 32, 32]), dtype: .f64)
        let f64 = folder.file("f64.safetensors")
        try doubles.write(to: f64)
        try BadInputTests.expectError(["caption", "train", "--images", f64, "--captions", captions, "--out", folder.file("c")],
                                      "F32 or U8")
        let unknown = try folder.write("unknown.txt", (0..<40).map { _ in "purple hexagon" }.joined(separator: "\n") + "\n")
        try BadInputTests.expectError(["caption", "eval", "--model", out, "--images", images, "--captions", unknown],
                                      "not in the model's vocabulary")
    }

    /// Annotation vectors from another CNN (N, P, D) instead of images: the captioner is built
    /// on features of width D (no conv layers), trains, describes, evaluates and resumes; images
    /// given to it, an attention map, a wrong rank or --conv1 are one clear error each.
    @Test func givenFeaturesReplaceTheCNN() throws {
        let folder = TemporaryFolder("caption-features")
        let (N, P, D) = (30, 9, 5)
        let tensor = Tensor<Float>(shape: [N, P, D], scalars: LayerTestData.uniform(N * P * D, seed: 6).map { Float($0) })
        var file = SafetensorsWriter()
        try file.add("features", tensor)
        let features = folder.file("features.safetensors")
        try file.write(to: features)
        let words = ["red", "blue", "green"]
        let captions = try folder.write("captions.txt", (0..<N).map { "\(words[$0 % 3]) square" }.joined(separator: "\n") + "\n")
        let out = folder.file("run")
        let small = ["--embed", "8", "--hidden", "16", "--attention-size", "8", "--batch", "8", "--log-every", "1000"]
        let trained = try RNNTool.run(["caption", "train", "--features", features, "--captions", captions, "--epochs", "2",
                                       "--out", out] + small)
        #expect(trained.status == 0, "\(trained.stderr)")
        let saved = try SavedTaskModel.load(out, kind: CaptionTask.kind)
        #expect(saved.weights.names.allSatisfy { !$0.hasPrefix("conv") })
        #expect(saved.metadata["model"]?.contains("features") == true, "\(saved.metadata["model"] ?? "")")
        let described = try RNNTool.run(["caption", "describe", "--model", out, "--image-index", "1"])
        #expect(described.status == 0 && described.stdout.split(separator: "\n").count == 1, "\(described.stderr)")
        let evaluated = try RNNTool.run(["caption", "eval", "--model", out, "--features", features, "--captions", captions])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(try JSONValue.parse(Array(evaluated.stdout.utf8))["count"] == .integer(N))
        let resumed = try RNNTool.run(["caption", "train", "--out", out, "--resume", "--epochs", "3", "--log-every", "1000"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(RunDirectory(out).readTaskMetrics().count == 3)

        try BadInputTests.expectError(["caption", "describe", "--model", out, "--attention-map", folder.file("a.svg")],
                                      "no image to draw")
        var g = SeededGenerator(seed: 2)
        let shapes = try GeneratedShapes.generate(count: N, generator: &g)
        var imageFile = SafetensorsWriter()
        try imageFile.add("images", shapes.images(Array(0..<N)[...], as: Float.self))
        let images = folder.file("images.safetensors")
        try imageFile.write(to: images)
        try BadInputTests.expectError(["caption", "eval", "--model", out, "--images", images, "--captions", captions],
                                      "reads annotation vectors, not images")
        try BadInputTests.expectError(["caption", "train", "--features", images, "--captions", captions, "--out", folder.file("b")],
                                      "annotation vectors must be (N, P, D)")
        try BadInputTests.expectError(["caption", "train", "--features", features, "--captions", captions, "--conv1", "8",
                                       "--out", folder.file("c")], "--features replaces")
    }
}
