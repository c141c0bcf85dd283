// medgemma4j native dot kernels: quantized weight rows times 8-bit quantized activations (ggml's block
// layouts), with the integer arithmetic, float scaling and summation order of llama.cpp's x86 vec_dot
// (ggml-cpu/arch/x86/quants.c), so results equal ggml's and the Java integer kernels bit for bit.
// Dot kernels only: no model logic. Built with -mavx2 -mfma -mf16c; the Java side calls it only when
// /proc/cpuinfo lists those features. AVX-512 VNNI (vpdpbusd, vpdpwssd) is used where the compiler targets it
// (-mavx512vnni -mavx512vl): integer sums are exact, so the result is the same either way. The AVX-512 build
// also has the vector loops of attention over an F16 cache (half conversions: what the Vector API lacks).
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define QK_K 256
#define QK8_0 32

typedef struct { uint16_t d; int8_t qs[QK8_0]; } block_q8_0;
typedef struct { uint16_t d; uint16_t dmin; uint8_t scales[12]; uint8_t qs[QK_K / 2]; } block_q4_K;
typedef struct { uint8_t ql[QK_K / 2]; uint8_t qh[QK_K / 4]; int8_t scales[QK_K / 16]; uint16_t d; } block_q6_K;
typedef struct { float d; int8_t qs[QK_K]; int16_t bsums[QK_K / 16]; } block_q8_K;

_Static_assert(sizeof(block_q8_0) == 34, "block_q8_0");
_Static_assert(sizeof(block_q4_K) == 144, "block_q4_K");
_Static_assert(sizeof(block_q6_K) == 210, "block_q6_K");
_Static_assert(sizeof(block_q8_K) == 292, "block_q8_K");

// vpdpwssd fuses vec_dot's vpmaddwd and the add that follows it (integer sums: the same result)
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
#define VNNI 1
#define DPWSSD(acc, a, b) _mm256_dpwssd_epi32(acc, a, b)
#else
#define VNNI 0
#define DPWSSD(acc, a, b) _mm256_add_epi32(acc, _mm256_madd_epi16(a, b))
#endif

static inline float f16(uint16_t h) {
    return _cvtsh_ss(h);
}

static inline float hsum_float_8(const __m256 x) {
    __m128 res = _mm256_extractf128_ps(x, 1);
    res = _mm_add_ps(res, _mm256_castps256_ps128(x));
    res = _mm_add_ps(res, _mm_movehl_ps(res, res));
    res = _mm_add_ss(res, _mm_movehdup_ps(res));
    return _mm_cvtss_f32(res);
}

static inline __m256 mul_sum_i8_pairs_float(const __m256i x, const __m256i y) {
    const __m256i ax = _mm256_sign_epi8(x, x);
    const __m256i sy = _mm256_sign_epi8(y, x);
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
    return _mm256_cvtepi32_ps(_mm256_dpbusd_epi32(_mm256_setzero_si256(), ax, sy));
#else
    const __m256i dot = _mm256_maddubs_epi16(ax, sy);
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_set1_epi16(1), dot));
#endif
}

static float dot_q8_0(int n, const block_q8_0 *x, const block_q8_0 *y) {
    const int nb = n / QK8_0;
    __m256 acc = _mm256_setzero_ps();
    for (int ib = 0; ib < nb; ++ib) {
        const __m256 d = _mm256_set1_ps(f16(x[ib].d) * f16(y[ib].d));
        __m256i qx = _mm256_loadu_si256((const __m256i *) x[ib].qs);
        __m256i qy = _mm256_loadu_si256((const __m256i *) y[ib].qs);
        acc = _mm256_fmadd_ps(d, mul_sum_i8_pairs_float(qx, qy), acc);
    }
    return hsum_float_8(acc);
}

static const uint8_t k_shuffle_k4[256] = {
     0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
     2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3,
     4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5,
     6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7,
     8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9,
    10,11,10,11,10,11,10,11,10,11,10,11,10,11,10,11,10,11,10,11,10,11,10,11,10,11,10,11,10,11,10,11,
    12,13,12,13,12,13,12,13,12,13,12,13,12,13,12,13,12,13,12,13,12,13,12,13,12,13,12,13,12,13,12,13,
    14,15,14,15,14,15,14,15,14,15,14,15,14,15,14,15,14,15,14,15,14,15,14,15,14,15,14,15,14,15,14,15
};

static const uint8_t k_shuffle[128] = {
     0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
     2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3,
     4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5,
     6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7,
     8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9,
    10,10,10,10,10,10,10,10,11,11,11,11,11,11,11,11,
    12,12,12,12,12,12,12,12,13,13,13,13,13,13,13,13,
    14,14,14,14,14,14,14,14,15,15,15,15,15,15,15,15
};

