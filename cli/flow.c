/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic flow: flow rules of the running NIC, in the words of `ethtool -N DEV
 * flow-type ...`. The words go to snicd as typed and snicd reads them
 * (cli/flowspec.h), so the config file, snicd and this command share one
 * parser.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"

struct flow_opts {
	const char *socket;
};

static const struct cli_opt flow_opt_table[] = {
	CTL_OPT_SOCKET(struct flow_opts),
};

static const char *const flow_usage[] = {
	"add flow-type TYPE [MATCH...] [action Q|-1] [vf N [queue Q]] [context N] [mark N] "
	"[prio N]",
	"del ID",
	"list",
	NULL,
};

static const struct cli_spec flow_spec = {
	.usage = flow_usage,
	.desc = "Add, remove and list flow rules. A rule is written as for ethtool -N:\n"
		"  snic flow add flow-type tcp4 dst-ip 10.0.0.1 dst-port 80 action 2\n"
		"  snic flow add flow-type udp4 dst-port 2152 teid 0x1234 vf 1 queue 2\n"
		"  snic flow add flow-type ether dst 02:00:00:00:00:01 action -1",
	.opts = flow_opt_table,
	.nopts = sizeof(flow_opt_table) / sizeof(flow_opt_table[0]),
	.notes = "Rules apply by priority (prio, 0 first), then age. 'action -1' drops.\n"
		 "Options may come anywhere; a word such as -1 is taken as part of the\n"
		 "rule. See docs/config.md for every word.",
};

/* ---- the command line ---- */

/* Whether @a is an option of this command (rule words such as "-1" are
 * not), and whether it takes the next word as its value. */
static bool is_option(const char *a, bool *takes_value)
{
	const char *eq;
	size_t len;

	*takes_value = false;
	if (!strcmp(a, "-j") || !strcmp(a, "-h"))
		return true;
	if (strncmp(a, "--", 2))
		return false;
	eq = strchr(a, '=');
	len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	for (size_t i = 0; !eq && i < sizeof(flow_opt_table) / sizeof(flow_opt_table[0]); i++)
		if (flow_opt_table[i].arg && strlen(flow_opt_table[i].name) == len &&
		    !strncmp(flow_opt_table[i].name, a + 2, len))
			*takes_value = true;
	return true;
}

/* Move the options (and their values) to @opt, the rest to @pos. */
static void split_args(int argc, char **argv, char **opt, int *nopt, char **pos, int *npos)
{
	bool takes;

	*nopt = *npos = 0;
	opt[(*nopt)++] = argv[0];
	for (int i = 1; i < argc; i++) {
		if (!is_option(argv[i], &takes)) {
			pos[(*npos)++] = argv[i];
			continue;
		}
		opt[(*nopt)++] = argv[i];
		if (takes && i + 1 < argc)
			opt[(*nopt)++] = argv[++i];
	}
}

/* ---- the actions ---- */

static int flow_add(struct cli *cli, void *opts, char **argv, int argc)
{
	const struct flow_opts *o = opts;
	json_t *words = json_array(), *r;
	int rc;

	if (!argc) {
		json_decref(words);
		return cli_err(cli, "missing the rule: flow-type ... (see snic flow --help)");
	}
	for (int i = 0; i < argc; i++)
		json_array_append_new(words, json_string(argv[i]));
	rc = ctl_run(cli, o->socket, "flow.add", json_pack("{s:o}", "rule", words), &r);
	if (rc)
		return rc;
	if (cli->json)
		ctl_print_json(r);
	else
		printf("rule %llu: %s\n", ctl_num(r, "id"), ctl_str(r, "rule"));
	json_decref(r);
	return 0;
}

static int flow_del(struct cli *cli, void *opts, char **argv, int argc)
{
	const struct flow_opts *o = opts;
	json_t *r = NULL;
	int rc;

	if (argc != 1)
		return argc ? cli_err(cli, "unexpected argument '%s'", argv[1])
			    : cli_err(cli, "missing the rule ID (see snic flow list)");
	rc = ctl_run(cli, o->socket, "flow.del", json_pack("{s:s}", "id", argv[0]), &r);
	json_decref(r);
	return rc;
}

static int flow_list(struct cli *cli, void *opts, char **argv, int argc)
{
	const struct flow_opts *o = opts;
	json_t *r, *rule;
	size_t i;
	int rc;

	if (argc)
		return cli_err(cli, "unexpected argument '%s'", argv[0]);
	rc = ctl_run(cli, o->socket, "flow.list", NULL, &r);
	if (rc)
		return rc;
	json_array_foreach(json_object_get(r, "rules"), i, rule)
	{
		if (cli->json)
			ctl_print_json(rule);
		else
			printf("rule %llu hits %llu: %s\n", ctl_num(rule, "id"),
			       ctl_num(rule, "hits"), ctl_str(rule, "rule"));
	}
	json_decref(r);
	return 0;
}

static const struct ctl_action flow_actions[] = {
	{"add", flow_add},
	{"del", flow_del},
	{"list", flow_list},
};

int cmd_flow(struct cli *cli, int argc, char **argv)
{
	struct flow_opts o = {0};
	char **opt = calloc((size_t)argc + 1, sizeof(*opt));
	char **pos = calloc((size_t)argc + 1, sizeof(*pos));
	int nopt, npos, nrest, rc = opt && pos ? CLI_CONTINUE : cli_fail(cli, "out of memory");

	if (rc == CLI_CONTINUE) {
		split_args(argc, argv, opt, &nopt, pos, &npos);
		rc = cli_parse(cli, &flow_spec, &o, nopt, opt, &nrest);
	}
	if (rc == CLI_CONTINUE)
		rc = ctl_dispatch(cli, flow_actions, CTL_N(flow_actions), &o, pos, npos);
	free(opt);
	free(pos);
	return rc;
}
