/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Toeplitz hash: the bitwise reference, the byte table, the prepared key and
 * the choice of implementation (toeplitz_gfni.c holds the SIMD path).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "snic/toeplitz.h"
#include "toeplitz_impl.h"

static unsigned bit_at(const uint8_t *p, size_t i)
{
	return (p[i / 8] >> (7 - i % 8)) & 1;
}

uint32_t snic_toeplitz_ref(const uint8_t *key, size_t key_len, const void *data, size_t len)
{
	const uint8_t *in = data;
	uint32_t window = 0;
	uint32_t hash = 0;
	size_t i;

	if (key_len < 4 || len > key_len - 4)
		return 0;
	/* The 32 key bits starting at bit i, slid one bit per input bit. */
	for (i = 0; i < 32; i++)
		window = window << 1 | bit_at(key, i);
	for (i = 0; i < len * 8; i++) {
		if (bit_at(in, i))
			hash ^= window;
		window = window << 1 | bit_at(key, i + 32);
	}
	return hash;
}

static uint32_t ref_one(const struct snic_toeplitz *t, const uint8_t *data, size_t len)
{
	return snic_toeplitz_ref(t->key, t->key_len, data, len);
}

static void ref_bulk(const struct snic_toeplitz *t, const void *const *data, size_t len,
		     const uint8_t *lens, uint32_t *hashes, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		hashes[i] = ref_one(t, data[i], lens ? lens[i] : len);
}

/* Four independent chains, so that table loads overlap. */
static uint32_t table_one(const struct snic_toeplitz *t, const uint8_t *in, size_t len)
{
	const uint32_t *row = t->table[0];
	const uint8_t *end = in + len;
	uint32_t h0 = 0, h1 = 0, h2 = 0, h3 = 0;

	for (; end - in >= 4; in += 4, row += 4 * 256) {
		h0 ^= row[in[0]];
		h1 ^= row[256 + in[1]];
		h2 ^= row[512 + in[2]];
		h3 ^= row[768 + in[3]];
	}
	for (; in < end; in++, row += 256)
		h0 ^= row[in[0]];
	return h0 ^ h1 ^ h2 ^ h3;
}

/* Two inputs at a time: twice the independent loads in flight. */
static void table_pair(const struct snic_toeplitz *t, const uint8_t *a, const uint8_t *b,
		       size_t len, uint32_t *hashes)
{
	const uint32_t *row = t->table[0];
	uint32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
	size_t j = 0;

	for (; j + 2 <= len; j += 2, row += 2 * 256) {
		a0 ^= row[a[j]];
		b0 ^= row[b[j]];
		a1 ^= row[256 + a[j + 1]];
		b1 ^= row[256 + b[j + 1]];
	}
	if (j < len) {
		a0 ^= row[a[j]];
		b0 ^= row[b[j]];
	}
	hashes[0] = a0 ^ a1;
	hashes[1] = b0 ^ b1;
}

/* Pairs of one length go two at a time. */
static void table_bulk(const struct snic_toeplitz *t, const void *const *data, size_t len,
		       const uint8_t *lens, uint32_t *hashes, unsigned n)
{
	unsigned i = 0;

	for (; i + 2 <= n; i += 2) {
		size_t la = lens ? lens[i] : len, lb = lens ? lens[i + 1] : len;

		if (la == lb) {
			table_pair(t, data[i], data[i + 1], la, hashes + i);
		} else {
			hashes[i] = table_one(t, data[i], la);
			hashes[i + 1] = table_one(t, data[i + 1], lb);
		}
	}
	if (i < n)
		hashes[i] = table_one(t, data[i], lens ? lens[i] : len);
}

struct impl_ops {
	const char *name;
	snic_tz_one_fn *one;
	snic_tz_bulk_fn *bulk;
};

