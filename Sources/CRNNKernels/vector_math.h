// Private to CRNNKernels: the vector arithmetic the vectorised kernels share, written once and
// instantiated at each vector width by VECTOR_MATH(W, SUFFIX, ATTR) inside a file's kernel macro:
// types vf_SFX / vi_SFX (W floats / int32s), load_SFX / store_SFX (n < W: the first n lanes, the
// rest read as 0), exp_SFX, sigmoid_SFX and tanh_SFX.
// exp uses Cephes' range reduction and degree-6 polynomial (≈1 ulp); tanh uses Cephes' odd
// polynomial for |x| < 0.625 and 1 − 2/(e^{2|x|} + 1) above; σ(x) = 1/(1 + e^{−x}).
#ifndef RNNKIT_VECTOR_MATH_H
#define RNNKIT_VECTOR_MATH_H
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define RNNKIT_X86 1
#define ATTR_AVX512 __attribute__((target("avx512f")))
#define ATTR_AVX2 __attribute__((target("avx2,fma")))
#endif
#define ATTR_PORTABLE

#define VECTOR_MATH(W, SFX, ATTR)                                                                   \
typedef float vf_##SFX __attribute__((ext_vector_type(W)));                                        \
typedef int32_t vi_##SFX __attribute__((ext_vector_type(W)));                                      \
                                                                                                    \
static inline ATTR vf_##SFX load_##SFX(const float *p, intptr_t n) {                              \
    vf_##SFX v = 0;                                                                                 \
    if (n >= W) memcpy(&v, p, sizeof(v)); else memcpy(&v, p, (size_t)n * sizeof(float));            \
    return v;                                                                                       \
}                                                                                                   \
static inline ATTR void store_##SFX(float *p, vf_##SFX v, intptr_t n) {                           \
    if (n >= W) memcpy(p, &v, sizeof(v)); else memcpy(p, &v, (size_t)n * sizeof(float));           \
}                                                                                                   \
static inline ATTR vf_##SFX exp_##SFX(vf_##SFX x) {                                               \
    vi_##SFX isNaN = x != x;                                                                        \
    vf_##SFX input = x;                                                                             \
    x = __builtin_elementwise_min(__builtin_elementwise_max(x, (vf_##SFX)(-87.3f)), (vf_##SFX)(88.3f)); \
    vf_##SFX n = __builtin_elementwise_floor(x * 1.44269504088896341f + 0.5f);                      \
    vf_##SFX r = x - n * 0.693359375f + n * 2.12194440e-4f;                                         \
    vf_##SFX z = r * r;                                                                             \
    vf_##SFX p = (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r          \
                   + 4.1665795894e-2f) * r + 1.6666665459e-1f) * r + 5.0000001201e-1f) * z + r + 1.0f; \
    vi_##SFX e = (__builtin_convertvector(n, vi_##SFX) + 127) << 23;                                \
    vi_##SFX result = (vi_##SFX)(p * (vf_##SFX)e);                                                  \
    return (vf_##SFX)((result & ~isNaN) | ((vi_##SFX)input & isNaN));  /* NaN stays NaN */          \
}                                                                                                   \
static inline ATTR vf_##SFX sigmoid_##SFX(vf_##SFX x) { return 1.0f / (1.0f + exp_##SFX(-x)); }   \
static inline ATTR vf_##SFX tanh_##SFX(vf_##SFX x) {                                              \
    vf_##SFX a = __builtin_elementwise_abs(x);                                                      \
    vf_##SFX z = x * x;                                                                             \
    vf_##SFX small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z   \
                       + 1.33314422036e-1f) * z - 3.33332819422e-1f) * z * x + x;                   \
    vf_##SFX large = __builtin_elementwise_copysign(1.0f - 2.0f / (exp_##SFX(a + a) + 1.0f), x);    \
    vi_##SFX useLarge = a > 0.625f;                                                                 \
    return (vf_##SFX)(((vi_##SFX)large & useLarge) | ((vi_##SFX)small & ~useLarge));                \
}

// Calls name_avx512, name_avx2 or name_portable, as rnnkit_selected_isa() says.
#ifdef RNNKIT_X86
#define DISPATCH(name, ...)                                                 \
    switch (rnnkit_selected_isa()) {                                        \
    case RNNKIT_ISA_AVX512: return name##_avx512(__VA_ARGS__);              \
    case RNNKIT_ISA_AVX2: return name##_avx2(__VA_ARGS__);                  \
    default: return name##_portable(__VA_ARGS__);                           \
    }
#else
#define DISPATCH(name, ...) return name##_portable(__VA_ARGS__);
#endif
#endif
