// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 60,000 training and 10,000 test images of
// 28 × 28 grey pixels in 10 classes, as IDX files (the Debian package dataset-fashion-mnist
// installs them under /usr/share/datasets/fashion-mnist).

/// The Fashion-MNIST images and labels of both splits.
public struct FashionMNIST: Sendable {
    /// Where the Debian package `dataset-fashion-mnist` puts the files.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    /// The class names by label, one word each, as captions use them.
    public static let classNames = ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]
    /// Pixels per side of an item.
    public static let side = 28

    /// One split: N images (N, 28, 28) of bytes and N labels in 0..<10.
    public struct Split: Sendable {
        /// The pixels, (N, 28, 28).
        public let images: [UInt8]
        /// The labels, (N).
        public let labels: [UInt8]
        /// N.
        public var count: Int { labels.count }
    }

    /// The 60,000 training items, and the 10,000 test items (t10k).
    public let train: Split, test: Split

    /// Reads `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`
    /// and `t10k-labels-idx1-ubyte.gz` from `directory`.
    /// - Throws: `RNNKitError` naming the file for a missing, truncated or corrupt file, images
    ///   that are not 28 × 28, labels outside 0…9, or images and labels of different counts.
    public init(directory: String = FashionMNIST.defaultDirectory) throws {
        func split(_ prefix: String) throws -> Split {
            let imagePath = "\(directory)/\(prefix)-images-idx3-ubyte.gz", labelPath = "\(directory)/\(prefix)-labels-idx1-ubyte.gz"
            let images = try IDXFile.read(imagePath), labels = try IDXFile.read(labelPath)
            guard images.shape.count == 3 && images.shape[1] == Self.side && images.shape[2] == Self.side else {
                throw RNNKitError("\(imagePath): images of shape \(images.shape), expected (N, 28, 28)")
            }
            guard labels.shape.count == 1 && labels.shape[0] == images.shape[0] else {
                throw RNNKitError("\(labelPath): \(labels.shape.reduce(1, *)) labels for the \(images.shape[0]) images of \(imagePath)")
            }
            if let bad = labels.bytes.firstIndex(where: { $0 >= 10 }) {
                throw RNNKitError("\(labelPath): label \(labels.bytes[bad]) at item \(bad) is not a class 0…9")
            }
            return Split(images: images.bytes, labels: labels.bytes)
        }
        train = try split("train")
        test = try split("t10k")
    }
}
