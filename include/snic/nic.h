/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NIC's control plane: the intended state of one physical function and
 * its virtual functions, as a PF driver and `ip link`/`ethtool` program it.
 *
 * A struct snic_nic belongs to one control thread; nothing in it is
 * thread-safe. Every call checks its arguments against the profile and
 * returns 0 (or a count/id) or a negative errno, filling @err with one line
 * that names the bad value. Changes take effect on the data path only when
 * committed into a new struct snic_cfg (snic_nic_commit).
 *
 * Vports are pools, numbered as the hardware numbers them: VFs own pools
 * 0..numvfs-1 and the PF the next one (snic_nic_pf_vport). With no VFs the
 * PF is pool 0.
 */
#ifndef SNIC_NIC_H
#define SNIC_NIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic/err.h"
#include "snic/flow.h"
#include "snic/profile.h"
#include "snic/rss.h"

struct snic_nic;
struct snic_cfg;

/* VF link state, as `ip link set DEV vf N state`. */
enum snic_link_state {
	SNIC_LINK_AUTO = 0, /* follows the PF's link */
	SNIC_LINK_ENABLE,
	SNIC_LINK_DISABLE,
};

/* Receive mode a function asks for; a VF's is capped by trust, and by the
 * profile's vf_promisc (snic_vf_req_rxmode). */
enum snic_rxmode {
	SNIC_RXMODE_NONE = 0, /* own MACs and broadcast */
	SNIC_RXMODE_MULTI,    /* + the multicast groups it joined */
	SNIC_RXMODE_ALLMULTI, /* + every multicast */
	/* + unicast from the wire to a MAC no pool owns (the PF's pool takes
	 * those in every mode) and every VLAN (not for a VF with a port VLAN).
	 * Unicast to another pool's MAC, and unicast a local pool sends to
	 * the wire, are not copied to it. */
	SNIC_RXMODE_PROMISC,
};

#define SNIC_VLAN_PROTO_8021Q  0x8100
#define SNIC_VLAN_PROTO_8021AD 0x88a8

/* What `ip link show` prints for a VF, plus what the VF asked for. */
struct snic_vf_info {
	uint8_t mac[6]; /* admin or VF-set MAC, all-zero when none */
	bool admin_mac; /* the MAC was set by the PF */
	uint16_t vlan;	/* port VLAN, 0 = none */
	uint8_t qos;
	uint16_t vlan_proto;
	bool spoofchk;
	bool trust;
	bool query_rss;
	uint8_t link_state;   /* enum snic_link_state */
	uint32_t min_tx_rate; /* Mbit/s, 0 = none */
	uint32_t max_tx_rate;
	uint8_t rxmode;	    /* what the VF asked for */
	uint8_t rxmode_eff; /* what it got (capped when untrusted) */
	uint16_t nqueues;
	uint16_t n_mc;		/* multicast groups joined */
	uint16_t n_vlan_filter; /* VLAN filters the VF set */
	uint16_t n_macvlan;	/* extra unicast MACs the VF set */
	bool assigned;		/* held by a consumer (VM, netns port) */
};

/* Create a NIC of profile @p: no VFs, PF MAC @pf_mac, default RSS, link up. */
int snic_nic_new(const struct snic_profile *p, const uint8_t pf_mac[6], struct snic_nic **out,
		 struct snic_err *err);
void snic_nic_free(struct snic_nic *nic);
const struct snic_profile *snic_nic_profile(const struct snic_nic *nic);

/* --- SR-IOV --------------------------------------------------------------- */

/*
 * `echo N > sriov_numvfs`. -EBUSY when another non-zero count is set,
 * -ERANGE above the profile's maximum, -EPERM turning VFs off while one is
 * assigned (they stay). Setting VFs resets their knobs to the defaults.
 * A change of count renumbers the PF's pool and changes every pool's
 * queues: all flow rules and RSS contexts are dropped and the RSS confs
 * come back as the device sets them up.
 */
int snic_nic_set_numvfs(struct snic_nic *nic, unsigned n, struct snic_err *err);
unsigned snic_nic_numvfs(const struct snic_nic *nic);
unsigned snic_nic_pf_vport(const struct snic_nic *nic);
unsigned snic_nic_vport_queues(const struct snic_nic *nic, unsigned vport);
/* Mark a VF held (or released) by a consumer: a VM, a port of snicd. */
int snic_nic_vf_assign(struct snic_nic *nic, unsigned vf, bool assigned, struct snic_err *err);
/* The PF's own link: SNIC_LINK_AUTO VFs follow it. While it is down
 * nothing comes from or goes to the wire; VFs with link enable still
 * switch between themselves. */
int snic_nic_set_link(struct snic_nic *nic, bool up, struct snic_err *err);

/* --- PF knobs (`ip link set DEV vf N ...`) --------------------------------- */

/* All-zero clears the admin MAC. -ENOSPC when the VF had no MAC and the
 * profile's shared MAC filter (mac_filters) is full. */
