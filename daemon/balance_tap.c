/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The balancer's flow sampler (balance.h): a DPDK receive callback on each
 * queue of the uplink copies one frame in `every` into a ring of its own,
 * which the control thread drains at each step of the balancer.
 *
 * Threads: a ring has one producer, the data lcore polling its queue (the
 * callback runs inside its rte_eth_rx_burst), and one consumer, the
 * control thread: head and tail are published with release stores. The
 * control thread sets `every` so that a step gets about TAP_TARGET
 * samples per queue; each sample carries the `every` it was taken with.
 * The lcore does no allocation, lock or log in the callback; a full ring
 * loses the sample (counted). Callbacks are removed, then freed after an
 * RCU grace period of the data lcores (they report quiescent outside
 * their bursts).
 */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "balance.h"
#include "snicd_impl.h"

#define TAP_RING      512 /* samples per queue, a power of two */
#define TAP_TARGET    256 /* samples per queue and step that `every` aims at */
#define TAP_EVERY_MAX 65536

struct tap_rec {
	uint32_t len;
	uint32_t weight;
	uint8_t data[SNICD_SAMPLE_BYTES];
};

struct tap_q {
	uint16_t port_id, queue;
	const struct rte_eth_rxtx_callback *cb;
	/* the data lcore's */
	alignas(64) uint32_t head;
	uint32_t left; /* frames to let pass before the next sample */
	uint64_t seen; /* frames received */
	uint64_t lost; /* samples the full ring lost */
	/* the control thread's */
	alignas(64) uint32_t tail;
	uint32_t every;
	uint64_t seen_last;
	struct tap_rec rec[TAP_RING];
};

static struct tap_q *tapq;
static unsigned ntapq;

static void tap_copy(struct tap_rec *r, struct rte_mbuf *m, uint32_t weight)
{
	const void *p;

	r->len = rte_pktmbuf_pkt_len(m);
	r->weight = weight;
	p = rte_pktmbuf_read(m, 0, r->len, r->data);
	if (p && p != r->data)
		memcpy(r->data, p, r->len);
}

static uint16_t tap_rx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
		       uint16_t max, void *arg)
{
	struct tap_q *q = arg;
	uint32_t every = __atomic_load_n(&q->every, __ATOMIC_RELAXED);
	uint32_t head = q->head, tail = __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE);

	(void)port;
	(void)queue;
	(void)max;
	__atomic_store_n(&q->seen, q->seen + n, __ATOMIC_RELAXED);
	for (uint16_t i = 0; i < n; i++) {
		if (q->left > 1) {
			q->left--;
			continue;
		}
		q->left = every;
		if (rte_pktmbuf_pkt_len(pkts[i]) > SNICD_SAMPLE_BYTES)
			continue;
		if (head - tail >= TAP_RING) {
			q->lost++;
			continue;
		}
		tap_copy(&q->rec[head & (TAP_RING - 1)], pkts[i], every);
		head++;
	}
	__atomic_store_n(&q->head, head, __ATOMIC_RELEASE);
	return n;
}

static void tap_stop(struct snicd *d)
{
	for (unsigned i = 0; i < ntapq; i++)
		if (tapq[i].cb)
			rte_eth_remove_rx_callback(tapq[i].port_id, tapq[i].queue, tapq[i].cb);
	/* No burst runs the callbacks after this. */
	if (d->rcu)
		rte_rcu_qsbr_synchronize(d->rcu, RTE_QSBR_THRID_INVALID);
	for (unsigned i = 0; i < ntapq; i++)
		rte_free((void *)(uintptr_t)tapq[i].cb);
	free(tapq);
	tapq = NULL;
	ntapq = 0;
}

static int tap_start(struct snicd *d, struct snic_err *err)
{
	const struct snicd_port *p;

	if (tapq)
		tap_stop(d);
	if (d->uplink == SNICD_PORT_NONE)
		return snic_errf(err, -EOPNOTSUPP, "balance: pins need an uplink port to sample");
	p = &d->port[d->uplink];
	/* Plain memory: the rings need no DMA, and stay out of DPDK's heap. */
	tapq = aligned_alloc(alignof(struct tap_q), p->queues * sizeof(*tapq));
	if (!tapq)
		return snic_errf(err, -ENOMEM, "balance: the sampler: out of memory");
	memset(tapq, 0, p->queues * sizeof(*tapq));
	ntapq = p->queues;
	for (unsigned i = 0; i < ntapq; i++) {
		struct tap_q *q = &tapq[i];

		q->port_id = p->port_id;
		q->queue = (uint16_t)i;
		q->every = 1;
		q->cb = rte_eth_add_rx_callback(p->port_id, (uint16_t)i, tap_rx, q);
		if (!q->cb) {
			tap_stop(d);
			return snic_errf(err, -EOPNOTSUPP,
					 "balance: can't add a receive callback to port %s",
					 p->name);
		}
	}
	return 0;
}

/* Aim at TAP_TARGET samples per step at the rate of the last one. */
static void tap_rate(struct tap_q *q)
{
	uint64_t seen = __atomic_load_n(&q->seen, __ATOMIC_RELAXED), every;

	every = (seen - q->seen_last) / TAP_TARGET;
	every = every < 1 ? 1 : every > TAP_EVERY_MAX ? TAP_EVERY_MAX : every;
	q->seen_last = seen;
	__atomic_store_n(&q->every, (uint32_t)every, __ATOMIC_RELAXED);
}

static void tap_drain(struct snicd *d, snicd_sample_fn fn, void *arg)
{
	(void)d;
	for (unsigned i = 0; i < ntapq; i++) {
		struct tap_q *q = &tapq[i];
		uint32_t head = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);

		for (uint32_t t = q->tail; t != head; t++) {
			const struct tap_rec *r = &q->rec[t & (TAP_RING - 1)];

			fn(arg, r->data, r->len, r->weight);
		}
		__atomic_store_n(&q->tail, head, __ATOMIC_RELEASE);
		tap_rate(q);
	}
}

static const struct snic_cfg *tap_cfg(struct snicd *d)
{
	const struct snicd_snap *s = d->snap;

	return s ? s->cfg : NULL;
}

static const struct snicd_sampler tap = {
	.start = tap_start,
	.drain = tap_drain,
	.stop = tap_stop,
	.cfg = tap_cfg,
};

RTE_INIT(snicd_tap_register)
{
	snicd_balance_sampler(&tap);
}
