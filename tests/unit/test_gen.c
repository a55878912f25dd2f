/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `snic gen` driven as a user would: run the built binary ($SNIC_BIN),
 * read the trace it wrote with libpcap, parse every frame with snic_parse
 * and check what the options asked for: repeatability, timestamps, the
 * popularity of flows, protocol, IP version, fragment and tunnel shares,
 * destinations and VLANs, sizes, the shift, the summary, and the errors.
 *
 * Shares are checked on tens of thousands of frames against tolerances of
 * several standard deviations, so a correct generator passes for any
 * seed; the seeds are fixed anyway.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pcap/pcap.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snic/parse.h"

extern char **environ;

#define EPOCH_NS   (1767225600ull * 1000000000ull) /* 2026-01-01T00:00:00Z */
#define ARGS_MAX   48
#define OUT_MAX	   (1 << 16)
#define FLOWS_MAX  4096
#define TRACE_PATH 64

/* ---- running the binary ---- */

struct run {
	int status; /* exit status, or 128 + signal */
	size_t out_len;
	char out[OUT_MAX];
	char err[1 << 12];
};

static size_t slurp(int fd, char *buf, size_t size)
{
	size_t off = 0;
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while (off + 1 < size && (n = read(fd, buf + off, size - off - 1)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	close(fd);
	return off;
}

static int tmp_fd(void)
{
	char path[] = "/tmp/snic-gen-out-XXXXXX";
	int fd = mkstemp(path);

	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(path);
	return fd;
}

/* Run $SNIC_BIN with @args (NULL-terminated), stdin from /dev/null. */
static void run_args(struct run *r, const char *const *args)
{
	const char *bin = getenv("SNIC_BIN");
	char *argv[ARGS_MAX + 2] = {(char *)bin};
	posix_spawn_file_actions_t fa;
	int fo = tmp_fd(), fe = tmp_fd(), st;
	pid_t pid;

	cr_assert(bin, "SNIC_BIN is not set");
	for (int i = 0; args[i]; i++) {
		cr_assert_lt(i, ARGS_MAX);
		argv[i + 1] = (char *)args[i];
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fo, 1);
	posix_spawn_file_actions_adddup2(&fa, fe, 2);
	cr_assert_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0, "spawn %s", bin);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out_len = slurp(fo, r->out, sizeof(r->out));
	slurp(fe, r->err, sizeof(r->err));
}

#define RUN(r, ...) run_args((r), (const char *const[]){__VA_ARGS__, NULL})

/* A path for a trace, removed by the caller with unlink(). */
static void trace_path(char *path)
{
	int fd;

	snprintf(path, TRACE_PATH, "/tmp/snic-gen-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	close(fd);
}

/* snic -j gen -o PATH ARGS...: must succeed. */
#define GEN(r, path, ...)                                                                          \
	do {                                                                                       \
		RUN((r), "-j", "gen", "-o", (path), __VA_ARGS__);                                  \
		cr_assert_eq((r)->status, 0, "exit %d: %s", (r)->status, (r)->err);                \
		cr_assert_str_empty((r)->err);                                                     \
	} while (0)

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Exit 2, nothing on stdout, one line on stderr that names @bad. */
static void expect_bad(const struct run *r, const char *bad)
{
	cr_expect_eq(r->status, 2, "'%s': exit %d, stderr: %s", bad, r->status, r->err);
	cr_expect_eq(r->out_len, 0, "'%s': stdout: %s", bad, r->out);
	cr_expect_eq(count_lines(r->err), 1, "'%s': not one line: %s", bad, r->err);
	cr_expect(strstr(r->err, bad), "'%s' not named in: %s", bad, r->err);
}

/* The number after "KEY": in the first line of @s that has @match. */
static uint64_t json_u64(const char *s, const char *match, const char *key)
{
	char k[64];
	const char *line = strstr(s, match), *p;

	cr_assert(line, "no line with %s in: %s", match, s);
	snprintf(k, sizeof(k), "\"%s\":", key);
	p = strstr(line, k);
	cr_assert(p && (!strchr(line, '\n') || p < strchr(line, '\n')), "no %s in: %s", key, line);
	return strtoull(p + strlen(k), NULL, 10);
}

/* ---- reading a trace ---- */

struct frame {
	uint64_t ts;
	uint32_t len;
	const uint8_t *data;
	struct snic_pkt pkt;
};

typedef void (*frame_fn)(void *ctx, size_t i, const struct frame *f);

/* Every frame of @path, parsed; returns how many. */
static size_t read_trace(const char *path, frame_fn fn, void *ctx)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p =
		pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	struct frame f;
	size_t n = 0;

	cr_assert(p, "open %s: %s", path, errbuf);
	cr_assert_eq(pcap_datalink(p), DLT_EN10MB);
	while (pcap_next_ex(p, &h, &data) == 1) {
		cr_assert_eq(h->caplen, h->len, "frame %zu is cut", n);
		f.ts = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
		f.len = h->caplen;
		f.data = data;
		snic_parse(data, h->caplen, &f.pkt);
		fn(ctx, n++, &f);
	}
	pcap_close(p);
	return n;
}

static void *read_file(const char *path, size_t *len)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	void *b;

	cr_assert(f, "open %s: %s", path, strerror(errno));
	cr_assert_eq(fstat(fileno(f), &st), 0);
	*len = (size_t)st.st_size;
	b = malloc(*len + 1);
	cr_assert(b);
	cr_assert_eq(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

/* ---- flows ---- */

/* A flow is its end hosts' 5-tuple: the inner headers of a tunnel. */
#define KEY_LEN 37

struct flows {
	size_t n;
	uint8_t key[FLOWS_MAX][KEY_LEN];
	uint64_t frames[FLOWS_MAX];
	uint32_t tun_id[FLOWS_MAX];
};

static void flow_key(const struct snic_pkt *p, uint8_t *k)
{
	const struct snic_hdr *h = snic_pkt_hdr(p, 1);

	memcpy(k, h->ip_src, 16);
	memcpy(k + 16, h->ip_dst, 16);
	k[32] = (uint8_t)(h->sport >> 8);
	k[33] = (uint8_t)h->sport;
	k[34] = (uint8_t)(h->dport >> 8);
	k[35] = (uint8_t)h->dport;
	k[36] = h->l4_proto;
}

/* The flow of @p, added when new. Linear: traces here have few flows. */
static size_t flow_of(struct flows *fl, const struct snic_pkt *p)
{
	uint8_t k[KEY_LEN];

	flow_key(p, k);
	for (size_t i = 0; i < fl->n; i++)
		if (!memcmp(fl->key[i], k, KEY_LEN))
			return i;
	cr_assert_lt(fl->n, FLOWS_MAX);
	memcpy(fl->key[fl->n], k, KEY_LEN);
	fl->frames[fl->n] = 0;
	fl->tun_id[fl->n] = p->tun_id;
	return fl->n++;
}

static void count_flow(void *ctx, size_t i, const struct frame *f)
{
	struct flows *fl = ctx;

	(void)i;
	cr_assert_eq(f->pkt.status, SNIC_PARSE_OK, "frame %zu: %s", i,
		     snic_parse_status_name(f->pkt.status));
	fl->frames[flow_of(fl, &f->pkt)]++;
}

static int cmp_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Frames per flow, most first. */
static struct flows *flow_counts(const char *path)
{
	struct flows *fl = calloc(1, sizeof(*fl));

	cr_assert(fl);
	read_trace(path, count_flow, fl);
	qsort(fl->frames, fl->n, sizeof(fl->frames[0]), cmp_desc);
	return fl;
}

/* Least-squares slope of ln(frames) over ln(rank), ranks 1..n. */
static double rank_slope(const struct flows *fl, size_t n)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, x, y;

	for (size_t r = 0; r < n; r++) {
		x = log((double)r + 1);
		y = log((double)fl->frames[r]);
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
	}
	return ((double)n * sxy - sx * sy) / ((double)n * sxx - sx * sx);
}

/* ---- shares of frames ---- */

#define CATS 8

struct share {
	size_t n;
	uint64_t cat[CATS];
	int (*of)(const struct frame *f); /* the category of a frame */
};

static void count_share(void *ctx, size_t i, const struct frame *f)
{
	struct share *s = ctx;
	int c = s->of(f);

	(void)i;
	cr_assert(c >= 0 && c < CATS, "frame %zu: category %d", i, c);
	s->cat[c]++;
	s->n++;
}

static struct share shares(const char *path, int (*of)(const struct frame *f))
{
	struct share s = {.of = of};

	read_trace(path, count_share, &s);
	cr_assert_gt(s.n, 0);
	return s;
}

static void expect_share(const struct share *s, int c, double want, double tol, const char *what)
{
	double got = (double)s->cat[c] / (double)s->n;

	cr_expect(fabs(got - want) <= tol, "%s: share %.4f, want %.4f +- %.4f", what, got, want,
		  tol);
}

/* ---- repeatability ---- */

Test(gen, same_seed_same_bytes)
{
	char a[TRACE_PATH], b[TRACE_PATH], c[TRACE_PATH];
	size_t la, lb, lc;
	struct run *r = malloc(sizeof(*r));
	uint8_t *da, *db, *dc;

	trace_path(a);
	trace_path(b);
	trace_path(c);
#define MIX                                                                                        \
	"--frames", "5000", "--flows", "300", "--dist", "zipf:1.1", "--size", "imix", "--proto",   \
		"tcp:5,udp:4,sctp:1", "--ipv6", "30", "--frag", "5", "--tunnel",                   \
		"vxlan:5,geneve:5,gre:5,gtpu:5", "--dst",                                          \
		"02:00:00:00:01:00@7:2,02:00:00:00:01:01", "--bcast", "3", "--mcast", "3",         \
		"--unknown", "3", "--shift"
	GEN(r, a, MIX, "--seed", "42");
	GEN(r, b, MIX, "--seed", "42");
	GEN(r, c, MIX, "--seed", "43");
	da = read_file(a, &la);
	db = read_file(b, &lb);
	dc = read_file(c, &lc);
	cr_expect(la == lb && !memcmp(da, db, la), "same seed, different bytes");
	cr_expect(la != lc || memcmp(da, dc, la), "different seeds, same bytes");
	free(da);
	free(db);
	free(dc);
	free(r);
	unlink(a);
	unlink(b);
	unlink(c);
}

struct pair {
	size_t n;
	uint64_t ts[256];
	uint32_t len[256];
	uint8_t data[256][128];
};

static void keep_frame(void *ctx, size_t i, const struct frame *f)
{
	struct pair *p = ctx;

	cr_assert_lt(i, 256);
	p->ts[i] = f->ts;
	p->len[i] = f->len;
	memcpy(p->data[i], f->data, f->len < 128 ? f->len : 128);
	p->n = i + 1;
}

Test(gen, pcapng_holds_the_same_frames)
{
	char a[TRACE_PATH], b[TRACE_PATH];
	struct pair *x = calloc(1, sizeof(*x)), *y = calloc(1, sizeof(*y));
	struct run *r = malloc(sizeof(*r));

	trace_path(a);
	trace_path(b);
	GEN(r, a, "--frames", "200", "--rate", "3Mpps", "--tunnel", "vxlan:50", "--ipv6", "50");
	GEN(r, b, "--frames", "200", "--rate", "3Mpps", "--tunnel", "vxlan:50", "--ipv6", "50",
	    "--pcapng");
	cr_expect(strstr(r->out, "\"format\":\"pcapng\""), "%s", r->out);
	read_trace(a, keep_frame, x);
	read_trace(b, keep_frame, y);
	cr_assert_eq(x->n, 200);
	cr_assert_eq(y->n, 200);
	cr_expect(!memcmp(x->ts, y->ts, sizeof(x->ts)), "timestamps differ");
	cr_expect(!memcmp(x->len, y->len, sizeof(x->len)), "lengths differ");
	cr_expect(!memcmp(x->data, y->data, sizeof(x->data)), "frames differ");
	cr_expect_eq(y->ts[1] - y->ts[0], 333, "3 Mpps: %llu ns apart",
		     (unsigned long long)(y->ts[1] - y->ts[0]));
	free(x);
	free(y);
	free(r);
	unlink(a);
	unlink(b);
}

Test(gen, to_stdout)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	size_t la;
	uint8_t *da;

	trace_path(a);
	GEN(r, a, "--frames", "100", "--seed", "9");
	RUN(r, "gen", "-o", "-", "--frames", "100", "--seed", "9");
	cr_assert_eq(r->status, 0, "%s", r->err);
	cr_expect(strstr(r->err, "100 frames"), "summary on stderr: %s", r->err);
	da = read_file(a, &la);
	cr_expect(r->out_len == la && !memcmp(r->out, da, la), "stdout differs from the file");
	free(da);
	free(r);
	unlink(a);
}

