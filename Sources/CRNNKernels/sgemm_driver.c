// The BLIS-style blocked driver: K, M and N are cut into cache blocks, op(A) and op(B) are
// packed into the layouts of sgemm_kernel.h, and the micro-kernel computes one register tile
// of C at a time.
//
//   for jc in N by NC                       B block (KC, NC), in L3
//     for pc in K by KC                     beta applies on the first K block only
//       [M > MC: pack the B block once]
//       for ic in M by MC                   A block (MC, KC), packed, in L2
//         for jr in NC by NR                B strip (KC, NR), in L1
//           for ir in MC by MR              micro-kernel: C tile (MR, NR)
//
// When M ≤ MC every B strip is used by a single A block, so each strip is packed just
// before its use, into a buffer that stays in L1. (Reading an untransposed B in place
// measured 1.5–3× slower for small M here: rows a power-of-two apart map to the same cache
// sets, and the strided loads stall the FMA loop. Packing the whole B block ahead streams
// it through the caches twice.)
#include "sgemm_kernel.h"
#include "CRNNKernels.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static size_t min_size(size_t x, size_t y) { return x < y ? x : y; }
static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

// MARK: - Per-thread workspace

typedef struct workspace { float *floats; size_t capacity; } workspace;

static pthread_key_t workspace_key;
static pthread_once_t workspace_once = PTHREAD_ONCE_INIT;

static void workspace_free(void *p) {
    workspace *w = p;
    free(w->floats);
    free(w);
}

static void workspace_make_key(void) { pthread_key_create(&workspace_key, workspace_free); }

/// This thread's packing buffer, at least `count` floats, 64-byte aligned; NULL if out of memory.
static float *workspace_floats(size_t count) {
    pthread_once(&workspace_once, workspace_make_key);
    workspace *w = pthread_getspecific(workspace_key);
    if (w == NULL) {
        w = calloc(1, sizeof *w);
        if (w == NULL || pthread_setspecific(workspace_key, w) != 0) { free(w); return NULL; }
    }
    if (w->capacity < count) {
        void *fresh = NULL;
        if (posix_memalign(&fresh, 64, count * sizeof(float)) != 0) return NULL;
        free(w->floats);
        w->floats = fresh;
        w->capacity = count;
    }
    return w->floats;
}

// MARK: - Packing

typedef float v4f __attribute__((ext_vector_type(4)));

static inline v4f load4(const float *p) { v4f v; memcpy(&v, p, sizeof v); return v; }
static inline void store4(float *p, v4f v) { memcpy(p, &v, sizeof v); }

/// dest[p·ldd + r] = src[r·lds + p] for r, p < 4.
static inline void transpose4x4(const float *src, size_t lds, float *dest, size_t ldd) {
    const v4f r0 = load4(src), r1 = load4(src + lds), r2 = load4(src + 2 * lds), r3 = load4(src + 3 * lds);
    const v4f t0 = __builtin_shufflevector(r0, r1, 0, 4, 1, 5);  // r0[0] r1[0] r0[1] r1[1]
    const v4f t1 = __builtin_shufflevector(r0, r1, 2, 6, 3, 7);
    const v4f t2 = __builtin_shufflevector(r2, r3, 0, 4, 1, 5);
    const v4f t3 = __builtin_shufflevector(r2, r3, 2, 6, 3, 7);
    store4(dest, __builtin_shufflevector(t0, t2, 0, 1, 4, 5));
    store4(dest + ldd, __builtin_shufflevector(t0, t2, 2, 3, 6, 7));
    store4(dest + 2 * ldd, __builtin_shufflevector(t1, t3, 0, 1, 4, 5));
    store4(dest + 3 * ldd, __builtin_shufflevector(t1, t3, 2, 3, 6, 7));
}

/// Packs op(A) (mc, kc), starting at `a` = &op(A)(i0, p0), into micro-panels of MR rows.
static void pack_a(int trans, const float *a, size_t lda, size_t mc, size_t kc, size_t MR,
                   float *dest) {
    for (size_t ir = 0; ir < mc; ir += MR, dest += MR * kc) {
        const size_t mr = min_size(MR, mc - ir);
        if (trans) {  // column p of the panel is contiguous in A
            for (size_t p = 0; p < kc; p++) {
                const float *col = a + p * lda + ir;
                size_t r = 0;
                for (; r + 4 <= mr; r += 4) store4(dest + p * MR + r, load4(col + r));
                for (; r < mr; r++) dest[p * MR + r] = col[r];
            }
            continue;
        }
        size_t r = 0;  // rows of the panel, four at a time, transposed in registers
        for (; r + 4 <= mr; r += 4) {
            const float *rows = a + (ir + r) * lda;
            size_t p = 0;
            for (; p + 4 <= kc; p += 4) transpose4x4(rows + p, lda, dest + p * MR + r, MR);
            for (; p < kc; p++)
                for (size_t q = 0; q < 4; q++) dest[p * MR + r + q] = rows[q * lda + p];
        }
        for (; r < mr; r++) {
            const float *row = a + (ir + r) * lda;
            for (size_t p = 0; p < kc; p++) dest[p * MR + r] = row[p];
        }
    }
}

