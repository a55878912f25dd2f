/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_hash: ns per Toeplitz hash of snic's implementations (single and
 * bulk) against DPDK's rte_softrss and rte_thash_gfni_bulk, on 12-byte IPv4
 * and 36-byte IPv6 tuples, in one run. Each figure is the median of REPS
 * repetitions over TUPLES distinct tuples, hashed in bursts of BURST.
 *
 * Prints a table, then one JSON object on the last line. ratio_* is snic's
 * best time over the peer's: below 1, snic is faster. Never fails on time.
 */
#define ALLOW_EXPERIMENTAL_API 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
/* GCC wrongly warns that DPDK's inline GFNI code reads vectors unset. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <rte_thash.h>

#include "snic/toeplitz.h"

#define TUPLES	  4096
#define BURST	  32
#define REPS	  9
#define TARGET_NS 10000000.0 /* per repetition of one method and size */
#define KEY_LEN	  40
#define LEN_MAX	  36

/* The 82599 datasheet's key. */
static const uint8_t rss_key[KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* One tuple size: the bytes in network order, and as DPDK's host-order words. */
struct tuples {
	size_t len;
	uint8_t bytes[TUPLES][LEN_MAX];
	uint32_t words[TUPLES][LEN_MAX / 4];
	const void *ptr[TUPLES];
	uint8_t *dpdk_ptr[TUPLES];
};

struct ctx {
	struct snic_toeplitz *t;
	uint64_t dpdk_mtrx[KEY_LEN];
};

/* One pass over all tuples; returns the XOR of the hashes. */
typedef uint32_t pass_fn(const struct ctx *c, const struct tuples *s);

static uint32_t xor_burst(const uint32_t *h, unsigned n)
{
	uint32_t x = 0;

	for (unsigned i = 0; i < n; i++)
		x ^= h[i];
	return x;
}

static uint32_t snic_single(const struct ctx *c, const struct tuples *s,
			    enum snic_toeplitz_impl impl)
{
	uint32_t x = 0;

	for (unsigned i = 0; i < TUPLES; i++)
		x ^= snic_toeplitz_with(c->t, impl, s->ptr[i], s->len);
	return x;
}

static uint32_t snic_bulk(const struct ctx *c, const struct tuples *s, enum snic_toeplitz_impl impl)
{
	uint32_t h[BURST], x = 0;

	for (unsigned i = 0; i < TUPLES; i += BURST) {
		snic_toeplitz_bulk_with(c->t, impl, s->ptr + i, s->len, h, BURST);
		x ^= xor_burst(h, BURST);
	}
	return x;
}

static uint32_t snic_ref(const struct ctx *c, const struct tuples *s)
{
	return snic_single(c, s, SNIC_TOEPLITZ_REF);
}

static uint32_t snic_table(const struct ctx *c, const struct tuples *s)
{
	return snic_single(c, s, SNIC_TOEPLITZ_TABLE);
}

static uint32_t snic_table_bulk(const struct ctx *c, const struct tuples *s)
{
	return snic_bulk(c, s, SNIC_TOEPLITZ_TABLE);
}

static uint32_t snic_gfni(const struct ctx *c, const struct tuples *s)
{
	return snic_single(c, s, SNIC_TOEPLITZ_GFNI);
}

static uint32_t snic_gfni_bulk(const struct ctx *c, const struct tuples *s)
{
	return snic_bulk(c, s, SNIC_TOEPLITZ_GFNI);
}

static uint32_t dpdk_softrss(const struct ctx *c, const struct tuples *s)
{
	uint32_t x = 0;

	(void)c;
	for (unsigned i = 0; i < TUPLES; i++)
		x ^= rte_softrss((uint32_t *)s->words[i], (uint32_t)(s->len / 4), rss_key);
	return x;
}

static uint32_t dpdk_gfni(const struct ctx *c, const struct tuples *s)
{
	uint32_t x = 0;

	for (unsigned i = 0; i < TUPLES; i++)
		x ^= rte_thash_gfni(c->dpdk_mtrx, s->dpdk_ptr[i], (int)s->len);
	return x;
}

static uint32_t dpdk_gfni_bulk(const struct ctx *c, const struct tuples *s)
{
	uint32_t h[BURST], x = 0;

	for (unsigned i = 0; i < TUPLES; i += BURST) {
		rte_thash_gfni_bulk(c->dpdk_mtrx, (int)s->len, (uint8_t **)s->dpdk_ptr + i, h,
				    BURST);
		x ^= xor_burst(h, BURST);
	}
	return x;
}

struct method {
	const char *name; /* JSON key prefix */
	const char *label;
	pass_fn *pass;
	enum snic_toeplitz_impl impl; /* what it needs; REF for DPDK's */
	bool snic;
	double ns[2]; /* IPv4, IPv6 */
	uint32_t check[2];
};

static struct method methods[] = {
	{.name = "snic_ref",
	 .label = "snic ref (bitwise)",
	 .pass = snic_ref,
	 .impl = SNIC_TOEPLITZ_REF,
	 .snic = true},
	{.name = "snic_table",
	 .label = "snic table",
	 .pass = snic_table,
	 .impl = SNIC_TOEPLITZ_TABLE,
	 .snic = true},
	{.name = "snic_table_bulk",
	 .label = "snic table, bulk",
	 .pass = snic_table_bulk,
	 .impl = SNIC_TOEPLITZ_TABLE,
	 .snic = true},
	{.name = "snic_gfni",
	 .label = "snic gfni",
	 .pass = snic_gfni,
	 .impl = SNIC_TOEPLITZ_GFNI,
	 .snic = true},
	{.name = "snic_gfni_bulk",
	 .label = "snic gfni, bulk",
	 .pass = snic_gfni_bulk,
	 .impl = SNIC_TOEPLITZ_GFNI,
	 .snic = true},
	{.name = "dpdk_softrss",
	 .label = "dpdk rte_softrss",
	 .pass = dpdk_softrss,
	 .impl = SNIC_TOEPLITZ_REF,
	 .snic = false},
	{.name = "dpdk_gfni",
	 .label = "dpdk rte_thash_gfni",
	 .pass = dpdk_gfni,
	 .impl = SNIC_TOEPLITZ_REF,
	 .snic = false},
	{.name = "dpdk_gfni_bulk",
	 .label = "dpdk rte_thash_gfni_bulk",
	 .pass = dpdk_gfni_bulk,
	 .impl = SNIC_TOEPLITZ_REF,
	 .snic = false},
};

#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

static volatile uint32_t sink;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* DPDK's rows need nothing; snic's need their implementation here. */
static bool runnable(const struct method *m)
{
	return snic_toeplitz_impl_available(m->impl);
}

/* Passes of @m over @s that take about TARGET_NS; records the checksum. */
static unsigned calibrate(struct method *m, const struct ctx *c, const struct tuples *s, unsigned z)
{
	double t0 = now_ns();

	m->check[z] = m->pass(c, s);
	return (unsigned)(TARGET_NS / (now_ns() - t0 + 1)) + 1;
}

/* ns per hash of one repetition. */
static double time_passes(const struct method *m, const struct ctx *c, const struct tuples *s,
			  unsigned passes)
{
	double t0 = now_ns();
	uint32_t x = 0;

	for (unsigned p = 0; p < passes; p++)
		x ^= m->pass(c, s);
	sink ^= x;
	return (now_ns() - t0) / ((double)passes * TUPLES);
}

/*
 * Every method and size once per repetition, so that a noisy neighbour
 * slows all of them alike; each figure is the median of its REPS.
 */
static void measure_all(const struct ctx *c, const struct tuples sets[2])
{
	static double times[NMETHODS][2][REPS];
	static unsigned passes[NMETHODS][2];

	for (unsigned i = 0; i < NMETHODS; i++)
		for (unsigned z = 0; z < 2 && runnable(&methods[i]); z++)
			passes[i][z] = calibrate(&methods[i], c, &sets[z], z);
	for (unsigned r = 0; r < REPS; r++)
		for (unsigned i = 0; i < NMETHODS; i++)
			for (unsigned z = 0; z < 2 && runnable(&methods[i]); z++)
				times[i][z][r] =
					time_passes(&methods[i], c, &sets[z], passes[i][z]);
	for (unsigned i = 0; i < NMETHODS; i++)
		for (unsigned z = 0; z < 2; z++) {
			qsort(times[i][z], REPS, sizeof(double), cmp_double);
			methods[i].ns[z] = times[i][z][REPS / 2];
		}
}

/* splitmix64: distinct pseudo-random tuples, the same every run. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void fill_tuples(struct tuples *s, size_t len, uint64_t seed)
{
	s->len = len;
	for (unsigned i = 0; i < TUPLES; i++) {
		for (size_t j = 0; j < len; j++)
			s->bytes[i][j] = (uint8_t)next_random(&seed);
		for (size_t w = 0; w < len / 4; w++) {
			uint32_t be;

			memcpy(&be, &s->bytes[i][4 * w], 4);
			s->words[i][w] = rte_be_to_cpu_32(be);
		}
		s->ptr[i] = s->bytes[i];
		s->dpdk_ptr[i] = s->bytes[i];
	}
}

static const struct method *snic_best(unsigned size)
{
	const struct method *best = NULL;

	for (unsigned i = 0; i < NMETHODS; i++)
		if (methods[i].snic && runnable(&methods[i]) &&
		    (!best || methods[i].ns[size] < best->ns[size]))
			best = &methods[i];
	return best;
}

static const struct method *find(const char *name)
{
	for (unsigned i = 0; i < NMETHODS; i++)
		if (!strcmp(methods[i].name, name) && runnable(&methods[i]))
			return &methods[i];
	return NULL;
}

static void print_table(void)
{
	const struct method *best[2] = {snic_best(0), snic_best(1)};

	printf("Toeplitz, %d-byte key, %d distinct tuples, bursts of %d, median of %d\n", KEY_LEN,
	       TUPLES, BURST, REPS);
	printf("%-28s %10s %10s %10s %10s\n", "implementation", "ipv4 ns", "ipv6 ns", "ipv4 ratio",
	       "ipv6 ratio");
	for (unsigned i = 0; i < NMETHODS; i++) {
		const struct method *m = &methods[i];

		if (!runnable(m)) {
			printf("%-28s %10s %10s\n", m->label, "n/a", "n/a");
			continue;
		}
		printf("%-28s %10.2f %10.2f %10.2f %10.2f%s\n", m->label, m->ns[0], m->ns[1],
		       best[0]->ns[0] / m->ns[0], best[1]->ns[1] / m->ns[1],
		       m->check[0] != methods[0].check[0] || m->check[1] != methods[0].check[1]
			       ? "  MISMATCH"
			       : "");
	}
	printf("ratio: snic's best (ipv4 %s, ipv6 %s) time over the row's\n", best[0]->label,
	       best[1]->label);
}

/* Every implementation gave the same hashes as snic's reference. */
static bool all_agree(void)
{
	for (unsigned i = 0; i < NMETHODS; i++)
		for (unsigned z = 0; z < 2 && runnable(&methods[i]); z++)
			if (methods[i].check[z] != methods[0].check[z])
				return false;
	return true;
}

static void print_json(void)
{
	static const char *const peers[][2] = {
		{"dpdk_gfni", "dpdk_gfni_bulk"},
		{"dpdk_gfni_single", "dpdk_gfni"},
		{"dpdk_softrss", "dpdk_softrss"},
	};
	const struct method *best[2] = {snic_best(0), snic_best(1)};
	const char *size[2] = {"ipv4", "ipv6"};

	printf("{\"bench\":\"hash\",\"ipv4_ns\":%.3f,\"ipv6_ns\":%.3f,\"best_ipv4\":\"%s\","
	       "\"best_ipv6\":\"%s\"",
	       best[0]->ns[0], best[1]->ns[1], best[0]->name, best[1]->name);
	for (unsigned i = 0; i < NMETHODS; i++)
		for (unsigned z = 0; z < 2 && runnable(&methods[i]); z++)
			printf(",\"%s_%s_ns\":%.3f", methods[i].name, size[z], methods[i].ns[z]);
	for (unsigned p = 0; p < sizeof(peers) / sizeof(peers[0]); p++) {
		const struct method *m = find(peers[p][1]);

		for (unsigned z = 0; z < 2 && m; z++)
			printf(",\"ratio_%s_vs_%s\":%.3f", size[z], peers[p][0],
			       best[z]->ns[z] / m->ns[z]);
	}
	printf(",\"agree\":%s}\n", all_agree() ? "true" : "false");
}

int main(void)
{
	static struct tuples sets[2];
	struct snic_err err;
	struct ctx c;

	if (snic_toeplitz_new(rss_key, KEY_LEN, &c.t, &err) < 0) {
		fprintf(stderr, "bench_hash: %s\n", err.msg);
		return 1;
	}
	rte_thash_complete_matrix(c.dpdk_mtrx, rss_key, KEY_LEN);
	fill_tuples(&sets[0], 12, 1);
	fill_tuples(&sets[1], 36, 2);
	measure_all(&c, sets);
	print_table();
	print_json();
	snic_toeplitz_free(c.t);
	return 0;
}
