/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames from the wire: parse once, find the candidate pools, offer each
 * a copy (steer.c).
 *
 * Candidates, in pool order:
 *  - broadcast: every pool;
 *  - multicast: the pools that joined the group (receive mode MULTI) and
 *    the pools taking every multicast (ALLMULTI, PROMISC), PF included;
 *  - unicast: the FDB members of the destination MAC whose VID is "any"
 *    or the frame's VLAN. When the MAC is known but no member is on the
 *    frame's VLAN, every member is a candidate and refuses it (VLAN
 *    filtered): as 82599 intersects the MAC filter's pools with the VLAN
 *    filter's, a MAC match never falls back to the default pool. A MAC
 *    the FDB does not know is unknown unicast: it goes to the promiscuous
 *    VFs and the PF's pool (82599's default pool, PFVTCTL.DEF_PL, which
 *    ixgbe points at the PF).
 * A VF with an all-zero MAC has no FDB entry: it receives broadcast and
 * multicast only. A frame no candidate takes is dropped once, under the
 * first candidate's reason (NO_VPORT when there was none).
 *
 * Most frames take the lane (lane_*): read straight from their bytes,
 * without the parse. The others take the general path, which parses them.
 */
#include "snic/dp.h"

#include "dp_impl.h"

static void rx_unicast(const struct snic_cfg *cfg, struct dp_frame *fr, struct dp_out *o)
{
	const struct snic_fdb_ent *e = fr->fdb;

	if (e) {
		const struct snic_fdb_member *m = &cfg->uc.mem[e->off];
		unsigned hits = 0;

		for (uint32_t i = 0; i < e->n; i++) {
			if (m[i].vid != SNIC_VID_ANY && m[i].vid != fr->vid)
				continue;
			dp_pool(cfg, fr, m[i].pool, o);
			hits++;
		}
		for (uint32_t i = 0; !hits && i < e->n; i++)
			dp_pool(cfg, fr, m[i].pool, o);
		return;
	}
	for (unsigned i = 0; i < cfg->n_promisc; i++)
		dp_pool(cfg, fr, cfg->promisc[i], o);
	dp_pool(cfg, fr, cfg->pf, o);
}

static void rx_switch(const struct snic_cfg *cfg, struct dp_frame *fr, struct dp_out *o)
{
	if (dp_is_bcast(fr->data)) {
		fr->dflags = SNIC_DEST_BCAST;
		for (unsigned p = 0; p < cfg->npools; p++)
			dp_pool(cfg, fr, p, o);
	} else if (fr->data[0] & 1) {
		fr->dflags = SNIC_DEST_MCAST;
		dp_mcast(cfg, fr, SNIC_VPORT_WIRE, o);
	} else {
		rx_unicast(cfg, fr, o);
	}
}

/* Parse the frames @gi of a chunk (burst indices); meanwhile fetch the FDB
 * slot of each unicast frame. A frame too short for Ethernet is left with
 * len 0 for snic_rx to drop. */
static void rx_parse(const struct snic_cfg *cfg, const struct snic_frame *frames,
		     const uint32_t *gi, unsigned m, struct dp_frame *fr)
{
	for (unsigned k = 0; k < m; k++) {
		const struct snic_frame *f = &frames[gi[k]];

		if (f->len < 14) {
			fr[k].len = 0;
			continue;
		}
		dp_frame_init(&fr[k], cfg, f->data, f->len, gi[k]);
		if (!(f->data[0] & 1))
			__builtin_prefetch(snic_fdb_home(&cfg->uc, snic_mac_key_frame(f->data)));
	}
}

/*
 * The FDB entries of the chunk's unicast frames, and the pool of those
 * whose MAC has one owner (fr->only, their one candidate); for each whose
 * MAC's first owner, the pool it most likely reaches, has flow rules, that
 * pool in @lp (else DP_NO_POOL) and the frame's rule key.
 */
