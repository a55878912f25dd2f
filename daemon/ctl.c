/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket: a registry of named commands, and a poll-driven
 * server that reads one JSON request per line from each client and writes
 * one JSON reply per line back.
 *
 * The server never blocks: sockets are non-blocking and snicd_ctl_poll()
 * serves whatever is ready. Each client has a request buffer of
 * SNICD_CTL_MSG_MAX + 1 bytes (a request and its newline) and one pending
 * reply; it is read again only once that reply is written, so a client
 * that sends without reading costs at most one buffer and one reply.
 *
 * Access: the socket file is mode 0660 (owner and group; the group is
 * "snic" when that group exists), so the kernel decides who may connect.
 * The peer's credentials (SO_PEERCRED) are read when it connects and named
 * in every log line about it: refused connections, oversize or malformed
 * requests and failed commands. No peer is refused beyond the file mode.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "words.h"

#define CTL_CMDS_MAX	64
#define CTL_CLIENTS_MAX 64
#define CTL_BACKLOG	16
#define CTL_SOCK_MODE	0660
#define CTL_DIR_MODE	0755
#define CTL_GROUP	"snic"
/* Requests one client may have served in one snicd_ctl_poll(). */
#define CTL_BURST	16
/* The request buffer: a request of SNICD_CTL_MSG_MAX bytes and its '\n'. */
#define CTL_IN_CAP	(SNICD_CTL_MSG_MAX + 1)

struct ctl_cmd {
	const char *name;
	const char *usage;
	snicd_ctl_fn fn;
};

struct ctl_client {
	int fd;
	struct ucred cred;
	char *in; /* [CTL_IN_CAP] */
	size_t in_len;
	char *out; /* the reply being written */
	size_t out_len;
	size_t out_off;
	bool eof;     /* the peer closed its side */
	bool closing; /* close once the reply is written */
};

struct snicd_ctl {
	struct snicd *d;
	int fd;
	char *path;
	bool busy; /* a client has requests left in its buffer */
	unsigned nclients;
	struct ctl_client *clients[CTL_CLIENTS_MAX];
};

static int cmd_help(struct snicd *d, json_t *args, json_t **result, struct snic_err *err);

static struct ctl_cmd registry[CTL_CMDS_MAX] = {
	{"help", "list the commands and their arguments", cmd_help},
};
static unsigned nregistry = 1;

/* ---- the registry ---- */

static const struct ctl_cmd *cmd_find(const char *name)
{
	for (unsigned i = 0; i < nregistry; i++)
		if (!strcmp(registry[i].name, name))
			return &registry[i];
	return NULL;
}

int snicd_ctl_register(const char *name, const char *usage, snicd_ctl_fn fn)
{
	if (!name || !*name || !fn)
		return -EINVAL;
	if (cmd_find(name))
		return -EEXIST;
	if (nregistry == CTL_CMDS_MAX)
		return -ENOSPC;
	registry[nregistry++] = (struct ctl_cmd){name, usage ? usage : "", fn};
	return 0;
}

static int cmd_help(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	json_t *list = json_array();

	(void)d;
	(void)args;
	if (!list)
		return snic_errf(err, -ENOMEM, "out of memory");
	for (unsigned i = 0; i < nregistry; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "name", registry[i].name,
						      "usage", registry[i].usage));
	*result = json_pack("{s:o}", "commands", list);
	return *result ? 0 : snic_errf(err, -ENOMEM, "out of memory");
}

/* ---- logging ---- */

