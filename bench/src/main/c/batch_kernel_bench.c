// Single-thread speed of the native batch kernel (medgemma_dot_tile) against the single-vector one
// (medgemma_dot_rows, once per vector) on 4B-shaped rows of random weights with the activations in cache, best of
// 7 rounds, and a bit-for-bit check of every result. Used to choose the register blocks (docs/performance-notes.md,
// sections 15 and 16); not part of the build:
//   gcc -O3 -std=c11 -mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl -mavx512vnni -o /tmp/batch-kernel-bench
//       bench/src/main/c/batch_kernel_bench.c
//   /tmp/batch-kernel-bench TYPE VECTORS [ROWS [WIDTH]]    (TYPE: 8 = Q8_0, 12 = Q4_K, 14 = Q6_K; WIDTH: values per row, a multiple of 256, 2560 by default)
#define _GNU_SOURCE
#include "../../../../core/src/main/c/medgemma_kernels.c"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static uint16_t half(float f) {
    return _cvtss_sh(f, 0);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s TYPE(8|12|14) VECTORS [ROWS [WIDTH]]\n", argv[0]);
        return 2;
    }
    const int type = atoi(argv[1]), vectors = atoi(argv[2]), rows = argc > 3 ? atoi(argv[3]) : 2048, n = argc > 4 ? atoi(argv[4]) : 2560;
    const int64_t rb = type == 8 ? (n / 32) * 34 : type == 12 ? (n / 256) * 144 : (n / 256) * 210;
    const int64_t yb = type == 8 ? (n / 32) * 34 : (n / 256) * 292;
    char *w = aligned_alloc(64, rows * rb + 64), *y = aligned_alloc(64, vectors * yb + 64);
    srand(1);
    for (int64_t i = 0; i < rows * rb; i++) w[i] = (char) rand();
    for (int64_t i = 0; i < vectors * yb; i++) y[i] = (char) (rand() % 255 - 127);
    // normal scales, so no float work runs on subnormals or infinities
    for (int r = 0; r < rows; r++) {
        char *row = w + r * rb;
        if (type == 8) for (int b = 0; b < n / 32; b++) ((block_q8_0 *) row)[b].d = half(0.01f);
        if (type == 12) for (int b = 0; b < n / 256; b++) { ((block_q4_K *) row)[b].d = half(0.01f); ((block_q4_K *) row)[b].dmin = half(0.02f); }
        if (type == 14) for (int b = 0; b < n / 256; b++) ((block_q6_K *) row)[b].d = half(0.01f);
    }
    for (int v = 0; v < vectors; v++) {
        char *yv = y + v * yb;
        if (type == 8) {
            for (int b = 0; b < n / 32; b++) ((block_q8_0 *) yv)[b].d = half(0.02f);
        } else {
            for (int b = 0; b < n / 256; b++) {
                block_q8_K *x = (block_q8_K *) yv + b;
                x->d = 0.02f;
                for (int k = 0; k < 16; k++) {
                    int s = 0;
                    for (int q = 0; q < 16; q++) s += x->qs[k * 16 + q];
                    x->bsums[k] = (int16_t) s;
                }
            }
        }
    }
    float *single = malloc(sizeof(float) * rows * vectors), *batch = malloc(sizeof(float) * rows * vectors);
    double best_single = 1e9, best_batch = 1e9;
    for (int round = 0; round < 7; round++) {
        double t0 = now();
        for (int v = 0; v < vectors; v++) medgemma_dot_rows(type, n, w, rb, rows, y + v * yb, single + v * rows);
        double t1 = now();
        memset(batch, 0xff, sizeof(float) * rows * vectors);
        double t2 = now();
        medgemma_dot_tile(type, n, w, rb, rows, y, yb, vectors, batch, rows);
        double t3 = now();
        if (t1 - t0 < best_single) best_single = t1 - t0;
        if (t3 - t2 < best_batch) best_batch = t3 - t2;
    }
    int differing = 0;
    for (int i = 0; i < rows * vectors; i++) differing += memcmp(&single[i], &batch[i], sizeof(float)) != 0;
    const double macs = (double) rows * n * vectors;
    printf("type %d vectors %d rows %d: single-vector kernel %.1f GMAC/s, batch kernel %.1f GMAC/s (%.2fx), results differing %d\n",
            type, vectors, rows, macs / best_single / 1e9, macs / best_batch / 1e9, best_single / best_batch, differing);
    return differing != 0;
}
