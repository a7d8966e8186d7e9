/// What the CPU kernels will use on this machine.
public enum ComputeInfo {
    /// The GEMM micro-kernel chosen at run time (e.g. "avx512 12x32", "reference").
    public static var kernelDescription: String { "reference" }
    /// The number of threads large matrix products may use.
    public static var threadCount: Int { 1 }
}
