/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What rx.c and tx.c share: one frame on its way through the NIC, the
 * destinations and refusals it collects, and steer.c's per-pool step
 * (link, VLAN filter, max frame, then flow rules -> steering hook -> RSS).
 *
 * A frame's destinations are written straight into the caller's array;
 * the counters they imply are applied only once the frame is known to fit
 * (dp_finish), so that a frame dropped for lack of room leaves no trace but
 * its drop.
 */
#ifndef SNIC_DP_IMPL_H
#define SNIC_DP_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "snic/ctr.h"
#include "snic/dp.h"
#include "snic/parse.h"

#include "cfg.h"

struct dp_frame {
	const uint8_t *data;
	uint32_t len;
	uint32_t idx;
	uint16_t vid;		     /* VLAN the switch sees: VID, or SNIC_VID_NONE */
	uint16_t tpid;		     /* its TPID, 0 when none */
	uint16_t tci;		     /* its TCI, for a push */
	uint32_t limit;		     /* longest frame the pools take: max frame + 4 per tag */
	uint8_t push;		     /* the VLAN is not in the bytes: a port VLAN sender's */
	uint8_t dflags;		     /* SNIC_DEST_* every local copy carries */
	uint8_t has_key;	     /* key is built */
	uint8_t has_hash;	     /* hval is set */
	uint8_t has_job;	     /* hjob is set */
	const struct snic_rss *hrss; /* the conf hval was computed with */
	const struct snic_rss *jrss; /* the conf of hjob */
	uint32_t hval;
	uint32_t hjob;			/* its hash's job in the struct dp_defer */
	const struct snic_fdb_ent *fdb; /* snic_rx: a unicast frame's FDB entry, or NULL */
	const struct snic_crule *rule;	/* the rule of pool rpool that key matches */
	uint16_t rpool;			/* DP_NO_POOL: no rule looked up yet */
	uint16_t only;			/* snic_rx: the one candidate pool, or DP_NO_POOL */
	struct snic_pkt pkt;
	struct snic_fkey key;
};

/* Counters one destination implies beyond its queue's. */
struct dp_aux {
	uint32_t bucket; /* bctx << 16 | RETA index, DP_NONE when RSS did not pick */
	uint16_t slot;	 /* rule hit, DP_NO_SLOT when none */
	uint8_t steer;	 /* DP_STEER_* */
};

/* A pool that refused its copy, and why. */
struct dp_refusal {
	uint16_t pool;
	uint16_t slot; /* the rule that dropped it, DP_NO_SLOT when none */
	uint8_t reason;
};

#define DP_NONE	    0xffffffffu
#define DP_DEFERRED 0xfffffffeu /* aux.bucket: RSS picks the queue at dp_defer_flush */
#define DP_NO_SLOT  0xffffu
#define DP_NO_POOL  0xffffu

enum {
	DP_STEER_NONE = 0,
	DP_STEER_HIT,
	DP_STEER_BAD
};

/* Everything destinations and refusals of one frame can need: a copy for
 * every pool and the wire. */
#define DP_MAX_OUT (SNIC_POOLS_MAX + 1)

/*
 * Deferred RSS (snic_rx without a steering hook). A copy that RSS is to
 * spread is written with its frame, vport, flags and VLAN action, and waits
 * here for its queue; dp_defer_flush() then hashes the waiting frames in
 * one snic_rss_hash_prepared() per conf, picks the queues and counts those
 * copies. A job is one (frame, conf) hash, its input prepared at once (so
 * that it is in the cache, not in the store buffer, when the hash reads
 * it); a pending copy names its job. Flushed only between frames, so that
 * a frame dropped for lack of room can take its entries back (dp_finish).
 * rx.c's lane_emit_all() does the same for a chunk all in the lane, its
 * jobs in frame order and no pending copies.
 */
#define DP_BURST     32 /* frames snic_rx parses and switches at a time */
#define DP_DEFER_MAX (DP_BURST + DP_MAX_OUT)

struct dp_pend {
	struct snic_dest *d;
	const struct snic_rss_conf *rc;
	uint32_t len; /* the frame's, for the byte counters */
	uint16_t job;
	uint16_t bctx;
};

struct dp_defer {
	unsigned njob, npend;
	const struct snic_rss *rss[DP_DEFER_MAX]; /* per job */
	const uint8_t *inp[DP_DEFER_MAX];	  /* in[job], or the input's bytes in the frame */
	uint8_t len[DP_DEFER_MAX];
	uint32_t hash[DP_DEFER_MAX];
	uint8_t in[DP_DEFER_MAX][SNIC_RSS_INPUT_ROOM];
	struct dp_pend pend[DP_DEFER_MAX];
};

