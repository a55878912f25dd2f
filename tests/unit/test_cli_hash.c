/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `snic hash` driven as a user would: run the built binary ($SNIC_BIN) and
 * check its stdout, stderr and exit status. Expected hashes come from the
 * 82599 datasheet vectors ($SNIC_TESTDATA/toeplitz-82599.tsv) and, for
 * crafted captures, from libsnic itself.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snic/craft.h"
#include "snic/parse.h"
#include "snic/profile.h"
#include "snic/rss.h"

extern char **environ;

#define KEY_82599 "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa"

/* ---- running the binary ---- */

struct run {
	int status; /* exit status, or 128 + signal */
	char out[1 << 16];
	char err[1 << 12];
};

static void slurp(int fd, char *buf, size_t size)
{
	ssize_t n;
	size_t off = 0;

	lseek(fd, 0, SEEK_SET);
	while (off + 1 < size && (n = read(fd, buf + off, size - off - 1)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	close(fd);
}

static int tmp_fd(void)
{
	char path[] = "/tmp/snic-cli-out-XXXXXX";
	int fd = mkstemp(path);

	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(path);
	return fd;
}

/* Run $SNIC_BIN with @args (NULL-terminated), stdin from /dev/null. */
static void run_args(struct run *r, const char *const *args)
{
	const char *bin = getenv("SNIC_BIN");
	char *argv[64] = {(char *)bin};
	posix_spawn_file_actions_t fa;
	int fo = tmp_fd(), fe = tmp_fd(), st;
	pid_t pid;

	cr_assert(bin, "SNIC_BIN is not set");
	for (int i = 0; args[i]; i++)
		argv[i + 1] = (char *)args[i];
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fo, 1);
	posix_spawn_file_actions_adddup2(&fa, fe, 2);
	cr_assert_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0, "spawn %s", bin);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	slurp(fo, r->out, sizeof(r->out));
	slurp(fe, r->err, sizeof(r->err));
}

#define RUN(r, ...) run_args((r), (const char *const[]){__VA_ARGS__, NULL})

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void expect_ok(const struct run *r)
{
	cr_expect_eq(r->status, 0, "exit %d, stderr: %s", r->status, r->err);
	cr_expect_str_empty(r->err);
}

/* Exit 2, nothing on stdout, one line on stderr that names @bad. */
static void expect_bad(const struct run *r, const char *bad)
{
	cr_expect_eq(r->status, 2, "'%s': exit %d, stderr: %s", bad, r->status, r->err);
	cr_expect_str_empty(r->out, "'%s': stdout: %s", bad, r->out);
	cr_expect_eq(count_lines(r->err), 1, "'%s': not one line: %s", bad, r->err);
	cr_expect(strstr(r->err, bad), "'%s' not named in: %s", bad, r->err);
}

static void expect_hash(const struct run *r, uint32_t hash)
{
	char want[32];

	snprintf(want, sizeof(want), "hash 0x%08x ", hash);
	expect_ok(r);
	cr_expect(strstr(r->out, want), "want %s in: %s", want, r->out);
}

/* ---- the datasheet vectors ---- */

struct vector {
	char family[8];
	char src[64], dst[64];
	char sport[8], dport[8];
	uint32_t hash_l4, hash_l3;
};

static size_t load_vectors(struct vector *v, size_t cap)
{
	char path[512], line[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/toeplitz-82599.tsv", getenv("SNIC_TESTDATA"));
	f = fopen(path, "r");
	cr_assert(f, "open %s: %s", path, strerror(errno));
	while (n < cap && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%7s %63s %63s %7s %7s %x %x", v[n].family, v[n].src, v[n].dst,
			   v[n].sport, v[n].dport, &v[n].hash_l4, &v[n].hash_l3) == 7 &&
		    line[0] != '#')
			n++;
	}
	fclose(f);
	cr_assert_geq(n, 8, "only %zu vectors in %s", n, path);
	return n;
}

