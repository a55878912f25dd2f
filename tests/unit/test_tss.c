/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tuple space search (lib/tss.c) against its plain twin: whatever the
 * pools and their rules, snic_tss_lookup, and snic_tss_find with its
 * filters asked first (cfg.h), must return the very rule
 * snic_tss_lookup_linear finds first, or NULL with it, for every key,
 * across groups, with shadowed duplicates, with a rule that matches every
 * key, and in pools too small to be grouped. snic_tss_build must make one
 * group per mask, visited in rule order, and none for pools under 6 rules.
 * The filter words snic_rx's lane reads from a frame's bytes must be those
 * of the key snic_fkey_build_shape builds, in wire order.
 * The two lookups are hidden inside libsnic, so tss.c is compiled into
 * this test (meson.build, unit_extra_sources); the configuration is built
 * by hand, with only what tss.c reads.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/cfg.h"
#include "snic/craft.h"

/* Below this many rules a pool keeps the linear scan (tss.c). */
#define MIN_GROUPED 6

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned pick(unsigned n)
{
	return (unsigned)(rnd64() >> 32) % n;
}

/* A configuration of @npools pools of @nrules[p] rules each, laid out one
 * after the other in cfg->rules, all zero. */
static struct snic_cfg *cfg_new(unsigned npools, const unsigned *nrules)
{
	struct snic_cfg *cfg = calloc(1, sizeof(*cfg));
	unsigned total = 0;

	cr_assert_not_null(cfg);
	cfg->npools = (uint16_t)npools;
	cfg->pool = calloc(npools, sizeof(*cfg->pool));
	cr_assert_not_null(cfg->pool);
	for (unsigned p = 0; p < npools; p++) {
		cfg->pool[p].rule_off = total;
		cfg->pool[p].nrules = nrules[p];
		total += nrules[p];
	}
	cfg->rules = calloc(total ? total : 1, sizeof(*cfg->rules));
	cr_assert_not_null(cfg->rules);
	cfg->nrules = total;
	return cfg;
}

static void cfg_free(struct snic_cfg *cfg)
{
	snic_tss_free(cfg);
	free(cfg->rules);
	free(cfg->pool);
	free(cfg);
}

/* Rule @c of mask @m and value @v as flow.c compiles it (compile_match):
 * the words the mask touches in key order, each value reduced under its
 * mask. */
static void crule_set(struct snic_crule *c, const struct snic_fkey *m, const struct snic_fkey *v,
		      uint32_t mark)
{
	memset(c, 0, sizeof(*c));
	c->mark = mark;
	for (unsigned i = 0; i < 8; i++) {
		if (!m->w[i])
			continue;
		c->idx[c->nw] = (uint8_t)i;
		c->w[c->nw].mask = m->w[i];
		c->w[c->nw].val = v->w[i] & m->w[i];
		c->nw++;
	}
}

static bool same_mask(const struct snic_crule *a, const struct snic_crule *b)
{
	if (a->nw != b->nw)
		return false;
	for (unsigned i = 0; i < a->nw; i++)
		if (a->idx[i] != b->idx[i] || a->w[i].mask != b->w[i].mask)
			return false;
	return true;
}

static bool same_rule(const struct snic_crule *a, const struct snic_crule *b)
{
	if (!same_mask(a, b))
		return false;
	for (unsigned i = 0; i < a->nw; i++)
		if (a->w[i].val != b->w[i].val)
			return false;
	return true;
}

/* The number of a rule of @pl, or -1 for NULL: for messages. */
static long rule_no(const struct snic_cfg *cfg, const struct snic_pool *pl,
		    const struct snic_crule *r)
{
	return r ? (long)(r - &cfg->rules[pl->rule_off]) : -1;
}

/* --- a hand-made pool ---------------------------------------------------------------------- */

/* A UDP or TCP key to 10.@b2.@b3.@b4, with bytes outside every rule's mask
 * set as well, so that only the masks can make them match. */
static struct snic_fkey key_to(uint8_t proto, uint16_t dport, uint8_t b2, uint8_t b3, uint8_t b4)
{
	struct snic_fkey k;

	memset(&k, 0x5a, sizeof(k));
	k.l4_proto = proto;
	k.dport = dport;
	k.ip_dst[0] = 10;
	k.ip_dst[1] = b2;
	k.ip_dst[2] = b3;
	k.ip_dst[3] = b4;
	return k;
}