struct dp_out {
	struct snic_dest *d; /* where this frame's destinations go */
	unsigned room;	     /* how many fit there */
	unsigned n;	     /* destinations the frame has (may exceed room) */
	struct dp_aux *aux;  /* [DP_MAX_OUT] */
	struct dp_refusal *ref;
	unsigned nref;
	struct dp_defer *df; /* NULL: hash each copy at once */
	unsigned df_njob;    /* df's entries before this frame */
	unsigned df_npend;
};

/* Parse @data and note its VLAN as the switch sees it. */
DP_HIDDEN void dp_frame_init(struct dp_frame *fr, const struct snic_cfg *cfg, const uint8_t *data,
			     uint32_t len, uint32_t idx);

/* Offer a copy of the frame to @pool: a destination or a refusal. */
DP_HIDDEN void dp_pool(const struct snic_cfg *cfg, struct dp_frame *fr, unsigned pool,
		       struct dp_out *o);

/* A frame from the wire with the one candidate @p: dp_pool() then
 * dp_finish() on ctr->rx, at less cost. @room destinations fit at @d;
 * returns how many it wrote (0 or 1). */
DP_HIDDEN unsigned dp_pool_only(const struct snic_cfg *cfg, struct snic_ctr *ctr,
				struct dp_frame *fr, unsigned p, struct snic_dest *d, unsigned room,
				struct dp_defer *df);

/* Multicast candidates: joined pools and pools taking every multicast, in
 * pool order, skipping @skip (the sender, or SNIC_VPORT_WIRE). */
DP_HIDDEN void dp_mcast(const struct snic_cfg *cfg, struct dp_frame *fr, unsigned skip,
			struct dp_out *o);

/* df->hash[j] = the hash of job j, for every job of @df. */
DP_HIDDEN void dp_defer_hash(struct dp_defer *df);

/* Hash the deferred copies, choose their queues, count them; @df is then
 * empty. */
DP_HIDDEN void dp_defer_flush(const struct snic_cfg *cfg, struct snic_ctr *ctr,
			      struct dp_defer *df);

/* Account the frame in @dir and the pools; returns how many destinations
 * it keeps (0 when dropped). */
DP_HIDDEN unsigned dp_finish(const struct snic_cfg *cfg, struct snic_ctr *ctr,
			     struct snic_dirctr *dir, const struct dp_frame *fr,
			     const struct dp_out *o);

static inline bool dp_is_bcast(const uint8_t *m)
{
	return (m[0] & m[1] & m[2] & m[3] & m[4] & m[5]) == 0xff;
}

static inline void dp_drop(struct snic_dirctr *dir, enum snic_drop why)
{
	dir->drop[why]++;
}

/* A copy of frame @frame for pool @p with @flags, before its queue is
 * chosen. */
static inline void dp_dest_at(struct snic_dest *d, uint32_t frame, unsigned p, uint8_t flags)
{
	d->frame = frame;
	d->vport = (uint16_t)p;
	d->hash = 0;
	d->mark = 0;
	d->flags = flags;
	d->rule = 0;
}

/* A whole destination: of frame @frame for pool @vport, queue @q, hash
 * @hash, flags @flags and rule @rule, no mark and the VLAN kept. */
static inline void dp_dest_set(struct snic_dest *d, uint32_t frame, unsigned vport, unsigned q,
			       uint32_t hash, unsigned flags, unsigned rule)
{
	dp_dest_at(d, frame, vport, (uint8_t)flags);
	d->queue = (uint16_t)q;
	d->hash = hash;
	d->rule = (uint16_t)rule;
	d->vlan_tci = 0;
	d->vlan_tpid = 0;
	d->vlan_action = SNIC_VLAN_KEEP;
}

/* A copy of @fr for pool @p, before its queue is chosen. */
static inline void dp_dest_init(struct snic_dest *d, const struct dp_frame *fr, unsigned p)
{
	dp_dest_at(d, fr->idx, p, fr->dflags);
}

/* Does pool @p's VLAN filter pass the frame's VLAN (a pool without a port
 * VLAN)? */
static inline bool dp_vlan_passes(const struct snic_cfg *cfg, const struct dp_frame *fr, unsigned p,
				  const struct snic_pool *pl)
{
	return fr->vid == SNIC_VID_NONE || pl->vlan_any ||
	       snic_vlan_test(&cfg->vlan[p * SNIC_VLAN_WORDS], fr->vid);
}

