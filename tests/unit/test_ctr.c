/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters (snic_ctr): their shape follows the profile alone, reset and
 * add work on every array, drop names are stable, and a mixed burst
 * through snic_rx and snic_tx conserves frames per direction and agrees
 * with the destinations written.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "snic/craft.h"
#include "snic/ctr.h"
#include "snic/dp.h"
#include "snic/nic.h"
#include "snic/profile.h"

static struct snic_ctr *ctr_of(const char *profile)
{
	const struct snic_profile *p = snic_profile_find(profile);
	struct snic_ctr *c = NULL;
	struct snic_err err = {0};

	cr_assert_not_null(p, "no profile %s", profile);
	cr_assert_eq(snic_ctr_new(p, &c, &err), 0, "%s", err.msg);
	return c;
}

Test(ctr, shape_follows_the_profile)
{
	static const struct {
		const char *profile;
		unsigned nvports, nqueues, nctx, reta;
	} cases[] = {
		/* 64 pools; the PF alone has 64 queues; one shared RETA of 128. */
		{"ixgbe-82599", 64, 64, 64, 128},
		/* X550: the PF without VFs has a 512-entry RETA. */
		{"ixgbe-x550", 64, 64, 64, 512},
		{"ice-e810", 257, 256, 257, 2048},
		/* mlx5: 15 extra contexts, RETAs up to 1024 entries. */
		{"mlx5", 128, 256, 128 + 15, 1024},
		{"igb-82576", 8, 8, 8, 128},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct snic_ctr *c = ctr_of(cases[k].profile);

		cr_assert_eq(c->nvports, cases[k].nvports, "%s nvports %u", cases[k].profile,
			     c->nvports);
		cr_assert_eq(c->nqueues, cases[k].nqueues, "%s nqueues %u", cases[k].profile,
			     c->nqueues);
		cr_assert_eq(c->nctx, cases[k].nctx, "%s nctx %u", cases[k].profile, c->nctx);
		cr_assert_eq(c->reta_size, cases[k].reta, "%s reta %u", cases[k].profile,
			     c->reta_size);
		snic_ctr_free(c);
	}
}

Test(ctr, drop_names_are_distinct_and_stable)
{
	static const char *const want[SNIC_DROP_COUNT] = {
		"no_vport",	"vlan_filtered", "spoofed",   "link_down", "oversize",
		"rate_limited", "rule_drop",	 "malformed", "no_room",   "queue_full",
	};

	for (unsigned i = 0; i < SNIC_DROP_COUNT; i++)
		cr_assert_str_eq(snic_drop_name((enum snic_drop)i), want[i]);
	cr_assert_str_eq(snic_drop_name(SNIC_DROP_COUNT), "unknown");
	cr_assert_str_eq(snic_drop_name((enum snic_drop) - 1), "unknown");
}

/* Put @v in a counter of every array of @c. */
static void fill(struct snic_ctr *c, uint64_t v)
{
	c->rx.in = v;
	c->rx.drop[SNIC_DROP_OVERSIZE] = v;
	c->vport[c->nvports - 1].tx.delivered = v;
	c->vport[0].rx_drop[SNIC_DROP_RULE] = v;
	c->vport[1].steer_bad_queue = v;
	snic_ctr_queue(c, c->nvports - 1, c->nqueues - 1)->loopback = v;
	snic_ctr_bucket(c, c->nctx - 1, c->reta_size - 1)->bytes = v;
	c->rule_hits[SNIC_CTR_MAX_RULES - 1] = v;
	c->tb[2].tokens = v;
}

Test(ctr, add_sums_every_array_but_the_rate_limiter)
{
	struct snic_ctr *a = ctr_of("mlx5"), *b = ctr_of("mlx5");

	fill(a, 3);
	fill(b, 4);
	snic_ctr_add(a, b);
	cr_assert_eq(a->rx.in, 7);
	cr_assert_eq(a->rx.drop[SNIC_DROP_OVERSIZE], 7);
	cr_assert_eq(a->vport[a->nvports - 1].tx.delivered, 7);
	cr_assert_eq(a->vport[0].rx_drop[SNIC_DROP_RULE], 7);
	cr_assert_eq(a->vport[1].steer_bad_queue, 7);
	cr_assert_eq(snic_ctr_queue(a, a->nvports - 1, a->nqueues - 1)->loopback, 7);
	cr_assert_eq(snic_ctr_bucket(a, a->nctx - 1, a->reta_size - 1)->bytes, 7);
	cr_assert_eq(a->rule_hits[SNIC_CTR_MAX_RULES - 1], 7);
	cr_assert_eq(a->tb[2].tokens, 3, "token buckets are per thread, not summed");
	snic_ctr_free(a);
	snic_ctr_free(b);
}

Test(ctr, reset_zeroes_every_array)
{
	struct snic_ctr *c = ctr_of("ice-e810");

	fill(c, 9);
	snic_ctr_reset(c);
	cr_assert_eq(c->rx.in, 0);
	cr_assert_eq(c->rx.drop[SNIC_DROP_OVERSIZE], 0);
	cr_assert_eq(c->vport[c->nvports - 1].tx.delivered, 0);
	cr_assert_eq(c->vport[0].rx_drop[SNIC_DROP_RULE], 0);
	cr_assert_eq(c->vport[1].steer_bad_queue, 0);
	cr_assert_eq(snic_ctr_queue(c, c->nvports - 1, c->nqueues - 1)->loopback, 0);
	cr_assert_eq(snic_ctr_bucket(c, c->nctx - 1, c->reta_size - 1)->bytes, 0);
	cr_assert_eq(c->rule_hits[SNIC_CTR_MAX_RULES - 1], 0);
	cr_assert_eq(c->tb[2].tokens, 0);
	snic_ctr_free(c);
}

