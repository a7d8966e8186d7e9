import CRNNKernels

/// A single-precision GEMM back end of CRNNKernels: one register-tiled micro-kernel under the
/// shared blocked driver, or Accelerate on Apple platforms.
///
/// `best` is what `gemm` uses; tests and benchmarks name the others to check every path on a
/// machine that supports several.
enum GEMMKernel: CaseIterable, Sendable, CustomStringConvertible {
    /// Apple's `cblas_sgemm` (Apple platforms only).
    case accelerate
    /// AVX-512F, C tile (12, 32) in 24 zmm registers.
    case avx512
    /// AVX2 + FMA, C tile (6, 16) in 12 ymm registers.
    case avx2
    /// Clang vector extensions, C tile (6, 8) in 12 four-lane registers: any CPU.
    case portable

    /// The fastest kernel this CPU supports, chosen once.
    static let best: GEMMKernel = GEMMKernel(crnn_kernel_best())

    /// The kernels this CPU supports, fastest first.
    static var supported: [GEMMKernel] { allCases.filter(\.isSupported) }

    /// Whether this CPU (and this build) can run the kernel.
    var isSupported: Bool { crnn_kernel_supported(id) != 0 }

    /// The name `ComputeInfo.kernelDescription` shows, e.g. "avx512 12x32".
    var name: String { String(cString: crnn_kernel_name(id)) }

    var description: String { name }

    /// The kernel's identifier in CRNNKernels.
    var id: crnn_kernel_id {
        switch self {
        case .accelerate: CRNN_KERNEL_ACCELERATE
        case .avx512: CRNN_KERNEL_AVX512
        case .avx2: CRNN_KERNEL_AVX2
        case .portable: CRNN_KERNEL_PORTABLE
        }
    }

    private init(_ id: crnn_kernel_id) {
        self = GEMMKernel.allCases.first { $0.id == id } ?? .portable
    }
}
