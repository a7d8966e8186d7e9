// The safetensors reader: any bytes either parse into tensors that tile the data section, or
// give an error; every tensor of a parsed file is then read as floats or integers.
import FuzzSupport
@testable import RNNKit

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    Fuzz.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Fuzz.bytes(data, size)
    Fuzz.run {
        let file = try SafetensorsFile(bytes: bytes)
        for info in file.tensors {
            if info.dtype.isReadableAsTensor {
                let t: Tensor<Float> = try file.tensor(info.name)
                precondition(t.scalars.count == info.count)
            } else if info.dtype.isReadableAsIntegers {
                _ = try? file.integers(info.name)
            }
        }
        _ = file.metadata.count
    }
    return 0
}
