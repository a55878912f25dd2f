/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit from a VF or the PF (snic_tx): link state, the spoof check, the
 * port VLAN, the rate limiter, then the embedded switch (hairpin to local
 * pools, broadcast and multicast to the other pools and the wire, unknown
 * unicast to the wire). nicfix.h checks after every burst that each
 * direction and vport conserves frames, and that local destinations are
 * counted as loopback on their queues and wire ones in tx_wire.
 */
#include "nicfix.h"

#define NOW 1000000000ull

static unsigned local_dests(const struct fix *f)
{
	unsigned n = 0;

	for (unsigned i = 0; i < f->ndests; i++)
		n += f->dests[i].vport != SNIC_VPORT_WIRE;
	return n;
}

/* Exactly one frame was sent by @vport and dropped for @d. */
static void tx_dropped_for(const struct fix *f, unsigned vport, enum snic_drop d)
{
	const struct snic_dirctr *t = &f->ctr->vport[vport].tx;

	cr_assert_eq(f->ndests, 0, "dropped frame has %u destinations", f->ndests);
	cr_assert_eq(t->delivered, 0);
	cr_assert_eq(t->drop[d], t->in, "expected %s: %lu of %lu", snic_drop_name(d),
		     (unsigned long)t->drop[d], (unsigned long)t->in);
	cr_assert_eq(f->ctr->vport[vport].tx_wire, 0);
	cr_assert_eq(f->ctr->vport[vport].tx_local, 0);
}

/* --- the switch ---------------------------------------------------------------- */

Test(tx, unknown_unicast_goes_to_the_wire)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 2);
	uint8_t mac[6];
	struct snic_craft c;

	fix_commit(f);
	for (unsigned from = 0; from < fix_pools(f); from++) {
		if (from == fix_pf(f))
			memcpy(mac, FIX_PF_MAC, 6);
		else
			fix_vf_mac(from, mac);
		fix_clear(f);
		c = fix_tcp(FIX_REMOTE_MAC, mac, 40000, 443);
		fix_add(f, &c);
		cr_assert_eq(fix_tx(f, from), 1, "from %u", from);
		cr_assert_eq(f->dests[0].vport, SNIC_VPORT_WIRE);
		cr_assert_eq(f->dests[0].queue, 0);
		cr_assert_eq(f->dests[0].vlan_action, SNIC_VLAN_KEEP);
		cr_assert_eq(f->dests[0].flags &
				     (SNIC_DEST_LOOPBACK | SNIC_DEST_BCAST | SNIC_DEST_MCAST),
			     0);
		cr_assert_eq(f->ctr->vport[from].tx.delivered, 1);
		cr_assert_eq(f->ctr->vport[from].tx_wire, 1);
		cr_assert_eq(f->ctr->vport[from].tx_local, 0);
	}
	fix_free(f);
}

Test(tx, unicast_to_local_mac_hairpins_and_never_reaches_wire)
{
	static const uint8_t extra[6] = {0x02, 0x00, 0x00, 0x00, 0x77, 0x02};
	static const struct {
		const char *name;
		unsigned from, to;
		bool to_extra; /* to VF 2's extra MAC rather than its own */
	} cases[] = {
		{"vf0 to vf1", 0, 1, false},
		{"vf0 to pf", 0, 3, false},
		{"pf to vf2", 3, 2, false},
		{"vf1 to vf2's extra mac", 1, 2, true},
	};
	struct fix *f = fix_new_macs("ixgbe-82599", 3);

	fix_vf_own_mac(f, 2);
	fix_ok(f, snic_vf_req_macvlan(f->nic, 2, extra, true, &f->err));
	fix_commit(f);
	cr_assert_eq(fix_pf(f), 3);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		unsigned from = cases[k].from, to = cases[k].to;
		uint8_t src[6], dst[6];
		struct snic_rss_conf rc;
		struct snic_craft c;
		const struct snic_dest *d;
		uint32_t hash;
		unsigned idx, q;

		if (from == fix_pf(f))
			memcpy(src, FIX_PF_MAC, 6);
		else
			fix_vf_mac(from, src);
		if (cases[k].to_extra)
			memcpy(dst, extra, 6);
		else if (to == fix_pf(f))
			memcpy(dst, FIX_PF_MAC, 6);
		else
			fix_vf_mac(to, dst);
		fix_clear(f);
		c = fix_tcp(dst, src, 5555, 80);
		fix_add(f, &c);
		cr_assert_eq(fix_tx(f, from), 1, "%s", cases[k].name);
		cr_assert_eq(fix_set(f, 0), fix_bit(to), "%s: went to %#lx", cases[k].name,
			     (unsigned long)fix_set(f, 0));
		d = fix_dest(f, 0, to);
		cr_assert(d->flags & SNIC_DEST_LOOPBACK, "%s", cases[k].name);
		cr_assert_eq(d->vlan_action, SNIC_VLAN_KEEP);
		fix_rss_conf(f, to, &rc);
		q = fix_rss_expect(f, to, &rc, 0, &hash, &idx);
		cr_assert_eq(d->hash, hash, "%s", cases[k].name);
		cr_assert_eq(d->queue, q, "%s", cases[k].name);
		cr_assert_eq(snic_ctr_queue(f->ctr, to, d->queue)->loopback, 1);
		cr_assert_eq(f->ctr->vport[from].tx_local, 1, "%s", cases[k].name);
		cr_assert_eq(f->ctr->vport[from].tx_wire, 0, "%s", cases[k].name);
		cr_assert_eq(f->ctr->vport[from].tx.delivered, 1);
	}
	fix_free(f);
}

