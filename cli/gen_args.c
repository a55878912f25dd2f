/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic gen's option values: numbers with units ("10M", "2.5Gbit", "500ms",
 * "20%"), weighted lists ("tcp:60,udp:40"), sizes, distributions and
 * destinations. Each parser is a CLI_FUNC: it fills struct gen_opts, or
 * prints one line naming the bad value and returns 2.
 *
 * Numbers are exact: a decimal with up to 12 digits after the point,
 * scaled by its unit, must come out whole in the unit kept (thousandths
 * of a percent, of a frame per second, nanoseconds).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "gen.h"

#define ITEM_MAX     64 /* longest item of a list */
#define FRAC_DIGITS  12
#define WEIGHT_MAX   (1000000ull * GEN_ONE)
#define FRAMES_MAX   1000000000000ull /* 10^12 */
#define DURATION_MAX GEN_SPAN_MAX_NS
#define PPS_MAX	     (1000000000ull * GEN_ONE)
#define BITS_MAX     (1000000000000000ull * GEN_ONE) /* 1 Pbit/s */
#define ZIPF_MAX     10.0
#define VID_MAX	     4095

struct unit {
	const char *name; /* matched without regard to case */
	uint64_t mult;
	uint8_t pace; /* rates: enum gen_pace */
};

static const struct unit count_units[] = {
	{.name = "", .mult = 1},
	{.name = "k", .mult = 1000},
	{.name = "m", .mult = 1000000},
	{.name = "g", .mult = 1000000000},
};

static const struct unit pct_units[] = {
	{.name = "", .mult = GEN_ONE},
	{.name = "%", .mult = GEN_ONE},
};

static const struct unit time_units[] = {
	{.name = "", .mult = GEN_NS},	 {.name = "s", .mult = GEN_NS},
	{.name = "ms", .mult = 1000000}, {.name = "us", .mult = 1000},
	{.name = "ns", .mult = 1},	 {.name = "min", .mult = 60 * GEN_NS},
};

static const struct unit rate_units[] = {
	{"", GEN_ONE, GEN_PACE_PPS},
	{"pps", GEN_ONE, GEN_PACE_PPS},
	{"kpps", 1000ull * GEN_ONE, GEN_PACE_PPS},
	{"mpps", 1000000ull * GEN_ONE, GEN_PACE_PPS},
	{"gpps", 1000000000ull * GEN_ONE, GEN_PACE_PPS},
	{"bit", GEN_ONE, GEN_PACE_BITS},
	{"kbit", 1000ull * GEN_ONE, GEN_PACE_BITS},
	{"mbit", 1000000ull * GEN_ONE, GEN_PACE_BITS},
	{"gbit", 1000000000ull * GEN_ONE, GEN_PACE_BITS},
	{"tbit", 1000000000000ull * GEN_ONE, GEN_PACE_BITS},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static struct gen_spec *spec_of(void *opts)
{
	return &((struct gen_opts *)opts)->spec;
}

/* ---- numbers ---- */

struct decimal {
	uint64_t whole, frac, scale; /* whole + frac / scale */
};

/* Digits, maybe a point and more digits; returns what follows, or NULL. */
static const char *decimal(const char *s, struct decimal *d)
{
	const char *p = s;

	d->whole = d->frac = 0;
	d->scale = 1;
	for (; isdigit((unsigned char)*p); p++)
		if (__builtin_mul_overflow(d->whole, 10, &d->whole) ||
		    __builtin_add_overflow(d->whole, (uint64_t)(*p - '0'), &d->whole))
			return NULL;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++) {
			if (d->scale == 1000000000000ull)
				return NULL;
			d->frac = d->frac * 10 + (uint64_t)(*p - '0');
			d->scale *= 10;
		}
	if (p == s || (p == s + 1 && *s == '.'))
		return NULL;
	return p;
}

/* @s as a number and one of @units, scaled; NULL unless exact and
 * in 0..max. */
