// CRNNKernels: RNNKit's single-precision matrix-product kernels and a few atomics.
// Internal to RNNKit; not API (see ../README.md). Everything is row-major.
//
// Notation: C (M, N) = alpha · op(A) (M, K) · op(B) (K, N) + beta · C (M, N), where element
// (i, p) of an M×K matrix stored row-major with leading dimension lda is a[i·lda + p] and
// op(X) is X or Xᵀ. beta == 0 overwrites C without reading it.
#ifndef CRNNKERNELS_H
#define CRNNKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The micro-kernels this file ships, fastest first.
typedef enum crnn_kernel_id {
    CRNN_KERNEL_ACCELERATE = 0,  ///< Apple's cblas_sgemm (Apple platforms only).
    CRNN_KERNEL_AVX512 = 1,      ///< AVX-512F 12×32 register tile (x86-64).
    CRNN_KERNEL_AVX2 = 2,        ///< AVX2 + FMA 6×16 register tile (x86-64).
    CRNN_KERNEL_PORTABLE = 3,    ///< 6×8 tile in clang vector extensions (any CPU).
    CRNN_KERNEL_COUNT = 4
} crnn_kernel_id;

/// 1 if `kernel` runs on this CPU and in this build, else 0.
int crnn_kernel_supported(crnn_kernel_id kernel);

/// The fastest supported kernel on this CPU (chosen once, at the first call).
crnn_kernel_id crnn_kernel_best(void);

/// A short human-readable name, e.g. "avx512 12x32".
const char *crnn_kernel_name(crnn_kernel_id kernel);

/// C = alpha·op(A)·op(B) + beta·C with the given kernel, single-threaded. Dimensions may be 0;
/// leading dimensions are at least the stored row lengths. Thread-safe: each calling thread
/// packs into its own workspace. Returns 0, or -1 (C untouched) if `kernel` is not supported
/// or the packing workspace (a few MB per thread) cannot be allocated.
int crnn_sgemm(crnn_kernel_id kernel, int trans_a, int trans_b,
                size_t m, size_t n, size_t k,
                float alpha, const float *a, size_t lda,
                const float *b, size_t ldb,
                float beta, float *c, size_t ldc);

/// Floats that op(B) (k, n) takes once prepacked for `kernel` (by crnn_sgemm_pack_b).
size_t crnn_sgemm_packed_b_count(crnn_kernel_id kernel, size_t k, size_t n);

/// Packs op(B) (k, n) for `kernel` into `dest` (crnn_sgemm_packed_b_count floats), for many
/// products with different A. Returns 0, or -1 if `kernel` is not supported.
int crnn_sgemm_pack_b(crnn_kernel_id kernel, int trans_b, size_t k, size_t n,
                      const float *b, size_t ldb, float *dest);

/// C (m, n) = alpha·op(A) (m, k)·B[:, j0 ..< j0 + n] + beta·C, where B (k, packed_n) was
/// prepacked for the same kernel by crnn_sgemm_pack_b, and j0 is a multiple of 64. Returns 0,
/// or -1 (C untouched) as crnn_sgemm does.
int crnn_sgemm_prepacked(crnn_kernel_id kernel, int trans_a, size_t m, size_t n, size_t k,
                         float alpha, const float *a, size_t lda,
                         const float *packed_b, size_t packed_n, size_t j0,
                         float beta, float *c, size_t ldc);

/// Starts a detached thread that runs body(context). Returns 0, or an errno value.
int crnn_thread_start(void (*body)(void *context), void *context);

/// The processors this process may run on (its affinity mask on Linux), at least 1.
int crnn_processor_count(void);

// Sequentially consistent atomics on a word, for RNNKit's thread pool (Swift's own atomics
// need macOS 15).

/// Atomically reads *p.
static inline intptr_t crnn_atomic_load(const intptr_t *p) {
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}
/// Atomically writes *p = value.
static inline void crnn_atomic_store(intptr_t *p, intptr_t value) {
    __atomic_store_n(p, value, __ATOMIC_SEQ_CST);
}
/// Atomically adds `delta` to *p and returns the previous value.
static inline intptr_t crnn_atomic_fetch_add(intptr_t *p, intptr_t delta) {
    return __atomic_fetch_add(p, delta, __ATOMIC_SEQ_CST);
}
/// A hint to the CPU that the caller is spinning (PAUSE on x86-64, YIELD on arm64).
static inline void crnn_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#ifdef __cplusplus
}
#endif

// The vectorised pointwise kernels of the recurrent cells and softmax.
#include "rnnkit_pointwise.h"
// The vectorised optimizer updates.
#include "rnnkit_optimizers.h"
// The vectorised inner loops of the attention.
#include "rnnkit_attention.h"
// Vectorised 2 × 2 max pooling.
#include "rnnkit_pooling.h"
#endif