// A Q4_K super-block's eight 6-bit scales, then its eight mins, as bytes (get_scale_min_k4 in nine vector instructions).
static inline __m128i q4_K_scales_mins(const block_q4_K *x) {
    // bytes 0-3: sc0-3 = b0-3 & 63; 4-7: sc4-7 = (b8-11 & 15) | (b0-3 >> 6) << 4;
    // 8-11: m0-3 = b4-7 & 63; 12-15: m4-7 = (b8-11 >> 4) | (b4-7 >> 6) << 4 (get_scale_min_k4)
    const __m128i b = _mm_loadu_si128((const __m128i *) x->scales);  // 12 bytes of scales, then 4 of qs (unused)
    const __m128i a = _mm_shuffle_epi8(b, _mm_setr_epi8(0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 8, 9, 10, 11));
    const __m128i h = _mm_shuffle_epi8(b, _mm_setr_epi8(-1, -1, -1, -1, 0, 1, 2, 3, -1, -1, -1, -1, 4, 5, 6, 7));
    const __m128i lo = _mm_or_si128(_mm_and_si128(a, _mm_setr_epi8(63, 63, 63, 63, 15, 15, 15, 15, 63, 63, 63, 63, 0, 0, 0, 0)),
            _mm_and_si128(_mm_srli_epi16(a, 4), _mm_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 15, 15, 15)));
    return _mm_or_si128(lo, _mm_and_si128(_mm_srli_epi16(h, 2), _mm_set1_epi8(0x30)));
}

// ggml_vec_dot_q4_K_q8_K (AVX2) for each of `rows` rows. What depends on the vector alone (its block-sum pairs,
// its scale and the negation) is done once per call, not once per row; the 6-bit scales and mins are unpacked by
// vector instructions; and a super-block's eight sub-block products are summed as four independent pairs
// (vpdpwssd where VNNI has it), not one chain of eight: the chain's latency bounded the kernel, +10% with the
// activations in cache (docs/performance-notes.md, section 16). Integer sums are exact in any order and the float
// operations are vec_dot's, in its order, so each result is vec_dot's bit for bit.
// Returns 0, or -2 when out of memory (rows wider than 32768 values keep their per-vector data on the heap).
static int rows_q4_K(int n, const char *w, int64_t rb, int rows, const block_q8_K *y, float *out) {
    const int nb = n / QK_K;
    __m128i q8s_stack[128];
    float d_stack[2 * 128];
    __m128i *q8s = q8s_stack;
    float *yd = d_stack;
    void *heap = NULL;
    if (nb > 128) {
        heap = aligned_alloc(16, ((size_t) nb * (sizeof(__m128i) + 2 * sizeof(float)) + 15) / 16 * 16);  // a multiple of 16
        if (heap == NULL) return -2;
        q8s = heap;
        yd = (float *) (q8s + nb);
    }
    float *negyd = yd + nb;
    for (int i = 0; i < nb; i++) {
        const __m256i q8sums = _mm256_loadu_si256((const __m256i *) y[i].bsums);
        q8s[i] = _mm_hadd_epi16(_mm256_extracti128_si256(q8sums, 0), _mm256_extracti128_si256(q8sums, 1));
        yd[i] = y[i].d;
        negyd[i] = -y[i].d;
    }
    const __m256i m4 = _mm256_set1_epi8(0xF);
    for (int r = 0; r < rows; r++) {
        const block_q4_K *x = (const block_q4_K *) (w + r * rb);
        __m256 acc = _mm256_setzero_ps();
        __m128 acc_m = _mm_setzero_ps();
        for (int i = 0; i < nb; ++i) {
            const __m256i mins_and_scales = _mm256_cvtepu8_epi16(q4_K_scales_mins(x + i));
            const __m128i prod = _mm_madd_epi16(_mm256_extracti128_si256(mins_and_scales, 1), q8s[i]);
            acc_m = _mm_fmadd_ps(_mm_set1_ps(negyd[i] * f16(x[i].dmin)), _mm_cvtepi32_ps(prod), acc_m);
            const __m256i scales = _mm256_broadcastsi128_si256(_mm256_castsi256_si128(mins_and_scales));
            const __m256i *q4 = (const __m256i *) x[i].qs;
            const __m256i *q8 = (const __m256i *) y[i].qs;
            // four short chains (two sub-blocks each) rather than one of eight: vpdpwssd's latency, not its
            // throughput, bounded a chain of eight
            __m256i part[4];
            for (int j = 0; j < QK_K / 64; ++j) {
                const __m256i scale_l = _mm256_shuffle_epi8(scales, _mm256_loadu_si256((const __m256i *) k_shuffle_k4 + 2 * j));
                const __m256i scale_h = _mm256_shuffle_epi8(scales, _mm256_loadu_si256((const __m256i *) k_shuffle_k4 + 2 * j + 1));
                const __m256i q4bits = _mm256_loadu_si256(q4 + j);
                const __m256i p16l = _mm256_maddubs_epi16(_mm256_and_si256(q4bits, m4), _mm256_loadu_si256(q8 + 2 * j));
                const __m256i p16h = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(q4bits, 4), m4), _mm256_loadu_si256(q8 + 2 * j + 1));
                part[j] = DPWSSD(_mm256_madd_epi16(scale_l, p16l), scale_h, p16h);
            }
            const __m256i sumi = _mm256_add_epi32(_mm256_add_epi32(part[0], part[1]), _mm256_add_epi32(part[2], part[3]));
            acc = _mm256_fmadd_ps(_mm256_set1_ps(yd[i] * f16(x[i].d)), _mm256_cvtepi32_ps(sumi), acc);
        }
        acc_m = _mm_add_ps(acc_m, _mm_movehl_ps(acc_m, acc_m));
        acc_m = _mm_add_ss(acc_m, _mm_movehdup_ps(acc_m));
        out[r] = hsum_float_8(acc) + _mm_cvtss_f32(acc_m);
    }
    free(heap);
    return 0;
}

