/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic analyze, in two parts.
 *
 * The flow bookkeeping (cli/analyze_flow.c, linked in): the busiest-flow
 * table against a naive count of every flow, the flow table's cap, the
 * sketch's estimates, flow keys and names.
 *
 * The command driven as a user would: `snic gen` ($SNIC_BIN) writes a
 * trace, `snic analyze -j` reads it, and the numbers must be what the
 * config gives: a VF's MAC reaches only that VF, broadcast every pool that
 * takes it, unknown unicast the PF, a port VLAN filters, queue shares
 * follow the RETA weights, and every frame is delivered or dropped once.
 * Then windows, --compare, --plot, a damaged trace, and the errors.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snic/craft.h"
#include "snic/parse.h"

#include "../../cli/analyze.h"

extern char **environ;

/* ================================================================== */
/* A minimal JSON reader: enough to walk snic's output by path.        */
/* ================================================================== */

enum jtype {
	J_NULL,
	J_BOOL,
	J_NUM,
	J_STR,
	J_ARR,
	J_OBJ
};

struct jv {
	enum jtype t;
	double num;
	bool b;
	char *str;
	unsigned n;
	char **keys;	  /* J_OBJ */
	struct jv **kids; /* J_ARR, J_OBJ */
};

struct jp {
	const char *s;
	bool bad;
};

static struct jv *jparse_value(struct jp *p);

static void jskip(struct jp *p)
{
	while (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' || *p->s == '\r')
		p->s++;
}

static struct jv *jnew(enum jtype t)
{
	struct jv *v = calloc(1, sizeof(*v));

	cr_assert_not_null(v);
	v->t = t;
	return v;
}

static char *jparse_string(struct jp *p)
{
	size_t cap = 64, n = 0;
	char *out = malloc(cap);

	p->s++;
	while (*p->s && *p->s != '"') {
		char c = *p->s++;

		if (c == '\\') {
			c = *p->s++;
			if (c == 'u') {
				p->s += 4;
				c = '?';
			} else if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			}
		}
		if (n + 2 > cap)
			out = realloc(out, cap *= 2);
		out[n++] = c;
	}
	if (*p->s != '"')
		p->bad = true;
	else
		p->s++;
	out[n] = '\0';
	return out;
}

static void jadd(struct jv *v, char *key, struct jv *kid)
{
	v->kids = realloc(v->kids, (v->n + 1) * sizeof(*v->kids));
	v->keys = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
	v->kids[v->n] = kid;
	v->keys[v->n] = key;
	v->n++;
}

static struct jv *jparse_container(struct jp *p, char close)
{
	struct jv *v = jnew(close == '}' ? J_OBJ : J_ARR);

	p->s++;
	jskip(p);
	if (*p->s == close) {
		p->s++;
		return v;
	}
	while (!p->bad) {
		char *key = NULL;

		jskip(p);
		if (close == '}') {
			if (*p->s != '"') {
				p->bad = true;
				break;
			}
			key = jparse_string(p);
			jskip(p);
			if (*p->s++ != ':')
				p->bad = true;
		}
		jadd(v, key, jparse_value(p));
		jskip(p);
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		if (*p->s++ != close)
			p->bad = true;
		break;
	}
	return v;
}

static struct jv *jparse_value(struct jp *p)
{
	struct jv *v;
	char *end;

	jskip(p);
	if (*p->s == '{')
		return jparse_container(p, '}');
	if (*p->s == '[')
		return jparse_container(p, ']');
	if (*p->s == '"') {
		v = jnew(J_STR);
		v->str = jparse_string(p);
		return v;
	}
	if (!strncmp(p->s, "null", 4) || !strncmp(p->s, "true", 4) || !strncmp(p->s, "false", 5)) {
		v = jnew(p->s[0] == 'n' ? J_NULL : J_BOOL);
		v->b = p->s[0] == 't';
		p->s += p->s[0] == 'f' ? 5 : 4;
		return v;
	}
	v = jnew(J_NUM);
	v->num = strtod(p->s, &end);
	if (end == p->s)
		p->bad = true;
	p->s = end;
	return v;
}

static struct jv *jparse(const char *s)
{
	struct jp p = {s, false};
	struct jv *v = jparse_value(&p);

	jskip(&p);
	cr_assert(!p.bad && !*p.s, "bad JSON near '%.40s' in: %.300s", p.s, s);
	return v;
}

static void jfree(struct jv *v)
{
	if (!v)
		return;
	for (unsigned i = 0; i < v->n; i++) {
		jfree(v->kids[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->kids);
	free(v->keys);
	free(v->str);
	free(v);
}

/* The member at a path like "runs.0.vports.2.frames"; NULL when absent. */
static struct jv *jat(struct jv *v, const char *path)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); v && tok; tok = strtok_r(NULL, ".", &save)) {
		struct jv *next = NULL;

		if (v->t == J_ARR) {
			unsigned long i = strtoul(tok, NULL, 10);

			next = i < v->n ? v->kids[i] : NULL;
		} else if (v->t == J_OBJ) {
			for (unsigned i = 0; i < v->n && !next; i++)
				if (!strcmp(v->keys[i], tok))
					next = v->kids[i];
		}
		v = next;
	}
	return v;
}

static double jnum(struct jv *v, const char *path)
{
	struct jv *n = jat(v, path);

	cr_assert(n && n->t == J_NUM, "no number at %s", path);
	return n->num;
}

static uint64_t ju(struct jv *v, const char *path)
{
	return (uint64_t)jnum(v, path);
}

/* The vport object called @name ("vf0", "pf") of run @run. */
static struct jv *jvport(struct jv *root, unsigned run, const char *name)
{
	char path[64];
	struct jv *vps;

	snprintf(path, sizeof(path), "runs.%u.vports", run);
	vps = jat(root, path);
	cr_assert(vps && vps->t == J_ARR, "no %s", path);
	for (unsigned i = 0; i < vps->n; i++) {
		struct jv *nm = jat(vps->kids[i], "name");

		if (nm && nm->t == J_STR && !strcmp(nm->str, name))
			return vps->kids[i];
	}
	cr_assert_fail("no vport %s", name);
	return NULL;
}

/* ================================================================== */
/* The flow bookkeeping                                               */
/* ================================================================== */

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	uint64_t x = rnd_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rnd_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static int craft_udp(uint8_t *buf, size_t cap, uint32_t src, uint16_t sport, uint16_t dport,
		     unsigned payload)
{
	struct snic_craft c = {0};

	c.outer.dmac[0] = 0x02;
	c.outer.dmac[5] = 0x10;
	c.outer.smac[0] = 0x02;
	c.outer.smac[5] = 0x99;
	c.outer.ip_ver = 4;
	c.outer.ip_src[0] = 10;
	c.outer.ip_src[1] = (uint8_t)(src >> 16);
	c.outer.ip_src[2] = (uint8_t)(src >> 8);
	c.outer.ip_src[3] = (uint8_t)src;
	c.outer.ip_dst[0] = 192;
	c.outer.ip_dst[3] = 1;
	c.outer.l4_proto = 17;
	c.outer.sport = sport;
	c.outer.dport = dport;
	c.outer.payload_len = (uint16_t)payload;
	return snic_craft_frame(&c, buf, cap);
}

