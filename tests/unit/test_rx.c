/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive from the wire (snic_rx): parse, the embedded switch, the per-pool
 * filters, queue selection by flow rules and RSS, and the counters. Every
 * test builds a NIC of a real profile, commits it, receives crafted frames
 * with fresh counters and checks the destinations, the counters and
 * conservation (nicfix.h checks conservation after every burst).
 */
#include <stdio.h>

#include "nicfix.h"

/* --- SR-IOV arithmetic, as the switch sees it ------------------------------------ */

Test(rx, vfs_own_pools_below_and_pf_owns_the_next)
{
	static const struct {
		const char *profile;
		unsigned numvfs;
	} cases[] = {
		{"ixgbe-82599", 0}, {"ixgbe-82599", 4}, {"ixgbe-82599", 63},
		{"ixgbe-x550", 7},  {"ice-e810", 3},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fix *f = fix_new_macs(cases[k].profile, cases[k].numvfs);
		unsigned n = cases[k].numvfs;
		uint8_t mac[6];
		struct snic_craft c;

		cr_assert_eq(fix_pf(f), n, "%s/%u: PF pool %u", cases[k].profile, n, fix_pf(f));
		fix_commit(f);
		for (unsigned vf = 0; vf < n; vf++) {
			fix_vf_mac(vf, mac);
			c = fix_udp(mac, FIX_REMOTE_MAC, 1000, 2000);
			fix_add(f, &c);
		}
		c = fix_udp(FIX_PF_MAC, FIX_REMOTE_MAC, 1000, 2000);
		fix_add(f, &c);
		cr_assert_eq(fix_rx(f), n + 1);
		for (unsigned i = 0; i <= n; i++) {
			cr_assert_eq(f->dests[i].frame, i);
			cr_assert_eq(f->dests[i].vport, i, "%s/%u: frame %u went to vport %u",
				     cases[k].profile, n, i, f->dests[i].vport);
		}
		cr_assert_eq(f->ctr->rx.delivered, n + 1);
		fix_free(f);
	}
}

/* Every queue of @vport, and no other, receives some of 256 flows. */
static void check_queues_used(struct fix *f, unsigned vport, const uint8_t dmac[6], unsigned nq)
{
	uint64_t used = 0;

	fix_clear(f);
	for (unsigned i = 0; i < 256; i++) {
		struct snic_craft c = fix_flow(i, dmac);

		fix_add(f, &c);
	}
	cr_assert_eq(fix_rx(f), 256);
	for (unsigned i = 0; i < f->ndests; i++) {
		cr_assert_eq(f->dests[i].vport, vport);
		cr_assert_lt(f->dests[i].queue, nq, "vport %u queue %u of %u", vport,
			     f->dests[i].queue, nq);
		used |= UINT64_C(1) << f->dests[i].queue;
	}
	cr_assert_eq(used, (UINT64_C(1) << nq) - 1, "vport %u used queues %#lx of %u", vport,
		     (unsigned long)used, nq);
}

Test(rx, queues_per_pool_follow_the_profile)
{
	/* ixgbe: up to 32 pools in use, 4 queues each; more, 2 each. */
	static const struct {
		unsigned numvfs, queues;
	} cases[] = {{1, 4}, {31, 4}, {32, 2}, {63, 2}};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fix *f = fix_new_macs("ixgbe-82599", cases[k].numvfs);
		uint8_t mac[6];

		cr_assert_eq(snic_profile_pool_queues(f->p, cases[k].numvfs + 1), cases[k].queues);
		for (unsigned v = 0; v <= cases[k].numvfs; v++)
			cr_assert_eq(snic_nic_vport_queues(f->nic, v), cases[k].queues,
				     "%u VFs: vport %u has %u queues", cases[k].numvfs, v,
				     snic_nic_vport_queues(f->nic, v));
		fix_commit(f);
		fix_vf_mac(0, mac);
		check_queues_used(f, 0, mac, cases[k].queues);
		check_queues_used(f, fix_pf(f), FIX_PF_MAC, cases[k].queues);
		fix_free(f);
	}
}

/* --- the switch ---------------------------------------------------------------- */

Test(rx, unicast_to_a_vf_mac_reaches_only_that_vf)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 4);
	uint8_t mac[6];
	struct snic_craft c;

	fix_commit(f);
	fix_vf_mac(2, mac);
	c = fix_tcp(mac, FIX_REMOTE_MAC, 40000, 443);
	fix_add(f, &c);
	cr_assert_eq(fix_rx(f), 1);
	cr_assert_eq(f->dests[0].vport, 2);
	cr_assert_eq(f->dests[0].frame, 0);
	cr_assert_eq(f->dests[0].vlan_action, SNIC_VLAN_KEEP);
	cr_assert_eq(f->dests[0].flags & (SNIC_DEST_BCAST | SNIC_DEST_MCAST | SNIC_DEST_LOOPBACK),
		     0);
	cr_assert_eq(f->ctr->rx.delivered, 1);
	fix_free(f);
}

Test(rx, unknown_unicast_goes_to_pf_pool)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 4);
	struct snic_craft c;

	fix_commit(f);
	c = fix_tcp(FIX_OTHER_MAC, FIX_REMOTE_MAC, 40000, 443);
	fix_add(f, &c);
	c = fix_tagged(c, 0, 300);
	fix_add(f, &c);
	cr_assert_eq(fix_rx(f), 2);
	cr_assert_eq(fix_set(f, 0), fix_bit(fix_pf(f)));
	cr_assert_eq(fix_set(f, 1), fix_bit(fix_pf(f)));
	cr_assert_eq(f->ctr->rx.delivered, 2);
	fix_free(f);
}

Test(rx, broadcast_reaches_every_accepting_pool)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 4);
	struct snic_craft c;
	uint64_t bcast = 0;

	/* VF 2's link is down: the only pool that does not accept it. */
	fix_ok(f, snic_vf_set_link_state(f->nic, 2, SNIC_LINK_DISABLE, &f->err));
	fix_commit(f);
	c = fix_udp(FIX_BCAST, FIX_REMOTE_MAC, 68, 67);
	memset(c.outer.ip_dst, 0xff, 4);
	fix_add(f, &c);
	cr_assert_eq(fix_rx(f), 4);
	cr_assert_eq(fix_set(f, 0), fix_all_pools(f) & ~fix_bit(2));
	for (unsigned i = 0; i < f->ndests; i++) {
		cr_assert(f->dests[i].flags & SNIC_DEST_BCAST);
		cr_assert_eq(f->dests[i].flags & SNIC_DEST_MCAST, 0);
	}
	cr_assert_eq(f->ctr->rx.delivered, 1);
	cr_assert_eq(f->ctr->vport[2].rx_drop[SNIC_DROP_LINK_DOWN], 1);
	for (unsigned i = 0; i < (unsigned)f->ctr->nvports * f->ctr->nqueues; i++)
		bcast += f->ctr->queue[i].bcast;
	cr_assert_eq(bcast, 4);
	fix_free(f);
}

Test(rx, multicast_reaches_subscribed_allmulti_and_promisc_pools)
{
	/* X550: an 82599 VF can't be promiscuous */
	struct fix *f = fix_new_macs("ixgbe-x550", 4);
	struct snic_vf_info info;
	struct snic_craft c;

	/* VF 0 joined A; VF 1 (trusted) wants all multicast; VF 2 (untrusted)
	 * asked for all multicast but is held to the groups it joined (B);
	 * VF 3 (trusted) is promiscuous; the PF joined nothing. */
	fix_ok(f, snic_vf_req_mc(f->nic, 0, &FIX_MCAST_A, 1, &f->err));
	fix_ok(f, snic_vf_req_rxmode(f->nic, 0, SNIC_RXMODE_MULTI, &f->err));
	fix_ok(f, snic_vf_set_trust(f->nic, 1, true, &f->err));
	fix_ok(f, snic_vf_req_rxmode(f->nic, 1, SNIC_RXMODE_ALLMULTI, &f->err));
	fix_ok(f, snic_vf_req_mc(f->nic, 2, &FIX_MCAST_B, 1, &f->err));
	fix_ok(f, snic_vf_req_rxmode(f->nic, 2, SNIC_RXMODE_ALLMULTI, &f->err));
	fix_ok(f, snic_vf_set_trust(f->nic, 3, true, &f->err));
	fix_ok(f, snic_vf_req_rxmode(f->nic, 3, SNIC_RXMODE_PROMISC, &f->err));
	fix_ok(f, snic_pf_set_mc(f->nic, NULL, 0, &f->err));
	fix_ok(f, snic_pf_set_rxmode(f->nic, SNIC_RXMODE_MULTI, &f->err));
	fix_ok(f, snic_vf_get(f->nic, 2, &info, &f->err));
	cr_assert_eq(info.rxmode, SNIC_RXMODE_ALLMULTI);
	cr_assert_eq(info.rxmode_eff, SNIC_RXMODE_MULTI);
	fix_commit(f);

	c = fix_udp(FIX_MCAST_A, FIX_REMOTE_MAC, 5000, 5001);
	fix_add(f, &c);
	c = fix_udp(FIX_MCAST_B, FIX_REMOTE_MAC, 5000, 5001);
	fix_add(f, &c);
	fix_rx(f);
	cr_assert_eq(fix_set(f, 0), fix_bit(0) | fix_bit(1) | fix_bit(3), "A went to %#lx",
		     (unsigned long)fix_set(f, 0));
	cr_assert_eq(fix_set(f, 1), fix_bit(1) | fix_bit(2) | fix_bit(3), "B went to %#lx",
		     (unsigned long)fix_set(f, 1));
	for (unsigned i = 0; i < f->ndests; i++) {
		cr_assert(f->dests[i].flags & SNIC_DEST_MCAST);
		cr_assert_eq(f->dests[i].flags & SNIC_DEST_BCAST, 0);
	}
	cr_assert_eq(f->ctr->rx.delivered, 2);

	/* The PF in allmulti takes both as well. */
	fix_ok(f, snic_pf_set_rxmode(f->nic, SNIC_RXMODE_ALLMULTI, &f->err));
	fix_commit(f);
	fix_rx(f);
	cr_assert(fix_set(f, 0) & fix_bit(fix_pf(f)));
	cr_assert(fix_set(f, 1) & fix_bit(fix_pf(f)));
	fix_free(f);
}

