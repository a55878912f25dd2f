/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane (snic_nic): SR-IOV arithmetic per profile, every
 * `ip link set DEV vf N` knob, the VF mailbox requests, the PF's filters,
 * RSS confs and contexts, the plugin loader and commit. Every refusal is
 * checked for its errno and for a message that names the bad value.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/craft.h"
#include "snic/ctr.h"
#include "snic/dp.h"
#include "snic/nic.h"
#include "snic/profile.h"

static const uint8_t PF_MAC[6] = {0x02, 0, 0, 0, 0, 0xfe};
static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 1, 0xa};
static const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 1, 0xb};
static const uint8_t MCAST[6] = {0x01, 0x00, 0x5e, 0, 0, 1};
static const uint8_t ZERO[6];

static struct snic_err err;

static struct snic_nic *nic_of(const char *profile, unsigned numvfs)
{
	const struct snic_profile *p = snic_profile_find(profile);
	struct snic_nic *nic = NULL;

	cr_assert_not_null(p, "no profile %s", profile);
	cr_assert_eq(snic_nic_new(p, PF_MAC, &nic, &err), 0, "%s", err.msg);
	if (numvfs)
		cr_assert_eq(snic_nic_set_numvfs(nic, numvfs, &err), 0, "%s", err.msg);
	return nic;
}

/* @expr fails with @code and a message containing @needle. */
#define expect_err(expr, want_, needle)                                                            \
	do {                                                                                       \
		int rc_;                                                                           \
		snic_err_clear(&err);                                                              \
		rc_ = (expr);                                                                      \
		cr_assert_eq(rc_, (want_), "%s: %d, want %d (%s)", #expr, rc_, (want_), err.msg);  \
		cr_assert_eq(err.code, (want_), "%s: err.code %d", #expr, err.code);               \
		cr_assert_not_null(strstr(err.msg, (needle)), "%s: \"%s\" does not name \"%s\"",   \
				   #expr, err.msg, (needle));                                      \
	} while (0)

#define expect_ok(expr)                                                                            \
	do {                                                                                       \
		int rc_ = (expr);                                                                  \
		cr_assert_eq(rc_, 0, "%s: %d (%s)", #expr, rc_, err.msg);                          \
	} while (0)

static struct snic_vf_info info_of(struct snic_nic *nic, unsigned vf)
{
	struct snic_vf_info i;

	expect_ok(snic_vf_get(nic, vf, &i, &err));
	return i;
}

/* --- life cycle ------------------------------------------------------------------- */

Test(nic, new_refuses_a_pf_mac_that_is_not_unicast)
{
	const struct snic_profile *p = snic_profile_find("ixgbe-82599");
	struct snic_nic *nic;

	expect_err(snic_nic_new(p, ZERO, &nic, &err), -EINVAL, "00:00:00:00:00:00");
	expect_err(snic_nic_new(p, MCAST, &nic, &err), -EINVAL, "01:00:5e:00:00:01");
}

Test(nic, new_nic_has_no_vfs_and_pf_pool_zero)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 0);

	cr_assert_eq(snic_nic_numvfs(nic), 0);
	cr_assert_eq(snic_nic_pf_vport(nic), 0);
	cr_assert_eq(snic_nic_vport_queues(nic, 0), 64);
	cr_assert_eq(snic_nic_vport_queues(nic, 1), 0);
	cr_assert_str_eq(snic_nic_profile(nic)->name, "ixgbe-82599");
	snic_nic_free(nic);
}

/* --- SR-IOV ----------------------------------------------------------------------- */

Test(nic, numvfs_limit_follows_the_profile)
{
	static const struct {
		const char *profile;
		unsigned max;
	} cases[] = {
		{"ixgbe-82599", 63}, {"ixgbe-x550", 63}, {"igb-82576", 7},
		{"ice-e810", 256},   {"mlx5", 127},	 {"virtio-net", 0},
	};
	char want[32];

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct snic_nic *nic = nic_of(cases[k].profile, 0);

		snprintf(want, sizeof(want), "numvfs %u", cases[k].max + 1);
		expect_err(snic_nic_set_numvfs(nic, cases[k].max + 1, &err), -ERANGE, want);
		cr_assert_eq(snic_nic_numvfs(nic), 0);
		expect_ok(snic_nic_set_numvfs(nic, cases[k].max, &err));
		cr_assert_eq(snic_nic_numvfs(nic), cases[k].max);
		cr_assert_eq(snic_nic_pf_vport(nic), cases[k].max);
		snic_nic_free(nic);
	}
}

Test(nic, queues_per_pool_follow_the_pool_count)
{
	static const struct {
		const char *profile;
		unsigned numvfs, queues;
	} cases[] = {
		/* ixgbe: <= 32 pools -> 4 queues, more -> 2 (31 VFs + PF = 32). */
		{"ixgbe-82599", 1, 4},	{"ixgbe-82599", 31, 4}, {"ixgbe-82599", 32, 2},
		{"ixgbe-82599", 63, 2}, {"igb-82576", 7, 2},	{"ice-e810", 60, 16},
		{"ice-e810", 61, 4},	{"mlx5", 127, 8},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct snic_nic *nic = nic_of(cases[k].profile, cases[k].numvfs);

		for (unsigned v = 0; v <= cases[k].numvfs; v++)
			cr_assert_eq(snic_nic_vport_queues(nic, v), cases[k].queues,
				     "%s/%u vport %u: %u queues", cases[k].profile, cases[k].numvfs,
				     v, snic_nic_vport_queues(nic, v));
		cr_assert_eq(snic_nic_vport_queues(nic, cases[k].numvfs + 1), 0);
		snic_nic_free(nic);
	}
}

Test(nic, numvfs_change_between_nonzero_counts_is_busy)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 4);

	expect_err(snic_nic_set_numvfs(nic, 8, &err), -EBUSY, "numvfs 8");
	cr_assert_eq(snic_nic_numvfs(nic), 4);
	expect_ok(snic_nic_set_numvfs(nic, 4, &err)); /* the same count: no change */
	expect_ok(snic_nic_set_numvfs(nic, 0, &err));
	expect_ok(snic_nic_set_numvfs(nic, 8, &err));
	cr_assert_eq(snic_nic_numvfs(nic), 8);
	snic_nic_free(nic);
}

