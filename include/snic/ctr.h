/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exact counters. A struct snic_ctr belongs to one data-path thread, which
 * alone writes it (no atomics, no locks); readers add the threads' counters
 * together with snic_ctr_add(). Its shape depends only on the profile, so
 * counters survive configuration changes: a thread keeps its snic_ctr when
 * a new struct snic_cfg is published.
 *
 * Conservation, per direction: every frame a burst call is given is counted
 * once in `in`, and then exactly once either in `delivered` (it produced one
 * or more destinations) or in one `drop[reason]`:
 *
 *	in == delivered + sum(drop[*])
 *
 * The per-vport counters say where frames went (each destination counted on
 * its vport and queue) and which pools filtered a frame that others took.
 */
#ifndef SNIC_CTR_H
#define SNIC_CTR_H

#include <stdint.h>

#include "snic/err.h"

struct snic_profile;

/* Why a frame (or one pool's copy of it) was dropped. */
enum snic_drop {
	SNIC_DROP_NO_VPORT = 0,	 /* no pool accepts it (unicast to a filtered MAC, ...) */
	SNIC_DROP_VLAN_FILTERED, /* VLAN not in the pool's filter / foreign port VLAN */
	SNIC_DROP_SPOOFED,	 /* transmit with a source MAC or VLAN the VF may not use */
	SNIC_DROP_LINK_DOWN,	 /* pool's link disabled, the PF's link down, or no VFs enabled */
	SNIC_DROP_OVERSIZE,	 /* longer than the pool's max frame */
	SNIC_DROP_RATE_LIMITED,	 /* transmit over the VF's max_tx_rate */
	SNIC_DROP_RULE,		 /* a flow rule's drop action */
	SNIC_DROP_MALFORMED,	 /* shorter than an Ethernet header */
	SNIC_DROP_NO_ROOM,	 /* the caller's destination array was full */
	SNIC_DROP_QUEUE_FULL,	 /* counted by the front-end: the ring was full */
	SNIC_DROP_COUNT,
};

/* Short name for counters and JSON ("vlan_filtered"). */
const char *snic_drop_name(enum snic_drop d);

/* One receive queue of one vport: what was delivered to it. */
struct snic_qctr {
	uint64_t frames;
	uint64_t bytes;
	uint64_t bcast;
	uint64_t mcast;
	uint64_t loopback; /* frames that came from another local vport (hairpin) */
};

/* One RETA bucket: the load a balancer needs. */
struct snic_bctr {
	uint64_t frames;
	uint64_t bytes;
};

/* One direction of the whole NIC, or the transmit side of one vport. */
struct snic_dirctr {
	uint64_t in;
	uint64_t delivered;
	uint64_t drop[SNIC_DROP_COUNT];
};

/* One vport (a VF pool or the PF pool). */
struct snic_vctr {
	struct snic_dirctr tx;		   /* frames the vport sent */
	uint64_t tx_wire;		   /* ... of which reached the wire */
	uint64_t tx_local;		   /* ... of which reached another local vport */
	uint64_t rx_drop[SNIC_DROP_COUNT]; /* copies this pool refused */
	uint64_t steer_bad_queue;	   /* plugin named a queue the pool lacks */
	uint64_t steer_hits;		   /* plugin chose the queue */
};

/* Rate limiter state of one vport's transmit (a token bucket in bits).
 * Per thread like the counters, but not summed: a vport's transmit should be
 * run by one thread for its max_tx_rate to hold exactly. */
struct snic_tbucket {
	uint64_t tokens; /* bits available */
	uint64_t last_ns;
};

#define SNIC_CTR_MAX_RULES 1024

struct snic_ctr {
	uint16_t nvports;	  /* profile max_pools */
	uint16_t nqueues;	  /* queues per vport slot (profile's largest pool) */
	uint16_t nctx;		  /* RSS contexts with bucket counters */
	uint16_t reta_size;	  /* buckets per context */
	struct snic_dirctr rx;	  /* frames from the wire */
	struct snic_vctr *vport;  /* [nvports] */
	struct snic_qctr *queue;  /* [nvports * nqueues] */
	struct snic_bctr *bucket; /* [nctx * reta_size] */
	uint64_t *rule_hits;	  /* [SNIC_CTR_MAX_RULES], by rule slot */
	struct snic_tbucket *tb;  /* [nvports], not summed by snic_ctr_add */
};

/* Counters shaped for @p, all zero. Control plane: allocates. */
int snic_ctr_new(const struct snic_profile *p, struct snic_ctr **out, struct snic_err *err);
void snic_ctr_free(struct snic_ctr *c);
void snic_ctr_reset(struct snic_ctr *c);

/* dst += src; both of the same profile. For readers summing threads. */
void snic_ctr_add(struct snic_ctr *dst, const struct snic_ctr *src);

static inline struct snic_qctr *snic_ctr_queue(struct snic_ctr *c, unsigned vport, unsigned q)
{
	return &c->queue[vport * c->nqueues + q];
}

static inline struct snic_bctr *snic_ctr_bucket(struct snic_ctr *c, unsigned ctx, unsigned idx)
{
	return &c->bucket[ctx * c->reta_size + idx];
}

/* Sum of drop[] of a direction. */
uint64_t snic_dirctr_dropped(const struct snic_dirctr *d);

#endif