int snic_vf_set_mac(struct snic_nic *nic, unsigned vf, const uint8_t mac[6], struct snic_err *err);
/* vid 0 with qos 0 removes the port VLAN; proto 802.1Q, or 802.1ad where
 * the profile has it (pvlan_8021ad), else -EPROTONOSUPPORT; vid 0 with a
 * qos is refused (-EINVAL); -ENOSPC when no other VF uses the VID and the
 * profile's shared VLAN filter (vlan_filters) is full. Setting a port VLAN clears the VLAN filters
 * the VF asked for. */
int snic_vf_set_vlan(struct snic_nic *nic, unsigned vf, unsigned vid, unsigned qos, unsigned proto,
		     struct snic_err *err);
int snic_vf_set_spoofchk(struct snic_nic *nic, unsigned vf, bool on, struct snic_err *err);
int snic_vf_set_trust(struct snic_nic *nic, unsigned vf, bool on, struct snic_err *err);
int snic_vf_set_link_state(struct snic_nic *nic, unsigned vf, enum snic_link_state s,
			   struct snic_err *err);
/* Mbit/s; 0 removes the limit. -EOPNOTSUPP where the profile can't;
 * -EINVAL for a maximum of 10 or less (as ixgbe) or above 400000, or a
 * minimum above the maximum. Only the maximum is enforced (snic_tx). */
int snic_vf_set_rate(struct snic_nic *nic, unsigned vf, unsigned min_mbps, unsigned max_mbps,
		     struct snic_err *err);
int snic_vf_set_query_rss(struct snic_nic *nic, unsigned vf, bool on, struct snic_err *err);
int snic_vf_get(const struct snic_nic *nic, unsigned vf, struct snic_vf_info *out,
		struct snic_err *err);

/* --- What a VF asks for itself (the PF/VF mailbox) -------------------------- */

/* Its own MAC: -EPERM when an admin MAC is set and the VF is untrusted;
 * -ENOSPC as snic_vf_set_mac. */
int snic_vf_req_mac(struct snic_nic *nic, unsigned vf, const uint8_t mac[6], struct snic_err *err);
/* Replace its multicast list: -ENOSPC above the profile's vf_mc_max. */
int snic_vf_req_mc(struct snic_nic *nic, unsigned vf, const uint8_t (*macs)[6], unsigned n,
		   struct snic_err *err);
/* Add or remove a VLAN filter: -EPERM while a port VLAN is set; -ENOSPC
 * to add a VID no other VF uses when the profile's shared VLAN filter is
 * full. VID 0 (priority tags, taken as untagged) is accepted and changes
 * nothing. */
int snic_vf_req_vlan(struct snic_nic *nic, unsigned vf, unsigned vid, bool add,
		     struct snic_err *err);
/* Add or remove an extra unicast MAC (MACVLAN filter): -EPERM to add when
 * an admin MAC is set and the VF is untrusted (as ixgbe), -ENOSPC when the
 * profile's shared MAC filter is full (82599: 128 entries for the PF's
 * MAC, the VF MACs and all MACVLAN filters) or the NIC's 4096 extra MAC
 * entries are in use. */
int snic_vf_req_macvlan(struct snic_nic *nic, unsigned vf, const uint8_t mac[6], bool add,
			struct snic_err *err);
/* Receive mode; an untrusted VF gets at most SNIC_RXMODE_MULTI, and keeps
 * its request for when it is trusted. Where the profile gives VFs no
 * promiscuous mode (82599, 82576), a trusted VF's PROMISC is refused
 * (-EOPNOTSUPP) and a kept one gets ALLMULTI once trusted. VFs (and the
 * PF) start at MULTI, what ixgbevf asks for on an interface with
 * IFF_MULTICAST. */
int snic_vf_req_rxmode(struct snic_nic *nic, unsigned vf, enum snic_rxmode m, struct snic_err *err);

/* --- The PF's own filters ----------------------------------------------------- */

int snic_pf_set_mac(struct snic_nic *nic, const uint8_t mac[6], struct snic_err *err);
int snic_pf_set_rxmode(struct snic_nic *nic, enum snic_rxmode m, struct snic_err *err);
int snic_pf_set_mc(struct snic_nic *nic, const uint8_t (*macs)[6], unsigned n,
		   struct snic_err *err);
/* Add or remove an extra unicast MAC of the PF (`bridge fdb add ... self`,
 * a macvlan on the PF). -ENOSPC when the NIC's MAC filter is full (as
 * snic_vf_req_macvlan). */
int snic_pf_set_macvlan(struct snic_nic *nic, const uint8_t mac[6], bool add, struct snic_err *err);
/* The PF's VLAN filter; with none set the PF takes untagged and every VLAN. */
int snic_pf_set_vlan(struct snic_nic *nic, unsigned vid, bool add, struct snic_err *err);
/* Largest frame any pool takes (MTU + L2; a tagged frame may be 4 bytes
 * longer per tag), 82..the profile's max_frame. Default 1514. */
