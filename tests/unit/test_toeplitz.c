/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Toeplitz: every implementation against the 82599 verification suite
 * (tests/data/toeplitz-82599.tsv, read at run time) and against the bitwise
 * reference on random keys and inputs of random lengths, single and bulk.
 *
 * SNIC_TOEPLITZ_RANDOM sets the number of random inputs (default 1000000).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "snic/toeplitz.h"

#define RANDOM_DEFAULT 1000000
#define BULK_MAX       70

/* xorshift64*: fixed seed, so a failure repeats. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng() % n);
}

static void rng_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

/* The implementations this build and CPU can run. */
#define FOR_EACH_IMPL(impl)                                                                        \
	for (enum snic_toeplitz_impl impl = 0; impl < SNIC_TOEPLITZ_IMPL_COUNT; impl++)            \
		if (snic_toeplitz_impl_available(impl))

static struct snic_toeplitz *make(const uint8_t *key, size_t key_len)
{
	struct snic_toeplitz *t = NULL;
	struct snic_err err = {0};
	int rc = snic_toeplitz_new(key, key_len, &t, &err);

	cr_assert_eq(rc, 0, "snic_toeplitz_new(%zu bytes): %d %s", key_len, rc, err.msg);
	return t;
}

/* Every implementation, single and bulk (n copies), must give @want. */
static void check_all(const struct snic_toeplitz *t, const uint8_t *in, size_t len, uint32_t want,
		      const char *what)
{
	const void *ptrs[BULK_MAX];
	uint32_t got[BULK_MAX];
	unsigned n = BULK_MAX;

	for (unsigned i = 0; i < n; i++)
		ptrs[i] = in;
	cr_assert_eq(snic_toeplitz(t, in, len), want, "%s: best 0x%08x, want 0x%08x", what,
		     snic_toeplitz(t, in, len), want);
	FOR_EACH_IMPL(impl)
	{
		uint32_t h = snic_toeplitz_with(t, impl, in, len);

		cr_assert_eq(h, want, "%s: %s 0x%08x, want 0x%08x", what,
			     snic_toeplitz_impl_name(impl), h, want);
		snic_toeplitz_bulk_with(t, impl, ptrs, len, got, n);
		for (unsigned i = 0; i < n; i++)
			cr_assert_eq(got[i], want, "%s: %s bulk[%u] 0x%08x, want 0x%08x", what,
				     snic_toeplitz_impl_name(impl), i, got[i], want);
	}
}

/* The suite's file: its key line, then one flow per line. */
struct suite {
	uint8_t key[SNIC_TOEPLITZ_KEY_MAX];
	size_t key_len;
	unsigned flows;
};

static FILE *open_suite(void)
{
	const char *dir = getenv("SNIC_TESTDATA");
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/toeplitz-82599.tsv", dir ? dir : "tests/data");
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s (set SNIC_TESTDATA)", path, strerror(errno));
	return f;
}

static void parse_key(struct suite *s, const char *line)
{
	const char *p = strstr(line, "): ");

	cr_assert_not_null(p, "key line: %s", line);
	for (p += 3; s->key_len < sizeof(s->key); p += 2) {
		unsigned byte;

		if (sscanf(p, "%2x", &byte) != 1)
			break;
		s->key[s->key_len++] = (uint8_t)byte;
	}
	cr_assert_eq(s->key_len, 40, "key line: %s", line);
}

/* Address pair then ports, network order: the l4 input; its prefix is l3. */
static size_t flow_input(const char *fam, const char *src, const char *dst, unsigned sport,
			 unsigned dport, uint8_t *in, size_t *l3_len)
{
	int af = strcmp(fam, "ipv6") == 0 ? AF_INET6 : AF_INET;
	size_t alen = af == AF_INET6 ? 16 : 4;

	cr_assert_eq(inet_pton(af, src, in), 1, "bad address %s", src);
	cr_assert_eq(inet_pton(af, dst, in + alen), 1, "bad address %s", dst);
	in[2 * alen] = (uint8_t)(sport >> 8);
	in[2 * alen + 1] = (uint8_t)sport;
	in[2 * alen + 2] = (uint8_t)(dport >> 8);
	in[2 * alen + 3] = (uint8_t)dport;
	*l3_len = 2 * alen;
	return 2 * alen + 4;
}

