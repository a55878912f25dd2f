/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon's lifetime and the control thread's view of it (snicd.h):
 * build it from a config, start and stop the data lcores, replace the NIC,
 * sum the counters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "snicd_impl.h"

struct snic_nic *snicd_nic(struct snicd *d)
{
	return d->conf->nic;
}

double snicd_uptime(struct snicd *d)
{
	return (double)(rte_get_tsc_cycles() - d->start_tsc) / (double)rte_get_tsc_hz();
}

void snicd_stats(struct snicd *d, struct snic_ctr *sum)
{
	snic_ctr_reset(sum);
	for (unsigned i = 0; i < d->nlcores; i++)
		snic_ctr_add(sum, d->lc[i]->ctr);
}

/* The ports hold their VFs, as a VM holds a VF it was given. */
static int assign_vfs(struct snicd *d, struct snic_nic *nic, struct snic_err *err)
{
	for (unsigned i = 0; i < d->nports; i++) {
		const struct snicd_port *p = &d->port[i];
		int rc;

		if (p->role != SNICD_ROLE_VF)
			continue;
		rc = snic_nic_vf_assign(nic, p->vf, true, err);
		if (rc)
			return rc;
	}
	return 0;
}

static void clock_init(struct snicd *d)
{
	uint64_t hz = rte_get_tsc_hz();

	d->start_tsc = rte_get_tsc_cycles();
	d->ns_mult = hz ? (uint64_t)(((unsigned __int128)1000000000u << 32) / hz) : 1;
}

int snicd_new(struct snic_config *conf, struct snicd **out, struct snic_err *err)
{
	struct snicd *d = calloc(1, sizeof(*d));
	int rc;

	if (!d) {
		snic_config_free(conf);
		return snic_errf(err, -ENOMEM, "snicd: out of memory");
	}
	d->conf = conf;
	d->idle_sleep_us = SNICD_IDLE_SLEEP_US;
	d->idle_poll_us = SNICD_IDLE_POLL_US;
	d->warm_us = SNICD_WARM_US;
	clock_init(d);
	rc = snicd_ports_init(d, err);
	if (!rc)
		rc = assign_vfs(d, conf->nic, err);
	if (!rc)
		rc = snicd_ports_probe(d, err);
	if (!rc)
		rc = snicd_pool_create(d, err);
	if (!rc)
		rc = snicd_ports_start(d, err);
	if (!rc)
		rc = snicd_lcores_init(d, err);
	if (!rc)
		rc = snicd_rcu_init(d, err);
	if (!rc)
		rc = snicd_snap_build(d, conf->nic, &d->snap, err);
	if (rc) {
		snicd_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int snicd_start(struct snicd *d, struct snic_err *err)
{
	for (unsigned i = 0; i < d->nlcores; i++) {
		struct snicd_lcore *lc = d->lc[i];
		int rc;

		if (!lc->nrxq)
			continue;
		rc = rte_eal_remote_launch(snicd_lcore_main, lc, lc->lcore_id);
		if (rc) {
			snicd_stop(d);
			return snic_errf(err, rc, "lcore %u: launch failed (%s)", lc->lcore_id,
					 strerror(-rc));
		}
		d->running = true;
	}
	d->start_tsc = rte_get_tsc_cycles();
	return 0;
}

/* Stop polling; every burst in hand is flushed before an lcore returns. */
void snicd_stop(struct snicd *d)
{
	__atomic_store_n(&d->stop, true, __ATOMIC_RELEASE);
	if (d->running)
		rte_eal_mp_wait_lcore();
	d->running = false;
	snicd_ports_drain(d);
}

void snicd_free(struct snicd *d)
{
	if (!d)
		return;
	if (d->running)
		snicd_stop(d);
	if (d->rcu)
		snicd_rcu_fini(d);
	else
		snicd_snap_free(d->snap);
	snicd_lcores_free(d);
	snicd_ports_close(d);
	rte_mempool_free(d->pool);
	snic_config_free(d->conf);
	free(d);
}

/* --- snic apply ---------------------------------------------------------------------- */

static int same_port(const struct snicd_port *p, const struct snic_config_port *c,
		     struct snic_err *err)
{
	if (strcmp(p->name, c->name))
		return snic_errf(err, -EINVAL, "apply: port %s is not running (running: %s)",
				 c->name, p->name);
	if (strcmp(p->devargs, c->devargs))
		return snic_errf(err, -EINVAL,
				 "apply: port %s: devargs '%s' differ from the running '%s'",
				 c->name, c->devargs, p->devargs);
	if (c->csum_offload != p->csum_conf)
		return snic_errf(err, -EINVAL, "apply: port %s: csum can't change at run time",
				 c->name);
	if (strcmp(c->netns ? c->netns : "", p->veth.ns))
		return snic_errf(err, -EINVAL,
				 "apply: port %s: netns '%s' differs from the running '%s'",
				 c->name, c->netns ? c->netns : "", p->veth.ns);
	return 0;
}

/* Ports can't change at run time: the new file must name the same ones. */
static int same_ports(struct snicd *d, const struct snic_config *c, struct snic_err *err)
{
	if (c->nports != d->nports)
		return snic_errf(err, -EINVAL, "apply: %s has %u ports, snicd runs %u", c->path,
				 c->nports, d->nports);
	for (unsigned i = 0; i < d->nports; i++) {
		const struct snicd_port *p = &d->port[i];
		const struct snic_config_port *cp = &c->ports[i];
		int rc = same_port(p, cp, err);

		if (rc)
			return rc;
		if (cp->queues != p->queues_conf)
			return snic_errf(err, -EINVAL, "apply: port %s: queues %u, running %u",
					 p->name, cp->queues, p->queues_conf);
	}
	return 0;
}

int snicd_apply(struct snicd *d, const char *path, struct snic_err *err)
{
	struct snic_config *c;
	const struct snic_profile *run = snic_nic_profile(d->conf->nic);
	struct snicd_snap *s;
	int rc = snic_config_load(path, NULL, &c, err);

	if (rc)
		return rc;
	if (snic_nic_profile(c->nic) != run)
		rc = snic_errf(err, -EINVAL, "apply: %s: profile %s differs from the running %s",
			       path, snic_nic_profile(c->nic)->name, run->name);
	if (!rc)
		rc = same_ports(d, c, err);
	if (!rc)
		rc = assign_vfs(d, c->nic, err);
	if (!rc)
		rc = snicd_snap_build(d, c->nic, &s, err);
	if (rc) {
		snic_config_free(c);
		return rc;
	}
	snicd_snap_swap(d, s);
	snic_config_free(d->conf);
	d->conf = c;
	return 0;
}
