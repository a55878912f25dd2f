/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RSS engine: known answers (82599 vectors through the whole engine,
 * E810 simple-XOR values, CRC-32/MPEG-2), the symmetric functions'
 * symmetry, the fast path against its reference twin on random packets
 * and confs, field selection, fragments, tunnels, the TEID, the RETA
 * builders, the checks and the names.
 *
 * Most packets are struct snic_pkt values filled by hand, so those tests do
 * not depend on the parser; the "e2e" tests at the end craft real frames,
 * parse them and hash them.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/craft.h"
#include "snic/parse.h"
#include "snic/rss.h"
#include "snic/toeplitz.h"

#define RXH_ALL	  0xfeu
#define RXH_SD	  (SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST)
#define RXH_FN	  (SNIC_RXH_L4_B_0_1 | SNIC_RXH_L4_B_2_3)
#define RXH_SDFN  (RXH_SD | RXH_FN)
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_SCT 132

/* The 82599 datasheet / Microsoft verification key. */
static const uint8_t key_82599[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* ---- helpers ---------------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint32_t rnd(struct rng *g)
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return (uint32_t)(g->s >> 16);
}

static void rnd_bytes(struct rng *g, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd(g);
}

static bool is_l4(uint8_t proto)
{
	return proto == PROTO_TCP || proto == PROTO_UDP || proto == PROTO_SCT;
}

static void hdr_none(struct snic_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->l2_off = SNIC_OFF_NONE;
	h->l3_off = SNIC_OFF_NONE;
	h->l4_off = SNIC_OFF_NONE;
	h->l3_end = SNIC_OFF_NONE;
}

/* An Ethernet + IP (+ L4 for TCP/UDP/SCTP) level. */
static void hdr_ip(struct snic_hdr *h, const char *src, const char *dst, uint8_t proto,
		   uint16_t sport, uint16_t dport)
{
	bool v6 = strchr(src, ':') != NULL;

	hdr_none(h);
	h->l2_off = 0;
	h->l3_off = 14;
	h->l3 = v6 ? SNIC_L3_IPV6 : SNIC_L3_IPV4;
	h->ethertype = v6 ? 0x86dd : 0x0800;
	h->l4_proto = proto;
	cr_assert_eq(inet_pton(v6 ? AF_INET6 : AF_INET, src, h->ip_src), 1, "%s", src);
	cr_assert_eq(inet_pton(v6 ? AF_INET6 : AF_INET, dst, h->ip_dst), 1, "%s", dst);
	memcpy(h->dmac, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(h->smac, "\x02\x00\x00\x00\x00\x02", 6);
	if (!is_l4(proto))
		return;
	h->l4_off = (uint16_t)(h->l3_off + (v6 ? 40 : 20));
	h->flags |= SNIC_HF_L4 | SNIC_HF_L4_FULL;
	h->sport = sport;
	h->dport = dport;
}

static void pkt_ip(struct snic_pkt *p, const char *src, const char *dst, uint8_t proto,
		   uint16_t sport, uint16_t dport)
{
	memset(p, 0, sizeof(*p));
	hdr_ip(&p->outer, src, dst, proto, sport, dport);
	hdr_none(&p->inner);
}

/* A conf hashing sdfn for TCP/UDP/SCTP and sd for the rest, 16 queues. */
static void conf_init(struct snic_rss_conf *c, enum snic_hfunc f)
{
	memset(c, 0, sizeof(*c));
	c->hfunc = f;
	c->key_len = sizeof(key_82599);
	memcpy(c->key, key_82599, sizeof(key_82599));
	c->reta_rule = SNIC_RETA_LOW_BITS;
	c->reta_size = 128;
	c->nqueues = 16;
	cr_assert_eq(snic_reta_equal(c->reta, 128, 16, 0, NULL), 0);
	for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++)
		c->fields[ft] = (ft == SNIC_FT_IP4 || ft == SNIC_FT_IP6) ? RXH_SD : RXH_SDFN;
}

/* The hash through the compiled engine, checked against the reference. */
static uint32_t hash_of(const struct snic_rss_conf *c, const struct snic_pkt *p)
{
	struct snic_err err = {0};
	struct snic_rss *r = NULL;
	uint32_t h;

	cr_assert_eq(snic_rss_new(c, &r, &err), 0, "snic_rss_new: %s", err.msg);
	h = snic_rss_hash(r, p);
	cr_assert_eq(h, snic_rss_hash_ref(c, p), "fast 0x%08x, ref 0x%08x", h,
		     snic_rss_hash_ref(c, p));
	snic_rss_free(r);
	return h;
}

static void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

static void hdr_reverse(struct snic_hdr *h)
{
	uint16_t t = h->sport;

	swap_bytes(h->ip_src, h->ip_dst, 16);
	h->sport = h->dport;
	h->dport = t;
}

/* ---- the 82599 vectors through the engine ---------------------------- */

struct vec {
	char family[8], src[64], dst[64];
	unsigned sport, dport;
	uint32_t l4, l3;
};

static int read_vectors(struct vec *v, int max)
{
	const char *dir = getenv("SNIC_TESTDATA");
	char path[512], line[512];
	FILE *f;
	int n = 0;

	cr_assert(dir, "SNIC_TESTDATA is not set");
	snprintf(path, sizeof(path), "%s/toeplitz-82599.tsv", dir);
	f = fopen(path, "r");
	cr_assert(f, "cannot open %s", path);
	while (n < max && fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || !strncmp(line, "family", 6))
			continue;
		if (sscanf(line, "%7s %63s %63s %u %u %x %x", v[n].family, v[n].src, v[n].dst,
			   &v[n].sport, &v[n].dport, &v[n].l4, &v[n].l3) == 7)
			n++;
	}
	fclose(f);
	return n;
}

Test(rss, vectors_82599_whole_engine)
{
	struct vec v[32];
	int n = read_vectors(v, 32);
	struct snic_rss_conf c;
	struct snic_pkt p;

	cr_assert_eq(n, 8, "expected 8 vectors, read %d", n);
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	for (int i = 0; i < n; i++) {
		uint32_t h;

		pkt_ip(&p, v[i].src, v[i].dst, PROTO_TCP, (uint16_t)v[i].sport,
		       (uint16_t)v[i].dport);
		c.fields[SNIC_FT_TCP4] = c.fields[SNIC_FT_TCP6] = RXH_SDFN;
		h = hash_of(&c, &p);
		cr_expect_eq(h, v[i].l4, "%s %s: l4 0x%08x, want 0x%08x", v[i].src, v[i].dst, h,
			     v[i].l4);
		cr_expect_eq(snic_reta_index(&c, h), h & 127);
		c.fields[SNIC_FT_TCP4] = c.fields[SNIC_FT_TCP6] = RXH_SD;
		cr_expect_eq(hash_of(&c, &p), v[i].l3, "%s tcp sd", v[i].src);
		/* The same addresses as a plain IP packet: flow type ip4 / ip6. */
		pkt_ip(&p, v[i].src, v[i].dst, 253, 0, 0);
		cr_expect_eq(hash_of(&c, &p), v[i].l3, "%s ip sd", v[i].src);
	}
}

/* ---- known answers of the other functions ---------------------------- */

Test(rss, xor_matches_e810_values)
{
	struct snic_rss_conf c;
	struct snic_pkt p;

	conf_init(&c, SNIC_HFUNC_XOR);
	c.key_len = 0;
	pkt_ip(&p, "1.1.4.1", "2.2.2.3", 253, 0, 0);
	cr_expect_eq(hash_of(&c, &p), 0x03030602);
	pkt_ip(&p, "2.2.2.3", "1.1.4.1", 253, 0, 0);
	cr_expect_eq(hash_of(&c, &p), 0x03030602);
	pkt_ip(&p, "CDCD:910A:2222:5498:8475:1111:3900:2020",
	       "ABAB:910B:6666:3457:8295:3333:1800:2929", 59, 0, 0);
	cr_expect_eq(hash_of(&c, &p), 0x05c24be5);
}

Test(rss, xor_pads_the_last_word_with_zeros)
{
	struct snic_rss_conf c;
	struct snic_pkt p;

	conf_init(&c, SNIC_HFUNC_XOR);
	pkt_ip(&p, "10.0.0.1", "10.0.0.2", PROTO_UDP, 0x1234, 0x5678);
	c.fields[SNIC_FT_UDP4] = RXH_SDFN | SNIC_RXH_L3_PROTO;
	/* words: 0a000001 ^ 0a000002 ^ 12345678 ^ 11000000 */
	cr_expect_eq(hash_of(&c, &p), 0x00000003u ^ 0x12345678u ^ 0x11000000u);
}

