/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic lab: the command line (up, down, bench, status), the state
 * directory and its record of what `up` made, and the lab's names and
 * addresses. The topology is in lab_topo.c, the guest in lab_vm.c, the
 * measurements in lab_bench.c, children in lab_run.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl_client.h"
#include "lab.h"

struct lab_opts {
	const char *prefix;
	const char *snicd;
	unsigned vfs, queues;
	bool vm, quiet;
	struct lab_bench_opts bench;
};

static const struct cli_opt lab_opt_table[] = {
	CLI_OPT_UINT("vfs", 0, struct lab_opts, vfs, LAB_VFS_MAX, "N",
		     "up: VFs handed to namespaces P-vm0.. (default 2)"),
	CLI_OPT_UINT("queues", 0, struct lab_opts, queues, 1024, "Q",
		     "up: queues RSS spreads each VF's traffic over (default: all)"),
	CLI_OPT_FLAG("vm", 0, struct lab_opts, vm, "up: one more VF, held by a QEMU guest"),
	CLI_OPT_STR("prefix", 'p', struct lab_opts, prefix, "NAME",
		    "names of namespaces and links (default snic)"),
	CLI_OPT_STR("snicd", 0, struct lab_opts, snicd, "PATH",
		    "up: the snicd to run (default $SNICD, the build tree's, or PATH's)"),
	CLI_OPT_UINT("count", 'c', struct lab_opts, bench.count, 100000, "N",
		     "bench: pings per path, 10 ms apart (default 200)"),
	CLI_OPT_UINT("time", 't', struct lab_opts, bench.time, 3600, "S",
		     "bench: seconds of each iperf3 run (default 5)"),
	CLI_OPT_UINT("runs", 'r', struct lab_opts, bench.runs, 100, "N",
		     "bench: report the median of N runs (default 1)"),
	CLI_OPT_FLAG("quiet", 'q', struct lab_opts, quiet, "no progress lines"),
};

static const char *const lab_usage[] = {
	"up [--vfs N] [--queues Q] [--vm] [--prefix NAME] [--snicd PATH]",
	"bench [--count N] [--time S] [--runs N] [-j] [--prefix NAME]",
	"status [-j] [--prefix NAME]",
	"down [--prefix NAME]",
	NULL,
};

static const struct cli_spec lab_spec = {
	.usage = lab_usage,
	.desc = "A test bench on this machine (root). `up` starts snicd with its uplink\n"
		"into namespace P-peer (the other server) and each VF into a namespace\n"
		"P-vmN (with --vm, one more VF into a QEMU guest over vhost-user); beside\n"
		"it, the same two ends joined by a Linux bridge (P-sw) and by one veth\n"
		"(P-direct). `bench` runs ping, iperf3 TCP and iperf3 UDP with 64-byte\n"
		"payloads on each path and prints them side by side. `down` removes\n"
		"everything; `up` runs it first.",
	.opts = lab_opt_table,
	.nopts = sizeof(lab_opt_table) / sizeof(lab_opt_table[0]),
	.notes = "Addresses: 198.51.100.0/26 and 2001:db8:1::/64 through snicd (peer .1,\n"
		 "VF N .10+N), 198.51.100.64/26 and 2001:db8:2::/64 through the bridge,\n"
		 "198.51.100.128/26 and 2001:db8:3::/64 over the direct veth. snicd's\n"
		 "lcores run on CPU 0, the traffic on the last CPU. State, snicd's config\n"
		 "and logs: /run/snic/lab/PREFIX/. See snic-lab(1).",
};

/* ---- names and addresses ---- */

static const unsigned net_base4[] = {
	[LAB_NET_SRIOV] = 0,
	[LAB_NET_BRIDGE] = 64,
	[LAB_NET_DIRECT] = 128,
};

void lab_name(const struct lab *l, const char *suffix, char *buf, size_t size)
{
	snprintf(buf, size, "%s-%s", l->prefix, suffix);
}

int lab_pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

void lab_file(const struct lab *l, const char *name, char *buf, size_t size)
{
	lab_pathf(buf, size, "%s/%s", l->dir, name);
}

void lab_addr4(enum lab_net net, unsigned host, char *buf, size_t size)
{
	snprintf(buf, size, "198.51.100.%u", net_base4[net] + host);
}

/* The host number's decimal digits read as hex: ::10 for host 10, so that
 * the address, the MAC and the solicited-node group end alike. */
void lab_addr6(enum lab_net net, unsigned host, char *buf, size_t size)
{
	snprintf(buf, size, "2001:db8:%u::%u", (unsigned)net + 1, host);
}

