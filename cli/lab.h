/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic lab: a test bench on one machine. `up` builds network namespaces
 * around a running snicd (the far end of the uplink, one namespace per VF,
 * optionally a QEMU guest on a vhost-user VF) and, beside it, the same
 * shape from kernel parts only (a Linux bridge, a direct veth); `bench`
 * measures each path; `down` removes everything `up` made.
 *
 * Everything the lab makes is named after its prefix (default "snic") and
 * recorded, as it is made, in the state file of its state directory
 * (/run/snic/lab/PREFIX/state), so that `down` removes it even after a
 * crash half way through `up`.
 *
 *	        P-peer (the other server)
 *	  eth0 .1 ───veth─── P-up [uplink] snicd [vfN] P-vfN ───veth─── eth0 .10+N  P-vmN
 *	                                           [vfV] vhost-user ─── QEMU guest .10+V
 *	  eth1 .65 ──veth─── br0 in P-sw ───veth─── eth0 .74   P-swvm
 *	  eth2 .129 ─────────────veth───────────── eth0 .138  P-direct
 *
 * Addresses: 198.51.100.0/26 and 2001:db8:1::/64 through snicd,
 * 198.51.100.64/26 and 2001:db8:2::/64 through the bridge, 198.51.100.128/26
 * and 2001:db8:3::/64 over the direct veth. Children (ip, ping, iperf3,
 * qemu, snicd) are run with fork and execvp, never through a shell.
 */
#ifndef SNIC_LAB_H
#define SNIC_LAB_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cli.h"

#define LAB_PREFIX_DEFAULT "snic"
#define LAB_PREFIX_MAX	   8 /* "P-vf15" must fit IFNAMSIZ */
#define LAB_VFS_MAX	   16
#define LAB_RUN_DIR	   "/run/snic/lab"
#define LAB_CACHE_DIR	   "/var/cache/snic"
#define LAB_NAME_MAX	   32
#define LAB_ADDR_MAX	   48
#define LAB_ERR_MAX	   512

/* The paths `bench` compares, in the order of its columns. */
enum lab_path {
	LAB_PATH_SRIOV,	 /* P-peer <-> P-vm0 through a VF of snicd */
	LAB_PATH_BRIDGE, /* P-peer <-> P-swvm through a Linux bridge */
	LAB_PATH_DIRECT, /* P-peer <-> P-direct, one veth */
	LAB_PATH_VM,	 /* P-peer <-> the QEMU guest through its vhost-user VF */
	LAB_PATH_COUNT
};

/* The subnets: one per kind of path (the guest shares the VFs'). */
enum lab_net {
	LAB_NET_SRIOV,
	LAB_NET_BRIDGE,
	LAB_NET_DIRECT,
};

#define LAB_HOST_PEER 1	 /* the peer's host number in every subnet */
#define LAB_HOST_FAR  10 /* the first far end's; VF i is 10 + i */

/* The lab as the command line asks for it, or as `up` recorded it. */
struct lab {
	struct cli *cli;
	char prefix[LAB_PREFIX_MAX + 1];
	char dir[PATH_MAX];  /* the state directory */
	char sock[PATH_MAX]; /* snicd's control socket */
	const char *snicd;   /* --snicd, or NULL to look for it */
	unsigned vfs;	     /* VFs handed to namespaces */
	unsigned queues;     /* queues RSS spreads a VF's traffic over */
	bool vm;	     /* one more VF, handed to a QEMU guest */
	int cpu_nic;	     /* snicd's lcores run here */
	int cpu_traffic;     /* ping, iperf3 and QEMU run here; -1: anywhere */
	bool quiet;	     /* no progress lines */
};

/* ---- lab.c: the state directory and its record of what was made ---- */

