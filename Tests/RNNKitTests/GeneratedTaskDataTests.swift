import Testing
@testable import RNNKit

@Suite struct GeneratedTaskDataTests {
    @Test func classificationIsDeterministicBalancedAndParses() throws {
        let text = GeneratedTaskData.classification(examples: 1_000, seed: 1)
        #expect(text == GeneratedTaskData.classification(examples: 1_000, seed: 1))
        #expect(text != GeneratedTaskData.classification(examples: 1_000, seed: 2))
        let examples = try LabeledTextFile.parse(text: text, path: "generated", unit: .word, lowercase: false)
        #expect(examples.count == 1_000)
        #expect(examples.allSatisfy { (8...20).contains($0.tokens.count) })
        let positive = examples.filter { $0.label == "pos" }.count
        #expect(LabelSet(labels: examples.map(\.label)).symbols == ["neg", "pos"])
        #expect((430...570).contains(positive))
        // Order and negation decide: the same words occur under both labels.
        let byLabel = Dictionary(grouping: examples, by: \.label)
        for word in ["not", "but", "although", "good", "boring"] {
            #expect(byLabel["pos"]!.contains { $0.tokens.contains(word) } && byLabel["neg"]!.contains { $0.tokens.contains(word) })
        }
    }

    @Test func taggingIsDeterministicAndParsesWithAmbiguousWords() throws {
        let text = GeneratedTaskData.tagging(sentences: 500, seed: 1)
        #expect(text == GeneratedTaskData.tagging(sentences: 500, seed: 1))
        #expect(text != GeneratedTaskData.tagging(sentences: 500, seed: 2))
        let chunks = try ConllFile.parse(text: text, path: "generated", lowercase: true)
        let pos = try ConllFile.parse(text: text, path: "generated", tagColumn: 2, lowercase: true)
        #expect(chunks.count == 500 && pos.count == 500)
        #expect(Set(chunks.flatMap(\.tags)) == ["B-NP", "I-NP", "B-VP", "I-VP", "B-PP", "B-ADJP", "I-ADJP", "B-ADVP", "O"])
        // The same word is a noun in some places and a verb in others.
        var tagsOf: [String: Set<String>] = [:]
        for s in pos { for (w, t) in zip(s.words, s.tags) { tagsOf[w, default: []].insert(t) } }
        for word in ["saw", "watch", "run", "can", "light"] {
            let tags = tagsOf[word] ?? []
            #expect(tags.contains("NN") && !tags.isDisjoint(with: ["VB", "VBD", "VBP", "MD"]), "\(word): \(tags)")
        }
        // Every sentence's chunk tags form valid IOB2 chunks that cover every non-O token.
        for s in chunks {
            let covered = ChunkMetrics.chunks(of: s.tags).reduce(0) { $0 + $1.end - $1.start + 1 }
            #expect(covered == s.tags.filter { $0 != "O" }.count)
            #expect(!s.tags[0].hasPrefix("I-"))
        }
    }
}