Test(cli_hash, datasheet_l4)
{
	struct vector v[16];
	size_t n = load_vectors(v, 16);
	struct run r;

	for (size_t i = 0; i < n; i++) {
		bool v4 = !strcmp(v[i].family, "ipv4");

		RUN(&r, "hash", "--profile", "ixgbe-82599", "--rx-flow-hash",
		    v4 ? "tcp4=sdfn" : "tcp6=sdfn", v[i].src, v[i].dst, v[i].sport, v[i].dport,
		    "--proto", "tcp");
		expect_hash(&r, v[i].hash_l4);
	}
}

Test(cli_hash, datasheet_l3)
{
	struct vector v[16];
	size_t n = load_vectors(v, 16);
	struct run r;

	for (size_t i = 0; i < n; i++) {
		RUN(&r, "hash", "--profile", "ixgbe-82599", "--rx-flow-hash", "ip4=sd,ip6=sd",
		    v[i].src, v[i].dst);
		expect_hash(&r, v[i].hash_l3);
	}
}

Test(cli_hash, issue_example_whole_line)
{
	struct run r;

	RUN(&r, "hash", "--profile", "ixgbe-82599", "--rx-flow-hash", "tcp4=sdfn", "66.9.149.187",
	    "161.142.100.80", "2794", "1766", "--proto", "tcp");
	expect_ok(&r);
	/* 82599: 128-entry RETA, low 7 bits; default RETA equal over 4 queues. */
	cr_expect_str_eq(r.out, "tcp4 66.9.149.187:2794 > 161.142.100.80:1766 "
				"hash 0x51ccc178 reta 120 queue 0\n");
}

Test(cli_hash, options_anywhere)
{
	struct run r;

	RUN(&r, "hash", "66.9.149.187", "--rx-flow-hash=tcp4=sdfn", "161.142.100.80", "2794",
	    "--profile=ixgbe-82599", "1766");
	expect_hash(&r, 0x51ccc178);
	RUN(&r, "hash", "--profile", "ixgbe-82599", "--key", KEY_82599, "--rx-flow-hash",
	    "tcp6=sdfn", "--", "3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", "2794", "1766");
	expect_hash(&r, 0x40207d3d);
	cr_expect(strstr(r.out, "tcp6 [3ffe:2501:200:1fff::7]:2794 > [3ffe:2501:200:3::1]:1766"),
		  "%s", r.out);
	/* ports that the fields leave out are not part of the tuple shown */
	RUN(&r, "hash", "--profile", "ixgbe-82599", "--rx-flow-hash", "udp4=sd", "--proto", "udp",
	    "66.9.149.187", "161.142.100.80", "2794", "1766");
	expect_ok(&r);
	cr_expect_str_eq(r.out,
			 "udp4 66.9.149.187 > 161.142.100.80 hash 0x323e8fc2 reta 66 queue 2\n");
}

Test(cli_hash, key_forms)
{
	static const char hex[] = KEY_82599;
	char colons[3 * 40];
	struct run r;

	for (int i = 0, off = 0; i < 40; i++)
		off += snprintf(colons + off, sizeof(colons) - (size_t)off, "%s%.2s", i ? ":" : "",
				&hex[2 * i]);
	RUN(&r, "hash", "--profile", "ixgbe-82599", "--key", colons, "--rx-flow-hash", "udp4=sdfn",
	    "--proto", "udp", "199.92.111.2", "65.69.140.83", "14230", "4739");
	expect_hash(&r, 0xc626b0ea);
	RUN(&r, "hash", "--key", "0x" KEY_82599, "--rx-flow-hash", "sctp4=sdfn", "--proto", "sctp",
	    "24.19.198.95", "12.22.207.184", "12898", "38024");
	expect_hash(&r, 0x5c2b394a);
}

/* ---- raw input ---- */

