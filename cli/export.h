/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic export: what the emitters of each tool share.
 *
 * A config is loaded into a struct snic_nic as snicd would build it; the
 * emitters then read it back and write the commands that program a real
 * NIC of the same profile to match: `ip link` (export_ip.c), `ethtool`
 * (export_ethtool.c) or testpmd (export_dpdk.c). What the tool or the
 * profile's driver can't express is refused with one line naming the
 * feature and the profile; nothing is left out silently.
 *
 * Output goes to a memory stream and reaches stdout only when every
 * emitter succeeded, so a refusal never leaves half a script behind.
 */
#ifndef SNIC_CLI_EXPORT_H
#define SNIC_CLI_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "snic/err.h"
#include "snic/flow.h"
#include "snic/nic.h"
#include "snic/rss.h"
#include "config.h"

/* Flow types of `ethtool -N DEV flow-type`: bits of exp_caps.nt_types. */
enum exp_nt {
	NT_ETHER = 0,
	NT_IP4,
	NT_TCP4,
	NT_UDP4,
	NT_SCTP4,
	NT_IP6,
	NT_TCP6,
	NT_UDP6,
	NT_SCTP6,
	NT_COUNT,
};

#define NT_BIT(t) (1u << (t))

/*
 * What a profile's drivers take beyond what struct snic_profile says: the
 * Linux driver through ethtool and ip (nt_*, vf_*), and the DPDK PMD
 * through testpmd (dp_*). export.c holds the table and its sources.
 */
struct exp_caps {
	const char *profile;
	const char *driver; /* the Linux driver, for messages */
	const char *pmd;    /* the DPDK PMD, for messages */
	uint16_t nt_types;  /* NT_BIT(enum exp_nt) taken by ethtool -N flow-type */
	uint32_t nt_match;  /* SNIC_FM_* a rule may match on */
	bool nt_partial;    /* masks other than all-ones (prefixes, port ranges) */
	bool nt_one_mask;   /* every rule must use the same fields and masks */
	bool nt_vf;	    /* `vf N queue Q`: a VF's queue */
	bool nt_context;    /* `context N`: an RSS context */
	bool nt_vlan_vid;   /* a VLAN match must be on the whole VID and nothing else */
	bool vf_rxfh;	    /* a VF's netdev takes ethtool -X and rx-flow-hash */
	bool vf_query_rss;  /* ip link set DEV vf N query_rss */
	bool vf_link_state; /* ip link set DEV vf N state */
	bool dp_flow;	    /* rte_flow on the PF's port */
	bool dp_vf_flow;    /* rte_flow on a VF's port */
	bool dp_tunnel;	    /* vxlan/geneve vni and gtpu teid items */
	bool dp_mark;	    /* the mark action */
	bool dp_vf_rss;	    /* a VF's port takes its own key and RETA */
};

/* A list of MAC addresses the file gives. */
struct exp_macs {
	uint8_t (*mac)[6];
	unsigned n;
};

/* What the file says that struct snic_nic has no getter for. */
struct exp_file {
	char pf_mac[18]; /* "" when the file gives none */
	unsigned mtu;	 /* 0 when the file gives none */
	int link;	 /* 1 up, 0 down, -1 not given */
	int rxmode;	 /* enum snic_rxmode, -1 not given */
	uint16_t *vlans; /* the PF's VLAN filter */
	unsigned nvlans;
	struct exp_macs mc;	   /* multicast groups the PF joins */
	struct exp_macs uc;	   /* more unicast MACs of the PF */
	struct snic_rss_conf *ctx; /* [cfg->nctx], the confs of cfg->ctx[] */
};

/* Output formats: bits of exp.formats. */
#define EXP_IP	    (1u << 0)
#define EXP_ETHTOOL (1u << 1)
#define EXP_DPDK    (1u << 2)

/* Interface names have at most IFNAMSIZ - 1 bytes. */
#define IFNAME_MAX 15

/* Name of a VF's netdev: the prefix and the VF number. */
#define EXP_DEV_MAX 16

/* Longest "equal N start S" or "weight W0 W1 ..." of a RETA. */
#define EXP_RETA_WORDS (SNIC_RETA_MAX * 6 + 32)

struct exp {
	const struct snic_config *cfg;
	const struct snic_nic *nic;
	const struct snic_profile *p;
	const struct exp_caps *caps;
	const char *dev;	     /* the PF's netdev */
	char vf_prefix[EXP_DEV_MAX]; /* a VF's netdev is this and its number */
	unsigned port;		     /* testpmd port of the PF */
	unsigned formats;	     /* EXP_* */
	FILE *out;
	struct exp_file file;
	struct snic_flow_info *rules; /* in priority order */
	unsigned nrules;
	struct snic_err *err;
};

/* The emitters. Each returns 0 or -EINVAL with x->err filled. */
int exp_ip(struct exp *x);
int exp_ethtool(struct exp *x);
int exp_dpdk(struct exp *x);

/* Read back what exp_file holds from the config's @text, which @cfg was
 * parsed from. 0 or a negative errno with @err filled. */
int exp_file_read(const struct snic_config *cfg, const char *text, size_t len, struct exp_file *f,
		  struct snic_err *err);
void exp_file_free(struct exp_file *f);

/* The driver facts of @profile, or NULL when snic export has none. */
const struct exp_caps *exp_caps_find(const char *profile);

/* Refuse: "PROFILE: message" into x->err; returns -EINVAL. */
int exp_refuse(struct exp *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One output line. */
void exp_line(struct exp *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "pf", "vf3" */
const char *exp_vport_name(const struct exp *x, unsigned vport, char buf[16]);

/* ---- the shape of a RETA ---- */

enum exp_reta_form {
	RETA_EQUAL = 0, /* entry i is start + i % n */
	RETA_WEIGHT,	/* queue start + q owns w[q] shares, in blocks (ethtool's spread) */
	RETA_OTHER,	/* neither */
};

struct exp_reta {
	uint8_t form;	/* enum exp_reta_form */
	unsigned start; /* RETA_EQUAL, RETA_WEIGHT */
	unsigned n;	/* queues of RETA_EQUAL, weights of RETA_WEIGHT */
	uint32_t *w;	/* [n] weights, reduced by their common divisor */
	unsigned bad;	/* RETA_OTHER: the first entry neither form gives ... */
	unsigned want;	/* ... the queue the nearest form puts there */
	char near[48];	/* ... and that form, "equal 8" */
};

/* The form of @c's RETA: equal first, then weight. Returns 0 or -ENOMEM;
 * free r->w with exp_reta_free. */
int exp_reta_form(const struct snic_rss_conf *c, struct exp_reta *r);
void exp_reta_free(struct exp_reta *r);

/* The queues @c's RETA names, ascending, into q[] (SNIC_RETA_MAX); returns
 * how many. */
unsigned exp_reta_queues(const struct snic_rss_conf *c, uint16_t *q);

/* Hex bytes without separators ("6d5a56..."), as testpmd takes a key. */
char *exp_hex(const uint8_t *b, size_t n, char *buf, size_t size);

/* The conf a VF's pool gets from the PF driver where the VF can't set its
 * own: the PF's key, hash function and fields, an equal RETA over the
 * pool's queues. */
void exp_vf_driver_conf(const struct exp *x, unsigned vf, struct snic_rss_conf *c);

/* The first difference of two confs in words ("hkey", "rx-flow-hash udp4",
 * "RETA entry 3"), or NULL when they hash alike. */
const char *exp_conf_diff(const struct snic_rss_conf *a, const struct snic_rss_conf *b, char *buf,
			  size_t size);

#endif
