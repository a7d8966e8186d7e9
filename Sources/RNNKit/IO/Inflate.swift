// DEFLATE decompression (RFC 1951), written for the gzip files of datasets (Gzip.swift).
//
// The stream is a series of blocks: stored (raw bytes), fixed Huffman codes or dynamic ones.
// Compressed blocks hold literal bytes and (length, distance) back-references into the output.
// Huffman codes are canonical, so a code is decoded bit by bit from the count of codes of each
// length (the approach of zlib's reference decoder `puff`), without tables to build.
// Errors name the data and the byte where decoding stopped.

/// A canonical Huffman code: the number of codes of each length 1…15 and the symbols in code order.
struct HuffmanCode {
    var counts = [Int](repeating: 0, count: 16)   // counts[len]
    var symbols: [Int] = []                       // ordered by (length, symbol)

    /// Builds the code from each symbol's length (0 = unused).
    /// - Throws: a message if the lengths over-subscribe the code space.
    init(lengths: ArraySlice<Int>) throws {
        for l in lengths { counts[l] += 1 }
        counts[0] = 0
        var left = 1
        for len in 1...15 {
            left = left * 2 - counts[len]
            if left < 0 { throw RNNKitError("over-subscribed Huffman code") }
        }
        var offsets = [Int](repeating: 0, count: 16)
        for len in 1..<15 { offsets[len + 1] = offsets[len] + counts[len] }
        symbols = [Int](repeating: 0, count: lengths.count)
        for (symbol, l) in zip(0..., lengths) where l != 0 {
            symbols[offsets[l]] = symbol
            offsets[l] += 1
        }
    }
}

/// Decodes one DEFLATE stream from `input` starting at byte `start`.
struct Inflater {
    private let input: [UInt8]
    private let name: String
    private let limit: Int
    /// The next unread byte of `input`.
    private(set) var position: Int
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0
    /// The decompressed bytes so far.
    private(set) var output: [UInt8] = []

    /// - Parameters: `name` for error messages (the file); `limit` the most bytes to produce;
    ///   `expectedSize` a hint for the output's capacity (capped by what the input can hold).
    init(_ input: [UInt8], start: Int, name: String, limit: Int, expectedSize: Int) {
        self.input = input
        self.name = name
        self.limit = limit
        position = start
        // DEFLATE expands at most 1032:1, so a corrupt size hint cannot reserve more than that.
        output.reserveCapacity(min(expectedSize, limit, (input.count - start) * 1032))
    }

    private func corrupt(_ what: String) -> RNNKitError {
        RNNKitError("\(name): corrupt deflate data near byte \(position): \(what)")
    }

    private func truncated() -> RNNKitError {
        RNNKitError("\(name): truncated: the compressed data ends at byte \(input.count) in the middle of a block")
    }

    /// The next `n` ≤ 32 bits, least significant first.
    private mutating func bits(_ n: Int) throws -> Int {
        while bitCount < n {
            guard position < input.count else { throw truncated() }
            bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
        let value = Int(bitBuffer & ((1 << UInt64(n)) - 1))
        bitBuffer >>= UInt64(n)
        bitCount -= n
        return value
    }

    /// The next symbol of `code`, read one bit at a time (codes are stored most significant bit first).
    private mutating func decode(_ code: HuffmanCode) throws -> Int {
        var value = 0, first = 0, index = 0
        for len in 1...15 {
            if bitCount == 0 {
                guard position < input.count else { throw truncated() }
                bitBuffer = UInt64(input[position])
                position += 1
                bitCount = 8
            }
            value |= Int(bitBuffer & 1)
            bitBuffer >>= 1
            bitCount -= 1
            let count = code.counts[len]
            if value - first < count { return code.symbols[index + value - first] }
            index += count
            first = (first + count) << 1
            value <<= 1
        }
        throw corrupt("a Huffman code that the block's table does not define")
    }

    // MARK: - Blocks

    /// Decodes blocks until the last one; leaves `position` after the stream's last byte.
    mutating func run() throws {
        var last = false
        while !last {
            last = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock()
            case 1: try compressedBlock(Self.fixedLiterals, Self.fixedDistances)
            case 2:
                let (literals, distances) = try dynamicCodes()
                try compressedBlock(literals, distances)
            default: throw corrupt("block type 3 is reserved")
            }
        }
        bitBuffer = 0; bitCount = 0   // the rest of the last byte is padding
    }