Test(tx, unicast_to_own_mac_never_returns_to_sender)
{
	struct fix *f = fix_new("ixgbe-82599", 3);
	uint8_t mac[6];
	struct snic_craft c;

	/* VF 0 alone has MAC A; VF 1 and VF 2 share MAC B. */
	fix_vf_mac(0, mac);
	fix_ok(f, snic_vf_set_mac(f->nic, 0, mac, &f->err));
	fix_vf_mac(1, mac);
	fix_ok(f, snic_vf_set_mac(f->nic, 1, mac, &f->err));
	fix_ok(f, snic_vf_set_mac(f->nic, 2, mac, &f->err));
	fix_commit(f);

	fix_vf_mac(0, mac);
	c = fix_udp(mac, mac, 1, 2);
	fix_add(f, &c);
	cr_assert_eq(fix_tx(f, 0), 1);
	cr_assert_eq(fix_set(f, 0), FIX_WIRE_BIT, "went to %#lx", (unsigned long)fix_set(f, 0));

	fix_clear(f);
	fix_vf_mac(1, mac);
	c = fix_udp(mac, mac, 1, 2);
	fix_add(f, &c);
	cr_assert_eq(fix_tx(f, 1), 1);
	cr_assert_eq(fix_set(f, 0), fix_bit(2), "went to %#lx", (unsigned long)fix_set(f, 0));
	cr_assert(f->dests[0].flags & SNIC_DEST_LOOPBACK);
	fix_free(f);
}

Test(tx, hairpin_is_spread_by_the_receiving_pools_rss)
{
	struct fix *f = fix_new_macs("ixgbe-x550", 2);
	struct snic_rss_conf rc;
	uint8_t src[6], dst[6];

	fix_ok(f, snic_nic_rss_get(f->nic, 1, &rc, &f->err));
	fix_key(&rc, 0x3c);
	for (unsigned i = 0; i < rc.reta_size; i++)
		rc.reta[i] = (uint16_t)((i / 3) % rc.nqueues);
	fix_ok(f, snic_nic_rss_set(f->nic, 1, &rc, &f->err));
	fix_commit(f);
	fix_vf_mac(0, src);
	fix_vf_mac(1, dst);
	for (unsigned i = 0; i < 64; i++) {
		struct snic_craft c = fix_flow(i, dst);

		memcpy(c.outer.smac, src, 6);
		fix_add(f, &c);
	}
	cr_assert_eq(fix_tx(f, 0), 64);
	for (unsigned i = 0; i < 64; i++) {
		uint32_t hash;
		unsigned idx, q = fix_rss_expect(f, 1, &rc, i, &hash, &idx);

		cr_assert_eq(f->dests[i].vport, 1);
		cr_assert_eq(f->dests[i].hash, hash, "frame %u", i);
		cr_assert_eq(f->dests[i].queue, q, "frame %u", i);
	}
	cr_assert_eq(f->ctr->vport[0].tx_local, 64);
	fix_free(f);
}

Test(tx, broadcast_never_returns_to_sender)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 4);

	fix_commit(f);
	for (unsigned from = 0; from < fix_pools(f); from++) {
		uint8_t src[6];
		struct snic_craft c;

		if (from == fix_pf(f))
			memcpy(src, FIX_PF_MAC, 6);
		else
			fix_vf_mac(from, src);
		fix_clear(f);
		c = fix_udp(FIX_BCAST, src, 68, 67);
		fix_add(f, &c);
		fix_tx(f, from);
		cr_assert_eq(fix_set(f, 0), (fix_all_pools(f) & ~fix_bit(from)) | FIX_WIRE_BIT,
			     "from %u: went to %#lx", from, (unsigned long)fix_set(f, 0));
		for (unsigned i = 0; i < f->ndests; i++) {
			const struct snic_dest *d = &f->dests[i];

			cr_assert(d->flags & SNIC_DEST_BCAST);
			if (d->vport == SNIC_VPORT_WIRE)
				cr_assert_eq(d->flags & SNIC_DEST_LOOPBACK, 0);
			else
				cr_assert(d->flags & SNIC_DEST_LOOPBACK);
		}
		cr_assert_eq(f->ctr->vport[from].tx.delivered, 1);
		cr_assert_eq(f->ctr->vport[from].tx_wire, 1);
		/* tx_wire and tx_local count frames, not copies. */
		cr_assert_eq(f->ctr->vport[from].tx_local, 1);
		for (unsigned q = 0; q < f->ctr->nqueues; q++)
			cr_assert_eq(snic_ctr_queue(f->ctr, from, q)->frames, 0);
	}
	fix_free(f);
}

