/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One pool's copy of a frame: does the pool take it, and on which queue.
 *
 * A pool takes a copy when its link is up, its VLAN filter passes and the
 * frame fits its max frame; refusals are checked in that order and the
 * first one names the reason. The queue is chosen by the pool's flow rules
 * (first match by priority), then the steering hook, then RSS.
 *
 * RSS inside a pool: the RETA entry is reduced to the pool's queues, by
 * mask when their count is a power of two, else modulo. On 82599 with VMDq
 * and RSS this is what the hardware does: the pool's PSRTYPE.RQPL sets how
 * many low bits of the RETA entry select a queue inside the pool (ixgbe
 * ixgbe_setup_psrtype: RQPL 2 for 4 queues, 1 for 2; 82599 datasheet
 * 7.1.2.2). With per-pool RETAs every entry is already below the pool's
 * queue count, so the reduction changes nothing. A VF of a device that
 * gives VFs no RSS (82576: SNIC_Q_VF_NO_RSS) takes queue 0, hash 0.
 */
#include <string.h>

#include "snic/plugin.h"

#include "dp_impl.h"

void dp_frame_init(struct dp_frame *fr, const struct snic_cfg *cfg, const uint8_t *data,
		   uint32_t len, uint32_t idx)
{
	const struct snic_hdr *h = &fr->pkt.outer;

	fr->data = data;
	fr->len = len;
	fr->idx = idx;
	snic_parse(data, len, &fr->pkt);
	fr->vid = SNIC_VID_NONE;
	fr->tpid = 0;
	fr->tci = 0;
	if (h->n_vlan) {
		fr->tpid = h->vlan_tpid[0];
		fr->tci = h->vlan_tci[0];
		if (h->vlan_tci[0] & 0xfff)
			fr->vid = h->vlan_tci[0] & 0xfff;
	}
	/* As 82599's MHADD.MFS, a frame may be longer than the max frame by
	 * the tags it carries. */
	fr->limit = cfg->max_frame + 4u * h->n_vlan;
	fr->push = 0;
	fr->dflags = 0;
	fr->has_key = 0;
	fr->has_hash = 0;
	fr->has_job = 0;
	fr->rpool = DP_NO_POOL;
}

/* The VLAN action of a copy, or -1 when the pool's filter refuses it. */
static int pool_vlan(const struct snic_cfg *cfg, const struct dp_frame *fr, unsigned p,
		     const struct snic_pool *pl)
{
	if (pl->pvlan) {
		if (fr->vid != pl->pvid || fr->tpid != pl->ptpid)
			return -1;
		return fr->push ? SNIC_VLAN_KEEP : SNIC_VLAN_STRIP;
	}
	if (!dp_vlan_passes(cfg, fr, p, pl))
		return -1;
	return fr->push ? SNIC_VLAN_PUSH : SNIC_VLAN_KEEP;
}

static int pool_accept(const struct snic_cfg *cfg, const struct dp_frame *fr, unsigned p,
		       const struct snic_pool *pl, struct snic_dest *d)
{
	int act;

	if (!pl->rx_on)
		return SNIC_DROP_LINK_DOWN;
	act = pool_vlan(cfg, fr, p, pl);
	if (act < 0)
		return SNIC_DROP_VLAN_FILTERED;
	if (fr->len > fr->limit)
		return SNIC_DROP_OVERSIZE;
	d->vlan_action = (uint8_t)act;
	d->vlan_tpid = act == SNIC_VLAN_PUSH ? fr->tpid : 0;
	d->vlan_tci = act == SNIC_VLAN_PUSH ? fr->tci : 0;
	return -1;
}

static const struct snic_crule *match_rules(const struct snic_cfg *cfg, struct dp_frame *fr,
					    unsigned p, const struct snic_pool *pl)
{
	if (fr->rpool == p)
		return fr->rule;
	if (!fr->has_key) {
		snic_fkey_build(&fr->key, &fr->pkt);
		fr->has_key = 1;
	}
	return snic_tss_find(cfg, pl, &fr->key);
}

/* The hash under @rss, computed once per frame and conf. */
static uint32_t frame_hash(struct dp_frame *fr, const struct snic_rss *rss)
{
	if (!fr->has_hash || fr->hrss != rss) {
		fr->hval = snic_rss_hash(rss, &fr->pkt);
		fr->hrss = rss;
		fr->has_hash = 1;
	}
	return fr->hval;
}

/* The steering hook: a queue it names that the pool lacks is ignored. */
static bool pool_steer(const struct snic_cfg *cfg, const struct dp_frame *fr, unsigned p,
		       const struct snic_pool *pl, struct snic_dest *d, struct dp_aux *a)
{
	struct snic_steer_ctx sc = {fr->data, fr->len, &fr->pkt, d->hash, (uint16_t)p, pl->nqueues};
	int q = cfg->plugin->steer(cfg->pstate, &sc);

	if (q == SNIC_STEER_PASS)
		return false;
	if (q < 0 || q >= pl->nqueues) {
		a->steer = DP_STEER_BAD;
		return false;
	}
	a->steer = DP_STEER_HIT;
	d->queue = (uint16_t)q;
	d->flags |= SNIC_DEST_STEERED;
	return true;
}

