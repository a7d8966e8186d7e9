// Vectorised pointwise kernels for the recurrent cells and softmax (see rnnkit_pointwise.h).
//
// One body per kernel, instantiated at three vector widths by POINTWISE_KERNELS(W, SUFFIX, ATTR):
// 16 lanes with AVX-512F, 8 with AVX2+FMA, 4 with portable clang vectors (SSE2 / NEON).
// exp, σ and tanh: vector_math.h.
#include "rnnkit_pointwise.h"
#include "isa.h"
#include "vector_math.h"
#include <stdatomic.h>
#include <string.h>

#define POINTWISE_KERNELS(W, SFX, ATTR)                                                              \
VECTOR_MATH(W, SFX, ATTR)                                                                           \
static inline int inactive_##SFX(const intptr_t *lengths, intptr_t t, intptr_t b) {               \
    return lengths && t >= lengths[b];                                                              \
}                                                                                                   \
                                                                                                    \
static ATTR void lstm_forward_##SFX(intptr_t B, intptr_t H, intptr_t t, const intptr_t *lengths,  \
        float *gates, const float *h_prev, const float *c_prev, float *h_out, float *c_out, float *tanh_c) { \
    for (intptr_t b = 0; b < B; b++) {                                                              \
        const float *hp = h_prev + b * H, *cp = c_prev + b * H;                                     \
        float *ho = h_out + b * H, *co = c_out + b * H, *tc = tanh_c + b * H;                       \
        if (inactive_##SFX(lengths, t, b)) {                                                        \
            memcpy(ho, hp, (size_t)H * sizeof(float)); memcpy(co, cp, (size_t)H * sizeof(float));  \
            continue;                                                                               \
        }                                                                                           \
        float *gi = gates + b * 4 * H, *gf = gi + H, *gg = gf + H, *go = gg + H;                    \
        for (intptr_t j = 0; j < H; j += W) {                                                       \
            intptr_t n = H - j;                                                                     \
            vf_##SFX i = sigmoid_##SFX(load_##SFX(gi + j, n)), f = sigmoid_##SFX(load_##SFX(gf + j, n)); \
            vf_##SFX g = tanh_##SFX(load_##SFX(gg + j, n)), o = sigmoid_##SFX(load_##SFX(go + j, n)); \
            vf_##SFX c = f * load_##SFX(cp + j, n) + i * g;                                         \
            vf_##SFX th = tanh_##SFX(c);                                                            \
            store_##SFX(gi + j, i, n); store_##SFX(gf + j, f, n);                                   \
            store_##SFX(gg + j, g, n); store_##SFX(go + j, o, n);                                   \
            store_##SFX(co + j, c, n); store_##SFX(tc + j, th, n); store_##SFX(ho + j, o * th, n);  \
        }                                                                                           \
    }                                                                                               \
}                                                                                                   \
                                                                                                    \
static ATTR void lstm_backward_##SFX(intptr_t B, intptr_t H, intptr_t t, const intptr_t *lengths, \
        const float *dh, float *dc, const float *gates, const float *c_prev, const float *tanh_c,  \
        float *d_gates, float *dh_direct) {                                                         \
    for (intptr_t b = 0; b < B; b++) {                                                              \
        const float *dhb = dh + b * H; float *dcb = dc + b * H, *dd = dh_direct + b * H;            \
        float *dgi = d_gates + b * 4 * H, *dgf = dgi + H, *dgg = dgf + H, *dgo = dgg + H;           \
        if (inactive_##SFX(lengths, t, b)) {                                                        \
            memcpy(dd, dhb, (size_t)H * sizeof(float)); memset(dgi, 0, (size_t)(4 * H) * sizeof(float)); \
            continue;                                                                               \
        }                                                                                           \
        const float *gi = gates + b * 4 * H, *gf = gi + H, *gg = gf + H, *go = gg + H;              \
        const float *cp = c_prev + b * H, *tc = tanh_c + b * H;                                     \
        for (intptr_t j = 0; j < H; j += W) {                                                       \
            intptr_t n = H - j;                                                                     \
            vf_##SFX i = load_##SFX(gi + j, n), f = load_##SFX(gf + j, n);                          \
            vf_##SFX g = load_##SFX(gg + j, n), o = load_##SFX(go + j, n);                          \
            vf_##SFX th = load_##SFX(tc + j, n), d = load_##SFX(dhb + j, n);                        \
            vf_##SFX dct = load_##SFX(dcb + j, n) + d * o * (1.0f - th * th);                       \
            store_##SFX(dgi + j, dct * g * i * (1.0f - i), n);                                      \
            store_##SFX(dgf + j, dct * load_##SFX(cp + j, n) * f * (1.0f - f), n);                  \
            store_##SFX(dgg + j, dct * i * (1.0f - g * g), n);                                      \
            store_##SFX(dgo + j, d * th * o * (1.0f - o), n);                                       \
            store_##SFX(dcb + j, dct * f, n);                                                       \
            store_##SFX(dd + j, (vf_##SFX)0, n);                                                    \
        }                                                                                           \
    }                                                                                               \
}                                                                                                   \
                                                                                                    \
