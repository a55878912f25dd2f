/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports whose far end lives in a network namespace (the config's `netns`):
 * a container, or the lightest "VM" a VF is given to. When the port's
 * interface (the devargs' iface=) does not exist yet, snicd makes it
 * before probing the port: a veth whose near end is that interface, up
 * with no address of its own, and whose far end is eth0 in the namespace
 * (made when missing, lo up), with the VF's MAC for a VF's port, up. When
 * snicd stops it removes what it made, and only that: an interface or a
 * namespace that was there is left as it was.
 *
 * One queue each way, as XDP on a veth wants as many rx queues as its peer
 * has tx queues (snicd folds a VF's queues onto it, port.c). iproute2's
 * `ip` does the work, run with fork and execvp, never through a shell;
 * its error is what the message quotes.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snicd_impl.h"

#define NETNS_DIR "/run/netns"

/* Drivers whose port is a Linux interface named by iface=. */
static const char *const veth_drivers[] = {"net_af_xdp", "net_af_packet"};

/* Run `ip` with @argv (NULL-terminated, argv[0] "ip"); 0 when it exits 0,
 * else -EIO with its first line of error in @err. */
static int run_ip(const char *const *argv, struct snic_err *err)
{
	char out[256] = "";
	int fd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fd))
		return snic_errf(err, -errno, "ip: no pipe (%s)", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return snic_errf(err, -errno, "ip: can't fork (%s)", strerror(errno));
	}
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(fd[1], 2);
		close(fd[0]);
		execvp("ip", (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	n = read(fd[0], out, sizeof(out) - 1);
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return snic_errf(err, -ENOENT, "ip (iproute2) can't be run");
	return snic_errf(err, -EIO, "'ip %s %s %s ...' failed: %s", argv[1], argv[2],
			 argv[3] ? argv[3] : "", out[0] ? out : "no message");
}

/* The iface= of @devargs into @out; -ENOENT without one. */
static int devargs_iface(const char *devargs, char *out, size_t size)
{
	const char *s = devargs;

	while ((s = strstr(s, "iface="))) {
		if (s == devargs || s[-1] == ',') {
			size_t n = strcspn(s + 6, ",");

			if (!n || n >= size)
				return -EINVAL;
			memcpy(out, s + 6, n);
			out[n] = '\0';
			return 0;
		}
		s += 6;
	}
	return -ENOENT;
}

static bool veth_driver(const char *devargs)
{
	for (size_t i = 0; i < sizeof(veth_drivers) / sizeof(veth_drivers[0]); i++)
		if (!strncmp(devargs, veth_drivers[i], strlen(veth_drivers[i])))
			return true;
	return false;
}

/* A namespace name ip accepts and a path can hold: letters, digits, '_',
 * '-', '.', not "." or "..". */
static bool netns_name_ok(const char *ns)
{
	size_t n = strlen(ns);

	if (!n || n > SNICD_NETNS_MAX - 1 || !strcmp(ns, ".") || !strcmp(ns, ".."))
		return false;
	return strspn(ns, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == n;
}

static bool netns_exists(const char *ns)
{
	char path[sizeof(NETNS_DIR) + SNICD_NETNS_MAX + 1];

	snprintf(path, sizeof(path), "%s/%s", NETNS_DIR, ns);
	return !access(path, F_OK);
}

static int netns_make(struct snicd_veth *v, struct snic_err *err)
{
	const char *add[] = {"ip", "netns", "add", v->ns, NULL};
	const char *lo[] = {"ip", "-n", v->ns, "link", "set", "lo", "up", NULL};
	int rc;

	if (netns_exists(v->ns))
		return 0;
	rc = run_ip(add, err);
	if (rc)
		return rc;
	v->made_ns = true;
	return run_ip(lo, err);
}

static int veth_link(struct snicd_veth *v, const uint8_t *mac, struct snic_err *err)
{
	const char *add[] = {"ip",	    "link",	   "add",	  v->link, "numtxqueues",
			     "1",	    "numrxqueues", "1",		  "type",  "veth",
			     "peer",	    "name",	   "eth0",	  "netns", v->ns,
			     "numtxqueues", "1",	   "numrxqueues", "1",	   NULL};
	const char *near[] = {"ip", "link", "set", v->link, "addrgenmode", "none", "up", NULL};
	char macs[18];
	const char *far_mac[] = {"ip", "-n", v->ns, "link", "set", "eth0", "address", macs, NULL};
	const char *far_up[] = {"ip", "-n", v->ns, "link", "set", "eth0", "up", NULL};
	int rc = run_ip(add, err);

	if (rc)
		return rc;
	v->made_link = true;
	rc = run_ip(near, err);
	if (!rc && mac) {
		snprintf(macs, sizeof(macs), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
			 mac[2], mac[3], mac[4], mac[5]);
		rc = run_ip(far_mac, err);
	}
	return rc ? rc : run_ip(far_up, err);
}

int snicd_veth_make(const char *port, const char *devargs, const char *ns, const uint8_t *mac,
		    struct snicd_veth *v, struct snic_err *err)
{
	int rc;

	memset(v, 0, sizeof(*v));
	if (!veth_driver(devargs))
		return snic_errf(err, -EINVAL,
				 "port %s: netns '%s' needs a net_af_xdp or net_af_packet port "
				 "on a veth, not '%s'",
				 port, ns, devargs);
	if (!netns_name_ok(ns))
		return snic_errf(err, -EINVAL,
				 "port %s: netns '%s' is not a namespace name (1..%d of letters, "
				 "digits, '_', '-', '.')",
				 port, ns, SNICD_NETNS_MAX - 1);
	rc = devargs_iface(devargs, v->link, sizeof(v->link));
	if (rc)
		return snic_errf(err, -EINVAL,
				 "port %s: devargs '%s': netns needs iface=NAME (1..%d bytes)",
				 port, devargs, IFNAMSIZ - 1);
	snprintf(v->ns, sizeof(v->ns), "%s", ns);
	if (if_nametoindex(v->link))
		return 0; /* there already: used as it is */
	rc = netns_make(v, err);
	if (!rc)
		rc = veth_link(v, mac, err);
	if (rc) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		snic_errf(err, rc, "port %s: veth %s to eth0 in netns %s: %s", port, v->link, v->ns,
			  why);
		snicd_veth_remove(v);
	}
	return rc;
}

void snicd_veth_remove(struct snicd_veth *v)
{
	struct snic_err err = {0};
	const char *del_link[] = {"ip", "link", "del", v->link, NULL};
	const char *del_ns[] = {"ip", "netns", "del", v->ns, NULL};

	if (v->made_link && run_ip(del_link, &err))
		fprintf(stderr, "snicd: %s\n", err.msg);
	if (v->made_ns && run_ip(del_ns, &err))
		fprintf(stderr, "snicd: %s\n", err.msg);
	v->made_link = false;
	v->made_ns = false;
}
