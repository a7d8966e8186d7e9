// Pointwise kernels for the recurrent cells and softmax, single precision, vectorised with
// AVX-512F, AVX2+FMA or portable clang vectors, chosen at run time. Not API: RNNKit's Swift
// code calls these for Float and keeps generic Swift references beside them (LSTMKernels.swift,
// GRUKernels.swift, ElmanKernels.swift), which the tests compare against.
//
// Shapes: B batch rows, H hidden units; gate buffers are (B, G·H) row-major. A row b with
// lengths != NULL and t >= lengths[b] is padding: its state passes through unchanged and its
// gradients are zero (see the Swift references for the exact contract).
#ifndef RNNKIT_POINTWISE_H
#define RNNKIT_POINTWISE_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void rnnkit_lstm_forward_f32(intptr_t batch, intptr_t hidden, intptr_t t, const intptr_t *lengths,
                             float *gates, const float *h_prev, const float *c_prev,
                             float *h_out, float *c_out, float *tanh_c);
void rnnkit_lstm_backward_f32(intptr_t batch, intptr_t hidden, intptr_t t, const intptr_t *lengths,
                              const float *dh, float *dc, const float *gates, const float *c_prev,
                              const float *tanh_c, float *d_gates, float *dh_direct);
void rnnkit_gru_forward_f32(intptr_t batch, intptr_t hidden, intptr_t t, const intptr_t *lengths,
                            float *gates, const float *gh, const float *b_hn, float *ghn,
                            const float *h_prev, float *h_out);
void rnnkit_gru_backward_f32(intptr_t batch, intptr_t hidden, intptr_t t, const intptr_t *lengths,
                             const float *dh, const float *gates, const float *ghn, const float *h_prev,
                             float *d_gates_input, float *d_gates_hidden, float *dh_direct);
void rnnkit_elman_forward_f32(int relu, intptr_t batch, intptr_t hidden, intptr_t t, const intptr_t *lengths,
                              float *gates, const float *h_prev, float *h_out);
void rnnkit_elman_backward_f32(int relu, intptr_t batch, intptr_t hidden, intptr_t t, const intptr_t *lengths,
                               const float *dh, const float *gates, float *d_gates, float *dh_direct);

/// y[i] = exp(x[i] - shift) for i < n; returns the sum of y (accumulated in double).
double rnnkit_exp_shifted_f32(const float *x, float *y, intptr_t n, float shift);
/// The largest of x[0..<n] (n >= 1).
float rnnkit_max_f32(const float *x, intptr_t n);

/// Which implementation runs: "avx512", "avx2" or "portable".
const char *rnnkit_pointwise_isa(void);
/// Forces an implementation for testing: 0 auto, 1 portable, 2 avx2, 3 avx512 (ignored when
/// the CPU lacks it). Returns the one now in use.
const char *rnnkit_pointwise_force(int which);

#ifdef __cplusplus
}
#endif
#endif