static uint64_t key_of(const uint8_t *buf, int len)
{
	struct snic_pkt pkt;

	snic_parse(buf, (uint32_t)len, &pkt);
	return an_flow_key(&pkt);
}

Test(flow, key_follows_the_tuple_not_the_payload)
{
	uint8_t a[256], b[256], c[256];
	int la = craft_udp(a, sizeof(a), 1, 1000, 80, 10);
	int lb = craft_udp(b, sizeof(b), 1, 1000, 80, 100);
	int lc = craft_udp(c, sizeof(c), 1, 1001, 80, 10);

	cr_assert(la > 0 && lb > 0 && lc > 0);
	cr_assert_eq(key_of(a, la), key_of(b, lb), "payload changed the key");
	cr_assert_neq(key_of(a, la), key_of(c, lc), "a port did not change the key");
	cr_assert_neq(key_of(a, la), 0);
}

/* A random frame of any shape the crafter makes. */
static void random_hdr(struct snic_craft_hdr *h, bool inner)
{
	static const uint8_t protos[] = {6, 17, 132, 1, 47, 50, 6, 17};
	static const uint16_t ports[] = {80, 4789, 6081, 2152, 53, 443};
	static const uint8_t exts[] = {0, 43, 60, 51, 44};

	memset(h, 0, sizeof(*h));
	h->dmac[0] = (uint8_t)(rnd() & 0xfe);
	h->dmac[5] = (uint8_t)rnd();
	h->smac[5] = (uint8_t)rnd();
	h->n_vlan = inner ? 0 : (uint8_t)(rnd() % 4 == 0 ? 2 : rnd() % 2);
	for (unsigned i = 0; i < h->n_vlan; i++) {
		h->vlan_tci[i] = (uint16_t)rnd();
		h->vlan_tpid[i] = rnd() % 3 ? 0 : (rnd() % 2 ? 0x88a8 : 0x8100);
	}
	h->ip_ver = rnd() % 8 == 0 ? 0 : (rnd() % 3 ? 4 : 6);
	h->ethertype = h->ip_ver ? 0 : 0x0806;
	for (unsigned i = 0; i < 16; i++) {
		h->ip_src[i] = (uint8_t)rnd();
		h->ip_dst[i] = (uint8_t)rnd();
	}
	h->l4_proto = protos[rnd() % sizeof(protos)];
	h->sport = rnd() % 4 ? (uint16_t)rnd() : ports[rnd() % 6];
	h->dport = rnd() % 4 ? (uint16_t)rnd() : ports[rnd() % 6];
	if (rnd() % 8 == 0) {
		h->frag_off = (uint16_t)(rnd() % 3);
		h->more_frags = (uint8_t)(rnd() % 2);
	}
	h->ipv4_opt_words = rnd() % 8 == 0 ? (uint8_t)(rnd() % 4) : 0;
	h->n_ext = h->ip_ver == 6 && rnd() % 6 == 0 ? (uint8_t)(1 + rnd() % 2) : 0;
	for (unsigned i = 0; i < h->n_ext; i++)
		h->ext[i] = exts[rnd() % sizeof(exts)];
	h->payload_len = (uint16_t)(rnd() % 120);
}

static int random_frame(uint8_t *buf, size_t cap)
{
	struct snic_craft c = {0};
	int len;

	do {
		random_hdr(&c.outer, false);
		c.tunnel = rnd() % 5 == 0 ? (uint8_t)(1 + rnd() % 4) : 0;
		if (c.tunnel) {
			c.outer.ip_ver = rnd() % 2 ? 4 : 6;
			c.outer.l4_proto = c.tunnel == SNIC_TUN_GRE ? 47 : 17;
			c.outer.dport = 0;
			c.outer.frag_off = 0;
			c.outer.more_frags = 0;
			c.tun_id = (uint32_t)rnd();
			c.gre_key = (uint8_t)(rnd() % 2);
			random_hdr(&c.inner, true);
			if (!c.inner.ip_ver)
				c.inner.ip_ver = 4;
		}
		len = snic_craft_frame(&c, buf, cap);
	} while (len < 0);
	return len;
}

/* The direct read against the parser, on well-formed frames, cut ones and
 * ones with a byte changed among the headers. */
Test(flow, direct_key_matches_the_parser)
{
	uint8_t buf[2048];
	unsigned fast = 0;

	for (unsigned i = 0; i < 200000; i++) {
		int len = random_frame(buf, sizeof(buf));
		struct snic_pkt pkt;

		if (i % 3 == 1)
			len = (int)(rnd() % ((unsigned)len + 1));
		if (i % 3 == 2 && len > 0)
			buf[rnd() % (len < 80 ? (unsigned)len : 80)] ^=
				(uint8_t)(1u << (rnd() % 8));
		snic_parse(buf, (uint32_t)len, &pkt);
		cr_assert_eq(an_flow_key_frame(buf, (uint32_t)len), an_flow_key(&pkt),
			     "frame %u (%d bytes): keys differ", i, len);
		fast += pkt.tunnel == SNIC_TUN_NONE && pkt.status == SNIC_PARSE_OK;
	}
	cr_assert_gt(fast, 10000, "too few plain frames were tried");
}

Test(flow, keys_of_many_flows_differ)
{
	uint8_t buf[256];
	struct an_ftab t;
	bool fresh;

	cr_assert_eq(an_ftab_init(&t, 1u << 17), 0);
	for (uint32_t i = 0; i < 100000; i++) {
		int len = craft_udp(buf, sizeof(buf), i, (uint16_t)(i * 7), 53, 0);

		cr_assert_not_null(an_ftab_get(&t, key_of(buf, len), &fresh));
		cr_assert(fresh, "flow %u collided", i);
	}
	an_ftab_free(&t);
}

Test(flow, names_a_flow_as_tcpdump_would)
{
	uint8_t buf[256];
	int len = craft_udp(buf, sizeof(buf), 0x000102, 1000, 80, 0);
	struct snic_pkt pkt;
	struct an_fdesc d;
	char s[128];

	snic_parse(buf, (uint32_t)len, &pkt);
	an_flow_describe(&pkt, &d);
	cr_assert_str_eq(an_flow_format(&d, s, sizeof(s)), "udp4 10.0.1.2:1000 > 192.0.0.1:80");
	/* A short buffer is cut, not overrun. */
	cr_assert_str_eq(an_flow_format(&d, s, 8), "udp4 10");
}

Test(flow, table_stops_at_its_cap)
{
	struct an_ftab t;
	bool fresh;

	cr_assert_eq(an_ftab_init(&t, 5000), 0);
	for (uint64_t k = 1; k <= 5000; k++) {
		struct an_fent *e = an_ftab_get(&t, rnd() | 1, &fresh);

		cr_assert(e && fresh);
		e->frames = k;
	}
	cr_assert_null(an_ftab_get(&t, rnd() | 1, &fresh), "took a flow past the cap");
	cr_assert_eq(t.n, 5000);
	cr_assert_leq(t.mask + 1, t.max_slots);
	an_ftab_free(&t);
}

