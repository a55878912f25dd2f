/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSS in the control plane: each pool's key, hash fields and RETA, shared
 * by all pools where the profile has one set of registers (82599: MRQC,
 * RSSRK and RETA are global, a VF only reads them through IXGBE_VF_GET_RETA
 * / IXGBE_VF_GET_RSS_KEY when query_rss is on), or one per pool (X550's
 * PFVFRSSRK/PFVFRETA, ice, mlx5). Extra contexts are what `ethtool -X DEV
 * context new` makes; flow rules send frames to them.
 */
#include <errno.h>
#include <string.h>

#include "snic/nic.h"
#include "snic/profile.h"

#include "nic_impl.h"

/* Where @vport's conf lives. */
static struct snic_rss_conf *conf_of(const struct snic_nic *nic, unsigned vport)
{
	return nic->p->rss_per_pool ? &nic->rss[vport] : &nic->rss[0];
}

static void conf_default(const struct snic_nic *nic, unsigned vport, struct snic_rss_conf *c)
{
	unsigned nq = snic_nic_vport_queues(nic, vport);
	unsigned size = snic_sriov_reta_size(nic, vport);

	snic_profile_rss_default(nic->p, nq, c);
	if (size && c->reta_size != size) {
		c->reta_size = (uint16_t)size;
		snic_reta_equal(c->reta, size, c->nqueues ? c->nqueues : 1, 0, NULL);
	}
}

void snic_nic_rss_reset(struct snic_nic *nic)
{
	unsigned n = nic->p->rss_per_pool ? snic_nic_npools(nic) : 1;
	unsigned pf = snic_nic_pf_vport(nic);

	for (unsigned i = 0; i < n; i++)
		conf_default(nic, nic->p->rss_per_pool ? i : pf, &nic->rss[i]);
	for (unsigned i = 0; i < nic->p->rss_contexts; i++)
		nic->ctx[i].used = false;
}

/* Check @c for @vport: its RETA size with VFs, the queues it names against
 * the pool's, then the conf itself and the profile's limits. */
static int check_conf(const struct snic_nic *nic, unsigned vport, const struct snic_rss_conf *c,
		      struct snic_err *err)
{
	unsigned size = snic_sriov_reta_size(nic, vport);
	unsigned nq = snic_nic_vport_queues(nic, vport);
	int rc;

	if (size && c->reta_size != size)
		return snic_errf(err, -EINVAL, "vport %u: RETA of %u entries, the pool has %u",
				 vport, c->reta_size, size);
	if (c->nqueues > nq)
		return snic_errf(err, -EINVAL, "vport %u: RSS over %u queues, the pool has %u",
				 vport, c->nqueues, nq);
	rc = snic_rss_check(c, err);
	if (rc)
		return rc;
	return snic_profile_check_rss(nic->p, c, err);
}

int snic_nic_rss_set(struct snic_nic *nic, unsigned vport, const struct snic_rss_conf *c,
		     struct snic_err *err)
{
	unsigned pf = snic_nic_pf_vport(nic);
	int rc = snic_check_vport(nic, vport, err);

	if (rc)
		return rc;
	if (!nic->p->rss_per_pool && vport != pf)
		return snic_errf(err, -EPERM,
				 "vport %u: %s shares one RSS key and RETA; only the PF (vport %u) "
				 "sets them",
				 vport, nic->p->name, pf);
	rc = check_conf(nic, vport, c, err);
	if (rc)
		return rc;
	*conf_of(nic, vport) = *c;
	return 0;
}

int snic_nic_rss_get(const struct snic_nic *nic, unsigned vport, struct snic_rss_conf *out,
		     struct snic_err *err)
{
	unsigned pf = snic_nic_pf_vport(nic);
	int rc = snic_check_vport(nic, vport, err);

	if (rc)
		return rc;
	if (!nic->p->rss_per_pool && vport != pf && !nic->vf[vport].query_rss)
		return snic_errf(err, -EPERM,
				 "vf %u may not read the shared RSS key and RETA (query_rss off)",
				 vport);
	*out = *conf_of(nic, vport);
	return 0;
}

int snic_nic_rss_ctx_new(struct snic_nic *nic, unsigned vport, const struct snic_rss_conf *c,
			 struct snic_err *err)
{
	const struct snic_profile *p = nic->p;
	int rc;

	if (!p->rss_contexts)
		return snic_errf(err, -EOPNOTSUPP, "%s has no extra RSS contexts", p->name);
	rc = snic_check_vport(nic, vport, err);
	if (rc)
		return rc;
	rc = check_conf(nic, vport, c, err);
	if (rc)
		return rc;
	for (unsigned i = 0; i < p->rss_contexts; i++) {
		if (nic->ctx[i].used)
			continue;
		nic->ctx[i].used = true;
		nic->ctx[i].vport = (uint16_t)vport;
		nic->ctx[i].conf = *c;
		return (int)i + 1;
	}
	return snic_errf(err, -ENOSPC, "vport %u: all %u RSS contexts of %s are in use", vport,
			 p->rss_contexts, p->name);
}

/* As Linux's ethtool core (ethtool_check_rss_ctx_busy), a context a flow
 * rule still sends frames to can't be deleted. */
int snic_nic_rss_ctx_del(struct snic_nic *nic, unsigned ctx, struct snic_err *err)
{
	if (!ctx || ctx > nic->p->rss_contexts || !nic->ctx[ctx - 1].used)
		return snic_errf(err, -ENOENT, "rss context %u does not exist", ctx);
	if (snic_flow_uses_ctx(nic, ctx))
		return snic_errf(err, -EBUSY, "rss context %u is used by a flow rule", ctx);
	nic->ctx[ctx - 1].used = false;
	return 0;
}