static void check_flow(struct suite *s, const struct snic_toeplitz *t, const char *line)
{
	char fam[8], src[64], dst[64], what[256];
	unsigned sport, dport, l4, l3;
	uint8_t in[36];
	size_t l3_len, l4_len;

	cr_assert_eq(
		sscanf(line, "%7s %63s %63s %u %u %x %x", fam, src, dst, &sport, &dport, &l4, &l3),
		7, "bad line: %s", line);
	l4_len = flow_input(fam, src, dst, sport, dport, in, &l3_len);
	snprintf(what, sizeof(what), "%s %s %u %u l4", src, dst, sport, dport);
	cr_assert_eq(snic_toeplitz_ref(s->key, s->key_len, in, l4_len), l4, "%s: ref", what);
	check_all(t, in, l4_len, l4, what);
	snprintf(what, sizeof(what), "%s %s l3", src, dst);
	cr_assert_eq(snic_toeplitz_ref(s->key, s->key_len, in, l3_len), l3, "%s: ref", what);
	check_all(t, in, l3_len, l3, what);
	s->flows++;
}

Test(toeplitz, verification_suite_82599)
{
	struct suite s = {0};
	struct snic_toeplitz *t = NULL;
	char line[512];
	FILE *f = open_suite();

	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "# Key")) {
			parse_key(&s, line);
			t = make(s.key, s.key_len);
		} else if (line[0] != '#' && strncmp(line, "family", 6) != 0 && line[0] != '\n') {
			cr_assert_not_null(t, "flow before the key line");
			check_flow(&s, t, line);
		}
	}
	fclose(f);
	cr_assert_geq(s.flows, 8, "only %u flows in the suite", s.flows);
	snic_toeplitz_free(t);
}

Test(toeplitz, key_lengths)
{
	uint8_t key[SNIC_TOEPLITZ_KEY_MAX + 1] = {0};
	struct snic_toeplitz *t = NULL;
	struct snic_err err = {0};

	cr_assert_eq(snic_toeplitz_new(key, 3, &t, &err), -EINVAL);
	cr_assert_not_null(strstr(err.msg, "3"), "message: %s", err.msg);
	cr_assert_eq(snic_toeplitz_new(key, SNIC_TOEPLITZ_KEY_MAX + 1, &t, NULL), -EINVAL);
	cr_assert_eq(snic_toeplitz_new(NULL, 40, &t, NULL), -EINVAL);

	t = make(key, 4);
	cr_assert_eq(snic_toeplitz_max_input(t), 0);
	cr_assert_eq(snic_toeplitz(t, key, 0), 0);
	snic_toeplitz_free(t);

	t = make(key, SNIC_TOEPLITZ_KEY_MAX);
	cr_assert_eq(snic_toeplitz_max_input(t), SNIC_TOEPLITZ_KEY_MAX - 4);
	snic_toeplitz_free(t);
	snic_toeplitz_free(NULL);
}

/* One input too long for the key hashes to 0, as the reference says. */
Test(toeplitz, input_too_long)
{
	uint8_t key[40], in[40];
	const void *ptrs[3] = {in, in, in};
	uint32_t got[3] = {1, 1, 1};
	struct snic_toeplitz *t;

	rng_fill(key, sizeof(key));
	rng_fill(in, sizeof(in));
	t = make(key, sizeof(key));
	cr_assert_eq(snic_toeplitz_ref(key, sizeof(key), in, 37), 0);
	cr_assert_neq(snic_toeplitz_ref(key, sizeof(key), in, 36), 0);
	FOR_EACH_IMPL(impl)
	{
		cr_assert_eq(snic_toeplitz_with(t, impl, in, 37), 0);
		snic_toeplitz_bulk_with(t, impl, ptrs, 37, got, 3);
		cr_assert(got[0] == 0 && got[1] == 0 && got[2] == 0);
	}
	snic_toeplitz_free(t);
}

Test(toeplitz, impl_names)
{
	cr_assert_str_eq(snic_toeplitz_impl_name(SNIC_TOEPLITZ_REF), "ref");
	cr_assert_str_eq(snic_toeplitz_impl_name(SNIC_TOEPLITZ_TABLE), "table");
	cr_assert_str_eq(snic_toeplitz_impl_name(SNIC_TOEPLITZ_GFNI), "gfni");
	cr_assert_str_eq(snic_toeplitz_impl_name(SNIC_TOEPLITZ_IMPL_COUNT), "unknown");
	cr_assert(snic_toeplitz_impl_available(SNIC_TOEPLITZ_REF));
	cr_assert(snic_toeplitz_impl_available(SNIC_TOEPLITZ_TABLE));
	cr_assert_not(snic_toeplitz_impl_available(SNIC_TOEPLITZ_IMPL_COUNT));
	cr_assert(snic_toeplitz_impl_available(snic_toeplitz_impl_best()));
	cr_assert_neq(snic_toeplitz_impl_best(), SNIC_TOEPLITZ_REF);
	cr_log_info("toeplitz: best implementation here: %s",
		    snic_toeplitz_impl_name(snic_toeplitz_impl_best()));
}