Test(flow, table_finds_every_flow_after_growing)
{
	uint64_t keys[20000];
	struct an_ftab t;
	bool fresh;

	cr_assert_eq(an_ftab_init(&t, 1u << 20), 0);
	for (unsigned i = 0; i < 20000; i++) {
		keys[i] = rnd() | 1;
		an_ftab_get(&t, keys[i], &fresh)->frames = i + 1;
	}
	for (unsigned i = 0; i < 20000; i++) {
		struct an_fent *e = an_ftab_get(&t, keys[i], &fresh);

		cr_assert(!fresh && e->frames == i + 1, "flow %u lost", i);
	}
	an_ftab_free(&t);
}

/* Slots start on cache lines, before and after the table grows: the line
 * an_ftab_prefetch() fetches holds the whole entry. */
Test(flow, table_slots_sit_on_cache_lines)
{
	struct an_ftab t;
	bool fresh;

	cr_assert_eq(an_ftab_init(&t, 1u << 16), 0);
	cr_assert_eq((uintptr_t)t.slot % 64, 0);
	for (unsigned i = 0; i < 10000; i++)
		an_ftab_get(&t, rnd() | 1, &fresh);
	cr_assert_gt(t.mask + 1, 4096, "the table did not grow");
	cr_assert_eq((uintptr_t)t.slot % 64, 0);
	an_ftab_free(&t);
}

/* The busiest-flow table against a count of every flow: after any stream
 * of frames, the counts it keeps are the k largest. */
static void top_against_naive(unsigned k, unsigned nflows, unsigned frames, bool skewed)
{
	uint64_t *count = calloc(nflows, sizeof(*count)), *sorted;
	struct an_top_ent *ents = calloc(k, sizeof(*ents));
	const struct an_top_ent *order[AN_TOP_MAX];
	uint8_t buf[256];
	int len = craft_udp(buf, sizeof(buf), 1, 2, 3, 0);
	struct snic_frame fr = {buf, (uint32_t)len};
	struct an_top t;
	unsigned n;

	an_top_init(&t, ents, k);
	for (unsigned i = 0; i < frames; i++) {
		unsigned f = (unsigned)(rnd() % nflows);

		if (skewed)
			f = (unsigned)(rnd() % (f + 1));
		count[f]++;
		an_top_update(&t, f + 1, count[f], count[f] * 64, &fr);
	}
	sorted = malloc(nflows * sizeof(*sorted));
	memcpy(sorted, count, nflows * sizeof(*sorted));
	for (unsigned i = 0; i < nflows; i++)
		for (unsigned j = i + 1; j < nflows && i < k; j++)
			if (sorted[j] > sorted[i]) {
				uint64_t x = sorted[i];

				sorted[i] = sorted[j];
				sorted[j] = x;
			}
	n = an_top_sorted(&t, order);
	cr_assert_eq(n, k < nflows ? k : nflows);
	for (unsigned i = 0; i < n; i++) {
		cr_assert_eq(order[i]->frames, sorted[i], "rank %u: %llu, not %llu", i,
			     (unsigned long long)order[i]->frames, (unsigned long long)sorted[i]);
		cr_assert_eq(order[i]->frames, count[order[i]->key - 1], "rank %u: stale count", i);
		cr_assert_eq(order[i]->bytes, order[i]->frames * 64);
	}
	free(sorted);
	free(ents);
	free(count);
}

Test(top, keeps_the_largest_counts_uniform)
{
	for (unsigned k = 1; k <= 8; k++)
		top_against_naive(k, 50, 20000, false);
}

Test(top, keeps_the_largest_counts_skewed)
{
	top_against_naive(3, 1000, 100000, true);
	top_against_naive(AN_TOP_MAX, 5000, 100000, true);
}

Test(top, fewer_flows_than_slots)
{
	top_against_naive(8, 3, 100, false);
}

Test(top, k_zero_keeps_nothing)
{
	struct an_top t;
	struct snic_frame fr = {NULL, 0};

	an_top_init(&t, NULL, 0);
	an_top_update(&t, 1, 5, 5, &fr);
	cr_assert_eq(t.n, 0);
}

static void hll_within(unsigned n, double tol)
{
	struct an_hll *h = calloc(1, sizeof(*h));
	uint64_t est;

	for (unsigned i = 0; i < n; i++) {
		uint64_t k = rnd();

		an_hll_add(h, k);
		an_hll_add(h, k); /* twice: counted once */
	}
	est = an_hll_estimate(h);
	cr_assert(fabs((double)est - n) <= tol * n + 1, "%u flows estimated %llu", n,
		  (unsigned long long)est);
	free(h);
}

Test(hll, estimates_within_its_error)
{
	struct an_hll h = {0};

	cr_assert_eq(an_hll_estimate(&h), 0);
	hll_within(10, 0.1);
	hll_within(1000, 0.05);
	hll_within(100000, 0.1);
	hll_within(1000000, 0.1);
}

/* ================================================================== */
/* The command                                                         */
/* ================================================================== */

struct run {
	int status;
	char *out;
	char err[4096];
};

static char tmpdir[64];

static void setup_dir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/snic-test-analyze-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

static const char *tpath(const char *name)
{
	static char bufs[8][128];
	static unsigned next;
	char *b = bufs[next++ % 8];

	snprintf(b, 128, "%s/%s", tmpdir, name);
	return b;
}

