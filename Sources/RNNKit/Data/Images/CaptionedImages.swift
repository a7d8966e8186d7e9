// A captioning data set held in memory: N images (C, Hgt, Wid) with pixel values in [0, 1]
// (stored as bytes /255 for generated and IDX-based sets, or as floats), and one caption per
// image, a list of words. For grounded sets each word may name a region of its image (the
// grid item or shape it describes): the attention's localisation is measured against it.

/// A rectangle of pixels, rows `top ..< bottom`, columns `left ..< right`.
public struct PixelRegion: Sendable, Equatable {
    /// The first row and column inside.
    public var top: Int, left: Int
    /// The first row and column past the region.
    public var bottom: Int, right: Int

    /// Creates the region rows top ..< bottom, columns left ..< right.
    public init(top: Int, left: Int, bottom: Int, right: Int) {
        self.top = top; self.left = left; self.bottom = bottom; self.right = right
    }

    /// Whether pixel (row, column) lies inside.
    public func contains(row: Int, column: Int) -> Bool { row >= top && row < bottom && column >= left && column < right }
}

/// Images and their captions, in memory.
public struct CaptionedImages: Sendable {
    /// How the pixels are stored.
    public enum Pixels: Sendable {
        /// Bytes, value/255: (N, C, Hgt, Wid).
        case bytes([UInt8])
        /// Values as given: (N, C, Hgt, Wid).
        case floats([Float])
    }

    /// C, Hgt, Wid of every image.
    public let channels: Int, height: Int, width: Int
    /// The pixels, (N, C, Hgt, Wid).
    public let pixels: Pixels
    /// One caption per image: its words, without BOS or EOS.
    public let captions: [[String]]
    /// For grounded sets, per caption and word, the region the word names (nil for words such
    /// as "left of" that name none); nil for sets without regions.
    public let regions: [[PixelRegion?]]?

    /// Creates a set; checks that the counts agree.
    /// - Throws: `RNNKitError` if the pixels do not hold one (C, Hgt, Wid) image per caption,
    ///   or the regions do not follow the captions word for word.
    public init(channels: Int, height: Int, width: Int, pixels: Pixels, captions: [[String]],
                regions: [[PixelRegion?]]? = nil) throws {
        let perImage = channels * height * width
        let count: Int
        switch pixels {
        case .bytes(let b): count = b.count
        case .floats(let f): count = f.count
        }
        guard perImage > 0 else { throw RNNKitError("images must have a positive size, got (\(channels), \(height), \(width))") }
        guard count == captions.count * perImage else {
            throw RNNKitError("\(count / perImage) images of (\(channels), \(height), \(width)) and \(captions.count) captions: the counts must be equal")
        }
        if let regions {
            guard regions.count == captions.count && zip(regions, captions).allSatisfy({ $0.count == $1.count }) else {
                throw RNNKitError("the word regions do not follow the captions word for word")
            }
        }
        self.channels = channels; self.height = height; self.width = width
        self.pixels = pixels; self.captions = captions; self.regions = regions
    }

    /// N, the number of images.
    public var count: Int { captions.count }

    /// Writes images `indices` into `out` (B, C, Hgt, Wid) as values in `Scalar`.
    func copyImages<Scalar: RNNScalar>(_ indices: ArraySlice<Int>, into out: UnsafeMutablePointer<Scalar>) {
        let n = channels * height * width
        for (k, i) in indices.enumerated() {
            let dst = out + k * n
            switch pixels {
            case .bytes(let b):
                b.withUnsafeBufferPointer { p in
                    let src = p.baseAddress! + i * n
                    for j in 0..<n { dst[j] = Scalar(src[j]) / 255 }
                }
            case .floats(let f):
                f.withUnsafeBufferPointer { p in
                    let src = p.baseAddress! + i * n
                    for j in 0..<n { dst[j] = Scalar(src[j]) }
                }
            }
        }
    }

    /// The images `indices` as a tensor (B, C, Hgt, Wid).
    public func images<Scalar: RNNScalar>(_ indices: ArraySlice<Int>, as: Scalar.Type = Scalar.self) -> Tensor<Scalar> {
        var t = Tensor<Scalar>(zeros: [indices.count, channels, height, width])
        t.scalars.withUnsafeMutableBufferPointer { copyImages(indices, into: $0.baseAddress!) }
        return t
    }
}
