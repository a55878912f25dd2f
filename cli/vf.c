/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic vf: show and set VFs with the words of `ip link set DEV vf N ...`.
 * The values go to snicd as typed; snicd reads and checks them, so a bad
 * value gets the same message from every client.
 */
#include <string.h>

#include "ctl_client.h"

struct vf_opts {
	const char *socket;
};

static const struct cli_opt vf_opt_table[] = {
	CTL_OPT_SOCKET(struct vf_opts),
};

static const char *const vf_usage[] = {
	"show [N] [--socket PATH]",
	"set N SETTING VALUE [SETTING VALUE...] [--socket PATH]",
	NULL,
};

/* What `vf set` takes: the word (also snicd's key) and its value. */
static const struct {
	const char *word;
	const char *value;
} vf_settings[] = {
	{"mac", "LLADDR"},
	{"vlan", "VID"},
	{"qos", "0..7"},
	{"proto", "802.1Q|802.1ad"},
	{"spoofchk", "on|off"},
	{"trust", "on|off"},
	{"state", "auto|enable|disable"},
	{"max_tx_rate", "Mbit/s"},
	{"min_tx_rate", "Mbit/s"},
	{"query_rss", "on|off"},
};

#define N_SETTINGS (sizeof(vf_settings) / sizeof(vf_settings[0]))

static const struct cli_spec vf_spec = {
	.usage = vf_usage,
	.desc = "Show the VFs, or change one as `ip link set DEV vf N ...` does. Settings:\n"
		"mac LLADDR, vlan VID [qos 0..7] [proto 802.1Q|802.1ad], spoofchk on|off,\n"
		"trust on|off, state auto|enable|disable, max_tx_rate and min_tx_rate in\n"
		"Mbit/s (0: no limit), query_rss on|off.",
	.opts = vf_opt_table,
	.nopts = sizeof(vf_opt_table) / sizeof(vf_opt_table[0]),
	.notes = "A malformed value changes nothing. When snicd refuses a setting, those\n"
		 "before it on the line stay set, as with ip link. `vf show` prints the\n"
		 "settings in the words `vf set` takes.",
};

/* ---- show ---- */

static const char *on_off(json_t *o, const char *key)
{
	return ctl_bool(o, key) ? "on" : "off";
}

static void vf_line(json_t *v)
{
	printf("vf %llu: mac %s vlan %llu qos %llu proto %s spoofchk %s trust %s state %s "
	       "max_tx_rate %llu min_tx_rate %llu query_rss %s; queues %llu, rxmode %s",
	       ctl_num(v, "vf"), ctl_str(v, "mac"), ctl_num(v, "vlan"), ctl_num(v, "qos"),
	       ctl_str(v, "proto"), on_off(v, "spoofchk"), on_off(v, "trust"), ctl_str(v, "state"),
	       ctl_num(v, "max_tx_rate"), ctl_num(v, "min_tx_rate"), on_off(v, "query_rss"),
	       ctl_num(v, "queues"), ctl_str(v, "rxmode_eff"));
	if (strcmp(ctl_str(v, "rxmode"), ctl_str(v, "rxmode_eff")))
		printf(" (asked %s)", ctl_str(v, "rxmode"));
	puts(ctl_bool(v, "assigned") ? ", assigned" : "");
}

static void vf_print(const struct cli *cli, json_t *vfs)
{
	size_t i;
	json_t *v;

	json_array_foreach(vfs, i, v)
	{
		if (cli->json)
			ctl_print_json(v);
		else
			vf_line(v);
	}
}

static int vf_show(struct cli *cli, void *opts, char **argv, int argc)
{
	const struct vf_opts *o = opts;
	json_t *r;
	int rc;

	if (argc > 1)
		return cli_err(cli, "unexpected argument '%s'", argv[1]);
	rc = ctl_run(cli, o->socket, "vf.show", argc ? json_pack("{s:s}", "vf", argv[0]) : NULL,
		     &r);
	if (rc)
		return rc;
	vf_print(cli, json_object_get(r, "vfs"));
	json_decref(r);
	return 0;
}

/* ---- set ---- */

static int setting_find(const char *word)
{
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (!strcmp(vf_settings[i].word, word))
			return (int)i;
	return -1;
}

static int unknown_setting(struct cli *cli, const char *word)
{
	char names[200] = "";
	size_t off = 0;

	for (size_t i = 0; i < N_SETTINGS && off < sizeof(names); i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s", i ? ", " : "",
					vf_settings[i].word);
	return cli_err(cli, "unknown vf setting '%s' (%s)", word, names);
}

/* The SETTING VALUE pairs into @args. */
static int settings_read(struct cli *cli, char **argv, int argc, json_t *args)
{
	int s;

	for (int i = 0; i < argc; i += 2) {
		s = setting_find(argv[i]);
		if (s < 0)
			return unknown_setting(cli, argv[i]);
		if (i + 1 == argc)
			return cli_err(cli, "'%s' needs a value: %s", argv[i],
				       vf_settings[s].value);
		if (json_object_get(args, argv[i]))
			return cli_err(cli, "'%s' is given twice", argv[i]);
		json_object_set_new(args, argv[i], json_string(argv[i + 1]));
	}
	return 0;
}

static int vf_set(struct cli *cli, void *opts, char **argv, int argc)
{
	const struct vf_opts *o = opts;
	json_t *args, *r;
	int rc;

	if (argc == 0)
		return cli_err(cli, "missing the VF number (see snic vf --help)");
	if (argc == 1)
		return cli_err(cli, "vf %s: missing what to set (see snic vf --help)", argv[0]);
	args = json_pack("{s:s}", "vf", argv[0]);
	if (!args)
		return cli_fail(cli, "out of memory");
	rc = settings_read(cli, argv + 1, argc - 1, args);
	if (rc) {
		json_decref(args);
		return rc;
	}
	rc = ctl_run(cli, o->socket, "vf.set", args, &r);
	if (rc)
		return rc;
	if (cli->json)
		ctl_print_json(r);
	json_decref(r);
	return 0;
}

static const struct ctl_action vf_actions[] = {
	{"show", vf_show},
	{"set", vf_set},
};

int cmd_vf(struct cli *cli, int argc, char **argv)
{
	struct vf_opts o = {0};
	int npos, rc = cli_parse(cli, &vf_spec, &o, argc, argv, &npos);

	if (rc != CLI_CONTINUE)
		return rc;
	return ctl_dispatch(cli, vf_actions, CTL_N(vf_actions), &o, argv, npos);
}
