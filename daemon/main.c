/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicd: the live data plane of snic.
 *
 *	snicd -c FILE [--socket PATH] [--lcores LIST] [--idle-poll US]
 *	      [--idle-sleep US] [--warm US] [-- EAL args]
 *
 * Without EAL args snicd runs the EAL without hugepages and without
 * touching PCI (`--no-huge -m 512 --no-pci --no-shconf --file-prefix
 * snicd-PID`; --no-pci is left out when a port is a PCI address), so it
 * starts as root on any Linux machine. The main lcore is the control
 * thread (config, control socket, statistics); every other lcore polls
 * ports; one that has found no frame for --idle-poll microseconds sleeps
 * --idle-sleep microseconds between polls (see dataplane.c; 0 polls
 * without pause); one that finds no frame warms its pipeline every --warm
 * microseconds with the last frames it had (0: never).
 * SIGINT or SIGTERM stops polling, drains, prints the final counters and
 * frees everything.
 *
 * Exit status: 0 after a clean stop, 1 when the final counters fail their
 * conservation checks, 2 when snicd can't start (usage, config, EAL, port).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "config.h"
#include "snicd_impl.h"
#ifdef SNICD_HAVE_CTL
#include "balance.h"
#include "ctl.h"
#endif

#define EAL_ARGS_MAX 64
#define POLL_MS	     100
#ifdef SNICD_HAVE_CTL
#define SOCKET_DEFAULT SNICD_CTL_PATH
#else
#define SOCKET_DEFAULT "/run/snic/snic.sock (none in this build)"
#endif

struct opts {
	const char *config;
	const char *socket;
	const char *lcores;
	int idle_sleep; /* -1: the default */
	int idle_poll;	/* -1: the default */
	int warm;	/* -1: the default */
	int eal_argc;	/* args after "--" */
	char **eal_argv;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: snicd -c FILE [--socket PATH] [--lcores LIST] [--idle-poll US]\n"
		"             [--idle-sleep US] [--warm US] [-- EAL args]\n"
		"  -c, --config FILE     the NIC and its ports (see docs/config.md)\n"
		"  -s, --socket PATH     control socket (default %s)\n"
		"  -l, --lcores LIST     EAL lcores: the first is the control thread, the\n"
		"                        others poll ports (e.g. 0@0,1@0)\n"
		"  -p, --idle-poll US    a data lcore polls without pause for US after\n"
		"                        its last frame (default %u, at most %u)\n"
		"  -i, --idle-sleep US   ... then sleeps US between polls (default %u, at\n"
		"                        most %u; 0 polls without pause)\n"
		"  -w, --warm US         an idle data lcore runs its last frames through\n"
		"                        the pipeline every US to keep it in the caches,\n"
		"                        uncounted (default %u, at most %u; 0 never)\n"
		"  EAL args replace the defaults: --no-huge -m 512 --no-pci --no-shconf\n"
		"  --file-prefix snicd-PID\n",
		SOCKET_DEFAULT, SNICD_IDLE_POLL_US, SNICD_IDLE_POLL_MAX, SNICD_IDLE_SLEEP_US,
		SNICD_IDLE_SLEEP_MAX, SNICD_WARM_US, SNICD_WARM_MAX);
}

/* Microseconds, 0..@max; -1 after saying what is wrong. */
static int parse_us(const char *opt, const char *arg, unsigned max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v > max) {
		fprintf(stderr, "snicd: --%s '%s': microseconds, 0..%u\n", opt, arg, max);
		return -1;
	}
	return (int)v;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{"config", required_argument, NULL, 'c'},
		{"socket", required_argument, NULL, 's'},
		{"lcores", required_argument, NULL, 'l'},
		{"idle-poll", required_argument, NULL, 'p'},
		{"idle-sleep", required_argument, NULL, 'i'},
		{"warm", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->idle_sleep = -1;
	o->idle_poll = -1;
	o->warm = -1;
	while ((c = getopt_long(argc, argv, "+c:s:l:p:i:w:h", longs, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 's':
			o->socket = optarg;
			break;
		case 'l':
			o->lcores = optarg;
			break;
		case 'p':
			o->idle_poll = parse_us("idle-poll", optarg, SNICD_IDLE_POLL_MAX);
			if (o->idle_poll < 0)
				return 2;
			break;
		case 'i':
			o->idle_sleep = parse_us("idle-sleep", optarg, SNICD_IDLE_SLEEP_MAX);
			if (o->idle_sleep < 0)
				return 2;
			break;
		case 'w':
			o->warm = parse_us("warm", optarg, SNICD_WARM_MAX);
			if (o->warm < 0)
				return 2;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind - 1], "--")) {
		fprintf(stderr, "snicd: unexpected argument '%s' (EAL args go after --)\n",
			argv[optind]);
		return 2;
	}
	if (!o->config) {
		fprintf(stderr, "snicd: no config: give -c FILE\n");
		return 2;
	}
	o->eal_argc = argc - optind;
	o->eal_argv = argv + optind;
	return 0;
}

static bool any_pci(const struct snic_config *conf)
{
	for (unsigned i = 0; i < conf->nports; i++)
		if (snicd_devargs_is_pci(conf->ports[i].devargs))
			return true;
	return false;
}

