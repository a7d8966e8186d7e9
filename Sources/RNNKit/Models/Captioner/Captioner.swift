// Image captioning with visual attention ("Show, Attend and Tell"). PyTorch twin: `Captioner` in
// ../shared/bench/reference_models.py.
//
// B images, Cin image channels, Hgt × Wid image, C1, C2 conv channels, H1 × W1 = ⌊Hgt/2⌋ × ⌊Wid/2⌋,
// h × w = ⌊H1/2⌋ × ⌊W1/2⌋, P = h·w annotations of width D (= C2, or the given features' size),
// T caption steps, V vocabulary, E embedding, H hidden, A attention width, I = E + D.
//   x̂      = [image; rows i/(Hgt−1); columns j/(Wid−1)]                      (B, Cin+2, Hgt, Wid)
//   f      = pool(relu(conv2(pool(relu(conv1(x̂))))))                           (B, C2, h, w)
//            then, in a deeper CNN, f ← relu(conv_k(f)) for k = 3, 4, …             (B, C_k, h, w)
//   a_p    = f[:, :, i, j] with p = i·w + j                                    (P, B, D)
//   h_0    = tanh(init_h(mean_p a_p)),  c_0 = tanh(init_c(mean_p a_p))          (B, H)
//   step t: ẑ_t, α_t = attend(h_{t−1}, a)  (additive)                          (B, D), (B, P)
//           z_t = σ(gate(h_{t−1})) ⊙ ẑ_t                                        (B, D)
//           h_t, c_t = LSTMCell([emb(y_t); z_t], (h_{t−1}, c_{t−1}))            (B, H)
//           logits_t = output(h_t)                                             (B, V)
//   loss   = mean CE over non-PAD targets + λ·mean_b Σ_p (1 − Σ_{t valid} α_t,b,p)²
// Forward in Captioner+Encoder.swift (the CNN) and Captioner+Forward.swift (the steps);
// backward, the mirror, in Captioner+Backward.swift.

/// An attention LSTM that describes images: `conv1`, `conv2` (or annotation vectors given),
/// `init_h`, `init_c`, `embedding`, `attention.*` (additive), `gate`, `rnn` (an LSTM cell),
/// `output`, as PyTorch's twin; every parameter under the twin's name.
public final class Captioner<Scalar: RNNScalar>: Module {
    /// The architecture.
    public let configuration: CaptionerConfiguration
    /// Every parameter, PyTorch names.
    public let arena: ParameterArena<Scalar>
    let conv1: Conv2d<Scalar>?, conv2: Conv2d<Scalar>?
    /// `conv3`, `conv4`, …: the extra convolutions of a deeper CNN (`extraConvolutions`).
    let extraConvs: [Conv2d<Scalar>]
    let pool = MaxPool2d<Scalar>(kernelSize: 2)
    let initH: Linear<Scalar>, initC: Linear<Scalar>
    let embedding: Embedding<Scalar>
    let attention: Attention<Scalar>
    let gate: Linear<Scalar>
    /// The LSTM cell's parameters `rnn.weight_ih` (4H, I), `rnn.weight_hh` (4H, H),
    /// `rnn.bias_ih`, `rnn.bias_hh` (4H); this model runs its steps (LSTMKernels).
    let rnn: LSTMCell<Scalar>
    let output: Linear<Scalar>
    /// Whether the model trains (it has no dropout: the switch only reaches its layers).
    public var isTraining = true
    /// The layers.
    public var children: [any Module] {
        [conv1, conv2].compactMap { $0 } + extraConvs + [pool, initH, initC, embedding, gate, rnn, output]
    }

