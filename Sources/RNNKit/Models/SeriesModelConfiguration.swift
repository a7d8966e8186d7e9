/// The architecture of a time-series model (`Forecaster`, `SequenceAutoencoder`): the
/// constructor arguments of the PyTorch twins in reference_models.py, under the same JSON names
/// (`cell`, `features`, `hidden`, `layers`, and for the forecaster `horizon` and `targets`;
/// `dropout`).
public struct SeriesModelConfiguration: Equatable, Sendable {
    /// Which of the two models the configuration describes.
    public enum Model: String, Sendable {
        /// Many-to-one, direct multi-horizon forecasting.
        case forecaster = "Forecaster"
        /// Encoder state repeated at every decoder step, reconstruction.
        case autoencoder = "SequenceAutoencoder"
    }

    /// The model described.
    public var model: Model
    /// The recurrent cell (of the encoder and, for the autoencoder, the decoder).
    public var cell: CellKind
    /// F, the input features per step (target values and covariates).
    public var features: Int
    /// H, the hidden units per layer.
    public var hiddenSize: Int
    /// L, the stacked recurrent layers.
    public var numLayers: Int
    /// The forecaster's horizon: values forecast per target (1 for the autoencoder).
    public var horizon: Int
    /// The forecaster's target series per step (F for the autoencoder).
    public var targets: Int
    /// Dropout between stacked layers.
    public var dropout: Double

    /// The largest number of parameters a model may have (4 GiB of `Float`s).
    public static let maxParameters = SequenceModelConfiguration.maxParameters
    /// The largest horizon × targets a forecaster may have.
    public static let maxOutputs = 1 << 20

    /// Creates a configuration; `forecaster(…)` and `autoencoder(…)` fill in the fields the
    /// other model does not use.
    public init(model: Model, cell: CellKind, features: Int, hiddenSize: Int, numLayers: Int, horizon: Int,
                targets: Int, dropout: Double) {
        self.model = model
        self.cell = cell
        self.features = features
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.horizon = horizon
        self.targets = targets
        self.dropout = dropout
    }

    /// A forecaster reading `features` values per step and forecasting `horizon` steps of
    /// `targets` values.
    public static func forecaster(cell: CellKind = .lstm, features: Int, hiddenSize: Int, numLayers: Int = 1,
                                  horizon: Int, targets: Int = 1, dropout: Double = 0) -> Self {
        Self(model: .forecaster, cell: cell, features: features, hiddenSize: hiddenSize, numLayers: numLayers,
             horizon: horizon, targets: targets, dropout: dropout)
    }

    /// An autoencoder of sequences of `features` values per step, with a code of `hiddenSize`.
    public static func autoencoder(cell: CellKind = .lstm, features: Int, hiddenSize: Int, numLayers: Int = 1,
                                   dropout: Double = 0) -> Self {
        Self(model: .autoencoder, cell: cell, features: features, hiddenSize: hiddenSize, numLayers: numLayers,
             horizon: 1, targets: features, dropout: dropout)
    }

    /// The number of parameters, or nil if it overflows.
    public var parameterCount: Int? {
        let H = hiddenSize
        guard let encoder = recurrentStackParameterCount(cell: cell, inputSize: features, hiddenSize: H,
                                                         numLayers: numLayers, directions: 1) else { return nil }
        switch model {
        case .forecaster:
            let (outputs, o1) = horizon.multipliedReportingOverflow(by: targets)
            let (head, o2) = outputs.multipliedReportingOverflow(by: H + 1)
            let (total, o3) = encoder.addingReportingOverflow(head)
            return o1 || o2 || o3 ? nil : total
        case .autoencoder:
            guard let decoder = recurrentStackParameterCount(cell: cell, inputSize: H, hiddenSize: H,
                                                             numLayers: numLayers, directions: 1) else { return nil }
            let (head, o1) = features.multipliedReportingOverflow(by: H + 1)
            let (sum, o2) = encoder.addingReportingOverflow(decoder)
            let (total, o3) = sum.addingReportingOverflow(head)
            return o1 || o2 || o3 ? nil : total
        }
    }

    /// Throws `RNNKitError` if the model cannot be built: a size that is not positive, more
    /// than 64 layers, `maxParameters` parameters or `maxOutputs` forecast values, dropout
    /// outside [0, 1).
    public func validate() throws {
        let sizes = [("feature count", features), ("hidden size", hiddenSize), ("layer count", numLayers),
                     ("horizon", horizon), ("target count", targets)]
        for (name, value) in sizes where value < 1 {
            throw RNNKitError("the \(name) must be positive, got \(value)")
        }
        guard numLayers <= 64 else { throw RNNKitError("the layer count must be at most 64, got \(numLayers)") }
        guard dropout >= 0 && dropout < 1 else { throw RNNKitError("dropout must be in [0, 1), got \(dropout)") }
        let (outputs, overflow) = horizon.multipliedReportingOverflow(by: targets)
        guard !overflow && outputs <= Self.maxOutputs else {
            throw RNNKitError("horizon × targets must be at most \(Self.maxOutputs), got \(horizon) × \(targets)")
        }
        guard model == .forecaster || targets == features else {
            throw RNNKitError("an autoencoder reconstructs its \(features) features, not \(targets)")
        }
        try ModelMemory.checkParameters(parameterCount)                // the limit, and values and gradients in memory
    }

    /// The configuration as JSON, the twin's constructor arguments.
    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("cell", .string(cell.rawValue)), ("features", .integer(features)), ("hidden", .integer(hiddenSize)),
            ("layers", .integer(numLayers)),
        ]
        if model == .forecaster { members += [("horizon", .integer(horizon)), ("targets", .integer(targets))] }
        members.append(("dropout", .double(dropout)))
        return .object(members)
    }

    /// Reads the JSON written by `json`, or a reference model's `config` (where `dropout` may
    /// be absent: 0), and validates it.
    init(json: JSONValue, model: Model) throws {
        let f = try JSONFields(json, "model")
        guard let cell = CellKind(rawValue: try f.string("cell")) else {
            throw RNNKitError("model.cell '\(try f.string("cell"))' is not one of \(CellKind.allCases.map(\.rawValue))")
        }
        let features = try f.int("features")
        self.init(model: model, cell: cell, features: features, hiddenSize: try f.int("hidden"),
                  numLayers: try f.int("layers"),
                  horizon: model == .forecaster ? try f.int("horizon") : 1,
                  targets: model == .forecaster ? try f.int("targets") : features,
                  dropout: f.has("dropout") ? try f.double("dropout") : 0)
        try validate()
    }
}

/// The parameters of a recurrent stack (PyTorch's `nn.RNN/LSTM/GRU` with biases), or nil if
/// the count overflows; at most 2^20 layers are counted.
func recurrentStackParameterCount(cell: CellKind, inputSize: Int, hiddenSize H: Int, numLayers: Int,
                                  directions D: Int) -> Int? {
    let G = cell.gateCount
    var total = 0
    func add(_ terms: Int...) -> Bool {
        var product = 1, overflow = false
        for t in terms { (product, overflow) = product.multipliedReportingOverflow(by: t); if overflow { return false } }
        (total, overflow) = total.addingReportingOverflow(product)
        return !overflow
    }
    for k in 0..<min(max(numLayers, 0), 1 << 20) {
        let I = k == 0 ? inputSize : D * H
        guard add(D, G, H, I), add(D, G, H, H), add(D, 2, G, H) else { return nil }
    }
    return total
}
