/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data lcores. Each polls its share of the ports' rx queues in bursts
 * of 32; a burst goes through snic_rx (from the uplink) or snic_tx (from a
 * VF or the PF, as that vport) and each destination gets the frame:
 *
 *  - one destination: the mbuf itself, its VLAN action done in place;
 *  - several: the destinations that keep the frame as it is share the mbuf
 *    (its reference count raised), each one that strips or pushes a tag
 *    gets a copy, except that with no sharer the last one takes the mbuf.
 *
 * Copies wait in a buffer per (port, tx queue) and every buffer touched by
 * a burst is flushed at the end of that burst; a burst whose frames all go
 * unchanged to one queue is sent as it is. What a tx burst refuses is
 * freed and counted as queue_full (see snicd_impl.h). A tx queue several
 * lcores may send on is taken with a spinlock around the burst.
 *
 * Per frame: no lock, no log, no allocation but the copies broadcast and
 * retagging need (from the mempool's per-lcore cache).
 *
 * Idle: after its last frame an lcore polls without pause for
 * d->idle_poll_us (SNICD_IDLE_POLL_US, longer than the gaps of sparse
 * traffic such as a ping every 10 ms), then sleeps d->idle_sleep_us
 * between rounds, offline for RCU, so that a quiet NIC leaves its core to
 * others. The first frame after a quiet time waits for the rest of that
 * sleep and the wake-up, tens of microseconds where an idle CPU halts (a
 * VM); under load the lcore never sleeps.
 *
 * A polling thread that shares its core with a busy one waits for the
 * scheduler's time slices, milliseconds, whenever a frame arrives in the
 * other's slice, while a thread that slept is run as soon as it wakes. So
 * an lcore that finds itself preempted twice within SNICD_SHARED_WIN_US
 * (see idle()) counts its core as shared for SNICD_SHARED_US, and
 * meanwhile polls without pause only SNICD_SHARED_POLL_US after a frame.
 *
 * Warm-up: a frame that comes after a quiet time finds snic_rx's code and
 * tables out of the caches (and out of the TLB), which other work on the
 * machine uses meanwhile: on a busy VM, a ping every 10 ms took snic_rx
 * about 2 us instead of 0.6. So an idle lcore keeps the first bytes of the
 * last such frame from the wire and from a vport (warm_keep) and every
 * d->warm_us (--warm) runs them through snic_rx and snic_tx again,
 * counting into a scratch snic_ctr that nobody reads (warm): the real
 * counters never see them, and nothing is sent. Not with a steering
 * hook, which may keep state of its own, and not with frames kept under
 * an older snapshot. Under load no round is empty and none of this runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <rte_atomic.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_prefetch.h>

#include "csum.h"
#include "snicd_impl.h"

/* --- Accounting of copies snicd could not deliver ---------------------------------- */

/* Take a refused copy back from its queue's counters (snicd_impl.h). */
static void unaccount(struct snicd_lcore *lc, const struct snic_dest *d)
{
	struct snicd_burst *b = &lc->b;
	struct snic_qctr *q;

	b->lost = true;
	if (d->vport == SNIC_VPORT_WIRE) {
		b->lost_wire[d->frame] = 1;
		return;
	}
	b->lost_local[d->frame]++;
	q = snic_ctr_queue(lc->ctr, d->vport, d->queue);
	q->frames--;
	q->bytes -= b->frames[d->frame].len;
	q->bcast -= !!(d->flags & SNIC_DEST_BCAST);
	q->mcast -= !!(d->flags & SNIC_DEST_MCAST);
	q->loopback -= !!(d->flags & SNIC_DEST_LOOPBACK);
	lc->ctr->vport[d->vport].rx_drop[SNIC_DROP_QUEUE_FULL]++;
}

static void refuse(struct snicd_lcore *lc, struct rte_mbuf *m, const struct snic_dest *d)
{
	unaccount(lc, d);
	rte_pktmbuf_free(m);
}

/* A frame whose every copy was refused was not delivered after all. */
static void settle_frame(struct snicd_lcore *lc, unsigned f, unsigned nlocal, unsigned nwire)
{
	struct snicd_burst *b = &lc->b;
	unsigned lost = b->lost_local[f] + b->lost_wire[f];
	struct snic_dirctr *dir;
	struct snic_vctr *v = NULL;

	if (!lost)
		return;
	if (b->sender == SNIC_VPORT_WIRE) {
		dir = &lc->ctr->rx;
	} else {
		v = &lc->ctr->vport[b->sender];
		dir = &v->tx;
		v->tx_wire -= b->lost_wire[f];
		v->tx_local -= nlocal && b->lost_local[f] == nlocal;
	}
	if (lost == nlocal + nwire) {
		dir->delivered--;
		dir->drop[SNIC_DROP_QUEUE_FULL]++;
	}
}

static void settle(struct snicd_lcore *lc, unsigned nd)
{
	struct snicd_burst *b = &lc->b;
	const struct snic_dest *d = lc->dests, *end = d + nd;

	for (unsigned f = 0; f < b->n; f++) {
		unsigned nlocal = 0, nwire = 0;

		for (; d < end && d->frame == f; d++) {
			nwire += d->vport == SNIC_VPORT_WIRE;
			nlocal += d->vport != SNIC_VPORT_WIRE;
		}
		settle_frame(lc, f, nlocal, nwire);
	}
	memset(b->lost_local, 0, sizeof(b->lost_local));
	memset(b->lost_wire, 0, sizeof(b->lost_wire));
	b->lost = false;
}

/* --- Transmit buffers --------------------------------------------------------------- */

/* Send @n frames @pkts, with their destinations @dest (or NULL: one after
 * the other from @d), on @tb's port and queue; refuse what it does not take. */
static void txb_send(struct snicd_lcore *lc, const struct snicd_txb *tb, struct rte_mbuf **pkts,
		     const struct snic_dest *const *dest, const struct snic_dest *d, unsigned n)
{
	struct snicd_pctr *pc = &lc->pctr[tb->port];
	uint16_t sent;

	if (tb->lock)
		rte_spinlock_lock(tb->lock);
	sent = rte_eth_tx_burst(lc->d->port[tb->port].port_id, tb->queue, pkts, (uint16_t)n);
	if (tb->lock)
		rte_spinlock_unlock(tb->lock);
	pc->tx += sent;
	if (unlikely(sent < n)) {
		pc->full += n - sent;
		for (unsigned i = sent; i < n; i++)
			refuse(lc, pkts[i], dest ? dest[i] : &d[i]);
	}
}

static void txb_flush(struct snicd_lcore *lc, struct snicd_txb *tb)
{
	txb_send(lc, tb, tb->pkts, tb->dest, NULL, tb->n);
	tb->n = 0;
}

static void flush_all(struct snicd_lcore *lc)
{
	for (unsigned i = 0; i < lc->ndirty; i++) {
		struct snicd_txb *tb = &lc->txb[lc->dirty[i]];

		if (tb->n)
			txb_flush(lc, tb);
		tb->dirty = false;
	}
	lc->ndirty = 0;
}

/* The port index a destination goes to, or SNICD_PORT_NONE. */
static inline uint16_t dest_port(const struct snicd_lcore *lc, const struct snicd_snap *s,
				 const struct snic_dest *d)
{
	if (d->vport == SNIC_VPORT_WIRE)
		return lc->d->uplink;
	return d->vport < s->npools ? s->vport_port[d->vport] : SNICD_PORT_NONE;
}

/* The tx buffer of a destination, or NULL when its vport has no port. */
static inline struct snicd_txb *dest_txb(struct snicd_lcore *lc, const struct snicd_snap *s,
					 const struct snic_dest *d)
{
	uint16_t pi = dest_port(lc, s, d);
	const struct snicd_port *p;
	unsigned q;

	if (unlikely(pi == SNICD_PORT_NONE))
		return NULL;
	p = &lc->d->port[pi];
	q = d->vport == SNIC_VPORT_WIRE ? lc->wire_txq : d->queue;
	if (unlikely(q >= p->queues))
		q %= p->queues;
	return &lc->txb[p->txb_base + q];
}

/* Frames @m[0..n) with their one destination each, @d[0..n), all to the
 * tx buffer @tb: in order, flushing it whenever it fills. */
static void txb_put_run(struct snicd_lcore *lc, struct snicd_txb *tb, struct rte_mbuf *const *m,
			const struct snic_dest *d, unsigned n)
{
	if (!tb->dirty) {
		tb->dirty = true;
		lc->dirty[lc->ndirty++] = (uint16_t)(tb - lc->txb);
	}
	for (;;) {
		unsigned room = SNICD_TXB_MAX - tb->n, k = n < room ? n : room;

		for (unsigned i = 0; i < k; i++) {
			tb->pkts[tb->n + i] = m[i];
			tb->dest[tb->n + i] = &d[i];
		}
		tb->n = (uint16_t)(tb->n + k);
		n -= k;
		if (!n)
			return;
		m += k;
		d += k;
		txb_flush(lc, tb);
	}
}

static inline void txb_put(struct snicd_lcore *lc, struct snicd_txb *tb, struct rte_mbuf *m,
			   const struct snic_dest *d)
{
	txb_put_run(lc, tb, &m, d, 1);
}

static inline void enqueue(struct snicd_lcore *lc, const struct snicd_snap *s, struct rte_mbuf *m,
			   const struct snic_dest *d)
{
	struct snicd_txb *tb = dest_txb(lc, s, d);

	if (unlikely(!tb)) {
		lc->no_port++;
		refuse(lc, m, d);
		return;
	}
	txb_put(lc, tb, m, d);
}

/* --- VLAN actions and fan-out ------------------------------------------------------- */

static int vlan_strip(struct rte_mbuf *m)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	if (rte_pktmbuf_data_len(m) < 18)
		return -EINVAL;
	memmove(p + 4, p, 12);
	rte_pktmbuf_adj(m, 4);
	return 0;
}