Test(cli_hash, raw_input)
{
	struct run r;

	/* 66.9.149.187 161.142.100.80 2794 1766 */
	RUN(&r, "hash", "--key", KEY_82599, "--input", "420995bba18e64500aea06e6");
	expect_hash(&r, 0x51ccc178);
	cr_expect(!strncmp(r.out, "hash 0x51ccc178 reta ", 21), "%s", r.out);
	RUN(&r, "hash", "--key", KEY_82599, "--input", "42:09:95:bb:a1:8e:64:50");
	expect_hash(&r, 0x323e8fc2);
	/* a key of any length that covers the input, whatever the profile */
	RUN(&r, "hash", "--key", "6d5a56da255b0ec2", "--input", "42:09:95:bb");
	expect_ok(&r);
	RUN(&r, "hash", "--key", "6d5a56da255b0ec2", "--input", "420995bba18e6450");
	expect_bad(&r, "8 bytes");
	RUN(&r, "hash", "--input", "42:09:9");
	expect_bad(&r, "42:09:9");
}

/* ---- captures ---- */

struct frame {
	uint8_t b[256];
	int len;
};

static void craft_ip(struct frame *f, int ver, const char *src, const char *dst, uint8_t proto,
		     uint16_t sport, uint16_t dport)
{
	struct snic_craft c = {0};
	int af = ver == 4 ? AF_INET : AF_INET6;

	c.outer.ip_ver = (uint8_t)ver;
	cr_assert_eq(inet_pton(af, src, c.outer.ip_src), 1);
	cr_assert_eq(inet_pton(af, dst, c.outer.ip_dst), 1);
	c.outer.l4_proto = proto;
	c.outer.sport = sport;
	c.outer.dport = dport;
	f->len = snic_craft_frame(&c, f->b, sizeof(f->b));
	cr_assert_gt(f->len, 0, "craft: %d", f->len);
}

static void craft_arp(struct frame *f)
{
	struct snic_craft c = {0};

	c.outer.ethertype = 0x0806;
	c.outer.payload_len = 28;
	memset(c.outer.dmac, 0xff, 6);
	f->len = snic_craft_frame(&c, f->b, sizeof(f->b));
	cr_assert_gt(f->len, 0, "craft arp: %d", f->len);
}

static void craft_vxlan(struct frame *f)
{
	struct snic_craft c = {0};

	c.outer.ip_ver = 4;
	memcpy(c.outer.ip_src, (uint8_t[]){192, 0, 2, 1}, 4);
	memcpy(c.outer.ip_dst, (uint8_t[]){192, 0, 2, 2}, 4);
	c.outer.l4_proto = 17;
	c.outer.sport = 49152;
	c.outer.dport = SNIC_PORT_VXLAN;
	c.tunnel = SNIC_TUN_VXLAN;
	c.tun_id = 42;
	c.inner.ip_ver = 4;
	memcpy(c.inner.ip_src, (uint8_t[]){10, 1, 0, 1}, 4);
	memcpy(c.inner.ip_dst, (uint8_t[]){10, 1, 0, 2}, 4);
	c.inner.l4_proto = 6;
	c.inner.sport = 1000;
	c.inner.dport = 80;
	f->len = snic_craft_frame(&c, f->b, sizeof(f->b));
	cr_assert_gt(f->len, 0, "craft vxlan: %d", f->len);
}

static void craft_gtpu(struct frame *f)
{
	struct snic_craft c = {0};

	c.outer.ip_ver = 4;
	memcpy(c.outer.ip_src, (uint8_t[]){192, 0, 2, 3}, 4);
	memcpy(c.outer.ip_dst, (uint8_t[]){192, 0, 2, 4}, 4);
	c.outer.l4_proto = 17;
	c.outer.sport = SNIC_PORT_GTPU;
	c.outer.dport = SNIC_PORT_GTPU;
	c.tunnel = SNIC_TUN_GTPU;
	c.tun_id = 0x1234;
	c.inner.ip_ver = 4;
	memcpy(c.inner.ip_src, (uint8_t[]){10, 2, 0, 1}, 4);
	memcpy(c.inner.ip_dst, (uint8_t[]){10, 2, 0, 2}, 4);
	c.inner.l4_proto = 17;
	c.inner.sport = 2000;
	c.inner.dport = 53;
	f->len = snic_craft_frame(&c, f->b, sizeof(f->b));
	cr_assert_gt(f->len, 0, "craft gtp-u: %d", f->len);
}

