/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic lab's guest: a QEMU microvm (TCG) holding one VF of snicd over
 * vhost-user. Its kernel is Debian's cloud kernel, fetched once with
 * `apt-get download` and unpacked with `dpkg-deb -x` into
 * /var/cache/snic/kernel (nothing is installed). Its initramfs is written
 * here, in the newc cpio format: busybox, the virtio modules, iperf3 with
 * its libraries, and an /init that takes its addresses from the kernel
 * command line, pings the peer, starts an iperf3 server and reports on
 * the serial console, which QEMU logs to DIR/vm.console.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lab.h"

#define KERNEL_PKG     "linux-image-cloud-amd64"
#define KERNEL_DIR     LAB_CACHE_DIR "/kernel"
#define KERNEL_CUR     KERNEL_DIR "/current"
#define QEMU	       "qemu-system-x86_64"
#define QEMU_COMM      "qemu-system-x86"
#define BUSYBOX	       "busybox"
#define GUEST_READY    "snic-guest: ready"
#define GUEST_START_MS 120000
#define GUEST_MEM      "256M"
#define FILES_MAX      64

/* The modules virtio-net needs, in load order, and where the kernel
 * package keeps them (under lib/modules/VERSION/kernel/). */
static const struct {
	const char *name;
	const char *dir;
} guest_modules[] = {
	{"virtio_ring", "drivers/virtio"},
	{"virtio", "drivers/virtio"},
	{"virtio_pci_legacy_dev", "drivers/virtio"},
	{"virtio_pci_modern_dev", "drivers/virtio"},
	{"virtio_pci", "drivers/virtio"},
	{"virtio_mmio", "drivers/virtio"},
	{"failover", "net/core"},
	{"net_failover", "drivers/net"},
	{"virtio_net", "drivers/net"},
};

#define N_MODULES (sizeof(guest_modules) / sizeof(guest_modules[0]))

static const char guest_init[] =
	"#!/bin/busybox sh\n"
	"# snic lab's guest: eth0 is a VF of snicd over vhost-user.\n"
	"/bin/busybox --install -s /bin\n"
	"mount -t proc proc /proc\n"
	"mount -t sysfs sys /sys\n"
	"mount -t devtmpfs dev /dev\n"
	"for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \\\n"
	"\tvirtio_mmio failover net_failover virtio_net; do\n"
	"\tinsmod /lib/modules/$m.ko 2>/dev/null\n"
	"done\n"
	"for w in $(cat /proc/cmdline); do\n"
	"\tcase $w in\n"
	"\tsnic.ip4=*) ip4=${w#snic.ip4=} ;;\n"
	"\tsnic.ip6=*) ip6=${w#snic.ip6=} ;;\n"
	"\tsnic.peer=*) peer=${w#snic.peer=} ;;\n"
	"\tesac\n"
	"done\n"
	"ip link set lo up\n"
	"echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad 2>/dev/null\n"
	"ip link set eth0 up\n"
	"ip addr add $ip4 dev eth0\n"
	"ip -6 addr add $ip6 dev eth0\n"
	"echo \"snic-guest: eth0 $(cat /sys/class/net/eth0/address) $ip4 $ip6\"\n"
	"for i in 1 2 3 4 5 6 7 8 9 10; do\n"
	"\tping -c 1 -W 1 $peer >/dev/null 2>&1 && break\n"
	"done\n"
	"if ping -c 5 -i 0.2 -W 2 $peer >/tmp/ping 2>&1; then r=ok; else r=failed; fi\n"
	"sed 's/^/snic-guest: /' /tmp/ping | tail -2\n"
	"echo \"snic-guest: ping $peer: $r\"\n"
	"[ -x /bin/iperf3 ] && iperf3 -s -D -B ${ip4%/*}\n"
	"echo \"" GUEST_READY "\"\n"
	"while :; do setsid cttyhack sh; sleep 1; done\n";

/* ---- files ---- */

static int file_read(const char *path, char **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !(*buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return -ENOMEM;
	}
	for (*len = 0; *len < (size_t)st.st_size; *len += (size_t)n) {
		n = read(fd, *buf + *len, (size_t)st.st_size - *len);
		if (n <= 0)
			break;
	}
	close(fd);
	return 0;
}