// Half j of a Q6_K super-block's 6-bit values, unsigned (0..63), as four runs of 32: run k meets the activations
// 128j + 32k .. + 31 (vec_dot's q4_0..q4_3).
static inline void q6_K_half(const block_q6_K *x, int j, __m256i w[4]) {
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m256i m15 = _mm256_set1_epi8(15);
    const __m256i q4bits1 = _mm256_loadu_si256((const __m256i *) x->ql + 2 * j);
    const __m256i q4bits2 = _mm256_loadu_si256((const __m256i *) x->ql + 2 * j + 1);
    const __m256i q4bitsH = _mm256_loadu_si256((const __m256i *) x->qh + j);
    const __m256i q4h_0 = _mm256_slli_epi16(_mm256_and_si256(q4bitsH, m3), 4);
    const __m256i q4h_1 = _mm256_slli_epi16(_mm256_and_si256(q4bitsH, _mm256_set1_epi8(12)), 2);
    const __m256i q4h_2 = _mm256_and_si256(q4bitsH, _mm256_set1_epi8(48));
    const __m256i q4h_3 = _mm256_srli_epi16(_mm256_and_si256(q4bitsH, _mm256_set1_epi8(-64)), 2);
    w[0] = _mm256_or_si256(_mm256_and_si256(q4bits1, m15), q4h_0);
    w[1] = _mm256_or_si256(_mm256_and_si256(q4bits2, m15), q4h_1);
    w[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q4bits1, 4), m15), q4h_2);
    w[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q4bits2, 4), m15), q4h_3);
}

// The 16-bit scale of each value pair of run k of a super-block (k_shuffle's row k: run k's two 16-value scales).
static inline __m256i q6_K_run_scales(__m128i scales, int k) {
    return _mm256_cvtepi8_epi16(_mm_shuffle_epi8(scales, _mm_loadu_si128((const __m128i *) k_shuffle + k)));
}

// ggml_vec_dot_q6_K_q8_K (AVX2), its sub-block products summed as four independent pairs (as rows_q4_K).
static float dot_q6_K(int n, const block_q6_K *x, const block_q8_K *y) {
    const int nb = n / QK_K;
    __m256 acc = _mm256_setzero_ps();
    for (int i = 0; i < nb; ++i) {
        const float d = y[i].d * f16(x[i].d);
        const __m256i *q8 = (const __m256i *) y[i].qs;
        const __m256i q8sums = _mm256_loadu_si256((const __m256i *) y[i].bsums);
        const __m128i scales = _mm_loadu_si128((const __m128i *) x[i].scales);
        const __m256i q8sclsub = _mm256_slli_epi32(_mm256_madd_epi16(q8sums, _mm256_cvtepi8_epi16(scales)), 5);
        __m256i part[4];
        for (int j = 0; j < QK_K / 128; ++j) {
            __m256i w[4];
            q6_K_half(x + i, j, w);
            for (int h = 0; h < 2; h++) {
                const int k = 4 * j + 2 * h;
                const __m256i p0 = _mm256_maddubs_epi16(w[2 * h], _mm256_loadu_si256(q8 + k));
                const __m256i p1 = _mm256_maddubs_epi16(w[2 * h + 1], _mm256_loadu_si256(q8 + k + 1));
                part[k / 2] = DPWSSD(_mm256_madd_epi16(q6_K_run_scales(scales, k), p0), q6_K_run_scales(scales, k + 1), p1);
            }
        }
        const __m256i sumi = _mm256_sub_epi32(_mm256_add_epi32(_mm256_add_epi32(part[0], part[1]), _mm256_add_epi32(part[2], part[3])), q8sclsub);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    return hsum_float_8(acc);
}

// ---- Several activation vectors at once (prompt tokens, or the steps of a batched decode) ----
// Every (row, vector) result is bit for bit the single-vector kernel's: integer sums are exact however they are
// formed, and each result keeps its own float accumulators, updated in the same order with the same operands. What
// changes is the register blocking (MR rows x NR vectors per pass: a weight block is loaded and unpacked once for
// NR vectors, an activation block once for MR rows) and that per-vector work is done once per call, not per row.
// The block sizes were measured on Zen 4 (docs/performance-notes.md, section 15); -O3 unrolls the constant loops
// into registers (at -O2 the accumulators stay in memory and the kernels run at half speed).

#define NR8 4  // Q8_0: vectors per register block
#define MR8 4  // Q8_0: rows per register block
#define NR4 6  // Q4_K
#define NR6 8  // Q6_K
#define NR 8   // the most of any type (array bounds; the unused entries vanish when the loops unroll)


// Q8_0 per vector and block: the scale as a float, and (VNNI) -128 times the lane sums of its values. With VNNI,
// sum(w * a) = sum((w + 128) * a) - 128 * sum(a) lane by lane (lane k: values 4k..4k+3), the sums vec_dot's sign
// trick forms too, so one vpdpbusd per row and vector; the correction is shared by every row. Without VNNI the
// products keep vec_dot's sign trick (w + 128 times a could saturate vpmaddubsw's int16 pairs).
typedef struct { __m256i *neg_corr; float *d; int stride; } q8_0_prep;  // d: block l, vector v at d[l * stride + v]

static void prep_q8_0(int nb, const block_q8_0 *y, int v, const q8_0_prep *p) {
    for (int l = 0; l < nb; l++) {
        p->d[l * p->stride + v] = f16(y[l].d);
#if VNNI
        const __m256i a = _mm256_loadu_si256((const __m256i *) y[l].qs);
        const __m256i sum = _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_set1_epi8((char) 0x80), a);
        _mm256_storeu_si256(p->neg_corr + (size_t) v * nb + l, _mm256_sub_epi32(_mm256_setzero_si256(), sum));
#endif
    }
}

