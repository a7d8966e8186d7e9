/// Small labeled data sets that RNNKit writes itself from seeded grammars, so the
/// classification and tagging tasks run with no download, like `GeneratedCorpus` for the
/// language model. Both are deterministic from the seed.
///
/// - `classification`: short review sentences labeled `pos` / `neg`, where the label depends
///   on word order and negation ("not bad" is positive, "good but boring" follows the clause
///   after "but", "although A , B" follows B), so a bag of words cannot solve it but an RNN
///   can learn it.
/// - `tagging`: CoNLL-2000-style sentences (`word POS chunk`) from a phrase grammar in which
///   some words ("saw", "watch", "run", "can", "light", ...) are nouns in one context and verbs
///   in another (see `GeneratedTaskData+Tagging.swift`).
public enum GeneratedTaskData {
    /// `examples` lines `label<TAB>text` (labels `pos` and `neg`, drawn with equal chance),
    /// each text 8–20 space-separated tokens, punctuation included.
    public static func classification(examples: Int = 4000, seed: UInt64) -> String {
        var g = SeededGenerator(seed: seed)
        var out = ""
        for _ in 0..<examples {
            let positive = chance(0.5, &g)
            var words: [String]
            repeat { words = review(positive: positive, &g) } while !(8...20).contains(words.count)
            out += (positive ? "pos" : "neg") + "\t" + words.joined(separator: " ") + "\n"
        }
        return out
    }

    // MARK: - Reviews

    static let aspects = ["plot", "acting", "ending", "story", "soundtrack", "dialogue", "cast", "pacing",
                          "battery", "screen", "price", "design", "sound", "camera", "service", "keyboard"]
    static let wholes = ["film", "movie", "show", "product", "phone", "book", "game", "purchase"]
    static let goodAdjectives = ["good", "great", "excellent", "wonderful", "fun", "charming", "clever",
                                 "solid", "brilliant", "lovely", "impressive", "enjoyable"]
    static let badAdjectives = ["bad", "boring", "awful", "terrible", "dull", "weak", "poor", "annoying",
                                "clumsy", "disappointing", "ugly", "tedious"]
    static let intensifiers = ["very", "really", "quite", "truly", "rather", "pretty"]
    static let openers = [["honestly", ","], ["overall", ","], ["in", "my", "opinion", ","], ["to", "be", "fair", ","],
                          ["frankly", ","], ["all", "in", "all", ","], ["for", "what", "it", "is", "worth", ","]]

    /// A review whose label is `positive`, built from clauses of known polarity joined so that
    /// the label follows one of them by its position.
    static func review(positive: Bool, _ g: inout SeededGenerator) -> [String] {
        var words = chance(0.4, &g) ? pick(openers, &g) : []
        let other = chance(0.75, &g) ? !positive : positive    // the clause that does not decide
        switch g.next() % 6 {
        case 0:                                                 // A .
            words += clause(positive, &g)
        case 1, 2:                                              // A but B .   -> B
            words += clause(other, &g) + [","] + ["but"] + clause(positive, &g)
        case 3:                                                 // although A , B .   -> B
            words += ["although"] + clause(other, &g) + [","] + clause(positive, &g)
        case 4:                                                 // A , although B .   -> A
            words += clause(positive, &g) + [",", "although"] + clause(other, &g)
        default:                                                // A and B .   -> both
            words += clause(positive, &g) + ["and"] + clause(positive, &g)
        }
        return words + [chance(0.2, &g) ? "!" : "."]
    }

    /// A clause of polarity `positive`; half the time negated, with the opposite word inside.
    static func clause(_ positive: Bool, _ g: inout SeededGenerator) -> [String] {
        let negated = chance(0.45, &g)
        let inner = negated ? !positive : positive              // the polarity of the word itself
        let adjective = pick(inner ? goodAdjectives : badAdjectives, &g)
        let past = chance(0.5, &g)
        switch g.next() % 4 {
        case 0, 1:                                              // the plot was (not) (very) dull
            var w = ["the", pick(aspects, &g), past ? "was" : "is"]
            if negated {
                w += ["not", adjective] + (chance(0.3, &g) ? ["at", "all"] : [])
            } else {
                w += (chance(0.5, &g) ? [pick(intensifiers, &g)] : []) + [adjective]
            }
            return w
        case 2:                                                 // it was (not) a clever film
            let article = "aeiou".contains(adjective.first!) ? "an" : "a"
            return ["it", past ? "was" : "is"] + (negated ? ["not"] : []) + [article, adjective, pick(wholes, &g)]
        default:                                                // i did not like the ending
            let verb = pick(inner ? [("liked", "like"), ("loved", "love"), ("enjoyed", "enjoy")]
                                  : [("hated", "hate"), ("disliked", "dislike"), ("regretted", "regret")], &g)
            let object = chance(0.5, &g) ? ["the", pick(aspects, &g)] : ["this", pick(wholes, &g)]
            return ["i"] + (negated ? ["did", "not", verb.1] : [verb.0]) + object
        }
    }

    // MARK: - Helpers

    static func pick<T>(_ xs: [T], _ g: inout SeededGenerator) -> T { xs[Int(g.next() % UInt64(xs.count))] }
    static func chance(_ p: Double, _ g: inout SeededGenerator) -> Bool { Double(g.next() >> 11) * 0x1p-53 < p }
}
