/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The naive reference model of snic (see refmodel.h). Written for
 * obviousness, not speed: every lookup is a scan, every frame is judged
 * from the configuration as the operations left it.
 *
 * The behaviour it encodes, from the spec and ixgbe:
 *  - pools: VFs 0..n-1, the PF n; all pools have the queues the profile's
 *    table gives for n + 1 pools (the PF alone: max_queues);
 *  - a VF's receive mode is what it asked for, capped at MULTI while it is
 *    untrusted; a VF's link is up when enabled, or auto with the PF's up;
 *  - receive: broadcast to every pool, multicast to the pools that joined
 *    the group (mode MULTI) and those in ALLMULTI/PROMISC, unicast to the
 *    owners of the MAC reachable on the frame's VLAN (a port VLAN owner
 *    only on its VLAN), a known MAC on another VLAN to all owners (who
 *    refuse it), an unknown MAC to the promiscuous VFs and the PF;
 *  - each pool: link, then VLAN filter, then max frame; then rules (first
 *    by priority, then age), the hook, RSS (a device without RSS for VFs
 *    puts their frames on queue 0);
 *  - transmit: link, spoof check, port VLAN, rate limit, then the switch
 *    without the sender; local unicast stays local;
 *  - the PF's link is the wire's: while it is down nothing comes from the
 *    wire and nothing goes to it (a frame meant for the wire alone is
 *    dropped as link down; local copies still go);
 *  - a VF under a port VLAN may send its own tag only with spoofchk off
 *    (the port VLAN is then pushed in front of it);
 *  - the profile's shared tables: MAC entries for the PF's MAC, VF MACs
 *    and MACVLANs, VLAN entries for the VIDs the VFs use;
 *    802.1ad port VLANs and VF promiscuous mode where the profile has them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snic/parse.h"

#include "refmodel.h"

#define RM_VID_NONE	     0xffffu
/* No VF left out of a count. */
#define RM_NO_VF	     0xffffffffu
/* More pools than any profile has. */
#define RM_POOLS_MAX	     1024
/* The default max frame: MTU 1500 plus the Ethernet header. */
#define RM_MAX_FRAME_DEFAULT 1514

struct rm_list {
	unsigned n;
	uint8_t mac[RM_LIST_MAX][6];
};

/* What a VF and the PF share. */
struct rm_fn {
	uint8_t mac[6];
	uint8_t rxmode;
	struct rm_list mc;
	struct rm_list uc;
	bool vlan[4096];
};

struct rm_vf {
	struct rm_fn fn;
	bool admin_mac, spoofchk, trust, query_rss, assigned;
	uint8_t link_state;
	uint16_t pvid;
	uint8_t qos;
	uint16_t proto;
	uint32_t min_rate, max_rate;
};

struct rm_rule {
	bool used;
	uint32_t id;
	struct snic_flow_rule r;
};

struct rm_ctx {
	bool used;
	unsigned vport;
	struct snic_rss_conf conf;
};

struct rm {
	const struct snic_profile *p;
	unsigned numvfs;
	struct rm_vf *vf; /* [max_vfs] */
	struct rm_fn pf;
	bool link_up;
	unsigned max_frame;
	struct snic_rss_conf *rss; /* [max_pools]: per pool, or [0] shared */
	struct rm_ctx *ctx;	   /* [rss_contexts] */
	struct rm_rule rule[SNIC_CTR_MAX_RULES];
	unsigned next_slot;
	uint32_t next_id;
	const struct snic_plugin *plugin;
	void *pstate;
};

/* ---- small helpers ---- */

static bool mac_eq(const uint8_t *a, const uint8_t *b)
{
	return !memcmp(a, b, 6);
}

static bool mac_zero(const uint8_t *m)
{
	static const uint8_t z[6];

	return mac_eq(m, z);
}

static bool mac_group(const uint8_t *m)
{
	return m[0] & 1;
}

