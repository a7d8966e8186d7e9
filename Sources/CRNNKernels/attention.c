// Vectorised inner loops of the attention (see rnnkit_attention.h), one body per kernel,
// instantiated at three vector widths by ATTENTION_KERNELS(W, SUFFIX, ATTR) as in pointwise.c.
#include "rnnkit_attention.h"
#include "isa.h"
#include "vector_math.h"

#define ATTENTION_KERNELS(W, SFX, ATTR)                                                             \
VECTOR_MATH(W, SFX, ATTR)                                                                           \
static inline ATTR float sum_##SFX(vf_##SFX v) {                                                   \
    float total = 0;                                                                                \
    for (int k = 0; k < W; k++) total += v[k];                                                      \
    return total;                                                                                   \
}                                                                                                   \
                                                                                                    \
static ATTR void additive_scores_##SFX(intptr_t S, intptr_t B, intptr_t R, intptr_t A,            \
        const float *keys, const float *wq, const float *v, float *u, float *e) {                   \
    for (intptr_t s = 0; s < S; s++) {                                                              \
        for (intptr_t b = 0; b < R; b++) {                                                          \
            const float *k = keys + (s * B + b) * A, *q = wq + b * A;                               \
            float *ur = u + (s * B + b) * A;                                                        \
            vf_##SFX score = 0;                                                                     \
            for (intptr_t j = 0; j < A; j += W) {                                                   \
                intptr_t n = A - j;                                                                 \
                vf_##SFX x = tanh_##SFX(load_##SFX(q + j, n) + load_##SFX(k + j, n));               \
                store_##SFX(ur + j, x, n);                                                          \
                score += load_##SFX(v + j, n) * x;      /* lanes past A: v reads 0 */               \
            }                                                                                       \
            e[b * S + s] = sum_##SFX(score);                                                        \
        }                                                                                           \
    }                                                                                               \
}                                                                                                   \
                                                                                                    \
static ATTR void additive_backward_##SFX(intptr_t S, intptr_t B, intptr_t R, intptr_t A,           \
        const intptr_t *lengths, const float *de, const float *u, const float *v, float *dv, float *dk, \
        float *dq) {                                                                                \
    for (intptr_t s = 0; s < S; s++) {                                                              \
        for (intptr_t b = 0; b < R; b++) {                                                          \
            if (s >= lengths[b]) continue;                                                          \
            const float *ur = u + (s * B + b) * A; float *dkr = dk + (s * B + b) * A, *dqb = dq + b * A; \
            vf_##SFX d = de[b * S + s];                                                             \
            for (intptr_t j = 0; j < A; j += W) {                                                   \
                intptr_t m = A - j;                                                                 \
                vf_##SFX x = load_##SFX(ur + j, m);                                                 \
                vf_##SFX du = d * load_##SFX(v + j, m) * (1.0f - x * x);                            \
                store_##SFX(dkr + j, load_##SFX(dkr + j, m) + du, m);                               \
                store_##SFX(dqb + j, load_##SFX(dqb + j, m) + du, m);                               \
                store_##SFX(dv + j, load_##SFX(dv + j, m) + d * x, m);                              \
            }                                                                                       \
        }                                                                                           \
    }                                                                                               \
}                                                                                                   \
                                                                                                    \
static ATTR void context_backward_##SFX(intptr_t S, intptr_t B, intptr_t R, intptr_t C,            \
        const intptr_t *lengths, const float *alpha, const float *dc, const float *m, float *dm,    \
        const float *direct, float *de) {                                                           \
    for (intptr_t s = 0; s < S; s++) {                                                              \
        for (intptr_t b = 0; b < R; b++) {                                                          \
            if (s >= lengths[b]) continue;                                                          \
            const float *ms = m + (s * B + b) * C, *dcb = dc + b * C; float *dms = dm + (s * B + b) * C; \
            vf_##SFX dot = 0, a = alpha[b * S + s];                                                 \
            for (intptr_t j = 0; j < C; j += W) {                                                   \
                intptr_t k = C - j;                                                                 \
                vf_##SFX g = load_##SFX(dcb + j, k);                                                \
                dot += g * load_##SFX(ms + j, k);                                                   \
                store_##SFX(dms + j, load_##SFX(dms + j, k) + a * g, k);                            \
            }                                                                                       \
            de[b * S + s] = sum_##SFX(dot) + (direct ? direct[b * S + s] : 0.0f);                   \
        }                                                                                           \
    }                                                                                               \
}

ATTENTION_KERNELS(4, portable, ATTR_PORTABLE)
#ifdef RNNKIT_X86
ATTENTION_KERNELS(8, avx2, ATTR_AVX2)
ATTENTION_KERNELS(16, avx512, ATTR_AVX512)
#endif

void rnnkit_additive_scores_f32(intptr_t S, intptr_t B, intptr_t R, intptr_t A, const float *keys,
                                const float *wq, const float *v, float *u, float *e) {
    DISPATCH(additive_scores, S, B, R, A, keys, wq, v, u, e)
}

void rnnkit_additive_backward_f32(intptr_t S, intptr_t B, intptr_t R, intptr_t A, const intptr_t *lengths,
                                  const float *de, const float *u, const float *v, float *dv, float *dk, float *dq) {
    DISPATCH(additive_backward, S, B, R, A, lengths, de, u, v, dv, dk, dq)
}

void rnnkit_context_backward_f32(intptr_t S, intptr_t B, intptr_t R, intptr_t C, const intptr_t *lengths,
                                 const float *alpha, const float *dc, const float *m, float *dm, const float *direct,
                                 float *de) {
    DISPATCH(context_backward, S, B, R, C, lengths, alpha, dc, m, dm, direct, de)
}
