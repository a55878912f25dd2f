/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replace the running NIC with a config file's (snicd_apply).
 *
 *	apply {"config": "/abs/path.yaml"} -> {"config", "profile", "numvfs", "rules"}
 *
 * snicd reads the file itself, with its own rights and in its own mount
 * namespace: the path must be absolute. Whoever may use the socket may
 * have snicd read any YAML file it can; errors quote file, line and
 * column and the bad value, as `snic check` does.
 */
#include <errno.h>

#include "ctl.h"
#include "ctl_args.h"
#include "snicd.h"

static int cmd_apply(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	static const char *const keys[] = {"config", NULL};
	const struct snic_nic *nic;
	const char *path;
	int rc = ctl_args_only(args, "apply", keys, err);

	if (!rc)
		rc = ctl_arg_str(args, "config", &path, err);
	if (!rc && path[0] != '/')
		rc = snic_errf(err, -EINVAL, "apply: config '%s' is not an absolute path", path);
	if (!rc)
		rc = snicd_apply(d, path, err);
	if (rc)
		return rc;
	nic = snicd_nic(d);
	return ctl_result(result,
			  json_pack("{s:s, s:s, s:I, s:I}", "config", path, "profile",
				    snic_nic_profile(nic)->name, "numvfs",
				    (json_int_t)snic_nic_numvfs(nic), "rules",
				    (json_int_t)snic_flow_list(nic, NULL, 0)),
			  err);
}

int ctl_apply_register(void)
{
	return snicd_ctl_register("apply", "config: /PATH -- replace the NIC with a config file's",
				  cmd_apply);
}
