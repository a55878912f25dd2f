/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow rules: validation (each refusal names its value), create, destroy
 * and list, priority and age, the actions (queue, drop, mark, RSS
 * context) and their counters, and the compiled matcher of the data path
 * against the plain one (snic_flow_match) on random rules and frames.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snic/craft.h"
#include "snic/ctr.h"
#include "snic/dp.h"
#include "snic/flow.h"
#include "snic/nic.h"
#include "snic/profile.h"

static const uint8_t PF_MAC[6] = {0x02, 0, 0, 0, 0, 0xfe};
static const uint8_t REMOTE[6] = {0x02, 0, 0, 0, 0x99, 1};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static struct snic_err err;

struct env {
	struct snic_nic *nic;
	struct snic_cfg *cfg;
	struct snic_ctr *ctr;
	uint8_t buf[64][512];
	struct snic_frame fr[64];
	unsigned n;
	struct snic_dest d[64 * 8];
	unsigned nd;
};

static struct env *env_new(const char *profile, unsigned numvfs)
{
	const struct snic_profile *p = snic_profile_find(profile);
	struct env *e = calloc(1, sizeof(*e));

	cr_assert_not_null(p);
	cr_assert_not_null(e);
	cr_assert_eq(snic_nic_new(p, PF_MAC, &e->nic, &err), 0, "%s", err.msg);
	cr_assert_eq(snic_nic_set_numvfs(e->nic, numvfs, &err), 0, "%s", err.msg);
	for (unsigned vf = 0; vf < numvfs; vf++) {
		uint8_t mac[6] = {0x02, 0, 0, 0, 1, (uint8_t)vf};

		cr_assert_eq(snic_vf_set_mac(e->nic, vf, mac, &err), 0);
	}
	cr_assert_eq(snic_ctr_new(p, &e->ctr, &err), 0);
	return e;
}

static void env_free(struct env *e)
{
	snic_cfg_free(e->cfg);
	snic_nic_free(e->nic);
	snic_ctr_free(e->ctr);
	free(e);
}

static void env_commit(struct env *e)
{
	snic_cfg_free(e->cfg);
	e->cfg = NULL;
	cr_assert_eq(snic_nic_commit(e->nic, &e->cfg, &err), 0, "%s", err.msg);
}

static unsigned env_add(struct env *e, const struct snic_craft *c)
{
	int len = snic_craft_frame(c, e->buf[e->n], sizeof(e->buf[0]));

	cr_assert_gt(len, 0, "craft: %d", len);
	e->fr[e->n] = (struct snic_frame){e->buf[e->n], (uint32_t)len};
	return e->n++;
}

static unsigned env_rx(struct env *e)
{
	snic_ctr_reset(e->ctr);
	e->nd = snic_rx(e->cfg, e->ctr, e->fr, e->n, e->d, 64 * 8);
	cr_assert_eq(e->ctr->rx.in, e->n);
	cr_assert_eq(e->ctr->rx.in, e->ctr->rx.delivered + snic_dirctr_dropped(&e->ctr->rx));
	return e->nd;
}

static struct snic_craft udp4(const uint8_t dmac[6], uint16_t sport, uint16_t dport)
{
	struct snic_craft c;

	memset(&c, 0, sizeof(c));
	memcpy(c.outer.dmac, dmac, 6);
	memcpy(c.outer.smac, REMOTE, 6);
	c.outer.ip_ver = 4;
	c.outer.ip_src[0] = 10;
	c.outer.ip_src[3] = 1;
	c.outer.ip_dst[0] = 10;
	c.outer.ip_dst[3] = 2;
	c.outer.l4_proto = 17;
	c.outer.sport = sport;
	c.outer.dport = dport;
	return c;
}

/* A rule on @vport matching UDP destination port @dport exactly. */
static struct snic_flow_rule udp_rule(unsigned vport, uint16_t dport)
{
	struct snic_flow_rule r;

	memset(&r, 0, sizeof(r));
	r.vport = (uint16_t)vport;
	r.match = SNIC_FM_L4_PROTO | SNIC_FM_DPORT;
	r.l4_proto = 17;
	r.dport = dport;
	r.dport_mask = 0xffff;
	return r;
}

static int create(struct env *e, const struct snic_flow_rule *r)
{
	int id = snic_flow_create(e->nic, r, &err);

	cr_assert_geq(id, 0, "create: %d (%s)", id, err.msg);
	return id;
}