void lab_vf_mac(unsigned vf, char *buf, size_t size)
{
	snprintf(buf, size, "02:5e:00:00:00:%02u", LAB_HOST_FAR + vf);
}

int lab_fail(const struct lab *l, const char *fmt, ...)
{
	char msg[LAB_ERR_MAX + PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_fail(l->cli, "%s", msg);
	return -1;
}

void lab_say(const struct lab *l, const char *fmt, ...)
{
	va_list ap;

	if (l->quiet || l->cli->json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* ---- the state directory ---- */

void lab_paths(struct lab *l)
{
	snprintf(l->dir, sizeof(l->dir), "%s/%s", LAB_RUN_DIR, l->prefix);
	if (!strcmp(l->prefix, LAB_PREFIX_DEFAULT))
		snprintf(l->sock, sizeof(l->sock), "/run/snic/snic.sock");
	else
		lab_file(l, "snic.sock", l->sock, sizeof(l->sock));
}

int lab_record(struct lab *l, const char *kind, const char *value)
{
	char path[PATH_MAX];
	FILE *f;

	lab_file(l, "state", path, sizeof(path));
	f = fopen(path, "a");
	if (!f)
		return lab_fail(l, "%s: %s", path, strerror(errno));
	fprintf(f, "%s %s\n", kind, value);
	if (fclose(f))
		return lab_fail(l, "%s: %s", path, strerror(errno));
	return 0;
}

/* One "KEY N" line of the topology. */
static void load_line(struct lab *l, const char *key, const char *val)
{
	unsigned long v = strtoul(val, NULL, 10);

	if (!strcmp(key, "vfs"))
		l->vfs = (unsigned)v;
	else if (!strcmp(key, "queues"))
		l->queues = (unsigned)v;
	else if (!strcmp(key, "vm"))
		l->vm = v != 0;
	else if (!strcmp(key, "cpu_nic"))
		l->cpu_nic = (int)v;
	else if (!strcmp(key, "cpu_traffic"))
		l->cpu_traffic = !strcmp(val, "-1") ? -1 : (int)v;
}

int lab_load(struct lab *l)
{
	char path[PATH_MAX], line[512], key[64], val[448];
	bool complete = false;
	FILE *f;

	lab_file(l, "state", path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %447[^\n]", key, val) != 2)
			continue;
		load_line(l, key, val);
		if (!strcmp(key, "up"))
			complete = true;
	}
	fclose(f);
	return complete ? 0 : -ENOENT;
}

/* ---- the command ---- */

static int check_prefix(struct lab *l, const char *p)
{
	size_t n = strlen(p);

	if (!n || n > LAB_PREFIX_MAX)
		return cli_err(l->cli, "--prefix '%s': 1 to %d characters", p, LAB_PREFIX_MAX);
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)p[i]) && !isdigit((unsigned char)p[i]))
			return cli_err(l->cli, "--prefix '%s': lower-case letters and digits only",
				       p);
	snprintf(l->prefix, sizeof(l->prefix), "%s", p);
	return 0;
}

/* The last CPU for traffic, the first for snicd; one CPU: no pinning. */
static void cpus(struct lab *l)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	l->cpu_nic = 0;
	l->cpu_traffic = n > 1 ? (int)n - 1 : -1;
}

static int need_root(struct lab *l)
{
	if (geteuid() == 0)
		return 0;
	return cli_fail(l->cli, "needs root (network namespaces, veth, AF_XDP, vhost-user)");
}

static int act_up(struct lab *l, const struct lab_opts *o)
{
	int rc;

	l->vfs = o->vfs ? o->vfs : 2;
	l->queues = o->queues;
	l->vm = o->vm;
	l->snicd = o->snicd;
	rc = lab_up(l);
	return rc == -EINVAL ? CLI_EXIT_USAGE : rc ? CLI_EXIT_FAIL : 0;
}

static int act_down(struct lab *l, const struct lab_opts *o)
{
	(void)o;
	return lab_down(l, true) ? CLI_EXIT_FAIL : 0;
}

static int need_up(struct lab *l)
{
	if (!lab_load(l))
		return 0;
	return cli_fail(l->cli, "the lab '%s' is not up (%s/state): run snic lab up%s%s", l->prefix,
			l->dir, strcmp(l->prefix, LAB_PREFIX_DEFAULT) ? " --prefix " : "",
			strcmp(l->prefix, LAB_PREFIX_DEFAULT) ? l->prefix : "");
}