/* ---- time ---- */

struct times {
	size_t n;
	uint64_t ts[2048];
};

static void keep_ts(void *ctx, size_t i, const struct frame *f)
{
	struct times *t = ctx;

	cr_assert_lt(i, 2048);
	t->ts[i] = f->ts;
	t->n = i + 1;
}

static struct times *trace_times(const char *path)
{
	struct times *t = calloc(1, sizeof(*t));

	cr_assert(t);
	read_trace(path, keep_ts, t);
	return t;
}

/* Frame i at EPOCH + floor(i * num / den) ns. */
static void expect_times(const struct times *t, size_t n, uint64_t num, uint64_t den)
{
	cr_expect_eq(t->n, n, "%zu frames, want %zu", t->n, n);
	for (size_t i = 0; i < t->n && i < n; i++)
		if (t->ts[i] != EPOCH_NS + i * num / den) {
			cr_expect_fail("frame %zu at +%llu ns, want +%llu", i,
				       (unsigned long long)(t->ts[i] - EPOCH_NS),
				       (unsigned long long)(i * num / den));
			return;
		}
}

Test(gen, frames_at_a_packet_rate)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct times *t;

	trace_path(a);
	GEN(r, a, "--frames", "1000", "--rate", "1Mpps");
	t = trace_times(a);
	expect_times(t, 1000, 1000, 1);
	cr_expect_eq(json_u64(r->out, "\"file\"", "span_ns"), 1000000);
	cr_expect_eq(json_u64(r->out, "\"file\"", "start_ns"), EPOCH_NS);
	free(t);
	GEN(r, a, "--frames", "1k", "--rate", "1.5Mpps");
	t = trace_times(a);
	expect_times(t, 1000, 2000, 3);
	free(t);
	free(r);
	unlink(a);
}