Test(nic, assigned_vf_keeps_vfs_enabled)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 2);

	expect_ok(snic_nic_vf_assign(nic, 1, true, &err));
	cr_assert(info_of(nic, 1).assigned);
	expect_err(snic_nic_set_numvfs(nic, 0, &err), -EPERM, "assigned");
	cr_assert_eq(snic_nic_numvfs(nic), 2);
	expect_ok(snic_nic_vf_assign(nic, 1, false, &err));
	expect_ok(snic_nic_set_numvfs(nic, 0, &err));
	expect_err(snic_nic_vf_assign(nic, 0, true, &err), -EINVAL, "vf 0");
	snic_nic_free(nic);
}

Test(nic, reenabled_vfs_come_back_with_defaults)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 2);
	struct snic_vf_info i;

	expect_ok(snic_vf_set_mac(nic, 0, MAC_A, &err));
	expect_ok(snic_vf_set_vlan(nic, 0, 5, 1, SNIC_VLAN_PROTO_8021Q, &err));
	expect_ok(snic_vf_set_spoofchk(nic, 0, false, &err));
	expect_ok(snic_vf_set_trust(nic, 0, true, &err));
	expect_ok(snic_vf_set_rate(nic, 0, 0, 100, &err));
	expect_ok(snic_nic_set_numvfs(nic, 0, &err));
	expect_ok(snic_nic_set_numvfs(nic, 2, &err));
	i = info_of(nic, 0);
	cr_assert_arr_eq(i.mac, ZERO, 6);
	cr_assert_not(i.admin_mac);
	cr_assert_eq(i.vlan, 0);
	cr_assert(i.spoofchk);
	cr_assert_not(i.trust);
	cr_assert_not(i.query_rss);
	cr_assert_eq(i.link_state, SNIC_LINK_AUTO);
	cr_assert_eq(i.max_tx_rate, 0);
	cr_assert_eq(i.rxmode, SNIC_RXMODE_MULTI);
	cr_assert_eq(i.nqueues, 4);
	snic_nic_free(nic);
}

/* Every per-VF call refuses a VF that does not exist, naming it. */
Test(nic, every_vf_knob_refuses_a_missing_vf)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 2);
	struct snic_vf_info i;

	expect_err(snic_vf_set_mac(nic, 2, MAC_A, &err), -EINVAL, "vf 2");
	expect_err(snic_vf_set_vlan(nic, 7, 1, 0, SNIC_VLAN_PROTO_8021Q, &err), -EINVAL, "vf 7");
	expect_err(snic_vf_set_spoofchk(nic, 2, true, &err), -EINVAL, "vf 2");
	expect_err(snic_vf_set_trust(nic, 2, true, &err), -EINVAL, "vf 2");
	expect_err(snic_vf_set_link_state(nic, 2, SNIC_LINK_ENABLE, &err), -EINVAL, "vf 2");
	expect_err(snic_vf_set_rate(nic, 2, 0, 100, &err), -EINVAL, "vf 2");
	expect_err(snic_vf_set_query_rss(nic, 2, true, &err), -EINVAL, "vf 2");
	expect_err(snic_vf_get(nic, 2, &i, &err), -EINVAL, "vf 2");
	expect_err(snic_vf_req_mac(nic, 2, MAC_A, &err), -EINVAL, "vf 2");
	expect_err(snic_vf_req_mc(nic, 2, &MCAST, 1, &err), -EINVAL, "vf 2");
	expect_err(snic_vf_req_vlan(nic, 2, 1, true, &err), -EINVAL, "vf 2");
	expect_err(snic_vf_req_macvlan(nic, 2, MAC_A, true, &err), -EINVAL, "vf 2");
	expect_err(snic_vf_req_rxmode(nic, 2, SNIC_RXMODE_MULTI, &err), -EINVAL, "vf 2");
	snic_nic_free(nic);
}

/* --- PF knobs on a VF ------------------------------------------------------------- */

Test(nic, vf_mac_is_admin_set_and_cleared_by_zero)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 1);
	struct snic_vf_info i;

	expect_err(snic_vf_set_mac(nic, 0, MCAST, &err), -EINVAL, "01:00:5e:00:00:01");
	expect_ok(snic_vf_set_mac(nic, 0, MAC_A, &err));
	i = info_of(nic, 0);
	cr_assert_arr_eq(i.mac, MAC_A, 6);
	cr_assert(i.admin_mac);
	expect_ok(snic_vf_set_mac(nic, 0, ZERO, &err));
	i = info_of(nic, 0);
	cr_assert_arr_eq(i.mac, ZERO, 6);
	cr_assert_not(i.admin_mac);
	snic_nic_free(nic);
}

