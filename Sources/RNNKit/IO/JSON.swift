// A small, strict JSON reader and writer for safetensors headers.
//
// The header is untrusted input, so the parser rejects what a lenient one would guess at:
// duplicate keys, trailing garbage, lone surrogates, control characters in strings, numbers
// with leading zeros, and nesting deeper than `JSONValue.maxDepth`. Integers keep their exact
// value (`Int`); any number with a fraction or exponent is kept apart, so a shape of `[2.5]`
// can be reported rather than silently truncated.

/// One JSON value. Objects keep their keys in file order.
enum JSONValue: Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// An integer that fits in `Int`.
    case integer(Int)
    /// Any other number (fraction, exponent or out of `Int` range), as written.
    case number(String)
    case bool(Bool)
    case null

    /// The deepest nesting of arrays and objects the parser accepts.
    static let maxDepth = 64

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// A short name of the value's kind, for error messages.
    var kindName: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .integer, .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }

    /// Parses a complete JSON document (surrounding whitespace allowed).
    /// - Throws: `RNNKitError` naming the byte offset of the first problem.
    static func parse(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        var parser = JSONParser(bytes: Array(bytes))
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == parser.bytes.count else {
            throw parser.error("unexpected data after the JSON value")
        }
        return value
    }

    /// The compact JSON text of this value (object keys in stored order).
    var serialized: String {
        switch self {
        case let .object(members):
            return "{" + members.map { Self.quote($0.key) + ":" + $0.value.serialized }.joined(separator: ",") + "}"
        case let .array(items): return "[" + items.map(\.serialized).joined(separator: ",") + "]"
        case let .string(s): return Self.quote(s)
        case let .integer(i): return String(i)
        case let .number(text): return text
        case let .bool(b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// `s` as a JSON string literal, escaping quotes, backslashes and control characters.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Recursive-descent parser over UTF-8 bytes.
private struct JSONParser {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ what: String) -> RNNKitError {
        RNNKitError("invalid JSON in the header at byte \(position): \(what)")
    }

    mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func value(depth: Int) throws -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        case let b: throw error("unexpected character '\(Character(Unicode.Scalar(b)))'")
        }
    }

    mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard bytes.count - position >= w.count, Array(bytes[position..<position + w.count]) == w else {
            throw error("unexpected characters")
        }
        position += w.count
    }

    mutating func expect(_ c: Character) throws {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == c.asciiValue! else {
            throw error(position < bytes.count ? "expected '\(c)'" : "unexpected end of input, expected '\(c)'")
        }
        position += 1
    }

    /// Consumes `c` (after whitespace) if it is next.
    mutating func consume(_ c: Character) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == c.asciiValue! else { return false }
        position += 1
        return true
    }

    mutating func object(depth: Int) throws -> JSONValue {
        guard depth <= JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
        position += 1
        var members: [(key: String, value: JSONValue)] = []
        var seen = Set<String>()
        if consume("}") { return .object(members) }
        repeat {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a key string") }
            let key = try string()
            guard seen.insert(key).inserted else { throw error("duplicate key '\(key)'") }
            try expect(":")
            members.append((key, try value(depth: depth)))
        } while consume(",")
        try expect("}")
        return .object(members)
    }

    mutating func array(depth: Int) throws -> JSONValue {
        guard depth <= JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
        position += 1
        var items: [JSONValue] = []
        if consume("]") { return .array(items) }
        repeat { items.append(try value(depth: depth)) } while consume(",")
        try expect("]")
        return .array(items)
    }

    mutating func number() throws -> JSONValue {
        let start = position
        func digits() -> Int {
            let s = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - s
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let intStart = position
        let intDigits = digits()
        guard intDigits > 0 else { throw error("a number needs digits") }
        guard intDigits == 1 || bytes[intStart] != UInt8(ascii: "0") else { throw error("number with a leading zero") }
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            isInteger = false
            guard digits() > 0 else { throw error("a fraction needs digits") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            isInteger = false
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw error("an exponent needs digits") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let i = Int(text) { return .integer(i) }
        return .number(text)
    }

    mutating func string() throws -> String {
        position += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var run = position  // start of the current unescaped run
        func flush(_ end: Int) throws {
            guard let piece = String(validating: bytes[run..<end], as: UTF8.self) else {
                throw error("string is not valid UTF-8")
            }
            scalars.append(contentsOf: piece.unicodeScalars)
        }
        while true {
            guard position < bytes.count else { throw error("unterminated string") }
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                try flush(position)
                position += 1
                return String(scalars)
            }
            guard b >= 0x20 else { throw error("control character in a string") }
            guard b == UInt8(ascii: "\\") else { position += 1; continue }
            try flush(position)
            position += 1
            guard position < bytes.count else { throw error("unterminated string") }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
            default: throw error("invalid escape in a string")
            }
            run = position
        }
    }

    /// The scalar of a `\uXXXX` escape (the `\u` already consumed), joining surrogate pairs.
    mutating func unicodeEscape() throws -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800..<0xDC00).contains(high) {
            guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
                  bytes[position + 1] == UInt8(ascii: "u") else { throw error("lone surrogate in a string") }
            position += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("lone surrogate in a string") }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else { throw error("lone surrogate in a string") }
        return scalar
    }

    mutating func hex4() throws -> UInt32 {
        guard bytes.count - position >= 4 else { throw error("invalid \\u escape") }
        var v: UInt32 = 0
        for b in bytes[position..<position + 4] {
            guard let digit = Character(Unicode.Scalar(b)).hexDigitValue else { throw error("invalid \\u escape") }
            v = v << 4 | UInt32(digit)
        }
        position += 4
        return v
    }
}
