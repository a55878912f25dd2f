/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Commit: compile a snic_nic into the immutable snapshot the data path
 * reads. The snapshot copies everything it needs and holds its own
 * reference to the plugin, so it outlives later changes and the NIC.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snic/nic.h"
#include "snic/profile.h"

#include "cfg.h"
#include "nic_impl.h"
#include "plugin_impl.h"

/* --- Pools ------------------------------------------------------------------- */

/*
 * Token bucket depth: one millisecond at the rate, and never less than two
 * of the largest frames (tagged), so that a slow limit still passes
 * full-size frames.
 */
static uint64_t tb_depth(uint64_t mbps, unsigned max_frame)
{
	uint64_t ms = mbps * 1000;
	uint64_t two = 2ull * (max_frame + 4u) * 8u;

	return ms > two ? ms : two;
}

static void pool_queues(struct snic_pool *pl, unsigned nq)
{
	pl->nqueues = (uint16_t)nq;
	pl->qpow2 = !(nq & (nq - 1));
	pl->qmask = pl->qpow2 ? (uint16_t)(nq - 1) : 0;
}

/*
 * A VF's pool. Link: enable, or auto while the PF's link is up, as
 * rtnetlink defines IFLA_VF_LINK_STATE_ENABLE and _AUTO (ixgbe itself
 * leaves enable unsupported, ixgbe_ndo_set_vf_link_state, and drives
 * VFTE/VFRE from auto and disable in ixgbe_set_vf_rx_tx). The pool's link
 * says whether the VF sends and receives at all; the wire behind the PF's
 * link is cfg->link_up, which snic_rx and snic_tx check apart: an enabled
 * VF keeps switching with the other local pools while the PF's link is
 * down.
 */
static void pool_vf(struct snic_cfg *cfg, const struct snic_nic *nic, unsigned i)
{
	const struct snic_vf *vf = &nic->vf[i];
	struct snic_pool *pl = &cfg->pool[i];

	pl->rx_on = vf->link_state == SNIC_LINK_ENABLE ||
		    (vf->link_state == SNIC_LINK_AUTO && nic->link_up);
	pl->is_vf = 1;
	pl->rxmode = (uint8_t)snic_vf_rxmode_eff(nic->p, vf);
	pl->pvlan = vf->pvid != 0;
	pl->pvid = vf->pvid;
	pl->ptpid = vf->vlan_proto;
	pl->ptci = (uint16_t)(vf->qos << 13 | vf->pvid);
	/* A promiscuous pool takes every VLAN too (ixgbe sets VMOLR.VPE with
	 * UPE), unless a port VLAN pins it. */
	pl->vlan_any = pl->rxmode == SNIC_RXMODE_PROMISC && !pl->pvlan;
	pl->spoofchk = vf->spoofchk;
	pl->no_rss = !!(nic->p->quirks & SNIC_Q_VF_NO_RSS);
	pl->trust = vf->trust;
	pl->rate_mbps = vf->max_rate;
	pl->tb_depth = tb_depth(vf->max_rate, nic->max_frame);
	memcpy(&cfg->vlan[i * SNIC_VLAN_WORDS], vf->fn.vlan, sizeof(vf->fn.vlan));
}

/* The PF's pool: with no VLAN filter entries it takes every VLAN. */
static void pool_pf(struct snic_cfg *cfg, const struct snic_nic *nic)
{
	struct snic_pool *pl = &cfg->pool[cfg->pf];

	pl->rx_on = nic->link_up;
	pl->rxmode = nic->pf.rxmode;
	pl->vlan_any = !nic->pf.n_vlan || nic->pf.rxmode == SNIC_RXMODE_PROMISC;
	pl->trust = 1;
	memcpy(&cfg->vlan[cfg->pf * SNIC_VLAN_WORDS], nic->pf.vlan, sizeof(nic->pf.vlan));
}

static void build_pools(struct snic_cfg *cfg, const struct snic_nic *nic)
{
	unsigned nq = snic_nic_vport_queues(nic, 0);

	for (unsigned i = 0; i < nic->numvfs; i++)
		pool_vf(cfg, nic, i);
	pool_pf(cfg, nic);
	for (unsigned i = 0; i < cfg->npools; i++)
		pool_queues(&cfg->pool[i], nq);
}

/* --- RSS ---------------------------------------------------------------------- */

/* Confs that give every frame the same hash: their RETAs may differ. */
static bool hash_eq(const struct snic_rss_conf *a, const struct snic_rss_conf *b)
{
	return a->hfunc == b->hfunc && a->key_len == b->key_len && a->flags == b->flags &&
	       !memcmp(a->fields, b->fields, sizeof(a->fields)) &&
	       !memcmp(a->key, b->key, a->key_len);
}

