/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic lab up and down: namespaces, veths, the bridge, snicd and its
 * config, the iperf3 servers at the far ends. Each thing is recorded in the
 * state file before it is made; `down` undoes the record backwards, then
 * removes whatever of the prefix's names is still there.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "snic/profile.h"

#define LAB_PROFILE	   "ixgbe-82599"
#define LAB_PF_MAC	   "02:5e:00:00:00:01"
#define SNICD_READY	   "snicd: ready"
#define SNICD_START_MS	   30000
#define STOP_MS		   5000
#define PING_TRIES	   10
#define NETNS_DIR	   "/run/netns"
#define SYS_NET_DIR	   "/sys/class/net"
#define SOLICITED_ALLNODES "33:33:00:00:00:01"

const char *const lab_path_names[LAB_PATH_COUNT] = {
	[LAB_PATH_SRIOV] = "sriov",
	[LAB_PATH_BRIDGE] = "bridge",
	[LAB_PATH_DIRECT] = "direct",
	[LAB_PATH_VM] = "vm",
};

/* ---- where each path's ends are ---- */

bool lab_path_up(const struct lab *l, enum lab_path path)
{
	return path != LAB_PATH_VM || l->vm;
}

static void ends_fill(struct lab_ends *e, enum lab_net net, unsigned far)
{
	lab_addr4(net, LAB_HOST_PEER, e->peer4, sizeof(e->peer4));
	lab_addr6(net, LAB_HOST_PEER, e->peer6, sizeof(e->peer6));
	lab_addr4(net, far, e->far4, sizeof(e->far4));
	lab_addr6(net, far, e->far6, sizeof(e->far6));
}

void lab_ends(const struct lab *l, enum lab_path path, unsigned vf, struct lab_ends *e)
{
	char vm[16];

	memset(e, 0, sizeof(*e));
	lab_name(l, "peer", e->peer_ns, sizeof(e->peer_ns));
	switch (path) {
	case LAB_PATH_SRIOV:
		snprintf(vm, sizeof(vm), "vm%u", vf);
		lab_name(l, vm, e->far_ns, sizeof(e->far_ns));
		ends_fill(e, LAB_NET_SRIOV, LAB_HOST_FAR + vf);
		break;
	case LAB_PATH_BRIDGE:
		lab_name(l, "swvm", e->far_ns, sizeof(e->far_ns));
		ends_fill(e, LAB_NET_BRIDGE, LAB_HOST_FAR);
		break;
	case LAB_PATH_DIRECT:
		lab_name(l, "direct", e->far_ns, sizeof(e->far_ns));
		ends_fill(e, LAB_NET_DIRECT, LAB_HOST_FAR);
		break;
	default:
		ends_fill(e, LAB_NET_SRIOV, LAB_HOST_FAR + l->vfs);
		break;
	}
}

/* ---- making things, recorded first ---- */

static int netns_add(struct lab *l, const char *ns)
{
	if (lab_record(l, "netns", ns) || LAB_RUN(l, NULL, "ip", "netns", "add", ns))
		return -1;
	return LAB_RUN(l, NULL, "ip", "-n", ns, "link", "set", "lo", "up");
}

/* A veth: @a in namespace @ans (NULL: this one) and @b in @bns. A link
 * left in this namespace is recorded; one in a namespace goes with it.
 * One queue each way: XDP on a veth wants as many rx queues as its peer
 * has tx queues. */
static int veth_add(struct lab *l, const char *ans, const char *a, const char *bns, const char *b)
{
	if (!ans && lab_record(l, "link", a))
		return -1;
	return LAB_RUN(l, ans, "ip", "link", "add", a, "numtxqueues", "1", "numrxqueues", "1",
		       "type", "veth", "peer", "name", b, "netns", bns, "numtxqueues", "1",
		       "numrxqueues", "1");
}

/* A link that carries no address of its own: no IPv6 link-local either,
 * so that the kernel sends nothing on it. */
