import Testing
@testable import RNNKit

@Suite struct TaskVocabularyTests {
    @Test func specialsThenSymbolsSeenMinCountTimesSortedByCodePoint() {
        let v = TaskVocabulary(counting: [["b", "a", "Z", "b"], ["a", "c", "é"], ["é"]], minCount: 2)
        #expect(v.symbols == ["<pad>", "<unk>", "a", "b", "é"])
        #expect(v.count == 5 && v.unknownID == 1 && v.specialCount == 2)
        #expect(v.encode(["b", "Z", "é", "zz"]) == [3, 1, 4, 1])
        #expect(v.unknownCount(["b", "Z", "zz"]) == 2)
        #expect(v.id(of: "<pad>") == 0 && v.id(of: "c") == nil && v.symbol(of: 2) == "a")
        // minCount 1 keeps everything; upper case sorts before lower case, as in Python.
        #expect(TaskVocabulary(counting: [["b", "Z", "a"]], minCount: 1).symbols == ["<pad>", "<unk>", "Z", "a", "b"])
    }

    @Test func specialsInTheDataAreNotListedTwice() {
        let v = TaskVocabulary(counting: [["<unk>", "<unk>", "x", "x"]], minCount: 2)
        #expect(v.symbols == ["<pad>", "<unk>", "x"])
        #expect(v.encode(["<unk>", "y"]) == [1, 1])
    }

    @Test func canonicallyEquivalentSymbolsStayDistinct() {
        let v = TaskVocabulary(counting: [["\u{C5}", "\u{212B}"]], minCount: 1)
        #expect(v.count == 4)
        #expect(v.encode(["\u{212B}", "\u{C5}"]) == [3, 2])
    }

    @Test func restoresFromSymbolsAndValidates() throws {
        let v = TaskVocabulary(counting: [["q", "p"]], minCount: 1)
        #expect(try TaskVocabulary(symbols: v.symbols) == v)
        #expect(throws: RNNKitError("the vocabulary does not start with the special symbols <pad> <unk>")) {
            try TaskVocabulary(symbols: ["<unk>", "<pad>", "a"])
        }
        #expect(throws: RNNKitError("the vocabulary repeats a symbol")) {
            try TaskVocabulary(symbols: ["<pad>", "<unk>", "a", "a"])
        }
        #expect(throws: RNNKitError("the vocabulary's symbols are not sorted by code point")) {
            try TaskVocabulary(symbols: ["<pad>", "<unk>", "b", "a"])
        }
        let seq = try TaskVocabulary(symbols: ["<pad>", "<unk>", "<bos>", "<eos>", "a"], specials: ["<pad>", "<unk>", "<bos>", "<eos>"])
        #expect(seq.specialCount == 4 && seq.encode(["a", "b"]) == [4, 1])
    }

    @Test func labelSetSortsByCodePoint() throws {
        let tags = LabelSet(labels: ["O", "I-NP", "B-NP", "B-VP", "O"])
        #expect(tags.symbols == ["B-NP", "B-VP", "I-NP", "O"])
        #expect(tags.id(of: "O") == 3 && tags.id(of: "I-VP") == nil && tags.name(of: 2) == "I-NP")
        #expect(tags.encode(["O", "I-VP"]) == [3, PaddedBatch.ignoreIndex])
        #expect(try tags.ids(of: ["B-VP"]) == [1])
        #expect(throws: RNNKitError("the label 'I-VP' is not one of the 4 labels of the training set (B-NP, B-VP, I-NP, O)")) {
            try tags.ids(of: ["I-VP"])
        }
        #expect(LabelSet(labels: ["pos", "neg"]).symbols == ["neg", "pos"])
        #expect(try LabelSet(symbols: tags.symbols) == tags)
        #expect(throws: RNNKitError("the labels are repeated or not sorted by code point")) { try LabelSet(symbols: ["pos", "neg"]) }
        #expect(throws: RNNKitError("the label set is empty")) { try LabelSet(symbols: []) }
    }

    @Test func tokenizerFollowsPythonSplitAndList() {
        #expect(TaskTokenizer.tokens(of: "  Not BAD\tat\u{A0}all ", unit: .word, lowercase: true) == ["not", "bad", "at", "all"])
        #expect(TaskTokenizer.tokens(of: "Ab c", unit: .word, lowercase: false) == ["Ab", "c"])
        #expect(TaskTokenizer.tokens(of: "Ab e\u{301}", unit: .character, lowercase: true) == ["a", "b", " ", "e", "\u{301}"])
    }
}
