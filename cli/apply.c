/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic apply: replace the running NIC with the one a config file describes.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"

struct apply_opts {
	const char *socket;
	const char *config;
};

static const struct cli_opt apply_opt_table[] = {
	CLI_OPT_STR("config", 'c', struct apply_opts, config, "FILE", "the config to apply"),
	CTL_OPT_SOCKET(struct apply_opts),
};

static const char *const apply_usage[] = {
	"-c FILE [--socket PATH]",
	NULL,
};

static const struct cli_spec apply_spec = {
	.usage = apply_usage,
	.desc = "Have snicd build the NIC that FILE describes and run it in place of the\n"
		"current one: VFs, their settings, RSS, contexts, flow rules and plugin.\n"
		"The ports can't change while snicd runs; a file whose ports differ is\n"
		"refused, and so is any file snicd would not start with.",
	.opts = apply_opt_table,
	.nopts = sizeof(apply_opt_table) / sizeof(apply_opt_table[0]),
	.notes = "snicd reads FILE itself: the path is made absolute here, and snicd must\n"
		 "be able to read it. 'snic check -c FILE' validates a file first.",
};

int cmd_apply(struct cli *cli, int argc, char **argv)
{
	struct apply_opts o = {0};
	char path[PATH_MAX];
	json_t *r;
	int npos, rc = cli_parse(cli, &apply_spec, &o, argc, argv, &npos);

	if (rc != CLI_CONTINUE)
		return rc;
	if (npos)
		return cli_err(cli, "unexpected argument '%s'", argv[0]);
	if (!o.config)
		return cli_err(cli, "missing the config: -c FILE (see snic apply --help)");
	if (!realpath(o.config, path))
		return cli_err(cli, "can't read '%s': %s", o.config, strerror(errno));
	rc = ctl_run(cli, o.socket, "apply", json_pack("{s:s}", "config", path), &r);
	if (rc)
		return rc;
	if (cli->json)
		ctl_print_json(r);
	else
		printf("%s: applied: %s, %llu VFs, %llu flow rules\n", o.config,
		       ctl_str(r, "profile"), ctl_num(r, "numvfs"), ctl_num(r, "rules"));
	json_decref(r);
	return 0;
}
