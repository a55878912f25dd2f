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

/* Parse a chunk of frames, reading ahead; meanwhile fetch the FDB slot of
 * each unicast frame. A frame too short for Ethernet is left with len 0
 * for snic_rx to drop. */
static void rx_parse(const struct snic_cfg *cfg, const struct snic_frame *frames, unsigned base,
		     unsigned m, struct dp_frame *fr)
{
	for (unsigned k = 0; k < m; k++)
		__builtin_prefetch(frames[base + k].data);
	for (unsigned k = 0; k < m; k++) {
		const struct snic_frame *f = &frames[base + k];

		if (f->len < 14) {
			fr[k].len = 0;
			continue;
		}
		dp_frame_init(&fr[k], cfg, f->data, f->len, base + k);
		if (!(f->data[0] & 1))
			__builtin_prefetch(snic_fdb_home(&cfg->uc, f->data));
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
		e = snic_fdb_find(&cfg->uc, fr[k].data);
		fr[k].fdb = e;
		if (!e)
			continue;
		p = cfg->uc.mem[e->off].pool;
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
		fr[k].rule = snic_tss_lookup(cfg, &cfg->pool[lp[k]], &fr[k].key);
		fr[k].rpool = lp[k];
	}
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
		if (r && (r->action != SNIC_ACT_QUEUE || (r->flags & SNIC_FLOW_F_MARK)))
			return false;
	}
	dp_dest_init(d, fr, p);
	d->vlan_tci = 0;
	d->vlan_tpid = 0;
	d->vlan_action = SNIC_VLAN_KEEP;
	ctr->rx.delivered++;
	if (r) {
		d->queue = r->queue;
		d->flags |= SNIC_DEST_RULE;
		d->rule = r->slot;
		dp_count_queue(ctr, d, fr->len);
		ctr->rule_hits[r->slot]++;
		return true;
	}
	dp_defer_rss(df, fr, pl->rss, pl->rconf, pl->bctx, d);
	return true;
}

/*
 * In chunks of DP_BURST frames: parse them all, switch them one by one
 * (copies RSS spreads wait in @df), then hash the waiting ones together.
 * With a steering hook, which sees each copy's hash, copies are hashed as
 * they are made.
 */
unsigned snic_rx(const struct snic_cfg *cfg, struct snic_ctr *ctr, const struct snic_frame *frames,
		 unsigned nframes, struct snic_dest *dests, unsigned cap)
{
	struct dp_aux aux[DP_MAX_OUT];
	struct dp_refusal ref[DP_MAX_OUT];
	struct dp_frame fr[DP_BURST];
	uint16_t lp[DP_BURST];
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
		unsigned m = nframes - base < DP_BURST ? nframes - base : DP_BURST;

		rx_parse(cfg, frames, base, m, fr);
		rx_lookup(cfg, fr, m, lp);
		rx_rules(cfg, fr, m, lp);
		for (unsigned k = 0; k < m; k++) {
			struct dp_out o;

			if (!fr[k].len) {
				dp_drop(&ctr->rx, SNIC_DROP_MALFORMED);
				continue;
			}
			if (df && df->npend + DP_MAX_OUT > DP_DEFER_MAX)
				dp_defer_flush(cfg, ctr, df);
			if (fr[k].only != DP_NO_POOL) {
				if (df && n < cap && rx_fast(cfg, ctr, &fr[k], dests + n, df)) {
					n++;
					continue;
				}
				n += dp_pool_only(cfg, ctr, &fr[k], fr[k].only, dests + n, cap - n,
						  df);
				continue;
			}
			o = (struct dp_out){dests + n, cap - n, 0, aux, ref, 0, df, 0, 0};
			if (df) {
				o.df_njob = df->njob;
				o.df_npend = df->npend;
			}
			rx_switch(cfg, &fr[k], &o);
			n += dp_finish(cfg, ctr, &ctr->rx, &fr[k], &o);
		}
		if (df)
			dp_defer_flush(cfg, ctr, df);
	}
	return n;
}
