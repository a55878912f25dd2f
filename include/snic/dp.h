/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data path: two burst calls that tell where frames go.
 *
 * Both read only the struct snic_cfg snapshot and the frame bytes, write
 * only the caller's struct snic_ctr and destination array, and do no
 * allocation, locking or logging. Any number of threads may run them on the
 * same cfg at once, each with its own snic_ctr. libsnic never keeps, changes
 * or frees a frame: applying a destination's VLAN action to a copy is the
 * front-end's job.
 *
 * What the model does (each choice is argued where it is coded, lib/rx.c,
 * lib/tx.c, lib/steer.c):
 *
 * A frame's VLAN is its outer tag's VID; untagged and priority-tagged
 * (VID 0) frames have none. Frames shorter than 14 bytes are MALFORMED.
 *
 * Receive candidates, in pool order: broadcast -> every pool; multicast ->
 * pools that joined the group with receive mode MULTI, plus every pool
 * in ALLMULTI or PROMISC; unicast -> the pools owning the MAC (own MAC or
 * MACVLAN filter) reachable on the frame's VLAN (a VF with port VLAN V is
 * reached as (MAC, V) only, others on any VLAN); a known MAC on no
 * matching VLAN -> all its owners (which then refuse: VLAN filtered); an
 * unknown MAC -> the promiscuous VFs and the PF.
 *
 * While the PF's link is down nothing comes from the wire: every frame is
 * dropped as LINK_DOWN.
 *
 * Each candidate pool refuses, in this order: link down (a VF's state
 * enable, or auto with the PF link up; the PF's own link) -> LINK_DOWN;
 * VLAN filter (port VLAN V: only frames tagged V with the port VLAN's
 * TPID; else untagged, or a VID in the pool's filter; the PF with an
 * empty filter and PROMISC pools take any VLAN) -> VLAN_FILTERED; longer
 * than the max frame (+4 bytes per VLAN tag) -> OVERSIZE; a flow rule's
 * drop -> RULE. A taken copy gets its queue from the pool's rules (first
 * by priority, then age), else the plugin, else RSS: the pool's conf (the
 * shared one on 82599, whose RETA entry is reduced to the pool's queues
 * by mask or modulo). A port VLAN pool's copies are STRIP; a frame a port
 * VLAN VF sent reaches a pool without that port VLAN as PUSH.
 *
 * A frame with no destination is dropped once: NO_VPORT with no candidate,
 * else the first candidate's (lowest pool) reason. Every refusal is also
 * counted in its pool's vport[].rx_drop.
 *
 * Transmit from a VF: link -> LINK_DOWN; a group source MAC, and with
 * spoofchk a source MAC that is not the VF's (own or MACVLAN), a tagged
 * frame under a port VLAN, or (untrusted, no port VLAN) a VID outside its
 * filter -> SPOOFED; the port VLAN is then the frame's VLAN, pushed on the
 * wire in front of any tag the VF wrote; max_tx_rate -> RATE_LIMITED.
 * Then broadcast/multicast -> the receive candidates but the sender, and
 * the wire; unicast to a (MAC, VLAN) of another local pool -> those pools
 * only (loopback, even if they refuse); any other unicast -> the wire.
 * While the PF's link is down no copy goes to the wire (a frame with no
 * other destination is LINK_DOWN); VFs with link enable still switch
 * between themselves. The PF is not spoof checked.
 */
#ifndef SNIC_DP_H
#define SNIC_DP_H

#include <stdint.h>

#include "snic/ctr.h"

struct snic_cfg;

/* The wire (uplink), as a destination vport. */
#define SNIC_VPORT_WIRE 0xffffu

/* What a front-end does to the frame's VLAN tags on the way out. */
enum snic_vlan_action {
	SNIC_VLAN_KEEP = 0,
	SNIC_VLAN_STRIP, /* remove the outermost tag (a port VLAN on receive) */
	SNIC_VLAN_PUSH,	 /* insert dest.vlan_tpid/vlan_tci (a port VLAN on transmit) */
};

/* One frame in a burst. */
struct snic_frame {
	const uint8_t *data;
	uint32_t len;
};

/* One delivery. Broadcast and multicast give several for one frame. */
struct snic_dest {
	uint32_t frame;	     /* index into the burst */
	uint16_t vport;	     /* a pool, or SNIC_VPORT_WIRE */
	uint16_t queue;	     /* receive queue of that pool (0 for the wire) */
	uint32_t hash;	     /* RSS hash (0 when not computed) */
	uint32_t mark;	     /* flow rule mark, valid with SNIC_DEST_MARK */
	uint16_t vlan_tci;   /* for SNIC_VLAN_PUSH */
	uint16_t vlan_tpid;  /* for SNIC_VLAN_PUSH */
	uint8_t vlan_action; /* enum snic_vlan_action */
	uint8_t flags;	     /* SNIC_DEST_* */
	uint16_t rule;	     /* slot of the flow rule that matched, with SNIC_DEST_RULE */
};

#define SNIC_DEST_MARK	   (1u << 0) /* mark is set */
#define SNIC_DEST_RULE	   (1u << 1) /* a flow rule chose the queue or context */
#define SNIC_DEST_STEERED  (1u << 2) /* the plugin chose the queue */
#define SNIC_DEST_LOOPBACK (1u << 3) /* hairpinned from a local vport */
#define SNIC_DEST_BCAST	   (1u << 4)
#define SNIC_DEST_MCAST	   (1u << 5)

/*
 * Frames from the wire. Writes at most @cap destinations, in frame order,
 * and returns how many. A frame whose destinations do not all fit is counted
 * SNIC_DROP_NO_ROOM and gets none; pass cap >= nframes * (pools + 1) to never
 * see that.
 */
unsigned snic_rx(const struct snic_cfg *cfg, struct snic_ctr *ctr, const struct snic_frame *frames,
		 unsigned nframes, struct snic_dest *dests, unsigned cap);

/*
 * Frames sent by @vport (a VF or the PF). @now_ns is the caller's clock for
 * the rate limiter (any monotonic origin). Destinations are local vports
 * (hairpin) and/or SNIC_VPORT_WIRE.
 */
unsigned snic_tx(const struct snic_cfg *cfg, struct snic_ctr *ctr, unsigned vport,
		 const struct snic_frame *frames, unsigned nframes, uint64_t now_ns,
		 struct snic_dest *dests, unsigned cap);

#endif
