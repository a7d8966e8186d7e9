// The image encoder: coordinate channels, two conv blocks, the annotation vectors and the
// initial state; forward and backward side by side (letters in Captioner.swift).

extension Captioner {
    // MARK: - Forward

    /// Runs the CNN on images (B, Cin, Hgt, Wid): leaves the annotations a (P, B, D) in
    /// `annotations`, and sets B, P and the image size.
    func encode(images: UnsafePointer<Scalar>, batch B: Int, height Hgt: Int, width Wid: Int) {
        guard case .cnn(let Cin, let C1, let C2) = configuration.encoder, let conv1, let conv2 else {
            preconditionFailure("Captioner: this model reads annotation vectors, not images")
        }
        precondition(Hgt >= 4 && Wid >= 4, "Captioner: images must be at least 4 × 4")
        batch = B; imageHeight = Hgt; imageWidth = Wid
        let plane = Hgt * Wid, (H1, W1) = (Hgt / 2, Wid / 2), (h, w) = (H1 / 2, W1 / 2), P = h * w
        annotationCount = P
        // x̂ = [image; rows; columns]: two coordinate channels in [0, 1] (torch.linspace(0, 1, n)).
        let x = imageInput.ensure(B * (Cin + 2) * plane)
        for b in 0..<B {
            let xb = x + b * (Cin + 2) * plane
            xb.update(from: images + b * Cin * plane, count: Cin * plane)
            if b > 0 { (xb + Cin * plane).update(from: x + Cin * plane, count: 2 * plane); continue }   // as image 0's
            let rows = xb + Cin * plane, columns = rows + plane
            for i in 0..<Hgt {
                for j in 0..<Wid {
                    rows[i * Wid + j] = Hgt > 1 ? Scalar(Double(i) / Double(Hgt - 1)) : 0
                    columns[i * Wid + j] = Wid > 1 ? Scalar(Double(j) / Double(Wid - 1)) : 0
                }
            }
        }
        // Each conv block one image at a time, pooled while its conv output is in cache (the
        // batch's conv outputs are never stored); ReLU on the pooled values: relu ∘ maxpool =
        // maxpool ∘ relu, PyTorch's order, value for value, and the same gradient (below).
        let p1 = pool1Output.ensure(B * C1 * H1 * W1), a1 = pool1Argmax.ensure(B * C1 * H1 * W1)   // (B, C1, H1, W1)
        conv1.forward(x: x, batch: B, conv1.geometry(height: Hgt, width: Wid)) { b, y in           // y (C1, Hgt·Wid)
            let out = p1 + b * C1 * H1 * W1
            pool.forward(x: y, planes: C1, height: Hgt, width: Wid, into: out, argmax: a1 + b * C1 * H1 * W1)
            reluForward(out, count: C1 * H1 * W1)
        }
        let f = pool2Output.ensure(B * C2 * P), a2 = pool2Argmax.ensure(B * C2 * P)               // (B, C2, h, w)
        conv2.forward(x: p1, batch: B, conv2.geometry(height: H1, width: W1)) { b, y in            // y (C2, H1·W1)
            let out = f + b * C2 * P
            pool.forward(x: y, planes: C2, height: H1, width: W1, into: out, argmax: a2 + b * C2 * P)
            reluForward(out, count: C2 * P)
        }
        // A deeper CNN: f ← relu(conv_k(f)) at the grid's resolution for each extra convolution.
        var top = UnsafePointer(f), D = C2                                            // (B, D, h, w)
        while extraOutputs.count < extraConvs.count { extraOutputs.append(ScratchBuffer()) }
        for (k, conv) in extraConvs.enumerated() {
            let y = extraOutputs[k].ensure(B * conv.outChannels * P)                  // (B, C_k, h, w)
            conv.forward(x: top, batch: B, conv.geometry(height: H1 / 2, width: W1 / 2), into: y)
            reluForward(y, count: B * conv.outChannels * P)
            top = UnsafePointer(y); D = conv.outChannels
        }
        // (B, D, P) → (P, B, D), one position's D channels at a time: the writes are contiguous and
        // the D source rows stay in cache across positions. (Position-innermost writes, B·D apart,
        // all fell in one L1 set: 3 % of a training step.)
        let a = annotations.ensure(P * B * D)                                         // (P, B, D)
        for b in 0..<B {
            let src = top + b * D * P
            for p in 0..<P {
                let dst = a + (p * B + b) * D
                for d in 0..<D { dst[d] = src[d * P + p] }
            }
        }
    }

    /// Takes given annotation vectors, features (B, P, D), as the annotations (P, B, D).
    func encode(features: UnsafePointer<Scalar>, batch B: Int, count P: Int) {
        let D = configuration.annotationSize
        batch = B; annotationCount = P; imageHeight = 0; imageWidth = 0
        let a = annotations.ensure(P * B * D)
        for b in 0..<B {
            for p in 0..<P { (a + (p * B + b) * D).update(from: features + (b * P + p) * D, count: D) }
        }
    }

    /// h_0 = tanh(init_h(mean_p a_p)), c_0 = tanh(init_c(mean_p a_p)) into `hStates`, `cStates`
    /// slot 0, and the attention's keys, for T steps.
    func startDecoding(steps T: Int) {
        let B = batch, P = annotationCount, D = configuration.annotationSize, H = configuration.hiddenSize
        steps = T
        hStates.ensure((T + 1) * B * H); cStates.ensure((T + 1) * B * H)
        let a = annotations.pointer, mean = annotationMean.ensure(B * D)              // (B, D)
        mean.update(repeating: 0, count: B * D)
        for p in 0..<P {
            let ap = a + p * B * D
            for i in 0..<(B * D) { mean[i] += ap[i] }
        }
        let inverse = 1 / Scalar(P)
        for i in 0..<(B * D) { mean[i] *= inverse }
        initH.forward(x: mean, rows: B, into: h(0))
        initC.forward(x: mean, rows: B, into: c(0))
        for i in 0..<(B * H) { h(0)[i] = Scalar.tanh(h(0)[i]); c(0)[i] = Scalar.tanh(c(0)[i]) }
        attention.prepare(memory: a, steps: P, batch: B, lengths: [Int](repeating: P, count: B), decoderSteps: T)
    }