/*
 * Rules, hook, RSS. Returns -1 when a queue was chosen, or SNIC_DROP_RULE.
 * A rule's QUEUE action leaves the hash 0; a MARK-only rule marks and
 * leaves the queue to the hook and RSS; an RSS action spreads with its
 * context and skips the hook.
 */
static int pool_queue(const struct snic_cfg *cfg, struct dp_frame *fr, unsigned p,
		      const struct snic_pool *pl, struct snic_dest *d, struct dp_aux *a,
		      struct dp_defer *df)
{
	const struct snic_crule *r = pl->nrules ? match_rules(cfg, fr, p, pl) : NULL;
	const struct snic_rss *rss = pl->rss;
	const struct snic_rss_conf *rc = pl->rconf;
	unsigned bctx = pl->bctx;

	if (r) {
		a->slot = r->slot;
		if (r->action == SNIC_ACT_DROP)
			return SNIC_DROP_RULE;
		if ((r->flags & SNIC_FLOW_F_MARK) || r->action == SNIC_ACT_MARK) {
			d->mark = r->mark;
			d->flags |= SNIC_DEST_MARK;
		}
		if (r->action != SNIC_ACT_MARK) {
			d->flags |= SNIC_DEST_RULE;
			d->rule = r->slot;
		}
		if (r->action == SNIC_ACT_QUEUE) {
			d->queue = r->queue;
			return -1;
		}
		if (r->action == SNIC_ACT_RSS) {
			rss = r->rss;
			rc = r->rconf;
			bctx = r->bctx;
		}
	}
	if (df && !pl->no_rss) {
		dp_defer_rss(df, fr, rss, rc, bctx, d);
		a->bucket = DP_DEFERRED;
		return -1;
	}
	d->hash = pl->no_rss ? 0 : frame_hash(fr, rss);
	if (cfg->plugin && !(r && r->action == SNIC_ACT_RSS) && pool_steer(cfg, fr, p, pl, d, a))
		return -1;
	if (pl->no_rss)
		d->queue = 0;
	else
		a->bucket = dp_rss_queue(pl, rc, bctx, d);
	return -1;
}

static void count_dest(struct snic_ctr *ctr, const struct dp_frame *fr, const struct snic_dest *d,
		       const struct dp_aux *a);

static void refuse(struct dp_out *o, unsigned p, int why, uint16_t slot)
{
	struct dp_refusal *r = &o->ref[o->nref++];

	r->pool = (uint16_t)p;
	r->reason = (uint8_t)why;
	r->slot = slot;
}

void dp_pool(const struct snic_cfg *cfg, struct dp_frame *fr, unsigned p, struct dp_out *o)
{
	const struct snic_pool *pl = &cfg->pool[p];
	struct snic_dest tmp, *d = o->n < o->room ? &o->d[o->n] : &tmp;
	struct dp_aux *a = &o->aux[o->n < DP_MAX_OUT ? o->n : DP_MAX_OUT - 1];
	int why;

	why = pool_accept(cfg, fr, p, pl, d);
	if (why >= 0) {
		refuse(o, p, why, DP_NO_SLOT);
		return;
	}
	dp_dest_init(d, fr, p);
	a->bucket = DP_NONE;
	a->slot = DP_NO_SLOT;
	a->steer = DP_STEER_NONE;
	/* A copy past the room is never delivered (NO_ROOM): no need to defer
	 * its hash. */
	why = pool_queue(cfg, fr, p, pl, d, a, d == &tmp ? NULL : o->df);
	if (why >= 0) {
		refuse(o, p, why, a->slot);
		return;
	}
	o->n++;
}

/*
 * dp_pool() and dp_finish() for a frame from the wire whose only candidate
 * is @p, in one step and without the lists of copies and refusals: the
 * same destination and counters. @room: destinations that fit at @d.
 */
unsigned dp_pool_only(const struct snic_cfg *cfg, struct snic_ctr *ctr, struct dp_frame *fr,
		      unsigned p, struct snic_dest *d, unsigned room, struct dp_defer *df)
{
	const struct snic_pool *pl = &cfg->pool[p];
	struct snic_dest tmp;
	struct dp_aux a = {DP_NONE, DP_NO_SLOT, DP_STEER_NONE};
	int why;

	if (!room) {
		d = &tmp;
		df = NULL;
	}
	why = pool_accept(cfg, fr, p, pl, d);
	if (why < 0) {
		dp_dest_init(d, fr, p);
		why = pool_queue(cfg, fr, p, pl, d, &a, df);
	}
	if (why >= 0) {
		ctr->vport[p].rx_drop[why]++;
		if (a.slot != DP_NO_SLOT)
			ctr->rule_hits[a.slot]++;
		dp_drop(&ctr->rx, (enum snic_drop)why);
		return 0;
	}
	if (!room) {
		dp_drop(&ctr->rx, SNIC_DROP_NO_ROOM);
		return 0;
	}
	ctr->rx.delivered++;
	count_dest(ctr, fr, d, &a);
	return 1;
}

