// Typed reading and writing of the JSON that run files hold (checkpoint metadata, metrics
// lines). Reading is strict: a missing or mistyped field is an error that names it, so a
// checkpoint from another program or version is rejected with one clear line.

extension JSONValue {
    /// A number; non-finite values are written as the strings "inf", "-inf" and "nan" (JSON has
    /// no literal for them).
    static func double(_ x: Double) -> JSONValue {
        if x.isNaN { return .string("nan") }
        if x.isInfinite { return .string(x > 0 ? "inf" : "-inf") }
        return .number(x.description)
    }

    /// A number rounded to `digits` decimals (for human-facing metrics).
    static func rounded(_ x: Double, _ digits: Int) -> JSONValue {
        guard x.isFinite else { return .double(x) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return .double((x * scale).rounded() / scale)
    }

    /// A random generator's state as four 16-digit hex strings.
    static func generator(_ g: SeededGenerator) -> JSONValue {
        let s = g.state
        return .array([s.0, s.1, s.2, s.3].map { word in
            let h = String(word, radix: 16)
            return .string(String(repeating: "0", count: 16 - h.count) + h)
        })
    }

    /// The member `key` of an object, or nil.
    subscript(_ key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }
}

/// Strict typed access to the members of a JSON object, with errors naming `context.key`.
struct JSONFields {
    let value: JSONValue
    let context: String

    init(_ value: JSONValue, _ context: String) throws {
        guard case .object = value else { throw RNNKitError("\(context) is \(value.kindName), expected an object") }
        self.value = value
        self.context = context
    }

    func required(_ key: String) throws -> JSONValue {
        guard let v = value[key] else { throw RNNKitError("\(context) has no '\(key)'") }
        return v
    }

    func has(_ key: String) -> Bool { value[key] != nil && value[key] != .null }

    func object(_ key: String) throws -> JSONFields { try JSONFields(try required(key), "\(context).\(key)") }

    func string(_ key: String) throws -> String {
        guard case let .string(s) = try required(key) else { throw mistyped(key, "a string") }
        return s
    }

    func int(_ key: String) throws -> Int {
        guard case let .integer(i) = try required(key) else { throw mistyped(key, "an integer") }
        return i
    }

    func bool(_ key: String) throws -> Bool {
        guard case let .bool(b) = try required(key) else { throw mistyped(key, "true or false") }
        return b
    }

    func double(_ key: String) throws -> Double {
        switch try required(key) {
        case let .integer(i): return Double(i)
        case let .number(text): if let x = Double(text) { return x }
        case .string("inf"): return .infinity
        case .string("-inf"): return -.infinity
        case .string("nan"): return .nan
        default: break
        }
        throw mistyped(key, "a number")
    }

    func optionalString(_ key: String) throws -> String? { has(key) ? try string(key) : nil }

    func integers(_ key: String) throws -> [Int] {
        guard case let .array(items) = try required(key) else { throw mistyped(key, "an array of integers") }
        return try items.map { item in
            guard case let .integer(i) = item else { throw mistyped(key, "an array of integers") }
            return i
        }
    }

    /// The strings of a JSON array `value` (named `context` in errors).
    static func strings(_ value: JSONValue, _ context: String) throws -> [String] {
        guard case let .array(items) = value else { throw RNNKitError("\(context) is not an array of strings") }
        return try items.map {
            guard case let .string(s) = $0 else { throw RNNKitError("\(context) is not an array of strings") }
            return s
        }
    }

    func strings(_ key: String) throws -> [String] {
        guard case let .array(items) = try required(key) else { throw mistyped(key, "an array of strings") }
        return try items.map { item in
            guard case let .string(s) = item else { throw mistyped(key, "an array of strings") }
            return s
        }
    }

    func generators(_ key: String) throws -> [SeededGenerator] {
        guard case let .array(items) = try required(key) else { throw mistyped(key, "an array of generator states") }
        return try items.map { try JSONFields.generator($0, "\(context).\(key)") }
    }

    func generator(_ key: String) throws -> SeededGenerator {
        try JSONFields.generator(try required(key), "\(context).\(key)")
    }

    static func generator(_ value: JSONValue, _ context: String) throws -> SeededGenerator {
        guard case let .array(words) = value, words.count == 4 else {
            throw RNNKitError("\(context) is not a generator state (four hex strings)")
        }
        let parsed: [UInt64] = words.compactMap { if case let .string(s) = $0 { UInt64(s, radix: 16) } else { nil } }
        guard parsed.count == 4 else { throw RNNKitError("\(context) is not a generator state (four hex strings)") }
        var g = SeededGenerator(seed: 0)
        g.state = (parsed[0], parsed[1], parsed[2], parsed[3])
        return g
    }

    private func mistyped(_ key: String, _ expected: String) -> RNNKitError {
        RNNKitError("\(context).\(key) is \(value[key]?.kindName ?? "missing"), expected \(expected)")
    }
}