Test(gen, frames_at_a_bit_rate)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct times *t;

	trace_path(a);
	/* 64 bytes with the FCS, 20 of preamble and gap: 672 bits, 67.2 ns at 10G. */
	GEN(r, a, "--frames", "1000", "--rate", "10Gbit", "--size", "64");
	t = trace_times(a);
	expect_times(t, 1000, 672, 10);
	free(t);
	/* 1518 bytes: 12304 bits, 12304 ns at 1G; 9 start within 100 us. */
	GEN(r, a, "--duration", "100us", "--rate", "1Gbit", "--size", "1518");
	t = trace_times(a);
	expect_times(t, 9, 12304, 1);
	cr_expect_eq(json_u64(r->out, "\"file\"", "span_ns"), 9 * 12304);
	free(t);
	free(r);
	unlink(a);
}

Test(gen, duration_and_rate_or_frames)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct times *t;

	trace_path(a);
	GEN(r, a, "--duration", "2ms", "--rate", "500kpps");
	t = trace_times(a);
	expect_times(t, 1000, 2000, 1);
	free(t);
	GEN(r, a, "--frames", "3", "--duration", "1s");
	t = trace_times(a);
	expect_times(t, 3, 1000000000, 3);
	cr_expect_eq(json_u64(r->out, "\"file\"", "span_ns"), 1000000000);
	free(t);
	GEN(r, a, "--duration", "0.001");
	t = trace_times(a);
	expect_times(t, 1000, 1000, 1);
	free(t);
	free(r);
	unlink(a);
}

