import CRNNKernels

// The optimizer updates the optimizers call. For Float they run the vectorised C kernels
// (CRNNKernels/optimizers.c: AVX-512 or AVX2+FMA, chosen at run time), which perform the same
// float operations, fused multiply-adds included, as the Swift references in Adam.swift,
// RMSprop.swift and Adagrad.swift, and so give the same bits; Double runs the references.
// Without hardware FMA, Swift's `addingProduct` becomes a libm call per element, which is why
// Float does not run the references. Large arenas are cut into one slice per thread
// (`forEachSlice`); every element is updated exactly as in a single pass.

@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func adamStep<Scalar: RNNScalar>(
    values θ: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
    m: UnsafeMutablePointer<Scalar>, v: UnsafeMutablePointer<Scalar>, count: Int,
    l2Decay: Scalar, decayFactor: Scalar, firstMomentWeight: Scalar, beta2: Scalar,
    secondMomentWeight: Scalar, biasCorrection2Sqrt: Scalar, epsilon: Scalar, negativeStepSize: Scalar
) {
    guard Scalar.self == Float.self else {
        return adamStepReference(values: θ, gradients: g, m: m, v: v, count: count, l2Decay: l2Decay,
                                 decayFactor: decayFactor, firstMomentWeight: firstMomentWeight, beta2: beta2,
                                 secondMomentWeight: secondMomentWeight, biasCorrection2Sqrt: biasCorrection2Sqrt,
                                 epsilon: epsilon, negativeStepSize: negativeStepSize)
    }
    forEachSlice(count: count) { k, n in
        rnnkit_adam_step_f32(float(θ + k), UnsafeRawPointer(g + k).assumingMemoryBound(to: Float.self), float(m + k),
                             float(v + k), n, Float(l2Decay), Float(decayFactor), Float(firstMomentWeight), Float(beta2),
                             Float(secondMomentWeight), Float(biasCorrection2Sqrt), Float(epsilon), Float(negativeStepSize))
    }
}

@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func rmspropStep<Scalar: RNNScalar>(
    values θ: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
    squareAverage v: UnsafeMutablePointer<Scalar>, momentumBuffer b: UnsafeMutablePointer<Scalar>?,
    gradientAverage gAvg: UnsafeMutablePointer<Scalar>?, count: Int,
    alpha: Scalar, averageWeight: Scalar, epsilon: Scalar, weightDecay: Scalar, momentum: Scalar,
    negativeLR: Scalar
) {
    guard Scalar.self == Float.self else {
        return rmspropStepReference(values: θ, gradients: g, squareAverage: v, momentumBuffer: b,
                                    gradientAverage: gAvg, count: count, alpha: alpha, averageWeight: averageWeight,
                                    epsilon: epsilon, weightDecay: weightDecay, momentum: momentum,
                                    negativeLR: negativeLR)
    }
    forEachSlice(count: count) { k, n in
        rnnkit_rmsprop_step_f32(float(θ + k), UnsafeRawPointer(g + k).assumingMemoryBound(to: Float.self), float(v + k),
                                b.map { float($0 + k) }, gAvg.map { float($0 + k) }, n, Float(alpha),
                                Float(averageWeight), Float(epsilon), Float(weightDecay), Float(momentum), Float(negativeLR))
    }
}

@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func adagradStep<Scalar: RNNScalar>(
    values θ: UnsafeMutablePointer<Scalar>, gradients g: UnsafePointer<Scalar>,
    sum: UnsafeMutablePointer<Scalar>, count: Int, weightDecay: Scalar, epsilon: Scalar, negativeLR: Scalar
) {
    guard Scalar.self == Float.self else {
        return adagradStepReference(values: θ, gradients: g, sum: sum, count: count, weightDecay: weightDecay,
                                    epsilon: epsilon, negativeLR: negativeLR)
    }
    forEachSlice(count: count) { k, n in
        rnnkit_adagrad_step_f32(float(θ + k), UnsafeRawPointer(g + k).assumingMemoryBound(to: Float.self), float(sum + k),
                                n, Float(weightDecay), Float(epsilon), Float(negativeLR))
    }
}

/// torch.lerp(avg, live, w) in place over `count` floats, the exponential weight average's
/// update, in the vectorised C kernel: the same bits as `lerpReference` (WeightAveraging.swift).
func lerp(_ avg: UnsafeMutablePointer<Float>, toward live: UnsafePointer<Float>, count: Int, weight w: Float) {
    forEachSlice(count: count) { k, n in rnnkit_lerp_f32(avg + k, live + k, n, w) }
}