/* A page of random bytes followed by one that can't be read. */
static uint8_t *guarded_page(long page)
{
	uint8_t *map =
		mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(map, MAP_FAILED);
	cr_assert_eq(mprotect(map + page, page, PROT_NONE), 0);
	rng_fill(map, page);
	return map;
}

/* Inputs that end where an unreadable page begins: no path reads past them. */
Test(toeplitz, no_read_past_input)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t key[SNIC_TOEPLITZ_KEY_MAX];
	const void *ptrs[BULK_MAX];
	uint32_t got[BULK_MAX];
	struct snic_toeplitz *t;
	uint8_t *map;

	map = guarded_page(page);
	rng_fill(key, sizeof(key));
	t = make(key, sizeof(key));
	for (size_t len = 0; len <= snic_toeplitz_max_input(t); len++) {
		const uint8_t *in = map + page - len;
		uint32_t want = snic_toeplitz_ref(key, sizeof(key), in, len);

		for (unsigned i = 0; i < BULK_MAX; i++)
			ptrs[i] = map + page - len;
		FOR_EACH_IMPL(impl)
		{
			cr_assert_eq(snic_toeplitz_with(t, impl, in, len), want, "len %zu %s", len,
				     snic_toeplitz_impl_name(impl));
			snic_toeplitz_bulk_with(t, impl, ptrs, len, got, BULK_MAX);
			for (unsigned i = 0; i < BULK_MAX; i++)
				cr_assert_eq(got[i], want, "len %zu %s bulk", len,
					     snic_toeplitz_impl_name(impl));
		}
	}
	snic_toeplitz_free(t);
	munmap(map, 2 * page);
}

/* Inputs of mixed lengths, each ending where an unreadable page begins,
 * hashed in one call: each gets its own length's hash, from every path
 * and through the best one. */
Test(toeplitz, bulk_of_mixed_lengths_reads_each_input_alone)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t key[SNIC_TOEPLITZ_KEY_MAX], lens[BULK_MAX];
	const void *ptrs[BULK_MAX];
	uint32_t got[BULK_MAX], want[BULK_MAX];
	struct snic_toeplitz *t;
	uint8_t *map;

	map = guarded_page(page);
	rng_fill(key, sizeof(key));
	t = make(key, sizeof(key));
	for (unsigned round = 0; round < 200; round++) {
		unsigned n = 1 + round % BULK_MAX;

		rng_fill(lens, n);
		for (unsigned i = 0; i < n; i++) {
			lens[i] %= (uint8_t)(snic_toeplitz_max_input(t) + 1);
			ptrs[i] = map + page - lens[i];
			want[i] = snic_toeplitz_ref(key, sizeof(key), ptrs[i], lens[i]);
		}
		FOR_EACH_IMPL(impl)
		{
			snic_toeplitz_bulk_lens_with(t, impl, ptrs, lens, got, n);
			for (unsigned i = 0; i < n; i++)
				cr_assert_eq(got[i], want[i], "round %u %s input %u of %u bytes",
					     round, snic_toeplitz_impl_name(impl), i, lens[i]);
		}
		snic_toeplitz_bulk_lens(t, ptrs, lens, got, n);
		for (unsigned i = 0; i < n; i++)
			cr_assert_eq(got[i], want[i], "round %u best input %u", round, i);
	}
	snic_toeplitz_free(t);
	munmap(map, 2 * page);
}

/* A batch of n random inputs of one length: each path, single and bulk. */
struct batch {
	const uint8_t *key;
	size_t key_len, len;
	unsigned n;
	const void *in[BULK_MAX];
	uint32_t want[BULK_MAX];
};

static void batch_fail(const struct batch *b, enum snic_toeplitz_impl impl, const char *how,
		       unsigned i, uint32_t got)
{
	cr_assert_fail("%s %s: key_len %zu len %zu n %u input %u: 0x%08x, want 0x%08x",
		       snic_toeplitz_impl_name(impl), how, b->key_len, b->len, b->n, i, got,
		       b->want[i]);
}

