/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic top: a live view of the running NIC: frames and bits a second on
 * each queue of each vport, and each vport's receive, transmit and drop
 * rates, refreshed every interval from snicd's counters. q or Ctrl-C quits.
 *
 * Rates are the difference of two samples over the time between them (by
 * snicd's clock); the first view, having no earlier sample, shows the
 * averages since snicd started.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ctl_client.h"

#define TOP_CLEAR "\033[H\033[2J"

struct top_opts {
	const char *socket;
	bool once;
	unsigned count;
	unsigned interval;
};

static const struct cli_opt top_opt_table[] = {
	CLI_OPT_FLAG("once", 0, struct top_opts, once, "print one view and exit"),
	CLI_OPT_UINT("count", 'n', struct top_opts, count, 1000000, "COUNT",
		     "print COUNT views and exit"),
	CLI_OPT_UINT("interval", 'i', struct top_opts, interval, 3600, "SECONDS",
		     "time between views (default 1)"),
	CTL_OPT_SOCKET(struct top_opts),
};

static const char *const top_usage[] = {
	"[--once | -n COUNT] [-i SECONDS] [-j] [--socket PATH]",
	NULL,
};

static const struct cli_spec top_spec = {
	.usage = top_usage,
	.desc = "Show per-queue and per-vport rates of the running NIC, refreshed every\n"
		"second. q or Ctrl-C quits.",
	.opts = top_opt_table,
	.nopts = sizeof(top_opt_table) / sizeof(top_opt_table[0]),
	.notes = "The first view shows averages since snicd started; later ones the rates\n"
		 "over the last interval. With -j each view is one JSON object: {\"uptime\",\n"
		 "\"interval\", \"queues\": [{\"vport\", \"queue\", \"fps\", \"mbps\"}],\n"
		 "\"vports\": [{\"vport\", \"rx_fps\", \"rx_mbps\", \"tx_fps\", \"drop_fps\"}]}.",
};

static volatile sig_atomic_t top_stop;

static void on_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

/* ---- rates ---- */

/* Two samples of snicd's stats; @prev may be NULL. */
struct top_view {
	json_t *cur, *prev;
	double dt; /* seconds between them */
};

static double num(json_t *o, const char *key)
{
	return (double)ctl_num(o, key);
}

/* The rate of @key of @cur against @prev (NULL: since start). */
static double rate(const struct top_view *v, json_t *cur, json_t *prev, const char *key)
{
	double d = num(cur, key) - (prev ? num(prev, key) : 0);

	if (d < 0) /* snicd restarted */
		d = num(cur, key);
	return v->dt > 0 ? d / v->dt : 0;
}

static json_t *vport_of(json_t *stats, const char *name)
{
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(stats, "vports"), i,
			   x) if (!strcmp(ctl_str(x, "vport"), name)) return x;
	return NULL;
}

/* The sum of the numbers in object @o, or of member @key of each element
 * of array @o. */
static double sum(json_t *o, const char *key)
{
	const char *k;
	double s = 0;
	size_t i;
	json_t *x;

	if (json_is_array(o))
		json_array_foreach(o, i, x) s += num(x, key);
	else
		json_object_foreach(o, k, x) s += (double)json_integer_value(x);
	return s;
}

static double vport_drops(json_t *vp)
{
	return vp ? sum(json_object_get(vp, "rx_drops"), NULL) +
			       num(json_object_get(vp, "tx"), "dropped")
		  : 0;
}

static double sum_rate(const struct top_view *v, double cur, double prev)
{
	double d = cur - prev;

	if (d < 0)
		d = cur;
	return v->dt > 0 ? d / v->dt : 0;
}

/* ---- one view ---- */

static json_t *queue_row(const struct top_view *v, const char *vport, json_t *q, json_t *pq)
{
	return json_pack("{s:s, s:I, s:f, s:f}", "vport", vport, "queue",
			 (json_int_t)ctl_num(q, "queue"), "fps", rate(v, q, pq, "frames"), "mbps",
			 rate(v, q, pq, "bytes") * 8 / 1e6);
}

static json_t *vport_row(const struct top_view *v, json_t *vp, json_t *pvp)
{
	json_t *qs = json_object_get(vp, "queues"), *pqs = json_object_get(pvp, "queues");

	return json_pack("{s:s, s:f, s:f, s:f, s:f}", "vport", ctl_str(vp, "vport"), "rx_fps",
			 sum_rate(v, sum(qs, "frames"), pqs ? sum(pqs, "frames") : 0), "rx_mbps",
			 sum_rate(v, sum(qs, "bytes"), pqs ? sum(pqs, "bytes") : 0) * 8 / 1e6,
			 "tx_fps",
			 rate(v, json_object_get(vp, "tx"), json_object_get(pvp, "tx"), "in"),
			 "drop_fps", sum_rate(v, vport_drops(vp), vport_drops(pvp)));
}

static void add_rows(const struct top_view *v, json_t *vp, json_t *queues, json_t *vports)
{
	json_t *pvp = v->prev ? vport_of(v->prev, ctl_str(vp, "vport")) : NULL;
	json_t *pqs = json_object_get(pvp, "queues"), *q;
	size_t i;

	json_array_foreach(json_object_get(vp, "queues"), i, q) json_array_append_new(
		queues, queue_row(v, ctl_str(vp, "vport"), q, json_array_get(pqs, i)));
	json_array_append_new(vports, vport_row(v, vp, pvp));
}