/* The datasheet's IPv4 and IPv6 flows as TCP frames, then an ARP frame,
 * a VXLAN one and a GTP-U one. Returns the count. */
static size_t test_frames(struct frame *f)
{
	struct vector v[16];
	size_t n = load_vectors(v, 16), i;

	for (i = 0; i < n; i++)
		craft_ip(&f[i], strcmp(v[i].family, "ipv4") ? 6 : 4, v[i].src, v[i].dst, 6,
			 (uint16_t)atoi(v[i].sport), (uint16_t)atoi(v[i].dport));
	craft_arp(&f[i++]);
	craft_vxlan(&f[i++]);
	craft_gtpu(&f[i++]);
	return i;
}

static void write_pcap(const char *path, const struct frame *f, size_t n)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pcap_dump_open(p, path);

	cr_assert(d, "pcap_dump_open %s: %s", path, pcap_geterr(p));
	for (size_t i = 0; i < n; i++) {
		struct pcap_pkthdr h = {.ts = {(time_t)i, 0},
					.caplen = (bpf_u_int32)f[i].len,
					.len = (bpf_u_int32)f[i].len};

		pcap_dump((u_char *)d, &h, f[i].b);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

static void put32(FILE *f, const uint32_t *w, size_t n)
{
	cr_assert_eq(fwrite(w, 4, n, f), n);
}

#define PUT32(f, ...)                                                                              \
	put32((f), (const uint32_t[]){__VA_ARGS__}, sizeof((const uint32_t[]){__VA_ARGS__}) / 4)

/* A minimal pcapng file: section header, one Ethernet interface, one
 * enhanced packet block per frame. */
static void write_pcapng(const char *path, const struct frame *fr, size_t n)
{
	FILE *f = fopen(path, "wb");
	static const uint8_t pad[4];

	cr_assert(f, "open %s", path);
	PUT32(f, 0x0a0d0d0a, 28, 0x1a2b3c4d, 1, 0xffffffff, 0xffffffff, 28);
	PUT32(f, 1, 20, 1, 0, 20);
	for (size_t i = 0; i < n; i++) {
		uint32_t len = (uint32_t)fr[i].len, padded = (len + 3) & ~3u;

		PUT32(f, 6, 32 + padded, 0, 0, (uint32_t)i, len, len);
		fwrite(fr[i].b, 1, len, f);
		fwrite(pad, 1, padded - len, f);
		PUT32(f, 32 + padded);
	}
	fclose(f);
}

static void tmp_path(char *path, size_t size, const char *suffix)
{
	int fd;

	snprintf(path, size, "/tmp/snic-cli-XXXXXX%s", suffix);
	fd = mkstemps(path, (int)strlen(suffix));
	cr_assert(fd >= 0, "mkstemps: %s", strerror(errno));
	close(fd);
}

/* What libsnic says frame @f gives under @profile's defaults over 4 queues,
 * with SNIC_RSS_* @flags. */
static void lib_expect(const char *profile, uint32_t flags, const struct frame *f, char *line,
		       size_t size)
{
	const struct snic_profile *p = snic_profile_find(profile);
	struct snic_rss_conf c;
	struct snic_rss *rss;
	struct snic_pkt pkt;
	uint32_t h;
	unsigned idx;

	cr_assert(p, "profile %s", profile);
	snic_profile_rss_default(p, 4, &c);
	c.flags = flags;
	cr_assert_eq(snic_rss_new(&c, &rss, NULL), 0);
	snic_parse(f->b, (uint32_t)f->len, &pkt);
	h = snic_rss_hash(rss, &pkt);
	idx = snic_reta_index(&c, h);
	snprintf(line, size, "hash 0x%08x reta %u queue %u\n", h, idx, c.reta[idx]);
	snic_rss_free(rss);
}

/* Line @i (from 0) of @s, or NULL. */
static const char *nth_line(const char *s, size_t i)
{
	for (; i && s; i--) {
		s = strchr(s, '\n');
		s = s ? s + 1 : NULL;
	}
	return s && *s ? s : NULL;
}

static void check_lines(const char *out, const struct frame *f, size_t n, const char *profile,
			uint32_t flags)
{
	char want[128], num[24];

	cr_expect_eq(count_lines(out), n, "%s", out);
	for (size_t i = 0; i < n; i++) {
		const char *line = nth_line(out, i), *end = line ? strchr(line, '\n') : NULL;

		cr_assert(line && end, "no line %zu in: %s", i + 1, out);
		snprintf(num, sizeof(num), "%zu ", i + 1);
		cr_expect(!strncmp(line, num, strlen(num)), "line %zu: %.*s", i + 1,
			  (int)(end - line), line);
		lib_expect(profile, flags, &f[i], want, sizeof(want));
		cr_expect(strstr(line, want) && strstr(line, want) < end,
			  "line %zu: want '%s' in '%.*s'", i + 1, want, (int)(end - line), line);
	}
}

Test(cli_hash, pcap_matches_libsnic)
{
	struct frame f[16];
	size_t n = test_frames(f);
	char path[64];
	struct run r;

	tmp_path(path, sizeof(path), ".pcap");
	write_pcap(path, f, n);
	RUN(&r, "hash", "--pcap", path);
	expect_ok(&r);
	check_lines(r.out, f, n, "generic", 0);
	cr_expect(strstr(r.out, "\n9 - hash "), "ARP frame: %s", r.out);
	cr_expect(strstr(r.out, "\n10 udp4 192.0.2.1:49152 > 192.0.2.2:4789 hash "), "%s", r.out);
	unlink(path);
}

Test(cli_hash, pcapng_matches_libsnic)
{
	struct frame f[16];
	size_t n = test_frames(f);
	char path[64];
	struct run r;

	tmp_path(path, sizeof(path), ".pcapng");
	write_pcapng(path, f, n);
	RUN(&r, "hash", "--pcap", path);
	expect_ok(&r);
	check_lines(r.out, f, n, "generic", 0);
	unlink(path);
}

Test(cli_hash, pcap_tunnels)
{
	struct frame f[16];
	size_t n = test_frames(f);
	char path[64];
	struct run r;

	tmp_path(path, sizeof(path), ".pcap");
	write_pcap(path, f, n);
	RUN(&r, "hash", "--profile", "ice-e810", "--inner", "--teid", "--pcap", path);
	expect_ok(&r);
	check_lines(r.out, f, n, "ice-e810", SNIC_RSS_INNER | SNIC_RSS_TEID);
	cr_expect(strstr(r.out, "\n10 tcp4 10.1.0.1:1000 > 10.1.0.2:80 hash "), "%s", r.out);
	cr_expect(strstr(r.out, "\n11 udp4 10.2.0.1:2000 > 10.2.0.2:53 teid 0x00001234 hash "),
		  "%s", r.out);
	unlink(path);
}

Test(cli_hash, pcap_datasheet)
{
	static const char first[] =
		"1 tcp4 66.9.149.187:2794 > 161.142.100.80:1766 hash 0x51ccc178 reta 120 queue 0\n";
	struct frame f[16];
	struct vector v[16];
	size_t n = test_frames(f);
	char path[64], want[64];
	struct run r;

	load_vectors(v, 16);
	tmp_path(path, sizeof(path), ".pcap");
	write_pcap(path, f, n);
	RUN(&r, "hash", "--profile", "ixgbe-82599", "--pcap", path, "--rx-flow-hash",
	    "tcp4=sdfn,tcp6=sdfn");
	expect_ok(&r);
	cr_expect(!strncmp(r.out, first, strlen(first)), "%s", r.out);
	for (size_t i = 0; i < 8; i++) {
		const char *line = nth_line(r.out, i), *found;

		cr_assert(line, "no line %zu in: %s", i + 1, r.out);
		snprintf(want, sizeof(want), "%zu tcp%c ", i + 1, v[i].family[3]);
		cr_expect(!strncmp(line, want, strlen(want)), "want '%s' in %s", want, r.out);
		snprintf(want, sizeof(want), "hash 0x%08x", v[i].hash_l4);
		found = strstr(line, want);
		cr_expect(found && found < strchr(line, '\n'), "line %zu: want %s in %s", i + 1,
			  want, r.out);
	}
	unlink(path);
}

Test(cli_hash, pcap_truncated)
{
	struct frame f[16];
	size_t n = test_frames(f);
	char path[64];
	struct run r;

	tmp_path(path, sizeof(path), ".pcap");
	write_pcap(path, f, 3);
	cr_assert_eq(truncate(path, 24 + 3 * 16 + f[0].len + f[1].len + f[2].len - 10), 0);
	RUN(&r, "hash", "--pcap", path);
	cr_expect_eq(r.status, 1, "exit %d", r.status);
	check_lines(r.out, f, 2, "generic", 0);
	cr_expect_eq(count_lines(r.err), 1, "%s", r.err);
	cr_expect(strstr(r.err, "frame 3"), "%s", r.err);
	cr_expect(strstr(r.err, path), "%s", r.err);
	(void)n;
	unlink(path);
}

Test(cli_hash, pcap_not_a_capture)
{
	char path[64];
	FILE *f;
	struct run r;

	tmp_path(path, sizeof(path), ".txt");
	f = fopen(path, "w");
	cr_assert(f);
	fputs("this is not a capture, just some text that is long enough\n", f);
	fclose(f);
	RUN(&r, "hash", "--pcap", path);
	expect_bad(&r, path);
	unlink(path);
	RUN(&r, "hash", "--pcap", path);
	expect_bad(&r, path);
}

/* ---- JSON ---- */

Test(cli_hash, json_flow)
{
	struct run r;

	RUN(&r, "hash", "-j", "--profile", "ixgbe-82599", "--rx-flow-hash", "tcp4=sdfn",
	    "66.9.149.187", "161.142.100.80", "2794", "1766");
	expect_ok(&r);
	cr_expect_str_eq(r.out,
			 "{\"flow_type\":\"tcp4\",\"fields\":\"sdfn\",\"src\":\"66.9.149.187\","
			 "\"dst\":\"161.142.100.80\",\"sport\":2794,\"dport\":1766,"
			 "\"hash\":\"0x51ccc178\",\"reta_index\":120,\"queue\":0}\n");
	RUN(&r, "-j", "hash", "--key", KEY_82599, "--input", "420995bba18e64500aea06e6");
	expect_ok(&r);
	cr_expect(!strncmp(r.out, "{\"hash\":\"0x51ccc178\",\"reta_index\":", 34), "%s", r.out);
}

Test(cli_hash, json_pcap)
{
	struct frame f[16];
	size_t n = test_frames(f);
	char path[64], want[32];
	struct run r;

	tmp_path(path, sizeof(path), ".pcap");
	write_pcap(path, f, n);
	RUN(&r, "hash", "--pcap", path, "--json");
	expect_ok(&r);
	cr_expect_eq(count_lines(r.out), n);
	for (size_t i = 0; i < n; i++) {
		const char *line = nth_line(r.out, i);

		snprintf(want, sizeof(want), "{\"frame\":%zu,", i + 1);
		cr_assert(line);
		cr_expect(!strncmp(line, want, strlen(want)), "line %zu: %s", i + 1, line);
		cr_expect(strstr(line, "\"hash\":\"0x") && strstr(line, "\"reta_index\":") &&
				  strstr(line, "\"queue\":"),
			  "line %zu: %s", i + 1, line);
	}
	cr_expect(strstr(r.out, "{\"frame\":9,\"flow_type\":null,\"hash\":"), "%s", r.out);
	unlink(path);
}

/* ---- RETA ---- */

Test(cli_hash, reta)
{
	struct run r;

#define FLOW                                                                                       \
	"--profile", "ixgbe-82599", "--rx-flow-hash", "tcp4=sdfn", "66.9.149.187",                 \
		"161.142.100.80", "2794", "1766"
	RUN(&r, "hash", FLOW, "--reta", "equal", "7");
	expect_ok(&r);
	cr_expect(strstr(r.out, "reta 120 queue 1\n"), "%s", r.out); /* 120 % 7 */
	RUN(&r, "hash", FLOW, "--reta", "weight", "0", "1");
	expect_ok(&r);
	cr_expect(strstr(r.out, "queue 1\n"), "%s", r.out);
	RUN(&r, "hash", "--reta", "weight", "1,0", FLOW);
	expect_ok(&r);
	cr_expect(strstr(r.out, "queue 0\n"), "%s", r.out);
	RUN(&r, "hash", FLOW, "--reta=equal", "1");
	expect_ok(&r);
	cr_expect(strstr(r.out, "queue 0\n"), "%s", r.out);
#undef FLOW
}

/* ---- keys ---- */

static bool is_key(const char *s, size_t size)
{
	for (size_t i = 0; i < size; i++, s += 3)
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]) ||
		    s[2] != (i + 1 < size ? ':' : '\n'))
			return false;
	return *s == '\0';
}

