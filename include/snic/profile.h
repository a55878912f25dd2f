/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Profiles: the limits and quirks of real NICs that snic imitates. A
 * profile is static, read-only data; every fact in lib/profile.c cites the
 * public driver code or datasheet it comes from.
 */
#ifndef SNIC_PROFILE_H
#define SNIC_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic/rss.h"

/* Queues per pool as a function of the number of pools in use: the first
 * row whose max_pools >= pools in use applies. */
struct snic_pool_queues {
	uint16_t max_pools;
	uint16_t queues;
};

#define SNIC_POOL_QUEUES_ROWS 4

/* Quirks: behaviour of a device that differs from the common one. */
#define SNIC_Q_VF_RSS_READONLY (1u << 0) /* VFs only read the shared key/RETA (query_rss) */
#define SNIC_Q_UDP_L3_ONLY     (1u << 1) /* UDP hashed on addresses until told otherwise */
#define SNIC_Q_FRAG_L3_ONLY    (1u << 2) /* fragments hashed on addresses only */
#define SNIC_Q_NO_SRIOV	       (1u << 3) /* no VFs (virtio-net, ENA as a VF itself) */
#define SNIC_Q_FIELD_PAIRS     (1u << 4) /* s only with d, f only with n, ports only with addresses */
#define SNIC_Q_VF_NO_RSS       (1u << 5) /* VFs get no RSS: their pool's traffic goes to its queue 0 */

struct snic_profile {
	const char *name; /* "ixgbe-82599" */
	const char *desc; /* one line: device and driver */

	/* SR-IOV */
	uint16_t max_vfs;
	uint16_t max_pools; /* VMDq pools, PF's included */
	struct snic_pool_queues pool_queues[SNIC_POOL_QUEUES_ROWS];
	uint16_t max_queues; /* queues of the PF alone, no VFs */
	uint16_t vf_mc_max;  /* multicast addresses a VF may join */
	bool tx_rate_max;    /* max_tx_rate supported */
	bool tx_rate_min;    /* min_tx_rate supported */

	/* RSS */
	uint8_t key_size;	    /* bytes */
	uint16_t reta_size;	    /* entries (per pool when rss_per_pool) */
	uint16_t vf_reta_size;	    /* entries of a VF's own RETA, 0 = same as PF */
	uint8_t reta_rule;	    /* enum snic_reta_rule */
	uint16_t rss_max_queues;    /* queues the RETA may name */
	uint32_t hfuncs;	    /* 1u << enum snic_hfunc allowed */
	bool rss_per_pool;	    /* each pool has its own key and RETA */
	uint16_t rss_contexts;	    /* extra contexts (ethtool -X context new), 0 = none */
	const uint8_t *default_key; /* key_size bytes */
	uint8_t default_fields[SNIC_FT_COUNT]; /* SNIC_RXH_* per flow type */
	uint8_t field_caps[SNIC_FT_COUNT];     /* fields the device can select */
	uint32_t quirks;		       /* SNIC_Q_* */
	uint16_t max_frame; /* largest frame accepted, bytes: the driver's largest MTU + 18
			     * (Ethernet header and one VLAN tag; no FCS) */

	uint8_t default_hfunc;		   /* enum snic_hfunc the device comes up with */
	uint8_t field_must[SNIC_FT_COUNT]; /* fields that can't be deselected (ixgbe: tcp4 sdfn) */
	uint16_t reta_size_novf;	   /* the PF's RETA while no VF exists, 0 = reta_size */
	uint16_t reta_size_max;		   /* RETA grows with queues up to this, 0 = fixed */
	uint8_t reta_spread;		   /* ...to a power of two >= this many entries a queue */
	uint32_t rss_flags;		   /* SNIC_RSS_* the device can do (inner, teid) */

	/* Filter tables all pools share, and what a VF may be given. */
	uint16_t mac_filters;  /* unicast MAC entries (82599: RAR) for the PF's MAC, VF MACs and
				* every MACVLAN filter together; 0 = not limited by the device */
	uint16_t vlan_filters; /* distinct VLAN IDs 1..4095 the VFs' VLAN filters and port VLANs
				* may use together (82599: VLVF; the PF's VLANs take none);
				* 0 = not limited */
	bool pvlan_8021ad;     /* a port VLAN may be 802.1ad (an S-tag), not only 802.1Q */
	bool vf_promisc;       /* a trusted VF may ask for unicast promiscuous mode */
};

/* The profile called @name, or NULL. */
const struct snic_profile *snic_profile_find(const char *name);

/* All profiles, in a fixed order; *n receives the count. */
const struct snic_profile *const *snic_profiles(size_t *n);

/* Queues per pool when @pools pools are in use (VFs + the PF's); 0 when the
 * device has fewer pools. */
unsigned snic_profile_pool_queues(const struct snic_profile *p, unsigned pools);

/*
 * A conf as the device comes up (no VFs yet): default key, hash function,
 * fields, and a RETA spread equally over @nqueues (clamped to 1..what the
 * RETA can name), entry i naming queue i % nqueues as drivers fill it.
 */
void snic_profile_rss_default(const struct snic_profile *p, unsigned nqueues,
			      struct snic_rss_conf *c);

/*
 * Check @c against what the device can do: key size, hash function, RETA
 * size (any size the device takes: the PF's, a VF's, without VFs, or
 * grown with queues) and rule, RETA entries < rss_max_queues, fields per
 * flow type (within field_caps, field_must kept, pairs where the device
 * pairs them), RSS flags. Returns 0 or -EINVAL with @err naming the bad
 * value and what the profile allows. snic_rss_check() checks the rest.
 */
int snic_profile_check_rss(const struct snic_profile *p, const struct snic_rss_conf *c,
			   struct snic_err *err);

#endif
