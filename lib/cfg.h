/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * struct snic_cfg: the compiled, immutable snapshot the data path reads.
 * cfg.c builds it from a snic_nic (snic_nic_commit), switch.c fills its
 * FDB and multicast tables, flow.c its rules; rx.c, tx.c and steer.c only
 * read it.
 */
#ifndef SNIC_CFG_H
#define SNIC_CFG_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "snic/dp.h"
#include "snic/flow.h"
#include "snic/rss.h"

#include "nic_impl.h"
#include "parse_impl.h"

/* Shared by the data path's files only: bound inside libsnic, called
 * directly, not through the PLT. */
#define DP_HIDDEN __attribute__((visibility("hidden")))

/* A frame's VLAN when it has none (or only a priority tag, VID 0). */
#define SNIC_VID_NONE 0x1000u
/* An FDB member that takes every VLAN its pool's filter passes. */
#define SNIC_VID_ANY  0xffffu

/* One pool as the data path sees it. */
struct snic_pool {
	uint8_t rx_on; /* link: enable, or auto with the PF link up */
	uint8_t is_vf;
	uint8_t rxmode;	  /* effective enum snic_rxmode */
	uint8_t pvlan;	  /* has a port VLAN */
	uint8_t vlan_any; /* passes every VLAN (PF without filter, promiscuous) */
	uint8_t spoofchk;
	uint8_t trust;
	uint8_t no_rss; /* a VF of a device that gives VFs no RSS: queue 0 */
	uint16_t pvid;	/* port VLAN id */
	uint16_t ptpid; /* its TPID */
	uint16_t ptci;	/* qos << 13 | pvid */
	uint16_t nqueues;
	uint16_t qmask;	   /* nqueues - 1 with qpow2 */
	uint8_t qpow2;	   /* nqueues is a power of two (1 too): no modulo */
	uint16_t bctx;	   /* bucket counter context of its own RSS conf */
	uint32_t rule_off; /* its rules: cfg->rules[rule_off .. +nrules) */
	uint32_t nrules;
	uint32_t grp_off; /* its rule groups: cfg->groups[grp_off .. +ngrp) */
	uint32_t ngrp;	  /* 0: its rules are scanned linearly */
	/* its first group's filter, in the pool itself for snic_rx's lane
	 * (snic_tss_group.fidx, fraw, filt) */
	uint8_t lf_fidx;
	uint64_t lf_fraw;
	const uint64_t *lf_filt;
	/* snic_rx's lane: the hash input length of TCP4, UDP4, TCP6, UDP6
	 * (index v6 << 1 | udp) where it is a run of the frame's bytes from
	 * the source address and the pool takes such frames as they are,
	 * else 0 (cfg.c, cfg_lane_len) */
	uint8_t lane_len[4];
	uint8_t lane_l2;  /* the pool takes untagged frames as they are (the lane's L2 shape) */
	uint8_t lane_tun; /* ... and hashes a tunnel's outer headers (the lane's VXLAN) */
	/* snic_rx's lane, RSS by its own conf, a step each (cfg.c,
	 * cfg_lane_place): a hash's RETA index, hash & rmask or with rmod
	 * hash % rsize (rconf's rule and size, copied to be read with the
	 * pool's other fields: 0.4 ns a frame in bench_classify); the
	 * index's queue, rconf->reta[index] (a pool whose RETA names a queue
	 * it lacks leaves the lane); the pool's queue and bucket counters in
	 * a snic_ctr of the profile, from queue[qoff] and bucket[boff] */
	uint8_t rmod;
	uint16_t rsize;
	uint32_t rmask;
	uint32_t qoff;
	uint32_t boff;
	const struct snic_rss *rss;	   /* its hash: any compiled conf that hashes alike */
	const struct snic_rss_conf *rconf; /* its own conf: the RETA (shared on 82599) */
	uint64_t rate_mbps;		   /* max_tx_rate, 0 = none */
	uint64_t tb_depth;		   /* token bucket depth, bits */
};

/* FDB: MAC -> members (pool, VID), open addressing. */
struct snic_fdb_ent {
	uint64_t key;  /* MAC in the low 48 bits, bit 63 set; 0 = empty */
	uint32_t off;  /* first member */
	uint16_t n;    /* members, sorted by pool */
	uint16_t pool; /* the first member's pool, in the entry's own cache line */
};

