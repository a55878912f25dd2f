/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic lab bench: on each path of the lab, from the peer to the far end,
 * ping (N at 10 ms: min/avg/max/mdev and loss, as ping reports them),
 * iperf3 TCP (Gbit/s the far end received) and iperf3 UDP with 64-byte
 * payloads (packets per second the far end received). The far ends run
 * their iperf3 servers from `up` on; the traffic runs on the traffic CPU,
 * snicd on its own. Each figure is the median of --runs runs. One table,
 * paths side by side, or with -j one JSON object with a member per path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lab.h"

#define UDP_PAYLOAD   64
#define PING_INTERVAL "0.01"
#define IPERF_TRIES   5
#define RUNS_MAX      100

/* The figures of one path in one run; NAN when not measured. */
enum fig {
	FIG_PING_MIN,
	FIG_PING_AVG,
	FIG_PING_MAX,
	FIG_PING_MDEV,
	FIG_PING_LOSS,
	FIG_TCP_GBPS,
	FIG_UDP_PPS,
	FIG_UDP_LOSS,
	FIG_COUNT
};

static const struct {
	const char *label; /* the table's row */
	const char *key;   /* the JSON member */
	const char *fmt;
} figs[FIG_COUNT] = {
	[FIG_PING_MIN] = {"ping min (ms)", "ping_min_ms", "%.3f"},
	[FIG_PING_AVG] = {"ping avg (ms)", "ping_avg_ms", "%.3f"},
	[FIG_PING_MAX] = {"ping max (ms)", "ping_max_ms", "%.3f"},
	[FIG_PING_MDEV] = {"ping mdev (ms)", "ping_mdev_ms", "%.3f"},
	[FIG_PING_LOSS] = {"ping loss (%)", "ping_loss_pct", "%.1f"},
	[FIG_TCP_GBPS] = {"TCP (Gbit/s)", "tcp_gbps", "%.2f"},
	[FIG_UDP_PPS] = {"UDP 64 B (pps)", "udp64_pps", "%.0f"},
	[FIG_UDP_LOSS] = {"UDP 64 B loss (%)", "udp64_loss_pct", "%.1f"},
};

struct result {
	double run[RUNS_MAX][FIG_COUNT];
	double med[FIG_COUNT];
};

/* ---- one measurement ---- */

/* A child in the peer's namespace on the traffic CPU; its stdout. */
static int peer_run(struct lab *l, const char *const *argv, unsigned timeout_s, char **out,
		    char *err, size_t errsize)
{
	char ns[LAB_NAME_MAX];
	struct lab_cmd c = {.argv = argv,
			    .ns = ns,
			    .cpu = l->cpu_traffic,
			    .timeout_ms = timeout_s * 1000,
			    .keep_out = true};
	int rc;

	lab_name(l, "peer", ns, sizeof(ns));
	rc = lab_exec(&c);
	*out = c.out;
	snprintf(err, errsize, "%s", c.err);
	return rc;
}

/* "... 200 received, 0% packet loss ..." and "rtt min/avg/max/mdev = a/b/c/d ms". */
static int ping_parse(const char *out, double *fig)
{
	const char *loss = strstr(out, "% packet loss"), *rtt = strstr(out, " = ");

	if (!loss)
		return -1;
	while (loss > out && (loss[-1] == '.' || (loss[-1] >= '0' && loss[-1] <= '9')))
		loss--;
	fig[FIG_PING_LOSS] = strtod(loss, NULL);
	if (rtt && sscanf(rtt, " = %lf/%lf/%lf/%lf", &fig[FIG_PING_MIN], &fig[FIG_PING_AVG],
			  &fig[FIG_PING_MAX], &fig[FIG_PING_MDEV]) == 4)
		return 0;
	return fig[FIG_PING_LOSS] >= 100 ? 0 : -1;
}

static int bench_ping(struct lab *l, const struct lab_ends *e, unsigned count, double *fig)
{
	char n[16], err[LAB_ERR_MAX], *out;
	int rc;

	snprintf(n, sizeof(n), "%u", count);
	rc = peer_run(l,
		      (const char *const[]){"ping", "-q", "-c", n, "-i", PING_INTERVAL, "-W", "1",
					    e->far4, NULL},
		      count / 50 + 15, &out, err, sizeof(err));
	/* ping exits 1 when replies are missing: the loss says it */
	if ((rc == 0 || rc == 1) && out && !ping_parse(out, fig))
		rc = 0;
	else
		lab_fail(l, "bench: ping %s from %s: %s", e->far4, e->peer_ns,
			 err[0] ? err : "no summary");
	free(out);
	return rc ? -1 : 0;
}

/* iperf3 -J: end.sum_received. */
static json_t *iperf_sum(const char *out)
{
	json_t *root = json_loads(out, 0, NULL), *sum;

	sum = json_object_get(json_object_get(root, "end"), "sum_received");
	json_incref(sum);
	json_decref(root);
	return sum;
}

/* iperf3 from the peer to the far end's server; -J's end.sum_received.
 * A server still busy with the last test refuses: try again. */
static json_t *iperf_run(struct lab *l, const struct lab_ends *e, unsigned secs, bool udp)
{
	char t[16], err[LAB_ERR_MAX], *out = NULL, len[16];
	json_t *sum = NULL;

	snprintf(t, sizeof(t), "%u", secs);
	snprintf(len, sizeof(len), "%u", UDP_PAYLOAD);
	for (int i = 0; i < IPERF_TRIES && !sum; i++) {
		if (i)
			usleep(500 * 1000);
		free(out);
		if (udp)
			peer_run(l,
				 (const char *const[]){"iperf3", "-c", e->far4, "-t", t, "-J", "-u",
						       "-l", len, "-b", "0", NULL},
				 secs + 30, &out, err, sizeof(err));
		else
			peer_run(
				l,
				(const char *const[]){"iperf3", "-c", e->far4, "-t", t, "-J", NULL},
				secs + 30, &out, err, sizeof(err));
		sum = out ? iperf_sum(out) : NULL;
	}
	if (!sum)
		lab_fail(l, "bench: iperf3 %s to %s from %s: %s", udp ? "UDP" : "TCP", e->far4,
			 e->peer_ns, err[0] ? err : "no result");
	free(out);
	return sum;
}