Test(rx, multicast_groups_up_to_the_limit_are_all_received)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 2);
	uint8_t groups[30][6];

	cr_assert_eq(f->p->vf_mc_max, 30);
	for (unsigned i = 0; i < 30; i++) {
		const uint8_t g[6] = {0x01, 0x00, 0x5e, 0x01, 0x00, (uint8_t)i};

		memcpy(groups[i], g, 6);
	}
	fix_ok(f, snic_vf_req_mc(f->nic, 1, (const uint8_t(*)[6])groups, 30, &f->err));
	fix_ok(f, snic_vf_req_rxmode(f->nic, 1, SNIC_RXMODE_MULTI, &f->err));
	fix_ok(f, snic_pf_set_rxmode(f->nic, SNIC_RXMODE_MULTI, &f->err));
	fix_commit(f);
	for (unsigned i = 0; i < 30; i++) {
		struct snic_craft c = fix_udp(groups[i], FIX_REMOTE_MAC, 5000, 5001);

		fix_add(f, &c);
	}
	cr_assert_eq(fix_rx(f), 30);
	for (unsigned i = 0; i < 30; i++)
		cr_assert_eq(fix_set(f, i), fix_bit(1), "group %u went to %#lx", i,
			     (unsigned long)fix_set(f, i));
	fix_free(f);
}

Test(rx, untrusted_vf_promisc_is_capped_at_multicast)
{
	struct fix *f = fix_new_macs("ixgbe-x550", 2);
	struct snic_vf_info info;
	struct snic_craft c;

	fix_ok(f, snic_vf_req_mc(f->nic, 0, &FIX_MCAST_A, 1, &f->err));
	fix_ok(f, snic_vf_req_rxmode(f->nic, 0, SNIC_RXMODE_PROMISC, &f->err));
	fix_ok(f, snic_pf_set_rxmode(f->nic, SNIC_RXMODE_MULTI, &f->err));
	fix_ok(f, snic_vf_get(f->nic, 0, &info, &f->err));
	cr_assert_eq(info.rxmode, SNIC_RXMODE_PROMISC);
	cr_assert_eq(info.rxmode_eff, SNIC_RXMODE_MULTI);
	fix_commit(f);
	c = fix_tcp(FIX_OTHER_MAC, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c); /* unknown unicast */
	c = fix_udp(FIX_MCAST_A, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c); /* joined */
	c = fix_udp(FIX_MCAST_B, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c); /* not joined */
	fix_rx(f);
	cr_assert_eq(fix_set(f, 0), fix_bit(fix_pf(f)));
	cr_assert_eq(fix_set(f, 1), fix_bit(0));
	cr_assert_eq(fix_set(f, 2), 0);
	fix_free(f);
}