// The scale products x.d * y.d of a block for all rows and vectors come from four 4-lane multiplies and are read
// back by broadcast loads (load ports), not one 8-lane multiply per row and vector: the multiply pipes are the
// ones the integer dots and FMAs need. Same products, so results stay bit for bit. Measured on Zen 4: 4 to 64
// vectors 5-10% faster (AVX2 build 5-15%), 2 vectors 11% slower (docs/performance-notes.md, section 16).
static inline __attribute__((always_inline)) void block_q8_0_x(int nb, const char *w, int64_t rb, const int mr,
        const block_q8_0 *const *y, const __m256i *neg_corr, const float *yd, int stride, const int nr, float *out,
        int64_t ostride) {
    __m256 acc[MR8][NR];
    for (int r = 0; r < mr; r++) for (int t = 0; t < nr; t++) acc[r][t] = _mm256_setzero_ps();
    // products one block ahead, so their stores have left before the broadcasts read them (read at once, the
    // store-to-load forwarding made the kernel 15% slower)
    float dd[2][MR8][4] __attribute__((aligned(16)));
    for (int r = 0; r < mr; r++) {
        _mm_store_ps(dd[0][r], _mm_mul_ps(_mm_set1_ps(f16(((const block_q8_0 *) (w + r * rb))->d)), _mm_loadu_ps(yd)));
    }
    for (int l = 0; l < nb; l++) {
        __m256i qw[MR8];
        if (l + 1 < nb) {
            const __m128 da = _mm_loadu_ps(yd + (l + 1) * stride);  // lane t: vector t's scale (past nr: padding)
            for (int r = 0; r < mr; r++) {
                const block_q8_0 *x = (const block_q8_0 *) (w + r * rb) + l + 1;
                _mm_store_ps(dd[(l + 1) & 1][r], _mm_mul_ps(_mm_set1_ps(f16(x->d)), da));
            }
        }
        for (int r = 0; r < mr; r++) {
            const block_q8_0 *x = (const block_q8_0 *) (w + r * rb) + l;
            qw[r] = _mm256_loadu_si256((const __m256i *) x->qs);
#if VNNI
            qw[r] = _mm256_xor_si256(qw[r], _mm256_set1_epi8((char) 0x80));
#endif
        }
        for (int t = 0; t < nr; t++) {
            const __m256i a = _mm256_loadu_si256((const __m256i *) y[t][l].qs);
#if VNNI
            const __m256i nc = _mm256_loadu_si256(neg_corr + (size_t) t * nb + l);
#endif
            for (int r = 0; r < mr; r++) {
#if VNNI
                const __m256 q = _mm256_cvtepi32_ps(_mm256_dpbusd_epi32(nc, qw[r], a));
#else
                const __m256 q = mul_sum_i8_pairs_float(qw[r], a);
#endif
                acc[r][t] = _mm256_fmadd_ps(_mm256_broadcast_ss(&dd[l & 1][r][t]), q, acc[r][t]);
            }
        }
    }
    for (int r = 0; r < mr; r++) for (int t = 0; t < nr; t++) out[t * ostride + r] = hsum_float_8(acc[r][t]);
}

// Q4_K: per super-block i and vector v, the pairwise sums of its 16 block sums (vec_dot's hadd), shared by every
// row, and the vector's scale; vectors side by side (stride apart per super-block), so the float work of a
// super-block is done for two to eight vectors per instruction.
typedef struct { __m128i *q8s; float *d; int stride; } q4_K_prep;

static void prep_q8_K(int nb, const block_q8_K *y, int v, const q4_K_prep *p) {
    for (int i = 0; i < nb; i++) {
        const __m256i q8sums = _mm256_loadu_si256((const __m256i *) y[i].bsums);
        p->q8s[i * p->stride + v] = _mm_hadd_epi16(_mm256_extracti128_si256(q8sums, 0), _mm256_extracti128_si256(q8sums, 1));
        p->d[i * p->stride + v] = y[i].d;
    }
}