static int link_bare_up(struct lab *l, const char *ns, const char *dev)
{
	return LAB_RUN(l, ns, "ip", "link", "set", dev, "addrgenmode", "none", "up");
}

/* An end with addresses: host @host of @net, IPv4 /26 and IPv6 /64. */
static int link_addr_up(struct lab *l, const char *ns, const char *dev, enum lab_net net,
			unsigned host)
{
	char a4[LAB_ADDR_MAX + 4], a6[LAB_ADDR_MAX + 4];

	lab_addr4(net, host, a4, sizeof(a4));
	strcat(a4, "/26");
	lab_addr6(net, host, a6, sizeof(a6));
	strcat(a6, "/64");
	if (LAB_RUN(l, NULL, "ip", "-n", ns, "addr", "add", a4, "dev", dev) ||
	    LAB_RUN(l, NULL, "ip", "-n", ns, "addr", "add", a6, "dev", dev, "nodad"))
		return -1;
	return LAB_RUN(l, NULL, "ip", "-n", ns, "link", "set", dev, "up");
}

/* The peer and snicd's uplink: P-up here, eth0 in P-peer. */
static int make_peer(struct lab *l)
{
	char peer[LAB_NAME_MAX], up[LAB_NAME_MAX];

	lab_name(l, "peer", peer, sizeof(peer));
	lab_name(l, "up", up, sizeof(up));
	if (netns_add(l, peer) || veth_add(l, NULL, up, peer, "eth0") || link_bare_up(l, NULL, up))
		return -1;
	return link_addr_up(l, peer, "eth0", LAB_NET_SRIOV, LAB_HOST_PEER);
}

/* VF @vf: P-vfN here (snicd's port), eth0 in P-vmN with the VF's MAC. */
static int make_vf(struct lab *l, unsigned vf)
{
	char ns[LAB_NAME_MAX], link[LAB_NAME_MAX], sfx[16], mac[24];

	snprintf(sfx, sizeof(sfx), "vm%u", vf);
	lab_name(l, sfx, ns, sizeof(ns));
	snprintf(sfx, sizeof(sfx), "vf%u", vf);
	lab_name(l, sfx, link, sizeof(link));
	lab_vf_mac(vf, mac, sizeof(mac));
	if (netns_add(l, ns) || veth_add(l, NULL, link, ns, "eth0") ||
	    link_bare_up(l, NULL, link) ||
	    LAB_RUN(l, NULL, "ip", "-n", ns, "link", "set", "eth0", "address", mac))
		return -1;
	return link_addr_up(l, ns, "eth0", LAB_NET_SRIOV, LAB_HOST_FAR + vf);
}

/* The software switch: br0 in P-sw, a port to P-peer's eth1 and one to
 * P-swvm's eth0. */
static int make_bridge(struct lab *l)
{
	char sw[LAB_NAME_MAX], vm[LAB_NAME_MAX], peer[LAB_NAME_MAX];

	lab_name(l, "sw", sw, sizeof(sw));
	lab_name(l, "swvm", vm, sizeof(vm));
	lab_name(l, "peer", peer, sizeof(peer));
	if (netns_add(l, sw) || netns_add(l, vm) ||
	    LAB_RUN(l, NULL, "ip", "-n", sw, "link", "add", "br0", "type", "bridge") ||
	    veth_add(l, sw, "peer", peer, "eth1") || veth_add(l, sw, "vm", vm, "eth0"))
		return -1;
	if (LAB_RUN(l, NULL, "ip", "-n", sw, "link", "set", "peer", "master", "br0") ||
	    LAB_RUN(l, NULL, "ip", "-n", sw, "link", "set", "vm", "master", "br0") ||
	    link_bare_up(l, sw, "br0") || link_bare_up(l, sw, "peer") || link_bare_up(l, sw, "vm"))
		return -1;
	if (link_addr_up(l, peer, "eth1", LAB_NET_BRIDGE, LAB_HOST_PEER))
		return -1;
	return link_addr_up(l, vm, "eth0", LAB_NET_BRIDGE, LAB_HOST_FAR);
}

