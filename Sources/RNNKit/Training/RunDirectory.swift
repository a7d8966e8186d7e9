#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The folder a training run writes (`rnn train --out DIR`):
///
/// | file | what |
/// |---|---|
/// | `metrics.jsonl` | one JSON object per validation (`MetricsRecord`) |
/// | `loss.svg` | the loss curve, redrawn at each validation |
/// | `best.safetensors` | the weights with the lowest validation loss, PyTorch names, with the model's configuration and vocabulary as metadata; what `rnn sample/eval/score` load |
/// | `latest.safetensors` | the latest weights and everything needed to resume (metadata) |
/// | `latest.state.<id>.safetensors` | the optimizer state and carried hidden state of `latest` |
///
/// Every file is replaced atomically (temporary file, flush, rename); `latest.safetensors` is
/// written last and names its state file, so a crash at any moment leaves the previous
/// checkpoint whole.
public struct RunDirectory: Sendable {
    /// The folder.
    public let path: String

    /// A run folder at `path` (not created until `create()`).
    public init(_ path: String) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// `metrics.jsonl`.
    public var metricsPath: String { file("metrics.jsonl") }
    /// `loss.svg`.
    public var lossCurvePath: String { file("loss.svg") }
    /// `best.safetensors`.
    public var bestPath: String { file("best.safetensors") }
    /// `latest.safetensors`.
    public var latestPath: String { file("latest.safetensors") }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Whether the folder holds a checkpoint to resume from.
    public var hasCheckpoint: Bool { Self.exists(latestPath) }

    /// Creates the folder and its missing parents.
    /// - Throws: `RNNKitError` if it cannot be created or is not a folder.
    public func create() throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw RNNKitError("cannot create '\(prefix)': \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw RNNKitError("'\(path)' is not a folder")
        }
    }

    /// The records of `metrics.jsonl` (none if it does not exist).
    public func readMetrics() -> [MetricsRecord] {
        guard let bytes = try? FileIO.readAll(metricsPath) else { return [] }
        return MetricsRecord.records(inJSONLines: String(decoding: bytes, as: UTF8.self))
    }

    /// Appends one line (a JSON object) to `metrics.jsonl` and flushes it to disk.
    func appendMetricLine(_ text: String) throws {
        let fd = open(metricsPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw RNNKitError("cannot open '\(metricsPath)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let line = Array((text + "\n").utf8)
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        guard written == line.count else { throw RNNKitError("cannot write '\(metricsPath)': \(String(cString: strerror(errno)))") }
        _ = fsync(fd)
    }

    /// The names of the files in the folder (empty if it cannot be read).
    func fileNames() -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// The state files of checkpoints (`latest.state.*.safetensors`).
    func stateFileNames() -> [String] {
        fileNames().filter { $0.hasPrefix("latest.state.") && $0.hasSuffix(".safetensors") }
    }

    /// Removes the files a run writes (to start a new run in a scratch folder).
    public func removeRunFiles() {
        let gradientFlow = fileNames().filter { $0.hasPrefix("gradflow-step") }
        for name in ["metrics.jsonl", "loss.svg", "best.safetensors", "latest.safetensors"] + stateFileNames() + gradientFlow {
            unlink(file(name))
        }
    }

    /// Removes `name` from the folder, ignoring a missing file.
    func remove(_ name: String) { unlink(file(name)) }

    /// The model file `path` names: a file itself, or a run folder's `best.safetensors`, else
    /// its `latest.safetensors`.
    /// - Throws: `RNNKitError` for a folder that holds neither.
    static func modelFile(_ path: String) throws -> String {
        guard isFolder(path) else { return path }
        let run = RunDirectory(path)
        guard let found = [run.bestPath, run.latestPath].first(where: exists) else {
            throw RNNKitError("'\(path)' holds no checkpoint (best.safetensors or latest.safetensors)")
        }
        return found
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether `path` is a folder.
    public static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