static char *slurp_fd(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	ssize_t got;

	lseek(fd, 0, SEEK_SET);
	while ((got = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)got;
		if (n + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	buf[n] = '\0';
	close(fd);
	if (len)
		*len = n;
	return buf;
}

static int anon_fd(void)
{
	char path[] = "/tmp/snic-test-analyze-out-XXXXXX";
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	unlink(path);
	return fd;
}

/* Run $SNIC_BIN with the NULL-terminated @args, stdin read from @in. */
static void run_in(struct run *r, const char *in, const char *const *args)
{
	const char *bin = getenv("SNIC_BIN");
	char *argv[64] = {(char *)bin};
	posix_spawn_file_actions_t fa;
	int fo = anon_fd(), fe = anon_fd(), st, i;
	char *err;
	pid_t pid;

	cr_assert_not_null(bin, "SNIC_BIN is not set");
	for (i = 0; args[i] && i < 62; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fo, 1);
	posix_spawn_file_actions_adddup2(&fa, fe, 2);
	cr_assert_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = slurp_fd(fo, NULL);
	err = slurp_fd(fe, NULL);
	snprintf(r->err, sizeof(r->err), "%s", err);
	free(err);
}

static void run_v(struct run *r, const char *const *args)
{
	run_in(r, "/dev/null", args);
}

#define RUN(r, ...)                                                                                \
	do {                                                                                       \
		const char *const args_[] = {__VA_ARGS__, NULL};                                   \
		run_v((r), args_);                                                                 \
	} while (0)

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* Two VFs on an 82599: vf0 plain, vf1 behind port VLAN 100; the PF
 * spreads its frames by RETA weights 1 and 3. */
static const char cfg_2vf[] = "profile: ixgbe-82599\n"
			      "pf:\n"
			      "  mac: 02:00:00:00:00:01\n"
			      "numvfs: 2\n"
			      "vfs:\n"
			      "  vf0:\n"
			      "    mac: 02:00:00:00:00:10\n"
			      "  vf1:\n"
			      "    mac: 02:00:00:00:00:11\n"
			      "    vlan: 100\n"
			      "rss:\n"
			      "  weight: [1, 3]\n";

#define VF0 "02:00:00:00:00:10"
#define VF1 "02:00:00:00:00:11"

static const char *config(void)
{
	const char *path = tpath("nic.yaml");

	write_file(path, cfg_2vf);
	return path;
}

/* snic gen into @name with the extra options; returns the path. */
#define GEN(name, ...)                                                                             \
	({                                                                                         \
		struct run g_;                                                                     \
		const char *p_ = tpath(name);                                                      \
		RUN(&g_, "gen", "-o", p_, __VA_ARGS__);                                            \
		cr_assert_eq(g_.status, 0, "snic gen: %s", g_.err);                                \
		free(g_.out);                                                                      \
		p_;                                                                                \
	})

/* snic analyze -j: the last line is the summary. */
static struct jv *analyze_json(struct run *r, int status, const char *const *args)
{
	const char *argv[32] = {"-j", "analyze"};
	char *last;
	unsigned i;

	for (i = 0; args[i]; i++)
		argv[i + 2] = args[i];
	argv[i + 2] = NULL;
	run_v(r, argv);
	cr_assert_eq(r->status, status, "exit %d, not %d: %s", r->status, status, r->err);
	cr_assert(r->out[0], "no output: %s", r->err);
	r->out[strlen(r->out) - 1] = '\0';
	last = strrchr(r->out, '\n');
	return jparse(last ? last + 1 : r->out);
}

#define ANALYZE(r, status, ...)                                                                    \
	({                                                                                         \
		const char *const a_[] = {__VA_ARGS__, NULL};                                      \
		analyze_json((r), (status), a_);                                                   \
	})

/* Every frame is counted once: delivered or dropped, and what the vports
 * got adds up to the copies. */
static void check_conservation(struct jv *j, unsigned run, uint64_t frames)
{
	char p[64];
	uint64_t drops = 0, copies = 0;
	struct jv *d, *vps;

	snprintf(p, sizeof(p), "runs.%u.rx.drops", run);
	d = jat(j, p);
	for (unsigned i = 0; i < d->n; i++)
		drops += (uint64_t)d->kids[i]->num;
	snprintf(p, sizeof(p), "runs.%u", run);
	cr_assert_eq(ju(jat(j, p), "rx.in"), frames);
	cr_assert_eq(ju(jat(j, p), "rx.dropped"), drops);
	cr_assert_eq(ju(jat(j, p), "rx.delivered") + drops, frames, "in != delivered + dropped");
	snprintf(p, sizeof(p), "runs.%u.vports", run);
	vps = jat(j, p);
	for (unsigned i = 0; i < vps->n; i++) {
		uint64_t qsum = 0;
		struct jv *qs = jat(vps->kids[i], "queues");

		for (unsigned q = 0; q < qs->n; q++)
			qsum += ju(qs->kids[q], "frames");
		cr_assert_eq(qsum, ju(vps->kids[i], "frames"));
		copies += qsum;
	}
	snprintf(p, sizeof(p), "runs.%u.copies", run);
	cr_assert_eq(ju(j, p), copies);
}

TestSuite(cmd, .init = setup_dir, .fini = teardown_dir, .timeout = 120);

Test(cmd, a_vfs_mac_reaches_that_vf_only)
{
	const char *t = GEN("t.pcap", "--frames", "3000", "--flows", "300", "--dst", VF0);
	struct run r;
	struct jv *j = ANALYZE(&r, 0, "-c", config(), t);

	cr_assert_eq(ju(j, "frames"), 3000);
	cr_assert_eq(ju(jvport(j, 0, "vf0"), "frames"), 3000);
	cr_assert_eq(ju(jvport(j, 0, "vf1"), "frames"), 0);
	cr_assert_eq(ju(jvport(j, 0, "pf"), "frames"), 0);
	cr_assert_eq(ju(jvport(j, 0, "vf0"), "flows"), 300);
	check_conservation(j, 0, 3000);
	jfree(j);
	free(r.out);
}

Test(cmd, broadcast_reaches_every_pool_that_takes_it)
{
	const char *plain = GEN("b.pcap", "--frames", "2000", "--bcast", "100");
	const char *tagged = GEN("b100.pcap", "--frames", "1000", "--bcast", "100@100");
	struct run r;
	struct jv *j = ANALYZE(&r, 0, "-c", config(), plain);

	/* Untagged: vf0 and the PF; vf1's port VLAN refuses it. */
	cr_assert_eq(ju(jvport(j, 0, "vf0"), "frames"), 2000);
	cr_assert_eq(ju(jvport(j, 0, "pf"), "frames"), 2000);
	cr_assert_eq(ju(jvport(j, 0, "vf1"), "frames"), 0);
	cr_assert_eq(ju(jvport(j, 0, "vf1"), "drops.vlan_filtered"), 2000);
	cr_assert_eq(ju(jvport(j, 0, "vf0"), "queues.0.bcast") +
			     ju(jvport(j, 0, "vf0"), "queues.1.bcast") +
			     ju(jvport(j, 0, "vf0"), "queues.2.bcast") +
			     ju(jvport(j, 0, "vf0"), "queues.3.bcast"),
		     2000);
	check_conservation(j, 0, 2000);
	jfree(j);
	free(r.out);

	/* Tagged 100: vf1 and the PF (no VLAN filter); vf0 takes no VLAN. */
	j = ANALYZE(&r, 0, "-c", config(), tagged);
	cr_assert_eq(ju(jvport(j, 0, "vf1"), "frames"), 1000);
	cr_assert_eq(ju(jvport(j, 0, "pf"), "frames"), 1000);
	cr_assert_eq(ju(jvport(j, 0, "vf0"), "frames"), 0);
	check_conservation(j, 0, 1000);
	jfree(j);
	free(r.out);
}

Test(cmd, unknown_unicast_reaches_the_pf)
{
	const char *t = GEN("u.pcap", "--frames", "2000", "--unknown", "100");
	struct run r;
	struct jv *j = ANALYZE(&r, 0, "-c", config(), t);

	cr_assert_eq(ju(jvport(j, 0, "pf"), "frames"), 2000);
	cr_assert_eq(ju(jvport(j, 0, "vf0"), "frames"), 0);
	cr_assert_eq(ju(jvport(j, 0, "vf1"), "frames"), 0);
	check_conservation(j, 0, 2000);
	jfree(j);
	free(r.out);
}

Test(cmd, a_port_vlan_filters)
{
	const char *tagged = GEN("v1.pcap", "--frames", "1500", "--dst", VF1 "@100");
	const char *plain = GEN("v0.pcap", "--frames", "1500", "--dst", VF1);
	const char *other = GEN("v2.pcap", "--frames", "1500", "--dst", VF1 "@200");
	struct run r;
	struct jv *j = ANALYZE(&r, 0, "-c", config(), tagged);

	cr_assert_eq(ju(jvport(j, 0, "vf1"), "frames"), 1500);
	jfree(j);
	free(r.out);
	j = ANALYZE(&r, 0, "-c", config(), plain, other);
	cr_assert_eq(ju(jvport(j, 0, "vf1"), "frames"), 0);
	cr_assert_eq(ju(j, "runs.0.rx.drops.vlan_filtered"), 3000);
	cr_assert_eq(ju(jvport(j, 0, "vf1"), "drops.vlan_filtered"), 3000);
	check_conservation(j, 0, 3000);
	jfree(j);
	free(r.out);
}

Test(cmd, queue_shares_follow_the_reta_weights)
{
	const char *t = GEN("w.pcap", "--frames", "40000", "--flows", "20000", "--unknown", "100");
	struct run r;
	struct jv *j = ANALYZE(&r, 0, "-c", config(), t);
	struct jv *pf = jvport(j, 0, "pf");

	/* weight 1 3 over the 128-entry RETA: queue 0 a quarter, queue 1 the rest. */
	cr_assert_eq(ju(pf, "frames"), 40000);
	cr_assert(fabs(jnum(pf, "queues.0.share") - 0.25) < 0.03, "queue 0 share %f",
		  jnum(pf, "queues.0.share"));
	cr_assert(fabs(jnum(pf, "queues.1.share") - 0.75) < 0.03, "queue 1 share %f",
		  jnum(pf, "queues.1.share"));
	cr_assert_eq(ju(pf, "queues.2.frames"), 0);
	cr_assert_eq(ju(pf, "queues.3.frames"), 0);
	/* An idle queue: (max-min)/min has no value, Jain's index is low. */
	cr_assert_eq(jat(pf, "imbalance.max_min")->t, J_NULL);
	cr_assert(jnum(pf, "imbalance.max_mean") > 2.8 && jnum(pf, "imbalance.max_mean") < 3.2);
	cr_assert(jnum(pf, "imbalance.jain") < 0.5);
	/* The shared RETA: every bucket named with the queue it maps to. */
	cr_assert_str_eq(jat(j, "runs.0.buckets.0.reta")->str, "shared");
	cr_assert_eq(ju(j, "runs.0.buckets.0.size"), 128);
	cr_assert_eq(ju(j, "runs.0.buckets.0.frames"), 40000);
	cr_assert_leq(ju(j, "runs.0.buckets.0.used"), 128);
	cr_assert_geq(ju(j, "runs.0.buckets.0.load.0.frames"),
		      ju(j, "runs.0.buckets.0.load.1.frames"));
	cr_assert_leq(ju(j, "runs.0.buckets.0.load.0.queue"), 1);
	check_conservation(j, 0, 40000);
	jfree(j);
	free(r.out);
}

Test(cmd, conservation_on_a_mixed_trace)
{
	const char *t = GEN("m.pcap", "--frames", "20000", "--flows", "2000", "--dst",
			    VF0 ":2," VF1 "@100:1," VF1 ":1", "--bcast", "5", "--mcast", "5",
			    "--unknown", "10", "--proto", "tcp:5,udp:4,sctp:1", "--ipv6", "30",
			    "--frag", "5", "--tunnel", "vxlan:5,gtpu:5");
	struct run r;
	struct jv *j = ANALYZE(&r, 0, "-c", config(), "--top", "5", t);

	check_conservation(j, 0, 20000);
	cr_assert_gt(ju(j, "runs.0.rx.drops.vlan_filtered"), 0);
	cr_assert_leq(jat(jvport(j, 0, "vf0"), "queues.0.top_flows")->n, 5);
	jfree(j);
	free(r.out);
}

Test(cmd, busiest_flows_come_first)
{
	const char *t = GEN("e.pcap", "--frames", "10000", "--flows", "100", "--dist",
			    "elephants:1:60", "--dst", VF0);
	struct run r;
	struct jv *j = ANALYZE(&r, 0, "-c", config(), t);
	struct jv *vf0 = jvport(j, 0, "vf0");
	uint64_t best = 0;

	for (unsigned q = 0; q < 4; q++) {
		char p[64];
		struct jv *tf;

		snprintf(p, sizeof(p), "queues.%u.top_flows", q);
		tf = jat(vf0, p);
		cr_assert_leq(tf->n, AN_TOP_DEFAULT);
		for (unsigned i = 1; i < tf->n; i++)
			cr_assert_geq(ju(tf->kids[i - 1], "frames"), ju(tf->kids[i], "frames"));
		if (tf->n && ju(tf->kids[0], "frames") > best)
			best = ju(tf->kids[0], "frames");
		if (tf->n)
			cr_assert(strstr(jat(tf->kids[0], "flow")->str, " > "), "flow name");
	}
	/* The elephant carries about 60 % of the frames. */
	cr_assert_gt(best, 5000);
	jfree(j);
	free(r.out);
}

Test(cmd, flows_beyond_the_table_are_estimated)
{
	const char *t = GEN("f.pcap", "--frames", "40000", "--flows", "20000", "--dst", VF0);
	struct run r;
	struct jv *j = ANALYZE(&r, 0, "-c", config(), t);
	double exact = jnum(jvport(j, 0, "vf0"), "flows"), flows;

	/* Not every flow of 20000 gets one of 40000 frames: the exact count. */
	cr_assert(!jat(j, "runs.0.flows_approx")->b);
	cr_assert_eq(ju(j, "runs.0.flows_tracked"), exact);
	jfree(j);
	free(r.out);
	j = ANALYZE(&r, 0, "-c", config(), "--max-flows", "2000", t);
	flows = jnum(jvport(j, 0, "vf0"), "flows");
	cr_assert(jat(j, "runs.0.flows_approx")->b);
	cr_assert_eq(ju(j, "runs.0.flows_tracked"), 2000);
	cr_assert(fabs(flows - exact) < 0.05 * exact, "estimated %f flows of %f", flows, exact);
	jfree(j);
	free(r.out);
}

Test(cmd, pcapng_reads_as_pcap)
{
	const char *a = GEN("a.pcap", "--frames", "2000", "--dst", VF0 "," VF1 "@100");
	const char *b =
		GEN("a.pcapng", "--frames", "2000", "--dst", VF0 "," VF1 "@100", "--pcapng");
	struct run r1, r2;
	struct jv *j1 = ANALYZE(&r1, 0, "-c", config(), a);
	struct jv *j2 = ANALYZE(&r2, 0, "-c", config(), b);

	cr_assert_eq(ju(jvport(j1, 0, "vf0"), "frames"), ju(jvport(j2, 0, "vf0"), "frames"));
	cr_assert_eq(ju(jvport(j1, 0, "vf1"), "queues.2.frames"),
		     ju(jvport(j2, 0, "vf1"), "queues.2.frames"));
	jfree(j1);
	jfree(j2);
	free(r1.out);
	free(r2.out);
}

Test(cmd, several_traces_add_up)
{
	const char *a = GEN("a.pcap", "--frames", "1000", "--dst", VF0);
	const char *b = GEN("b.pcap", "--frames", "500", "--unknown", "100", "--seed", "2");
	struct run r;
	struct jv *j = ANALYZE(&r, 0, "-c", config(), a, b);

	cr_assert_eq(ju(j, "frames"), 1500);
	cr_assert_eq(jat(j, "traces")->n, 2);
	cr_assert_eq(ju(j, "traces.1.frames"), 500);
	cr_assert_eq(jat(j, "traces.1.error")->t, J_NULL);
	cr_assert_eq(ju(jvport(j, 0, "pf"), "frames"), 500);
	jfree(j);
	free(r.out);
}

Test(cmd, a_trace_on_stdin_reads_as_a_file)
{
	const char *t = GEN("s.pcap", "--frames", "20000", "--flows", "500", "--size", "imix",
			    "--dst", VF0 "," VF1 "@100", "--bcast", "5");
	const char *const file[] = {"-j", "analyze", "-c", config(), t, NULL};
	const char *const pipe[] = {"-j", "analyze", "-c", config(), "-", NULL};
	struct run a, b;

	char *at, *want;

	run_v(&a, file);
	run_in(&b, t, pipe);
	cr_assert_eq(a.status, 0, "%s", a.err);
	cr_assert_eq(b.status, 0, "%s", b.err);
	/* The same report, the trace named "-". */
	at = strstr(a.out, t);
	cr_assert_not_null(at);
	cr_assert_gt(asprintf(&want, "%.*s-%s", (int)(at - a.out), a.out, at + strlen(t)), 0);
	cr_assert_str_eq(b.out, want);
	free(want);
	free(a.out);
	free(b.out);
}

/* Write a pcap of @n frames: frame i is lens[i] bytes, a UDP frame of
 * one flow cut to its first @cut bytes when @cut is nonzero. */
static void write_lengths(const char *path, const uint32_t *lens, unsigned n, uint32_t cut)
{
	const uint32_t head[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
	static uint8_t buf[2048];
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	fwrite(head, sizeof(head), 1, f);
	for (unsigned i = 0; i < n; i++) {
		uint32_t len = cut ? cut : lens[i], cap = lens[i];
		const uint32_t rec[4] = {1, i, cap, len};

		cr_assert_eq(craft_udp(buf, sizeof(buf), 7, 1000, 53, len - 42), (int)len);
		fwrite(rec, sizeof(rec), 1, f);
		fwrite(buf, cap, 1, f);
	}
	cr_assert_eq(fclose(f), 0);
}

/* Whole UDP frames of one flow, of every length, more than the reader's
 * chunks hold at once: the model sees each as the reader keyed it, so all
 * land in one queue as one flow, with their bytes. */
Test(cmd, frames_of_every_length_are_copied_whole)
{
	enum {
		MIN = 42,
		MAX = 1514,
		N = 100000
	};
	static uint32_t lens[N];
	const char *t = tpath("lengths.pcap");
	uint64_t bytes = 0, busiest = 0;
	struct jv *j, *vf0, *tf = NULL;
	struct run r;

	for (unsigned i = 0; i < N; i++) {
		lens[i] = i <= MAX - MIN ? MIN + i : MIN + (uint32_t)(rnd() % (MAX - MIN + 1));
		bytes += lens[i];
	}
	write_lengths(t, lens, N, 0);
	j = ANALYZE(&r, 0, "-c", config(), t);
	vf0 = jvport(j, 0, "vf0");
	cr_assert_eq(ju(j, "bytes"), bytes);
	cr_assert_eq(ju(vf0, "frames"), N);
	cr_assert_eq(ju(vf0, "bytes"), bytes);
	cr_assert_eq(ju(vf0, "flows"), 1);
	for (unsigned q = 0; q < 4; q++) {
		char p[64];

		snprintf(p, sizeof(p), "queues.%u.top_flows", q);
		if (jat(vf0, p)->n)
			tf = jat(vf0, p)->kids[0];
		busiest += jat(vf0, p)->n;
	}
	cr_assert_eq(busiest, 1);
	cr_assert_eq(ju(tf, "frames"), N);
	cr_assert_eq(ju(tf, "bytes"), bytes);
	cr_assert_str_eq(jat(tf, "flow")->str, "udp4 10.0.0.7:1000 > 192.0.0.1:53");
	jfree(j);
	free(r.out);
}

/* Frames cut short of their headers, 1 to 63 captured bytes of a
 * 64-byte frame to vf0: each is counted once, with its own bytes; the
 * ones with a whole Ethernet header reach vf0, the others are malformed. */
Test(cmd, frames_cut_short_are_counted)
{
	enum {
		N = 63
	};
	uint32_t lens[N];
	const char *t = tpath("short.pcap");
	uint64_t bytes = 0, eth_bytes = 0;
	struct run r;
	struct jv *j;

	for (unsigned i = 0; i < N; i++) {
		bytes += lens[i] = i + 1;
		eth_bytes += lens[i] >= 14 ? lens[i] : 0;
	}
	write_lengths(t, lens, N, 64);
	j = ANALYZE(&r, 0, "-c", config(), t);
	cr_assert_eq(ju(j, "frames"), N);
	cr_assert_eq(ju(j, "bytes"), bytes);
	check_conservation(j, 0, N);
	cr_assert_eq(ju(j, "runs.0.rx.drops.malformed"), 13);
	cr_assert_eq(ju(jvport(j, 0, "vf0"), "frames"), N - 13);
	cr_assert_eq(ju(jvport(j, 0, "vf0"), "bytes"), eth_bytes);
	jfree(j);
	free(r.out);
}

/* Cut @path inside frame @n (of 64-byte frames: 60 bytes captured). */
static void cut_inside(const char *path, unsigned n)
{
	off_t at = 24 + (off_t)(n - 1) * (16 + 60) + 16 + 30;

	cr_assert_eq(truncate(path, at), 0);
}

Test(cmd, a_damaged_trace_is_read_up_to_the_damage)
{
	const char *t = GEN("d.pcap", "--frames", "100", "--dst", VF0);
	struct run r;
	struct jv *j;

	cut_inside(t, 51);
	j = ANALYZE(&r, 1, "-c", config(), t);
	cr_assert_eq(ju(j, "frames"), 50);
	cr_assert_eq(ju(jvport(j, 0, "vf0"), "frames"), 50);
	cr_assert(strstr(jat(j, "traces.0.error")->str, "frame 51"), "%s",
		  jat(j, "traces.0.error")->str);
	cr_assert(strstr(r.err, "frame 51") && strstr(r.err, "d.pcap"), "stderr: %s", r.err);
	cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "one line: %s", r.err);
	jfree(j);
	free(r.out);

	/* The text report is printed too. */
	RUN(&r, "analyze", "-c", config(), t);
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.out, "damaged at frame 51"), "%s", r.out);
	cr_assert(strstr(r.out, "vf0"));
	free(r.out);
}