static inline __m256i q4_K_scales(const block_q4_K *x, __m128i *mins) {
    const __m256i mins_and_scales = _mm256_cvtepu8_epi16(q4_K_scales_mins(x));
    *mins = _mm256_extracti128_si256(mins_and_scales, 1);
    return _mm256_broadcastsi128_si256(_mm256_castsi256_si128(mins_and_scales));
}

#define MR4 1  // Q4_K: rows per register block
// The float work of a super-block is shared across vectors: the scales y.d * x.d and -y.d * x.dmin for up to 8
// vectors in one multiply, the mins for two vectors per vpmaddwd and FMA. Each lane takes vec_dot's operation
// with vec_dot's operands, so results stay bit for bit its (-a * b and a * -b round alike).
static inline __attribute__((always_inline)) void block_q4_K_x(int nb, const char *w, int64_t rb, const int mr,
        const block_q8_K *const *y, const __m128i *q8s, const float *yd, int stride, const int nr, float *out,
        int64_t ostride) {
    const __m256i m4 = _mm256_set1_epi8(0xF);
    __m256 acc[MR4][NR];
    __m256 acc_m[MR4][NR / 2];  // vector t in lanes 4 * (t & 1) .. + 3 of entry t / 2
    for (int r = 0; r < mr; r++) {
        for (int t = 0; t < nr; t++) acc[r][t] = _mm256_setzero_ps();
        for (int t = 0; t < nr; t += 2) acc_m[r][t / 2] = _mm256_setzero_ps();
    }
    for (int i = 0; i < nb; i++) {
        __m256i sc[MR4];
        __m128i mins[MR4];
        __m256 dv[MR4];
        const block_q4_K *x[MR4];
        const __m256 ydv = _mm256_loadu_ps(yd + i * stride);  // lane t: vector t's scale (lanes past nr: padding)
        for (int r = 0; r < mr; r++) {
            x[r] = (const block_q4_K *) (w + r * rb) + i;
            sc[r] = q4_K_scales(x[r], &mins[r]);
            dv[r] = _mm256_mul_ps(ydv, _mm256_set1_ps(f16(x[r]->d)));
            const __m256 dmin = _mm256_mul_ps(ydv, _mm256_set1_ps(-f16(x[r]->dmin)));
            const __m256i mins2 = _mm256_set_m128i(mins[r], mins[r]);
            for (int t = 0; t < nr; t += 2) {
                const __m256i prod = _mm256_madd_epi16(mins2, _mm256_loadu_si256((const __m256i *) (q8s + i * stride + t)));
                const __m256 dm = _mm256_permutevar8x32_ps(dmin, _mm256_setr_epi32(t, t, t, t, t + 1, t + 1, t + 1, t + 1));
                acc_m[r][t / 2] = _mm256_fmadd_ps(dm, _mm256_cvtepi32_ps(prod), acc_m[r][t / 2]);
            }
        }
        __m256i sumi[MR4][NR];
        for (int j = 0; j < QK_K / 64; ++j) {
            __m256i q4l[MR4], q4h[MR4], sl[MR4], sh[MR4];
            for (int r = 0; r < mr; r++) {
                sl[r] = _mm256_shuffle_epi8(sc[r], _mm256_loadu_si256((const __m256i *) k_shuffle_k4 + 2 * j));
                sh[r] = _mm256_shuffle_epi8(sc[r], _mm256_loadu_si256((const __m256i *) k_shuffle_k4 + 2 * j + 1));
                const __m256i q4bits = _mm256_loadu_si256((const __m256i *) x[r]->qs + j);
                q4l[r] = _mm256_and_si256(q4bits, m4);
                q4h[r] = _mm256_and_si256(_mm256_srli_epi16(q4bits, 4), m4);
            }
            for (int t = 0; t < nr; t++) {
                const __m256i q8l = _mm256_loadu_si256((const __m256i *) y[t][i].qs + 2 * j);
                const __m256i q8h = _mm256_loadu_si256((const __m256i *) y[t][i].qs + 2 * j + 1);
                for (int r = 0; r < mr; r++) {
                    // the first product starts the sum (vpmaddwd), not a copy of a zero register (vpdpwssd)
                    sumi[r][t] = j == 0 ? _mm256_madd_epi16(sl[r], _mm256_maddubs_epi16(q4l[r], q8l))
                                        : DPWSSD(sumi[r][t], sl[r], _mm256_maddubs_epi16(q4l[r], q8l));
                    sumi[r][t] = DPWSSD(sumi[r][t], sh[r], _mm256_maddubs_epi16(q4h[r], q8h));
                }
            }
        }
        for (int t = 0; t < nr; t++) {
            for (int r = 0; r < mr; r++) {
                const __m256 d = _mm256_permutevar8x32_ps(dv[r], _mm256_set1_epi32(t));
                acc[r][t] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sumi[r][t]), acc[r][t]);
            }
        }
    }
    for (int r = 0; r < mr; r++) for (int t = 0; t < nr; t++) {
        const __m128 am = (t & 1) ? _mm256_extractf128_ps(acc_m[r][t / 2], 1) : _mm256_castps256_ps128(acc_m[r][t / 2]);
        __m128 m = _mm_add_ps(am, _mm_movehl_ps(am, am));
        m = _mm_add_ss(m, _mm_movehdup_ps(m));
        out[t * ostride + r] = hsum_float_8(acc[r][t]) + _mm_cvtss_f32(m);
    }
}
// Q6_K: each super-block of a row unpacked once (6-bit values, scales widened), then met by each of nt vectors.
static inline __attribute__((always_inline)) void tile_q6_K(int n, const block_q6_K *x, const char *y, int64_t y_bytes,
        const int nt, float *out) {
    const int nb = n / QK_K;
    __m256 acc[NR];
    for (int t = 0; t < nt; t++) acc[t] = _mm256_setzero_ps();
    for (int i = 0; i < nb; ++i) {
        const float xd = f16(x[i].d);
        const __m128i scales = _mm_loadu_si128((const __m128i *) x[i].scales);
        const __m256i scales_16 = _mm256_cvtepi8_epi16(scales);
        __m256i w[8], s[8];
        q6_K_half(x + i, 0, w);
        q6_K_half(x + i, 1, w + 4);
        for (int k = 0; k < 8; k++) s[k] = q6_K_run_scales(scales, k);
        for (int t = 0; t < nt; t++) {
            const block_q8_K *yb = (const block_q8_K *) (y + t * y_bytes) + i;
            const float d = yb->d * xd;
            const __m256i q8sums = _mm256_loadu_si256((const __m256i *) yb->bsums);
            const __m256i q8sclsub = _mm256_slli_epi32(_mm256_madd_epi16(q8sums, scales_16), 5);
            const int8_t *q8 = yb->qs;
            __m256i sumi = _mm256_setzero_si256();
            for (int k = 0; k < 8; k++) {
                const __m256i q8k = _mm256_loadu_si256((const __m256i *) q8); q8 += 32;
                sumi = DPWSSD(sumi, s[k], _mm256_maddubs_epi16(w[k], q8k));
            }
            sumi = _mm256_sub_epi32(sumi, q8sclsub);
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc[t]);
        }
    }
    for (int t = 0; t < nt; t++) out[t] = hsum_float_8(acc[t]);
}