struct snic_fdb_member {
	uint16_t pool;
	uint16_t vid; /* SNIC_VID_ANY, or the port VLAN the MAC is reached on */
};

struct snic_fdb {
	struct snic_fdb_ent *tab;
	uint32_t mask; /* table size - 1 */
	struct snic_fdb_member *mem;
	uint32_t nmem;
};

/* The match key of a frame, built once when a pool has rules: 8 words
 * compared under a rule's mask. */
struct snic_fkey {
	union {
		struct {
			uint8_t dmac[6];
			uint16_t ethertype;
			uint16_t vlan_tci;
			uint16_t meta; /* SNIC_FK_* */
			uint8_t l4_proto;
			uint8_t pad[3];
			uint16_t sport;
			uint16_t dport;
			uint32_t vni;
			uint32_t teid;
			uint32_t pad2;
			uint8_t ip_src[16];
			uint8_t ip_dst[16];
		};
		uint64_t w[8];
	};
};

#define SNIC_FK_VLAN (1u << 0) /* the frame has an outer VLAN tag */
#define SNIC_FK_IPV4 (1u << 1)
#define SNIC_FK_IPV6 (1u << 2)
#define SNIC_FK_L4   (1u << 3) /* ports were read */
#define SNIC_FK_VNI  (1u << 4) /* VXLAN or GENEVE with its VNI */
#define SNIC_FK_TEID (1u << 5) /* GTP-U with its TEID */
#define SNIC_FK_IP   (1u << 6) /* IPv4 or IPv6 */

/* One key word a rule compares: (key.w[idx] & mask) == val. */
struct snic_cword {
	uint64_t mask;
	uint64_t val;
};

/* A compiled flow rule: only the key words its mask touches, so that a
 * rule on a port and a protocol compares two words, and the header and the
 * first words share a cache line. */
struct snic_crule {
	uint8_t nw;	/* words compared */
	uint8_t idx[8]; /* their index in the key */
	uint8_t action;
	uint8_t flags;
	uint8_t pad;
	uint16_t queue;
	uint16_t slot;
	uint16_t bctx; /* bucket context of its RSS conf */
	uint32_t mark;
	struct snic_cword w[8];
	const struct snic_rss *rss;
	const struct snic_rss_conf *rconf;
};

/* Tuple space search (tss.c): the rules of one mask in a hash table. */
struct snic_tss_ent {
	uint32_t tag;  /* the hash's high half; the low bits pick the slot */
	uint32_t rule; /* number in the pool's rules, 0xffffffff = empty */
};

#define SNIC_TSS_FILT_BITS 2048 /* bits of a group's filter: 2^(64 - 53), snic_tss_fbit */

struct snic_tss_group {
	/* A filter before the table: a bit for each rule's value of key word
	 * fidx under its mask, in wire order (snic_tss_raw; tss.c,
	 * group_filter). A key whose bit is clear matches none of the group's
	 * rules, at the cost of one word instead of the hash of all and a
	 * probe; snic_rx's lane reads that word from the frame itself. */
	uint64_t filt[SNIC_TSS_FILT_BITS / 64];
	uint64_t fraw; /* the word's mask, in wire order */
	uint8_t fidx;  /* of the shape's words, the one whose values differ most */
	/* The shape's words, in the group itself for the lookup: key word
	 * idx[i] under mask[i], i < nw. */
	uint8_t nw;
	uint8_t idx[8];
	const struct snic_crule *shape; /* its first rule: the mask */
	uint32_t first;			/* lowest rule number in the group */
	uint32_t tmask;			/* table size - 1 */
	struct snic_tss_ent *tab;
	uint64_t mask[8];
};

struct snic_plug;

