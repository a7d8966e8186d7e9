// TEMPORARY until the Dropout layer lands.
final class Dropout<Scalar: RNNScalar> {
    let p: Double
    var isTraining = true
    var generator: SeededGenerator
    let mask = ScratchBuffer<Scalar>()
    init(p: Double, seed: UInt64) { self.p = p; generator = SeededGenerator(seed: seed) }
    let out = ScratchBuffer<Scalar>()
    var outputPointer: UnsafeMutablePointer<Scalar> { out.pointer }
    func forward(x: UnsafePointer<Scalar>, count: Int) {
        let m = mask.ensure(count); let y = out.ensure(count)
        let scale = Scalar(1 / (1 - p))
        for i in 0..<count { m[i] = Double(generator.next() >> 11) * 0x1p-53 < p ? 0 : scale; y[i] = x[i] * m[i] }
    }
    func backward(dy: UnsafePointer<Scalar>, count: Int, into dx: UnsafeMutablePointer<Scalar>) {
        for i in 0..<count { dx[i] = dy[i] * mask.pointer[i] }
    }
}