static ATTR void gru_forward_##SFX(intptr_t B, intptr_t H, intptr_t t, const intptr_t *lengths,   \
        float *gates, const float *gh, const float *b_hn, float *ghn, const float *h_prev, float *h_out) { \
    for (intptr_t b = 0; b < B; b++) {                                                              \
        const float *hp = h_prev + b * H; float *ho = h_out + b * H;                                \
        if (inactive_##SFX(lengths, t, b)) { memcpy(ho, hp, (size_t)H * sizeof(float)); continue; } \
        float *gr = gates + b * 3 * H, *gz = gr + H, *gn = gz + H;                                  \
        const float *hr = gh + b * 3 * H, *hz = hr + H, *hn = hz + H;                               \
        float *sn = ghn + b * H;                                                                    \
        for (intptr_t j = 0; j < H; j += W) {                                                       \
            intptr_t n = H - j;                                                                     \
            vf_##SFX r = sigmoid_##SFX(load_##SFX(gr + j, n) + load_##SFX(hr + j, n));              \
            vf_##SFX z = sigmoid_##SFX(load_##SFX(gz + j, n) + load_##SFX(hz + j, n));              \
            vf_##SFX hnj = load_##SFX(hn + j, n);                                                   \
            if (b_hn) hnj += load_##SFX(b_hn + j, n);                                               \
            vf_##SFX nn = tanh_##SFX(load_##SFX(gn + j, n) + r * hnj);                              \
            store_##SFX(gr + j, r, n); store_##SFX(gz + j, z, n); store_##SFX(gn + j, nn, n);       \
            store_##SFX(sn + j, hnj, n);                                                            \
            store_##SFX(ho + j, (1.0f - z) * nn + z * load_##SFX(hp + j, n), n);                    \
        }                                                                                           \
    }                                                                                               \
}                                                                                                   \
                                                                                                    \
static ATTR void gru_backward_##SFX(intptr_t B, intptr_t H, intptr_t t, const intptr_t *lengths,  \
        const float *dh, const float *gates, const float *ghn, const float *h_prev,                 \
        float *d_gates_input, float *d_gates_hidden, float *dh_direct) {                            \
    for (intptr_t b = 0; b < B; b++) {                                                              \
        const float *dhb = dh + b * H; float *dd = dh_direct + b * H;                               \
        float *dir = d_gates_input + b * 3 * H, *diz = dir + H, *din = diz + H;                     \
        float *dhr = d_gates_hidden + b * 3 * H, *dhz = dhr + H, *dhn = dhz + H;                    \
        if (inactive_##SFX(lengths, t, b)) {                                                        \
            memcpy(dd, dhb, (size_t)H * sizeof(float));                                            \
            memset(dir, 0, (size_t)(3 * H) * sizeof(float)); memset(dhr, 0, (size_t)(3 * H) * sizeof(float)); \
            continue;                                                                               \
        }                                                                                           \
        const float *gr = gates + b * 3 * H, *gz = gr + H, *gn = gz + H;                            \
        const float *sn = ghn + b * H, *hp = h_prev + b * H;                                        \
        for (intptr_t j = 0; j < H; j += W) {                                                       \
            intptr_t n = H - j;                                                                     \
            vf_##SFX r = load_##SFX(gr + j, n), z = load_##SFX(gz + j, n), nn = load_##SFX(gn + j, n); \
            vf_##SFX d = load_##SFX(dhb + j, n);                                                    \
            vf_##SFX dan = d * (1.0f - z) * (1.0f - nn * nn);                                       \
            vf_##SFX daz = d * (load_##SFX(hp + j, n) - nn) * z * (1.0f - z);                       \
            vf_##SFX dar = dan * load_##SFX(sn + j, n) * r * (1.0f - r);                            \
            store_##SFX(dir + j, dar, n); store_##SFX(diz + j, daz, n); store_##SFX(din + j, dan, n); \
            store_##SFX(dhr + j, dar, n); store_##SFX(dhz + j, daz, n); store_##SFX(dhn + j, dan * r, n); \
            store_##SFX(dd + j, d * z, n);                                                          \
        }                                                                                           \
    }                                                                                               \
}                                                                                                   \
                                                                                                    \
