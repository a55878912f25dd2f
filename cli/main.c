/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic: one command-line tool, one table of subcommands. Subcommand NAME is
 * cmd_NAME() in cli/NAME.c; adding one is a line in SNIC_COMMANDS and that
 * file. The help is generated from the table.
 */
#include <string.h>

#include "cli.h"

#ifndef SNIC_VERSION
#define SNIC_VERSION "unknown"
#endif

/* X(name, one-line help), in the order the help lists them. */
#define SNIC_COMMANDS(X)                                                                           \
	X(analyze, "run captures through the NIC model: load per vport, queue, flow, bucket")      \
	X(hash, "hash a flow, raw bytes or a capture's frames as a NIC's RSS does")                \
	X(gen, "write a pcap of synthetic traffic: flows, protocols, tunnels, destinations")       \
	X(check, "validate a NIC config file without running anything")                            \
	X(export, "print the ethtool, ip or testpmd commands that make a real NIC match a config") \
	X(sriov, "show or set the VF count of the NIC snicd runs")                                 \
	X(vf, "show or set snicd's VFs, as ip link set DEV vf N ...")                              \
	X(rss, "show or set a vport's RSS key, hash, fields and RETA in snicd")                    \
	X(flow, "add, remove and list snicd's flow rules, in ethtool -N words")                    \
	X(stats, "snicd's counters: ports, vports, queues, drops by reason, rules")                \
	X(apply, "replace the NIC snicd runs with a config file's")                                \
	X(top, "a live view of snicd's per-queue and per-vport rates")                             \
	X(lab, "build namespaces and a guest around snicd, benchmark against a bridge, tear down") \
	X(help, "show the commands, or one command's help")

#define CMD_DECLARE(name, help) int cmd_##name(struct cli *cli, int argc, char **argv);
SNIC_COMMANDS(CMD_DECLARE)

#define CMD_ENTRY(name, help) {#name, cmd_##name, help},
static const struct cli_cmd commands[] = {SNIC_COMMANDS(CMD_ENTRY)};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Options before the command. */
enum {
	MAIN_JSON,
	MAIN_HELP,
	MAIN_VERSION,
	MAIN_COUNT
};

static const struct cli_opt main_opts[MAIN_COUNT] = {
	[MAIN_JSON] = {.name = "json",
		       .short_name = 'j',
		       .help = "print JSON: one object per line"},
	[MAIN_HELP] = {.name = "help", .short_name = 'h', .help = "show this help and exit"},
	[MAIN_VERSION] = {.name = "version",
			  .short_name = 'V',
			  .help = "show the version and exit"},
};

static void main_usage(FILE *f)
{
	fputs("usage: snic [OPTIONS] COMMAND [ARGS]\n\n"
	      "A software SR-IOV NIC with programmable RSS.\n\ncommands:\n",
	      f);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-8s  %s\n", commands[i].name, commands[i].help);
	fputs("\noptions:\n", f);
	for (size_t i = 0; i < MAIN_COUNT; i++)
		fprintf(f, "  -%c, --%-9s  %s\n", main_opts[i].short_name, main_opts[i].name,
			main_opts[i].help);
	fputs("\n'snic COMMAND --help' shows a command's options; see also snic(1).\n", f);
}

static const struct cli_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int run_command(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd *c = find_command(argv[0]);

	if (!c)
		return cli_err(cli, "unknown command '%s' (see snic help)", argv[0]);
	cli->cmd = c->name;
	return c->run(cli, argc, argv);
}

int cmd_help(struct cli *cli, int argc, char **argv)
{
	char *sub[] = {argc > 1 ? argv[1] : NULL, "--help", NULL};

	if (argc > 2)
		return cli_err(cli, "unexpected argument '%s'", argv[2]);
	if (argc == 1 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		main_usage(stdout);
		return CLI_EXIT_OK;
	}
	cli->cmd = NULL;
	return run_command(cli, 2, sub);
}

static void print_version(const struct cli *cli)
{
	struct cli_json j;

	if (!cli->json) {
		puts("snic " SNIC_VERSION);
		return;
	}
	cli_json_open(&j, stdout);
	cli_json_str(&j, "version", SNIC_VERSION);
	cli_json_close(&j);
}

static int main_option(struct cli *cli, const char *a)
{
	for (size_t i = 0; i < MAIN_COUNT; i++) {
		const struct cli_opt *o = &main_opts[i];

		if ((a[1] == '-' && !strcmp(a + 2, o->name)) || (a[1] == o->short_name && !a[2]))
			return (int)i;
	}
	cli_err(cli, "unknown option '%s' (see snic --help)", a);
	return -1;
}

/* Flush stdout: a full disk or a closed pipe is a failure, not a success. */
static int finish(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		cli_fail(NULL, "error writing the output");
		return status ? status : CLI_EXIT_FAIL;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		switch (main_option(&cli, argv[i])) {
		case MAIN_JSON:
			cli.json = true;
			break;
		case MAIN_HELP:
			main_usage(stdout);
			return finish(CLI_EXIT_OK);
		case MAIN_VERSION:
			print_version(&cli);
			return finish(CLI_EXIT_OK);
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if (i == argc) {
		main_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	return finish(run_command(&cli, argc - i, argv + i));
}
