// IDX files (rnn caption --data fashion-grid): the gzip/DEFLATE decoder (stored, fixed and
// dynamic Huffman blocks, several members, CRC and size checks) and the IDX header and data.
import FuzzSupport
@testable import RNNKit

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    Fuzz.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Fuzz.bytes(data, size)
    Fuzz.run { _ = try IDXFile.parse(bytes, name: "input") }
    if Gzip.isGzip(bytes) {
        // A small output limit: the fuzzer's inputs may declare or expand to any size.
        Fuzz.run { _ = try IDXFile.parse(try Gzip.decompress(bytes, name: "input", limit: 1 << 24), name: "input") }
    }
    return 0
}
