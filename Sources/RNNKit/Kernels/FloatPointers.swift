// The generic kernels' pointers seen as Float, for the C kernels of CRNNKernels: valid only
// where the caller has checked that Scalar is Float.

/// `p` as a pointer to Float (the caller has checked `S.self == Float.self`).
@inline(__always)
func float<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}

/// `p` as a pointer to Float (the caller has checked `S.self == Float.self`).
@inline(__always)
func float<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Float> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}
