import Testing
@testable import RNNKit

@Suite struct DropoutTests {
    @Test func statisticsMatchTheDropProbability() {
        let n = 200_000
        let dropout = Dropout<Float>(p: 0.3, seed: 1)
        let y = dropout.forward(Tensor(shape: [n], repeating: 1)).scalars
        let dropped = Double(y.filter { $0 == 0 }.count) / Double(n)
        #expect(abs(dropped - 0.3) < 0.005)                           // σ ≈ 0.001
        #expect(y.allSatisfy { $0 == 0 || $0 == 1 / Float(0.7) })     // kept elements scaled by 1/(1−p)
        let mean = y.reduce(0.0) { $0 + Double($1) } / Double(n)
        #expect(abs(mean - 1) < 0.01)                                 // E[y] = x; σ ≈ 0.0023
    }

    @Test func evaluationModeAndZeroProbabilityAreTheIdentity() {
        let x = Tensor<Float>(LayerTestData.tensor([3, 4], seed: 1))
        for (p, training) in [(0.5, false), (0.0, true)] {
            let dropout = Dropout<Float>(p: p, seed: 2)
            dropout.isTraining = training
            #expect(dropout.isIdentity)
            let before = dropout.generator
            #expect(dropout.forward(x) == x)
            #expect(dropout.backward(x) == x)
            #expect(dropout.generator == before)                      // nothing drawn
        }
    }

    @Test func probabilityOneZeroesEverything() {
        let dropout = Dropout<Float>(p: 1, seed: 3)
        let x = Tensor<Float>(LayerTestData.tensor([10], seed: 2))
        #expect(dropout.forward(x) == Tensor(zeros: [10]))
        #expect(dropout.backward(x) == Tensor(zeros: [10]))
    }

    @Test func backwardReusesTheForwardMask() {
        let dropout = Dropout<Double>(p: 0.5, seed: 4)
        let mask = dropout.forward(Tensor(shape: [2, 50], repeating: 1))  // y = m for x = 1
        #expect(mask.scalars.contains(0) && mask.scalars.contains(2))
        let dy = LayerTestData.tensor([2, 50], seed: 5)
        // Switching to eval after forward does not change the pending backward.
        dropout.isTraining = false
        let dx = dropout.backward(dy)
        #expect(dx.scalars == zip(dy.scalars, mask.scalars).map { $0 * $1 })
    }

    @Test func callsAreBackpropagatedLastInFirstOut() {
        let dropout = Dropout<Double>(p: 0.5, seed: 4)
        let ones = Tensor<Double>(shape: [3, 40], repeating: 1)
        let masks = (0..<3).map { _ in dropout.forward(ones) }       // y = m for x = 1
        #expect(masks[0] != masks[1] && masks[1] != masks[2])
        let dy = LayerTestData.tensor([3, 40], seed: 5)
        for k in stride(from: 2, through: 0, by: -1) {
            #expect(dropout.backward(dy).scalars == zip(dy.scalars, masks[k].scalars).map { $0 * $1 }, "call \(k)")
        }
    }

    @Test func masksAreReproducibleFromSeedAndGeneratorState() {
        let x = LayerTestData.tensor([100], seed: 6)
        let a = Dropout<Double>(p: 0.4, seed: 42), b = Dropout<Double>(p: 0.4, seed: 42)
        let first = a.forward(x)
        #expect(b.forward(x) == first)
        #expect(Dropout<Double>(p: 0.4, seed: 43).forward(x) != first)
        // A checkpoint saves the generator's state; restoring it replays the same masks.
        let saved = a.generator.state
        let second = a.forward(x)
        #expect(second != first)
        a.generator.state = saved
        #expect(a.forward(x) == second)
    }

    @Test func gradientMatchesFiniteDifferences() {
        let dropout = Dropout<Double>(p: 0.3, seed: 7)
        var x = LayerTestData.tensor([4, 5], seed: 8)
        let r = LayerTestData.tensor([4, 5], seed: 9)
        let start = dropout.generator
        let loss = { () -> Double in
            dropout.generator = start                                 // the same mask every time
            return LayerTestData.dot(dropout.forward(x), r)
        }
        let numeric = numericalGradient(count: x.count, read: { x.scalars[$0] }, write: { x.scalars[$0] = $1 }, loss: loss)
        _ = loss()
        expectClose(dropout.backward(r).scalars, numeric, atol: 1e-8, rtol: 1e-6, "input")
    }

    @Test func pointerEntryPointsMatchTensorAPI() {
        let x = LayerTestData.tensor([30], seed: 10), dy = LayerTestData.tensor([30], seed: 11)
        let tensorLayer = Dropout<Double>(p: 0.5, seed: 12), pointerLayer = Dropout<Double>(p: 0.5, seed: 12)
        let y = tensorLayer.forward(x), dx = tensorLayer.backward(dy)
        var dxp = [Double](repeating: .nan, count: 30)
        x.scalars.withUnsafeBufferPointer { pointerLayer.forward(x: $0.baseAddress!, count: 30) }
        #expect(Array(UnsafeBufferPointer(start: pointerLayer.outputPointer, count: 30)) == y.scalars)
        dy.scalars.withUnsafeBufferPointer { d in
            dxp.withUnsafeMutableBufferPointer { pointerLayer.backward(dy: d.baseAddress!, count: 30, into: $0.baseAddress!) }
        }
        #expect(dxp == dx.scalars)
    }

    @Test func floatAndDoubleAgree() {
        // The keep/drop decisions do not depend on the scalar type; only 1/(1−p) is rounded.
        let x = LayerTestData.tensor([64], seed: 13)
        let yd = Dropout<Double>(p: 0.25, seed: 14).forward(x)
        let yf = Dropout<Float>(p: 0.25, seed: 14).forward(Tensor(x))
        expectClose(yf.scalars, Tensor<Float>(yd).scalars, atol: 1e-7, rtol: 1e-6, "forward")
        #expect(zip(yf.scalars, yd.scalars).allSatisfy { ($0 == 0) == ($1 == 0) })
    }

    @Test func probabilityOutsideTheUnitIntervalIsAPreconditionFailure() async {
        await #expect(processExitsWith: .failure) { _ = Dropout<Float>(p: 1.5) }
    }
}
