// The kernel table the blocked driver (sgemm_driver.c) runs on. Internal to CRNNKernels.
//
// Packed layouts (MR, NR: the register tile of a kernel; kc: depth of the current K block):
//   A micro-panel (mr ≤ MR rows of op(A), kc columns): element (r, p) at a[p·MR + r].
//   B strip (kc rows of op(B), nr ≤ NR columns): element (p, j) at b[p·NR + j], zeros in
//   columns nr..<NR.
#ifndef CRNN_SGEMM_KERNEL_H
#define CRNN_SGEMM_KERNEL_H

#include <stddef.h>

/// C tile (mr, nr) = alpha · A micro-panel (mr, kc) · B strip (kc, nr) + beta · C tile, with
/// mr ≤ MR and nr ≤ NR; beta == 0 does not read C.
typedef void (*crnn_tile_fn)(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                             size_t mr, size_t nr, float alpha, float beta);

/// Packs one strip of B: dest (kc, NR)[p][j] = src[p·ld + j] for j < nr, 0 for nr ≤ j < NR.
typedef void (*crnn_pack_b_fn)(size_t kc, size_t nr, const float *src, size_t ld, float *dest);

/// Packs one strip of Bᵀ: dest (kc, NR)[p][j] = src[j·ld + p] for j < nr, 0 for nr ≤ j < NR.
typedef void (*crnn_pack_bt_fn)(size_t kc, size_t nr, const float *src, size_t ld,
                                float *dest, size_t NR);

/// One micro-kernel with its register tile, cache blocking and transposing packer.
typedef struct crnn_sgemm_kernel {
    size_t mr, nr;           ///< register tile: C (mr, nr) per call
    size_t mc, kc, nc;       ///< cache blocks: A (mc, kc) stays in L2, B (kc, nc) in L3
    crnn_tile_fn tile;
    crnn_pack_b_fn pack_b;
    crnn_pack_bt_fn pack_bt;
} crnn_sgemm_kernel;

#if defined(__x86_64__)
extern const crnn_sgemm_kernel crnn_sgemm_avx512;
extern const crnn_sgemm_kernel crnn_sgemm_avx2;
/// The AVX 8×8-transpose strip packer shared by the AVX-512 and AVX2 kernels (NR % 8 == 0).
void crnn_pack_bt_avx(size_t kc, size_t nr, const float *src, size_t ld, float *dest, size_t NR);
#endif
extern const crnn_sgemm_kernel crnn_sgemm_portable;
/// The scalar strip packer: any NR.
void crnn_pack_bt_scalar(size_t kc, size_t nr, const float *src, size_t ld, float *dest, size_t NR);

/// The blocked driver on one kernel (sgemm_driver.c); see crnn_sgemm. Returns 0, or -1 when
/// the packing workspace cannot be allocated (C is then left untouched).
int crnn_sgemm_blocked(const crnn_sgemm_kernel *K, int trans_a, int trans_b,
                       size_t m, size_t n, size_t k, float alpha,
                       const float *a, size_t lda, const float *b, size_t ldb,
                       float beta, float *c, size_t ldc);

#endif