static int vlan_push(struct rte_mbuf *m, uint16_t tpid, uint16_t tci)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, 4);

	if (!p)
		return -ENOSPC;
	memmove(p, p + 4, 12);
	p[12] = (uint8_t)(tpid >> 8);
	p[13] = (uint8_t)tpid;
	p[14] = (uint8_t)(tci >> 8);
	p[15] = (uint8_t)tci;
	return 0;
}

static int vlan_apply(struct rte_mbuf *m, const struct snic_dest *d)
{
	if (d->vlan_action == SNIC_VLAN_STRIP)
		return vlan_strip(m);
	if (d->vlan_action == SNIC_VLAN_PUSH)
		return vlan_push(m, d->vlan_tpid, d->vlan_tci);
	return 0;
}

/* A copy that can't be made or tagged: counted on its port, refused. */
static void nomem(struct snicd_lcore *lc, const struct snicd_snap *s, struct rte_mbuf *m,
		  const struct snic_dest *d)
{
	uint16_t pi = dest_port(lc, s, d);

	if (pi != SNICD_PORT_NONE)
		lc->pctr[pi].nomem++;
	else
		lc->no_port++;
	unaccount(lc, d);
	if (m)
		rte_pktmbuf_free(m);
}

/* Send @m itself to @d, tagged or untagged as @d says. */
static void deliver_own(struct snicd_lcore *lc, const struct snicd_snap *s, struct rte_mbuf *m,
			const struct snic_dest *d)
{
	if (d->vlan_action != SNIC_VLAN_KEEP && unlikely(vlan_apply(m, d))) {
		nomem(lc, s, m, d);
		return;
	}
	enqueue(lc, s, m, d);
}