static bool mac_bcast(const uint8_t *m)
{
	static const uint8_t ff[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	return mac_eq(m, ff);
}

static bool list_has(const struct rm_list *l, const uint8_t *mac)
{
	for (unsigned i = 0; i < l->n; i++)
		if (mac_eq(l->mac[i], mac))
			return true;
	return false;
}

static void list_del(struct rm_list *l, const uint8_t *mac)
{
	for (unsigned i = 0; i < l->n; i++) {
		if (!mac_eq(l->mac[i], mac))
			continue;
		memmove(l->mac[i], l->mac[i + 1], (l->n - i - 1) * 6);
		l->n--;
		return;
	}
}

static unsigned npools(const struct rm *m)
{
	return m->numvfs + 1;
}

static unsigned pf_pool(const struct rm *m)
{
	return m->numvfs;
}

static bool is_vf(const struct rm *m, unsigned pool)
{
	return pool < m->numvfs;
}

static const struct rm_fn *fn_of(const struct rm *m, unsigned pool)
{
	return is_vf(m, pool) ? &m->vf[pool].fn : &m->pf;
}

/* Queues of every pool with @numvfs VFs, from the profile's table. */
static unsigned queues_for(const struct snic_profile *p, unsigned numvfs)
{
	if (!numvfs)
		return p->max_queues ? p->max_queues : 1;
	for (unsigned i = 0; i < SNIC_POOL_QUEUES_ROWS; i++)
		if (p->pool_queues[i].max_pools >= numvfs + 1)
			return p->pool_queues[i].queues ? p->pool_queues[i].queues : 1;
	return 1;
}

unsigned rm_numvfs(const struct rm *m)
{
	return m->numvfs;
}

unsigned rm_pool_queues(const struct rm *m)
{
	return queues_for(m->p, m->numvfs);
}

unsigned rm_max_frame(const struct rm *m)
{
	return m->max_frame;
}

static unsigned reta_size_of(const struct rm *m, unsigned vport);

unsigned rm_reta_size(const struct rm *m, unsigned vport)
{
	return reta_size_of(m, vport);
}

/* ---- per-pool state as the data path sees it ---- */

static unsigned rxmode_eff(const struct rm *m, unsigned pool)
{
	const struct rm_vf *vf;

	if (!is_vf(m, pool))
		return m->pf.rxmode;
	vf = &m->vf[pool];
	if (!vf->trust && vf->fn.rxmode > SNIC_RXMODE_MULTI)
		return SNIC_RXMODE_MULTI;
	if (vf->fn.rxmode == SNIC_RXMODE_PROMISC && !m->p->vf_promisc)
		return SNIC_RXMODE_ALLMULTI;
	return vf->fn.rxmode;
}

static bool link_on(const struct rm *m, unsigned pool)
{
	if (!is_vf(m, pool))
		return m->link_up;
	if (m->vf[pool].link_state == SNIC_LINK_ENABLE)
		return true;
	return m->vf[pool].link_state == SNIC_LINK_AUTO && m->link_up;
}

static unsigned pvid_of(const struct rm *m, unsigned pool)
{
	return is_vf(m, pool) ? m->vf[pool].pvid : 0;
}

/* Whether the pool's VLAN filter passes every VLAN. */
static bool vlan_any(const struct rm *m, unsigned pool)
{
	unsigned n = 0;

	if (rxmode_eff(m, pool) == SNIC_RXMODE_PROMISC && !pvid_of(m, pool))
		return true;
	if (is_vf(m, pool))
		return false;
	for (unsigned v = 0; v < 4096; v++)
		n += m->pf.vlan[v];
	return n == 0;
}

/* Whether @pool owns @mac as a unicast address. */
static bool owns(const struct rm *m, unsigned pool, const uint8_t *mac)
{
	const struct rm_fn *fn = fn_of(m, pool);

	if (!mac_zero(fn->mac) && mac_eq(fn->mac, mac))
		return true;
	return list_has(&fn->uc, mac);
}

/* Whether an owner of a MAC is reached with the frame's VLAN @vid. */
static bool reached_on(const struct rm *m, unsigned pool, unsigned vid)
{
	unsigned pvid = pvid_of(m, pool);

	return !pvid || pvid == vid;
}

/* ---- RSS confs ---- */

/* RETA entries @vport's conf must have, 0 when the profile's own check
 * alone decides (no VFs yet, or a RETA that grows with the queues). */
static unsigned reta_size_of(const struct rm *m, unsigned vport)
{
	if (!m->numvfs || m->p->reta_size_max)
		return 0;
	if (m->p->rss_per_pool && vport != pf_pool(m) && m->p->vf_reta_size)
		return m->p->vf_reta_size;
	return m->p->reta_size;
}

static void rss_default(const struct rm *m, unsigned vport, struct snic_rss_conf *c)
{
	unsigned size = reta_size_of(m, vport);

	snic_profile_rss_default(m->p, rm_pool_queues(m), c);
	if (!size || c->reta_size == size)
		return;
	c->reta_size = (uint16_t)size;
	for (unsigned i = 0; i < size; i++)
		c->reta[i] = (uint16_t)(i % (c->nqueues ? c->nqueues : 1));
}

static void rss_reset(struct rm *m)
{
	if (m->p->rss_per_pool)
		for (unsigned v = 0; v < npools(m); v++)
			rss_default(m, v, &m->rss[v]);
	else
		rss_default(m, pf_pool(m), &m->rss[0]);
	for (unsigned i = 0; i < m->p->rss_contexts; i++)
		m->ctx[i].used = false;
}

static const struct snic_rss_conf *pool_conf(const struct rm *m, unsigned pool, unsigned *bctx)
{
	if (m->p->rss_per_pool) {
		*bctx = pool;
		return &m->rss[pool];
	}
	*bctx = 0;
	return &m->rss[0];
}

/* ---- life cycle ---- */

static void fn_reset(struct rm_fn *fn)
{
	memset(fn, 0, sizeof(*fn));
	fn->rxmode = SNIC_RXMODE_MULTI;
}

static void vf_reset(struct rm_vf *vf)
{
	memset(vf, 0, sizeof(*vf));
	fn_reset(&vf->fn);
	vf->spoofchk = true;
	vf->link_state = SNIC_LINK_AUTO;
	vf->proto = SNIC_VLAN_PROTO_8021Q;
}

int rm_new(const struct snic_profile *p, const uint8_t pf_mac[6], struct rm **out)
{
	struct rm *m = calloc(1, sizeof(*m));
	unsigned pools = p->max_pools ? p->max_pools : 1;

	if (!m)
		return -ENOMEM;
	if (pools > RM_POOLS_MAX) {
		free(m);
		return -EINVAL;
	}
	m->p = p;
	m->vf = calloc(p->max_vfs ? p->max_vfs : 1, sizeof(*m->vf));
	m->rss = calloc(pools, sizeof(*m->rss));
	m->ctx = calloc(p->rss_contexts ? p->rss_contexts : 1, sizeof(*m->ctx));
	if (!m->vf || !m->rss || !m->ctx) {
		rm_free(m);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < p->max_vfs; i++)
		vf_reset(&m->vf[i]);
	fn_reset(&m->pf);
	memcpy(m->pf.mac, pf_mac, 6);
	m->link_up = true;
	m->max_frame = p->max_frame && p->max_frame < RM_MAX_FRAME_DEFAULT ? p->max_frame
									   : RM_MAX_FRAME_DEFAULT;
	rss_reset(m);
	*out = m;
	return 0;
}

void rm_free(struct rm *m)
{
	if (!m)
		return;
	free(m->ctx);
	free(m->rss);
	free(m->vf);
	free(m);
}

/* ---- configuration ---- */

static bool any_assigned(const struct rm *m)
{
	for (unsigned i = 0; i < m->numvfs; i++)
		if (m->vf[i].assigned)
			return true;
	return false;
}

/* Entries of the shared MAC table in use: the PF's MAC, VF MACs, every
 * MACVLAN filter. */
static unsigned macs_used(const struct rm *m)
{
	unsigned n = 1 + m->pf.uc.n;

	for (unsigned i = 0; i < m->numvfs; i++)
		n += !mac_zero(m->vf[i].fn.mac) + m->vf[i].fn.uc.n;
	return n;
}

static bool mac_full(const struct rm *m)
{
	return m->p->mac_filters && macs_used(m) >= m->p->mac_filters;
}

/* Whether a VF other than @skip uses VID @vid (1..4095); the PF's VLANs
 * take no entry. */
static bool vid_used(const struct rm *m, unsigned vid, unsigned skip)
{
	for (unsigned i = 0; i < m->numvfs; i++)
		if (i != skip && (m->vf[i].fn.vlan[vid] || m->vf[i].pvid == vid))
			return true;
	return false;
}

/* Whether adding VID @vid to a VF needs an entry the table lacks. */
static bool vlan_full(const struct rm *m, unsigned vid, unsigned skip)
{
	unsigned n = 0;

	if (!m->p->vlan_filters || !vid || vid_used(m, vid, skip))
		return false;
	for (unsigned v = 1; v < 4096; v++)
		n += vid_used(m, v, skip);
	return n >= m->p->vlan_filters;
}

static bool vf_op(const struct rm_op *op)
{
	return op->kind >= RM_ASSIGN && op->kind <= RM_REQ_RXMODE && op->kind != RM_LINK;
}

int rm_expect(const struct rm *m, const struct rm_op *op)
{
	const struct rm_vf *vf;

	if (op->kind == RM_NUMVFS) {
		if (op->a == m->numvfs)
			return 0;
		if (op->a > m->p->max_vfs)
			return -ERANGE;
		if (op->a && m->numvfs)
			return -EBUSY;
		if (!op->a && any_assigned(m))
			return -EPERM;
		return 0;
	}
	if (vf_op(op) && op->vf >= m->numvfs)
		return -EINVAL;
	vf = vf_op(op) ? &m->vf[op->vf] : NULL;
	switch (op->kind) {
	case RM_VF_MAC:
		if (mac_group(op->mac))
			return -EINVAL;
		return !mac_zero(op->mac) && mac_zero(vf->fn.mac) && mac_full(m) ? -ENOSPC : 0;
	case RM_REQ_MAC:
		if (mac_group(op->mac) || mac_zero(op->mac))
			return -EINVAL;
		/* the PF's MAC stands against an untrusted VF */
		if (vf->admin_mac && !vf->trust && !mac_eq(op->mac, vf->fn.mac))
			return -EPERM;
		return mac_zero(vf->fn.mac) && mac_full(m) ? -ENOSPC : 0;
	case RM_REQ_MACVLAN:
		if (op->on && vf->admin_mac && !vf->trust)
			return -EPERM;
		if (!op->on || mac_group(op->mac) || mac_zero(op->mac))
			return RM_ANY_RESULT;
		return !list_has(&vf->fn.uc, op->mac) && mac_full(m) ? -ENOSPC : RM_ANY_RESULT;
	case RM_REQ_MC:
		return op->n > m->p->vf_mc_max ? -ENOSPC : RM_ANY_RESULT;
	case RM_VF_VLAN:
		if (op->a > 4095 || op->b > 7)
			return -EINVAL;
		if (op->c != SNIC_VLAN_PROTO_8021Q && op->c != SNIC_VLAN_PROTO_8021AD)
			return -EPROTONOSUPPORT;
		if (op->c == SNIC_VLAN_PROTO_8021AD && !m->p->pvlan_8021ad)
			return -EPROTONOSUPPORT;
		if (!op->a && op->b)
			return -EINVAL;
		return vlan_full(m, op->a, op->vf) ? -ENOSPC : 0;
	case RM_REQ_VLAN:
		if (op->a > 4095)
			return -EINVAL;
		if (vf->pvid)
			return -EPERM;
		return op->on && vlan_full(m, op->a, RM_NO_VF) ? -ENOSPC : 0;
	case RM_REQ_RXMODE:
		if (op->a > SNIC_RXMODE_PROMISC)
			return -EINVAL;
		return op->a == SNIC_RXMODE_PROMISC && !m->p->vf_promisc && vf->trust ? -EOPNOTSUPP
										      : 0;
	case RM_PF_VLAN:
		return op->a > 4095 ? -EINVAL : 0;
	case RM_PF_MACVLAN:
		if (!op->on || mac_group(op->mac) || mac_zero(op->mac))
			return RM_ANY_RESULT;
		return !list_has(&m->pf.uc, op->mac) && mac_full(m) ? -ENOSPC : RM_ANY_RESULT;
	case RM_VF_SPOOFCHK:
	case RM_VF_TRUST:
	case RM_VF_QUERY_RSS:
	case RM_ASSIGN:
		return 0;
	case RM_RSS_SET:
		if (!m->p->rss_per_pool && op->vf < m->numvfs)
			return -EPERM;
		return RM_ANY_RESULT;
	default:
		return RM_ANY_RESULT;
	}
}

static void set_numvfs(struct rm *m, unsigned n)
{
	if (n == m->numvfs)
		return;
	for (unsigned i = 0; i < m->p->max_vfs; i++)
		vf_reset(&m->vf[i]);
	m->numvfs = n;
	for (unsigned s = 0; s < SNIC_CTR_MAX_RULES; s++)
		m->rule[s].used = false;
	rss_reset(m);
}

static void set_list(struct rm_list *l, const struct rm_op *op)
{
	l->n = op->n;
	memcpy(l->mac, op->macs, op->n * 6u);
}

static void set_uc(struct rm_fn *fn, const uint8_t *mac, bool add)
{
	if (!add)
		list_del(&fn->uc, mac);
	else if (!list_has(&fn->uc, mac) && fn->uc.n < RM_LIST_MAX)
		memcpy(fn->uc.mac[fn->uc.n++], mac, 6);
}

static void set_vlan_filter(struct rm_fn *fn, unsigned vid, bool add)
{
	/* VID 0 is the priority tag every filter passes as untagged */
	if (vid)
		fn->vlan[vid] = add;
}

static int ctx_new(struct rm *m, unsigned vport, const struct snic_rss_conf *c)
{
	for (unsigned i = 0; i < m->p->rss_contexts; i++) {
		if (m->ctx[i].used)
			continue;
		m->ctx[i].used = true;
		m->ctx[i].vport = vport;
		m->ctx[i].conf = *c;
		return (int)i + 1;
	}
	return -ENOSPC;
}

/* Rules take the next free counter slot after the last one given. */
static int flow_create(struct rm *m, const struct snic_flow_rule *r)
{
	for (unsigned i = 0; i < SNIC_CTR_MAX_RULES; i++) {
		unsigned s = (m->next_slot + i) % SNIC_CTR_MAX_RULES;

		if (m->rule[s].used)
			continue;
		m->rule[s].used = true;
		m->rule[s].id = m->next_id++;
		m->rule[s].r = *r;
		m->next_slot = (s + 1) % SNIC_CTR_MAX_RULES;
		return (int)m->rule[s].id;
	}
	return -ENOSPC;
}

static void flow_destroy(struct rm *m, unsigned id)
{
	for (unsigned s = 0; s < SNIC_CTR_MAX_RULES; s++)
		if (m->rule[s].used && m->rule[s].id == id)
			m->rule[s].used = false;
}

static void vf_set_vlan(struct rm_vf *vf, const struct rm_op *op)
{
	vf->pvid = (uint16_t)op->a;
	vf->qos = (uint8_t)op->b;
	vf->proto = op->a ? (uint16_t)op->c : SNIC_VLAN_PROTO_8021Q;
	/* a port VLAN replaces the VLAN filters the VF had asked for */
	if (op->a)
		memset(vf->fn.vlan, 0, sizeof(vf->fn.vlan));
}

static int apply_vf(struct rm *m, const struct rm_op *op)
{
	struct rm_vf *vf = &m->vf[op->vf];

	switch (op->kind) {
	case RM_ASSIGN:
		vf->assigned = op->on;
		break;
	case RM_VF_MAC:
		memcpy(vf->fn.mac, op->mac, 6);
		vf->admin_mac = !mac_zero(op->mac);
		break;
	case RM_VF_VLAN:
		vf_set_vlan(vf, op);
		break;
	case RM_VF_SPOOFCHK:
		vf->spoofchk = op->on;
		break;
	case RM_VF_TRUST:
		vf->trust = op->on;
		break;
	case RM_VF_LINK:
		vf->link_state = (uint8_t)op->a;
		break;
	case RM_VF_RATE:
		vf->min_rate = op->a;
		vf->max_rate = op->b;
		break;
	case RM_VF_QUERY_RSS:
		vf->query_rss = op->on;
		break;
	case RM_REQ_MAC:
		memcpy(vf->fn.mac, op->mac, 6);
		break;
	case RM_REQ_MC:
		set_list(&vf->fn.mc, op);
		break;
	case RM_REQ_VLAN:
		set_vlan_filter(&vf->fn, op->a, op->on);
		break;
	case RM_REQ_MACVLAN:
		set_uc(&vf->fn, op->mac, op->on);
		break;
	case RM_REQ_RXMODE:
		vf->fn.rxmode = (uint8_t)op->a;
		break;
	}
	return 0;
}

int rm_apply(struct rm *m, const struct rm_op *op)
{
	if (vf_op(op))
		return apply_vf(m, op);
	switch (op->kind) {
	case RM_NUMVFS:
		set_numvfs(m, op->a);
		break;
	case RM_LINK:
		m->link_up = op->on;
		break;
	case RM_PF_MAC:
		memcpy(m->pf.mac, op->mac, 6);
		break;
	case RM_PF_RXMODE:
		m->pf.rxmode = (uint8_t)op->a;
		break;
	case RM_PF_MC:
		set_list(&m->pf.mc, op);
		break;
	case RM_PF_MACVLAN:
		set_uc(&m->pf, op->mac, op->on);
		break;
	case RM_PF_VLAN:
		set_vlan_filter(&m->pf, op->a, op->on);
		break;
	case RM_MAX_FRAME:
		m->max_frame = op->a;
		break;
	case RM_RSS_SET:
		m->rss[m->p->rss_per_pool ? op->vf : 0] = op->rss;
		break;
	case RM_RSS_CTX_NEW:
		return ctx_new(m, op->vf, &op->rss);
	case RM_RSS_CTX_DEL:
		m->ctx[op->a - 1].used = false;
		break;
	case RM_FLOW_CREATE:
		return flow_create(m, &op->rule);
	case RM_FLOW_DESTROY:
		flow_destroy(m, op->a);
		break;
	case RM_PLUGIN:
		m->plugin = op->plugin;
		m->pstate = op->pstate;
		break;
	}
	return 0;
}

/* ---- what the configuration holds, for the frame generator ---- */

static void out_mac(uint8_t (*out)[6], unsigned cap, unsigned *n, const uint8_t *mac)
{
	if (*n < cap && !mac_zero(mac))
		memcpy(out[(*n)++], mac, 6);
}

unsigned rm_macs(const struct rm *m, uint8_t (*out)[6], unsigned cap)
{
	unsigned n = 0;

	for (unsigned p = 0; p < npools(m); p++) {
		const struct rm_fn *fn = fn_of(m, p);

		out_mac(out, cap, &n, fn->mac);
		for (unsigned i = 0; i < fn->uc.n; i++)
			out_mac(out, cap, &n, fn->uc.mac[i]);
		for (unsigned i = 0; i < fn->mc.n; i++)
			out_mac(out, cap, &n, fn->mc.mac[i]);
	}
	return n;
}

unsigned rm_vlans(const struct rm *m, uint16_t *out, unsigned cap)
{
	unsigned n = 0;

	for (unsigned p = 0; p < npools(m); p++) {
		const struct rm_fn *fn = fn_of(m, p);

		if (pvid_of(m, p) && n < cap)
			out[n++] = (uint16_t)pvid_of(m, p);
		for (unsigned v = 1; v < 4096 && n < cap; v++)
			if (fn->vlan[v])
				out[n++] = (uint16_t)v;
	}
	return n;
}

unsigned rm_rules(const struct rm *m, const struct snic_flow_rule **out, unsigned *ids,
		  unsigned cap)
{
	unsigned n = 0;

	for (unsigned s = 0; s < SNIC_CTR_MAX_RULES && n < cap; s++) {
		if (!m->rule[s].used)
			continue;
		ids[n] = m->rule[s].id;
		out[n++] = &m->rule[s].r;
	}
	return n;
}

unsigned rm_contexts(const struct rm *m, unsigned *ids, unsigned *vports, unsigned cap)
{
	unsigned n = 0;

	for (unsigned i = 0; i < m->p->rss_contexts && n < cap; i++) {
		if (!m->ctx[i].used)
			continue;
		ids[n] = i + 1;
		vports[n++] = m->ctx[i].vport;
	}
	return n;
}

int rm_vf_info(const struct rm *m, unsigned vf, struct snic_vf_info *out)
{
	const struct rm_vf *v;

	if (vf >= m->numvfs)
		return -EINVAL;
	v = &m->vf[vf];
	memset(out, 0, sizeof(*out));
	memcpy(out->mac, v->fn.mac, 6);
	out->admin_mac = v->admin_mac;
	out->vlan = v->pvid;
	out->qos = v->qos;
	out->vlan_proto = v->proto;
	out->spoofchk = v->spoofchk;
	out->trust = v->trust;
	out->query_rss = v->query_rss;
	out->link_state = v->link_state;
	out->min_tx_rate = v->min_rate;
	out->max_tx_rate = v->max_rate;
	out->rxmode = v->fn.rxmode;
	out->rxmode_eff = (uint8_t)rxmode_eff(m, vf);
	out->nqueues = (uint16_t)rm_pool_queues(m);
	out->n_mc = (uint16_t)v->fn.mc.n;
	for (unsigned i = 0; i < 4096; i++)
		out->n_vlan_filter += v->fn.vlan[i];
	out->n_macvlan = (uint16_t)v->fn.uc.n;
	out->assigned = v->assigned;
	return 0;
}

void rm_vport_mac(const struct rm *m, unsigned vport, uint8_t mac[6])
{
	if (vport < npools(m))
		memcpy(mac, fn_of(m, vport)->mac, 6);
	else
		memset(mac, 0, 6);
}

/* ---- counters ---- */

int rm_ctr_new(const struct rm *m, struct rm_ctr **out)
{
	const struct snic_profile *p = m->p;
	struct rm_ctr *c = calloc(1, sizeof(*c));
	unsigned q = p->max_queues;

	if (!c)
		return -ENOMEM;
	for (unsigned i = 0; i < SNIC_POOL_QUEUES_ROWS; i++)
		if (p->pool_queues[i].queues > q)
			q = p->pool_queues[i].queues;
	c->nvports = p->max_pools ? p->max_pools : 1;
	c->nqueues = q ? q : 1;
	c->nctx = c->nvports + p->rss_contexts;
	c->reta_size = 1;
	if (p->reta_size > c->reta_size)
		c->reta_size = p->reta_size;
	if (p->vf_reta_size > c->reta_size)
		c->reta_size = p->vf_reta_size;
	if (p->reta_size_novf > c->reta_size)
		c->reta_size = p->reta_size_novf;
	if (p->reta_size_max > c->reta_size)
		c->reta_size = p->reta_size_max;
	c->v = calloc(c->nvports, sizeof(*c->v));
	c->bucket_frames = calloc((size_t)c->nctx * c->reta_size, sizeof(uint64_t));
	c->bucket_bytes = calloc((size_t)c->nctx * c->reta_size, sizeof(uint64_t));
	if (!c->v || !c->bucket_frames || !c->bucket_bytes) {
		rm_ctr_free(c);
		return -ENOMEM;
	}
	for (unsigned v = 0; v < c->nvports; v++) {
		c->v[v].q = calloc(c->nqueues, sizeof(*c->v[v].q));
		if (!c->v[v].q) {
			rm_ctr_free(c);
			return -ENOMEM;
		}
	}
	*out = c;
	return 0;
}

void rm_ctr_free(struct rm_ctr *c)
{
	if (!c)
		return;
	for (unsigned v = 0; c->v && v < c->nvports; v++)
		free(c->v[v].q);
	free(c->v);
	free(c->bucket_frames);
	free(c->bucket_bytes);
	free(c);
}

/* ---- flow rules: a linear scan, field by field ---- */

static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned plen)
{
	for (unsigned i = 0; i < plen; i++) {
		unsigned bit = 7 - i % 8;

		if (((a[i / 8] >> bit) & 1) != ((b[i / 8] >> bit) & 1))
			return false;
	}
	return true;
}