static void rx_lookup(const struct snic_cfg *cfg, struct dp_frame *fr, unsigned m, uint16_t *lp)
{
	for (unsigned k = 0; k < m; k++) {
		const struct snic_fdb_ent *e;
		unsigned p;

		lp[k] = DP_NO_POOL;
		fr[k].only = DP_NO_POOL;
		if (!fr[k].len || (fr[k].data[0] & 1))
			continue;
		e = snic_fdb_find_key(&cfg->uc, snic_mac_key_frame(fr[k].data));
		fr[k].fdb = e;
		if (!e)
			continue;
		p = e->pool;
		if (e->n == 1) /* on the frame's VLAN or not (rx_unicast) */
			fr[k].only = (uint16_t)p;
		if (!cfg->pool[p].nrules)
			continue;
		snic_fkey_build(&fr[k].key, &fr[k].pkt);
		fr[k].has_key = 1;
		lp[k] = (uint16_t)p;
	}
}

/*
 * The flow rules of those pools, looked up ahead for the whole chunk: one
 * short loop of independent lookups overlaps their latency, and the keys,
 * built in the loop before, are out of the store buffer when the lookups
 * read them back word by word.
 */
static void rx_rules(const struct snic_cfg *cfg, struct dp_frame *fr, unsigned m,
		     const uint16_t *lp)
{
	for (unsigned k = 0; k < m; k++) {
		if (lp[k] == DP_NO_POOL)
			continue;
		fr[k].rule = snic_tss_find(cfg, &cfg->pool[lp[k]], &fr[k].key);
		fr[k].rpool = lp[k];
	}
}

/* Does rule @r (or none) do more than choose a queue? */
static bool rule_does_more(const struct snic_crule *r)
{
	return r && (r->action != SNIC_ACT_QUEUE || (r->flags & SNIC_FLOW_F_MARK));
}

/*
 * The one copy @d of a frame of @len bytes that its pool takes as it is:
 * queued by rule @r (QUEUE without a mark) when there is one, returning
 * true; else false, RSS to choose the queue. The caller counts it
 * delivered.
 */
static bool rx_one(struct snic_ctr *ctr, struct snic_dest *d, const struct snic_crule *r,
		   uint32_t len)
{
	d->vlan_tci = 0;
	d->vlan_tpid = 0;
	d->vlan_action = SNIC_VLAN_KEEP;
	if (!r)
		return false;
	d->queue = r->queue;
	d->flags |= SNIC_DEST_RULE;
	d->rule = r->slot;
	dp_count_queue(ctr, d, len);
	ctr->rule_hits[r->slot]++;
	return true;
}

/*
 * The common case in few steps: a frame whose one candidate pool takes it
 * (link up, its VLAN filter passes with nothing to push, it fits) and
 * spreads it by RSS, or sends it to a queue by a flow rule without a mark.
 * The same destination and counters as dp_pool_only(), which takes every
 * other frame: returns false then, having changed nothing. Needs deferred
 * RSS (no steering hook) and room for the destination.
 */
static bool rx_fast(const struct snic_cfg *cfg, struct snic_ctr *ctr, struct dp_frame *fr,
		    struct snic_dest *d, struct dp_defer *df)
{
	unsigned p = fr->only;
	const struct snic_pool *pl = &cfg->pool[p];
	const struct snic_crule *r = NULL;

	if (!pl->rx_on || pl->pvlan || pl->no_rss || fr->len > fr->limit ||
	    !dp_vlan_passes(cfg, fr, p, pl))
		return false;
	if (pl->nrules) {
		if (fr->rpool != p)
			return false;
		r = fr->rule;
		if (rule_does_more(r))
			return false;
	}
	dp_dest_init(d, fr, p);
	ctr->rx.delivered++;
	if (rx_one(ctr, d, r, fr->len))
		return true;
	dp_defer_rss(df, fr, pl->rss, pl->rconf, pl->bctx, d);
	return true;
}

/*
 * The lane: a unicast frame of the fast shape (parse_impl.h) that is no
 * tunnel's or VXLAN's (not UDP to 6081 or 2152; VXLAN only to a pool that
 * hashes outer headers), or of the L2 shape (untagged, not IP), whose one
 * candidate pool takes it (link up, no port VLAN, RSS, it fits; an
 * untagged frame passes every VLAN filter) and gives it a queue by RSS or
 * by a flow rule's QUEUE action without a mark. The candidate is
 * the MAC's one owner, or for a MAC the FDB does not know the PF's pool
 * when no VF is promiscuous. Its pool's rule filters read their words from
 * the bytes (snic_lane_raw) and only a frame one lets through has its
 * flow key built (snic_fkey_build_shape); its hash input is the frame
 * itself (pool.lane_len), or none for the L2 shape (not IP: hash 0). The
 * lane keeps what a loop reads back in registers or in rx_lane: chains of
 * loads that wait on each other (a counter in memory, a pool found from
 * its index, a group from its pool) cost more than the work. The same
 * destination and counters as the general path, which takes every other
 * frame; tests/unit/test_model.c compares both with the reference model.
 */