Test(rss, crc32_is_mpeg2_with_the_key_as_seed)
{
	struct snic_rss_conf c;
	struct snic_pkt p;
	uint8_t in[SNIC_RSS_INPUT_MAX];

	conf_init(&c, SNIC_HFUNC_CRC32);
	memset(c.key, 0xff, 4);
	cr_expect_eq(snic_rss_hfunc_raw(&c, (const uint8_t *)"123456789", 9), 0x0376e6e7);
	/* Seed 0: CRC-32/POSIX (check 0x765e7680) without its final inversion. */
	memset(c.key, 0, 4);
	cr_expect_eq(snic_rss_hfunc_raw(&c, (const uint8_t *)"123456789", 9), ~0x765e7680u);
	/* The engine runs the CRC over the same bytes as Toeplitz. */
	conf_init(&c, SNIC_HFUNC_CRC32);
	pkt_ip(&p, "66.9.149.187", "161.142.100.80", PROTO_TCP, 2794, 1766);
	cr_assert_eq(snic_rss_input(&c, &p, in), 12);
	cr_expect_eq(hash_of(&c, &p), snic_rss_hfunc_raw(&c, in, 12));
}

/* The transforms laid out by hand, hashed with the plain Toeplitz. */
Test(rss, symmetric_transforms_by_hand)
{
	static const uint8_t s[4] = {66, 9, 149, 187}, d[4] = {161, 142, 100, 80};
	static const uint8_t sp[2] = {0x0a, 0xea}, dp[2] = {0x06, 0xe6};
	uint8_t x[12], o[12], srt[12];
	struct snic_rss_conf c;
	struct snic_pkt p;

	for (int i = 0; i < 4; i++) {
		x[i] = x[4 + i] = s[i] ^ d[i];
		o[i] = s[i] | d[i];
		o[4 + i] = s[i] ^ d[i];
	}
	for (int i = 0; i < 2; i++) {
		x[8 + i] = x[10 + i] = sp[i] ^ dp[i];
		o[8 + i] = sp[i] | dp[i];
		o[10 + i] = sp[i] ^ dp[i];
	}
	/* sorted: 66.9.149.187 < 161.142.100.80, port 1766 < 2794 */
	memcpy(srt, s, 4);
	memcpy(srt + 4, d, 4);
	memcpy(srt + 8, dp, 2);
	memcpy(srt + 10, sp, 2);
	pkt_ip(&p, "66.9.149.187", "161.142.100.80", PROTO_TCP, 2794, 1766);
	conf_init(&c, SNIC_HFUNC_SYM_XOR);
	cr_expect_eq(hash_of(&c, &p), snic_toeplitz_ref(key_82599, 40, x, 12));
	conf_init(&c, SNIC_HFUNC_SYM_OR_XOR);
	cr_expect_eq(hash_of(&c, &p), snic_toeplitz_ref(key_82599, 40, o, 12));
	conf_init(&c, SNIC_HFUNC_SYM_SORT);
	cr_expect_eq(hash_of(&c, &p), snic_toeplitz_ref(key_82599, 40, srt, 12));
}

Test(rss, sym_sort_swaps_pairs_independently)
{
	struct snic_rss_conf c;
	struct snic_pkt p;
	uint8_t in[SNIC_RSS_INPUT_MAX];
	static const uint8_t want[12] = {10, 0, 0, 1, 10, 0, 0, 2, 0x00, 0x50, 0x1f, 0x90};

	conf_init(&c, SNIC_HFUNC_SYM_SORT);
	/* addresses already in order, ports not: only the ports swap */
	pkt_ip(&p, "10.0.0.1", "10.0.0.2", PROTO_TCP, 8080, 80);
	cr_assert_eq(snic_rss_input(&c, &p, in), 12);
	cr_expect_arr_eq(in, want, 12);
}

/* ---- symmetry ---------------------------------------------------------- */

static void rnd_addr(struct rng *g, struct snic_hdr *h, bool v6)
{
	memset(h->ip_src, 0, 16);
	memset(h->ip_dst, 0, 16);
	rnd_bytes(g, h->ip_src, v6 ? 16 : 4);
	rnd_bytes(g, h->ip_dst, v6 ? 16 : 4);
	if (rnd(g) % 8 == 0) /* equal prefixes, so the sort looks far */
		memcpy(h->ip_dst, h->ip_src, v6 ? 15 : 3);
}

/* A random TCP/UDP/SCTP over IPv4/IPv6 level, maybe VLAN-tagged. */
static void rnd_flow(struct rng *g, struct snic_hdr *h)
{
	static const uint8_t protos[] = {PROTO_TCP, PROTO_UDP, PROTO_SCT};
	bool v6 = rnd(g) & 1;

	hdr_ip(h, v6 ? "::1" : "0.0.0.1", v6 ? "::2" : "0.0.0.2", protos[rnd(g) % 3], 0, 0);
	rnd_addr(g, h, v6);
	h->sport = (uint16_t)rnd(g);
	h->dport = rnd(g) % 8 ? (uint16_t)rnd(g) : h->sport;
	h->n_vlan = (uint8_t)(rnd(g) % 3);
	h->vlan_tci[0] = (uint16_t)rnd(g);
	h->vlan_tci[1] = (uint16_t)rnd(g);
}

static uint8_t rnd_sym_fields(struct rng *g, enum snic_hfunc f)
{
	uint8_t fields = (rnd(g) & 1 ? RXH_SD : 0) | (rnd(g) & 1 ? RXH_FN : 0);

	if (f == SNIC_HFUNC_SYM_SORT)
		fields |= (uint8_t)(rnd(g) & (SNIC_RXH_L3_PROTO | SNIC_RXH_VLAN));
	return fields;
}

static void rnd_key(struct rng *g, struct snic_rss_conf *c, unsigned min)
{
	c->key_len = (uint8_t)(min + rnd(g) % (SNIC_RSS_KEY_MAX - min + 1));
	rnd_bytes(g, c->key, c->key_len);
}

static void check_symmetry(enum snic_hfunc f, unsigned iterations)
{
	struct rng g = {0x9e3779b97f4a7c15ull + f};
	struct snic_rss_conf c;
	struct snic_rss *r = NULL;
	struct snic_err err;

	for (unsigned i = 0; i < iterations; i++) {
		struct snic_pkt a, b;

		if (i % 64 == 0) {
			snic_rss_free(r);
			conf_init(&c, f);
			for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++)
				c.fields[ft] = rnd_sym_fields(&g, f);
			c.flags = rnd(&g) & SNIC_RSS_INNER;
			rnd_key(&g, &c, 44); /* sym-sort's longest: tcp6 sdfntv */
			cr_assert_eq(snic_rss_new(&c, &r, &err), 0, "%s", err.msg);
		}
		memset(&a, 0, sizeof(a));
		rnd_flow(&g, &a.outer);
		hdr_none(&a.inner);
		if (rnd(&g) & 1) { /* a VXLAN frame: the inner flow reversed too */
			a.tunnel = SNIC_TUN_VXLAN;
			a.has_inner = 1;
			rnd_flow(&g, &a.inner);
		}
		b = a;
		hdr_reverse(&b.outer);
		hdr_reverse(&b.inner);
		cr_assert_eq(snic_rss_hash(r, &a), snic_rss_hash(r, &b), "%s iteration %u",
			     snic_hfunc_name(f), i);
		cr_assert_eq(snic_rss_hash_ref(&c, &a), snic_rss_hash_ref(&c, &b));
	}
	snic_rss_free(r);
}

Test(rss, sym_xor_is_symmetric)
{
	check_symmetry(SNIC_HFUNC_SYM_XOR, 30000);
}

Test(rss, sym_or_xor_is_symmetric)
{
	check_symmetry(SNIC_HFUNC_SYM_OR_XOR, 30000);
}

Test(rss, sym_sort_is_symmetric)
{
	check_symmetry(SNIC_HFUNC_SYM_SORT, 30000);
}

Test(rss, plain_toeplitz_is_not_symmetric)
{
	struct snic_rss_conf c;
	struct snic_pkt a, b;

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	pkt_ip(&a, "10.0.0.1", "10.0.0.2", PROTO_TCP, 1000, 80);
	b = a;
	hdr_reverse(&b.outer);
	cr_expect_neq(hash_of(&c, &a), hash_of(&c, &b));
}