/* Seven rules on three masks: a port (rules 0, 2, 3, 5, of which 3 is 0
 * again and never wins), a /24 (1 and 4) and nothing (6, which takes every
 * key). A key both a port rule and a prefix rule match must get the lower
 * numbered one, whichever group holds it. A second pool of the first five
 * rules is too small to be grouped and must answer the same. */
Test(tss, lookup_takes_the_first_matching_rule_across_groups)
{
	static const struct {
		uint8_t proto;
		uint16_t dport;
		uint8_t dst[3];
		int want, want_small;
	} keys[] = {
		{17, 4789, {0, 0, 5}, 0, 0}, {17, 53, {0, 0, 5}, 1, 1},
		{17, 53, {9, 9, 9}, 2, 2},   {6, 80, {0, 1, 7}, 4, 4},
		{6, 80, {5, 0, 0}, 5, -1},   {6, 22, {5, 0, 0}, 6, -1},
		{17, 4789, {0, 1, 1}, 0, 0}, {6, 4789, {0, 2, 1}, 6, -1},
		{17, 4789, {9, 0, 1}, 0, 0}, {132, 53, {0, 0, 200}, 1, 1},
	};
	static const unsigned nrules[2] = {7, 5};
	struct snic_cfg *cfg = cfg_new(2, nrules);
	struct snic_fkey port, net, all, v;

	memset(&port, 0, sizeof(port));
	port.l4_proto = 0xff;
	port.dport = 0xffff;
	memset(&net, 0, sizeof(net));
	memset(net.ip_dst, 0xff, 3);
	memset(&all, 0, sizeof(all));

	v = key_to(17, 4789, 0, 0, 0);
	crule_set(&cfg->rules[0], &port, &v, 0);
	v = key_to(0, 0, 0, 0, 99); /* host bits beyond the /24 do not count */
	crule_set(&cfg->rules[1], &net, &v, 1);
	v = key_to(17, 53, 0, 0, 0);
	crule_set(&cfg->rules[2], &port, &v, 2);
	v = key_to(17, 4789, 7, 7, 7);
	crule_set(&cfg->rules[3], &port, &v, 3);
	v = key_to(0, 0, 0, 1, 0);
	crule_set(&cfg->rules[4], &net, &v, 4);
	v = key_to(6, 80, 0, 0, 0);
	crule_set(&cfg->rules[5], &port, &v, 5);
	crule_set(&cfg->rules[6], &all, &v, 6);
	memcpy(&cfg->rules[7], &cfg->rules[0], 5 * sizeof(cfg->rules[0]));

	cr_assert_eq(snic_tss_build(cfg), 0);
	cr_assert_eq(cfg->pool[0].ngrp, 3, "one group per mask: %u", cfg->pool[0].ngrp);
	cr_assert_eq(cfg->pool[1].ngrp, 0, "5 rules are scanned linearly");
	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct snic_fkey k = key_to(keys[i].proto, keys[i].dport, keys[i].dst[0],
					    keys[i].dst[1], keys[i].dst[2]);

		for (unsigned p = 0; p < 2; p++) {
			const struct snic_pool *pl = &cfg->pool[p];
			int want = p ? keys[i].want_small : keys[i].want;
			const struct snic_crule *w =
				want < 0 ? NULL : &cfg->rules[pl->rule_off + want];
			const struct snic_crule *got = snic_tss_lookup(cfg, pl, &k);
			const struct snic_crule *lin = snic_tss_lookup_linear(cfg, pl, &k);

			cr_assert_eq(lin, w, "key %u, pool %u: linear rule %ld, want %d", i, p,
				     rule_no(cfg, pl, lin), want);
			cr_assert_eq(got, w, "key %u, pool %u: rule %ld, want %d", i, p,
				     rule_no(cfg, pl, got), want);
			got = snic_tss_find(cfg, pl, &k);
			cr_assert_eq(got, w, "key %u, pool %u: snic_tss_find: rule %ld, want %d", i,
				     p, rule_no(cfg, pl, got), want);
		}
	}
	cfg_free(cfg);
}

/* --- random pools -------------------------------------------------------------------------- */

/* The masks of rule words, as bit patterns of the words flow.c compiles
 * (on a little-endian host): a whole word (a MAC and its ethertype), a /24
 * of an IPv4 address, a 16-bit port, a protocol byte, a 32-bit VNI, and a
 * field with its low bit left out (a port range of two). */
static const uint64_t word_masks[] = {
	~0ull,
	0x0000000000ffffffull,
	0x00000000ffff0000ull,
	0x000000ff00000000ull,
	0xffffffff00000000ull,
	0x00000000fffffffeull,
};

