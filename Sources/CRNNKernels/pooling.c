// Vectorised 2 × 2 max pooling (see rnnkit_pooling.h), one body instantiated at three vector
// widths by POOLING_KERNELS(W, SUFFIX, ATTR) as in pointwise.c. Each vector holds W outputs of
// one output row: the two input rows are loaded 2W floats at a time and split into their even
// and odd columns, so the four candidates of W windows are four vectors; the comparisons are
// selects, never branches (random data would mispredict half of them).
#include "rnnkit_pooling.h"
#include "isa.h"
#include "vector_math.h"

#define EVEN_4 0, 2, 4, 6
#define ODD_4 1, 3, 5, 7
#define EVEN_8 0, 2, 4, 6, 8, 10, 12, 14
#define ODD_8 1, 3, 5, 7, 9, 11, 13, 15
#define EVEN_16 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define ODD_16 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define LANES_4 0, 1, 2, 3
#define LANES_8 0, 1, 2, 3, 4, 5, 6, 7
#define LANES_16 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15

#define POOLING_KERNELS(W, SFX, ATTR)                                                               \
VECTOR_MATH(W, SFX, ATTR)                                                                           \
/* The first 2n floats of p as even and odd columns (n ≤ W outputs; the rest read as 0). */        \
static inline ATTR void split_##SFX(const float *p, intptr_t n, vf_##SFX *even, vf_##SFX *odd) {  \
    intptr_t m = 2 * n;                                                                             \
    vf_##SFX lo = load_##SFX(p, m < W ? m : W), hi = load_##SFX(p + W, m > W ? m - W : 0);         \
    *even = __builtin_shufflevector(lo, hi, EVEN_##W);                                              \
    *odd = __builtin_shufflevector(lo, hi, ODD_##W);                                                \
}                                                                                                   \
/* Candidate v at index iv replaces (best, at) where v > best or v is NaN and best is not. */       \
static inline ATTR void consider_##SFX(vf_##SFX v, vi_##SFX iv, vf_##SFX *best, vi_##SFX *at) {   \
    vi_##SFX take = (v > *best) | ((v != v) & (*best == *best));                                    \
    *best = (vf_##SFX)(((vi_##SFX)v & take) | ((vi_##SFX)*best & ~take));                           \
    *at = (iv & take) | (*at & ~take);                                                              \
}                                                                                                   \
static ATTR void maxpool2x2_##SFX(intptr_t N, intptr_t H, intptr_t Wd, const float *x, float *y,  \
        int32_t *argmax) {                                                                          \
    intptr_t Ho = H / 2, Wo = Wd / 2;                                                               \
    const vi_##SFX lanes = (vi_##SFX){LANES_##W};                                                   \
    for (intptr_t n = 0; n < N; n++) {                                                              \
        const float *plane = x + n * H * Wd;                                                        \
        float *out = y + n * Ho * Wo; int32_t *arg = argmax + n * Ho * Wo;                         \
        for (intptr_t oy = 0; oy < Ho; oy++) {                                                      \
            const float *top = plane + 2 * oy * Wd, *bottom = top + Wd;                             \
            for (intptr_t ox = 0; ox < Wo; ox += W) {                                               \
                intptr_t k = Wo - ox < W ? Wo - ox : W;                                             \
                vf_##SFX a, b, c, d;                                                                \
                split_##SFX(top + 2 * ox, k, &a, &b);                                               \
                split_##SFX(bottom + 2 * ox, k, &c, &d);                                            \
                vi_##SFX i = (vi_##SFX)(int32_t)(2 * oy * Wd + 2 * ox) + 2 * lanes;                        \
                vf_##SFX best = a; vi_##SFX at = i;                                                 \
                consider_##SFX(b, i + 1, &best, &at);                                               \
                consider_##SFX(c, i + (int32_t)Wd, &best, &at);                                     \
                consider_##SFX(d, i + (int32_t)Wd + 1, &best, &at);                                 \
                store_##SFX(out + oy * Wo + ox, best, k);                                           \
                memcpy(arg + oy * Wo + ox, &at, (size_t)k * sizeof(int32_t));                       \
            }                                                                                       \
        }                                                                                           \
    }                                                                                               \
}

POOLING_KERNELS(4, portable, ATTR_PORTABLE)
#ifdef RNNKIT_X86
POOLING_KERNELS(8, avx2, ATTR_AVX2)
POOLING_KERNELS(16, avx512, ATTR_AVX512)
#endif

void rnnkit_maxpool2x2_f32(intptr_t planes, intptr_t height, intptr_t width, const float *x, float *y,
                           int32_t *argmax) {
    DISPATCH(maxpool2x2, planes, height, width, x, y, argmax)
}