Test(nic, port_vlan_checks_vid_qos_and_proto)
{
	struct snic_nic *nic = nic_of("ice-e810", 1); /* takes 802.1ad */
	struct snic_vf_info i;

	expect_err(snic_vf_set_vlan(nic, 0, 4096, 0, SNIC_VLAN_PROTO_8021Q, &err), -EINVAL,
		   "vlan 4096");
	expect_err(snic_vf_set_vlan(nic, 0, 5, 8, SNIC_VLAN_PROTO_8021Q, &err), -EINVAL, "qos 8");
	expect_err(snic_vf_set_vlan(nic, 0, 5, 0, 0x9100, &err), -EPROTONOSUPPORT, "0x9100");
	expect_err(snic_vf_set_vlan(nic, 0, 0, 3, SNIC_VLAN_PROTO_8021Q, &err), -EINVAL, "qos 3");
	expect_ok(snic_vf_set_vlan(nic, 0, 100, 5, SNIC_VLAN_PROTO_8021AD, &err));
	i = info_of(nic, 0);
	cr_assert_eq(i.vlan, 100);
	cr_assert_eq(i.qos, 5);
	cr_assert_eq(i.vlan_proto, SNIC_VLAN_PROTO_8021AD);
	expect_ok(snic_vf_set_vlan(nic, 0, 0, 0, SNIC_VLAN_PROTO_8021Q, &err));
	i = info_of(nic, 0);
	cr_assert_eq(i.vlan, 0);
	cr_assert_eq(i.qos, 0);
	snic_nic_free(nic);
}

Test(nic, port_vlan_clears_and_locks_the_vfs_vlan_filter)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 1);

	expect_ok(snic_vf_req_vlan(nic, 0, 10, true, &err));
	expect_ok(snic_vf_req_vlan(nic, 0, 11, true, &err));
	expect_ok(snic_vf_req_vlan(nic, 0, 11, true, &err)); /* twice: one entry */
	expect_ok(snic_vf_req_vlan(nic, 0, 0, true, &err));  /* VID 0: no entry */
	cr_assert_eq(info_of(nic, 0).n_vlan_filter, 2);
	expect_err(snic_vf_req_vlan(nic, 0, 4096, true, &err), -EINVAL, "vlan 4096");
	expect_ok(snic_vf_set_vlan(nic, 0, 7, 0, SNIC_VLAN_PROTO_8021Q, &err));
	cr_assert_eq(info_of(nic, 0).n_vlan_filter, 0);
	expect_err(snic_vf_req_vlan(nic, 0, 12, true, &err), -EPERM, "port vlan 7");
	expect_ok(snic_vf_set_vlan(nic, 0, 0, 0, SNIC_VLAN_PROTO_8021Q, &err));
	expect_ok(snic_vf_req_vlan(nic, 0, 12, true, &err));
	expect_ok(snic_vf_req_vlan(nic, 0, 12, false, &err));
	cr_assert_eq(info_of(nic, 0).n_vlan_filter, 0);
	snic_nic_free(nic);
}

Test(nic, flags_spoofchk_trust_link_query_rss)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 1);
	struct snic_vf_info i;

	expect_ok(snic_vf_set_spoofchk(nic, 0, false, &err));
	expect_ok(snic_vf_set_trust(nic, 0, true, &err));
	expect_ok(snic_vf_set_link_state(nic, 0, SNIC_LINK_DISABLE, &err));
	expect_ok(snic_vf_set_query_rss(nic, 0, true, &err));
	i = info_of(nic, 0);
	cr_assert_not(i.spoofchk);
	cr_assert(i.trust);
	cr_assert_eq(i.link_state, SNIC_LINK_DISABLE);
	cr_assert(i.query_rss);
	expect_err(snic_vf_set_link_state(nic, 0, (enum snic_link_state)7, &err), -EINVAL,
		   "link state 7");
	snic_nic_free(nic);
}

Test(nic, tx_rate_follows_the_profile)
{
	struct snic_nic *ix = nic_of("ixgbe-82599", 1), *gen = nic_of("generic", 1);
	struct snic_vf_info i;

	/* ixgbe: no minimum, maximum above 10 Mbit/s (ixgbe_ndo_set_vf_bw). */
	expect_err(snic_vf_set_rate(ix, 0, 100, 1000, &err), -EOPNOTSUPP, "min_tx_rate 100");
	expect_err(snic_vf_set_rate(ix, 0, 0, 10, &err), -EINVAL, "max_tx_rate 10");
	expect_err(snic_vf_set_rate(ix, 0, 0, 400001, &err), -EINVAL, "max_tx_rate 400001");
	expect_ok(snic_vf_set_rate(ix, 0, 0, 11, &err));
	cr_assert_eq(info_of(ix, 0).max_tx_rate, 11);
	expect_ok(snic_vf_set_rate(ix, 0, 0, 0, &err));
	cr_assert_eq(info_of(ix, 0).max_tx_rate, 0);
	/* A device with a minimum: it can't exceed the maximum. */
	expect_err(snic_vf_set_rate(gen, 0, 500, 100, &err), -EINVAL, "min_tx_rate 500");
	expect_ok(snic_vf_set_rate(gen, 0, 50, 100, &err));
	expect_ok(snic_vf_set_rate(gen, 0, 50, 0, &err));
	i = info_of(gen, 0);
	cr_assert_eq(i.min_tx_rate, 50);
	cr_assert_eq(i.max_tx_rate, 0);
	snic_nic_free(ix);
	snic_nic_free(gen);
}