Test(rx, trusted_promisc_vf_receives_unknown_unicast_and_all_multicast)
{
	struct fix *f = fix_new_macs("ixgbe-x550", 2);
	struct snic_vf_info info;
	struct snic_craft c;
	uint8_t mac[6];

	fix_ok(f, snic_vf_set_trust(f->nic, 1, true, &f->err));
	fix_ok(f, snic_vf_req_rxmode(f->nic, 1, SNIC_RXMODE_PROMISC, &f->err));
	fix_ok(f, snic_pf_set_rxmode(f->nic, SNIC_RXMODE_MULTI, &f->err));
	fix_ok(f, snic_vf_get(f->nic, 1, &info, &f->err));
	cr_assert_eq(info.rxmode_eff, SNIC_RXMODE_PROMISC);
	fix_commit(f);
	c = fix_tcp(FIX_OTHER_MAC, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	c = fix_udp(FIX_MCAST_B, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	c = fix_udp(FIX_BCAST, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	c = fix_tagged(fix_tcp(FIX_OTHER_MAC, FIX_REMOTE_MAC, 1, 2), 0, 77);
	fix_add(f, &c);
	fix_vf_mac(0, mac);
	c = fix_tcp(mac, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	fix_rx(f);
	cr_assert_eq(fix_set(f, 0), fix_bit(1) | fix_bit(fix_pf(f)));
	cr_assert_eq(fix_set(f, 1), fix_bit(1));
	cr_assert_eq(fix_set(f, 2), fix_all_pools(f));
	/* A promiscuous pool takes every VLAN... */
	cr_assert_eq(fix_set(f, 3), fix_bit(1) | fix_bit(fix_pf(f)));
	/* ...but unicast to another pool's MAC stays that pool's alone. */
	cr_assert_eq(fix_set(f, 4), fix_bit(0));
	fix_free(f);
}

Test(rx, same_mac_on_several_pools_is_switched_by_mac_and_vlan)
{
	struct fix *f = fix_new("ixgbe-82599", 3);
	uint8_t mac[6];
	struct snic_craft c;

	fix_vf_mac(0, mac);
	for (unsigned vf = 0; vf < 3; vf++) {
		fix_ok(f, snic_vf_set_mac(f->nic, vf, mac, &f->err));
		fix_ok(f, snic_vf_set_vlan(f->nic, vf, vf < 2 ? 10 : 20, 0, SNIC_VLAN_PROTO_8021Q,
					   &f->err));
	}
	fix_commit(f);
	c = fix_tagged(fix_udp(mac, FIX_REMOTE_MAC, 1, 2), 0, 10);
	fix_add(f, &c);
	c = fix_tagged(fix_udp(mac, FIX_REMOTE_MAC, 1, 2), 0, 20);
	fix_add(f, &c);
	fix_rx(f);
	cr_assert_eq(fix_set(f, 0), fix_bit(0) | fix_bit(1), "VLAN 10 went to %#lx",
		     (unsigned long)fix_set(f, 0));
	cr_assert_eq(fix_set(f, 1), fix_bit(2), "VLAN 20 went to %#lx",
		     (unsigned long)fix_set(f, 1));
	cr_assert_eq(f->ctr->rx.delivered, 2);
	fix_free(f);
}

Test(rx, vf_set_and_extra_macs_are_received)
{
	struct fix *f = fix_new("ixgbe-82599", 3);
	uint8_t own[6], extra[6] = {0x02, 0x00, 0x00, 0x00, 0x77, 0x01};
	struct snic_craft c;

	/* VF 0 has no admin MAC and sets its own; VF 1 adds a MACVLAN filter. */
	fix_vf_mac(0, own);
	fix_ok(f, snic_vf_req_mac(f->nic, 0, own, &f->err));
	fix_ok(f, snic_vf_req_macvlan(f->nic, 1, extra, true, &f->err));
	fix_commit(f);
	c = fix_tcp(own, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	c = fix_tcp(extra, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	fix_rx(f);
	cr_assert_eq(fix_set(f, 0), fix_bit(0));
	cr_assert_eq(fix_set(f, 1), fix_bit(1));

	/* Removed, the extra MAC is unknown unicast again. */
	fix_ok(f, snic_vf_req_macvlan(f->nic, 1, extra, false, &f->err));
	fix_commit(f);
	fix_rx(f);
	cr_assert_eq(fix_set(f, 1), fix_bit(fix_pf(f)));
	fix_free(f);
}

/* --- per pool: VLAN, link, size ------------------------------------------------------ */

Test(rx, port_vlan_is_stripped_and_filters_foreign_vlans)
{
	static const struct {
		const char *name;
		unsigned vf;
		uint8_t tagged;
		uint16_t tpid, tci;
		bool taken;
	} cases[] = {
		/* VF 0: VLAN 10 qos 3, 802.1Q. VF 1: VLAN 20, 802.1ad. */
		{"vf0 vid 10 pcp 3", 0, 1, 0x8100, (3 << 13) | 10, true},
		{"vf0 vid 10 pcp 0", 0, 1, 0x8100, 10, true},
		{"vf0 vid 11", 0, 1, 0x8100, 11, false},
		{"vf0 untagged", 0, 0, 0, 0, false},
		{"vf0 vid 10 as 802.1ad", 0, 1, 0x88a8, 10, false},
		{"vf1 vid 20 802.1ad", 1, 1, 0x88a8, 20, true},
		{"vf1 vid 20 as 802.1Q", 1, 1, 0x8100, 20, false},
		{"vf1 vid 10", 1, 1, 0x88a8, 10, false},
		{"vf1 untagged", 1, 0, 0, 0, false},
	};
	/* ice: ixgbe takes no 802.1ad port VLAN */
	struct fix *f = fix_new_macs("ice-e810", 2);

	fix_ok(f, snic_vf_set_vlan(f->nic, 0, 10, 3, SNIC_VLAN_PROTO_8021Q, &f->err));
	fix_ok(f, snic_vf_set_vlan(f->nic, 1, 20, 0, SNIC_VLAN_PROTO_8021AD, &f->err));
	fix_commit(f);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		uint8_t mac[6];
		struct snic_craft c;

		fix_vf_mac(cases[k].vf, mac);
		c = fix_udp(mac, FIX_REMOTE_MAC, 1, 2);
		if (cases[k].tagged)
			c = fix_tagged(c, cases[k].tpid, cases[k].tci);
		fix_clear(f);
		fix_add(f, &c);
		fix_rx(f);
		if (cases[k].taken) {
			const struct snic_dest *d = fix_dest(f, 0, cases[k].vf);

			cr_assert_eq(fix_set(f, 0), fix_bit(cases[k].vf), "%s", cases[k].name);
			cr_assert_eq(d->vlan_action, SNIC_VLAN_STRIP, "%s", cases[k].name);
		} else {
			cr_assert_eq(fix_set(f, 0) & fix_bit(cases[k].vf), 0, "%s: delivered",
				     cases[k].name);
			cr_assert_eq(f->ctr->vport[cases[k].vf].rx_drop[SNIC_DROP_VLAN_FILTERED], 1,
				     "%s: not counted as VLAN filtered", cases[k].name);
			/* A known MAC never falls back to the PF's default pool. */
			fix_rx_dropped_for(f, SNIC_DROP_VLAN_FILTERED);
		}
	}
	fix_free(f);
}

Test(rx, vf_vlan_filters_admit_listed_vlans_and_untagged)
{
	static const struct {
		uint8_t tagged;
		uint16_t tci;
		bool taken;
	} cases[] = {{1, 100, true}, {1, 101, true}, {0, 0, true}, {1, 200, false}};
	struct fix *f = fix_new_macs("ixgbe-82599", 1);
	uint8_t mac[6];

	fix_ok(f, snic_vf_req_vlan(f->nic, 0, 100, true, &f->err));
	fix_ok(f, snic_vf_req_vlan(f->nic, 0, 101, true, &f->err));
	fix_commit(f);
	fix_vf_mac(0, mac);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct snic_craft c = fix_udp(mac, FIX_REMOTE_MAC, 1, 2);

		if (cases[k].tagged)
			c = fix_tagged(c, 0, cases[k].tci);
		fix_clear(f);
		fix_add(f, &c);
		fix_rx(f);
		if (cases[k].taken) {
			cr_assert_eq(fix_set(f, 0), fix_bit(0), "vid %u", cases[k].tci);
			cr_assert_eq(f->dests[0].vlan_action, SNIC_VLAN_KEEP);
		} else {
			cr_assert_eq(fix_set(f, 0) & fix_bit(0), 0, "vid %u", cases[k].tci);
			cr_assert_eq(f->ctr->vport[0].rx_drop[SNIC_DROP_VLAN_FILTERED], 1);
		}
	}
	fix_free(f);
}

Test(rx, pf_takes_every_vlan_until_it_sets_a_filter)
{
	struct fix *f = fix_new("ixgbe-82599", 0);
	struct snic_craft c;

	c = fix_tagged(fix_udp(FIX_PF_MAC, FIX_REMOTE_MAC, 1, 2), 0, 123);
	fix_add(f, &c);
	fix_commit(f);
	cr_assert_eq(fix_rx(f), 1);
	cr_assert_eq(f->dests[0].vport, fix_pf(f));
	cr_assert_eq(f->dests[0].vlan_action, SNIC_VLAN_KEEP);

	fix_ok(f, snic_pf_set_vlan(f->nic, 5, true, &f->err));
	fix_commit(f);
	cr_assert_eq(fix_rx(f), 0);
	fix_rx_dropped_for(f, SNIC_DROP_VLAN_FILTERED);
	cr_assert_eq(f->ctr->vport[fix_pf(f)].rx_drop[SNIC_DROP_VLAN_FILTERED], 1);

	fix_clear(f);
	c = fix_tagged(fix_udp(FIX_PF_MAC, FIX_REMOTE_MAC, 1, 2), 0, 5);
	fix_add(f, &c);
	c = fix_udp(FIX_PF_MAC, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	cr_assert_eq(fix_rx(f), 2);
	cr_assert_eq(fix_set(f, 0), fix_bit(fix_pf(f)));
	cr_assert_eq(fix_set(f, 1), fix_bit(fix_pf(f)));
	fix_free(f);
}

Test(rx, disabled_vf_drops_as_link_down_and_enabled_vf_receives)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 3);
	uint8_t mac[6];
	struct snic_craft c;

	fix_ok(f, snic_vf_set_link_state(f->nic, 1, SNIC_LINK_DISABLE, &f->err));
	fix_ok(f, snic_vf_set_link_state(f->nic, 2, SNIC_LINK_ENABLE, &f->err));
	fix_commit(f);
	fix_vf_mac(1, mac);
	c = fix_udp(mac, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	fix_rx(f);
	fix_rx_dropped_for(f, SNIC_DROP_LINK_DOWN);
	cr_assert_eq(f->ctr->vport[1].rx_drop[SNIC_DROP_LINK_DOWN], 1);

	fix_clear(f);
	fix_vf_mac(2, mac);
	c = fix_udp(mac, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	cr_assert_eq(fix_rx(f), 1);
	cr_assert_eq(f->dests[0].vport, 2);
	fix_free(f);
}

Test(rx, auto_link_state_follows_the_pf_link)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 2);
	struct snic_vf_info info;
	uint8_t mac[6];
	struct snic_craft c;

	fix_ok(f, snic_vf_get(f->nic, 0, &info, &f->err));
	cr_assert_eq(info.link_state, SNIC_LINK_AUTO);
	fix_vf_mac(0, mac);
	c = fix_udp(mac, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);

	fix_ok(f, snic_nic_set_link(f->nic, false, &f->err));
	fix_commit(f);
	fix_rx(f);
	fix_rx_dropped_for(f, SNIC_DROP_LINK_DOWN);
	/* The wire itself is down: no pool saw the frame. */
	cr_assert_eq(f->ctr->vport[0].rx_drop[SNIC_DROP_LINK_DOWN], 0);

	fix_ok(f, snic_nic_set_link(f->nic, true, &f->err));
	fix_commit(f);
	cr_assert_eq(fix_rx(f), 1);
	cr_assert_eq(f->dests[0].vport, 0);
	fix_free(f);
}

/*
 * While the PF's link is down nothing comes from the wire, whatever the
 * frame and whatever the VFs' link state: VF 0 enabled, VF 1 auto, VF 2
 * disabled, VF 3 enabled and promiscuous, the PF in allmulti.
 */
Test(rx, pf_link_down_drops_every_frame_from_the_wire)
{
	static const struct {
		const char *name;
		const uint8_t *dmac; /* NULL: VF @vf's MAC */
		unsigned vf;
		uint32_t runt; /* send only this many bytes, 0: the whole frame */
		uint64_t set;  /* where it goes once the link is up */
	} cases[] = {
		{"unicast to the enabled vf", NULL, 0, 0, fix_bit(0)},
		{"unicast to the auto vf", NULL, 1, 0, fix_bit(1)},
		{"unicast to the disabled vf", NULL, 2, 0, 0},
		{"unknown unicast", FIX_OTHER_MAC, 0, 0, fix_bit(3) | fix_bit(4)},
		{"unicast to the pf", FIX_PF_MAC, 0, 0, fix_bit(4)},
		{"broadcast", FIX_BCAST, 0, 0, fix_bit(0) | fix_bit(1) | fix_bit(3) | fix_bit(4)},
		{"multicast", FIX_MCAST_A, 0, 0, fix_bit(3) | fix_bit(4)},
		{"runt", FIX_BCAST, 0, 10, 0},
	};
	struct fix *f = fix_new_macs("ixgbe-x550", 4);

	fix_ok(f, snic_vf_set_link_state(f->nic, 0, SNIC_LINK_ENABLE, &f->err));
	fix_ok(f, snic_vf_set_link_state(f->nic, 2, SNIC_LINK_DISABLE, &f->err));
	fix_ok(f, snic_vf_set_link_state(f->nic, 3, SNIC_LINK_ENABLE, &f->err));
	fix_ok(f, snic_vf_set_trust(f->nic, 3, true, &f->err));
	fix_ok(f, snic_vf_req_rxmode(f->nic, 3, SNIC_RXMODE_PROMISC, &f->err));
	fix_ok(f, snic_pf_set_rxmode(f->nic, SNIC_RXMODE_ALLMULTI, &f->err));
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		uint8_t dst[6];
		struct snic_craft c;

		if (cases[k].dmac)
			memcpy(dst, cases[k].dmac, 6);
		else
			fix_vf_mac(cases[k].vf, dst);
		c = fix_udp(dst, FIX_REMOTE_MAC, 1, 2);
		fix_clear(f);
		fix_add(f, &c);
		if (cases[k].runt)
			f->frames[0].len = cases[k].runt;

		fix_ok(f, snic_nic_set_link(f->nic, false, &f->err));
		fix_commit(f);
		cr_assert_eq(fix_rx(f), 0, "%s", cases[k].name);
		fix_rx_dropped_for(f, SNIC_DROP_LINK_DOWN);
		for (unsigned p = 0; p < fix_pools(f); p++)
			for (unsigned d = 0; d < SNIC_DROP_COUNT; d++)
				cr_assert_eq(f->ctr->vport[p].rx_drop[d], 0,
					     "%s: vport %u counted a refusal", cases[k].name, p);

		fix_ok(f, snic_nic_set_link(f->nic, true, &f->err));
		fix_commit(f);
		fix_rx(f);
		cr_assert_eq(fix_set(f, 0), cases[k].set, "%s: link up, went to %#lx",
			     cases[k].name, (unsigned long)fix_set(f, 0));
		cr_assert_eq(f->ctr->rx.drop[SNIC_DROP_LINK_DOWN],
			     cases[k].vf == 2 && !cases[k].dmac, "%s: link up", cases[k].name);
	}
	fix_free(f);
}

/* An IPv4/UDP frame of exactly @len bytes to @dmac. */
static struct snic_craft sized(const uint8_t dmac[6], unsigned len)
{
	struct snic_craft c = fix_udp(dmac, FIX_REMOTE_MAC, 1, 2);

	c.outer.payload_len = (uint16_t)(len - 14 - 20 - 8);
	return c;
}

Test(rx, frame_over_max_frame_is_dropped_as_oversize)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 2);
	struct snic_craft c;

	fix_ok(f, snic_nic_set_max_frame(f->nic, 1518, &f->err));
	fix_commit(f);
	c = sized(FIX_PF_MAC, 1518);
	fix_add(f, &c);
	cr_assert_eq(f->frames[0].len, 1518);
	cr_assert_eq(fix_rx(f), 1);
	cr_assert_eq(f->dests[0].vport, fix_pf(f));

	fix_clear(f);
	c = sized(FIX_PF_MAC, 1519);
	fix_add(f, &c);
	cr_assert_eq(f->frames[0].len, 1519);
	fix_rx(f);
	fix_rx_dropped_for(f, SNIC_DROP_OVERSIZE);
	cr_assert_eq(f->ctr->vport[fix_pf(f)].rx_drop[SNIC_DROP_OVERSIZE], 1);

	/* A broadcast too long for every pool: each refuses it, and the frame
	 * is one oversize drop. */
	fix_clear(f);
	c = sized(FIX_BCAST, 1519);
	fix_add(f, &c);
	fix_rx(f);
	fix_rx_dropped_for(f, SNIC_DROP_OVERSIZE);
	for (unsigned v = 0; v < fix_pools(f); v++)
		cr_assert_eq(f->ctr->vport[v].rx_drop[SNIC_DROP_OVERSIZE], 1, "vport %u", v);

	/* Raised to a jumbo size, the same frames pass. */
	fix_ok(f, snic_nic_set_max_frame(f->nic, 9000, &f->err));
	fix_commit(f);
	cr_assert_eq(fix_rx(f), fix_pools(f));
	fix_free(f);
}

