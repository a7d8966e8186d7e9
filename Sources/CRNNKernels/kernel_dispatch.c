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

#if defined(__APPLE__)
static void sgemm_accelerate(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                             float alpha, const float *a, size_t lda, const float *b, size_t ldb,
                             float beta, float *c, size_t ldc) {
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
                alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
#pragma clang diagnostic pop
}
#endif

int crnn_sgemm(crnn_kernel_id kernel, int trans_a, int trans_b,
               size_t m, size_t n, size_t k,
               float alpha, const float *a, size_t lda,
               const float *b, size_t ldb,
               float beta, float *c, size_t ldc) {
    if (!crnn_kernel_supported(kernel)) return -1;
    switch (kernel) {
#if defined(__APPLE__)
    case CRNN_KERNEL_ACCELERATE:
        if (m == 0 || n == 0 || k == 0 || alpha == 0.0f)  // cblas would reject lda = 0
            return crnn_sgemm_blocked(&crnn_sgemm_portable, trans_a, trans_b, m, n, k, alpha,
                                      a, lda, b, ldb, beta, c, ldc);
        sgemm_accelerate(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return 0;
#endif
#if defined(__x86_64__)
    case CRNN_KERNEL_AVX512:
        return crnn_sgemm_blocked(&crnn_sgemm_avx512, trans_a, trans_b, m, n, k, alpha,
                                  a, lda, b, ldb, beta, c, ldc);
    case CRNN_KERNEL_AVX2:
        return crnn_sgemm_blocked(&crnn_sgemm_avx2, trans_a, trans_b, m, n, k, alpha,
                                  a, lda, b, ldb, beta, c, ldc);
#endif
    default:
        return crnn_sgemm_blocked(&crnn_sgemm_portable, trans_a, trans_b, m, n, k, alpha,
                                  a, lda, b, ldb, beta, c, ldc);
    }
}
