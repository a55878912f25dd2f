/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic check: read a config, build the NIC it describes and commit it, as
 * snicd would at start, without opening a port. Prints one line a file:
 * what the NIC is, or the first error with its file, line and column.
 */
#include <stdio.h>

#include "snic/nic.h"
#include "cli.h"
#include "config.h"

/* Most files one run checks. */
#define CHECK_FILES_MAX 256

struct check_opts {
	const char *config;
	const char *profile;
};

static const struct cli_opt check_opt_table[] = {
	CLI_OPT_STR("config", 'c', struct check_opts, config, "FILE", "the config file to check"),
	CLI_OPT_STR("profile", 'p', struct check_opts, profile, "NAME",
		    "check it as a NIC of this profile instead of the file's"),
};

static const char *const check_usage[] = {
	"-c FILE [-p PROFILE]",
	"FILE... [-p PROFILE]",
	NULL,
};

static const struct cli_spec check_spec = {
	.usage = check_usage,
	.desc = "Validate NIC configs without running anything: each file is read, the NIC\n"
		"it describes is built through the same calls snicd makes, and committed.",
	.opts = check_opt_table,
	.nopts = sizeof(check_opt_table) / sizeof(check_opt_table[0]),
	.notes = "Prints \"FILE: ok: PROFILE, N VFs, R flow rules\" for a good file, and the\n"
		 "first error as FILE:LINE:COL: message for a bad one. Exit status 2 when\n"
		 "any file is bad. docs/config.md describes every key.",
};

/* What a good file describes. */
struct check_sum {
	const char *profile;
	unsigned vfs, rules, contexts, ports;
};

static void report_ok(const struct cli *cli, const char *path, const struct check_sum *s)
{
	struct cli_json j;

	if (!cli->json) {
		printf("%s: ok: %s, %u VF%s, %u flow rule%s\n", path, s->profile, s->vfs,
		       s->vfs == 1 ? "" : "s", s->rules, s->rules == 1 ? "" : "s");
		return;
	}
	cli_json_open(&j, stdout);
	cli_json_str(&j, "file", path);
	cli_json_bool(&j, "ok", true);
	cli_json_str(&j, "profile", s->profile);
	cli_json_uint(&j, "vfs", s->vfs);
	cli_json_uint(&j, "flow_rules", s->rules);
	cli_json_uint(&j, "contexts", s->contexts);
	cli_json_uint(&j, "ports", s->ports);
	cli_json_close(&j);
}

static int report_err(const struct cli *cli, const char *path, const char *msg)
{
	struct cli_json j;

	if (cli->json) {
		cli_json_open(&j, stdout);
		cli_json_str(&j, "file", path);
		cli_json_bool(&j, "ok", false);
		cli_json_str(&j, "error", msg);
		cli_json_close(&j);
	}
	return cli_err(cli, "%s", msg);
}

static int check_one(const struct cli *cli, const char *path, const char *profile)
{
	struct snic_config *c;
	struct snic_cfg *cfg;
	struct snic_err err = {0};
	struct check_sum s;
	int rc;

	if (snic_config_load(path, profile, &c, &err))
		return report_err(cli, path, err.msg);
	rc = snic_nic_commit(c->nic, &cfg, &err);
	if (rc) {
		snic_config_free(c);
		return report_err(cli, path, err.msg);
	}
	s = (struct check_sum){
		.profile = snic_nic_profile(c->nic)->name,
		.vfs = snic_nic_numvfs(c->nic),
		.rules = (unsigned)snic_flow_list(c->nic, NULL, 0),
		.contexts = c->nctx,
		.ports = c->nports,
	};
	report_ok(cli, path, &s);
	snic_cfg_free(cfg);
	snic_config_free(c);
	return CLI_EXIT_OK;
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
	struct check_opts o = {0};
	int npos, rc, status = CLI_EXIT_OK;

	rc = cli_parse(cli, &check_spec, &o, argc, argv, &npos);
	if (rc != CLI_CONTINUE)
		return rc;
	if (!o.config && !npos)
		return cli_err(cli, "missing the config: -c FILE (see snic check --help)");
	if (npos > CHECK_FILES_MAX)
		return cli_err(cli, "more than %d files", CHECK_FILES_MAX);
	if (o.config && check_one(cli, o.config, o.profile))
		status = CLI_EXIT_USAGE;
	for (int i = 0; i < npos; i++)
		if (check_one(cli, argv[i], o.profile))
			status = CLI_EXIT_USAGE;
	return status;
}