static bool rule_matches(const struct snic_flow_rule *r, const struct snic_pkt *pkt)
{
	const struct snic_hdr *h = &pkt->outer;
	bool ip = h->l3 == SNIC_L3_IPV4 || h->l3 == SNIC_L3_IPV6;
	unsigned want_l3 = r->ip_ver == 6 ? SNIC_L3_IPV6 : SNIC_L3_IPV4;
	bool ports = h->flags & SNIC_HF_L4;

	if (r->match & SNIC_FM_DMAC)
		for (unsigned i = 0; i < 6; i++)
			if ((h->dmac[i] & r->dmac_mask[i]) != (r->dmac[i] & r->dmac_mask[i]))
				return false;
	if ((r->match & SNIC_FM_ETHERTYPE) && h->ethertype != r->ethertype)
		return false;
	if ((r->match & SNIC_FM_VLAN) &&
	    (!h->n_vlan || (h->vlan_tci[0] & r->vlan_mask) != (r->vlan_tci & r->vlan_mask)))
		return false;
	if ((r->match & (SNIC_FM_IP_VER | SNIC_FM_IP_SRC | SNIC_FM_IP_DST)) && h->l3 != want_l3)
		return false;
	if ((r->match & SNIC_FM_IP_SRC) && !prefix_match(h->ip_src, r->ip_src, r->src_plen))
		return false;
	if ((r->match & SNIC_FM_IP_DST) && !prefix_match(h->ip_dst, r->ip_dst, r->dst_plen))
		return false;
	if ((r->match & SNIC_FM_L4_PROTO) && (!ip || h->l4_proto != r->l4_proto))
		return false;
	if ((r->match & SNIC_FM_SPORT) &&
	    (!ports || (h->sport & r->sport_mask) != (r->sport & r->sport_mask)))
		return false;
	if ((r->match & SNIC_FM_DPORT) &&
	    (!ports || (h->dport & r->dport_mask) != (r->dport & r->dport_mask)))
		return false;
	if ((r->match & SNIC_FM_VNI) &&
	    (!pkt->tun_id_valid ||
	     (pkt->tunnel != SNIC_TUN_VXLAN && pkt->tunnel != SNIC_TUN_GENEVE) ||
	     pkt->tun_id != r->vni))
		return false;
	if ((r->match & SNIC_FM_TEID) &&
	    (!pkt->tun_id_valid || pkt->tunnel != SNIC_TUN_GTPU || pkt->tun_id != r->teid))
		return false;
	return true;
}

