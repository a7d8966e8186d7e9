// Optimizer update kernels, single precision, in PyTorch's float32 operation order (fused
// multiply-adds where ATen uses them), vectorised with AVX-512F or AVX2+FMA and chosen at run
// time; the portable path uses scalar fmaf. Not API: the Swift references beside them
// (Adam.swift, RMSprop.swift, Adagrad.swift) define the exact contract and the tests compare.
#ifndef RNNKIT_OPTIMIZERS_H
#define RNNKIT_OPTIMIZERS_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Adam/AdamW over n elements: θ ← θ·decay; d = g (+ l2·θ); m ← lerp(m, d, w1);
/// v ← v·β₂ + (w2·d)·d; θ ← θ + (−step·m) / (√v / bc2 + eps).
void rnnkit_adam_step_f32(float *theta, const float *grad, float *m, float *v, intptr_t n,
                          float l2, float decay, float w1, float beta2, float w2, float bc2_sqrt,
                          float eps, float neg_step);

/// RMSprop over n elements: d = g (+ wd·θ); v ← v·α + (w·d)·d; s = √(v − ḡ²) (centered, with
/// ḡ ← lerp(ḡ, d, w)) or √v, plus eps; with momentum b ← b·μ + d/s, θ ← θ + b·(−lr), else
/// θ ← θ + (−lr·d)/s. `g_avg` and `buf` may be NULL.
void rnnkit_rmsprop_step_f32(float *theta, const float *grad, float *v, float *buf, float *g_avg,
                             intptr_t n, float alpha, float w, float eps, float weight_decay,
                             float momentum, float neg_lr);

/// Adagrad over n elements: d = g (+ wd·θ); s ← s + d·d; θ ← θ + (−lr·d) / (√s + eps).
void rnnkit_adagrad_step_f32(float *theta, const float *grad, float *sum, intptr_t n,
                             float weight_decay, float eps, float neg_lr);

/// torch.lerp(avg, live, w) over n elements, in place (the exponential weight average):
/// avg ← avg + w·(live − avg) for w < ½, else live + (w − 1)·(live − avg), each one fused
/// multiply-add.
void rnnkit_lerp_f32(float *avg, const float *live, intptr_t n, float w);

#ifdef __cplusplus
}
#endif
#endif