Test(tx, multicast_goes_to_subscribers_and_wire_never_to_sender)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 3);
	struct snic_craft c;
	uint8_t src[6];

	for (unsigned vf = 0; vf < 2; vf++) {
		fix_ok(f, snic_vf_req_mc(f->nic, vf, &FIX_MCAST_A, 1, &f->err));
		fix_ok(f, snic_vf_req_rxmode(f->nic, vf, SNIC_RXMODE_MULTI, &f->err));
	}
	fix_ok(f, snic_pf_set_rxmode(f->nic, SNIC_RXMODE_MULTI, &f->err));
	fix_commit(f);
	fix_vf_mac(0, src);
	c = fix_udp(FIX_MCAST_A, src, 5000, 5001);
	fix_add(f, &c);
	c = fix_udp(FIX_MCAST_B, src, 5000, 5001); /* nobody joined */
	fix_add(f, &c);
	fix_tx(f, 0);
	cr_assert_eq(fix_set(f, 0), fix_bit(1) | FIX_WIRE_BIT, "A went to %#lx",
		     (unsigned long)fix_set(f, 0));
	cr_assert_eq(fix_set(f, 1), FIX_WIRE_BIT, "B went to %#lx", (unsigned long)fix_set(f, 1));
	for (unsigned i = 0; i < f->ndests; i++)
		cr_assert(f->dests[i].flags & SNIC_DEST_MCAST);
	cr_assert(fix_dest(f, 0, 1)->flags & SNIC_DEST_LOOPBACK);
	cr_assert_eq(snic_ctr_queue(f->ctr, 1, fix_dest(f, 0, 1)->queue)->mcast, 1);
	cr_assert_eq(f->ctr->vport[0].tx.delivered, 2);
	cr_assert_eq(f->ctr->vport[0].tx_wire, 2);
	fix_free(f);
}

/* --- spoof check ------------------------------------------------------------------ */

Test(tx, forged_source_mac_is_dropped_as_spoofed)
{
	static const uint8_t extra[6] = {0x02, 0x00, 0x00, 0x00, 0x77, 0x03};
	static const struct {
		const char *name;
		bool spoofchk;
		uint8_t src; /* 0 own MAC, 1 a forged one, 2 its extra MAC */
		bool sent;
	} cases[] = {
		{"own mac", true, 0, true},
		{"forged mac", true, 1, false},
		{"extra mac", true, 2, true},
		{"forged mac, spoofchk off", false, 1, true},
		{"own mac, spoofchk off", false, 0, true},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fix *f = fix_new_macs("ixgbe-82599", 2);
		struct snic_vf_info info;
		uint8_t src[6];
		struct snic_craft c;

		fix_ok(f, snic_vf_get(f->nic, 1, &info, &f->err));
		cr_assert(info.spoofchk, "spoofchk is off by default");
		fix_vf_own_mac(f, 1);
		fix_ok(f, snic_vf_req_macvlan(f->nic, 1, extra, true, &f->err));
		fix_ok(f, snic_vf_set_spoofchk(f->nic, 1, cases[k].spoofchk, &f->err));
		fix_commit(f);
		if (cases[k].src == 0)
			fix_vf_mac(1, src);
		else if (cases[k].src == 1)
			memcpy(src, FIX_OTHER_MAC, 6);
		else
			memcpy(src, extra, 6);
		c = fix_udp(FIX_REMOTE_MAC, src, 1, 2);
		fix_add(f, &c);
		fix_tx(f, 1);
		if (cases[k].sent) {
			cr_assert_eq(fix_set(f, 0), FIX_WIRE_BIT, "%s", cases[k].name);
		} else {
			tx_dropped_for(f, 1, SNIC_DROP_SPOOFED);
		}
		fix_free(f);
	}
}

Test(tx, spoofed_frame_reaches_no_local_pool)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 3);
	uint8_t dst[6];
	struct snic_craft c;

	fix_commit(f);
	fix_vf_mac(2, dst);
	c = fix_udp(dst, FIX_OTHER_MAC, 1, 2);
	fix_add(f, &c);
	c = fix_udp(FIX_BCAST, FIX_OTHER_MAC, 1, 2);
	fix_add(f, &c);
	cr_assert_eq(fix_tx(f, 0), 0);
	cr_assert_eq(f->ctr->vport[0].tx.drop[SNIC_DROP_SPOOFED], 2);
	cr_assert_eq(fix_queue_frames(f), 0);
	fix_free(f);
}

Test(tx, vlan_tag_outside_the_vfs_filters_is_spoofed)
{
	static const struct {
		const char *name;
		unsigned vf;
		uint8_t tagged;
		uint16_t tci;
		bool sent;
	} cases[] = {
		/* VF 0: VLAN filters 100 and 101. VF 1: port VLAN 10. */
		{"vf0 vid 100", 0, 1, 100, true},
		{"vf0 vid 101 pcp 5", 0, 1, (5 << 13) | 101, true},
		{"vf0 untagged", 0, 0, 0, true},
		{"vf0 vid 200", 0, 1, 200, false},
		{"vf1 tagged with its port vlan", 1, 1, 10, false},
		{"vf1 tagged vid 100", 1, 1, 100, false},
		{"vf1 untagged", 1, 0, 0, true},
	};
	struct fix *f = fix_new_macs("ixgbe-82599", 2);

	fix_ok(f, snic_vf_req_vlan(f->nic, 0, 100, true, &f->err));
	fix_ok(f, snic_vf_req_vlan(f->nic, 0, 101, true, &f->err));
	fix_ok(f, snic_vf_set_vlan(f->nic, 1, 10, 0, SNIC_VLAN_PROTO_8021Q, &f->err));
	fix_commit(f);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		uint8_t src[6];
		struct snic_craft c;

		fix_vf_mac(cases[k].vf, src);
		c = fix_udp(FIX_REMOTE_MAC, src, 1, 2);
		if (cases[k].tagged)
			c = fix_tagged(c, 0, cases[k].tci);
		fix_clear(f);
		fix_add(f, &c);
		fix_tx(f, cases[k].vf);
		if (cases[k].sent)
			cr_assert_eq(fix_set(f, 0), FIX_WIRE_BIT, "%s", cases[k].name);
		else
			tx_dropped_for(f, cases[k].vf, SNIC_DROP_SPOOFED);
	}
	fix_free(f);
}