static void ctl_log(const struct ctl_client *cl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ctl_log(const struct ctl_client *cl, const char *fmt, ...)
{
	char line[2 * SNIC_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* a peer's text can't forge log lines */
	fprintf(stderr, "snicd: ctl: pid %ld uid %lu gid %lu: %s\n", (long)cl->cred.pid,
		(unsigned long)cl->cred.uid, (unsigned long)cl->cred.gid,
		snic_word_printable(line));
}

/* ---- replies ---- */

/* Queue @reply (consumed) as one line. */
static void reply_queue(struct ctl_client *cl, json_t *reply)
{
	char *text = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
	static const char nomem[] = "{\"ok\":false,\"error\":\"out of memory\",\"errno\":12}";
	size_t len;

	json_decref(reply);
	if (!text)
		text = strdup(nomem);
	if (!text) {
		cl->closing = true;
		return;
	}
	len = strlen(text);
	cl->out = malloc(len + 1);
	if (cl->out)
		memcpy(cl->out, text, len);
	free(text);
	if (!cl->out) {
		cl->closing = true;
		return;
	}
	cl->out[len] = '\n';
	cl->out_len = len + 1;
	cl->out_off = 0;
}

static json_t *reply_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static json_t *reply_error(int code, const char *fmt, ...)
{
	char msg[SNIC_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:s, s:i}", "ok", 0, "error", msg, "errno", -code);
}

/* ---- one request ---- */

/* The command and arguments of @req, or an error reply. */
static json_t *request_parse(json_t *req, const struct ctl_cmd **cmd, json_t **args)
{
	json_t *name = json_object_get(req, "cmd");

	if (!json_is_object(req))
		return reply_error(-EINVAL,
				   "a request is a JSON object: {\"cmd\": ..., \"args\": {...}}");
	if (!json_is_string(name))
		return reply_error(-EINVAL, "the request has no \"cmd\" string");
	*cmd = cmd_find(json_string_value(name));
	if (!*cmd)
		return reply_error(-ENOENT, "unknown command '%s' (the command help lists them)",
				   json_string_value(name));
	*args = json_object_get(req, "args");
	if (*args && !json_is_object(*args))
		return reply_error(-EINVAL, "%s: \"args\" must be a JSON object", (*cmd)->name);
	return NULL;
}

static json_t *command_run(struct snicd_ctl *c, const struct ctl_cmd *cmd, json_t *args)
{
	struct snic_err err = {0};
	json_t *result = NULL;
	int rc;

	if (!args)
		args = json_object();
	else
		json_incref(args);
	if (!args)
		return reply_error(-ENOMEM, "out of memory");
	rc = cmd->fn(c->d, args, &result, &err);
	json_decref(args);
	if (rc < 0) {
		json_decref(result);
		return reply_error(rc, "%s", err.msg[0] ? err.msg : strerror(-rc));
	}
	if (!result)
		result = json_object();
	return json_pack("{s:b, s:o}", "ok", 1, "result", result);
}

/* Serve one request of @len bytes (no newline). */
static void request_serve(struct snicd_ctl *c, struct ctl_client *cl, const char *text, size_t len)
{
	const struct ctl_cmd *cmd = NULL;
	json_t *req, *args = NULL, *reply, *id;
	json_error_t je;

	req = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!req) {
		ctl_log(cl, "malformed request: %s", je.text);
		reply_queue(cl, reply_error(-EINVAL, "the request is not JSON: %s (column %d)",
					    je.text, je.column));
		return;
	}
	reply = request_parse(req, &cmd, &args);
	if (!reply)
		reply = command_run(c, cmd, args);
	if (json_is_false(json_object_get(reply, "ok")))
		ctl_log(cl, "%s: %s", cmd ? cmd->name : "request",
			json_string_value(json_object_get(reply, "error")));
	id = json_object_get(req, "id");
	if (reply && id)
		json_object_set(reply, "id", id);
	json_decref(req);
	reply_queue(cl, reply);
}

/* ---- clients ---- */

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Serve the first complete line of the buffer; false when there is none. */
static bool line_serve(struct snicd_ctl *c, struct ctl_client *cl)
{
	char *nl = memchr(cl->in, '\n', cl->in_len);
	size_t len;

	if (!nl)
		return false;
	len = (size_t)(nl - cl->in);
	if (!blank(cl->in, len))
		request_serve(c, cl, cl->in, len);
	cl->in_len -= len + 1;
	memmove(cl->in, nl + 1, cl->in_len);
	return true;
}

/* The peer closed its side: what is left is its last request. */
static void eof_serve(struct snicd_ctl *c, struct ctl_client *cl)
{
	if (cl->in_len && !blank(cl->in, cl->in_len))
		request_serve(c, cl, cl->in, cl->in_len);
	cl->in_len = 0;
	cl->closing = true;
}

static void oversize(struct ctl_client *cl)
{
	ctl_log(cl, "request longer than %d bytes: closing", SNICD_CTL_MSG_MAX);
	reply_queue(cl, reply_error(-EMSGSIZE, "the request is longer than %d bytes",
				    SNICD_CTL_MSG_MAX));
	cl->in_len = 0;
	cl->closing = true;
}

/* Write what is pending. Returns 0, -EAGAIN, or another error. */
static int client_flush(struct ctl_client *cl)
{
	ssize_t n;

	while (cl->out_off < cl->out_len) {
		n = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		cl->out_off += (size_t)n;
	}
	free(cl->out);
	cl->out = NULL;
	cl->out_len = cl->out_off = 0;
	return 0;
}

/* Read more of the request. Returns 0, -EAGAIN, or another error. */
static int client_read(struct ctl_client *cl)
{
	ssize_t n;

	do
		n = recv(cl->fd, cl->in + cl->in_len, CTL_IN_CAP - cl->in_len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		cl->eof = true;
	cl->in_len += (size_t)n;
	return 0;
}

/* One step of a client's work. Returns 0 to go on, -EAGAIN to wait for
 * poll, or another negative errno to drop the client. */
static int client_step(struct snicd_ctl *c, struct ctl_client *cl)
{
	if (cl->out)
		return client_flush(cl);
	if (cl->closing)
		return -ECONNRESET;
	if (line_serve(c, cl))
		return 0;
	if (cl->eof)
		eof_serve(c, cl);
	else if (cl->in_len == CTL_IN_CAP)
		oversize(cl);
	else
		return client_read(cl);
	return 0;
}

/* Serve @cl until it must wait. Returns false when it is to be closed. */
static bool client_serve(struct snicd_ctl *c, struct ctl_client *cl)
{
	int rc = 0;

	for (unsigned steps = 0; steps < 4 * CTL_BURST && !rc; steps++)
		rc = client_step(c, cl);
	if (!rc)
		c->busy = true;
	return !rc || rc == -EAGAIN;
}

static void client_free(struct ctl_client *cl)
{
	close(cl->fd);
	free(cl->in);
	free(cl->out);
	free(cl);
}

static struct ctl_client *client_new(int fd)
{
	struct ctl_client *cl = calloc(1, sizeof(*cl));
	socklen_t len = sizeof(struct ucred);

	if (!cl)
		return NULL;
	cl->fd = fd;
	cl->in = malloc(CTL_IN_CAP);
	if (!cl->in) {
		free(cl);
		return NULL;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cl->cred, &len))
		cl->cred = (struct ucred){.pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1};
	return cl;
}

/* Tell a client there is no room for it, as best we can, and drop it. */
static void client_refuse(int fd)
{
	struct ctl_client tmp = {.fd = fd};
	static const char msg[] = "{\"ok\":false,\"error\":\"snicd serves too many clients\","
				  "\"errno\":11}\n";
	socklen_t len = sizeof(tmp.cred);

	getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &tmp.cred, &len);
	ctl_log(&tmp, "refused: %d clients already", CTL_CLIENTS_MAX);
	if (send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL) < 0)
		(void)0;
	close(fd);
}