    // The last forward, for backward and for callers.
    var batch = 0, steps = 0, annotationCount = 0          // B, T, P
    var imageHeight = 0, imageWidth = 0                      // Hgt, Wid (0 for given features)
    let imageInput = ScratchBuffer<Scalar>()   // (B, Cin+2, Hgt, Wid) x̂
    let pool1Output = ScratchBuffer<Scalar>()  // (B, C1, H1, W1) relu(maxpool(conv1(x̂)))
    let pool1Argmax = ScratchBuffer<Int32>()   // (B, C1, H1, W1)
    let pool2Output = ScratchBuffer<Scalar>()  // (B, C2, h, w) f = relu(maxpool(conv2(·)))
    let pool2Argmax = ScratchBuffer<Int32>()   // (B, C2, h, w)
    let annotations = ScratchBuffer<Scalar>()  // (P, B, D) a
    let annotationMean = ScratchBuffer<Scalar>() // (B, D) mean_p a_p
    let hStates = ScratchBuffer<Scalar>()      // (T+1, B, H) h_0 … h_T
    let cStates = ScratchBuffer<Scalar>()      // (T+1, B, H) c_0 … c_T
    let contexts = ScratchBuffer<Scalar>()     // (T, B, D) ẑ_t
    let weights = ScratchBuffer<Scalar>()      // (T, B, P) α_t
    let gateValues = ScratchBuffer<Scalar>()   // (T, B, D) σ(gate(h_{t−1}))
    let cellInputs = ScratchBuffer<Scalar>()   // (T, B, I) [emb(y_t); z_t]
    let cellGates = ScratchBuffer<Scalar>()    // (T, B, 4H) activated i, f, g, o
    let tanhC = ScratchBuffer<Scalar>()        // (T, B, H) tanh(c_t)
    let logits = ScratchBuffer<Scalar>()       // (T, B, V); overwritten by dL/dlogits
    let inputIDs = ScratchBuffer<Int>()        // (T, B) y_t
    let biasRow = ScratchBuffer<Scalar>()      // (4H) b_ih + b_hh
    let embedded = ScratchBuffer<Scalar>()     // (B, E) emb(y_t) of one step
    // Backward.
    let dHidden = ScratchBuffer<Scalar>()      // (T, B, H) dL/dh_t from the output layer
    let dState = ScratchBuffer<Scalar>()       // (2, B, H) carried dL/dh, dL/dc
    let dGates = ScratchBuffer<Scalar>()       // (T, B, 4H) dL/d(gate pre-activations)
    let dDirect = ScratchBuffer<Scalar>()      // (B, H) the cell kernel's direct dL/dh_{t−1} (zero)
    let dInput = ScratchBuffer<Scalar>()       // (B, I) dL/d[emb; z]
    let dEmbedded = ScratchBuffer<Scalar>()    // (T·B, E)
    let dContext = ScratchBuffer<Scalar>()     // (B, D) dL/dẑ_t
    let dGatePre = ScratchBuffer<Scalar>()     // (B, D) dL/d gate(h_{t−1})
    let dQuery = ScratchBuffer<Scalar>()       // (B, H) dL/dh_{t−1} through attention or the gate
    let coverage = ScratchBuffer<Scalar>()     // (B, P) Σ_{t valid} α_t
    let dWeights = ScratchBuffer<Scalar>()     // (T, B, P) dR/dα_t
    let dMean = ScratchBuffer<Scalar>()        // (2, B, D) dL/dmean through init_h, init_c
    let dAnnotations = ScratchBuffer<Scalar>() // (P, B, D), then (B, D, P) = dL/df
    let dPool1 = ScratchBuffer<Scalar>()       // (B, C1, H1, W1)
    let dImageInput = ScratchBuffer<Scalar>()  // (B, Cin+2, Hgt, Wid)
    /// Per extra convolution k: its output relu(conv_k(·)) (B, C_k, h, w), and a gradient buffer.
    var extraOutputs: [ScratchBuffer<Scalar>] = []
    let dExtra = ScratchBuffer<Scalar>()       // (2, B, max C_k, h, w) dL/d(input), dL/d(output) of one extra conv