Test(rx, vlan_tagged_frame_may_exceed_max_frame_by_its_tag)
{
	/* 82599 MHADD.MFS: a frame with a VLAN header may be 4 bytes longer
	 * than the max frame, so a 1500-byte MTU carries tagged frames. */
	static const struct {
		unsigned len;
		uint8_t tagged;
		bool taken;
	} cases[] = {{1514, 0, true}, {1515, 0, false}, {1518, 1, true}, {1519, 1, false}};
	struct fix *f = fix_new_macs("ixgbe-82599", 1);

	fix_ok(f, snic_nic_set_max_frame(f->nic, 1514, &f->err));
	fix_commit(f);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct snic_craft c = sized(FIX_PF_MAC, cases[k].len - 4u * cases[k].tagged);

		if (cases[k].tagged)
			c = fix_tagged(c, 0, 100);
		fix_clear(f);
		fix_add(f, &c);
		cr_assert_eq(f->frames[0].len, cases[k].len);
		fix_rx(f);
		if (cases[k].taken)
			cr_assert_eq(fix_set(f, 0), fix_bit(fix_pf(f)), "%s %u bytes: not taken",
				     cases[k].tagged ? "tagged" : "untagged", cases[k].len);
		else
			fix_rx_dropped_for(f, SNIC_DROP_OVERSIZE);
	}
	fix_free(f);
}

Test(rx, vf_without_a_mac_receives_only_broadcast_and_multicast)
{
	struct fix *f = fix_new("ixgbe-82599", 2);
	struct snic_craft c;
	uint8_t mac[6];

	/* VF 0 has no MAC; VF 1 has one. */
	fix_vf_mac(1, mac);
	fix_ok(f, snic_vf_set_mac(f->nic, 1, mac, &f->err));
	fix_ok(f, snic_vf_req_mc(f->nic, 0, &FIX_MCAST_A, 1, &f->err));
	fix_commit(f);
	c = fix_udp(FIX_BCAST, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	c = fix_udp(FIX_MCAST_A, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	c = fix_udp(FIX_ZERO_MAC, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	c = fix_udp(FIX_OTHER_MAC, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	fix_rx(f);
	cr_assert_eq(fix_set(f, 0), fix_all_pools(f));
	cr_assert_eq(fix_set(f, 1), fix_bit(0));
	cr_assert_eq(fix_set(f, 2), fix_bit(fix_pf(f)), "all-zero MAC reached a VF");
	cr_assert_eq(fix_set(f, 3), fix_bit(fix_pf(f)));
	fix_free(f);
}

Test(rx, frame_no_candidate_takes_is_dropped_once_under_the_first_refusal)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 2);
	struct snic_craft c;

	/* Tagged VLAN 50 broadcast: VF 0 is down, VF 1 has no VLAN 50, the PF
	 * filters VLAN 5 only. */
	fix_ok(f, snic_vf_set_link_state(f->nic, 0, SNIC_LINK_DISABLE, &f->err));
	fix_ok(f, snic_pf_set_vlan(f->nic, 5, true, &f->err));
	fix_commit(f);
	c = fix_tagged(fix_udp(FIX_BCAST, FIX_REMOTE_MAC, 1, 2), 0, 50);
	fix_add(f, &c);
	fix_rx(f);
	fix_rx_dropped_for(f, SNIC_DROP_LINK_DOWN);
	cr_assert_eq(f->ctr->vport[0].rx_drop[SNIC_DROP_LINK_DOWN], 1);
	cr_assert_eq(f->ctr->vport[1].rx_drop[SNIC_DROP_VLAN_FILTERED], 1);
	cr_assert_eq(f->ctr->vport[fix_pf(f)].rx_drop[SNIC_DROP_VLAN_FILTERED], 1);

	/* A group nobody joined has no candidate at all. */
	fix_ok(f, snic_pf_set_rxmode(f->nic, SNIC_RXMODE_MULTI, &f->err));
	fix_commit(f);
	fix_clear(f);
	c = fix_udp(FIX_MCAST_B, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	fix_rx(f);
	fix_rx_dropped_for(f, SNIC_DROP_NO_VPORT);
	for (unsigned v = 0; v < fix_pools(f); v++)
		for (unsigned d = 0; d < SNIC_DROP_COUNT; d++)
			cr_assert_eq(f->ctr->vport[v].rx_drop[d], 0);
	fix_free(f);
}

/* --- queue selection: RSS ------------------------------------------------------------ */

/* Every destination of the burst on @vport has the hash and queue that the
 * reference hash and the RETA give, and no rule or plugin flag. */
static void check_rss(struct fix *f, unsigned vport, const struct snic_rss_conf *c)
{
	for (unsigned i = 0; i < f->ndests; i++) {
		const struct snic_dest *d = &f->dests[i];
		uint32_t hash;
		unsigned idx, q;

		if (d->vport != vport)
			continue;
		q = fix_rss_expect(f, vport, c, d->frame, &hash, &idx);
		cr_assert_eq(d->hash, hash, "%s vport %u frame %u: hash %#x, reference %#x",
			     f->p->name, vport, d->frame, d->hash, hash);
		cr_assert_eq(d->queue, q, "%s vport %u frame %u: queue %u, RETA[%u] gives %u",
			     f->p->name, vport, d->frame, d->queue, idx, q);
		cr_assert_eq(d->flags & (SNIC_DEST_RULE | SNIC_DEST_STEERED | SNIC_DEST_MARK), 0);
	}
}

Test(rx, rss_queue_and_hash_match_the_reference)
{
	static const char *const profiles[] = {"ixgbe-82599", "ixgbe-x550", "ice-e810"};

	for (size_t k = 0; k < sizeof(profiles) / sizeof(profiles[0]); k++) {
		struct fix *f = fix_new_macs(profiles[k], 2);
		struct snic_rss_conf c;
		uint8_t mac[6];

		fix_ok(f, snic_vf_set_query_rss(f->nic, 1, true, &f->err));
		fix_commit(f);
		fix_vf_mac(1, mac);
		for (unsigned i = 0; i < 96; i++) {
			struct snic_craft cr = fix_flow(i, i & 4 ? mac : FIX_PF_MAC);

			fix_add(f, &cr);
		}
		cr_assert_eq(fix_rx(f), 96);
		fix_rss_conf(f, 1, &c);
		check_rss(f, 1, &c);
		fix_rss_conf(f, fix_pf(f), &c);
		check_rss(f, fix_pf(f), &c);
		fix_free(f);
	}
}

Test(rx, per_pool_rss_uses_the_pools_own_key_and_reta)
{
	static const char *const profiles[] = {"ixgbe-x550", "ice-e810"};

	for (size_t k = 0; k < sizeof(profiles) / sizeof(profiles[0]); k++) {
		struct fix *f = fix_new_macs(profiles[k], 2);
		struct snic_rss_conf vf, pf;
		unsigned differ = 0;
		uint8_t mac[6];

		cr_assert(f->p->rss_per_pool, "%s shares its RETA", profiles[k]);
		fix_ok(f, snic_nic_rss_get(f->nic, 1, &vf, &f->err));
		fix_key(&vf, 0x5a);
		for (unsigned i = 0; i < vf.reta_size; i++)
			vf.reta[i] = (uint16_t)((vf.reta_size - 1 - i) % vf.nqueues);
		fix_ok(f, snic_nic_rss_set(f->nic, 1, &vf, &f->err));
		fix_commit(f);
		fix_ok(f, snic_nic_rss_get(f->nic, fix_pf(f), &pf, &f->err));

		fix_vf_mac(1, mac);
		for (unsigned i = 0; i < 64; i++) {
			struct snic_craft cr = fix_flow(i, mac);

			fix_add(f, &cr);
		}
		cr_assert_eq(fix_rx(f), 64);
		check_rss(f, 1, &vf);
		/* The VF's key really is in use: the PF's gives other hashes. */
		for (unsigned i = 0; i < f->ndests; i++) {
			struct snic_pkt pkt;

			snic_parse(f->frames[i].data, f->frames[i].len, &pkt);
			differ += f->dests[i].hash != snic_rss_hash_ref(&pf, &pkt);
		}
		cr_assert_gt(differ, 32, "%s: %u of 64 hashes differ", profiles[k], differ);
		fix_free(f);
	}
}

Test(rx, shared_rss_reta_spreads_every_pool)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 3);
	struct snic_rss_conf c;
	uint8_t mac[6];

	cr_assert_not(f->p->rss_per_pool);
	fix_ok(f, snic_nic_rss_get(f->nic, fix_pf(f), &c, &f->err));
	fix_key(&c, 0x11);
	for (unsigned i = 0; i < c.reta_size; i++)
		c.reta[i] = (uint16_t)((i * 7 + 3) % c.nqueues);
	fix_ok(f, snic_nic_rss_set(f->nic, fix_pf(f), &c, &f->err));
	fix_commit(f);
	for (unsigned i = 0; i < 128; i++) {
		struct snic_craft cr;

		fix_vf_mac(i % 3, mac);
		cr = fix_flow(i, i % 4 == 3 ? FIX_PF_MAC : mac);
		fix_add(f, &cr);
	}
	cr_assert_eq(fix_rx(f), 128);
	for (unsigned v = 0; v < fix_pools(f); v++)
		check_rss(f, v, &c);
	fix_free(f);
}

Test(rx, reta_bucket_counters_count_frames_and_bytes)
{
	struct fix *f = fix_new("ixgbe-82599", 0);
	struct snic_rss_conf c;
	uint64_t frames[SNIC_RETA_MAX] = {0}, bytes[SNIC_RETA_MAX] = {0};

	fix_commit(f);
	fix_rss_conf(f, fix_pf(f), &c);
	for (unsigned i = 0; i < 200; i++) {
		struct snic_craft cr = fix_flow(i, FIX_PF_MAC);
		uint32_t hash;
		unsigned idx, n;

		cr.outer.payload_len = (uint16_t)(i % 50);
		n = fix_add(f, &cr);
		fix_rss_expect(f, fix_pf(f), &c, n, &hash, &idx);
		frames[idx]++;
		bytes[idx] += f->frames[n].len;
	}
	cr_assert_eq(fix_rx(f), 200);
	cr_assert_eq(f->ctr->reta_size, c.reta_size);
	for (unsigned i = 0; i < c.reta_size; i++) {
		cr_assert_eq(snic_ctr_bucket(f->ctr, 0, i)->frames, frames[i], "bucket %u", i);
		cr_assert_eq(snic_ctr_bucket(f->ctr, 0, i)->bytes, bytes[i], "bucket %u", i);
	}
	fix_free(f);
}

Test(rx, vf_of_a_device_without_vf_rss_takes_queue_0)
{
	struct fix *f = fix_new_macs("igb-82576", 2);
	struct snic_rss_conf c;
	uint8_t mac[6];

	cr_assert(f->p->quirks & SNIC_Q_VF_NO_RSS);
	fix_commit(f);
	fix_vf_mac(1, mac);
	for (unsigned i = 0; i < 32; i++) {
		struct snic_craft cr = fix_flow(i, i & 1 ? mac : FIX_PF_MAC);

		fix_add(f, &cr);
	}
	cr_assert_eq(fix_rx(f), 32);
	for (unsigned i = 0; i < 32; i += 2) {
		cr_assert_eq(f->dests[i + 1].vport, 1);
		cr_assert_eq(f->dests[i + 1].queue, 0);
		cr_assert_eq(f->dests[i + 1].hash, 0);
	}
	/* The PF keeps its RSS. */
	fix_rss_conf(f, fix_pf(f), &c);
	check_rss(f, fix_pf(f), &c);
	fix_free(f);
}

Test(rx, per_pool_reta_buckets_are_counted_in_the_pools_context)
{
	struct fix *f = fix_new_macs("ixgbe-x550", 2);
	uint64_t frames[SNIC_RETA_MAX] = {0};
	struct snic_rss_conf c;
	uint64_t total = 0;
	uint8_t mac[6];

	fix_commit(f);
	fix_rss_conf(f, 1, &c);
	fix_vf_mac(1, mac);
	for (unsigned i = 0; i < 100; i++) {
		struct snic_craft cr = fix_flow(i, mac);
		uint32_t hash;
		unsigned idx;

		fix_rss_expect(f, 1, &c, fix_add(f, &cr), &hash, &idx);
		frames[idx]++;
	}
	cr_assert_eq(fix_rx(f), 100);
	/* A pool's own RETA counts in context <pool> (ctr.h: nctx = pools +
	 * extra contexts, as cfg.c numbers them). */
	for (unsigned i = 0; i < c.reta_size; i++)
		cr_assert_eq(snic_ctr_bucket(f->ctr, 1, i)->frames, frames[i], "bucket %u", i);
	for (unsigned x = 0; x < f->ctr->nctx; x++)
		for (unsigned i = 0; i < f->ctr->reta_size; i++)
			total += snic_ctr_bucket(f->ctr, x, i)->frames;
	cr_assert_eq(total, 100);
	fix_free(f);
}

/* --- queue selection: flow rules ----------------------------------------------------- */

/* A rule on the PF pool of ice-e810 sending what it matches to queue 3,
 * and two frames: one it matches and one it does not. */
struct rule_case {
	const char *name;
	void (*make)(struct snic_flow_rule *r, struct snic_craft *hit, struct snic_craft *miss);
};

static void case_dmac(struct snic_flow_rule *r, struct snic_craft *hit, struct snic_craft *miss)
{
	static const uint8_t net[6] = {0x02, 0x00, 0x00, 0x00, 0x99, 0x00};

	r->match = SNIC_FM_DMAC;
	memcpy(r->dmac, net, 6);
	memset(r->dmac_mask, 0xff, 5);
	*hit = fix_tcp(FIX_OTHER_MAC, FIX_REMOTE_MAC, 1, 2);
	*miss = fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, 1, 2);
}

