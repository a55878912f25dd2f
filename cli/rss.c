/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic rss: a vport's RSS in the running NIC, shown as `ethtool -x` and
 * set as `ethtool -X` (key, hash function, RETA) and `ethtool -N
 * rx-flow-hash` (fields); and the balancer of the PF's RETA in snicd.
 */
#include <ctype.h>
#include <string.h>

#include "ctl_client.h"

#define RSS_RETA_COLS 8

struct rss_opts {
	const char *socket;
	const char *vport;
	const char *key;
	const char *hfunc;
	const char *flow_hash;
	const char *pins; /* balance */
	json_t *reta;	  /* {"equal": N} or {"weight": [...]} */
};

static int opt_reta(struct cli *cli, void *opts, char **argv, int argc);

static const struct cli_opt rss_opt_table[] = {
	CLI_OPT_STR("vport", 0, struct rss_opts, vport, "pf|vfN", "the vport (default: the PF)"),
	CLI_OPT_STR("key", 0, struct rss_opts, key, "HEX", "the hash key, 6d:5a:... or 6d5a..."),
	CLI_OPT_STR("hfunc", 0, struct rss_opts, hfunc, "F",
		    "toeplitz, sym-xor, sym-or-xor, sym-sort, xor, crc32"),
	CLI_OPT_STR("rx-flow-hash", 0, struct rss_opts, flow_hash, "FLOW=FIELDS,...",
		    "fields hashed per flow type, as tcp4=sdfn,udp4=sd"),
	CLI_OPT_ARGS("reta", 0, opt_reta, "equal N|weight W...",
		     "spread the RETA over N queues, or by weights"),
	CLI_OPT_STR("pins", 0, struct rss_opts, pins, "N",
		    "balance: pin up to N heavy flows by flow rules (snic)"),
	CTL_OPT_SOCKET(struct rss_opts),
};

static const char *const rss_usage[] = {
	"show [--vport V] [--socket PATH]",
	"set [--vport V] [--key HEX] [--hfunc F] [--rx-flow-hash FLOW=FIELDS,...]\n"
	"         [--reta equal N | weight W...] [--socket PATH]",
	"balance [on|off|static|rsspp|snic] [--vport V] [--pins N] [--socket PATH]",
	NULL,
};

static const struct cli_spec rss_spec = {
	.usage = rss_usage,
	.desc = "Show or change the RSS of a vport in the running NIC: the key, the hash\n"
		"function, the fields each flow type hashes, and the indirection table.",
	.opts = rss_opt_table,
	.nopts = sizeof(rss_opt_table) / sizeof(rss_opt_table[0]),
	.notes = "Fields are ethtool's letters: m (L2 destination), v (VLAN), t (L3\n"
		 "protocol), s/d (IP source/destination), f/n (L4 bytes 0-1/2-3). snicd\n"
		 "checks the whole result against the NIC's profile; nothing changes unless\n"
		 "it is accepted. Where the profile shares one key and RETA (82599), only\n"
		 "the PF sets them and a VF shows them only with query_rss on. 'balance'\n"
		 "runs snicd's balancer ('on' is snic), or shows it: it evens the load of\n"
		 "the vport's queues (default: the PF's) by moving entries of the RETA\n"
		 "they follow and, with --pins, by pinning heavy flows with flow rules.",
};

/* ---- --reta ---- */

static bool is_weights(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != ',')
			return false;
	return true;
}

/* Weights as words, "1 2 1" or "1,2,1": returns how many words it took. */
static int reta_weights(json_t *list, char **argv, int argc)
{
	char *copy, *w, *save = NULL;
	int i;

	for (i = 0; i < argc && is_weights(argv[i]); i++) {
		copy = strdup(argv[i]);
		for (w = copy ? strtok_r(copy, ",", &save) : NULL; w;
		     w = strtok_r(NULL, ",", &save))
			json_array_append_new(list, json_string(w));
		free(copy);
	}
	return i;
}

static int opt_reta(struct cli *cli, void *opts, char **argv, int argc)
{
	struct rss_opts *o = opts;
	json_t *list;
	int n;

	json_decref(o->reta);
	o->reta = NULL;
	if (argc >= 2 && !strcmp(argv[0], "equal")) {
		o->reta = json_pack("{s:s}", "equal", argv[1]);
		return 2;
	}
	if (argc >= 1 && !strcmp(argv[0], "weight")) {
		list = json_array();
		n = reta_weights(list, argv + 1, argc - 1);
		if (n > 0) {
			o->reta = json_pack("{s:o}", "weight", list);
			return n + 1;
		}
		json_decref(list);
		cli_err(cli, "--reta weight needs weights, got '%s'", argc > 1 ? argv[1] : "");
		return -1;
	}
	cli_err(cli, "--reta takes 'equal N' or 'weight W...', got '%s'", argc ? argv[0] : "");
	return -1;
}

/* ---- show ---- */

static void print_fields(json_t *f)
{
	const char *flow;
	json_t *v;

	fputs("rx-flow-hash", stdout);
	json_object_foreach(f, flow, v) printf(" %s=%s", flow, json_string_value(v));
	putchar('\n');
}

