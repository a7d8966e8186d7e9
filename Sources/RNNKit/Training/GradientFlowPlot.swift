/// Per-step gradient norms as a standalone SVG picture: log₁₀‖∂L/∂h_t‖ against the step t,
/// one line per curve (a layer and direction, or the same layer at the start and end of
/// training). On a log scale a gradient that shrinks or grows by a constant factor per step
/// back is a straight line; vanishing gradients fall towards the left (early steps).
///
/// Zero or non-finite norms are left out (log 0 is −∞); the output depends only on the arguments.
public enum GradientFlowPlot {
    /// One line of the picture.
    public struct Curve: Equatable, Sendable {
        /// The legend text (escaped).
        public var label: String
        /// The norms for t = 0 ..< T.
        public var norms: [Double]
        /// Whether the line is dashed (e.g. ‖∂L/∂c_t‖ beside ‖∂L/∂h_t‖).
        public var dashed: Bool

        /// Creates a curve.
        public init(label: String, norms: [Double], dashed: Bool = false) {
            self.label = label
            self.norms = norms
            self.dashed = dashed
        }
    }

    /// The curves of one `GradientFlow`: ‖∂L/∂h_t‖ of each layer and direction (`h l0`,
    /// `h l1 reverse`, …) and, for LSTM, ‖∂L/∂c_t‖ dashed (`c l0`, …), each label prefixed
    /// by `prefix`.
    public static func curves(_ flow: GradientFlow, prefix: String = "") -> [Curve] {
        var out: [Curve] = []
        for l in 0..<flow.numLayers {
            for d in 0..<flow.directions {
                let name = "l\(l)" + (d == 1 ? " reverse" : "")
                out.append(Curve(label: prefix + "h " + name, norms: flow.hidden[l][d]))
                if let c = flow.cellState { out.append(Curve(label: prefix + "c " + name, norms: c[l][d], dashed: true)) }
            }
        }
        return out
    }

    /// An SVG document plotting log₁₀ of each curve's norms against t.
    /// - Parameters:
    ///   - curves: the lines, drawn in order with a fixed palette.
    ///   - title: the caption above the plot (escaped).
    ///   - note: a second line under the title (e.g. σ_max values), escaped; nil for none.
    public static func svg(curves: [Curve], title: String, note: String? = nil) -> String {
        let width = 760.0, height = 440.0
        let steps = curves.map(\.norms.count).max() ?? 1
        let logs = curves.map { $0.norms.map { $0 > 0 && $0.isFinite ? log10($0) : Double.nan } }
        let panel = SeriesPlotPanel(left: 70, top: note == nil ? 40 : 56, width: width - 90,
                                    height: height - (note == nil ? 40 : 56) - 48, points: steps,
                                    values: logs.flatMap { $0 })
        let f = SeriesPlotPanel.f
        var s = SeriesPlotPanel.header(width: width, height: height, title: title)
        if let note {
            s += "<text x=\"\(f(width / 2))\" y=\"40\" text-anchor=\"middle\" font-size=\"11\">\(LossCurve.escape(note))</text>\n"
        }
        s += panel.axes(times: nil, yLabel: "log10 ‖∂L/∂h_t‖")
        s += "<text x=\"\(f(panel.left + panel.width / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">step t</text>\n"
        let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
        for (k, curve) in curves.enumerated() {
            let color = palette[k % palette.count], dash = curve.dashed ? "5,3" : nil
            s += panel.line(Array(logs[k].enumerated()), color: color, dash: dash)
            s += panel.legend(curve.label, color: color, row: k, dash: dash)
        }
        return s + "</svg>\n"
    }

    private static func log10(_ x: Double) -> Double { Double.log(x) / Double.log(10) }
}
