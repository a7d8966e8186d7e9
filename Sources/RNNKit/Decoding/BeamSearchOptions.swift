#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How finished hypotheses of different lengths are compared: a hypothesis of log-probability
/// L and length ℓ (its decoder steps, `<eos>` included) scores L / lp(ℓ), as OpenNMT-py's
/// `length_penalty` options:
///
///     none                lp(ℓ) = 1
///     average(alpha: α)   lp(ℓ) = ℓ^α                     (α = 1: mean log-probability per token)
///     wu(alpha: α)        lp(ℓ) = ((5 + ℓ) / 6)^α         (Wu et al. 2016, GNMT)
///
/// With α > 0 longer hypotheses are penalized less, which counters beam search's bias towards
/// short outputs.
public enum LengthPenalty: Equatable, Sendable {
    /// No normalization.
    case none
    /// Divide by ℓ^α.
    case average(alpha: Double)
    /// Divide by ((5 + ℓ) / 6)^α.
    case wu(alpha: Double)

    /// The penalty's name: `none`, `avg` or `wu`.
    public var name: String {
        switch self {
        case .none: return "none"
        case .average: return "avg"
        case .wu: return "wu"
        }
    }

    /// lp(ℓ), the divisor of a hypothesis of length ℓ ≥ 1.
    public func divisor(length: Int) -> Double {
        switch self {
        case .none: return 1
        case let .average(alpha): return pow(Double(length), alpha)
        case let .wu(alpha): return pow((5 + Double(length)) / 6, alpha)
        }
    }

    /// L / lp(ℓ).
    public func score(logProb: Double, length: Int) -> Double {
        self == .none ? logProb : logProb / divisor(length: length)
    }

    /// The best score any extension of a live hypothesis with log-probability `logProb` ≤ 0 can
    /// still reach when hypotheses stop at `maxLength` steps: log-probabilities only fall and,
    /// for α ≥ 0, lp grows with ℓ, so the bound is `logProb / lp(maxLength)`.
    func bound(logProb: Double, maxLength: Int) -> Double {
        logProb > 0 ? .infinity : logProb / divisor(length: maxLength)
    }

    /// Throws `RNNKitError` unless α is finite and ≥ 0.
    public func validate() throws {
        switch self {
        case .none: return
        case let .average(alpha), let .wu(alpha):
            guard alpha >= 0 && alpha.isFinite else {
                throw RNNKitError("the \(name) length penalty needs α ≥ 0, got \(alpha)")
            }
        }
    }
}

/// The settings of a beam search (`BeamSearch.search`).
public struct BeamSearchOptions: Equatable, Sendable {
    /// K, the live hypotheses kept per sentence at each step (1: greedy).
    public var beamSize = 5
    /// How many hypotheses to return per sentence, best first; at most K.
    public var nBest = 1
    /// The most decoder steps: a hypothesis that has not produced `<eos>` after `maxLength`
    /// tokens is cut there (as the PyTorch twin's greedy decoding, `max_len`).
    public var maxLength = 100
    /// `<eos>` is forbidden until a hypothesis has this many tokens.
    public var minLength = 0
    /// How hypotheses of different lengths are compared.
    public var lengthPenalty = LengthPenalty.none
    /// N: a token that would repeat an N-gram already in the hypothesis is forbidden (0: off;
    /// `<eos>` is never blocked), as OpenNMT-py's `block_ngram_repeat`.
    public var blockNgramRepeat = 0
    /// The id of `<bos>`, the first input.
    public var beginID = Seq2SeqVocabulary.beginID
    /// The id of `<eos>`, which ends a hypothesis.
    public var endID = Seq2SeqVocabulary.endID

    /// The defaults: beam 5, 1-best, at most 100 steps, no penalty, no blocking.
    public init() {}

    /// The defaults with the given beam size, n-best count and maximum length.
    public init(beamSize: Int, nBest: Int = 1, maxLength: Int = 100) {
        self.beamSize = beamSize
        self.nBest = nBest
        self.maxLength = maxLength
    }

    /// Throws `RNNKitError` for a setting that cannot work, e.g. a beam size of 0.
    /// - Parameter vocabularySize: V, checked against `<bos>` and `<eos>` when given.
    public func validate(vocabularySize: Int? = nil) throws {
        guard beamSize >= 1 else { throw RNNKitError("the beam size must be at least 1, got \(beamSize)") }
        guard nBest >= 1 && nBest <= beamSize else {
            throw RNNKitError("the n-best count must be in 1...\(beamSize) (the beam size), got \(nBest)")
        }
        guard maxLength >= 1 else { throw RNNKitError("the maximum length must be at least 1, got \(maxLength)") }
        guard minLength >= 0 && minLength <= maxLength else {
            throw RNNKitError("the minimum length must be in 0...\(maxLength) (the maximum length), got \(minLength)")
        }
        guard blockNgramRepeat >= 0 else {
            throw RNNKitError("the n-gram size to block must be at least 0 (0: off), got \(blockNgramRepeat)")
        }
        try lengthPenalty.validate()
        if let V = vocabularySize {
            guard V >= 2 else { throw RNNKitError("decoding needs a vocabulary of at least 2 symbols, got \(V)") }
            guard (0..<V).contains(beginID) && (0..<V).contains(endID) else {
                throw RNNKitError("the <bos> id \(beginID) or <eos> id \(endID) is outside the vocabulary 0..<\(V)")
            }
        }
    }
}
