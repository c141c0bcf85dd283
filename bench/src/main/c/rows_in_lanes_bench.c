// A measurement, not a kernel of the library: Q4_K x Q8_K for several vectors with eight rows in the lanes of a
// vector (llama.cpp's q4_K_8x8 idea, kept exact), against the library's batch kernel (medgemma_dot_tile) on the
// same rows, one core, activations in cache. Each result is checked bit for bit against the batch kernel.
//
// Layout: a group of 8 rows is repacked per super-block so that for each pair of sub-blocks j (0..3) and each
// 4-byte position k (0..7) the 32 bytes are row r's qs[32j + 4k .. 32j + 4k + 3], r = 0..7. vpdpbusd of those
// bytes' low nibbles with the vector's 4 bytes at 64j + 4k (broadcast) is, lane r, row r's share of ggml's int32
// lane k for sub-block 2j; the high nibbles with the bytes at 64j + 32 + 4k give sub-block 2j + 1. Scaled by the
// sub-blocks' scales (vpdpwssd, either on the two sums packed into 16-bit halves or on each alone), summed over j,
// every lane k of every row is ggml's own integer, so the float work (per lane k: acc += d * float(sum); then
// hsum_float_8's order) gives vec_dot's result bit for bit.
//
//   gcc -O3 -std=c11 -mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl -mavx512vnni -o /tmp/ril
//       bench/src/main/c/rows_in_lanes_bench.c
//   /tmp/ril VECTORS [ROWS [WIDTH]]
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

static void scale_min(int j, const uint8_t *q, uint8_t *d, uint8_t *m) {  // ggml's get_scale_min_k4
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4);
    }
}

// one super-block of a group of 8 rows, repacked
typedef struct {
    uint8_t qs[4][8][8][4];   // [j][k][row][byte]
    int32_t sc_pair[4][8];    // [j][row]: sc(2j) | sc(2j + 1) << 16
    int32_t sc_lo[4][8];      // [j][row]: sc(2j)
    int32_t sc_hi[4][8];      // [j][row]: sc(2j + 1)
    int32_t m_pair[4][8];     // [i][row]: m(2i) | m(2i + 1) << 16
    float d[8], dmin[8];      // [row]
} group_q4_K;

static void repack(const block_q4_K *rows[8], int b, group_q4_K *g) {
    for (int r = 0; r < 8; r++) {
        const block_q4_K *x = rows[r] + b;
        for (int j = 0; j < 4; j++)
            for (int k = 0; k < 8; k++)
                for (int t = 0; t < 4; t++) g->qs[j][k][r][t] = x->qs[32 * j + 4 * k + t];
        uint8_t sc[8], m[8];
        for (int s = 0; s < 8; s++) scale_min(s, x->scales, &sc[s], &m[s]);
        for (int j = 0; j < 4; j++) {
            g->sc_pair[j][r] = sc[2 * j] | sc[2 * j + 1] << 16;
            g->sc_lo[j][r] = sc[2 * j];
            g->sc_hi[j][r] = sc[2 * j + 1];
            g->m_pair[j][r] = m[2 * j] | m[2 * j + 1] << 16;
        }
        g->d[r] = f16(x->d);
        g->dmin[r] = f16(x->dmin);
    }
}

#define MAXV 8
static void ril_q4_K(int nb, const group_q4_K *g, const block_q8_K *const *y, const int nv, float *out, int out_stride, const int pack);