/* ---- popularity ---- */

Test(gen, uniform_flows)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct flows *fl;

	trace_path(a);
	GEN(r, a, "--frames", "50000", "--flows", "50", "--dist", "uniform");
	fl = flow_counts(a);
	cr_expect_eq(fl->n, 50);
	/* 1000 each, standard deviation about 31 */
	cr_expect(fl->frames[0] < 1160 && fl->frames[fl->n - 1] > 840, "from %llu to %llu",
		  (unsigned long long)fl->frames[fl->n - 1], (unsigned long long)fl->frames[0]);
	free(fl);
	free(r);
	unlink(a);
}

static void expect_zipf(const char *s, double want)
{
	char a[TRACE_PATH], dist[32];
	struct run *r = malloc(sizeof(*r));
	struct flows *fl;
	double slope;

	trace_path(a);
	snprintf(dist, sizeof(dist), "zipf:%s", s);
	GEN(r, a, "--frames", "200000", "--flows", "1000", "--dist", dist);
	fl = flow_counts(a);
	cr_expect_geq(fl->n, 900, "only %zu flows seen", fl->n);
	slope = rank_slope(fl, 100);
	cr_expect(fabs(slope + want) < 0.1, "zipf:%s: rank-frequency slope %.3f", s, slope);
	free(fl);
	free(r);
	unlink(a);
}

Test(gen, zipf_exponent)
{
	expect_zipf("1.1", 1.1);
	expect_zipf("0.7", 0.7);
}

static uint64_t top_sum(const struct flows *fl, size_t k)
{
	uint64_t s = 0;

	for (size_t i = 0; i < k && i < fl->n; i++)
		s += fl->frames[i];
	return s;
}

Test(gen, elephants_share)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct flows *fl;

	trace_path(a);
	GEN(r, a, "--frames", "100000", "--flows", "1000", "--dist", "elephants:4:80");
	fl = flow_counts(a);
	cr_expect(fabs((double)top_sum(fl, 4) / 1e5 - 0.80) < 0.01, "4 elephants carry %.4f",
		  (double)top_sum(fl, 4) / 1e5);
	cr_expect(fl->frames[3] > 19000 && fl->frames[0] < 21000, "elephants %llu..%llu",
		  (unsigned long long)fl->frames[3], (unsigned long long)fl->frames[0]);
	cr_expect_lt(fl->frames[4], 100, "the largest mouse has %llu",
		     (unsigned long long)fl->frames[4]);
	free(fl);
	free(r);
	unlink(a);
}

/* The two heaviest flows of each half. */
struct halves {
	size_t half;
	struct flows fl[2];
};

static void count_half(void *ctx, size_t i, const struct frame *f)
{
	struct halves *h = ctx;

	count_flow(&h->fl[i >= h->half], i, f);
}