static double num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static int bench_tcp(struct lab *l, const struct lab_ends *e, unsigned secs, double *fig)
{
	json_t *sum = iperf_run(l, e, secs, false);

	if (!sum)
		return -1;
	fig[FIG_TCP_GBPS] = num(sum, "bits_per_second") / 1e9;
	json_decref(sum);
	return 0;
}

static int bench_udp(struct lab *l, const struct lab_ends *e, unsigned secs, double *fig)
{
	json_t *sum = iperf_run(l, e, secs, true);
	double sent, lost, s;

	if (!sum)
		return -1;
	sent = num(sum, "packets");
	lost = num(sum, "lost_packets");
	s = num(sum, "seconds");
	fig[FIG_UDP_PPS] = s > 0 ? (sent - lost) / s : NAN;
	fig[FIG_UDP_LOSS] = sent > 0 ? 100 * lost / sent : NAN;
	json_decref(sum);
	return 0;
}

/* ---- runs and medians ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of the runs that measured it; NAN when none did. */
static double median(const struct result *r, unsigned runs, enum fig f)
{
	double v[RUNS_MAX];
	unsigned n = 0;

	for (unsigned i = 0; i < runs; i++)
		if (!isnan(r->run[i][f]))
			v[n++] = r->run[i][f];
	if (!n)
		return NAN;
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int bench_path(struct lab *l, enum lab_path p, const struct lab_bench_opts *o,
		      struct result *r)
{
	struct lab_ends e;
	int rc = 0;

	lab_ends(l, p, 0, &e);
	for (unsigned i = 0; i < o->runs; i++) {
		double *fig = r->run[i];

		for (unsigned f = 0; f < FIG_COUNT; f++)
			fig[f] = NAN;
		lab_say(l, "snic lab bench: %s (%s -> %s), run %u of %u", lab_path_names[p],
			e.peer4, e.far4, i + 1, o->runs);
		rc |= bench_ping(l, &e, o->count, fig);
		rc |= bench_tcp(l, &e, o->time, fig);
		rc |= bench_udp(l, &e, o->time, fig);
	}
	for (unsigned f = 0; f < FIG_COUNT; f++)
		r->med[f] = median(r, o->runs, (enum fig)f);
	return rc ? -1 : 0;
}

/* ---- output ---- */

/* Other work on the machine makes the figures noisy: say so when the load
 * before the bench was above what the lab itself makes (snicd's poller). */
static void load_note(double load)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (load > (double)ncpu)
		printf("note: the load average was %.1f on %ld CPUs before the bench: other work "
		       "ran, the figures are noisy\n",
		       load, ncpu);
}

static double loadavg(void)
{
	double load = 0;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf", &load) != 1)
			load = 0;
		fclose(f);
	}
	return load;
}

static void print_table(struct lab *l, const struct result *res, const struct lab_bench_opts *o,
			double load)
{
	char cell[32];

	printf("snic lab bench: peer -> far end; ping %u at 10 ms, iperf3 %u s, median of %u "
	       "run%s; snicd on CPU %d, traffic on CPU %d\n",
	       o->count, o->time, o->runs, o->runs == 1 ? "" : "s", l->cpu_nic, l->cpu_traffic);
	load_note(load);
	putchar('\n');
	printf("%-18s", "");
	for (unsigned p = 0; p < LAB_PATH_COUNT; p++)
		if (lab_path_up(l, (enum lab_path)p))
			printf(" %12s", lab_path_names[p]);
	putchar('\n');
	for (unsigned f = 0; f < FIG_COUNT; f++) {
		printf("%-18s", figs[f].label);
		for (unsigned p = 0; p < LAB_PATH_COUNT; p++) {
			if (!lab_path_up(l, (enum lab_path)p))
				continue;
			if (isnan(res[p].med[f]))
				snprintf(cell, sizeof(cell), "-");
			else
				snprintf(cell, sizeof(cell), figs[f].fmt, res[p].med[f]);
			printf(" %12s", cell);
		}
		putchar('\n');
	}
}

static json_t *fig_json(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static void print_json(struct lab *l, const struct result *res)
{
	json_t *root = json_object(), *path;

	for (unsigned p = 0; p < LAB_PATH_COUNT; p++) {
		if (!lab_path_up(l, (enum lab_path)p))
			continue;
		path = json_object();
		for (unsigned f = 0; f < FIG_COUNT; f++)
			json_object_set_new(path, figs[f].key, fig_json(res[p].med[f]));
		json_object_set_new(root, lab_path_names[p], path);
	}
	json_dumpf(root, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
	putchar('\n');
	json_decref(root);
}

int lab_bench(struct lab *l, const struct lab_bench_opts *o)
{
	struct result *res = calloc(LAB_PATH_COUNT, sizeof(*res));
	double load = loadavg();
	int rc = 0;

	if (!res)
		return lab_fail(l, "out of memory");
	for (unsigned p = 0; p < LAB_PATH_COUNT; p++)
		if (lab_path_up(l, (enum lab_path)p) && bench_path(l, (enum lab_path)p, o, &res[p]))
			rc = -1;
	if (l->cli->json)
		print_json(l, res);
	else
		print_table(l, res, o, load);
	free(res);
	return rc;
}
