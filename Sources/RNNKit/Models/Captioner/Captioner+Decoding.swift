// Greedy decoding: the steps of the forward, each feeding back its own argmax (the first
// maximum), as torch_tasks.py's greedy_caption (letters in Captioner.swift).

/// The greedy captions of a batch: word ids and where each word looked.
public struct CaptionerDecoding: Sendable {
    /// Per image, the words before `<eos>` (at most the step limit).
    public var words: [[Int]]
    /// Per image, the attention of every step that wrote a word of `words` (or `<eos>`): the
    /// steps × P weights over the annotation grid (p = i·w + j).
    public var attention: [[[Float]]]
}

extension Captioner {
    /// Runs `maxLength` greedy steps from BOS on the annotations of the last `encode`, in
    /// evaluation; returns the words and attention of each image (stopping at `endID`).
    func greedy(maxLength L: Int, beginID: Int, endID: Int) -> CaptionerDecoding {
        let B = batch, P = annotationCount, V = configuration.vocabularySize
        startDecoding(steps: L)
        prepareSteps()
        var ids = [Int](repeating: beginID, count: B)
        var words = [[Int]](repeating: [], count: B), done = [Bool](repeating: false, count: B)
        var looked = [[[Float]]](repeating: [], count: B)
        let row = logits.pointer                                                      // (B, V) of the step
        for t in 0..<L where done.contains(false) {
            ids.withUnsafeBufferPointer { decodeStep(t, ids: $0.baseAddress!) }
            output.forward(x: h(t + 1), rows: B, into: row)
            let alpha = weights.pointer + t * B * P
            for b in 0..<B where !done[b] {
                var best = 0
                for v in 1..<V where row[b * V + v] > row[b * V + best] { best = v }
                ids[b] = best
                looked[b].append((0..<P).map { Float(alpha[b * P + $0]) })
                if best == endID { done[b] = true } else { words[b].append(best) }
            }
        }
        return CaptionerDecoding(words: words, attention: looked)
    }

    /// Greedy captions of images (B, Cin, Hgt, Wid): at most `maxLength` words each.
    public func greedyCaptions(images: Tensor<Scalar>, maxLength: Int, beginID: Int, endID: Int) -> CaptionerDecoding {
        runEncoder(images: images)
        return greedy(maxLength: maxLength, beginID: beginID, endID: endID)
    }

    /// Greedy captions of a batch as the model reads it (`runEncoder(input:)`).
    func greedyCaptions(input: Tensor<Scalar>, maxLength: Int, beginID: Int, endID: Int) -> CaptionerDecoding {
        runEncoder(input: input)
        return greedy(maxLength: maxLength, beginID: beginID, endID: endID)
    }

    /// Greedy captions of annotation vectors given as features (B, P, D).
    public func greedyCaptions(features: Tensor<Scalar>, maxLength: Int, beginID: Int, endID: Int) -> CaptionerDecoding {
        runEncoder(features: features)
        return greedy(maxLength: maxLength, beginID: beginID, endID: endID)
    }
}
