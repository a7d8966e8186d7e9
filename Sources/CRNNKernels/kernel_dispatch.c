// Run-time choice of the micro-kernel, and the entry point crnn_sgemm.
//
// This file is compiled for the baseline CPU of the target (SSE2 on x86-64); only the
// functions marked with target attributes in sgemm_avx512.c and sgemm_avx2.c use wider
// instructions, and they run only after __builtin_cpu_supports has said they may.
#include "CRNNKernels.h"
#include "sgemm_kernel.h"

#if defined(__APPLE__)
#include <Accelerate/Accelerate.h>
#endif

int crnn_kernel_supported(crnn_kernel_id kernel) {
    switch (kernel) {
    case CRNN_KERNEL_ACCELERATE:
#if defined(__APPLE__)
        return 1;
#else
        return 0;
#endif
    case CRNN_KERNEL_AVX512:
#if defined(__x86_64__)
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f");
#else
        return 0;
#endif
    case CRNN_KERNEL_AVX2:
#if defined(__x86_64__)
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
        return 0;
#endif
    case CRNN_KERNEL_PORTABLE:
        return 1;
    default:
        return 0;
    }
}

crnn_kernel_id crnn_kernel_best(void) {
    static crnn_kernel_id best = CRNN_KERNEL_COUNT;  // a benign race: every thread finds the same
    crnn_kernel_id found = __atomic_load_n(&best, __ATOMIC_RELAXED);
    if (found == CRNN_KERNEL_COUNT) {
        found = CRNN_KERNEL_PORTABLE;
        for (int id = CRNN_KERNEL_COUNT - 1; id >= 0; id--)
            if (crnn_kernel_supported((crnn_kernel_id)id)) found = (crnn_kernel_id)id;
        __atomic_store_n(&best, found, __ATOMIC_RELAXED);
    }
    return found;
}

const char *crnn_kernel_name(crnn_kernel_id kernel) {
    switch (kernel) {
    case CRNN_KERNEL_ACCELERATE: return "accelerate cblas_sgemm";
    case CRNN_KERNEL_AVX512: return "avx512 12x32";
    case CRNN_KERNEL_AVX2: return "avx2 6x16";
    case CRNN_KERNEL_PORTABLE: return "portable 6x8";
    default: return "unknown";
    }
}

/// The blocked-driver table of a supported kernel; NULL for Accelerate or an unsupported one.
static const crnn_sgemm_kernel *kernel_table(crnn_kernel_id kernel) {
    if (!crnn_kernel_supported(kernel)) return NULL;
    switch (kernel) {
#if defined(__x86_64__)
    case CRNN_KERNEL_AVX512: return &crnn_sgemm_avx512;
    case CRNN_KERNEL_AVX2: return &crnn_sgemm_avx2;
#endif
    case CRNN_KERNEL_PORTABLE: return &crnn_sgemm_portable;
    default: return NULL;
    }
}

#if defined(__APPLE__)
// Accelerate computes the products itself; a "prepacked" B is op(B) copied as (k, n).
static int sgemm_accelerate(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                            float alpha, const float *a, size_t lda, const float *b, size_t ldb,
                            float beta, float *c, size_t ldc) {
    if (m == 0 || n == 0 || k == 0 || alpha == 0.0f)  // cblas would reject lda = 0
        return crnn_sgemm_blocked(&crnn_sgemm_portable, trans_a, trans_b, m, n, k, alpha,
                                  a, lda, b, ldb, beta, c, ldc);
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
                alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
#pragma clang diagnostic pop
    return 0;
}
#endif

int crnn_sgemm(crnn_kernel_id kernel, int trans_a, int trans_b,
               size_t m, size_t n, size_t k,
               float alpha, const float *a, size_t lda,
               const float *b, size_t ldb,
               float beta, float *c, size_t ldc) {
#if defined(__APPLE__)
    if (kernel == CRNN_KERNEL_ACCELERATE)
        return sgemm_accelerate(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#endif
    const crnn_sgemm_kernel *K = kernel_table(kernel);
    if (K == NULL) return -1;
    return crnn_sgemm_blocked(K, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

size_t crnn_sgemm_packed_b_count(crnn_kernel_id kernel, size_t k, size_t n) {
    const crnn_sgemm_kernel *K = kernel_table(kernel);
    return K ? crnn_blocked_packed_b_count(K, k, n) : k * n;
}

int crnn_sgemm_pack_b(crnn_kernel_id kernel, int trans_b, size_t k, size_t n,
                      const float *b, size_t ldb, float *dest) {
#if defined(__APPLE__)
    if (kernel == CRNN_KERNEL_ACCELERATE) {
        for (size_t p = 0; p < k; p++)
            for (size_t j = 0; j < n; j++) dest[p * n + j] = trans_b ? b[j * ldb + p] : b[p * ldb + j];
        return 0;
    }
#endif
    const crnn_sgemm_kernel *K = kernel_table(kernel);
    if (K == NULL) return -1;
    crnn_blocked_pack_b(K, trans_b, k, n, b, ldb, dest);
    return 0;
}

int crnn_sgemm_prepacked(crnn_kernel_id kernel, int trans_a, size_t m, size_t n, size_t k,
                         float alpha, const float *a, size_t lda,
                         const float *packed_b, size_t packed_n, size_t j0,
                         float beta, float *c, size_t ldc) {
#if defined(__APPLE__)
    if (kernel == CRNN_KERNEL_ACCELERATE)
        return sgemm_accelerate(trans_a, 0, m, n, k, alpha, a, lda, packed_b + j0, packed_n,
                                beta, c, ldc);
#endif
    const crnn_sgemm_kernel *K = kernel_table(kernel);
    if (K == NULL || j0 % K->nr != 0) return -1;
    return crnn_blocked_prepacked(K, trans_a, m, n, k, alpha, a, lda, packed_b, packed_n, j0,
                                  beta, c, ldc);
}
