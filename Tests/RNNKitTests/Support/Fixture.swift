import Foundation
@testable import RNNKit

/// A parity fixture: a safetensors file of PyTorch's tensors plus string metadata.
struct Fixture {
    let name: String
    let metadata: [String: String]
    private let file: SafetensorsFile

    init(_ url: URL) throws {
        name = url.lastPathComponent
        file = try SafetensorsFile(contentsOf: url.path)
        metadata = file.metadata
    }

    func tensor(_ key: String) throws -> Tensor<Float> {
        guard file.contains(key) else { throw RNNKitError("\(name): no tensor '\(key)'") }
        return try file.tensor(key)
    }
    /// Every tensor name in the file.
    var names: [String] { file.names }
    func optionalTensor(_ key: String) -> Tensor<Float>? { try? tensor(key) }
    func optionalInts(_ key: String) -> [Int]? { file.contains(key) ? try? file.integers(key) : nil }
    func intArray(_ key: String) throws -> [Int] {
        guard file.contains(key) else { throw RNNKitError("\(name): no integer tensor '\(key)'") }
        return try file.integers(key)
    }
    func string(_ key: String) throws -> String {
        guard let s = metadata[key] else { throw RNNKitError("\(name): no metadata '\(key)'") }
        return s
    }
    func int(_ key: String) throws -> Int {
        guard let v = Int(try string(key)) else { throw RNNKitError("\(name): metadata '\(key)' is not an integer") }
        return v
    }
    func double(_ key: String) throws -> Double {
        guard let v = Double(try string(key)) else { throw RNNKitError("\(name): metadata '\(key)' is not a number") }
        return v
    }
    func bool(_ key: String) throws -> Bool {
        switch try string(key) {
        case "true": return true
        case "false": return false
        case let s: throw RNNKitError("\(name): metadata '\(key)' = \(s) is not a boolean")
        }
    }
}

