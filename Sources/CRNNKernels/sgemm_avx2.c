// AVX2 + FMA micro-kernel: a 6×16 tile of C in 12 ymm accumulators, and the AVX 8×8-transpose
// packer for strips of Bᵀ that this kernel and the AVX-512 one share.
#include "sgemm_kernel.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX2_INLINE static inline __attribute__((always_inline, target("avx2,fma")))

enum { MR = 6, NR = 16 };

/// The K loop and the store for a tile of `rows` rows (a constant after inlining).
AVX2_INLINE void tile_rows(const size_t rows, size_t kc, const float *a,
                           const float *b, float *c, size_t ldc,
                           __m256i mask0, __m256i mask1, float alpha, float beta) {
    __m256 lo[MR], hi[MR];  // C tile (rows, 16): columns 0..<8 and 8..<16
#pragma clang loop unroll(full)
    for (size_t r = 0; r < rows; r++) {
        lo[r] = _mm256_setzero_ps();
        hi[r] = _mm256_setzero_ps();
        _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + r * ldc + 15), _MM_HINT_T0);
    }
    for (size_t p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(b);
        const __m256 b1 = _mm256_loadu_ps(b + 8);
#pragma clang loop unroll(full)
        for (size_t r = 0; r < rows; r++) {
            const __m256 ar = _mm256_broadcast_ss(a + r);
            lo[r] = _mm256_fmadd_ps(ar, b0, lo[r]);
            hi[r] = _mm256_fmadd_ps(ar, b1, hi[r]);
        }
        a += MR;
        b += NR;
    }
    const __m256 va = _mm256_set1_ps(alpha);
    const __m256 vb = _mm256_set1_ps(beta);
#pragma clang loop unroll(full)
    for (size_t r = 0; r < rows; r++) {
        float *cr = c + r * ldc;
        __m256 x0 = _mm256_mul_ps(va, lo[r]);
        __m256 x1 = _mm256_mul_ps(va, hi[r]);
        if (beta != 0.0f) {
            x0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(cr, mask0), x0);
            x1 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(cr + 8, mask1), x1);
        }
        _mm256_maskstore_ps(cr, mask0, x0);
        _mm256_maskstore_ps(cr + 8, mask1, x1);
    }
}

AVX2 static void tile_avx2(size_t kc, const float *a, const float *b,
                           float *c, size_t ldc, size_t mr, size_t nr,
                           float alpha, float beta) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nr), lane);
    const __m256i mask1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nr - 8), lane);
#define ROWS(n) case n: tile_rows(n, kc, a, b, c, ldc, mask0, mask1, alpha, beta); break;
    switch (mr) {
        ROWS(6) ROWS(5) ROWS(4) ROWS(3) ROWS(2) ROWS(1)
        default: break;
    }
#undef ROWS
}

/// Packs a strip of B (kc, nr ≤ 16) into (kc, 16), zero-padded.
AVX2 static void pack_b_avx2(size_t kc, size_t nr, const float *src, size_t ld, float *dest) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nr), lane);
    const __m256i mask1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nr - 8), lane);
    for (size_t p = 0; p < kc; p++, src += ld, dest += NR) {
        _mm256_storeu_ps(dest, _mm256_maskload_ps(src, mask0));
        _mm256_storeu_ps(dest + 8, _mm256_maskload_ps(src + 8, mask1));
    }
}

/// Transposes the 8×8 block src[i·ld + j] (i, j < 8) into dest[j·dld + i].
AVX2_INLINE void transpose8x8(const float *src, size_t ld, float *dest, size_t dld) {
    __m256 r[8], t[8], s[8];
#pragma clang loop unroll(full)
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + i * ld);
    // Interleave row pairs: t[2q] = (r[2q][0], r[2q+1][0], r[2q][1], r[2q+1][1] | same for 4, 5).
#pragma clang loop unroll(full)
    for (int q = 0; q < 4; q++) {
        t[2 * q] = _mm256_unpacklo_ps(r[2 * q], r[2 * q + 1]);
        t[2 * q + 1] = _mm256_unpackhi_ps(r[2 * q], r[2 * q + 1]);
    }
    // Gather four rows: s[0] = column 0 of rows 0..<4 | column 4 of rows 0..<4, and so on.
#pragma clang loop unroll(full)
    for (int h = 0; h < 2; h++) {
        s[4 * h + 0] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], _MM_SHUFFLE(1, 0, 1, 0));
        s[4 * h + 1] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], _MM_SHUFFLE(3, 2, 3, 2));
        s[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(1, 0, 1, 0));
        s[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    // Join the row halves: column j (j < 4) from the low lanes, column j + 4 from the high.
#pragma clang loop unroll(full)
    for (int j = 0; j < 4; j++) {
        _mm256_storeu_ps(dest + j * dld, _mm256_permute2f128_ps(s[j], s[j + 4], 0x20));
        _mm256_storeu_ps(dest + (j + 4) * dld, _mm256_permute2f128_ps(s[j], s[j + 4], 0x31));
    }
}

AVX2 void crnn_pack_bt_avx(size_t kc, size_t nr, const float *src, size_t ld, float *dest,
                           size_t NRs) {
    const size_t full_j = nr & ~(size_t)7, full_p = kc & ~(size_t)7;
    for (size_t j = 0; j < full_j; j += 8) {
        for (size_t p = 0; p < full_p; p += 8)
            transpose8x8(src + j * ld + p, ld, dest + p * NRs + j, NRs);
        for (size_t p = full_p; p < kc; p++)
            for (size_t jj = j; jj < j + 8; jj++) dest[p * NRs + jj] = src[jj * ld + p];
    }
    for (size_t p = 0; p < kc; p++)
        for (size_t j = full_j; j < NRs; j++)
            dest[p * NRs + j] = j < nr ? src[j * ld + p] : 0.0f;
}

const crnn_sgemm_kernel crnn_sgemm_avx2 = {
    .mr = MR, .nr = NR, .mc = 144, .kc = 256, .nc = 4096,
    .tile = tile_avx2, .pack_b = pack_b_avx2, .pack_bt = crnn_pack_bt_avx,
};

#endif