static void case_ethertype(struct snic_flow_rule *r, struct snic_craft *hit,
			   struct snic_craft *miss)
{
	r->match = SNIC_FM_ETHERTYPE;
	r->ethertype = 0x0806;
	*hit = fix_tagged(fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, 1, 2), 0, 7);
	hit->outer.ip_ver = 0;
	hit->outer.ethertype = 0x0806;
	hit->outer.payload_len = 28;
	*miss = fix_tagged(fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, 1, 2), 0, 7);
}

static void case_vlan(struct snic_flow_rule *r, struct snic_craft *hit, struct snic_craft *miss)
{
	r->match = SNIC_FM_VLAN;
	r->vlan_tci = 100;
	r->vlan_mask = 0x0fff;
	*hit = fix_tagged(fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, 1, 2), 0, (5 << 13) | 100);
	*miss = fix_tagged(fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, 1, 2), 0, 101);
}

static void case_ip4_src(struct snic_flow_rule *r, struct snic_craft *hit, struct snic_craft *miss)
{
	static const uint8_t net[4] = {192, 168, 1, 0};

	r->match = SNIC_FM_IP_SRC;
	r->ip_ver = 4;
	memcpy(r->ip_src, net, 4);
	r->src_plen = 24;
	*hit = fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, 1, 2);
	memcpy(hit->outer.ip_src, net, 4);
	hit->outer.ip_src[3] = 77;
	*miss = *hit;
	miss->outer.ip_src[2] = 2;
}

static void case_ip6_dst(struct snic_flow_rule *r, struct snic_craft *hit, struct snic_craft *miss)
{
	r->match = SNIC_FM_IP_DST;
	r->ip_ver = 6;
	r->ip_dst[0] = 0x20;
	r->ip_dst[1] = 0x01;
	r->ip_dst[2] = 0x0d;
	r->ip_dst[3] = 0xb8;
	r->dst_plen = 32;
	*hit = fix_flow(2, FIX_PF_MAC); /* TCP6 */
	memcpy(hit->outer.ip_dst, r->ip_dst, 4);
	hit->outer.ip_dst[5] = 1;
	*miss = *hit;
	miss->outer.ip_dst[3] = 0xb9;
}

static void case_l4_proto(struct snic_flow_rule *r, struct snic_craft *hit, struct snic_craft *miss)
{
	r->match = SNIC_FM_L4_PROTO;
	r->l4_proto = 132;
	*hit = fix_l4(FIX_PF_MAC, FIX_REMOTE_MAC, 132, 1, 2);
	*miss = fix_udp(FIX_PF_MAC, FIX_REMOTE_MAC, 1, 2);
}

static void case_sport(struct snic_flow_rule *r, struct snic_craft *hit, struct snic_craft *miss)
{
	r->match = SNIC_FM_SPORT | SNIC_FM_L4_PROTO;
	r->l4_proto = 6;
	r->sport = 0x1200;
	r->sport_mask = 0xff00;
	*hit = fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, 0x1234, 80);
	*miss = fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, 0x1334, 80);
}

static void case_dport(struct snic_flow_rule *r, struct snic_craft *hit, struct snic_craft *miss)
{
	r->match = SNIC_FM_DPORT | SNIC_FM_L4_PROTO;
	r->l4_proto = 17;
	r->dport = 53;
	r->dport_mask = 0xffff;
	*hit = fix_udp(FIX_PF_MAC, FIX_REMOTE_MAC, 3000, 53);
	*miss = fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, 3000, 53);
}

static void tunnel(struct snic_craft *c, uint8_t kind, uint16_t port, uint32_t id)
{
	*c = fix_udp(FIX_PF_MAC, FIX_REMOTE_MAC, 49152, port);
	c->tunnel = kind;
	c->tun_id = id;
	c->inner = fix_tcp(FIX_OTHER_MAC, FIX_REMOTE_MAC, 1000, 80).outer;
	c->inner.ip_src[0] = 172;
}

static void case_vni(struct snic_flow_rule *r, struct snic_craft *hit, struct snic_craft *miss)
{
	r->match = SNIC_FM_VNI;
	r->vni = 0x123456;
	tunnel(hit, SNIC_TUN_VXLAN, SNIC_PORT_VXLAN, 0x123456);
	tunnel(miss, SNIC_TUN_VXLAN, SNIC_PORT_VXLAN, 0x123457);
}

static void case_teid(struct snic_flow_rule *r, struct snic_craft *hit, struct snic_craft *miss)
{
	r->match = SNIC_FM_TEID;
	r->teid = 0xdeadbeef;
	tunnel(hit, SNIC_TUN_GTPU, SNIC_PORT_GTPU, 0xdeadbeef);
	tunnel(miss, SNIC_TUN_GTPU, SNIC_PORT_GTPU, 0xdeadbeee);
}

static void case_ip_ver(struct snic_flow_rule *r, struct snic_craft *hit, struct snic_craft *miss)
{
	r->match = SNIC_FM_IP_VER;
	r->ip_ver = 6;
	*hit = fix_flow(3, FIX_PF_MAC);	 /* UDP6 */
	*miss = fix_flow(1, FIX_PF_MAC); /* UDP4 */
}

Test(rx, flow_rule_matches_each_field)
{
	static const struct rule_case cases[] = {
		{"dmac/40", case_dmac},		{"ethertype arp", case_ethertype},
		{"vlan 100", case_vlan},	{"ipv4 src /24", case_ip4_src},
		{"ipv6 dst /32", case_ip6_dst}, {"l4 proto sctp", case_l4_proto},
		{"sport masked", case_sport},	{"udp dport 53", case_dport},
		{"vxlan vni", case_vni},	{"gtp-u teid", case_teid},
		{"ip version 6", case_ip_ver},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fix *f = fix_new("ice-e810", 0);
		struct snic_flow_rule r;
		struct snic_craft hit, miss;
		unsigned slot;
		int id;

		memset(&r, 0, sizeof(r));
		memset(&hit, 0, sizeof(hit));
		memset(&miss, 0, sizeof(miss));
		cases[k].make(&r, &hit, &miss);
		r.vport = (uint16_t)fix_pf(f);
		r.action = SNIC_ACT_QUEUE;
		r.queue = 3;
		cr_assert_gt(snic_nic_vport_queues(f->nic, fix_pf(f)), 3);
		id = snic_flow_create(f->nic, &r, &f->err);
		cr_assert_geq(id, 0, "%s: %d (%s)", cases[k].name, id, f->err.msg);
		slot = fix_rule_slot(f, id);
		fix_commit(f);
		fix_add(f, &hit);
		fix_add(f, &miss);
		cr_assert_eq(fix_rx(f), 2, "%s", cases[k].name);
		cr_assert_eq(f->dests[0].frame, 0);
		cr_assert_eq(f->dests[0].vport, fix_pf(f));
		cr_assert_eq(f->dests[0].queue, 3, "%s: hit went to queue %u", cases[k].name,
			     f->dests[0].queue);
		cr_assert(f->dests[0].flags & SNIC_DEST_RULE, "%s: no RULE flag", cases[k].name);
		cr_assert_eq(f->dests[0].rule, slot, "%s", cases[k].name);
		cr_assert_eq(f->dests[1].flags & SNIC_DEST_RULE, 0, "%s: the miss matched",
			     cases[k].name);
		cr_assert_eq(f->ctr->rule_hits[slot], 1, "%s: %lu hits", cases[k].name,
			     (unsigned long)f->ctr->rule_hits[slot]);
		fix_free(f);
	}
}