Test(cmd, windows_tile_the_capture)
{
	const char *t = GEN("t.pcap", "--frames", "1000", "--rate", "1kpps", "--dst", VF0);
	struct run r;
	struct jv *j = ANALYZE(&r, 0, "-c", config(), "--window", "100ms", t), *w;
	char *line, *save = NULL;
	unsigned nwin = 0;
	uint64_t in = 0;

	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "{\"window\"", 9)) {
			w = jparse(line);
			cr_assert_eq(ju(w, "window"), nwin);
			cr_assert(fabs(jnum(w, "start") - nwin * 0.1) < 1e-9);
			cr_assert(fabs(jnum(w, "end") - (nwin + 1) * 0.1) < 1e-9);
			in += ju(w, "rx.in");
			cr_assert_str_eq(jat(w, "profile")->str, "ixgbe-82599");
			cr_assert_not_null(jat(w, "vports.0.queues.0.top_flows"));
			nwin++;
			jfree(w);
		}
	}
	cr_assert_eq(nwin, 10);
	cr_assert_eq(in, 1000);
	cr_assert_eq(ju(j, "window_ns"), 100000000);
	w = jat(j, "runs.0.worst_window");
	cr_assert(w && w->t == J_OBJ, "no worst window");
	cr_assert_str_eq(jat(w, "function")->str, "vf0");
	cr_assert_geq(jnum(w, "max_mean"), 1.0);
	jfree(j);
	free(r.out);
}

