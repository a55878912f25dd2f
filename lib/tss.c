/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tuple space search over a pool's compiled rules, as OVS's dpcls does:
 * rules with the same mask form a group, and a group is a hash table of
 * masked key values. A lookup probes each group once instead of comparing
 * every rule. Rules are numbered in the pool's priority order (priority,
 * then age); each group keeps the lowest number among its rules and the
 * table entry of a value the lowest number of the rules with that value,
 * so the lowest number found over the groups is the rule a linear scan
 * would find first. Groups are visited by their lowest number and the
 * search stops when no later group can beat what was found. Before its
 * table, a group is asked a 2048-bit filter on one word of the key, in
 * the frame's byte order (snic_tss_raw), which snic_rx's lane reads from
 * the frame itself (snic_lane_words): most frames match no rule, and most
 * of those leave each group there.
 *
 * Pools with few rules keep the linear scan (snic_tss_lookup_linear), which
 * is also the plain twin the tests compare this against.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

/* Below this many rules a pool is scanned linearly. */
#define TSS_MIN_RULES 6

#define TSS_EMPTY 0xffffffffu /* snic_tss_ent.rule of a free slot */

/*
 * snic_lane_words (cfg.h): how the lane reads each key word, in wire
 * order, from a frame of each of its shapes, as snic_fkey_build_shape()
 * builds the key: the destination MAC and the ethertype; the meta and
 * protocol, constants of the shape; the ports and the VNI (the VXLAN
 * header's bytes 4..6); nothing for the TEID; the addresses.
 */
#define LW_MAC                                                                                     \
	{                                                                                          \
		.a = 0, .ma = 0x0000ffffffffffffull, .b = 6, .mb = 0xffff000000000000ull           \
	}
#define LW_META(v6, udp, vni)                                                                      \
	{                                                                                          \
		.c = (uint64_t)(SNIC_FK_IP | SNIC_FK_L4 | ((v6) ? SNIC_FK_IPV6 : SNIC_FK_IPV4) |   \
				((vni) ? SNIC_FK_VNI : 0))                                         \
			     << 16 |                                                               \
		     (uint64_t)((udp) ? 17 : 6) << 32                                              \
	}
#define LW_L4(l4, vni)                                                                             \
	{                                                                                          \
		.a = (l4), .ma = 0xffffffffull, .b = (vni) ? (l4) + 8 : 0,                         \
		.mb = (vni) ? 0x00ffffff00000000ull : 0                                            \
	}
#define LW_AT(off, m)                                                                              \
	{                                                                                          \
		.a = (off), .ma = (m)                                                              \
	}
#define LW_NONE                                                                                    \
	{                                                                                          \
		.c = 0                                                                             \
	}
#define LW_V4(udp, vni)                                                                            \
	{                                                                                          \
		LW_MAC, LW_META(0, udp, vni), LW_L4(SNIC_SHAPE_L4_V4, vni), LW_NONE,               \
			LW_AT(SNIC_SHAPE_SRC_V4, 0xffffffffull), LW_NONE,                          \
			LW_AT(SNIC_SHAPE_SRC_V4 + 4, 0xffffffffull), LW_NONE                       \
	}
#define LW_V6(udp, vni)                                                                            \
	{                                                                                          \
		LW_MAC, LW_META(1, udp, vni), LW_L4(SNIC_SHAPE_L4_V6, vni), LW_NONE,               \
			LW_AT(SNIC_SHAPE_SRC_V6, ~0ull), LW_AT(SNIC_SHAPE_SRC_V6 + 8, ~0ull),      \
			LW_AT(SNIC_SHAPE_SRC_V6 + 16, ~0ull), LW_AT(SNIC_SHAPE_SRC_V6 + 24, ~0ull) \
	}

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "snic_lane_words places the bytes of little-endian key words"
#endif

const struct snic_lane_word snic_lane_words[SNIC_LANE_SHAPES][8] = {
	[0] = LW_V4(0, 0),  /* TCP4 */
	[1] = LW_V4(1, 0),  /* UDP4, VXLAN without a VNI too */
	[2] = LW_V6(0, 0),  /* TCP6 */
	[3] = LW_V6(1, 0),  /* UDP6 */
	[4] = {LW_MAC},	    /* L2: the rest 0 */
	[9] = LW_V4(1, 1),  /* VXLAN4 with its VNI */
	[11] = LW_V6(1, 1), /* VXLAN6 with its VNI */
};

static bool same_mask(const struct snic_crule *a, const struct snic_crule *b)
{
	if (a->nw != b->nw || memcmp(a->idx, b->idx, a->nw))
		return false;
	for (unsigned i = 0; i < a->nw; i++)
		if (a->w[i].mask != b->w[i].mask)
			return false;
	return true;
}