static void check_batch(const struct snic_toeplitz *t, const struct batch *b)
{
	uint32_t got[BULK_MAX + 1];

	FOR_EACH_IMPL(impl)
	{
		for (unsigned i = 0; i < b->n; i++) {
			uint32_t h = snic_toeplitz_with(t, impl, b->in[i], b->len);

			if (h != b->want[i])
				batch_fail(b, impl, "single", i, h);
		}
		got[b->n] = 0xdeadbeef;
		snic_toeplitz_bulk_with(t, impl, b->in, b->len, got, b->n);
		for (unsigned i = 0; i < b->n; i++)
			if (got[i] != b->want[i])
				batch_fail(b, impl, "bulk", i, got[i]);
		cr_assert_eq(got[b->n], 0xdeadbeef, "%s bulk wrote past n = %u",
			     snic_toeplitz_impl_name(impl), b->n);
	}
	for (unsigned i = 0; i < b->n; i++) {
		uint32_t h = snic_toeplitz(t, b->in[i], b->len);

		if (h != b->want[i])
			batch_fail(b, snic_toeplitz_impl_best(), "dispatched single", i, h);
	}
	snic_toeplitz_bulk(t, b->in, b->len, got, b->n);
	for (unsigned i = 0; i < b->n; i++)
		if (got[i] != b->want[i])
			batch_fail(b, snic_toeplitz_impl_best(), "dispatched bulk", i, got[i]);
}

/* Mostly short bursts around the SIMD widths, sometimes 0, 1 or long ones. */
static unsigned batch_size(void)
{
	switch (rng_below(8)) {
	case 0:
		return rng_below(3);
	case 1:
		return BULK_MAX - rng_below(8);
	default:
		return rng_below(40);
	}
}

/* Fill @b with random inputs at random offsets of @buf, and the reference. */
static void random_batch(struct batch *b, uint8_t *buf, size_t max)
{
	b->len = rng_below(4) ? rng_below((unsigned)max + 1) : (rng_below(2) ? 12 : 36) % (max + 1);
	b->n = batch_size();
	for (unsigned i = 0; i < b->n; i++) {
		uint8_t *p = buf + i * (SNIC_TOEPLITZ_KEY_MAX + 8) + rng_below(8);

		rng_fill(p, b->len);
		b->in[i] = p;
		b->want[i] = snic_toeplitz_ref(b->key, b->key_len, p, b->len);
	}
}

static unsigned long random_count(void)
{
	const char *s = getenv("SNIC_TOEPLITZ_RANDOM");

	return s && *s ? strtoul(s, NULL, 0) : RANDOM_DEFAULT;
}

Test(toeplitz, random_against_reference, .timeout = 600)
{
	static uint8_t buf[BULK_MAX * (SNIC_TOEPLITZ_KEY_MAX + 8)];
	unsigned long want = random_count(), done = 0;
	uint8_t key[SNIC_TOEPLITZ_KEY_MAX];
	struct batch b = {.key = key};

	while (done < want) {
		struct snic_toeplitz *t;

		b.key_len = rng_below(8) ? 4 + rng_below(SNIC_TOEPLITZ_KEY_MAX - 3)
					 : (rng_below(2) ? 40 : 52);
		rng_fill(key, b.key_len);
		t = make(key, b.key_len);
		for (unsigned round = 0; round < 32; round++) {
			random_batch(&b, buf, snic_toeplitz_max_input(t));
			check_batch(t, &b);
			done += b.n;
		}
		snic_toeplitz_free(t);
	}
	cr_log_info("toeplitz: %lu random inputs agree with the reference", done);
}

/* An unknown implementation number falls back to the table, not a crash. */
Test(toeplitz, unknown_impl_falls_back)
{
	uint8_t key[40], in[36];
	const void *ptrs[1] = {in};
	uint32_t got = 0, want;
	struct snic_toeplitz *t;

	rng_fill(key, sizeof(key));
	rng_fill(in, sizeof(in));
	t = make(key, sizeof(key));
	want = snic_toeplitz_ref(key, sizeof(key), in, sizeof(in));
	cr_assert_eq(snic_toeplitz_with(t, SNIC_TOEPLITZ_IMPL_COUNT, in, sizeof(in)), want);
	snic_toeplitz_bulk_with(t, SNIC_TOEPLITZ_IMPL_COUNT, ptrs, sizeof(in), &got, 1);
	cr_assert_eq(got, want);
	snic_toeplitz_free(t);
}