/* ---- the fast path against the reference ---------------------------- */

static void rnd_hdr(struct rng *g, struct snic_hdr *h, bool ip_only)
{
	static const uint8_t protos[] = {PROTO_TCP, PROTO_UDP, PROTO_SCT, 1, 47, 58, 0, 255};
	unsigned kind = rnd(g) % 20;

	hdr_none(h);
	h->l2_off = ip_only && (rnd(g) & 1) ? SNIC_OFF_NONE : 0;
	rnd_bytes(g, h->dmac, 6);
	rnd_bytes(g, h->smac, 6);
	h->n_vlan = h->l2_off ? 0 : (uint8_t)(rnd(g) % 3);
	h->vlan_tci[0] = (uint16_t)rnd(g);
	h->vlan_tci[1] = (uint16_t)rnd(g);
	h->l3 = kind < 9 ? SNIC_L3_IPV4 : kind < 18 ? SNIC_L3_IPV6 : (uint8_t)(kind - 18) * 3;
	h->l4_proto = rnd(g) % 4 ? protos[rnd(g) % 8] : (uint8_t)rnd(g);
	rnd_addr(g, h, h->l3 == SNIC_L3_IPV6);
	if (rnd(g) % 6 == 0)
		h->flags |= SNIC_HF_FRAG | (rnd(g) & 1 ? SNIC_HF_FRAG_LATER : 0);
	if (is_l4(h->l4_proto) && !(h->flags & SNIC_HF_FRAG_LATER) && rnd(g) % 10)
		h->flags |= SNIC_HF_L4;
	h->sport = (uint16_t)rnd(g);
	h->dport = (uint16_t)rnd(g);
}

static void rnd_pkt(struct rng *g, struct snic_pkt *p)
{
	memset(p, 0, sizeof(*p));
	rnd_hdr(g, &p->outer, false);
	hdr_none(&p->inner);
	p->tunnel = (uint8_t)(rnd(g) % 2 ? SNIC_TUN_NONE : 1 + rnd(g) % 4);
	if (p->tunnel == SNIC_TUN_NONE)
		return;
	p->tun_id = rnd(g);
	p->tun_id_valid = rnd(g) % 5 != 0;
	p->has_inner = rnd(g) % 5 != 0;
	if (p->has_inner)
		rnd_hdr(g, &p->inner, p->tunnel == SNIC_TUN_GRE || p->tunnel == SNIC_TUN_GTPU);
}

/* The longest input of @fields, as rss.h lists the sizes. */
static unsigned input_max(uint8_t fields, unsigned ft, uint32_t flags)
{
	unsigned alen = ft >= SNIC_FT_IP6 ? 16 : 4;

	return ((fields & SNIC_RXH_IP_SRC) ? alen : 0) + ((fields & SNIC_RXH_IP_DST) ? alen : 0) +
	       ((fields & SNIC_RXH_L4_B_0_1) ? 2 : 0) + ((fields & SNIC_RXH_L4_B_2_3) ? 2 : 0) +
	       ((fields & SNIC_RXH_L3_PROTO) ? 1 : 0) + ((fields & SNIC_RXH_VLAN) ? 2 : 0) +
	       ((fields & SNIC_RXH_L2DA) ? 6 : 0) + ((flags & SNIC_RSS_TEID) ? 4 : 0);
}

static unsigned key_min(const struct snic_rss_conf *c)
{
	unsigned need = 0;

	if (c->hfunc == SNIC_HFUNC_XOR)
		return 0;
	if (c->hfunc == SNIC_HFUNC_CRC32)
		return 4;
	for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++)
		if (input_max(c->fields[ft], ft, c->flags) > need)
			need = input_max(c->fields[ft], ft, c->flags);
	return need + 4;
}

static void rnd_reta(struct rng *g, struct snic_rss_conf *c)
{
	c->reta_rule = (uint8_t)(rnd(g) & 1);
	c->reta_size = (uint16_t)(c->reta_rule == SNIC_RETA_LOW_BITS ? 1u << rnd(g) % 12
								     : 1 + rnd(g) % SNIC_RETA_MAX);
	c->nqueues = (uint16_t)(1 + rnd(g) % 64);
	for (unsigned i = 0; i < c->reta_size; i++)
		c->reta[i] = (uint16_t)(rnd(g) % c->nqueues);
}

static void rnd_conf(struct rng *g, struct snic_rss_conf *c)
{
	struct snic_err err;

	memset(c, 0, sizeof(*c));
	c->hfunc = (uint8_t)(rnd(g) % SNIC_HFUNC_COUNT);
	c->flags = rnd(g) & (SNIC_RSS_INNER | SNIC_RSS_TEID);
	for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++)
		c->fields[ft] = (uint8_t)(rnd(g) & RXH_ALL);
	if (c->hfunc >= SNIC_HFUNC_SYM_XOR && c->hfunc <= SNIC_HFUNC_SYM_SORT) {
		c->flags &= ~SNIC_RSS_TEID;
		for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++)
			c->fields[ft] = rnd_sym_fields(g, c->hfunc);
	}
	rnd_key(g, c, key_min(c));
	rnd_reta(g, c);
	cr_assert_eq(snic_rss_check(c, &err), 0, "random conf rejected: %s", err.msg);
}

Test(rss, fast_equals_reference_on_random_packets, .timeout = 300)
{
	struct rng g = {0x243f6a8885a308d3ull};
	unsigned total = 0;

	for (unsigned i = 0; i < 1000; i++) {
		struct snic_rss_conf c;
		struct snic_rss *r;
		struct snic_err err;

		rnd_conf(&g, &c);
		cr_assert_eq(snic_rss_new(&c, &r, &err), 0, "%s", err.msg);
		for (unsigned j = 0; j < 128; j++, total++) {
			struct snic_pkt p;
			uint32_t fast, ref;

			rnd_pkt(&g, &p);
			fast = snic_rss_hash(r, &p);
			ref = snic_rss_hash_ref(&c, &p);
			cr_assert_eq(fast, ref, "conf %u (%s) packet %u: fast 0x%08x ref 0x%08x", i,
				     snic_hfunc_name(c.hfunc), j, fast, ref);
			cr_assert_lt(c.reta[snic_reta_index(&c, fast)], c.nqueues);
		}
		snic_rss_free(r);
	}
	cr_assert_geq(total, 100000);
}

/* ---- the burst paths against the reference ----------------------------- */

/*
 * A random conf, half the time with the fields profiles use (s d, or s d f
 * n), which snic_rss_prepare() builds on its shortest path, and a key of
 * just the length the fields need (the burst path hashes every input at
 * the longest one's length: the key must cover it).
 */
static void rnd_conf_burst(struct rng *g, struct snic_rss_conf *c)
{
	struct snic_err err;

	rnd_conf(g, c);
	if (rnd(g) & 1) {
		for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++)
			c->fields[ft] = rnd(g) % 4 ? RXH_SDFN : RXH_SD;
		if (rnd(g) & 1)
			c->flags &= ~SNIC_RSS_TEID;
	}
	if (rnd(g) & 1)
		c->key_len = (uint8_t)key_min(c);
	else
		rnd_key(g, c, key_min(c));
	cr_assert_eq(snic_rss_check(c, &err), 0, "random conf rejected: %s", err.msg);
}

/* Bursts of 1..100 random packets (so that whole SIMD batches, a remainder
 * hashed alone, and bursts too short to batch all occur). */
Test(rss, burst_equals_reference_on_random_packets, .timeout = 300)
{
	struct rng g = {0x13198a2e03707344ull};
	unsigned total = 0;

	for (unsigned i = 0; i < 2000; i++) {
		struct snic_pkt p[100];
		const struct snic_pkt *pp[100];
		uint32_t h[100];
		struct snic_rss_conf c;
		struct snic_rss *r;
		struct snic_err err;
		unsigned n = 1 + rnd(&g) % 100;

		rnd_conf_burst(&g, &c);
		cr_assert_eq(snic_rss_new(&c, &r, &err), 0, "%s", err.msg);
		for (unsigned j = 0; j < n; j++) {
			rnd_pkt(&g, &p[j]);
			pp[j] = &p[j];
		}
		snic_rss_hash_burst(r, pp, n, h);
		for (unsigned j = 0; j < n; j++, total++) {
			uint32_t ref = snic_rss_hash_ref(&c, &p[j]);

			cr_assert_eq(h[j], ref,
				     "conf %u (%s) packet %u of %u: burst 0x%08x ref 0x%08x", i,
				     snic_hfunc_name(c.hfunc), j, n, h[j], ref);
			cr_assert_eq(snic_rss_hash(r, &p[j]), ref, "conf %u packet %u: single", i,
				     j);
		}
		snic_rss_free(r);
	}
	cr_assert_geq(total, 100000);
}