/* A VNI is only read from a whole VXLAN header with its I flag: a UDP
 * payload of 7 bytes, or a header without I, has none for a rule to see. */
Test(rx, vxlan_vni_needs_a_whole_header_with_the_i_flag)
{
	static const struct {
		uint16_t udp_len;
		uint8_t flags;
		bool hit;
	} cases[] = {{16, 0x08, true}, {15, 0x08, false}, {8, 0x08, false}, {16, 0x00, false}};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fix *f = fix_new("ice-e810", 0);
		struct snic_flow_rule r, miss;
		struct snic_craft c;
		uint8_t *l4;

		memset(&r, 0, sizeof(r));
		case_vni(&r, &c, &c);
		tunnel(&c, SNIC_TUN_VXLAN, SNIC_PORT_VXLAN, r.vni);
		r.vport = (uint16_t)fix_pf(f);
		r.action = SNIC_ACT_QUEUE;
		r.queue = 3;
		cr_assert_geq(snic_flow_create(f->nic, &r, &f->err), 0, "%s", f->err.msg);
		/* a rule on no VNI at all, for the frames that have none */
		miss = r;
		miss.match = SNIC_FM_L4_PROTO;
		miss.l4_proto = 17;
		miss.queue = 2;
		miss.priority = 1;
		cr_assert_geq(snic_flow_create(f->nic, &miss, &f->err), 0, "%s", f->err.msg);
		fix_commit(f);
		fix_add(f, &c);
		l4 = (uint8_t *)f->frames[0].data + 14 + 20;
		l4[4] = (uint8_t)(cases[k].udp_len >> 8);
		l4[5] = (uint8_t)cases[k].udp_len;
		l4[8] = cases[k].flags;
		cr_assert_eq(fix_rx(f), 1);
		cr_assert_eq(f->dests[0].queue, cases[k].hit ? 3 : 2,
			     "udp length %u, flags %#x: queue %u", cases[k].udp_len, cases[k].flags,
			     f->dests[0].queue);
		fix_free(f);
	}
}

/* Add a rule to the PF pool that matches TCP to @dport; returns its slot. */
static unsigned add_rule(struct fix *f, uint16_t dport, uint32_t prio, uint8_t action,
			 uint16_t queue, uint32_t flags, uint32_t mark)
{
	struct snic_flow_rule r;
	int id;

	memset(&r, 0, sizeof(r));
	r.vport = (uint16_t)fix_pf(f);
	r.match = SNIC_FM_L4_PROTO | SNIC_FM_DPORT;
	r.l4_proto = 6;
	r.dport = dport;
	r.dport_mask = 0xffff;
	r.priority = prio;
	r.action = action;
	r.queue = queue;
	r.flags = (uint8_t)flags;
	r.mark = mark;
	id = snic_flow_create(f->nic, &r, &f->err);
	cr_assert_geq(id, 0, "snic_flow_create: %d (%s)", id, f->err.msg);
	return fix_rule_slot(f, id);
}

Test(rx, flow_rule_queue_overrides_rss_and_can_mark)
{
	struct fix *f = fix_new("ice-e810", 0);
	unsigned plain = add_rule(f, 80, 0, SNIC_ACT_QUEUE, 5, 0, 0);
	unsigned marked = add_rule(f, 443, 0, SNIC_ACT_QUEUE, 6, SNIC_FLOW_F_MARK, 0xabc);

	fix_commit(f);
	for (unsigned i = 0; i < 16; i++) {
		struct snic_craft c =
			fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, (uint16_t)(2000 + i), i & 1 ? 443 : 80);

		c.outer.ip_src[3] = (uint8_t)i;
		fix_add(f, &c);
	}
	cr_assert_eq(fix_rx(f), 16);
	for (unsigned i = 0; i < 16; i++) {
		const struct snic_dest *d = &f->dests[i];

		cr_assert_eq(d->queue, i & 1 ? 6 : 5);
		cr_assert_eq(d->hash, 0, "a queue rule computes no hash");
		cr_assert(d->flags & SNIC_DEST_RULE);
		cr_assert_eq(d->rule, i & 1 ? marked : plain);
		if (i & 1) {
			cr_assert(d->flags & SNIC_DEST_MARK);
			cr_assert_eq(d->mark, 0xabc);
		} else {
			cr_assert_eq(d->flags & SNIC_DEST_MARK, 0);
		}
	}
	cr_assert_eq(f->ctr->rule_hits[plain], 8);
	cr_assert_eq(f->ctr->rule_hits[marked], 8);
	cr_assert_eq(snic_ctr_queue(f->ctr, fix_pf(f), 5)->frames, 8);
	cr_assert_eq(snic_ctr_queue(f->ctr, fix_pf(f), 6)->frames, 8);
	fix_free(f);
}

Test(rx, flow_rule_drop_counts_rule_drop_and_spares_other_pools)
{
	struct fix *f = fix_new_macs("ice-e810", 2);
	struct snic_flow_rule r;
	unsigned slot;
	struct snic_craft c;
	int id;

	/* On the PF pool: drop UDP to port 9. */
	memset(&r, 0, sizeof(r));
	r.vport = (uint16_t)fix_pf(f);
	r.match = SNIC_FM_L4_PROTO | SNIC_FM_DPORT;
	r.l4_proto = 17;
	r.dport = 9;
	r.dport_mask = 0xffff;
	r.action = SNIC_ACT_DROP;
	id = snic_flow_create(f->nic, &r, &f->err);
	cr_assert_geq(id, 0, "%s", f->err.msg);
	slot = fix_rule_slot(f, id);
	fix_commit(f);

	c = fix_udp(FIX_PF_MAC, FIX_REMOTE_MAC, 1, 9);
	fix_add(f, &c);
	fix_rx(f);
	fix_rx_dropped_for(f, SNIC_DROP_RULE);
	cr_assert_eq(f->ctr->vport[fix_pf(f)].rx_drop[SNIC_DROP_RULE], 1);
	cr_assert_eq(f->ctr->rule_hits[slot], 1);

	/* A broadcast the rule drops on the PF pool still reaches the VFs. */
	fix_clear(f);
	c = fix_udp(FIX_BCAST, FIX_REMOTE_MAC, 1, 9);
	fix_add(f, &c);
	cr_assert_eq(fix_rx(f), 2);
	cr_assert_eq(fix_set(f, 0), fix_bit(0) | fix_bit(1));
	cr_assert_eq(f->ctr->rx.delivered, 1);
	cr_assert_eq(f->ctr->rx.drop[SNIC_DROP_RULE], 0);
	cr_assert_eq(f->ctr->vport[fix_pf(f)].rx_drop[SNIC_DROP_RULE], 1);
	cr_assert_eq(f->ctr->rule_hits[slot], 1);
	fix_free(f);
}

Test(rx, flow_rule_mark_keeps_the_rss_queue)
{
	struct fix *f = fix_new("ice-e810", 0);
	unsigned slot = add_rule(f, 22, 0, SNIC_ACT_MARK, 0, SNIC_FLOW_F_MARK, 77);
	struct snic_rss_conf c;

	fix_commit(f);
	fix_rss_conf(f, fix_pf(f), &c);
	for (unsigned i = 0; i < 32; i++) {
		struct snic_craft cr =
			fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, (uint16_t)(3000 + i), 22);

		fix_add(f, &cr);
	}
	cr_assert_eq(fix_rx(f), 32);
	for (unsigned i = 0; i < 32; i++) {
		const struct snic_dest *d = &f->dests[i];
		uint32_t hash;
		unsigned idx, q = fix_rss_expect(f, fix_pf(f), &c, i, &hash, &idx);

		cr_assert(d->flags & SNIC_DEST_MARK);
		cr_assert_eq(d->mark, 77);
		cr_assert_eq(d->hash, hash);
		cr_assert_eq(d->queue, q, "frame %u: queue %u, RSS gives %u", i, d->queue, q);
	}
	cr_assert_eq(f->ctr->rule_hits[slot], 32);
	fix_free(f);
}