Test(cli_hash, gen_key_random)
{
	const struct snic_profile *p = snic_profile_find("generic");
	struct run a, b;

	cr_assert(p);
	RUN(&a, "hash", "--gen-key");
	RUN(&b, "hash", "--gen-key");
	expect_ok(&a);
	cr_expect(is_key(a.out, p->key_size), "%s", a.out);
	cr_expect_str_neq(a.out, b.out);
	RUN(&a, "hash", "--gen-key", "--size", "52");
	cr_expect(is_key(a.out, 52), "%s", a.out);
	RUN(&a, "hash", "--gen-key", "--profile", "ixgbe-82599", "-j");
	cr_expect(!strncmp(a.out, "{\"key\":\"", 8) && strstr(a.out, "\"size\":40"), "%s", a.out);
}

static void hash_with_key(const char *key, const char *const *flow, char *hash)
{
	struct run r;
	const char *h;

	run_args(&r, (const char *const[]){"hash", "--key", key, "--rx-flow-hash",
					   "tcp4=sdfn,tcp6=sdfn", flow[0], flow[1], flow[2],
					   flow[3], NULL});
	expect_ok(&r);
	h = strstr(r.out, "hash 0x");
	cr_assert(h, "%s", r.out);
	memcpy(hash, h, 15);
	hash[15] = '\0';
}