static json_t *view_build(const struct top_view *v)
{
	json_t *queues = json_array(), *vports = json_array(), *vp;
	size_t i;

	json_array_foreach(json_object_get(v->cur, "vports"), i, vp)
		add_rows(v, vp, queues, vports);
	json_t *bal = json_object_get(v->cur, "balance");

	bal = bal ? json_incref(bal) : json_pack("{s:b}", "on", 0);
	return json_pack("{s:f, s:f, s:o, s:o, s:o}", "uptime",
			 json_real_value(json_object_get(v->cur, "uptime")), "interval", v->dt,
			 "queues", queues, "vports", vports, "balance", bal);
}

/* "balance snic: imbalance 0.031 (max/mean 1.012) of vf0, moved 2 buckets (40 in all),
 *  3 flows pinned" */
static void balance_print(json_t *b)
{
	json_t *imb = json_object_get(b, "imbalance");

	if (!json_is_true(json_object_get(b, "on"))) {
		puts("balance off");
		return;
	}
	printf("balance %s: imbalance ", ctl_str(b, "policy"));
	if (json_is_real(imb))
		printf("%.3f", json_real_value(imb));
	else
		fputs("inf", stdout);
	printf(" (max/mean %.3f) of %s, moved %llu buckets (%llu in all), %llu flows pinned\n",
	       json_real_value(json_object_get(b, "max_mean")), ctl_str(b, "vport"),
	       ctl_num(b, "moves"), ctl_num(b, "moves_total"), ctl_num(b, "pins"));
}

static void view_print(json_t *view, bool clear)
{
	size_t i;
	json_t *x;

	printf("%ssnic top: uptime %.0f s, rates over %.1f s (q quits)\n\n", clear ? TOP_CLEAR : "",
	       json_real_value(json_object_get(view, "uptime")),
	       json_real_value(json_object_get(view, "interval")));
	balance_print(json_object_get(view, "balance"));
	printf("\n%-8s %10s %10s %10s %10s\n", "VPORT", "RX fps", "RX Mbit/s", "TX fps",
	       "DROP fps");
	json_array_foreach(json_object_get(view, "vports"), i, x)
		printf("%-8s %10.0f %10.2f %10.0f %10.0f\n", ctl_str(x, "vport"),
		       json_real_value(json_object_get(x, "rx_fps")),
		       json_real_value(json_object_get(x, "rx_mbps")),
		       json_real_value(json_object_get(x, "tx_fps")),
		       json_real_value(json_object_get(x, "drop_fps")));
	printf("\n%-8s %5s %10s %10s\n", "VPORT", "QUEUE", "fps", "Mbit/s");
	json_array_foreach(json_object_get(view, "queues"), i, x)
		printf("%-8s %5llu %10.0f %10.2f\n", ctl_str(x, "vport"), ctl_num(x, "queue"),
		       json_real_value(json_object_get(x, "fps")),
		       json_real_value(json_object_get(x, "mbps")));
}

/* ---- the terminal ---- */

struct top_term {
	bool raw; /* stdin is a terminal we put in non-canonical mode */
	struct termios saved;
};

static void term_setup(struct top_term *t)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct termios raw;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	t->raw = isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &t->saved);
	if (!t->raw)
		return;
	raw = t->saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}

static void term_restore(const struct top_term *t)
{
	if (t->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
}

/* Wait @ms; true when the user asked to quit. */
static bool wait_quit(const struct top_term *t, int ms)
{
	struct pollfd p = {.fd = t->raw ? STDIN_FILENO : -1, .events = POLLIN};
	char c;

	while (!top_stop) {
		if (poll(&p, 1, ms) <= 0)
			return top_stop;
		if (read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q'))
			return true;
		ms = 0; /* another key: show the next view now */
		p.fd = -1;
	}
	return true;
}

/* ---- the loop ---- */

static int view_once(struct cli *cli, struct ctl_client *c, struct top_view *v, bool clear)
{
	json_t *view;
	int rc;

	json_decref(v->prev);
	v->prev = v->cur;
	v->cur = NULL;
	rc = ctl_call(c, "stats", NULL, &v->cur);
	if (rc)
		return rc;
	v->dt = json_real_value(json_object_get(v->cur, "uptime")) -
		(v->prev ? json_real_value(json_object_get(v->prev, "uptime")) : 0);
	view = view_build(v);
	if (!view)
		return cli_fail(cli, "out of memory");
	if (cli->json)
		ctl_print_json(view);
	else
		view_print(view, clear);
	fflush(stdout);
	json_decref(view);
	return 0;
}

static int top_loop(struct cli *cli, const struct top_opts *o, struct ctl_client *c)
{
	unsigned views = o->once ? 1 : o->count;
	bool clear = !cli->json && isatty(STDOUT_FILENO) && views != 1;
	struct top_view v = {0};
	struct top_term t;
	int rc = 0;

	term_setup(&t);
	for (unsigned n = 0; !rc && (!views || n < views); n++) {
		if (n && wait_quit(&t, (int)(o->interval ? o->interval : 1) * 1000))
			break;
		rc = view_once(cli, c, &v, clear);
	}
	term_restore(&t);
	json_decref(v.prev);
	json_decref(v.cur);
	return rc;
}

int cmd_top(struct cli *cli, int argc, char **argv)
{
	struct top_opts o = {0};
	struct ctl_client c;
	int npos, rc = cli_parse(cli, &top_spec, &o, argc, argv, &npos);

	if (rc != CLI_CONTINUE)
		return rc;
	if (npos)
		return cli_err(cli, "unexpected argument '%s'", argv[0]);
	if (o.once && o.count)
		return cli_err(cli, "--once and -n can't be used together");
	rc = ctl_open(cli, o.socket, &c);
	if (rc)
		return rc;
	rc = top_loop(cli, &o, &c);
	ctl_close(&c);
	return rc;
}
