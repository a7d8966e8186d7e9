import CRNNKernels

/// Settings for RNNKit's CPU kernels.
public enum Compute {
    /// The number of threads a large matrix product may use, the calling thread included.
    ///
    /// Defaults to the number of processors online; values below 1 count as 1. Products
    /// smaller than about 16 MFLOP per thread (a per-time-step recurrent product, for
    /// example) always run on the calling thread. Safe to read and set from any thread;
    /// a new value takes effect from the next product (the workers are restarted).
    public static var threadCount: Int {
        get { ThreadPool.shared.threadCount }
        set { ThreadPool.shared.threadCount = newValue }
    }
}

/// What the CPU kernels will use on this machine.
public enum ComputeInfo {
    /// The single-precision GEMM micro-kernel chosen at run time for this CPU: "avx512 12x32",
    /// "avx2 6x16" or "portable 6x8" (a 6×8 tile in 4-lane vectors), or
    /// "accelerate cblas_sgemm" on Apple platforms. `Double` products use a reference loop.
    public static var kernelDescription: String { GEMMKernel.best.name }

    /// The number of threads large matrix products may use; see `Compute.threadCount`.
    public static var threadCount: Int { Compute.threadCount }
}
