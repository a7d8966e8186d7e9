// Register-only FMA throughput of this CPU: the ceiling any single-precision GEMM (RNNKit's,
// PyTorch's) can reach. Each thread runs independent chains of fused multiply-adds on
// registers only (no memory traffic) for about a second and reports GFLOP/s.
//
//   cc -O2 -mavx512f -mfma -pthread Benchmarks/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak 2
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { ITERATIONS = 100000000 };

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// 12 independent accumulators (named registers, not an array, so they never touch memory)
// hide the FMA latency; each iteration is 12 FMAs of 16 lanes.
static void *run(void *out) {
    __m512 a0 = _mm512_set1_ps(0.0f), a1 = _mm512_set1_ps(0.1f), a2 = _mm512_set1_ps(0.2f),
           a3 = _mm512_set1_ps(0.3f), a4 = _mm512_set1_ps(0.4f), a5 = _mm512_set1_ps(0.5f),
           a6 = _mm512_set1_ps(0.6f), a7 = _mm512_set1_ps(0.7f), a8 = _mm512_set1_ps(0.8f),
           a9 = _mm512_set1_ps(0.9f), a10 = _mm512_set1_ps(1.0f), a11 = _mm512_set1_ps(1.1f);
    const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
    double start = now();
    for (long n = 0; n < ITERATIONS; n++) {
        a0 = _mm512_fmadd_ps(a0, m, c); a1 = _mm512_fmadd_ps(a1, m, c); a2 = _mm512_fmadd_ps(a2, m, c);
        a3 = _mm512_fmadd_ps(a3, m, c); a4 = _mm512_fmadd_ps(a4, m, c); a5 = _mm512_fmadd_ps(a5, m, c);
        a6 = _mm512_fmadd_ps(a6, m, c); a7 = _mm512_fmadd_ps(a7, m, c); a8 = _mm512_fmadd_ps(a8, m, c);
        a9 = _mm512_fmadd_ps(a9, m, c); a10 = _mm512_fmadd_ps(a10, m, c); a11 = _mm512_fmadd_ps(a11, m, c);
    }
    double seconds = now() - start;
    __m512 sum = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                               _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
    sum = _mm512_add_ps(sum, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)));
    float sink = _mm512_reduce_add_ps(sum);  // keeps the chains alive
    *(double *)out = 2.0 * 16 * 12 * (double)ITERATIONS / seconds / 1e9 + (sink == 12345.f);
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > 64) { fprintf(stderr, "fma_peak: threads must be 1...64\n"); return 1; }
    pthread_t t[64];
    double gflops[64], total = 0;
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, run, &gflops[i]);
    for (int i = 0; i < threads; i++) { pthread_join(t[i], NULL); total += gflops[i]; }
    printf("{\"fma_peak_gflops\": %.1f, \"threads\": %d}\n", total, threads);
    return 0;
}