Test(tx, pf_transmit_is_not_spoof_checked)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 1);
	struct snic_craft c;

	fix_commit(f);
	c = fix_tagged(fix_udp(FIX_REMOTE_MAC, FIX_OTHER_MAC, 1, 2), 0, 42);
	fix_add(f, &c);
	cr_assert_eq(fix_tx(f, fix_pf(f)), 1);
	cr_assert_eq(f->dests[0].vport, SNIC_VPORT_WIRE);
	cr_assert_eq(f->dests[0].vlan_action, SNIC_VLAN_KEEP);
	fix_free(f);
}

Test(tx, trust_lifts_the_vlan_spoof_check_but_not_the_mac_check)
{
	static const struct {
		const char *name;
		bool trust, forged;
		uint16_t vid; /* 0: untagged */
		bool sent;
	} cases[] = {
		{"untrusted, vid 300", false, false, 300, false},
		{"trusted, vid 300", true, false, 300, true},
		{"trusted, forged mac", true, true, 0, false},
		{"trusted, forged mac, vid 300", true, true, 300, false},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fix *f = fix_new_macs("ixgbe-82599", 1);
		uint8_t src[6];
		struct snic_craft c;

		fix_ok(f, snic_vf_set_trust(f->nic, 0, cases[k].trust, &f->err));
		fix_commit(f);
		if (cases[k].forged)
			memcpy(src, FIX_OTHER_MAC, 6);
		else
			fix_vf_mac(0, src);
		c = fix_udp(FIX_REMOTE_MAC, src, 1, 2);
		if (cases[k].vid)
			c = fix_tagged(c, 0, cases[k].vid);
		fix_add(f, &c);
		fix_tx(f, 0);
		if (cases[k].sent)
			cr_assert_eq(fix_set(f, 0), FIX_WIRE_BIT, "%s", cases[k].name);
		else
			tx_dropped_for(f, 0, SNIC_DROP_SPOOFED);
		fix_free(f);
	}
}

Test(tx, group_source_is_spoofed_even_without_spoofchk)
{
	static const struct {
		const char *name;
		const uint8_t *src;
		bool trust;
	} cases[] = {
		{"broadcast source", FIX_BCAST, false},
		{"multicast source", FIX_MCAST_A, false},
		{"broadcast source, trusted", FIX_BCAST, true},
		{"multicast source, trusted", FIX_MCAST_A, true},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fix *f = fix_new_macs("ixgbe-82599", 1);
		struct snic_craft c;

		fix_ok(f, snic_vf_set_spoofchk(f->nic, 0, false, &f->err));
		fix_ok(f, snic_vf_set_trust(f->nic, 0, cases[k].trust, &f->err));
		fix_commit(f);
		c = fix_udp(FIX_REMOTE_MAC, cases[k].src, 1, 2);
		fix_add(f, &c);
		fix_tx(f, 0);
		tx_dropped_for(f, 0, SNIC_DROP_SPOOFED);
		fix_free(f);
	}
}

/*
 * VF 1 on port VLAN 10 (qos 2) sends a frame it tagged itself. With
 * spoofchk off the port VLAN is inserted in front of the VF's tag, as
 * 82599's "always insert" VMVIR does: the wire and a pool without the port
 * VLAN get a push of VLAN 10, VF 2 on the same port VLAN gets the frame as
 * sent (its own tag inside). With spoofchk on the VF's own tag is spoofed,
 * trusted or not.
 */