/* The rule of @pool that applies: lowest priority, then lowest id. */
static int first_rule(const struct rm *m, unsigned pool, const struct snic_pkt *pkt)
{
	int best = -1;

	for (unsigned s = 0; s < SNIC_CTR_MAX_RULES; s++) {
		const struct rm_rule *r = &m->rule[s];

		if (!r->used || r->r.vport != pool || !rule_matches(&r->r, pkt))
			continue;
		if (best < 0 || r->r.priority < m->rule[best].r.priority ||
		    (r->r.priority == m->rule[best].r.priority && r->id < m->rule[best].id))
			best = (int)s;
	}
	return best;
}

/* ---- one frame on its way ---- */

struct rm_frame {
	const uint8_t *data;
	uint32_t len;
	uint32_t idx;
	struct snic_pkt pkt;
	unsigned vid;	/* the outer tag's VID, RM_VID_NONE when untagged or VID 0 */
	unsigned tpid;	/* the outer tag's TPID, 0 when untagged */
	unsigned tci;	/* the outer tag's TCI */
	bool pushed;	/* the sender's port VLAN: not in the bytes */
	unsigned flags; /* SNIC_DEST_* of every local copy */
};

/* One copy: its destination and the counters it implies. */
struct rm_copy {
	struct snic_dest d;
	int bctx;      /* bucket context, -1 when RSS did not choose */
	unsigned bidx; /* RETA index */
	int slot;      /* rule slot hit, -1 */
	int steer;     /* 0 none, 1 hit, 2 bad queue */
	int refused;   /* drop reason, -1 when delivered */
	unsigned pool;
};

