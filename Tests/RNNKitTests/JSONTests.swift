import Testing
@testable import RNNKit

@Suite struct JSONTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    /// The message of the error `text` fails with, or nil if it parses.
    private func failure(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return (error as? RNNKitError)?.message ?? "\(error)"
        }
    }

    @Test func parsesASafetensorsHeader() throws {
        let value = try parse(#" {"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, "__metadata__": {"k": "v"}}   "#)
        let expected = JSONValue.object([
            ("w", .object([("dtype", .string("F32")), ("shape", .array([.integer(2), .integer(3)])),
                           ("data_offsets", .array([.integer(0), .integer(24)]))])),
            ("__metadata__", .object([("k", .string("v"))])),
        ])
        #expect(value == expected)
    }

    @Test func keepsNumbersThatAreNotIntegersApart() throws {
        #expect(try parse("[-7, 0, 2.5, 1e3, 99999999999999999999]") ==
                .array([.integer(-7), .integer(0), .number("2.5"), .number("1e3"), .number("99999999999999999999")]))
        #expect(try parse("[true, false, null]") == .array([.bool(true), .bool(false), .null]))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\n\té😀"))
        #expect(try parse("\"héllo ✓\"") == .string("héllo ✓"))
    }

    @Test func serializesAndParsesBack() throws {
        let value = JSONValue.object([("name \"quoted\"\n", .array([.integer(1), .string("é\u{01}")])), ("b", .bool(false))])
        #expect(try parse(value.serialized) == value)
        #expect(JSONValue.quote("\u{01}") == #""\u0001""#)
    }

    @Test func rejectsMalformedInputWithItsPosition() {
        #expect(failure(#"{"a": 1, "a": 2}"#) == "invalid JSON in the header at byte 12: duplicate key 'a'")
        #expect(failure(#"{"a": 1} x"#) == "invalid JSON in the header at byte 9: unexpected data after the JSON value")
        #expect(failure(#"{"a": 1"#) == "invalid JSON in the header at byte 7: unexpected end of input, expected '}'")
        #expect(failure("[01]") == "invalid JSON in the header at byte 3: number with a leading zero")
        #expect(failure("[1.]") == "invalid JSON in the header at byte 3: a fraction needs digits")
        #expect(failure("\"a\u{01}\"") == "invalid JSON in the header at byte 2: control character in a string")
        #expect(failure(#""\ud800""#) == "invalid JSON in the header at byte 7: lone surrogate in a string")
        #expect(failure(#""\u12g4""#) == "invalid JSON in the header at byte 3: invalid \\u escape")
        #expect(failure(#""\q""#) == "invalid JSON in the header at byte 3: invalid escape in a string")
        #expect(failure("[tru]") == "invalid JSON in the header at byte 1: unexpected characters")
        #expect(failure("") == "invalid JSON in the header at byte 0: unexpected end of input")
        #expect(failure("\"abc") == "invalid JSON in the header at byte 4: unterminated string")
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]  // '"', a broken 2-byte sequence, '"'
        #expect(throws: RNNKitError("invalid JSON in the header at byte 3: string is not valid UTF-8")) {
            try JSONValue.parse(bytes)
        }
    }

    @Test func limitsNesting() throws {
        let ok = String(repeating: "[", count: JSONValue.maxDepth) + String(repeating: "]", count: JSONValue.maxDepth)
        #expect(failure(ok) == nil)
        let deep = String(repeating: "[", count: 100_000)
        #expect(failure(deep) == "invalid JSON in the header at byte \(JSONValue.maxDepth): nested deeper than \(JSONValue.maxDepth) levels")
    }
}