void dp_mcast(const struct snic_cfg *cfg, struct dp_frame *fr, unsigned skip, struct dp_out *o)
{
	const struct snic_fdb_ent *e = snic_fdb_find(&cfg->mc, fr->data);
	const struct snic_fdb_member *m = e ? &cfg->mc.mem[e->off] : NULL;
	unsigned nm = e ? e->n : 0, i = 0, j = 0;

	while (i < nm || j < cfg->n_allmc) {
		unsigned a = i < nm ? m[i].pool : 0xffff;
		unsigned b = j < cfg->n_allmc ? cfg->allmc[j] : 0xffff;
		unsigned p = a < b ? a : b;

		i += a == p;
		j += b == p;
		if (p != skip)
			dp_pool(cfg, fr, p, o);
	}
}

/* --- Accounting -------------------------------------------------------------------- */

/* A deferred copy's queue and bucket are counted by dp_defer_flush. */
static void count_dest(struct snic_ctr *ctr, const struct dp_frame *fr, const struct snic_dest *d,
		       const struct dp_aux *a)
{
	if (d->vport == SNIC_VPORT_WIRE)
		return;
	if (a->bucket != DP_DEFERRED) {
		dp_count_queue(ctr, d, fr->len);
		if (a->bucket != DP_NONE)
			dp_count_bucket(ctr, a->bucket, fr->len);
	}
	if (a->slot != DP_NO_SLOT)
		ctr->rule_hits[a->slot]++;
	if (a->steer == DP_STEER_HIT)
		ctr->vport[d->vport].steer_hits++;
	else if (a->steer == DP_STEER_BAD)
		ctr->vport[d->vport].steer_bad_queue++;
}

static void count_refusals(struct snic_ctr *ctr, const struct dp_out *o)
{
	for (unsigned i = 0; i < o->nref; i++) {
		const struct dp_refusal *r = &o->ref[i];

		ctr->vport[r->pool].rx_drop[r->reason]++;
		if (r->slot != DP_NO_SLOT)
			ctr->rule_hits[r->slot]++;
	}
}

unsigned dp_finish(const struct snic_cfg *cfg, struct snic_ctr *ctr, struct snic_dirctr *dir,
		   const struct dp_frame *fr, const struct dp_out *o)
{
	(void)cfg;
	if (o->n > o->room) {
		if (o->df) {
			o->df->njob = o->df_njob;
			o->df->npend = o->df_npend;
		}
		dp_drop(dir, SNIC_DROP_NO_ROOM);
		return 0;
	}
	count_refusals(ctr, o);
	if (!o->n) {
		dp_drop(dir, o->nref ? o->ref[0].reason : SNIC_DROP_NO_VPORT);
		return 0;
	}
	dir->delivered++;
	for (unsigned i = 0; i < o->n; i++)
		count_dest(ctr, fr, &o->d[i], &o->aux[i]);
	return o->n;
}

/* The hashes of the jobs, one snic_rss_hash_prepared() per conf: mostly
 * one for all. */
void dp_defer_hash(struct dp_defer *df)
{
	const struct snic_rss *rss = df->rss[0];
	const uint8_t *in[DP_DEFER_MAX];
	uint8_t len[DP_DEFER_MAX];
	uint32_t hashes[DP_DEFER_MAX];
	uint16_t idx[DP_DEFER_MAX];
	unsigned same = 0;

	if (!df->njob)
		return;
	for (unsigned j = 0; j < df->njob; j++)
		same += df->rss[j] == rss;
	if (same == df->njob) {
		snic_rss_hash_prepared(rss, df->inp, df->len, df->njob, df->hash);
		return;
	}
	for (unsigned i = 0; i < df->njob; i++) {
		unsigned k = 0;

		rss = df->rss[i];
		if (!rss)
			continue;
		for (unsigned j = i; j < df->njob; j++) {
			if (df->rss[j] != rss)
				continue;
			in[k] = df->inp[j];
			len[k] = df->len[j];
			idx[k++] = (uint16_t)j;
			df->rss[j] = NULL;
		}
		snic_rss_hash_prepared(rss, in, len, k, hashes);
		for (unsigned j = 0; j < k; j++)
			df->hash[idx[j]] = hashes[j];
	}
}

void dp_defer_flush(const struct snic_cfg *cfg, struct snic_ctr *ctr, struct dp_defer *df)
{
	dp_defer_hash(df);
	for (unsigned i = 0; i < df->npend; i++) {
		const struct dp_pend *p = &df->pend[i];
		struct snic_dest *d = p->d;

		d->hash = df->hash[p->job];
		dp_rss_place(ctr, &cfg->pool[d->vport], p->rc, p->bctx, d, p->len);
	}
	df->njob = 0;
	df->npend = 0;
}