static ATTR void elman_forward_##SFX(int relu, intptr_t B, intptr_t H, intptr_t t,                \
        const intptr_t *lengths, float *gates, const float *h_prev, float *h_out) {                 \
    for (intptr_t b = 0; b < B; b++) {                                                              \
        const float *hp = h_prev + b * H; float *ho = h_out + b * H, *a = gates + b * H;            \
        if (inactive_##SFX(lengths, t, b)) { memcpy(ho, hp, (size_t)H * sizeof(float)); continue; } \
        for (intptr_t j = 0; j < H; j += W) {                                                       \
            intptr_t n = H - j;                                                                     \
            vf_##SFX x = load_##SFX(a + j, n);                                                      \
            vf_##SFX h = relu ? __builtin_elementwise_max(x, (vf_##SFX)0) : tanh_##SFX(x);          \
            store_##SFX(a + j, h, n); store_##SFX(ho + j, h, n);                                    \
        }                                                                                           \
    }                                                                                               \
}                                                                                                   \
                                                                                                    \
static ATTR void elman_backward_##SFX(int relu, intptr_t B, intptr_t H, intptr_t t,               \
        const intptr_t *lengths, const float *dh, const float *gates, float *d_gates, float *dh_direct) { \
    for (intptr_t b = 0; b < B; b++) {                                                              \
        const float *dhb = dh + b * H, *h = gates + b * H; float *dg = d_gates + b * H, *dd = dh_direct + b * H; \
        if (inactive_##SFX(lengths, t, b)) {                                                        \
            memcpy(dd, dhb, (size_t)H * sizeof(float)); memset(dg, 0, (size_t)H * sizeof(float));  \
            continue;                                                                               \
        }                                                                                           \
        for (intptr_t j = 0; j < H; j += W) {                                                       \
            intptr_t n = H - j;                                                                     \
            vf_##SFX d = load_##SFX(dhb + j, n), y = load_##SFX(h + j, n);                          \
            vf_##SFX g = relu ? (vf_##SFX)((vi_##SFX)d & (y > 0)) : d * (1.0f - y * y);             \
            store_##SFX(dg + j, g, n); store_##SFX(dd + j, (vf_##SFX)0, n);                         \
        }                                                                                           \
    }                                                                                               \
}                                                                                                   \
                                                                                                    \
static ATTR double exp_shifted_##SFX(const float *x, float *y, intptr_t n, float shift) {         \
    double sum = 0;                                                                                 \
    for (intptr_t j = 0; j < n; j += W) {                                                           \
        vf_##SFX e = exp_##SFX(load_##SFX(x + j, n - j) - shift);                                   \
        store_##SFX(y + j, e, n - j);                                                               \
        intptr_t m = n - j < W ? n - j : W;                                                         \
        float part = 0;                                                                             \
        for (intptr_t k = 0; k < m; k++) part += e[k];                                              \
        sum += part;                                                                                \
    }                                                                                               \
    return sum;                                                                                     \
}                                                                                                   \
                                                                                                    \
static ATTR float max_##SFX(const float *x, intptr_t n) {                                         \
    float m = x[0];                                                                                 \
    int nan = m != m;                                                                               \
    intptr_t j = 0;                                                                                 \
    if (n >= W) {                                                                                   \
        vf_##SFX v = load_##SFX(x, W);                                                              \
        vi_##SFX nans = v != v;                                                                     \
        for (j = W; j + W <= n; j += W) {                                                           \
            vf_##SFX u = load_##SFX(x + j, W);                                                      \
            nans |= u != u;                                                                         \
            v = __builtin_elementwise_max(v, u);                                                    \
        }                                                                                           \
        for (intptr_t k = 0; k < W; k++) { m = v[k] > m ? v[k] : m; nan |= nans[k] != 0; }         \
    }                                                                                               \
    for (; j < n; j++) { m = x[j] > m ? x[j] : m; nan |= x[j] != x[j]; }                            \
    return nan ? __builtin_nanf("") : m;  /* NaN propagates, as in the Swift reference */          \
}