/* The halves: the prepared input is snic_rss_input()'s, nothing written
 * after it, and hashing inputs prepared earlier (among other bytes) gives
 * the reference hashes. */
Test(rss, prepared_inputs_equal_the_input_and_hash_as_the_reference, .timeout = 300)
{
	struct rng g = {0xa4093822299f31d0ull};

	for (unsigned i = 0; i < 1000; i++) {
		static uint8_t in[64][SNIC_RSS_INPUT_ROOM];
		struct snic_pkt p[64];
		const uint8_t *ptr[64];
		uint8_t len[64];
		uint32_t h[64];
		struct snic_rss_conf c;
		struct snic_rss *r;
		struct snic_err err;
		unsigned n = 1 + rnd(&g) % 64;

		rnd_conf_burst(&g, &c);
		cr_assert_eq(snic_rss_new(&c, &r, &err), 0, "%s", err.msg);
		for (unsigned j = 0; j < n; j++) {
			uint8_t want[SNIC_RSS_INPUT_MAX];
			size_t wl;

			uint8_t fill = (uint8_t)rnd(&g);

			rnd_pkt(&g, &p[j]);
			memset(in[j], fill, sizeof(in[j]));
			ptr[j] = in[j];
			len[j] = (uint8_t)snic_rss_prepare(r, &p[j], in[j]);
			wl = snic_rss_input(&c, &p[j], want);
			cr_assert_eq(len[j], wl, "conf %u packet %u: length %u, want %zu", i, j,
				     len[j], wl);
			cr_assert(!memcmp(in[j], want, wl), "conf %u packet %u: bytes", i, j);
			for (unsigned b = len[j]; b < SNIC_RSS_INPUT_ROOM; b++)
				cr_assert_eq(in[j][b], fill,
					     "conf %u packet %u: byte %u past the input written", i,
					     j, b);
		}
		snic_rss_hash_prepared(r, ptr, len, n, h);
		for (unsigned j = 0; j < n; j++)
			cr_assert_eq(h[j], snic_rss_hash_ref(&c, &p[j]), "conf %u (%s) packet %u",
				     i, snic_hfunc_name(c.hfunc), j);
		snic_rss_free(r);
	}
}

/* ---- the input: order and each field --------------------------------- */

Test(rss, input_order_is_s_d_f_n_t_v_m_teid)
{
	static const uint8_t want[] = {
		10,   0,    0,	  1,		    /* s */
		10,   0,    0,	  2,		    /* d */
		0x30, 0x39,			    /* f: 12345 */
		0x08, 0xae,			    /* n: 2222 */
		17,				    /* t */
		0x01, 0x23,			    /* v: VID of the outer tag */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* m */
		0xde, 0xad, 0xbe, 0xef,		    /* TEID */
	};
	struct snic_rss_conf c;
	struct snic_pkt p;
	uint8_t in[SNIC_RSS_INPUT_MAX];

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.fields[SNIC_FT_UDP4] = RXH_ALL;
	c.flags = SNIC_RSS_TEID;
	pkt_ip(&p, "10.0.0.1", "10.0.0.2", PROTO_UDP, 12345, 2222);
	p.outer.n_vlan = 2;
	p.outer.vlan_tci[0] = 0xe123; /* PCP 7, DEI 0, VID 0x123 */
	p.outer.vlan_tci[1] = 0x0456;
	p.tunnel = SNIC_TUN_GTPU;
	p.tun_id = 0xdeadbeef;
	p.tun_id_valid = 1;
	cr_assert_eq(snic_rss_input(&c, &p, in), sizeof(want));
	cr_expect_arr_eq(in, want, sizeof(want));
}

Test(rss, longest_input_fits)
{
	struct snic_rss_conf c;
	struct snic_pkt p;
	uint8_t in[SNIC_RSS_INPUT_MAX];

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.fields[SNIC_FT_TCP6] = RXH_ALL;
	c.flags = SNIC_RSS_TEID;
	c.key_len = SNIC_RSS_INPUT_MAX + 4;
	pkt_ip(&p, "2001:db8::1", "2001:db8::2", PROTO_TCP, 1, 2);
	p.outer.n_vlan = 1;
	p.tunnel = SNIC_TUN_GTPU;
	p.tun_id_valid = 1;
	cr_assert_eq(snic_rss_input(&c, &p, in), SNIC_RSS_INPUT_MAX);
	cr_expect_eq(snic_rss_check(&c, NULL), 0);
	hash_of(&c, &p);
}

struct letter_case {
	char letter;
	uint8_t proto; /* of the base packet */
	size_t len;    /* input bytes of the letter alone */
	void (*change)(struct snic_hdr *h);
};

static void chg_src(struct snic_hdr *h)
{
	h->ip_src[3] ^= 1;
}

static void chg_dst(struct snic_hdr *h)
{
	h->ip_dst[0] ^= 0x80;
}

static void chg_sport(struct snic_hdr *h)
{
	h->sport ^= 0x100;
}

static void chg_dport(struct snic_hdr *h)
{
	h->dport ^= 1;
}

static void chg_proto(struct snic_hdr *h)
{
	h->l4_proto = 2; /* IGMP instead of ICMP: still flow type ip4 */
}

static void chg_vid(struct snic_hdr *h)
{
	h->vlan_tci[0] ^= 0x0001;
}

static void chg_dmac(struct snic_hdr *h)
{
	h->dmac[5] ^= 0x10;
}

static const struct letter_case letter_cases[] = {
	{'s', PROTO_UDP, 4, chg_src},	{'d', PROTO_UDP, 4, chg_dst},
	{'f', PROTO_UDP, 2, chg_sport}, {'n', PROTO_UDP, 2, chg_dport},
	{'t', 1, 1, chg_proto},		{'v', PROTO_UDP, 2, chg_vid},
	{'m', PROTO_UDP, 6, chg_dmac},
};

Test(rss, each_field_letter_selects_its_field)
{
	for (size_t i = 0; i < sizeof(letter_cases) / sizeof(letter_cases[0]); i++) {
		const struct letter_case *lc = &letter_cases[i];
		char letter[2] = {lc->letter, 0};
		struct snic_rss_conf c;
		struct snic_pkt a, b;
		uint8_t bit, in[SNIC_RSS_INPUT_MAX];
		unsigned ft = lc->proto == PROTO_UDP ? SNIC_FT_UDP4 : SNIC_FT_IP4;

		cr_assert_eq(snic_rxh_parse(letter, &bit, NULL), 0);
		pkt_ip(&a, "192.0.2.1", "198.51.100.7", lc->proto, 5000, 53);
		a.outer.n_vlan = 1;
		a.outer.vlan_tci[0] = 100;
		b = a;
		lc->change(&b.outer);
		conf_init(&c, SNIC_HFUNC_TOEPLITZ);
		c.fields[ft] = bit;
		cr_expect_eq(snic_rss_input(&c, &a, in), lc->len, "'%c' alone", lc->letter);
		cr_expect_neq(hash_of(&c, &a), hash_of(&c, &b), "'%c' selected", lc->letter);
		c.fields[ft] = (uint8_t)(RXH_ALL & ~bit);
		cr_expect_eq(hash_of(&c, &a), hash_of(&c, &b), "'%c' not selected", lc->letter);
	}
}

Test(rss, vlan_hashes_the_vid_only)
{
	struct snic_rss_conf c;
	struct snic_pkt a, b;

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.fields[SNIC_FT_UDP4] = SNIC_RXH_VLAN;
	pkt_ip(&a, "192.0.2.1", "192.0.2.2", PROTO_UDP, 1, 2);
	a.outer.n_vlan = 2;
	a.outer.vlan_tci[0] = 0x0064;
	a.outer.vlan_tci[1] = 0x0200;
	b = a;
	b.outer.vlan_tci[0] = 0xb064; /* other PCP and DEI */
	b.outer.vlan_tci[1] = 0x0300; /* other inner tag */
	cr_expect_eq(hash_of(&c, &a), hash_of(&c, &b));
	b.outer.n_vlan = 0;
	cr_expect_eq(hash_of(&c, &b), 0, "no tag: v is absent and nothing is left");
}

