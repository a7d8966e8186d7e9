/// The per-step gradient norms of one backpropagation through time: for every layer l,
/// direction d and step t, ‖∂L/∂h_t‖ over the whole (B, H) block — the total gradient arriving
/// at h_t, from the output at t (or the layer above), from step t+1 of the same direction
/// (t−1 for the reverse direction) and from dL/dh_n at the last step — and, for LSTM,
/// ‖∂L/∂c_t‖, the total gradient arriving at the cell state c_t.
///
/// Through BPTT the gradient reaching h_t has been multiplied by one recurrent Jacobian
/// ∂h_{s+1}/∂h_s per step back from where it entered, so these norms grow or shrink
/// geometrically with the distance: they explode when σ_max(W_hh) (times the activation's
/// slope) exceeds 1 and vanish below it.
///
/// Steps are indexed by time t = 0 ..< T in both directions. Rows past their sequence's end
/// (a `lengths` batch) have no state there and contribute 0.
public struct GradientFlow: Sendable, Equatable {
    /// The cell of the stack.
    public let cell: CellKind
    /// T, the steps of the backpropagated call.
    public let steps: Int
    /// ‖∂L/∂h_t‖ as [layer][direction][t]: L × D × T.
    public let hidden: [[[Double]]]
    /// ‖∂L/∂c_t‖ as [layer][direction][t] for LSTM, nil for the other cells.
    public let cellState: [[[Double]]]?

    /// Creates a record from its norms (shapes L × D × T).
    public init(cell: CellKind, hidden: [[[Double]]], cellState: [[[Double]]]? = nil) {
        precondition(!hidden.isEmpty && !hidden[0].isEmpty, "gradient flow: no layer")
        self.cell = cell
        self.steps = hidden[0][0].count
        self.hidden = hidden
        self.cellState = cellState
    }

    /// L, the number of layers.
    public var numLayers: Int { hidden.count }
    /// D, the number of directions.
    public var directions: Int { hidden[0].count }

    /// The norms as one JSON object:
    /// `{"cell", "steps", "hidden": [[[…]]], "cell_state": [[[…]]] (LSTM only)}`.
    public var json: String { jsonValue.serialized }

    var jsonValue: JSONValue {
        func cube(_ a: [[[Double]]]) -> JSONValue {
            .array(a.map { .array($0.map { .array($0.map { JSONValue.double($0) }) }) })
        }
        var members: [(key: String, value: JSONValue)] = [
            ("cell", .string(cell.rawValue)), ("steps", .integer(steps)), ("hidden", cube(hidden)),
        ]
        if let cellState { members.append(("cell_state", cube(cellState))) }
        return .object(members)
    }
}

extension RecurrentStack {
    /// Whether `backward` records the per-step gradient norms read by `gradientFlow`.
    ///
    /// Off (the default) costs one check per step and no allocation; on, each layer keeps a
    /// (T, B) buffer of squared row norms (and another for LSTM cell states).
    public var recordsGradientFlow: Bool {
        get { layers[0][0].recordsGradientNorms }
        set { for layer in layers.joined() { layer.recordsGradientNorms = newValue } }
    }

    /// The per-step gradient norms of the last `backward`, or nil if it ran without
    /// `recordsGradientFlow` (or no backward ran). A stack run several times in one forward
    /// reports its last backward, which is its first call.
    public var gradientFlow: GradientFlow? {
        var hidden: [[[Double]]] = [], cellState: [[[Double]]] = []
        for k in 0..<numLayers {
            var h: [[Double]] = [], c: [[Double]] = []
            for layer in layers[k] {
                guard let norms = layer.hiddenGradientNorms else { return nil }
                h.append(norms)
                if let cNorms = layer.cellGradientNorms { c.append(cNorms) }
            }
            hidden.append(h)
            cellState.append(c)
        }
        return GradientFlow(cell: cell, hidden: hidden, cellState: cell.hasCellState ? cellState : nil)
    }
}
