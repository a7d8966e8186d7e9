// `rnn train --grad-flow`: after each validation, the per-step gradient norms of the training
// step just before it, as JSON and as a picture of log-norm against t, in the run folder.

extension Trainer {
    /// Whether each validation writes `gradflow-step<N>.json` and `gradflow-step<N>.svg` into
    /// the run folder: ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖ for LSTM) of every layer over the steps of the
    /// last training window before the validation at step N (the gradient of its mean
    /// cross-entropy, before clipping), with σ_max of every W_hh. Turning it on makes the
    /// stack record its gradient norms (`RecurrentStack.recordsGradientFlow`); the losses
    /// and parameters are the same either way. A validation with no training step before it in
    /// this session (right after a resume) writes nothing.
    public var writesGradientFlow: Bool {
        get { model.rnn.recordsGradientFlow }
        set { model.rnn.recordsGradientFlow = newValue }
    }

    /// The path of the gradient-flow file of the validation at `step` with extension `ext`
    /// (`json` or `svg`).
    public func gradientFlowPath(step: Int, ext: String) -> String {
        run.file("gradflow-step\(step).\(ext)")
    }

    /// Writes the gradient-flow files of the validation at `step` (see `writesGradientFlow`);
    /// returns false when there is no recorded backward to write.
    @discardableResult
    func writeGradientFlow(step: Int, spectralNorms: [RecurrentSpectralNorm]) throws -> Bool {
        guard let flow = model.rnn.gradientFlow else { return false }
        let json = GradientFlowReport.json(flow, spectralNorms: spectralNorms,
                                           extra: [("step", .integer(step)), ("window", .string("last training window"))])
        try FileIO.writeAtomically(Array((json + "\n").utf8), to: gradientFlowPath(step: step, ext: "json"))
        let svg = GradientFlowPlot.svg(curves: GradientFlowPlot.curves(flow),
                                       title: "RNNKit \(flow.cell.rawValue) language model: ‖∂L/∂h_t‖, step \(step)",
                                       note: GradientFlowReport.sigmaNote(spectralNorms))
        try FileIO.writeAtomically(Array(svg.utf8), to: gradientFlowPath(step: step, ext: "svg"))
        return true
    }
}

/// The JSON and captions shared by every gradient-flow report (`rnn train --grad-flow`,
/// `rnn diagnose`).
public enum GradientFlowReport {
    /// One JSON object: `extra` members first, then the flow's (`cell`, `steps`, `hidden`,
    /// `cell_state`), then `sigma_max` {name: σ} and `sigma_max_gates` {name: [σ…]}.
    static func json(_ flow: GradientFlow, spectralNorms: [RecurrentSpectralNorm],
                     extra: [(key: String, value: JSONValue)] = []) -> String {
        guard case let .object(members) = flow.jsonValue else { return flow.json }
        return JSONValue.object(extra + members + sigmaMembers(spectralNorms)).serialized
    }

    /// One JSON object: `labels` (strings) and `numbers` first, then the flow's members (`cell`,
    /// `steps`, `hidden` [layer][direction][t], `cell_state` for LSTM), then `sigma_max`
    /// {name: σ} and `sigma_max_gates` {name: [σ of each gate block]}.
    public static func json(_ flow: GradientFlow, spectralNorms: [RecurrentSpectralNorm],
                            labels: [(key: String, value: String)], numbers: [(key: String, value: Double)] = []) -> String {
        json(flow, spectralNorms: spectralNorms,
             extra: labels.map { ($0.key, .string($0.value)) } + numbers.map { ($0.key, .double($0.value)) })
    }

    /// `sigma_max` and `sigma_max_gates` members (empty for no norms).
    static func sigmaMembers(_ norms: [RecurrentSpectralNorm]) -> [(key: String, value: JSONValue)] {
        guard !norms.isEmpty else { return [] }
        return [("sigma_max", .object(norms.map { ($0.name, JSONValue.double($0.sigmaMax)) })),
                ("sigma_max_gates", .object(norms.map { ($0.name, .array($0.gates.map { JSONValue.double($0) })) }))]
    }

    /// A one-line caption: `σ_max(W_hh): rnn.weight_hh_l0 1.234 (gates 0.91 0.88 …), …`.
    public static func sigmaNote(_ norms: [RecurrentSpectralNorm]) -> String? {
        guard !norms.isEmpty else { return nil }
        func r(_ x: Double) -> String { LossCurve.label((x * 1000).rounded() / 1000) }
        return "σ_max: " + norms.map { n in
            n.name + " " + r(n.sigmaMax) + (n.gates.count > 1 ? " (gates " + n.gates.map(r).joined(separator: " ") + ")" : "")
        }.joined(separator: ", ")
    }
}