/// Packs the strip op(B) (kc, nr), starting at `b` = &op(B)(p0, j0), NR columns wide.
static void pack_b_strip(const crnn_sgemm_kernel *K, int trans, const float *b, size_t ldb,
                         size_t kc, size_t nr, float *dest) {
    if (trans) K->pack_bt(kc, nr, b, ldb, dest, K->nr);
    else K->pack_b(kc, nr, b, ldb, dest);
}

/// C (m, n) = beta · C, where beta == 0 writes zeros without reading C.
static void scale_c(size_t m, size_t n, float beta, float *c, size_t ldc) {
    if (beta == 1.0f) return;
    for (size_t i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (beta == 0.0f) memset(row, 0, n * sizeof(float));
        else for (size_t j = 0; j < n; j++) row[j] *= beta;
    }
}

// MARK: - Driver

/// Splits `total` into the fewest blocks of at most `block`, of near-equal sizes that are
/// multiples of `unit` (except the last).
static size_t even_block(size_t total, size_t block, size_t unit) {
    const size_t count = (total + block - 1) / block;
    return min_size(block, round_up((total + count - 1) / count, unit));
}

int crnn_sgemm_blocked(const crnn_sgemm_kernel *K, int trans_a, int trans_b,
                       size_t m, size_t n, size_t k, float alpha,
                       const float *a, size_t lda, const float *b, size_t ldb,
                       float beta, float *c, size_t ldc) {
    if (m == 0 || n == 0) return 0;
    if (k == 0 || alpha == 0.0f) { scale_c(m, n, beta, c, ldc); return 0; }
    const size_t MR = K->mr, NR = K->nr;
#ifdef CK_TUNING
    const char *e;
    size_t kmc = (e = getenv("CK_MC")) ? (size_t)atoi(e) : K->mc;
    size_t kkc = (e = getenv("CK_KC")) ? (size_t)atoi(e) : K->kc;
    size_t knc = (e = getenv("CK_NC")) ? (size_t)atoi(e) : K->nc;
#else
    const size_t kmc = K->mc, kkc = K->kc, knc = K->nc;
#endif
    const size_t MC = even_block(m, kmc, MR), KC = even_block(k, kkc, 8);
    const size_t NC = even_block(n, knc, NR);
    const int pack_ahead = m > MC;
    float *abuf = workspace_floats(MC * KC + KC * (pack_ahead ? round_up(NC, NR) : NR));
    if (abuf == NULL) return -1;
    float *bbuf = abuf + MC * KC;  // B block (KC, NC) as strips, or one strip (KC, NR)

    for (size_t jc = 0; jc < n; jc += NC) {
        const size_t nc = min_size(NC, n - jc);
        for (size_t pc = 0; pc < k; pc += KC) {
            const size_t kc = min_size(KC, k - pc);
            const float beta_block = pc == 0 ? beta : 1.0f;
            const float *bblock = trans_b ? b + jc * ldb + pc : b + pc * ldb + jc;  // op(B)(pc, jc)
            const size_t strip_step = trans_b ? NR * ldb : NR;  // from one strip of op(B) to the next
            if (pack_ahead) {
                for (size_t jr = 0; jr < nc; jr += NR)
                    pack_b_strip(K, trans_b, bblock + jr / NR * strip_step, ldb, kc,
                                 min_size(NR, nc - jr), bbuf + jr * kc);
            }
            for (size_t ic = 0; ic < m; ic += MC) {
                const size_t mc = min_size(MC, m - ic);
                pack_a(trans_a, trans_a ? a + pc * lda + ic : a + ic * lda + pc, lda, mc, kc, MR, abuf);
                for (size_t jr = 0; jr < nc; jr += NR) {
                    const size_t nr = min_size(NR, nc - jr);
                    const float *strip = bbuf + jr * kc;
                    if (!pack_ahead) {
                        strip = bbuf;
                        pack_b_strip(K, trans_b, bblock + jr / NR * strip_step, ldb, kc, nr, bbuf);
                    }
                    float *ctile = c + ic * ldc + jc + jr;
                    for (size_t ir = 0; ir < mc; ir += MR)
                        K->tile(kc, abuf + ir * kc, strip, ctile + ir * ldc, ldc,
                                min_size(MR, mc - ir), nr, alpha, beta_block);
                }
            }
        }
    }
    return 0;
}