Test(tx, tag_under_a_port_vlan_is_double_tagged_without_spoofchk_and_spoofed_with_it)
{
	static const struct {
		const char *name;
		bool spoofchk, trust;
		uint16_t tpid, tci; /* the VF's own tag */
		unsigned to;	    /* 0: the wire, 2: VF 2, 3: the PF */
		bool sent;
	} cases[] = {
		{"own vid 20 to the wire", false, false, 0, 20, 0, true},
		{"own vid 10 (the port vlan's) to the wire", false, false, 0, 10, 0, true},
		{"priority tag to the wire", false, false, 0, 5 << 13, 0, true},
		{"802.1ad tag to the wire", false, false, SNIC_VLAN_PROTO_8021AD, 30, 0, true},
		{"own vid 20 to vf 2 on the same port vlan", false, false, 0, 20, 2, true},
		{"own vid 20 to the pf", false, false, 0, 20, 3, true},
		{"own vid 20, spoofchk on", true, false, 0, 20, 0, false},
		{"own vid 10, spoofchk on", true, false, 0, 10, 0, false},
		{"priority tag, spoofchk on", true, false, 0, 5 << 13, 0, false},
		{"own vid 20, spoofchk on, trusted", true, true, 0, 20, 0, false},
		{"own vid 20 to vf 2, spoofchk on", true, false, 0, 20, 2, false},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fix *f = fix_new_macs("ixgbe-82599", 3);
		unsigned to = cases[k].to == 3 ? fix_pf(f) : cases[k].to;
		uint8_t src[6], dst[6];
		const struct snic_dest *d;
		struct snic_craft c;

		fix_ok(f, snic_vf_set_vlan(f->nic, 1, 10, 2, SNIC_VLAN_PROTO_8021Q, &f->err));
		fix_ok(f, snic_vf_set_vlan(f->nic, 2, 10, 0, SNIC_VLAN_PROTO_8021Q, &f->err));
		fix_ok(f, snic_vf_set_spoofchk(f->nic, 1, cases[k].spoofchk, &f->err));
		fix_ok(f, snic_vf_set_trust(f->nic, 1, cases[k].trust, &f->err));
		fix_commit(f);
		fix_vf_mac(1, src);
		if (cases[k].to == 0)
			memcpy(dst, FIX_REMOTE_MAC, 6);
		else if (cases[k].to == 2)
			fix_vf_mac(2, dst);
		else
			memcpy(dst, FIX_PF_MAC, 6);
		c = fix_tagged(fix_udp(dst, src, 1, 2), cases[k].tpid, cases[k].tci);
		fix_add(f, &c);
		fix_tx(f, 1);
		if (!cases[k].sent) {
			tx_dropped_for(f, 1, SNIC_DROP_SPOOFED);
			fix_free(f);
			continue;
		}
		cr_assert_eq(f->ndests, 1, "%s: %u destinations", cases[k].name, f->ndests);
		d = fix_dest(f, 0, cases[k].to ? to : SNIC_VPORT_WIRE);
		/* The frame's bytes keep the VF's own tag; the port VLAN goes
		 * in front of it, or stays implied for a pool on that VLAN. */
		cr_assert_eq(f->frames[0].data[12] << 8 | f->frames[0].data[13],
			     cases[k].tpid ? cases[k].tpid : SNIC_VLAN_PROTO_8021Q, "%s",
			     cases[k].name);
		if (cases[k].to == 2) {
			cr_assert_eq(d->vlan_action, SNIC_VLAN_KEEP, "%s", cases[k].name);
		} else {
			cr_assert_eq(d->vlan_action, SNIC_VLAN_PUSH, "%s", cases[k].name);
			cr_assert_eq(d->vlan_tpid, SNIC_VLAN_PROTO_8021Q, "%s", cases[k].name);
			cr_assert_eq(d->vlan_tci, (2 << 13) | 10, "%s: tci %#x", cases[k].name,
				     d->vlan_tci);
		}
		cr_assert_eq(f->ctr->vport[1].tx.drop[SNIC_DROP_SPOOFED], 0, "%s", cases[k].name);
		fix_free(f);
	}
}

Test(tx, vf_without_a_mac_sends_nothing_while_spoofchk_is_on)
{
	struct fix *f = fix_new("ixgbe-82599", 1);
	uint8_t src[6];
	struct snic_craft c;

	fix_commit(f);
	fix_vf_mac(0, src);
	c = fix_udp(FIX_REMOTE_MAC, src, 1, 2);
	fix_add(f, &c);
	fix_tx(f, 0);
	tx_dropped_for(f, 0, SNIC_DROP_SPOOFED);

	fix_ok(f, snic_vf_set_spoofchk(f->nic, 0, false, &f->err));
	fix_commit(f);
	cr_assert_eq(fix_tx(f, 0), 1);
	cr_assert_eq(f->dests[0].vport, SNIC_VPORT_WIRE);
	fix_free(f);
}

Test(tx, hairpin_refused_by_its_pool_is_dropped_and_never_reaches_the_wire)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 2);
	uint8_t src[6], dst[6];
	struct snic_craft c;

	fix_ok(f, snic_vf_set_link_state(f->nic, 1, SNIC_LINK_DISABLE, &f->err));
	fix_commit(f);
	fix_vf_mac(0, src);
	fix_vf_mac(1, dst);
	c = fix_udp(dst, src, 1, 2);
	fix_add(f, &c);
	fix_tx(f, 0);
	tx_dropped_for(f, 0, SNIC_DROP_LINK_DOWN);
	cr_assert_eq(f->ctr->vport[1].rx_drop[SNIC_DROP_LINK_DOWN], 1);
	fix_free(f);
}

/* --- port VLAN ---------------------------------------------------------------------- */

Test(tx, port_vlan_is_inserted_on_transmit)
{
	static const struct {
		const char *profile;
		unsigned vid, qos, proto;
	} cases[] = {
		{"ixgbe-82599", 10, 3, SNIC_VLAN_PROTO_8021Q},
		{"ixgbe-82599", 4094, 0, SNIC_VLAN_PROTO_8021Q},
		{"ice-e810", 20, 7, SNIC_VLAN_PROTO_8021AD}, /* ixgbe has no 802.1ad */
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fix *f = fix_new_macs(cases[k].profile, 2);
		uint8_t src[6];
		struct snic_craft c;
		const struct snic_dest *d;

		fix_ok(f, snic_vf_set_vlan(f->nic, 1, cases[k].vid, cases[k].qos, cases[k].proto,
					   &f->err));
		fix_commit(f);
		fix_vf_mac(1, src);
		c = fix_udp(FIX_REMOTE_MAC, src, 1, 2);
		fix_add(f, &c);
		cr_assert_eq(fix_tx(f, 1), 1);
		d = fix_dest(f, 0, SNIC_VPORT_WIRE);
		cr_assert_eq(d->vlan_action, SNIC_VLAN_PUSH, "case %zu", k);
		cr_assert_eq(d->vlan_tci, (cases[k].qos << 13) | cases[k].vid, "case %zu: tci %#x",
			     k, d->vlan_tci);
		cr_assert_eq(d->vlan_tpid, cases[k].proto, "case %zu: tpid %#x", k, d->vlan_tpid);
		fix_free(f);
	}
}

