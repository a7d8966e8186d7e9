// The inner loops of RNNKit's attention (Attention.swift), single precision, vectorised with
// AVX-512F, AVX2+FMA or portable clang vectors, chosen at run time as the pointwise kernels are.
// Not API: the Swift code calls these for Float and keeps generic Swift references beside them
// (AttentionKernels.swift), which the tests compare against.
//
// Rows of the (S, B, ·) buffers are r = s·B + b; the loops run in that order, so that the large
// per-step buffers (u, keys, memory and their gradients) are read once, front to back.
#ifndef RNNKIT_ATTENTION_H
#define RNNKIT_ATTENTION_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Additive scores of one decoder step for the first R of B sequences, s < S:
/// u[r] = tanh(wq[b] + keys[r]) (A values each, written), e[b·S + s] = v · u[r].
void rnnkit_additive_scores_f32(intptr_t S, intptr_t B, intptr_t R, intptr_t A, const float *keys,
                                const float *wq, const float *v, float *u, float *e);

/// The additive score's backward of one decoder step, for the first R of B sequences and
/// s < lengths[b], in memory order (s, then b): with d = de[b·S + s] and x = u[r],
/// du = d·v ⊙ (1 − x²); dk[r] += du; dq[b] += du; dv += d·x (A values each).
void rnnkit_additive_backward_f32(intptr_t S, intptr_t B, intptr_t R, intptr_t A, const intptr_t *lengths,
                                  const float *de, const float *u, const float *v, float *dv, float *dk, float *dq);

/// The context's backward of one decoder step, for the first R of B sequences and s < lengths[b],
/// in memory order: de[b·S + s] = dc[b] · m[r] (+ direct[b·S + s] when direct is not NULL);
/// dm[r] += alpha[b·S + s]·dc[b] (C values each).
void rnnkit_context_backward_f32(intptr_t S, intptr_t B, intptr_t R, intptr_t C, const intptr_t *lengths,
                                 const float *alpha, const float *dc, const float *m, float *dm, const float *direct,
                                 float *de);

#ifdef __cplusplus
}
#endif
#endif
