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

/// Where the B strips of one K block come from: `packed` strips (kc, NR) one after another,
/// or, when `packed` is NULL, op(B) itself, each strip packed into `buffer` just before use.
typedef struct strip_source {
    const float *packed;
    const float *b;  // &op(B)(pc, j0)
    size_t ldb;
    int trans;
    float *buffer;   // one strip (kc, NR)
} strip_source;

/// C block (mc, nc) = alpha · A block (packed, mc × kc) · B strips (kc, nc) + beta · C block.
static void multiply_block(const crnn_sgemm_kernel *K, size_t mc, size_t nc, size_t kc,
                           const float *apacked, const strip_source *source, float alpha,
                           float beta, float *c, size_t ldc) {
    const size_t MR = K->mr, NR = K->nr;
    for (size_t jr = 0; jr < nc; jr += NR) {
        const size_t nr = min_size(NR, nc - jr);
        const float *strip = source->packed ? source->packed + jr * kc : source->buffer;
        if (!source->packed)
            pack_b_strip(K, source->trans, source->b + (source->trans ? jr * source->ldb : jr),
                         source->ldb, kc, nr, source->buffer);
        for (size_t ir = 0; ir < mc; ir += MR)
            K->tile(kc, apacked + ir * kc, strip, c + ir * ldc + jr, ldc, min_size(MR, mc - ir),
                    nr, alpha, beta);
    }
}

/// Packs op(A) (mc, kc) at (ic, pc).
static void pack_a_block(const crnn_sgemm_kernel *K, int trans_a, const float *a, size_t lda,
                         size_t ic, size_t pc, size_t mc, size_t kc, float *dest) {
    pack_a(trans_a, trans_a ? a + pc * lda + ic : a + ic * lda + pc, lda, mc, kc, K->mr, dest);
}

int crnn_sgemm_blocked(const crnn_sgemm_kernel *K, int trans_a, int trans_b,
                       size_t m, size_t n, size_t k, float alpha,
                       const float *a, size_t lda, const float *b, size_t ldb,
                       float beta, float *c, size_t ldc) {
    if (m == 0 || n == 0) return 0;
    if (k == 0 || alpha == 0.0f) { scale_c(m, n, beta, c, ldc); return 0; }
    const size_t MR = K->mr, NR = K->nr;
    const size_t MC = even_block(m, K->mc, MR), KC = even_block(k, K->kc, 8);
    const size_t NC = even_block(n, K->nc, NR);
    const int pack_ahead = m > MC;  // B strips are reused by several A blocks
    float *abuf = workspace_floats(MC * KC + KC * (pack_ahead ? round_up(NC, NR) : NR));
    if (abuf == NULL) return -1;
    float *bbuf = abuf + MC * KC;  // B block (KC, NC) as strips, or one strip (KC, NR)

    for (size_t jc = 0; jc < n; jc += NC) {
        const size_t nc = min_size(NC, n - jc);
        for (size_t pc = 0; pc < k; pc += KC) {
            const size_t kc = min_size(KC, k - pc);
            const float *bblock = trans_b ? b + jc * ldb + pc : b + pc * ldb + jc;  // op(B)(pc, jc)
            const strip_source source = {pack_ahead ? bbuf : NULL, bblock, ldb, trans_b, bbuf};
            if (pack_ahead) {
                for (size_t jr = 0; jr < nc; jr += NR)
                    pack_b_strip(K, trans_b, bblock + (trans_b ? jr * ldb : jr), ldb, kc,
                                 min_size(NR, nc - jr), bbuf + jr * kc);
            }
            for (size_t ic = 0; ic < m; ic += MC) {
                const size_t mc = min_size(MC, m - ic);
                pack_a_block(K, trans_a, a, lda, ic, pc, mc, kc, abuf);
                multiply_block(K, mc, nc, kc, abuf, &source, alpha, pc == 0 ? beta : 1.0f,
                               c + ic * ldc + jc, ldc);
            }
        }
    }
    return 0;
}

// MARK: - Prepacked B

// A prepacked op(B) (k, n) holds, for each K block pc (as the driver cuts K), the strips
// (kc, NR) of all columns one after another: strip jr of block pc starts at
// pc·round_up(n, NR) + jr·kc.

size_t crnn_blocked_packed_b_count(const crnn_sgemm_kernel *K, size_t k, size_t n) {
    return round_up(n, K->nr) * k;
}

void crnn_blocked_pack_b(const crnn_sgemm_kernel *K, int trans_b, size_t k, size_t n,
                               const float *b, size_t ldb, float *dest) {
    const size_t NR = K->nr, KC = even_block(k, K->kc, 8), npad = round_up(n, NR);
    for (size_t pc = 0; pc < k; pc += KC) {
        const size_t kc = min_size(KC, k - pc);
        for (size_t jr = 0; jr < n; jr += NR)
            pack_b_strip(K, trans_b, trans_b ? b + jr * ldb + pc : b + pc * ldb + jr, ldb, kc,
                         min_size(NR, n - jr), dest + pc * npad + jr * kc);
    }
}

int crnn_blocked_prepacked(const crnn_sgemm_kernel *K, int trans_a, size_t m, size_t n,
                           size_t k, float alpha, const float *a, size_t lda,
                           const float *packed_b, size_t packed_n, size_t j0,
                           float beta, float *c, size_t ldc) {
    if (m == 0 || n == 0) return 0;
    if (k == 0 || alpha == 0.0f) { scale_c(m, n, beta, c, ldc); return 0; }
    const size_t MC = even_block(m, K->mc, K->mr), KC = even_block(k, K->kc, 8);
    const size_t NC = even_block(n, K->nc, K->nr), npad = round_up(packed_n, K->nr);
    float *abuf = workspace_floats(MC * KC);
    if (abuf == NULL) return -1;
    for (size_t jc = 0; jc < n; jc += NC) {
        const size_t nc = min_size(NC, n - jc);
        for (size_t pc = 0; pc < k; pc += KC) {
            const size_t kc = min_size(KC, k - pc);
            const strip_source source = {packed_b + pc * npad + (j0 + jc) * kc, NULL, 0, 0, NULL};
            for (size_t ic = 0; ic < m; ic += MC) {
                const size_t mc = min_size(MC, m - ic);
                pack_a_block(K, trans_a, a, lda, ic, pc, mc, kc, abuf);
                multiply_block(K, mc, nc, kc, abuf, &source, alpha, pc == 0 ? beta : 1.0f,
                               c + ic * ldc + jc, ldc);
            }
        }
    }
    return 0;
}