/* The keys of the two heaviest flows of @fl, which carry most frames. */
static void top_two(const struct flows *fl, const uint8_t **k)
{
	size_t a = 0, b = 1;

	cr_assert_geq(fl->n, 2);
	for (size_t i = 0; i < fl->n; i++) {
		if (fl->frames[i] > fl->frames[a]) {
			b = a;
			a = i;
		} else if (i != a && fl->frames[i] > fl->frames[b]) {
			b = i;
		}
	}
	k[0] = fl->key[a];
	k[1] = fl->key[b];
	cr_expect(fl->frames[a] + fl->frames[b] > 7500, "top two of a half: %llu",
		  (unsigned long long)(fl->frames[a] + fl->frames[b]));
}

Test(gen, shift_changes_the_heavy_flows)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct halves *h = calloc(1, sizeof(*h));
	const uint8_t *k1[2], *k2[2];

	trace_path(a);
	GEN(r, a, "--frames", "20000", "--flows", "100", "--dist", "elephants:2:80", "--shift");
	cr_expect_eq(json_u64(r->out, "\"file\"", "shift_ns"), 10000 * 1000);
	h->half = 10000;
	read_trace(a, count_half, h);
	top_two(&h->fl[0], k1);
	top_two(&h->fl[1], k2);
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			cr_expect(memcmp(k1[i], k2[j], KEY_LEN), "elephant %d stays heavy", i);
	free(h);
	free(r);
	unlink(a);
}

/* ---- protocols, versions, fragments, tunnels ---- */

static int proto_of(const struct frame *f)
{
	switch (snic_pkt_hdr(&f->pkt, 1)->l4_proto) {
	case 6:
		return 0;
	case 17:
		return 1;
	case 132:
		return 2;
	}
	return 3;
}

Test(gen, protocol_mix)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct share s;

	trace_path(a);
	GEN(r, a, "--frames", "50000", "--flows", "1000", "--proto", "tcp:60,udp:30,sctp:10");
	s = shares(a, proto_of);
	expect_share(&s, 0, 0.60, 0.02, "tcp");
	expect_share(&s, 1, 0.30, 0.02, "udp");
	expect_share(&s, 2, 0.10, 0.015, "sctp");
	/* Shares are of frames, also when a few flows carry most of them. */
	GEN(r, a, "--frames", "50000", "--flows", "1000", "--dist", "zipf:0.9", "--proto",
	    "tcp:50,udp:50");
	s = shares(a, proto_of);
	expect_share(&s, 0, 0.50, 0.06, "tcp under zipf");
	free(r);
	unlink(a);
}

/* 1 for IPv6, 0 for IPv4; both levels of a tunnel are of one version. */
static int version_of(const struct frame *f)
{
	const struct snic_pkt *p = &f->pkt;

	if (p->tunnel)
		cr_assert_eq(p->outer.l3, p->inner.l3);
	return p->outer.l3 == SNIC_L3_IPV6 ? 1 : p->outer.l3 == SNIC_L3_IPV4 ? 0 : 2;
}

Test(gen, ipv6_share)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct share s;

	trace_path(a);
	GEN(r, a, "--frames", "50000", "--flows", "1000", "--ipv6", "20", "--tunnel", "vxlan:20");
	s = shares(a, version_of);
	expect_share(&s, 1, 0.20, 0.02, "ipv6");
	expect_share(&s, 2, 0, 0, "not IP");
	free(r);
	unlink(a);
}

/* 0 whole, 1 a first fragment, 2 a later one; every frame parses whole. */
static int frag_of(const struct frame *f)
{
	const struct snic_hdr *h = snic_pkt_hdr(&f->pkt, 1);

	cr_assert_eq(f->pkt.status, SNIC_PARSE_OK, "%s", snic_parse_status_name(f->pkt.status));
	if (!(h->flags & SNIC_HF_FRAG))
		return 0;
	cr_assert(!(f->pkt.outer.flags & SNIC_HF_FRAG) || !f->pkt.tunnel);
	if (h->flags & SNIC_HF_FRAG_LATER) {
		cr_assert_eq(h->l4_off, SNIC_OFF_NONE);
		return 2;
	}
	cr_assert(h->flags & SNIC_HF_L4_FULL, "a first fragment has its L4 header");
	return 1;
}

Test(gen, fragments)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct share s;

	trace_path(a);
	GEN(r, a, "--frames", "40000", "--flows", "500", "--frag", "10", "--ipv6", "50", "--tunnel",
	    "gtpu:20,vxlan:20", "--size", "uniform:64-1518");
	s = shares(a, frag_of);
	expect_share(&s, 1, 0.05, 0.01, "first fragments");
	expect_share(&s, 2, 0.05, 0.01, "later fragments");
	free(r);
	unlink(a);
}

struct tunnels {
	struct flows fl;
	uint64_t n, kind[5];
};