Test(rss, missing_l4_header_drops_f_and_n)
{
	struct snic_rss_conf c;
	struct snic_pkt p;
	uint8_t in[SNIC_RSS_INPUT_MAX];

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	pkt_ip(&p, "192.0.2.1", "192.0.2.2", PROTO_TCP, 1, 2);
	p.outer.flags &= (uint8_t) ~(SNIC_HF_L4 | SNIC_HF_L4_FULL); /* cut short */
	cr_expect_eq(snic_rss_flow_type(&c, &p), SNIC_FT_TCP4);
	cr_expect_eq(snic_rss_input(&c, &p, in), 8);
}

Test(rss, no_fields_or_not_ip_hash_to_zero)
{
	for (int f = 0; f < SNIC_HFUNC_COUNT; f++) {
		struct snic_rss_conf c;
		struct snic_pkt p;

		conf_init(&c, (enum snic_hfunc)f);
		memset(c.key, 0xa5, sizeof(c.key)); /* a crc32 seed that is not 0 */
		pkt_ip(&p, "192.0.2.1", "192.0.2.2", PROTO_TCP, 1, 2);
		c.fields[SNIC_FT_TCP4] = 0;
		cr_expect_eq(hash_of(&c, &p), 0, "%s, no fields", snic_hfunc_name(f));
		conf_init(&c, (enum snic_hfunc)f);
		p.outer.l3 = SNIC_L3_OTHER;
		cr_expect_eq(snic_rss_flow_type(&c, &p), SNIC_FT_NONE);
		cr_expect_eq(hash_of(&c, &p), 0, "%s, ARP", snic_hfunc_name(f));
		p.outer.l3 = SNIC_L3_NONE;
		cr_expect_eq(hash_of(&c, &p), 0, "%s, no L3", snic_hfunc_name(f));
		cr_expect_eq(snic_rss_hfunc_raw(&c, c.key, 0), 0);
	}
}

/* ---- flow types and fragments ---------------------------------------- */

Test(rss, flow_types_follow_the_protocol)
{
	static const struct {
		const char *src;
		uint8_t proto;
		enum snic_flow_type ft;
	} cases[] = {
		{"10.0.0.1", PROTO_TCP, SNIC_FT_TCP4},	{"10.0.0.1", PROTO_UDP, SNIC_FT_UDP4},
		{"10.0.0.1", PROTO_SCT, SNIC_FT_SCTP4}, {"10.0.0.1", 1, SNIC_FT_IP4},
		{"::1", PROTO_TCP, SNIC_FT_TCP6},	{"::1", PROTO_UDP, SNIC_FT_UDP6},
		{"::1", PROTO_SCT, SNIC_FT_SCTP6},	{"::1", 58, SNIC_FT_IP6},
	};
	struct snic_rss_conf c;
	struct snic_pkt p;

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pkt_ip(&p, cases[i].src, cases[i].src, cases[i].proto, 1, 2);
		cr_expect_eq(snic_rss_flow_type(&c, &p), cases[i].ft, "%s proto %u", cases[i].src,
			     cases[i].proto);
		p.outer.flags |= SNIC_HF_FRAG;
		cr_expect_eq(snic_rss_flow_type(&c, &p),
			     cases[i].ft >= SNIC_FT_IP6 ? SNIC_FT_IP6 : SNIC_FT_IP4,
			     "fragment of %s proto %u", cases[i].src, cases[i].proto);
	}
}

Test(rss, fragments)
{
	struct snic_rss_conf c;
	struct snic_pkt first, later, whole;
	uint8_t in[SNIC_RSS_INPUT_MAX];
	static const uint8_t sd[8] = {192, 0, 2, 1, 192, 0, 2, 2};

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	pkt_ip(&whole, "192.0.2.1", "192.0.2.2", PROTO_UDP, 1000, 2000);
	first = whole;
	first.outer.flags |= SNIC_HF_FRAG;
	later = first;
	later.outer.flags |= SNIC_HF_FRAG_LATER;
	later.outer.flags &= (uint8_t)~SNIC_HF_L4;

	/* Fragments use the ip4 fields, so all pieces of a datagram agree. */
	cr_expect_neq(hash_of(&c, &whole), hash_of(&c, &first));
	cr_expect_eq(hash_of(&c, &first), hash_of(&c, &later));

	/* A first fragment gives what ip4 selects; a later one s and d only. */
	c.fields[SNIC_FT_IP4] = RXH_ALL;
	c.flags = SNIC_RSS_TEID;
	c.key_len = 52;
	later.outer.n_vlan = first.outer.n_vlan = 1;
	cr_expect_eq(snic_rss_input(&c, &first, in), 4 + 4 + 2 + 2 + 1 + 2 + 6);
	cr_assert_eq(snic_rss_input(&c, &later, in), 8);
	cr_expect_arr_eq(in, sd, 8);
	hash_of(&c, &later);
	c.fields[SNIC_FT_IP4] = SNIC_RXH_IP_SRC | SNIC_RXH_L3_PROTO;
	cr_expect_eq(snic_rss_input(&c, &later, in), 4);
	c.fields[SNIC_FT_IP4] = SNIC_RXH_L3_PROTO;
	cr_expect_eq(hash_of(&c, &later), 0);
}

/* ---- tunnels ------------------------------------------------------------- */

static void pkt_vxlan(struct snic_pkt *p)
{
	pkt_ip(p, "203.0.113.1", "203.0.113.2", PROTO_UDP, 49152, SNIC_PORT_VXLAN);
	p->tunnel = SNIC_TUN_VXLAN;
	p->tun_id = 42;
	p->tun_id_valid = 1;
	p->has_inner = 1;
	hdr_ip(&p->inner, "2001:db8::10", "2001:db8::20", PROTO_TCP, 3333, 443);
	p->inner.l2_off = 50;
}

Test(rss, inner_hashes_the_inner_headers)
{
	struct snic_rss_conf c;
	struct snic_pkt tun, plain;

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	pkt_vxlan(&tun);
	pkt_ip(&plain, "2001:db8::10", "2001:db8::20", PROTO_TCP, 3333, 443);
	cr_expect_eq(snic_rss_flow_type(&c, &tun), SNIC_FT_UDP4);
	c.flags = SNIC_RSS_INNER;
	cr_expect_eq(snic_rss_flow_type(&c, &tun), SNIC_FT_TCP6);
	cr_expect_eq(hash_of(&c, &tun), hash_of(&c, &plain));
	c.flags = 0;
	pkt_ip(&plain, "203.0.113.1", "203.0.113.2", PROTO_UDP, 49152, SNIC_PORT_VXLAN);
	cr_expect_eq(hash_of(&c, &tun), hash_of(&c, &plain));
}

Test(rss, inner_falls_back_to_outer)
{
	struct snic_rss_conf c;
	struct snic_pkt tun, outer;

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.flags = SNIC_RSS_INNER;
	pkt_vxlan(&tun);
	tun.inner.l3 = SNIC_L3_NONE; /* inner Ethernet only */
	pkt_ip(&outer, "203.0.113.1", "203.0.113.2", PROTO_UDP, 49152, SNIC_PORT_VXLAN);
	cr_expect_eq(hash_of(&c, &tun), hash_of(&c, &outer));
	pkt_vxlan(&tun);
	tun.has_inner = 0;
	cr_expect_eq(hash_of(&c, &tun), hash_of(&c, &outer));
}

Test(rss, inner_ip_without_ethernet_has_no_m)
{
	struct snic_rss_conf c;
	struct snic_pkt p;
	uint8_t in[SNIC_RSS_INPUT_MAX];

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.flags = SNIC_RSS_INNER;
	c.fields[SNIC_FT_TCP4] = RXH_SDFN | SNIC_RXH_L2DA;
	pkt_ip(&p, "198.51.100.1", "198.51.100.2", 47, 0, 0);
	p.tunnel = SNIC_TUN_GRE;
	p.has_inner = 1;
	hdr_ip(&p.inner, "10.1.1.1", "10.1.1.2", PROTO_TCP, 1, 2);
	p.inner.l2_off = SNIC_OFF_NONE;
	cr_expect_eq(snic_rss_input(&c, &p, in), 12);
	p.inner.l2_off = 38; /* transparent Ethernet bridging */
	cr_expect_eq(snic_rss_input(&c, &p, in), 18);
}