    /// Creates a model initialised as PyTorch initialises its twin's layers, from `seed`.
    /// - Throws: `RNNKitError` for an invalid configuration.
    public init(_ configuration: CaptionerConfiguration, seed: UInt64 = 0) throws {
        try configuration.validate()
        let c = configuration, D = c.annotationSize, H = c.hiddenSize
        self.configuration = c
        var g = SeededGenerator(seed: seed)
        arena = ParameterArena()
        if case .cnn(let channels, let c1, let c2) = c.encoder {
            conv1 = Conv2d(inChannels: channels + 2, outChannels: c1, kernelSize: 3, padding: 1, arena: arena,
                           prefix: "conv1.", generator: &g)
            conv2 = Conv2d(inChannels: c1, outChannels: c2, kernelSize: 3, padding: 1, arena: arena,
                           prefix: "conv2.", generator: &g)
            var extra: [Conv2d<Scalar>] = [], previous = c2
            for (k, channels) in c.extraConvolutions.enumerated() {
                extra.append(Conv2d(inChannels: previous, outChannels: channels, kernelSize: 3, padding: 1, arena: arena,
                                    prefix: "conv\(k + 3).", generator: &g))
                previous = channels
            }
            extraConvs = extra
        } else {
            conv1 = nil; conv2 = nil; extraConvs = []
        }
        initH = Linear(inFeatures: D, outFeatures: H, arena: arena, prefix: "init_h.", generator: &g)
        initC = Linear(inFeatures: D, outFeatures: H, arena: arena, prefix: "init_c.", generator: &g)
        embedding = Embedding(numEmbeddings: c.vocabularySize, embeddingDim: c.embeddingSize, paddingIndex: 0,
                              arena: arena, prefix: "embedding.", generator: &g)
        attention = Attention(score: .additive, querySize: H, memorySize: D, attentionSize: c.attentionSize,
                              arena: arena, prefix: "attention.", generator: &g)
        gate = Linear(inFeatures: H, outFeatures: D, arena: arena, prefix: "gate.", generator: &g)
        rnn = LSTMCell(inputSize: c.embeddingSize + D, hiddenSize: H, arena: arena, prefix: "rnn.", generator: &g)
        output = Linear(inFeatures: H, outFeatures: c.vocabularySize, arena: arena, prefix: "output.", generator: &g)
    }

    /// I = E + D, the LSTM cell's input width.
    var cellInputSize: Int { configuration.embeddingSize + configuration.annotationSize }

    /// h_t (B, H) of the last forward (t = 0 … T).
    func h(_ t: Int) -> UnsafeMutablePointer<Scalar> { hStates.pointer + t * batch * configuration.hiddenSize }
    /// c_t (B, H) of the last forward.
    func c(_ t: Int) -> UnsafeMutablePointer<Scalar> { cStates.pointer + t * batch * configuration.hiddenSize }

    /// The annotation grid h × w the CNN makes of an image of Hgt × Wid: two 2 × 2 poolings.
    public static func annotationGrid(height: Int, width: Int) -> (height: Int, width: Int) {
        (height / 2 / 2, width / 2 / 2)
    }

    /// Checks data as the model reads it: images (`checkImageShape`) for a model with its CNN;
    /// for one built on features, annotation vectors held as one-channel P × D images
    /// (`CaptionFiles.readFeatures`) with D the model's annotation size.
    /// - Throws: `RNNKitError` saying what does not fit.
    public func checkInputShape(channels: Int, height: Int, width: Int) throws {
        guard configuration.imageChannels == nil else { return try checkImageShape(channels: channels, height: height, width: width) }
        guard channels == 1 else { throw RNNKitError("this captioner reads annotation vectors, not images") }
        guard width == configuration.annotationSize && height >= 1 else {
            throw RNNKitError("the annotation vectors are \(height) × \(width); the model reads vectors of \(configuration.annotationSize)")
        }
    }

    /// Throws `RNNKitError` unless images of (Cin, Hgt, Wid) fit this model's CNN: the channels
    /// it was built for and at least 4 × 4 pixels (so that a 1 × 1 grid remains).
    public func checkImageShape(channels: Int, height: Int, width: Int) throws {
        guard let expected = configuration.imageChannels else {
            throw RNNKitError("this captioner reads annotation vectors, not images")
        }
        guard channels == expected else { throw RNNKitError("the images have \(channels) channels; the model reads \(expected)") }
        guard height >= 4 && width >= 4 else {
            throw RNNKitError("the images are \(height) × \(width); the captioner needs at least 4 × 4 pixels")
        }
    }
}
