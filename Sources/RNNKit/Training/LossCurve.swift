/// The loss curve of a run as a standalone SVG picture: training and validation loss (nats per
/// token) against optimizer steps, redrawn after every validation.
public enum LossCurve {
    /// An SVG document plotting `records` (test-only lines are skipped).
    /// - Parameters:
    ///   - title: the caption above the plot.
    ///   - records: the run's metrics records (test records are skipped).
    public static func svg(_ records: [MetricsRecord], title: String) -> String {
        svg(points: records.filter { $0.testLoss == nil }.map { LossPoint(step: $0.step, trainLoss: $0.trainLoss, validLoss: $0.validLoss) },
            title: title)
    }

    /// One validation on the curve.
    struct LossPoint {
        var step: Int, trainLoss: Double, validLoss: Double
    }

    /// An SVG document plotting training and validation loss at each point.
    static func svg(points: [LossPoint], title: String) -> String {
        let width = 720.0, height = 420.0
        let left = 64.0, right = 20.0, top = 40.0, bottom = 48.0
        let plotW = width - left - right, plotH = height - top - bottom
        let losses = points.flatMap { [$0.trainLoss, $0.validLoss] }.filter(\.isFinite)
        let maxStep = Double(max(points.map(\.step).max() ?? 1, 1))
        var low = losses.min() ?? 0, high = losses.max() ?? 1
        if high - low < 1e-9 { low -= 0.5; high += 0.5 }
        let yTicks = niceTicks(low, high)
        low = min(low, yTicks.first!); high = max(high, yTicks.last!)
        func x(_ step: Int) -> Double { left + plotW * Double(step) / maxStep }
        func y(_ loss: Double) -> Double { top + plotH * (1 - (loss - low) / (high - low)) }
        func f(_ v: Double) -> String { String((min(max(v, -1e6), 1e6) * 10).rounded() / 10) }

        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        s += "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">\(escape(title))</text>\n"
        for t in yTicks {
            s += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(t)))\" y2=\"\(f(y(t)))\" stroke=\"#e4e4e4\"/>\n"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y(t) + 4))\" text-anchor=\"end\">\(label(t))</text>\n"
        }
        for t in niceTicks(0, maxStep) where t <= maxStep {
            s += "<line x1=\"\(f(x(Int(t))))\" x2=\"\(f(x(Int(t))))\" y1=\"\(f(top + plotH))\" y2=\"\(f(top + plotH + 4))\" stroke=\"black\"/>\n"
            s += "<text x=\"\(f(x(Int(t))))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(Int(t))</text>\n"
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"black\"/>\n"
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">step</text>\n"
        s += "<text transform=\"translate(16 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">loss (nats/token)</text>\n"
        for (name, color, value) in [("train", "#1f77b4", \LossPoint.trainLoss), ("valid", "#ff7f0e", \LossPoint.validLoss)] {
            let pts = points.filter { $0[keyPath: value].isFinite }.map { "\(f(x($0.step))),\(f(y($0[keyPath: value])))" }
            if pts.count > 1 {
                s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(pts.joined(separator: " "))\"/>\n"
            }
            for p in pts {
                let xy = p.split(separator: ",")
                s += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\" fill=\"\(color)\"/>\n"
            }
            let row = name == "train" ? 0.0 : 1.0
            s += "<line x1=\"\(f(width - right - 90))\" x2=\"\(f(width - right - 70))\" y1=\"\(f(top + 16 + 16 * row))\" y2=\"\(f(top + 16 + 16 * row))\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            s += "<text x=\"\(f(width - right - 64))\" y=\"\(f(top + 20 + 16 * row))\">\(name)</text>\n"
        }
        return s + "</svg>\n"
    }

    /// About five round tick values covering [low, high].
    static func niceTicks(_ low: Double, _ high: Double) -> [Double] {
        let span = max(high - low, 1e-9)
        let raw = span / 5
        var magnitude = 1.0
        while magnitude > raw { magnitude /= 10 }
        while magnitude * 10 <= raw { magnitude *= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
        var t = (low / step).rounded(.down) * step
        var ticks: [Double] = []
        while t <= high + step * 0.5 && ticks.count < 20 {
            ticks.append(t)
            t += step
        }
        return ticks
    }

    static func label(_ v: Double) -> String {
        guard abs(v) < 1e12 else { return String(v) }
        let r = (v * 1000).rounded() / 1000
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    static func escape(_ text: String) -> String {
        text.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
    }
}

private extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
