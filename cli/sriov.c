/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic sriov: the VF count of the NIC snicd runs, as
 * /sys/class/net/DEV/device/sriov_numvfs.
 */
#include "ctl_client.h"

struct sriov_opts {
	const char *socket;
};

static const struct cli_opt sriov_opt_table[] = {
	CTL_OPT_SOCKET(struct sriov_opts),
};

static const char *const sriov_usage[] = {
	"numvfs [N] [--socket PATH]",
	"show [--socket PATH]",
	NULL,
};

static const struct cli_spec sriov_spec = {
	.usage = sriov_usage,
	.desc = "Show or set how many VFs the NIC has. Setting a count resets the VFs'\n"
		"settings; going from one non-zero count to another is refused (set 0\n"
		"first), as is going to 0 while a VF is assigned.",
	.opts = sriov_opt_table,
	.nopts = sizeof(sriov_opt_table) / sizeof(sriov_opt_table[0]),
};

static void sriov_print(const struct cli *cli, json_t *r)
{
	unsigned long long n = ctl_num(r, "numvfs");

	if (cli->json) {
		ctl_print_json(r);
		return;
	}
	printf("numvfs %llu (max %llu)\n", n, ctl_num(r, "max_vfs"));
	if (n)
		printf("vf 0..%llu: pools 0..%llu, %llu queues each\n", n - 1, n - 1,
		       ctl_num(r, "vf_queues"));
	printf("pf: pool %llu, %llu queues\n", ctl_num(r, "pf_vport"), ctl_num(r, "pf_queues"));
}

static int sriov_numvfs(struct cli *cli, void *opts, char **argv, int argc)
{
	const struct sriov_opts *o = opts;
	json_t *args, *r;
	int rc;

	if (argc > 1)
		return cli_err(cli, "unexpected argument '%s'", argv[1]);
	args = argc ? json_pack("{s:s}", "numvfs", argv[0]) : NULL;
	rc = ctl_run(cli, o->socket, "sriov.numvfs", args, &r);
	if (rc)
		return rc;
	sriov_print(cli, r);
	json_decref(r);
	return 0;
}

static int sriov_show(struct cli *cli, void *opts, char **argv, int argc)
{
	if (argc)
		return cli_err(cli, "unexpected argument '%s'", argv[0]);
	return sriov_numvfs(cli, opts, argv, 0);
}

static const struct ctl_action sriov_actions[] = {
	{"numvfs", sriov_numvfs},
	{"show", sriov_show},
};

int cmd_sriov(struct cli *cli, int argc, char **argv)
{
	struct sriov_opts o = {0};
	int npos, rc = cli_parse(cli, &sriov_spec, &o, argc, argv, &npos);

	if (rc != CLI_CONTINUE)
		return rc;
	return ctl_dispatch(cli, sriov_actions, CTL_N(sriov_actions), &o, argv, npos);
}