Test(rx, flow_rule_rss_context_spreads_over_its_reta)
{
	struct fix *f = fix_new("mlx5", 0);
	struct snic_rss_conf ctx, main;
	struct snic_flow_rule r;
	unsigned slot, tcp = 0;
	uint64_t used = 0, ctx_frames = 0;
	int cid, id;

	cr_assert_gt(f->p->rss_contexts, 0);
	fix_ok(f, snic_nic_rss_get(f->nic, fix_pf(f), &ctx, &f->err));
	main = ctx;
	fix_key(&ctx, 0x77);
	fix_ok(f, snic_reta_equal(ctx.reta, ctx.reta_size, 2, 4, &f->err));
	cid = snic_nic_rss_ctx_new(f->nic, fix_pf(f), &ctx, &f->err);
	cr_assert_geq(cid, 1, "rss_ctx_new: %d (%s)", cid, f->err.msg);
	memset(&r, 0, sizeof(r));
	r.vport = (uint16_t)fix_pf(f);
	r.match = SNIC_FM_L4_PROTO;
	r.l4_proto = 6;
	r.action = SNIC_ACT_RSS;
	r.rss_ctx = (uint32_t)cid;
	id = snic_flow_create(f->nic, &r, &f->err);
	cr_assert_geq(id, 0, "%s", f->err.msg);
	slot = fix_rule_slot(f, id);
	fix_commit(f);

	for (unsigned i = 0; i < 64; i++) {
		struct snic_craft cr = fix_flow(i, FIX_PF_MAC);

		fix_add(f, &cr);
	}
	cr_assert_eq(fix_rx(f), 64);
	for (unsigned i = 0; i < 64; i++) {
		const struct snic_dest *d = &f->dests[i];
		struct snic_pkt pkt;
		uint32_t hash;
		unsigned idx, q;

		snic_parse(f->frames[i].data, f->frames[i].len, &pkt);
		if (pkt.outer.l4_proto == 6) {
			q = fix_rss_expect(f, fix_pf(f), &ctx, i, &hash, &idx);
			cr_assert(d->flags & SNIC_DEST_RULE);
			cr_assert_eq(d->rule, slot);
			used |= UINT64_C(1) << d->queue;
			tcp++;
		} else {
			q = fix_rss_expect(f, fix_pf(f), &main, i, &hash, &idx);
			cr_assert_eq(d->flags & SNIC_DEST_RULE, 0);
		}
		cr_assert_eq(d->hash, hash, "frame %u", i);
		cr_assert_eq(d->queue, q, "frame %u: queue %u, expected %u", i, d->queue, q);
	}
	cr_assert_eq(used, (UINT64_C(1) << 4) | (UINT64_C(1) << 5));
	cr_assert_eq(f->ctr->rule_hits[slot], tcp);
	/* The context's buckets follow the pools' (cfg.c). */
	for (unsigned i = 0; i < ctx.reta_size; i++)
		ctx_frames +=
			snic_ctr_bucket(f->ctr, f->p->max_pools + (unsigned)cid - 1, i)->frames;
	cr_assert_eq(ctx_frames, tcp);
	fix_free(f);
}

Test(rx, flow_rules_apply_in_priority_order_and_older_wins_ties)
{
	struct fix *f = fix_new("ice-e810", 0);
	/* dport 80: priority 1 made first, priority 0 second: 0 wins.
	 * dport 443: two of priority 5: the older wins. */
	unsigned late1 = add_rule(f, 80, 1, SNIC_ACT_QUEUE, 1, 0, 0);
	unsigned first0 = add_rule(f, 80, 0, SNIC_ACT_QUEUE, 2, 0, 0);
	unsigned older = add_rule(f, 443, 5, SNIC_ACT_QUEUE, 4, 0, 0);
	unsigned newer = add_rule(f, 443, 5, SNIC_ACT_QUEUE, 7, 0, 0);
	struct snic_craft c;

	fix_commit(f);
	c = fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, 1234, 80);
	fix_add(f, &c);
	c = fix_tcp(FIX_PF_MAC, FIX_REMOTE_MAC, 1234, 443);
	fix_add(f, &c);
	cr_assert_eq(fix_rx(f), 2);
	cr_assert_eq(f->dests[0].queue, 2);
	cr_assert_eq(f->dests[0].rule, first0);
	cr_assert_eq(f->dests[1].queue, 4);
	cr_assert_eq(f->dests[1].rule, older);
	cr_assert_eq(f->ctr->rule_hits[first0], 1);
	cr_assert_eq(f->ctr->rule_hits[late1], 0);
	cr_assert_eq(f->ctr->rule_hits[older], 1);
	cr_assert_eq(f->ctr->rule_hits[newer], 0);
	fix_free(f);
}

Test(rx, flow_rule_applies_only_to_its_vport_and_ends_when_destroyed)
{
	struct fix *f = fix_new_macs("ice-e810", 2);
	struct snic_flow_rule r;
	uint8_t mac0[6], mac1[6];
	struct snic_craft c;
	unsigned slot;
	int id;

	memset(&r, 0, sizeof(r));
	r.vport = 0;
	r.match = SNIC_FM_L4_PROTO;
	r.l4_proto = 17;
	r.action = SNIC_ACT_QUEUE;
	r.queue = 1;
	r.flags = SNIC_FLOW_F_MARK;
	r.mark = 9;
	id = snic_flow_create(f->nic, &r, &f->err);
	cr_assert_geq(id, 0, "%s", f->err.msg);
	slot = fix_rule_slot(f, id);
	fix_commit(f);
	fix_vf_mac(0, mac0);
	fix_vf_mac(1, mac1);
	c = fix_udp(mac0, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	c = fix_udp(mac1, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	c = fix_udp(FIX_PF_MAC, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	cr_assert_eq(fix_rx(f), 3);
	cr_assert_eq(fix_dest(f, 0, 0)->queue, 1);
	cr_assert(fix_dest(f, 0, 0)->flags & SNIC_DEST_RULE);
	cr_assert_eq(fix_dest(f, 1, 1)->flags & (SNIC_DEST_RULE | SNIC_DEST_MARK), 0);
	cr_assert_eq(fix_dest(f, 2, fix_pf(f))->flags & (SNIC_DEST_RULE | SNIC_DEST_MARK), 0);
	cr_assert_eq(f->ctr->rule_hits[slot], 1);

	fix_ok(f, snic_flow_destroy(f->nic, (unsigned)id, &f->err));
	fix_commit(f);
	cr_assert_eq(fix_rx(f), 3);
	cr_assert_eq(fix_dest(f, 0, 0)->flags & (SNIC_DEST_RULE | SNIC_DEST_MARK), 0);
	cr_assert_eq(f->ctr->rule_hits[slot], 0);
	fix_free(f);
}

/* --- queue selection: the steering hook ------------------------------------------- */

/* A GTP-U frame to the PF carrying @teid. */
static struct snic_craft gtpu(uint32_t teid)
{
	struct snic_craft c = fix_udp(FIX_PF_MAC, FIX_REMOTE_MAC, 2152, SNIC_PORT_GTPU);

	c.tunnel = SNIC_TUN_GTPU;
	c.tun_id = teid;
	c.inner = fix_tcp(FIX_ZERO_MAC, FIX_ZERO_MAC, (uint16_t)teid, 80).outer;
	c.inner.ip_src[0] = 172;
	return c;
}

Test(rx, flow_rules_come_before_the_steering_hook_and_rss_after_it)
{
	static const uint32_t teids[] = {0x100, 0x400, 0x200, 0x300};
	const char *dir = getenv("SNIC_PLUGIN_DIR");
	struct fix *f = fix_new_macs("ice-e810", 2);
	unsigned pf = fix_pf(f), nq = snic_nic_vport_queues(f->nic, pf);
	struct snic_flow_rule r;
	struct snic_rss_conf rc;
	char path[4096];
	int id_mark, id_queue;

	cr_assert_not_null(dir, "SNIC_PLUGIN_DIR is not set");
	snprintf(path, sizeof(path), "%s/gtpu_teid.so", dir);
	cr_assert_gt(nq, 9);
	/* The hook pins TEID 0x100 to 3, 0x400 to 9, 0x200 to a queue the
	 * pool lacks, and passes the rest. */
	fix_ok(f, snic_nic_set_plugin(f->nic, path, "0x100=3,0x200=1000,0x400=9,unmapped=pass",
				      &f->err));
	memset(&r, 0, sizeof(r));
	r.vport = (uint16_t)pf;
	r.match = SNIC_FM_TEID;
	r.teid = 0x100;
	r.action = SNIC_ACT_MARK;
	r.flags = SNIC_FLOW_F_MARK;
	r.mark = 5;
	id_mark = snic_flow_create(f->nic, &r, &f->err);
	cr_assert_geq(id_mark, 0, "%s", f->err.msg);
	r.teid = 0x400;
	r.action = SNIC_ACT_QUEUE;
	r.flags = 0;
	r.queue = 7;
	id_queue = snic_flow_create(f->nic, &r, &f->err);
	cr_assert_geq(id_queue, 0, "%s", f->err.msg);
	fix_commit(f);
	fix_rss_conf(f, pf, &rc);
	for (unsigned i = 0; i < 4; i++) {
		struct snic_craft c = gtpu(teids[i]);

		fix_add(f, &c);
	}
	cr_assert_eq(fix_rx(f), 4);
	for (unsigned i = 0; i < 4; i++) {
		const struct snic_dest *d = fix_dest(f, i, pf);
		uint32_t hash;
		unsigned idx, q = fix_rss_expect(f, pf, &rc, i, &hash, &idx);

		if (i != 1)
			cr_assert_eq(d->hash, hash, "teid %#x: hash %#x, reference %#x", teids[i],
				     d->hash, hash);
		switch (i) {
		case 0: /* a mark-only rule, then the hook */
			cr_assert_eq(d->queue, 3);
			cr_assert_eq(d->flags & (SNIC_DEST_STEERED | SNIC_DEST_MARK),
				     SNIC_DEST_STEERED | SNIC_DEST_MARK);
			cr_assert_eq(d->mark, 5);
			break;
		case 1: /* the rule's queue; the hook is not asked */
			cr_assert_eq(d->queue, 7);
			cr_assert(d->flags & SNIC_DEST_RULE);
			cr_assert_eq(d->flags & SNIC_DEST_STEERED, 0);
			break;
		default: /* a bad queue or a pass: RSS */
			cr_assert_eq(d->queue, q, "teid %#x: queue %u, RSS gives %u", teids[i],
				     d->queue, q);
			cr_assert_eq(d->flags & (SNIC_DEST_STEERED | SNIC_DEST_RULE), 0);
		}
	}
	cr_assert_eq(f->ctr->vport[pf].steer_hits, 1);
	cr_assert_eq(f->ctr->vport[pf].steer_bad_queue, 1);
	cr_assert_eq(f->ctr->rule_hits[fix_rule_slot(f, id_mark)], 1);
	cr_assert_eq(f->ctr->rule_hits[fix_rule_slot(f, id_queue)], 1);
	fix_free(f);
}

/* --- the burst call's own limits ------------------------------------------------------ */

Test(rx, destination_array_too_small_drops_the_frame_as_no_room)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 4);
	uint8_t mac[6];
	struct snic_craft c;

	fix_commit(f);
	fix_vf_mac(0, mac);
	c = fix_udp(mac, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	c = fix_udp(FIX_BCAST, FIX_REMOTE_MAC, 1, 2); /* five copies */
	fix_add(f, &c);
	fix_vf_mac(1, mac);
	c = fix_udp(mac, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);

	/* Room for two: the broadcast gets none, the frames around it one each. */
	cr_assert_eq(fix_rx_cap(f, 2), 2);
	cr_assert_eq(f->dests[0].frame, 0);
	cr_assert_eq(f->dests[0].vport, 0);
	cr_assert_eq(f->dests[1].frame, 2);
	cr_assert_eq(f->dests[1].vport, 1);
	cr_assert_eq(f->ctr->rx.delivered, 2);
	cr_assert_eq(f->ctr->rx.drop[SNIC_DROP_NO_ROOM], 1);
	for (unsigned i = 0; i < (unsigned)f->ctr->nvports * f->ctr->nqueues; i++)
		cr_assert_eq(f->ctr->queue[i].bcast, 0);

	/* Room for exactly the five copies and the two unicasts. */
	cr_assert_eq(fix_rx_cap(f, 7), 7);
	cr_assert_eq(f->ctr->rx.drop[SNIC_DROP_NO_ROOM], 0);

	/* No room at all. */
	cr_assert_eq(fix_rx_cap(f, 0), 0);
	cr_assert_eq(f->ctr->rx.drop[SNIC_DROP_NO_ROOM], 3);
	fix_free(f);
}

/* Frames that all take the lane (unicast TCP/UDP to one owner each) fill
 * the room in order; the rest are dropped as no room, none counted twice. */
Test(rx, unicast_frames_beyond_the_room_drop_as_no_room)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 4);
	uint8_t mac[6];

	fix_commit(f);
	for (unsigned i = 0; i < 4; i++) {
		struct snic_craft c;

		fix_vf_mac(i, mac);
		c = fix_udp(mac, FIX_REMOTE_MAC, 1000 + i, 2);
		fix_add(f, &c);
	}
	cr_assert_eq(fix_rx_cap(f, 3), 3);
	for (unsigned i = 0; i < 3; i++) {
		cr_assert_eq(f->dests[i].frame, i);
		cr_assert_eq(f->dests[i].vport, i);
	}
	cr_assert_eq(f->ctr->rx.delivered, 3);
	cr_assert_eq(f->ctr->rx.drop[SNIC_DROP_NO_ROOM], 1);
	cr_assert_eq(fix_rx_cap(f, 0), 0);
	cr_assert_eq(f->ctr->rx.delivered, 0);
	cr_assert_eq(f->ctr->rx.drop[SNIC_DROP_NO_ROOM], 4);
	fix_free(f);
}

