// TEMPORARY until the losses land.
func softmaxCrossEntropy<Scalar: RNNScalar>(logits: UnsafeMutablePointer<Scalar>, rows: Int, classes V: Int,
                                            targets: UnsafePointer<Int>, ignoreIndex: Int,
                                            gradient: UnsafeMutablePointer<Scalar>?) -> (mean: Scalar, count: Int) {
    var total = 0.0, count = 0
    for r in 0..<rows where targets[r] != ignoreIndex { count += 1 }
    for r in 0..<rows {
        let z = logits + r * V
        var m = z[0]; for j in 0..<V { m = max(m, z[j]) }
        var s = 0.0; for j in 0..<V { s += Double(Scalar.exp(z[j] - m)) }
        let lse = Double(m) + Double.log(s)
        if targets[r] != ignoreIndex { total += lse - Double(z[targets[r]]) }
        if let g = gradient {
            let gr = g + r * V
            for j in 0..<V { gr[j] = targets[r] == ignoreIndex ? 0 : Scalar((Double(Scalar.exp(z[j] - m)) / s - (j == targets[r] ? 1 : 0)) / Double(count)) }
        }
    }
    return (Scalar(total / Double(max(count, 1))), count)
}