/* Type from the outer UDP port (or GRE), the id, one id per flow. */
static void check_tunnel(void *ctx, size_t i, const struct frame *f)
{
	static const uint16_t port[5] = {0, 4789, 6081, 0, 2152};
	struct tunnels *t = ctx;
	const struct snic_pkt *p = &f->pkt;
	size_t k;

	cr_assert_eq(p->status, SNIC_PARSE_OK, "frame %zu", i);
	t->n++;
	t->kind[p->tunnel]++;
	if (!p->tunnel)
		return;
	cr_assert(p->has_inner && p->inner.l3 != SNIC_L3_NONE && p->tun_id_valid);
	cr_assert(p->tun_id != 0);
	if (p->tunnel == SNIC_TUN_GRE)
		cr_assert_eq(p->outer.l4_proto, 47);
	else
		cr_assert_eq(p->outer.dport, port[p->tunnel]);
	if (p->tunnel == SNIC_TUN_VXLAN || p->tunnel == SNIC_TUN_GENEVE)
		cr_assert_lt(p->tun_id, 1u << 24);
	cr_assert_eq(p->inner.l2_off != SNIC_OFF_NONE,
		     p->tunnel == SNIC_TUN_VXLAN || p->tunnel == SNIC_TUN_GENEVE);
	k = flow_of(&t->fl, p);
	cr_assert_eq(t->fl.tun_id[k], p->tun_id, "frame %zu: a flow changed its tunnel id", i);
}

Test(gen, tunnels)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct tunnels *t = calloc(1, sizeof(*t));

	trace_path(a);
	GEN(r, a, "--frames", "40000", "--flows", "1000", "--tunnel",
	    "vxlan:10,geneve:10,gre:10,gtpu:10", "--ipv6", "30");
	read_trace(a, check_tunnel, t);
	for (int k = SNIC_TUN_VXLAN; k <= SNIC_TUN_GTPU; k++)
		cr_expect(fabs((double)t->kind[k] / (double)t->n - 0.10) < 0.015, "tunnel %d: %.4f",
			  k, (double)t->kind[k] / (double)t->n);
	cr_expect(fabs((double)t->kind[0] / (double)t->n - 0.60) < 0.02, "no tunnel: %.4f",
		  (double)t->kind[0] / (double)t->n);
	free(t);
	free(r);
	unlink(a);
}

/* ---- destinations ---- */

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0x01, 0x00};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0x01, 0x01};
static const uint8_t mac_c[6] = {0x02, 0, 0, 0, 0x01, 0x02};

static void expect_vlans(const struct snic_hdr *h, int n, uint16_t outer, uint16_t inner)
{
	cr_assert_eq(h->n_vlan, n);
	if (n > 0)
		cr_assert_eq(h->vlan_tci[0] & 0xfff, outer);
	if (n > 1) {
		cr_assert_eq(h->vlan_tpid[0], 0x88a8);
		cr_assert_eq(h->vlan_tci[1] & 0xfff, inner);
	}
}

/* A multicast frame's MAC is its IP group's. */
static void expect_group(const struct snic_hdr *h)
{
	if (h->l3 == SNIC_L3_IPV4) {
		cr_assert_eq(h->ip_dst[0], 239);
		cr_assert(!memcmp(h->dmac, "\x01\x00\x5e", 3));
		cr_assert_eq(h->dmac[3], h->ip_dst[1] & 0x7f);
		cr_assert(!memcmp(h->dmac + 4, h->ip_dst + 2, 2));
		return;
	}
	cr_assert_eq(h->ip_dst[0], 0xff);
	cr_assert(!memcmp(h->dmac, "\x33\x33", 2));
	cr_assert(!memcmp(h->dmac + 2, h->ip_dst + 12, 4));
}

/* 0..2: mac_a..c; 3 broadcast, 4 multicast, 5 unknown unicast. */
static int dest_of(const struct frame *f)
{
	const struct snic_hdr *h = &f->pkt.outer;

	if (!memcmp(h->dmac, mac_a, 6)) {
		expect_vlans(h, 0, 0, 0);
		return 0;
	}
	if (!memcmp(h->dmac, mac_b, 6)) {
		expect_vlans(h, 1, 100, 0);
		return 1;
	}
	if (!memcmp(h->dmac, mac_c, 6)) {
		expect_vlans(h, 2, 200, 300);
		return 2;
	}
	if (!memcmp(h->dmac, "\xff\xff\xff\xff\xff\xff", 6)) {
		expect_vlans(h, 1, 5, 0);
		cr_assert_eq(f->pkt.tunnel, SNIC_TUN_NONE);
		cr_assert_eq(h->l4_proto, 17, "broadcast is UDP");
		return 3;
	}
	if (h->dmac[0] & 1) {
		expect_vlans(h, 0, 0, 0);
		cr_assert_eq(f->pkt.tunnel, SNIC_TUN_NONE);
		expect_group(h);
		return 4;
	}
	cr_assert_eq(h->dmac[0] & 3, 2, "unknown unicast is locally administered");
	expect_vlans(h, 0, 0, 0);
	return 5;
}