Test(tx, port_vlans_separate_local_pools)
{
	struct fix *f = fix_new("ixgbe-82599", 3);
	uint8_t src[6], dst[6];
	struct snic_craft c;

	/* VF 0 and VF 1 share VLAN 10; VF 2 is on VLAN 20. */
	for (unsigned vf = 0; vf < 3; vf++) {
		fix_vf_mac(vf, src);
		fix_ok(f, snic_vf_set_mac(f->nic, vf, src, &f->err));
		fix_ok(f, snic_vf_set_vlan(f->nic, vf, vf < 2 ? 10 : 20, 0, SNIC_VLAN_PROTO_8021Q,
					   &f->err));
	}
	fix_commit(f);
	fix_vf_mac(0, src);
	fix_vf_mac(1, dst);
	c = fix_udp(dst, src, 1, 2);
	fix_add(f, &c);
	fix_vf_mac(2, dst);
	c = fix_udp(dst, src, 1, 2);
	fix_add(f, &c);
	cr_assert_eq(fix_tx(f, 0), 2);
	/* Same VLAN: hairpinned, arriving untagged as the pool's port VLAN
	 * frames do. */
	cr_assert_eq(fix_set(f, 0), fix_bit(1));
	cr_assert(fix_dest(f, 0, 1)->flags & SNIC_DEST_LOOPBACK);
	cr_assert_eq(fix_dest(f, 0, 1)->vlan_action, SNIC_VLAN_KEEP);
	/* Another VLAN: not a local (MAC, VLAN), so out to the wire, tagged. */
	cr_assert_eq(fix_set(f, 1), FIX_WIRE_BIT);
	cr_assert_eq(fix_dest(f, 1, SNIC_VPORT_WIRE)->vlan_action, SNIC_VLAN_PUSH);
	cr_assert_eq(fix_dest(f, 1, SNIC_VPORT_WIRE)->vlan_tci, 10);
	fix_free(f);
}

Test(tx, broadcast_from_a_port_vlan_stays_in_its_vlan)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 3);
	uint8_t src[6];
	struct snic_craft c;
	const struct snic_dest *d;

	/* VF 0 and VF 1 on VLAN 10 qos 2, VF 2 on VLAN 20; the PF takes
	 * every VLAN. */
	fix_ok(f, snic_vf_set_vlan(f->nic, 0, 10, 2, SNIC_VLAN_PROTO_8021Q, &f->err));
	fix_ok(f, snic_vf_set_vlan(f->nic, 1, 10, 0, SNIC_VLAN_PROTO_8021Q, &f->err));
	fix_ok(f, snic_vf_set_vlan(f->nic, 2, 20, 0, SNIC_VLAN_PROTO_8021Q, &f->err));
	fix_commit(f);
	fix_vf_mac(0, src);
	c = fix_udp(FIX_BCAST, src, 68, 67);
	fix_add(f, &c);
	fix_tx(f, 0);
	cr_assert_eq(fix_set(f, 0), fix_bit(1) | fix_bit(fix_pf(f)) | FIX_WIRE_BIT, "went to %#lx",
		     (unsigned long)fix_set(f, 0));
	cr_assert_eq(f->ctr->vport[2].rx_drop[SNIC_DROP_VLAN_FILTERED], 1);
	/* VF 1 shares the port VLAN: the frame arrives as it was sent. */
	cr_assert_eq(fix_dest(f, 0, 1)->vlan_action, SNIC_VLAN_KEEP);
	/* The PF and the wire see the tag. */
	d = fix_dest(f, 0, fix_pf(f));
	cr_assert_eq(d->vlan_action, SNIC_VLAN_PUSH);
	cr_assert_eq(d->vlan_tci, (2 << 13) | 10);
	cr_assert_eq(d->vlan_tpid, SNIC_VLAN_PROTO_8021Q);
	d = fix_dest(f, 0, SNIC_VPORT_WIRE);
	cr_assert_eq(d->vlan_action, SNIC_VLAN_PUSH);
	cr_assert_eq(d->vlan_tci, (2 << 13) | 10);
	fix_free(f);
}

/* --- link state --------------------------------------------------------------------- */

Test(tx, link_down_drops_transmit_as_link_down)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 2);
	uint8_t src[6];
	struct snic_craft c;

	fix_ok(f, snic_vf_set_link_state(f->nic, 0, SNIC_LINK_DISABLE, &f->err));
	fix_commit(f);
	fix_vf_mac(0, src);
	c = fix_udp(FIX_REMOTE_MAC, src, 1, 2);
	fix_add(f, &c);
	fix_tx(f, 0);
	tx_dropped_for(f, 0, SNIC_DROP_LINK_DOWN);

	/* VF 1 follows the PF's link. */
	fix_clear(f);
	fix_vf_mac(1, src);
	c = fix_udp(FIX_REMOTE_MAC, src, 1, 2);
	fix_add(f, &c);
	fix_ok(f, snic_nic_set_link(f->nic, false, &f->err));
	fix_commit(f);
	fix_tx(f, 1);
	tx_dropped_for(f, 1, SNIC_DROP_LINK_DOWN);
	fix_ok(f, snic_nic_set_link(f->nic, true, &f->err));
	fix_commit(f);
	cr_assert_eq(fix_tx(f, 1), 1);
	cr_assert_eq(f->dests[0].vport, SNIC_VPORT_WIRE);

	/* Enabled again, VF 0 sends. */
	fix_ok(f, snic_vf_set_link_state(f->nic, 0, SNIC_LINK_ENABLE, &f->err));
	fix_commit(f);
	fix_clear(f);
	fix_vf_mac(0, src);
	c = fix_udp(FIX_REMOTE_MAC, src, 1, 2);
	fix_add(f, &c);
	cr_assert_eq(fix_tx(f, 0), 1);
	fix_free(f);
}