/* snprintf for paths; -ENAMETOOLONG when @buf is too small. */
int lab_pathf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Fill in @l's paths from its prefix. */
void lab_paths(struct lab *l);
/* Append one "KIND VALUE" line to the state file, before making it. */
int lab_record(struct lab *l, const char *kind, const char *value);
/* Read the topology `up` recorded; 0, or -ENOENT when the lab is down. */
int lab_load(struct lab *l);
/* A file of the state directory: DIR/NAME. */
void lab_file(const struct lab *l, const char *name, char *buf, size_t size);
/* The name PREFIX-SUFFIX (a namespace or a link). */
void lab_name(const struct lab *l, const char *suffix, char *buf, size_t size);
/* An address of @net: IPv4 ("198.51.100.X") or IPv6 ("2001:db8:N::X"). */
void lab_addr4(enum lab_net net, unsigned host, char *buf, size_t size);
void lab_addr6(enum lab_net net, unsigned host, char *buf, size_t size);
/* VF @vf's MAC: 02:5e:00:00:00:HH, HH the digits of its host number. */
void lab_vf_mac(unsigned vf, char *buf, size_t size);
/* Print "snic lab: <message>" on stderr; returns -1. */
int lab_fail(const struct lab *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a progress line (not with -j or when quiet). */
void lab_say(const struct lab *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- lab_run.c: children ---- */

/* One child: argv[0] is looked for in PATH. */
struct lab_cmd {
	const char *const *argv;
	const char *ns;	 /* run in this network namespace (ip netns exec), or NULL */
	const char *cwd; /* or NULL */
	int cpu;	 /* pin to this CPU (taskset), or -1 */
	unsigned timeout_ms;
	bool keep_out;	       /* keep stdout in out (else discard it) */
	char *out;	       /* stdout, NUL-terminated (free it) */
	size_t out_len;	       /* ... its length */
	char err[LAB_ERR_MAX]; /* the last line of stderr, or what went wrong */
	int status;	       /* exit status; -1 when it did not run or was killed */
};

/* Run @c to its end. Returns its exit status (0 success), or -1. */
int lab_exec(struct lab_cmd *c);

/* Run argv; on failure print "snic lab: CMD...: ERROR" and return -1. */
int lab_run(struct lab *l, const char *ns, const char *const *argv);
#define LAB_RUN(l, ns, ...) lab_run(l, ns, (const char *const[]){__VA_ARGS__, NULL})
/* The same, silent, for what may fail (removing what may not exist). */
int lab_try(const char *ns, const char *const *argv);
#define LAB_TRY(ns, ...) lab_try(ns, (const char *const[]){__VA_ARGS__, NULL})

/* Start argv in the background in a session of its own, stdout and stderr
 * to @log, pinned to @cpu (-1: anywhere). Returns its pid or -1. */
pid_t lab_spawn(const char *const *argv, const char *ns, int cpu, const char *log);

/* Wait up to @ms until @log holds @text; false once @pid is gone or the
 * time is up. */
bool lab_wait_log(const char *log, const char *text, pid_t pid, unsigned ms);

/* Stop @pid if it is still the program @comm (SIGTERM, then SIGKILL after
 * @ms). Returns 0, or -ESRCH when it was not running. */
int lab_stop_pid(pid_t pid, const char *comm, unsigned ms);

/* The last @n lines of @path, to stderr, each after @indent. */
void lab_tail(const char *path, unsigned n, const char *indent);

/* Whether @prog is found in PATH (or is an executable path). */
bool lab_have(const char *prog);

/* ---- lab_topo.c: up and down ---- */

/* Returns 0, -EINVAL for a bad request (--queues), or -1. */
int lab_up(struct lab *l);
/* Remove everything recorded, and whatever of the prefix's names is left. */
int lab_down(struct lab *l, bool report);
/* The peer's and far end's addresses, namespaces and link of @path. */
struct lab_ends {
	char peer_ns[LAB_NAME_MAX];
	char far_ns[LAB_NAME_MAX]; /* "" for the guest */
	char peer4[LAB_ADDR_MAX], far4[LAB_ADDR_MAX];
	char peer6[LAB_ADDR_MAX], far6[LAB_ADDR_MAX];
};
void lab_ends(const struct lab *l, enum lab_path path, unsigned vf, struct lab_ends *e);
extern const char *const lab_path_names[LAB_PATH_COUNT];
/* Whether @path exists in the lab that is up. */
bool lab_path_up(const struct lab *l, enum lab_path path);

/* ---- lab_vm.c: the QEMU guest ---- */

/* Check that QEMU and a kernel are at hand (fetching the kernel into the
 * cache when it is not); one line naming what is missing, and -1. */
int lab_vm_prepare(struct lab *l);
/* Build the guest's initramfs, start QEMU on VF @vf's vhost-user socket,
 * and wait for the guest to come up. */
int lab_vm_start(struct lab *l, unsigned vf);

/* ---- lab_bench.c ---- */

struct lab_bench_opts {
	unsigned count; /* pings */
	unsigned time;	/* seconds of each iperf3 run */
	unsigned runs;	/* each figure is the median of this many runs */
};

int lab_bench(struct lab *l, const struct lab_bench_opts *o);

#endif