#define LANE_GENERAL DP_NO_POOL /* rx_lane.pool: the general path */

struct rx_lane {
	const struct snic_crule *rule;
	const struct snic_pool *pl;	 /* cfg->pool[pool] */
	const struct snic_lane_word *lw; /* with rule groups: the first's word */
	uint16_t pool;
	uint8_t shape;	 /* its shape, for a pool with rules (lane_rules) */
	uint8_t src_off; /* the source address: where the hash input starts */
	uint8_t len;	 /* the hash input's length, 0 when none (not IP) */
	uint8_t job;	 /* with len and no rule: its hash job, in a chunk the
			  * lane takes whole (lane_emit_all) */
};

/*
 * The shape of the @len bytes at @f, a whole Ethernet header: of the fast
 * shape, with its tunnel (@vni set with SNIC_SHAPE_VNI), or of the L2
 * shape; 0 or ~0u when neither (parse_impl.h). The ethertype is read once
 * for both tests.
 */
static inline unsigned lane_shape(const uint8_t *f, uint32_t len, uint32_t *vni)
{
	uint16_t type = snic_rd16(f + 12);
	uint32_t l3_end;
	unsigned shape;

	if (type != 0x0800 && type != 0x86dd)
		return snic_l2_shape(f, len);
	shape = snic_fast_shape(f, len, &l3_end);
	return shape ? shape | snic_shape_tunnel(f, shape, vni) : 0;
}

/* lane_len's index of an IP shape: v6 << 1 | udp. */
static unsigned lane_idx(unsigned shape)
{
	_Static_assert(SNIC_SHAPE_UDP == 2 && SNIC_SHAPE_V6 == 4, "shape bits 1, 2: udp, v6");
	return (shape >> 1) & 3;
}

/* Does pool @pl take a frame of @shape in the lane? */
static bool lane_takes(const struct snic_pool *pl, unsigned shape)
{
	if (shape & SNIC_SHAPE_L2)
		return pl->lane_l2;
	return pl->lane_len[lane_idx(shape)] && (pl->lane_tun || !(shape & SNIC_SHAPE_VXLAN));
}

/* The one candidate pool of a unicast frame to MAC key @key: the MAC's
 * one owner or, for a MAC the FDB does not know, the PF's pool when no VF
 * is promiscuous; else LANE_GENERAL. */
static inline unsigned lane_owner(const struct snic_cfg *cfg, uint64_t key)
{
	const struct snic_fdb_ent *e = snic_fdb_find_key(&cfg->uc, key);

	if (e)
		return e->n == 1 ? e->pool : LANE_GENERAL;
	return cfg->n_promisc ? LANE_GENERAL : cfg->pf;
}

/*
 * Whether a rule of pool @pl, which has rules, may match frame @f of the
 * lane's @shape (as snic_tss_maybe), without its key: each group's filter
 * asked with its word read from the frame (snic_lane_raw), the first
 * group's from the pool itself with @lw, that word's recipe for the
 * shape (lane_pool). True for a pool that scans its rules linearly.
 */
static inline bool lane_maybe(const struct snic_cfg *cfg, const struct snic_pool *pl,
			      const uint8_t *f, unsigned shape, const struct snic_lane_word *lw)
{
	const struct snic_tss_group *g;
	unsigned si;

	if (!pl->ngrp)
		return true;
	if (snic_tss_filt_test(pl->lf_filt, snic_lane_word(f, lw) & pl->lf_fraw))
		return true;
	g = &cfg->groups[pl->grp_off];
	si = snic_lane_si(shape);
	for (uint32_t i = 1; i < pl->ngrp; i++)
		if (snic_tss_passes_raw(&g[i], snic_lane_raw(f, si, g[i].fidx)))
			return true;
	return false;
}

