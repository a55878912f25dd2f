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

/* Flow types of `ethtool -N DEV flow-type`: bits of exp_ntuple.types. */
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

/* How a driver takes `ip link set DEV vf N query_rss`. */
enum exp_qrss {
	QRSS_NONE = 0, /* it has no such knob */
	QRSS_SHARED,   /* where VFs read the PF's key and RETA (SNIC_Q_VF_RSS_READONLY) */
	QRSS_ALL,      /* on every device of the family */
};

/* ethtool -N DEV flow-type ...: the rules the Linux driver takes. */
struct exp_ntuple {
	uint16_t types; /* NT_BIT(enum exp_nt) taken by flow-type */
	uint32_t match; /* SNIC_FM_* a rule may match on */
	bool partial;	/* masks other than all-ones (prefixes, port ranges) */
	bool one_mask;	/* every rule must use the same fields and masks */
	bool vf;	/* `vf N queue Q`: a VF's queue */
	bool context;	/* `context N`: an RSS context */
	bool vlan_vid;	/* a VLAN match must be on the whole VID and nothing else */
};

/* What the PF driver takes for a VF, and what a VF's own netdev takes. */
struct exp_vf_knobs {
	bool link_state;   /* ip link set DEV vf N state */
	uint8_t query_rss; /* enum exp_qrss */
	bool rxfh;	   /* a VF's netdev takes ethtool -X and rx-flow-hash */
};

/* testpmd: what the DPDK PMDs take. */
struct exp_pmd {
	bool flow;    /* rte_flow on the PF's port */
	bool vf_flow; /* rte_flow on a VF's port */
	bool tunnel;  /* vxlan/geneve vni and gtpu teid items */
	bool mark;    /* the mark action */
	bool vf_rss;  /* a VF's port takes its own key and RETA, where the device has them */
};

/*
 * What a family of profiles' drivers take beyond what struct snic_profile
 * says: the Linux driver through ethtool and ip, the DPDK PMD through
 * testpmd. A profile belongs to the family it is named as ("mlx5") or
 * after ("ixgbe-x550"). export.c holds the table and its sources.
 */
struct exp_caps {
	const char *family;
	const char *driver; /* the Linux driver, for messages */
	const char *pmd;    /* the DPDK PMD, for messages */
	struct exp_ntuple nt;
	struct exp_vf_knobs vf;
	struct exp_pmd dp;
};

/* An RSS context of the NIC, and the name the file gave it. */
struct exp_ctx {
	unsigned id;
	unsigned vport;
	const char *name; /* "" when the file gave none */
	struct snic_rss_conf conf;
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
	struct exp_ctx *ctx; /* in id order */
	unsigned nctx;
	struct snic_flow_info *rules; /* in priority order */
	unsigned nrules;
	struct snic_err *err;
};

/* The emitters. Each returns 0 or -EINVAL with x->err filled. */
int exp_ip(struct exp *x);
int exp_ethtool(struct exp *x);
int exp_dpdk(struct exp *x);

/* The driver facts of @profile's family, or NULL when snic export has none. */
const struct exp_caps *exp_caps_find(const char *profile);

/* Context @id, or NULL. */
const struct exp_ctx *exp_ctx_find(const struct exp *x, unsigned id);

/* Refuse: "PROFILE: message" into x->err; returns -EINVAL. */
int exp_refuse(struct exp *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One output line. */
void exp_line(struct exp *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Text being put together in @buf: what does not fit makes off reach
 * size, and nothing is put after that. */
struct exp_buf {
	char *buf;
	size_t size, off;
};

#define EXP_BUF(array)                                                                             \
	{                                                                                          \
		(array), sizeof(array), 0                                                          \
	}

/* Append to @b as printf does; @b->buf stays a string. */
void exp_put(struct exp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether all that was put fitted. */
static inline bool exp_fits(const struct exp_buf *b)
{
	return b->off < b->size;
}

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

/* "equal N" or, with @weights, "weight W0 W1 ..."; then " start S" when
 * r->start is not 0: ethtool -X's words for @r. */
void exp_reta_words(const struct exp_reta *r, bool weights, struct exp_buf *b);

/* The queues @c's RETA names, ascending, into q[] (SNIC_RETA_MAX); returns
 * how many. */
unsigned exp_reta_queues(const struct snic_rss_conf *c, uint16_t *q);

/* ---- a VF's RSS ---- */

/* Who sets a VF pool's RSS, as far as one tool can say it. */
enum exp_vf_rss {
	VF_RSS_NONE = 0, /* no one: VF pools share the PF's RSS, or have none */
	VF_RSS_DRIVER,	 /* the PF driver, as it sets up the pool */
	VF_RSS_OWN,	 /* the VF, through its own interface or port */
};

/* Who sets the VFs' RSS on @x's profile, where the tool reaches a VF's
 * own interface or port when @own. */
enum exp_vf_rss exp_vf_rss(const struct exp *x, bool own);

/*
 * For VF_RSS_DRIVER: whether VF @vf's conf is what the PF driver gives its
 * pool (the PF's key, hash function and fields, an equal RETA over the
 * pool's queues). 0 when it is; 1 with the first difference in words in
 * @diff ("hkey", "rx-flow-hash udp4", "RETA entry 3 (queue 1, not 3)") and
 * the equal RETA's queues in *nq; or a negative errno with x->err filled.
 */
int exp_vf_driver_diff(struct exp *x, unsigned vf, char *diff, size_t size, unsigned *nq);

#endif
