/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: the config's devargs probed as DPDK devices, one mempool for all
 * of them, and each port opened with as many rx and tx queues as its vport
 * has (or the config's `queues`): a VF port's queue i is the VF's queue i.
 *
 * Ports are probed first, to learn how many queues and descriptors they
 * take; the one mempool is then sized for every descriptor of every queue
 * (AF_XDP's fill ring is its rx descriptors), the lcores' caches and a
 * quarter more; without hugepages it must fit in the EAL's -m.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "snicd_impl.h"

/* Drivers that hand over frames whose TCP/UDP checksum the kernel left
 * for the NIC to finish: the far end is a Linux netdev with TX offload. */
static const char *const csum_drivers[] = {"net_af_xdp", "net_af_packet", "net_tap"};

bool snicd_devargs_is_pci(const char *devargs)
{
	unsigned dom, bus, dev, fn;
	char end;

	if (sscanf(devargs, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &end) >= 4)
		return true;
	return sscanf(devargs, "%x:%x.%x%c", &bus, &dev, &fn, &end) >= 3 && !strchr(devargs, '_');
}

static void port_role(struct snicd *d, struct snicd_port *p, const struct snic_config_port *c)
{
	struct snic_nic *nic = d->conf->nic;

	if (c->vport == SNIC_CONFIG_VPORT_UPLINK) {
		p->role = SNICD_ROLE_UPLINK;
		p->queues = c->queues ? c->queues : 1;
		return;
	}
	if (c->vport == SNIC_CONFIG_VPORT_PF) {
		p->role = SNICD_ROLE_PF;
		p->queues =
			c->queues ? c->queues : snic_nic_vport_queues(nic, snic_nic_pf_vport(nic));
		return;
	}
	p->role = SNICD_ROLE_VF;
	p->vf = (unsigned)c->vport;
	p->queues = c->queues ? c->queues : snic_nic_vport_queues(nic, p->vf);
}

/* Copy the config's ports; the NIC's queue counts give their queues. */
int snicd_ports_init(struct snicd *d, struct snic_err *err)
{
	const struct snic_config *conf = d->conf;

	d->uplink = SNICD_PORT_NONE;
	d->nports = conf->nports;
	d->port = calloc(conf->nports ? conf->nports : 1, sizeof(*d->port));
	if (!d->port)
		return snic_errf(err, -ENOMEM, "%u ports: out of memory", conf->nports);
	for (unsigned i = 0; i < conf->nports; i++) {
		const struct snic_config_port *c = &conf->ports[i];
		struct snicd_port *p = &d->port[i];

		snprintf(p->name, sizeof(p->name), "%s", c->name);
		p->devargs = strdup(c->devargs);
		if (!p->devargs)
			return snic_errf(err, -ENOMEM, "port %s: out of memory", c->name);
		p->csum_conf = c->csum_offload;
		p->queues_conf = c->queues;
		port_role(d, p, c);
		if (!p->queues)
			return snic_errf(err, -EINVAL, "port %s: its vport has no queues", p->name);
		if (p->role == SNICD_ROLE_UPLINK)
			d->uplink = (uint16_t)i;
		p->txb_base = d->ntxb;
		d->ntxb += p->queues;
	}
	if (!d->nports)
		return snic_errf(err, -EINVAL, "%s: no ports: snicd needs at least one",
				 conf->path ? conf->path : "config");
	return 0;
}

/* Every descriptor of every queue, the lcores' caches and bursts. */
int snicd_pool_create(struct snicd *d, struct snic_err *err)
{
	uint64_t n = (uint64_t)rte_lcore_count() * (SNICD_MBUF_CACHE + 2 * SNICD_TXB_MAX);

	for (unsigned i = 0; i < d->nports; i++) {
		const struct snicd_port *p = &d->port[i];

		n += (uint64_t)p->queues * (p->nrxd + p->ntxd + 2 * SNICD_BURST);
	}
	n = RTE_MAX(n + n / 4, (uint64_t)8191);
	if (n > UINT32_MAX / 2)
		return snic_errf(err, -E2BIG, "mempool: %llu mbufs is too many",
				 (unsigned long long)n);
	d->pool = rte_pktmbuf_pool_create("snicd_mbufs", (unsigned)n, SNICD_MBUF_CACHE, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (!d->pool)
		return snic_errf(err, -rte_errno,
				 "mempool of %llu mbufs (about %llu MB) does not fit (%s): "
				 "give the EAL more memory (-- -m MB)",
				 (unsigned long long)n,
				 (unsigned long long)(n * (RTE_MBUF_DEFAULT_BUF_SIZE + 192) >> 20),
				 rte_strerror(rte_errno));
	return 0;
}

static bool port_id_taken(const struct snicd *d, uint16_t id)
{
	for (unsigned i = 0; i < d->nports; i++)
		if (d->port[i].probed && d->port[i].port_id == id)
			return true;
	return false;
}

static int port_probe(struct snicd *d, struct snicd_port *p, struct snic_err *err)
{
	struct rte_dev_iterator it;
	uint16_t id;
	int rc = rte_dev_probe(p->devargs);

	if (rc < 0 && rc != -EEXIST)
		return snic_errf(err, rc, "port %s: devargs '%s': the device can't be probed (%s)",
				 p->name, p->devargs,
				 rc == -1 ? "its driver refused it, see above" : strerror(-rc));
	RTE_ETH_FOREACH_MATCHING_DEV(id, p->devargs, &it)
	{
		if (port_id_taken(d, id))
			continue;
		rte_eth_iterator_cleanup(&it);
		p->port_id = id;
		p->probed = true;
		return 0;
	}
	return snic_errf(err, -ENODEV, "port %s: devargs '%s': no ethdev port came of it", p->name,
			 p->devargs);
}

static bool csum_default(const char *driver)
{
	for (size_t i = 0; i < RTE_DIM(csum_drivers); i++)
		if (driver && !strcmp(driver, csum_drivers[i]))
			return true;
	return false;
}

/*
 * A device with fewer queues than the vport: an error when the config asked
 * for that many, else the vport's queues share the device's (queue q goes
 * to q modulo their number). AF_XDP on a veth has one queue: the driver
 * counts combined channels and a veth has none.
 */
static int port_fit_queues(struct snicd_port *p, const struct rte_eth_dev_info *info,
			   struct snic_err *err)
{
	unsigned max = RTE_MIN(info->max_rx_queues, info->max_tx_queues);

	if (p->queues <= max)
		return 0;
	if (p->queues_conf || !max)
		return snic_errf(err, -EINVAL,
				 "port %s: devargs '%s': %u queues wanted, the device has %u rx "
				 "and %u tx",
				 p->name, p->devargs, p->queues, info->max_rx_queues,
				 info->max_tx_queues);
	printf("snicd: port %s: the device has %u queue%s for the vport's %u: they share "
	       "them\n",
	       p->name, max, max == 1 ? "" : "s", p->queues);
	p->queues = max;
	return 0;
}

/* What the device offers: queues, descriptors, the checksum default. */
static int port_fit(struct snicd_port *p, struct snic_err *err)
{
	struct rte_eth_dev_info info;
	int rc = rte_eth_dev_info_get(p->port_id, &info);

	if (rc)
		return snic_errf(err, rc, "port %s: devargs '%s': no device info (%s)", p->name,
				 p->devargs, strerror(-rc));
	rc = port_fit_queues(p, &info, err);
	if (rc)
		return rc;
	p->csum = p->csum_conf < 0 ? csum_default(info.driver_name) : p->csum_conf;
	if (info.driver_name && !strcmp(info.driver_name, "net_af_packet"))
		printf("snicd: port %s: net_af_packet cuts TSO/GSO frames to its frame size, "
		       "so they are lost: turn TSO/GSO off on the far end (ethtool -K IF tso "
		       "off gso off), or use net_af_xdp\n",
		       p->name);
	p->nrxd = SNICD_RXD;
	p->ntxd = SNICD_TXD;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &p->nrxd, &p->ntxd);
	if (rc)
		return snic_errf(err, rc, "port %s: devargs '%s': descriptors: %s", p->name,
				 p->devargs, strerror(-rc));
	return 0;
}

static int port_queues(struct snicd *d, struct snicd_port *p, struct snic_err *err)
{
	int socket = rte_eth_dev_socket_id(p->port_id);

	if (socket < 0)
		socket = (int)rte_socket_id();
	for (uint16_t q = 0; q < p->queues; q++) {
		int rc = rte_eth_rx_queue_setup(p->port_id, q, p->nrxd, (unsigned)socket, NULL,
						d->pool);

		if (!rc)
			rc = rte_eth_tx_queue_setup(p->port_id, q, p->ntxd, (unsigned)socket, NULL);
		if (rc)
			return snic_errf(err, rc,
					 "port %s: devargs '%s': queue %u: setup failed (%s)",
					 p->name, p->devargs, q, strerror(-rc));
	}
	return 0;
}

static int port_configure(struct snicd *d, struct snicd_port *p, struct snic_err *err)
{
	struct rte_eth_conf conf;
	int rc;

	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_configure(p->port_id, (uint16_t)p->queues, (uint16_t)p->queues, &conf);
	if (rc)
		return snic_errf(err, rc, "port %s: devargs '%s': configure with %u queues: %s",
				 p->name, p->devargs, p->queues, strerror(-rc));
	return port_queues(d, p, err);
}

static int port_start(struct snicd_port *p, struct snic_err *err)
{
	int rc = rte_eth_dev_start(p->port_id);

	if (rc)
		return snic_errf(err, rc, "port %s: devargs '%s': start: %s", p->name, p->devargs,
				 strerror(-rc));
	p->started = true;
	/* A switch port takes every frame; drivers without the knob have it. */
	rte_eth_promiscuous_enable(p->port_id);
	return 0;
}

/* Locks on tx queues several lcores send on (each lcore may send to any
 * VF queue; the uplink has a queue per lcore when it has enough). */
static int port_locks(struct snicd_port *p, struct snic_err *err)
{
	unsigned workers = rte_lcore_count() - 1;

	if (workers <= 1 || (p->role == SNICD_ROLE_UPLINK && p->queues >= workers))
		return 0;
	p->txlock = calloc(p->queues, sizeof(*p->txlock));
	if (!p->txlock)
		return snic_errf(err, -ENOMEM, "port %s: out of memory", p->name);
	for (unsigned q = 0; q < p->queues; q++)
		rte_spinlock_init(&p->txlock[q]);
	return 0;
}

/* A port with `netns`: its veth, made when it is not there. */
static int port_veth(struct snicd *d, unsigned i, struct snic_err *err)
{
	const struct snic_config_port *c = &d->conf->ports[i];
	struct snicd_port *p = &d->port[i];
	struct snic_vf_info vf;
	const uint8_t *mac = NULL;
	static const uint8_t zero[6];

	if (!c->netns)
		return 0;
	if (p->role == SNICD_ROLE_VF && !snic_vf_get(d->conf->nic, p->vf, &vf, NULL) &&
	    memcmp(vf.mac, zero, 6))
		mac = vf.mac;
	return snicd_veth_make(p->name, p->devargs, c->netns, mac, &p->veth, err);
}

int snicd_ports_probe(struct snicd *d, struct snic_err *err)
{
	for (unsigned i = 0; i < d->nports; i++) {
		int rc = port_veth(d, i, err);

		if (!rc)
			rc = port_probe(d, &d->port[i], err);

		if (!rc)
			rc = port_fit(&d->port[i], err);
		if (rc)
			return rc;
	}
	return 0;
}

int snicd_ports_start(struct snicd *d, struct snic_err *err)
{
	for (unsigned i = 0; i < d->nports; i++) {
		struct snicd_port *p = &d->port[i];
		int rc = port_configure(d, p, err);

		if (!rc)
			rc = port_start(p, err);
		if (!rc)
			rc = port_locks(p, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* Let the drivers free the mbufs of frames they have sent. */
void snicd_ports_drain(struct snicd *d)
{
	for (unsigned i = 0; i < d->nports; i++) {
		struct snicd_port *p = &d->port[i];

		for (uint16_t q = 0; p->started && q < p->queues; q++)
			rte_eth_tx_done_cleanup(p->port_id, q, 0);
	}
}

void snicd_ports_close(struct snicd *d)
{
	for (unsigned i = d->nports; i-- > 0;) {
		struct snicd_port *p = &d->port[i];

		if (p->started)
			rte_eth_dev_stop(p->port_id);
		if (p->probed)
			rte_eth_dev_close(p->port_id);
		p->started = false;
		p->probed = false;
		snicd_veth_remove(&p->veth);
		free(p->txlock);
		free(p->devargs);
	}
	free(d->port);
	d->port = NULL;
	d->nports = 0;
}

int snicd_port_info(struct snicd *d, unsigned i, struct snicd_port_info *out)
{
	const struct snicd_port *p;
	const struct snic_nic *nic = d->conf->nic;
	struct rte_eth_stats st;
	struct rte_eth_link link;

	if (i >= d->nports)
		return -ENOENT;
	p = &d->port[i];
	memset(out, 0, sizeof(*out));
	out->name = p->name;
	out->devargs = p->devargs;
	out->vport = p->role == SNICD_ROLE_UPLINK ? (int)SNIC_VPORT_WIRE
		     : p->role == SNICD_ROLE_PF	  ? (int)snic_nic_pf_vport(nic)
						  : (int)p->vf;
	out->port_id = p->port_id;
	out->nb_rxq = (uint16_t)p->queues;
	out->nb_txq = (uint16_t)p->queues;
	if (p->probed && !rte_eth_link_get_nowait(p->port_id, &link))
		out->link_up = link.link_status == RTE_ETH_LINK_UP;
	if (p->probed && !rte_eth_stats_get(p->port_id, &st)) {
		out->ipackets = st.ipackets;
		out->opackets = st.opackets;
		out->imissed = st.imissed;
		out->oerrors = st.oerrors;
	}
	return 0;
}

unsigned snicd_nports(struct snicd *d)
{
	return d->nports;
}
