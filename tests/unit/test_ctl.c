/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket and its commands, without DPDK and without root.
 *
 *	snic (SNIC_BIN) ──┐
 *	raw sockets ──────┼──► DIR/run/snic.sock ──► daemon/ctl.c + cmd_*.c
 *	                  │                              │
 *	                  │                 a stand-in for snicd.h (below):
 *	                  │                 a real snic_nic, publish = commit,
 *	                  │                 stats from a snic_ctr the test fills
 *
 * The server runs in a thread of the test, polling under a lock that the
 * test takes to look at the NIC. Each test checks a command's effect on the
 * NIC, or that a bad request gets an error reply naming the bad value and
 * that the server goes on serving.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "balance.h"
#include "ctl.h"
#include "snic/ctr.h"
#include "snic/nic.h"
#include "snic/profile.h"
#include "snicd.h"

extern char **environ;

#define PROFILE	     "generic"
#define OUT_MAX	     (256 * 1024)
#define ARGV_MAX     64
#define RAW_WAIT_MS  5000
#define MANY_CLIENTS 20
#define CLIENTS_CAP  64 /* the server's client limit */

static const uint8_t PF_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xfe};

/* ---- a stand-in for snicd ---- */

struct snicd {
	struct snic_nic *nic;
	struct snic_ctr *ctr; /* what snicd_stats reports */
	unsigned publishes;
	int fail_publish; /* publish returns this when non-zero */
	bool traffic;	  /* each stats call adds 100 frames to vf0 queue 0 */
	double uptime;
	struct timespec t0;
};

struct snic_nic *snicd_nic(struct snicd *d)
{
	return d->nic;
}

int snicd_publish(struct snicd *d, struct snic_err *err)
{
	struct snic_cfg *cfg;
	int rc;

	if (d->fail_publish)
		return snic_errf(err, d->fail_publish, "commit refused by the test");
	rc = snic_nic_commit(d->nic, &cfg, err);
	if (rc)
		return rc;
	snic_cfg_free(cfg);
	d->publishes++;
	return 0;
}

int snicd_apply(struct snicd *d, const char *path, struct snic_err *err)
{
	struct snic_config *c;
	struct snic_nic *old;
	int rc = snic_config_load(path, NULL, &c, err);

	if (rc)
		return rc;
	if (snic_nic_profile(c->nic) != snic_nic_profile(d->nic)) {
		snic_config_free(c);
		return snic_errf(err, -EINVAL, "%s: the profile can't change", path);
	}
	old = d->nic;
	d->nic = c->nic;
	c->nic = old;
	snic_config_free(c);
	return snicd_publish(d, err);
}

void snicd_stats(struct snicd *d, struct snic_ctr *sum)
{
	if (d->traffic) {
		snic_ctr_queue(d->ctr, 0, 0)->frames += 100;
		snic_ctr_queue(d->ctr, 0, 0)->bytes += 100 * 1000;
	}
	snic_ctr_add(sum, d->ctr);
}

unsigned snicd_nports(struct snicd *d)
{
	(void)d;
	return 2;
}

int snicd_port_info(struct snicd *d, unsigned i, struct snicd_port_info *out)
{
	static const char *const names[] = {"uplink", "pf"};

	if (i >= snicd_nports(d))
		return -ENOENT;
	*out = (struct snicd_port_info){
		.name = names[i],
		.devargs = i ? "net_null1" : "net_null0",
		.vport = i ? (int)snic_nic_pf_vport(d->nic) : 0xffff,
		.port_id = (uint16_t)i,
		.nb_rxq = 1,
		.nb_txq = 1,
		.link_up = true,
		.ipackets = 1000 + i,
	};
	return 0;
}

double snicd_uptime(struct snicd *d)
{
	struct timespec now;

	if (d->uptime > 0)
		return d->uptime;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - d->t0.tv_sec) + (now.tv_nsec - d->t0.tv_nsec) / 1e9;
}

/* ---- the server, in a thread ---- */

static struct {
	struct snicd d;
	struct snicd_ctl *ctl;
	pthread_t thread;
	pthread_mutex_t lock;
	atomic_bool stop;
	char dir[64];
	char sock[128];
} srv = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void *serve(void *arg)
{
	(void)arg;
	while (!atomic_load(&srv.stop)) {
		pthread_mutex_lock(&srv.lock);
		snicd_ctl_poll(srv.ctl, 5);
		pthread_mutex_unlock(&srv.lock);
		usleep(200);
	}
	return NULL;
}

static struct snic_nic *nic_lock(void)
{
	pthread_mutex_lock(&srv.lock);
	return srv.d.nic;
}

static void nic_unlock(void)
{
	pthread_mutex_unlock(&srv.lock);
}