static unsigned slot_of(struct env *e, int id)
{
	struct snic_flow_info info[64];
	int n = snic_flow_list(e->nic, info, 64);

	for (int i = 0; i < n && i < 64; i++)
		if (info[i].id == (uint32_t)id)
			return info[i].slot;
	cr_assert_fail("rule %d not listed", id);
	return 0;
}

/* --- validation ---------------------------------------------------------------------- */

#define expect_err(expr, want_, needle)                                                            \
	do {                                                                                       \
		int rc_;                                                                           \
		snic_err_clear(&err);                                                              \
		rc_ = (expr);                                                                      \
		cr_assert_eq(rc_, (want_), "%s: %d (%s)", #expr, rc_, err.msg);                    \
		cr_assert_not_null(strstr(err.msg, (needle)), "\"%s\" does not name \"%s\"",       \
				   err.msg, (needle));                                             \
	} while (0)

Test(flow, validate_names_every_bad_value)
{
	struct env *e = env_new("mlx5", 2);
	struct snic_flow_rule r;
	struct snic_rss_conf c;

	r = udp_rule(3, 53);
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "vport 3");
	r = udp_rule(0, 53);
	r.match |= 1u << 20;
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "0x100000");
	r = udp_rule(0, 53);
	r.match &= ~SNIC_FM_L4_PROTO;
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "ports need");
	r = udp_rule(0, 53);
	r.l4_proto = 1;
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "not 1");
	r = udp_rule(0, 53);
	r.match = SNIC_FM_VNI;
	r.vni = 1u << 24;
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "vni 16777216");
	r.match = SNIC_FM_VNI | SNIC_FM_TEID;
	r.vni = 5;
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "teid");
	r.match = SNIC_FM_IP_SRC;
	r.ip_ver = 5;
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "ip version 5");
	r.ip_ver = 4;
	r.src_plen = 33;
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "/33");
	r.match = SNIC_FM_IP_DST;
	r.ip_ver = 6;
	r.dst_plen = 129;
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "/129");
	r = udp_rule(0, 53);
	r.queue = 8; /* mlx5 pools have 8 queues */
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "queue 8");
	r.action = 9;
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "action 9");
	r.action = SNIC_ACT_QUEUE;
	r.queue = 0;
	r.flags = 0x80;
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "0x80");
	r.flags = 0;
	r.action = SNIC_ACT_RSS;
	r.rss_ctx = 1;
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "context 1");
	cr_assert_eq(snic_nic_rss_get(e->nic, 1, &c, &err), 0);
	cr_assert_eq(snic_nic_rss_ctx_new(e->nic, 1, &c, &err), 1);
	expect_err(snic_flow_validate(e->nic, &r, &err), -EINVAL, "belongs to vport 1");
	r.vport = 1;
	cr_assert_eq(snic_flow_validate(e->nic, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(snic_flow_list(e->nic, NULL, 0), 0, "validate adds nothing");
	env_free(e);
}

/* --- create, destroy, list ------------------------------------------------------------- */

Test(flow, list_is_in_priority_then_age_order)
{
	struct env *e = env_new("ixgbe-82599", 0);
	static const uint32_t prio[] = {5, 1, 5, 0, 1};
	static const int order[] = {3, 1, 4, 0, 2};
	struct snic_flow_info info[8];
	int ids[5];

	for (int i = 0; i < 5; i++) {
		struct snic_flow_rule r = udp_rule(0, (uint16_t)i);

		r.priority = prio[i];
		ids[i] = create(e, &r);
		cr_assert_eq(ids[i], i, "ids count up from 0");
	}
	cr_assert_eq(snic_flow_list(e->nic, info, 8), 5);
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(info[i].id, (uint32_t)ids[order[i]], "position %d: id %u", i,
			     info[i].id);
		cr_assert_eq(info[i].rule.dport, order[i]);
		for (int j = 0; j < i; j++)
			cr_assert_neq(info[i].slot, info[j].slot);
	}
	cr_assert_eq(snic_flow_list(e->nic, info, 2), 5, "the count, whatever the cap");
	cr_assert_eq(snic_flow_destroy(e->nic, (unsigned)ids[3], &err), 0);
	expect_err(snic_flow_destroy(e->nic, (unsigned)ids[3], &err), -ENOENT, "rule 3");
	expect_err(snic_flow_destroy(e->nic, 77, &err), -ENOENT, "rule 77");
	cr_assert_eq(snic_flow_list(e->nic, info, 8), 4);
	cr_assert_eq(info[0].id, (uint32_t)ids[1]);
	cr_assert_eq(create(e, &info[0].rule), 5, "ids are never reused");
	env_free(e);
}