Test(cli_hash, gen_key_symmetric)
{
	static const char *const flows[][4] = {
		{"10.0.0.1", "192.168.7.42", "40000", "443"},
		{"66.9.149.187", "161.142.100.80", "2794", "1766"},
		{"2001:db8::1", "fe80::200:f8ff:fe21:67cf", "5353", "80"},
	};
	char key[256], ab[16], ba[16];
	struct run r;

	RUN(&r, "hash", "--symmetric", "--gen-key");
	expect_ok(&r);
	cr_expect(!strncmp(r.out, "6d:5a:6d:5a:", 12), "%s", r.out);
	snprintf(key, sizeof(key), "%.255s", r.out);
	key[strcspn(key, "\n")] = '\0';
	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		const char *const *f = flows[i];

		hash_with_key(key, f, ab);
		hash_with_key(key, (const char *const[]){f[1], f[0], f[3], f[2]}, ba);
		cr_expect_str_eq(ab, ba, "%s %s %s %s", f[0], f[1], f[2], f[3]);
	}
	/* and the datasheet key is not symmetric */
	hash_with_key(KEY_82599, flows[1], ab);
	hash_with_key(KEY_82599, (const char *const[]){flows[1][1], flows[1][0], "1766", "2794"},
		      ba);
	cr_expect_str_neq(ab, ba);
}