Test(nic, port_vlan_802_1ad_only_where_the_profile_has_it)
{
	static const struct {
		const char *profile;
		bool ok;
	} cases[] = {
		{"ixgbe-82599", false}, {"ixgbe-x550", false}, {"igb-82576", false},
		{"mlx5", false},	{"ice-e810", true},    {"generic", true},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct snic_nic *nic = nic_of(cases[k].profile, 1);
		struct snic_vf_info i;

		if (cases[k].ok) {
			expect_ok(snic_vf_set_vlan(nic, 0, 100, 2, SNIC_VLAN_PROTO_8021AD, &err));
			cr_assert_eq(info_of(nic, 0).vlan_proto, SNIC_VLAN_PROTO_8021AD, "%s",
				     cases[k].profile);
		} else {
			expect_err(snic_vf_set_vlan(nic, 0, 100, 2, SNIC_VLAN_PROTO_8021AD, &err),
				   -EPROTONOSUPPORT, "802.1ad");
			cr_assert_not_null(strstr(err.msg, cases[k].profile), "%s", err.msg);
			i = info_of(nic, 0);
			cr_assert_eq(i.vlan, 0, "%s: port vlan set anyway", cases[k].profile);
			/* Refused whatever the VID, as the driver checks the protocol
			 * first. */
			expect_err(snic_vf_set_vlan(nic, 0, 0, 0, SNIC_VLAN_PROTO_8021AD, &err),
				   -EPROTONOSUPPORT, "802.1ad");
		}
		expect_ok(snic_vf_set_vlan(nic, 0, 101, 0, SNIC_VLAN_PROTO_8021Q, &err));
		cr_assert_eq(info_of(nic, 0).vlan_proto, SNIC_VLAN_PROTO_8021Q);
		snic_nic_free(nic);
	}
}

/* The PF's MAC, @nvfs VF MACs, then MACVLAN filters from the PF and the
 * VFs in turn until the table is full: returns how many filters fitted,
 * and leaves in @next the MAC that did not. */
static unsigned fill_macs(struct snic_nic *nic, unsigned nvfs, uint8_t next[6])
{
	uint8_t mac[6] = {0x02, 0x20, 0, 0, 0, 0};
	unsigned n = 0;
	int rc = 0;

	for (unsigned vf = 0; vf < nvfs; vf++) {
		mac[5] = (uint8_t)vf;
		expect_ok(snic_vf_set_mac(nic, vf, mac, &err));
		expect_ok(snic_vf_set_trust(nic, vf, true, &err));
	}
	mac[1] = 0x30;
	for (; n < 10000; n++) {
		mac[4] = (uint8_t)(n >> 8);
		mac[5] = (uint8_t)n;
		rc = n % 2 ? snic_pf_set_macvlan(nic, mac, true, &err)
			   : snic_vf_req_macvlan(nic, n / 2 % nvfs, mac, true, &err);
		if (rc)
			break;
	}
	cr_assert_eq(rc, -ENOSPC, "filter %u: %d (%s)", n, rc, err.msg);
	memcpy(next, mac, 6);
	return n;
}

Test(nic, mac_filter_entries_are_shared_by_pf_vf_macs_and_macvlans)
{
	static const struct {
		const char *profile;
		unsigned vfs;
		unsigned entries;
	} cases[] = {
		{"ixgbe-82599", 63, 128},
		{"ixgbe-82599", 2, 128},
		{"ixgbe-x550", 10, 128},
		{"igb-82576", 7, 24},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct snic_nic *nic = nic_of(cases[k].profile, cases[k].vfs);
		unsigned vfs = cases[k].vfs;
		uint8_t next[6], mac[6] = {0x02, 0x40, 0, 0, 0, 1};
		char want[64];
		unsigned n = fill_macs(nic, vfs, next);

		cr_assert_eq(1 + vfs + n, cases[k].entries, "%s, %u VFs: %u filters fitted",
			     cases[k].profile, vfs, n);
		snprintf(want, sizeof(want), "all %u MAC filter entries", cases[k].entries);
		cr_assert_not_null(strstr(err.msg, want), "%s", err.msg);
		snprintf(want, sizeof(want), "%02x:%02x:%02x:%02x:%02x:%02x", next[0], next[1],
			 next[2], next[3], next[4], next[5]);
		cr_assert_not_null(strstr(err.msg, want), "%s does not name the MAC", err.msg);
		/* Full: a VF changing its MAC reuses its entry; adding an
		 * address already there takes none. */
		expect_ok(snic_vf_set_mac(nic, 0, mac, &err));
		expect_ok(snic_vf_req_mac(nic, 0, MAC_A, &err));
		/* A VF clearing its MAC frees an entry for the next MAC, and
		 * then has none to get a MAC back. */
		expect_ok(snic_vf_set_mac(nic, 0, ZERO, &err));
		expect_ok(snic_pf_set_macvlan(nic, next, true, &err));
		expect_ok(snic_pf_set_macvlan(nic, next, true, &err));
		expect_err(snic_vf_set_mac(nic, 0, mac, &err), -ENOSPC, "02:40:00:00:00:01");
		expect_err(snic_vf_req_mac(nic, 0, mac, &err), -ENOSPC, "vf 0");
		expect_err(snic_vf_req_macvlan(nic, 1 % vfs, MAC_B, true, &err), -ENOSPC,
			   "02:00:00:00:01:0b");
		/* Removing a filter frees its entry. */
		expect_ok(snic_pf_set_macvlan(nic, next, false, &err));
		expect_ok(snic_vf_req_mac(nic, 0, mac, &err));
		/* Disabling the VFs frees theirs. */
		expect_ok(snic_nic_set_numvfs(nic, 0, &err));
		expect_ok(snic_pf_set_macvlan(nic, MAC_B, true, &err));
		snic_nic_free(nic);
	}
}

