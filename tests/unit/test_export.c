/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `snic export` driven as a user would: a config per profile is written into
 * a temporary file, $SNIC_BIN runs on it, and its output is checked line by
 * line. What a profile's driver or the tool lacks must be refused: exit 2,
 * nothing on stdout, one line on stderr that names the feature and the
 * profile.
 *
 * Where ethtool and ip are installed, every ethtool and ip line of the
 * outputs is also run against an interface that does not exist: each must
 * fail for the interface alone ("No such device", "Cannot find device",
 * "does not exist"), never for its words. No command of the output reaches
 * a real interface.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snic/profile.h"

extern char **environ;

/* Interfaces that do not exist: the PF's, and the VFs' prefix. */
#define DEV   "snicxq9"
#define VFDEV "snicyq"

#define KEY_MS                                                                                     \
	"6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:"  \
	"30:f2:0c:6a:42:b7:3b:be:ac:01:fa"
#define KEY_3D                                                                                     \
	"3d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:"  \
	"30:f2:0c:6a:42:b7:3b:be:ac:01:fa"
#define KEY_MS52 KEY_MS ":6d:5a:56:da:25:5b:0e:c2:41:67:25:3d"
#define HEX_MS	 "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa"

/* ---- running the binary ---- */

struct run {
	int status;
	char out[1 << 18];
	char err[1 << 12];
};