static void accept_all(struct snicd_ctl *c)
{
	struct ctl_client *cl;
	int fd;

	while ((fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (c->nclients == CTL_CLIENTS_MAX) {
			client_refuse(fd);
			continue;
		}
		cl = client_new(fd);
		if (!cl) {
			close(fd);
			continue;
		}
		c->clients[c->nclients++] = cl;
	}
}

/* ---- the socket ---- */

/* Create the directories above @path that are missing. */
static int make_parents(const char *path, struct snic_err *err)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	for (p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, CTL_DIR_MODE) && errno != EEXIST)
			return snic_errf(err, -errno, "can't create %s: %s", dir, strerror(errno));
		*p = '/';
	}
	return 0;
}

/* A socket file left by a snicd that died is removed; one that a running
 * snicd answers on, or a file that is not a socket, is left alone. */
static int clear_stale(const struct sockaddr_un *sa, struct snic_err *err)
{
	struct stat st;
	int fd, rc;

	if (lstat(sa->sun_path, &st))
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return snic_errf(err, -EEXIST, "%s exists and is not a socket", sa->sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return snic_errf(err, -errno, "socket: %s", strerror(errno));
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (!rc)
		return snic_errf(err, -EADDRINUSE, "another snicd is listening on %s",
				 sa->sun_path);
	if (unlink(sa->sun_path) && errno != ENOENT)
		return snic_errf(err, -errno, "can't remove the old %s: %s", sa->sun_path,
				 strerror(errno));
	return 0;
}

/* Mode 0660, and the group "snic" when it exists and we may give it. */
static int set_access(const char *path, struct snic_err *err)
{
	struct group *g = getgrnam(CTL_GROUP);

	if (g && chown(path, (uid_t)-1, g->gr_gid) && errno != EPERM)
		return snic_errf(err, -errno, "can't give %s to group %s: %s", path, CTL_GROUP,
				 strerror(errno));
	if (chmod(path, CTL_SOCK_MODE))
		return snic_errf(err, -errno, "can't chmod %s: %s", path, strerror(errno));
	return 0;
}

static int listen_on(const struct sockaddr_un *sa, struct snic_err *err)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	mode_t old;
	int rc;

	if (fd < 0)
		return snic_errf(err, -errno, "socket: %s", strerror(errno));
	old = umask(0777 & ~CTL_SOCK_MODE);
	rc = bind(fd, (const struct sockaddr *)sa, sizeof(*sa));
	umask(old);
	if (rc) {
		rc = snic_errf(err, -errno, "can't bind %s: %s", sa->sun_path, strerror(errno));
		goto err_close;
	}
	rc = set_access(sa->sun_path, err);
	if (rc)
		goto err_unlink;
	if (listen(fd, CTL_BACKLOG)) {
		rc = snic_errf(err, -errno, "can't listen on %s: %s", sa->sun_path,
			       strerror(errno));
		goto err_unlink;
	}
	return fd;

err_unlink:
	unlink(sa->sun_path);
err_close:
	close(fd);
	return rc;
}

