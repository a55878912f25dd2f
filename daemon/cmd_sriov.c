/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SR-IOV: how many VFs the NIC has (`echo N > sriov_numvfs`).
 *
 *	sriov.numvfs {"numvfs"?: N}
 *	  -> {"numvfs", "max_vfs", "pf_vport", "vf_queues", "pf_queues"}
 */
#include <errno.h>

#include "ctl.h"
#include "ctl_args.h"
#include "snicd.h"

static json_t *sriov_state(const struct snic_nic *nic)
{
	unsigned n = snic_nic_numvfs(nic), pf = snic_nic_pf_vport(nic);

	return json_pack("{s:I, s:I, s:I, s:I, s:I}", "numvfs", (json_int_t)n, "max_vfs",
			 (json_int_t)snic_nic_profile(nic)->max_vfs, "pf_vport", (json_int_t)pf,
			 "vf_queues", (json_int_t)(n ? snic_nic_vport_queues(nic, 0) : 0),
			 "pf_queues", (json_int_t)snic_nic_vport_queues(nic, pf));
}

static int cmd_numvfs(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	static const char *const keys[] = {"numvfs", NULL};
	struct snic_nic *nic = snicd_nic(d);
	unsigned long n;
	int rc = ctl_args_only(args, "sriov.numvfs", keys, err);

	if (!rc && json_object_get(args, "numvfs")) {
		rc = ctl_arg_uint(args, "numvfs", 0xffff, &n, err);
		if (!rc && n != snic_nic_numvfs(nic))
			rc = snic_nic_set_numvfs(nic, (unsigned)n, err);
		if (!rc)
			rc = snicd_publish(d, err);
	}
	return rc ? rc : ctl_result(result, sriov_state(nic), err);
}

int ctl_sriov_register(void)
{
	return snicd_ctl_register("sriov.numvfs", "[numvfs: N] -- show or set the VF count",
				  cmd_numvfs);
}