static int file_copy(const char *from, const char *to)
{
	char *buf;
	size_t len;
	FILE *f;
	int rc = file_read(from, &buf, &len);

	if (rc)
		return rc;
	f = fopen(to, "w");
	rc = f && fwrite(buf, 1, len, f) == len ? 0 : -EIO;
	if (f && fclose(f))
		rc = -EIO;
	free(buf);
	return rc;
}

static int mkdirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0755) && errno != EEXIST ? -errno : 0;
}

/* ---- the kernel, cached ---- */

static bool kernel_cached(void)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/vmlinuz", KERNEL_CUR);
	if (access(path, R_OK))
		return false;
	for (size_t i = 0; i < N_MODULES; i++) {
		snprintf(path, sizeof(path), "%s/%s.ko", KERNEL_CUR, guest_modules[i].name);
		if (access(path, R_OK))
			return false;
	}
	return true;
}

/* The package the meta-package points at: "linux-image-6.1.0-NN-cloud-amd64". */
static int kernel_pkg(struct lab *l, char *pkg, size_t size)
{
	struct lab_cmd c = {.argv = (const char *const[]){"apt-cache", "depends", KERNEL_PKG, NULL},
			    .cpu = -1,
			    .timeout_ms = 60000,
			    .keep_out = true};
	char *dep;
	int rc = lab_exec(&c);

	dep = c.out ? strstr(c.out, "Depends: linux-image-") : NULL;
	if (rc || !dep) {
		free(c.out);
		return lab_fail(l,
				"--vm: no guest kernel in %s, and apt knows no %s (%s): "
				"run apt-get update, or put vmlinuz and the virtio modules there",
				KERNEL_CUR, KERNEL_PKG, rc ? c.err : "no linux-image dependency");
	}
	dep += strlen("Depends: ");
	snprintf(pkg, size, "%.*s", (int)strcspn(dep, " \n<"), dep);
	free(c.out);
	return 0;
}

/* The one directory under @dir (lib/modules/VERSION). */
static int only_subdir(const char *dir, char *out, size_t size)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int rc = -ENOENT;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			rc = lab_pathf(out, size, "%s/%s", dir, e->d_name);
		}
	closedir(d);
	return rc;
}

/* vmlinuz-* of @boot. */
static int find_vmlinuz(const char *boot, char *out, size_t size)
{
	struct dirent *e;
	DIR *d = opendir(boot);
	int rc = -ENOENT;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vmlinuz-", 8)) {
			rc = lab_pathf(out, size, "%s/%s", boot, e->d_name);
		}
	closedir(d);
	return rc;
}