Test(nic, vlan_filter_entries_are_shared_by_the_vfs)
{
	static const struct {
		const char *profile;
		unsigned entries;
	} cases[] = {{"ixgbe-82599", 63}, {"ixgbe-x550", 63}, {"igb-82576", 31}};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct snic_nic *nic = nic_of(cases[k].profile, 4);
		unsigned max = cases[k].entries;
		char want[64];

		/* VF 2's port VLAN 100, then VIDs 101.. for VF 0 and VF 1 in
		 * turn; VF 3 has none. The PF's VLANs, before and after, take
		 * no entry. */
		for (unsigned vid = 2000; vid < 2000 + 2 * max; vid++)
			expect_ok(snic_pf_set_vlan(nic, vid, true, &err));
		expect_ok(snic_vf_set_vlan(nic, 2, 100, 0, SNIC_VLAN_PROTO_8021Q, &err));
		for (unsigned vid = 101; vid < 100 + max; vid++)
			expect_ok(snic_vf_req_vlan(nic, vid % 2, vid, true, &err));
		expect_ok(snic_pf_set_vlan(nic, 4000, true, &err));
		/* Full: a VID no VF uses is refused, whatever asks for it. */
		snprintf(want, sizeof(want), "all %u VLAN filter entries", max);
		expect_err(snic_vf_req_vlan(nic, 1, 4001, true, &err), -ENOSPC, "vf 1: vlan 4001");
		cr_assert_not_null(strstr(err.msg, want), "%s", err.msg);
		expect_err(snic_vf_set_vlan(nic, 3, 4002, 0, SNIC_VLAN_PROTO_8021Q, &err), -ENOSPC,
			   "vlan 4002");
		expect_err(snic_vf_req_vlan(nic, 0, 2000, true, &err), -ENOSPC, "vlan 2000");
		/* A VID another VF uses, VID 0 and removals need no entry. */
		expect_ok(snic_vf_req_vlan(nic, 1, 102, true, &err));
		expect_ok(snic_vf_req_vlan(nic, 0, 100, true, &err));
		expect_ok(snic_vf_req_vlan(nic, 1, 0, true, &err));
		expect_ok(snic_vf_req_vlan(nic, 1, 101, false, &err));
		expect_ok(snic_vf_req_vlan(nic, 1, 4001, true, &err));
		expect_err(snic_vf_req_vlan(nic, 1, 4003, true, &err), -ENOSPC, "vlan 4003");
		/* A new port VLAN takes the entry of the one it replaces (VID 100
		 * stays: VF 0 uses it too)... */
		expect_err(snic_vf_set_vlan(nic, 2, 4004, 0, SNIC_VLAN_PROTO_8021Q, &err), -ENOSPC,
			   "vlan 4004");
		expect_ok(snic_vf_req_vlan(nic, 0, 100, false, &err));
		expect_ok(snic_vf_set_vlan(nic, 2, 4004, 0, SNIC_VLAN_PROTO_8021Q, &err));
		expect_err(snic_vf_req_vlan(nic, 1, 4005, true, &err), -ENOSPC, "vlan 4005");
		/* ...or the VLAN filters of the VF it replaces. */
		expect_ok(snic_vf_set_vlan(nic, 0, 4006, 0, SNIC_VLAN_PROTO_8021Q, &err));
		expect_ok(snic_vf_req_vlan(nic, 1, 4007, true, &err));
		snic_nic_free(nic);
	}
}

/* --- Mailbox requests -------------------------------------------------------------- */

Test(nic, vf_mac_request_respects_admin_mac_and_trust)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 1);

	expect_ok(snic_vf_req_mac(nic, 0, MAC_A, &err)); /* no admin MAC: allowed */
	cr_assert_arr_eq(info_of(nic, 0).mac, MAC_A, 6);
	cr_assert_not(info_of(nic, 0).admin_mac);
	expect_err(snic_vf_req_mac(nic, 0, ZERO, &err), -EINVAL, "00:00:00:00:00:00");
	expect_err(snic_vf_req_mac(nic, 0, MCAST, &err), -EINVAL, "01:00:5e:00:00:01");
	expect_ok(snic_vf_set_mac(nic, 0, MAC_B, &err));
	expect_err(snic_vf_req_mac(nic, 0, MAC_A, &err), -EPERM, "02:00:00:00:01:0a");
	cr_assert_arr_eq(info_of(nic, 0).mac, MAC_B, 6);
	expect_ok(snic_vf_req_mac(nic, 0, MAC_B, &err)); /* its own admin MAC is fine */
	expect_ok(snic_vf_set_trust(nic, 0, true, &err));
	expect_ok(snic_vf_req_mac(nic, 0, MAC_A, &err));
	cr_assert_arr_eq(info_of(nic, 0).mac, MAC_A, 6);
	snic_nic_free(nic);
}

Test(nic, vf_multicast_list_is_limited_by_the_profile)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 1);
	uint8_t groups[31][6];
	const uint8_t bad[2][6] = {{0x01, 0, 0x5e, 0, 0, 1}, {0x02, 0, 0, 0, 0, 7}};

	for (unsigned i = 0; i < 31; i++) {
		memcpy(groups[i], MCAST, 6);
		groups[i][5] = (uint8_t)i;
	}
	expect_err(snic_vf_req_mc(nic, 0, (const uint8_t(*)[6])groups, 31, &err), -ENOSPC, "31");
	expect_ok(snic_vf_req_mc(nic, 0, (const uint8_t(*)[6])groups, 30, &err));
	cr_assert_eq(info_of(nic, 0).n_mc, 30);
	expect_err(snic_vf_req_mc(nic, 0, bad, 2, &err), -EINVAL, "02:00:00:00:00:07");
	cr_assert_eq(info_of(nic, 0).n_mc, 30, "a refused list leaves the old one");
	expect_ok(snic_vf_req_mc(nic, 0, NULL, 0, &err));
	cr_assert_eq(info_of(nic, 0).n_mc, 0);
	snic_nic_free(nic);
}

