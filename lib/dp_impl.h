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

#include "snic/dp.h"
#include "snic/parse.h"

#include "cfg.h"

struct dp_frame {
	const uint8_t *data;
	uint32_t len;
	uint32_t idx;
	uint16_t vid;	 /* VLAN the switch sees: VID, or SNIC_VID_NONE */
	uint16_t tpid;	 /* its TPID, 0 when none */
	uint16_t tci;	 /* its TCI, for a push */
	uint16_t limit;	 /* longest frame the pools take: max frame + 4 per tag */
	uint8_t push;	 /* the VLAN is not in the bytes: a port VLAN sender's */
	uint8_t dflags;	 /* SNIC_DEST_* every local copy carries */
	uint8_t has_key; /* key is built */
	uint8_t has_hash;
	const struct snic_rss *hrss; /* the conf hval was computed with */
	uint32_t hval;
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

#define DP_NONE	   0xffffffffu
#define DP_NO_SLOT 0xffffu

enum {
	DP_STEER_NONE = 0,
	DP_STEER_HIT,
	DP_STEER_BAD
};

/* Everything destinations and refusals of one frame can need: a copy for
 * every pool and the wire. */
#define DP_MAX_OUT (SNIC_POOLS_MAX + 1)

struct dp_out {
	struct snic_dest *d; /* where this frame's destinations go */
	unsigned room;	     /* how many fit there */
	unsigned n;	     /* destinations the frame has (may exceed room) */
	struct dp_aux *aux;  /* [DP_MAX_OUT] */
	struct dp_refusal *ref;
	unsigned nref;
};

/* Parse @data and note its VLAN as the switch sees it. */
void dp_frame_init(struct dp_frame *fr, const struct snic_cfg *cfg, const uint8_t *data,
		   uint32_t len, uint32_t idx);

/* Offer a copy of the frame to @pool: a destination or a refusal. */
void dp_pool(const struct snic_cfg *cfg, struct dp_frame *fr, unsigned pool, struct dp_out *o);

/* Multicast candidates: joined pools and pools taking every multicast, in
 * pool order, skipping @skip (the sender, or SNIC_VPORT_WIRE). */
void dp_mcast(const struct snic_cfg *cfg, struct dp_frame *fr, unsigned skip, struct dp_out *o);

/* Account the frame in @dir and the pools; returns how many destinations
 * it keeps (0 when dropped). */
unsigned dp_finish(const struct snic_cfg *cfg, struct snic_ctr *ctr, struct snic_dirctr *dir,
		   const struct dp_frame *fr, const struct dp_out *o);

static inline bool dp_is_bcast(const uint8_t *m)
{
	return (m[0] & m[1] & m[2] & m[3] & m[4] & m[5]) == 0xff;
}

static inline void dp_drop(struct snic_dirctr *dir, enum snic_drop why)
{
	dir->drop[why]++;
}

#endif