static bool conf_eq(const struct snic_rss_conf *a, const struct snic_rss_conf *b)
{
	return hash_eq(a, b) && a->reta_rule == b->reta_rule && a->reta_size == b->reta_size &&
	       a->nqueues == b->nqueues &&
	       !memcmp(a->reta, b->reta, a->reta_size * sizeof(a->reta[0]));
}

/* The compiled form of @c, shared with an identical conf compiled before:
 * pools with the same conf hash a frame once. */
static int rss_get(struct snic_cfg *cfg, const struct snic_rss_conf *c, const struct snic_rss **out,
		   struct snic_err *err)
{
	int rc;

	for (unsigned i = 0; i < cfg->nrss; i++) {
		if (conf_eq(snic_rss_conf(cfg->rss[i]), c)) {
			*out = cfg->rss[i];
			return 0;
		}
	}
	rc = snic_rss_new(c, &cfg->rss[cfg->nrss], err);
	if (rc)
		return rc;
	*out = cfg->rss[cfg->nrss++];
	return 0;
}

/* The first compiled conf that hashes as @r does. Pools whose confs differ
 * in their RETAs alone (per-pool RETAs under one key, as ice and mlx5 set
 * them up) hash with it, so that the data path hashes a frame once for
 * them all and their frames in one batch. */
static const struct snic_rss *hash_twin(const struct snic_cfg *cfg, const struct snic_rss *r)
{
	for (unsigned i = 0; i < cfg->nrss; i++)
		if (hash_eq(snic_rss_conf(cfg->rss[i]), snic_rss_conf(r)))
			return cfg->rss[i];
	return r;
}

/*
 * Where plain Toeplitz hashes the source and destination addresses, and
 * maybe both ports after them, of an untagged TCP or UDP frame with a
 * plain IP header (IPv4 without options, IPv6 without extension headers),
 * the input is the frame's own bytes from the source address on: 8 or 12
 * bytes (IPv4), 32 or 36 (IPv6). snic_rx's lane hashes them in place, for
 * a pool that takes such a frame as it is: link up, no port VLAN, RSS.
 */
static void cfg_lane_len(struct snic_pool *pl)
{
	static const uint8_t ft[4] = {SNIC_FT_TCP4, SNIC_FT_UDP4, SNIC_FT_TCP6, SNIC_FT_UDP6};
	const unsigned addrs = SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST;
	const unsigned ports = SNIC_RXH_L4_B_0_1 | SNIC_RXH_L4_B_2_3;
	const struct snic_rss_conf *c = snic_rss_conf(pl->rss);
	bool takes = pl->rx_on && !pl->pvlan && !pl->no_rss;

	pl->lane_l2 = takes;
	pl->lane_tun = takes && !(c->flags & SNIC_RSS_INNER);
	for (unsigned i = 0; i < 4; i++) {
		unsigned alen = i >> 1 ? 16 : 4, f = c->fields[ft[i]];

		pl->lane_len[i] = 0;
		if (!takes || c->hfunc != SNIC_HFUNC_TOEPLITZ || (c->flags & SNIC_RSS_TEID))
			continue;
		if (f == addrs)
			pl->lane_len[i] = (uint8_t)(2 * alen);
		else if (f == (addrs | ports))
			pl->lane_len[i] = (uint8_t)(2 * alen + 4);
	}
}

/*
 * The lane's RSS placement of pool @i (struct snic_pool.rmod .. boff).
 * A RETA entry that names a queue the pool lacks (a RETA shared by pools
 * of other sizes) is folded into its queues by the general path
 * (dp_reta_queue): such a pool leaves the lane.
 */
static void cfg_lane_place(const struct snic_cfg *cfg, struct snic_pool *pl, unsigned i)
{
	const struct snic_rss_conf *rc = pl->rconf;

	pl->rmod = rc->reta_rule == SNIC_RETA_MODULO;
	pl->rsize = rc->reta_size;
	pl->rmask = rc->reta_size - 1u;
	pl->qoff = i * snic_ctr_nqueues(cfg->p);
	pl->boff = pl->bctx * snic_ctr_reta_size(cfg->p);
	for (unsigned j = 0; j < rc->reta_size; j++)
		if (rc->reta[j] >= pl->nqueues) {
			memset(pl->lane_len, 0, sizeof(pl->lane_len));
			pl->lane_l2 = 0;
			pl->lane_tun = 0;
			break;
		}
}

