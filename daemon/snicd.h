/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicd: the live data plane. One control thread owns the struct snic_nic,
 * the control socket and the statistics; data lcores poll their ports in
 * bursts through snic_rx/snic_tx with a per-lcore struct snic_ctr.
 *
 * Everything declared here runs on the control thread unless said
 * otherwise.
 */
#ifndef SNICD_H
#define SNICD_H

#include <stdbool.h>
#include <stdint.h>

#include "snic/ctr.h"
#include "snic/err.h"
#include "snic/nic.h"

struct snicd;

/* The NIC's intended state; change it, then snicd_publish(). */
struct snic_nic *snicd_nic(struct snicd *d);

/*
 * Commit the NIC into a new snic_cfg, publish it to the data lcores with
 * one atomic store, and free the old one after a grace period (RCU): no
 * frame is lost or counted twice. Returns 0 or a negative errno with @err
 * naming what the commit refused (the running config is then unchanged).
 */
int snicd_publish(struct snicd *d, struct snic_err *err);

/*
 * Replace the running NIC with the one the config file at @path describes
 * (snic apply -c FILE). Ports can't change at run time: a config whose
 * ports differ is refused with -EINVAL naming the port.
 */
int snicd_apply(struct snicd *d, const char *path, struct snic_err *err);

/* The sum of every lcore's counters (and the front-end's queue_full drops)
 * into @sum, which must be shaped for the NIC's profile. */
void snicd_stats(struct snicd *d, struct snic_ctr *sum);

/* One port as `snic stats`/`snic vf show` report it. */
struct snicd_port_info {
	const char *name; /* "uplink", "pf", "vf0", ... */
	const char *devargs;
	int vport;	  /* SNIC_VPORT_WIRE for the uplink */
	uint16_t port_id; /* DPDK port id */
	uint16_t nb_rxq, nb_txq;
	bool link_up;
	uint64_t ipackets, opackets, imissed, oerrors; /* rte_eth_stats */
};

unsigned snicd_nports(struct snicd *d);
int snicd_port_info(struct snicd *d, unsigned i, struct snicd_port_info *out);

/* Seconds since start, for rates in `snic top`. */
double snicd_uptime(struct snicd *d);

#endif