static void pkt_gtpu(struct snic_pkt *p, uint32_t teid)
{
	pkt_ip(p, "198.51.100.1", "198.51.100.2", PROTO_UDP, SNIC_PORT_GTPU, SNIC_PORT_GTPU);
	p->tunnel = SNIC_TUN_GTPU;
	p->tun_id = teid;
	p->tun_id_valid = 1;
	p->has_inner = 1;
	hdr_ip(&p->inner, "10.45.0.7", "8.8.8.8", PROTO_UDP, 40000, 53);
	p->inner.l2_off = SNIC_OFF_NONE;
}

Test(rss, teid)
{
	struct snic_rss_conf c;
	struct snic_pkt a, b;
	uint8_t in[SNIC_RSS_INPUT_MAX];

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	pkt_gtpu(&a, 0x11223344);
	pkt_gtpu(&b, 0x11223345);
	/* Outer GTP-U tuples are all alike: only the TEID tells flows apart. */
	cr_expect_eq(hash_of(&c, &a), hash_of(&c, &b));
	c.flags = SNIC_RSS_TEID;
	c.key_len = 52;
	cr_expect_neq(hash_of(&c, &a), hash_of(&c, &b));
	cr_assert_eq(snic_rss_input(&c, &a, in), 16);
	cr_expect_arr_eq(in + 12, "\x11\x22\x33\x44", 4);
	/* With the inner headers too. */
	c.flags = SNIC_RSS_TEID | SNIC_RSS_INNER;
	cr_assert_eq(snic_rss_input(&c, &a, in), 16);
	cr_expect_arr_eq(in, "\x0a\x2d\x00\x07\x08\x08\x08\x08\x9c\x40\x00\x35", 12);
	cr_expect_neq(hash_of(&c, &a), hash_of(&c, &b));
	/* Only fields chosen: the TEID alone still hashes. */
	c.fields[SNIC_FT_UDP4] = 0;
	cr_expect_eq(snic_rss_input(&c, &a, in), 4);
	/* No TEID: an invalid id, or another tunnel. */
	a.tun_id_valid = 0;
	cr_expect_eq(snic_rss_input(&c, &a, in), 0);
	a.tun_id_valid = 1;
	a.tunnel = SNIC_TUN_VXLAN;
	cr_expect_eq(snic_rss_input(&c, &a, in), 0);
}

/* ---- the RETA -------------------------------------------------------------- */

static void expect_reta(const uint16_t *got, const uint16_t *want, unsigned n, const char *what)
{
	for (unsigned i = 0; i < n; i++)
		cr_expect_eq(got[i], want[i], "%s: entry %u is %u, want %u", what, i, got[i],
			     want[i]);
}

Test(rss, reta_equal)
{
	static const uint16_t want[8] = {2, 3, 4, 2, 3, 4, 2, 3};
	uint16_t reta[SNIC_RETA_MAX];

	cr_assert_eq(snic_reta_equal(reta, 8, 3, 2, NULL), 0);
	expect_reta(reta, want, 8, "equal 3 start 2");
	cr_assert_eq(snic_reta_equal(reta, SNIC_RETA_MAX, 1, 0, NULL), 0);
	for (unsigned i = 0; i < SNIC_RETA_MAX; i++)
		cr_expect_eq(reta[i], 0);
}

/* Tables worked out by hand from ethtool's rule: queue q ends at entry
 * size * (W0 + ... + Wq) / sum. */
Test(rss, reta_weight)
{
	static const uint32_t w1[] = {1, 2, 1}, w2[] = {1, 1, 1}, w3[] = {0, 3, 0, 1};
	static const uint32_t w4[] = {3, 1};
	static const uint16_t t1[8] = {0, 0, 1, 1, 1, 1, 2, 2};
	static const uint16_t t2[10] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
	static const uint16_t t3[8] = {1, 1, 1, 1, 1, 1, 3, 3};
	static const uint16_t t4[7] = {5, 5, 5, 5, 5, 6, 6};
	uint16_t reta[SNIC_RETA_MAX];

	cr_assert_eq(snic_reta_weight(reta, 8, w1, 3, NULL), 0);
	expect_reta(reta, t1, 8, "weight 1 2 1");
	cr_assert_eq(snic_reta_weight(reta, 10, w2, 3, NULL), 0);
	expect_reta(reta, t2, 10, "weight 1 1 1 over 10");
	cr_assert_eq(snic_reta_weight(reta, 8, w3, 4, NULL), 0);
	expect_reta(reta, t3, 8, "weight 0 3 0 1");
	/* 7 * 3 / 4 = 5 entries for the first queue */
	cr_assert_eq(snic_reta_weight_start(reta, 7, w4, 2, 5, NULL), 0);
	expect_reta(reta, t4, 7, "weight 3 1 start 5");
}

Test(rss, reta_weight_shares_are_proportional)
{
	static const uint32_t w[] = {1, 0, 3, 4};
	unsigned count[4] = {0};
	uint16_t reta[128];

	cr_assert_eq(snic_reta_weight(reta, 128, w, 4, NULL), 0);
	for (unsigned i = 0; i < 128; i++) {
		cr_assert_lt(reta[i], 4);
		if (i)
			cr_expect_geq(reta[i], reta[i - 1], "queues in order");
		count[reta[i]]++;
	}
	cr_expect_eq(count[0], 16);
	cr_expect_eq(count[1], 0);
	cr_expect_eq(count[2], 48);
	cr_expect_eq(count[3], 64);
}

static void expect_err(int rc, const struct snic_err *err, const char *needle)
{
	cr_expect_eq(rc, -EINVAL, "rc %d for '%s'", rc, needle);
	cr_expect(strstr(err->msg, needle) != NULL, "message '%s' lacks '%s'", err->msg, needle);
}

Test(rss, reta_builder_errors)
{
	static const uint32_t zero[3] = {0}, big[2] = {100, 29}, one[1] = {1};
	uint16_t reta[SNIC_RETA_MAX];
	struct snic_err err;

	expect_err(snic_reta_equal(reta, 0, 4, 0, &err), &err, "size 0");
	expect_err(snic_reta_equal(reta, 2049, 4, 0, &err), &err, "2049");
	expect_err(snic_reta_equal(reta, 128, 0, 0, &err), &err, "equal 0");
	expect_err(snic_reta_equal(reta, 128, 4, 65534, &err), &err, "65534");
	expect_err(snic_reta_weight(reta, 128, zero, 3, &err), &err, "all zero");
	expect_err(snic_reta_weight(reta, 128, big, 2, &err), &err, "129");
	expect_err(snic_reta_weight(reta, 0, one, 1, &err), &err, "size 0");
	expect_err(snic_reta_weight(reta, 128, one, 0, &err), &err, "0 weights");
}

Test(rss, reta_index_rules)
{
	struct snic_rss_conf c;

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	cr_expect_eq(snic_reta_index(&c, 0x51ccc178), 0x78);
	c.reta_rule = SNIC_RETA_MODULO;
	c.reta_size = 100;
	cr_expect_eq(snic_reta_index(&c, 0x51ccc178), 0x51ccc178u % 100);
}

/* ---- snic_rss_check ------------------------------------------------------- */

/* snic_rss_check(), and snic_rss_new() must agree with it. */
static int check(const struct snic_rss_conf *c, struct snic_err *err)
{
	struct snic_rss *r = NULL;
	int rc = snic_rss_check(c, err);

	cr_expect_eq(snic_rss_new(c, &r, NULL), rc, "snic_rss_new agrees with the check");
	cr_expect_eq(r != NULL, rc == 0, "a compiled conf exactly on success");
	snic_rss_free(r);
	return rc;
}

Test(rss, check_accepts_the_defaults)
{
	struct snic_rss_conf c;
	struct snic_err err = {0};

	for (int f = 0; f < SNIC_HFUNC_COUNT; f++) {
		conf_init(&c, (enum snic_hfunc)f);
		cr_expect_eq(snic_rss_check(&c, &err), 0, "%s: %s", snic_hfunc_name(f), err.msg);
	}
}