    // MARK: - Backward

    /// From dL/dh_0, dL/dc_0 (B, H) (overwritten) and the attention's dL/da: dL/da (P, B, D)
    /// complete (through the mean), in `dAnnotations`.
    func backwardInitialState(dh0: UnsafeMutablePointer<Scalar>, dc0: UnsafeMutablePointer<Scalar>) {
        let B = batch, P = annotationCount, D = configuration.annotationSize, H = configuration.hiddenSize
        for i in 0..<(B * H) {
            dh0[i] *= 1 - h(0)[i] * h(0)[i]
            dc0[i] *= 1 - c(0)[i] * c(0)[i]
        }
        let dm = dMean.ensure(2 * B * D), mean = annotationMean.pointer
        initH.backward(x: mean, dy: dh0, rows: B, dx: dm)
        initC.backward(x: mean, dy: dc0, rows: B, dx: dm + B * D)
        let fromAttention = attention.finishBackward()                                 // (P, B, D)
        let da = dAnnotations.ensure(2 * P * B * D)
        let inverse = 1 / Scalar(P)
        for i in 0..<(B * D) { dm[i] = (dm[i] + dm[B * D + i]) * inverse }
        for p in 0..<P {
            for i in 0..<(B * D) { da[p * B * D + i] = fromAttention[p * B * D + i] + dm[i] }
        }
    }

    /// dL/dfeatures (B, P, D) from `dAnnotations` (P, B, D).
    func featureGradient() -> [Scalar] {
        let B = batch, P = annotationCount, D = configuration.annotationSize, da = dAnnotations.pointer
        var dx = [Scalar](repeating: 0, count: B * P * D)
        for b in 0..<B {
            for p in 0..<P { for d in 0..<D { dx[(b * P + p) * D + d] = da[(p * B + b) * D + d] } }
        }
        return dx
    }

    /// The CNN's backward from `dAnnotations` (P, B, D): adds the conv layers' gradients and,
    /// if `dImages` is given, writes dL/dimage (B, Cin, Hgt, Wid) there.
    func backwardCNN(dImages: UnsafeMutablePointer<Scalar>?) {
        guard case .cnn(let Cin, let C1, let C2) = configuration.encoder, let conv1, let conv2 else { return }
        let B = batch, Hgt = imageHeight, Wid = imageWidth, plane = Hgt * Wid
        let (H1, W1) = (Hgt / 2, Wid / 2), P = annotationCount, D = configuration.annotationSize
        let da = dAnnotations.pointer, dTop = da + P * B * D                            // (B, D, h, w)
        for b in 0..<B {                                                                // (P, B, D) → (B, D, P), as in `encode`
            let dst = dTop + b * D * P
            for p in 0..<P {
                let src = da + (p * B + b) * D
                for d in 0..<D { dst[d * P + p] = src[d] }
            }
        }
        // The extra convolutions in reverse, their input gradients in the two halves of dExtra.
        var df = dTop                                                                   // ends as dL/df (B, C2, h, w)
        let widest = extraConvs.map { max($0.inChannels, $0.outChannels) }.max() ?? 0
        let halves = dExtra.ensure(2 * B * widest * P)
        for k in extraConvs.indices.reversed() {
            let conv = extraConvs[k], dInput = halves + (k % 2) * B * widest * P
            reluBackward(output: extraOutputs[k].pointer, gradient: df, count: B * conv.outChannels * P)
            let input = k == 0 ? pool2Output.pointer : extraOutputs[k - 1].pointer
            conv.backward(x: input, dy: df, batch: B, conv.geometry(height: H1 / 2, width: W1 / 2), dx: dInput)
            df = dInput
        }
        // ReLU's backward on the pooled values (zero where relu(max) ≤ 0: there the max was ≤ 0,
        // and PyTorch's order zeroes it too), then each image's pooling backward scatters into
        // the conv's dy just before the conv's backward uses it.
        reluBackward(output: pool2Output.pointer, gradient: df, count: B * C2 * P)
        let dp1 = dPool1.ensure(B * C1 * H1 * W1)                                     // (B, C1, H1, W1)
        conv2.backward(x: pool1Output.pointer, batch: B, conv2.geometry(height: H1, width: W1), dx: dp1) { b, dy in
            pool.backward(dy: df + b * C2 * P, argmax: pool2Argmax.pointer + b * C2 * P, planes: C2, height: H1, width: W1, dx: dy)
        }
        reluBackward(output: pool1Output.pointer, gradient: dp1, count: B * C1 * H1 * W1)
        let dx = dImages == nil ? nil : dImageInput.ensure(B * (Cin + 2) * plane)    // (B, Cin+2, Hgt, Wid)
        conv1.backward(x: imageInput.pointer, batch: B, conv1.geometry(height: Hgt, width: Wid), dx: dx) { b, dy in
            pool.backward(dy: dp1 + b * C1 * H1 * W1, argmax: pool1Argmax.pointer + b * C1 * H1 * W1, planes: C1,
                          height: Hgt, width: Wid, dx: dy)
        }
        if let dx, let dImages {
            for b in 0..<B { (dImages + b * Cin * plane).update(from: dx + b * (Cin + 2) * plane, count: Cin * plane) }
        }
    }
}
