/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Publishing a configuration to the data lcores.
 *
 * A snapshot (struct snicd_snap) is a committed struct snic_cfg plus the
 * vport <-> port maps of that NIC state. snicd_publish builds a new one,
 * swaps it in with one atomic exchange and retires the old one with an
 * rte_rcu_qsbr token. A data lcore loads the pointer once per poll round
 * and reports a quiescent state after the round, so once every lcore has
 * reported past the token no burst can still use the old snapshot, and it
 * is freed. Each burst is classified and counted with exactly one
 * snapshot: a change loses no frame and counts none twice.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "snicd_impl.h"

int snicd_rcu_init(struct snicd *d, struct snic_err *err)
{
	unsigned n = d->nlcores ? d->nlcores : 1;
	size_t sz = rte_rcu_qsbr_get_memsize(n);

	d->rcu = rte_zmalloc("snicd_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (!d->rcu)
		return snic_errf(err, -ENOMEM, "RCU state for %u lcores: out of memory", n);
	if (rte_rcu_qsbr_init(d->rcu, n))
		return snic_errf(err, -EINVAL, "RCU state for %u lcores: init failed", n);
	for (unsigned i = 0; i < d->nlcores; i++)
		if (rte_rcu_qsbr_thread_register(d->rcu, i))
			return snic_errf(err, -EINVAL, "RCU: lcore %u can't register", i);
	return 0;
}

void snicd_rcu_fini(struct snicd *d)
{
	snicd_reclaim(d, true);
	snicd_snap_free(d->snap);
	d->snap = NULL;
	rte_free(d->rcu);
	d->rcu = NULL;
}

static void snap_map(struct snicd *d, struct snic_nic *nic, struct snicd_snap *s)
{
	unsigned numvfs = snic_nic_numvfs(nic);

	for (unsigned v = 0; v < s->npools; v++)
		s->vport_port[v] = SNICD_PORT_NONE;
	for (unsigned i = 0; i < d->nports; i++) {
		const struct snicd_port *p = &d->port[i];

		if (p->role == SNICD_ROLE_UPLINK) {
			s->port_vport[i] = SNIC_VPORT_WIRE;
		} else if (p->role == SNICD_ROLE_PF) {
			s->port_vport[i] = s->pf_vport;
			s->vport_port[s->pf_vport] = (uint16_t)i;
		} else if (p->vf < numvfs) {
			s->port_vport[i] = (uint16_t)p->vf;
			s->vport_port[p->vf] = (uint16_t)i;
		} else {
			s->port_vport[i] = SNICD_VPORT_DETACHED;
		}
	}
}

int snicd_snap_build(struct snicd *d, struct snic_nic *nic, struct snicd_snap **out,
		     struct snic_err *err)
{
	unsigned pf = snic_nic_pf_vport(nic), npools = pf + 1;
	struct snicd_snap *s;
	int rc;

	s = calloc(1, sizeof(*s) + (npools + d->nports) * sizeof(uint16_t));
	if (!s)
		return snic_errf(err, -ENOMEM, "snapshot of %u pools: out of memory", npools);
	rc = snic_nic_commit(nic, &s->cfg, err);
	if (rc) {
		free(s);
		return rc;
	}
	s->npools = (uint16_t)npools;
	s->pf_vport = (uint16_t)pf;
	s->vport_port = (uint16_t *)(s + 1);
	s->port_vport = s->vport_port + npools;
	s->hook = snic_cfg_has_hook(s->cfg);
	snap_map(d, nic, s);
	*out = s;
	return 0;
}

void snicd_snap_free(struct snicd_snap *s)
{
	if (!s)
		return;
	snic_cfg_free(s->cfg);
	free(s);
}

void snicd_reclaim(struct snicd *d, bool wait)
{
	unsigned keep = 0;

	for (unsigned i = 0; i < d->nretired; i++) {
		struct snicd_retired *r = &d->retired[i];

		if (rte_rcu_qsbr_check(d->rcu, r->token, wait) == 1)
			snicd_snap_free(r->snap);
		else
			d->retired[keep++] = *r;
	}
	d->nretired = keep;
}

static void retire(struct snicd *d, struct snicd_snap *old)
{
	if (!old)
		return;
	if (d->nretired == SNICD_RETIRED_MAX)
		snicd_reclaim(d, true);
	d->retired[d->nretired].snap = old;
	d->retired[d->nretired].token = rte_rcu_qsbr_start(d->rcu);
	d->nretired++;
	snicd_reclaim(d, false);
}

void snicd_snap_swap(struct snicd *d, struct snicd_snap *s)
{
	retire(d, __atomic_exchange_n(&d->snap, s, __ATOMIC_ACQ_REL));
}

int snicd_publish(struct snicd *d, struct snic_err *err)
{
	struct snicd_snap *s;
	int rc = snicd_snap_build(d, d->conf->nic, &s, err);

	if (rc)
		return rc;
	snicd_snap_swap(d, s);
	return 0;
}