static const struct impl_ops impls[SNIC_TOEPLITZ_IMPL_COUNT] = {
	[SNIC_TOEPLITZ_REF] = {"ref", ref_one, ref_bulk},
	[SNIC_TOEPLITZ_TABLE] = {"table", table_one, table_bulk},
#ifdef SNIC_HAVE_GFNI
	[SNIC_TOEPLITZ_GFNI] = {"gfni", snic_tz_gfni_one, snic_tz_gfni_bulk},
#else
	[SNIC_TOEPLITZ_GFNI] = {"gfni", NULL, NULL},
#endif
};

static bool cpu_probe_gfni(void)
{
#ifdef SNIC_HAVE_GFNI
	__builtin_cpu_init();
	return __builtin_cpu_supports("gfni") && __builtin_cpu_supports("avx512f") &&
	       __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
	       __builtin_cpu_supports("avx512vbmi");
#else
	return false;
#endif
}

/* CPUID once; racing first callers store the same answer. */
static bool cpu_has_gfni(void)
{
	static _Atomic int known = -1;
	int has = atomic_load_explicit(&known, memory_order_relaxed);

	if (has < 0) {
		has = cpu_probe_gfni();
		atomic_store_explicit(&known, has, memory_order_relaxed);
	}
	return has;
}

const char *snic_toeplitz_impl_name(enum snic_toeplitz_impl impl)
{
	if ((unsigned)impl >= SNIC_TOEPLITZ_IMPL_COUNT)
		return "unknown";
	return impls[impl].name;
}

bool snic_toeplitz_impl_available(enum snic_toeplitz_impl impl)
{
	switch (impl) {
	case SNIC_TOEPLITZ_REF:
	case SNIC_TOEPLITZ_TABLE:
		return true;
	case SNIC_TOEPLITZ_GFNI:
		return impls[impl].one && cpu_has_gfni();
	default:
		return false;
	}
}

enum snic_toeplitz_impl snic_toeplitz_impl_best(void)
{
	if (snic_toeplitz_impl_available(SNIC_TOEPLITZ_GFNI))
		return SNIC_TOEPLITZ_GFNI;
	return SNIC_TOEPLITZ_TABLE;
}

/* An unavailable or unknown choice falls back to the table. */
static const struct impl_ops *impl_ops(const struct snic_toeplitz *t, enum snic_toeplitz_impl impl)
{
	if ((unsigned)impl >= SNIC_TOEPLITZ_IMPL_COUNT || !t->usable[impl])
		impl = SNIC_TOEPLITZ_TABLE;
	return &impls[impl];
}

/* The 32 key bits starting at bit 8 * j + b. */
static uint32_t key_window(const uint8_t *key, size_t j, unsigned b)
{
	uint64_t w = (uint64_t)key[j] << 32 | (uint64_t)key[j + 1] << 24 |
		     (uint64_t)key[j + 2] << 16 | (uint64_t)key[j + 3] << 8 | key[j + 4];

	return (uint32_t)(w >> (8 - b));
}

static void fill_table(uint32_t row[256], const uint8_t *key, size_t j)
{
	row[0] = 0;
	for (unsigned v = 1; v < 256; v++) {
		unsigned low = v & -v;

		row[v] = row[v ^ low] ^ key_window(key, j, 7 - __builtin_ctz(low));
	}
}

/*
 * Row i of the matrix (byte 7 - i) gives output bit i: the key bits
 * 8 * s + 7 - i .. 8 * s + 14 - i, input bit 7 - b meeting key bit
 * 8 * s + b + 7 - i.
 */
static uint64_t gfni_matrix(const uint8_t *key, size_t s)
{
	unsigned w = (unsigned)key[s] << 8 | key[s + 1];
	uint64_t m = 0;

	for (unsigned i = 0; i < 8; i++)
		m |= (uint64_t)((w >> (i + 1)) & 0xff) << (8 * (7 - i));
	return m;
}

static void prepare(struct snic_toeplitz *t, const uint8_t *key, size_t key_len)
{
	const struct impl_ops *best = &impls[snic_toeplitz_impl_best()];

	memcpy(t->key, key, key_len);
	t->key_len = key_len;
	t->max_input = key_len - 4;
	for (size_t s = 0; s + 1 < key_len; s++)
		t->gfni[s] = gfni_matrix(key, s);
	for (size_t j = 0; j < t->max_input; j++)
		fill_table(t->table[j], key, j);
	t->one = best->one;
	t->bulk = best->bulk;
	for (unsigned i = 0; i < SNIC_TOEPLITZ_IMPL_COUNT; i++)
		t->usable[i] = snic_toeplitz_impl_available(i);
}

