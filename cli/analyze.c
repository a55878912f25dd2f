/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic analyze: run captures through the NIC a config describes and report
 * where the frames went: per vport and queue frames, bytes, flows, shares
 * and drops by reason, the imbalance of each function's queues, the
 * busiest flows of each queue and the RETA buckets by load; per time
 * window with --window; for several profiles side by side with --compare.
 *
 * The frame loop: the reader thread hands over chunks of frames with their
 * flow keys; bursts of AN_BURST frames go to snic_rx() of every run, whose
 * destinations feed the flow accounting. A burst is cut where a period of
 * any run ends, so that a period holds exactly the frames whose timestamps
 * fall in it. Periods are where per-window reports come from, and where a
 * load balancer acting on bucket loads plugs in (struct an_ticker).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snic/balance.h"
#include "snic/nic.h"
#include "snic/parse.h"
#include "snic/profile.h"
#include "analyze.h"
#include "cli.h"
#include "config.h"

#define AN_RUNS_MAX	  16
#define AN_PLOT_WINDOW_NS (100 * 1000000ull) /* --plot without --window */
#define AN_BUCKETS_SHOWN  8
#define AN_WINDOW_MAX_NS  (86400 * AN_NS)
#define AN_PERIOD_DEFAULT (100 * 1000000ull) /* --balance without --period */

struct an_opts {
	const char *config;
	const char *compare;
	const char *plot;
	const char *balance;
	uint64_t window_ns;
	uint64_t period_ns;
	uint8_t policy; /* enum snic_balance_policy, with balance */
	unsigned pins;	/* --pins, with balance snic */
	unsigned top;
	unsigned max_flows;
	unsigned buckets;
};

/* A run and what its window clock needs. */
struct an_hook {
	struct an_ctx *a;
	unsigned run;
};

struct an_ctx {
	struct cli *cli;
	const struct an_opts *o;
	struct an_run runs[AN_RUNS_MAX];
	struct an_hook hooks[AN_RUNS_MAX];
	unsigned nruns;
	struct an_reader *rd;
	struct an_plot *plot;
	struct an_bal *bal[2]; /* with --balance: static, then the policy */
	unsigned nbal;
	/* the frame loop */
	bool started;
	uint64_t t0;	      /* timestamp of the first frame */
	uint64_t first, last; /* smallest and largest timestamps */
	uint64_t frames, bytes;
	uint64_t next_ns; /* earliest end of a period, relative to t0 */
};

/* ---- options ---- */

static const struct {
	const char *unit;
	uint64_t ns;
} units[] = {
	{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", AN_NS}, {"", AN_NS},
};

/* "100ms", "1.5s", "250us", "2" (seconds). */
static int parse_duration(const char *s, uint64_t *out)
{
	char *end;
	double v;

	if (!*s || !strchr("0123456789.", *s))
		return -EINVAL;
	v = strtod(s, &end);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		double ns = v * (double)units[i].ns;

		if (strcmp(end, units[i].unit))
			continue;
		if (!isfinite(ns) || ns < 1 || ns > (double)AN_WINDOW_MAX_NS)
			return -ERANGE;
		*out = (uint64_t)llround(ns);
		return 0;
	}
	return -EINVAL;
}

static int opt_window(struct cli *cli, void *opts, const char *arg)
{
	struct an_opts *o = opts;
	int rc = parse_duration(arg, &o->window_ns);

	if (rc == -ERANGE)
		return cli_err(cli, "bad --window '%s': from 1ns to 24h", arg);
	if (rc)
		return cli_err(cli,
			       "bad --window '%s': expected a duration such as 100ms, 1s, "
			       "250us",
			       arg);
	return 0;
}

static int opt_period(struct cli *cli, void *opts, const char *arg)
{
	struct an_opts *o = opts;

	if (parse_duration(arg, &o->period_ns) || o->period_ns < 1000000)
		return cli_err(cli, "bad --period '%s': expected a duration of 1ms or more", arg);
	return 0;
}

#define AO struct an_opts

