/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading a struct snic_nic back: the PF's settings and filter lists, the
 * max frame, and the RSS contexts. Each getter must give what the setters
 * left, in the order its contract names, copy no more than the caller's
 * room and still count everything.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "snic/nic.h"
#include "snic/profile.h"

static const uint8_t PF_MAC[6] = {0x02, 0, 0, 0, 0, 0xfe};
static const uint8_t UC_A[6] = {0x02, 0, 0, 0, 2, 0xa};
static const uint8_t UC_B[6] = {0x02, 0, 0, 0, 2, 0xb};
static const uint8_t UC_C[6] = {0x02, 0, 0, 0, 2, 0xc};
static const uint8_t MC[3][6] = {
	{0x01, 0x00, 0x5e, 0, 0, 3},
	{0x01, 0x00, 0x5e, 0, 0, 1},
	{0x33, 0x33, 0, 0, 0, 2},
};

static struct snic_err err;

#define ok(expr)                                                                                   \
	do {                                                                                       \
		int rc_ = (expr);                                                                  \
		cr_assert_eq(rc_, 0, "%s: %d (%s)", #expr, rc_, err.msg);                          \
	} while (0)

static struct snic_nic *nic_of(const char *profile, unsigned numvfs)
{
	const struct snic_profile *p = snic_profile_find(profile);
	struct snic_nic *nic = NULL;

	cr_assert_not_null(p, "no profile %s", profile);
	ok(snic_nic_new(p, PF_MAC, &nic, &err));
	if (numvfs)
		ok(snic_nic_set_numvfs(nic, numvfs, &err));
	return nic;
}

/* --- the PF ------------------------------------------------------------------------ */

Test(nic_get, pf_of_a_new_nic)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 2);
	struct snic_pf_info pf;

	memset(&pf, 0xa5, sizeof(pf));
	snic_pf_get(nic, &pf);
	cr_assert_arr_eq(pf.mac, PF_MAC, 6);
	cr_assert_eq(pf.rxmode, SNIC_RXMODE_MULTI);
	cr_assert(pf.link_up);
	cr_assert_eq(pf.n_mc, 0);
	cr_assert_eq(pf.n_macvlan, 0);
	cr_assert_eq(pf.n_vlan, 0);
	cr_assert_eq(snic_pf_mc_list(nic, NULL, 0), 0);
	cr_assert_eq(snic_pf_macvlan_list(nic, NULL, 0), 0);
	cr_assert_eq(snic_pf_vlan_list(nic, NULL, 0), 0);
	cr_assert_eq(snic_nic_max_frame(nic), 1514);
	snic_nic_free(nic);
}

Test(nic_get, pf_settings_as_set)
{
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x42};
	struct snic_nic *nic = nic_of("generic", 0);
	struct snic_pf_info pf;

	ok(snic_pf_set_mac(nic, mac, &err));
	ok(snic_pf_set_rxmode(nic, SNIC_RXMODE_PROMISC, &err));
	ok(snic_nic_set_link(nic, false, &err));
	ok(snic_nic_set_max_frame(nic, 9014, &err));
	snic_pf_get(nic, &pf);
	cr_assert_arr_eq(pf.mac, mac, 6);
	cr_assert_eq(pf.rxmode, SNIC_RXMODE_PROMISC);
	cr_assert_not(pf.link_up);
	cr_assert_eq(snic_nic_max_frame(nic), 9014);
	ok(snic_nic_set_link(nic, true, &err));
	snic_pf_get(nic, &pf);
	cr_assert(pf.link_up);
	snic_nic_free(nic);
}

Test(nic_get, multicast_groups_in_the_order_given)
{
	struct snic_nic *nic = nic_of("generic", 0);
	uint8_t out[4][6];
	struct snic_pf_info pf;

	memset(out, 0, sizeof(out));
	ok(snic_pf_set_mc(nic, MC, 3, &err));
	snic_pf_get(nic, &pf);
	cr_assert_eq(pf.n_mc, 3);
	cr_assert_eq(snic_pf_mc_list(nic, out, 4), 3);
	cr_assert_arr_eq(out, MC, sizeof(MC));
	/* a short buffer: the first ones, and the count of all */
	memset(out, 0, sizeof(out));
	cr_assert_eq(snic_pf_mc_list(nic, out, 1), 3);
	cr_assert_arr_eq(out[0], MC[0], 6);
	for (int i = 0; i < 6; i++)
		cr_assert_eq(out[1][i], 0, "wrote past the room given");
	/* a new list replaces the old */
	ok(snic_pf_set_mc(nic, &MC[2], 1, &err));
	cr_assert_eq(snic_pf_mc_list(nic, out, 4), 1);
	cr_assert_arr_eq(out[0], MC[2], 6);
	snic_nic_free(nic);
}

Test(nic_get, macvlans_oldest_first_each_once)
{
	struct snic_nic *nic = nic_of("generic", 0);
	uint8_t out[4][6];

	ok(snic_pf_set_macvlan(nic, UC_B, true, &err));
	ok(snic_pf_set_macvlan(nic, UC_A, true, &err));
	ok(snic_pf_set_macvlan(nic, UC_B, true, &err));
	ok(snic_pf_set_macvlan(nic, UC_C, true, &err));
	cr_assert_eq(snic_pf_macvlan_list(nic, out, 4), 3);
	cr_assert_arr_eq(out[0], UC_B, 6);
	cr_assert_arr_eq(out[1], UC_A, 6);
	cr_assert_arr_eq(out[2], UC_C, 6);
	ok(snic_pf_set_macvlan(nic, UC_A, false, &err));
	cr_assert_eq(snic_pf_macvlan_list(nic, out, 4), 2);
	cr_assert_arr_eq(out[0], UC_B, 6);
	cr_assert_arr_eq(out[1], UC_C, 6);
	snic_nic_free(nic);
}