/*
 * For each frame of the chunk, whether the lane takes it: its shape, then
 * its owner pool, if that pool takes the frame in the lane; in @nlook how
 * many have a pool with rules; for the others RSS spreads, their hash
 * jobs in @df. Returns how many frames the lane does not take.
 */
static unsigned lane_pool(const struct snic_cfg *cfg, const struct snic_frame *frames,
			  unsigned base, unsigned m, struct rx_lane *ln, unsigned *nlook,
			  struct dp_defer *df)
{
	unsigned ngen = 0, last_pool = LANE_GENERAL, nj = df->njob, look = 0;
	uint64_t last_key = 0; /* no MAC key is 0 (snic_mac_key) */

	for (unsigned k = 0; k < m; k++) {
		const struct snic_frame *f = &frames[base + k];
		const struct snic_pool *pl;
		uint64_t mkey;
		uint32_t vni = 0;
		unsigned shape, p;

		ln[k].pool = LANE_GENERAL;
		/* SNIC_SHAPE_L3 <= len <= lane_max, in one compare */
		if (f->len - SNIC_SHAPE_L3 > (uint32_t)cfg->lane_max - SNIC_SHAPE_L3 ||
		    (f->data[0] & 1))
			goto general;
		shape = lane_shape(f->data, f->len, &vni);
		if (!shape || shape == ~0u)
			goto general;
		mkey = snic_mac_key_frame(f->data);
		if (mkey != last_key) { /* consecutive frames to one MAC: one lookup */
			last_key = mkey;
			last_pool = lane_owner(cfg, mkey);
		}
		p = last_pool;
		if (p == LANE_GENERAL)
			goto general;
		pl = &cfg->pool[p];
		if (!lane_takes(pl, shape))
			goto general;
		ln[k].pool = (uint16_t)p;
		ln[k].pl = pl;
		ln[k].rule = NULL;
		ln[k].len = 0; /* the L2 shape: no hash input */
		if (!(shape & SNIC_SHAPE_L2)) {
			ln[k].len = pl->lane_len[lane_idx(shape)];
			ln[k].src_off =
				shape & SNIC_SHAPE_V6 ? SNIC_SHAPE_SRC_V6 : SNIC_SHAPE_SRC_V4;
		}
		if (!pl->nrules) {
			if (ln[k].len)
				ln[k].job = (uint8_t)dp_defer_put(
					df, nj++, pl->rss, f->data + ln[k].src_off, ln[k].len);
			continue;
		}
		ln[k].shape = (uint8_t)shape;
		ln[k].lw = &snic_lane_words[snic_lane_si(shape)][pl->lf_fidx];
		look++;
		continue;
	general:
		ngen++;
	}
	df->njob = nj;
	*nlook = look;
	return ngen;
}

/* The rule of frame @f of the lane's @shape in pool @pl: its key built
 * and the rules looked up. */
static const struct snic_crule *lane_rule(const struct snic_cfg *cfg, const struct snic_pool *pl,
					  const uint8_t *f, unsigned shape)
{
	struct snic_fkey key;
	uint32_t vni = 0;

	if (shape & SNIC_SHAPE_VNI)
		snic_shape_tunnel(f, shape, &vni);
	snic_fkey_build_shape(&key, f, shape, vni);
	return snic_tss_lookup(cfg, pl, &key);
}

/* The rules of those pools, looked up ahead for the chunk (as rx_rules);
 * a frame whose rule does more than choose a queue leaves the lane; one
 * that no rule matches gets its hash job in @df. Returns how many left. */
static unsigned lane_rules(const struct snic_cfg *cfg, const struct snic_frame *frames,
			   unsigned base, unsigned m, struct rx_lane *ln, struct dp_defer *df)
{
	unsigned left = 0, nj = df->njob;

	for (unsigned k = 0; k < m; k++) {
		const struct snic_pool *pl;
		const struct snic_crule *r;

		if (ln[k].pool == LANE_GENERAL)
			continue;
		pl = ln[k].pl;
		if (!pl->nrules)
			continue;
		r = NULL;
		if (lane_maybe(cfg, pl, frames[base + k].data, ln[k].shape, ln[k].lw))
			r = lane_rule(cfg, pl, frames[base + k].data, ln[k].shape);
		if (rule_does_more(r)) {
			ln[k].pool = LANE_GENERAL;
			left++;
		}
		ln[k].rule = r;
		if (!r && ln[k].len)
			ln[k].job = (uint8_t)dp_defer_put(df, nj++, pl->rss,
							  frames[base + k].data + ln[k].src_off,
							  ln[k].len);
	}
	df->njob = nj;
	return left;
}