Test(nic, vf_macvlan_needs_trust_under_an_admin_mac)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 1);

	expect_ok(snic_vf_req_macvlan(nic, 0, MAC_A, true, &err));
	expect_ok(snic_vf_req_macvlan(nic, 0, MAC_A, true, &err)); /* once only */
	cr_assert_eq(info_of(nic, 0).n_macvlan, 1);
	expect_err(snic_vf_req_macvlan(nic, 0, MCAST, true, &err), -EINVAL, "01:00:5e:00:00:01");
	expect_err(snic_vf_req_macvlan(nic, 0, MAC_B, false, &err), -ENOENT, "02:00:00:00:01:0b");
	expect_ok(snic_vf_set_mac(nic, 0, PF_MAC, &err));
	expect_err(snic_vf_req_macvlan(nic, 0, MAC_B, true, &err), -EPERM, "02:00:00:00:01:0b");
	expect_ok(snic_vf_req_macvlan(nic, 0, MAC_A, false, &err)); /* removing is allowed */
	expect_ok(snic_vf_set_trust(nic, 0, true, &err));
	expect_ok(snic_vf_req_macvlan(nic, 0, MAC_B, true, &err));
	cr_assert_eq(info_of(nic, 0).n_macvlan, 1);
	snic_nic_free(nic);
}

Test(nic, vf_rxmode_is_capped_at_multi_until_trusted)
{
	struct snic_nic *nic = nic_of("ixgbe-x550", 1); /* has VF promisc */
	struct snic_vf_info i;

	expect_ok(snic_vf_req_rxmode(nic, 0, SNIC_RXMODE_PROMISC, &err));
	i = info_of(nic, 0);
	cr_assert_eq(i.rxmode, SNIC_RXMODE_PROMISC);
	cr_assert_eq(i.rxmode_eff, SNIC_RXMODE_MULTI);
	expect_ok(snic_vf_set_trust(nic, 0, true, &err));
	cr_assert_eq(info_of(nic, 0).rxmode_eff, SNIC_RXMODE_PROMISC);
	expect_ok(snic_vf_set_trust(nic, 0, false, &err));
	cr_assert_eq(info_of(nic, 0).rxmode_eff, SNIC_RXMODE_MULTI);
	expect_ok(snic_vf_req_rxmode(nic, 0, SNIC_RXMODE_NONE, &err));
	cr_assert_eq(info_of(nic, 0).rxmode_eff, SNIC_RXMODE_NONE);
	expect_err(snic_vf_req_rxmode(nic, 0, (enum snic_rxmode)9, &err), -EINVAL, "rxmode 9");
	snic_nic_free(nic);
}

Test(nic, vf_promisc_only_where_the_profile_has_it)
{
	static const struct {
		const char *profile;
		bool ok;
	} cases[] = {
		{"ixgbe-82599", false}, {"igb-82576", false}, {"ixgbe-x550", true},
		{"ice-e810", true},	{"mlx5", true},	      {"generic", true},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		for (unsigned trusted = 0; trusted < 2; trusted++) {
			struct snic_nic *nic = nic_of(cases[k].profile, 1);
			struct snic_vf_info i;

			expect_ok(snic_vf_set_trust(nic, 0, trusted, &err));
			expect_ok(snic_vf_req_rxmode(nic, 0, SNIC_RXMODE_ALLMULTI, &err));
			if (cases[k].ok) {
				expect_ok(snic_vf_req_rxmode(nic, 0, SNIC_RXMODE_PROMISC, &err));
				i = info_of(nic, 0);
				cr_assert_eq(i.rxmode_eff,
					     trusted ? SNIC_RXMODE_PROMISC : SNIC_RXMODE_MULTI,
					     "%s trusted %u", cases[k].profile, trusted);
			} else if (trusted) {
				expect_err(snic_vf_req_rxmode(nic, 0, SNIC_RXMODE_PROMISC, &err),
					   -EOPNOTSUPP, "promisc");
				cr_assert_not_null(strstr(err.msg, cases[k].profile), "%s",
						   err.msg);
				i = info_of(nic, 0);
				cr_assert_eq(i.rxmode, SNIC_RXMODE_ALLMULTI, "request changed");
			} else {
				/* As ixgbe: an untrusted VF is capped before the
				 * device is asked, so the request succeeds. */
				expect_ok(snic_vf_req_rxmode(nic, 0, SNIC_RXMODE_PROMISC, &err));
				i = info_of(nic, 0);
				cr_assert_eq(i.rxmode_eff, SNIC_RXMODE_MULTI, "%s untrusted",
					     cases[k].profile);
				expect_ok(snic_vf_set_trust(nic, 0, true, &err));
				i = info_of(nic, 0);
				cr_assert_eq(i.rxmode_eff, SNIC_RXMODE_ALLMULTI, "%s trusted later",
					     cases[k].profile);
			}
			snic_nic_free(nic);
		}
	}
}

/* --- The PF ------------------------------------------------------------------------- */

Test(nic, pf_filters_check_their_values)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 0);
	const uint8_t mc[2][6] = {{0x01, 0, 0x5e, 0, 0, 2}, {0x02, 0, 0, 0, 0, 3}};

	expect_err(snic_pf_set_mac(nic, MCAST, &err), -EINVAL, "01:00:5e:00:00:01");
	expect_err(snic_pf_set_mac(nic, ZERO, &err), -EINVAL, "00:00:00:00:00:00");
	expect_ok(snic_pf_set_mac(nic, MAC_A, &err));
	expect_err(snic_pf_set_rxmode(nic, (enum snic_rxmode)4, &err), -EINVAL, "rxmode 4");
	expect_ok(snic_pf_set_rxmode(nic, SNIC_RXMODE_PROMISC, &err));
	expect_err(snic_pf_set_mc(nic, mc, 2, &err), -EINVAL, "02:00:00:00:00:03");
	expect_err(snic_pf_set_mc(nic, mc, 4097, &err), -ENOSPC, "4097");
	expect_ok(snic_pf_set_mc(nic, mc, 1, &err));
	expect_err(snic_pf_set_vlan(nic, 5000, true, &err), -EINVAL, "vlan 5000");
	expect_ok(snic_pf_set_vlan(nic, 10, true, &err));
	expect_ok(snic_pf_set_vlan(nic, 10, false, &err));
	expect_err(snic_pf_set_macvlan(nic, MCAST, true, &err), -EINVAL, "01:00:5e:00:00:01");
	expect_ok(snic_pf_set_macvlan(nic, MAC_B, true, &err));
	expect_ok(snic_pf_set_macvlan(nic, MAC_B, false, &err));
	expect_err(snic_pf_set_macvlan(nic, MAC_B, false, &err), -ENOENT, "02:00:00:00:01:0b");
	snic_nic_free(nic);
}