/* Keep the kernel and the modules of the unpacked package @root. */
static int kernel_keep(struct lab *l, const char *root)
{
	char from[PATH_MAX], to[PATH_MAX], mods[PATH_MAX], kver[PATH_MAX];

	if (lab_pathf(from, sizeof(from), "%s/boot", root) ||
	    lab_pathf(mods, sizeof(mods), "%s/lib/modules", root) ||
	    find_vmlinuz(from, kver, sizeof(kver)) || mkdirs(KERNEL_CUR))
		return lab_fail(l, "--vm: no vmlinuz in %s", from);
	snprintf(to, sizeof(to), "%s/vmlinuz", KERNEL_CUR);
	if (file_copy(kver, to) || only_subdir(mods, kver, sizeof(kver)))
		return lab_fail(l, "--vm: can't copy the kernel to %s", to);
	for (size_t i = 0; i < N_MODULES; i++) {
		lab_pathf(from, sizeof(from), "%s/kernel/%s/%s.ko", kver, guest_modules[i].dir,
			  guest_modules[i].name);
		lab_pathf(to, sizeof(to), "%s/%s.ko", KERNEL_CUR, guest_modules[i].name);
		if (file_copy(from, to))
			return lab_fail(l, "--vm: module %s: %s is missing", guest_modules[i].name,
					from);
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void rm_tree(const char *path)
{
	if (access(path, F_OK) == 0)
		nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The .deb of @pkg that apt-get download left in @dir. */
static int find_deb(const char *dir, const char *pkg, char *out, size_t size)
{
	size_t plen = strlen(pkg), len;
	struct dirent *e;
	DIR *d = opendir(dir);
	int rc = -ENOENT;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		len = strlen(e->d_name);
		if (!strncmp(e->d_name, pkg, plen) && e->d_name[plen] == '_' && len > 4 &&
		    !strcmp(e->d_name + len - 4, ".deb")) {
			rc = lab_pathf(out, size, "%s/%s", dir, e->d_name);
		}
	}
	closedir(d);
	return rc;
}

static int kernel_fetch(struct lab *l)
{
	struct lab_cmd dl = {.argv = NULL, .cwd = KERNEL_DIR, .cpu = -1, .timeout_ms = 600000};
	char pkg[128], deb[PATH_MAX], root[PATH_MAX];
	int rc;

	if (kernel_pkg(l, pkg, sizeof(pkg)) || mkdirs(KERNEL_DIR))
		return -1;
	lab_say(l, "snic lab: fetching %s into %s", pkg, KERNEL_DIR);
	dl.argv = (const char *const[]){
		"apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", pkg, NULL};
	if (lab_exec(&dl) || find_deb(KERNEL_DIR, pkg, deb, sizeof(deb)))
		return lab_fail(l, "--vm: can't download %s (offline?): %s", pkg, dl.err);
	snprintf(root, sizeof(root), "%s/unpack", KERNEL_DIR);
	rm_tree(root);
	rc = LAB_RUN(l, NULL, "dpkg-deb", "-x", deb, root);
	if (!rc)
		rc = kernel_keep(l, root);
	rm_tree(root);
	unlink(deb);
	return rc;
}

int lab_vm_prepare(struct lab *l)
{
	if (!lab_have(QEMU))
		return lab_fail(l, "--vm: %s is not installed (apt-get install qemu-system-x86)",
				QEMU);
	if (!lab_have(BUSYBOX))
		return lab_fail(l, "--vm: busybox is not installed (apt-get install "
				   "busybox-static)");
	if (kernel_cached())
		return 0;
	if (!lab_have("apt-get") || !lab_have("dpkg-deb"))
		return lab_fail(l,
				"--vm: no guest kernel in %s and no apt-get/dpkg-deb to fetch "
				"%s",
				KERNEL_CUR, KERNEL_PKG);
	return kernel_fetch(l);
}

/* ---- the initramfs, newc cpio ---- */

struct cpio {
	FILE *f;
	unsigned ino;
	unsigned ndirs; /* directories written so far */
	char dirs[FILES_MAX][PATH_MAX];
};

static void cpio_pad(struct cpio *c, size_t len)
{
	static const char zero[4];

	fwrite(zero, 1, (4 - len % 4) % 4, c->f);
}

static void cpio_entry(struct cpio *c, const char *name, unsigned mode, const char *data,
		       size_t size, unsigned rdev)
{
	size_t nlen = strlen(name) + 1;

	fprintf(c->f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", ++c->ino,
		mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u, size, 0u, 0u, major(rdev), minor(rdev),
		nlen, 0u);
	fwrite(name, 1, nlen, c->f);
	cpio_pad(c, 110 + nlen);
	if (size)
		fwrite(data, 1, size, c->f);
	cpio_pad(c, size);
}

/* Directory @dir, once. */
static void cpio_dir(struct cpio *c, const char *dir)
{
	for (unsigned i = 0; i < c->ndirs; i++)
		if (!strcmp(c->dirs[i], dir))
			return;
	if (c->ndirs < FILES_MAX)
		snprintf(c->dirs[c->ndirs++], PATH_MAX, "%s", dir);
	cpio_entry(c, dir, S_IFDIR | 0755, NULL, 0, 0);
}

/* Every directory above @path ("lib/x86_64-linux-gnu/libc.so.6"). */
static void cpio_parents(struct cpio *c, const char *path)
{
	char dir[PATH_MAX];

	for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/')) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(p - path), path);
		cpio_dir(c, dir);
	}
}

/* One file of this machine at @name in the archive. */
static int cpio_file(struct cpio *c, const char *name, const char *from, unsigned mode)
{
	char *buf;
	size_t len;
	int rc = file_read(from, &buf, &len);

	if (rc)
		return rc;
	cpio_entry(c, name, S_IFREG | mode, buf, len, 0);
	free(buf);
	return 0;
}

/* What goes into the archive from this machine: archive name, source. */
struct files {
	unsigned n;
	char name[FILES_MAX][PATH_MAX];
	char from[FILES_MAX][PATH_MAX];
	unsigned mode[FILES_MAX];
};

static void files_add(struct files *fl, const char *name, const char *from, unsigned mode)
{
	for (unsigned i = 0; i < fl->n; i++)
		if (!strcmp(fl->name[i], name))
			return;
	if (fl->n == FILES_MAX)
		return;
	snprintf(fl->name[fl->n], PATH_MAX, "%s", name[0] == '/' ? name + 1 : name);
	snprintf(fl->from[fl->n], PATH_MAX, "%s", from);
	fl->mode[fl->n++] = mode;
}

/* The path of @prog in PATH. */
static int which(const char *prog, char *out, size_t size)
{
	const char *env = getenv("PATH"), *p, *end;

	for (p = env ? env : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(out, size, "%.*s/%s", (int)(end - p), p, prog);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* The shared libraries ldd lists for @bin, at their own paths. */
static void files_libs(struct files *fl, const char *bin)
{
	struct lab_cmd c = {.argv = (const char *const[]){"ldd", bin, NULL},
			    .cpu = -1,
			    .timeout_ms = 10000,
			    .keep_out = true};
	char *line, *save = NULL, *lib;

	lab_exec(&c);
	for (line = c.out ? strtok_r(c.out, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		lib = strstr(line, "=> ");
		lib = lib ? lib + 3 : line + strspn(line, " \t");
		if (lib[0] != '/')
			continue;
		lib[strcspn(lib, " (")] = '\0';
		files_add(fl, lib, lib, 0755);
	}
	free(c.out);
}

/* A program of this machine as /bin/NAME, with its libraries. */
static int files_prog(struct files *fl, const char *prog)
{
	char path[PATH_MAX], name[64];

	if (which(prog, path, sizeof(path)))
		return -ENOENT;
	snprintf(name, sizeof(name), "bin/%s", prog);
	files_add(fl, name, path, 0755);
	files_libs(fl, path);
	return 0;
}

static void files_modules(struct files *fl)
{
	char name[PATH_MAX], from[PATH_MAX];

	for (size_t i = 0; i < N_MODULES; i++) {
		snprintf(name, sizeof(name), "lib/modules/%s.ko", guest_modules[i].name);
		snprintf(from, sizeof(from), "%s/%s.ko", KERNEL_CUR, guest_modules[i].name);
		files_add(fl, name, from, 0644);
	}
}

static int cpio_write(struct cpio *c, const struct files *fl)
{
	static const char *const dirs[] = {"bin", "dev", "proc", "sys", "tmp", "lib"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cpio_dir(c, dirs[i]);
	cpio_entry(c, "dev/console", S_IFCHR | 0600, NULL, 0, makedev(5, 1));
	cpio_entry(c, "init", S_IFREG | 0755, guest_init, sizeof(guest_init) - 1, 0);
	for (unsigned i = 0; i < fl->n; i++) {
		cpio_parents(c, fl->name[i]);
		if (cpio_file(c, fl->name[i], fl->from[i], fl->mode[i]))
			return -ENOENT;
	}
	cpio_entry(c, "TRAILER!!!", 0, NULL, 0, 0);
	return 0;
}

static int initramfs_build(struct lab *l, const char *path)
{
	struct files *fl = calloc(1, sizeof(*fl));
	struct cpio *c = calloc(1, sizeof(*c));
	int rc = -ENOMEM;

	if (!fl || !c) {
		free(fl);
		free(c);
		return lab_fail(l, "out of memory");
	}
	if (files_prog(fl, BUSYBOX)) {
		free(fl);
		free(c);
		return lab_fail(l, "--vm: no busybox in PATH");
	}
	files_modules(fl);
	if (files_prog(fl, "iperf3"))
		lab_say(l, "snic lab: no iperf3 here: the guest will have none");
	c->f = fopen(path, "w");
	if (c->f) {
		rc = cpio_write(c, fl);
		if (fclose(c->f))
			rc = -EIO;
	}
	free(fl);
	free(c);
	return rc ? lab_fail(l, "--vm: can't write the initramfs %s", path) : 0;
}

/* ---- QEMU ---- */

/* The TSC's kHz, which the guest must be told (microvm has no PIT to
 * calibrate it on); 0 when unknown. */
static unsigned long tsc_khz(void)
{
	char line[256];
	double mhz = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
			break;
	fclose(f);
	return (unsigned long)(mhz * 1000 + 0.5);
}

static void guest_cmdline(struct lab *l, char *buf, size_t size)
{
	struct lab_ends e;
	unsigned long khz = tsc_khz();
	char tsc[48] = "";

	lab_ends(l, LAB_PATH_VM, 0, &e);
	if (khz)
		snprintf(tsc, sizeof(tsc), " tsc_early_khz=%lu", khz);
	snprintf(buf, size,
		 "console=ttyS0 quiet panic=-1%s snic.ip4=%s/26 snic.ip6=%s/64 snic.peer=%s", tsc,
		 e.far4, e.far6, e.peer4);
}

/* QEMU's options that are always the same; qemu_spawn adds the rest. */
static const char *const qemu_fixed[][2] = {
	{"-M", "microvm,memory-backend=mem"},
	{"-object", "memory-backend-memfd,id=mem,size=" GUEST_MEM ",share=on"},
	{"-m", GUEST_MEM},
	{"-cpu", "max"},
	{"-smp", "1"},
	{"-kernel", KERNEL_CUR "/vmlinuz"},
	{"-display", "none"},
	{"-serial", "chardev:con"},
	{"-netdev", "vhost-user,id=vf,chardev=vf"},
};

#define QEMU_ARGV_MAX 40

struct qemu_argv {
	const char *v[QEMU_ARGV_MAX];
	unsigned n;
};

static void qemu_arg(struct qemu_argv *a, const char *opt, const char *val)
{
	if (a->n + 3 > QEMU_ARGV_MAX)
		return;
	a->v[a->n++] = opt;
	a->v[a->n++] = val;
	a->v[a->n] = NULL;
}

static pid_t qemu_spawn(struct lab *l, unsigned vf, const char *initrd)
{
	char append[512], vfsock[PATH_MAX], con[PATH_MAX], consock[PATH_MAX], log[PATH_MAX];
	char chr_con[2 * PATH_MAX + 64], chr_net[PATH_MAX + 32], dev[96], mac[24], sfx[32];
	struct qemu_argv a = {.v = {QEMU, "-no-reboot", "-nodefaults"}, .n = 3};

	for (size_t i = 0; i < sizeof(qemu_fixed) / sizeof(qemu_fixed[0]); i++)
		qemu_arg(&a, qemu_fixed[i][0], qemu_fixed[i][1]);
	guest_cmdline(l, append, sizeof(append));
	snprintf(sfx, sizeof(sfx), "vf%u.sock", vf);
	lab_file(l, sfx, vfsock, sizeof(vfsock));
	lab_file(l, "vm.console", con, sizeof(con));
	lab_file(l, "vm.console.sock", consock, sizeof(consock));
	lab_file(l, "qemu.log", log, sizeof(log));
	snprintf(chr_con, sizeof(chr_con), "socket,id=con,path=%s,server=on,wait=off,logfile=%s",
		 consock, con);
	snprintf(chr_net, sizeof(chr_net), "socket,id=vf,path=%s", vfsock);
	lab_vf_mac(vf, mac, sizeof(mac));
	snprintf(dev, sizeof(dev), "virtio-net-device,netdev=vf,mac=%s", mac);
	qemu_arg(&a, "-initrd", initrd);
	qemu_arg(&a, "-append", append);
	qemu_arg(&a, "-chardev", chr_con);
	qemu_arg(&a, "-chardev", chr_net);
	qemu_arg(&a, "-device", dev);
	return lab_spawn(a.v, NULL, l->cpu_traffic, log);
}

/* The guest's own report lines, as progress. */
static void guest_report(struct lab *l, const char *con)
{
	char line[512];
	FILE *f = fopen(con, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "snic-guest: ", 12))
			lab_say(l, "  %.*s", (int)strcspn(line, "\r\n"), line);
	fclose(f);
}

int lab_vm_start(struct lab *l, unsigned vf)
{
	char initrd[PATH_MAX], con[PATH_MAX], log[PATH_MAX], pid[48];
	pid_t p;

	lab_file(l, "vm.initrd", initrd, sizeof(initrd));
	lab_file(l, "vm.console", con, sizeof(con));
	lab_file(l, "qemu.log", log, sizeof(log));
	if (initramfs_build(l, initrd))
		return -1;
	lab_say(l, "snic lab: starting the guest on vf%u (QEMU, TCG)", vf);
	p = qemu_spawn(l, vf, initrd);
	snprintf(pid, sizeof(pid), "%s %d", QEMU_COMM, (int)p);
	if (p < 0 || lab_record(l, "pid", pid))
		return lab_fail(l, "can't start %s", QEMU);
	if (lab_wait_log(con, GUEST_READY, p, GUEST_START_MS)) {
		guest_report(l, con);
		return 0;
	}
	lab_fail(l, "the guest did not come up (pid %d); the ends of %s and %s:", (int)p, log, con);
	lab_tail(log, 5, "  ");
	lab_tail(con, 10, "  ");
	return -1;
}