/* A pool hashes with pl->rss and picks queues from its own pl->rconf. */
static int build_pool_rss(struct snic_cfg *cfg, const struct snic_nic *nic, struct snic_err *err)
{
	bool per_pool = nic->p->rss_per_pool;

	for (unsigned i = 0; i < cfg->npools; i++) {
		struct snic_pool *pl = &cfg->pool[i];
		const struct snic_rss *own;
		int rc = rss_get(cfg, &nic->rss[per_pool ? i : 0], &own, err);

		if (rc)
			return rc;
		pl->rconf = snic_rss_conf(own);
		pl->rss = hash_twin(cfg, own);
		pl->bctx = per_pool ? (uint16_t)i : 0;
		cfg_lane_len(pl);
		cfg_lane_place(cfg, pl, i);
	}
	return 0;
}

static int build_ctx_rss(struct snic_cfg *cfg, const struct snic_nic *nic, struct snic_err *err)
{
	for (unsigned i = 0; i < nic->p->rss_contexts; i++) {
		int rc;

		if (!nic->ctx[i].used)
			continue;
		rc = rss_get(cfg, &nic->ctx[i].conf, &cfg->ctx_rss[i], err);
		if (rc)
			return rc;
	}
	return 0;
}

/* Bucket counters: a context's come after the pools' (snic_ctr.nctx). */
const struct snic_rss *snic_cfg_ctx_rss(const struct snic_cfg *cfg, unsigned ctx, uint16_t *bctx)
{
	*bctx = (uint16_t)(cfg->p->max_pools + ctx - 1);
	return cfg->ctx_rss[ctx - 1];
}

/* --- Commit ------------------------------------------------------------------------ */

static int cfg_alloc(struct snic_cfg *cfg, const struct snic_nic *nic)
{
	unsigned nconf = cfg->npools + nic->p->rss_contexts;

	cfg->pool = calloc(cfg->npools, sizeof(*cfg->pool));
	cfg->vlan = calloc((size_t)cfg->npools * SNIC_VLAN_WORDS, sizeof(*cfg->vlan));
	cfg->rss = calloc(nconf, sizeof(*cfg->rss));
	cfg->ctx_rss = calloc(nic->p->rss_contexts + 1u, sizeof(*cfg->ctx_rss));
	if (!cfg->pool || !cfg->vlan || !cfg->rss || !cfg->ctx_rss)
		return -ENOMEM;
	return 0;
}

static int cfg_build(struct snic_cfg *cfg, const struct snic_nic *nic, struct snic_err *err)
{
	int rc;

	if (cfg_alloc(cfg, nic))
		return snic_errf(err, -ENOMEM, "commit: out of memory for %u pools", cfg->npools);
	build_pools(cfg, nic);
	rc = build_pool_rss(cfg, nic, err);
	if (!rc)
		rc = build_ctx_rss(cfg, nic, err);
	if (!rc)
		rc = snic_switch_build(cfg, nic, err);
	if (!rc)
		rc = snic_flow_compile(cfg, nic, err);
	return rc;
}

int snic_nic_commit(struct snic_nic *nic, struct snic_cfg **out, struct snic_err *err)
{
	struct snic_cfg *cfg;
	int rc;

	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return snic_errf(err, -ENOMEM, "commit: out of memory");
	cfg->p = nic->p;
	cfg->npools = (uint16_t)snic_nic_npools(nic);
	cfg->pf = (uint16_t)snic_nic_pf_vport(nic);
	cfg->max_frame = nic->max_frame;
	cfg->lane_max = nic->max_frame < SNIC_PARSE_LEN_MAX ? nic->max_frame : SNIC_PARSE_LEN_MAX;
	cfg->link_up = nic->link_up;
	rc = cfg_build(cfg, nic, err);
	if (rc) {
		snic_cfg_free(cfg);
		return rc;
	}
	cfg->plug = snic_plug_get(nic->plug);
	if (cfg->plug) {
		cfg->plugin = cfg->plug->ops;
		cfg->pstate = cfg->plug->state;
	}
	*out = cfg;
	return 0;
}

bool snic_cfg_has_hook(const struct snic_cfg *cfg)
{
	return cfg->plugin != NULL;
}

void snic_cfg_free(struct snic_cfg *cfg)
{
	if (!cfg)
		return;
	snic_plug_put(cfg->plug);
	snic_tss_free(cfg);
	free(cfg->rules);
	snic_switch_free(cfg);
	for (unsigned i = 0; i < cfg->nrss; i++)
		snic_rss_free(cfg->rss[i]);
	free(cfg->ctx_rss);
	free(cfg->rss);
	free(cfg->vlan);
	free(cfg->pool);
	free(cfg);
}
