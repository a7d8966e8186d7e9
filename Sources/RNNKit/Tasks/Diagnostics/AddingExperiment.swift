/// Training a many-to-one regressor on the adding problem while watching its gradients: the
/// experiment of Le, Jaitly & Hinton (2015) that shows a tanh RNN stuck at the baseline MSE of
/// 0.167 while an LSTM and a ReLU RNN with identity initialisation (IRNN) learn to add.
///
/// The model is a `Forecaster` with horizon 1 (stack → linear on the last step's output); each
/// step draws a fresh batch, takes the mean squared error, clips the gradient norm and applies
/// the optimizer. Every `evalEvery` steps it measures the MSE on a fixed test set. At the start
/// and the end it records, on a fixed probe batch, ‖∂L/∂h_t‖ over t (the gradient enters only at
/// the last step, so these are the norms of the gradient carried back t steps) and σ_max of W_hh.
public final class AddingExperiment {
    /// What to train and for how long.
    public struct Settings: Sendable {
        /// T, the sequence length.
        public var length: Int
        /// The recurrent cell.
        public var cell: CellKind = .rnnTanh
        /// How W_hh starts (`identity` needs `.rnnRelu`).
        public var initialization: RecurrentInitialization = .pytorch
        /// H, the hidden units.
        public var hiddenSize = 64
        /// Optimizer steps.
        public var steps = 2000
        /// Sequences per step.
        public var batch = 32
        /// The optimizer.
        public var optimizer: OptimizerKind = .adam
        /// Its learning rate.
        public var learningRate = 0.001
        /// The largest global gradient norm; 0 disables clipping.
        public var clip = 1.0
        /// Seeds the weights and every batch.
        public var seed: UInt64 = 1
        /// Steps between test evaluations.
        public var evalEvery = 100
        /// Sequences in the fixed test set.
        public var testSize = 1000

        /// Settings for sequences of `length` steps, the rest at their defaults.
        public init(length: Int) { self.length = length }
    }

    /// One test evaluation.
    public struct Point: Sendable, Equatable {
        /// Optimizer steps taken.
        public var step: Int
        /// The mean training MSE since the previous point (nil at step 0).
        public var trainMSE: Double?
        /// The MSE on the test set.
        public var testMSE: Double
    }

    /// The gradient picture at one moment.
    public struct Snapshot: Sendable {
        /// Optimizer steps taken.
        public var step: Int
        /// ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) on the probe batch.
        public var flow: GradientFlow
        /// σ_max of every W_hh and its gate blocks.
        public var spectralNorms: [RecurrentSpectralNorm]
    }

    /// The settings.
    public let settings: Settings
    /// The problem.
    public let problem: AddingProblem
    /// The model: `rnn.*`, `head.*`.
    public let model: Forecaster<Float>
    /// The test evaluations so far.
    public private(set) var curve: [Point] = []
    /// The gradient picture before training, and after the last step.
    public private(set) var start: Snapshot?, end: Snapshot?

    let optimizer: any Optimizer<Float>
    let testSet: (x: [Float], target: [Float])
    let probe: (x: [Float], target: [Float])
    var generator: SeededGenerator

    /// Builds the model (initialised from the seed, then by `initialization`) and the fixed
    /// test set and probe batch.
    /// - Throws: `RNNKitError` for a length below 2, an initialisation the cell does not take,
    ///   or a setting out of range (each named).
    public init(_ settings: Settings) throws {
        problem = try AddingProblem(length: settings.length)
        for (name, value) in [("hidden size", settings.hiddenSize), ("steps", settings.steps), ("batch size", settings.batch),
                              ("evaluation interval", settings.evalEvery), ("test size", settings.testSize)] where value < 1 {
            throw RNNKitError("\(name) must be positive, got \(value)")
        }
        guard settings.clip >= 0 && settings.clip.isFinite else { throw RNNKitError("clip must be ≥ 0, got \(settings.clip)") }
        if let reason = settings.initialization.refusal(for: settings.cell) { throw RNNKitError(reason) }
        self.settings = settings
        model = try Forecaster(.forecaster(cell: settings.cell, features: AddingProblem.features,
                                           hiddenSize: settings.hiddenSize, horizon: 1), seed: settings.seed)
        var g = SeededGenerator(seed: settings.seed ^ 0xADD1_4E55)
        try model.rnn.initialize(settings.initialization, generator: &g)
        optimizer = try settings.optimizer.make(learningRate: settings.learningRate)
        testSet = problem.batch(size: settings.testSize, using: &g)
        probe = problem.batch(size: min(settings.batch, 100), using: &g)
        generator = g
    }

    /// MSE of the current model on the test set.
    public func testMSE() -> Double {
        model.setTraining(false)
        defer { model.setTraining(true) }
        return model.predict(x: testSet.x, steps: settings.length, target: testSet.target).squaredErrorSum
            / Double(settings.testSize)
    }

    /// The gradient picture now, on the probe batch (no parameter changes; gradients zeroed).
    public func snapshot(step: Int) -> Snapshot {
        model.rnn.recordsGradientFlow = true
        defer { model.rnn.recordsGradientFlow = false; model.arena.zeroGradients() }
        model.arena.zeroGradients()
        model.lossAndGradients(x: probe.x, steps: settings.length, target: probe.target)
        return Snapshot(step: step, flow: model.rnn.gradientFlow!, spectralNorms: model.rnn.spectralNorms())
    }

    /// Trains for `settings.steps` steps, calling `progress` after each test evaluation;
    /// `shouldStop` is asked before every step (true ends the run early, keeping what was measured).
    /// - Throws: `RNNKitError` if the loss stops being finite (naming the step).
    public func run(shouldStop: () -> Bool = { false }, progress: (Point) -> Void = { _ in }) throws {
        start = snapshot(step: 0)
        curve = [Point(step: 0, trainMSE: nil, testMSE: testMSE())]
        progress(curve[0])
        var sum = 0.0, count = 0, step = 0
        while step < settings.steps && !shouldStop() {
            let (x, target) = problem.batch(size: settings.batch, using: &generator)
            model.arena.zeroGradients()
            let loss = Double(model.lossAndGradients(x: x, steps: settings.length, target: target).loss)
            guard loss.isFinite else { throw RNNKitError("the training MSE became \(loss) at step \(step + 1)") }
            if settings.clip > 0 { clipGradientNorm(model.arena, maxNorm: Float(settings.clip)) }
            optimizer.step(model.arena)
            step += 1; sum += loss; count += 1
            if step % settings.evalEvery == 0 || step == settings.steps {
                curve.append(Point(step: step, trainMSE: sum / Double(count), testMSE: testMSE()))
                progress(curve[curve.count - 1])
                sum = 0; count = 0
            }
        }
        end = snapshot(step: step)
    }
}