Test(nic, max_frame_is_bounded_by_the_profile)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 0);

	expect_err(snic_nic_set_max_frame(nic, 81, &err), -EINVAL, "max frame 81");
	expect_err(snic_nic_set_max_frame(nic, 9729, &err), -EINVAL, "9728");
	expect_ok(snic_nic_set_max_frame(nic, 82, &err));
	expect_ok(snic_nic_set_max_frame(nic, 9728, &err));
	expect_ok(snic_nic_set_link(nic, false, &err));
	snic_nic_free(nic);
}

Test(nic, mac_filter_table_fills_up)
{
	struct snic_nic *nic = nic_of("generic", 8);
	uint8_t mac[6] = {0x02, 0x10, 0, 0, 0, 0};
	int rc = 0;
	unsigned n;

	for (n = 0; n < 100000 && !rc; n++) {
		mac[3] = (uint8_t)(n >> 16);
		mac[4] = (uint8_t)(n >> 8);
		mac[5] = (uint8_t)n;
		rc = n & 1 ? snic_pf_set_macvlan(nic, mac, true, &err)
			   : snic_vf_req_macvlan(nic, n % 8, mac, true, &err);
	}
	cr_assert_eq(rc, -ENOSPC);
	cr_assert_not_null(strstr(err.msg, "4096"), "%s", err.msg);
	cr_assert_eq(n, 4097);
	/* Disabling the VFs frees their entries. */
	expect_ok(snic_nic_set_numvfs(nic, 0, &err));
	expect_ok(snic_vf_req_macvlan(nic, 0, mac, true, &err) == -EINVAL ? 0 : -1);
	expect_ok(snic_pf_set_macvlan(nic, mac, true, &err));
	snic_nic_free(nic);
}

/* --- RSS ------------------------------------------------------------------------------ */

Test(nic, shared_rss_is_set_by_the_pf_and_read_with_query_rss)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 2);
	struct snic_rss_conf c;

	expect_ok(snic_nic_rss_get(nic, 2, &c, &err));
	cr_assert_eq(c.reta_size, 128);
	cr_assert_eq(c.key_len, 40);
	expect_err(snic_nic_rss_set(nic, 0, &c, &err), -EPERM, "vport 0");
	expect_err(snic_nic_rss_get(nic, 1, &c, &err), -EPERM, "vf 1");
	expect_ok(snic_vf_set_query_rss(nic, 1, true, &err));
	expect_ok(snic_nic_rss_get(nic, 1, &c, &err));
	c.key[0] ^= 0xff;
	expect_ok(snic_nic_rss_set(nic, 2, &c, &err));
	expect_err(snic_nic_rss_set(nic, 3, &c, &err), -EINVAL, "vport 3");
	c.nqueues = 8;
	expect_err(snic_nic_rss_set(nic, 2, &c, &err), -EINVAL, "8 queues");
	c.nqueues = 4;
	c.key_len = 10;
	expect_err(snic_nic_rss_set(nic, 2, &c, &err), -EINVAL, "10");
	expect_err(snic_nic_rss_get(nic, 3, &c, &err), -EINVAL, "vport 3");
	snic_nic_free(nic);
}

Test(nic, per_pool_rss_has_its_own_conf_per_vf)
{
	struct snic_nic *nic = nic_of("ixgbe-x550", 2);
	struct snic_rss_conf c, d;

	expect_ok(snic_nic_rss_get(nic, 0, &c, &err));
	cr_assert_eq(c.reta_size, 64);
	c.key[3] ^= 0x55;
	expect_ok(snic_nic_rss_set(nic, 0, &c, &err));
	expect_ok(snic_nic_rss_get(nic, 1, &d, &err));
	cr_assert_neq(memcmp(c.key, d.key, c.key_len), 0, "VF 1 kept its own key");
	c.reta_size = 128;
	expect_err(snic_nic_rss_set(nic, 0, &c, &err), -EINVAL, "128");
	snic_nic_free(nic);
}

Test(nic, rss_contexts_are_numbered_limited_and_freed)
{
	struct snic_nic *mlx = nic_of("mlx5", 2), *ix = nic_of("ixgbe-82599", 2);
	struct snic_rss_conf c;
	int id;

	expect_ok(snic_nic_rss_get(ix, 2, &c, &err));
	expect_err(snic_nic_rss_ctx_new(ix, 2, &c, &err), -EOPNOTSUPP, "ixgbe-82599");
	expect_ok(snic_nic_rss_get(mlx, 1, &c, &err));
	expect_err(snic_nic_rss_ctx_new(mlx, 3, &c, &err), -EINVAL, "vport 3");
	for (int i = 1; i <= 15; i++) {
		id = snic_nic_rss_ctx_new(mlx, 1, &c, &err);
		cr_assert_eq(id, i, "context %d: %s", id, err.msg);
	}
	expect_err(snic_nic_rss_ctx_new(mlx, 1, &c, &err), -ENOSPC, "15");
	expect_ok(snic_nic_rss_ctx_del(mlx, 4, &err));
	expect_err(snic_nic_rss_ctx_del(mlx, 4, &err), -ENOENT, "context 4");
	expect_err(snic_nic_rss_ctx_del(mlx, 0, &err), -ENOENT, "context 0");
	expect_err(snic_nic_rss_ctx_del(mlx, 16, &err), -ENOENT, "context 16");
	cr_assert_eq(snic_nic_rss_ctx_new(mlx, 0, &c, &err), 4, "the freed id is reused");
	snic_nic_free(mlx);
	snic_nic_free(ix);
}

