import Testing
@testable import RNNKit

@Suite struct ConllFileTests {
    let text = "Confidence NN B-NP\nin IN B-PP\nthe DT B-NP\n\n\n\nHe PRP B-NP\r\nreckons VBZ B-VP extra O\n"

    @Test func readsSentencesWithTheLastColumnAsTag() throws {
        let sentences = try ConllFile.parse(text: text, path: "c.txt", lowercase: true)
        #expect(sentences == [TaggedSentence(words: ["confidence", "in", "the"], tags: ["B-NP", "B-PP", "B-NP"]),
                              TaggedSentence(words: ["he", "reckons"], tags: ["B-NP", "O"])])
        // A final sentence without a blank line after it, and a chosen tag column.
        let pos = try ConllFile.parse(text: "A DT B-NP\ncat NN I-NP", path: "c.txt", tagColumn: 2, lowercase: false)
        #expect(pos == [TaggedSentence(words: ["A", "cat"], tags: ["DT", "NN"])])
    }

    @Test func errorsNameTheFileAndLine() {
        #expect(throws: RNNKitError("'c.txt' line 2: 2 columns, but the tags need 3 columns")) {
            try ConllFile.parse(text: "a DT B-NP\nb NN\n", path: "c.txt", tagColumn: 3, lowercase: true)
        }
        #expect(throws: RNNKitError("'c.txt' line 3: 1 column, but the tags need a word and a tag")) {
            try ConllFile.parse(text: "a B-NP\n\nb\n", path: "c.txt", lowercase: true)
        }
        #expect(throws: RNNKitError("'c.txt' holds no sentences")) {
            try ConllFile.parse(text: "\n \n", path: "c.txt", lowercase: true)
        }
        #expect(throws: RNNKitError("the tag column is 1, but column 1 holds the word: it must be 2 or more")) {
            try ConllFile.parse(text: "a b\n", path: "c.txt", tagColumn: 1, lowercase: true)
        }
    }

    @Test func wordsForPredictionTakeTheFirstColumn() throws {
        #expect(try ConllFile.parseWords(text: text, path: "c.txt", lowercase: false) == [["Confidence", "in", "the"], ["He", "reckons"]])
        #expect(try ConllFile.parseWords(text: "\nThe\ncat\n\nran", path: "w.txt", lowercase: true) == [["the", "cat"], ["ran"]])
        #expect(throws: RNNKitError("'w.txt' holds no sentences")) { try ConllFile.parseWords(text: "\n", path: "w.txt", lowercase: true) }
    }

    @Test func formatRoundTrips() throws {
        let sentences = [TaggedSentence(words: ["a", "b"], tags: ["B-NP", "I-NP"]), TaggedSentence(words: ["c"], tags: ["O"])]
        let text = ConllFile.format(sentences)
        #expect(text == "a B-NP\nb I-NP\n\nc O\n\n")
        #expect(try ConllFile.parse(text: text, path: "f", lowercase: false) == sentences)
    }
}
