// Portable micro-kernel: a 6×8 tile of C in 12 four-lane vectors (clang vector extensions:
// SSE2 on x86-64, NEON on arm64), and the scalar strip packer for Bᵀ.
#include "sgemm_kernel.h"

#include <string.h>

typedef float v4f __attribute__((ext_vector_type(4)));

enum { MR = 6, NR = 8 };

static inline __attribute__((always_inline)) v4f load4(const float *p) {
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline __attribute__((always_inline)) void store4(float *p, v4f v) {
    memcpy(p, &v, sizeof v);
}

/// The K loop and the store for a tile of `rows` rows (a constant after inlining).
static inline __attribute__((always_inline))
void tile_rows(const size_t rows, size_t kc, const float *a, const float *b,
               float *c, size_t ldc, size_t nr, float alpha, float beta) {
    v4f lo[MR], hi[MR];  // C tile (rows, 8): columns 0..<4 and 4..<8
#pragma clang loop unroll(full)
    for (size_t r = 0; r < rows; r++) {
        lo[r] = 0.0f;
        hi[r] = 0.0f;
    }
    for (size_t p = 0; p < kc; p++) {
        const v4f b0 = load4(b), b1 = load4(b + 4);
#pragma clang loop unroll(full)
        for (size_t r = 0; r < rows; r++) {
            const v4f ar = a[r];
            lo[r] += ar * b0;
            hi[r] += ar * b1;
        }
        a += MR;
        b += NR;
    }
    for (size_t r = 0; r < rows; r++) {
        float *cr = c + r * ldc;
        float t[NR];  // the row of the tile, before it is merged into C
        store4(t, alpha * lo[r]);
        store4(t + 4, alpha * hi[r]);
        if (beta == 0.0f) {
            for (size_t j = 0; j < nr; j++) cr[j] = t[j];
        } else {
            for (size_t j = 0; j < nr; j++) cr[j] = t[j] + beta * cr[j];
        }
    }
}

static void tile_portable(size_t kc, const float *a, const float *b,
                          float *c, size_t ldc, size_t mr, size_t nr,
                          float alpha, float beta) {
#define ROWS(n) case n: tile_rows(n, kc, a, b, c, ldc, nr, alpha, beta); break;
    switch (mr) {
        ROWS(6) ROWS(5) ROWS(4) ROWS(3) ROWS(2) ROWS(1)
        default: break;
    }
#undef ROWS
}

/// Packs a strip of B (kc, nr ≤ 8) into (kc, 8), zero-padded.
static void pack_b_portable(size_t kc, size_t nr, const float *src, size_t ld, float *dest) {
    for (size_t p = 0; p < kc; p++, src += ld, dest += NR) {
        if (nr == NR) {
            memcpy(dest, src, NR * sizeof(float));
        } else {
            for (size_t j = 0; j < NR; j++) dest[j] = j < nr ? src[j] : 0.0f;
        }
    }
}

void crnn_pack_bt_scalar(size_t kc, size_t nr, const float *src, size_t ld, float *dest,
                         size_t NRs) {
    for (size_t p = 0; p < kc; p++)
        for (size_t j = 0; j < NRs; j++)
            dest[p * NRs + j] = j < nr ? src[j * ld + p] : 0.0f;
}

const crnn_sgemm_kernel crnn_sgemm_portable = {
    .mr = MR, .nr = NR, .mc = 120, .kc = 256, .nc = 4096,
    .tile = tile_portable, .pack_b = pack_b_portable, .pack_bt = crnn_pack_bt_scalar,
};
