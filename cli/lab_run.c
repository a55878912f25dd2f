/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic lab: running children. Every program the lab uses runs through
 * fork and execvp with an argv built by the caller, optionally inside a
 * network namespace (`ip netns exec NS`) and pinned to a CPU
 * (`taskset -c CPU`). stdout can be kept; the last line of stderr names
 * what went wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"

#define ARGV_MAX     96
#define ERRBUF_MAX   4096
#define POLL_STEP_MS 50

/* ---- argv ---- */

/* [taskset -c CPU] [ip netns exec NS] argv...: the argv to exec. */
static int full_argv(const char *const *argv, const char *ns, int cpu, char *cpubuf, size_t cpusize,
		     const char **out)
{
	int n = 0;

	if (cpu >= 0) {
		snprintf(cpubuf, cpusize, "%d", cpu);
		out[n++] = "taskset";
		out[n++] = "-c";
		out[n++] = cpubuf;
	}
	if (ns) {
		out[n++] = "ip";
		out[n++] = "netns";
		out[n++] = "exec";
		out[n++] = ns;
	}
	for (int i = 0; argv[i]; i++) {
		if (n == ARGV_MAX - 1)
			return -E2BIG;
		out[n++] = argv[i];
	}
	out[n] = NULL;
	return n;
}

/* "ip link add ..." for messages: the words, up to @size. */
static void argv_text(const char *const *argv, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i] && len + 1 < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "", argv[i]);
}

