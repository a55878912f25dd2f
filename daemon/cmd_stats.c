/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters, as `ethtool -S` shows a NIC's: the sum of every lcore's.
 *
 *	stats {} -> {"uptime": S,
 *		     "rx": {"in", "delivered", "dropped", "drops": {REASON: N}},
 *		     "ports": [{"name", "devargs", "port_id", "link_up", "rxq", "txq",
 *				"ipackets", "opackets", "imissed", "oerrors"}],
 *		     "vports": [{"vport", "id", "queues": [{"queue", "frames",
 *				 "bytes", "bcast", "mcast", "loopback"}],
 *				 "tx": {"in", "delivered", "dropped", "drops", "wire", "local"},
 *				 "rx_drops": {REASON: N}, "steer_hits", "steer_bad_queue"}],
 *		     "rules": [{"id", "vport", "priority", "rule", "hits"}],
 *		     "balance": {"on", "policy", "vport", "imbalance", "moves",
 *				 "pins", "pinned": [{"flow", "queue", ...}], ...}}
 *
 * Vports are those in use (the VFs, then the PF), each with the queues its
 * pool has.
 */
#include <errno.h>

#include "balance.h"
#include "config.h"
#include "ctl.h"
#include "ctl_args.h"
#include "snicd.h"

static json_t *drops_json(const uint64_t drop[SNIC_DROP_COUNT])
{
	json_t *o = json_object();

	for (int i = 0; o && i < SNIC_DROP_COUNT; i++)
		json_object_set_new(o, snic_drop_name((enum snic_drop)i),
				    json_integer((json_int_t)drop[i]));
	return o;
}

static json_t *dir_json(const struct snic_dirctr *c)
{
	return json_pack("{s:I, s:I, s:I, s:o}", "in", (json_int_t)c->in, "delivered",
			 (json_int_t)c->delivered, "dropped", (json_int_t)snic_dirctr_dropped(c),
			 "drops", drops_json(c->drop));
}

static json_t *queue_json(const struct snic_qctr *q, unsigned i)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "queue", (json_int_t)i, "frames",
			 (json_int_t)q->frames, "bytes", (json_int_t)q->bytes, "bcast",
			 (json_int_t)q->bcast, "mcast", (json_int_t)q->mcast, "loopback",
			 (json_int_t)q->loopback);
}

static json_t *tx_json(const struct snic_vctr *v)
{
	json_t *o = dir_json(&v->tx);

	json_object_set_new(o, "wire", json_integer((json_int_t)v->tx_wire));
	json_object_set_new(o, "local", json_integer((json_int_t)v->tx_local));
	return o;
}

static json_t *vport_json(const struct snic_nic *nic, struct snic_ctr *sum, unsigned vport)
{
	unsigned nq = snic_nic_vport_queues(nic, vport);
	const struct snic_vctr *v = &sum->vport[vport];
	json_t *queues = json_array();
	char name[16];

	for (unsigned q = 0; queues && q < nq && q < sum->nqueues; q++)
		json_array_append_new(queues, queue_json(snic_ctr_queue(sum, vport, q), q));
	return json_pack("{s:s, s:I, s:o, s:o, s:o, s:I, s:I}", "vport",
			 snic_config_vport_name(nic, vport, name, sizeof(name)), "id",
			 (json_int_t)vport, "queues", queues, "tx", tx_json(v), "rx_drops",
			 drops_json(v->rx_drop), "steer_hits", (json_int_t)v->steer_hits,
			 "steer_bad_queue", (json_int_t)v->steer_bad_queue);
}

static json_t *vports_json(const struct snic_nic *nic, struct snic_ctr *sum)
{
	unsigned n = snic_nic_pf_vport(nic) + 1;
	json_t *a = json_array();

	for (unsigned i = 0; a && i < n && i < sum->nvports; i++)
		json_array_append_new(a, vport_json(nic, sum, i));
	return a;
}

static json_t *port_json(const struct snicd_port_info *p)
{
	return json_pack("{s:s, s:s, s:I, s:b, s:I, s:I, s:I, s:I, s:I, s:I}", "name",
			 p->name ? p->name : "", "devargs", p->devargs ? p->devargs : "", "port_id",
			 (json_int_t)p->port_id, "link_up", p->link_up, "rxq",
			 (json_int_t)p->nb_rxq, "txq", (json_int_t)p->nb_txq, "ipackets",
			 (json_int_t)p->ipackets, "opackets", (json_int_t)p->opackets, "imissed",
			 (json_int_t)p->imissed, "oerrors", (json_int_t)p->oerrors);
}

static json_t *ports_json(struct snicd *d)
{
	unsigned n = snicd_nports(d);
	struct snicd_port_info p;
	json_t *a = json_array();

	for (unsigned i = 0; a && i < n; i++)
		if (!snicd_port_info(d, i, &p))
			json_array_append_new(a, port_json(&p));
	return a;
}

static int cmd_stats(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	static const char *const keys[] = {NULL};
	const struct snic_nic *nic = snicd_nic(d);
	struct snic_ctr *sum = NULL;
	json_t *rules;
	int rc = ctl_args_only(args, "stats", keys, err);

	if (!rc)
		rc = snic_ctr_new(snic_nic_profile(nic), &sum, err);
	if (rc)
		return rc;
	snicd_stats(d, sum);
	rules = ctl_flow_rules_json(nic, sum, err);
	if (rules)
		*result = json_pack("{s:f, s:o, s:o, s:o, s:o, s:o}", "uptime", snicd_uptime(d),
				    "rx", dir_json(&sum->rx), "ports", ports_json(d), "vports",
				    vports_json(nic, sum), "rules", rules, "balance",
				    snicd_balance_json());
	snic_ctr_free(sum);
	if (!rules)
		return err->code ? err->code : -ENOMEM;
	return ctl_result(result, *result, err);
}

int ctl_stats_register(void)
{
	return snicd_ctl_register("stats", "-- counters per port, vport, queue, drop reason, rule",
				  cmd_stats);
}