static const struct unit *scaled(const char *s, const struct unit *units, size_t n, uint64_t max,
				 uint64_t *out)
{
	const struct unit *u = NULL;
	struct decimal d;
	const char *rest = decimal(s, &d);
	uint64_t v, f;

	for (size_t i = 0; rest && i < n && !u; i++)
		if (!strcasecmp(rest, units[i].name))
			u = &units[i];
	if (!u || __builtin_mul_overflow(d.whole, u->mult, &v) ||
	    __builtin_mul_overflow(d.frac, u->mult, &f) || f % d.scale ||
	    __builtin_add_overflow(v, f / d.scale, &v) || v > max)
		return NULL;
	*out = v;
	return u;
}

static int pct(const char *s, uint32_t *out)
{
	uint64_t v;

	if (!scaled(s, pct_units, N_OF(pct_units), GEN_PCT_ALL, &v))
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int weight(const char *s, uint32_t *out)
{
	uint64_t v;

	if (!scaled(s, pct_units, 1, WEIGHT_MAX, &v) || v == 0)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int gen_opt_frames(struct cli *cli, void *opts, const char *arg)
{
	uint64_t v;

	if (!scaled(arg, count_units, N_OF(count_units), FRAMES_MAX, &v) || v == 0)
		return cli_err(cli, "bad --frames '%s': expected 1..10^12, with k, M or G", arg);
	spec_of(opts)->frames = v;
	return 0;
}

int gen_opt_flows(struct cli *cli, void *opts, const char *arg)
{
	uint64_t v;

	if (!scaled(arg, count_units, N_OF(count_units), GEN_FLOWS_MAX, &v) || v == 0)
		return cli_err(cli, "bad --flows '%s': expected 1..%u, with k or M", arg,
			       GEN_FLOWS_MAX);
	spec_of(opts)->flows = (uint32_t)v;
	return 0;
}

int gen_opt_duration(struct cli *cli, void *opts, const char *arg)
{
	uint64_t v;

	if (!scaled(arg, time_units, N_OF(time_units), DURATION_MAX, &v) || v == 0)
		return cli_err(cli, "bad --duration '%s': expected a time in s, ms, us, ns or min",
			       arg);
	spec_of(opts)->duration_ns = v;
	return 0;
}

int gen_opt_rate(struct cli *cli, void *opts, const char *arg)
{
	uint64_t v;
	const struct unit *u = scaled(arg, rate_units, N_OF(rate_units), BITS_MAX, &v);

	if (!u || v == 0 || (u->pace == GEN_PACE_PPS && v > PPS_MAX))
		return cli_err(cli,
			       "bad --rate '%s': expected a rate in pps, kpps, Mpps, bit, kbit, "
			       "Mbit, Gbit or Tbit",
			       arg);
	spec_of(opts)->rate = v;
	spec_of(opts)->pace = u->pace;
	return 0;
}

int gen_opt_seed(struct cli *cli, void *opts, const char *arg)
{
	unsigned long v;

	if (cli_parse_uint(arg, ULONG_MAX, &v))
		return cli_err(cli, "bad --seed '%s': expected 0..%lu", arg, ULONG_MAX);
	spec_of(opts)->seed = v;
	return 0;
}

static int opt_pct(struct cli *cli, const char *opt, const char *arg, uint32_t *out)
{
	if (pct(arg, out))
		return cli_err(cli, "bad --%s '%s': expected a percentage, 0..100", opt, arg);
	return 0;
}

int gen_opt_ipv6(struct cli *cli, void *opts, const char *arg)
{
	return opt_pct(cli, "ipv6", arg, &spec_of(opts)->ipv6);
}

int gen_opt_frag(struct cli *cli, void *opts, const char *arg)
{
	return opt_pct(cli, "frag", arg, &spec_of(opts)->frag);
}

/* ---- lists ---- */

/* Call @fn on each comma-separated item of @arg; stops at the first
 * that fails and returns its status. */
static int each_item(struct cli *cli, const char *opt, const char *arg,
		     int (*fn)(struct cli *cli, void *ctx, char *item), void *ctx)
{
	char item[ITEM_MAX];
	const char *p = arg, *comma;
	size_t len;
	int rc;

	do {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0 || len >= sizeof(item))
			return cli_err(cli, "bad --%s '%s': an item is empty or too long", opt,
				       arg);
		memcpy(item, p, len);
		item[len] = '\0';
		rc = fn(cli, ctx, item);
		if (rc)
			return rc;
		p = comma + 1;
	} while (comma);
	return 0;
}

/* NAME[:WEIGHT] items into w[] by the index of NAME in names[]. */
struct named {
	const char *opt;
	const char *what; /* what WEIGHT is, for the message */
	const char *const *names;
	unsigned n;
	uint32_t *w;
};

static int named_item(struct cli *cli, void *ctx, char *item)
{
	struct named *nl = ctx;
	char *colon = strchr(item, ':');
	uint32_t v = 100 * GEN_ONE;

	if (colon)
		*colon = '\0';
	for (unsigned i = 0; i < nl->n; i++) {
		if (!nl->names[i] || strcmp(nl->names[i], item))
			continue;
		if (nl->w[i])
			return cli_err(cli, "bad --%s: '%s' given twice", nl->opt, item);
		if (colon && weight(colon + 1, &v))
			return cli_err(cli, "bad --%s %s '%s' for %s", nl->opt, nl->what, colon + 1,
				       item);
		nl->w[i] = v;
		return 0;
	}
	return cli_err(cli, "bad --%s item '%s'", nl->opt, item);
}

int gen_opt_proto(struct cli *cli, void *opts, const char *arg)
{
	static const char *const names[GEN_PROTO_COUNT] = {"tcp", "udp", "sctp"};
	uint32_t *w = spec_of(opts)->proto_w;
	struct named nl = {"proto", "weight", names, GEN_PROTO_COUNT, w};

	memset(w, 0, sizeof(spec_of(opts)->proto_w));
	return each_item(cli, "proto", arg, named_item, &nl);
}

int gen_opt_tunnel(struct cli *cli, void *opts, const char *arg)
{
	static const char *const names[GEN_TUN_COUNT] = {
		[SNIC_TUN_VXLAN] = "vxlan",
		[SNIC_TUN_GENEVE] = "geneve",
		[SNIC_TUN_GRE] = "gre",
		[SNIC_TUN_GTPU] = "gtpu",
	};
	uint32_t *w = spec_of(opts)->tunnel;
	struct named nl = {"tunnel", "percentage", names, GEN_TUN_COUNT, w};
	uint64_t sum = 0;
	int rc;

	memset(w, 0, sizeof(spec_of(opts)->tunnel));
	rc = each_item(cli, "tunnel", arg, named_item, &nl);
	for (unsigned k = 0; !rc && k < GEN_TUN_COUNT; k++)
		sum += w[k];
	if (!rc && sum > GEN_PCT_ALL)
		return cli_err(cli, "bad --tunnel '%s': more than 100%% of the frames", arg);
	return rc;
}

/* ---- sizes ---- */

static int frame_size(const char *s, uint16_t *out)
{
	unsigned long v;

	if (cli_parse_uint(s, GEN_SIZE_MAX, &v) || v < GEN_SIZE_MIN)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

static int size_item(struct cli *cli, void *ctx, char *item)
{
	struct gen_spec *s = ctx;
	char *colon = strchr(item, ':');
	unsigned i = s->nsizes;

	if (colon)
		*colon = '\0';
	if (i == GEN_SIZES_MAX)
		return cli_err(cli, "bad --size: more than %d sizes", GEN_SIZES_MAX);
	if (frame_size(item, &s->size[i]))
		return cli_err(cli, "bad --size '%s': a frame size is %d..%d bytes with the FCS",
			       item, GEN_SIZE_MIN, GEN_SIZE_MAX);
	s->size_w[i] = GEN_ONE;
	if (colon && weight(colon + 1, &s->size_w[i]))
		return cli_err(cli, "bad --size weight '%s' for %s", colon + 1, item);
	s->nsizes++;
	return 0;
}

/* "uniform:A-B": any size from A to B. */
static int size_range(struct cli *cli, struct gen_spec *s, const char *arg)
{
	char lo[16], hi[16];
	const char *r = arg + strlen("uniform:"), *dash = strchr(r, '-');

	if (!dash || (size_t)(dash - r) >= sizeof(lo) || strlen(dash + 1) >= sizeof(hi))
		return cli_err(cli, "bad --size '%s': expected uniform:MIN-MAX", arg);
	memcpy(lo, r, (size_t)(dash - r));
	lo[dash - r] = '\0';
	strcpy(hi, dash + 1);
	if (frame_size(lo, &s->size_lo) || frame_size(hi, &s->size_hi) || s->size_lo > s->size_hi)
		return cli_err(cli, "bad --size '%s': expected uniform:MIN-MAX within %d..%d", arg,
			       GEN_SIZE_MIN, GEN_SIZE_MAX);
	s->nsizes = 0;
	return 0;
}

int gen_opt_size(struct cli *cli, void *opts, const char *arg)
{
	/* The simple IMIX: 7 : 4 : 1 frames of 64, 594 and 1518 bytes. */
	static const char imix[] = "64:7,594:4,1518:1";
	struct gen_spec *s = spec_of(opts);

	s->nsizes = 0;
	if (!strncmp(arg, "uniform:", strlen("uniform:")))
		return size_range(cli, s, arg);
	return each_item(cli, "size", strcmp(arg, "imix") ? arg : imix, size_item, s);
}

/* ---- the distribution ---- */

static int dist_zipf(struct gen_spec *s, const char *p)
{
	char *end;

	s->dist = GEN_DIST_ZIPF;
	s->zipf_s = 1;
	if (*p == '\0')
		return 0;
	if (*p != ':' || !isdigit((unsigned char)p[1]))
		return -EINVAL;
	errno = 0;
	s->zipf_s = strtod(p + 1, &end);
	if (errno || *end || !(s->zipf_s >= 0 && s->zipf_s <= ZIPF_MAX))
		return -EINVAL;
	return 0;
}

/* ":K:SHARE" */
static int dist_elephants(struct gen_spec *s, const char *p)
{
	char k[16];
	const char *colon = *p == ':' ? strchr(p + 1, ':') : NULL;
	uint64_t v;

	if (!colon || (size_t)(colon - p - 1) >= sizeof(k))
		return -EINVAL;
	memcpy(k, p + 1, (size_t)(colon - p - 1));
	k[colon - p - 1] = '\0';
	if (!scaled(k, count_units, N_OF(count_units), GEN_FLOWS_MAX, &v) || v == 0 ||
	    pct(colon + 1, &s->elephant_share))
		return -EINVAL;
	s->dist = GEN_DIST_ELEPHANTS;
	s->elephants = (uint32_t)v;
	return 0;
}

static int dist_uniform(struct gen_spec *s, const char *p)
{
	s->dist = GEN_DIST_UNIFORM;
	return *p ? -EINVAL : 0;
}

int gen_opt_dist(struct cli *cli, void *opts, const char *arg)
{
	static const struct {
		const char *name;
		int (*parse)(struct gen_spec *s, const char *rest);
	} dists[] = {
		{"uniform", dist_uniform},
		{"zipf", dist_zipf},
		{"elephants", dist_elephants},
	};
	size_t len;

	for (size_t i = 0; i < N_OF(dists); i++) {
		len = strlen(dists[i].name);
		if (!strncmp(arg, dists[i].name, len) && !dists[i].parse(spec_of(opts), arg + len))
			return 0;
	}
	return cli_err(cli,
		       "bad --dist '%s': expected uniform, zipf:S (0..10) or elephants:K:PERCENT",
		       arg);
}

/* ---- destinations ---- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "02:00:00:00:00:01"; returns what follows, or NULL. */
static const char *mac_addr(const char *s, uint8_t *mac)
{
	int hi, lo;

	for (int i = 0; i < 6; i++) {
		if (i && *s++ != ':')
			return NULL;
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0)
			return NULL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return s;
}

/* "@VID" or "@OUTER.INNER" (802.1ad, then 802.1Q), if there; returns what
 * follows, or NULL. */
static const char *vlans(const char *s, struct gen_dst *d)
{
	char *end;
	unsigned long v;

	d->n_vlan = 0;
	if (*s != '@')
		return s;
	do {
		if (!isdigit((unsigned char)s[1]))
			return NULL;
		v = strtoul(s + 1, &end, 10);
		if (v > VID_MAX || d->n_vlan == 2)
			return NULL;
		d->vid[d->n_vlan++] = (uint16_t)v;
		s = end;
	} while (*s == '.');
	return s;
}

static int dst_item(struct cli *cli, void *ctx, char *item)
{
	struct gen_spec *s = ctx;
	struct gen_dst *d = &s->dst[s->ndst];
	const char *p;

	if (s->ndst == GEN_DSTS_MAX)
		return cli_err(cli, "bad --dst: more than %d destinations", GEN_DSTS_MAX);
	memset(d, 0, sizeof(*d));
	d->cls = GEN_CLASS_MAC;
	d->share = GEN_ONE;
	p = mac_addr(item, d->mac);
	p = p ? vlans(p, d) : NULL;
	if (p && *p == ':')
		p = weight(p + 1, &d->share) ? NULL : p + strlen(p);
	if (!p || *p)
		return cli_err(cli, "bad --dst '%s': expected MAC[@VLAN[.VLAN]][:WEIGHT]", item);
	s->ndst++;
	return 0;
}

int gen_opt_dst(struct cli *cli, void *opts, const char *arg)
{
	return each_item(cli, "dst", arg, dst_item, spec_of(opts));
}

/* "PERCENT[@VLAN[.VLAN]]" of a class, and the classes together at most 100%. */
static int opt_class(struct cli *cli, void *opts, const char *opt, const char *arg,
		     enum gen_class c)
{
	struct gen_spec *s = spec_of(opts);
	struct gen_dst *d = &s->cls[c];
	char num[16];
	const char *rest;
	size_t len = strcspn(arg, "@");
	uint64_t sum = 0;

	memset(d, 0, sizeof(*d));
	d->cls = (uint8_t)c;
	if (len >= sizeof(num))
		return cli_err(cli, "bad --%s '%s': expected PERCENT[@VLAN[.VLAN]]", opt, arg);
	memcpy(num, arg, len);
	num[len] = '\0';
	rest = pct(num, &d->share) ? NULL : vlans(arg + len, d);
	if (!rest || *rest)
		return cli_err(cli, "bad --%s '%s': expected PERCENT[@VLAN[.VLAN]]", opt, arg);
	for (unsigned k = GEN_CLASS_BCAST; k < GEN_CLASS_COUNT; k++)
		sum += s->cls[k].share;
	if (sum > GEN_PCT_ALL)
		return cli_err(cli, "bad --%s '%s': with the other classes, more than 100%%", opt,
			       arg);
	return 0;
}

int gen_opt_bcast(struct cli *cli, void *opts, const char *arg)
{
	return opt_class(cli, opts, "bcast", arg, GEN_CLASS_BCAST);
}

int gen_opt_mcast(struct cli *cli, void *opts, const char *arg)
{
	return opt_class(cli, opts, "mcast", arg, GEN_CLASS_MCAST);
}

int gen_opt_unknown(struct cli *cli, void *opts, const char *arg)
{
	return opt_class(cli, opts, "unknown", arg, GEN_CLASS_UNKNOWN);
}