/* No virtualisation: P-peer's eth2 and P-direct's eth0, one veth. */
static int make_direct(struct lab *l)
{
	char direct[LAB_NAME_MAX], peer[LAB_NAME_MAX];

	lab_name(l, "direct", direct, sizeof(direct));
	lab_name(l, "peer", peer, sizeof(peer));
	if (netns_add(l, direct) || veth_add(l, peer, "eth2", direct, "eth0"))
		return -1;
	if (link_addr_up(l, peer, "eth2", LAB_NET_DIRECT, LAB_HOST_PEER))
		return -1;
	return link_addr_up(l, direct, "eth0", LAB_NET_DIRECT, LAB_HOST_FAR);
}

/* ---- snicd ---- */

/* The VF's queue count on the lab's profile with @pools pools in use. */
static unsigned vf_queues(unsigned pools)
{
	const struct snic_profile *p = snic_profile_find(LAB_PROFILE);

	return p ? snic_profile_pool_queues(p, pools) : 0;
}

static void config_vf(FILE *f, unsigned vf)
{
	char mac[24];

	lab_vf_mac(vf, mac, sizeof(mac));
	fprintf(f, "  vf%u:\n    mac: %s\n    assigned: true\n", vf, mac);
	/* What the VF's driver joins for IPv6: all-nodes, and the
	 * solicited-node group of its addresses (both end in the host). */
	fprintf(f, "    guest:\n      multicast: [%s, 33:33:ff:00:00:%02u]\n", SOLICITED_ALLNODES,
		LAB_HOST_FAR + vf);
}

static void config_ports(struct lab *l, FILE *f)
{
	char link[LAB_NAME_MAX], ns[LAB_NAME_MAX], sfx[16], sock[PATH_MAX];
	unsigned vf, dev = 1;

	lab_name(l, "up", link, sizeof(link));
	fprintf(f, "ports:\n  uplink: {devargs: \"net_af_xdp0,iface=%s\"}\n", link);
	for (vf = 0; vf < l->vfs; vf++) {
		snprintf(sfx, sizeof(sfx), "vf%u", vf);
		lab_name(l, sfx, link, sizeof(link));
		snprintf(sfx, sizeof(sfx), "vm%u", vf);
		lab_name(l, sfx, ns, sizeof(ns));
		fprintf(f, "  vf%u: {devargs: \"net_af_xdp%u,iface=%s\", netns: %s}\n", vf, dev++,
			link, ns);
	}
	if (l->vm) {
		snprintf(sfx, sizeof(sfx), "vf%u.sock", vf);
		lab_file(l, sfx, sock, sizeof(sock));
		fprintf(f, "  vf%u: {devargs: \"net_vhost0,iface=%s\"}\n", vf, sock);
	}
}