struct snic_cfg {
	const struct snic_profile *p;
	uint16_t npools;
	uint16_t pf; /* the PF's pool */
	uint16_t max_frame;
	uint16_t lane_max; /* the longest frame the lane takes: max_frame, parse's limit */
	uint16_t n_allmc;
	uint16_t n_promisc;
	struct snic_pool *pool; /* [npools] */
	uint64_t *vlan;		/* [npools * SNIC_VLAN_WORDS] */
	struct snic_fdb uc;	/* unicast: own MACs and MACVLAN filters */
	struct snic_fdb mc;	/* multicast groups joined */
	uint16_t *allmc;	/* pools taking every multicast, ascending */
	uint16_t *promisc;	/* pools taking unknown unicast beside the PF */
	struct snic_crule *rules;
	unsigned nrules;
	struct snic_tss_group *groups;
	unsigned ngroups;
	struct snic_rss **rss; /* compiled confs this snapshot owns */
	unsigned nrss;
	const struct snic_rss **ctx_rss; /* [p->rss_contexts], NULL when unused */
	struct snic_plug *plug;
	const struct snic_plugin *plugin; /* NULL: no hook */
	void *pstate;
	uint8_t link_up; /* the PF's link: the wire, for snic_rx and snic_tx */
};

/* --- switch.c ------------------------------------------------------------- */

/* Build the FDB and multicast tables of @cfg from @nic. */
int snic_switch_build(struct snic_cfg *cfg, const struct snic_nic *nic, struct snic_err *err);
void snic_switch_free(struct snic_cfg *cfg);

static inline uint64_t snic_mac_key(const uint8_t m[6])
{
	return (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 | (uint64_t)m[2] << 24 |
	       (uint64_t)m[3] << 16 | (uint64_t)m[4] << 8 | m[5] | 1ull << 63;
}

static inline uint32_t snic_fdb_hash(uint64_t key)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32);
}

/* The 8 bytes at @p as one word, in the host's byte order. */
static inline uint64_t snic_ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* snic_mac_key() of the destination MAC of frame @f, read as one word: 8
 * bytes of @f must be readable (any frame of 14 bytes or more). */
static inline uint64_t snic_mac_key_frame(const uint8_t *f)
{
	uint64_t w = snic_ld64(f);

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w >> 16 | 1ull << 63;
}

/* Where the lookup of MAC key @key (snic_mac_key) starts: for a prefetch. */
static inline const struct snic_fdb_ent *snic_fdb_home(const struct snic_fdb *f, uint64_t key)
{
	return &f->tab[snic_fdb_hash(key) & f->mask];
}

/* The entry of MAC key @key, or NULL. Data path. */
static inline const struct snic_fdb_ent *snic_fdb_find_key(const struct snic_fdb *f, uint64_t key)
{
	const struct snic_fdb_ent *e = snic_fdb_home(f, key);

	while (e->key != key) {
		if (!e->key)
			return NULL;
		e = e == &f->tab[f->mask] ? f->tab : e + 1;
	}
	return e;
}

/* The entry of @mac, or NULL. Data path. */
DP_HIDDEN const struct snic_fdb_ent *snic_fdb_find(const struct snic_fdb *f, const uint8_t mac[6]);
/* The plain twin of snic_fdb_find: a linear scan of the members. Tests. */
const struct snic_fdb_ent *snic_fdb_find_ref(const struct snic_fdb *f, const uint8_t mac[6]);

/* --- flow.c --------------------------------------------------------------- */

/* Compile @nic's rules into cfg->rules, grouped by pool in priority order;
 * the RSS confs of contexts must already be compiled (cfg_rss_find). */
int snic_flow_compile(struct snic_cfg *cfg, const struct snic_nic *nic, struct snic_err *err);
DP_HIDDEN void snic_fkey_build(struct snic_fkey *k, const struct snic_pkt *pkt);

/* snic_fkey_build() of the parse of @f, a frame of the fast shape @shape
 * (parse_impl.h) that is no tunnel or VXLAN (with SNIC_SHAPE_VNI: @vni),
 * or of SNIC_SHAPE_L2, from its bytes. */
