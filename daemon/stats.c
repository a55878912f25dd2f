/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The counters snicd prints when it stops, and the conservation checks they
 * must pass:
 *
 *	wire rx:      in == delivered + dropped
 *	each vport:   tx in == delivered + dropped
 *	uplink port:  frames received == wire rx in
 *	PF/VF ports:  frames received == sum of the vports' tx in + detached
 *	PF/VF ports:  copies sent == sum of every queue's frames
 *	uplink port:  copies sent == sum of the vports' tx wire
 *
 * One line per item, words then numbers, for people and for grep:
 *
 *	rx wire in 10 delivered 9 dropped 1 no_vport 1
 *	tx vf0 in 5 delivered 5 dropped 0 wire 4 local 1
 *	rxq vf0 0 frames 7 bytes 700 bcast 1 mcast 0 loopback 1   (queues with frames)
 *	refused vf0 queue_full 2
 *	port vf0 rx 5 tx 7 queue_full 2 nomem 0 csum 3 detached 0 ipackets 5 opackets 7
 *	lcore 1 sleeps 120 preempted 2 warm 35   (its idle rounds: see dataplane.c)
 *	conservation ok
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "snicd_impl.h"

/* Everything snicd counted, summed over the lcores. */
struct totals {
	struct snic_ctr *ctr;
	struct snicd_pctr *port; /* [nports] */
	uint64_t no_port;
};

static int totals_sum(struct snicd *d, struct totals *t)
{
	memset(t, 0, sizeof(*t));
	t->port = calloc(d->nports, sizeof(*t->port));
	if (!t->port || snic_ctr_new(snic_nic_profile(d->conf->nic), &t->ctr, NULL)) {
		free(t->port);
		return -ENOMEM;
	}
	snicd_stats(d, t->ctr);
	for (unsigned l = 0; l < d->nlcores; l++) {
		const struct snicd_lcore *lc = d->lc[l];

		t->no_port += lc->no_port;
		for (unsigned i = 0; i < d->nports; i++) {
			struct snicd_pctr *a = &t->port[i];
			const struct snicd_pctr *b = &lc->pctr[i];

			a->rx += b->rx;
			a->tx += b->tx;
			a->full += b->full;
			a->nomem += b->nomem;
			a->csum += b->csum;
			a->detached += b->detached;
		}
	}
	return 0;
}

static void print_drops(FILE *f, const uint64_t *drop)
{
	for (int i = 0; i < SNIC_DROP_COUNT; i++)
		if (drop[i])
			fprintf(f, " %s %" PRIu64, snic_drop_name((enum snic_drop)i), drop[i]);
}

static void print_dir(FILE *f, const char *what, const char *who, const struct snic_dirctr *c)
{
	fprintf(f, "%s %s in %" PRIu64 " delivered %" PRIu64 " dropped %" PRIu64, what, who, c->in,
		c->delivered, snic_dirctr_dropped(c));
	print_drops(f, c->drop);
}

static void print_vport(FILE *f, const struct snic_nic *nic, struct snic_ctr *c, unsigned v)
{
	const struct snic_vctr *vc = &c->vport[v];
	unsigned nq = snic_nic_vport_queues(nic, v);
	char name[16];

	snic_config_vport_name(nic, v, name, sizeof(name));
	print_dir(f, "tx", name, &vc->tx);
	fprintf(f, " wire %" PRIu64 " local %" PRIu64 "\n", vc->tx_wire, vc->tx_local);
	for (unsigned q = 0; q < nq && q < c->nqueues; q++) {
		const struct snic_qctr *qc = snic_ctr_queue(c, v, q);

		if (!qc->frames)
			continue;
		fprintf(f,
			"rxq %s %u frames %" PRIu64 " bytes %" PRIu64 " bcast %" PRIu64
			" mcast %" PRIu64 " loopback %" PRIu64 "\n",
			name, q, qc->frames, qc->bytes, qc->bcast, qc->mcast, qc->loopback);
	}
	fprintf(f, "refused %s", name);
	print_drops(f, vc->rx_drop);
	fprintf(f, "\n");
}