#define NMASKS	  (sizeof(word_masks) / sizeof(word_masks[0]))
#define ALPHABET  4
#define MAX_SHAPE 4
#define MAX_POOLS 5

/* What keys and rules of one round are drawn from: a few values for each
 * key word, in pairs that differ in a bit or a byte, so that two values
 * are often one under a mask and apart under another. */
struct alphabet {
	uint64_t v[8][ALPHABET];
};

static void alphabet_new(struct alphabet *a)
{
	for (unsigned i = 0; i < 8; i++) {
		a->v[i][0] = rnd64();
		a->v[i][1] = a->v[i][0] ^ 1ull << pick(64);
		a->v[i][2] = rnd64();
		a->v[i][3] = a->v[i][2] ^ (uint64_t)(1 + pick(255)) << 8 * pick(8);
	}
}

/* A mask of one to three key words, or, now and then, of none: the rule
 * that takes every key. */
static void random_shape(struct snic_fkey *m)
{
	memset(m, 0, sizeof(*m));
	if (pick(12) == 0)
		return;
	for (unsigned n = 1 + pick(3); n; n--)
		m->w[pick(8)] = word_masks[pick(NMASKS)];
}

/* A key of the alphabet, with a word of its own now and then, or, one
 * time in four, one of its own altogether. */
static void random_key(struct snic_fkey *k, const struct alphabet *a)
{
	bool own = pick(4) == 0;

	for (unsigned i = 0; i < 8; i++)
		k->w[i] = own || pick(8) == 0 ? rnd64() : a->v[i][pick(ALPHABET)];
}

/* Pool sizes, below and above the threshold of grouping. */
static const unsigned pool_sizes[] = {0, 1, 3, 5, 6, 7, 12, 24, 48};

/* A round's configuration: up to MAX_POOLS pools, each with rules on one
 * to MAX_SHAPE masks, values from @a. Counts the rules shadowed by an
 * earlier rule of the same mask and value into *@shadowed. */
static struct snic_cfg *random_cfg(const struct alphabet *a, unsigned *shadowed)
{
	unsigned npools = 1 + pick(MAX_POOLS), nrules[MAX_POOLS];
	struct snic_cfg *cfg;

	for (unsigned p = 0; p < npools; p++)
		nrules[p] = pool_sizes[pick(sizeof(pool_sizes) / sizeof(pool_sizes[0]))];
	cfg = cfg_new(npools, nrules);
	for (unsigned p = 0; p < npools; p++) {
		struct snic_crule *r = &cfg->rules[cfg->pool[p].rule_off];
		struct snic_fkey shape[MAX_SHAPE];
		unsigned nshape = 1 + pick(MAX_SHAPE);

		for (unsigned s = 0; s < nshape; s++)
			random_shape(&shape[s]);
		for (unsigned n = 0; n < nrules[p]; n++) {
			struct snic_fkey v;

			for (unsigned i = 0; i < 8; i++)
				v.w[i] = a->v[i][pick(ALPHABET)];
			crule_set(&r[n], &shape[pick(nshape)], &v, n);
			for (unsigned e = 0; e < n; e++) {
				if (same_rule(&r[e], &r[n])) {
					(*shadowed)++;
					break;
				}
			}
		}
	}
	return cfg;
}

/* Whether two rules of different masks match @k in pool @pl: the order
 * across groups decides the answer. */
static bool masks_compete(const struct snic_cfg *cfg, const struct snic_pool *pl,
			  const struct snic_fkey *k)
{
	const struct snic_crule *r = &cfg->rules[pl->rule_off], *first = NULL;

	for (uint32_t n = 0; n < pl->nrules; n++) {
		if (!snic_crule_match(&r[n], k))
			continue;
		if (!first)
			first = &r[n];
		else if (!same_mask(first, &r[n]))
			return true;
	}
	return false;
}

#define ROUNDS 400
#define KEYS   128

/* Every key of every round, in every pool: the tuple space search and the
 * linear scan give the same rule. The counts make sure the rounds were
 * worth it: grouped pools hit and miss often, keys that rules of several
 * masks match and shadowed rules occur. */