Test(flow, rule_table_fills_at_the_counter_slots)
{
	struct env *e = env_new("ixgbe-82599", 0);
	struct snic_flow_rule r = udp_rule(0, 1);

	for (unsigned i = 0; i < SNIC_CTR_MAX_RULES; i++)
		create(e, &r);
	expect_err(snic_flow_create(e->nic, &r, &err), -ENOSPC, "1024");
	cr_assert_eq(snic_flow_destroy(e->nic, 100, &err), 0);
	cr_assert_eq(snic_flow_create(e->nic, &r, &err), (int)SNIC_CTR_MAX_RULES);
	env_free(e);
}

/* --- semantics through the data path -------------------------------------------------------- */

Test(flow, lower_priority_wins_then_the_older_rule)
{
	struct env *e = env_new("ixgbe-82599", 0);
	struct snic_flow_rule a = udp_rule(0, 53), b = udp_rule(0, 53), c = udp_rule(0, 53);
	struct snic_craft f = udp4(PF_MAC, 1000, 53);
	int ia, ib, ic;

	a.priority = 2;
	a.queue = 1;
	b.priority = 1;
	b.queue = 2;
	c.priority = 1;
	c.queue = 3;
	ia = create(e, &a);
	ib = create(e, &b);
	ic = create(e, &c);
	env_add(e, &f);
	env_commit(e);
	cr_assert_eq(env_rx(e), 1);
	cr_assert_eq(e->d[0].queue, 2, "priority 1, older: rule b");
	cr_assert(e->d[0].flags & SNIC_DEST_RULE);
	cr_assert_eq(e->d[0].rule, slot_of(e, ib));
	cr_assert_eq(e->d[0].hash, 0, "a queue action leaves the hash uncomputed");
	cr_assert_eq(e->ctr->rule_hits[slot_of(e, ib)], 1);
	cr_assert_eq(e->ctr->rule_hits[slot_of(e, ic)], 0);
	cr_assert_eq(snic_flow_destroy(e->nic, (unsigned)ib, &err), 0);
	env_commit(e);
	env_rx(e);
	cr_assert_eq(e->d[0].queue, 3);
	cr_assert_eq(snic_flow_destroy(e->nic, (unsigned)ic, &err), 0);
	env_commit(e);
	env_rx(e);
	cr_assert_eq(e->d[0].queue, 1);
	cr_assert_eq(e->ctr->rule_hits[slot_of(e, ia)], 1);
	env_free(e);
}

Test(flow, drop_is_per_pool_and_counted)
{
	struct env *e = env_new("ixgbe-82599", 3);
	struct snic_flow_rule r = udp_rule(1, 53);
	struct snic_craft f = udp4(BCAST, 1000, 53);
	int id;

	r.action = SNIC_ACT_DROP;
	id = create(e, &r);
	env_add(e, &f);
	env_commit(e);
	cr_assert_eq(env_rx(e), 3, "pools 0, 2 and the PF take the broadcast");
	for (unsigned i = 0; i < e->nd; i++)
		cr_assert_neq(e->d[i].vport, 1);
	cr_assert_eq(e->ctr->vport[1].rx_drop[SNIC_DROP_RULE], 1);
	cr_assert_eq(e->ctr->rule_hits[slot_of(e, id)], 1);
	cr_assert_eq(e->ctr->rx.delivered, 1);

	/* Unicast to VF 1 alone: the frame is one rule drop. */
	e->n = 0;
	{
		uint8_t mac[6] = {0x02, 0, 0, 0, 1, 1};
		struct snic_craft u = udp4(mac, 1000, 53);

		env_add(e, &u);
	}
	cr_assert_eq(env_rx(e), 0);
	cr_assert_eq(e->ctr->rx.drop[SNIC_DROP_RULE], 1);
	env_free(e);
}