/* Hash job @j under @rss over the @len input bytes at @in, for a loop
 * that keeps the count of jobs in a register and stores it in df->njob
 * after: the job stores, of bytes, may alias df->njob, which a loop on it
 * would then wait to read back each time. Returns @j. */
static inline unsigned dp_defer_put(struct dp_defer *df, unsigned j, const struct snic_rss *rss,
				    const uint8_t *in, unsigned len)
{
	df->rss[j] = rss;
	df->inp[j] = in;
	df->len[j] = (uint8_t)len;
	return j;
}

/* A hash job under @rss over the @len input bytes at @in; its number. */
static inline unsigned dp_defer_job(struct dp_defer *df, const struct snic_rss *rss,
				    const uint8_t *in, unsigned len)
{
	return dp_defer_put(df, df->njob++, rss, in, len);
}

/* Copy @d of a frame of @len bytes waits for job @job's hash, then takes
 * its queue from @rc's RETA and counts in bucket context @bctx. */
static inline void dp_defer_wait(struct dp_defer *df, struct snic_dest *d,
				 const struct snic_rss_conf *rc, uint32_t len, unsigned job,
				 unsigned bctx)
{
	struct dp_pend *p = &df->pend[df->npend++];

	p->d = d;
	p->rc = rc;
	p->len = len;
	p->job = (uint16_t)job;
	p->bctx = (uint16_t)bctx;
}

/* Leave copy @d's hash and queue to dp_defer_flush(), sharing the frame's
 * job when it has one under @rss. */
static inline void dp_defer_rss(struct dp_defer *df, struct dp_frame *fr,
				const struct snic_rss *rss, const struct snic_rss_conf *rc,
				unsigned bctx, struct snic_dest *d)
{
	if (!fr->has_job || fr->jrss != rss) {
		unsigned j = df->njob;

		fr->hjob = dp_defer_job(df, rss, df->in[j],
					(unsigned)snic_rss_prepare(rss, &fr->pkt, df->in[j]));
		fr->jrss = rss;
		fr->has_job = 1;
	}
	dp_defer_wait(df, d, rc, fr->len, fr->hjob, bctx);
}

/* A copy delivered to a queue of a pool. */
static inline void dp_count_queue(struct snic_ctr *ctr, const struct snic_dest *d, uint32_t len)
{
	struct snic_qctr *q = snic_ctr_queue(ctr, d->vport, d->queue);

	q->frames++;
	q->bytes += len;
	if (d->flags & (SNIC_DEST_BCAST | SNIC_DEST_MCAST | SNIC_DEST_LOOPBACK)) {
		q->bcast += !!(d->flags & SNIC_DEST_BCAST);
		q->mcast += !!(d->flags & SNIC_DEST_MCAST);
		q->loopback += !!(d->flags & SNIC_DEST_LOOPBACK);
	}
}

/* A copy RSS spread, by bucket: @bucket is bctx << 16 | RETA index. */
static inline void dp_count_bucket(struct snic_ctr *ctr, uint32_t bucket, uint32_t len)
{
	struct snic_bctr *b = snic_ctr_bucket(ctr, bucket >> 16, bucket & 0xffff);

	b->frames++;
	b->bytes += len;
}

/* The queue of pool @pl that entry @idx of @rc's RETA names. */
static inline uint16_t dp_reta_queue(const struct snic_pool *pl, const struct snic_rss_conf *rc,
				     unsigned idx)
{
	unsigned q = rc->reta[idx];

	return (uint16_t)(pl->qpow2 ? q & pl->qmask : q % pl->nqueues);
}

/* Copy @d of a frame for pool @pl, its hash set: its queue from @rc's
 * RETA; returns its bucket, bctx << 16 | RETA index. */
static inline uint32_t dp_rss_queue(const struct snic_pool *pl, const struct snic_rss_conf *rc,
				    unsigned bctx, struct snic_dest *d)
{
	unsigned idx = snic_reta_index(rc, d->hash);

	d->queue = dp_reta_queue(pl, rc, idx);
	return bctx << 16 | idx;
}

/* dp_rss_queue(), and the copy, a frame of @len bytes, counted in its
 * queue and bucket. */
static inline void dp_rss_place(struct snic_ctr *ctr, const struct snic_pool *pl,
				const struct snic_rss_conf *rc, unsigned bctx, struct snic_dest *d,
				uint32_t len)
{
	uint32_t bucket = dp_rss_queue(pl, rc, bctx, d);

	dp_count_queue(ctr, d, len);
	dp_count_bucket(ctr, bucket, len);
}

#endif