Test(cmd, windows_in_text)
{
	const char *t = GEN("t.pcap", "--frames", "600", "--rate", "1kpps", "--dst", VF0);
	struct run r;

	RUN(&r, "analyze", "-c", config(), "--window", "0.2s", t);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "window 0 [0.000, 0.200) s"), "%s", r.out);
	cr_assert(strstr(r.out, "window 2 [0.400, 0.600) s"), "%s", r.out);
	cr_assert(strstr(r.out, "worst window"), "%s", r.out);
	free(r.out);
}

Test(cmd, compare_runs_each_profile)
{
	const char *t = GEN("c.pcap", "--frames", "4000", "--flows", "1000", "--dst", VF0);
	struct run r;
	struct jv *j = ANALYZE(&r, 0, "-c", config(), "--compare", "ixgbe-82599,ixgbe-x550", t);

	cr_assert_eq(jat(j, "runs")->n, 2);
	cr_assert_str_eq(jat(j, "runs.0.profile")->str, "ixgbe-82599");
	cr_assert_str_eq(jat(j, "runs.1.profile")->str, "ixgbe-x550");
	for (unsigned i = 0; i < 2; i++) {
		cr_assert_eq(ju(jvport(j, i, "vf0"), "frames"), 4000);
		check_conservation(j, i, 4000);
	}
	/* The X550 has a RETA per pool: vf0's own. */
	cr_assert_str_eq(jat(j, "runs.1.buckets.0.reta")->str, "vf0");
	jfree(j);
	free(r.out);

	RUN(&r, "analyze", "-c", config(), "--compare", "ixgbe-82599,ixgbe-x550", t);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "ixgbe-82599") && strstr(r.out, "ixgbe-x550"), "%s", r.out);
	cr_assert(strstr(r.out, "vf0 q0"), "%s", r.out);
	free(r.out);
}

