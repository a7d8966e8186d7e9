#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The floating-point types RNNKit computes in: `Float` for speed, `Double` for reference
/// computations and finite-difference gradient checks.
///
/// Layers, losses and optimizers are generic over `RNNScalar`. Their element loops live in
/// kernels marked `@specialized(where Scalar == Float)` and `@specialized(where Scalar == Double)`,
/// so calls from other modules run specialized code even though the layer types are generic.
/// `Float` matrix products use the fast CPU kernels; `Double` uses the naive reference kernel.
public protocol RNNScalar: BinaryFloatingPoint, Sendable, CustomStringConvertible
where RawSignificand: FixedWidthInteger {
    /// e^x.
    static func exp(_ x: Self) -> Self
    /// The natural logarithm.
    static func log(_ x: Self) -> Self
    /// The hyperbolic tangent.
    static func tanh(_ x: Self) -> Self
}

extension Float: RNNScalar {
    /// e^x.
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    /// The natural logarithm.
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    /// The hyperbolic tangent.
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
}

extension Double: RNNScalar {
    /// e^x.
    @inlinable public static func exp(_ x: Double) -> Double { libmExp(x) }
    /// The natural logarithm.
    @inlinable public static func log(_ x: Double) -> Double { libmLog(x) }
    /// The hyperbolic tangent.
    @inlinable public static func tanh(_ x: Double) -> Double { libmTanh(x) }
}

// File-scope wrappers: inside `extension Double`, a bare `exp` would name the static method.
@usableFromInline func libmExp(_ x: Double) -> Double { exp(x) }
@usableFromInline func libmLog(_ x: Double) -> Double { log(x) }
@usableFromInline func libmTanh(_ x: Double) -> Double { tanh(x) }
@usableFromInline func libmCos(_ x: Double) -> Double { cos(x) }

extension RNNScalar {
    /// The logistic sigmoid σ(x) = 1 / (1 + e^(−x)), computed without overflow for large |x|.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Self) -> Self {
        if x >= 0 {
            return 1 / (1 + exp(-x))
        }
        let e = exp(x)
        return e / (1 + e)
    }
}