int snic_toeplitz_new(const uint8_t *key, size_t key_len, struct snic_toeplitz **out,
		      struct snic_err *err)
{
	struct snic_toeplitz *t;
	size_t size;

	if (!key || key_len < 4 || key_len > SNIC_TOEPLITZ_KEY_MAX)
		return snic_errf(err, -EINVAL, "toeplitz key of %zu bytes: must be 4..%d", key_len,
				 SNIC_TOEPLITZ_KEY_MAX);
	size = sizeof(*t) + (key_len - 4) * sizeof(t->table[0]);
	size = (size + 63) & ~(size_t)63;
	t = aligned_alloc(64, size);
	if (!t)
		return snic_errf(err, -ENOMEM, "toeplitz key: out of memory");
	memset(t, 0, size);
	prepare(t, key, key_len);
	*out = t;
	return 0;
}

void snic_toeplitz_free(struct snic_toeplitz *t)
{
	free(t);
}

size_t snic_toeplitz_max_input(const struct snic_toeplitz *t)
{
	return t->max_input;
}

uint32_t snic_toeplitz(const struct snic_toeplitz *t, const void *data, size_t len)
{
	if (len > t->max_input)
		return 0;
	return t->one(t, data, len);
}

void snic_toeplitz_bulk(const struct snic_toeplitz *t, const void *const *data, size_t len,
			uint32_t *hashes, unsigned n)
{
	if (len > t->max_input) {
		memset(hashes, 0, n * sizeof(*hashes));
		return;
	}
	t->bulk(t, data, len, NULL, hashes, n);
}

/* The longest of @lens; 0 when one is longer than @t hashes. */
static size_t lens_max(const struct snic_toeplitz *t, const uint8_t *lens, unsigned n)
{
	size_t l = 0;

	for (unsigned i = 0; i < n; i++)
		l = lens[i] > l ? lens[i] : l;
	return l > t->max_input ? 0 : l;
}

/* An input longer than the key covers hashes to 0, as in snic_toeplitz(). */
static void bulk_lens(const struct snic_toeplitz *t, const struct impl_ops *ops,
		      const void *const *data, const uint8_t *lens, uint32_t *hashes, unsigned n)
{
	size_t l = lens_max(t, lens, n);

	if (l) {
		ops->bulk(t, data, l, lens, hashes, n);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		hashes[i] = lens[i] && lens[i] <= t->max_input ? ops->one(t, data[i], lens[i]) : 0;
}

uint32_t snic_toeplitz_with(const struct snic_toeplitz *t, enum snic_toeplitz_impl impl,
			    const void *data, size_t len)
{
	if (len > t->max_input)
		return 0;
	return impl_ops(t, impl)->one(t, data, len);
}

void snic_toeplitz_bulk_with(const struct snic_toeplitz *t, enum snic_toeplitz_impl impl,
			     const void *const *data, size_t len, uint32_t *hashes, unsigned n)
{
	if (len > t->max_input) {
		memset(hashes, 0, n * sizeof(*hashes));
		return;
	}
	impl_ops(t, impl)->bulk(t, data, len, NULL, hashes, n);
}

void snic_toeplitz_bulk_lens(const struct snic_toeplitz *t, const void *const *data,
			     const uint8_t *lens, uint32_t *hashes, unsigned n)
{
	bulk_lens(t, &(struct impl_ops){NULL, t->one, t->bulk}, data, lens, hashes, n);
}

void snic_toeplitz_bulk_lens_with(const struct snic_toeplitz *t, enum snic_toeplitz_impl impl,
				  const void *const *data, const uint8_t *lens, uint32_t *hashes,
				  unsigned n)
{
	bulk_lens(t, impl_ops(t, impl), data, lens, hashes, n);
}