int snic_nic_set_max_frame(struct snic_nic *nic, unsigned bytes, struct snic_err *err);

/* --- RSS -------------------------------------------------------------------- */

/*
 * The RSS conf of @vport. Where the profile shares one key and RETA among
 * all pools (82599), only the PF may set it, and a VF may read it only with
 * query_rss on (-EPERM otherwise). Checked with snic_profile_check_rss.
 */
int snic_nic_rss_set(struct snic_nic *nic, unsigned vport, const struct snic_rss_conf *c,
		     struct snic_err *err);
int snic_nic_rss_get(const struct snic_nic *nic, unsigned vport, struct snic_rss_conf *out,
		     struct snic_err *err);
/* `ethtool -X DEV context new ...`: returns the new context id (>= 1). */
int snic_nic_rss_ctx_new(struct snic_nic *nic, unsigned vport, const struct snic_rss_conf *c,
			 struct snic_err *err);
int snic_nic_rss_ctx_del(struct snic_nic *nic, unsigned ctx, struct snic_err *err);

/* --- Flow rules ----------------------------------------------------------------- */

int snic_flow_validate(const struct snic_nic *nic, const struct snic_flow_rule *r,
		       struct snic_err *err);
/* Validate and add; returns the rule id (>= 0). */
int snic_flow_create(struct snic_nic *nic, const struct snic_flow_rule *r, struct snic_err *err);
int snic_flow_destroy(struct snic_nic *nic, unsigned id, struct snic_err *err);
/* Up to @cap rules in priority order; returns how many there are. */
int snic_flow_list(const struct snic_nic *nic, struct snic_flow_info *out, unsigned cap);

/* --- The steering hook ------------------------------------------------------------- */

/* Load the plugin at @path (a shared object, see snic/plugin.h) with @args;
 * NULL @path removes it. */
int snic_nic_set_plugin(struct snic_nic *nic, const char *path, const char *args,
			struct snic_err *err);

/* --- Commit ---------------------------------------------------------------------- */

/*
 * Compile the current state into an immutable snapshot for the data path.
 * The snapshot does not refer to @nic and stays valid after later changes
 * and after snic_nic_free (it holds its own reference to the plugin).
 */
int snic_nic_commit(struct snic_nic *nic, struct snic_cfg **out, struct snic_err *err);
void snic_cfg_free(struct snic_cfg *cfg);
/* Does the snapshot call a steering hook (a plugin, which may keep state
 * of its own across frames)? */
bool snic_cfg_has_hook(const struct snic_cfg *cfg);

/* --- Reading the state back --------------------------------------------------------- */

/*
 * What a front-end that reproduces the state elsewhere (snic export) reads.
 * None of these changes @nic; like every call here, they belong to the
 * control thread that owns it. The lists are copied out: up to @cap
 * entries into @out (which may be NULL when @cap is 0), and the return is
 * how many there are, so that a caller may size @out with a first call.
 */

/* The PF's own settings: snic_pf_set_*, snic_nic_set_link. */
struct snic_pf_info {
	uint8_t mac[6];
	uint8_t rxmode;	    /* enum snic_rxmode asked for */
	bool link_up;	    /* the PF's link (snic_nic_set_link) */
	unsigned n_mc;	    /* multicast groups: snic_pf_mc_list */
	unsigned n_macvlan; /* extra unicast MACs: snic_pf_macvlan_list */
	unsigned n_vlan;    /* VIDs of the VLAN filter: snic_pf_vlan_list */
};

void snic_pf_get(const struct snic_nic *nic, struct snic_pf_info *out);

/* The groups of snic_pf_set_mc, in the order given there. */
unsigned snic_pf_mc_list(const struct snic_nic *nic, uint8_t (*out)[6], unsigned cap);

/* The MACs snic_pf_set_macvlan added and did not remove, oldest first;
 * each once, however often it was added. */
unsigned snic_pf_macvlan_list(const struct snic_nic *nic, uint8_t (*out)[6], unsigned cap);

/* The VIDs of the PF's VLAN filter, ascending, each once; never VID 0,
 * which the filter always passes (snic_pf_set_vlan). */
unsigned snic_pf_vlan_list(const struct snic_nic *nic, uint16_t *out, unsigned cap);

/* The largest frame any pool takes: snic_nic_set_max_frame's bytes, or the
 * default. */
unsigned snic_nic_max_frame(const struct snic_nic *nic);

/* The ids of the RSS contexts in use (snic_nic_rss_ctx_new), ascending. */
unsigned snic_nic_rss_ctx_list(const struct snic_nic *nic, unsigned *out, unsigned cap);

/* Context @ctx: the vport it was made on into *vport and its conf into
 * @out, as snic_nic_rss_ctx_new took it. -ENOENT when no context @ctx is
 * in use. */
int snic_nic_rss_ctx_get(const struct snic_nic *nic, unsigned ctx, unsigned *vport,
			 struct snic_rss_conf *out, struct snic_err *err);

#endif