// Weight bytes of a row tile: it stays in L2 (1 MB per core on Zen 4, 2 MB on Sapphire Rapids) while every group
// of NR vectors passes over it.
#define TILE_BYTES (256 * 1024)

#define CASES4(call, mrv) \
    switch (nr) { case 4: call(mrv, 4); break; case 3: call(mrv, 3); break; case 2: call(mrv, 2); break; default: call(mrv, 1); }
#define CASES8(call, mrv) \
    switch (nr) { case 8: call(mrv, 8); break; case 7: call(mrv, 7); break; default: CASES6(call, mrv) }
#define CASES6(call, mrv) \
    switch (nr) { case 6: call(mrv, 6); break; case 5: call(mrv, 5); break; default: CASES4(call, mrv) }

// `rows` rows of n weights (`row_bytes` apart) times `vectors` activation vectors (`y_bytes` apart):
// out[v * out_stride + r] = medgemma_dot_rows's result for row r and vector v alone. Returns 0, -1 for a type it
// lacks, -2 when out of memory.
int medgemma_dot_tile(int type, int n, const void *w, int64_t row_bytes, int rows, const void *y, int64_t y_bytes,
        int vectors, float *out, int64_t out_stride) {
    if (type != 8 && type != 12 && type != 14) return -1;
    const int nb = type == 8 ? n / QK8_0 : n / QK_K;
    // the per-vector precomputation, once per call: Q8_0 corrections and scales; Q4_K block-sum pairs and scales
    char *prep = NULL;
    const int stride = vectors + 8;  // 8 vectors of zeros past the last: whole-vector loads stay inside
    q8_0_prep p8 = { NULL, NULL, stride };
    q4_K_prep p4 = { NULL, NULL, stride };
    if (type == 8) {
        const size_t corr_bytes = VNNI ? (size_t) nb * vectors * sizeof(__m256i) : 0;
        prep = aligned_alloc(64, (corr_bytes + (size_t) nb * stride * sizeof(float) + 63) / 64 * 64);
        if (prep == NULL) return -2;
        p8.neg_corr = (__m256i *) prep;
        p8.d = (float *) (prep + corr_bytes);
        memset(p8.d, 0, (size_t) nb * stride * sizeof(float));
        for (int v = 0; v < vectors; v++) prep_q8_0(nb, (const block_q8_0 *) ((const char *) y + v * y_bytes), v, &p8);
    } else if (type == 12) {
        const size_t q8s_bytes = (size_t) nb * p4.stride * sizeof(__m128i);
        prep = calloc(1, q8s_bytes + (size_t) nb * p4.stride * sizeof(float));
        if (prep == NULL) return -2;
        p4.q8s = (__m128i *) prep;
        p4.d = (float *) (prep + q8s_bytes);
        for (int v = 0; v < vectors; v++) prep_q8_K(nb, (const block_q8_K *) ((const char *) y + v * y_bytes), v, &p4);
    }
    const int tile = row_bytes * 8 > TILE_BYTES ? 8 : (int) (TILE_BYTES / row_bytes);
    const int nrmax = type == 8 ? NR8 : type == 12 ? NR4 : NR6;
    for (int r0 = 0; r0 < rows; r0 += tile) {
        const int r1 = r0 + tile < rows ? r0 + tile : rows;
        for (int v0 = 0; v0 < vectors; v0 += nrmax) {
            const int nr = vectors - v0 < nrmax ? vectors - v0 : nrmax;
            const void *yv[NR];
            for (int t = 0; t < nr; t++) yv[t] = (const char *) y + (v0 + t) * y_bytes;
            float *o = out + v0 * out_stride;
            int r = r0;
            if (type == 8) {
#define CALL8(mrv, nrv) block_q8_0_x(nb, (const char *) w + r * row_bytes, row_bytes, mrv, (const block_q8_0 *const *) yv, p8.neg_corr + (VNNI ? (size_t) v0 * nb : 0), p8.d + v0, stride, nrv, o + r, out_stride)
                for (; r + MR8 <= r1; r += MR8) CASES4(CALL8, MR8)
                for (; r < r1; r++) CASES4(CALL8, 1)
            } else if (type == 12) {
#define CALL4(mrv, nrv) block_q4_K_x(nb, (const char *) w + r * row_bytes, row_bytes, mrv, (const block_q8_K *const *) yv, p4.q8s + v0, p4.d + v0, p4.stride, nrv, o + r, out_stride)
                for (; r + MR4 <= r1; r += MR4) CASES6(CALL4, MR4)
                for (; r < r1; r++) CASES6(CALL4, 1)
            } else {
#define CALL6(mrv, nrv) tile_q6_K(n, (const block_q6_K *) ((const char *) w + r * row_bytes), (const char *) yv[0], y_bytes, nrv, res)
                float res[NR];
                for (; r < r1; r++) {
                    CASES8(CALL6, 1)
                    for (int t = 0; t < nr; t++) o[t * out_stride + r] = res[t];
                }
            }
        }
    }
    free(prep);
    return 0;
}

