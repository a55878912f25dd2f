/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's state and knobs: the PF's `ip link set DEV vf N ...`
 * settings, the PF's own filters, and what a VF asks for over the ixgbe
 * PF/VF mailbox (ixgbe_sriov.c, ixgbe_rcv_msg_from_vf).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/nic.h"
#include "snic/profile.h"

#include "nic_impl.h"
#include "plugin_impl.h"

char *snic_mac_str(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

/* --- MAC lists ------------------------------------------------------------ */

static int maclist_find(const struct snic_maclist *l, const uint8_t mac[6])
{
	for (unsigned i = 0; i < l->n; i++)
		if (!memcmp(l->mac[i], mac, 6))
			return (int)i;
	return -1;
}

static int maclist_reserve(struct snic_maclist *l, unsigned n)
{
	uint8_t(*m)[6];
	unsigned cap = l->cap ? l->cap : 8;

	if (n <= l->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	m = realloc(l->mac, cap * sizeof(*m));
	if (!m)
		return -ENOMEM;
	l->mac = m;
	l->cap = cap;
	return 0;
}

static int maclist_add(struct snic_maclist *l, const uint8_t mac[6])
{
	if (maclist_reserve(l, l->n + 1))
		return -ENOMEM;
	memcpy(l->mac[l->n++], mac, 6);
	return 0;
}

static void maclist_del(struct snic_maclist *l, unsigned i)
{
	memmove(l->mac[i], l->mac[i + 1], (l->n - i - 1) * sizeof(*l->mac));
	l->n--;
}

void snic_fn_reset(struct snic_fn *fn)
{
	memset(fn->mac, 0, sizeof(fn->mac));
	fn->rxmode = SNIC_RXMODE_MULTI;
	fn->mc.n = 0;
	fn->uc.n = 0;
	memset(fn->vlan, 0, sizeof(fn->vlan));
	fn->n_vlan = 0;
}

static void fn_free(struct snic_fn *fn)
{
	free(fn->mc.mac);
	free(fn->uc.mac);
}

/* Replace a multicast list: every entry must be a group address. */
static int fn_set_mc(struct snic_fn *fn, const char *who, const uint8_t (*macs)[6], unsigned n,
		     struct snic_err *err)
{
	char s[18];

	for (unsigned i = 0; i < n; i++)
		if (!snic_mac_is_mcast(macs[i]))
			return snic_errf(err, -EINVAL, "%s: %s is not a multicast address", who,
					 snic_mac_str(macs[i], s));
	if (maclist_reserve(&fn->mc, n))
		return snic_errf(err, -ENOMEM, "%s: out of memory for %u groups", who, n);
	if (n)
		memcpy(fn->mc.mac, macs, n * sizeof(*macs));
	fn->mc.n = n;
	return 0;
}

/* VID 0 marks priority-tagged frames, which every filter passes as
 * untagged: adding or removing it changes nothing (as Linux's 8021q adds
 * VID 0 to every device). */
static void fn_set_vlan(struct snic_fn *fn, unsigned vid, bool add)
{
	uint64_t bit = 1ull << (vid & 63);
	bool had = fn->vlan[vid >> 6] & bit;

	if (!vid)
		return;
	if (add && !had) {
		fn->vlan[vid >> 6] |= bit;
		fn->n_vlan++;
	} else if (!add && had) {
		fn->vlan[vid >> 6] &= ~bit;
		fn->n_vlan--;
	}
}

/* Add or remove an extra unicast MAC, counted against the NIC's FDB. */
static int fn_set_uc(struct snic_nic *nic, struct snic_fn *fn, const char *who,
		     const uint8_t mac[6], bool add, struct snic_err *err)
{
	int i = maclist_find(&fn->uc, mac), rc;
	char s[18];

	if (!add) {
		if (i < 0)
			return snic_errf(err, -ENOENT, "%s: %s is not in its MAC filter", who,
					 snic_mac_str(mac, s));
		maclist_del(&fn->uc, (unsigned)i);
		nic->n_uc--;
		return 0;
	}
	if (snic_mac_is_zero(mac) || snic_mac_is_mcast(mac))
		return snic_errf(err, -EINVAL, "%s: %s is not a unicast address", who,
				 snic_mac_str(mac, s));
	if (i >= 0)
		return 0;
	rc = snic_check_mac_room(nic, who, mac, err);
	if (rc)
		return rc;
	if (nic->n_uc >= SNIC_UC_MAX)
		return snic_errf(err, -ENOSPC, "%s: %s: all %u MAC filter entries are in use", who,
				 snic_mac_str(mac, s), SNIC_UC_MAX);
	if (maclist_add(&fn->uc, mac))
		return snic_errf(err, -ENOMEM, "%s: out of memory", who);
	nic->n_uc++;
	return 0;
}

/* --- Life cycle ------------------------------------------------------------- */

static int nic_check_profile(const struct snic_profile *p, struct snic_err *err)
{
	if (p->max_pools > SNIC_POOLS_MAX || p->max_vfs >= SNIC_POOLS_MAX)
		return snic_errf(err, -EINVAL, "profile %s: %u pools, snic handles %u", p->name,
				 p->max_pools, SNIC_POOLS_MAX);
	if (p->max_vfs && p->max_vfs + 1u > p->max_pools)
		return snic_errf(err, -EINVAL, "profile %s: %u VFs need more than %u pools",
				 p->name, p->max_vfs, p->max_pools);
	return 0;
}

static int nic_alloc(struct snic_nic *nic)
{
	const struct snic_profile *p = nic->p;
	unsigned nconf = p->rss_per_pool ? (p->max_pools ? p->max_pools : 1) : 1;

	nic->vf = calloc(p->max_vfs ? p->max_vfs : 1, sizeof(*nic->vf));
	nic->rss = calloc(nconf, sizeof(*nic->rss));
	nic->ctx = calloc(p->rss_contexts ? p->rss_contexts : 1, sizeof(*nic->ctx));
	nic->rules = calloc(SNIC_CTR_MAX_RULES, sizeof(*nic->rules));
	if (!nic->vf || !nic->rss || !nic->ctx || !nic->rules)
		return -ENOMEM;
	return 0;
}

int snic_nic_new(const struct snic_profile *p, const uint8_t pf_mac[6], struct snic_nic **out,
		 struct snic_err *err)
{
	struct snic_nic *nic;
	char s[18];
	int rc;

	rc = nic_check_profile(p, err);
	if (rc)
		return rc;
	if (snic_mac_is_zero(pf_mac) || snic_mac_is_mcast(pf_mac))
		return snic_errf(err, -EINVAL, "pf mac %s is not a unicast address",
				 snic_mac_str(pf_mac, s));
	nic = calloc(1, sizeof(*nic));
	if (!nic)
		goto err_nomem;
	nic->p = p;
	if (nic_alloc(nic))
		goto err_free;
	for (unsigned i = 0; i < p->max_vfs; i++)
		snic_vf_defaults(&nic->vf[i]);
	snic_fn_reset(&nic->pf);
	memcpy(nic->pf.mac, pf_mac, 6);
	nic->link_up = true;
	nic->max_frame = p->max_frame && p->max_frame < SNIC_MAX_FRAME_DEFAULT
				 ? p->max_frame
				 : SNIC_MAX_FRAME_DEFAULT;
	snic_nic_rss_reset(nic);
	*out = nic;
	return 0;

err_free:
	snic_nic_free(nic);
err_nomem:
	return snic_errf(err, -ENOMEM, "nic of profile %s: out of memory", p->name);
}

void snic_nic_free(struct snic_nic *nic)
{
	if (!nic)
		return;
	snic_plug_put(nic->plug);
	if (nic->vf)
		for (unsigned i = 0; i < nic->p->max_vfs; i++)
			fn_free(&nic->vf[i].fn);
	fn_free(&nic->pf);
	free(nic->rules);
	free(nic->ctx);
	free(nic->rss);
	free(nic->vf);
	free(nic);
}

const struct snic_profile *snic_nic_profile(const struct snic_nic *nic)
{
	return nic->p;
}

int snic_nic_set_link(struct snic_nic *nic, bool up, struct snic_err *err)
{
	(void)err;
	nic->link_up = up;
	return 0;
}

/* --- PF knobs on a VF ---------------------------------------------------------- */

/* A VF's first MAC takes an entry of the shared MAC filter; a change of
 * MAC reuses its entry, clearing it frees the entry. */
static int vf_mac_room(const struct snic_nic *nic, unsigned vf, const uint8_t mac[6],
		       struct snic_err *err)
{
	char who[16];

	if (snic_mac_is_zero(mac) || !snic_mac_is_zero(nic->vf[vf].fn.mac))
		return 0;
	snprintf(who, sizeof(who), "vf %u", vf);
	return snic_check_mac_room(nic, who, mac, err);
}

/*
 * `ip link set DEV vf N mac M`. An all-zero MAC clears the admin MAC and
 * lets the VF choose again (ixgbe_ndo_set_vf_mac); a group address is
 * refused.
 */
int snic_vf_set_mac(struct snic_nic *nic, unsigned vf, const uint8_t mac[6], struct snic_err *err)
{
	int rc = snic_check_vf(nic, vf, err);
	char s[18];

	if (rc)
		return rc;
	if (snic_mac_is_mcast(mac))
		return snic_errf(err, -EINVAL, "vf %u: mac %s is a multicast address", vf,
				 snic_mac_str(mac, s));
	rc = vf_mac_room(nic, vf, mac, err);
	if (rc)
		return rc;
	memcpy(nic->vf[vf].fn.mac, mac, 6);
	nic->vf[vf].admin_mac = !snic_mac_is_zero(mac);
	return 0;
}

static int check_vlan_args(const struct snic_profile *p, unsigned vf, unsigned vid, unsigned qos,
			   unsigned proto, struct snic_err *err)
{
	if (vid > 4095)
		return snic_errf(err, -EINVAL, "vf %u: vlan %u is out of range 0..4095", vf, vid);
	if (qos > 7)
		return snic_errf(err, -EINVAL, "vf %u: qos %u is out of range 0..7", vf, qos);
	if (proto != SNIC_VLAN_PROTO_8021Q && proto != SNIC_VLAN_PROTO_8021AD)
		return snic_errf(err, -EPROTONOSUPPORT,
				 "vf %u: vlan proto 0x%04x is neither 802.1Q nor 802.1ad", vf,
				 proto);
	/* ixgbe, igb and mlx5 take 802.1Q port VLANs only (see profile.c). */
	if (proto == SNIC_VLAN_PROTO_8021AD && !p->pvlan_8021ad)
		return snic_errf(err, -EPROTONOSUPPORT,
				 "vf %u: vlan proto 802.1ad: %s takes 802.1Q port VLANs only", vf,
				 p->name);
	/* A port VLAN 0 with a priority would tag with VID 0, which snic
	 * treats as untagged: refused rather than half-modelled. */
	if (!vid && qos)
		return snic_errf(err, -EINVAL, "vf %u: qos %u needs a vlan id 1..4095", vf, qos);
	return 0;
}

/*
 * `ip link set DEV vf N vlan VID qos Q proto P`: a port VLAN. Setting one
 * clears the VLAN filters the VF asked for (ixgbe_clear_vf_vlans) and the
 * VF may not add others while it stays. The port VLAN takes a shared VLAN
 * filter entry unless another VF uses its VID (ixgbe_enable_port_vlan
 * adds it with ixgbe_set_vf_vlan, which fails on a full VLVF).
 */
int snic_vf_set_vlan(struct snic_nic *nic, unsigned vf, unsigned vid, unsigned qos, unsigned proto,
		     struct snic_err *err)
{
	struct snic_vf *v;
	int rc = snic_check_vf(nic, vf, err);
	char who[16];

	if (rc)
		return rc;
	rc = check_vlan_args(nic->p, vf, vid, qos, proto, err);
	if (rc)
		return rc;
	snprintf(who, sizeof(who), "vf %u", vf);
	rc = snic_check_vlan_room(nic, who, vid, vf, err);
	if (rc)
		return rc;
	v = &nic->vf[vf];
	v->pvid = (uint16_t)vid;
	v->qos = (uint8_t)qos;
	v->vlan_proto = vid ? (uint16_t)proto : SNIC_VLAN_PROTO_8021Q;
	if (vid) {
		memset(v->fn.vlan, 0, sizeof(v->fn.vlan));
		v->fn.n_vlan = 0;
	}
	return 0;
}

int snic_vf_set_spoofchk(struct snic_nic *nic, unsigned vf, bool on, struct snic_err *err)
{
	int rc = snic_check_vf(nic, vf, err);

	if (!rc)
		nic->vf[vf].spoofchk = on;
	return rc;
}

/* Trust takes effect at once: an untrusted VF's receive mode is capped
 * again when its trust is removed (ixgbe_ndo_set_vf_trust resets the VF,
 * which then asks for its mode again and gets at most MULTI). */
int snic_vf_set_trust(struct snic_nic *nic, unsigned vf, bool on, struct snic_err *err)
{
	int rc = snic_check_vf(nic, vf, err);

	if (!rc)
		nic->vf[vf].trust = on;
	return rc;
}

int snic_vf_set_link_state(struct snic_nic *nic, unsigned vf, enum snic_link_state s,
			   struct snic_err *err)
{
	int rc = snic_check_vf(nic, vf, err);

	if (rc)
		return rc;
	if ((unsigned)s > SNIC_LINK_DISABLE)
		return snic_errf(err, -EINVAL,
				 "vf %u: link state %u is not auto, enable or disable", vf,
				 (unsigned)s);
	nic->vf[vf].link_state = (uint8_t)s;
	return 0;
}

/*
 * `ip link set DEV vf N min_tx_rate MIN max_tx_rate MAX`. As ixgbe
 * (ixgbe_ndo_set_vf_bw), a maximum of 10 Mbit/s or less is refused; as
 * rtnetlink, a minimum above a set maximum is. The minimum is kept for
 * `ip link show`; the data path enforces only the maximum.
 */
static int check_rate(const struct snic_nic *nic, unsigned vf, unsigned min, unsigned max,
		      struct snic_err *err)
{
	const struct snic_profile *p = nic->p;

	if (min && !p->tx_rate_min)
		return snic_errf(err, -EOPNOTSUPP, "vf %u: min_tx_rate %u: %s has no minimum rate",
				 vf, min, p->name);
	if (max && !p->tx_rate_max)
		return snic_errf(err, -EOPNOTSUPP, "vf %u: max_tx_rate %u: %s has no rate limiter",
				 vf, max, p->name);
	if (max && (max <= 10 || max > SNIC_RATE_MAX_MBPS))
		return snic_errf(err, -EINVAL, "vf %u: max_tx_rate %u is out of range 11..%u", vf,
				 max, SNIC_RATE_MAX_MBPS);
	if (min > SNIC_RATE_MAX_MBPS || (max && min > max))
		return snic_errf(err, -EINVAL, "vf %u: min_tx_rate %u is above max_tx_rate %u", vf,
				 min, max ? max : SNIC_RATE_MAX_MBPS);
	return 0;
}

int snic_vf_set_rate(struct snic_nic *nic, unsigned vf, unsigned min_mbps, unsigned max_mbps,
		     struct snic_err *err)
{
	int rc = snic_check_vf(nic, vf, err);

	if (rc)
		return rc;
	rc = check_rate(nic, vf, min_mbps, max_mbps, err);
	if (rc)
		return rc;
	nic->vf[vf].min_rate = min_mbps;
	nic->vf[vf].max_rate = max_mbps;
	return 0;
}

int snic_vf_set_query_rss(struct snic_nic *nic, unsigned vf, bool on, struct snic_err *err)
{
	int rc = snic_check_vf(nic, vf, err);

	if (!rc)
		nic->vf[vf].query_rss = on;
	return rc;
}

enum snic_rxmode snic_vf_rxmode_eff(const struct snic_profile *p, const struct snic_vf *vf)
{
	if (!vf->trust && vf->fn.rxmode > SNIC_RXMODE_MULTI)
		return SNIC_RXMODE_MULTI;
	if (vf->fn.rxmode == SNIC_RXMODE_PROMISC && !p->vf_promisc)
		return SNIC_RXMODE_ALLMULTI;
	return (enum snic_rxmode)vf->fn.rxmode;
}

int snic_vf_get(const struct snic_nic *nic, unsigned vf, struct snic_vf_info *out,
		struct snic_err *err)
{
	const struct snic_vf *v;
	int rc = snic_check_vf(nic, vf, err);

	if (rc)
		return rc;
	v = &nic->vf[vf];
	memset(out, 0, sizeof(*out));
	memcpy(out->mac, v->fn.mac, 6);
	out->admin_mac = v->admin_mac;
	out->vlan = v->pvid;
	out->qos = v->qos;
	out->vlan_proto = v->vlan_proto;
	out->spoofchk = v->spoofchk;
	out->trust = v->trust;
	out->query_rss = v->query_rss;
	out->link_state = v->link_state;
	out->min_tx_rate = v->min_rate;
	out->max_tx_rate = v->max_rate;
	out->rxmode = v->fn.rxmode;
	out->rxmode_eff = (uint8_t)snic_vf_rxmode_eff(nic->p, v);
	out->nqueues = (uint16_t)snic_nic_vport_queues(nic, vf);
	out->n_mc = (uint16_t)v->fn.mc.n;
	out->n_vlan_filter = v->fn.n_vlan;
	out->n_macvlan = (uint16_t)v->fn.uc.n;
	out->assigned = v->assigned;
	return 0;
}

/* --- What a VF asks for (mailbox) -------------------------------------------- */

/*
 * IXGBE_VF_SET_MAC_ADDR: refused when the PF set the MAC and the VF is not
 * trusted, unless it asks for that same MAC (ixgbe_set_vf_mac_addr).
 */
int snic_vf_req_mac(struct snic_nic *nic, unsigned vf, const uint8_t mac[6], struct snic_err *err)
{
	struct snic_vf *v;
	int rc = snic_check_vf(nic, vf, err);
	char s[18];

	if (rc)
		return rc;
	v = &nic->vf[vf];
	if (snic_mac_is_zero(mac) || snic_mac_is_mcast(mac))
		return snic_errf(err, -EINVAL, "vf %u: mac %s is not a unicast address", vf,
				 snic_mac_str(mac, s));
	if (v->admin_mac && !v->trust && memcmp(v->fn.mac, mac, 6))
		return snic_errf(err, -EPERM,
				 "vf %u: mac %s: the PF set the MAC and the VF is not trusted", vf,
				 snic_mac_str(mac, s));
	rc = vf_mac_room(nic, vf, mac, err);
	if (rc)
		return rc;
	memcpy(v->fn.mac, mac, 6);
	return 0;
}

/* IXGBE_VF_SET_MULTICAST; the profile's vf_mc_max is 30 on ixgbe
 * (IXGBE_MAX_VF_MC_ENTRIES), where ixgbe drops the excess silently. */
int snic_vf_req_mc(struct snic_nic *nic, unsigned vf, const uint8_t (*macs)[6], unsigned n,
		   struct snic_err *err)
{
	int rc = snic_check_vf(nic, vf, err);
	char who[16];

	if (rc)
		return rc;
	if (n > nic->p->vf_mc_max)
		return snic_errf(err, -ENOSPC, "vf %u: %u multicast groups, at most %u", vf, n,
				 nic->p->vf_mc_max);
	snprintf(who, sizeof(who), "vf %u", vf);
	return fn_set_mc(&nic->vf[vf].fn, who, macs, n, err);
}

/* IXGBE_VF_SET_VLAN: refused while a port VLAN is set (ixgbe_set_vf_vlan_msg),
 * and when the VID needs a shared VLAN filter entry and none is free
 * (ixgbe_set_vf_vlan fails on a full VLVF). */
int snic_vf_req_vlan(struct snic_nic *nic, unsigned vf, unsigned vid, bool add,
		     struct snic_err *err)
{
	int rc = snic_check_vf(nic, vf, err);
	char who[16];

	if (rc)
		return rc;
	if (vid > 4095)
		return snic_errf(err, -EINVAL, "vf %u: vlan %u is out of range 0..4095", vf, vid);
	if (nic->vf[vf].pvid)
		return snic_errf(err, -EPERM, "vf %u: vlan %u: the PF set port vlan %u", vf, vid,
				 nic->vf[vf].pvid);
	snprintf(who, sizeof(who), "vf %u", vf);
	rc = add ? snic_check_vlan_room(nic, who, vid, SNIC_NO_VF, err) : 0;
	if (rc)
		return rc;
	fn_set_vlan(&nic->vf[vf].fn, vid, add);
	return 0;
}

/* IXGBE_VF_SET_MACVLAN: refused when the PF set the MAC and the VF is not
 * trusted (ixgbe_set_vf_macvlan_msg). */
int snic_vf_req_macvlan(struct snic_nic *nic, unsigned vf, const uint8_t mac[6], bool add,
			struct snic_err *err)
{
	struct snic_vf *v;
	int rc = snic_check_vf(nic, vf, err);
	char who[16], s[18];

	if (rc)
		return rc;
	v = &nic->vf[vf];
	if (add && v->admin_mac && !v->trust)
		return snic_errf(err, -EPERM,
				 "vf %u: macvlan %s: the PF set the MAC and the VF is not trusted",
				 vf, snic_mac_str(mac, s));
	snprintf(who, sizeof(who), "vf %u", vf);
	return fn_set_uc(nic, &v->fn, who, mac, add, err);
}

/*
 * IXGBE_VF_UPDATE_XCAST_MODE: an untrusted VF is given MULTI at most
 * (ixgbe_update_vf_xcast_mode); the request itself is kept, so that trust
 * granted later raises the mode. Where the profile has no VF promiscuous
 * mode (82599, 82576), ixgbe caps an untrusted VF's request first, so it
 * succeeds at MULTI, and fails a trusted VF's; a kept PROMISC request that
 * trust raises later gets ALLMULTI, the most such a device gives a VF
 * (snic_vf_rxmode_eff).
 */
int snic_vf_req_rxmode(struct snic_nic *nic, unsigned vf, enum snic_rxmode m, struct snic_err *err)
{
	int rc = snic_check_vf(nic, vf, err);

	if (rc)
		return rc;
	if ((unsigned)m > SNIC_RXMODE_PROMISC)
		return snic_errf(err, -EINVAL,
				 "vf %u: rxmode %u is not none, multi, allmulti or promisc", vf,
				 (unsigned)m);
	if (m == SNIC_RXMODE_PROMISC && !nic->p->vf_promisc && nic->vf[vf].trust)
		return snic_errf(err, -EOPNOTSUPP,
				 "vf %u: rxmode promisc: %s gives VFs no promiscuous mode", vf,
				 nic->p->name);
	nic->vf[vf].fn.rxmode = (uint8_t)m;
	return 0;
}

/* --- The PF's own filters ------------------------------------------------------ */

int snic_pf_set_mac(struct snic_nic *nic, const uint8_t mac[6], struct snic_err *err)
{
	char s[18];

	if (snic_mac_is_zero(mac) || snic_mac_is_mcast(mac))
		return snic_errf(err, -EINVAL, "pf: mac %s is not a unicast address",
				 snic_mac_str(mac, s));
	memcpy(nic->pf.mac, mac, 6);
	return 0;
}

int snic_pf_set_rxmode(struct snic_nic *nic, enum snic_rxmode m, struct snic_err *err)
{
	if ((unsigned)m > SNIC_RXMODE_PROMISC)
		return snic_errf(err, -EINVAL,
				 "pf: rxmode %u is not none, multi, allmulti or promisc",
				 (unsigned)m);
	nic->pf.rxmode = (uint8_t)m;
	return 0;
}

int snic_pf_set_mc(struct snic_nic *nic, const uint8_t (*macs)[6], unsigned n, struct snic_err *err)
{
	if (n > SNIC_PF_MC_MAX)
		return snic_errf(err, -ENOSPC, "pf: %u multicast groups, at most %u", n,
				 SNIC_PF_MC_MAX);
	return fn_set_mc(&nic->pf, "pf", macs, n, err);
}

int snic_pf_set_macvlan(struct snic_nic *nic, const uint8_t mac[6], bool add, struct snic_err *err)
{
	return fn_set_uc(nic, &nic->pf, "pf", mac, add, err);
}

int snic_pf_set_vlan(struct snic_nic *nic, unsigned vid, bool add, struct snic_err *err)
{
	if (vid > 4095)
		return snic_errf(err, -EINVAL, "pf: vlan %u is out of range 0..4095", vid);
	fn_set_vlan(&nic->pf, vid, add);
	return 0;
}

int snic_nic_set_max_frame(struct snic_nic *nic, unsigned bytes, struct snic_err *err)
{
	unsigned max = nic->p->max_frame ? nic->p->max_frame : 0xffff;

	if (bytes < SNIC_MAX_FRAME_MIN || bytes > max)
		return snic_errf(err, -EINVAL, "max frame %u is out of range %u..%u", bytes,
				 SNIC_MAX_FRAME_MIN, max);
	nic->max_frame = (uint16_t)bytes;
	return 0;
}

/* --- The steering hook ------------------------------------------------------------ */

int snic_nic_set_plugin(struct snic_nic *nic, const char *path, const char *args,
			struct snic_err *err)
{
	struct snic_plug *pl = NULL;
	int rc;

	if (path) {
		rc = snic_plug_load(path, args, &pl, err);
		if (rc)
			return rc;
	}
	snic_plug_put(nic->plug);
	nic->plug = pl;
	return 0;
}

/* --- Reading the state back --------------------------------------------------------- */

void snic_pf_get(const struct snic_nic *nic, struct snic_pf_info *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->mac, nic->pf.mac, 6);
	out->rxmode = nic->pf.rxmode;
	out->link_up = nic->link_up;
	out->n_mc = nic->pf.mc.n;
	out->n_macvlan = nic->pf.uc.n;
	out->n_vlan = nic->pf.n_vlan;
}

static unsigned maclist_copy(const struct snic_maclist *l, uint8_t (*out)[6], unsigned cap)
{
	unsigned n = l->n < cap ? l->n : cap;

	if (n)
		memcpy(out, l->mac, n * sizeof(*out));
	return l->n;
}

unsigned snic_pf_mc_list(const struct snic_nic *nic, uint8_t (*out)[6], unsigned cap)
{
	return maclist_copy(&nic->pf.mc, out, cap);
}

unsigned snic_pf_macvlan_list(const struct snic_nic *nic, uint8_t (*out)[6], unsigned cap)
{
	return maclist_copy(&nic->pf.uc, out, cap);
}

unsigned snic_pf_vlan_list(const struct snic_nic *nic, uint16_t *out, unsigned cap)
{
	unsigned n = 0;

	for (unsigned vid = 1; vid < SNIC_VLAN_WORDS * 64 && n < cap; vid++)
		if (snic_vlan_test(nic->pf.vlan, vid))
			out[n++] = (uint16_t)vid;
	return nic->pf.n_vlan;
}

unsigned snic_nic_max_frame(const struct snic_nic *nic)
{
	return nic->max_frame;
}

unsigned snic_nic_rss_ctx_list(const struct snic_nic *nic, unsigned *out, unsigned cap)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nic->p->rss_contexts; i++) {
		if (!nic->ctx[i].used)
			continue;
		if (n < cap)
			out[n] = i + 1;
		n++;
	}
	return n;
}

int snic_nic_rss_ctx_get(const struct snic_nic *nic, unsigned ctx, unsigned *vport,
			 struct snic_rss_conf *out, struct snic_err *err)
{
	const struct snic_rss_ctx *c;

	if (!ctx || ctx > nic->p->rss_contexts || !nic->ctx[ctx - 1].used)
		return snic_errf(err, -ENOENT, "rss context %u does not exist", ctx);
	c = &nic->ctx[ctx - 1];
	*vport = c->vport;
	*out = c->conf;
	return 0;
}
