// The general captioning format: images as one safetensors tensor (N, C, Hgt, Wid) of float32
// (values used as given) or uint8 (value/255), and a text file with one caption per line,
// words separated by whitespace.

/// Reads images and captions in the general format.
public enum CaptionFiles {
    /// The images of `images` and the captions of `captions`.
    /// - Throws: `RNNKitError` naming the file: unreadable, no single tensor (or none called
    ///   `images`), a rank other than 4, a dtype other than float32 or uint8, an empty caption,
    ///   or images and captions of different counts.
    public static func read(images: String, captions: String) throws -> CaptionedImages {
        let file = try SafetensorsFile(contentsOf: images)
        let name = try tensorName(in: file, preferring: "images", path: images, layout: "the images as one tensor (N, C, H, W)")
        let info = file.info(name)!
        guard info.shape.count == 4 else {
            throw RNNKitError("\(images): tensor '\(name)' has shape \(info.shape); images must be (N, C, H, W)")
        }
        let pixels: CaptionedImages.Pixels
        switch info.dtype.rawValue {
        case "F32": pixels = .floats((try file.tensor(name) as Tensor<Float>).scalars)
        case "U8": pixels = .bytes(try file.integers(name).map { UInt8($0) })
        case let other: throw RNNKitError("\(images): tensor '\(name)' is \(other); images must be F32 or U8")
        }
        let lines = try readCaptions(captions, count: info.shape[0], of: images, what: "images")
        return try CaptionedImages(channels: info.shape[1], height: info.shape[2], width: info.shape[3], pixels: pixels, captions: lines)
    }

    /// Annotation vectors from any CNN (say a torchvision ResNet run in Python), one float32
    /// tensor (N, P, D) in `features` (called `features`, or the file's only tensor), and the
    /// captions of `captions`. They are held as one-channel P × D "images" (`CaptionedImages`
    /// with channels 1, height P, width D), which a captioner built on features reads as (B, P, D).
    /// - Throws: `RNNKitError` naming the file: unreadable, no single tensor (or none called
    ///   `features`), a rank other than 3, a dtype other than float32, an empty caption, or
    ///   features and captions of different counts.
    public static func readFeatures(features: String, captions: String) throws -> CaptionedImages {
        let file = try SafetensorsFile(contentsOf: features)
        let name = try tensorName(in: file, preferring: "features", path: features,
                                  layout: "the annotation vectors as one tensor (N, P, D)")
        let info = file.info(name)!
        guard info.shape.count == 3, info.shape[1] > 0, info.shape[2] > 0 else {
            throw RNNKitError("\(features): tensor '\(name)' has shape \(info.shape); annotation vectors must be (N, P, D)")
        }
        guard info.dtype.rawValue == "F32" else {
            throw RNNKitError("\(features): tensor '\(name)' is \(info.dtype.rawValue); annotation vectors must be F32")
        }
        let values = (try file.tensor(name) as Tensor<Float>).scalars
        let lines = try readCaptions(captions, count: info.shape[0], of: features, what: "feature sets")
        return try CaptionedImages(channels: 1, height: info.shape[1], width: info.shape[2], pixels: .floats(values), captions: lines)
    }

    /// The tensor called `preferred`, else the file's only tensor.
    private static func tensorName(in file: SafetensorsFile, preferring preferred: String, path: String, layout: String) throws -> String {
        if file.contains(preferred) { return preferred }
        guard file.names.count == 1 else {
            throw RNNKitError("\(path): \(file.names.count) tensors and none called '\(preferred)'; store \(layout)")
        }
        return file.names[0]
    }

    /// The captions of `path`, one per line, checked to be `count` (the items of `source`).
    private static func readCaptions(_ path: String, count: Int, of source: String, what: String) throws -> [[String]] {
        let text = String(decoding: try FileIO.readAll(path), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
        if lines.last?.isEmpty == true { lines.removeLast() }
        if let empty = lines.firstIndex(where: \.isEmpty) { throw RNNKitError("\(path): line \(empty + 1) has no words") }
        guard lines.count == count else {
            throw RNNKitError("\(source) holds \(count) \(what) and \(path) \(lines.count) captions: the counts must be equal")
        }
        return lines
    }
}

extension CaptionedImages {
    /// The images and captions `range`.
    func subset(_ range: Range<Int>) -> CaptionedImages {
        let n = channels * height * width
        let pixels: Pixels
        switch self.pixels {
        case .bytes(let b): pixels = .bytes(Array(b[(range.lowerBound * n)..<(range.upperBound * n)]))
        case .floats(let f): pixels = .floats(Array(f[(range.lowerBound * n)..<(range.upperBound * n)]))
        }
        return try! CaptionedImages(channels: channels, height: height, width: width, pixels: pixels,
                                    captions: Array(captions[range]), regions: regions.map { Array($0[range]) })
    }
}