Test(tss, lookup_agrees_with_the_linear_scan_on_random_rules)
{
	unsigned lookups = 0, grouped = 0, hits = 0, compete = 0, shadowed = 0;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (unsigned round = 0; round < ROUNDS; round++) {
		struct alphabet a;
		struct snic_cfg *cfg;

		alphabet_new(&a);
		cfg = random_cfg(&a, &shadowed);
		cr_assert_eq(snic_tss_build(cfg), 0);
		for (unsigned i = 0; i < KEYS; i++) {
			struct snic_fkey k;

			random_key(&k, &a);
			for (unsigned p = 0; p < cfg->npools; p++) {
				const struct snic_pool *pl = &cfg->pool[p];
				const struct snic_crule *got = snic_tss_lookup(cfg, pl, &k);
				const struct snic_crule *want = snic_tss_lookup_linear(cfg, pl, &k);

				cr_assert_eq(got, want,
					     "round %u, key %u, pool %u (%u rules, %u groups): "
					     "rule %ld, want %ld",
					     round, i, p, pl->nrules, pl->ngrp,
					     rule_no(cfg, pl, got), rule_no(cfg, pl, want));
				got = snic_tss_find(cfg, pl, &k);
				cr_assert_eq(got, want,
					     "round %u, key %u, pool %u: snic_tss_find: rule %ld, "
					     "want %ld",
					     round, i, p, rule_no(cfg, pl, got),
					     rule_no(cfg, pl, want));
				lookups++;
				if (!pl->ngrp)
					continue;
				grouped++;
				hits += want != NULL;
				compete += masks_compete(cfg, pl, &k);
			}
		}
		cfg_free(cfg);
	}
	cr_assert_gt(grouped, lookups / 2, "most lookups are of grouped pools: %u of %u", grouped,
		     lookups);
	cr_assert_gt(hits, grouped / 5, "keys hit often enough: %u of %u", hits, grouped);
	cr_assert_lt(hits, grouped - grouped / 5, "and miss often enough: %u of %u", hits, grouped);
	cr_assert_gt(compete, grouped / 20, "rules of several masks compete: %u", compete);
	cr_assert_gt(shadowed, ROUNDS, "shadowed duplicates occur: %u", shadowed);
}

/* snic_tss_build groups the pools of 6 rules or more, one group per mask
 * of their rules, ordered by their first rule, which has the group's mask
 * and no earlier rule has; smaller pools get no group. */
Test(tss, groups_are_one_per_mask_in_rule_order)
{
	unsigned nonempty = 0;

	rng_state = 0x2545f4914f6cdd1dull;
	for (unsigned round = 0; round < 200; round++) {
		struct alphabet a;
		struct snic_cfg *cfg;
		unsigned shadowed = 0;

		alphabet_new(&a);
		cfg = random_cfg(&a, &shadowed);
		cr_assert_eq(snic_tss_build(cfg), 0);
		for (unsigned p = 0; p < cfg->npools; p++) {
			const struct snic_pool *pl = &cfg->pool[p];
			const struct snic_crule *r = &cfg->rules[pl->rule_off];
			unsigned masks = 0;

			for (uint32_t n = 0; n < pl->nrules; n++) {
				bool seen = false;

				for (uint32_t e = 0; e < n && !seen; e++)
					seen = same_mask(&r[e], &r[n]);
				masks += !seen;
			}
			if (pl->nrules < MIN_GROUPED) {
				cr_assert_eq(pl->ngrp, 0, "round %u, pool %u: %u rules, %u groups",
					     round, p, pl->nrules, pl->ngrp);
				continue;
			}
			nonempty++;
			cr_assert_eq(pl->ngrp, masks, "round %u, pool %u: %u groups, %u masks",
				     round, p, pl->ngrp, masks);
			for (uint32_t i = 0; i < pl->ngrp; i++) {
				const struct snic_tss_group *g = &cfg->groups[pl->grp_off + i];

				cr_assert_lt(g->first, pl->nrules);
				cr_assert(i == 0 || g->first > g[-1].first,
					  "round %u, pool %u: groups out of rule order", round, p);
				cr_assert(same_mask(&r[g->first], g->shape));
				for (uint32_t e = 0; e < g->first; e++)
					cr_assert_not(same_mask(&r[e], g->shape),
						      "round %u, pool %u: rule %u comes first",
						      round, p, e);
			}
		}
		cfg_free(cfg);
	}
	cr_assert_gt(nonempty, 100, "grouped pools: %u", nonempty);
}

/* A frame of one of the lane's shapes at @f, random bytes past its
 * headers; its length. */