Test(flow, mark_rides_with_queue_and_alone_leaves_the_queue_to_rss)
{
	struct env *e = env_new("ixgbe-82599", 0);
	struct snic_flow_rule q = udp_rule(0, 53), m = udp_rule(0, 54);
	struct snic_craft f1 = udp4(PF_MAC, 1000, 53), f2 = udp4(PF_MAC, 1000, 54);
	struct snic_craft f3 = udp4(PF_MAC, 1000, 55);
	int im;

	q.flags = SNIC_FLOW_F_MARK;
	q.mark = 0xabc;
	q.queue = 5;
	m.action = SNIC_ACT_MARK;
	m.mark = 0xdef;
	create(e, &q);
	im = create(e, &m);
	env_add(e, &f1);
	env_add(e, &f2);
	env_add(e, &f3);
	env_commit(e);
	cr_assert_eq(env_rx(e), 3);
	cr_assert_eq(e->d[0].queue, 5);
	cr_assert_eq(e->d[0].flags & (SNIC_DEST_MARK | SNIC_DEST_RULE),
		     SNIC_DEST_MARK | SNIC_DEST_RULE);
	cr_assert_eq(e->d[0].mark, 0xabc);
	cr_assert_eq(e->d[1].flags & (SNIC_DEST_MARK | SNIC_DEST_RULE), SNIC_DEST_MARK);
	cr_assert_eq(e->d[1].mark, 0xdef);
	cr_assert_neq(e->d[1].hash, 0, "RSS hashed the marked frame");
	cr_assert_eq(e->ctr->rule_hits[slot_of(e, im)], 1);
	cr_assert_eq(e->d[2].flags & (SNIC_DEST_MARK | SNIC_DEST_RULE), 0);
	env_free(e);
}

Test(flow, rss_action_spreads_with_its_context_and_counts_its_buckets)
{
	struct env *e = env_new("mlx5", 2);
	struct snic_flow_rule r = udp_rule(1, 53);
	struct snic_rss_conf c;
	uint64_t used = 0, bucket_frames = 0;
	int ctx;

	cr_assert_eq(snic_nic_rss_get(e->nic, 1, &c, &err), 0);
	for (unsigned i = 0; i < c.reta_size; i++)
		c.reta[i] = (uint16_t)(6 + i % 2); /* queues 6 and 7 only */
	ctx = snic_nic_rss_ctx_new(e->nic, 1, &c, &err);
	cr_assert_eq(ctx, 1, "%s", err.msg);
	r.action = SNIC_ACT_RSS;
	r.rss_ctx = (uint32_t)ctx;
	create(e, &r);
	for (unsigned i = 0; i < 32; i++) {
		uint8_t mac[6] = {0x02, 0, 0, 0, 1, 1};
		struct snic_craft f = udp4(mac, (uint16_t)(1000 + i * 7), 53);

		env_add(e, &f);
	}
	env_commit(e);
	cr_assert_eq(env_rx(e), 32);
	for (unsigned i = 0; i < e->nd; i++) {
		cr_assert_geq(e->d[i].queue, 6);
		cr_assert(e->d[i].flags & SNIC_DEST_RULE);
		cr_assert_neq(e->d[i].hash, 0);
		used |= 1u << e->d[i].queue;
	}
	cr_assert_eq(used, 3u << 6, "both queues of the context are used");
	/* Context 1's buckets come after the 128 pools'. */
	for (unsigned i = 0; i < c.reta_size; i++)
		bucket_frames += snic_ctr_bucket(e->ctr, 128, i)->frames;
	cr_assert_eq(bucket_frames, 32);
	env_free(e);
}

/* --- the plain matcher ---------------------------------------------------------------------- */

