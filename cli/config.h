/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NIC config file: one YAML document that describes a NIC (profile,
 * VFs and their knobs, RSS, contexts, flow rules, plugin) and, for snicd,
 * its ports. docs/config.md documents every key.
 *
 * Reading a file builds a struct snic_nic through the same calls a driver
 * makes (snic_nic_set_numvfs, snic_vf_set_*, snic_nic_rss_set, ...), so a
 * config can't express what the control plane would refuse. Errors name the
 * file, line and column, the bad value and what is allowed:
 *
 *	nic.yaml:14:9: vf 3: vlan 5000 is out of range 0..4095
 *
 * Unknown keys are errors. The reader is shared by `snic` and `snicd`; it is
 * not part of libsnic, which does no I/O.
 */
#ifndef SNIC_CONFIG_H
#define SNIC_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "snic/err.h"
#include "snic/nic.h"

#define SNIC_CONFIG_PORTS_MAX 260
#define SNIC_CONFIG_NAME_MAX  32

/* A vport as the config and the CLI name it: "pf", "vf0", "vf1", ... */
#define SNIC_CONFIG_VPORT_PF	 (-1)
/* struct snic_config_port.vport of the uplink (the wire). */
#define SNIC_CONFIG_VPORT_UPLINK (-2)

/* Most named RSS contexts a file may define (a profile may allow fewer). */
#define SNIC_CONFIG_CTX_MAX 64

/* One port of snicd: the uplink, the PF, or a VF, as DPDK devargs. */
struct snic_config_port {
	char name[SNIC_CONFIG_NAME_MAX]; /* "uplink", "pf", "vf0", ... */
	int vport;	  /* SNIC_CONFIG_VPORT_PF, a VF number, or -2 for the uplink */
	char *devargs;	  /* "net_af_xdp0,iface=snic-vf0,..." */
	unsigned queues;  /* DPDK queues to open (0 = the vport's queue count) */
	int csum_offload; /* complete TCP/UDP checksums on transmit: -1 default, 0, 1 */
	char *netns;	  /* namespace holding the far end, or NULL */
};

/* An RSS context the file made (`ethtool -X DEV context new`). */
struct snic_config_ctx {
	char name[SNIC_CONFIG_NAME_MAX]; /* "" when the file gave none */
	unsigned id;			 /* from snic_nic_rss_ctx_new */
	unsigned vport;
};

struct snic_config {
	char *path;
	struct snic_nic *nic; /* built, not committed */
	char *plugin_path;    /* or NULL */
	char *plugin_args;
	char *balance_policy; /* "static", "rsspp", ... or NULL */
	uint64_t balance_period_ns;
	unsigned balance_pins; /* flows the balancer may pin (snic), 0 = none */
	unsigned nports;
	struct snic_config_port ports[SNIC_CONFIG_PORTS_MAX];
	unsigned nctx;
	struct snic_config_ctx ctx[SNIC_CONFIG_CTX_MAX];
	unsigned nflows;  /* flow rules the file created */
	unsigned pf_keys; /* SNIC_CONFIG_PF_*: the keys of pf: the file gave */
};

/* Keys of pf: whose values the model can't tell from its defaults: snic
 * export sets on a real NIC only what the file gave. */
#define SNIC_CONFIG_PF_MAC  (1u << 0)
#define SNIC_CONFIG_PF_MTU  (1u << 1)
#define SNIC_CONFIG_PF_LINK (1u << 2)

/*
 * Read @path and build the NIC it describes. @profile, when not NULL,
 * replaces the file's profile (for `snic analyze --compare`). Returns 0 or a
 * negative errno with @err holding "FILE:LINE:COL: message".
 */
int snic_config_load(const char *path, const char *profile, struct snic_config **out,
		     struct snic_err *err);

/* The same from a buffer; @name stands for the file name in messages. */
int snic_config_parse(const char *text, size_t len, const char *name, const char *profile,
		      struct snic_config **out, struct snic_err *err);

void snic_config_free(struct snic_config *c);

/* "pf" -> the PF's vport, "vf3" -> 3. Returns the vport or -EINVAL. */
int snic_config_vport(const struct snic_nic *nic, const char *name, struct snic_err *err);

/* The name of @vport ("pf", "vf3") into @buf. */
const char *snic_config_vport_name(const struct snic_nic *nic, unsigned vport, char *buf,
				   size_t size);

/* The id of the context the file named @name, or -ENOENT. */
int snic_config_ctx_id(const struct snic_config *c, const char *name);

#endif
