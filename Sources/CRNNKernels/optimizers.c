// Optimizer update kernels (see rnnkit_optimizers.h). One body per optimizer and one for the
// weight average's lerp, instantiated at 16 lanes (AVX-512F), 8 lanes (AVX2+FMA) and 1 lane
// (portable, scalar fmaf). Every fused multiply-add here is one in the Swift reference, so all
// paths give the same bits.
#include "rnnkit_optimizers.h"
#include "isa.h"
#include <math.h>
#include <string.h>

// Fuse only where the reference fuses: no implicit contraction of a·b + c.
#pragma clang fp contract(off)

#if defined(__x86_64__) || defined(__i386__)
#define RNNKIT_X86 1
#endif

#define OPTIMIZER_KERNELS(W, SFX, ATTR, V, FMA_IMPL, SQRT_IMPL, LOAD, STORE)                    \
static ATTR void adam_##SFX(float *theta, const float *grad, float *m, float *v, intptr_t n,    \
        float l2, float decay, float w1, float beta2, float w2, float bc2, float eps, float ns) { \
    for (intptr_t k = 0; k < n; k += W) {                                                       \
        intptr_t r = n - k;                                                                     \
        V th = LOAD(theta + k, r), d = LOAD(grad + k, r);                                       \
        if (decay != 1.0f) th = th * decay;                                                     \
        if (l2 != 0.0f) d = FMA_IMPL(th, (V)l2, d);                                             \
        V mk = LOAD(m + k, r);                                                                  \
        mk = w1 < 0.5f ? FMA_IMPL((V)w1, d - mk, mk) : FMA_IMPL((V)(w1 - 1.0f), d - mk, d);     \
        V vk = FMA_IMPL((V)w2 * d, d, LOAD(v + k, r) * beta2);                                  \
        V denom = SQRT_IMPL(vk) / bc2 + eps;                                                    \
        th = th + ((V)ns * mk) / denom;                                                         \
        STORE(m + k, mk, r); STORE(v + k, vk, r); STORE(theta + k, th, r);                      \
    }                                                                                           \
}                                                                                               \
static ATTR void rmsprop_##SFX(float *theta, const float *grad, float *v, float *buf,           \
        float *g_avg, intptr_t n, float alpha, float w, float eps, float wd, float mu, float nlr) { \
    for (intptr_t k = 0; k < n; k += W) {                                                       \
        intptr_t r = n - k;                                                                     \
        V th = LOAD(theta + k, r), d = LOAD(grad + k, r);                                       \
        if (wd != 0.0f) d = FMA_IMPL(th, (V)wd, d);                                             \
        V vk = FMA_IMPL((V)w * d, d, LOAD(v + k, r) * alpha);                                   \
        STORE(v + k, vk, r);                                                                    \
        V s;                                                                                    \
        if (g_avg) {                                                                            \
            V ga = LOAD(g_avg + k, r);                                                          \
            ga = w < 0.5f ? FMA_IMPL((V)w, d - ga, ga) : FMA_IMPL((V)(w - 1.0f), d - ga, d);    \
            STORE(g_avg + k, ga, r);                                                            \
            s = SQRT_IMPL(FMA_IMPL(-ga, ga, vk));                                               \
        } else {                                                                                \
            s = SQRT_IMPL(vk);                                                                  \
        }                                                                                       \
        s = s + eps;                                                                            \
        if (buf) {                                                                              \
            V b = LOAD(buf + k, r) * mu + d / s;                                                \
            STORE(buf + k, b, r);                                                               \
            th = FMA_IMPL(b, (V)nlr, th);                                                       \
        } else {                                                                                \
            th = th + ((V)nlr * d) / s;                                                         \
        }                                                                                       \
        STORE(theta + k, th, r);                                                                \
    }                                                                                           \
}                                                                                               \
static ATTR void adagrad_##SFX(float *theta, const float *grad, float *sum, intptr_t n,         \
        float wd, float eps, float nlr) {                                                       \
    for (intptr_t k = 0; k < n; k += W) {                                                       \
        intptr_t r = n - k;                                                                     \
        V th = LOAD(theta + k, r), d = LOAD(grad + k, r);                                       \
        if (wd != 0.0f) d = FMA_IMPL(th, (V)wd, d);                                             \
        V s = FMA_IMPL(d, d, LOAD(sum + k, r));                                                 \
        STORE(sum + k, s, r);                                                                   \
        STORE(theta + k, th + ((V)nlr * d) / (SQRT_IMPL(s) + eps), r);                          \
    }                                                                                           \
}                                                                                               \
static ATTR void lerp_##SFX(float *avg, const float *live, intptr_t n, float w) {               \
    for (intptr_t k = 0; k < n; k += W) {                                                       \
        intptr_t r = n - k;                                                                     \
        V a = LOAD(avg + k, r), x = LOAD(live + k, r);                                          \
        a = w < 0.5f ? FMA_IMPL((V)w, x - a, a) : FMA_IMPL((V)(w - 1.0f), x - a, x);            \
        STORE(avg + k, a, r);                                                                   \
    }                                                                                           \
}