static const struct cli_opt an_opt_table[] = {
	CLI_OPT_STR("config", 'c', AO, config, "FILE", "the NIC's config (required)"),
	CLI_OPT_FUNC("window", 0, opt_window, "DUR",
		     "also report each window of DUR (100ms, 1s...) of capture time"),
	CLI_OPT_STR("compare", 0, AO, compare, "P1,P2,...",
		    "run the config under each profile, side by side"),
	CLI_OPT_STR("plot", 0, AO, plot, "FILE",
		    "draw queue load over time and the RETA heat map (.svg or .png)"),
	CLI_OPT_STR("balance", 0, AO, balance, "POLICY",
		    "rebalance the PF's RETA each period with POLICY (static, rsspp, snic), "
		    "beside static"),
	CLI_OPT_FUNC("period", 0, opt_period, "DUR", "the balancer's period (default 100ms)"),
	CLI_OPT_UINT("pins", 0, AO, pins, AN_PINS_MAX, "N",
		     "with --balance snic: pin up to N heavy flows by flow rules (default 0)"),
	CLI_OPT_UINT("top", 0, AO, top, AN_TOP_MAX, "N", "busiest flows per queue (default 3)"),
	CLI_OPT_UINT("buckets", 0, AO, buckets, SNIC_RETA_MAX, "N",
		     "busiest buckets listed per RETA in text (default 8)"),
	CLI_OPT_UINT("max-flows", 0, AO, max_flows, AN_FLOWS_MAX, "N",
		     "flows counted exactly per run (default 1048576)"),
};

static const char *const an_usage[] = {
	"-c CONFIG [OPTIONS] TRACE...",
	NULL,
};

static const struct cli_spec an_spec = {
	.usage = an_usage,
	.desc = "Run pcap or pcapng captures through the NIC that CONFIG describes and report,\n"
		"per vport and queue, frames, bytes, flows, shares and drops by reason, the\n"
		"imbalance of each function's queues, the busiest flows and RETA buckets.",
	.opts = an_opt_table,
	.nopts = sizeof(an_opt_table) / sizeof(an_opt_table[0]),
	.notes = "Imbalance of a function's queues, on frames: (max-min)/min as RSS++ reports\n"
		 "it, max/mean, and Jain's index (1 is even). A damaged capture is read up to\n"
		 "the damage; the figures so far are printed and the exit status is 1.\n"
		 "See snic-analyze(1).",
};

/* ---- runs ---- */

static int known_profiles(struct cli *cli, const char *name)
{
	const struct snic_profile *const *all;
	char known[512] = "";
	size_t n, off = 0;

	all = snic_profiles(&n);
	for (size_t i = 0; i < n && off < sizeof(known); i++)
		off += (size_t)snprintf(known + off, sizeof(known) - off, "%s%s", i ? ", " : "",
					all[i]->name);
	return cli_err(cli, "unknown profile '%s' in --compare (known: %s)", name, known);
}

static void on_window(struct an_run *r, const struct an_period *p, void *arg)
{
	struct an_hook *h = arg;
	struct an_view v;

	an_window_view(r, p, &v);
	if (h->a->o->window_ns) {
		an_report_window(stdout, h->a->cli->json, r, &v, h->a->nruns > 1);
		an_worst_offer(r, &v);
	}
	if (h->a->plot)
		an_plot_window(h->a->plot, h->run, r, &v);
	an_window_reset(r);
}

static int add_run(struct an_ctx *a, const char *profile)
{
	const struct an_opts *o = a->o;
	struct an_run *r = &a->runs[a->nruns];
	struct snic_config *conf = NULL;
	struct snic_err err = {0};
	uint64_t wlen = o->window_ns ? o->window_ns : o->plot ? AN_PLOT_WINDOW_NS : 0;

	if (profile && !snic_profile_find(profile))
		return known_profiles(a->cli, profile);
	if (snic_config_load(o->config, profile, &conf, &err))
		return profile ? cli_err(a->cli, "profile %s: %s", profile, err.msg)
			       : cli_err(a->cli, "%s", err.msg);
	if (an_run_init(r, conf, o->top, o->max_flows, &err)) {
		an_run_free(r);
		snic_config_free(conf);
		return cli_err(a->cli, "%s%s%s", profile ? profile : "", profile ? ": " : "",
			       err.msg);
	}
	a->hooks[a->nruns] = (struct an_hook){a, a->nruns};
	a->nruns++;
	if (wlen && an_run_add_ticker(r, wlen, on_window, &a->hooks[a->nruns - 1], &err))
		return cli_fail(a->cli, "%s", err.msg);
	r->win = wlen ? 1 : 0;
	return 0;
}

/* A balancer on the last run added. */
static int add_balancer(struct an_ctx *a, uint8_t policy)
{
	struct an_run *r = &a->runs[a->nruns - 1];
	struct snic_err err = {0};
	struct an_bal *b;

	if (an_bal_new(r, policy, a->o->period_ns, a->o->pins, a->cli->json, &b, &err))
		return cli_err(a->cli, "%s", err.msg);
	a->bal[a->nbal++] = b;
	if (an_run_add_ticker(r, a->o->period_ns, an_bal_on_period, b, &err))
		return cli_fail(a->cli, "%s", err.msg);
	return 0;
}