/* A burst may hold more frames than 16 bits count: every destination
 * names its own frame, whichever path the frame took. */
Test(rx, bursts_beyond_65535_frames_keep_every_frame_index)
{
	enum {
		N = 70000,
		SHORT = 65536 + 5
	};
	struct fix *f = fix_new("ixgbe-82599", 0);
	struct snic_craft lane = fix_udp(FIX_PF_MAC, FIX_REMOTE_MAC, 1000, 2000);
	struct snic_craft tagged = fix_tagged(lane, 0, 7);
	static uint8_t a[FIX_FRAME_MAX], b[FIX_FRAME_MAX];
	struct snic_frame *fr = calloc(N, sizeof(*fr));
	struct snic_dest *d = calloc(N, sizeof(*d));
	int la = snic_craft_frame(&lane, a, sizeof(a)),
	    lb = snic_craft_frame(&tagged, b, sizeof(b));
	unsigned n;

	cr_assert(fr && d && la > 0 && lb > 0);
	fix_commit(f);
	for (unsigned i = 0; i < N; i++)
		fr[i] = i % 3 ? (struct snic_frame){b, (uint32_t)lb}
			      : (struct snic_frame){a, (uint32_t)la};
	fr[SHORT].len = 10;
	n = snic_rx(f->cfg, f->ctr, fr, N, d, N);
	cr_assert_eq(n, N - 1);
	cr_assert_eq(f->ctr->rx.drop[SNIC_DROP_MALFORMED], 1);
	for (unsigned i = 0; i < n; i++)
		cr_assert_eq(d[i].frame, i < SHORT ? i : i + 1, "destination %u names frame %u", i,
			     d[i].frame);
	free(fr);
	free(d);
	fix_free(f);
}

/* The largest max frame plus a tag is still a length: a tagged frame under
 * it is taken. */
Test(rx, tagged_frame_under_the_largest_max_frame_is_taken)
{
	struct fix *f = fix_new("virtio-net", 0);
	struct snic_craft c = fix_tagged(fix_udp(FIX_PF_MAC, FIX_REMOTE_MAC, 1000, 2000), 0, 5);

	fix_ok(f, snic_nic_set_max_frame(f->nic, 65535, &f->err));
	fix_commit(f);
	fix_add(f, &c);
	cr_assert_eq(fix_rx(f), 1);
	cr_assert_eq(f->dests[0].vport, fix_pf(f));
	fix_free(f);
}

Test(rx, frame_shorter_than_ethernet_header_is_malformed)
{
	struct fix *f = fix_new("ixgbe-82599", 0);
	uint8_t hdr[14];
	struct snic_rss_conf c;
	uint32_t hash;
	unsigned idx, q;

	memcpy(hdr, FIX_PF_MAC, 6);
	memcpy(hdr + 6, FIX_REMOTE_MAC, 6);
	hdr[12] = 0x08;
	hdr[13] = 0x00;
	fix_commit(f);
	for (uint32_t len = 0; len < 14; len++) {
		fix_clear(f);
		fix_add_raw(f, hdr, len);
		fix_rx(f);
		fix_rx_dropped_for(f, SNIC_DROP_MALFORMED);
	}
	/* A bare Ethernet header is a frame: it goes to the PF, hashed on what
	 * could be parsed. */
	fix_clear(f);
	fix_add_raw(f, hdr, 14);
	cr_assert_eq(fix_rx(f), 1);
	cr_assert_eq(f->dests[0].vport, fix_pf(f));
	fix_rss_conf(f, fix_pf(f), &c);
	q = fix_rss_expect(f, fix_pf(f), &c, 0, &hash, &idx);
	cr_assert_eq(f->dests[0].hash, hash);
	cr_assert_eq(f->dests[0].queue, q);
	fix_free(f);
}

Test(rx, counters_count_frames_bytes_bcast_mcast_per_queue)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 2);
	uint8_t mac[6];
	struct snic_craft c;
	struct snic_qctr sum[3] = {0};
	uint32_t blen, mlen, ulen = 0;

	fix_ok(f, snic_vf_req_mc(f->nic, 1, &FIX_MCAST_A, 1, &f->err));
	fix_ok(f, snic_vf_req_rxmode(f->nic, 1, SNIC_RXMODE_MULTI, &f->err));
	fix_ok(f, snic_pf_set_rxmode(f->nic, SNIC_RXMODE_MULTI, &f->err));
	fix_commit(f);
	fix_vf_mac(0, mac);
	for (unsigned i = 0; i < 5; i++) {
		c = fix_tcp(mac, FIX_REMOTE_MAC, (uint16_t)(100 + i), 80);
		c.outer.payload_len = (uint16_t)(10 * i);
		ulen += f->frames[fix_add(f, &c)].len;
	}
	c = fix_udp(FIX_BCAST, FIX_REMOTE_MAC, 1, 2);
	c.outer.payload_len = 100;
	blen = f->frames[fix_add(f, &c)].len;
	c = fix_udp(FIX_MCAST_A, FIX_REMOTE_MAC, 1, 2);
	c.outer.payload_len = 200;
	mlen = f->frames[fix_add(f, &c)].len;
	cr_assert_eq(fix_rx(f), 5 + 3 + 1);
	cr_assert_eq(f->ctr->rx.delivered, 7);

	for (unsigned v = 0; v < 3; v++) {
		for (unsigned q = 0; q < f->ctr->nqueues; q++) {
			const struct snic_qctr *qc = snic_ctr_queue(f->ctr, v, q);

			/* Nothing on queues the pool does not have. */
			if (q >= snic_nic_vport_queues(f->nic, v))
				cr_assert_eq(qc->frames, 0);
			sum[v].frames += qc->frames;
			sum[v].bytes += qc->bytes;
			sum[v].bcast += qc->bcast;
			sum[v].mcast += qc->mcast;
			sum[v].loopback += qc->loopback;
		}
	}
	cr_assert_eq(sum[0].frames, 6);
	cr_assert_eq(sum[0].bytes, ulen + blen);
	cr_assert_eq(sum[0].bcast, 1);
	cr_assert_eq(sum[0].mcast, 0);
	cr_assert_eq(sum[1].frames, 2);
	cr_assert_eq(sum[1].bytes, blen + mlen);
	cr_assert_eq(sum[1].bcast, 1);
	cr_assert_eq(sum[1].mcast, 1);
	cr_assert_eq(sum[2].frames, 1);
	cr_assert_eq(sum[2].bytes, blen);
	cr_assert_eq(sum[0].loopback + sum[1].loopback + sum[2].loopback, 0);
	/* Each destination is counted on its own queue. */
	for (unsigned i = 0; i < f->ndests; i++)
		cr_assert_geq(snic_ctr_queue(f->ctr, f->dests[i].vport, f->dests[i].queue)->frames,
			      1);
	fix_free(f);
}

Test(rx, snapshot_keeps_its_config_after_changes_and_nic_free)
{
	struct fix *f = fix_new_macs("ixgbe-82599", 2);
	struct snic_cfg *old;
	uint8_t mac[6];
	struct snic_craft c;

	fix_commit(f);
	old = f->cfg;
	f->cfg = NULL;
	fix_ok(f, snic_vf_set_link_state(f->nic, 0, SNIC_LINK_DISABLE, &f->err));
	fix_commit(f);
	fix_vf_mac(0, mac);
	c = fix_udp(mac, FIX_REMOTE_MAC, 1, 2);
	fix_add(f, &c);
	fix_rx(f);
	fix_rx_dropped_for(f, SNIC_DROP_LINK_DOWN);

	snic_nic_free(f->nic);
	f->nic = NULL;
	snic_ctr_reset(f->ctr);
	cr_assert_eq(snic_rx(old, f->ctr, f->frames, 1, f->dests, FIX_DESTS), 1);
	cr_assert_eq(f->dests[0].vport, 0);
	cr_assert_eq(f->ctr->rx.delivered, 1);
	snic_cfg_free(old);
	fix_free(f);
}
