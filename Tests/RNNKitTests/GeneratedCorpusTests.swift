import Testing
@testable import RNNKit

@Suite struct GeneratedCorpusTests {
    @Test func isDeterministicAndSized() {
        let a = GeneratedCorpus.text(characters: 5_000, seed: 1)
        #expect(a == GeneratedCorpus.text(characters: 5_000, seed: 1))
        #expect(a != GeneratedCorpus.text(characters: 5_000, seed: 2))
        #expect(a.utf8.count >= 5_000 && a.utf8.count < 6_000)
        #expect(Set(a).count < 60)   // a small character vocabulary
    }
}
