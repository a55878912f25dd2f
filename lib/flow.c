/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow rules: validation against the profile and the pools, create,
 * destroy and list (the control plane), and their compiled form (the data
 * path): each rule becomes a mask and a value over a 64-byte key built
 * once per frame, compared word by word, as OVS's dpcls compares a
 * miniflow under a subtable's mask. snic_flow_match is the plain twin
 * that reads the parsed headers directly.
 *
 * What a rule matches: the outer headers of the frame as it came to the
 * switch (before a port VLAN is stripped), and for VNI and TEID the tunnel
 * header. Ports need an L4 protocol of TCP, UDP or SCTP, as `ethtool -N`'s
 * flow types and rte_flow's items imply; a later IP fragment carries no
 * ports and never matches a port rule.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snic/nic.h"
#include "snic/profile.h"

#include "cfg.h"
#include "nic_impl.h"

/* --- Validation --------------------------------------------------------------- */

static bool is_l4_with_ports(unsigned proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

static int check_ip(const struct snic_flow_rule *r, struct snic_err *err)
{
	unsigned max = r->ip_ver == 6 ? 128 : 32;

	if (!(r->match & (SNIC_FM_IP_SRC | SNIC_FM_IP_DST | SNIC_FM_IP_VER)))
		return 0;
	if (r->ip_ver != 4 && r->ip_ver != 6)
		return snic_errf(err, -EINVAL, "flow: ip version %u is neither 4 nor 6", r->ip_ver);
	if ((r->match & SNIC_FM_IP_SRC) && r->src_plen > max)
		return snic_errf(err, -EINVAL, "flow: source prefix /%u is longer than %u",
				 r->src_plen, max);
	if ((r->match & SNIC_FM_IP_DST) && r->dst_plen > max)
		return snic_errf(err, -EINVAL, "flow: destination prefix /%u is longer than %u",
				 r->dst_plen, max);
	return 0;
}

static int check_match(const struct snic_flow_rule *r, struct snic_err *err)
{
	if (r->match & ~SNIC_FM_ALL)
		return snic_errf(err, -EINVAL, "flow: match bits 0x%x are unknown",
				 r->match & ~SNIC_FM_ALL);
	if ((r->match & (SNIC_FM_SPORT | SNIC_FM_DPORT)) &&
	    (!(r->match & SNIC_FM_L4_PROTO) || !is_l4_with_ports(r->l4_proto)))
		return snic_errf(err, -EINVAL, "flow: ports need l4 proto tcp, udp or sctp, not %u",
				 r->match & SNIC_FM_L4_PROTO ? r->l4_proto : 0);
	if ((r->match & SNIC_FM_VNI) && r->vni > 0xffffff)
		return snic_errf(err, -EINVAL, "flow: vni %u is out of range 0..16777215", r->vni);
	if ((r->match & SNIC_FM_VNI) && (r->match & SNIC_FM_TEID))
		return snic_errf(err, -EINVAL, "flow: vni %u and teid %u can't both match", r->vni,
				 r->teid);
	return check_ip(r, err);
}

static int check_rss_ctx(const struct snic_nic *nic, const struct snic_flow_rule *r,
			 struct snic_err *err)
{
	const struct snic_rss_ctx *c;

	if (!r->rss_ctx)
		return 0;
	if (r->rss_ctx > nic->p->rss_contexts || !nic->ctx[r->rss_ctx - 1].used)
		return snic_errf(err, -EINVAL, "flow: rss context %u does not exist", r->rss_ctx);
	c = &nic->ctx[r->rss_ctx - 1];
	if (c->vport != r->vport)
		return snic_errf(err, -EINVAL, "flow: rss context %u belongs to vport %u, not %u",
				 r->rss_ctx, c->vport, r->vport);
	return 0;
}

static int check_action(const struct snic_nic *nic, const struct snic_flow_rule *r,
			struct snic_err *err)
{
	unsigned nq = snic_nic_vport_queues(nic, r->vport);

	if (r->flags & ~SNIC_FLOW_F_MARK)
		return snic_errf(err, -EINVAL, "flow: flags 0x%x are unknown",
				 r->flags & ~SNIC_FLOW_F_MARK);
	switch (r->action) {
	case SNIC_ACT_QUEUE:
		if (r->queue >= nq)
			return snic_errf(err, -EINVAL, "flow: queue %u: vport %u has queues 0..%u",
					 r->queue, r->vport, nq - 1);
		return 0;
	case SNIC_ACT_RSS:
		return check_rss_ctx(nic, r, err);
	case SNIC_ACT_DROP:
	case SNIC_ACT_MARK:
		return 0;
	default:
		return snic_errf(err, -EINVAL, "flow: action %u is not queue, drop, rss or mark",
				 r->action);
	}
}

int snic_flow_validate(const struct snic_nic *nic, const struct snic_flow_rule *r,
		       struct snic_err *err)
{
	int rc = snic_check_vport(nic, r->vport, err);

	if (rc)
		return rc;
	rc = check_match(r, err);
	if (rc)
		return rc;
	return check_action(nic, r, err);
}

/* --- Create, destroy, list ------------------------------------------------------ */

/* Slots are handed out round-robin so that a destroyed rule's hit counter
 * is reused as late as possible. */
static int free_slot(struct snic_nic *nic)
{
	for (unsigned i = 0; i < SNIC_CTR_MAX_RULES; i++) {
		unsigned s = (nic->next_slot + i) % SNIC_CTR_MAX_RULES;

		if (!nic->rules[s].used)
			return (int)s;
	}
	return -1;
}

int snic_flow_create(struct snic_nic *nic, const struct snic_flow_rule *r, struct snic_err *err)
{
	int rc = snic_flow_validate(nic, r, err);
	int s;

	if (rc)
		return rc;
	s = free_slot(nic);
	if (s < 0)
		return snic_errf(err, -ENOSPC, "flow: all %u rule slots are in use",
				 SNIC_CTR_MAX_RULES);
	if (nic->next_id > (uint32_t)0x7fffffff)
		return snic_errf(err, -ENOSPC, "flow: rule ids are exhausted");
	nic->rules[s].used = true;
	nic->rules[s].id = nic->next_id++;
	nic->rules[s].rule = *r;
	nic->next_slot = ((unsigned)s + 1) % SNIC_CTR_MAX_RULES;
	nic->nrules++;
	return (int)nic->rules[s].id;
}

int snic_flow_destroy(struct snic_nic *nic, unsigned id, struct snic_err *err)
{
	for (unsigned s = 0; s < SNIC_CTR_MAX_RULES; s++) {
		if (!nic->rules[s].used || nic->rules[s].id != id)
			continue;
		nic->rules[s].used = false;
		nic->nrules--;
		return 0;
	}
	return snic_errf(err, -ENOENT, "flow rule %u does not exist", id);
}

void snic_flow_flush(struct snic_nic *nic)
{
	for (unsigned s = 0; s < SNIC_CTR_MAX_RULES; s++)
		nic->rules[s].used = false;
	nic->nrules = 0;
}

bool snic_flow_uses_ctx(const struct snic_nic *nic, unsigned ctx)
{
	for (unsigned s = 0; s < SNIC_CTR_MAX_RULES; s++) {
		const struct snic_rule_slot *rs = &nic->rules[s];

		if (rs->used && rs->rule.action == SNIC_ACT_RSS && rs->rule.rss_ctx == ctx)
			return true;
	}
	return false;
}

/* Rules apply by priority, then age (the lower id). */
static int cmp_prio(const struct snic_rule_slot *a, const struct snic_rule_slot *b)
{
	if (a->rule.priority != b->rule.priority)
		return a->rule.priority < b->rule.priority ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int cmp_slot_ptr(const void *a, const void *b)
{
	return cmp_prio(*(const struct snic_rule_slot *const *)a,
			*(const struct snic_rule_slot *const *)b);
}

static int cmp_slot_ptr_vport(const void *a, const void *b)
{
	const struct snic_rule_slot *x = *(const struct snic_rule_slot *const *)a;
	const struct snic_rule_slot *y = *(const struct snic_rule_slot *const *)b;

	if (x->rule.vport != y->rule.vport)
		return x->rule.vport < y->rule.vport ? -1 : 1;
	return cmp_prio(x, y);
}

/* The used slots of @nic in @cmp order; NULL with n 0 when there are none
 * (or no memory: the caller tells by *n != nic->nrules). */
static const struct snic_rule_slot **sorted_slots(const struct snic_nic *nic,
						  int (*cmp)(const void *, const void *),
						  unsigned *n)
{
	const struct snic_rule_slot **v;

	*n = 0;
	if (!nic->nrules)
		return NULL;
	v = malloc(nic->nrules * sizeof(*v));
	if (!v)
		return NULL;
	for (unsigned s = 0; s < SNIC_CTR_MAX_RULES; s++)
		if (nic->rules[s].used)
			v[(*n)++] = &nic->rules[s];
	qsort(v, *n, sizeof(*v), cmp);
	return v;
}

int snic_flow_list(const struct snic_nic *nic, struct snic_flow_info *out, unsigned cap)
{
	const struct snic_rule_slot **v;
	unsigned n;

	v = sorted_slots(nic, cmp_slot_ptr, &n);
	if (n != nic->nrules)
		return -ENOMEM;
	for (unsigned i = 0; i < n && i < cap; i++) {
		out[i].id = v[i]->id;
		out[i].slot = (uint32_t)(v[i] - nic->rules);
		out[i].rule = v[i]->rule;
	}
	free(v);
	return (int)n;
}

/* --- The plain matcher ------------------------------------------------------------ */

static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned plen)
{
	unsigned bytes = plen / 8, bits = plen % 8;
	uint8_t m = (uint8_t)(0xff00u >> bits);

	if (memcmp(a, b, bytes))
		return false;
	return !bits || !((a[bytes] ^ b[bytes]) & m);
}

static bool match_l3_ref(const struct snic_flow_rule *r, const struct snic_hdr *h)
{
	unsigned want = r->ip_ver == 6 ? SNIC_L3_IPV6 : SNIC_L3_IPV4;

	if ((r->match & (SNIC_FM_IP_VER | SNIC_FM_IP_SRC | SNIC_FM_IP_DST)) && h->l3 != want)
		return false;
	if ((r->match & SNIC_FM_IP_SRC) && !prefix_eq(h->ip_src, r->ip_src, r->src_plen))
		return false;
	if ((r->match & SNIC_FM_IP_DST) && !prefix_eq(h->ip_dst, r->ip_dst, r->dst_plen))
		return false;
	if ((r->match & SNIC_FM_L4_PROTO) &&
	    ((h->l3 != SNIC_L3_IPV4 && h->l3 != SNIC_L3_IPV6) || h->l4_proto != r->l4_proto))
		return false;
	return true;
}

static bool match_l4_ref(const struct snic_flow_rule *r, const struct snic_hdr *h)
{
	bool l4 = h->flags & SNIC_HF_L4;

	if ((r->match & SNIC_FM_SPORT) && (!l4 || ((h->sport ^ r->sport) & r->sport_mask)))
		return false;
	if ((r->match & SNIC_FM_DPORT) && (!l4 || ((h->dport ^ r->dport) & r->dport_mask)))
		return false;
	return true;
}

static bool match_l2_ref(const struct snic_flow_rule *r, const struct snic_hdr *h)
{
	if (r->match & SNIC_FM_DMAC)
		for (unsigned i = 0; i < 6; i++)
			if ((h->dmac[i] ^ r->dmac[i]) & r->dmac_mask[i])
				return false;
	if ((r->match & SNIC_FM_ETHERTYPE) && h->ethertype != r->ethertype)
		return false;
	if ((r->match & SNIC_FM_VLAN) &&
	    (!h->n_vlan || ((h->vlan_tci[0] ^ r->vlan_tci) & r->vlan_mask)))
		return false;
	return true;
}

static bool match_tunnel_ref(const struct snic_flow_rule *r, const struct snic_pkt *pkt)
{
	bool vxlan = pkt->tunnel == SNIC_TUN_VXLAN || pkt->tunnel == SNIC_TUN_GENEVE;

	if ((r->match & SNIC_FM_VNI) && !(vxlan && pkt->tun_id_valid && pkt->tun_id == r->vni))
		return false;
	if ((r->match & SNIC_FM_TEID) &&
	    !(pkt->tunnel == SNIC_TUN_GTPU && pkt->tun_id_valid && pkt->tun_id == r->teid))
		return false;
	return true;
}

bool snic_flow_match(const struct snic_flow_rule *r, const struct snic_pkt *pkt)
{
	const struct snic_hdr *h = &pkt->outer;

	return match_l2_ref(r, h) && match_l3_ref(r, h) && match_l4_ref(r, h) &&
	       match_tunnel_ref(r, pkt);
}

/* --- The compiled matcher ----------------------------------------------------------- */

void snic_fkey_build(struct snic_fkey *k, const struct snic_pkt *pkt)
{
	const struct snic_hdr *h = &pkt->outer;
	bool ip = h->l3 == SNIC_L3_IPV4 || h->l3 == SNIC_L3_IPV6;
	unsigned meta = 0;

	/* Every byte written once, at fixed sizes: the parser leaves l4_proto,
	 * sport and dport 0 where they do not apply and zeroes bytes 4..15 of
	 * an IPv4 address (parse.h). */
	memcpy(k->dmac, h->dmac, 6);
	k->ethertype = h->ethertype;
	k->vlan_tci = h->n_vlan ? h->vlan_tci[0] : 0;
	k->l4_proto = h->l4_proto;
	memset(k->pad, 0, sizeof(k->pad));
	k->sport = h->sport;
	k->dport = h->dport;
	k->vni = 0;
	k->teid = 0;
	k->pad2 = 0;
	if (h->n_vlan)
		meta |= SNIC_FK_VLAN;
	if (ip) {
		meta |= SNIC_FK_IP | (h->l3 == SNIC_L3_IPV4 ? SNIC_FK_IPV4 : SNIC_FK_IPV6);
		memcpy(k->ip_src, h->ip_src, 16);
		memcpy(k->ip_dst, h->ip_dst, 16);
	} else {
		memset(k->ip_src, 0, 16);
		memset(k->ip_dst, 0, 16);
	}
	if (h->flags & SNIC_HF_L4)
		meta |= SNIC_FK_L4;
	if (pkt->tun_id_valid) {
		if (pkt->tunnel == SNIC_TUN_VXLAN || pkt->tunnel == SNIC_TUN_GENEVE) {
			meta |= SNIC_FK_VNI;
			k->vni = pkt->tun_id;
		} else if (pkt->tunnel == SNIC_TUN_GTPU) {
			meta |= SNIC_FK_TEID;
			k->teid = pkt->tun_id;
		}
	}
	k->meta = (uint16_t)meta;
}

static void prefix_mask(uint8_t *m, unsigned plen)
{
	for (unsigned i = 0; i < plen / 8; i++)
		m[i] = 0xff;
	if (plen % 8)
		m[plen / 8] = (uint8_t)(0xff00u >> (plen % 8));
}

static void compile_l3(const struct snic_flow_rule *r, struct snic_fkey *m, struct snic_fkey *v)
{
	unsigned ver = r->ip_ver == 6 ? SNIC_FK_IPV6 : SNIC_FK_IPV4;

	if (r->match & (SNIC_FM_IP_VER | SNIC_FM_IP_SRC | SNIC_FM_IP_DST)) {
		m->meta |= SNIC_FK_IPV4 | SNIC_FK_IPV6;
		v->meta |= (uint16_t)ver;
	}
	if (r->match & SNIC_FM_IP_SRC) {
		prefix_mask(m->ip_src, r->src_plen);
		memcpy(v->ip_src, r->ip_src, 16);
	}
	if (r->match & SNIC_FM_IP_DST) {
		prefix_mask(m->ip_dst, r->dst_plen);
		memcpy(v->ip_dst, r->ip_dst, 16);
	}
	if (r->match & SNIC_FM_L4_PROTO) {
		m->meta |= SNIC_FK_IP;
		v->meta |= SNIC_FK_IP;
		m->l4_proto = 0xff;
		v->l4_proto = r->l4_proto;
	}
}

static void compile_l4(const struct snic_flow_rule *r, struct snic_fkey *m, struct snic_fkey *v)
{
	if (r->match & (SNIC_FM_SPORT | SNIC_FM_DPORT)) {
		m->meta |= SNIC_FK_L4;
		v->meta |= SNIC_FK_L4;
	}
	if (r->match & SNIC_FM_SPORT) {
		m->sport = r->sport_mask;
		v->sport = r->sport;
	}
	if (r->match & SNIC_FM_DPORT) {
		m->dport = r->dport_mask;
		v->dport = r->dport;
	}
	if (r->match & SNIC_FM_VNI) {
		m->meta |= SNIC_FK_VNI;
		v->meta |= SNIC_FK_VNI;
		m->vni = 0xffffffff;
		v->vni = r->vni;
	}
	if (r->match & SNIC_FM_TEID) {
		m->meta |= SNIC_FK_TEID;
		v->meta |= SNIC_FK_TEID;
		m->teid = 0xffffffff;
		v->teid = r->teid;
	}
}

static void compile_l2(const struct snic_flow_rule *r, struct snic_fkey *m, struct snic_fkey *v)
{
	if (r->match & SNIC_FM_DMAC) {
		memcpy(m->dmac, r->dmac_mask, 6);
		memcpy(v->dmac, r->dmac, 6);
	}
	if (r->match & SNIC_FM_ETHERTYPE) {
		m->ethertype = 0xffff;
		v->ethertype = r->ethertype;
	}
	if (r->match & SNIC_FM_VLAN) {
		m->meta |= SNIC_FK_VLAN;
		v->meta |= SNIC_FK_VLAN;
		m->vlan_tci = r->vlan_mask;
		v->vlan_tci = r->vlan_tci;
	}
}

/* The mask and value of @r; values are reduced under the mask so that a
 * rule with bits set outside its mask (host bits of a prefix) still
 * matches as the plain matcher does. */
static void compile_match(const struct snic_flow_rule *r, struct snic_crule *c)
{
	struct snic_fkey m, v;

	memset(&m, 0, sizeof(m));
	memset(&v, 0, sizeof(v));
	compile_l2(r, &m, &v);
	compile_l3(r, &m, &v);
	compile_l4(r, &m, &v);
	c->nw = 0;
	for (unsigned i = 0; i < 8; i++) {
		if (!m.w[i])
			continue;
		c->idx[c->nw] = (uint8_t)i;
		c->w[c->nw].mask = m.w[i];
		c->w[c->nw].val = v.w[i] & m.w[i];
		c->nw++;
	}
}

static void compile_action(const struct snic_cfg *cfg, const struct snic_rule_slot *rs,
			   struct snic_crule *c)
{
	const struct snic_flow_rule *r = &rs->rule;
	const struct snic_pool *pool = &cfg->pool[r->vport];

	c->action = r->action;
	c->flags = r->flags;
	c->queue = r->queue;
	c->mark = r->mark;
	c->rss = pool->rss;
	c->rconf = pool->rconf;
	c->bctx = pool->bctx;
	if (r->action == SNIC_ACT_RSS && r->rss_ctx) {
		c->rss = snic_cfg_ctx_rss(cfg, r->rss_ctx, &c->bctx);
		c->rconf = snic_rss_conf(c->rss);
	}
}

int snic_flow_compile(struct snic_cfg *cfg, const struct snic_nic *nic, struct snic_err *err)
{
	const struct snic_rule_slot **v;
	unsigned n;

	cfg->nrules = 0;
	if (!nic->nrules)
		return 0;
	v = sorted_slots(nic, cmp_slot_ptr_vport, &n);
	cfg->rules = calloc(n ? n : 1, sizeof(*cfg->rules));
	if (n != nic->nrules || !cfg->rules) {
		free(v);
		return snic_errf(err, -ENOMEM, "flow: out of memory compiling %u rules",
				 nic->nrules);
	}
	for (unsigned i = 0; i < n; i++) {
		struct snic_pool *pool = &cfg->pool[v[i]->rule.vport];

		if (!pool->nrules)
			pool->rule_off = i;
		pool->nrules++;
		compile_match(&v[i]->rule, &cfg->rules[i]);
		compile_action(cfg, v[i], &cfg->rules[i]);
		cfg->rules[i].slot = (uint16_t)(v[i] - nic->rules);
	}
	cfg->nrules = n;
	free(v);
	if (snic_tss_build(cfg))
		return snic_errf(err, -ENOMEM, "flow: out of memory grouping %u rules", n);
	return 0;
}
