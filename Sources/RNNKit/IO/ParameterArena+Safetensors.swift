/// What `ParameterArena.load` found besides the tensors it loaded (PyTorch's
/// `load_state_dict` returns the same two lists).
public struct WeightLoadReport: Sendable, Equatable {
    /// Parameters of the arena with no tensor in the file (file names, prefix included).
    public var missing: [String]
    /// Tensors in the file under the prefix that are not parameters of the arena.
    public var unexpected: [String]
}

extension ParameterArena {
    /// Writes every parameter value under its PyTorch name, in registration order, atomically.
    ///
    /// The file is what `safetensors.torch.save_file(model.state_dict(), path)` writes for the
    /// same model, so PyTorch's `load_file` + `load_state_dict` read it back unchanged.
    /// - Parameters:
    ///   - path: the file to create or replace.
    ///   - metadata: the `__metadata__` map.
    ///   - prefix: prepended to every name, e.g. `"rnn."`.
    ///   - dtype: `.f32` or `.f64`; nil writes `Scalar`'s own type.
    /// - Throws: `RNNKitError` if the file cannot be written.
    public func save(to path: String, metadata: [String: String] = [:], prefix: String = "",
                     dtype: SafetensorsDType? = nil) throws {
        var writer = SafetensorsWriter(metadata: metadata)
        try add(to: &writer, prefix: prefix, dtype: dtype)
        try writer.write(to: path)
    }

    /// Adds every parameter value to `writer` under `prefix + name` (for checkpoints that hold
    /// more than the weights).
    /// - Throws: `RNNKitError` if a name is already in `writer` or `dtype` is not F32 or F64.
    public func add(to writer: inout SafetensorsWriter, prefix: String = "", dtype: SafetensorsDType? = nil) throws {
        for e in entries {
            try writer.add(prefix + e.name, value(named: e.name)!, dtype: dtype)
        }
    }

    /// Loads parameter values by name from the safetensors file at `path`.
    ///
    /// See `load(from:prefix:strict:)` for the rules.
    @discardableResult
    public func load(from path: String, prefix: String = "", strict: Bool = true) throws -> WeightLoadReport {
        let file = try SafetensorsFile(contentsOf: path)
        do {
            return try load(from: file, prefix: prefix, strict: strict)
        } catch let error as RNNKitError {
            throw RNNKitError("'\(path)': \(error.message)")
        }
    }

    /// Loads parameter values by name: parameter `name` reads the file's tensor `prefix + name`,
    /// converting F16/BF16/F32/F64 to `Scalar`. A PyTorch `state_dict` saved with
    /// `safetensors.torch.save_file` loads with no conversion (prefix `"rnn."` for a submodule).
    ///
    /// Nothing is changed unless every check passes. Shapes must always match. With `strict`,
    /// every parameter must be in the file and every file tensor whose name starts with `prefix`
    /// must be a parameter; without it, missing parameters keep their values and both lists
    /// are returned.
    /// - Returns: the missing and unexpected names (both empty after a strict load).
    /// - Throws: `RNNKitError` naming the mis-shaped, non-float, missing or unexpected tensors,
    ///   e.g. "weight 'rnn.weight_hh_l0' has shape [20, 5] in the file, the model expects [20, 6]".
    @discardableResult
    public func load(from file: SafetensorsFile, prefix: String = "", strict: Bool = true) throws -> WeightLoadReport {
        var found: [(entry: Entry, name: String)] = []
        var missing: [String] = []
        for e in entries {
            let name = prefix + e.name
            guard let info = file.info(name) else {
                missing.append(name)
                continue
            }
            guard info.shape == e.shape else {
                throw RNNKitError("weight '\(name)' has shape \(info.shape) in the file, the model expects \(e.shape)")
            }
            guard info.dtype.isReadableAsTensor else {
                throw RNNKitError("weight '\(name)' has dtype \(info.dtype.rawValue) in the file, expected a floating-point dtype")
            }
            found.append((e, name))
        }
        let parameterNames = Set(entries.map { prefix + $0.name })
        let unexpected = file.names.filter { $0.hasPrefix(prefix) && !parameterNames.contains($0) }
        if strict && !(missing.isEmpty && unexpected.isEmpty) {
            var problems: [String] = []
            if !missing.isEmpty { problems.append("missing \(Self.list(missing))") }
            if !unexpected.isEmpty { problems.append("unexpected \(Self.list(unexpected))") }
            throw RNNKitError("weights do not match the model: \(problems.joined(separator: "; "))")
        }
        for (e, name) in found {
            try setValue(file.tensor(name), named: e.name)
        }
        return WeightLoadReport(missing: missing, unexpected: unexpected)
    }

    /// `'a', 'b', 'c'`, or the first five and a count of the rest.
    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > 5 ? "\(shown) and \(names.count - 5) more" : shown
    }
}
