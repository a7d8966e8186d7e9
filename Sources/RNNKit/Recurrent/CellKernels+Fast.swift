import CRNNKernels

// The step kernels the time loop calls. For Float they run the vectorised C kernels
// (CRNNKernels/pointwise.c: AVX-512, AVX2+FMA or portable vectors, chosen at run time); for
// Double, the generic Swift references beside each cell's equations (LSTMKernels.swift,
// GRUKernels.swift, ElmanKernels.swift). Tests check fast == reference on odd shapes.
// Arguments and shapes are those of the references.

@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func lstmStepForward<Scalar: RNNScalar>(
    batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    gates: UnsafeMutablePointer<Scalar>, hPrev: UnsafePointer<Scalar>, cPrev: UnsafePointer<Scalar>,
    hOut: UnsafeMutablePointer<Scalar>, cOut: UnsafeMutablePointer<Scalar>, tanhC: UnsafeMutablePointer<Scalar>
) {
    guard Scalar.self == Float.self else {
        return lstmStepForwardReference(batch: batch, hidden: H, t: t, lengths: lengths, gates: gates, hPrev: hPrev,
                                        cPrev: cPrev, hOut: hOut, cOut: cOut, tanhC: tanhC)
    }
    rnnkit_lstm_forward_f32(batch, H, t, lengths, float(gates), float(hPrev), float(cPrev),
                            float(hOut), float(cOut), float(tanhC))
}

@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func lstmStepBackward<Scalar: RNNScalar>(
    batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    dh: UnsafePointer<Scalar>, dc: UnsafeMutablePointer<Scalar>,
    gates: UnsafePointer<Scalar>, cPrev: UnsafePointer<Scalar>, tanhC: UnsafePointer<Scalar>,
    dGates: UnsafeMutablePointer<Scalar>, dhDirect: UnsafeMutablePointer<Scalar>
) {
    guard Scalar.self == Float.self else {
        return lstmStepBackwardReference(batch: batch, hidden: H, t: t, lengths: lengths, dh: dh, dc: dc, gates: gates,
                                         cPrev: cPrev, tanhC: tanhC, dGates: dGates, dhDirect: dhDirect)
    }
    rnnkit_lstm_backward_f32(batch, H, t, lengths, float(dh), float(dc), float(gates), float(cPrev),
                             float(tanhC), float(dGates), float(dhDirect))
}

@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gruStepForward<Scalar: RNNScalar>(
    batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    gates: UnsafeMutablePointer<Scalar>, gh: UnsafePointer<Scalar>, bhn: UnsafePointer<Scalar>?,
    ghn: UnsafeMutablePointer<Scalar>, hPrev: UnsafePointer<Scalar>, hOut: UnsafeMutablePointer<Scalar>
) {
    guard Scalar.self == Float.self else {
        return gruStepForwardReference(batch: batch, hidden: H, t: t, lengths: lengths, gates: gates, gh: gh,
                                       bhn: bhn, ghn: ghn, hPrev: hPrev, hOut: hOut)
    }
    rnnkit_gru_forward_f32(batch, H, t, lengths, float(gates), float(gh), bhn.map { float($0) }, float(ghn),
                           float(hPrev), float(hOut))
}

@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gruStepBackward<Scalar: RNNScalar>(
    batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    dh: UnsafePointer<Scalar>, gates: UnsafePointer<Scalar>, ghn: UnsafePointer<Scalar>, hPrev: UnsafePointer<Scalar>,
    dGatesInput: UnsafeMutablePointer<Scalar>, dGatesHidden: UnsafeMutablePointer<Scalar>,
    dhDirect: UnsafeMutablePointer<Scalar>
) {
    guard Scalar.self == Float.self else {
        return gruStepBackwardReference(batch: batch, hidden: H, t: t, lengths: lengths, dh: dh, gates: gates,
                                        ghn: ghn, hPrev: hPrev, dGatesInput: dGatesInput,
                                        dGatesHidden: dGatesHidden, dhDirect: dhDirect)
    }
    rnnkit_gru_backward_f32(batch, H, t, lengths, float(dh), float(gates), float(ghn), float(hPrev),
                            float(dGatesInput), float(dGatesHidden), float(dhDirect))
}

@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func elmanStepForward<Scalar: RNNScalar>(
    relu: Bool, batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    gates: UnsafeMutablePointer<Scalar>, hPrev: UnsafePointer<Scalar>, hOut: UnsafeMutablePointer<Scalar>
) {
    guard Scalar.self == Float.self else {
        return elmanStepForwardReference(relu: relu, batch: batch, hidden: H, t: t, lengths: lengths,
                                         gates: gates, hPrev: hPrev, hOut: hOut)
    }
    rnnkit_elman_forward_f32(relu ? 1 : 0, batch, H, t, lengths, float(gates), float(hPrev), float(hOut))
}

@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func elmanStepBackward<Scalar: RNNScalar>(
    relu: Bool, batch: Int, hidden H: Int, t: Int, lengths: UnsafePointer<Int>?,
    dh: UnsafePointer<Scalar>, gates: UnsafePointer<Scalar>,
    dGates: UnsafeMutablePointer<Scalar>, dhDirect: UnsafeMutablePointer<Scalar>
) {
    guard Scalar.self == Float.self else {
        return elmanStepBackwardReference(relu: relu, batch: batch, hidden: H, t: t, lengths: lengths, dh: dh,
                                          gates: gates, dGates: dGates, dhDirect: dhDirect)
    }
    rnnkit_elman_backward_f32(relu ? 1 : 0, batch, H, t, lengths, float(dh), float(gates), float(dGates),
                              float(dhDirect))
}