static const uint64_t tss_mul[8] = {
	0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full, 0x165667b19e3779f9ull, 0xd6e8feb86659fd93ull,
	0xff51afd7ed558ccdull, 0xc4ceb9fe1a85ec53ull, 0x94d049bb133111ebull, 0xbf58476d1ce4e5b9ull,
};

/* One word's share of tss_hash_words(). */
static inline uint64_t tss_share(uint64_t w, unsigned i)
{
	return (w ^ (w >> 31)) * tss_mul[i];
}

/* Each word times its own odd constant, summed, high bits folded down:
 * one multiply a word, no dependency between the words. */
static inline uint64_t tss_hash_words(const struct snic_crule *shape, const uint64_t *w)
{
	uint64_t h = 0;

	for (unsigned i = 0; i < shape->nw; i++)
		h += tss_share(w[i], i);
	return h ^ (h >> 32);
}

/* Hash of a rule's values. */
static uint64_t rule_hash(const struct snic_crule *r)
{
	uint64_t w[8];

	for (unsigned i = 0; i < r->nw; i++)
		w[i] = r->w[i].val;
	return tss_hash_words(r, w);
}

/* Hash of a key under a group's mask: tss_hash_words() of the masked
 * words, from the group's own copy of the mask. */
static inline uint64_t key_hash(const struct snic_tss_group *g, const struct snic_fkey *k)
{
	uint64_t h = 0;

	for (unsigned i = 0; i < g->nw; i++)
		h += tss_share(k->w[g->idx[i]] & g->mask[i], i);
	return h ^ (h >> 32);
}

static bool same_value(const struct snic_crule *a, const struct snic_crule *b)
{
	for (unsigned i = 0; i < a->nw; i++)
		if (a->w[i].val != b->w[i].val)
			return false;
	return true;
}

/* Insert rule @r (number @n) into @g unless a lower-numbered rule with the
 * same value is there: that one shadows it. */
static void group_insert(struct snic_tss_group *g, const struct snic_crule *rules, uint32_t n)
{
	const struct snic_crule *r = &rules[n];
	uint64_t h = rule_hash(r);
	uint32_t i = (uint32_t)h & g->tmask;

	for (; g->tab[i].rule != TSS_EMPTY; i = (i + 1) & g->tmask)
		if (g->tab[i].tag == (uint32_t)(h >> 32) && same_value(&rules[g->tab[i].rule], r))
			return;
	g->tab[i].tag = (uint32_t)(h >> 32);
	g->tab[i].rule = n;
}

static int group_of(struct snic_cfg *cfg, struct snic_pool *pl, const struct snic_crule *r,
		    uint32_t n)
{
	struct snic_tss_group *g = &cfg->groups[pl->grp_off];

	for (uint32_t i = 0; i < pl->ngrp; i++)
		if (same_mask(g[i].shape, r))
			return (int)i;
	g[pl->ngrp].shape = r;
	g[pl->ngrp].first = n;
	g[pl->ngrp].nw = r->nw;
	for (unsigned i = 0; i < r->nw; i++) {
		g[pl->ngrp].idx[i] = r->idx[i];
		g[pl->ngrp].mask[i] = r->w[i].mask;
	}
	return (int)pl->ngrp++;
}

/* At most 1/16 full, so that a lookup that misses (most do) ends on its
 * first slot nearly always; @nrules is the group's own. */
static int group_alloc(struct snic_tss_group *g, unsigned nrules)
{
	unsigned size = 8;

	while (size < 16 * nrules)
		size *= 2;
	g->tab = malloc(size * sizeof(*g->tab));
	if (!g->tab)
		return -ENOMEM;
	for (unsigned i = 0; i < size; i++)
		g->tab[i].rule = TSS_EMPTY;
	g->tmask = size - 1;
	return 0;
}

/* How many distinct values word @w takes among the rules of group @grp
 * (@gi: each rule's group, @n rules). */
static unsigned distinct_values(const struct snic_crule *rules, const uint32_t *gi, uint32_t n,
				uint32_t grp, unsigned w)
{
	unsigned d = 0;

	for (uint32_t a = 0; a < n; a++) {
		bool seen = false;

		if (gi[a] != grp)
			continue;
		for (uint32_t b = 0; b < a && !seen; b++)
			seen = gi[b] == grp && rules[b].w[w].val == rules[a].w[w].val;
		d += !seen;
	}
	return d;
}

/* The group's filter (snic_tss_group.filt) on its most varied word. */
static void group_filter(struct snic_tss_group *g, const struct snic_crule *rules,
			 const uint32_t *gi, uint32_t n, uint32_t grp)
{
	unsigned best = 0, fw = 0;

	if (!g->nw) { /* no word to ask: its rules match every key */
		g->fidx = 0;
		g->fraw = 0;
		memset(g->filt, 0xff, sizeof(g->filt));
		return;
	}
	for (unsigned w = 0; w < g->nw; w++) {
		unsigned d = distinct_values(rules, gi, n, grp, w);

		if (d > best) {
			best = d;
			fw = w;
		}
	}
	g->fidx = g->idx[fw];
	g->fraw = snic_tss_raw(g->fidx, g->mask[fw]);
	memset(g->filt, 0, sizeof(g->filt));
	for (uint32_t a = 0; a < n; a++) {
		unsigned b;

		if (gi[a] != grp)
			continue;
		b = snic_tss_fbit(snic_tss_raw(g->fidx, rules[a].w[fw].val));
		g->filt[b >> 6] |= 1ull << (b & 63);
	}
}