/* --balance: a run kept static and a run balanced by the policy. */
static int setup_balance(struct an_ctx *a)
{
	int rc = add_run(a, NULL);

	if (!rc)
		rc = add_balancer(a, SNIC_BAL_STATIC);
	if (!rc && a->o->policy != SNIC_BAL_STATIC)
		rc = add_run(a, NULL);
	if (!rc && a->o->policy != SNIC_BAL_STATIC)
		rc = add_balancer(a, a->o->policy);
	return rc;
}

static int setup_runs(struct an_ctx *a)
{
	char *list, *name, *save = NULL;
	int rc = 0;

	if (a->o->balance)
		return setup_balance(a);
	if (!a->o->compare)
		return add_run(a, NULL);
	list = strdup(a->o->compare);
	if (!list)
		return cli_fail(a->cli, "out of memory");
	for (name = strtok_r(list, ",", &save); name && !rc; name = strtok_r(NULL, ",", &save)) {
		if (a->nruns == AN_RUNS_MAX)
			rc = cli_err(a->cli, "--compare takes at most %d profiles", AN_RUNS_MAX);
		else
			rc = add_run(a, name);
	}
	if (!rc && !a->nruns)
		rc = cli_err(a->cli, "bad --compare '%s': expected P1,P2,...", a->o->compare);
	free(list);
	return rc;
}

static void free_runs(struct an_ctx *a)
{
	for (unsigned i = 0; i < a->nruns; i++) {
		struct snic_config *conf = a->runs[i].conf;

		an_run_free(&a->runs[i]);
		snic_config_free(conf);
	}
	a->nruns = 0;
	for (unsigned i = 0; i < a->nbal; i++)
		an_bal_free(a->bal[i]);
	a->nbal = 0;
}

/* ---- the frame loop ---- */

static void run_burst(struct an_ctx *a, const struct snic_frame *fr, const uint64_t *fkey,
		      unsigned n)
{
	for (unsigned k = 0; k < a->nruns; k++) {
		struct an_run *r = &a->runs[k];
		unsigned nd;

		an_run_prefetch(r, fkey, n);
		nd = snic_rx(r->cfg, r->ctr, fr, n, r->dests, r->dcap);
		an_run_account(r, fr, fkey, r->dests, nd);
		if (a->nbal)
			an_bal_account(a->bal[k], fr, fkey, r->dests, nd);
	}
}

static uint64_t next_period(const struct an_ctx *a)
{
	uint64_t next = UINT64_MAX, n;

	for (unsigned k = 0; k < a->nruns; k++)
		if ((n = an_run_next_ns(&a->runs[k])) < next)
			next = n;
	return next;
}

/* Capture time relative to the first frame; a frame older than the first
 * counts at 0 (a period never reopens). */
static inline uint64_t rel_time(const struct an_ctx *a, uint64_t ts)
{
	return ts > a->t0 ? ts - a->t0 : 0;
}

static void close_periods(struct an_ctx *a, uint64_t now)
{
	for (unsigned k = 0; k < a->nruns; k++)
		an_run_tick(&a->runs[k], now);
	a->next_ns = next_period(a);
}

static void chunk_totals(struct an_ctx *a, const struct an_chunk *c)
{
	if (!c->n)
		return;
	if (!a->started) {
		a->started = true;
		a->t0 = c->ts[0];
		a->first = c->ts_min;
		a->last = c->ts_max;
	}
	a->first = c->ts_min < a->first ? c->ts_min : a->first;
	a->last = c->ts_max > a->last ? c->ts_max : a->last;
	a->frames += c->n;
	a->bytes += c->bytes;
}

/* Where the burst from @i ends: after AN_BURST frames, or before the first
 * frame of the next period. */
static unsigned burst_end(const struct an_ctx *a, const struct an_chunk *c, unsigned i)
{
	unsigned end = i + AN_BURST < c->n ? i + AN_BURST : c->n;

	if (a->next_ns == UINT64_MAX)
		return end;
	for (unsigned j = i + 1; j < end; j++)
		if (rel_time(a, c->ts[j]) >= a->next_ns)
			return j;
	return end;
}

/* A burst is a slice of the chunk; the chunk goes back to the reader at
 * the next an_reader_next(). */
static void feed_chunk(struct an_ctx *a, const struct an_chunk *c)
{
	unsigned i = 0, end;

	chunk_totals(a, c);
	while (i < c->n) {
		uint64_t now = rel_time(a, c->ts[i]);

		if (now >= a->next_ns) {
			close_periods(a, now);
			continue;
		}
		end = burst_end(a, c, i);
		run_burst(a, c->fr + i, c->fkey + i, end - i);
		i = end;
	}
}

