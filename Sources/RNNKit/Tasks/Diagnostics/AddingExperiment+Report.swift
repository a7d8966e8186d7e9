// What `rnn diagnose adding` writes: one JSON report, the MSE curve against the baseline, and
// ‖∂L/∂h_t‖ over t at the start and the end of training.

extension AddingExperiment {
    /// A short name of the run: `rnn-relu identity`, `lstm`, ….
    public var label: String {
        let cell: String
        switch settings.cell {
        case .rnnTanh: cell = "rnn-tanh"
        case .rnnRelu: cell = "rnn-relu"
        case .lstm: cell = "lstm"
        case .gru: cell = "gru"
        }
        return settings.initialization == .pytorch ? cell : "\(cell) \(settings.initialization.rawValue)"
    }

    /// The report as one JSON object: `settings`, `baseline_mse`, `final_test_mse`,
    /// `best_test_mse`, `curve` [{step, train_mse, test_mse}], and `start` / `end` with the
    /// probe batch's per-step norms (`hidden`, `cell_state`) and `sigma_max` / `sigma_max_gates`.
    public var json: String {
        let s = settings
        let settingsValue = JSONValue.object([
            ("length", .integer(s.length)), ("cell", .string(s.cell.rawValue)), ("init", .string(s.initialization.rawValue)),
            ("hidden", .integer(s.hiddenSize)), ("steps", .integer(s.steps)), ("batch", .integer(s.batch)),
            ("optimizer", .string(s.optimizer.rawValue)), ("lr", .double(s.learningRate)), ("clip", .double(s.clip)),
            ("seed", .integer(Int(truncatingIfNeeded: s.seed))), ("eval_every", .integer(s.evalEvery)),
            ("test_size", .integer(s.testSize)),
        ])
        let points = JSONValue.array(curve.map { p in
            .object([("step", .integer(p.step)), ("train_mse", p.trainMSE.map { .rounded($0, 6) } ?? .null),
                     ("test_mse", .rounded(p.testMSE, 6))])
        })
        var members: [(key: String, value: JSONValue)] = [
            ("settings", settingsValue), ("baseline_mse", .rounded(AddingProblem.baselineMSE, 6)),
            ("final_test_mse", curve.last.map { .rounded($0.testMSE, 6) } ?? .null),
            ("best_test_mse", curve.map(\.testMSE).min().map { .rounded($0, 6) } ?? .null),
            ("curve", points),
        ]
        for (name, snapshot) in [("start", start), ("end", end)] {
            guard let snapshot, case let .object(flow) = snapshot.flow.jsonValue else { continue }
            members.append((name, .object([("step", .integer(snapshot.step))] + flow
                                          + GradientFlowReport.sigmaMembers(snapshot.spectralNorms))))
        }
        return JSONValue.object(members).serialized
    }

    /// Test MSE (and training MSE) against steps, with the baseline 1/6 dashed.
    public var mseSVG: String {
        let width = 760.0, height = 420.0
        let lastStep = max(curve.last?.step ?? 1, 1)
        var values: [Double] = [AddingProblem.baselineMSE, 0]
        for p in curve { values += [p.testMSE] + (p.trainMSE.map { [$0] } ?? []) }
        let panel = SeriesPlotPanel(left: 64, top: 40, width: width - 84, height: height - 88, points: lastStep + 1,
                                    values: values)
        var s = SeriesPlotPanel.header(width: width, height: height,
                                       title: "Adding problem, T = \(settings.length): \(label), H = \(settings.hiddenSize)")
        s += panel.axes(times: nil, yLabel: "MSE")
        s += "<text x=\"\(SeriesPlotPanel.f(panel.left + panel.width / 2))\" y=\"\(SeriesPlotPanel.f(height - 10))\" text-anchor=\"middle\">step</text>\n"
        s += panel.line([(0, AddingProblem.baselineMSE), (lastStep, AddingProblem.baselineMSE)], color: "#7f7f7f", dash: "6,4")
        s += panel.legend("baseline 0.167", color: "#7f7f7f", row: 0, dash: "6,4")
        s += panel.line(curve.compactMap { p in p.trainMSE.map { (p.step, $0) } }, color: "#1f77b4")
        s += panel.legend("train", color: "#1f77b4", row: 1)
        s += panel.line(curve.map { ($0.step, $0.testMSE) }, color: "#ff7f0e", width: 2)
        s += panel.legend("test", color: "#ff7f0e", row: 2)
        return s + "</svg>\n"
    }

    /// log₁₀‖∂L/∂h_t‖ over t on the probe batch, at the start (solid) and the end (dashed) of
    /// training, with σ_max of W_hh at both in the caption.
    public var gradientFlowSVG: String {
        var curves: [GradientFlowPlot.Curve] = []
        for (name, snapshot, dashed) in [("start", start, false), ("end", end, true)] {
            guard let snapshot else { continue }
            curves.append(.init(label: "\(name) (step \(snapshot.step)) h", norms: snapshot.flow.hidden[0][0], dashed: dashed))
            if let c = snapshot.flow.cellState { curves.append(.init(label: "\(name) c", norms: c[0][0], dashed: dashed)) }
        }
        func sigma(_ s: Snapshot?) -> String { s.map { LossCurve.label(($0.spectralNorms[0].sigmaMax * 1000).rounded() / 1000) } ?? "?" }
        return GradientFlowPlot.svg(curves: curves, title: "Adding problem, T = \(settings.length): \(label), ‖∂L/∂h_t‖",
                                    note: "σ_max(W_hh): \(sigma(start)) at the start, \(sigma(end)) at the end")
    }
}
