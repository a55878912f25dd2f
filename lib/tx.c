/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames a vport sends: link, spoof check, port VLAN, rate limit, then the
 * switch.
 *
 * Spoof check (a VF only; ixgbe's PFVFSPOOF MAC and VLAN anti-spoofing,
 * both set by `spoofchk`):
 *  - a group (multicast or broadcast) source MAC is always spoofed;
 *  - spoofchk on: the source MAC must be the VF's MAC or one of its
 *    MACVLAN filters (an all-zero MAC VF thus sends nothing);
 *  - spoofchk on, with a port VLAN: a frame that carries a tag of its own
 *    (a priority tag too) is spoofed, trusted or not;
 *  - spoofchk on, untrusted, no port VLAN: a tagged frame's VID must be in
 *    the VF's VLAN filter (VID 0, a priority tag, always passes). Trust
 *    lifts this VLAN check only; the MAC check stays with spoofchk.
 *
 * A tag under a port VLAN. ixgbe programs a port VLAN as VMVIR with the
 * action "always insert the default VLAN" (ixgbe_sriov.h: ixgbe_set_vmvir,
 * IXGBE_VMVIR_VLANA_DEFAULT; FreeBSD's ixgbe_vf_set_default_vlan writes the
 * same to tag all of the VF's traffic). The insertion does not look for a
 * tag already there, so with VLAN anti-spoofing off a frame the VF tagged
 * itself leaves with the port VLAN pushed in front of its own tag: double
 * tagged, the VF's tag inner. snic does the same: the port VLAN is the
 * frame's VLAN on the switch and is pushed on the wire, the frame's own tag
 * stays in its bytes. With anti-spoofing on, the VF's pool is in the VLVF
 * entry of its port VLAN alone (ixgbe_enable_port_vlan; the VF's own VLAN
 * requests are refused, ixgbe_set_vf_vlan_msg), and a VF-made tag is taken
 * as an attempt to leave the port VLAN: spoofed. How the 82599 checks a
 * frame that carries a tag and also gets one inserted is not in the
 * driver; this is snic's reading.
 *
 * Link: a VF whose pool is down (state disable, or auto with the PF's link
 * down) and the PF with its link down send nothing (LINK_DOWN). A VF with
 * state enable sends while the PF's link is down, but nothing reaches the
 * wire then: no copy for the wire is made, and a frame whose only
 * destination was the wire is dropped as LINK_DOWN (on ixgbe such frames
 * never leave the queue; ixgbe_watchdog_flush_tx resets the device to
 * flush them). Local pools still get their copies.
 *
 * Rate limit: a token bucket in bits per VF with max_tx_rate, refilled
 * from @now_ns (see cfg.c for its depth); a frame costs its length with the
 * port VLAN tag, in bits. A bucket never used (all zero) starts full.
 *
 * The switch: broadcast and multicast go to the local candidates that
 * take them (never the sender) and to the wire; unicast whose MAC and VLAN
 * match a local pool other than the sender stays inside the NIC (loopback)
 * and goes to those pools only, even when they refuse it; any other
 * unicast goes to the wire. The wire gets the port VLAN pushed.
 */
#include "snic/dp.h"

#include "dp_impl.h"

static bool fdb_has(const struct snic_cfg *cfg, const uint8_t *mac, unsigned pool)
{
	const struct snic_fdb_ent *e = snic_fdb_find(&cfg->uc, mac);

	if (!e)
		return false;
	for (uint32_t i = 0; i < e->n; i++)
		if (cfg->uc.mem[e->off + i].pool == pool)
			return true;
	return false;
}

static int tx_spoofed(const struct snic_cfg *cfg, const struct snic_pool *pl, unsigned s,
		      const struct dp_frame *fr)
{
	const uint8_t *smac = fr->data + 6;

	if (smac[0] & 1)
		return 1;
	if (!pl->spoofchk)
		return 0;
	if (!fdb_has(cfg, smac, s))
		return 1;
	if (pl->pvlan)
		return fr->pkt.outer.n_vlan != 0;
	if (!pl->trust && fr->vid != SNIC_VID_NONE &&
	    !snic_vlan_test(&cfg->vlan[s * SNIC_VLAN_WORDS], fr->vid))
		return 1;
	return 0;
}

static bool tb_take(struct snic_tbucket *tb, const struct snic_pool *pl, uint64_t now,
		    uint64_t bits)
{
	uint64_t rate = pl->rate_mbps, depth = pl->tb_depth;

	if (!tb->tokens && !tb->last_ns) {
		tb->tokens = depth;
		tb->last_ns = now ? now : 1;
	} else if (now > tb->last_ns) {
		uint64_t dt = now - tb->last_ns;
		uint64_t add = dt >= 1000000000000ull ? depth : dt * rate / 1000;

		/* Advance the clock only by the time the tokens stand for, so
		 * that fractions of a bit carry over to the next frame. */
		tb->last_ns += add >= depth ? dt : add * 1000 / rate;
		tb->tokens = tb->tokens + add > depth ? depth : tb->tokens + add;
	}
	if (tb->tokens > depth)
		tb->tokens = depth;
	if (tb->tokens < bits)
		return false;
	tb->tokens -= bits;
	return true;
}

/* -1 when the frame may go on, else the drop reason. */
static int tx_check(const struct snic_cfg *cfg, struct snic_ctr *ctr, unsigned s,
		    struct dp_frame *fr, uint64_t now)
{
	const struct snic_pool *pl = &cfg->pool[s];

	if (!pl->rx_on)
		return SNIC_DROP_LINK_DOWN;
	if (pl->is_vf && tx_spoofed(cfg, pl, s, fr))
		return SNIC_DROP_SPOOFED;
	if (pl->pvlan) {
		fr->vid = pl->pvid;
		fr->tpid = pl->ptpid;
		fr->tci = pl->ptci;
		fr->push = 1;
	}
	if (pl->rate_mbps &&
	    !tb_take(&ctr->tb[s], pl, now, (uint64_t)(fr->len + 4u * fr->push) * 8))
		return SNIC_DROP_RATE_LIMITED;
	return -1;
}

/* The copy for the wire; false when the PF's link is down and none is made. */
static bool tx_wire(const struct snic_cfg *cfg, const struct dp_frame *fr, unsigned flags,
		    struct dp_out *o)
{
	if (!cfg->link_up)
		return false;
	if (o->n < o->room) {
		struct snic_dest *d = &o->d[o->n];

		*d = (struct snic_dest){.frame = fr->idx, .vport = SNIC_VPORT_WIRE, .flags = flags};
		if (fr->push) {
			d->vlan_action = SNIC_VLAN_PUSH;
			d->vlan_tpid = fr->tpid;
			d->vlan_tci = fr->tci;
		}
	}
	o->aux[o->n].bucket = DP_NONE;
	o->aux[o->n].slot = DP_NO_SLOT;
	o->aux[o->n].steer = DP_STEER_NONE;
	o->n++;
	return true;
}

/* The switch's steps return false when the frame was meant for the wire
 * and the wire is down. */
static bool tx_unicast(const struct snic_cfg *cfg, struct dp_frame *fr, unsigned s,
		       struct dp_out *o)
{
	const struct snic_fdb_ent *e = snic_fdb_find(&cfg->uc, fr->data);
	unsigned hits = 0;

	fr->dflags = SNIC_DEST_LOOPBACK;
	if (e) {
		const struct snic_fdb_member *m = &cfg->uc.mem[e->off];

		for (uint32_t i = 0; i < e->n; i++) {
			if (m[i].pool == s || (m[i].vid != SNIC_VID_ANY && m[i].vid != fr->vid))
				continue;
			dp_pool(cfg, fr, m[i].pool, o);
			hits++;
		}
	}
	return hits || tx_wire(cfg, fr, 0, o);
}

static bool tx_switch(const struct snic_cfg *cfg, struct dp_frame *fr, unsigned s, struct dp_out *o)
{
	if (dp_is_bcast(fr->data)) {
		fr->dflags = SNIC_DEST_BCAST | SNIC_DEST_LOOPBACK;
		for (unsigned p = 0; p < cfg->npools; p++)
			if (p != s)
				dp_pool(cfg, fr, p, o);
		return tx_wire(cfg, fr, SNIC_DEST_BCAST, o);
	}
	if (fr->data[0] & 1) {
		fr->dflags = SNIC_DEST_MCAST | SNIC_DEST_LOOPBACK;
		dp_mcast(cfg, fr, s, o);
		return tx_wire(cfg, fr, SNIC_DEST_MCAST, o);
	}
	return tx_unicast(cfg, fr, s, o);
}

/* Where a delivered frame went, for the sender's tx_wire / tx_local. */
static void count_sides(struct snic_vctr *v, const struct dp_out *o)
{
	bool wire = false, local = false;

	for (unsigned i = 0; i < o->n; i++) {
		if (o->d[i].vport == SNIC_VPORT_WIRE)
			wire = true;
		else
			local = true;
	}
	v->tx_wire += wire;
	v->tx_local += local;
}

static unsigned tx_frame(const struct snic_cfg *cfg, struct snic_ctr *ctr, unsigned s,
			 struct dp_frame *fr, uint64_t now, struct dp_out *o)
{
	struct snic_vctr *v = &ctr->vport[s];
	unsigned n;
	int why;

	why = tx_check(cfg, ctr, s, fr, now);
	if (why >= 0) {
		dp_drop(&v->tx, why);
		return 0;
	}
	/* Meant for the wire alone, which is down: no pool to blame. */
	if (!tx_switch(cfg, fr, s, o) && !o->n && !o->nref) {
		dp_drop(&v->tx, SNIC_DROP_LINK_DOWN);
		return 0;
	}
	n = dp_finish(cfg, ctr, &v->tx, fr, o);
	if (n)
		count_sides(v, o);
	return n;
}

unsigned snic_tx(const struct snic_cfg *cfg, struct snic_ctr *ctr, unsigned vport,
		 const struct snic_frame *frames, unsigned nframes, uint64_t now_ns,
		 struct snic_dest *dests, unsigned cap)
{
	struct dp_aux aux[DP_MAX_OUT];
	struct dp_refusal ref[DP_MAX_OUT];
	struct dp_frame fr;
	struct snic_dirctr *dir;
	unsigned n = 0;

	if (vport >= ctr->nvports)
		return 0;
	dir = &ctr->vport[vport].tx;
	for (unsigned i = 0; i < nframes; i++) {
		struct dp_out o = {dests + n, cap - n, 0, aux, ref, 0, NULL, 0, 0};

		dir->in++;
		if (vport >= cfg->npools) {
			dp_drop(dir, SNIC_DROP_LINK_DOWN);
			continue;
		}
		if (frames[i].len < 14) {
			dp_drop(dir, SNIC_DROP_MALFORMED);
			continue;
		}
		dp_frame_init(&fr, cfg, frames[i].data, frames[i].len, i);
		n += tx_frame(cfg, ctr, vport, &fr, now_ns, &o);
	}
	return n;
}