/* Groups of one pool: find them (in rule order, so they are sorted by
 * their first rule), size their tables, fill them. */
static int build_pool(struct snic_cfg *cfg, struct snic_pool *pl)
{
	const struct snic_crule *rules = &cfg->rules[pl->rule_off];
	struct snic_tss_group *g = &cfg->groups[pl->grp_off];
	uint32_t *gi = malloc(pl->nrules * sizeof(*gi));
	uint32_t *cnt = calloc(pl->nrules, sizeof(*cnt));

	if (!gi || !cnt) {
		free(gi);
		free(cnt);
		return -ENOMEM;
	}
	for (uint32_t n = 0; n < pl->nrules; n++) {
		gi[n] = (uint32_t)group_of(cfg, pl, &rules[n], n);
		cnt[gi[n]]++;
	}
	for (uint32_t i = 0; i < pl->ngrp; i++) {
		if (group_alloc(&g[i], cnt[i])) {
			free(gi);
			free(cnt);
			return -ENOMEM;
		}
	}
	free(cnt);
	for (uint32_t n = 0; n < pl->nrules; n++)
		group_insert(&g[gi[n]], rules, n);
	for (uint32_t i = 0; i < pl->ngrp; i++)
		group_filter(&g[i], rules, gi, pl->nrules, i);
	pl->lf_fidx = g[0].fidx;
	pl->lf_fraw = g[0].fraw;
	pl->lf_filt = g[0].filt;
	free(gi);
	return 0;
}

int snic_tss_build(struct snic_cfg *cfg)
{
	unsigned total = 0;

	for (unsigned p = 0; p < cfg->npools; p++)
		if (cfg->pool[p].nrules >= TSS_MIN_RULES)
			total += cfg->pool[p].nrules;
	if (!total)
		return 0;
	cfg->groups = calloc(total, sizeof(*cfg->groups));
	if (!cfg->groups)
		return -ENOMEM;
	for (unsigned p = 0, off = 0; p < cfg->npools; p++) {
		struct snic_pool *pl = &cfg->pool[p];

		if (pl->nrules < TSS_MIN_RULES)
			continue;
		pl->grp_off = off;
		off += pl->nrules;
		cfg->ngroups = off;
		if (build_pool(cfg, pl))
			return -ENOMEM;
	}
	return 0;
}

void snic_tss_free(struct snic_cfg *cfg)
{
	for (unsigned i = 0; i < cfg->ngroups; i++)
		free(cfg->groups[i].tab);
	free(cfg->groups);
}

const struct snic_crule *snic_tss_lookup_linear(const struct snic_cfg *cfg,
						const struct snic_pool *pl,
						const struct snic_fkey *k)
{
	const struct snic_crule *r = &cfg->rules[pl->rule_off];

	for (uint32_t i = 0; i < pl->nrules; i++)
		if (snic_crule_match(&r[i], k))
			return &r[i];
	return NULL;
}

/* The lowest-numbered rule of @g matching @k, or TSS_EMPTY. */
static uint32_t group_lookup(const struct snic_tss_group *g, const struct snic_crule *rules,
			     const struct snic_fkey *k)
{
	uint64_t h;
	uint32_t i;

	if (!snic_tss_passes(g, k))
		return TSS_EMPTY;
	h = key_hash(g, k);
	i = (uint32_t)h & g->tmask;
	for (; g->tab[i].rule != TSS_EMPTY; i = (i + 1) & g->tmask)
		if (g->tab[i].tag == (uint32_t)(h >> 32) &&
		    snic_crule_match(&rules[g->tab[i].rule], k))
			return g->tab[i].rule;
	return TSS_EMPTY;
}

const struct snic_crule *snic_tss_lookup(const struct snic_cfg *cfg, const struct snic_pool *pl,
					 const struct snic_fkey *k)
{
	const struct snic_crule *rules;
	const struct snic_tss_group *g;
	uint32_t best = TSS_EMPTY;

	if (!pl->ngrp) /* cfg->groups may be NULL then */
		return snic_tss_lookup_linear(cfg, pl, k);
	rules = &cfg->rules[pl->rule_off];
	g = &cfg->groups[pl->grp_off];
	for (uint32_t i = 0; i < pl->ngrp && g[i].first < best; i++) {
		uint32_t n = group_lookup(&g[i], rules, k);

		if (n < best)
			best = n;
	}
	return best == TSS_EMPTY ? NULL : &rules[best];
}