Test(flow, plain_matcher_reads_outer_headers_and_tunnels)
{
	struct snic_craft c = udp4(PF_MAC, 1000, 53);
	struct snic_flow_rule r;
	struct snic_pkt pkt;
	uint8_t buf[256];
	int len;

	memset(&r, 0, sizeof(r));
	len = snic_craft_frame(&c, buf, sizeof(buf));
	snic_parse(buf, (uint32_t)len, &pkt);
	r.match = SNIC_FM_VLAN;
	r.vlan_mask = 0;
	cr_assert_not(snic_flow_match(&r, &pkt), "an untagged frame never matches a VLAN");
	r.match = SNIC_FM_IP_SRC;
	r.ip_ver = 4;
	r.src_plen = 0;
	cr_assert(snic_flow_match(&r, &pkt), "/0 matches any IPv4");
	r.ip_ver = 6;
	cr_assert_not(snic_flow_match(&r, &pkt), "but not as IPv6");
	r.ip_ver = 4;
	r.src_plen = 8;
	r.ip_src[0] = 10;
	r.ip_src[3] = 99; /* host bits are ignored */
	cr_assert(snic_flow_match(&r, &pkt));
	r.match = SNIC_FM_VNI;
	r.vni = 42;
	cr_assert_not(snic_flow_match(&r, &pkt));
	c.tunnel = SNIC_TUN_VXLAN;
	c.tun_id = 42;
	c.outer.dport = 0; /* the tunnel's port */
	c.inner.ip_ver = 4;
	c.inner.l4_proto = 6;
	len = snic_craft_frame(&c, buf, sizeof(buf));
	snic_parse(buf, (uint32_t)len, &pkt);
	cr_assert(snic_flow_match(&r, &pkt));
	r.match = SNIC_FM_TEID;
	r.teid = 42;
	cr_assert_not(snic_flow_match(&r, &pkt), "a VNI is not a TEID");
	c.tunnel = SNIC_TUN_GTPU;
	len = snic_craft_frame(&c, buf, sizeof(buf));
	snic_parse(buf, (uint32_t)len, &pkt);
	cr_assert(snic_flow_match(&r, &pkt));
	/* A later fragment has no ports. */
	c = udp4(PF_MAC, 1000, 53);
	c.outer.frag_off = 10;
	len = snic_craft_frame(&c, buf, sizeof(buf));
	snic_parse(buf, (uint32_t)len, &pkt);
	r = udp_rule(0, 53);
	cr_assert_not(snic_flow_match(&r, &pkt));
	r.match = SNIC_FM_L4_PROTO;
	cr_assert(snic_flow_match(&r, &pkt));
}

/* --- compiled against plain on random rules and frames ------------------------------------------
 */

static unsigned pick(unsigned n)
{
	return (unsigned)rand() % n;
}

static void random_frame(struct snic_craft *c)
{
	static const uint8_t protos[] = {6, 17, 132, 1};
	struct snic_craft_hdr *o = &c->outer;

	memset(c, 0, sizeof(*c));
	memcpy(o->dmac, PF_MAC, 6);
	o->dmac[5] = (uint8_t)(0xfe - pick(2));
	memcpy(o->smac, REMOTE, 6);
	if (pick(3) == 0) {
		o->n_vlan = 1;
		o->vlan_tci[0] = (uint16_t)(pick(2) << 13 | (5 + pick(2)));
	}
	switch (pick(8)) {
	case 0:
		o->ip_ver = 0;
		o->ethertype = 0x0806;
		o->payload_len = 28;
		return;
	case 1:
	case 2:
		o->ip_ver = 6;
		break;
	default:
		o->ip_ver = 4;
	}
	o->ip_src[0] = 10;
	o->ip_src[1] = (uint8_t)pick(2);
	o->ip_dst[0] = 10;
	o->ip_dst[3] = (uint8_t)pick(4);
	o->l4_proto = protos[pick(4)];
	o->sport = (uint16_t)(1000 + pick(4));
	o->dport = (uint16_t)(53 + pick(3));
	if (pick(10) == 0)
		o->frag_off = 4;
	if (o->l4_proto == 17 && !o->frag_off && pick(4) == 0) {
		c->tunnel = pick(2) ? SNIC_TUN_VXLAN : SNIC_TUN_GTPU;
		c->tun_id = 100 + pick(2);
		o->dport = 0;
		c->inner.ip_ver = 4;
		c->inner.l4_proto = 6;
	}
}