/*
 * The PF's link down, VF 0 and VF 2 in state enable, VF 1 in state auto:
 * the enabled VFs switch with each other, nothing reaches the wire, and
 * pools whose link is down refuse their copies.
 */
Test(tx, pf_link_down_keeps_enabled_vfs_off_the_wire_but_switching)
{
	static const struct {
		const char *name;
		unsigned from;	     /* 3: the PF */
		const uint8_t *dmac; /* NULL: VF @to's MAC */
		unsigned to;
		uint64_t set;	    /* vports reached (bit 3: the PF) */
		enum snic_drop why; /* when none is */
		uint64_t refused;   /* vports counting a LINK_DOWN refusal */
	} cases[] = {
		{"enabled vf to the wire", 0, FIX_REMOTE_MAC, 0, 0, SNIC_DROP_LINK_DOWN, 0},
		{"enabled vf to enabled vf", 0, NULL, 2, fix_bit(2), 0, 0},
		{"enabled vf to auto vf", 0, NULL, 1, 0, SNIC_DROP_LINK_DOWN, fix_bit(1)},
		{"enabled vf broadcast", 0, FIX_BCAST, 0, fix_bit(2), 0, fix_bit(1) | fix_bit(3)},
		{"enabled vf multicast", 0, FIX_MCAST_A, 0, fix_bit(2), 0, fix_bit(3)},
		{"auto vf to enabled vf", 1, NULL, 0, 0, SNIC_DROP_LINK_DOWN, 0},
		{"pf to enabled vf", 3, NULL, 0, 0, SNIC_DROP_LINK_DOWN, 0},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fix *f = fix_new_macs("ixgbe-82599", 3);
		unsigned from = cases[k].from == 3 ? fix_pf(f) : cases[k].from;
		uint8_t src[6], dst[6];
		struct snic_craft c;

		fix_ok(f, snic_vf_set_link_state(f->nic, 0, SNIC_LINK_ENABLE, &f->err));
		fix_ok(f, snic_vf_set_link_state(f->nic, 2, SNIC_LINK_ENABLE, &f->err));
		/* VF 2 and the PF take every multicast. */
		fix_ok(f, snic_vf_set_trust(f->nic, 2, true, &f->err));
		fix_ok(f, snic_vf_req_rxmode(f->nic, 2, SNIC_RXMODE_ALLMULTI, &f->err));
		fix_ok(f, snic_pf_set_rxmode(f->nic, SNIC_RXMODE_ALLMULTI, &f->err));
		fix_ok(f, snic_nic_set_link(f->nic, false, &f->err));
		fix_commit(f);
		if (from == fix_pf(f))
			memcpy(src, FIX_PF_MAC, 6);
		else
			fix_vf_mac(from, src);
		if (cases[k].dmac)
			memcpy(dst, cases[k].dmac, 6);
		else
			fix_vf_mac(cases[k].to, dst);
		c = fix_udp(dst, src, 1, 2);
		fix_add(f, &c);
		fix_tx(f, from);
		if (!cases[k].set) {
			tx_dropped_for(f, from, cases[k].why);
		} else {
			cr_assert_eq(fix_set(f, 0), cases[k].set, "%s: went to %#lx", cases[k].name,
				     (unsigned long)fix_set(f, 0));
			cr_assert_eq(f->ctr->vport[from].tx.delivered, 1, "%s", cases[k].name);
			cr_assert_eq(f->ctr->vport[from].tx_wire, 0, "%s", cases[k].name);
		}
		for (unsigned v = 0; v < 4; v++) {
			unsigned pool = v == 3 ? fix_pf(f) : v;

			cr_assert_eq(f->ctr->vport[pool].rx_drop[SNIC_DROP_LINK_DOWN],
				     (cases[k].refused >> v) & 1, "%s: vport %u refusals",
				     cases[k].name, pool);
		}
		/* With the link back, the wire gets its copy again. */
		fix_ok(f, snic_nic_set_link(f->nic, true, &f->err));
		fix_commit(f);
		fix_tx(f, from);
		cr_assert_eq(f->ctr->vport[from].tx.delivered, 1, "%s: link up", cases[k].name);
		if (cases[k].dmac)
			cr_assert(fix_set(f, 0) & FIX_WIRE_BIT, "%s: link up", cases[k].name);
		fix_free(f);
	}
}

/* --- rate limit --------------------------------------------------------------------- */

/* Send one @len-byte frame from @vport every @gap_ns for @dur_ns starting
 * at @t0; returns how many were sent. Counters accumulate. */
static uint64_t offer(struct fix *f, unsigned vport, unsigned len, uint64_t gap_ns, uint64_t t0,
		      uint64_t dur_ns)
{
	uint8_t src[6];
	struct snic_craft c;
	uint64_t before = f->ctr->vport[vport].tx.delivered;

	if (vport == fix_pf(f))
		memcpy(src, FIX_PF_MAC, 6);
	else
		fix_vf_mac(vport, src);
	c = fix_udp(FIX_REMOTE_MAC, src, 1, 2);
	c.outer.payload_len = (uint16_t)(len - 14 - 20 - 8);
	fix_clear(f);
	fix_add(f, &c);
	cr_assert_eq(f->frames[0].len, len);
	for (uint64_t t = t0; t < t0 + dur_ns; t += gap_ns)
		fix_tx_at(f, vport, t, FIX_DESTS);
	return f->ctr->vport[vport].tx.delivered - before;
}