// ---- Attention over an F16 KV cache (the half conversions the Vector API lacks) ----
// The Java attention (org.medgemma4j.model.Attention) keeps the online softmax; these do its two vector loops
// with the same operations in the same order, so the results are the same bit for bit. Rows are a ring of
// `capacity` rows, `row_bytes` apart; position p lives in row p % capacity, its head at byte `head_offset`.
#if defined(__AVX512F__)
// Java's F16Format.dot with 16-lane vectors (ggml_vec_dot_f16 on AVX-512): four accumulators taking every
// fourth 16-value step, folded (0+2)+(1+3), then halves added across 8, 4, 2 and 1 lanes.
static inline float fold_f16_dot(const __m512 a[4]) {
    __m512 v = _mm512_add_ps(_mm512_add_ps(a[0], a[2]), _mm512_add_ps(a[1], a[3]));
    v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0x4E));
    v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0xB1));
    v = _mm512_add_ps(v, _mm512_permute_ps(v, 0x4E));
    v = _mm512_add_ps(v, _mm512_permute_ps(v, 0xB1));
    return _mm512_cvtss_f32(v);
}

static inline float dot_f16_16(const uint16_t *k, const float *q, int n) {
    __m512 a[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    for (int i = 0; i < n; i += 64) {  // n is a multiple of 64; step i / 16 + c goes to accumulator c
        _Pragma("GCC unroll 4") for (int c = 0; c < 4; c++) {
            const __m512 kv = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) (k + i + 16 * c)));
            a[c] = _mm512_fmadd_ps(kv, _mm512_loadu_ps(q + i + 16 * c), a[c]);
        }
    }
    return fold_f16_dot(a);
}

static inline __m512 round_half(__m512 x) {
    return _mm512_cvtph_ps(_mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}
#endif

// scores[p - lo] = the key row of position p (n halves) times q (floats), p in lo..hi, in the order of Java's
// F16Format.dot with 16-lane vectors. Returns 0, or -1 where this build lacks AVX-512 or n is not a multiple of 64.
int medgemma_attn_scores_f16(const void *keys, int64_t row_bytes, int capacity, int64_t head_offset, int lo, int hi,
        const float *q, int n, float *scores) {
#if defined(__AVX512F__)
    if (n % 64 != 0) return -1;
    int p = lo;
    // four keys at a time: each key's dot keeps dot_f16_16's accumulators and order, and the four chains of
    // dependent FMAs overlap (one key at a time, their latency bounded the loop)
    for (; p + 4 <= hi + 1; p += 4) {
        const uint16_t *k[4];
        for (int j = 0; j < 4; j++) {
            k[j] = (const uint16_t *) ((const char *) keys + (int64_t) ((p + j) % capacity) * row_bytes + head_offset);
        }
        __m512 a[4][4];
        for (int j = 0; j < 4; j++) for (int c = 0; c < 4; c++) a[j][c] = _mm512_setzero_ps();
        for (int i = 0; i < n; i += 64) {
            _Pragma("GCC unroll 4") for (int c = 0; c < 4; c++) {
                const __m512 qv = _mm512_loadu_ps(q + i + 16 * c);
                _Pragma("GCC unroll 4") for (int j = 0; j < 4; j++) {
                    a[j][c] = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) (k[j] + i + 16 * c))), qv, a[j][c]);
                }
            }
        }
        for (int j = 0; j < 4; j++) scores[p + j - lo] = fold_f16_dot(a[j]);
    }
    for (; p <= hi; p++) {
        const uint16_t *k = (const uint16_t *) ((const char *) keys + (int64_t) (p % capacity) * row_bytes + head_offset);
        scores[p - lo] = dot_f16_16(k, q, n);
    }
    return 0;