struct rm_copies {
	unsigned n;
	struct rm_copy c[RM_POOLS_MAX + 1];
};

static void frame_init(struct rm_frame *f, const uint8_t *data, uint32_t len, uint32_t idx)
{
	memset(f, 0, sizeof(*f));
	f->data = data;
	f->len = len;
	f->idx = idx;
	snic_parse(data, len, &f->pkt);
	f->vid = RM_VID_NONE;
	if (f->pkt.outer.n_vlan) {
		f->tpid = f->pkt.outer.vlan_tpid[0];
		f->tci = f->pkt.outer.vlan_tci[0];
		if (f->tci & 0xfff)
			f->vid = f->tci & 0xfff;
	}
}

/* Link, VLAN filter, max frame: -1 when the pool takes its copy. */
static int pool_refuses(const struct rm *m, const struct rm_frame *f, unsigned pool,
			struct snic_dest *d)
{
	unsigned pvid = pvid_of(m, pool);
	unsigned limit = m->max_frame + 4u * f->pkt.outer.n_vlan;

	if (!link_on(m, pool))
		return SNIC_DROP_LINK_DOWN;
	if (pvid) {
		if (f->vid != pvid || f->tpid != m->vf[pool].proto)
			return SNIC_DROP_VLAN_FILTERED;
		/* a port VLAN's tag comes off, unless it was never in the bytes */
		d->vlan_action = f->pushed ? SNIC_VLAN_KEEP : SNIC_VLAN_STRIP;
	} else {
		if (f->vid != RM_VID_NONE && !vlan_any(m, pool) && !fn_of(m, pool)->vlan[f->vid])
			return SNIC_DROP_VLAN_FILTERED;
		d->vlan_action = f->pushed ? SNIC_VLAN_PUSH : SNIC_VLAN_KEEP;
	}
	if (f->len > limit)
		return SNIC_DROP_OVERSIZE;
	if (d->vlan_action == SNIC_VLAN_PUSH) {
		d->vlan_tpid = (uint16_t)f->tpid;
		d->vlan_tci = (uint16_t)f->tci;
	}
	return -1;
}

