import Testing
@testable import RNNKit

@Suite struct Seq2SeqVocabularyTests {
    @Test func fourSpecialsThenSortedSymbols() {
        let v = Seq2SeqVocabulary(counting: [["c", "a", "B"], ["b", "a"]])
        #expect(v.symbols == ["<pad>", "<unk>", "<bos>", "<eos>", "B", "a", "b", "c"])
        #expect(v.count == 8)
        #expect(v.encode(["a", "z", "c"]) == [5, 1, 7])
        #expect(v.unknownCount(["a", "z", "q"]) == 2)
        #expect(v.id(of: "<eos>") == Seq2SeqVocabulary.endID && v.symbol(of: 4) == "B")
        #expect(Seq2SeqVocabulary(counting: [["c", "a"], ["a"]], minCount: 2).symbols == Seq2SeqVocabulary.specials + ["a"])
        // A special written in the data keeps its id.
        #expect(Seq2SeqVocabulary(counting: [["<eos>", "x"]]).encode(["<eos>", "x"]) == [3, 4])
    }

    @Test func decodeStopsAtEndAndDropsPaddingAndBegin() {
        let v = Seq2SeqVocabulary(counting: [["x", "y"]])                     // x = 4, y = 5
        #expect(v.decode([2, 4, 0, 5, 3, 4, 4]) == ["x", "y"])
        #expect(v.decode([5, 1, 4]) == ["y", "<unk>", "x"])
        #expect(v.decode([3, 4]) == [])
        #expect(v.decode([]) == [])
    }

    @Test func restoresFromItsSymbolsAndValidates() throws {
        let v = Seq2SeqVocabulary(counting: [["q", "p", "é"]])
        #expect(try Seq2SeqVocabulary(symbols: v.symbols) == v)
        #expect(try Seq2SeqVocabulary(json: v.json, context: "target_vocabulary") == v)
        #expect(v.json.serialized == #"["<pad>","<unk>","<bos>","<eos>","p","q","é"]"#)
        #expect(throws: RNNKitError("the vocabulary does not start with the special symbols <pad> <unk> <bos> <eos>")) {
            try Seq2SeqVocabulary(symbols: ["<pad>", "<unk>", "a"])
        }
        #expect(throws: RNNKitError("the vocabulary's symbols are not sorted by code point")) {
            try Seq2SeqVocabulary(symbols: Seq2SeqVocabulary.specials + ["b", "a"])
        }
        #expect(throws: RNNKitError("the vocabulary repeats a symbol")) {
            try Seq2SeqVocabulary(symbols: Seq2SeqVocabulary.specials + ["a", "a"])
        }
        #expect(throws: RNNKitError("source_vocabulary is not an array of strings")) {
            try Seq2SeqVocabulary(json: .array([.integer(3)]), context: "source_vocabulary")
        }
        #expect(throws: RNNKitError("source_vocabulary: the vocabulary repeats a symbol")) {
            try Seq2SeqVocabulary(json: .array((Seq2SeqVocabulary.specials + ["<pad>"]).map(JSONValue.string)), context: "source_vocabulary")
        }
    }
}