/* Frame @f's one destination, at @d, in a chunk the lane does not take
 * whole: queued by its rule or, with no hash input, by RSS at once; else
 * its hash left to dp_defer_flush(). The caller counts it delivered. */
static inline __attribute__((always_inline)) void lane_emit(
	const struct snic_cfg *cfg, struct snic_ctr *ctr, const struct snic_frame *f, unsigned idx,
	const struct rx_lane *ln, struct snic_dest *d, struct dp_defer *df)
{
	const struct snic_pool *pl = &cfg->pool[ln->pool];
	unsigned job;

	dp_dest_at(d, idx, ln->pool, 0);
	if (rx_one(ctr, d, ln->rule, f->len))
		return;
	if (!ln->len) { /* not IP: RSS has no input, the hash is 0 */
		dp_rss_place(ctr, pl, pl->rconf, pl->bctx, d, f->len);
		return;
	}
	job = dp_defer_job(df, pl->rss, f->data + ln->src_off, ln->len);
	dp_defer_wait(df, d, pl->rconf, f->len, job, pl->bctx);
}

/* One frame of @len bytes in a run's count: frames in bits 48..63, bytes
 * below (a chunk's at most 2^22). */
static inline uint64_t lane_run(uint32_t len)
{
	_Static_assert((uint64_t)DP_BURST * 0xffff < 1ull << 48, "a chunk's bytes fit 48 bits");
	return 1ull << 48 | len;
}

static inline void lane_run_add(uint64_t *frames, uint64_t *bytes, uint64_t run)
{
	*frames += run >> 48;
	*bytes += run & ((1ull << 48) - 1);
}

/*
 * A chunk of @m frames all in the lane: their destinations at @d, @room of
 * which fit; returns how many it wrote. The frames RSS spreads are hashed
 * together (their jobs in @df, made by lane_pool() and lane_rules()), then
 * each gets its queue and its destination. Counts are added up in
 * registers while consecutive copies go to the same queue (or bucket), as
 * a flow's frames do: adding each to a counter the one before has just
 * stored would wait for that store. The same destinations and counts as
 * lane_emit() and dp_defer_flush().
 */
static unsigned lane_emit_all(struct snic_ctr *ctr, const struct snic_frame *frames, unsigned base,
			      unsigned m, const struct rx_lane *ln, struct snic_dest *d,
			      unsigned room, struct dp_defer *df)
{
	unsigned n = m < room ? m : room;
	struct snic_qctr qsink, *qc = &qsink;
	struct snic_bctr bsink, *bc = &bsink;
	uint64_t qrun = 0, brun = 0; /* lane_run(): frames and bytes of the run */

	dp_defer_hash(df);
	df->njob = 0;
	for (unsigned k = 0; k < n; k++) {
		const struct snic_pool *pl = ln[k].pl;
		const struct snic_crule *r = ln[k].rule;
		uint32_t len = frames[base + k].len, hash = 0;
		unsigned q, rule = 0, flags = 0;
		struct snic_qctr *qn;

		if (r) {
			q = r->queue;
			flags = SNIC_DEST_RULE;
			rule = r->slot;
			ctr->rule_hits[rule]++;
		} else {
			struct snic_bctr *bn;
			unsigned idx;

			if (ln[k].len) /* else not IP: RSS has no input, the hash is 0 */
				hash = df->hash[ln[k].job];
			idx = pl->rmod ? hash % pl->rsize : hash & pl->rmask;
			q = pl->rconf->reta[idx];
			bn = &ctr->bucket[pl->boff + idx];
			if (bn != bc) {
				lane_run_add(&bc->frames, &bc->bytes, brun);
				bc = bn;
				brun = 0;
			}
			brun += lane_run(len);
		}
		/* unicast, not looped back: no other count */
		qn = &ctr->queue[pl->qoff + q];
		if (qn != qc) {
			lane_run_add(&qc->frames, &qc->bytes, qrun);
			qc = qn;
			qrun = 0;
		}
		qrun += lane_run(len);
		dp_dest_set(&d[k], base + k, ln[k].pool, q, hash, flags, rule);
	}
	lane_run_add(&qc->frames, &qc->bytes, qrun);
	lane_run_add(&bc->frames, &bc->bytes, brun);
	ctr->rx.delivered += n;
	ctr->rx.drop[SNIC_DROP_NO_ROOM] += m - n;
	return n;
}

