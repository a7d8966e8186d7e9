/// A small English-like corpus that RNNKit writes itself from a seeded grammar: short scenes of
/// dialogue and narration in a harbour town. It is the default training text of
/// `rnn train`, so the main job needs no download and ships no third-party text.
///
/// The grammar has a vocabulary of a few hundred words, agreement between subjects and
/// verbs, and a play-like layout (`NAME:` lines), so a character model learns spelling,
/// spacing, capitals and punctuation within minutes and its samples are easy to judge.
public enum GeneratedCorpus {
    /// Generates about `characters` characters of text, deterministically from `seed`.
    public static func text(characters: Int = 200_000, seed: UInt64 = 2026) -> String {
        var g = SeededGenerator(seed: seed)
        var out = ""
        out.reserveCapacity(characters + 200)
        while out.utf8.count < characters {
            out += scene(&g)
            out += "\n"
        }
        return out
    }

    static let names = ["ANNA", "BORIS", "CLARA", "DMITRI", "ELENA", "FELIX", "GRETA", "HUGO", "IRIS", "JONAS"]
    static let people = ["the old sailor", "a young fisher", "the tired baker", "my sister", "the clockmaker",
                         "a quiet stranger", "the harbour master", "our neighbour", "the little boy", "a widow"]
    static let animals = ["the grey cat", "a black dog", "the gulls", "an old horse", "the fox"]
    static let things = ["the lantern", "a letter", "the old map", "the bread", "a silver coin", "the nets",
                         "the bell", "a wooden box", "the key", "the red boat", "the window", "a song"]
    static let places = ["the harbour", "the market", "the church", "the bridge", "the lighthouse",
                         "the bakery", "the station", "the garden", "the shore", "the tavern"]
    static let verbs = [("carries", "carry"), ("finds", "find"), ("mends", "mend"), ("sells", "sell"),
                        ("hides", "hide"), ("paints", "paint"), ("opens", "open"), ("loses", "lose"),
                        ("remembers", "remember"), ("keeps", "keep")]
    static let motions = [("walks to", "walk to"), ("runs to", "run to"), ("waits at", "wait at"),
                          ("sleeps near", "sleep near"), ("looks for", "look for"), ("returns to", "return to")]
    static let times = ["in the morning", "before the rain", "after supper", "at night", "on sunday",
                        "when the tide is low", "as the sun goes down", "every winter"]
    static let adjectives = ["cold", "bright", "quiet", "strange", "heavy", "warm", "small", "broken", "golden"]
    static let feelings = ["afraid", "happy", "tired", "sure", "glad", "sorry", "hungry", "lost"]

    static func pick<T>(_ xs: [T], _ g: inout SeededGenerator) -> T { xs[Int(g.next() % UInt64(xs.count))] }
    static func chance(_ p: Double, _ g: inout SeededGenerator) -> Bool { Double(g.next() >> 11) * 0x1p-53 < p }

    static func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    static func subject(_ g: inout SeededGenerator) -> (text: String, plural: Bool) {
        let s = chance(0.2, &g) ? pick(animals, &g) : pick(people, &g)
        return (s, s.hasSuffix("gulls"))
    }

    static func object(_ g: inout SeededGenerator) -> String {
        let t = pick(things, &g)
        guard chance(0.4, &g), let space = t.firstIndex(of: " ") else { return t }
        let adjective = pick(adjectives, &g)
        let article = t.hasPrefix("the") ? "the" : ("aeiou".contains(adjective.first!) ? "an" : "a")
        return article + " " + adjective + t[space...]
    }

    static func narration(_ g: inout SeededGenerator) -> String {
        let (s, plural) = subject(&g)
        var clause: String
        if chance(0.5, &g) {
            let v = pick(verbs, &g)
            clause = "\(s) \(plural ? v.1 : v.0) \(object(&g))"
        } else {
            let m = pick(motions, &g)
            clause = "\(s) \(plural ? m.1 : m.0) \(pick(places, &g))"
        }
        if chance(0.5, &g) { clause += " " + pick(times, &g) }
        if chance(0.25, &g) { clause += ", and " + narrationTail(&g) }
        return capitalized(clause) + "."
    }

    static func narrationTail(_ g: inout SeededGenerator) -> String {
        let (s, plural) = subject(&g)
        return "\(s) \(plural ? "are" : "is") \(pick(feelings, &g))"
    }

    static func speech(_ g: inout SeededGenerator) -> String {
        switch g.next() % 5 {
        case 0: return "I \(pick(verbs, &g).1) \(object(&g)) \(pick(times, &g))."
        case 1: return "Where is \(object(&g))?"
        case 2: return "We must \(pick(motions, &g).1) \(pick(places, &g)) before \(pick(["dark", "noon", "the storm", "the bell rings"], &g))."
        case 3: return "I am \(pick(feelings, &g)), \(pick(names, &g).capitalized)."
        default: return "\(capitalized(narrationTail(&g)))."
        }
    }

    static func scene(_ g: inout SeededGenerator) -> String {
        var lines = [narration(&g) + (chance(0.5, &g) ? " " + narration(&g) : "")]
        let speakers = (0..<2).map { _ in pick(names, &g) }
        for turn in 0..<(2 + Int(g.next() % 4)) {
            lines.append("\(speakers[turn % 2]): \(speech(&g))" + (chance(0.3, &g) ? " \(speech(&g))" : ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

private extension String {
    var capitalized: String { prefix(1) + dropFirst().lowercased() }
}
