// The naive reference convolution: the definition, loop by loop, forward and backward side by
// side. An algorithmic reference for the im2col + GEMM path of `Conv2d` (tests check fast ==
// reference on awkward shapes) and nothing else; letters as in ConvolutionGeometry.swift.
//   y[b, o, oy, ox] = bias[o] + Σ_{c,i,j} w[o, c, i, j] · x[b, c, oy·sH − pH + i, ox·sW − pW + j]
// with x = 0 outside the image.

// MARK: - Forward

/// y (B, O, Ho, Wo) from x (B, C, H, W), weight (O, C, kH, kW) and bias (O) or nil, by the
/// definition.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func convolutionForwardReference<Scalar: RNNScalar>(
    _ g: ConvolutionGeometry, batch B: Int, x: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>,
    bias: UnsafePointer<Scalar>?, y: UnsafeMutablePointer<Scalar>
) {
    let C = g.inChannels, O = g.outChannels, H = g.height, W = g.width
    let Ho = g.outputHeight, Wo = g.outputWidth, kH = g.kernelHeight, kW = g.kernelWidth
    for b in 0..<B {
        for o in 0..<O {
            for oy in 0..<Ho {
                for ox in 0..<Wo {
                    var sum = bias?[o] ?? 0
                    for c in 0..<C {
                        for i in 0..<kH {
                            let iy = oy * g.strideHeight - g.paddingHeight + i
                            if iy < 0 || iy >= H { continue }
                            for j in 0..<kW {
                                let ix = ox * g.strideWidth - g.paddingWidth + j
                                if ix < 0 || ix >= W { continue }
                                sum += weight[((o * C + c) * kH + i) * kW + j] * x[((b * C + c) * H + iy) * W + ix]
                            }
                        }
                    }
                    y[((b * O + o) * Ho + oy) * Wo + ox] = sum
                }
            }
        }
    }
}

// MARK: - Backward

/// The exact backward of `convolutionForwardReference`: from dy (B, O, Ho, Wo), adds
/// dweight (O, C, kH, kW) and dbias (O) (if given) and overwrites dx (B, C, H, W) (if given).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func convolutionBackwardReference<Scalar: RNNScalar>(
    _ g: ConvolutionGeometry, batch B: Int, x: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>,
    dy: UnsafePointer<Scalar>, dWeight: UnsafeMutablePointer<Scalar>, dBias: UnsafeMutablePointer<Scalar>?,
    dx: UnsafeMutablePointer<Scalar>?
) {
    let C = g.inChannels, O = g.outChannels, H = g.height, W = g.width
    let Ho = g.outputHeight, Wo = g.outputWidth, kH = g.kernelHeight, kW = g.kernelWidth
    dx?.update(repeating: 0, count: B * C * H * W)
    for b in 0..<B {
        for o in 0..<O {
            for oy in 0..<Ho {
                for ox in 0..<Wo {
                    let d = dy[((b * O + o) * Ho + oy) * Wo + ox]
                    dBias?[o] += d
                    for c in 0..<C {
                        for i in 0..<kH {
                            let iy = oy * g.strideHeight - g.paddingHeight + i
                            if iy < 0 || iy >= H { continue }
                            for j in 0..<kW {
                                let ix = ox * g.strideWidth - g.paddingWidth + j
                                if ix < 0 || ix >= W { continue }
                                let w = ((o * C + c) * kH + i) * kW + j, p = ((b * C + c) * H + iy) * W + ix
                                dWeight[w] += d * x[p]
                                dx?[p] += d * weight[w]
                            }
                        }
                    }
                }
            }
        }
    }
}