static int act_bench(struct lab *l, const struct lab_opts *o)
{
	struct lab_bench_opts b = {
		.count = o->bench.count ? o->bench.count : 200,
		.time = o->bench.time ? o->bench.time : 5,
		.runs = o->bench.runs ? o->bench.runs : 1,
	};
	int rc = need_up(l);

	return rc ? rc : (lab_bench(l, &b) ? CLI_EXIT_FAIL : 0);
}

/* ---- status ---- */

static json_t *ends_json(const struct lab_ends *e)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "peer_ns", e->peer_ns, "far_ns",
			 e->far_ns, "peer4", e->peer4, "far4", e->far4, "peer6", e->peer6, "far6",
			 e->far6);
}

static json_t *status_json(struct lab *l)
{
	json_t *paths = json_object(), *vfs = json_array();
	struct lab_ends e;

	for (unsigned p = 0; p < LAB_PATH_COUNT; p++) {
		if (!lab_path_up(l, (enum lab_path)p))
			continue;
		lab_ends(l, (enum lab_path)p, 0, &e);
		json_object_set_new(paths, lab_path_names[p], ends_json(&e));
	}
	for (unsigned vf = 0; vf < l->vfs; vf++) {
		lab_ends(l, LAB_PATH_SRIOV, vf, &e);
		json_array_append_new(vfs, ends_json(&e));
	}
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:b, s:o, s:o}", "prefix", l->prefix, "dir",
			 l->dir, "socket", l->sock, "vfs", (int)l->vfs, "queues", (int)l->queues,
			 "vm", l->vm, "paths", paths, "vf", vfs);
}

static void status_text(struct lab *l)
{
	struct lab_ends e;

	printf("lab %s: %u VF%s (RSS over %u queues)%s; snicd socket %s; state %s\n", l->prefix,
	       l->vfs, l->vfs == 1 ? "" : "s", l->queues, l->vm ? " and a guest" : "", l->sock,
	       l->dir);
	for (unsigned vf = 0; vf < l->vfs; vf++) {
		lab_ends(l, LAB_PATH_SRIOV, vf, &e);
		printf("  vf%-2u  %s %s <-> %s %s, %s\n", vf, e.peer_ns, e.peer4, e.far_ns, e.far4,
		       e.far6);
	}
	for (unsigned p = LAB_PATH_BRIDGE; p < LAB_PATH_COUNT; p++) {
		if (!lab_path_up(l, (enum lab_path)p))
			continue;
		lab_ends(l, (enum lab_path)p, 0, &e);
		printf("  %-6s %s %s <-> %s %s, %s\n", lab_path_names[p], e.peer_ns, e.peer4,
		       e.far_ns[0] ? e.far_ns : "guest", e.far4, e.far6);
	}
}

static int act_status(struct lab *l, const struct lab_opts *o)
{
	json_t *j;
	int rc = need_up(l);

	(void)o;
	if (rc)
		return rc;
	if (!l->cli->json) {
		status_text(l);
		return 0;
	}
	j = status_json(l);
	ctl_print_json(j);
	json_decref(j);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct lab *l, const struct lab_opts *o);
	bool root;
} lab_actions[] = {
	{"up", act_up, true},
	{"down", act_down, true},
	{"bench", act_bench, true},
	{"status", act_status, false},
};

#define N_ACTIONS (sizeof(lab_actions) / sizeof(lab_actions[0]))

static int run_action(struct lab *l, const struct lab_opts *o, const char *name)
{
	for (size_t i = 0; i < N_ACTIONS; i++) {
		if (strcmp(name, lab_actions[i].name))
			continue;
		if (lab_actions[i].root && need_root(l))
			return CLI_EXIT_FAIL;
		return lab_actions[i].run(l, o);
	}
	return cli_err(l->cli, "unknown action '%s' (up, down, bench, status)", name);
}

int cmd_lab(struct cli *cli, int argc, char **argv)
{
	struct lab_opts o = {0};
	struct lab l = {.cli = cli};
	int npos, rc = cli_parse(cli, &lab_spec, &o, argc, argv, &npos);

	if (rc != CLI_CONTINUE)
		return rc;
	if (npos != 1)
		return npos ? cli_err(cli, "unexpected argument '%s'", argv[1])
			    : cli_err(cli, "missing action: up, down, bench or status");
	if (check_prefix(&l, o.prefix ? o.prefix : LAB_PREFIX_DEFAULT))
		return CLI_EXIT_USAGE;
	l.quiet = o.quiet;
	cpus(&l);
	lab_paths(&l);
	return run_action(&l, &o, argv[0]);
}
