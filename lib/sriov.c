/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SR-IOV: the VF count and the pool/queue arithmetic that follows from it,
 * and the filter tables the pools share (MAC and VLAN entries).
 *
 * As ixgbe numbers pools (ixgbe_sriov.c, __ixgbe_enable_sriov: the PF takes
 * the first pool after the VFs' as its VMDq offset), VFs own pools
 * 0..numvfs-1 and the PF pool numvfs. Every pool gets the same number of
 * queues, taken from the profile's table for the pools in use (82599:
 * <= 32 pools -> 4 queues, more -> 2, ixgbe_set_vmdq_queues). With no VFs
 * the PF alone is pool 0 and has the profile's max_queues.
 */
#include <errno.h>
#include <string.h>

#include "snic/nic.h"
#include "snic/profile.h"

#include "nic_impl.h"

unsigned snic_sriov_pool_queues(const struct snic_profile *p, unsigned numvfs)
{
	unsigned q;

	if (!numvfs)
		return p->max_queues ? p->max_queues : 1;
	q = snic_profile_pool_queues(p, numvfs + 1);
	return q ? q : 1;
}

/*
 * With VFs, a VF's own RETA has the profile's VF size (ice: 64 entries
 * against the PF's 2048) and every other pool the per-pool size (X550: 64,
 * where the PF alone has 512). Without VFs, or where the RETA grows with
 * the queues (mlx5), the profile's check alone decides: 0.
 */
unsigned snic_sriov_reta_size(const struct snic_nic *nic, unsigned vport)
{
	const struct snic_profile *p = nic->p;

	if (!nic->numvfs || p->reta_size_max)
		return 0;
	if (p->rss_per_pool && vport != snic_nic_pf_vport(nic) && p->vf_reta_size)
		return p->vf_reta_size;
	return p->reta_size;
}

/*
 * The defaults `ip link` shows for a fresh VF: no MAC, no port VLAN,
 * spoofchk on, trust off, link auto, no rate. The receive mode starts at
 * MULTI, what ixgbevf asks for on an interface with IFF_MULTICAST
 * (ixgbevf_set_rx_mode).
 */
void snic_vf_defaults(struct snic_vf *vf)
{
	snic_fn_reset(&vf->fn);
	vf->admin_mac = false;
	vf->spoofchk = true;
	vf->trust = false;
	vf->query_rss = false;
	vf->assigned = false;
	vf->link_state = SNIC_LINK_AUTO;
	vf->pvid = 0;
	vf->qos = 0;
	vf->vlan_proto = SNIC_VLAN_PROTO_8021Q;
	vf->min_rate = 0;
	vf->max_rate = 0;
}

int snic_check_vf(const struct snic_nic *nic, unsigned vf, struct snic_err *err)
{
	if (vf < nic->numvfs)
		return 0;
	if (!nic->numvfs)
		return snic_errf(err, -EINVAL, "vf %u: no VFs are enabled", vf);
	return snic_errf(err, -EINVAL, "vf %u does not exist (VFs 0..%u)", vf, nic->numvfs - 1);
}

int snic_check_vport(const struct snic_nic *nic, unsigned vport, struct snic_err *err)
{
	if (vport < snic_nic_npools(nic))
		return 0;
	return snic_errf(err, -EINVAL, "vport %u does not exist (pools 0..%u, PF %u)", vport,
			 snic_nic_npools(nic) - 1, snic_nic_pf_vport(nic));
}

/* --- Filter tables the pools share ------------------------------------------ */

/*
 * The profile's mac_filters entries hold the PF's MAC, each VF MAC set and
 * every extra unicast MAC (the PF's and the VFs' MACVLAN filters): one
 * entry per (pool, MAC), as an 82599 RAR entry per address a pool takes.
 */
unsigned snic_mac_filters_used(const struct snic_nic *nic)
{
	unsigned n = 1 + nic->n_uc;

	for (unsigned i = 0; i < nic->numvfs; i++)
		n += !snic_mac_is_zero(nic->vf[i].fn.mac);
	return n;
}

int snic_check_mac_room(const struct snic_nic *nic, const char *who, const uint8_t mac[6],
			struct snic_err *err)
{
	unsigned max = nic->p->mac_filters;
	char s[18];

	if (!max || snic_mac_filters_used(nic) < max)
		return 0;
	return snic_errf(err, -ENOSPC, "%s: mac %s: all %u MAC filter entries of %s are in use",
			 who, snic_mac_str(mac, s), max, nic->p->name);
}

/* The VIDs 1..4095 in @bits that the VFs but VF @skip use; returns how
 * many. */
