import Testing
@testable import RNNKit

@Suite struct VocabularyTests {
    @Test func charTokensAreUnicodeScalarsSortedByCodePoint() {
        // "é" written as e + combining acute is two tokens, as Python's list(text) gives.
        let text = "ba\u{65}\u{301}\u{212B}\u{C5}\n"
        let tokens = Tokenizer.tokens(of: text, level: .char)
        #expect(tokens.count == 7)
        let vocabulary = Vocabulary(level: .char, tokens: tokens)
        // The Ångström sign and Å are canonically equivalent in Swift but distinct code points.
        #expect(vocabulary.symbols.map { $0.unicodeScalars.first!.value } == [0x0A, 0x61, 0x62, 0x65, 0xC5, 0x301, 0x212B])
        #expect(vocabulary.id(of: "\u{212B}") == 6)
        #expect(vocabulary.id(of: "\u{C5}") == 4)
    }

    @Test func wordTokensFollowSplitlinesAndSplit() {
        let text = "to be\tor  not\r\nto be\u{2028}\n  \nend"
        let tokens = Tokenizer.tokens(of: text, level: .word)
        #expect(tokens == ["to", "be", "or", "not", "<eos>", "to", "be", "<eos>", "<eos>", "<eos>", "end", "<eos>"])
        // A final line break adds no empty line (Python's splitlines).
        #expect(Tokenizer.tokens(of: "a b\n", level: .word) == ["a", "b", "<eos>"])
        #expect(Tokenizer.tokens(of: "", level: .word) == [])
    }

    @Test func encodeDecodeRoundTrip() throws {
        let tokens = Tokenizer.tokens(of: "to be or not to be\nso it is\n", level: .word)
        let vocabulary = Vocabulary(level: .word, tokens: tokens)
        #expect(vocabulary.symbols == ["<eos>", "be", "is", "it", "not", "or", "so", "to"])
        let ids = try vocabulary.encode(tokens)
        #expect(ids.prefix(7) == [7, 1, 5, 4, 7, 1, 0])
        #expect(vocabulary.decode(ids) == "to be or not to be\nso it is\n")
        let chars = Vocabulary(level: .char, tokens: Tokenizer.tokens(of: "hello\n", level: .char))
        #expect(chars.decode(try chars.encode(Tokenizer.tokens(of: "hole\n", level: .char))) == "hole\n")
    }

    @Test func unknownSymbols() throws {
        let chars = Vocabulary(level: .char, tokens: ["a", "b"])
        #expect(throws: RNNKitError("'ж' (U+0436) is not in the model's vocabulary of 2 characters")) {
            try chars.encode(["a", "ж"])
        }
        let words = Vocabulary(level: .word, tokens: ["<unk>", "cat", "<eos>"])
        let (ids, unknown) = try words.encode(["cat", "dog", "<eos>"], mapUnknown: true)
        #expect(ids == [2, 1, 0] && unknown == 1)
        #expect(throws: RNNKitError.self) { try words.encode(["dog"]) }
        #expect(Tokenizer.location(of: "dog", in: "a cat\nthe  dog sat", level: .word)! == (2, 6))
        #expect(Tokenizer.location(of: "ж", in: "ab\ncжd", level: .char)! == (2, 2))
    }

    @Test func restoredVocabularyIsChecked() throws {
        #expect(try Vocabulary(level: .char, symbols: ["\n", "a", "b"]).count == 3)
        #expect(throws: RNNKitError.self) { try Vocabulary(level: .char, symbols: ["b", "a"]) }
        #expect(throws: RNNKitError.self) { try Vocabulary(level: .char, symbols: ["a", "a"]) }
        #expect(throws: RNNKitError.self) { try Vocabulary(level: .char, symbols: ["ab"]) }
        #expect(throws: RNNKitError.self) { try Vocabulary(level: .word, symbols: []) }
    }

    @Test func textFileReportsWhereUTF8Breaks() throws {
        #expect(try TextFile.decode(Array("a\r\nb\rc\n".utf8)) == "a\nb\nc\n")   // universal newlines
        #expect(try TextFile.decode(Array("é€😀".utf8)) == "é€😀")
        #expect(throws: RNNKitError("invalid UTF-8 at byte 5 (line 2): 0xFF cannot start a character")) {
            try TextFile.decode(Array("ab\ncd".utf8) + [0xFF])
        }
        #expect(throws: RNNKitError("invalid UTF-8 at byte 1 (line 1): 0xC0 cannot start a character")) {
            try TextFile.decode([0x61, 0xC0, 0xAF])          // overlong "/"
        }
        #expect(throws: RNNKitError("invalid UTF-8 at byte 0 (line 1): 0xE0 0x80 is not a valid sequence")) {
            try TextFile.decode([0xE0, 0x80, 0xAF])          // overlong, 3 bytes
        }
        #expect(throws: RNNKitError("invalid UTF-8 at byte 0 (line 1): 0xED 0xA0 is not a valid sequence")) {
            try TextFile.decode([0xED, 0xA0, 0x80])          // a surrogate
        }
        #expect(throws: RNNKitError("invalid UTF-8 at byte 2 (line 1): the file ends inside a 3-byte character")) {
            try TextFile.decode([0x61, 0x62, 0xE2, 0x82])
        }
    }
}
