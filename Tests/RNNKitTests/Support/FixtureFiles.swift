import Foundation

/// The URL of a file under the test bundle's Fixtures folder.
func fixtureURL(_ relativePath: String) -> URL {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
}

/// The largest distance in units in the last place between corresponding Floats (Int.max if a
/// NaN or a sign mismatch makes them incomparable).
func ulpDistance(_ a: [Float], _ b: [Float]) -> Int {
    precondition(a.count == b.count)
    var worst = 0
    for (x, y) in zip(a, b) where x != y {
        guard x.isFinite, y.isFinite, x.sign == y.sign else { return .max }
        worst = max(worst, abs(Int(x.bitPattern) - Int(y.bitPattern)))
    }
    return worst
}