static uint32_t lane_frame(uint8_t *f, size_t cap)
{
	struct snic_craft c;
	int len;

	for (size_t i = 0; i < cap; i++)
		f[i] = (uint8_t)rnd64();
	if (pick(8) == 0) { /* the L2 shape */
		static const uint16_t types[] = {0x0806, 0x88cc, 0x88f7, 0x8847};
		uint16_t t = types[pick(4)];

		f[0] &= 0xfe;
		f[12] = (uint8_t)(t >> 8);
		f[13] = (uint8_t)t;
		return 14 + pick(50);
	}
	memset(&c, 0, sizeof(c));
	for (unsigned i = 0; i < 6; i++) {
		c.outer.dmac[i] = (uint8_t)rnd64();
		c.outer.smac[i] = (uint8_t)rnd64();
	}
	c.outer.dmac[0] &= 0xfe;
	c.outer.ip_ver = pick(2) ? 6 : 4;
	for (unsigned i = 0; i < 16; i++) {
		c.outer.ip_src[i] = (uint8_t)rnd64();
		c.outer.ip_dst[i] = (uint8_t)rnd64();
	}
	c.outer.l4_proto = pick(2) ? 17 : 6;
	c.outer.sport = (uint16_t)rnd64();
	c.outer.dport = (uint16_t)rnd64();
	if (c.outer.dport == SNIC_PORT_GENEVE || c.outer.dport == SNIC_PORT_GTPU)
		c.outer.dport = 80;
	c.outer.payload_len = (uint16_t)pick(40);
	if (pick(4) == 0) {
		c.tunnel = SNIC_TUN_VXLAN;
		c.outer.l4_proto = 17;
		c.outer.dport = 0;
		c.tun_id = (uint32_t)rnd64() & 0xffffff;
		c.inner.ip_ver = 4;
	}
	len = snic_craft_frame(&c, f, cap);
	cr_assert_gt(len, 0, "craft: %d", len);
	if (c.tunnel && pick(3) == 0) /* a VXLAN header without its I flag: no VNI */
		f[(c.outer.ip_ver == 6 ? SNIC_SHAPE_L4_V6 : SNIC_SHAPE_L4_V4) + 8] &=
			(uint8_t)~0x08;
	return len < 60 ? 60 : (uint32_t)len; /* padded as on the wire */
}

Test(tss, lane_words_are_the_keys_in_wire_order)
{
	unsigned seen[SNIC_LANE_SHAPES] = {0};

	for (unsigned i = 0; i < 20000; i++) {
		uint8_t buf[256], *f;
		uint32_t len = lane_frame(buf, sizeof(buf)), vni = 0, l3_end;
		struct snic_fkey k;
		unsigned shape, si;

		uint16_t type;

		f = malloc(len); /* exactly: a read past the frame is caught by ASan */
		cr_assert_not_null(f);
		memcpy(f, buf, len);
		type = snic_rd16(f + 12);

		shape = type == 0x0800 || type == 0x86dd ? snic_fast_shape(f, len, &l3_end)
							 : snic_l2_shape(f, len);
		cr_assert(shape, "frame %u (%u bytes) is of no lane shape", i, len);
		if (!(shape & SNIC_SHAPE_L2))
			shape |= snic_shape_tunnel(f, shape, &vni);
		cr_assert_neq(shape, ~0u, "frame %u: a tunnel the lane leaves", i);
		snic_fkey_build_shape(&k, f, shape, vni);
		si = snic_lane_si(shape);
		seen[si]++;
		for (unsigned w = 0; w < 8; w++)
			cr_assert_eq(snic_lane_raw(f, si, w), snic_tss_raw(w, k.w[w]),
				     "frame %u, shape %#x, word %u: %#llx from the frame, "
				     "%#llx from the key",
				     i, shape, w, (unsigned long long)snic_lane_raw(f, si, w),
				     (unsigned long long)snic_tss_raw(w, k.w[w]));
		free(f);
	}
	for (unsigned si = 0; si < SNIC_LANE_SHAPES; si++)
		if (si <= 4 || si == 9 || si == 11)
			cr_expect_gt(seen[si], 0, "no frame of lane shape row %u", si);
}

/* snic_tss_raw reorders the bytes of a word, so that a mask applies to the
 * reordered word alike (tss.c builds the filters on masked words). */
Test(tss, wire_order_is_a_byte_permutation)
{
	for (unsigned w = 0; w < 8; w++)
		for (unsigned b = 0; b < 64; b++) {
			uint64_t r = snic_tss_raw(w, 1ull << b);

			cr_assert(r && !(r & (r - 1)), "word %u: bit %u becomes %#llx", w, b,
				  (unsigned long long)r);
			for (unsigned c = 0; c < b; c++)
				cr_assert_neq(snic_tss_raw(w, 1ull << c), r,
					      "word %u: bits %u and %u meet", w, c, b);
		}
}
