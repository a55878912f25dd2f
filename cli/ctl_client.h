/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client side of snicd's control socket (daemon/ctl.h): connect, send
 * a request, read its reply, and turn failures into the one stderr line
 * and exit status of the snic subcommands:
 *
 *	1  snicd can't be reached, or its reply is not what the protocol says
 *	   ("snic vf: can't reach snicd at /run/snic/snic.sock: No such file
 *	   or directory")
 *	2  snicd refused the request; the line is snicd's message
 *	   (1 when it failed for want of memory or on I/O)
 *
 * The socket is --socket PATH, else $SNIC_SOCKET, else SNICD_CTL_PATH.
 */
#ifndef SNIC_CTL_CLIENT_H
#define SNIC_CTL_CLIENT_H

#include <jansson.h>
#include <stddef.h>

#include "cli.h"

/* The --socket option of a client command whose option struct has a
 * `const char *socket`. */
#define CTL_OPT_SOCKET(st)                                                                         \
	CLI_OPT_STR("socket", 0, st, socket, "PATH",                                               \
		    "snicd's control socket (default $SNIC_SOCKET or /run/snic/snic.sock)")

struct ctl_client {
	struct cli *cli;
	const char *path;
	int fd;
	char *buf; /* what has been read of the reply */
	size_t len, cap;
};

/* The socket path @opt (--socket) names, or the environment's or default. */
const char *ctl_socket_path(const char *opt);

/* Connect; returns 0 or an exit status after printing the error. */
int ctl_open(struct cli *cli, const char *socket, struct ctl_client *c);
void ctl_close(struct ctl_client *c);

/*
 * Send {"cmd": @cmd, "args": @args} (@args is consumed; NULL for none) and
 * wait for the reply. Returns 0 with *result its "result" (a new
 * reference), or an exit status after printing the error.
 */
int ctl_call(struct ctl_client *c, const char *cmd, json_t *args, json_t **result);

/* ctl_open + ctl_call + ctl_close. */
int ctl_run(struct cli *cli, const char *socket, const char *cmd, json_t *args, json_t **result);

/* @v as one line of compact JSON on stdout. */
void ctl_print_json(json_t *v);

/* Member @key of @o as a number (0 when absent), a string ("" when absent)
 * or a boolean. */
unsigned long long ctl_num(json_t *o, const char *key);
const char *ctl_str(json_t *o, const char *key);
int ctl_bool(json_t *o, const char *key);

/* A sub-action of a command ("vf show", "vf set"): its name and runner,
 * which gets the command's options and the positional words after the
 * name. */
struct ctl_action {
	const char *name;
	int (*run)(struct cli *cli, void *opts, char **argv, int argc);
};

#define CTL_N(a) (sizeof(a) / sizeof((a)[0]))

/* Run the action argv[0] names among the @n of @acts; an unknown or
 * missing one is an error that lists them. */
int ctl_dispatch(struct cli *cli, const struct ctl_action *acts, size_t n, void *opts, char **argv,
		 int argc);

#endif