static int run_loop(struct an_ctx *a)
{
	const struct an_chunk *c;
	int rc = an_reader_start(a->rd);

	if (rc)
		return cli_fail(a->cli, "can't start the reader: %s", strerror(-rc));
	a->next_ns = next_period(a);
	while ((c = an_reader_next(a->rd)))
		feed_chunk(a, c);
	an_reader_finish(a->rd);
	for (unsigned k = 0; k < a->nruns; k++)
		an_run_tick_end(&a->runs[k]);
	return 0;
}

/* ---- the command ---- */

static int report(struct an_ctx *a)
{
	struct an_summary s = {
		.config = a->o->config,
		.frames = a->frames,
		.bytes = a->bytes,
		.t0_ns = a->t0,
		.first_ns = a->first,
		.last_ns = a->last,
		.window_ns = a->o->window_ns,
		.compare = a->o->compare != NULL || a->nruns > 1,
		.buckets_shown = a->o->buckets,
	};
	int rc = 0;

	s.traces = an_reader_traces(a->rd, &s.ntraces);
	if (a->nbal && a->cli->json)
		an_bal_report(stdout, true, a->o->period_ns, a->bal, a->nbal);
	an_report_final(stdout, a->cli->json, &s, a->runs, a->nruns);
	if (a->nbal && !a->cli->json)
		an_bal_report(stdout, false, a->o->period_ns, a->bal, a->nbal);
	for (unsigned i = 0; i < s.ntraces; i++)
		if (s.traces[i].error[0])
			rc = cli_fail(a->cli, "trace '%s': %s", s.traces[i].path,
				      s.traces[i].error);
	return rc;
}

static int parse_policy(struct cli *cli, struct an_opts *o)
{
	enum snic_balance_policy p;
	struct snic_err err = {0};

	if (snic_balance_policy_parse(o->balance, &p, &err))
		return cli_err(cli, "bad --balance '%s': expected static, rsspp or snic",
			       o->balance);
	o->policy = (uint8_t)p;
	return 0;
}

static int check_opts(struct cli *cli, struct an_opts *o, int npos)
{
	if (!o->config)
		return cli_err(cli, "missing -c CONFIG (see snic analyze --help)");
	if (!npos)
		return cli_err(cli, "missing TRACE (see snic analyze --help)");
	if (o->balance && o->compare)
		return cli_err(cli, "--balance and --compare: one at a time");
	if (o->balance && parse_policy(cli, o))
		return CLI_EXIT_USAGE;
	if (o->period_ns && !o->balance)
		return cli_err(cli, "--period needs --balance");
	if (o->pins && (!o->balance || o->policy != SNIC_BAL_SNIC))
		return cli_err(cli, "--pins needs --balance snic");
	if (!o->period_ns)
		o->period_ns = AN_PERIOD_DEFAULT;
	if (o->max_flows < AN_FLOWS_MIN)
		return cli_err(cli, "bad --max-flows %u: at least %u", o->max_flows, AN_FLOWS_MIN);
	return 0;
}

static int analyze(struct an_ctx *a, char **traces, int ntraces)
{
	int rc = setup_runs(a);

	if (!rc)
		rc = an_reader_open(a->cli, traces, (unsigned)ntraces, &a->rd);
	if (!rc && a->o->plot)
		rc = an_plot_open(a->cli, a->o->plot, a->runs, a->nruns, &a->plot);
	if (!rc)
		rc = run_loop(a);
	if (rc)
		return rc;
	rc = report(a);
	if (a->plot && an_plot_finish(a->cli, a->plot, a->runs, a->nruns))
		rc = CLI_EXIT_FAIL;
	return rc;
}

int cmd_analyze(struct cli *cli, int argc, char **argv)
{
	struct an_opts o = {
		.top = AN_TOP_DEFAULT,
		.max_flows = AN_FLOWS_DEFAULT,
		.buckets = AN_BUCKETS_SHOWN,
	};
	struct an_ctx *a;
	int npos, rc;

	rc = cli_parse(cli, &an_spec, &o, argc, argv, &npos);
	if (rc != CLI_CONTINUE)
		return rc;
	if ((rc = check_opts(cli, &o, npos)))
		return rc;
	a = calloc(1, sizeof(*a));
	if (!a)
		return cli_fail(cli, "out of memory");
	a->cli = cli;
	a->o = &o;
	rc = analyze(a, argv, npos);
	an_plot_free(a->plot);
	an_reader_free(a->rd);
	free_runs(a);
	free(a);
	return rc;
}