static void check_magic(const char *path, const char *magic, size_t n)
{
	char buf[16] = {0};
	struct stat st;
	FILE *f = fopen(path, "rb");

	cr_assert_not_null(f, "%s was not written", path);
	cr_assert_eq(fread(buf, 1, n, f), n);
	fclose(f);
	cr_assert_eq(memcmp(buf, magic, n), 0, "%s: bad magic", path);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_gt(st.st_size, 1000);
}

Test(cmd, plot_draws_svg_and_png)
{
	const char *t =
		GEN("p.pcap", "--frames", "3000", "--rate", "10kpps", "--dst", VF0 "," VF1 "@100");
	const char *svg = tpath("out.svg"), *png = tpath("out.png");
	struct run r;
	char *svg_head;
	FILE *f;

	RUN(&r, "analyze", "-c", config(), "--plot", svg, t);
	cr_assert_eq(r.status, 0, "%s", r.err);
	free(r.out);
	f = fopen(svg, "r");
	cr_assert_not_null(f);
	svg_head = calloc(1, 512);
	cr_assert_gt(fread(svg_head, 1, 511, f), 0);
	fclose(f);
	cr_assert(strstr(svg_head, "<svg"), "not an SVG: %.80s", svg_head);
	free(svg_head);
	check_magic(svg, "<?xml", 5);

	RUN(&r, "analyze", "-c", config(), "--window", "50ms", "--compare",
	    "ixgbe-82599,ixgbe-x550", "--plot", png, t);
	cr_assert_eq(r.status, 0, "%s", r.err);
	free(r.out);
	check_magic(png, "\x89PNG\r\n\x1a\n", 8);
}

Test(cmd, json_shape)
{
	const char *t = GEN("s.pcap", "--frames", "500", "--dst", VF0);
	static const char *const keys[] = {
		"config", "traces", "frames", "bytes", "duration", "first_ts", "runs",
	};
	static const char *const run_keys[] = {
		"profile", "flows_tracked", "rx", "copies", "flows_approx", "vports", "buckets",
	};
	static const char *const vport_keys[] = {
		"name",	 "vport", "nqueues", "frames",	  "bytes",
		"flows", "share", "drops",   "imbalance", "queues",
	};
	struct run r;
	struct jv *j = ANALYZE(&r, 0, "-c", config(), t), *vf0;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		cr_assert_not_null(jat(j, keys[i]), "no %s", keys[i]);
	for (size_t i = 0; i < sizeof(run_keys) / sizeof(run_keys[0]); i++)
		cr_assert_not_null(jat(jat(j, "runs.0"), run_keys[i]), "no runs.0.%s", run_keys[i]);
	vf0 = jvport(j, 0, "vf0");
	for (size_t i = 0; i < sizeof(vport_keys) / sizeof(vport_keys[0]); i++)
		cr_assert_not_null(jat(vf0, vport_keys[i]), "no vport %s", vport_keys[i]);
	cr_assert_eq(jat(vf0, "drops")->n, SNIC_DROP_COUNT);
	cr_assert_eq(jat(vf0, "queues")->n, 4);
	cr_assert_eq(jnum(vf0, "share"), 1.0);
	cr_assert_null(jat(j, "runs.0.worst_window"), "worst window without --window");
	/* One line, the summary. */
	cr_assert_null(strchr(r.out, '\n'));
	jfree(j);
	free(r.out);
}

Test(cmd, text_report)
{
	const char *t = GEN("x.pcap", "--frames", "500", "--dst", VF0);
	struct run r;

	RUN(&r, "analyze", "-c", config(), t);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "profile ixgbe-82599: in 500, delivered 500, dropped 0"), "%s",
		  r.out);
	cr_assert(strstr(r.out, "busiest flows"));
	cr_assert(strstr(r.out, "RETA buckets by load: shared, 128 entries"), "%s", r.out);
	cr_assert(strstr(r.out, "(max-min)/min"));
	free(r.out);
}

/* A usage error: exit 2 and one line on stderr that names @what. */
static void check_usage_error(struct run *r, const char *what)
{
	cr_assert_eq(r->status, 2, "exit %d: %s", r->status, r->err);
	cr_assert(strstr(r->err, what), "'%s' not named in: %s", what, r->err);
	cr_assert_eq(strchr(r->err, '\n'), r->err + strlen(r->err) - 1, "not one line: %s", r->err);
	cr_assert_eq(r->out[0], '\0', "printed: %s", r->out);
	free(r->out);
}

Test(cmd, errors_name_the_bad_value)
{
	const char *t = GEN("t.pcap", "--frames", "10", "--dst", VF0);
	const char *cfg = config();
	struct run r;

	RUN(&r, "analyze", t);
	check_usage_error(&r, "-c");
	RUN(&r, "analyze", "-c", cfg);
	check_usage_error(&r, "TRACE");
	RUN(&r, "analyze", "-c", tpath("missing.yaml"), t);
	check_usage_error(&r, "missing.yaml");
	RUN(&r, "analyze", "-c", cfg, "--compare", "ixgbe-82599,nosuch", t);
	check_usage_error(&r, "nosuch");
	RUN(&r, "analyze", "-c", cfg, tpath("nothere.pcap"));
	check_usage_error(&r, "nothere.pcap");
	RUN(&r, "analyze", "-c", cfg, cfg);
	check_usage_error(&r, "nic.yaml");
	RUN(&r, "analyze", "-c", cfg, "--window", "10parsecs", t);
	check_usage_error(&r, "10parsecs");
	RUN(&r, "analyze", "-c", cfg, "--plot", tpath("x.pdf"), t);
	check_usage_error(&r, "x.pdf");
	RUN(&r, "analyze", "-c", cfg, "--max-flows", "10", t);
	check_usage_error(&r, "10");
}