Test(tx, rate_limit_drops_over_max_tx_rate)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 2);
	const uint64_t sec = 1000000000ull;
	uint64_t sent, offered = 20000, expect, depth;

	cr_assert(f->p->tx_rate_max);
	fix_ok(f, snic_vf_set_rate(f->nic, 0, 0, 20, &f->err));
	fix_commit(f);
	snic_ctr_reset(f->ctr);

	/* 1250-byte frames (10 kbit) every 100 us: 100 Mbit/s offered to a
	 * 20 Mbit/s limit over 2 s. */
	sent = offer(f, 0, 1250, 100000, sec, 2 * sec);
	expect = 20000000ull * 2 / (1250 * 8);
	/* The bucket starts full: one millisecond at the rate, at least two
	 * tagged frames of the max frame size (cfg.c). */
	depth = 20000ull * 1000 / 1000;
	if (depth < 2ull * (1514 + 4) * 8)
		depth = 2ull * (1514 + 4) * 8;
	cr_assert_eq(f->ctr->vport[0].tx.in, offered);
	cr_assert_eq(f->ctr->vport[0].tx.drop[SNIC_DROP_RATE_LIMITED], offered - sent);
	cr_assert_geq(sent, expect - 1, "sent %lu, rate allows %lu", (unsigned long)sent,
		      (unsigned long)expect);
	cr_assert_leq(sent, expect + depth / 10000 + 1, "sent %lu, rate allows %lu + burst",
		      (unsigned long)sent, (unsigned long)expect);

	/* Under the limit (1 Mbit/s), nothing is dropped. */
	snic_ctr_reset(f->ctr);
	sent = offer(f, 0, 1250, 10000000, 10 * sec, 2 * sec);
	cr_assert_eq(sent, 200);
	cr_assert_eq(f->ctr->vport[0].tx.drop[SNIC_DROP_RATE_LIMITED], 0);

	/* VF 1 has no limit: all of 100 Mbit/s passes. */
	snic_ctr_reset(f->ctr);
	sent = offer(f, 1, 1250, 100000, 20 * sec, sec);
	cr_assert_eq(sent, 10000);

	/* Removing the limit lets VF 0 send everything. */
	fix_ok(f, snic_vf_set_rate(f->nic, 0, 0, 0, &f->err));
	fix_commit(f);
	snic_ctr_reset(f->ctr);
	sent = offer(f, 0, 1250, 100000, 30 * sec, sec);
	cr_assert_eq(sent, 10000);
	fix_free(f);
}

/* --- the burst call's own limits ------------------------------------------------------ */

Test(tx, frame_shorter_than_ethernet_header_is_malformed)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 1);
	uint8_t hdr[14];

	memcpy(hdr, FIX_REMOTE_MAC, 6);
	fix_vf_mac(0, hdr + 6);
	hdr[12] = 0x08;
	hdr[13] = 0x00;
	fix_commit(f);
	for (uint32_t len = 0; len < 14; len++) {
		fix_clear(f);
		fix_add_raw(f, hdr, len);
		fix_tx(f, 0);
		tx_dropped_for(f, 0, SNIC_DROP_MALFORMED);
	}
	fix_clear(f);
	fix_add_raw(f, hdr, 14);
	cr_assert_eq(fix_tx(f, 0), 1);
	cr_assert_eq(f->dests[0].vport, SNIC_VPORT_WIRE);
	fix_free(f);
}

Test(tx, destination_array_too_small_drops_as_no_room)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 3);
	uint8_t src[6], dst[6];
	struct snic_craft c;

	fix_commit(f);
	fix_vf_mac(0, src);
	fix_vf_mac(1, dst);
	c = fix_udp(FIX_REMOTE_MAC, src, 1, 2); /* the wire */
	fix_add(f, &c);
	c = fix_udp(FIX_BCAST, src, 1, 2); /* VF 1, VF 2, PF and the wire */
	fix_add(f, &c);
	c = fix_udp(dst, src, 1, 2); /* VF 1 */
	fix_add(f, &c);

	snic_ctr_reset(f->ctr);
	cr_assert_eq(fix_tx_at(f, 0, NOW, 3), 2);
	cr_assert_eq(f->dests[0].frame, 0);
	cr_assert_eq(f->dests[0].vport, SNIC_VPORT_WIRE);
	cr_assert_eq(f->dests[1].frame, 2);
	cr_assert_eq(f->dests[1].vport, 1);
	cr_assert_eq(f->ctr->vport[0].tx.drop[SNIC_DROP_NO_ROOM], 1);
	cr_assert_eq(f->ctr->vport[0].tx.delivered, 2);
	cr_assert_eq(f->ctr->vport[0].tx_wire, 1);
	cr_assert_eq(fix_queue_frames(f), 1);

	snic_ctr_reset(f->ctr);
	cr_assert_eq(fix_tx_at(f, 0, NOW, 6), 6);
	cr_assert_eq(local_dests(f), 4);
	cr_assert_eq(f->ctr->vport[0].tx.drop[SNIC_DROP_NO_ROOM], 0);

	snic_ctr_reset(f->ctr);
	cr_assert_eq(fix_tx_at(f, 0, NOW, 0), 0);
	cr_assert_eq(f->ctr->vport[0].tx.drop[SNIC_DROP_NO_ROOM], 3);
	cr_assert_eq(fix_queue_frames(f), 0);
	fix_free(f);
}