static void print_port(FILE *f, struct snicd *d, unsigned i, const struct snicd_pctr *p)
{
	struct snicd_port_info info;

	snicd_port_info(d, i, &info);
	fprintf(f,
		"port %s rx %" PRIu64 " tx %" PRIu64 " queue_full %" PRIu64 " nomem %" PRIu64
		" csum %" PRIu64 " detached %" PRIu64 " ipackets %" PRIu64 " opackets %" PRIu64
		" imissed %" PRIu64 " oerrors %" PRIu64 "\n",
		info.name, p->rx, p->tx, p->full, p->nomem, p->csum, p->detached, info.ipackets,
		info.opackets, info.imissed, info.oerrors);
}

static bool check(FILE *f, bool ok, const char *what, uint64_t a, uint64_t b)
{
	if (!ok)
		fprintf(f, "conservation FAILED: %s: %" PRIu64 " != %" PRIu64 "\n", what, a, b);
	return ok;
}

static bool check_dir(FILE *f, const char *who, const struct snic_dirctr *c)
{
	uint64_t out = c->delivered + snic_dirctr_dropped(c);

	if (c->in == out)
		return true;
	fprintf(f, "conservation FAILED: %s: in %" PRIu64 " != delivered + dropped %" PRIu64 "\n",
		who, c->in, out);
	return false;
}

/* Sums over vports and ports for the port-level checks. */
struct sums {
	uint64_t vport_in, vport_wire, queue_frames;
	uint64_t up_rx, up_tx, fn_rx, fn_tx, detached;
};

static bool check_all(FILE *f, struct snicd *d, const struct totals *t)
{
	const struct snic_ctr *c = t->ctr;
	struct sums s = {0};
	bool ok = check_dir(f, "wire rx", &c->rx);
	char who[32];

	for (unsigned v = 0; v < c->nvports; v++) {
		snprintf(who, sizeof(who), "vport %u tx", v);
		ok &= check_dir(f, who, &c->vport[v].tx);
		s.vport_in += c->vport[v].tx.in;
		s.vport_wire += c->vport[v].tx_wire;
		for (unsigned q = 0; q < c->nqueues; q++)
			s.queue_frames += c->queue[v * c->nqueues + q].frames;
	}
	for (unsigned i = 0; i < d->nports; i++) {
		bool up = d->port[i].role == SNICD_ROLE_UPLINK;

		*(up ? &s.up_rx : &s.fn_rx) += t->port[i].rx;
		*(up ? &s.up_tx : &s.fn_tx) += t->port[i].tx;
		s.detached += t->port[i].detached;
	}
	ok &= check(f, s.up_rx == c->rx.in, "uplink rx == wire in", s.up_rx, c->rx.in);
	ok &= check(f, s.fn_rx == s.vport_in + s.detached, "pf/vf ports rx == vports tx in",
		    s.fn_rx, s.vport_in + s.detached);
	ok &= check(f, s.fn_tx == s.queue_frames, "pf/vf ports tx == queue frames", s.fn_tx,
		    s.queue_frames);
	ok &= check(f, s.up_tx == s.vport_wire, "uplink tx == vports tx wire", s.up_tx,
		    s.vport_wire);
	return ok;
}

bool snicd_print_final(struct snicd *d, FILE *f)
{
	const struct snic_nic *nic = d->conf->nic;
	struct totals t;
	bool ok;

	if (totals_sum(d, &t)) {
		fprintf(f, "snicd: final counters: out of memory\n");
		return false;
	}
	fprintf(f, "snicd: final counters after %.3f s\n", snicd_uptime(d));
	print_dir(f, "rx", "wire", &t.ctr->rx);
	fprintf(f, "\n");
	for (unsigned v = 0; v <= snic_nic_pf_vport(nic); v++)
		print_vport(f, nic, t.ctr, v);
	for (unsigned i = 0; i < d->nports; i++)
		print_port(f, d, i, &t.port[i]);
	fprintf(f, "no_port %" PRIu64 "\n", t.no_port);
	for (unsigned l = 0; l < d->nlcores; l++)
		fprintf(f, "lcore %u sleeps %" PRIu64 " preempted %" PRIu64 " warm %" PRIu64 "\n",
			d->lc[l]->lcore_id, d->lc[l]->idle.sleeps, d->lc[l]->idle.preempted,
			d->lc[l]->warm.runs);
	ok = check_all(f, d, &t);
	if (ok)
		fprintf(f, "conservation ok\n");
	fflush(f);
	snic_ctr_free(t.ctr);
	free(t.port);
	return ok;
}
