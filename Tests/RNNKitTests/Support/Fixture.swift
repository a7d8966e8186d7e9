import Foundation
@testable import RNNKit

/// A parity fixture: a safetensors file of PyTorch's tensors plus string metadata.
struct Fixture {
    let name: String
    let metadata: [String: String]
    private let floats: [String: Tensor<Float>]
    private let ints: [String: [Int]]

    init(_ url: URL) throws {
        name = url.lastPathComponent
        // TEMPORARY minimal reader until the library's safetensors reader lands.
        let data = try Data(contentsOf: url)
        let n = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + n)) as! [String: Any]
        var floats: [String: Tensor<Float>] = [:], ints: [String: [Int]] = [:]
        var metadata: [String: String] = [:]
        for (key, value) in header {
            let entry = value as! [String: Any]
            if key == "__metadata__" { metadata = entry as! [String: String]; continue }
            let shape = entry["shape"] as! [Int], offsets = entry["data_offsets"] as! [Int]
            let bytes = data.subdata(in: 8 + n + offsets[0]..<8 + n + offsets[1])
            if entry["dtype"] as! String == "F32" {
                let values = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                floats[key] = Tensor(shape: shape, scalars: values)
            } else {
                ints[key] = bytes.withUnsafeBytes { $0.bindMemory(to: Int64.self).map { Int($0) } }
            }
        }
        self.metadata = metadata
        self.floats = floats
        self.ints = ints
    }

    func tensor(_ key: String) throws -> Tensor<Float> {
        guard let t = floats[key] else { throw RNNKitError("\(name): no float tensor '\(key)'") }
        return t
    }
    func optionalTensor(_ key: String) -> Tensor<Float>? { floats[key] }
    func optionalInts(_ key: String) -> [Int]? { ints[key] }
    func intArray(_ key: String) throws -> [Int] {
        guard let t = ints[key] else { throw RNNKitError("\(name): no integer tensor '\(key)'") }
        return t
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

func checkLMTraining(_ f: Fixture) throws -> Bool { throw RNNKitError("pending") }