#else
    (void) keys; (void) row_bytes; (void) capacity; (void) head_offset; (void) lo; (void) hi; (void) q; (void) n; (void) scores;
    return -1;
#endif
}

#if defined(__AVX512F__)
// The accumulator of NC 16-lane chunks held in registers across positions instead of stored and reloaded for each
// one (the same operations on the same values).
static inline __attribute__((always_inline)) void values_f16_regs(const void *values, int64_t row_bytes, int capacity,
        int64_t head_offset, int lo, int hi, const float *scale, const float *weight, float *acc, const int nc) {
    __m512 a[16];
    _Pragma("GCC unroll 16") for (int c = 0; c < nc; c++) a[c] = _mm512_loadu_ps(acc + 16 * c);
    for (int p = lo; p <= hi; p++) {
        const uint16_t *v = (const uint16_t *) ((const char *) values + (int64_t) (p % capacity) * row_bytes + head_offset);
        const float ms = scale[p - lo];
        const __m512 vs = _mm512_set1_ps(weight[p - lo]);
        if (ms != 1.0f) {
            const __m512 m = _mm512_set1_ps(ms);
            _Pragma("GCC unroll 16") for (int c = 0; c < nc; c++) a[c] = round_half(_mm512_mul_ps(a[c], m));
        }
        _Pragma("GCC unroll 16") for (int c = 0; c < nc; c++) {
            a[c] = round_half(_mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) (v + 16 * c))), vs, a[c]));
        }
    }
    _Pragma("GCC unroll 16") for (int c = 0; c < nc; c++) _mm512_storeu_ps(acc + 16 * c, a[c]);
}
#endif

// For p in lo..hi: where scale[p - lo] != 1, acc = half(acc * scale); then acc = half(v_p * weight[p - lo] + acc),
// v_p the value row of position p (n halves). acc holds floats that are halves: ggml_vec_scale_f16 and
// ggml_vec_mad_f16 on the f16 accumulator of llama.cpp's CPU flash attention. Returns 0, or -1 as above.
int medgemma_attn_values_f16(const void *values, int64_t row_bytes, int capacity, int64_t head_offset, int lo, int hi,
        const float *scale, const float *weight, float *acc, int n) {
#if defined(__AVX512F__)
    if (n % 16 != 0) return -1;
    switch (n) {  // Gemma 3's head sizes: the accumulator fits in registers
        case 256: values_f16_regs(values, row_bytes, capacity, head_offset, lo, hi, scale, weight, acc, 16); return 0;
        case 128: values_f16_regs(values, row_bytes, capacity, head_offset, lo, hi, scale, weight, acc, 8); return 0;
        case 64: values_f16_regs(values, row_bytes, capacity, head_offset, lo, hi, scale, weight, acc, 4); return 0;
        default: break;
    }
    // other sizes: the accumulator in slices of 256 values, then of 16, each taken over every position in turn
    // (every value's operations are its own, so the results are the same)
    int off = 0;
    for (; off + 256 <= n; off += 256) {
        values_f16_regs(values, row_bytes, capacity, head_offset + 2 * (int64_t) off, lo, hi, scale, weight, acc + off, 16);
    }
    for (; off < n; off += 16) {
        values_f16_regs(values, row_bytes, capacity, head_offset + 2 * (int64_t) off, lo, hi, scale, weight, acc + off, 1);
    }
    return 0;
#else
    (void) values; (void) row_bytes; (void) capacity; (void) head_offset; (void) lo; (void) hi; (void) scale; (void) weight; (void) acc; (void) n;
    return -1;
#endif
}

// The exported entry points: `rows` rows of n weights, `row_bytes` apart, times one activation vector.
// Weight type ids are ggml's (Q8_0 = 8, Q4_K = 12, Q6_K = 14); returns 0, -1 for a type it lacks, -2 when out of
// memory.
int medgemma_dot_rows(int type, int n, const void *w, int64_t row_bytes, int rows, const void *y, float *out) {
    const char *row = (const char *) w;
    switch (type) {
        case 8:
            for (int r = 0; r < rows; r++, row += row_bytes) out[r] = dot_q8_0(n, (const block_q8_0 *) row, (const block_q8_0 *) y);
            return 0;
        case 12:
            return rows_q4_K(n, row, row_bytes, rows, (const block_q8_K *) y, out);
        case 14:
            for (int r = 0; r < rows; r++, row += row_bytes) out[r] = dot_q6_K(n, (const block_q6_K *) row, (const block_q8_K *) y);
            return 0;
        default:
            return -1;
    }
}

// Bumped when the entry points change, so a stale library is refused rather than miscalled.
int medgemma_kernels_version(void) {
    return 3;
}