static int config_write(struct lab *l, const char *path)
{
	unsigned nvfs = l->vfs + (l->vm ? 1 : 0);
	FILE *f = fopen(path, "w");

	if (!f) {
		cli_fail(l->cli, "%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "# snic lab %s: the NIC snicd runs (snic lab up writes it)\n", l->prefix);
	fprintf(f, "profile: %s\npf:\n  mac: %s\nnumvfs: %u\nvfs:\n", LAB_PROFILE, LAB_PF_MAC,
		nvfs);
	for (unsigned vf = 0; vf < nvfs; vf++)
		config_vf(f, vf);
	fprintf(f, "rss:\n  equal: %u\n", l->queues);
	config_ports(l, f);
	if (fclose(f)) {
		cli_fail(l->cli, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* --snicd, $SNICD, snicd beside this snic in the build tree, or PATH's. */
static const char *snicd_find(struct lab *l, char *buf, size_t size)
{
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (l->snicd)
		return l->snicd;
	if (getenv("SNICD") && *getenv("SNICD"))
		return getenv("SNICD");
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if (!lab_pathf(buf, size, "%s/../daemon/snicd", self) &&
			    access(buf, X_OK) == 0)
				return buf;
		}
	}
	return "snicd";
}

static int snicd_start(struct lab *l)
{
	char conf[PATH_MAX], log[PATH_MAX], lcores[32], prefix[32], pid[16];
	const char *snicd = l->snicd, *mem = l->vfs > 8 ? "1024" : "512";
	pid_t p;

	lab_file(l, "snicd.yaml", conf, sizeof(conf));
	lab_file(l, "snicd.log", log, sizeof(log));
	if (config_write(l, conf))
		return -1;
	snprintf(lcores, sizeof(lcores), "0@%d,1@%d", l->cpu_nic, l->cpu_nic);
	lab_name(l, "lab", prefix, sizeof(prefix));
	p = lab_spawn((const char *const[]){snicd, "-c", conf, "--socket", l->sock, "--lcores",
					    lcores, "--", "--no-huge", "-m", mem, "--no-pci",
					    "--no-shconf", "--file-prefix", prefix, NULL},
		      NULL, -1, log);
	snprintf(pid, sizeof(pid), "%d", (int)p);
	if (p < 0 || lab_record(l, "pid snicd", pid))
		return lab_fail(l, "can't start %s", snicd);
	if (lab_wait_log(log, SNICD_READY, p, SNICD_START_MS))
		return 0;
	cli_fail(l->cli, "snicd did not start (pid %d); the end of %s:", (int)p, log);
	lab_tail(log, 8, "  ");
	return -1;
}

/* ---- iperf3 servers at the far ends ---- */

static int iperf_server(struct lab *l, const char *ns, const char *addr)
{
	char log[PATH_MAX], name[LAB_NAME_MAX + 16], pid[16];
	pid_t p;

	snprintf(name, sizeof(name), "iperf3-%s.log", ns);
	lab_file(l, name, log, sizeof(log));
	p = lab_spawn((const char *const[]){"iperf3", "-s", "-B", addr, NULL}, ns, l->cpu_traffic,
		      log);
	snprintf(pid, sizeof(pid), "%d", (int)p);
	if (p < 0 || lab_record(l, "pid iperf3", pid))
		return lab_fail(l, "%s: can't start iperf3", ns);
	return 0;
}

static int iperf_servers(struct lab *l)
{
	struct lab_ends e;

	for (unsigned vf = 0; vf < l->vfs; vf++) {
		lab_ends(l, LAB_PATH_SRIOV, vf, &e);
		if (iperf_server(l, e.far_ns, e.far4))
			return -1;
	}
	for (unsigned p = LAB_PATH_BRIDGE; p <= LAB_PATH_DIRECT; p++) {
		lab_ends(l, (enum lab_path)p, 0, &e);
		if (iperf_server(l, e.far_ns, e.far4))
			return -1;
	}
	return 0;
}

/* ---- up ---- */

/* The peer reaches @far (ARP resolved, the path forwards). */
static int reach(struct lab *l, const char *what, const struct lab_ends *e)
{
	for (int i = 0; i < PING_TRIES; i++)
		if (!LAB_TRY(e->peer_ns, "ping", "-c", "1", "-W", "1", "-q", e->far4))
			return 0;
	cli_fail(l->cli, "%s: %s can't reach %s", what, e->peer_ns, e->far4);
	return -1;
}

static int reach_all(struct lab *l)
{
	struct lab_ends e;
	char what[16];

	for (unsigned vf = 0; vf < l->vfs; vf++) {
		lab_ends(l, LAB_PATH_SRIOV, vf, &e);
		snprintf(what, sizeof(what), "vf%u", vf);
		if (reach(l, what, &e))
			return -1;
	}
	for (unsigned p = LAB_PATH_BRIDGE; p < LAB_PATH_COUNT; p++) {
		if (!lab_path_up(l, (enum lab_path)p))
			continue;
		lab_ends(l, (enum lab_path)p, 0, &e);
		if (reach(l, lab_path_names[p], &e))
			return -1;
	}
	return 0;
}

static int tools_check(struct lab *l, char *snicd, size_t size)
{
	static const char *const tools[] = {"ip", "ping", "iperf3", "taskset"};

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (!lab_have(tools[i]))
			return lab_fail(l, "'%s' is not installed (scripts/deps installs it)",
					tools[i]);
	l->snicd = snicd_find(l, snicd, size);
	if (!lab_have(l->snicd))
		return lab_fail(l, "no snicd at '%s' (build it, or give --snicd or $SNICD)",
				l->snicd);
	return 0;
}

static int queues_check(struct lab *l)
{
	unsigned pools = l->vfs + (l->vm ? 1 : 0) + 1, max = vf_queues(pools);

	if (!max)
		return lab_fail(l, "%s can't hold %u pools", LAB_PROFILE, pools);
	if (!l->queues)
		l->queues = max;
	if (l->queues <= max)
		return 0;
	cli_err(l->cli, "--queues %u: a VF of %s with %u VFs has %u queues", l->queues, LAB_PROFILE,
		pools - 1, max);
	return -1;
}

static int state_begin(struct lab *l)
{
	char v[64];

	if (mkdir("/run/snic", 0755) && errno != EEXIST)
		return lab_fail(l, "/run/snic: %s", strerror(errno));
	if (mkdir(LAB_RUN_DIR, 0755) && errno != EEXIST)
		return lab_fail(l, "%s: %s", LAB_RUN_DIR, strerror(errno));
	if (mkdir(l->dir, 0755))
		return lab_fail(l, "%s: %s", l->dir, strerror(errno));
	snprintf(v, sizeof(v), "%u", l->vfs);
	if (lab_record(l, "prefix", l->prefix) || lab_record(l, "vfs", v))
		return -1;
	snprintf(v, sizeof(v), "%u", l->queues);
	if (lab_record(l, "queues", v) || lab_record(l, "vm", l->vm ? "1" : "0"))
		return -1;
	snprintf(v, sizeof(v), "%d", l->cpu_nic);
	if (lab_record(l, "cpu_nic", v))
		return -1;
	snprintf(v, sizeof(v), "%d", l->cpu_traffic);
	return lab_record(l, "cpu_traffic", v);
}

static int make_all(struct lab *l)
{
	if (state_begin(l) || make_peer(l))
		return -1;
	for (unsigned vf = 0; vf < l->vfs; vf++)
		if (make_vf(l, vf))
			return -1;
	if (make_bridge(l) || make_direct(l))
		return -1;
	lab_say(l, "snic lab: namespaces and links made; starting %s", l->snicd);
	if (snicd_start(l) || iperf_servers(l))
		return -1;
	if (l->vm && lab_vm_start(l, l->vfs))
		return -1;
	return reach_all(l) ? -1 : lab_record(l, "up", "1");
}

static void up_report(struct lab *l)
{
	struct lab_ends e;

	lab_say(l, "snic lab: up: %u VF%s (RSS over %u queues)%s, snicd socket %s", l->vfs,
		l->vfs == 1 ? "" : "s", l->queues, l->vm ? " and a guest" : "", l->sock);
	for (unsigned p = 0; p < LAB_PATH_COUNT; p++) {
		if (!lab_path_up(l, (enum lab_path)p))
			continue;
		lab_ends(l, (enum lab_path)p, 0, &e);
		lab_say(l, "  %-6s %s %s <-> %s %s", lab_path_names[p], e.peer_ns, e.peer4,
			e.far_ns[0] ? e.far_ns : "guest", e.far4);
	}
	if (strcmp(l->prefix, LAB_PREFIX_DEFAULT))
		lab_say(l, "snic stats --socket %s; snic lab bench --prefix %s", l->sock,
			l->prefix);
}

int lab_up(struct lab *l)
{
	char snicd[PATH_MAX];

	if (queues_check(l))
		return -EINVAL;
	if (tools_check(l, snicd, sizeof(snicd)))
		return -1;
	if (l->vm && lab_vm_prepare(l))
		return -1;
	lab_down(l, false);
	if (make_all(l)) {
		cli_fail(l->cli, "up failed: removing what was made");
		lab_down(l, false);
		return -1;
	}
	up_report(l);
	return 0;
}

/* ---- down ---- */

#define RECORDS_MAX 512

struct record {
	char kind[16];
	char value[PATH_MAX];
};

static unsigned records_read(const struct lab *l, struct record *r, unsigned max)
{
	char path[PATH_MAX], line[PATH_MAX + 32];
	unsigned n = 0;
	FILE *f;

	lab_file(l, "state", path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%15s %4095[^\n]", r[n].kind, r[n].value) == 2)
			n++;
	}
	fclose(f);
	return n;
}

static bool exists_in(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void netns_del(const char *ns)
{
	if (exists_in(NETNS_DIR, ns))
		LAB_TRY(NULL, "ip", "netns", "del", ns);
}

static void link_del(const char *link)
{
	if (exists_in(SYS_NET_DIR, link))
		LAB_TRY(NULL, "ip", "link", "del", link);
}

/* What snicd said when it stopped: its final counters. */
static int snicd_report(struct lab *l)
{
	char log[PATH_MAX], line[1024];
	bool ok = false, seen = false;
	FILE *f;

	lab_file(l, "snicd.log", log, sizeof(log));
	f = fopen(log, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "rx wire", 7) || !strncmp(line, "tx vf", 5) ||
		    !strncmp(line, "conservation", 12)) {
			lab_say(l, "  snicd: %.*s", (int)strcspn(line, "\n"), line);
			seen = true;
		}
		if (!strncmp(line, "conservation ok", 15))
			ok = true;
	}
	fclose(f);
	if (seen && !ok)
		cli_fail(l->cli, "snicd's final counters fail their conservation checks (%s)", log);
	return seen && !ok ? -1 : 0;
}

static int undo(struct lab *l, const struct record *r, bool report)
{
	char comm[16];
	long pid;

	if (!strcmp(r->kind, "netns"))
		netns_del(r->value);
	else if (!strcmp(r->kind, "link"))
		link_del(r->value);
	if (strcmp(r->kind, "pid") || sscanf(r->value, "%15s %ld", comm, &pid) != 2)
		return 0;
	if (lab_stop_pid((pid_t)pid, comm, STOP_MS) || strcmp(comm, "snicd"))
		return 0;
	return report ? snicd_report(l) : 0;
}

/* The names a lab of this prefix may have left without a record. */
static void sweep(const struct lab *l)
{
	static const char *const nss[] = {"peer", "sw", "swvm", "direct"};
	char name[LAB_NAME_MAX], sfx[16];

	for (size_t i = 0; i < sizeof(nss) / sizeof(nss[0]); i++) {
		lab_name(l, nss[i], name, sizeof(name));
		netns_del(name);
	}
	lab_name(l, "up", name, sizeof(name));
	link_del(name);
	for (unsigned vf = 0; vf <= LAB_VFS_MAX; vf++) {
		snprintf(sfx, sizeof(sfx), "vm%u", vf);
		lab_name(l, sfx, name, sizeof(name));
		netns_del(name);
		snprintf(sfx, sizeof(sfx), "vf%u", vf);
		lab_name(l, sfx, name, sizeof(name));
		link_del(name);
	}
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int lab_down(struct lab *l, bool report)
{
	struct record *r = calloc(RECORDS_MAX, sizeof(*r));
	unsigned n = r ? records_read(l, r, RECORDS_MAX) : 0;
	bool was_up = n > 0;
	int rc = 0;

	while (n-- > 0)
		if (undo(l, &r[n], report))
			rc = -1;
	free(r);
	sweep(l);
	if (access(l->dir, F_OK) == 0 && nftw(l->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS)) {
		cli_fail(l->cli, "can't remove %s: %s", l->dir, strerror(errno));
		rc = -1;
	}
	if (report)
		lab_say(l, "snic lab: %s", was_up ? "down" : "nothing was up");
	return rc;
}