static void setup(void)
{
	struct snic_err err = {0};
	int rc = snicd_cmds_register();

	cr_assert(rc == 0 || rc == -EEXIST, "register: %d", rc);
	strcpy(srv.dir, "/tmp/snic-ctl-XXXXXX");
	cr_assert_not_null(mkdtemp(srv.dir));
	snprintf(srv.sock, sizeof(srv.sock), "%s/run/snic.sock", srv.dir);
	cr_assert_eq(snic_nic_new(snic_profile_find(PROFILE), PF_MAC, &srv.d.nic, &err), 0);
	cr_assert_eq(snic_nic_set_numvfs(srv.d.nic, 2, &err), 0, "%s", err.msg);
	cr_assert_eq(snic_ctr_new(snic_profile_find(PROFILE), &srv.d.ctr, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &srv.d.t0);
	cr_assert_eq(snicd_ctl_open(&srv.d, srv.sock, &srv.ctl, &err), 0, "%s", err.msg);
	setenv("SNIC_SOCKET", srv.sock, 1);
	atomic_store(&srv.stop, false);
	cr_assert_eq(pthread_create(&srv.thread, NULL, serve, NULL), 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void teardown(void)
{
	atomic_store(&srv.stop, true);
	pthread_join(srv.thread, NULL);
	snicd_ctl_close(srv.ctl);
	snic_ctr_free(srv.d.ctr);
	snic_nic_free(srv.d.nic);
	nftw(srv.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(ctl, .init = setup, .fini = teardown, .timeout = 60);

/* ---- running snic ---- */

struct run {
	int status;
	char out[OUT_MAX];
	char err[OUT_MAX];
};

static struct run run_buf;

static void slurp(const char *path, char *buf)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, OUT_MAX - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* Run `snic` with @fmt's words (split on blanks); its output in run_buf. */
static struct run *snic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static struct run *snic(const char *fmt, ...)
{
	char line[4096], out[160], errp[160], *argv[ARGV_MAX], *save = NULL;
	const char *bin = getenv("SNIC_BIN");
	posix_spawn_file_actions_t fa;
	int argc = 0, st;
	va_list ap;
	pid_t pid;

	cr_assert_not_null(bin, "SNIC_BIN is not set");
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	argv[argc++] = (char *)bin;
	for (char *w = strtok_r(line, " ", &save); w && argc < ARGV_MAX - 1;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	snprintf(out, sizeof(out), "%s/out", srv.dir);
	snprintf(errp, sizeof(errp), "%s/err", srv.dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	cr_assert_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	run_buf.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	slurp(out, run_buf.out);
	slurp(errp, run_buf.err);
	return &run_buf;
}

#define assert_ok(r) cr_assert_eq((r)->status, 0, "exit %d, stderr: %s", (r)->status, (r)->err)

/* Exit @code with one stderr line that contains @needle. */
static void assert_fails(const struct run *r, int code, const char *needle)
{
	cr_assert_eq(r->status, code, "exit %d (want %d), stderr: %s", r->status, code, r->err);
	cr_assert_not_null(strstr(r->err, needle), "stderr lacks '%s': %s", needle, r->err);
	cr_assert_eq(strchr(r->err, '\n'), r->err + strlen(r->err) - 1, "not one line: %s", r->err);
}

static json_t *json_line(const char *text)
{
	json_error_t je;
	json_t *j = json_loadb(text, strcspn(text, "\n"), 0, &je);

	cr_assert_not_null(j, "not JSON (%s): %s", je.text, text);
	return j;
}

/* ---- raw clients ---- */

static int raw_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0);
	strcpy(sa.sun_path, srv.sock);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "connect: %s",
		     strerror(errno));
	return fd;
}

/* Send all of @len bytes; returns how many went before an error. */
static size_t raw_send(int fd, const void *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = send(fd, (const char *)buf + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	return off;
}

/* Read one reply line (NULL at EOF). */
static json_t *raw_reply(int fd)
{
	static char buf[OUT_MAX];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(buf) - 1 && !memchr(buf, '\n', len)) {
		cr_assert_gt(poll(&p, 1, RAW_WAIT_MS), 0, "no reply");
		n = recv(fd, buf + len, 1, 0);
		if (n <= 0)
			return NULL;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return json_line(buf);
}

static json_t *raw_call(int fd, const char *line)
{
	raw_send(fd, line, strlen(line));
	return raw_reply(fd);
}

static void assert_error(json_t *reply, const char *needle)
{
	const char *e = json_string_value(json_object_get(reply, "error"));

	cr_assert_not_null(reply, "no reply");
	cr_assert(json_is_false(json_object_get(reply, "ok")), "not an error reply");
	cr_assert_not_null(e);
	cr_assert_not_null(strstr(e, needle), "error lacks '%s': %s", needle, e);
	json_decref(reply);
}

static void assert_serves(void)
{
	int fd = raw_connect();
	json_t *r = raw_call(fd, "{\"cmd\": \"help\"}\n");

	cr_assert(json_is_true(json_object_get(r, "ok")), "help failed");
	json_decref(r);
	close(fd);
}

/* ---- the registry and the socket ---- */

Test(ctl, help_lists_every_module)
{
	static const char *const names[] = {"help",	 "sriov.numvfs", "vf.show",  "vf.set",
					    "rss.show",	 "rss.set",	 "flow.add", "flow.del",
					    "flow.list", "stats",	 "apply",    "rss.balance"};
	int fd = raw_connect();
	json_t *r = raw_call(fd, "{\"cmd\": \"help\"}\n"), *cmds, *c;
	size_t i;

	cr_assert(json_is_true(json_object_get(r, "ok")));
	cmds = json_object_get(json_object_get(r, "result"), "commands");
	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		bool found = false;

		json_array_foreach(cmds, i, c) found |=
			!strcmp(json_string_value(json_object_get(c, "name")), names[n]);
		cr_assert(found, "help lacks %s", names[n]);
	}
	json_decref(r);
	close(fd);
}

static int cmd_nop(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	(void)d;
	(void)args;
	(void)result;
	(void)err;
	return 0;
}

Test(ctl, register_refuses_duplicates)
{
	cr_assert_eq(snicd_ctl_register("vf.set", "again", NULL), -EINVAL);
	cr_assert_eq(snicd_ctl_register("help", "", cmd_nop), -EEXIST);
	cr_assert_eq(snicd_ctl_register("vf.set", "", cmd_nop), -EEXIST);
}

Test(ctl, socket_mode_is_0660)
{
	struct stat st;

	cr_assert_eq(stat(srv.sock, &st), 0);
	cr_assert(S_ISSOCK(st.st_mode));
	cr_assert_eq(st.st_mode & 0777, 0660, "mode %o", st.st_mode & 0777);
}

Test(ctl, open_refuses_a_live_socket_and_clears_a_dead_one)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct snic_err err = {0};
	struct snicd_ctl *c;
	char path[160];
	int fd;

	cr_assert_eq(snicd_ctl_open(&srv.d, srv.sock, &c, &err), -EADDRINUSE);
	cr_assert_not_null(strstr(err.msg, srv.sock), "%s", err.msg);
	/* a socket left by a server that died */
	snprintf(path, sizeof(path), "%s/dead.sock", srv.dir);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	cr_assert_eq(snicd_ctl_open(&srv.d, path, &c, &err), 0, "%s", err.msg);
	snicd_ctl_close(c);
	cr_assert_neq(access(path, F_OK), 0, "close leaves the socket file");
	/* a file that is not a socket is left alone */
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	cr_assert_eq(snicd_ctl_open(&srv.d, path, &c, &err), -EEXIST);
	cr_assert_eq(access(path, F_OK), 0);
}

Test(ctl, open_refuses_a_long_path)
{
	struct snic_err err = {0};
	struct snicd_ctl *c;
	char path[200];

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	cr_assert_eq(snicd_ctl_open(&srv.d, path, &c, &err), -ENAMETOOLONG);
}

/* ---- bad requests ---- */

Test(ctl, malformed_requests_get_errors_and_the_connection_goes_on)
{
	int fd = raw_connect();

	assert_error(raw_call(fd, "{not json\n"), "not JSON");
	assert_error(raw_call(fd, "[1, 2]\n"), "JSON object");
	assert_error(raw_call(fd, "{\"cmd\": 5}\n"), "\"cmd\"");
	assert_error(raw_call(fd, "{\"cmd\": \"nope\"}\n"), "unknown command 'nope'");
	assert_error(raw_call(fd, "{\"cmd\": \"help\", \"args\": [1]}\n"), "\"args\"");
	assert_error(raw_call(fd, "{\"cmd\": \"help\", \"cmd\": \"help\"}\n"), "not JSON");
	assert_error(raw_call(fd, "{\"cmd\": \"stats\", \"args\": {\"x\": 1}}\n"),
		     "unknown argument \"x\"");
	assert_error(raw_call(fd, "{\"cmd\": \"vf.set\", \"args\": {\"vf\": -1}}\n"),
		     "vf -1 is out of range");
	assert_error(raw_call(fd, "{\"cmd\": \"vf.set\", \"args\": {\"vf\": 0, \"mac\": 7}}\n"),
		     "bad mac");
	assert_error(raw_call(fd, "\xff\xfe{}\n"), "not JSON");
	json_decref(raw_call(fd, "\n   \n{\"cmd\": \"help\"}\n"));
	close(fd);
	assert_serves();
}

/* Numbers and booleans given as strings are read, and refused, as the
 * config reader reads them; every refusal is EINVAL. */
Test(ctl, string_arguments_read_as_config_words)
{
	static const struct {
		const char *req, *msg;
	} bad[] = {
		{"{\"cmd\": \"vf.set\", \"args\": {\"vf\": \"x\"}}\n", "vf 'x' is not a number"},
		{"{\"cmd\": \"vf.set\", \"args\": {\"vf\": \"0x10000\"}}\n",
		 "vf 0x10000 is out of range 0..65535"},
		{"{\"cmd\": \"vf.set\", \"args\": {\"vf\": 0, \"trust\": \"maybe\"}}\n",
		 "vf 0: trust 'maybe' is not on or off (true/false, yes/no)"},
	};
	int fd = raw_connect();
	json_t *r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = raw_call(fd, bad[i].req);
		cr_assert_eq(json_integer_value(json_object_get(r, "errno")), EINVAL, "%s",
			     bad[i].req);
		assert_error(r, bad[i].msg);
	}
	r = raw_call(fd, "{\"cmd\": \"vf.set\", \"args\": {\"vf\": \"0x0\", \"trust\": \"On\"}}\n");
	cr_assert(json_is_true(json_object_get(r, "ok")), "string words refused");
	json_decref(r);
	close(fd);
}

Test(ctl, oversize_request_gets_an_error_and_is_closed)
{
	size_t len = 1u << 20;
	char *big = malloc(len);
	int fd = raw_connect();
	char c;

	memset(big, 'x', len);
	raw_send(fd, big, len);
	free(big);
	assert_error(raw_reply(fd), "longer than 65536 bytes");
	cr_assert_eq(recv(fd, &c, 1, 0), 0, "the connection stays open");
	close(fd);
	assert_serves();
}

Test(ctl, request_of_the_largest_size_is_served)
{
	const char *req = "{\"cmd\": \"help\"}";
	char *buf = malloc(SNICD_CTL_MSG_MAX + 1);
	int fd = raw_connect();
	json_t *r;

	memset(buf, ' ', SNICD_CTL_MSG_MAX);
	memcpy(buf, req, strlen(req));
	buf[SNICD_CTL_MSG_MAX] = '\n';
	raw_send(fd, buf, SNICD_CTL_MSG_MAX + 1);
	free(buf);
	r = raw_reply(fd);
	cr_assert(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	close(fd);
}

Test(ctl, pipelined_requests_are_answered_in_order_with_their_ids)
{
	int fd = raw_connect();
	const char *two = "{\"cmd\": \"sriov.numvfs\", \"id\": 1}\n"
			  "{\"cmd\": \"nope\", \"id\": \"b\"}\n";
	json_t *r;

	raw_send(fd, two, strlen(two));
	r = raw_reply(fd);
	cr_assert_eq(json_integer_value(json_object_get(r, "id")), 1);
	cr_assert(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	r = raw_reply(fd);
	cr_assert_str_eq(json_string_value(json_object_get(r, "id")), "b");
	assert_error(r, "nope");
	close(fd);
}

Test(ctl, a_request_in_single_bytes_and_one_ended_by_eof)
{
	const char *req = "{\"cmd\": \"vf.show\", \"args\": {\"vf\": 1}}\n";
	int fd = raw_connect();
	json_t *r;
	char c;

	for (const char *p = req; *p; p++) {
		raw_send(fd, p, 1);
		usleep(500);
	}
	r = raw_reply(fd);
	cr_assert(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	raw_send(fd, "{\"cmd\": \"help\"}", 15);
	shutdown(fd, SHUT_WR);
	r = raw_reply(fd);
	cr_assert(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	cr_assert_eq(recv(fd, &c, 1, 0), 0);
	close(fd);
}

Test(ctl, several_clients_at_once)
{
	const char *req = "{\"cmd\": \"vf.show\"}\n";
	int fd[MANY_CLIENTS];
	json_t *r;

	for (int i = 0; i < MANY_CLIENTS; i++) {
		fd[i] = raw_connect();
		raw_send(fd[i], req, 5); /* half a request each */
	}
	assert_ok(snic("vf show")); /* served while they wait */
	for (int i = MANY_CLIENTS - 1; i >= 0; i--)
		raw_send(fd[i], req + 5, strlen(req) - 5);
	for (int i = 0; i < MANY_CLIENTS; i++) {
		r = raw_reply(fd[i]);
		cr_assert(json_is_true(json_object_get(r, "ok")), "client %d", i);
		json_decref(r);
		close(fd[i]);
	}
}

Test(ctl, clients_beyond_the_limit_are_refused)
{
	int fd[CLIENTS_CAP], extra;

	for (int i = 0; i < CLIENTS_CAP; i++) {
		fd[i] = raw_connect();
		json_decref(raw_call(fd[i], "{\"cmd\": \"help\"}\n"));
	}
	extra = raw_connect();
	assert_error(raw_reply(extra), "too many clients");
	close(extra);
	close(fd[0]);
	usleep(20000);
	fd[0] = raw_connect();
	json_decref(raw_call(fd[0], "{\"cmd\": \"help\"}\n"));
	for (int i = 0; i < CLIENTS_CAP; i++)
		close(fd[i]);
}

/* ---- the client: reaching snicd ---- */

Test(ctl, client_says_when_snicd_is_not_there)
{
	struct run *r = snic("vf show --socket %s/none.sock", srv.dir);
	char want[256];

	snprintf(want, sizeof(want),
		 "snic vf: can't reach snicd at %s/none.sock: No such file or directory\n",
		 srv.dir);
	cr_assert_eq(r->status, 1);
	cr_assert_str_eq(r->err, want);
	setenv("SNIC_SOCKET", "/nonexistent/snic.sock", 1);
	assert_fails(snic("stats"), 1, "can't reach snicd at /nonexistent/snic.sock");
	assert_ok(snic("stats --socket %s", srv.sock));
	assert_ok(snic("stats --socket=%s", srv.sock));
}

/* ---- sriov ---- */

Test(ctl, sriov_numvfs)
{
	struct run *r = snic("sriov numvfs");

	assert_ok(r);
	cr_assert_not_null(strstr(r->out, "numvfs 2 (max 63)"), "%s", r->out);
	assert_fails(snic("sriov numvfs 3"), 2, "set 0 first");
	assert_fails(snic("sriov numvfs 99"), 2, "99");
	assert_fails(snic("sriov numvfs many"), 2, "'many'");
	assert_ok(snic("sriov numvfs 0"));
	assert_ok(snic("sriov numvfs 5"));
	cr_assert_eq(snic_nic_numvfs(nic_lock()), 5);
	nic_unlock();
	r = snic("-j sriov show");
	assert_ok(r);
	json_t *j = json_line(r->out);
	cr_assert_eq(json_integer_value(json_object_get(j, "numvfs")), 5);
	cr_assert_eq(json_integer_value(json_object_get(j, "pf_vport")), 5);
	json_decref(j);
	assert_fails(snic("sriov"), 2, "numvfs, show");
	assert_fails(snic("sriov grow"), 2, "'grow'");
}

/* ---- vf ---- */

static struct snic_vf_info vf_info(unsigned vf)
{
	struct snic_vf_info v;

	cr_assert_eq(snic_vf_get(nic_lock(), vf, &v, NULL), 0);
	nic_unlock();
	return v;
}

Test(ctl, vf_set_every_knob)
{
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x21};
	unsigned before = srv.d.publishes;
	struct snic_vf_info v;

	assert_ok(snic("vf set 1 mac 02:00:00:00:00:21 vlan 100 qos 3 proto 802.1ad spoofchk off "
		       "trust on state disable max_tx_rate 1000 min_tx_rate 100 query_rss on"));
	v = vf_info(1);
	cr_assert_arr_eq(v.mac, mac, 6);
	cr_assert(v.admin_mac);
	cr_assert_eq(v.vlan, 100);
	cr_assert_eq(v.qos, 3);
	cr_assert_eq(v.vlan_proto, SNIC_VLAN_PROTO_8021AD);
	cr_assert(!v.spoofchk);
	cr_assert(v.trust);
	cr_assert_eq(v.link_state, SNIC_LINK_DISABLE);
	cr_assert_eq(v.max_tx_rate, 1000);
	cr_assert_eq(v.min_tx_rate, 100);
	cr_assert(v.query_rss);
	cr_assert_eq(srv.d.publishes, before + 1, "one publish for one request");
	v = vf_info(0);
	cr_assert_eq(v.vlan, 0, "vf 0 untouched");
	/* a rate alone keeps the other; vlan alone resets qos, as ip link */
	assert_ok(snic("vf set 1 max_tx_rate 2000 vlan 7"));
	v = vf_info(1);
	cr_assert_eq(v.min_tx_rate, 100);
	cr_assert_eq(v.max_tx_rate, 2000);
	cr_assert_eq(v.qos, 0);
	cr_assert_eq(v.vlan_proto, SNIC_VLAN_PROTO_8021Q);
	assert_ok(snic("vf set 1 state auto spoofchk on"));
	v = vf_info(1);
	cr_assert_eq(v.link_state, SNIC_LINK_AUTO);
	cr_assert(v.spoofchk);
}

Test(ctl, vf_set_errors_name_the_value)
{
	assert_fails(snic("vf set 0 vlan 5000"), 2, "vlan 5000");
	assert_fails(snic("vf set 0 mac zz"), 2, "'zz'");
	assert_fails(snic("vf set 0 mac 01:00:5e:00:00:01"), 2, "multicast");
	assert_fails(snic("vf set 7 trust on"), 2, "vf 7");
	assert_fails(snic("vf set x trust on"), 2, "'x'");
	assert_fails(snic("vf set 0 colour red"), 2, "'colour'");
	assert_fails(snic("vf set 0 trust"), 2, "needs a value");
	assert_fails(snic("vf set 0 trust on trust off"), 2, "twice");
	assert_fails(snic("vf set 0 qos 3"), 2, "qos goes with vlan");
	assert_fails(snic("vf set 0 state maybe"), 2, "'maybe' (auto, enable, disable)");
	assert_fails(snic("vf set 0 spoofchk perhaps"), 2, "'perhaps'");
	assert_fails(snic("vf set 0 vlan 5 proto 802.1x"), 2, "'802.1x'");
	assert_fails(snic("vf set 0 max_tx_rate 5"), 2, "max_tx_rate 5");
	assert_fails(snic("vf set 0"), 2, "missing what to set");
	/* a malformed value changes nothing */
	assert_fails(snic("vf set 0 trust on mac zz"), 2, "'zz'");
	cr_assert(!vf_info(0).trust);
	assert_serves();
}

Test(ctl, vf_set_keeps_what_came_before_a_refused_knob)
{
	unsigned before = srv.d.publishes;

	assert_fails(snic("vf set 0 mac 02:00:00:00:00:31 max_tx_rate 5"), 2, "max_tx_rate 5");
	cr_assert_eq(vf_info(0).mac[5], 0x31);
	cr_assert_eq(srv.d.publishes, before + 1, "what was set is published");
}

Test(ctl, vf_show)
{
	struct run *r;
	json_t *j;

	assert_ok(snic("vf set 1 vlan 100 trust on"));
	r = snic("vf show");
	assert_ok(r);
	cr_assert_not_null(strstr(r->out, "vf 0: mac 00:00:00:00:00:00 vlan 0"), "%s", r->out);
	cr_assert_not_null(strstr(r->out, "vf 1: mac 00:00:00:00:00:00 vlan 100 qos 0 proto "
					  "802.1Q spoofchk on trust on state auto"),
			   "%s", r->out);
	r = snic("vf show 1 -j");
	assert_ok(r);
	j = json_line(r->out);
	cr_assert_eq(json_integer_value(json_object_get(j, "vlan")), 100);
	cr_assert(json_is_true(json_object_get(j, "trust")));
	json_decref(j);
	assert_fails(snic("vf show 2"), 2, "vf 2");
	assert_fails(snic("vf frob"), 2, "'frob' (show, set)");
}

/* ---- rss ---- */

static struct snic_rss_conf rss_of(unsigned vport)
{
	struct snic_rss_conf c;

	cr_assert_eq(snic_nic_rss_get(nic_lock(), vport, &c, NULL), 0);
	nic_unlock();
	return c;
}

Test(ctl, rss_set_and_show)
{
	static const char key[] = "01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:"
				  "15:16:17:18:19:1a:1b:1c:1d:1e:1f:20:21:22:23:24:25:26:27:28";
	struct snic_rss_conf c;
	struct run *r;
	json_t *j;

	assert_ok(snic("rss set --reta equal 2 --hfunc crc32 --rx-flow-hash udp4=sdfn,tcp4=sd "
		       "--key %s",
		       key));
	c = rss_of(2);
	cr_assert_eq(c.hfunc, SNIC_HFUNC_CRC32);
	cr_assert_eq(c.key[0], 1);
	cr_assert_eq(c.key[39], 0x28);
	cr_assert_eq(c.fields[SNIC_FT_UDP4],
		     SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST | SNIC_RXH_L4_B_0_1 | SNIC_RXH_L4_B_2_3);
	cr_assert_eq(c.fields[SNIC_FT_TCP4], SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST);
	for (unsigned i = 0; i < c.reta_size; i++)
		cr_assert_eq(c.reta[i], i % 2);
	assert_ok(snic("rss set --vport vf1 --reta weight 1 3"));
	c = rss_of(1);
	cr_assert_eq(c.reta[0], 0);
	cr_assert_eq(c.reta[c.reta_size - 1], 1);
	cr_assert_eq(c.nqueues, 2);
	r = snic("rss show --vport vf1 -j");
	assert_ok(r);
	j = json_line(r->out);
	cr_assert_str_eq(json_string_value(json_object_get(j, "vport")), "vf1");
	cr_assert_eq(json_array_size(json_object_get(j, "reta")), c.reta_size);
	json_decref(j);
	r = snic("rss show");
	assert_ok(r);
	cr_assert_not_null(strstr(r->out, "vport pf: hfunc crc32, 2 queues"), "%s", r->out);
	cr_assert_not_null(strstr(r->out, "udp4=sdfn"), "%s", r->out);
}

Test(ctl, rss_errors_name_the_value)
{
	struct snic_rss_conf before = rss_of(2), after;

	assert_fails(snic("rss set --hfunc bogus"), 2, "bogus");
	assert_fails(snic("rss set --key zz"), 2, "'zz'");
	assert_fails(snic("rss set --key 01:02"), 2, "key");
	assert_fails(snic("rss set --vport vf9 --reta equal 2"), 2, "vf 9");
	assert_fails(snic("rss set --reta equal 64"), 2, "64");
	assert_fails(snic("rss set --rx-flow-hash tcp4"), 2, "'tcp4'");
	assert_fails(snic("rss set --rx-flow-hash tcp9=sd"), 2, "tcp9");
	assert_fails(snic("rss set --reta spread 2"), 2, "'spread'");
	assert_fails(snic("rss set"), 2, "nothing to set");
	/* a bad part refuses the whole */
	assert_fails(snic("rss set --reta equal 2 --hfunc bogus"), 2, "bogus");
	after = rss_of(2);
	cr_assert_arr_eq(after.reta, before.reta, sizeof(before.reta));
}

/* ---- flow ---- */

Test(ctl, flow_add_list_del)
{
	struct snic_flow_info f[4];
	struct run *r;
	json_t *j;
	int n;

	r = snic("flow add flow-type tcp4 dst-port 80 action 1");
	assert_ok(r);
	cr_assert_not_null(strstr(r->out, "flow-type tcp4"), "%s", r->out);
	r = snic("-j flow add flow-type ether dst 02:00:00:00:00:99 action -1 prio 2");
	assert_ok(r);
	j = json_line(r->out);
	int drop_id = (int)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	n = snic_flow_list(nic_lock(), f, 4);
	cr_assert_eq(n, 2);
	srv.d.ctr->rule_hits[f[0].slot] = 42;
	nic_unlock();
	r = snic("flow list");
	assert_ok(r);
	cr_assert_not_null(strstr(r->out, "hits 42: flow-type tcp4"), "%s", r->out);
	cr_assert_not_null(strstr(r->out, "action -1"), "%s", r->out);
	assert_ok(snic("flow del %d", drop_id));
	cr_assert_eq(snic_flow_list(nic_lock(), f, 4), 1);
	nic_unlock();
	assert_fails(snic("flow del 999"), 2, "999");
	assert_fails(snic("flow add flow-type tcp4 dst-port eighty"), 2, "eighty");
	assert_fails(snic("flow add flow-type tcp5"), 2, "tcp5");
	assert_fails(snic("flow add"), 2, "missing the rule");
}

Test(ctl, flow_add_undone_when_publish_fails)
{
	struct run *r;

	srv.d.fail_publish = -EIO;
	r = snic("flow add flow-type tcp4 dst-port 80 action 1");
	cr_assert_eq(r->status, 1, "exit %d: %s", r->status, r->err);
	cr_assert_not_null(strstr(r->err, "commit refused"), "%s", r->err);
	cr_assert_eq(snic_flow_list(nic_lock(), NULL, 0), 0);
	nic_unlock();
	srv.d.fail_publish = 0;
	assert_ok(snic("flow add flow-type tcp4 dst-port 80 action 1"));
}

/* ---- stats and top ---- */

static void fill_counters(void)
{
	struct snic_ctr *c = srv.d.ctr;

	pthread_mutex_lock(&srv.lock);
	c->rx.in = 100;
	c->rx.delivered = 90;
	c->rx.drop[SNIC_DROP_NO_VPORT] = 10;
	snic_ctr_queue(c, 0, 1)->frames = 7;
	snic_ctr_queue(c, 0, 1)->bytes = 700;
	c->vport[1].rx_drop[SNIC_DROP_VLAN_FILTERED] = 3;
	c->vport[1].tx.in = 5;
	c->vport[1].tx.drop[SNIC_DROP_SPOOFED] = 5;
	srv.d.uptime = 10;
	pthread_mutex_unlock(&srv.lock);
}

static const char *const stats_want[] = {
	"rx_in: 100",
	"rx_drops_no_vport: 10",
	"port uplink:",
	"ipackets: 1000",
	"vport vf0:",
	"q1_frames: 7",
	"q1_bytes: 700",
	"rx_drops_vlan_filtered: 3",
	"vport pf:",
	"tx_drops_spoofed: 5",
	NULL,
};

Test(ctl, stats_text_and_json)
{
	struct run *r;
	json_t *j, *vp;

	fill_counters();
	r = snic("stats");
	assert_ok(r);
	for (const char *const *w = stats_want; *w; w++)
		cr_assert_not_null(strstr(r->out, *w), "lacks %s:\n%s", *w, r->out);
	r = snic("stats -j");
	assert_ok(r);
	j = json_line(r->out);
	vp = json_array_get(json_object_get(j, "vports"), 0);
	cr_assert_eq(json_array_size(json_object_get(j, "vports")), 3);
	cr_assert_eq(json_integer_value(json_object_get(
			     json_array_get(json_object_get(vp, "queues"), 1), "frames")),
		     7);
	cr_assert_eq(json_integer_value(json_object_get(
			     json_object_get(json_object_get(j, "rx"), "drops"), "no_vport")),
		     10);
	json_decref(j);
}

Test(ctl, top_once_and_count)
{
	struct run *r;
	json_t *j, *q;
	char *second;

	fill_counters();
	r = snic("top --once -j");
	assert_ok(r);
	j = json_line(r->out);
	q = json_array_get(json_object_get(j, "queues"), 1); /* vf0 queue 1 */
	cr_assert_str_eq(json_string_value(json_object_get(q, "vport")), "vf0");
	cr_assert_float_eq(json_real_value(json_object_get(q, "fps")), 0.7, 1e-9);
	json_decref(j);
	r = snic("top --once");
	assert_ok(r);
	cr_assert_not_null(strstr(r->out, "VPORT"), "%s", r->out);
	cr_assert_null(strstr(r->out, "\033["), "no terminal codes when not a terminal");
	/* two views a second apart, with traffic in between */
	pthread_mutex_lock(&srv.lock);
	srv.d.uptime = 0;
	srv.d.traffic = true;
	pthread_mutex_unlock(&srv.lock);
	r = snic("top -n 2 -j");
	assert_ok(r);
	second = strchr(r->out, '\n');
	cr_assert(second && second[1], "one view only: %s", r->out);
	j = json_line(second + 1);
	q = json_array_get(json_object_get(j, "queues"), 0);
	cr_assert_gt(json_real_value(json_object_get(q, "fps")), 50, "%s", second + 1);
	cr_assert_lt(json_real_value(json_object_get(q, "fps")), 150, "%s", second + 1);
	json_decref(j);
	assert_fails(snic("top --once -n 2"), 2, "together");
}

/* ---- the balancer ---- */

/* A period in which the buckets of queue 0 carry ten times the others'. */
static void skew_buckets(unsigned vport)
{
	struct snic_rss_conf c = rss_of(vport);
	struct snic_ctr *ctr = srv.d.ctr;
	unsigned ctx = snic_nic_profile(srv.d.nic)->rss_per_pool ? vport : 0;

	pthread_mutex_lock(&srv.lock);
	for (unsigned i = 0; i < c.reta_size; i++) {
		uint64_t n = c.reta[i] ? 100 : 1000;

		snic_ctr_bucket(ctr, ctx, i)->frames += n;
		snic_ctr_queue(ctr, vport, c.reta[i])->frames += n;
	}
	pthread_mutex_unlock(&srv.lock);
}

static unsigned reta_diff(const struct snic_rss_conf *a, const struct snic_rss_conf *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < a->reta_size; i++)
		n += a->reta[i] != b->reta[i];
	return n;
}

Test(ctl, rss_balance_moves_buckets_and_publishes)
{
	unsigned pf = snic_nic_pf_vport(srv.d.nic), pubs;
	struct snic_rss_conf before, after;
	struct snic_err err = {0};
	struct run *r;
	json_t *j, *b;
	int n;

	r = snic("rss balance");
	assert_ok(r);
	cr_assert_not_null(strstr(r->out, "balance off"), "%s", r->out);
	assert_fails(snic("rss balance fair"), 2, "fair");
	assert_ok(snic("rss set --reta equal 4"));
	assert_ok(snic("rss balance snic"));
	before = rss_of(pf);
	skew_buckets(pf);
	pthread_mutex_lock(&srv.lock);
	pubs = srv.d.publishes;
	n = snicd_balance_step(&srv.d, &err);
	cr_assert_gt(n, 0, "step: %d %s", n, err.msg);
	cr_assert_eq(srv.d.publishes, pubs + 1);
	pthread_mutex_unlock(&srv.lock);
	after = rss_of(pf);
	cr_assert_eq(reta_diff(&before, &after), (unsigned)n);
	r = snic("stats -j");
	assert_ok(r);
	j = json_line(r->out);
	b = json_object_get(j, "balance");
	cr_assert(json_is_true(json_object_get(b, "on")));
	cr_assert_str_eq(json_string_value(json_object_get(b, "policy")), "snic");
	cr_assert_eq(json_integer_value(json_object_get(b, "moves")), n);
	cr_assert_gt(json_real_value(json_object_get(b, "imbalance")), 1);
	json_decref(j);
	r = snic("stats");
	assert_ok(r);
	cr_assert_not_null(strstr(r->out, "balance snic:"), "%s", r->out);
	cr_assert_not_null(strstr(r->out, "moves_total:"), "%s", r->out);
	r = snic("top --once");
	assert_ok(r);
	cr_assert_not_null(strstr(r->out, "balance snic: imbalance"), "%s", r->out);
	r = snic("rss balance off");
	assert_ok(r);
	cr_assert_not_null(strstr(r->out, "balance off"), "%s", r->out);
	pthread_mutex_lock(&srv.lock);
	cr_assert_eq(snicd_balance_step(&srv.d, &err), 0);
	pthread_mutex_unlock(&srv.lock);
}

/* --vport: the balancer measures vf0's queues and moves vf0's own RETA
 * (the generic profile has one per pool); pins need snicd's sampler,
 * which this stand-in lacks. */
Test(ctl, rss_balance_of_a_vf)
{
	struct snic_rss_conf pf0, pf1, before, after;
	unsigned pf = snic_nic_pf_vport(srv.d.nic);
	struct snic_err err = {0};
	struct run *r;
	int n;

	assert_ok(snic("rss set --vport vf0 --reta equal 4"));
	r = snic("rss balance snic --vport vf0");
	assert_ok(r);
	cr_assert_not_null(strstr(r->out, "balance snic of vf0:"), "%s", r->out);
	pf0 = rss_of(pf);
	before = rss_of(0);
	skew_buckets(0);
	pthread_mutex_lock(&srv.lock);
	n = snicd_balance_step(&srv.d, &err);
	pthread_mutex_unlock(&srv.lock);
	cr_assert_gt(n, 0, "step: %d %s", n, err.msg);
	after = rss_of(0);
	pf1 = rss_of(pf);
	cr_assert_eq(reta_diff(&before, &after), (unsigned)n);
	cr_assert_eq(reta_diff(&pf0, &pf1), 0, "the PF's RETA moved");
	assert_fails(snic("rss balance snic --pins 4"), 2, "sampler");
	assert_fails(snic("rss balance off --pins 4"), 2, "--pins");
	assert_ok(snic("rss balance off"));
}

/* ---- apply ---- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

Test(ctl, apply_a_config)
{
	char good[160], bad[160];
	struct run *r;
	int fd;

	snprintf(good, sizeof(good), "%s/good.yaml", srv.dir);
	snprintf(bad, sizeof(bad), "%s/bad.yaml", srv.dir);
	write_file(good, "profile: generic\nnumvfs: 3\nvfs:\n  vf2:\n    trust: on\n");
	write_file(bad, "profile: generic\nnumvfs: 999\n");
	r = snic("apply -c %s", good);
	assert_ok(r);
	cr_assert_not_null(strstr(r->out, "3 VFs"), "%s", r->out);
	cr_assert_eq(snic_nic_numvfs(nic_lock()), 3);
	nic_unlock();
	cr_assert(vf_info(2).trust);
	assert_fails(snic("apply -c %s", bad), 2, "bad.yaml:2:");
	cr_assert_eq(snic_nic_numvfs(nic_lock()), 3, "a refused file changes nothing");
	nic_unlock();
	assert_fails(snic("apply -c %s/none.yaml", srv.dir), 2, "none.yaml");
	assert_fails(snic("apply"), 2, "-c FILE");
	fd = raw_connect();
	assert_error(raw_call(fd, "{\"cmd\": \"apply\", \"args\": {\"config\": \"x\"}}\n"),
		     "absolute");
	close(fd);
}
