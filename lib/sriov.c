/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SR-IOV: the VF count and the pool/queue arithmetic that follows from it.
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
