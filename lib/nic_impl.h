/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state behind struct snic_nic, shared by the control-plane files:
 * nic.c (knobs and mailbox requests), sriov.c (VF count, pools, queues,
 * the filter tables pools share),
 * nic_rss.c (RSS confs and contexts), flow.c (rules) and cfg.c (commit).
 * One control thread owns all of it.
 */
#ifndef SNIC_NIC_IMPL_H
#define SNIC_NIC_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "snic/ctr.h"
#include "snic/nic.h"

/* Largest pool count any profile may have; snic_nic_new refuses more. */
#define SNIC_POOLS_MAX 512

/* Bitmap words of a 4096-entry VLAN filter. */
#define SNIC_VLAN_WORDS 64

/* Extra unicast MACs (VF MACVLAN filters and PF unicast entries) the whole
 * NIC holds: the size of snic's FDB, where ixgbe has 128 RAR entries. */
#define SNIC_UC_MAX 4096

/* Multicast groups the PF may join (ixgbe's MTA is a 4096-bit hash). */
#define SNIC_PF_MC_MAX 4096

/* Max frame = MTU + the Ethernet header, no FCS; a frame may exceed it by
 * 4 bytes per VLAN tag it carries (82599 MHADD.MFS). Smallest: ETH_MIN_MTU
 * 68; default: MTU 1500. */
#define SNIC_MAX_FRAME_MIN     82
#define SNIC_MAX_FRAME_DEFAULT 1514

/* Rates above this are refused: the fastest port snic models (Mbit/s). */
#define SNIC_RATE_MAX_MBPS 400000u

/* A list of MAC addresses. */
struct snic_maclist {
	uint8_t (*mac)[6];
	unsigned n;
	unsigned cap;
};

/* What a VF and the PF have in common: filters that select what they get. */
struct snic_fn {
	uint8_t mac[6];
	uint8_t rxmode;		/* enum snic_rxmode asked for */
	struct snic_maclist mc; /* multicast groups joined */
	struct snic_maclist uc; /* extra unicast MACs (MACVLAN filters) */
	uint64_t vlan[SNIC_VLAN_WORDS];
	uint16_t n_vlan; /* VIDs set in vlan[] */
};

struct snic_vf {
	struct snic_fn fn;
	bool admin_mac;
	bool spoofchk;
	bool trust;
	bool query_rss;
	bool assigned;
	uint8_t link_state; /* enum snic_link_state */
	uint16_t pvid;	    /* port VLAN, 0 = none */
	uint8_t qos;
	uint16_t vlan_proto;
	uint32_t min_rate; /* Mbit/s */
	uint32_t max_rate;
};

/* An extra RSS context (`ethtool -X DEV context new`). */
struct snic_rss_ctx {
	bool used;
	uint16_t vport;
	struct snic_rss_conf conf;
};

/* A flow rule at its counter slot. */
struct snic_rule_slot {
	bool used;
	uint32_t id;
	struct snic_flow_rule rule;
};

struct snic_plug;

struct snic_nic {
	const struct snic_profile *p;
	unsigned numvfs;
	struct snic_vf *vf; /* [p->max_vfs] */
	struct snic_fn pf;
	bool link_up;
	uint16_t max_frame;
	unsigned n_uc; /* extra unicast MACs in use, all functions */

	/* RSS: one conf per pool (rss_per_pool) or one shared, at [0]. */
	struct snic_rss_conf *rss; /* [p->max_pools] or [1] */
	struct snic_rss_ctx *ctx;  /* [p->rss_contexts] */

	struct snic_rule_slot *rules; /* [SNIC_CTR_MAX_RULES] */
	unsigned nrules;
	unsigned next_slot;
	uint32_t next_id;

	struct snic_plug *plug; /* NULL: no steering hook */
};

/* --- sriov.c ------------------------------------------------------------ */

/* Pools in use: the VFs' and the PF's. */
static inline unsigned snic_nic_npools(const struct snic_nic *nic)
{
	return nic->numvfs + 1;
}

/* Queues of every pool while @numvfs VFs are enabled. */
unsigned snic_sriov_pool_queues(const struct snic_profile *p, unsigned numvfs);
/* RETA entries @vport's conf must have, 0 when the profile decides. */
unsigned snic_sriov_reta_size(const struct snic_nic *nic, unsigned vport);
/* A VF's knobs as `echo N > sriov_numvfs` leaves them. */
void snic_vf_defaults(struct snic_vf *vf);
/* -EINVAL unless @vf is an enabled VF. */
int snic_check_vf(const struct snic_nic *nic, unsigned vf, struct snic_err *err);
/* -EINVAL unless @vport is a pool in use. */
int snic_check_vport(const struct snic_nic *nic, unsigned vport, struct snic_err *err);

/* No VF left out of a count. */
#define SNIC_NO_VF 0xffffffffu

/* Entries of the profile's shared MAC filter in use: the PF's MAC, every VF
 * MAC set, every extra unicast MAC. */
unsigned snic_mac_filters_used(const struct snic_nic *nic);
/* 0 when one more MAC entry fits, else -ENOSPC; @who and @mac name the
 * request in the message. */
int snic_check_mac_room(const struct snic_nic *nic, const char *who, const uint8_t mac[6],
			struct snic_err *err);
/* 0 when VID @vid can be added to a VF (used by another VF already, VID 0,
 * no limit, or a free entry) counting the VLAN filters and port VLANs of
 * every VF but @skip (SNIC_NO_VF: none); else -ENOSPC. */
int snic_check_vlan_room(const struct snic_nic *nic, const char *who, unsigned vid, unsigned skip,
			 struct snic_err *err);

/* --- nic.c -------------------------------------------------------------- */

void snic_fn_reset(struct snic_fn *fn);
/* The receive mode a VF gets: capped at MULTI when untrusted. */
enum snic_rxmode snic_vf_rxmode_eff(const struct snic_profile *p, const struct snic_vf *vf);

/* --- nic_rss.c ---------------------------------------------------------- */

/* Confs and contexts as the device comes up with the current pools. */
void snic_nic_rss_reset(struct snic_nic *nic);

/* --- flow.c ------------------------------------------------------------- */

/* Drop every rule (a change of pools invalidates them). */
void snic_flow_flush(struct snic_nic *nic);
/* Whether a rule uses RSS context @ctx. */
bool snic_flow_uses_ctx(const struct snic_nic *nic, unsigned ctx);

/* --- helpers shared by the files above ------------------------------------ */

static inline bool snic_mac_is_zero(const uint8_t m[6])
{
	return !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
}

static inline bool snic_mac_is_mcast(const uint8_t m[6])
{
	return m[0] & 1;
}

static inline bool snic_vlan_test(const uint64_t *bits, unsigned vid)
{
	return (bits[vid >> 6] >> (vid & 63)) & 1;
}

/* "02:00:00:00:00:01" into @buf (18 bytes); returns @buf. */
char *snic_mac_str(const uint8_t m[6], char buf[18]);

#endif
