/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client of snicd's control socket: one JSON request per line, one
 * JSON reply per line.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_client.h"

/* How long snicd may take to answer. */
#define CTL_REPLY_TIMEOUT_MS 30000
/* The largest reply taken (stats of a NIC with hundreds of vports). */
#define CTL_REPLY_MAX	     (64u << 20)

const char *ctl_socket_path(const char *opt)
{
	const char *env = getenv("SNIC_SOCKET");

	if (opt && *opt)
		return opt;
	return env && *env ? env : SNICD_CTL_PATH;
}

static int unreachable(struct ctl_client *c, int e)
{
	return cli_fail(c->cli, "can't reach snicd at %s: %s", c->path, strerror(e));
}

int ctl_open(struct cli *cli, const char *socket_opt, struct ctl_client *c)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	*c = (struct ctl_client){.cli = cli, .path = ctl_socket_path(socket_opt), .fd = -1};
	if (strlen(c->path) >= sizeof(sa.sun_path))
		return unreachable(c, ENAMETOOLONG);
	memcpy(sa.sun_path, c->path, strlen(c->path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return unreachable(c, errno);
	if (!connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return 0;
	unreachable(c, errno);
	ctl_close(c);
	return CLI_EXIT_FAIL;
}

void ctl_close(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}

/* ---- sending ---- */

static int send_all(struct ctl_client *c, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return cli_fail(c->cli, "can't send to snicd at %s: %s", c->path,
					strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_request(struct ctl_client *c, const char *cmd, json_t *args)
{
	json_t *req = json_pack("{s:s, s:o}", "cmd", cmd, "args", args ? args : json_object());
	char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
	int rc;

	json_decref(req);
	if (!text)
		return cli_fail(c->cli, "out of memory");
	rc = send_all(c, text, strlen(text));
	if (!rc)
		rc = send_all(c, "\n", 1);
	free(text);
	return rc;
}

/* ---- receiving ---- */

static int grow(struct ctl_client *c)
{
	size_t cap = c->cap ? 2 * c->cap : 4096;
	char *b;

	if (c->cap >= CTL_REPLY_MAX)
		return cli_fail(c->cli, "snicd's reply is longer than %u bytes", CTL_REPLY_MAX);
	b = realloc(c->buf, cap);
	if (!b)
		return cli_fail(c->cli, "out of memory");
	c->buf = b;
	c->cap = cap;
	return 0;
}

static int wait_readable(struct ctl_client *c)
{
	struct pollfd p = {.fd = c->fd, .events = POLLIN};
	int n;

	do
		n = poll(&p, 1, CTL_REPLY_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		return 0;
	if (n == 0)
		return cli_fail(c->cli, "snicd at %s did not answer within %d s", c->path,
				CTL_REPLY_TIMEOUT_MS / 1000);
	return cli_fail(c->cli, "poll: %s", strerror(errno));
}

static int read_some(struct ctl_client *c)
{
	ssize_t n;
	int rc = c->len == c->cap ? grow(c) : 0;

	if (!rc)
		rc = wait_readable(c);
	if (rc)
		return rc;
	do
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return cli_fail(c->cli, "can't read from snicd at %s: %s", c->path,
				strerror(errno));
	if (n == 0)
		return cli_fail(c->cli, "snicd at %s closed the connection without a reply",
				c->path);
	c->len += (size_t)n;
	return 0;
}

/* Read one reply line and parse it. */
static int read_reply(struct ctl_client *c, json_t **reply)
{
	json_error_t je;
	char *nl = NULL;
	size_t len;
	int rc;

	while (!(nl = c->buf ? memchr(c->buf, '\n', c->len) : NULL))
		if ((rc = read_some(c)))
			return rc;
	len = (size_t)(nl - c->buf);
	*reply = json_loadb(c->buf, len, 0, &je);
	c->len -= len + 1;
	memmove(c->buf, nl + 1, c->len);
	if (!json_is_object(*reply) || !json_is_boolean(json_object_get(*reply, "ok"))) {
		json_decref(*reply);
		return cli_fail(c->cli, "snicd sent a reply that is not the protocol's: %s",
				*reply ? "no \"ok\"" : je.text);
	}
	return 0;
}

/* Failures of snicd itself (memory, I/O) are 1; refusals are 2. */
static int refused(struct ctl_client *c, json_t *reply)
{
	const char *msg = ctl_str(reply, "error");
	unsigned long long e = ctl_num(reply, "errno");

	if (e == ENOMEM || e == EIO)
		return cli_fail(c->cli, "%s", *msg ? msg : "snicd failed");
	return cli_err(c->cli, "%s", *msg ? msg : "snicd refused the request");
}

int ctl_call(struct ctl_client *c, const char *cmd, json_t *args, json_t **result)
{
	json_t *reply = NULL;
	int rc = send_request(c, cmd, args);

	if (!rc)
		rc = read_reply(c, &reply);
	if (rc)
		return rc;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		rc = refused(c, reply);
		json_decref(reply);
		return rc;
	}
	*result = json_object_get(reply, "result");
	*result = *result ? json_incref(*result) : json_object();
	json_decref(reply);
	return *result ? 0 : cli_fail(c->cli, "out of memory");
}

int ctl_run(struct cli *cli, const char *socket_opt, const char *cmd, json_t *args, json_t **result)
{
	struct ctl_client c;
	int rc = ctl_open(cli, socket_opt, &c);

	if (rc) {
		json_decref(args);
		return rc;
	}
	rc = ctl_call(&c, cmd, args, result);
	ctl_close(&c);
	return rc;
}

/* ---- results ---- */

void ctl_print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_COMPACT);
	putchar('\n');
}

unsigned long long ctl_num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v) && json_integer_value(v) >= 0)
		return (unsigned long long)json_integer_value(v);
	return 0;
}

const char *ctl_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

int ctl_bool(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* ---- sub-actions ---- */

static int unknown_action(struct cli *cli, const struct ctl_action *acts, size_t n,
			  const char *what)
{
	char names[128] = "";
	size_t off = 0;

	for (size_t i = 0; i < n && off < sizeof(names); i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s", i ? ", " : "",
					acts[i].name);
	if (!what)
		return cli_err(cli, "missing what to do: %s (see snic %s --help)", names, cli->cmd);
	return cli_err(cli, "unknown action '%s' (%s)", what, names);
}

int ctl_dispatch(struct cli *cli, const struct ctl_action *acts, size_t n, void *opts, char **argv,
		 int argc)
{
	for (size_t i = 0; argc > 0 && i < n; i++)
		if (!strcmp(argv[0], acts[i].name))
			return acts[i].run(cli, opts, argv + 1, argc - 1);
	return unknown_action(cli, acts, n, argc > 0 ? argv[0] : NULL);
}
