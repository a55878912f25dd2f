/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Toeplitz with GFNI and AVX-512 (F, BW, VL, VBMI). Only called after
 * toeplitz.c has checked CPUID.
 *
 * Output byte m (0 = most significant) gets input byte j through the matrix
 * gfni[s], s = j + m. Qword s of the work vectors therefore holds input
 * bytes s-3, s-2, s-1, s in its bytes 0..3; one GF2P8AFFINEQB applies
 * gfni[s] to them, giving their shares of output bytes 3..0, and the XOR of
 * all qwords is the hash as a little-endian dword. VPERMT2B places the
 * bytes; a byte mask drops those before the input's start or past its end.
 *
 * The bulk path puts a second input in bytes 4..7 of each qword, so that no
 * lane idles, and reduces 8 pairs at a time to 16 hashes.
 */
#include <immintrin.h>

#include "toeplitz_impl.h"

/* Qwords per vector; vectors for every s of the longest input. */
#define QW	  8
#define NVEC	  (SNIC_TOEPLITZ_KEY_MAX / QW)
/* The pair path takes inputs that fit one vector. */
#define PAIR_MAX  64
#define PAIR_NVEC ((PAIR_MAX + 3 + QW - 1) / QW)
#define BATCH	  16

/*
 * Byte r of qword s: input offset s - 3 + r % 4, as uint8_t (out of range
 * ones are masked off). For the pair path, bit 6 of bytes 4..7 picks the
 * second input in VPERMT2B.
 */
#define OFS(s, hi)                                                                                 \
	(uint8_t)(((s)-3) | (hi)), (uint8_t)(((s)-2) | (hi)), (uint8_t)(((s)-1) | (hi)),           \
		(uint8_t)((s) | (hi))
#define QW1(s, b)  OFS(s, 0), OFS(s, b)
#define QW2(s, b)  QW1(s, b), QW1((s) + 1, b)
#define QW4(s, b)  QW2(s, b), QW2((s) + 2, b)
#define QW8(s, b)  QW4(s, b), QW4((s) + 4, b)
#define QW16(s, b) QW8(s, b), QW8((s) + 8, b)
#define QW64(s, b) QW16(s, b), QW16((s) + 16, b), QW16((s) + 32, b), QW16((s) + 48, b)

static const uint8_t offsets[NVEC * 64] __attribute__((aligned(64))) = {
	QW64(0, 0),
	QW64(64, 0),
};

static const uint8_t pair_offsets[PAIR_NVEC * 64] __attribute__((aligned(64))) = {
	QW64(0, 0x40),
	QW8(64, 0x40),
};

/* Bytes 0..3 of every qword: the single-input lanes. */
#define LOW_HALVES 0x0f0f0f0f0f0f0f0full

static __m512i offset_vec(unsigned k)
{
	return _mm512_load_si512(&offsets[64 * k]);
}

/* Lanes whose input offset lies in 0..len-1. */
static __mmask64 in_range(__m512i ofs, size_t len)
{
	return _mm512_cmplt_epu8_mask(ofs, _mm512_set1_epi8((char)len));
}

static __mmask64 load_mask(size_t len)
{
	return len >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << len) - 1;
}

static uint32_t hsum(__m512i v)
{
	__m256i y = _mm256_xor_si256(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
	__m128i x = _mm_xor_si128(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));

	x = _mm_xor_si128(x, _mm_unpackhi_epi64(x, x));
	return (uint32_t)_mm_cvtsi128_si32(x);
}

/* Shares of one input through vector k: bytes 0..3 of each qword. */
static __m512i one_vec(const struct snic_toeplitz *t, unsigned k, __m512i lo, __m512i hi,
		       size_t len)
{
	__m512i ofs = offset_vec(k);
	__mmask64 keep = in_range(ofs, len) & LOW_HALVES;
	__m512i x = _mm512_maskz_permutex2var_epi8(keep, lo, ofs, hi);

	return _mm512_gf2p8affine_epi64_epi8(x, _mm512_load_si512(&t->gfni[QW * k]), 0);
}

/* One input: bytes 0..63 in lo, 64.. in hi (offset bit 6 picks hi). */
uint32_t snic_tz_gfni_one(const struct snic_toeplitz *t, const uint8_t *data, size_t len)
{
	unsigned nvec = (unsigned)(len + 3 + QW - 1) / QW;
	__m512i lo, hi = _mm512_setzero_si512();
	__m512i acc;
	unsigned k = 1;

	lo = _mm512_maskz_loadu_epi8(load_mask(len), data);
	if (len > 64)
		hi = _mm512_maskz_loadu_epi8(load_mask(len - 64), data + 64);
	acc = one_vec(t, 0, lo, hi, len);
	for (; k + 2 <= nvec; k += 2)
		acc = _mm512_ternarylogic_epi64(acc, one_vec(t, k, lo, hi, len),
						one_vec(t, k + 1, lo, hi, len), 0x96);
	if (k < nvec)
		acc = _mm512_xor_si512(acc, one_vec(t, k, lo, hi, len));
	return hsum(acc);
}

/* Per vector, the lanes that a bulk call of one length keeps. */
struct pair_plan {
	__mmask64 keep[PAIR_NVEC];
	__mmask64 load;
	unsigned nvec;
};

