// The tagging grammar: sentences of noun, verb, prepositional, adjective and adverb phrases,
// written in CoNLL-2000 layout (word, POS tag, chunk tag). Several words are nouns in one place
// and verbs in another ("They watch the saw ." / "He saw the watch ."), so a tagger must read
// the context, not only the word.

extension GeneratedTaskData {
    /// `sentences` sentences in CoNLL format: one `word POS chunk` line per token (chunk tags
    /// `B-NP`, `I-NP`, `B-VP`, `I-VP`, `B-PP`, `B-ADJP`, `I-ADJP`, `B-ADVP`, `O`), a blank line
    /// after each sentence.
    public static func tagging(sentences: Int = 3000, seed: UInt64) -> String {
        var g = SeededGenerator(seed: seed)
        var out = ""
        for _ in 0..<sentences {
            var tokens = sentence(&g)
            if chance(0.15, &g) { tokens += [Token("and", "CC", "O")] + sentence(&g) }
            tokens.append(Token(".", ".", "O"))
            tokens[0].word = tokens[0].word.prefix(1).uppercased() + tokens[0].word.dropFirst()
            for t in tokens { out += "\(t.word) \(t.pos) \(t.chunk)\n" }
            out += "\n"
        }
        return out
    }

    /// One token: the word, its part of speech and its chunk tag.
    struct Token {
        var word: String, pos: String, chunk: String
        init(_ word: String, _ pos: String, _ chunk: String) { (self.word, self.pos, self.chunk) = (word, pos, chunk) }
    }

    /// Singular nouns with their plurals; the first ones are also verbs below.
    static let nouns = [("saw", "saws"), ("watch", "watches"), ("run", "runs"), ("light", "lights"),
                        ("book", "books"), ("park", "parks"), ("ring", "rings"), ("record", "records"),
                        ("duck", "ducks"), ("fly", "flies"), ("play", "plays"), ("can", "cans"),
                        ("dog", "dogs"), ("teacher", "teachers"), ("child", "children"), ("letter", "letters"),
                        ("window", "windows"), ("river", "rivers"), ("market", "markets"), ("boat", "boats")]
    static let names = ["Anna", "Boris", "Clara", "Hugo", "Iris", "Jonas"]
    static let pronouns = [("he", false), ("she", false), ("it", false), ("they", true), ("we", true), ("you", true)]
    static let adjectives = ["old", "new", "small", "red", "quiet", "heavy", "light", "broken", "cheap", "green"]
    static let prepositions = ["in", "near", "with", "behind", "on", "under", "at", "for"]
    static let adverbs = ["quickly", "often", "slowly", "again", "today", "there"]
    static let modals = ["will", "can", "must", "should", "may"]
    /// Transitive verbs as (base, third person singular, past).
    static let transitive = [("see", "sees", "saw"), ("watch", "watches", "watched"), ("run", "runs", "ran"),
                             ("book", "books", "booked"), ("record", "records", "recorded"), ("light", "lights", "lit"),
                             ("play", "plays", "played"), ("park", "parks", "parked"), ("find", "finds", "found"),
                             ("carry", "carries", "carried"), ("sell", "sells", "sold"), ("read", "reads", "read")]
    /// Intransitive verbs as (base, third person singular, past).
    static let intransitive = [("run", "runs", "ran"), ("fly", "flies", "flew"), ("duck", "ducks", "ducked"),
                               ("ring", "rings", "rang"), ("play", "plays", "played"), ("watch", "watches", "watched"),
                               ("sleep", "sleeps", "slept"), ("wait", "waits", "waited")]

    /// subject VP (object | ADJP) [PP] [ADVP]
    static func sentence(_ g: inout SeededGenerator) -> [Token] {
        let (subject, plural) = nounPhrase(&g, subject: true)
        var tokens = subject
        switch g.next() % 5 {
        case 0, 1:
            tokens += verbPhrase(transitive, plural: plural, &g) + nounPhrase(&g, subject: false).tokens
        case 2:
            tokens += verbPhrase(intransitive, plural: plural, &g)
        case 3:
            tokens += verbPhrase(transitive, plural: plural, &g) + nounPhrase(&g, subject: false).tokens
            tokens += prepositionalPhrase(&g)
        default:
            let be = chance(0.5, &g) ? (plural ? "were" : "was", "VBD") : (plural ? ("are", "VBP") : ("is", "VBZ"))
            tokens.append(Token(be.0, be.1, "B-VP"))
            if chance(0.4, &g) {
                tokens += [Token(pick(["very", "quite", "too"], &g), "RB", "B-ADJP"), Token(pick(adjectives, &g), "JJ", "I-ADJP")]
            } else {
                tokens.append(Token(pick(adjectives, &g), "JJ", "B-ADJP"))
            }
        }
        if chance(0.3, &g) { tokens += prepositionalPhrase(&g) }
        if chance(0.2, &g) { tokens.append(Token(pick(adverbs, &g), "RB", "B-ADVP")) }
        return tokens
    }

    /// A noun phrase, and whether it is plural (for agreement; "you" agrees as plural does).
    static func nounPhrase(_ g: inout SeededGenerator, subject: Bool) -> (tokens: [Token], plural: Bool) {
        switch g.next() % 8 {
        case 0:
            let p = pick(pronouns, &g)
            let word = subject ? p.0 : ["he": "him", "she": "her", "they": "them", "we": "us", "i": "me"][p.0] ?? p.0
            return ([Token(word, "PRP", "B-NP")], p.1)
        case 1:
            return ([Token(pick(names, &g), "NNP", "B-NP")], false)
        default:
            let plural = chance(0.3, &g)
            let noun = pick(nouns, &g)
            var words = [plural ? (pick(["the", "some", "these", ""], &g), "DT") : (pick(["the", "a", "this", "every"], &g), "DT")]
                .filter { !$0.0.isEmpty }
            if chance(0.4, &g) { words.append((pick(adjectives, &g), "JJ")) }
            words.append(plural ? (noun.1, "NNS") : (noun.0, "NN"))
            let tokens = words.enumerated().map { Token($1.0, $1.1, $0 == 0 ? "B-NP" : "I-NP") }
            return (tokens, plural)
        }
    }

    /// A verb phrase agreeing with a singular or plural subject: present, past, or modal + base.
    static func verbPhrase(_ verbs: [(String, String, String)], plural: Bool, _ g: inout SeededGenerator) -> [Token] {
        let v = pick(verbs, &g)
        switch g.next() % 3 {
        case 0: return [Token(plural ? v.0 : v.1, plural ? "VBP" : "VBZ", "B-VP")]
        case 1: return [Token(v.2, "VBD", "B-VP")]
        default: return [Token(pick(modals, &g), "MD", "B-VP"), Token(v.0, "VB", "I-VP")]
        }
    }

    /// A preposition (its own PP chunk, as in CoNLL-2000) and a noun phrase.
    static func prepositionalPhrase(_ g: inout SeededGenerator) -> [Token] {
        [Token(pick(prepositions, &g), "IN", "B-PP")] + nounPhrase(&g, subject: false).tokens
    }
}