// 8 rows x nv vectors; PACK: the two sub-blocks' sums packed into one vpdpwssd, else one vpdpwssd each
static inline __attribute__((always_inline)) void ril_q4_K(int nb, const group_q4_K *g, const block_q8_K *const *y, const int nv,
        float *out, int out_stride, const int pack) {
    __m256 acc[MAXV][8], accm[MAXV][4];
    for (int v = 0; v < nv; v++) {
        for (int k = 0; k < 8; k++) acc[v][k] = _mm256_setzero_ps();
        for (int i = 0; i < 4; i++) accm[v][i] = _mm256_setzero_ps();
    }
    const __m256i m4 = _mm256_set1_epi8(0xF);
    for (int b = 0; b < nb; b++, g++) {
        const __m256 xd = _mm256_loadu_ps(g->d), xdmin = _mm256_loadu_ps(g->dmin);
        __m256i scp[4], scl[4], sch[4];
        for (int j = 0; j < 4; j++) {
            scp[j] = _mm256_loadu_si256((const __m256i *) g->sc_pair[j]);
            scl[j] = _mm256_loadu_si256((const __m256i *) g->sc_lo[j]);
            sch[j] = _mm256_loadu_si256((const __m256i *) g->sc_hi[j]);
        }
        // the nibbles of each (j, k) unpacked once and met by every vector; each vector's four sums of a k side by side
        for (int k = 0; k < 8; k++) {
            __m256i sumi[MAXV];
            for (int v = 0; v < nv; v++) sumi[v] = _mm256_setzero_si256();
            for (int j = 0; j < 4; j++) {
                const __m256i q = _mm256_loadu_si256((const __m256i *) g->qs[j][k]);
                const __m256i lo = _mm256_and_si256(q, m4), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
                for (int v = 0; v < nv; v++) {
                    const block_q8_K *yb = y[v] + b;
                    int32_t al, ah;
                    memcpy(&al, yb->qs + 64 * j + 4 * k, 4);
                    memcpy(&ah, yb->qs + 64 * j + 32 + 4 * k, 4);
                    const __m256i pl = _mm256_dpbusd_epi32(_mm256_setzero_si256(), lo, _mm256_set1_epi32(al));
                    const __m256i ph = _mm256_dpbusd_epi32(_mm256_setzero_si256(), hi, _mm256_set1_epi32(ah));
                    if (pack) {
                        const __m256i p = _mm256_blend_epi16(pl, _mm256_slli_epi32(ph, 16), 0xAA);
                        sumi[v] = _mm256_dpwssd_epi32(sumi[v], p, scp[j]);
                    } else {
                        sumi[v] = _mm256_dpwssd_epi32(sumi[v], pl, scl[j]);
                        sumi[v] = _mm256_dpwssd_epi32(sumi[v], ph, sch[j]);
                    }
                }
            }
            for (int v = 0; v < nv; v++) {
                const __m256 d = _mm256_mul_ps(_mm256_set1_ps(y[v][b].d), xd);
                acc[v][k] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sumi[v]), acc[v][k]);
            }
        }
        for (int v = 0; v < nv; v++) {
            const block_q8_K *yb = y[v] + b;
            const __m256 dmin = _mm256_mul_ps(_mm256_set1_ps(-yb->d), xdmin);
            for (int i = 0; i < 4; i++) {
                const int32_t pair = (int32_t) (uint16_t) (yb->bsums[4 * i] + yb->bsums[4 * i + 1])
                        | (int32_t) (yb->bsums[4 * i + 2] + yb->bsums[4 * i + 3]) << 16;
                const __m256i prod = _mm256_dpwssd_epi32(_mm256_setzero_si256(),
                        _mm256_loadu_si256((const __m256i *) g->m_pair[i]), _mm256_set1_epi32(pair));
                accm[v][i] = _mm256_fmadd_ps(dmin, _mm256_cvtepi32_ps(prod), accm[v][i]);
            }
        }
    }
    for (int v = 0; v < nv; v++) {
        // hsum_float_8 per row: ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)); mins ((m0 + m2) + (m1 + m3))
        const __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(acc[v][4], acc[v][0]), _mm256_add_ps(acc[v][6], acc[v][2])),
                _mm256_add_ps(_mm256_add_ps(acc[v][5], acc[v][1]), _mm256_add_ps(acc[v][7], acc[v][3])));
        const __m256 m = _mm256_add_ps(_mm256_add_ps(accm[v][0], accm[v][2]), _mm256_add_ps(accm[v][1], accm[v][3]));
        _mm256_storeu_ps(out + v * out_stride, _mm256_add_ps(s, m));
    }
}