/* In the child: exec, or say why not on stderr. */
static void __attribute__((noreturn)) child_exec(const char *const *argv, const char *cwd)
{
	if (cwd && chdir(cwd)) {
		fprintf(stderr, "can't enter %s: %s\n", cwd, strerror(errno));
		_exit(127);
	}
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "can't run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* ---- lab_exec ---- */

struct pipes {
	int out[2];
	int err[2];
};

static int pipes_open(struct pipes *p, bool keep_out)
{
	p->out[0] = p->out[1] = p->err[0] = p->err[1] = -1;
	if (pipe2(p->err, O_CLOEXEC))
		return -errno;
	if (keep_out && pipe2(p->out, O_CLOEXEC))
		return -errno;
	return 0;
}

static void fd_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void pipes_close(struct pipes *p)
{
	fd_close(&p->out[0]);
	fd_close(&p->out[1]);
	fd_close(&p->err[0]);
	fd_close(&p->err[1]);
}

/* The child's end: stdin from /dev/null, stdout to the pipe or nowhere. */
static void child_fds(struct pipes *p)
{
	int null = open("/dev/null", O_RDWR);

	dup2(null, STDIN_FILENO);
	dup2(p->out[1] >= 0 ? p->out[1] : null, STDOUT_FILENO);
	dup2(p->err[1], STDERR_FILENO);
	setpgid(0, 0);
}

/* What the parent collects while the child runs. */
struct collect {
	char *out;
	size_t out_len, out_cap;
	char err[ERRBUF_MAX]; /* the latest bytes of stderr */
	size_t err_len;
};

static int out_append(struct collect *k, const char *b, size_t n)
{
	if (k->out_len + n + 1 > k->out_cap) {
		size_t cap = (k->out_len + n + 1) * 2;
		char *p = realloc(k->out, cap);

		if (!p)
			return -ENOMEM;
		k->out = p;
		k->out_cap = cap;
	}
	memcpy(k->out + k->out_len, b, n);
	k->out_len += n;
	k->out[k->out_len] = '\0';
	return 0;
}

static void err_append(struct collect *k, const char *b, size_t n)
{
	if (n >= ERRBUF_MAX) {
		b += n - (ERRBUF_MAX - 1);
		n = ERRBUF_MAX - 1;
	}
	if (k->err_len + n >= ERRBUF_MAX) {
		size_t drop = k->err_len + n - (ERRBUF_MAX - 1);

		memmove(k->err, k->err + drop, k->err_len - drop);
		k->err_len -= drop;
	}
	memcpy(k->err + k->err_len, b, n);
	k->err_len += n;
	k->err[k->err_len] = '\0';
}

/* Read what @fd has; false at its end. */
static bool drain(int *fd, struct collect *k, bool is_out)
{
	char buf[4096];
	ssize_t n = read(*fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0) {
		fd_close(fd);
		return false;
	}
	if (is_out)
		out_append(k, buf, (size_t)n);
	else
		err_append(k, buf, (size_t)n);
	return true;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read both pipes until they close or the time is up; false on timeout. */
static bool collect_all(struct pipes *p, struct collect *k, unsigned timeout_ms)
{
	long long end = timeout_ms ? now_ms() + timeout_ms : 0;

	while (p->out[0] >= 0 || p->err[0] >= 0) {
		struct pollfd pfd[2] = {{.fd = p->out[0], .events = POLLIN},
					{.fd = p->err[0], .events = POLLIN}};

		if (end && now_ms() >= end)
			return false;
		if (poll(pfd, 2, POLL_STEP_MS) <= 0)
			continue;
		if (pfd[0].revents)
			drain(&p->out[0], k, true);
		if (pfd[1].revents)
			drain(&p->err[0], k, false);
	}
	return true;
}

/* The last non-empty line of @s into @buf. */
static void last_line(const char *s, char *buf, size_t size)
{
	const char *end = s + strlen(s), *start;

	while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	for (start = end; start > s && start[-1] != '\n';)
		start--;
	snprintf(buf, size, "%.*s", (int)(end - start), start);
}

static int reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void exec_finish(struct lab_cmd *c, struct collect *k, pid_t pid, bool done)
{
	if (!done) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	c->status = reap(pid);
	last_line(k->err, c->err, sizeof(c->err));
	if (!done)
		snprintf(c->err, sizeof(c->err), "no answer after %u s", c->timeout_ms / 1000);
	else if (c->status < 0 && !c->err[0])
		snprintf(c->err, sizeof(c->err), "killed by a signal");
	else if (c->status > 0 && !c->err[0])
		snprintf(c->err, sizeof(c->err), "exit status %d", c->status);
	c->out = k->out;
	c->out_len = k->out_len;
}

int lab_exec(struct lab_cmd *c)
{
	const char *argv[ARGV_MAX];
	struct collect k = {0};
	struct pipes p;
	char cpu[16];
	pid_t pid;

	c->out = NULL;
	c->out_len = 0;
	c->status = -1;
	c->err[0] = '\0';
	if (full_argv(c->argv, c->ns, c->cpu, cpu, sizeof(cpu), argv) < 0) {
		snprintf(c->err, sizeof(c->err), "too many arguments");
		return -1;
	}
	if (pipes_open(&p, c->keep_out)) {
		snprintf(c->err, sizeof(c->err), "pipe: %s", strerror(errno));
		pipes_close(&p);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		child_fds(&p);
		child_exec(argv, c->cwd);
	}
	fd_close(&p.out[1]);
	fd_close(&p.err[1]);
	if (pid < 0) {
		snprintf(c->err, sizeof(c->err), "fork: %s", strerror(errno));
		pipes_close(&p);
		return -1;
	}
	exec_finish(c, &k, pid, collect_all(&p, &k, c->timeout_ms));
	pipes_close(&p);
	return c->status;
}

int lab_run(struct lab *l, const char *ns, const char *const *argv)
{
	struct lab_cmd c = {.argv = argv, .ns = ns, .cpu = -1, .timeout_ms = 60000};
	char text[256];

	if (!lab_exec(&c))
		return 0;
	argv_text(argv, text, sizeof(text));
	cli_fail(l->cli, "%s%s%s: %s", ns ? ns : "", ns ? ": " : "", text, c.err);
	return -1;
}

int lab_try(const char *ns, const char *const *argv)
{
	struct lab_cmd c = {.argv = argv, .ns = ns, .cpu = -1, .timeout_ms = 60000};

	return lab_exec(&c) ? -1 : 0;
}

/* ---- background children ---- */

pid_t lab_spawn(const char *const *argv, const char *ns, int cpu, const char *log)
{
	const char *full[ARGV_MAX];
	char cpubuf[16];
	pid_t pid;
	int fd;

	if (full_argv(argv, ns, cpu, cpubuf, sizeof(cpubuf), full) < 0)
		return -1;
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setsid();
		dup2(null, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		child_exec(full, NULL);
	}
	close(fd);
	return pid;
}

/* Whether @pid has ended but is not reaped yet (its parent may be one
 * that reaps late). */
static bool zombie(pid_t pid)
{
	char path[64], buf[256];
	const char *paren;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

/* Whether @pid is alive; reaps it when it is a child that has ended. */
static bool alive(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, WNOHANG) == pid)
		return false;
	return kill(pid, 0) == 0 && !zombie(pid);
}

static bool file_has(const char *path, const char *text)
{
	char *buf;
	size_t len;
	FILE *f = fopen(path, "r");
	bool found = false;

	if (!f)
		return false;
	buf = malloc(1 << 20);
	if (buf) {
		len = fread(buf, 1, (1 << 20) - 1, f);
		buf[len] = '\0';
		found = strstr(buf, text) != NULL;
		free(buf);
	}
	fclose(f);
	return found;
}

bool lab_wait_log(const char *log, const char *text, pid_t pid, unsigned ms)
{
	long long end = now_ms() + ms;

	for (;;) {
		if (file_has(log, text))
			return true;
		if (!alive(pid) || now_ms() >= end)
			return file_has(log, text);
		usleep(POLL_STEP_MS * 1000);
	}
}

/* Whether /proc/PID/comm is @comm (which the kernel cuts at 15 bytes). */
static bool is_comm(pid_t pid, const char *comm)
{
	char path[64], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return !strncmp(buf, comm, 15);
}

int lab_stop_pid(pid_t pid, const char *comm, unsigned ms)
{
	long long end = now_ms() + ms;

	if (pid <= 0 || !is_comm(pid, comm))
		return -ESRCH;
	kill(pid, SIGTERM);
	while (alive(pid) && is_comm(pid, comm)) {
		if (now_ms() >= end) {
			kill(pid, SIGKILL);
			end = now_ms() + ms;
		}
		usleep(POLL_STEP_MS * 1000);
	}
	return 0;
}

void lab_tail(const char *path, unsigned n, const char *indent)
{
	char *lines[64] = {0};
	char buf[1024];
	unsigned i = 0, k;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	if (n > 64)
		n = 64;
	while (fgets(buf, sizeof(buf), f)) {
		free(lines[i % n]);
		lines[i % n] = strdup(buf);
		i++;
	}
	fclose(f);
	for (k = i > n ? i - n : 0; k < i; k++) {
		fprintf(stderr, "%s%s", indent, lines[k % n] ? lines[k % n] : "\n");
		free(lines[k % n]);
		lines[k % n] = NULL;
	}
}

bool lab_have(const char *prog)
{
	char path[PATH_MAX];
	const char *env = getenv("PATH"), *p, *end;

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	for (p = env ? env : "/usr/sbin:/usr/bin:/sbin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(path, sizeof(path), "%.*s/%s", (int)(end - p), p, prog);
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}