Test(rss, check_errors_name_the_value)
{
	struct snic_rss_conf c;
	struct snic_err err;

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.hfunc = 9;
	expect_err(check(&c, &err), &err, "hash function 9");
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.flags = 0x10;
	expect_err(check(&c, &err), &err, "0x10");
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.fields[SNIC_FT_SCTP6] = 0x01;
	expect_err(check(&c, &err), &err, "sctp6");
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.key_len = 39; /* tcp6 sdfn is 36 bytes: needs 40 */
	expect_err(check(&c, &err), &err, "key length 39");
	cr_expect(strstr(err.msg, "40"), "%s", err.msg);
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.key_len = 200;
	expect_err(check(&c, &err), &err, "200");
	conf_init(&c, SNIC_HFUNC_CRC32);
	c.key_len = 3;
	expect_err(check(&c, &err), &err, "key length 3");
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.reta_size = 0;
	expect_err(check(&c, &err), &err, "reta size 0");
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.reta_size = 3000;
	expect_err(check(&c, &err), &err, "3000");
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.reta_size = 96;
	expect_err(check(&c, &err), &err, "96");
	c.reta_rule = SNIC_RETA_MODULO;
	cr_expect_eq(check(&c, &err), 0, "96 entries are fine under modulo: %s", err.msg);
	c.reta_rule = 7;
	expect_err(check(&c, &err), &err, "reta rule 7");
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.reta[77] = 16;
	expect_err(check(&c, &err), &err, "entry 77 names queue 16");
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.nqueues = 0;
	expect_err(check(&c, &err), &err, "nqueues 0");
}

Test(rss, check_key_length_follows_the_fields)
{
	struct snic_rss_conf c;
	struct snic_err err;

	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.fields[SNIC_FT_TCP6] = c.fields[SNIC_FT_UDP6] = c.fields[SNIC_FT_SCTP6] = RXH_SD;
	c.fields[SNIC_FT_IP6] = 0;
	c.key_len = 16; /* IPv4 sdfn: 12 + 4, IPv6 sd: 32 + 4 */
	expect_err(check(&c, &err), &err, "36");
	c.fields[SNIC_FT_TCP6] = c.fields[SNIC_FT_UDP6] = c.fields[SNIC_FT_SCTP6] = 0;
	cr_expect_eq(check(&c, &err), 0, "%s", err.msg);
	c.flags = SNIC_RSS_TEID; /* 4 more bytes */
	expect_err(check(&c, &err), &err, "teid");
	conf_init(&c, SNIC_HFUNC_XOR);
	c.key_len = 0;
	cr_expect_eq(check(&c, &err), 0, "xor takes no key: %s", err.msg);
}

Test(rss, check_symmetric_field_rules)
{
	struct snic_rss_conf c;
	struct snic_err err;

	for (int f = SNIC_HFUNC_SYM_XOR; f <= SNIC_HFUNC_SYM_SORT; f++) {
		const char *name = snic_hfunc_name(f);

		conf_init(&c, (enum snic_hfunc)f);
		c.fields[SNIC_FT_UDP6] = SNIC_RXH_IP_SRC | RXH_FN;
		expect_err(check(&c, &err), &err, "udp6");
		cr_expect(strstr(err.msg, name) && strstr(err.msg, "'sfn'"), "%s", err.msg);
		conf_init(&c, (enum snic_hfunc)f);
		c.fields[SNIC_FT_TCP4] = RXH_SD | SNIC_RXH_L4_B_2_3;
		expect_err(check(&c, &err), &err, "tcp4");
		conf_init(&c, (enum snic_hfunc)f);
		c.fields[SNIC_FT_IP4] = RXH_SD | SNIC_RXH_L2DA;
		expect_err(check(&c, &err), &err, "'msd'");
		conf_init(&c, (enum snic_hfunc)f);
		c.flags = SNIC_RSS_TEID;
		expect_err(check(&c, &err), &err, "teid");
		conf_init(&c, (enum snic_hfunc)f);
		c.fields[SNIC_FT_TCP4] = RXH_SDFN | SNIC_RXH_L3_PROTO | SNIC_RXH_VLAN;
		if (f == SNIC_HFUNC_SYM_SORT)
			cr_expect_eq(check(&c, &err), 0, "%s takes t and v: %s", name, err.msg);
		else
			expect_err(check(&c, &err), &err, "'vtsdfn'");
		conf_init(&c, (enum snic_hfunc)f);
		c.fields[SNIC_FT_TCP4] = 0;
		c.fields[SNIC_FT_UDP4] = RXH_FN;
		cr_expect_eq(check(&c, &err), 0, "%s: %s", name, err.msg);
	}
	/* The same fields are fine for the functions that are not symmetric. */
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.fields[SNIC_FT_UDP6] = SNIC_RXH_IP_SRC | RXH_FN | SNIC_RXH_L2DA;
	c.flags = SNIC_RSS_TEID;
	c.key_len = 64;
	cr_expect_eq(check(&c, &err), 0, "%s", err.msg);
}

/* ---- names ----------------------------------------------------------------- */

Test(rss, hfunc_names_round_trip)
{
	static const char *const want[] = {"toeplitz", "sym-xor", "sym-or-xor",
					   "sym-sort", "xor",	  "crc32"};
	struct snic_err err;
	enum snic_hfunc f;

	for (int i = 0; i < SNIC_HFUNC_COUNT; i++) {
		cr_expect_str_eq(snic_hfunc_name(i), want[i]);
		cr_assert_eq(snic_hfunc_parse(want[i], &f, &err), 0, "%s", err.msg);
		cr_expect_eq((int)f, i);
	}
	expect_err(snic_hfunc_parse("top", &f, &err), &err, "'top'");
	cr_expect(strstr(err.msg, "sym-or-xor"), "lists the allowed names: %s", err.msg);
	expect_err(snic_hfunc_parse("", &f, &err), &err, "''");
	expect_err(snic_hfunc_parse("Toeplitz", &f, &err), &err, "Toeplitz");
	cr_expect_str_eq(snic_hfunc_name(SNIC_HFUNC_COUNT), "unknown");
}

Test(rss, flow_type_names_round_trip)
{
	static const char *const want[] = {"ip4", "tcp4", "udp4", "sctp4",
					   "ip6", "tcp6", "udp6", "sctp6"};
	struct snic_err err;
	enum snic_flow_type ft;

	for (int i = 0; i < SNIC_FT_COUNT; i++) {
		cr_expect_str_eq(snic_flow_type_name(i), want[i]);
		cr_assert_eq(snic_flow_type_parse(want[i], &ft, &err), 0, "%s", err.msg);
		cr_expect_eq((int)ft, i);
	}
	cr_expect_str_eq(snic_flow_type_name(SNIC_FT_NONE), "none");
	expect_err(snic_flow_type_parse("tcp5", &ft, &err), &err, "'tcp5'");
	cr_expect(strstr(err.msg, "sctp6"), "lists the allowed names: %s", err.msg);
	expect_err(snic_flow_type_parse("none", &ft, &err), &err, "'none'");
}

Test(rss, field_letters_round_trip)
{
	struct snic_err err;
	char buf[8];
	uint8_t fields;

	for (unsigned bits = 0; bits <= RXH_ALL; bits += 2) {
		snic_rxh_format((uint8_t)bits, buf, sizeof(buf));
		cr_assert_eq(snic_rxh_parse(buf, &fields, &err), 0, "'%s': %s", buf, err.msg);
		cr_expect_eq(fields, bits, "'%s'", buf);
	}
	cr_expect_str_eq(snic_rxh_format(RXH_SDFN, buf, sizeof(buf)), "sdfn");
	cr_expect_str_eq(snic_rxh_format(RXH_ALL, buf, sizeof(buf)), "mvtsdfn");
	cr_expect_str_eq(snic_rxh_format(0, buf, sizeof(buf)), "");
	cr_expect_str_eq(snic_rxh_format(RXH_ALL, buf, 3), "mv", "truncated to the buffer");
	cr_assert_eq(snic_rxh_parse("nfds", &fields, &err), 0);
	cr_expect_eq(fields, RXH_SDFN, "any order");
	expect_err(snic_rxh_parse("sdxn", &fields, &err), &err, "'x'");
	cr_expect(strstr(err.msg, "sdxn"), "%s", err.msg);
	expect_err(snic_rxh_parse("sdr", &fields, &err), &err, "'r'");
}

/* ---- end to end: craft a frame, parse it, hash it ------------------------- */

static void craft_flow(struct snic_craft_hdr *h, const char *src, const char *dst, uint8_t proto,
		       uint16_t sport, uint16_t dport)
{
	bool v6 = strchr(src, ':') != NULL;

	h->ip_ver = v6 ? 6 : 4;
	cr_assert_eq(inet_pton(v6 ? AF_INET6 : AF_INET, src, h->ip_src), 1, "%s", src);
	cr_assert_eq(inet_pton(v6 ? AF_INET6 : AF_INET, dst, h->ip_dst), 1, "%s", dst);
	h->l4_proto = proto;
	h->sport = sport;
	h->dport = dport;
	h->payload_len = 32;
}