static void random_rule(struct snic_flow_rule *r, unsigned queue, bool few_masks)
{
	static const uint8_t protos[] = {6, 17, 132};
	static const uint32_t presets[] = {
		SNIC_FM_L4_PROTO | SNIC_FM_DPORT,
		SNIC_FM_IP_DST | SNIC_FM_L4_PROTO,
		SNIC_FM_DMAC | SNIC_FM_VLAN,
	};

	memset(r, 0, sizeof(*r));
	r->queue = (uint16_t)queue;
	r->flags = SNIC_FLOW_F_MARK;
	r->mark = queue;
	while (!few_masks && __builtin_popcount(r->match) < 2)
		r->match |= 1u << pick(11);
	if (few_masks)
		r->match = presets[pick(3)];
	r->match &= ~(pick(2) ? SNIC_FM_VNI : SNIC_FM_TEID);
	memcpy(r->dmac, PF_MAC, 6);
	r->dmac[5] = (uint8_t)(0xfe - pick(2));
	memset(r->dmac_mask, 0xff, 6);
	r->dmac_mask[5] = (uint8_t)(pick(2) ? 0xff : 0xfe);
	r->ethertype = pick(2) ? 0x0800 : 0x86dd;
	r->vlan_tci = (uint16_t)(5 + pick(2));
	r->vlan_mask = 0x0fff;
	r->ip_ver = pick(3) ? 4 : 6;
	r->ip_src[0] = 10;
	r->ip_src[1] = (uint8_t)pick(2);
	r->src_plen = (uint8_t)(pick(2) ? 16 : 8);
	r->ip_dst[0] = 10;
	r->ip_dst[3] = (uint8_t)pick(4);
	r->dst_plen = (uint8_t)(r->ip_ver == 4 ? 32 : 128);
	if (few_masks) {
		r->ip_ver = 4;
		r->dst_plen = 32;
		r->dmac_mask[5] = 0xff;
	}
	if (r->match & (SNIC_FM_SPORT | SNIC_FM_DPORT))
		r->match |= SNIC_FM_L4_PROTO;
	r->l4_proto = protos[pick(3)];
	r->sport = (uint16_t)(1000 + pick(4));
	r->sport_mask = pick(2) ? 0xffff : 0xfffe;
	r->dport = (uint16_t)(53 + pick(3));
	r->dport_mask = 0xffff;
	r->vni = 100 + pick(2);
	r->teid = 100 + pick(2);
	r->priority = pick(4);
}

/* Rules in list order are the data path's order: the first that matches
 * by the plain matcher must be the one the data path applied. Rounds of 4
 * rules go through the linear scan of small pools, rounds of 12 random
 * masks and of 40 rules on 3 masks (shared groups, shadowed duplicates)
 * through the tuple space search. */
Test(flow, compiled_rules_agree_with_the_plain_matcher)
{
	struct env *e = env_new("generic", 0);
	struct snic_flow_info info[40];
	unsigned checked = 0, matched = 0;

	srand(7);
	for (unsigned round = 0; round < 200; round++) {
		int nr;

		cr_assert_eq(snic_nic_set_numvfs(e->nic, 1, &err), 0); /* flushes the rules */
		cr_assert_eq(snic_nic_set_numvfs(e->nic, 0, &err), 0);
		unsigned nrules = round % 3 == 0 ? 4 : round % 3 == 1 ? 12 : 40;

		for (unsigned i = 0; i < nrules; i++) {
			struct snic_flow_rule r;

			random_rule(&r, 1 + i % 60, nrules == 40);
			cr_assert_eq(snic_flow_validate(e->nic, &r, &err), 0, "%s", err.msg);
			create(e, &r);
		}
		nr = snic_flow_list(e->nic, info, 40);
		e->n = 0;
		for (unsigned i = 0; i < 64; i++) {
			struct snic_craft c;

			random_frame(&c);
			env_add(e, &c);
		}
		env_commit(e);
		cr_assert_eq(env_rx(e), 64);
		for (unsigned i = 0; i < e->nd; i++) {
			const struct snic_dest *d = &e->d[i];
			struct snic_pkt pkt;
			int want = -1;

			snic_parse(e->fr[d->frame].data, e->fr[d->frame].len, &pkt);
			for (int k = 0; k < nr && want < 0; k++)
				if (snic_flow_match(&info[k].rule, &pkt))
					want = k;
			checked++;
			if (want < 0) {
				cr_assert_eq(d->flags & SNIC_DEST_RULE, 0, "frame %u: no rule", i);
				continue;
			}
			matched++;
			cr_assert(d->flags & SNIC_DEST_RULE, "frame %u: rule %u missed", i,
				  info[want].id);
			cr_assert_eq(d->rule, info[want].slot, "frame %u: slot %u, want %u", i,
				     d->rule, info[want].slot);
			cr_assert_eq(d->queue, info[want].rule.queue);
		}
	}
	cr_assert_eq(checked, 200 * 64);
	cr_assert_gt(matched, checked / 10, "random rules match often enough: %u", matched);
	cr_assert_lt(matched, checked - checked / 10, "and miss often enough: %u", matched);
	env_free(e);
}
