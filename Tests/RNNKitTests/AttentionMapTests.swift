import Testing
@testable import RNNKit

@Suite struct AttentionMapTests {
    @Test func drawsOneCellPerWeightWithLabels() throws {
        let svg = try AttentionMap.svg(source: ["3", " ", "<", "&"], output: ["0", "3", "\t"],
                                       weights: [[1, 0, 0, 0], [0.25, 0.25, 0.5, 0], [0, 0, 0, 1]] as [[Float]],
                                       title: "dates <demo> & more")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.hasSuffix("</svg>\n"))
        #expect(svg.contains(">dates &lt;demo&gt; &amp; more</text>"))
        let cells = section(svg, "cells")
        #expect(cells.components(separatedBy: "<rect ").count - 1 == 12)
        #expect(cells.contains("fill=\"rgb(8,48,107)\"><title>0 ← 3: 1.000</title>"))
        #expect(cells.contains("fill=\"rgb(255,255,255)\"><title>0 ← ␣: 0.000</title>"))
        #expect(cells.contains("<title>3 ← &lt;: 0.500</title>"))
        #expect(cells.contains("<title>U+0009 ← &amp;: 1.000</title>"))
        let source = section(svg, "source"), output = section(svg, "output")
        #expect(source.components(separatedBy: "<text ").count - 1 == 4 && source.contains(">␣</text>") && source.contains(">&lt;</text>"))
        #expect(output.components(separatedBy: "<text ").count - 1 == 3 && output.contains(">U+0009</text>"))
        // No raw markup characters leak from labels.
        #expect(!svg.contains("><</") && !svg.contains(">&<"))
    }

    @Test func shadesClampAndSizesMustAgree() throws {
        #expect(AttentionMap.shade(0) == "rgb(255,255,255)" && AttentionMap.shade(1) == "rgb(8,48,107)")
        #expect(AttentionMap.clamp(.nan) == 0 && AttentionMap.clamp(1.5) == 1 && AttentionMap.clamp(-2) == 0)
        #expect(AttentionMap.format3(0.1234) == "0.123" && AttentionMap.format3(0.05) == "0.050")
        #expect(AttentionMap.visible("") == "∅" && AttentionMap.visible("ab") == "ab")
        let empty = try AttentionMap.svg(source: ["a"], output: [], weights: [[Double]](), title: "empty")
        #expect(section(empty, "cells").components(separatedBy: "<rect ").count == 1)
        #expect(throws: RNNKitError("the attention weights are 2 × 3 but there are 2 output and 2 source symbols")) {
            try AttentionMap.svg(source: ["a", "b"], output: ["x", "y"], weights: [[0, 0, 1], [1, 0, 0]] as [[Float]], title: "")
        }
        #expect(throws: RNNKitError("the attention weights are 1 × 2 but there are 2 output and 2 source symbols")) {
            try AttentionMap.svg(source: ["a", "b"], output: ["x", "y"], weights: [[0, 1]] as [[Float]], title: "")
        }
    }

    /// The text of `<g class="name">…</g>`.
    func section(_ svg: String, _ name: String) -> String {
        guard let start = svg.range(of: "<g class=\"\(name)\">") else { return "" }
        let rest = svg[start.upperBound...]
        return String(rest[..<(rest.range(of: "</g>")?.lowerBound ?? rest.endIndex)])
    }
}