Test(gen, destinations_and_vlans)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	const char *want_dst[] = {"02:00:00:00:01:00", "02:00:00:00:01:01", "02:00:00:00:01:02",
				  "broadcast",	       "multicast",	    "unknown"};
	char match[64];
	struct share s;

	trace_path(a);
	GEN(r, a, "--frames", "50000", "--flows", "2000", "--dst",
	    "02:00:00:00:01:00:3,02:00:00:00:01:01@100", "--dst", "02:00:00:00:01:02@200.300:1",
	    "--bcast", "10@5", "--mcast", "10", "--unknown", "5", "--tunnel", "vxlan:10", "--ipv6",
	    "30");
	s = shares(a, dest_of);
	expect_share(&s, 0, 0.45, 0.02, "02:00:00:00:01:00");
	expect_share(&s, 1, 0.15, 0.015, "02:00:00:00:01:01");
	expect_share(&s, 2, 0.15, 0.015, "02:00:00:00:01:02");
	expect_share(&s, 3, 0.10, 0.015, "broadcast");
	expect_share(&s, 4, 0.10, 0.015, "multicast");
	expect_share(&s, 5, 0.05, 0.01, "unknown");
	for (int d = 0; d < 6; d++) {
		snprintf(match, sizeof(match), "\"dst\":\"%s\"", want_dst[d]);
		cr_expect_eq(json_u64(r->out, match, "frames"), s.cat[d], "%s", want_dst[d]);
	}
	cr_expect(strstr(r->out, "\"dst\":\"02:00:00:00:01:02\",\"vlan\":200,\"inner_vlan\":300"),
		  "%s", r->out);
	free(r);
	unlink(a);
}

/* ---- sizes ---- */

struct sizes {
	uint64_t n, sum, min, max;
	uint64_t n60, n590, n1514;
	int hdr_only; /* every frame is its headers alone */
};

static uint32_t l4_hlen(uint8_t proto)
{
	return proto == 6 ? 20 : proto == 17 ? 8 : 12;
}

static void count_size(void *ctx, size_t i, const struct frame *f)
{
	struct sizes *s = ctx;
	const struct snic_hdr *h = snic_pkt_hdr(&f->pkt, 1);

	(void)i;
	s->n++;
	s->sum += f->len;
	s->min = s->n == 1 || f->len < s->min ? f->len : s->min;
	s->max = f->len > s->max ? f->len : s->max;
	s->n60 += f->len == 60;
	s->n590 += f->len == 590;
	s->n1514 += f->len == 1514;
	if (s->hdr_only)
		cr_assert_eq(f->len, h->l4_off + l4_hlen(h->l4_proto), "frame %zu", i);
}

static struct sizes trace_sizes(const char *path, int hdr_only)
{
	struct sizes s = {.hdr_only = hdr_only};

	read_trace(path, count_size, &s);
	return s;
}

Test(gen, sizes)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct sizes s;

	trace_path(a);
	GEN(r, a, "--frames", "2000", "--size", "128", "--ipv6", "50", "--proto", "tcp,udp,sctp");
	s = trace_sizes(a, 0);
	cr_expect(s.min == 124 && s.max == 124, "--size 128: %llu..%llu", (unsigned long long)s.min,
		  (unsigned long long)s.max);
	GEN(r, a, "--frames", "20000", "--size", "uniform:100-200");
	s = trace_sizes(a, 0);
	cr_expect(s.min == 96 && s.max == 196, "uniform: %llu..%llu", (unsigned long long)s.min,
		  (unsigned long long)s.max);
	cr_expect(fabs((double)s.sum / (double)s.n - 146) < 1.5, "uniform: mean %.2f",
		  (double)s.sum / (double)s.n);
	GEN(r, a, "--frames", "24000", "--size", "imix");
	s = trace_sizes(a, 0);
	cr_expect_eq(s.n60 + s.n590 + s.n1514, s.n);
	cr_expect(fabs((double)s.n60 / 14000 - 1) < 0.03 &&
			  fabs((double)s.n590 / 8000 - 1) < 0.05 &&
			  fabs((double)s.n1514 / 2000 - 1) < 0.1,
		  "imix %llu %llu %llu", (unsigned long long)s.n60, (unsigned long long)s.n590,
		  (unsigned long long)s.n1514);
	/* Headers longer than the size asked: the frame is its headers. */
	GEN(r, a, "--frames", "2000", "--size", "64", "--tunnel", "vxlan:50,geneve:50", "--ipv6",
	    "100");
	s = trace_sizes(a, 1);
	cr_expect_gt(s.min, 60);
	free(r);
	unlink(a);
}