/* The hook's say: true when it chose the queue. */
static bool hook(const struct rm *m, const struct rm_frame *f, unsigned pool, struct rm_copy *c)
{
	struct snic_steer_ctx sc;
	unsigned nq = rm_pool_queues(m);
	int q;

	memset(&sc, 0, sizeof(sc));
	sc.data = f->data;
	sc.len = f->len;
	sc.pkt = &f->pkt;
	sc.hash = c->d.hash;
	sc.vport = (uint16_t)pool;
	sc.nqueues = (uint16_t)nq;
	q = m->plugin->steer(m->pstate, &sc);
	if (q == SNIC_STEER_PASS)
		return false;
	if (q < 0 || (unsigned)q >= nq) {
		c->steer = 2;
		return false;
	}
	c->steer = 1;
	c->d.queue = (uint16_t)q;
	c->d.flags |= SNIC_DEST_STEERED;
	return true;
}

/* Rules, hook, RSS: -1 when a queue was chosen, else the drop reason. */
static int pool_queue(const struct rm *m, const struct rm_frame *f, unsigned pool,
		      struct rm_copy *c)
{
	int s = first_rule(m, pool, &f->pkt);
	const struct snic_flow_rule *r = s >= 0 ? &m->rule[s].r : NULL;
	unsigned bctx, idx, nq = rm_pool_queues(m);
	const struct snic_rss_conf *conf = pool_conf(m, pool, &bctx);

	c->slot = s;
	if (r && r->action == SNIC_ACT_DROP)
		return SNIC_DROP_RULE;
	if (r && (r->action == SNIC_ACT_MARK || (r->flags & SNIC_FLOW_F_MARK))) {
		c->d.mark = r->mark;
		c->d.flags |= SNIC_DEST_MARK;
	}
	if (r && r->action != SNIC_ACT_MARK) {
		c->d.flags |= SNIC_DEST_RULE;
		c->d.rule = (uint16_t)s;
	}
	if (r && r->action == SNIC_ACT_QUEUE) {
		c->d.queue = r->queue;
		return -1;
	}
	if (r && r->action == SNIC_ACT_RSS && r->rss_ctx) {
		conf = &m->ctx[r->rss_ctx - 1].conf;
		bctx = m->p->max_pools + r->rss_ctx - 1;
	}
	/* a device that gives VFs no RSS puts their frames on queue 0 */
	if (is_vf(m, pool) && (m->p->quirks & SNIC_Q_VF_NO_RSS)) {
		if (m->plugin && !(r && r->action == SNIC_ACT_RSS))
			hook(m, f, pool, c);
		return -1;
	}
	c->d.hash = snic_rss_hash_ref(conf, &f->pkt);
	if (m->plugin && !(r && r->action == SNIC_ACT_RSS) && hook(m, f, pool, c))
		return -1;
	idx = conf->reta_rule == SNIC_RETA_MODULO ? c->d.hash % conf->reta_size
						  : c->d.hash & (conf->reta_size - 1u);
	c->d.queue = (uint16_t)(conf->reta[idx] % nq);
	c->bctx = (int)bctx;
	c->bidx = idx;
	return -1;
}

