// AVX-512F micro-kernel: a 12×32 tile of C in 24 zmm accumulators.
//
// Each step p of the K loop loads one row of the B strip (2 zmm), broadcasts the 12 elements
// of column p of the A micro-panel and issues 24 FMAs. Partial tiles: the row count is a
// compile-time constant in each of the 12 specialisations below (no wasted rows), and partial
// column counts only mask the loads and stores of C; a strip of at most 16 columns (the last
// one of N = 65, say) runs a half-width loop that skips the upper 16 columns.
#include "sgemm_kernel.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))
#define AVX512_INLINE static inline __attribute__((always_inline, target("avx512f")))

enum { MR = 12, NR = 32 };

/// A mask of the first min(count, 16) lanes.
static inline __mmask16 lanes(size_t count) {
    return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1);
}

/// The K loop and the store for a tile of `rows` rows and 32 columns, or 16 when `!wide`
/// (both constants after inlining).
AVX512_INLINE void tile_rows(const size_t rows, const int wide, size_t kc, const float *a,
                             const float *b, float *c, size_t ldc,
                             __mmask16 mask0, __mmask16 mask1, float alpha, float beta) {
    __m512 lo[MR], hi[MR];  // C tile (rows, 32): columns 0..<16 and 16..<32
#pragma clang loop unroll(full)
    for (size_t r = 0; r < rows; r++) {
        lo[r] = _mm512_setzero_ps();
        hi[r] = _mm512_setzero_ps();
        _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + r * ldc + 31), _MM_HINT_T0);
    }
    for (size_t p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(b);
        const __m512 b1 = wide ? _mm512_loadu_ps(b + 16) : b0;
#pragma clang loop unroll(full)
        for (size_t r = 0; r < rows; r++) {
            const __m512 ar = _mm512_set1_ps(a[r]);
            lo[r] = _mm512_fmadd_ps(ar, b0, lo[r]);
            if (wide) hi[r] = _mm512_fmadd_ps(ar, b1, hi[r]);
        }
        a += MR;
        b += NR;
    }
    const __m512 va = _mm512_set1_ps(alpha);
    const __m512 vb = _mm512_set1_ps(beta);
#pragma clang loop unroll(full)
    for (size_t r = 0; r < rows; r++) {
        float *cr = c + r * ldc;
        __m512 x0 = _mm512_mul_ps(va, lo[r]);
        if (beta != 0.0f) x0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask0, cr), x0);
        _mm512_mask_storeu_ps(cr, mask0, x0);
        if (!wide) continue;
        __m512 x1 = _mm512_mul_ps(va, hi[r]);
        if (beta != 0.0f) x1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask1, cr + 16), x1);
        _mm512_mask_storeu_ps(cr + 16, mask1, x1);
    }
}

AVX512 static void tile_avx512(size_t kc, const float *a, const float *b,
                               float *c, size_t ldc, size_t mr, size_t nr,
                               float alpha, float beta) {
    const __mmask16 mask0 = lanes(nr), mask1 = lanes(nr > 16 ? nr - 16 : 0);
#define ROWS(n, wide) case n: tile_rows(n, wide, kc, a, b, c, ldc, mask0, mask1, alpha, beta); break;
    if (nr > 16) {
        switch (mr) {
            ROWS(12, 1) ROWS(11, 1) ROWS(10, 1) ROWS(9, 1) ROWS(8, 1) ROWS(7, 1)
            ROWS(6, 1) ROWS(5, 1) ROWS(4, 1) ROWS(3, 1) ROWS(2, 1) ROWS(1, 1)
            default: break;
        }
    } else {
        switch (mr) {
            ROWS(12, 0) ROWS(11, 0) ROWS(10, 0) ROWS(9, 0) ROWS(8, 0) ROWS(7, 0)
            ROWS(6, 0) ROWS(5, 0) ROWS(4, 0) ROWS(3, 0) ROWS(2, 0) ROWS(1, 0)
            default: break;
        }
    }
#undef ROWS
}

/// Packs a strip of B (kc, nr ≤ 32) into (kc, 32), zero-padded.
AVX512 static void pack_b_avx512(size_t kc, size_t nr, const float *src, size_t ld, float *dest) {
    const __mmask16 mask0 = lanes(nr), mask1 = lanes(nr > 16 ? nr - 16 : 0);
    for (size_t p = 0; p < kc; p++, src += ld, dest += NR) {
        _mm512_storeu_ps(dest, _mm512_maskz_loadu_ps(mask0, src));
        _mm512_storeu_ps(dest + 16, _mm512_maskz_loadu_ps(mask1, src + 16));
    }
}

const crnn_sgemm_kernel crnn_sgemm_avx512 = {
    .mr = MR, .nr = NR, .mc = 192, .kc = 256, .nc = 4096,
    .tile = tile_avx512, .pack_b = pack_b_avx512, .pack_bt = crnn_pack_bt_avx,
};

#endif