static void craft_parse(const struct snic_craft *c, struct snic_pkt *p)
{
	uint8_t buf[2048];
	int n = snic_craft_frame(c, buf, sizeof(buf));
	int st;

	cr_assert_gt(n, 0, "snic_craft_frame: %d", n);
	st = snic_parse(buf, (uint32_t)n, p);
	cr_assert_eq(st, SNIC_PARSE_OK, "parse stopped: %s", snic_parse_status_name(st));
}

Test(rss, e2e_vectors_82599)
{
	struct vec v[32];
	int n = read_vectors(v, 32);
	struct snic_rss_conf c;

	cr_assert_eq(n, 8);
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	for (int i = 0; i < n; i++) {
		struct snic_craft cr;
		struct snic_pkt p;

		memset(&cr, 0, sizeof(cr));
		craft_flow(&cr.outer, v[i].src, v[i].dst, PROTO_TCP, (uint16_t)v[i].sport,
			   (uint16_t)v[i].dport);
		craft_parse(&cr, &p);
		c.fields[SNIC_FT_TCP4] = c.fields[SNIC_FT_TCP6] = RXH_SDFN;
		cr_expect_eq(hash_of(&c, &p), v[i].l4, "%s: crafted tcp", v[i].src);
		/* Tags, IPv4 options and IPv6 extension headers change nothing. */
		cr.outer.n_vlan = 2;
		cr.outer.vlan_tci[0] = 7;
		cr.outer.vlan_tci[1] = 8;
		cr.outer.ipv4_opt_words = cr.outer.ip_ver == 4 ? 3 : 0;
		cr.outer.n_ext = cr.outer.ip_ver == 6 ? 2 : 0;
		cr.outer.ext[0] = 0;
		cr.outer.ext[1] = 60;
		craft_parse(&cr, &p);
		cr_expect_eq(hash_of(&c, &p), v[i].l4, "%s: tagged, options", v[i].src);
		c.fields[SNIC_FT_TCP4] = c.fields[SNIC_FT_TCP6] = RXH_SD;
		cr_expect_eq(hash_of(&c, &p), v[i].l3, "%s: crafted tcp, sd", v[i].src);
	}
}

Test(rss, e2e_symmetric_functions)
{
	static const uint8_t protos[] = {PROTO_TCP, PROTO_UDP, PROTO_SCT};
	struct rng g = {0x5851f42d4c957f2dull};

	for (int f = SNIC_HFUNC_SYM_XOR; f <= SNIC_HFUNC_SYM_SORT; f++) {
		struct snic_rss_conf c;

		conf_init(&c, (enum snic_hfunc)f);
		rnd_key(&g, &c, 40);
		for (int i = 0; i < 300; i++) {
			struct snic_craft a, b;
			struct snic_pkt pa, pb;
			bool v6 = i & 1;

			memset(&a, 0, sizeof(a));
			craft_flow(&a.outer, v6 ? "::1" : "0.0.0.1", v6 ? "::2" : "0.0.0.2",
				   protos[rnd(&g) % 3], (uint16_t)rnd(&g), (uint16_t)rnd(&g));
			rnd_bytes(&g, a.outer.ip_src, v6 ? 16 : 4);
			rnd_bytes(&g, a.outer.ip_dst, v6 ? 16 : 4);
			b = a;
			memcpy(b.outer.ip_src, a.outer.ip_dst, 16);
			memcpy(b.outer.ip_dst, a.outer.ip_src, 16);
			b.outer.sport = a.outer.dport;
			b.outer.dport = a.outer.sport;
			craft_parse(&a, &pa);
			craft_parse(&b, &pb);
			cr_assert_eq(hash_of(&c, &pa), hash_of(&c, &pb), "%s, flow %d",
				     snic_hfunc_name(f), i);
		}
	}
}

Test(rss, e2e_vxlan_inner)
{
	struct snic_craft tun, plain;
	struct snic_pkt pt, pp;
	struct snic_rss_conf c;

	memset(&tun, 0, sizeof(tun));
	craft_flow(&tun.outer, "203.0.113.1", "203.0.113.2", PROTO_UDP, 50000, SNIC_PORT_VXLAN);
	tun.tunnel = SNIC_TUN_VXLAN;
	tun.tun_id = 42;
	craft_flow(&tun.inner, "2001:db8::10", "2001:db8::20", PROTO_TCP, 3333, 443);
	memset(&plain, 0, sizeof(plain));
	plain.outer = tun.inner;
	craft_parse(&tun, &pt);
	craft_parse(&plain, &pp);
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	cr_expect_eq(snic_rss_flow_type(&c, &pt), SNIC_FT_UDP4);
	cr_expect_neq(hash_of(&c, &pt), hash_of(&c, &pp));
	c.flags = SNIC_RSS_INNER;
	cr_expect_eq(snic_rss_flow_type(&c, &pt), SNIC_FT_TCP6);
	cr_expect_eq(hash_of(&c, &pt), hash_of(&c, &pp));
}

Test(rss, e2e_gtpu_teid)
{
	struct snic_craft cr;
	struct snic_pkt a, b;
	struct snic_rss_conf c;
	uint8_t in[SNIC_RSS_INPUT_MAX];

	memset(&cr, 0, sizeof(cr));
	craft_flow(&cr.outer, "198.51.100.1", "198.51.100.2", PROTO_UDP, SNIC_PORT_GTPU,
		   SNIC_PORT_GTPU);
	cr.tunnel = SNIC_TUN_GTPU;
	craft_flow(&cr.inner, "10.45.0.7", "8.8.8.8", PROTO_UDP, 40000, 53);
	cr.tun_id = 0x11223344;
	craft_parse(&cr, &a);
	cr.tun_id = 0x55667788;
	craft_parse(&cr, &b);
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	c.key_len = 52;
	cr_expect_eq(hash_of(&c, &a), hash_of(&c, &b));
	c.flags = SNIC_RSS_TEID;
	cr_expect_neq(hash_of(&c, &a), hash_of(&c, &b));
	cr_assert_eq(snic_rss_input(&c, &a, in), 16);
	cr_expect_arr_eq(in + 12, "\x11\x22\x33\x44", 4);
	c.flags = SNIC_RSS_TEID | SNIC_RSS_INNER;
	cr_assert_eq(snic_rss_input(&c, &a, in), 16);
	cr_expect_arr_eq(in, "\x0a\x2d\x00\x07\x08\x08\x08\x08\x9c\x40\x00\x35", 12);
}

Test(rss, e2e_fragments)
{
	struct snic_craft cr;
	struct snic_pkt whole, first, later;
	struct snic_rss_conf c;

	memset(&cr, 0, sizeof(cr));
	craft_flow(&cr.outer, "192.0.2.1", "192.0.2.2", PROTO_UDP, 1000, 2000);
	craft_parse(&cr, &whole);
	cr.outer.more_frags = 1;
	craft_parse(&cr, &first);
	cr.outer.frag_off = 10;
	craft_parse(&cr, &later);
	conf_init(&c, SNIC_HFUNC_TOEPLITZ);
	cr_expect_eq(snic_rss_flow_type(&c, &whole), SNIC_FT_UDP4);
	cr_expect_eq(snic_rss_flow_type(&c, &first), SNIC_FT_IP4);
	cr_expect_eq(snic_rss_flow_type(&c, &later), SNIC_FT_IP4);
	cr_expect_neq(hash_of(&c, &whole), hash_of(&c, &first));
	cr_expect_eq(hash_of(&c, &first), hash_of(&c, &later));
	c.fields[SNIC_FT_IP4] = RXH_SDFN;
	cr_expect_neq(hash_of(&c, &first), hash_of(&c, &later), "first has ports, later not");
	c.fields[SNIC_FT_IP4] = RXH_SD;

	/* The same over IPv6, with a fragment header. */
	memset(&cr, 0, sizeof(cr));
	craft_flow(&cr.outer, "2001:db8::1", "2001:db8::2", PROTO_UDP, 1000, 2000);
	cr.outer.more_frags = 1;
	craft_parse(&cr, &first);
	cr.outer.frag_off = 10;
	craft_parse(&cr, &later);
	cr_expect_eq(snic_rss_flow_type(&c, &first), SNIC_FT_IP6);
	cr_expect_eq(hash_of(&c, &first), hash_of(&c, &later));
}