/*
 * In chunks of DP_BURST frames: find the lane's frames (lane_pool), parse
 * the others, then give each frame its destinations in order (copies RSS
 * spreads wait in @df), then hash the waiting ones together. A chunk all
 * in the lane, the common case, skips the general path (lane_emit_all).
 * With a steering hook, which sees each copy's hash, there is no lane and
 * copies are hashed as they are made.
 */
unsigned snic_rx(const struct snic_cfg *cfg, struct snic_ctr *ctr, const struct snic_frame *frames,
		 unsigned nframes, struct snic_dest *dests, unsigned cap)
{
	struct dp_aux aux[DP_MAX_OUT];
	struct dp_refusal ref[DP_MAX_OUT];
	struct dp_frame fr[DP_BURST];
	struct rx_lane ln[DP_BURST];
	uint16_t lp[DP_BURST];
	uint32_t gi[DP_BURST];
	struct dp_defer defer, *df = cfg->plugin ? NULL : &defer;
	unsigned n = 0;

	defer.njob = 0;
	defer.npend = 0;
	ctr->rx.in += nframes;
	if (!cfg->link_up) { /* the PF's link is down: nothing comes from the wire */
		ctr->rx.drop[SNIC_DROP_LINK_DOWN] += nframes;
		return 0;
	}
	for (unsigned base = 0; base < nframes; base += DP_BURST) {
		unsigned m = nframes - base < DP_BURST ? nframes - base : DP_BURST, g = 0, ngen = m;

		if (df) {
			unsigned nlook = 0;

			ngen = lane_pool(cfg, frames, base, m, ln, &nlook, df);
			if (nlook)
				ngen += lane_rules(cfg, frames, base, m, ln, df);
		} else {
			for (unsigned k = 0; k < m; k++)
				ln[k].pool = LANE_GENERAL;
		}
		if (!ngen) {
			n += lane_emit_all(ctr, frames, base, m, ln, dests + n, cap - n, df);
			continue;
		}
		if (df) /* the lane's jobs: only lane_emit_all() uses them */
			df->njob = 0;
		for (unsigned k = 0; k < m; k++)
			if (ln[k].pool == LANE_GENERAL)
				gi[g++] = base + k;
		rx_parse(cfg, frames, gi, g, fr);
		rx_lookup(cfg, fr, g, lp);
		rx_rules(cfg, fr, g, lp);
		g = 0;
		for (unsigned k = 0; k < m; k++) {
			struct dp_frame *f;
			struct dp_out o;

			if (df && df->npend + DP_MAX_OUT > DP_DEFER_MAX)
				dp_defer_flush(cfg, ctr, df);
			if (ln[k].pool != LANE_GENERAL) {
				if (n < cap) {
					lane_emit(cfg, ctr, &frames[base + k], base + k, &ln[k],
						  dests + n++, df);
					ctr->rx.delivered++;
				} else
					dp_drop(&ctr->rx, SNIC_DROP_NO_ROOM);
				continue;
			}
			f = &fr[g++];
			if (!f->len) {
				dp_drop(&ctr->rx, SNIC_DROP_MALFORMED);
				continue;
			}
			if (f->only != DP_NO_POOL) {
				if (df && n < cap && rx_fast(cfg, ctr, f, dests + n, df)) {
					n++;
					continue;
				}
				n += dp_pool_only(cfg, ctr, f, f->only, dests + n, cap - n, df);
				continue;
			}
			o = (struct dp_out){dests + n, cap - n, 0, aux, ref, 0, df, 0, 0};
			if (df) {
				o.df_njob = df->njob;
				o.df_npend = df->npend;
			}
			rx_switch(cfg, f, &o);
			n += dp_finish(cfg, ctr, &ctr->rx, f, &o);
		}
		if (df)
			dp_defer_flush(cfg, ctr, df);
	}
	return n;
}