/* The EAL's argv: the user's args, or the defaults, then --lcores. */
static int eal_args(const struct opts *o, const struct snic_config *conf, char **argv, char *prefix,
		    size_t prefix_size)
{
	int n = 0;

	argv[n++] = "snicd";
	if (o->eal_argc > EAL_ARGS_MAX - 4) {
		fprintf(stderr, "snicd: %d EAL args is too many (at most %d)\n", o->eal_argc,
			EAL_ARGS_MAX - 4);
		return -1;
	}
	for (int i = 0; i < o->eal_argc; i++)
		argv[n++] = o->eal_argv[i];
	if (!o->eal_argc) {
		snprintf(prefix, prefix_size, "snicd-%ld", (long)getpid());
		argv[n++] = "--no-huge";
		argv[n++] = "-m";
		argv[n++] = "512";
		if (!any_pci(conf))
			argv[n++] = "--no-pci";
		argv[n++] = "--no-shconf";
		argv[n++] = "--file-prefix";
		argv[n++] = prefix;
	}
	if (o->lcores) {
		argv[n++] = "--lcores";
		argv[n++] = (char *)o->lcores;
	}
	argv[n] = NULL;
	return n;
}

static int eal_init(const struct opts *o, const struct snic_config *conf)
{
	char *argv[EAL_ARGS_MAX + 16];
	char prefix[64];
	int argc = eal_args(o, conf, argv, prefix, sizeof(prefix));

	if (argc < 0)
		return -1;
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "snicd: EAL: can't start (%s)%s\n", rte_strerror(rte_errno),
			o->lcores ? "; check --lcores" : "");
		return -1;
	}
	return 0;
}

static void signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A control client that goes away mid-reply must not kill the NIC. */
	signal(SIGPIPE, SIG_IGN);
}

#ifdef SNICD_HAVE_CTL
static int ctl_open(struct snicd *d, const char *path, struct snicd_ctl **out)
{
	struct snic_err err = {0};

	if (snicd_cmds_register() || snicd_ctl_open(d, path, out, &err)) {
		fprintf(stderr, "snicd: socket %s: %s\n", path,
			err.msg[0] ? err.msg : "can't register the commands");
		return -1;
	}
	return 0;
}
#endif

/* The control thread: the socket, retired snapshots, until a signal. */
static int control_loop(struct snicd *d, const char *socket)
{
#ifdef SNICD_HAVE_CTL
	struct snicd_ctl *ctl = NULL;

	if (ctl_open(d, socket, &ctl))
		return -1;
#else
	(void)socket;
#endif
	printf("snicd: ready: %u ports, %u data lcores, socket %s\n", d->nports, d->nlcores,
	       socket);
	fflush(stdout);
	while (!stop_signal) {
#ifdef SNICD_HAVE_CTL
		snicd_ctl_poll(ctl, POLL_MS);
#else
		poll(NULL, 0, POLL_MS);
#endif
		snicd_reclaim(d, false);
#ifdef SNICD_HAVE_CTL
		snicd_balance_poll(d);
#endif
	}
#ifdef SNICD_HAVE_CTL
	snicd_balance_free();
	snicd_ctl_close(ctl);
#endif
	return 0;
}

static void print_ports(const struct snicd *d)
{
	for (unsigned i = 0; i < d->nports; i++) {
		const struct snicd_port *p = &d->port[i];

		printf("snicd: port %s: '%s' port_id %u, %u queues, csum %s\n", p->name, p->devargs,
		       p->port_id, p->queues, p->csum ? "on" : "off");
	}
}

static int run(const struct opts *o, struct snic_config *conf)
{
	struct snic_err err = {0};
	struct snicd *d;
	int rc;

	if (snicd_new(conf, &d, &err)) {
		fprintf(stderr, "snicd: %s\n", err.msg);
		return 2;
	}
	if (o->idle_sleep >= 0)
		d->idle_sleep_us = (unsigned)o->idle_sleep;
	if (o->idle_poll >= 0)
		d->idle_poll_us = (unsigned)o->idle_poll;
	if (o->warm >= 0)
		d->warm_us = (unsigned)o->warm;
	if (snicd_start(d, &err)) {
		fprintf(stderr, "snicd: %s\n", err.msg);
		snicd_free(d);
		return 2;
	}
	print_ports(d);
#ifdef SNICD_HAVE_CTL
	if (conf->balance_policy) {
		struct snicd_balance_opts bo = {conf->balance_policy,
						(uint32_t)(conf->balance_period_ns / 1000000u), -1,
						(int)conf->balance_pins};

		if (snicd_balance_on(d, &bo, true, &err))
			fprintf(stderr, "snicd: balance: %s\n", err.msg);
	}
#endif
	rc = control_loop(d, o->socket ? o->socket : SOCKET_DEFAULT) ? 2 : 0;
	snicd_stop(d);
	if (stop_signal)
		printf("snicd: stopping on signal %d\n", (int)stop_signal);
	if (!snicd_print_final(d, stdout) && !rc)
		rc = 1;
	snicd_free(d);
	return rc;
}

int main(int argc, char **argv)
{
	struct snic_err err = {0};
	struct snic_config *conf;
	struct opts o;
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc;
	if (snic_config_load(o.config, NULL, &conf, &err)) {
		fprintf(stderr, "snicd: %s\n", err.msg);
		return 2;
	}
	signals_init();
	if (eal_init(&o, conf)) {
		snic_config_free(conf);
		return 2;
	}
	rc = run(&o, conf);
	rte_eal_cleanup();
	return rc;
}