static void pair_plan_init(struct pair_plan *p, size_t len)
{
	p->nvec = (unsigned)(len + 3 + QW - 1) / QW;
	p->load = load_mask(len);
	for (unsigned k = 0; k < p->nvec; k++)
		p->keep[k] = in_range(offset_vec(k), len);
}

/* Per 128-bit lane: a0 ^ a1, b0 ^ b1. */
static __m512i fold_qwords(__m512i a, __m512i b)
{
	return _mm512_xor_si512(_mm512_unpacklo_epi64(a, b), _mm512_unpackhi_epi64(a, b));
}

/* Lanes 0 ^ 1 of a, of b, then 2 ^ 3 of a, of b. */
static __m512i fold_lanes(__m512i a, __m512i b)
{
	return _mm512_xor_si512(_mm512_shuffle_i64x2(a, b, _MM_SHUFFLE(2, 0, 2, 0)),
				_mm512_shuffle_i64x2(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
}

/* Qword i of the result: the XOR of all qwords of v[i]. */
static __m512i reduce8(const __m512i v[8])
{
	__m512i q01 = fold_qwords(v[0], v[1]), q23 = fold_qwords(v[2], v[3]);
	__m512i q45 = fold_qwords(v[4], v[5]), q67 = fold_qwords(v[6], v[7]);

	return fold_lanes(fold_lanes(q01, q23), fold_lanes(q45, q67));
}

/* Shares of the pair (a, b) through vector k. */
static __m512i pair_vec(const struct snic_toeplitz *t, const struct pair_plan *p, unsigned k,
			__m512i a, __m512i b)
{
	__m512i idx = _mm512_load_si512(&pair_offsets[64 * k]);
	__m512i v = _mm512_maskz_permutex2var_epi8(p->keep[k], a, idx, b);

	return _mm512_gf2p8affine_epi64_epi8(v, _mm512_load_si512(&t->gfni[QW * k]), 0);
}

/* a ^ b ^ c in one instruction. */
static __m512i xor3(__m512i a, __m512i b, __m512i c)
{
	return _mm512_ternarylogic_epi64(a, b, c, 0x96);
}

/*
 * BATCH inputs: load all, then add up the shares, two vectors at a time. The
 * loops over inputs are unrolled so that inputs and sums stay in registers
 * (32 zmm); left rolled, the compiler keeps them on the stack.
 */
static void pair_batch(const struct snic_toeplitz *t, const struct pair_plan *p,
		       const void *const *data, const __mmask64 *load, uint32_t *hashes)
{
	__m512i x[BATCH], acc[BATCH / 2];
	unsigned k;

#pragma GCC unroll 16
	for (unsigned i = 0; i < BATCH; i++)
		x[i] = _mm512_maskz_loadu_epi8(load[i], data[i]);
#pragma GCC unroll 8
	for (unsigned i = 0; i < BATCH / 2; i++)
		acc[i] = _mm512_setzero_si512();
	for (k = 0; k + 2 <= p->nvec; k += 2) {
#pragma GCC unroll 8
		for (unsigned i = 0; i < BATCH / 2; i++)
			acc[i] = xor3(acc[i], pair_vec(t, p, k, x[2 * i], x[2 * i + 1]),
				      pair_vec(t, p, k + 1, x[2 * i], x[2 * i + 1]));
	}
	if (k < p->nvec) {
#pragma GCC unroll 8
		for (unsigned i = 0; i < BATCH / 2; i++)
			acc[i] =
				_mm512_xor_si512(acc[i], pair_vec(t, p, k, x[2 * i], x[2 * i + 1]));
	}
	_mm512_storeu_si512(hashes, reduce8(acc));
}

/* The load masks of a batch: each input's own length, or the plan's. */
static void batch_loads(const struct pair_plan *p, const uint8_t *lens, unsigned n, __mmask64 *load)
{
	for (unsigned j = 0; j < n; j++)
		load[j] = lens ? load_mask(lens[j]) : p->load;
	for (unsigned j = n; j < BATCH; j++)
		load[j] = 0;
}

void snic_tz_gfni_bulk(const struct snic_toeplitz *t, const void *const *data, size_t len,
		       const uint8_t *lens, uint32_t *hashes, unsigned n)
{
	static const uint8_t zero[PAIR_MAX];
	const void *rest[BATCH];
	__mmask64 load[BATCH];
	uint32_t out[BATCH];
	struct pair_plan plan;
	unsigned i = 0;

	if (len > PAIR_MAX) {
		for (; i < n; i++)
			hashes[i] = snic_tz_gfni_one(t, data[i], lens ? lens[i] : len);
		return;
	}
	pair_plan_init(&plan, len);
	for (; i + BATCH <= n; i += BATCH) {
		batch_loads(&plan, lens ? lens + i : NULL, BATCH, load);
		pair_batch(t, &plan, data + i, load, hashes + i);
	}
	if (i == n)
		return;
	for (unsigned j = 0; j < BATCH; j++)
		rest[j] = i + j < n ? data[i + j] : zero;
	batch_loads(&plan, lens ? lens + i : NULL, n - i, load);
	pair_batch(t, &plan, rest, load, out);
	for (unsigned j = 0; i + j < n; j++)
		hashes[i + j] = out[j];
}