static void read_back(int fd, char *buf, size_t size)
{
	size_t off = 0;
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while (off + 1 < size && (n = read(fd, buf + off, size - off - 1)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	close(fd);
}

static int scratch_fd(void)
{
	char path[] = "/tmp/snic-export-out-XXXXXX";
	int fd = mkstemp(path);

	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(path);
	return fd;
}

/* Run @argv[0] with stdout and stderr kept; returns the exit status. */
static int spawn(char *const *argv, char *out, size_t osize, char *err, size_t esize)
{
	posix_spawn_file_actions_t fa;
	int fo = scratch_fd(), fe = scratch_fd(), st;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fo, 1);
	posix_spawn_file_actions_adddup2(&fa, fe, 2);
	cr_assert_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0, "spawn %s", argv[0]);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	read_back(fo, out, osize);
	read_back(fe, err, esize);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static struct run *run_args(const char *const *args)
{
	static struct run r;
	const char *bin = getenv("SNIC_BIN");
	char *argv[32] = {(char *)bin};

	cr_assert(bin, "SNIC_BIN is not set");
	for (int i = 0; args[i]; i++)
		argv[i + 1] = (char *)args[i];
	r.status = spawn(argv, r.out, sizeof(r.out), r.err, sizeof(r.err));
	return &r;
}

#define RUN(...) run_args((const char *const[]){__VA_ARGS__, NULL})

/* @text into a new file; its path into @path (64 bytes). */
static const char *config(const char *text, char *path)
{
	int fd;

	snprintf(path, 64, "/tmp/snic-export-XXXXXX.yaml");
	fd = mkstemps(path, 5);
	cr_assert(fd >= 0, "mkstemps: %s", strerror(errno));
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* ---- checking the output ---- */

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Line @i of @s (no newline) into @buf; false past the end. */
static bool line_at(const char *s, size_t i, char *buf, size_t size)
{
	for (; i && *s; s++)
		i -= *s == '\n';
	if (!*s)
		return false;
	snprintf(buf, size, "%.*s", (int)strcspn(s, "\n"), s);
	return true;
}

static void expect_header(const char *out, const char *path, const char *profile)
{
	const struct snic_profile *p = snic_profile_find(profile);
	char want[512], got[512];

	cr_assert(p, "no profile %s", profile);
	snprintf(want, sizeof(want), "# snic export: %s as %s (%s)", path, p->name, p->desc);
	cr_assert(line_at(out, 0, got, sizeof(got)), "no output");
	cr_expect_str_eq(got, want);
}

/* Success, and the lines after the header are @want, in order. */
static void expect_lines(const struct run *r, const char *path, const char *profile,
			 const char *const *want)
{
	char got[8192];
	size_t n = 0;

	cr_assert_eq(r->status, 0, "exit %d, stderr: %s", r->status, r->err);
	cr_expect_str_empty(r->err);
	expect_header(r->out, path, profile);
	for (; want[n]; n++) {
		cr_assert(line_at(r->out, n + 1, got, sizeof(got)), "line %zu missing, want: %s",
			  n + 1, want[n]);
		cr_expect_str_eq(got, want[n], "line %zu", n + 1);
	}
	cr_expect_eq(count_lines(r->out), n + 1, "%zu lines, want %zu:\n%s", count_lines(r->out),
		     n + 1, r->out);
}

/* Refused: exit 2, no stdout, one stderr line naming @profile and @what. */
static void expect_refused(const struct run *r, const char *profile, const char *what)
{
	cr_expect_eq(r->status, 2, "'%s': exit %d, stderr: %s", what, r->status, r->err);
	cr_expect_str_empty(r->out, "'%s': stdout: %s", what, r->out);
	cr_expect_eq(count_lines(r->err), 1, "'%s': not one line: %s", what, r->err);
	cr_expect(strstr(r->err, profile), "profile %s not named in: %s", profile, r->err);
	cr_expect(strstr(r->err, what), "'%s' not named in: %s", what, r->err);
}

static void refused(const char *yaml, const char *format, const char *profile, const char *what)
{
	char path[64];
	struct run *r;

	config(yaml, path);
	r = RUN("export", "-c", path, "--dev", DEV, "--format", format);
	expect_refused(r, profile, what);
	unlink(path);
}

/* ---- the words of ethtool and ip ---- */

static const char *tool_path(const char *name, char *buf, size_t size)
{
	static const char *const dirs[] = {"/usr/sbin", "/sbin", "/usr/bin", "/bin"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, size, "%s/%s", dirs[i], name);
		if (!access(buf, X_OK))
			return buf;
	}
	return NULL;
}

/* Run one line (words split on blanks, '' an empty word): the tool must
 * complain about the interface, not about the words. */
static void check_words(char *line)
{
	char *argv[600], tool[64], out[4096], err[4096];
	int n = 0;

	for (char *w = strtok(line, " "); w && n < 599; w = strtok(NULL, " "))
		argv[n++] = strcmp(w, "''") ? w : "";
	argv[n] = NULL;
	if (!n || !tool_path(argv[0], tool, sizeof(tool)))
		return;
	argv[0] = tool;
	spawn(argv, out, sizeof(out), err, sizeof(err));
	cr_expect(strstr(err, "No such device") || strstr(err, "Cannot find device") ||
			  strstr(err, "does not exist"),
		  "%s: words refused: %s", tool, err);
}

/* Every ethtool and ip line of @out, but those whose words need an ethtool
 * newer than 6.1 (after a "# xfrm" comment). */
static void check_tools(const char *out)
{
	char line[8192], prev[8192] = "";

	for (size_t i = 0; line_at(out, i, line, sizeof(line)); i++) {
		bool tool = !strncmp(line, "ethtool ", 8) || !strncmp(line, "ip ", 3);

		if (tool && strncmp(prev, "# xfrm", 6))
			check_words(line);
		line_at(out, i, prev, sizeof(prev));
	}
}

/* Export @yaml for ip and ethtool: its lines are @want. */
static void exported(const char *yaml, const char *profile, const char *const *want)
{
	char path[64];
	struct run *r;

	config(yaml, path);
	r = RUN("export", "-c", path, "--dev", DEV, "--vf-dev", VFDEV);
	expect_lines(r, path, profile, want);
	check_tools(r->out);
	unlink(path);
}

/* ---- one config per profile ---- */

static const char yaml_ixgbe[] =
	"profile: ixgbe-82599\n"
	"pf: {mac: 02:00:00:00:00:01, mtu: 1500, link: up}\n"
	"numvfs: 2\n"
	"vfs:\n"
	"  vf0: {mac: 02:00:00:00:00:10, vlan: 100, qos: 3, max_tx_rate: 1000, query_rss: on}\n"
	"  vf1: {mac: 02:00:00:00:00:11, spoofchk: off, trust: on, state: disable}\n"
	"rss:\n"
	"  hkey: " KEY_3D "\n"
	"  rx-flow-hash: {udp4: sdfn}\n"
	"  equal: 4\n"
	"flows:\n"
	"  - flow-type tcp4 dst-port 22 action 0\n"
	"  - flow-type udp4 dst-port 53 action 1\n"
	"  - flow-type tcp4 dst-port 80 vf 0 queue 1\n"
	"  - flow-type sctp4 dst-port 9 action -1\n";

Test(export, ixgbe_82599)
{
	const char *const want[] = {
		"ip link set " DEV " address 02:00:00:00:00:01 mtu 1500 up",
		"echo 0 > /sys/class/net/" DEV "/device/sriov_numvfs",
		"echo 2 > /sys/class/net/" DEV "/device/sriov_numvfs",
		"ip link set " DEV
		" vf 0 mac 02:00:00:00:00:10 vlan 100 qos 3 spoofchk on trust off "
		"max_tx_rate 1000 query_rss on",
		"ip link set " DEV
		" vf 1 mac 02:00:00:00:00:11 spoofchk off trust on state disable",
		"# RSS of pf: 128-entry RETA, shared by every pool",
		"ethtool -X " DEV " hkey " KEY_3D " hfunc toeplitz equal 4",
		"ethtool -N " DEV " rx-flow-hash udp4 sdfn",
		"ethtool -N " DEV " flow-type tcp4 dst-port 22 action 0 loc 0",
		"ethtool -N " DEV " flow-type udp4 dst-port 53 action 1 loc 1",
		"ethtool -N " DEV " flow-type tcp4 dst-port 80 vf 0 queue 1 loc 2",
		"ethtool -N " DEV " flow-type sctp4 dst-port 9 action -1 loc 3",
		NULL,
	};

	exported(yaml_ixgbe, "ixgbe-82599", want);
}

Test(export, ixgbe_82599_refused)
{
	refused("profile: ixgbe-82599\nrss: {hfunc: sym-xor}\n", "ethtool", "ixgbe-82599",
		"sym-xor");
	refused("profile: ixgbe-82599\nrss: {inner: on}\n", "ethtool", "ixgbe-82599", "inner");
	refused("profile: ixgbe-82599\nnumvfs: 1\nvfs: {vf0: {min_tx_rate: 100}}\n", "ip",
		"ixgbe-82599", "min_tx_rate");
	refused("profile: ixgbe-82599\nflows: [flow-type tcp6 dst-port 80 action 1]\n", "ethtool",
		"ixgbe-82599", "tcp6");
	refused("profile: ixgbe-82599\nflows: [flow-type vxlan4 vni 42 action 1]\n", "ethtool",
		"ixgbe-82599", "vni");
	refused("profile: ixgbe-82599\n"
		"flows: [flow-type tcp4 dst-mac 02:00:00:00:00:10 action 1]\n",
		"ethtool", "ixgbe-82599", "dst-mac");
	refused("profile: ixgbe-82599\n"
		"flows: [flow-type tcp4 dst-port 22 action 0, "
		"flow-type udp4 src-ip 192.0.2.0/24 action -1]\n",
		"ethtool", "ixgbe-82599", "one mask");
	refused("profile: ixgbe-82599\nflows: [flow-type tcp4 dst-port 22 mark 5]\n", "ethtool",
		"ixgbe-82599", "mark");
}

/* A RETA list that is ethtool's weight spread is written as weights; one
 * that is neither form is refused at its first entry neither gives. */
Test(export, reta_forms)
{
	char yaml[4096], path[64];
	size_t off;
	struct run *r;

	off = (size_t)snprintf(yaml, sizeof(yaml), "profile: ixgbe-82599\nrss:\n  reta: [");
	for (int i = 0; i < 128; i++)
		off += (size_t)snprintf(yaml + off, sizeof(yaml) - off, "%s%d", i ? ", " : "",
					i < 96 ? 0 : 1);
	snprintf(yaml + off, sizeof(yaml) - off, "]\n");
	config(yaml, path);
	r = RUN("export", "-c", path, "--dev", DEV, "--format", "ethtool");
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(strstr(r->out, "hfunc toeplitz weight 3 1\n"), "%s", r->out);
	unlink(path);

	off = (size_t)snprintf(yaml, sizeof(yaml), "profile: ixgbe-82599\nrss:\n  reta: [");
	for (int i = 0; i < 128; i++)
		off += (size_t)snprintf(yaml + off, sizeof(yaml) - off, "%s%d", i ? ", " : "",
					i == 5 ? 0 : i % 4);
	snprintf(yaml + off, sizeof(yaml) - off, "]\n");
	refused(yaml, "ethtool", "ixgbe-82599", "RETA entry 5 names queue 0 where equal 4 gives 1");
}

static const char yaml_x550[] =
	"profile: ixgbe-x550\n"
	"numvfs: 2\n"
	"vfs: {vf0: {mac: 02:00:00:00:00:10}, vf1: {mac: 02:00:00:00:00:11}}\n"
	"rss: {weight: [1, 1, 2]}\n"
	"flows:\n"
	"  - flow-type udp4 src-ip 192.0.2.0/24 action 2\n";

Test(export, ixgbe_x550)
{
	const char *const want[] = {
		"echo 0 > /sys/class/net/" DEV "/device/sriov_numvfs",
		"echo 2 > /sys/class/net/" DEV "/device/sriov_numvfs",
		"ip link set " DEV " vf 0 mac 02:00:00:00:00:10 spoofchk on trust off",
		"ip link set " DEV " vf 1 mac 02:00:00:00:00:11 spoofchk on trust off",
		"# RSS of pf: 64-entry RETA",
		"ethtool -X " DEV " hkey " KEY_MS " hfunc toeplitz weight 1 1 2",
		"# RSS of vf0: as ixgbe sets up its pool",
		"# RSS of vf1: as ixgbe sets up its pool",
		"ethtool -N " DEV " flow-type udp4 src-ip 192.0.2.0 m 0.0.0.255 action 2 loc 0",
		NULL,
	};

	exported(yaml_x550, "ixgbe-x550", want);
}

Test(export, ixgbe_x550_refused)
{
	refused("profile: ixgbe-x550\nnumvfs: 1\nrss: {vports: {vf0: {equal: 2}}}\n", "ethtool",
		"ixgbe-x550", "vf0 RSS");
	refused("profile: ixgbe-x550\nnumvfs: 1\nvfs: {vf0: {query_rss: on}}\n", "ip", "ixgbe-x550",
		"query_rss");
	refused("profile: ixgbe-x550\nnumvfs: 1\n", "dpdk", "ixgbe-x550",
		"port config all rss takes one type");
}

static const char yaml_ice[] = "profile: ice-e810\n"
			       "numvfs: 1\n"
			       "vfs: {vf0: {mac: 02:00:00:00:00:10, min_tx_rate: 100, "
			       "max_tx_rate: 1000}}\n"
			       "rss:\n"
			       "  hfunc: sym-xor\n"
			       "  equal: 16\n"
			       "  vports:\n"
			       "    vf0: {rx-flow-hash: {udp4: sd}, equal: 8}\n"
			       "flows:\n"
			       "  - flow-type tcp6 dst-ip 2001:db8::1 dst-port 443 action 3\n"
			       "  - flow-type sctp4 src-port 5000 action -1\n";

Test(export, ice_e810)
{
	const char *const want[] = {
		"echo 0 > /sys/class/net/" DEV "/device/sriov_numvfs",
		"echo 1 > /sys/class/net/" DEV "/device/sriov_numvfs",
		"ip link set " DEV " vf 0 mac 02:00:00:00:00:10 spoofchk on trust off max_tx_rate "
		"1000 min_tx_rate 100",
		"# RSS of pf: 2048-entry RETA",
		"# xfrm symmetric-xor needs ethtool and Linux 6.8 or later (Debian 12 has 6.1)",
		"ethtool -X " DEV " hkey " KEY_MS52 " hfunc toeplitz xfrm symmetric-xor equal 16",
		"# run where vf0's interface " VFDEV "0 is (its guest)",
		"# RSS of vf0: 64-entry RETA",
		"ethtool -X " VFDEV "0 hkey " KEY_MS52 " hfunc toeplitz equal 8",
		"ethtool -N " VFDEV "0 rx-flow-hash udp4 sd",
		"ethtool -N " DEV " flow-type tcp6 dst-ip 2001:db8::1 dst-port 443 action 3 loc 0",
		"ethtool -N " DEV " flow-type sctp4 src-port 5000 action -1 loc 1",
		NULL,
	};

	exported(yaml_ice, "ice-e810", want);
}

Test(export, ice_e810_dpdk)
{
	char path[64], line[512];
	struct run *r;

	config(yaml_ice, path);
	r = RUN("export", "-c", path, "--format", "dpdk");
	cr_assert_eq(r->status, 0, "%s", r->err);
	cr_expect(line_at(r->out, 3, line, sizeof(line)));
	cr_expect_str_eq(line,
			 "port config 0 rss-hash-key ipv4 " HEX_MS "6d5a56da255b0ec24167253d");
	cr_expect(line_at(r->out, 4, line, sizeof(line)));
	cr_expect(starts(line, "flow create 0 ingress pattern end actions rss func "
			       "symmetric_toeplitz types ipv4-tcp ipv4-udp ipv4-sctp ipv4 ipv6-tcp "
			       "ipv6-udp ipv6-sctp ipv6 end key " HEX_MS),
		  "%s", line);
	cr_expect(line_at(r->out, 5, line, sizeof(line)));
	cr_expect_str_eq(line, "port config 0 rss reta (0,0),(1,1),(2,2),(3,3),(4,4),(5,5),(6,6),"
			       "(7,7)");
	/* 2048 PF entries and 64 VF entries, 8 a command */
	cr_expect(strstr(r->out, "port config 0 rss reta (2040,8),(2041,9)"), "%s", r->out);
	cr_expect(strstr(r->out, "port config 1 rss reta (56,0),(57,1)"));
	cr_expect(strstr(r->out, "\nflow create 0 ingress pattern eth / ipv6 dst is 2001:db8::1 / "
				 "tcp dst is 443 / end actions queue index 3 / end\n"));
	cr_expect(strstr(r->out, "\nflow create 0 ingress pattern eth / ipv4 / sctp src is 5000 / "
				 "end actions drop / end\n"));
	unlink(path);
}

Test(export, ice_e810_refused)
{
	refused("profile: ice-e810\nnumvfs: 1\nrss: {vports: {vf0: {teid: on}}}\n", "ethtool",
		"ice-e810", "teid");
	refused("profile: ice-e810\nrss: {inner: on}\n", "ethtool", "ice-e810", "inner");
	refused("profile: ice-e810\nrss: {rx-flow-hash: {ip4: none}}\n", "ethtool", "ice-e810",
		"rx-flow-hash ip4");
	refused("profile: ice-e810\nnumvfs: 1\nflows: [flow-type tcp4 dst-port 80 vf 0 queue 1]\n",
		"ethtool", "ice-e810", "VF's queue");
	refused("profile: ice-e810\nflows: [flow-type tcp4 src-ip 10.0.0.0/8 action 1]\n",
		"ethtool", "ice-e810", "whole fields");
	refused("profile: ice-e810\nflows: [flow-type ether proto 0x88cc action 1]\n", "ethtool",
		"ice-e810", "not ether");
	refused("profile: ice-e810\nrss: {hfunc: sym-or-xor}\n", "ethtool", "ice-e810",
		"sym-or-xor");
}

static const char yaml_mlx5[] =
	"profile: mlx5\n"
	"numvfs: 1\n"
	"vfs:\n"
	"  vf0: {mac: 02:00:00:00:00:10, vlan: 7, qos: 2, proto: 802.1Q, trust: on,\n"
	"        spoofchk: off, state: enable, max_tx_rate: 1000, min_tx_rate: 100}\n"
	"rss:\n"
	"  hfunc: sym-or-xor\n"
	"  rx-flow-hash: {udp4: sd, tcp6: sd}\n"
	"  weight: [1, 2, 1]\n"
	"contexts:\n"
	"  - {name: web, hfunc: toeplitz, start: 4, equal: 4}\n"
	"flows:\n"
	"  - flow-type tcp4 dst-port 80 context web\n"
	"  - flow-type tcp4 src-ip 10.0.0.0/8 dst-port 8000 m 0x00ff action 2 prio 2\n"
	"  - flow-type ether dst 01:80:c2:00:00:00 m 00:00:00:00:00:0f action -1\n"
	"  - flow-type ip6 dst-ip 2001:db8::/32 action 1\n"
	"  - flow-type udp4 vlan 100 action 3\n";

Test(export, mlx5)
{
	const char *const want[] = {
		"echo 0 > /sys/class/net/" DEV "/device/sriov_numvfs",
		"echo 1 > /sys/class/net/" DEV "/device/sriov_numvfs",
		"ip link set " DEV
		" vf 0 mac 02:00:00:00:00:10 vlan 7 qos 2 spoofchk off trust on state "
		"enable max_tx_rate 1000 min_tx_rate 100",
		"# RSS of pf: 256-entry RETA",
		"# xfrm symmetric-or-xor needs ethtool and Linux 6.15 or later (Debian 12 has 6.1)",
		"ethtool -X " DEV " hkey " KEY_MS
		" hfunc toeplitz xfrm symmetric-or-xor weight 1 2 1",
		"ethtool -N " DEV " rx-flow-hash udp4 sd",
		"ethtool -N " DEV " rx-flow-hash tcp6 sd",
		"# context 1 (web): the driver numbers it 1",
		"ethtool -X " DEV " context new hkey " KEY_MS " hfunc toeplitz equal 4 start 4",
		"# run where vf0's interface " VFDEV "0 is (its guest)",
		"# RSS of vf0: 256-entry RETA",
		"ethtool -X " VFDEV "0 hkey " KEY_MS " hfunc toeplitz equal 8",
		"ethtool -N " DEV " flow-type tcp4 dst-port 80 context 1 loc 0",
		"ethtool -N " DEV " flow-type ether dst 01:80:c2:00:00:00 m 00:00:00:00:00:0f "
		"action -1 loc 1",
		"ethtool -N " DEV
		" flow-type ip6 dst-ip 2001:db8:: m ::ffff:ffff:ffff:ffff:ffff:ffff "
		"action 1 loc 2",
		"ethtool -N " DEV " flow-type udp4 vlan 100 m 0xf000 action 3 loc 3",
		"ethtool -N " DEV " flow-type tcp4 src-ip 10.0.0.0 m 0.255.255.255 dst-port 8000 "
		"m 0x00ff action 2 loc 4",
		NULL,
	};

	exported(yaml_mlx5, "mlx5", want);
}

static const char yaml_mlx5_dpdk[] =
	"profile: mlx5\n"
	"numvfs: 1\n"
	"rss: {equal: 4}\n"
	"contexts:\n"
	"  - {name: web, start: 4, equal: 4}\n"
	"flows:\n"
	"  - flow-type tcp4 dst-port 80 context web mark 80\n"
	"  - flow-type vxlan4 vni 42 vf 0 queue 3 prio 1\n"
	"  - flow-type ether dst 01:80:c2:00:00:00 m 00:00:00:00:00:0f action -1\n"
	"  - flow-type udp6 src-ip 2001:db8::/32 dst-port 53 m 0x000f action 1\n"
	"  - flow-type udp4 vlan 100 mark 7\n"
	"  - flow-type ether proto 0x88cc vlan 5 action 0\n";

/* @tmpl with "@RSS" replaced by @rss. */
static void expand(const char *tmpl, const char *rss, char *buf, size_t size)
{
	const char *at = strstr(tmpl, "@RSS");

	if (!at)
		snprintf(buf, size, "%s", tmpl);
	else
		snprintf(buf, size, "%.*s%s%s", (int)(at - tmpl), tmpl, rss, at + 4);
}

Test(export, mlx5_dpdk)
{
	static const char rss[] = "rss func toeplitz types ipv4-tcp ipv4-udp ipv4 ipv6-tcp "
				  "ipv6-udp ipv6 end key " HEX_MS " queues";
	const char *const want[] = {
		"# testpmd: port 2 is the PF, port 2+1+N is VF N",
		"# RSS of pf: port 2, 256-entry RETA",
		"port config 2 rss-hash-key ipv4 " HEX_MS,
		"flow create 2 ingress pattern end actions @RSS 0 1 2 3 end / end",
		"# RSS of vf0: port 3, 256-entry RETA",
		"port config 3 rss-hash-key ipv4 " HEX_MS,
		"flow create 3 ingress pattern end actions @RSS 0 1 2 3 4 5 6 7 end / end",
		"flow create 2 ingress pattern eth / ipv4 / tcp dst is 80 / end actions mark id 80 "
		"/ "
		"@RSS 4 5 6 7 end / end",
		"flow create 2 ingress pattern eth dst spec 01:80:c2:00:00:00 dst mask "
		"ff:ff:ff:ff:ff:f0 / end actions drop / end",
		"flow create 2 ingress pattern eth / ipv6 src spec 2001:db8:: src prefix 32 / udp "
		"dst spec 53 dst mask 0xfff0 / end actions queue index 1 / end",
		"flow create 2 ingress pattern eth / vlan tci spec 100 tci mask 0x0fff / ipv4 / "
		"udp "
		"/ end actions mark id 7 / rss / end",
		"flow create 2 ingress pattern eth / vlan tci spec 5 tci mask 0x0fff inner_type is "
		"0x88cc / end actions queue index 0 / end",
		"# flow rule 5: a VNI is VXLAN's or GENEVE's: one rule each",
		"flow create 3 priority 1 ingress pattern eth / ipv4 / udp / vxlan vni is 42 / end "
		"actions queue index 3 / end",
		"flow create 3 priority 1 ingress pattern eth / ipv4 / udp / geneve vni is 42 / "
		"end "
		"actions queue index 3 / end",
		NULL,
	};
	char path[64], line[1024], exp[1024];
	size_t n = 1;
	struct run *r;

	config(yaml_mlx5_dpdk, path);
	r = RUN("export", "-c", path, "--format", "dpdk", "--port", "2");
	cr_assert_eq(r->status, 0, "%s", r->err);
	expect_header(r->out, path, "mlx5");
	for (size_t i = 0; want[i]; i++) {
		/* the RETAs, 8 entries a command, come after each rss rule */
		while (line_at(r->out, n, line, sizeof(line)) && strstr(line, " rss reta ("))
			n++;
		expand(want[i], rss, exp, sizeof(exp));
		cr_assert(line_at(r->out, n++, line, sizeof(line)), "missing: %s", exp);
		cr_expect_str_eq(line, exp, "line %zu", n - 1);
	}
	cr_expect_eq(count_lines(r->out), n, "%s", r->out);
	unlink(path);
}

Test(export, mlx5_refused)
{
	refused("profile: mlx5\nflows: [flow-type tcp4 dst-port 80 mark 1]\n", "ethtool", "mlx5",
		"mark");
	refused("profile: mlx5\nflows: [flow-type sctp4 dst-port 80 action 1]\n", "ethtool", "mlx5",
		"not sctp4");
	refused("profile: mlx5\nflows: [flow-type udp4 vlan 100 m 0x0fff action 1]\n", "ethtool",
		"mlx5", "whole VID");
	refused("profile: mlx5\nrss: {hfunc: sym-or-xor}\n", "dpdk", "mlx5", "sym-or-xor");
	refused("profile: mlx5\n"
		"rss: {equal: 4}\n"
		"contexts: [{name: dns, weight: [1, 3]}]\n"
		"flows: [flow-type udp4 dst-port 53 context dns]\n",
		"dpdk", "mlx5", "context 1's RETA is not equal");
	refused("profile: mlx5\nrss: {equal: 4, rx-flow-hash: {tcp4: sdf}}\n", "dpdk", "mlx5",
		"rx-flow-hash tcp4 'sdf'");
	/* an rss rule over 256 queues is longer than testpmd reads */
	refused("profile: mlx5\n", "dpdk", "mlx5", "passes 510 bytes");
}

/* The PF's filters as the NIC holds them: groups in the order given, each
 * MAC and VLAN once, VLANs ascending; the address, MTU and link only when
 * the file gives them. */
Test(export, pf_filters_as_the_nic_holds_them)
{
	static const char yaml[] = "profile: virtio-net\n"
				   "pf: {rxmode: none, vlans: [300, 0, 100, 300],\n"
				   "     multicast: [01:00:5e:00:00:fb, 01:00:5e:00:00:01],\n"
				   "     macvlans: [02:00:00:00:00:0b, 02:00:00:00:00:0a, "
				   "02:00:00:00:00:0b]}\n";
	const char *const want[] = {
		"ip link set " DEV " multicast off",
		"ip maddr add 01:00:5e:00:00:fb dev " DEV,
		"ip maddr add 01:00:5e:00:00:01 dev " DEV,
		"bridge fdb add 02:00:00:00:00:0b dev " DEV " self permanent",
		"bridge fdb add 02:00:00:00:00:0a dev " DEV " self permanent",
		"ip link add link " DEV " name " DEV ".100 type vlan id 100",
		"ip link add link " DEV " name " DEV ".300 type vlan id 300",
		NULL,
	};
	char path[64];
	struct run *r;

	config(yaml, path);
	r = RUN("export", "-c", path, "--dev", DEV, "--format", "ip");
	expect_lines(r, path, "virtio-net", want);
	check_tools(r->out);
	unlink(path);
}

static const char yaml_igb[] = "profile: igb-82576\n"
			       "pf: {vlans: [10]}\n"
			       "numvfs: 2\n"
			       "vfs:\n"
			       "  vf0: {mac: 02:00:00:00:00:10, vlan: 10}\n"
			       "  vf1: {max_tx_rate: 100}\n"
			       "rss: {equal: 2, rx-flow-hash: {udp6: sdfn}}\n";

Test(export, igb_82576)
{
	const char *const want[] = {
		"ip link add link " DEV " name " DEV ".10 type vlan id 10",
		"echo 0 > /sys/class/net/" DEV "/device/sriov_numvfs",
		"echo 2 > /sys/class/net/" DEV "/device/sriov_numvfs",
		"ip link set " DEV " vf 0 mac 02:00:00:00:00:10 vlan 10 spoofchk on trust off",
		"ip link set " DEV " vf 1 spoofchk on trust off max_tx_rate 100",
		"# RSS of pf: 128-entry RETA, the PF's pool only: VF pools take their queue 0",
		"ethtool -X " DEV " hkey " KEY_MS " hfunc toeplitz equal 2",
		"ethtool -N " DEV " rx-flow-hash udp6 sdfn",
		NULL,
	};

	exported(yaml_igb, "igb-82576", want);
}

Test(export, igb_82576_refused)
{
	refused("profile: igb-82576\nflows: [flow-type ether proto 0x88f7 action 1]\n", "ethtool",
		"igb-82576", "igb takes no ethtool -N flow rules");
	refused("profile: igb-82576\nnumvfs: 1\nvfs: {vf0: {min_tx_rate: 10}}\n", "ip", "igb-82576",
		"min_tx_rate");
	refused("profile: igb-82576\nnumvfs: 1\nvfs: {vf0: {state: enable}}\n", "ip", "igb-82576",
		"vf0 state enable");
	refused("profile: igb-82576\nnumvfs: 1\nflows: [flow-type tcp4 dst-port 1 vf 0 queue 0]\n",
		"dpdk", "igb-82576", "VF PMD has no rte_flow");
}

static const char yaml_virtio[] = "profile: virtio-net\n"
				  "pf: {mtu: 9000, rxmode: allmulti}\n"
				  "rss: {equal: 8, rx-flow-hash: {udp4: sd}}\n";

Test(export, virtio_net)
{
	const char *const want[] = {
		"ip link set " DEV " mtu 9000 allmulticast on",
		"# RSS of pf: 128-entry RETA",
		"ethtool -X " DEV " hkey " KEY_MS " hfunc toeplitz equal 8",
		"ethtool -N " DEV " rx-flow-hash udp4 sd",
		NULL,
	};

	exported(yaml_virtio, "virtio-net", want);
}

Test(export, virtio_net_refused)
{
	refused("profile: virtio-net\nflows: [flow-type udp4 dst-port 4789 action 0]\n", "ethtool",
		"virtio-net", "virtio_net takes no ethtool -N flow rules");
	refused("profile: virtio-net\nrss: {rx-flow-hash: {ip4: none}}\n", "ethtool", "virtio-net",
		"rx-flow-hash ip4");
	refused("profile: virtio-net\n", "dpdk", "virtio-net", "port config all rss");
}

static const char yaml_ena[] = "profile: ena\n"
			       "rss: {hfunc: crc32, equal: 8, rx-flow-hash: {tcp4: msdfn}}\n";

Test(export, ena)
{
	const char *const want[] = {
		"# RSS of pf: 128-entry RETA",
		"ethtool -X " DEV " hkey " KEY_MS " hfunc crc32 equal 8",
		"ethtool -N " DEV " rx-flow-hash tcp4 msdfn",
		NULL,
	};

	exported(yaml_ena, "ena", want);
}

Test(export, ena_refused)
{
	refused("profile: ena\nflows: [flow-type tcp4 dst-port 1 action 0]\n", "ethtool", "ena",
		"ena takes no ethtool -N flow rules");
	refused(yaml_ena, "dpdk", "ena", "hfunc");
	refused("profile: ena\nrss: {rx-flow-hash: {ip4: msd}}\n", "ethtool", "ena",
		"rx-flow-hash ip4");
}

static const char yaml_generic[] =
	"profile: generic\n"
	"pf: {mac: 02:00:00:00:00:01, mtu: 9000, rxmode: promisc, link: up,\n"
	"     multicast: [01:00:5e:00:00:fb], macvlans: [02:00:00:00:00:02], vlans: [10]}\n"
	"numvfs: 2\n"
	"vfs:\n"
	"  vf0: {mac: 02:00:00:00:00:10, query_rss: on}\n"
	"  vf1:\n"
	"    guest: {mac: 02:00:00:00:00:21, vlans: [300]}\n"
	"rss:\n"
	"  hfunc: xor\n"
	"  rx-flow-hash: {tcp4: sd, udp6: sdfnv}\n"
	"  weight: [3, 1]\n"
	"  start: 2\n"
	"  vports:\n"
	"    vf1: {hfunc: sym-xor, equal: 2}\n"
	"contexts:\n"
	"  - {name: c1, vport: vf0, equal: 2}\n"
	"  - {name: c2, equal: 4, start: 4}\n"
	"flows:\n"
	"  - flow-type tcp4 dst-port 80 vf 1 queue 1\n"
	"  - flow-type udp4 dst-port 53 context c2\n"
	"  - flow-type ether proto 0x88cc action -1\n"
	"  - flow-type ip4 l4proto 47 action 2\n";

Test(export, generic)
{
	const char *const want[] = {
		"ip link set " DEV " address 02:00:00:00:00:01 mtu 9000 promisc on up",
		"ip maddr add 01:00:5e:00:00:fb dev " DEV,
		"bridge fdb add 02:00:00:00:00:02 dev " DEV " self permanent",
		"ip link add link " DEV " name " DEV ".10 type vlan id 10",
		"echo 0 > /sys/class/net/" DEV "/device/sriov_numvfs",
		"echo 2 > /sys/class/net/" DEV "/device/sriov_numvfs",
		"ip link set " DEV " vf 0 mac 02:00:00:00:00:10 spoofchk on trust off query_rss on",
		"ip link set " DEV " vf 1 spoofchk on trust off",
		"# vf1: set by its driver, in its guest: mac 02:00:00:00:00:21 VLAN filters 1",
		"# RSS of pf: 128-entry RETA",
		"ethtool -X " DEV " hkey " KEY_MS " hfunc xor weight 3 1 start 2",
		"ethtool -N " DEV " rx-flow-hash tcp4 sd",
		"ethtool -N " DEV " rx-flow-hash udp6 vsdfn",
		"# context 2 (c2): the driver numbers it 1",
		"ethtool -X " DEV " context new hkey " KEY_MS " hfunc xor equal 4 start 4",
		"# run where vf0's interface " VFDEV "0 is (its guest)",
		"# RSS of vf0: 128-entry RETA",
		"ethtool -X " VFDEV "0 hkey " KEY_MS " hfunc toeplitz equal 8",
		"# context 1 (c1): the driver numbers it 1",
		"ethtool -X " VFDEV "0 context new hkey " KEY_MS " hfunc toeplitz equal 2",
		"# run where vf1's interface " VFDEV "1 is (its guest)",
		"# RSS of vf1: 128-entry RETA",
		"# xfrm symmetric-xor needs ethtool and Linux 6.8 or later (Debian 12 has 6.1)",
		"ethtool -X " VFDEV "1 hkey " KEY_MS " hfunc toeplitz xfrm symmetric-xor equal 2",
		"ethtool -N " DEV " flow-type tcp4 dst-port 80 vf 1 queue 1 loc 0",
		"ethtool -N " DEV " flow-type udp4 dst-port 53 context 1 loc 1",
		"ethtool -N " DEV " flow-type ether proto 0x88cc action -1 loc 2",
		"ethtool -N " DEV " flow-type ip4 l4proto 47 action 2 loc 3",
		NULL,
	};

	exported(yaml_generic, "generic", want);
}

Test(export, generic_refused)
{
	char yaml[4096];
	size_t off;

	refused("profile: generic\nrss: {hfunc: sym-sort}\n", "ethtool", "generic", "sym-sort");
	refused("profile: generic\nplugin: {path: gtpu_teid.so}\n", "ip", "generic", "plugin");
	refused("profile: generic\nnumvfs: 1\nflows: [flow-type tcp4 dst-port 1 vf 0 action -1]\n",
		"ethtool", "generic", "vf N takes a queue");
	off = (size_t)snprintf(yaml, sizeof(yaml), "profile: generic\nrss:\n  reta: [");
	for (int i = 0; i < 128; i++)
		off += (size_t)snprintf(yaml + off, sizeof(yaml) - off, "%s%d", i ? ", " : "",
					i < 120 ? i % 8 : 0);
	snprintf(yaml + off, sizeof(yaml) - off, "]\n");
	refused(yaml, "ethtool", "generic", "RETA entry 121 names queue 0 where equal 8 gives 1");
}

/* ---- across profiles ---- */

/* -p reads the file as another profile's NIC: what it lacks is refused. */
Test(export, other_profile)
{
	char path[64];
	struct run *r;

	config("profile: ice-e810\nrss: {hfunc: sym-xor}\n", path);
	r = RUN("export", "-c", path, "--dev", DEV, "-p", "ixgbe-82599");
	expect_refused(r, "ixgbe-82599", "sym-xor");
	unlink(path);
}

/* Every profile has its drivers' facts: a config of each exports. */
Test(export, every_profile)
{
	const struct snic_profile *const *all;
	char yaml[128], path[64];
	size_t n;

	all = snic_profiles(&n);
	for (size_t i = 0; i < n; i++) {
		struct run *r;

		snprintf(yaml, sizeof(yaml), "profile: %s\n", all[i]->name);
		config(yaml, path);
		r = RUN("export", "-c", path, "--dev", DEV, "--format", "ip,ethtool");
		cr_expect_eq(r->status, 0, "%s: %s", all[i]->name, r->err);
		unlink(path);
	}
}

Test(export, json)
{
	char path[64], line[512];
	struct run *r;

	config(yaml_ena, path);
	r = RUN("-j", "export", "-c", path, "--dev", DEV);
	cr_assert_eq(r->status, 0, "%s", r->err);
	cr_expect(line_at(r->out, 1, line, sizeof(line)));
	cr_expect_str_eq(line, "{\"comment\":\"RSS of pf: 128-entry RETA\"}");
	cr_expect(line_at(r->out, 2, line, sizeof(line)));
	cr_expect_str_eq(line, "{\"command\":\"ethtool -X " DEV " hkey " KEY_MS
			       " hfunc crc32 equal 8\"}");
	cr_expect_eq(count_lines(r->out), 4);
	unlink(path);
}

Test(export, command_line)
{
	char path[64];

	config(yaml_ena, path);
	expect_refused(RUN("export", "-c", path), "export", "--dev");
	expect_refused(RUN("export", "-c", path, "--dev", DEV, "--format", "bogus"), "export",
		       "bogus");
	expect_refused(RUN("export", "-c", path, "--dev", "eth0;reboot"), "export", "bad --dev");
	expect_refused(RUN("export", "--dev", DEV), "export", "-c FILE");
	expect_refused(RUN("export", "-c", "/nonexistent/nic.yaml", "--dev", DEV), "export",
		       "/nonexistent/nic.yaml");
	unlink(path);
}

/* The example of the docs exports as the man page shows. */
Test(export, example_2vm)
{
	const char *data = getenv("SNIC_TESTDATA");
	char path[512];
	struct run *r;

	cr_assert(data, "SNIC_TESTDATA is not set");
	snprintf(path, sizeof(path), "%s/../../examples/ixgbe-2vm.yaml", data);
	if (access(path, R_OK))
		cr_skip_test("no %s", path);
	r = RUN("export", "-c", path, "--dev", "eth0");
	cr_assert_eq(r->status, 0, "%s", r->err);
	cr_expect(strstr(r->out, "\necho 2 > /sys/class/net/eth0/device/sriov_numvfs\n"));
	cr_expect(strstr(r->out, "\nethtool -X eth0 hkey " KEY_MS " hfunc toeplitz equal 4\n"));
}