static inline void snic_fkey_build_shape(struct snic_fkey *k, const uint8_t *f, unsigned shape,
					 uint32_t vni)
{
	bool v6 = shape & SNIC_SHAPE_V6;
	const uint8_t *l4;

	memcpy(k->dmac, f, 6);
	k->ethertype = snic_rd16(f + 12);
	k->vlan_tci = 0;
	memset(k->pad, 0, sizeof(k->pad));
	k->teid = 0;
	k->pad2 = 0;
	if (shape & SNIC_SHAPE_L2) {
		k->vni = 0;
		k->meta = 0;
		k->l4_proto = 0;
		k->sport = 0;
		k->dport = 0;
		memset(k->ip_src, 0, 16);
		memset(k->ip_dst, 0, 16);
		return;
	}
	l4 = f + (v6 ? SNIC_SHAPE_L4_V6 : SNIC_SHAPE_L4_V4);
	k->meta = (uint16_t)(SNIC_FK_IP | SNIC_FK_L4 | (v6 ? SNIC_FK_IPV6 : SNIC_FK_IPV4) |
			     (shape & SNIC_SHAPE_VNI ? SNIC_FK_VNI : 0));
	k->vni = shape & SNIC_SHAPE_VNI ? vni : 0;
	k->l4_proto = shape & SNIC_SHAPE_UDP ? 17 : 6;
	k->sport = snic_rd16(l4);
	k->dport = snic_rd16(l4 + 2);
	if (v6) {
		memcpy(k->ip_src, f + SNIC_SHAPE_SRC_V6, 16);
		memcpy(k->ip_dst, f + SNIC_SHAPE_SRC_V6 + 16, 16);
		return;
	}
	memcpy(k->ip_src, f + SNIC_SHAPE_SRC_V4, 4);
	memset(k->ip_src + 4, 0, 12);
	memcpy(k->ip_dst, f + SNIC_SHAPE_SRC_V4 + 4, 4);
	memset(k->ip_dst + 4, 0, 12);
}

/*
 * snic_rx's lane reads the filter word of a rule group (snic_tss_raw of
 * key word fidx) straight from a frame of its shape, without the key:
 * (8 bytes at a & ma) | (8 bytes at b & mb) | c, from
 * snic_lane_words[snic_lane_si(shape)][fidx]; every read lies inside any
 * frame of the shape. The same word as snic_tss_raw(fidx, k.w[fidx]) of
 * the key k snic_fkey_build_shape() builds (tests/unit/test_tss.c).
 * The recipes are written for little-endian hosts (tss.c refuses to build
 * on others).
 */
struct snic_lane_word {
	uint64_t ma, mb, c;
	uint8_t a, b;
};

#define SNIC_LANE_SHAPES 16
DP_HIDDEN extern const struct snic_lane_word snic_lane_words[SNIC_LANE_SHAPES][8];

/* The row of snic_lane_words of a lane shape: UDP, V6, L2 and VNI, in
 * bits 0..3. */
static inline unsigned snic_lane_si(unsigned shape)
{
	_Static_assert(SNIC_SHAPE_UDP == 2 && SNIC_SHAPE_V6 == 4 && SNIC_SHAPE_L2 == 8 &&
			       SNIC_SHAPE_VNI == 32,
		       "the shape bits snic_lane_si packs");
	return (shape >> 1 & 7) | (shape >> 2 & 8);
}

/* The word recipe @r reads from frame @f. */
static inline uint64_t snic_lane_word(const uint8_t *f, const struct snic_lane_word *r)
{
	return (snic_ld64(f + r->a) & r->ma) | (snic_ld64(f + r->b) & r->mb) | r->c;
}

/* snic_tss_raw of key word @fidx of frame @f, of lane shape row @si. */
static inline uint64_t snic_lane_raw(const uint8_t *f, unsigned si, unsigned fidx)
{
	return snic_lane_word(f, &snic_lane_words[si][fidx]);
}

static inline bool snic_crule_match(const struct snic_crule *r, const struct snic_fkey *k)
{
	uint64_t diff = 0;

	for (unsigned i = 0; i < r->nw; i++)
		diff |= (k->w[r->idx[i]] & r->w[i].mask) ^ r->w[i].val;
	return !diff;
}

/* --- tss.c ---------------------------------------------------------------- */

/* Group the rules of pools with many into hash tables by mask. */
int snic_tss_build(struct snic_cfg *cfg);
void snic_tss_free(struct snic_cfg *cfg);
/* The first of @pl's rules (priority, then age) that @k matches, or NULL. */
DP_HIDDEN const struct snic_crule *snic_tss_lookup(const struct snic_cfg *cfg,
						   const struct snic_pool *pl,
						   const struct snic_fkey *k);