    private mutating func storedBlock() throws {
        bitBuffer = 0; bitCount = 0   // stored blocks start on a byte boundary
        guard position + 4 <= input.count else { throw truncated() }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == ~complement & 0xFFFF else { throw corrupt("a stored block's length check fails") }
        position += 4
        guard position + length <= input.count else { throw truncated() }
        guard output.count + length <= limit else { throw tooLarge() }
        output.append(contentsOf: input[position..<(position + length)])
        position += length
    }

    private func tooLarge() -> RNNKitError {
        RNNKitError("\(name): the decompressed data exceeds \(limit) bytes")
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                                     131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
                                       1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12,
                                        13, 13]

    /// Literal bytes and back-references until the end-of-block symbol 256.
    private mutating func compressedBlock(_ literals: HuffmanCode, _ distances: HuffmanCode) throws {
        while true {
            let symbol = try decode(literals)
            if symbol < 256 {
                guard output.count < limit else { throw tooLarge() }
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let l = symbol - 257
            guard l < 29 else { throw corrupt("length symbol \(symbol) does not exist") }
            let length = Self.lengthBase[l] + (try bits(Self.lengthExtra[l]))
            let d = try decode(distances)
            guard d < 30 else { throw corrupt("distance symbol \(d) does not exist") }
            let distance = Self.distanceBase[d] + (try bits(Self.distanceExtra[d]))
            guard distance <= output.count else {
                throw corrupt("a back-reference \(distance) bytes back, with only \(output.count) bytes written")
            }
            guard output.count + length <= limit else { throw tooLarge() }
            let from = output.count - distance
            for i in 0..<length { output.append(output[from + i]) }   // may overlap what it writes
        }
    }

    /// The code length order of a dynamic block's header.
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Reads a dynamic block's literal/length and distance codes.
    private mutating func dynamicCodes() throws -> (HuffmanCode, HuffmanCode) {
        let literalCount = try bits(5) + 257, distanceCount = try bits(5) + 1, lengthCodeCount = try bits(4) + 4
        guard literalCount <= 286 && distanceCount <= 30 else { throw corrupt("too many length or distance codes") }
        var lengthLengths = [Int](repeating: 0, count: 19)
        for i in 0..<lengthCodeCount { lengthLengths[Self.codeLengthOrder[i]] = try bits(3) }
        let lengthCode = try wrap { try HuffmanCode(lengths: lengthLengths[...]) }
        var lengths = [Int](repeating: 0, count: literalCount + distanceCount)
        var i = 0
        while i < lengths.count {
            let symbol = try decode(lengthCode)
            if symbol < 16 { lengths[i] = symbol; i += 1; continue }
            var value = 0, repeats: Int
            switch symbol {
            case 16:
                guard i > 0 else { throw corrupt("a repeated code length with no previous length") }
                value = lengths[i - 1]; repeats = 3 + (try bits(2))
            case 17: repeats = 3 + (try bits(3))
            default: repeats = 11 + (try bits(7))
            }
            guard i + repeats <= lengths.count else { throw corrupt("code lengths run past the table") }
            for _ in 0..<repeats { lengths[i] = value; i += 1 }
        }
        guard lengths[256] != 0 else { throw corrupt("the block has no end-of-block code") }
        let literals = try wrap { try HuffmanCode(lengths: lengths[0..<literalCount]) }
        let distances = try wrap { try HuffmanCode(lengths: lengths[literalCount...]) }
        return (literals, distances)
    }

    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as RNNKitError { throw corrupt(error.message) }
    }

    private static let fixedLiterals = try! HuffmanCode(
        lengths: ([Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112) + [Int](repeating: 7, count: 24)
                  + [Int](repeating: 8, count: 8))[...])
    private static let fixedDistances = try! HuffmanCode(lengths: [Int](repeating: 5, count: 30)[...])
}