// the vector count and the scaling as constants, so that gcc unrolls the loops over them into registers
static void ril_dispatch(int nb, const group_q4_K *g, const block_q8_K *const *y, int nv, float *out, int out_stride, int pack) {
#define RIL(n) (pack ? ril_q4_K(nb, g, y, n, out, out_stride, 1) : ril_q4_K(nb, g, y, n, out, out_stride, 0))
    switch (nv) {
    case 1: RIL(1); break;
    case 2: RIL(2); break;
    case 4: RIL(4); break;
    case 8: RIL(8); break;
    default: fprintf(stderr, "vectors: 1, 2, 4 or 8\n"); exit(2);
    }
#undef RIL
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s VECTORS [ROWS [WIDTH]]\n", argv[0]);
        return 2;
    }
    const int vectors = atoi(argv[1]), rows = argc > 2 ? atoi(argv[2]) : 2048, n = argc > 3 ? atoi(argv[3]) : 2560;
    if (vectors > MAXV || rows % 8) {
        fprintf(stderr, "at most %d vectors, rows a multiple of 8\n", MAXV);
        return 2;
    }
    const int nb = n / 256;
    const int64_t rb = nb * 144, yb = nb * 292;
    char *w = aligned_alloc(64, rows * rb + 64), *y = aligned_alloc(64, vectors * yb + 64);
    srand(1);
    for (int64_t i = 0; i < rows * rb; i++) w[i] = (char) rand();
    for (int64_t i = 0; i < vectors * yb; i++) y[i] = (char) (rand() % 255 - 127);
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < nb; b++) {
            block_q4_K *x = (block_q4_K *) (w + r * rb) + b;
            x->d = _cvtss_sh(0.01f, 0);
            x->dmin = _cvtss_sh(0.02f, 0);
        }
    const block_q8_K *yv[MAXV];
    for (int v = 0; v < vectors; v++) {
        block_q8_K *x = (block_q8_K *) (y + v * yb);
        yv[v] = x;
        for (int b = 0; b < nb; b++) {
            x[b].d = 0.02f;
            for (int k = 0; k < 16; k++) {
                int s = 0;
                for (int q = 0; q < 16; q++) s += x[b].qs[k * 16 + q];
                x[b].bsums[k] = (int16_t) s;
            }
        }
    }
    group_q4_K *groups = aligned_alloc(64, sizeof(group_q4_K) * (rows / 8) * nb);
    for (int gi = 0; gi < rows / 8; gi++) {
        const block_q4_K *rp[8];
        for (int r = 0; r < 8; r++) rp[r] = (const block_q4_K *) (w + (8 * gi + r) * rb);
        for (int b = 0; b < nb; b++) repack(rp, b, groups + gi * nb + b);
    }
    float *tile = malloc(sizeof(float) * rows * vectors), *ril = malloc(sizeof(float) * rows * vectors);
    double best[3] = { 1e9, 1e9, 1e9 };
    int differing[2] = { 0, 0 };
    for (int round = 0; round < 7; round++) {
        double t0 = now();
        medgemma_dot_tile(12, n, w, rb, rows, y, yb, vectors, tile, rows);
        double t1 = now();
        if (t1 - t0 < best[0]) best[0] = t1 - t0;
        for (int pack = 0; pack < 2; pack++) {
            memset(ril, 0xff, sizeof(float) * rows * vectors);
            double t2 = now();
            for (int gi = 0; gi < rows / 8; gi++) ril_dispatch(nb, groups + gi * nb, yv, vectors, ril + 8 * gi, rows, pack);
            double t3 = now();
            if (t3 - t2 < best[1 + pack]) best[1 + pack] = t3 - t2;
            if (round == 0)
                for (int i = 0; i < rows * vectors; i++) differing[pack] += memcmp(&tile[i], &ril[i], sizeof(float)) != 0;
        }
    }
    const double macs = (double) rows * n * vectors;
    printf("Q4_K vectors %d rows %d width %d: batch kernel %.1f GMAC/s; rows in lanes %.1f GMAC/s (%.2fx, results differing %d), "
           "packed pairs %.1f GMAC/s (%.2fx, results differing %d)\n",
            vectors, rows, n, macs / best[0] / 1e9, macs / best[1] / 1e9, best[0] / best[1], differing[0],
            macs / best[2] / 1e9, best[0] / best[2], differing[1]);
    return differing[0] || differing[1];
}