int snicd_ctl_open(struct snicd *d, const char *path, struct snicd_ctl **out, struct snic_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct snicd_ctl *c;
	int rc;

	if (!path || !*path)
		path = SNICD_CTL_PATH;
	if (strlen(path) >= sizeof(sa.sun_path))
		return snic_errf(err, -ENAMETOOLONG, "socket path %s is longer than %zu bytes",
				 path, sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	c = calloc(1, sizeof(*c));
	if (!c)
		return snic_errf(err, -ENOMEM, "out of memory");
	c->d = d;
	c->path = strdup(path);
	rc = c->path ? make_parents(path, err) : snic_errf(err, -ENOMEM, "out of memory");
	if (!rc)
		rc = clear_stale(&sa, err);
	if (!rc)
		rc = c->fd = listen_on(&sa, err);
	if (rc < 0) {
		free(c->path);
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* ---- serving ---- */

static short client_events(const struct ctl_client *cl)
{
	return cl->out ? POLLOUT : POLLIN;
}

/* Serve the clients poll found ready (or all, after a busy round) and
 * drop those that are done. */
static void serve_ready(struct snicd_ctl *c, const struct pollfd *pfd, bool all)
{
	unsigned kept = 0;
	struct ctl_client *cl;

	c->busy = false;
	for (unsigned i = 0; i < c->nclients; i++) {
		cl = c->clients[i];
		if ((all || pfd[i + 1].revents) && !client_serve(c, cl)) {
			client_free(cl);
			continue;
		}
		c->clients[kept++] = cl;
	}
	c->nclients = kept;
}

void snicd_ctl_poll(struct snicd_ctl *c, int timeout_ms)
{
	struct pollfd pfd[CTL_CLIENTS_MAX + 1];
	bool all = c->busy;
	int n;

	pfd[0] = (struct pollfd){.fd = c->fd, .events = POLLIN};
	for (unsigned i = 0; i < c->nclients; i++)
		pfd[i + 1] = (struct pollfd){.fd = c->clients[i]->fd,
					     .events = client_events(c->clients[i])};
	n = poll(pfd, c->nclients + 1, all ? 0 : timeout_ms);
	if (n < 0 && !all)
		return;
	serve_ready(c, pfd, all);
	if (pfd[0].revents & POLLIN)
		accept_all(c);
}

void snicd_ctl_close(struct snicd_ctl *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->nclients; i++)
		client_free(c->clients[i]);
	close(c->fd);
	unlink(c->path);
	free(c->path);
	free(c);
}