static void deliver_copy(struct snicd_lcore *lc, const struct snicd_snap *s, struct rte_mbuf *m,
			 const struct snic_dest *d)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, lc->d->pool, 0, UINT32_MAX);

	if (unlikely(!c)) {
		nomem(lc, s, NULL, d);
		return;
	}
	deliver_own(lc, s, c, d);
}

static void deliver_many(struct snicd_lcore *lc, const struct snicd_snap *s, struct rte_mbuf *m,
			 const struct snic_dest *d, unsigned n)
{
	unsigned keep = 0;

	for (unsigned i = 0; i < n; i++)
		keep += d[i].vlan_action == SNIC_VLAN_KEEP;
	if (keep > 1)
		rte_mbuf_refcnt_update(m, (int16_t)(keep - 1));
	/* Copies first: the mbuf is not changed, nor sent, before they are made. */
	for (unsigned i = 0; i < n; i++) {
		if (d[i].vlan_action != SNIC_VLAN_KEEP && (keep || i + 1 < n))
			deliver_copy(lc, s, m, &d[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		if (d[i].vlan_action == SNIC_VLAN_KEEP)
			enqueue(lc, s, m, &d[i]);
	}
	if (!keep)
		deliver_own(lc, s, m, &d[n - 1]);
}

/* A run of @n frames @m, each with one destination that keeps it as it is
 * (@d, one after the other), all to the same vport and queue. */
static void deliver_run(struct snicd_lcore *lc, const struct snicd_snap *s,
			struct rte_mbuf *const *m, const struct snic_dest *d, unsigned n)
{
	struct snicd_txb *tb = dest_txb(lc, s, d);

	if (likely(tb)) {
		/* A whole burst to one queue whose buffer is empty goes as it is. */
		if (n == lc->b.n && !tb->n) {
			txb_send(lc, tb, lc->b.pkts, NULL, d, n);
			return;
		}
		txb_put_run(lc, tb, m, d, n);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		lc->no_port++;
		refuse(lc, m[i], &d[i]);
	}
}

/* Does each frame of the burst have one destination, keeping it as it is,
 * all on the vport and queue of the first? One pass without branches: the
 * common case, a burst of one flow or for one queue, then skips fanout()'s
 * walk. */
static bool one_run(const struct snicd_lcore *lc, unsigned nd)
{
	const struct snic_dest *d = lc->dests;
	unsigned bad = 0;

	_Static_assert(SNIC_VLAN_KEEP == 0, "a kept VLAN is action 0");
	if (nd != lc->b.n)
		return false;
	for (unsigned i = 0; i < nd; i++)
		bad |= (d[i].frame ^ i) | d[i].vlan_action | (d[i].vport ^ d[0].vport) |
		       (d[i].queue ^ d[0].queue);
	return !bad;
}

/*
 * Each frame to its destinations. Frames with one destination that keeps
 * them as they are (most unicast) go in runs: consecutive ones to the same
 * vport and queue enter its tx buffer together; a whole burst as one run
 * (one_run()) goes at once.
 */
static void fanout(struct snicd_lcore *lc, const struct snicd_snap *s, unsigned nd)
{
	struct snicd_burst *b = &lc->b;
	const struct snic_dest *d = lc->dests, *end = d + nd, *run = NULL;
	unsigned run_f = 0, run_n = 0;

	if (nd && one_run(lc, nd)) {
		deliver_run(lc, s, b->pkts, d, nd);
		return;
	}

	for (unsigned f = 0; f < b->n; f++) {
		const struct snic_dest *first = d;

		while (d < end && d->frame == f)
			d++;
		if (d == first + 1 && first->vlan_action == SNIC_VLAN_KEEP) {
			if (run_n && first->vport == run->vport && first->queue == run->queue) {
				run_n++;
				continue;
			}
			if (run_n)
				deliver_run(lc, s, &b->pkts[run_f], run, run_n);
			run = first;
			run_f = f;
			run_n = 1;
			continue;
		}
		if (run_n)
			deliver_run(lc, s, &b->pkts[run_f], run, run_n);
		run_n = 0;
		if (d == first)
			b->free[b->nfree++] = b->pkts[f];
		else if (d == first + 1)
			deliver_own(lc, s, b->pkts[f], first);
		else
			deliver_many(lc, s, b->pkts[f], first, (unsigned)(d - first));
	}
	if (run_n)
		deliver_run(lc, s, &b->pkts[run_f], run, run_n);
	if (b->nfree) {
		rte_pktmbuf_free_bulk(b->free, b->nfree);
		b->nfree = 0;
	}
}

/* --- The poll loop ------------------------------------------------------------------ */

static inline uint64_t now_ns(const struct snicd_lcore *lc)
{
	return (uint64_t)(((unsigned __int128)rte_get_tsc_cycles() * lc->d->ns_mult) >> 32);
}

/*
 * The frames of a burst as libsnic sees them, each one's first bytes on
 * their way to the cache (a frame a port received is seldom there yet),
 * checksums completed.
 */
static void burst_frames(struct snicd_lcore *lc, const struct snicd_rxq *q)
{
	struct snicd_burst *b = &lc->b;
	uint64_t fixed = 0;

	for (unsigned i = 0; i < b->n; i++) {
		const struct rte_mbuf *m = b->pkts[i];
		const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);

		rte_prefetch0(data);
		b->frames[i].data = data;
		b->frames[i].len = rte_pktmbuf_data_len(m);
	}
	if (!q->csum)
		return;
	for (unsigned i = 0; i < b->n; i++)
		fixed += (uint64_t)snicd_csum_fix(rte_pktmbuf_mtod(b->pkts[i], uint8_t *),
						  b->frames[i].len);
	lc->pctr[q->port].csum += fixed;
}

/* The burst's first frame, the first after a quiet round: keep its first
 * bytes to warm the pipeline with (see the top of this file). */
static void warm_keep(struct snicd_lcore *lc, const struct snicd_snap *s)
{
	const struct snicd_burst *b = &lc->b;
	struct snicd_warm_frame *w =
		b->sender == SNIC_VPORT_WIRE ? &lc->warm.wire : &lc->warm.local;
	uint32_t len = b->frames[0].len < SNICD_WARM_BYTES ? b->frames[0].len : SNICD_WARM_BYTES;

	if (!lc->warm.period || s->hook)
		return;
	memcpy(w->buf, b->frames[0].data, len);
	w->f.data = w->buf;
	w->f.len = len;
	w->sender = b->sender;
	w->snap = s;
}

/* A round found no frame: every warm.period, the kept frames through the
 * pipeline once more, counted in warm.ctr. */
static void warm(struct snicd_lcore *lc, const struct snicd_snap *s)
{
	struct snicd_warm *w = &lc->warm;
	uint64_t now;

	w->quiet = true;
	if (!w->period)
		return;
	now = rte_get_tsc_cycles();
	if (now - w->last < w->period)
		return;
	w->last = now;
	if (w->wire.f.len && w->wire.snap == s) {
		snic_rx(s->cfg, w->ctr, &w->wire.f, 1, lc->dests, lc->cap);
		w->runs++;
	}
	if (w->local.f.len && w->local.snap == s) {
		snic_tx(s->cfg, w->ctr, w->local.sender, &w->local.f, 1, now_ns(lc), lc->dests,
			lc->cap);
		w->runs++;
	}
}

/* Returns how many frames it received. */
static unsigned poll_rxq(struct snicd_lcore *lc, const struct snicd_snap *s,
			 const struct snicd_rxq *q)
{
	struct snicd_burst *b = &lc->b;
	unsigned nd;

	b->n = rte_eth_rx_burst(q->port_id, q->queue, b->pkts, SNICD_BURST);
	if (!b->n)
		return 0;
	/* For speed, not order (the lcore made these stores itself, in the
	 * port's rx_burst): the mbufs' fields and the burst's array have just
	 * been written, and reading them while those stores are still on
	 * their way costs more than one full barrier. On net_null ports
	 * (bench/forward.sh) it raises the rate by a tenth; on veth ports it
	 * made no difference that could be measured. */
	rte_mb();
	lc->pctr[q->port].rx += b->n;
	b->sender = s->port_vport[q->port];
	if (unlikely(b->sender == SNICD_VPORT_DETACHED)) {
		lc->pctr[q->port].detached += b->n;
		rte_pktmbuf_free_bulk(b->pkts, b->n);
		return b->n;
	}
	burst_frames(lc, q);
	if (unlikely(lc->warm.quiet))
		warm_keep(lc, s);
	if (b->sender == SNIC_VPORT_WIRE)
		nd = snic_rx(s->cfg, lc->ctr, b->frames, b->n, lc->dests, lc->cap);
	else
		nd = snic_tx(s->cfg, lc->ctr, b->sender, b->frames, b->n, now_ns(lc), lc->dests,
			     lc->cap);
	fanout(lc, s, nd);
	flush_all(lc);
	if (unlikely(b->lost))
		settle(lc, nd);
	return b->n;
}

static inline uint64_t us_tsc(unsigned us)
{
	return rte_get_tsc_hz() * us / 1000000;
}

static void idle_init(struct snicd_lcore *lc)
{
	struct snicd_idle *s = &lc->idle;

	memset(s, 0, sizeof(*s));
	s->poll = us_tsc(lc->d->idle_poll_us);
	s->shared_poll = us_tsc(SNICD_SHARED_POLL_US);
	s->gap = us_tsc(SNICD_SHARED_GAP_US);
	s->win = us_tsc(SNICD_SHARED_WIN_US);
	s->shared = us_tsc(SNICD_SHARED_US);
}

/*
 * A round found no frame: sleep once the lcore has been idle long enough.
 * Two empty rounds in a row further apart than SNICD_SHARED_GAP_US mean
 * that something else ran on the core in between; twice within
 * SNICD_SHARED_WIN_US, that another thread keeps wanting it (once may be
 * a burst of work, such as the control thread's start, or the hypervisor).
 * Within SNICD_SHARED_US of a shared time, once is enough.
 */
static void idle(struct snicd_lcore *lc)
{
	struct snicd_idle *s = &lc->idle;
	struct snicd *d = lc->d;
	uint64_t now, poll;

	if (!d->idle_sleep_us)
		return;
	now = rte_get_tsc_cycles();
	if (!s->since) {
		s->since = now;
	} else if (s->last && now - s->last > s->gap) {
		if (now - s->preempted_at < s->win ||
		    (s->shared_until && now < s->shared_until + s->shared))
			s->shared_until = now + s->shared;
		s->preempted_at = now;
		s->preempted++;
	}
	s->last = now;
	poll = now < s->shared_until ? s->shared_poll : s->poll;
	if (now - s->since < poll)
		return;
	rte_rcu_qsbr_thread_offline(d->rcu, lc->idx);
	rte_delay_us_sleep(d->idle_sleep_us);
	rte_rcu_qsbr_thread_online(d->rcu, lc->idx);
	s->last = 0;
	s->sleeps++;
}

int snicd_lcore_main(void *arg)
{
	struct snicd_lcore *lc = arg;
	struct snicd *d = lc->d;

	/* A sleep ends when asked, not up to 50 us later. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	idle_init(lc);
	lc->warm.period = lc->warm.ctr ? us_tsc(d->warm_us) : 0;
	rte_rcu_qsbr_thread_online(d->rcu, lc->idx);
	while (!__atomic_load_n(&d->stop, __ATOMIC_RELAXED)) {
		const struct snicd_snap *s = __atomic_load_n(&d->snap, __ATOMIC_ACQUIRE);
		unsigned got = 0;

		for (unsigned i = 0; i < lc->nrxq; i++)
			got += poll_rxq(lc, s, &lc->rxq[i]);
		if (likely(got))
			lc->warm.quiet = false;
		else
			warm(lc, s);
		rte_rcu_qsbr_quiescent(d->rcu, lc->idx);
		if (likely(got))
			lc->idle.since = lc->idle.last = 0;
		else
			idle(lc);
	}
	rte_rcu_qsbr_thread_offline(d->rcu, lc->idx);
	return 0;
}

/* --- Setup -------------------------------------------------------------------------- */

static void lcore_free(struct snicd_lcore *lc)
{
	if (!lc)
		return;
	free(lc->dests);
	free(lc->dirty);
	free(lc->txb);
	free(lc->pctr);
	free(lc->rxq);
	snic_ctr_free(lc->ctr);
	snic_ctr_free(lc->warm.ctr);
	free(lc);
}

static void lcore_txbs(struct snicd *d, struct snicd_lcore *lc)
{
	for (unsigned i = 0; i < d->nports; i++) {
		const struct snicd_port *p = &d->port[i];

		for (unsigned q = 0; q < p->queues; q++) {
			struct snicd_txb *tb = &lc->txb[p->txb_base + q];

			tb->port = (uint16_t)i;
			tb->queue = (uint16_t)q;
			tb->lock = p->txlock ? &p->txlock[q] : NULL;
		}
	}
	if (d->uplink != SNICD_PORT_NONE)
		lc->wire_txq = (uint16_t)(lc->idx % d->port[d->uplink].queues);
}

static int lcore_new(struct snicd *d, unsigned idx, unsigned lcore_id, unsigned nrxq,
		     struct snicd_lcore **out, struct snic_err *err)
{
	const struct snic_profile *prof = snic_nic_profile(d->conf->nic);
	struct snicd_lcore *lc = calloc(1, sizeof(*lc));
	int rc = -ENOMEM;

	if (!lc)
		goto err;
	lc->d = d;
	lc->idx = idx;
	lc->lcore_id = lcore_id;
	lc->cap = SNICD_BURST * (prof->max_pools + 1u);
	lc->rxq = calloc(nrxq ? nrxq : 1, sizeof(*lc->rxq));
	lc->pctr = calloc(d->nports, sizeof(*lc->pctr));
	lc->txb = calloc(d->ntxb, sizeof(*lc->txb));
	lc->dirty = calloc(d->ntxb, sizeof(*lc->dirty));
	lc->dests = calloc(lc->cap, sizeof(*lc->dests));
	if (!lc->rxq || !lc->pctr || !lc->txb || !lc->dirty || !lc->dests)
		goto err;
	rc = snic_ctr_new(prof, &lc->ctr, err);
	if (!rc && d->warm_us)
		rc = snic_ctr_new(prof, &lc->warm.ctr, err);
	if (rc)
		goto err;
	lcore_txbs(d, lc);
	*out = lc;
	return 0;
err:
	lcore_free(lc);
	return rc == -ENOMEM ? snic_errf(err, rc, "lcore %u: out of memory", lcore_id) : rc;
}

/* Deal the ports' rx queues round-robin to the lcores. */
static void deal_rxqs(struct snicd *d)
{
	unsigned k = 0;

	for (unsigned i = 0; i < d->nports; i++) {
		const struct snicd_port *p = &d->port[i];

		for (unsigned q = 0; q < p->queues; q++, k++) {
			struct snicd_lcore *lc = d->lc[k % d->nlcores];
			struct snicd_rxq *r = &lc->rxq[lc->nrxq++];

			r->port = (uint16_t)i;
			r->port_id = p->port_id;
			r->queue = (uint16_t)q;
			r->csum = p->csum;
		}
	}
}

int snicd_lcores_init(struct snicd *d, struct snic_err *err)
{
	unsigned lcore_id, idx = 0, nrxq = 0;

	d->nlcores = rte_lcore_count() - 1;
	if (!d->nlcores)
		return snic_errf(err, -EINVAL,
				 "no data lcore: the EAL gave the main lcore only "
				 "(e.g. --lcores 0@0,1@0 gives one)");
	d->lc = calloc(d->nlcores, sizeof(*d->lc));
	if (!d->lc)
		return snic_errf(err, -ENOMEM, "%u lcores: out of memory", d->nlcores);
	for (unsigned i = 0; i < d->nports; i++)
		nrxq += d->port[i].queues;
	RTE_LCORE_FOREACH_WORKER(lcore_id)
	{
		unsigned share = (nrxq + d->nlcores - 1) / d->nlcores;
		int rc = lcore_new(d, idx, lcore_id, share, &d->lc[idx], err);

		if (rc)
			return rc;
		idx++;
	}
	deal_rxqs(d);
	return 0;
}

void snicd_lcores_free(struct snicd *d)
{
	for (unsigned i = 0; d->lc && i < d->nlcores; i++)
		lcore_free(d->lc[i]);
	free(d->lc);
	d->lc = NULL;
	d->nlcores = 0;
}