/* ---- --balance ---- */

static const char cfg_pf[] = "profile: ixgbe-82599\n"
			     "pf:\n"
			     "  mac: 02:00:00:00:00:01\n";

#define PF "02:00:00:00:00:01"

/* The line of @out that starts with @prefix, parsed. */
static struct jv *json_line(const char *out, const char *prefix)
{
	const char *l = strstr(out, prefix);
	const char *nl;
	char *copy;
	struct jv *j;

	cr_assert_not_null(l, "no %s in: %.300s", prefix, out);
	nl = strchr(l, '\n');
	copy = strndup(l, nl ? (size_t)(nl - l) : strlen(l));
	j = jparse(copy);
	free(copy);
	cr_assert_not_null(j);
	return j;
}

static const char *elephants_trace(void)
{
	return GEN("bal.pcap", "--frames", "100000", "--flows", "2000", "--dist", "elephants:4:30",
		   "--rate", "100kpps", "--dst", PF);
}

Test(cmd, balance_snic_beats_static)
{
	const char *t = elephants_trace();
	const char *cfg = tpath("pf.yaml");
	struct jv *j, *pol;
	struct run r;

	write_file(cfg, cfg_pf);
	j = ANALYZE(&r, 0, "-c", cfg, "--balance", "snic", t);
	jfree(j);
	j = json_line(r.out, "{\"balance\":");
	pol = jat(j, "balance.policies");
	cr_assert_eq(pol->n, 2);
	cr_assert_str_eq(jat(pol->kids[0], "policy")->str, "static");
	cr_assert_str_eq(jat(pol->kids[1], "policy")->str, "snic");
	cr_assert_eq(ju(pol->kids[0], "periods"), 10);
	cr_assert_eq(ju(pol->kids[0], "buckets_moved"), 0);
	cr_assert_gt(ju(pol->kids[1], "buckets_moved"), 0);
	cr_assert_lt(jnum(pol->kids[1], "mean_max_mean"), jnum(pol->kids[0], "mean_max_mean"));
	cr_assert_lt(jnum(pol->kids[1], "mean_max_min"), jnum(pol->kids[0], "mean_max_min"));
	jfree(j);
	free(r.out);
}

Test(cmd, balance_reports_each_period)
{
	const char *t = elephants_trace();
	const char *cfg = tpath("pf.yaml");
	struct jv *j, *p;
	struct run r;

	write_file(cfg, cfg_pf);
	j = ANALYZE(&r, 0, "-c", cfg, "--balance", "rsspp", "--period", "200ms", t);
	jfree(j);
	j = json_line(r.out, "{\"balance_period\":");
	p = jat(j, "balance_period");
	cr_assert_str_eq(jat(p, "policy")->str, "static");
	cr_assert_eq(ju(p, "index"), 0);
	cr_assert_eq(ju(p, "end_ns"), 200000000);
	cr_assert_eq(ju(p, "frames"), 20000);
	cr_assert_gt(jnum(p, "max_mean"), 1);
	cr_assert_not_null(jat(p, "max_min"));
	cr_assert_not_null(jat(p, "buckets_moved"));
	cr_assert_not_null(jat(p, "frames_at_risk"));
	jfree(j);
	cr_assert(strstr(r.out, "\"policy\":\"rsspp\",\"index\":4"), "%.400s", r.out);
	free(r.out);
}

/* --pins: the four elephants are pinned by flow rules of the run, and the
 * moves are counted in flows as well as buckets. */
Test(cmd, balance_pins_heavy_flows)
{
	const char *t = elephants_trace();
	const char *cfg = tpath("pf.yaml");
	struct jv *j, *pol, *p;
	struct run r;

	write_file(cfg, cfg_pf);
	j = ANALYZE(&r, 0, "-c", cfg, "--balance", "snic", "--pins", "8", t);
	jfree(j);
	j = json_line(r.out, "{\"balance\":");
	pol = jat(j, "balance.policies");
	cr_assert_eq(ju(pol->kids[0], "pins_max"), 0);
	cr_assert_eq(ju(pol->kids[1], "pins_max"), 4);
	cr_assert_geq(ju(pol->kids[1], "pin_changes"), 4);
	cr_assert_gt(ju(pol->kids[1], "flows_moved"), 0);
	cr_assert_gt(ju(pol->kids[1], "frames_at_risk"), 0);
	cr_assert_lt(jnum(pol->kids[1], "mean_max_mean"), jnum(pol->kids[0], "mean_max_mean"));
	jfree(j);
	j = json_line(r.out, "{\"balance_period\":{\"policy\":\"snic\",\"index\":0,");
	p = jat(j, "balance_period");
	cr_assert_eq(ju(p, "pins"), 4);
	cr_assert_geq(ju(p, "pin_changes"), 4);
	cr_assert_eq(ju(p, "flows_moved"), 0, "nothing moved before the first step");
	jfree(j);
	free(r.out);
}

/* rsspp's period adapts: it starts at --period and, with nothing to move,
 * steps less often. */
Test(cmd, balance_rsspp_adapts_its_period)
{
	/* 50,000 frames of 100,000 flows a period: even within RSS++'s 2 %. */
	const char *t = GEN("even.pcap", "--frames", "1000000", "--flows", "100000", "--rate",
			    "500kpps", "--dst", PF);
	const char *cfg = tpath("pf.yaml");
	struct jv *j, *pol;
	struct run r;

	write_file(cfg, cfg_pf);
	j = ANALYZE(&r, 0, "-c", cfg, "--balance", "rsspp", t);
	jfree(j);
	cr_assert(strstr(r.out, "\"stepped\":false"), "%.400s", r.out);
	j = json_line(r.out, "{\"balance\":");
	pol = jat(j, "balance.policies");
	cr_assert_eq(ju(pol->kids[1], "periods"), 20);
	cr_assert_lt(ju(pol->kids[1], "steps"), 20);
	cr_assert_eq(ju(pol->kids[0], "steps"), 20);
	jfree(j);
	free(r.out);
}

Test(cmd, balance_bad_policy_is_named)
{
	const char *t = GEN("t.pcap", "--frames", "10", "--dst", PF);
	const char *cfg = tpath("pf.yaml");
	struct run r;

	write_file(cfg, cfg_pf);
	RUN(&r, "analyze", "-c", cfg, "--balance", "fair", t);
	check_usage_error(&r, "fair");
	RUN(&r, "analyze", "-c", cfg, "--balance", "snic", "--period", "soon", t);
	check_usage_error(&r, "soon");
	RUN(&r, "analyze", "-c", cfg, "--period", "100ms", t);
	check_usage_error(&r, "--balance");
	RUN(&r, "analyze", "-c", cfg, "--balance", "rsspp", "--pins", "4", t);
	check_usage_error(&r, "--pins");
}