Test(ctr, dropped_sums_every_reason)
{
	struct snic_dirctr d = {0};

	for (unsigned i = 0; i < SNIC_DROP_COUNT; i++)
		d.drop[i] = i + 1;
	cr_assert_eq(snic_dirctr_dropped(&d), SNIC_DROP_COUNT * (SNIC_DROP_COUNT + 1) / 2);
}

/* --- conservation through the data path ------------------------------------------ */

#define NF 64

struct burst {
	uint8_t buf[NF][256];
	struct snic_frame f[NF];
	unsigned n;
};

static void add_frame(struct burst *b, const uint8_t dmac[6], const uint8_t smac[6], unsigned i)
{
	struct snic_craft c;
	int len;

	memset(&c, 0, sizeof(c));
	memcpy(c.outer.dmac, dmac, 6);
	memcpy(c.outer.smac, smac, 6);
	c.outer.ip_ver = i % 3 ? 4 : 6;
	c.outer.ip_src[3] = (uint8_t)i;
	c.outer.ip_dst[3] = 1;
	c.outer.l4_proto = i & 1 ? 17 : 6;
	c.outer.sport = (uint16_t)(1000 + i);
	c.outer.dport = 80;
	if (i % 5 == 0) {
		c.outer.n_vlan = 1;
		c.outer.vlan_tci[0] = (uint16_t)(i % 10 ? 7 : 9);
	}
	len = snic_craft_frame(&c, b->buf[b->n], sizeof(b->buf[0]));
	cr_assert_gt(len, 0);
	b->f[b->n].data = b->buf[b->n];
	b->f[b->n].len = i % 17 == 0 ? 10 : (uint32_t)len; /* a few runts */
	b->n++;
}

static uint64_t queue_frames(const struct snic_ctr *c)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < (unsigned)c->nvports * c->nqueues; i++)
		sum += c->queue[i].frames;
	return sum;
}

Test(ctr, mixed_bursts_conserve_frames_in_both_directions)
{
	static const uint8_t pf[6] = {2, 0, 0, 0, 0, 0xfe},
			     bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
			     mc[6] = {1, 0, 0x5e, 0, 0, 1}, far[6] = {2, 0, 0, 0, 9, 9};
	const struct snic_profile *p = snic_profile_find("ixgbe-82599");
	static struct snic_dest d[NF * 8];
	static struct burst b;
	struct snic_nic *nic;
	struct snic_cfg *cfg;
	struct snic_ctr *c = ctr_of("ixgbe-82599");
	unsigned n, local = 0;

	cr_assert_eq(snic_nic_new(p, pf, &nic, NULL), 0);
	cr_assert_eq(snic_nic_set_numvfs(nic, 4, NULL), 0);
	for (unsigned vf = 0; vf < 4; vf++) {
		uint8_t mac[6] = {2, 0, 0, 0, 1, (uint8_t)vf};

		cr_assert_eq(snic_vf_set_mac(nic, vf, mac, NULL), 0);
	}
	cr_assert_eq(snic_vf_set_vlan(nic, 1, 7, 0, SNIC_VLAN_PROTO_8021Q, NULL), 0);
	cr_assert_eq(snic_vf_set_link_state(nic, 2, SNIC_LINK_DISABLE, NULL), 0);
	cr_assert_eq(snic_nic_commit(nic, &cfg, NULL), 0);
	for (unsigned i = 0; i < NF; i++) {
		uint8_t vf[6] = {2, 0, 0, 0, 1, (uint8_t)(i % 6)};
		const uint8_t *dst[] = {vf, bc, mc, far, pf};

		add_frame(&b, dst[i % 5], far, i);
	}
	n = snic_rx(cfg, c, b.f, b.n, d, NF * 8);
	cr_assert_eq(c->rx.in, NF);
	cr_assert_eq(c->rx.in, c->rx.delivered + snic_dirctr_dropped(&c->rx));
	cr_assert_eq(queue_frames(c), n);
	cr_assert_gt(c->rx.drop[SNIC_DROP_MALFORMED], 0);
	/* The same frames sent by VF 0: most are spoofed, the rest switched. */
	snic_ctr_reset(c);
	n = snic_tx(cfg, c, 0, b.f, b.n, 1000, d, NF * 8);
	for (unsigned i = 0; i < n; i++)
		local += d[i].vport != SNIC_VPORT_WIRE;
	cr_assert_eq(c->vport[0].tx.in, NF);
	cr_assert_eq(c->vport[0].tx.in,
		     c->vport[0].tx.delivered + snic_dirctr_dropped(&c->vport[0].tx));
	cr_assert_eq(queue_frames(c), local);
	cr_assert_eq(c->rx.in, 0);
	snic_cfg_free(cfg);
	snic_nic_free(nic);
	snic_ctr_free(c);
}
