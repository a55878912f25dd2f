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
	const struct snic_fdb_ent *e = snic_fdb_find(&cfg->uc, fr->data);

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

unsigned snic_rx(const struct snic_cfg *cfg, struct snic_ctr *ctr, const struct snic_frame *frames,
		 unsigned nframes, struct snic_dest *dests, unsigned cap)
{
	struct dp_aux aux[DP_MAX_OUT];
	struct dp_refusal ref[DP_MAX_OUT];
	struct dp_frame fr;
	unsigned n = 0;

	for (unsigned i = 0; i < nframes; i++) {
		struct dp_out o = {dests + n, cap - n, 0, aux, ref, 0};

		ctr->rx.in++;
		if (frames[i].len < 14) {
			dp_drop(&ctr->rx, SNIC_DROP_MALFORMED);
			continue;
		}
		dp_frame_init(&fr, cfg, frames[i].data, frames[i].len, i);
		rx_switch(cfg, &fr, &o);
		n += dp_finish(cfg, ctr, &ctr->rx, &fr, &o);
	}
	return n;
}