/* ---- errors ---- */

struct bad_case {
	const char *args[12];
	const char *named;
};

static const struct bad_case bad_cases[] = {
	{{"10.0.0.300", "10.0.0.2"}, "'10.0.0.300'"},
	{{"10.0.0.1", "::1"}, "'::1'"},
	{{"10.0.0.1", "10.0.0.2", "70000", "80"}, "'70000'"},
	{{"10.0.0.1", "10.0.0.2", "1", "2", "--proto", "icmpx"}, "'icmpx'"},
	{{"10.0.0.1", "10.0.0.2", "1"}, "'1'"},
	{{"10.0.0.1"}, "'10.0.0.1'"},
	{{"10.0.0.1", "10.0.0.2", "1", "2", "3"}, "'3'"},
	{{"--key", "6d5a56zz", "10.0.0.1", "10.0.0.2"}, "'6d5a56zz'"},
	{{"--key", "6d:5a:", "10.0.0.1", "10.0.0.2"}, "'6d:5a:'"},
	{{"--profile", "ixgbe-82599", "--key", "6d5a56da", "10.0.0.1", "10.0.0.2"}, "4"},
	{{"--rx-flow-hash", "tcp9=sd", "10.0.0.1", "10.0.0.2"}, "tcp9"},
	{{"--rx-flow-hash", "tcp4=sdq", "10.0.0.1", "10.0.0.2"}, "q"},
	{{"--rx-flow-hash", "tcp4", "10.0.0.1", "10.0.0.2"}, "'tcp4'"},
	{{"--profile", "nosuch", "10.0.0.1", "10.0.0.2"}, "'nosuch'"},
	{{"--hfunc", "bogus", "10.0.0.1", "10.0.0.2"}, "bogus"},
	{{"--profile", "ixgbe-82599", "--reta", "equal", "64", "10.0.0.1", "10.0.0.2"}, "64"},
	{{"--reta", "equal", "x", "10.0.0.1", "10.0.0.2"}, "'x'"},
	{{"--reta", "split", "10.0.0.1", "10.0.0.2"}, "'split'"},
	{{"--bogus", "10.0.0.1", "10.0.0.2"}, "'--bogus'"},
	{{"10.0.0.1", "10.0.0.2", "--key"}, "--key"},
	{{"--gen-key", "--size", "200"}, "'200'"},
	{{"--gen-key", "--size", "2"}, "2"},
	{{"--gen-key", "--pcap", "x.pcap"}, "--pcap"},
	{{"--symmetric", "10.0.0.1", "10.0.0.2"}, "--symmetric"},
	{{"--input", "00", "10.0.0.1"}, "'10.0.0.1'"},
};