// Portable: one element at a time with correctly rounded fmaf and sqrtf.
#define SCALAR_LOAD(p, r) (*(p))
#define SCALAR_STORE(p, x, r) (*(p) = (x))
OPTIMIZER_KERNELS(1, portable, , float, fmaf, sqrtf, SCALAR_LOAD, SCALAR_STORE)

#ifdef RNNKIT_X86
typedef float v8f __attribute__((ext_vector_type(8)));
typedef float v16f __attribute__((ext_vector_type(16)));

#define VECTOR_IO(V, W, ATTR)                                                                   \
/* A whole vector is a fixed-size copy (one load or store); only the tail is a variable one. */ \
static inline ATTR V load_##V(const float *p, intptr_t r) {                                     \
    V x = 0;                                                                                    \
    if (r >= W) memcpy(&x, p, sizeof(x)); else memcpy(&x, p, (size_t)r * sizeof(float));       \
    return x;                                                                                   \
}                                                                                               \
static inline ATTR void store_##V(float *p, V x, intptr_t r) {                                  \
    if (r >= W) memcpy(p, &x, sizeof(x)); else memcpy(p, &x, (size_t)r * sizeof(float));       \
}
#define ATTR_AVX2 __attribute__((target("avx2,fma")))
#define ATTR_AVX512 __attribute__((target("avx512f")))
VECTOR_IO(v8f, 8, ATTR_AVX2)
VECTOR_IO(v16f, 16, ATTR_AVX512)
OPTIMIZER_KERNELS(8, avx2, ATTR_AVX2, v8f, __builtin_elementwise_fma, __builtin_elementwise_sqrt, load_v8f, store_v8f)
OPTIMIZER_KERNELS(16, avx512, ATTR_AVX512, v16f, __builtin_elementwise_fma, __builtin_elementwise_sqrt, load_v16f, store_v16f)
#define DISPATCH(name, ...)                                                 \
    switch (rnnkit_selected_isa()) {                                        \
    case RNNKIT_ISA_AVX512: name##_avx512(__VA_ARGS__); return;             \
    case RNNKIT_ISA_AVX2: name##_avx2(__VA_ARGS__); return;                 \
    default: name##_portable(__VA_ARGS__); return;                          \
    }
#else
#define DISPATCH(name, ...) name##_portable(__VA_ARGS__);
#endif

void rnnkit_adam_step_f32(float *theta, const float *grad, float *m, float *v, intptr_t n,
                          float l2, float decay, float w1, float beta2, float w2, float bc2_sqrt,
                          float eps, float neg_step) {
    DISPATCH(adam, theta, grad, m, v, n, l2, decay, w1, beta2, w2, bc2_sqrt, eps, neg_step)
}

void rnnkit_rmsprop_step_f32(float *theta, const float *grad, float *v, float *buf, float *g_avg,
                             intptr_t n, float alpha, float w, float eps, float weight_decay,
                             float momentum, float neg_lr) {
    DISPATCH(rmsprop, theta, grad, v, buf, g_avg, n, alpha, w, eps, weight_decay, momentum, neg_lr)
}

void rnnkit_adagrad_step_f32(float *theta, const float *grad, float *sum, intptr_t n,
                             float weight_decay, float eps, float neg_lr) {
    DISPATCH(adagrad, theta, grad, sum, n, weight_decay, eps, neg_lr)
}

void rnnkit_lerp_f32(float *avg, const float *live, intptr_t n, float w) {
    DISPATCH(lerp, avg, live, n, w)
}