static void print_reta(json_t *reta)
{
	size_t i;
	json_t *v;

	json_array_foreach(reta, i, v)
	{
		if (i % RSS_RETA_COLS == 0)
			printf("%s%5zu:", i ? "\n" : "", i);
		printf(" %4lld", (long long)json_integer_value(v));
	}
	putchar('\n');
}

static void rss_print(const struct cli *cli, json_t *r)
{
	if (cli->json) {
		ctl_print_json(r);
		return;
	}
	printf("vport %s: hfunc %s, %llu queues, RETA of %llu entries (%s)%s%s\n",
	       ctl_str(r, "vport"), ctl_str(r, "hfunc"), ctl_num(r, "nqueues"),
	       ctl_num(r, "reta_size"), ctl_str(r, "reta_rule"),
	       ctl_bool(r, "inner") ? ", inner headers" : "", ctl_bool(r, "teid") ? ", teid" : "");
	printf("key %s\n", ctl_str(r, "key"));
	print_fields(json_object_get(r, "rx_flow_hash"));
	puts("reta:");
	print_reta(json_object_get(r, "reta"));
}

/* ---- the actions ---- */

static int rss_call(struct cli *cli, const char *socket, const char *cmd, json_t *args)
{
	json_t *r;
	int rc = ctl_run(cli, socket, cmd, args, &r);

	if (rc)
		return rc;
	rss_print(cli, r);
	json_decref(r);
	return 0;
}

static void set_str(json_t *args, const char *key, const char *val)
{
	if (val)
		json_object_set_new(args, key, json_string(val));
}

static int rss_show(struct cli *cli, void *opts, char **argv, int argc)
{
	const struct rss_opts *o = opts;
	json_t *args;

	if (argc)
		return cli_err(cli, "unexpected argument '%s'", argv[0]);
	if (o->key || o->hfunc || o->flow_hash || o->reta)
		return cli_err(cli, "show takes --vport only; to change RSS use 'snic rss set'");
	args = json_object();
	set_str(args, "vport", o->vport);
	return rss_call(cli, o->socket, "rss.show", args);
}

static int rss_set(struct cli *cli, void *opts, char **argv, int argc)
{
	const struct rss_opts *o = opts;
	json_t *args;

	if (argc)
		return cli_err(cli, "unexpected argument '%s'", argv[0]);
	if (!o->key && !o->hfunc && !o->flow_hash && !o->reta)
		return cli_err(cli, "nothing to set: --key, --hfunc, --rx-flow-hash or --reta");
	args = json_object();
	set_str(args, "vport", o->vport);
	set_str(args, "key", o->key);
	set_str(args, "hfunc", o->hfunc);
	set_str(args, "rx_flow_hash", o->flow_hash);
	if (o->reta)
		json_object_set(args, "reta", o->reta);
	return rss_call(cli, o->socket, "rss.set", args);
}

static void balance_print(const struct cli *cli, json_t *r)
{
	json_t *imb = json_object_get(r, "imbalance");

	if (cli->json) {
		ctl_print_json(r);
		return;
	}
	if (!ctl_bool(r, "on")) {
		puts("balance off");
		return;
	}
	printf("balance %s of %s: period %llu ms, %llu steps, imbalance ", ctl_str(r, "policy"),
	       ctl_str(r, "vport"), ctl_num(r, "period_ms"), ctl_num(r, "steps"));
	if (json_is_real(imb))
		printf("%.4f", json_real_value(imb));
	else
		fputs("inf", stdout);
	printf(", moved %llu buckets (%llu in all), %llu pinned of %llu\n", ctl_num(r, "moves"),
	       ctl_num(r, "moves_total"), ctl_num(r, "pins"), ctl_num(r, "pins_max"));
}

static int rss_balance(struct cli *cli, void *opts, char **argv, int argc)
{
	const struct rss_opts *o = opts;
	json_t *args, *r;
	int rc;

	if (argc > 1)
		return cli_err(cli, "unexpected argument '%s'", argv[1]);
	if (o->key || o->hfunc || o->flow_hash || o->reta)
		return cli_err(cli, "balance takes on, off or a policy, --vport and --pins only");
	if ((o->vport || o->pins) && (!argc || !strcmp(argv[0], "off")))
		return cli_err(cli, "--vport and --pins need on or a policy");
	args = json_object();
	if (argc)
		set_str(args, "mode", argv[0]);
	if (o->vport)
		set_str(args, "vport", o->vport);
	if (o->pins)
		set_str(args, "pins", o->pins);
	rc = ctl_run(cli, o->socket, "rss.balance", args, &r);
	if (rc)
		return rc;
	balance_print(cli, r);
	json_decref(r);
	return 0;
}

static const struct ctl_action rss_actions[] = {
	{"show", rss_show},
	{"set", rss_set},
	{"balance", rss_balance},
};

int cmd_rss(struct cli *cli, int argc, char **argv)
{
	struct rss_opts o = {0};
	int npos, rc = cli_parse(cli, &rss_spec, &o, argc, argv, &npos);

	if (rc == CLI_CONTINUE)
		rc = ctl_dispatch(cli, rss_actions, CTL_N(rss_actions), &o, argv, npos);
	json_decref(o.reta);
	return rc;
}
