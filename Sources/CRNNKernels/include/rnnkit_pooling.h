// 2 × 2 max pooling at stride 2 without padding (MaxPool2d.swift's usual case), single
// precision, vectorised with AVX-512F, AVX2+FMA or portable clang vectors, chosen at run time.
// Not API: MaxPool2d keeps the general Swift kernel beside it, which the tests compare against.
#ifndef RNNKIT_POOLING_H
#define RNNKIT_POOLING_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// y (N, H/2, W/2) and argmax (N, H/2, W/2) from x (N, H, W): each output the maximum of its
/// window, compared in row-major order, the first maximum kept and a NaN winning over a number;
/// argmax the index iy·W + ix of the winner in its plane. Odd last rows and columns are dropped.
void rnnkit_maxpool2x2_f32(intptr_t planes, intptr_t height, intptr_t width, const float *x, float *y,
                           int32_t *argmax);

#ifdef __cplusplus
}
#endif
#endif
