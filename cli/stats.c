/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic stats: the counters of the running NIC, as `ethtool -S` lists a
 * NIC's: the wire, each port, each vport with its queues, transmit and
 * drops by reason, and the hits of each flow rule. -j gives snicd's JSON
 * on one line.
 */
#include <string.h>

#include "ctl_client.h"

#define STATS_NAME_MAX 96

struct stats_opts {
	const char *socket;
};

static const struct cli_opt stats_opt_table[] = {
	CTL_OPT_SOCKET(struct stats_opts),
};

static const char *const stats_usage[] = {
	"[-j] [--socket PATH]",
	NULL,
};

static const struct cli_spec stats_spec = {
	.usage = stats_usage,
	.desc = "Print the counters of the running NIC, summed over snicd's lcores: frames\n"
		"from the wire and their drops by reason, each DPDK port, each vport's\n"
		"queues (frames, bytes, broadcast, multicast, loopback), its transmit and\n"
		"drops by reason, and each flow rule's hits.",
	.opts = stats_opt_table,
	.nopts = sizeof(stats_opt_table) / sizeof(stats_opt_table[0]),
	.notes = "Counter names are the JSON keys joined by '_': rx_drops_no_vport,\n"
		 "q0_frames, tx_drops_spoofed, ...",
};

static void put_counters(json_t *o, const char *prefix);

static void put_value(const char *name, json_t *v)
{
	char sub[STATS_NAME_MAX];
	size_t i;
	json_t *x;

	if (json_is_integer(v))
		printf("     %s: %lld\n", name, (long long)json_integer_value(v));
	else if (json_is_real(v))
		printf("     %s: %.3f\n", name, json_real_value(v));
	else if (json_is_boolean(v))
		printf("     %s: %d\n", name, json_is_true(v));
	else if (json_is_object(v) && snprintf(sub, sizeof(sub), "%s_", name) < (int)sizeof(sub))
		put_counters(v, sub);
	else if (json_is_array(v))
		json_array_foreach(v, i, x) if (snprintf(sub, sizeof(sub), "%s%zu_", name, i) <
						(int)sizeof(sub)) put_counters(x, sub);
}

/* Every number in @o, named PREFIX + key; strings are labels, not counters. */
static void put_counters(json_t *o, const char *prefix)
{
	char name[STATS_NAME_MAX];
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v)
	{
		if (!strcmp(key, "queue") || !strcmp(key, "id"))
			continue;
		snprintf(name, sizeof(name), "%s%s", prefix, !strcmp(key, "queues") ? "q" : key);
		put_value(name, v);
	}
}

static void put_section(json_t *list, const char *label, const char *name_key)
{
	size_t i;
	json_t *x;

	json_array_foreach(list, i, x)
	{
		if (json_is_string(json_object_get(x, name_key)))
			printf("%s %s:\n", label, ctl_str(x, name_key));
		else
			printf("%s %llu:\n", label, ctl_num(x, name_key));
		put_counters(x, "");
	}
}

/* The balancer: its policy, the last period's imbalance of the vport's
 * queues and moves, and each flow it pins. */
static void stats_balance(json_t *b)
{
	json_t *imb = json_object_get(b, "imbalance"), *pinned, *p, *c;
	size_t i;

	if (!json_is_true(json_object_get(b, "on")))
		return;
	printf("balance %s:\n     vport: %s\n", ctl_str(b, "policy"), ctl_str(b, "vport"));
	if (!json_is_real(imb))
		puts("     imbalance: inf");
	c = json_deep_copy(b);
	json_object_del(c, "pinned");
	put_counters(c, "");
	json_decref(c);
	pinned = json_object_get(b, "pinned");
	json_array_foreach(pinned, i, p)
		printf("     pin %s: queue %llu, bucket %llu, load %llu\n", ctl_str(p, "flow"),
		       ctl_num(p, "queue"), ctl_num(p, "bucket"), ctl_num(p, "load"));
}

static void stats_print(json_t *r)
{
	printf("nic:\n     uptime: %.3f\n", json_real_value(json_object_get(r, "uptime")));
	put_counters(json_object_get(r, "rx"), "rx_");
	put_section(json_object_get(r, "ports"), "port", "name");
	put_section(json_object_get(r, "vports"), "vport", "vport");
	put_section(json_object_get(r, "rules"), "rule", "id");
	stats_balance(json_object_get(r, "balance"));
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
	struct stats_opts o = {0};
	json_t *r;
	int npos, rc = cli_parse(cli, &stats_spec, &o, argc, argv, &npos);

	if (rc != CLI_CONTINUE)
		return rc;
	if (npos)
		return cli_err(cli, "unexpected argument '%s'", argv[0]);
	rc = ctl_run(cli, o.socket, "stats", NULL, &r);
	if (rc)
		return rc;
	if (cli->json)
		ctl_print_json(r);
	else
		stats_print(r);
	json_decref(r);
	return 0;
}