Test(nic_get, vlan_filter_ascending_without_vid_0)
{
	static const unsigned add[] = {300, 0, 100, 4095, 100, 1};
	static const uint16_t want[] = {1, 100, 300, 4095};
	struct snic_nic *nic = nic_of("ixgbe-82599", 0);
	uint16_t out[8] = {0};
	struct snic_pf_info pf;

	for (size_t i = 0; i < sizeof(add) / sizeof(add[0]); i++)
		ok(snic_pf_set_vlan(nic, add[i], true, &err));
	snic_pf_get(nic, &pf);
	cr_assert_eq(pf.n_vlan, 4);
	cr_assert_eq(snic_pf_vlan_list(nic, out, 8), 4);
	cr_assert_arr_eq(out, want, sizeof(want));
	cr_assert_eq(out[4], 0, "wrote past the list");
	memset(out, 0, sizeof(out));
	cr_assert_eq(snic_pf_vlan_list(nic, out, 2), 4);
	cr_assert_eq(out[0], 1);
	cr_assert_eq(out[1], 100);
	cr_assert_eq(out[2], 0, "wrote past the room given");
	ok(snic_pf_set_vlan(nic, 100, false, &err));
	cr_assert_eq(snic_pf_vlan_list(nic, out, 8), 3);
	cr_assert_eq(out[1], 300);
	snic_nic_free(nic);
}

/* --- RSS contexts -------------------------------------------------------------------- */

/* A conf of @vport with its RETA spread over @n queues from @start. */
static void conf_of(struct snic_nic *nic, unsigned vport, unsigned n, unsigned start,
		    struct snic_rss_conf *c)
{
	ok(snic_nic_rss_get(nic, vport, c, &err));
	snic_reta_equal(c->reta, c->reta_size, n, start, NULL);
	c->nqueues = (uint16_t)(start + n);
}

Test(nic_get, no_contexts_on_a_profile_without_them)
{
	struct snic_nic *nic = nic_of("ixgbe-82599", 0);
	struct snic_rss_conf c;
	unsigned vport = 7, ids[4];

	cr_assert_eq(snic_nic_rss_ctx_list(nic, ids, 4), 0);
	snic_err_clear(&err);
	cr_assert_eq(snic_nic_rss_ctx_get(nic, 1, &vport, &c, &err), -ENOENT);
	cr_assert_not_null(strstr(err.msg, "rss context 1"), "%s", err.msg);
	cr_assert_eq(vport, 7, "vport written on failure");
	snic_nic_free(nic);
}

Test(nic_get, contexts_as_made_by_id)
{
	struct snic_nic *nic = nic_of("mlx5", 2);
	struct snic_rss_conf a, b, got;
	unsigned ids[8], vport;

	conf_of(nic, 2, 2, 1, &a);
	a.key[0] ^= 0xff;
	conf_of(nic, 1, 1, 0, &b);
	cr_assert_eq(snic_nic_rss_ctx_new(nic, 2, &a, &err), 1, "%s", err.msg);
	cr_assert_eq(snic_nic_rss_ctx_new(nic, 1, &b, &err), 2, "%s", err.msg);
	cr_assert_eq(snic_nic_rss_ctx_new(nic, 2, &a, &err), 3, "%s", err.msg);
	ok(snic_nic_rss_ctx_del(nic, 1, &err));
	cr_assert_eq(snic_nic_rss_ctx_list(nic, NULL, 0), 2);
	cr_assert_eq(snic_nic_rss_ctx_list(nic, ids, 8), 2);
	cr_assert_eq(ids[0], 2);
	cr_assert_eq(ids[1], 3);
	ok(snic_nic_rss_ctx_get(nic, 3, &vport, &got, &err));
	cr_assert_eq(vport, 2);
	cr_assert_eq(memcmp(&got, &a, sizeof(a)), 0, "context 3 is not the conf it was made with");
	ok(snic_nic_rss_ctx_get(nic, 2, &vport, &got, &err));
	cr_assert_eq(vport, 1);
	cr_assert_eq(memcmp(&got, &b, sizeof(b)), 0, "context 2 is not the conf it was made with");
	/* a freed id comes back in order */
	cr_assert_eq(snic_nic_rss_ctx_new(nic, 0, &b, &err), 1, "%s", err.msg);
	cr_assert_eq(snic_nic_rss_ctx_list(nic, ids, 1), 3);
	cr_assert_eq(ids[0], 1);
	snic_err_clear(&err);
	cr_assert_eq(snic_nic_rss_ctx_get(nic, 0, &vport, &got, &err), -ENOENT);
	cr_assert_eq(snic_nic_rss_ctx_get(nic, 16, &vport, &got, &err), -ENOENT);
	cr_assert_not_null(strstr(err.msg, "rss context 16"), "%s", err.msg);
	snic_nic_free(nic);
}

Test(nic_get, contexts_go_with_a_change_of_vfs)
{
	struct snic_nic *nic = nic_of("generic", 0);
	struct snic_rss_conf c;

	conf_of(nic, 0, 2, 0, &c);
	cr_assert_eq(snic_nic_rss_ctx_new(nic, 0, &c, &err), 1, "%s", err.msg);
	cr_assert_eq(snic_nic_rss_ctx_list(nic, NULL, 0), 1);
	ok(snic_nic_set_numvfs(nic, 2, &err));
	cr_assert_eq(snic_nic_rss_ctx_list(nic, NULL, 0), 0);
	snic_nic_free(nic);
}