static void offer(const struct rm *m, const struct rm_frame *f, unsigned pool,
		  struct rm_copies *out)
{
	struct rm_copy *c = &out->c[out->n++];

	memset(c, 0, sizeof(*c));
	c->pool = pool;
	c->bctx = -1;
	c->slot = -1;
	c->d.frame = f->idx;
	c->d.vport = (uint16_t)pool;
	c->d.flags = (uint8_t)f->flags;
	c->refused = pool_refuses(m, f, pool, &c->d);
	if (c->refused >= 0)
		return;
	c->refused = pool_queue(m, f, pool, c);
}

static void offer_wire(const struct rm_frame *f, unsigned flags, struct rm_copies *out)
{
	struct rm_copy *c = &out->c[out->n++];

	memset(c, 0, sizeof(*c));
	c->bctx = -1;
	c->slot = -1;
	c->refused = -1;
	c->pool = SNIC_VPORT_WIRE;
	c->d.frame = f->idx;
	c->d.vport = SNIC_VPORT_WIRE;
	c->d.flags = (uint8_t)flags;
	if (f->pushed) {
		c->d.vlan_action = SNIC_VLAN_PUSH;
		c->d.vlan_tpid = (uint16_t)f->tpid;
		c->d.vlan_tci = (uint16_t)f->tci;
	}
}

/* Whether @pool takes multicast to @mac at all (before its filters). */
static bool mcast_member(const struct rm *m, unsigned pool, const uint8_t *mac)
{
	unsigned mode = rxmode_eff(m, pool);

	if (mode >= SNIC_RXMODE_ALLMULTI)
		return true;
	return mode == SNIC_RXMODE_MULTI && list_has(&fn_of(m, pool)->mc, mac);
}

/* Every pool but @skip (SNIC_VPORT_WIRE: none), for a group address. */
static void switch_group(const struct rm *m, struct rm_frame *f, unsigned skip,
			 struct rm_copies *out)
{
	bool bc = mac_bcast(f->data);

	f->flags |= bc ? SNIC_DEST_BCAST : SNIC_DEST_MCAST;
	for (unsigned p = 0; p < npools(m); p++)
		if (p != skip && (bc || mcast_member(m, p, f->data)))
			offer(m, f, p, out);
}

/* The owners of the destination MAC reachable on the frame's VLAN, or all
 * owners when none is; @skip is left out. Returns how many were offered. */
static unsigned switch_owners(const struct rm *m, struct rm_frame *f, unsigned skip,
			      bool all_if_none, struct rm_copies *out)
{
	unsigned n = 0, owners = 0;

	for (unsigned p = 0; p < npools(m); p++) {
		if (p == skip || !owns(m, p, f->data))
			continue;
		owners++;
		if (reached_on(m, p, f->vid)) {
			offer(m, f, p, out);
			n++;
		}
	}
	if (n || !owners || !all_if_none)
		return n;
	for (unsigned p = 0; p < npools(m); p++)
		if (p != skip && owns(m, p, f->data))
			offer(m, f, p, out);
	return owners;
}

static void rx_switch(const struct rm *m, struct rm_frame *f, struct rm_copies *out)
{
	if (mac_group(f->data)) {
		switch_group(m, f, SNIC_VPORT_WIRE, out);
		return;
	}
	if (switch_owners(m, f, SNIC_VPORT_WIRE, true, out))
		return;
	/* unknown unicast: promiscuous VFs, then the PF */
	for (unsigned p = 0; p < m->numvfs; p++)
		if (rxmode_eff(m, p) == SNIC_RXMODE_PROMISC)
			offer(m, f, p, out);
	offer(m, f, pf_pool(m), out);
}

/* ---- accounting ---- */

/* Keep the frame's destinations (or drop it) and count. Returns how many
 * destinations it wrote. */
static unsigned finish(struct rm_ctr *ctr, const struct rm_frame *f, struct rm_copies *cs,
		       uint64_t *delivered, uint64_t *drop, struct snic_dest *dests, unsigned room)
{
	unsigned n = 0;
	int first_refusal = -1;

	for (unsigned i = 0; i < cs->n; i++)
		n += cs->c[i].refused < 0;
	if (n > room) {
		drop[SNIC_DROP_NO_ROOM]++;
		return 0;
	}
	for (unsigned i = 0; i < cs->n; i++) {
		const struct rm_copy *c = &cs->c[i];

		if (c->refused < 0)
			continue;
		if (first_refusal < 0)
			first_refusal = c->refused;
		ctr->v[c->pool].rx_drop[c->refused]++;
		if (c->slot >= 0)
			ctr->rule_hits[c->slot]++;
	}
	if (!n) {
		drop[first_refusal >= 0 ? first_refusal : SNIC_DROP_NO_VPORT]++;
		return 0;
	}
	(*delivered)++;
	n = 0;
	for (unsigned i = 0; i < cs->n; i++) {
		const struct rm_copy *c = &cs->c[i];
		struct rm_qctr *q;

		if (c->refused >= 0)
			continue;
		dests[n++] = c->d;
		if (c->pool == SNIC_VPORT_WIRE)
			continue;
		q = &ctr->v[c->pool].q[c->d.queue];
		q->frames++;
		q->bytes += f->len;
		q->bcast += !!(c->d.flags & SNIC_DEST_BCAST);
		q->mcast += !!(c->d.flags & SNIC_DEST_MCAST);
		q->loopback += !!(c->d.flags & SNIC_DEST_LOOPBACK);
		if (c->bctx >= 0) {
			ctr->bucket_frames[(size_t)c->bctx * ctr->reta_size + c->bidx]++;
			ctr->bucket_bytes[(size_t)c->bctx * ctr->reta_size + c->bidx] += f->len;
		}
		if (c->slot >= 0)
			ctr->rule_hits[c->slot]++;
		if (c->steer == 1)
			ctr->v[c->pool].steer_hits++;
		else if (c->steer == 2)
			ctr->v[c->pool].steer_bad_queue++;
	}
	return n;
}