/* The same by a linear scan: the plain twin, and the path of small pools. */
DP_HIDDEN const struct snic_crule *snic_tss_lookup_linear(const struct snic_cfg *cfg,
							  const struct snic_pool *pl,
							  const struct snic_fkey *k);

/* The filter bit of a masked key word: the top 11 bits of a
 * multiplicative hash, which every bit of the word feeds. */
static inline unsigned snic_tss_fbit(uint64_t v)
{
	_Static_assert(SNIC_TSS_FILT_BITS == 1u << (64 - 53), "the filter's bits");
	return (unsigned)((v * 0x9e3779b97f4a7c15ull) >> 53);
}

/* Does filter @filt let the masked wire-order word @v through? */
static inline bool snic_tss_filt_test(const uint64_t *filt, uint64_t v)
{
	unsigned b = snic_tss_fbit(v);

	return filt[b >> 6] >> (b & 63) & 1;
}

/*
 * Key word @fidx with its bytes in the frame's order: the same but for
 * the fields snic_fkey holds as host-order numbers, the ethertype (word 0,
 * bytes 6..7), the ports and the VNI (word 2, bytes 0..1, 2..3 and 4..6).
 * A byte permutation: snic_tss_raw(i, a & b) == snic_tss_raw(i, a) &
 * snic_tss_raw(i, b).
 */
static inline uint64_t snic_tss_raw(unsigned fidx, uint64_t w)
{
	if (fidx == 0)
		return (w & 0x0000ffffffffffffull) | (w >> 8 & 0x00ff000000000000ull) |
		       (w << 8 & 0xff00000000000000ull);
	if (fidx == 2)
		return (w >> 8 & 0x00ff00ffull) | (w << 8 & 0xff00ff00ull) |
		       (w >> 16 & 0x000000ff00000000ull) | (w & 0xff00ff0000000000ull) |
		       (w << 16 & 0x00ff000000000000ull);
	return w;
}

/* Does group @g's filter let the wire-order filter word @raw through? */
static inline bool snic_tss_passes_raw(const struct snic_tss_group *g, uint64_t raw)
{
	return snic_tss_filt_test(g->filt, raw & g->fraw);
}

/* Does group @g's filter let @k through to its table? */
static inline bool snic_tss_passes(const struct snic_tss_group *g, const struct snic_fkey *k)
{
	return snic_tss_passes_raw(g, snic_tss_raw(g->fidx, k->w[g->fidx]));
}

/*
 * Whether a rule of @pl, a pool with rule groups (ngrp), may match @k:
 * false when each group's filter turns @k away, and snic_tss_lookup()
 * would return NULL. The filters alone, without a call, for the many
 * frames that match no rule.
 */
static inline bool snic_tss_maybe(const struct snic_cfg *cfg, const struct snic_pool *pl,
				  const struct snic_fkey *k)
{
	const struct snic_tss_group *g = &cfg->groups[pl->grp_off];

	for (uint32_t i = 0; i < pl->ngrp; i++)
		if (snic_tss_passes(&g[i], k))
			return true;
	return false;
}

/* snic_tss_lookup(), its call left out where the filters turn @k away. */
static inline const struct snic_crule *snic_tss_find(const struct snic_cfg *cfg,
						     const struct snic_pool *pl,
						     const struct snic_fkey *k)
{
	return !pl->ngrp || snic_tss_maybe(cfg, pl, k) ? snic_tss_lookup(cfg, pl, k) : NULL;
}

/* --- ctr.c ---------------------------------------------------------------- */

/* The shape of a snic_ctr of @p: queues per vport, buckets per context. */
DP_HIDDEN unsigned snic_ctr_nqueues(const struct snic_profile *p);
DP_HIDDEN unsigned snic_ctr_reta_size(const struct snic_profile *p);

/* --- cfg.c ---------------------------------------------------------------- */

/* The compiled RSS of context @ctx (>= 1) and its bucket context. */
const struct snic_rss *snic_cfg_ctx_rss(const struct snic_cfg *cfg, unsigned ctx, uint16_t *bctx);

#endif