Test(cli_hash, bad_input)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const char *args[16] = {"hash"};
		struct run r;

		memcpy(args + 1, bad_cases[i].args, sizeof(bad_cases[i].args));
		run_args(&r, args);
		expect_bad(&r, bad_cases[i].named);
		cr_expect(!strncmp(r.err, "snic hash: ", 11), "%s", r.err);
	}
}

/* ---- the command table ---- */

Test(cli_hash, help_and_version)
{
	struct run r, s;

	RUN(&r, "help");
	expect_ok(&r);
	cr_expect(strstr(r.out, "\n  hash "), "%s", r.out);
	RUN(&s, "--help");
	cr_expect_str_eq(r.out, s.out);
	RUN(&r, "hash", "--help");
	expect_ok(&r);
	cr_expect(!strncmp(r.out, "usage: snic hash ", 17), "%s", r.out);
	cr_expect(strstr(r.out, "--rx-flow-hash") && strstr(r.out, "16 bits of entropy"), "%s",
		  r.out);
	RUN(&s, "help", "hash");
	cr_expect_str_eq(r.out, s.out);
	RUN(&r, "--version");
	expect_ok(&r);
	cr_expect(!strncmp(r.out, "snic ", 5) && count_lines(r.out) == 1, "%s", r.out);
}

Test(cli_hash, unknown_command)
{
	struct run r;

	RUN(&r, "frobnicate", "x");
	expect_bad(&r, "'frobnicate'");
	RUN(&r, "help", "frobnicate");
	expect_bad(&r, "'frobnicate'");
	RUN(&r, "--frob");
	expect_bad(&r, "'--frob'");
}