unsigned rm_rx(const struct rm *m, struct rm_ctr *c, const struct snic_frame *frames,
	       unsigned nframes, struct snic_dest *dests, unsigned cap)
{
	static struct rm_copies cs;
	struct rm_frame f;
	unsigned n = 0;

	for (unsigned i = 0; i < nframes; i++) {
		c->rx_in++;
		if (!m->link_up) {
			c->rx_drop[SNIC_DROP_LINK_DOWN]++;
			continue;
		}
		if (frames[i].len < 14) {
			c->rx_drop[SNIC_DROP_MALFORMED]++;
			continue;
		}
		frame_init(&f, frames[i].data, frames[i].len, i);
		cs.n = 0;
		rx_switch(m, &f, &cs);
		n += finish(c, &f, &cs, &c->rx_delivered, c->rx_drop, dests + n, cap - n);
	}
	return n;
}

/* ---- transmit ---- */

static bool spoofed(const struct rm *m, unsigned vf, const struct rm_frame *f)
{
	const struct rm_vf *v = &m->vf[vf];
	const uint8_t *smac = f->data + 6;

	if (mac_group(smac))
		return true;
	if (!v->spoofchk)
		return false;
	if (!owns(m, vf, smac))
		return true;
	if (v->pvid)
		return f->pkt.outer.n_vlan > 0;
	return !v->trust && f->vid != RM_VID_NONE && !v->fn.vlan[f->vid];
}

/* The token bucket of a rate-limited VF: in bits, one millisecond deep (at
 * least two tagged max frames), full at first use, refilled by the time
 * that passed; the clock moves only by the time the tokens added stand
 * for, so no fraction of a bit is lost. */
static bool rate_ok(const struct rm *m, struct rm_vctr *v, unsigned vf, uint64_t now, uint64_t bits)
{
	uint64_t rate = m->vf[vf].max_rate;
	uint64_t depth = rate * 1000;
	uint64_t floor_bits = 2ull * (m->max_frame + 4u) * 8u;

	if (depth < floor_bits)
		depth = floor_bits;
	if (!v->tb_used) {
		v->tb_used = true;
		v->tb_tokens = depth;
		v->tb_last_ns = now ? now : 1;
	} else if (now > v->tb_last_ns) {
		uint64_t dt = now - v->tb_last_ns;
		uint64_t add = dt >= 1000000000000ull ? depth : dt * rate / 1000;

		if (add >= depth)
			v->tb_last_ns = now;
		else
			v->tb_last_ns += add * 1000 / rate;
		v->tb_tokens += add;
	}
	if (v->tb_tokens > depth)
		v->tb_tokens = depth;
	if (v->tb_tokens < bits)
		return false;
	v->tb_tokens -= bits;
	return true;
}

/* -1 when the frame may be switched, else the drop reason. */
static int tx_check(const struct rm *m, struct rm_ctr *c, unsigned s, struct rm_frame *f,
		    uint64_t now)
{
	if (!link_on(m, s))
		return SNIC_DROP_LINK_DOWN;
	if (is_vf(m, s) && spoofed(m, s, f))
		return SNIC_DROP_SPOOFED;
	if (is_vf(m, s) && m->vf[s].pvid) {
		f->vid = m->vf[s].pvid;
		f->tpid = m->vf[s].proto;
		f->tci = (unsigned)m->vf[s].qos << 13 | m->vf[s].pvid;
		f->pushed = true;
	}
	if (is_vf(m, s) && m->vf[s].max_rate &&
	    !rate_ok(m, &c->v[s], s, now, (uint64_t)(f->len + (f->pushed ? 4u : 0u)) * 8))
		return SNIC_DROP_RATE_LIMITED;
	return -1;
}

/* Returns false when the frame was meant for the wire, which is down. */
static bool tx_switch(const struct rm *m, struct rm_frame *f, unsigned s, struct rm_copies *out)
{
	if (mac_group(f->data)) {
		unsigned wire = mac_bcast(f->data) ? SNIC_DEST_BCAST : SNIC_DEST_MCAST;

		f->flags = SNIC_DEST_LOOPBACK;
		switch_group(m, f, s, out);
		if (m->link_up)
			offer_wire(f, wire, out);
		return m->link_up;
	}
	f->flags = SNIC_DEST_LOOPBACK;
	if (switch_owners(m, f, s, false, out))
		return true;
	if (m->link_up)
		offer_wire(f, 0, out);
	return m->link_up;
}

unsigned rm_tx(const struct rm *m, struct rm_ctr *c, unsigned vport,
	       const struct snic_frame *frames, unsigned nframes, uint64_t now_ns,
	       struct snic_dest *dests, unsigned cap)
{
	static struct rm_copies cs;
	struct rm_vctr *v;
	struct rm_frame f;
	unsigned n = 0;

	if (vport >= c->nvports)
		return 0;
	v = &c->v[vport];
	for (unsigned i = 0; i < nframes; i++) {
		unsigned got;
		int why;

		v->tx_in++;
		if (vport >= npools(m)) {
			v->tx_drop[SNIC_DROP_LINK_DOWN]++;
			continue;
		}
		if (frames[i].len < 14) {
			v->tx_drop[SNIC_DROP_MALFORMED]++;
			continue;
		}
		frame_init(&f, frames[i].data, frames[i].len, i);
		why = tx_check(m, c, vport, &f, now_ns);
		if (why >= 0) {
			v->tx_drop[why]++;
			continue;
		}
		cs.n = 0;
		if (!tx_switch(m, &f, vport, &cs) && !cs.n) {
			v->tx_drop[SNIC_DROP_LINK_DOWN]++;
			continue;
		}
		got = finish(c, &f, &cs, &v->tx_delivered, v->tx_drop, dests + n, cap - n);
		if (got) {
			bool wire = false, local = false;

			for (unsigned k = 0; k < got; k++) {
				wire |= dests[n + k].vport == SNIC_VPORT_WIRE;
				local |= dests[n + k].vport != SNIC_VPORT_WIRE;
			}
			v->tx_wire += wire;
			v->tx_local += local;
		}
		n += got;
	}
	return n;
}