Test(nic, rss_context_in_use_by_a_rule_is_busy)
{
	struct snic_nic *nic = nic_of("mlx5", 1);
	struct snic_flow_rule r = {.vport = 1, .action = SNIC_ACT_RSS};
	struct snic_rss_conf c;
	int id, rule;

	expect_ok(snic_nic_rss_get(nic, 1, &c, &err));
	id = snic_nic_rss_ctx_new(nic, 1, &c, &err);
	cr_assert_eq(id, 1);
	r.rss_ctx = (uint32_t)id;
	rule = snic_flow_create(nic, &r, &err);
	cr_assert_geq(rule, 0, "%s", err.msg);
	expect_err(snic_nic_rss_ctx_del(nic, 1, &err), -EBUSY, "context 1");
	expect_ok(snic_flow_destroy(nic, (unsigned)rule, &err));
	expect_ok(snic_nic_rss_ctx_del(nic, 1, &err));
	snic_nic_free(nic);
}

Test(nic, numvfs_change_flushes_rules_and_contexts)
{
	struct snic_nic *nic = nic_of("mlx5", 0);
	struct snic_flow_rule r = {.vport = 0, .action = SNIC_ACT_DROP};
	struct snic_rss_conf c;

	expect_ok(snic_nic_rss_get(nic, 0, &c, &err));
	cr_assert_eq(snic_nic_rss_ctx_new(nic, 0, &c, &err), 1);
	cr_assert_geq(snic_flow_create(nic, &r, &err), 0);
	expect_ok(snic_nic_set_numvfs(nic, 3, &err));
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 0);
	expect_err(snic_nic_rss_ctx_del(nic, 1, &err), -ENOENT, "context 1");
	expect_ok(snic_nic_rss_get(nic, 3, &c, &err));
	cr_assert_leq(c.nqueues, snic_nic_vport_queues(nic, 3));
	snic_nic_free(nic);
}

/* --- Plugin and commit ---------------------------------------------------------------- */

static char *plugin_path(const char *name)
{
	const char *dir = getenv("SNIC_PLUGIN_DIR");
	char *p;

	cr_assert_not_null(dir, "SNIC_PLUGIN_DIR is not set");
	cr_assert_gt(asprintf(&p, "%s/%s.so", dir, name), 0);
	return p;
}

Test(nic, plugin_loader_refuses_missing_files_and_other_abis)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 0);
	char *bad = plugin_path("bad_abi"), *good = plugin_path("heavy_flows");

	expect_err(snic_nic_set_plugin(nic, "/nonexistent/x.so", NULL, &err), -ENOENT,
		   "/nonexistent/x.so");
	expect_err(snic_nic_set_plugin(nic, bad, NULL, &err), -EPROTONOSUPPORT, "abi 2");
	expect_err(snic_nic_set_plugin(nic, good, "tcp4 nonsense", &err), -EINVAL, "heavy_flows");
	expect_ok(snic_nic_set_plugin(nic, good, "tcp4 10.0.0.1:1 10.0.0.2:2 queue 1", &err));
	expect_ok(snic_nic_set_plugin(nic, NULL, NULL, &err));
	free(bad);
	free(good);
	snic_nic_free(nic);
}

/* A snapshot keeps what it was committed with: later changes, a plugin
 * replaced and the NIC freed leave it working. */
Test(nic, snapshot_outlives_changes_and_the_nic)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 1);
	char *good = plugin_path("heavy_flows");
	uint8_t buf[128];
	struct snic_craft cr;
	struct snic_frame fr;
	struct snic_dest d[4];
	struct snic_ctr *ctr;
	struct snic_cfg *cfg;
	int len;

	memset(&cr, 0, sizeof(cr));
	memcpy(cr.outer.dmac, MAC_A, 6);
	memcpy(cr.outer.smac, MAC_B, 6);
	cr.outer.ip_ver = 4;
	cr.outer.l4_proto = 17;
	cr.outer.sport = 1;
	cr.outer.dport = 2;
	len = snic_craft_frame(&cr, buf, sizeof(buf));
	cr_assert_gt(len, 0);
	fr = (struct snic_frame){buf, (uint32_t)len};
	expect_ok(snic_ctr_new(snic_nic_profile(nic), &ctr, &err));
	expect_ok(snic_vf_set_mac(nic, 0, MAC_A, &err));
	expect_ok(snic_nic_set_plugin(nic, good, "udp4 0.0.0.0:1 0.0.0.0:2 queue 3", &err));
	expect_ok(snic_nic_commit(nic, &cfg, &err));
	expect_ok(snic_vf_set_mac(nic, 0, MAC_B, &err));
	expect_ok(snic_nic_set_plugin(nic, NULL, NULL, &err));
	snic_nic_free(nic);
	cr_assert_eq(snic_rx(cfg, ctr, &fr, 1, d, 4), 1);
	cr_assert_eq(d[0].vport, 0);
	cr_assert_eq(d[0].queue, 3);
	cr_assert(d[0].flags & SNIC_DEST_STEERED);
	cr_assert_eq(ctr->vport[0].steer_hits, 1);
	snic_cfg_free(cfg);
	snic_ctr_free(ctr);
	free(good);
}