/* ---- the summary ---- */

Test(gen, summary)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct sizes s;

	trace_path(a);
	GEN(r, a, "--frames", "3000", "--size", "imix", "--flows", "77", "--seed", "123");
	s = trace_sizes(a, 0);
	cr_expect_eq(json_u64(r->out, "\"file\"", "frames"), 3000);
	cr_expect_eq(json_u64(r->out, "\"file\"", "bytes"), s.sum);
	cr_expect_eq(json_u64(r->out, "\"file\"", "flows"), 77);
	cr_expect_eq(json_u64(r->out, "\"file\"", "seed"), 123);
	cr_expect_eq(json_u64(r->out, "\"dst\":\"02:00:00:00:00:01\"", "frames"), 3000);
	cr_expect_eq(json_u64(r->out, "\"dst\":\"broadcast\"", "frames"), 0);
	cr_expect_eq(json_u64(r->out, "\"dst\":\"multicast\"", "frames"), 0);
	cr_expect_eq(json_u64(r->out, "\"dst\":\"unknown\"", "frames"), 0);
	cr_expect_eq(count_lines(r->out), 5, "%s", r->out);
	RUN(r, "gen", "-o", a, "--frames", "10");
	cr_expect_eq(r->status, 0);
	cr_expect(strstr(r->out, ": 10 frames, 600 bytes, 100 flows, 0.000010000 s, seed 1\n"),
		  "%s", r->out);
	cr_expect_eq(count_lines(r->out), 1);
	free(r);
	unlink(a);
}

/* ---- errors ---- */

static void expect_gen_bad(const char *opt, const char *val, const char *bad)
{
	char a[TRACE_PATH];
	struct run *r = malloc(sizeof(*r));
	struct stat st;

	trace_path(a);
	unlink(a);
	RUN(r, "gen", "-o", a, opt, val);
	expect_bad(r, bad);
	cr_expect(stat(a, &st) != 0, "%s %s: a file was written", opt, val);
	free(r);
}

Test(gen, bad_values)
{
	static const char *const bad[][3] = {
		{"--frames", "0", "'0'"},
		{"--frames", "1.5", "'1.5'"},
		{"--rate", "10Gbps", "'10Gbps'"},
		{"--rate", "0", "'0'"},
		{"--duration", "5parsecs", "'5parsecs'"},
		{"--flows", "0", "'0'"},
		{"--flows", "99999999", "'99999999'"},
		{"--dist", "zipf:x", "'zipf:x'"},
		{"--dist", "pareto", "'pareto'"},
		{"--dist", "elephants:200:50", "200"},
		{"--dist", "elephants:2:150", "'elephants:2:150'"},
		{"--size", "63", "'63'"},
		{"--size", "uniform:200-100", "'uniform:200-100'"},
		{"--proto", "tcp:60,icmp:40", "'icmp'"},
		{"--proto", "tcp:x", "'x'"},
		{"--ipv6", "101", "'101'"},
		{"--frag", "abc", "'abc'"},
		{"--tunnel", "vxlan:60,gtpu:50", "'vxlan:60,gtpu:50'"},
		{"--tunnel", "ipip:5", "'ipip'"},
		{"--dst", "02:00:00:00:00:0g", "'02:00:00:00:00:0g'"},
		{"--dst", "02:00:00:00:00:01@5000", "'02:00:00:00:00:01@5000'"},
		{"--dst", "02:00:00:00:00:01:0", "'02:00:00:00:00:01:0'"},
		{"--bcast", "101", "'101'"},
		{"--mcast", "5@x", "'5@x'"},
		{"--seed", "-1", "'-1'"},
		{"--bogus", "1", "'--bogus'"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_gen_bad(bad[i][0], bad[i][1], bad[i][2]);
}

Test(gen, bad_combinations)
{
	struct run *r = malloc(sizeof(*r));

	RUN(r, "gen", "--frames", "10");
	expect_bad(r, "-o");
	RUN(r, "gen", "-o", "/tmp/snic-gen-never", "--frames", "10", "--duration", "1s", "--rate",
	    "1Mpps");
	expect_bad(r, "--rate");
	RUN(r, "gen", "-o", "/tmp/snic-gen-never", "--bcast", "60", "--mcast", "50");
	expect_bad(r, "'50'");
	RUN(r, "gen", "-o", "/tmp/snic-gen-never", "--frames", "10M", "--rate", "1pps");
	expect_bad(r, "10000000");
	RUN(r, "gen", "-o", "/nonexistent/dir/x.pcap");
	expect_bad(r, "'/nonexistent/dir/x.pcap'");
	RUN(r, "gen", "-o", "/tmp/snic-gen-never", "extra");
	expect_bad(r, "'extra'");
	free(r);
}