POINTWISE_KERNELS(4, portable, ATTR_PORTABLE)
#ifdef RNNKIT_X86
POINTWISE_KERNELS(8, avx2, ATTR_AVX2)
POINTWISE_KERNELS(16, avx512, ATTR_AVX512)
#endif

// MARK: - Dispatch

enum { AUTO = RNNKIT_ISA_AUTO, PORTABLE = RNNKIT_ISA_PORTABLE, AVX2 = RNNKIT_ISA_AVX2, AVX512 = RNNKIT_ISA_AVX512 };
static _Atomic int selected = -1;

static int best_available(void) {
#ifdef RNNKIT_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return AVX2;
#endif
    return PORTABLE;
}

int rnnkit_selected_isa(void);
int rnnkit_selected_isa(void) {
    int s = atomic_load_explicit(&selected, memory_order_relaxed);
    if (s < 0) {
        s = best_available();
        atomic_store_explicit(&selected, s, memory_order_relaxed);
    }
    return s;
}

const char *rnnkit_pointwise_isa(void) {
    switch (rnnkit_selected_isa()) {
    case AVX512: return "avx512";
    case AVX2: return "avx2";
    default: return "portable";
    }
}

const char *rnnkit_pointwise_force(int which) {
    int best = best_available();
    int s = which == AUTO || which > best ? best : which;
    atomic_store_explicit(&selected, s, memory_order_relaxed);
    return rnnkit_pointwise_isa();
}


void rnnkit_lstm_forward_f32(intptr_t batch, intptr_t hidden, intptr_t t, const intptr_t *lengths,
                             float *gates, const float *h_prev, const float *c_prev,
                             float *h_out, float *c_out, float *tanh_c) {
    DISPATCH(lstm_forward, batch, hidden, t, lengths, gates, h_prev, c_prev, h_out, c_out, tanh_c)
}

void rnnkit_lstm_backward_f32(intptr_t batch, intptr_t hidden, intptr_t t, const intptr_t *lengths,
                              const float *dh, float *dc, const float *gates, const float *c_prev,
                              const float *tanh_c, float *d_gates, float *dh_direct) {
    DISPATCH(lstm_backward, batch, hidden, t, lengths, dh, dc, gates, c_prev, tanh_c, d_gates, dh_direct)
}

void rnnkit_gru_forward_f32(intptr_t batch, intptr_t hidden, intptr_t t, const intptr_t *lengths,
                            float *gates, const float *gh, const float *b_hn, float *ghn,
                            const float *h_prev, float *h_out) {
    DISPATCH(gru_forward, batch, hidden, t, lengths, gates, gh, b_hn, ghn, h_prev, h_out)
}

void rnnkit_gru_backward_f32(intptr_t batch, intptr_t hidden, intptr_t t, const intptr_t *lengths,
                             const float *dh, const float *gates, const float *ghn, const float *h_prev,
                             float *d_gates_input, float *d_gates_hidden, float *dh_direct) {
    DISPATCH(gru_backward, batch, hidden, t, lengths, dh, gates, ghn, h_prev, d_gates_input, d_gates_hidden, dh_direct)
}

void rnnkit_elman_forward_f32(int relu, intptr_t batch, intptr_t hidden, intptr_t t, const intptr_t *lengths,
                              float *gates, const float *h_prev, float *h_out) {
    DISPATCH(elman_forward, relu, batch, hidden, t, lengths, gates, h_prev, h_out)
}

void rnnkit_elman_backward_f32(int relu, intptr_t batch, intptr_t hidden, intptr_t t, const intptr_t *lengths,
                               const float *dh, const float *gates, float *d_gates, float *dh_direct) {
    DISPATCH(elman_backward, relu, batch, hidden, t, lengths, dh, gates, d_gates, dh_direct)
}

double rnnkit_exp_shifted_f32(const float *x, float *y, intptr_t n, float shift) {
    DISPATCH(exp_shifted, x, y, n, shift)
}

float rnnkit_max_f32(const float *x, intptr_t n) {
    DISPATCH(max, x, n)
}