static unsigned vlan_ids_used(const struct snic_nic *nic, unsigned skip,
			      uint64_t bits[SNIC_VLAN_WORDS])
{
	unsigned n = 0;

	memset(bits, 0, SNIC_VLAN_WORDS * sizeof(bits[0]));
	for (unsigned i = 0; i < nic->numvfs; i++) {
		const struct snic_vf *vf = &nic->vf[i];

		if (i == skip)
			continue;
		for (unsigned w = 0; w < SNIC_VLAN_WORDS; w++)
			bits[w] |= vf->fn.vlan[w];
		if (vf->pvid)
			bits[vf->pvid >> 6] |= 1ull << (vf->pvid & 63);
	}
	bits[0] &= ~1ull; /* VID 0, a priority tag, never takes an entry */
	for (unsigned w = 0; w < SNIC_VLAN_WORDS; w++)
		n += (unsigned)__builtin_popcountll(bits[w]);
	return n;
}

/*
 * The profile's vlan_filters entries are shared by the VFs (82599's VLVF:
 * one entry per VID, with a bit per pool): a VF's VLAN filter or port VLAN
 * takes one unless another VF uses the VID already; VID 0 needs none. The
 * PF's own VLANs take none (ixgbe_vlan_rx_add_vid asks for the VLVF with
 * vlvf_bypass, falling back to the 4096-bit VFTA, which the default pool
 * is reached by); when a VF shares a PF VID, the entry is the VF's.
 */
int snic_check_vlan_room(const struct snic_nic *nic, const char *who, unsigned vid, unsigned skip,
			 struct snic_err *err)
{
	uint64_t bits[SNIC_VLAN_WORDS];
	unsigned max = nic->p->vlan_filters, used;

	if (!max || !vid)
		return 0;
	used = vlan_ids_used(nic, skip, bits);
	if (snic_vlan_test(bits, vid) || used < max)
		return 0;
	return snic_errf(err, -ENOSPC, "%s: vlan %u: all %u VLAN filter entries of %s are in use",
			 who, vid, max, nic->p->name);
}

static bool any_assigned(const struct snic_nic *nic)
{
	for (unsigned i = 0; i < nic->numvfs; i++)
		if (nic->vf[i].assigned)
			return true;
	return false;
}

static void release_vfs(struct snic_nic *nic)
{
	for (unsigned i = 0; i < nic->numvfs; i++) {
		nic->n_uc -= nic->vf[i].fn.uc.n;
		snic_vf_defaults(&nic->vf[i]);
	}
}

static int check_numvfs(const struct snic_nic *nic, unsigned n, struct snic_err *err)
{
	const struct snic_profile *p = nic->p;

	if (n > p->max_vfs)
		return snic_errf(err, -ERANGE, "numvfs %u is above the maximum %u of %s", n,
				 p->max_vfs, p->name);
	if (n && nic->numvfs)
		return snic_errf(err, -EBUSY, "numvfs %u: %u VFs are already enabled; set 0 first",
				 n, nic->numvfs);
	if (!n && any_assigned(nic))
		return snic_errf(err, -EPERM,
				 "numvfs 0: a VF is assigned to a consumer; VFs stay enabled");
	return 0;
}

/*
 * A change of pools renumbers the PF and changes every pool's queues, so
 * flow rules, RSS contexts and RETAs made for the old layout are dropped
 * and the RSS confs come back as the device sets them up (ixgbe rebuilds
 * its queues and RETA in ixgbe_sriov_reinit).
 */
int snic_nic_set_numvfs(struct snic_nic *nic, unsigned n, struct snic_err *err)
{
	int rc;

	if (n == nic->numvfs)
		return 0;
	rc = check_numvfs(nic, n, err);
	if (rc)
		return rc;
	release_vfs(nic);
	nic->numvfs = n;
	for (unsigned i = 0; i < n; i++)
		snic_vf_defaults(&nic->vf[i]);
	snic_flow_flush(nic);
	snic_nic_rss_reset(nic);
	return 0;
}

unsigned snic_nic_numvfs(const struct snic_nic *nic)
{
	return nic->numvfs;
}

unsigned snic_nic_pf_vport(const struct snic_nic *nic)
{
	return nic->numvfs;
}

unsigned snic_nic_vport_queues(const struct snic_nic *nic, unsigned vport)
{
	if (vport >= snic_nic_npools(nic))
		return 0;
	return snic_sriov_pool_queues(nic->p, nic->numvfs);
}

int snic_nic_vf_assign(struct snic_nic *nic, unsigned vf, bool assigned, struct snic_err *err)
{
	int rc = snic_check_vf(nic, vf, err);

	if (rc)
		return rc;
	nic->vf[vf].assigned = assigned;
	return 0;
}
