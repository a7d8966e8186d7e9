import Foundation
@testable import RNNKit

/// Rewrites checkpoints the way a hostile or damaged file would look, but with valid
/// checksums, so that the code past the checksum checks sees the changed values.
enum CheckpointSurgery {
    /// Rewrites the checkpoint at `path` with its metadata changed by `change` (tensors kept,
    /// as F32), with both checksums recomputed.
    static func rewrite(_ path: String, _ change: (inout [String: String]) throws -> Void) throws {
        let file = try SafetensorsFile(contentsOf: path)
        var metadata = file.metadata
        try change(&metadata)
        var writer = SafetensorsWriter(metadata: metadata)
        for name in file.names { try writer.add(name, try file.tensor(name) as Tensor<Float>) }
        try Checkpoint.writeWithChecksum(&writer, to: path)
    }

    /// Sets member `field` of the JSON object in metadata entry `key` to the JSON text `raw`
    /// (a path "a.b" reaches into nested objects).
    static func setJSON(_ metadata: inout [String: String], _ key: String, _ field: String, _ raw: String) throws {
        let value = try JSONValue.parse(Array(metadata[key, default: "{}"].utf8))
        metadata[key] = try replacing(value, path: field.split(separator: ".").map(String.init),
                                      with: try JSONValue.parse(Array(raw.utf8))).serialized
    }

    private static func replacing(_ value: JSONValue, path: [String], with new: JSONValue) throws -> JSONValue {
        guard let first = path.first else { return new }
        guard case var .object(members) = value else { throw RNNKitError("not an object at \(first)") }
        if let i = members.firstIndex(where: { $0.key == first }) {
            members[i].value = try replacing(members[i].value, path: Array(path.dropFirst()), with: new)
        } else {
            members.append((first, try replacing(.object([]), path: Array(path.dropFirst()), with: new)))
        }
        return .object(members)
    }

    /// Copies the folder at `source` to a new folder next to it and returns the copy's path.
    static func copyRun(_ source: String, to name: String) throws -> String {
        let target = (source as NSString).deletingLastPathComponent + "/" + name
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: source, toPath: target)
        return target
    }

    /// The state file a run's latest checkpoint names.
    static func stateFile(_ run: String) throws -> String {
        let file = try SafetensorsFile(contentsOf: run + "/latest.safetensors")
        return run + "/" + (file.metadata["state_file"] ?? "missing")
    }
}
