/// The architecture of an image captioner (`Captioner`): the constructor arguments of the
/// PyTorch twin in reference_models.py under the same JSON names (`channels`, `conv1`,
/// `conv2`, `vocab`, `embed`, `hidden`, `attention_size`, `doubly_stochastic`), or, for
/// annotation vectors computed elsewhere (any CNN, stored as (N, P, D)), `features` = D in
/// place of the three CNN sizes.
public struct CaptionerConfiguration: Equatable, Sendable {
    /// Where the annotation vectors a_1 … a_P come from.
    public enum Encoder: Equatable, Sendable {
        /// The built-in CNN on images with `channels` channels (two coordinate channels are
        /// appended): conv1 = Conv2d(channels + 2, conv1, 3, padding 1) → ReLU → MaxPool2d(2) →
        /// conv2 = Conv2d(conv1, conv2, 3, padding 1) → ReLU → MaxPool2d(2).
        case cnn(channels: Int, conv1: Int, conv2: Int)
        /// Annotation vectors of `size` D given with each image (no CNN).
        case features(size: Int)
    }

    /// The image encoder.
    public var encoder: Encoder
    /// V, the caption vocabulary, specials included (0 = PAD).
    public var vocabularySize: Int
    /// E, the word embedding width.
    public var embeddingSize: Int
    /// H, the LSTM's hidden units.
    public var hiddenSize: Int
    /// A, the width of the additive attention's hidden layer.
    public var attentionSize: Int
    /// λ, the weight of the doubly stochastic regularizer λ·mean_b Σ_p (1 − Σ_t α_t,p)².
    public var doublyStochastic: Double
    /// A deeper CNN than the reference model's: the output channels of further
    /// Conv2d(·, C, 3, padding 1) → ReLU layers after the second block, at the annotation grid's
    /// resolution (no pooling); the last one's channels are then D. Empty (the twin's CNN) by
    /// default; only with the built-in CNN. JSON `conv_extra`, written only when not empty.
    public var extraConvolutions: [Int] = []

    /// Creates a configuration.
    public init(encoder: Encoder, vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, attentionSize: Int,
                doublyStochastic: Double = 1, extraConvolutions: [Int] = []) {
        self.extraConvolutions = extraConvolutions
        self.encoder = encoder
        self.vocabularySize = vocabularySize
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.attentionSize = attentionSize
        self.doublyStochastic = doublyStochastic
    }

    /// D, the width of an annotation vector: conv2's channels, or the given features' size.
    public var annotationSize: Int {
        switch encoder {
        case .cnn(_, _, let conv2): extraConvolutions.last ?? conv2
        case .features(let size): size
        }
    }

    /// The image channels the CNN reads (nil for given features).
    public var imageChannels: Int? {
        if case .cnn(let channels, _, _) = encoder { return channels }
        return nil
    }

    /// The number of parameters, or nil if it overflows.
    public var parameterCount: Int? {
        let D = annotationSize, E = embeddingSize, H = hiddenSize, A = attentionSize, V = vocabularySize
        var terms: [[Int]] = [[2, H, D + 1], [V, E], [A, H], [A, D + 1], [A], [D, H + 1],
                              [4 * H, E + D + H + 2], [V, H + 1]]
        if case .cnn(let channels, let c1, let c2) = encoder {
            terms += [[c1, 9 * (channels + 2) + 1], [c2, 9 * c1 + 1]]
            for (k, ck) in extraConvolutions.enumerated() { terms.append([ck, 9 * (k == 0 ? c2 : extraConvolutions[k - 1]) + 1]) }
        }
        var total = 0
        for t in terms {
            var product = 1, overflow = false
            for x in t { (product, overflow) = product.multipliedReportingOverflow(by: x); if overflow { return nil } }
            (total, overflow) = total.addingReportingOverflow(product)
            if overflow { return nil }
        }
        return total
    }

    /// Throws `RNNKitError` if the model cannot be built: a size that is not positive, a
    /// negative or non-finite λ, or too many parameters.
    public func validate() throws {
        var sizes = [("vocabulary size", vocabularySize), ("embedding size", embeddingSize),
                     ("hidden size", hiddenSize), ("attention size", attentionSize)]
        switch encoder {
        case .cnn(let channels, let c1, let c2):
            sizes += [("image channel count", channels), ("conv1 channel count", c1), ("conv2 channel count", c2)]
        case .features(let size):
            sizes.append(("feature size", size))
            guard extraConvolutions.isEmpty else { throw RNNKitError("extra convolutions need the built-in CNN, not given features") }
        }
        guard extraConvolutions.count <= 8 else { throw RNNKitError("at most 8 extra convolutions, got \(extraConvolutions.count)") }
        sizes += extraConvolutions.enumerated().map { ("conv\($0.offset + 3) channel count", $0.element) }
        for (name, value) in sizes where value < 1 { throw RNNKitError("the \(name) must be positive, got \(value)") }
        guard vocabularySize >= 2 else { throw RNNKitError("the vocabulary needs PAD and at least one word, got \(vocabularySize)") }
        guard doublyStochastic >= 0 && doublyStochastic.isFinite else {
            throw RNNKitError("the doubly stochastic weight must be a finite number ≥ 0, got \(doublyStochastic)")
        }
        try ModelMemory.checkParameters(parameterCount)
    }

    /// The configuration as JSON, the twin's constructor arguments (`features` for given features).
    var json: JSONValue {
        var fields: [(key: String, value: JSONValue)]
        switch encoder {
        case .cnn(let channels, let c1, let c2):
            fields = [("channels", .integer(channels)), ("conv1", .integer(c1)), ("conv2", .integer(c2))]
            if !extraConvolutions.isEmpty { fields.append(("conv_extra", .array(extraConvolutions.map { .integer($0) }))) }
        case .features(let size):
            fields = [("features", .integer(size))]
        }
        fields += [("vocab", .integer(vocabularySize)), ("embed", .integer(embeddingSize)), ("hidden", .integer(hiddenSize)),
                   ("attention_size", .integer(attentionSize)), ("doubly_stochastic", .double(doublyStochastic))]
        return .object(fields)
    }

    /// Reads the JSON written by `json`, or a reference model's `config` (where
    /// `doubly_stochastic` may be absent: 1; `dropout`, if present, must be 0), and validates it.
    init(json: JSONValue) throws {
        let f = try JSONFields(json, "model")
        let encoder: Encoder = f.has("features")
            ? .features(size: try f.int("features"))
            : .cnn(channels: try f.int("channels"), conv1: try f.int("conv1"), conv2: try f.int("conv2"))
        if f.has("dropout"), try f.double("dropout") != 0 {
            throw RNNKitError("model.dropout: the captioner has no dropout (it must be 0)")
        }
        self.init(encoder: encoder, vocabularySize: try f.int("vocab"), embeddingSize: try f.int("embed"),
                  hiddenSize: try f.int("hidden"), attentionSize: try f.int("attention_size"),
                  doublyStochastic: f.has("doubly_stochastic") ? try f.double("doubly_stochastic") : 1,
                  extraConvolutions: f.has("conv_extra") ? try f.integers("conv_extra") : [])
        try validate()
    }
}
