/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic gen's trace: which flow each frame belongs to, its size, whether it
 * is a fragment, and when it is sent.
 *
 * Flows are ranked; rank r has weight w(r) of the distribution (uniform,
 * Zipf, elephants), and each frame draws a rank from an alias table in
 * constant time. Rank r is flow r until the shift, flow (r + n/2) mod n
 * after it: the heavy flows of the second half were light in the first.
 *
 * Time is kept in integers: a frame's gap is units * per_unit / div
 * nanoseconds, with the remainder carried, so that timestamps are exact
 * and the same on every machine.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define GEN_DEFAULT_FLOWS  100
#define GEN_DEFAULT_FRAMES 1000
#define GEN_DEFAULT_PPS	   1000000ull
/* Bytes on the wire besides the frame and its FCS: preamble, SFD, gap. */
#define GEN_WIRE_EXTRA	   20
/* Independent random streams of one seed. */
enum {
	GEN_STREAM_FLOWS = 1,
	GEN_STREAM_PICK,
	GEN_STREAM_SIZE,
	GEN_STREAM_FRAG,
};

struct gen_model {
	struct gen_spec spec;
	struct gen_flows fl;
	struct gen_rng pick, size, frag;
	/* popularity: the alias table over ranks */
	uint32_t *alias;
	uint64_t *thresh;
	uint32_t rot; /* rank rotation after the shift */
	bool shifted;
	uint64_t shift_ns;
	uint64_t size_total; /* sum of the size weights */
	/* time */
	uint64_t made;	   /* frames made */
	uint64_t t_ns;	   /* start of the next frame, from the first */
	uint64_t acc;	   /* carried remainder, < div */
	uint64_t per_unit; /* gap numerator per frame or per bit */
	uint64_t div;
	uint64_t quot, rem; /* per_unit / div, per_unit % div */
};

/* ---- randomness ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void gen_rng_seed(struct gen_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ull);

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t gen_rng_next(struct gen_rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint32_t gen_rng_below(struct gen_rng *r, uint32_t n)
{
	return (uint32_t)(((gen_rng_next(r) >> 32) * n) >> 32);
}

double gen_rng_unit(struct gen_rng *r)
{
	return (double)(gen_rng_next(r) >> 11) * 0x1p-53;
}

/* ---- the spec ---- */

void gen_spec_init(struct gen_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->flows = GEN_DEFAULT_FLOWS;
	s->nsizes = 1;
	s->size[0] = GEN_SIZE_MIN;
	s->size_w[0] = GEN_ONE;
	s->proto_w[GEN_TCP] = 60 * GEN_ONE;
	s->proto_w[GEN_UDP] = 40 * GEN_ONE;
	for (unsigned c = GEN_CLASS_BCAST; c < GEN_CLASS_COUNT; c++)
		s->cls[c].cls = (uint8_t)c;
	s->seed = 1;
}

/* Nanoseconds @frames frames take at most, at the rate. */
static double longest_ns(const struct gen_spec *s)
{
	double per = (double)GEN_NS * GEN_ONE / (double)s->rate;

	if (s->pace == GEN_PACE_BITS)
		per *= (GEN_SIZE_MAX + GEN_WIRE_EXTRA) * 8.0;
	return per * (double)s->frames;
}

int gen_spec_resolve(struct gen_spec *s)
{
	if (s->frames && s->duration_ns && s->rate)
		return -EINVAL;
	if (!s->frames && !s->duration_ns)
		s->frames = GEN_DEFAULT_FRAMES;
	if (!s->rate && !(s->frames && s->duration_ns)) {
		s->rate = GEN_DEFAULT_PPS * GEN_ONE;
		s->pace = GEN_PACE_PPS;
	}
	if (s->frames && s->rate && longest_ns(s) > (double)GEN_SPAN_MAX_NS)
		return -ERANGE;
	return 0;
}

/* ---- popularity ---- */

/* Expected share of the frames of each rank; they sum to 1. */
static void rank_weights(const struct gen_spec *s, double *w)
{
	uint32_t n = s->flows, k = s->elephants;
	double big = (double)s->elephant_share / GEN_PCT_ALL, sum = 0;

	for (uint32_t r = 0; r < n; r++) {
		switch (s->dist) {
		case GEN_DIST_ZIPF:
			w[r] = pow((double)r + 1, -s->zipf_s);
			break;
		case GEN_DIST_ELEPHANTS:
			w[r] = r < k ? big / k : (1 - big) / (n - k);
			break;
		default:
			w[r] = 1;
		}
		sum += w[r];
	}
	for (uint32_t r = 0; r < n; r++)
		w[r] /= sum;
}

static uint64_t coin_of(double p)
{
	return p >= 1 ? UINT64_MAX : (uint64_t)(p * 0x1p64);
}

/* Vose's alias method: @p (scaled to mean 1) is consumed. Small entries
 * stack up from the front of @work, large ones down from the back. */
static void alias_build(struct gen_model *m, double *p, uint32_t *work, uint32_t n)
{
	uint32_t ns = 0, nl = 0, s, l;

	for (uint32_t i = 0; i < n; i++) {
		m->alias[i] = i;
		if (p[i] < 1)
			work[ns++] = i;
		else
			work[n - 1 - nl++] = i;
	}
	while (ns && nl) {
		s = work[--ns];
		l = work[n - nl];
		m->thresh[s] = coin_of(p[s]);
		m->alias[s] = l;
		p[l] -= 1 - p[s];
		if (p[l] < 1) {
			nl--;
			work[ns++] = l;
		}
	}
	while (ns)
		m->thresh[work[--ns]] = UINT64_MAX;
	while (nl)
		m->thresh[work[n - nl--]] = UINT64_MAX;
}

static uint32_t pick_rank(struct gen_model *m)
{
	uint32_t i = gen_rng_below(&m->pick, m->fl.n);

	return gen_rng_next(&m->pick) < m->thresh[i] ? i : m->alias[i];
}

/* A flow's share over the whole trace: the mean of its two halves'. */
static void flow_weights(const struct gen_model *m, const double *rank_w, double *w)
{
	uint32_t n = m->fl.n;

	for (uint32_t f = 0; f < n; f++)
		w[f] = m->spec.shift ? (rank_w[f] + rank_w[(f + n - m->rot) % n]) / 2 : rank_w[f];
}

/* Rank weights, flows, then the alias table (which consumes the weights). */
static int popularity(struct gen_model *m, struct gen_rng *r)
{
	uint32_t n = m->spec.flows;
	double *rank_w = calloc(n, sizeof(*rank_w)), *w = calloc(n, sizeof(*w));
	uint32_t *work = calloc(n, sizeof(*work));
	int rc = -ENOMEM;

	m->alias = calloc(n, sizeof(*m->alias));
	m->thresh = calloc(n, sizeof(*m->thresh));
	if (!rank_w || !w || !work || !m->alias || !m->thresh)
		goto out;
	m->fl.n = n;
	m->rot = n / 2;
	rank_weights(&m->spec, rank_w);
	flow_weights(m, rank_w, w);
	rc = gen_flows_make(&m->fl, &m->spec, w, r);
	if (rc)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		rank_w[i] *= n;
	alias_build(m, rank_w, work, n);
out:
	free(work);
	free(w);
	free(rank_w);
	return rc;
}

/* ---- time ---- */

static void pace_init(struct gen_model *m)
{
	const struct gen_spec *s = &m->spec;

	if (!s->rate) {
		m->per_unit = s->duration_ns; /* frames over a duration */
		m->div = s->frames;
		return;
	}
	m->per_unit = GEN_NS * GEN_ONE; /* per frame or per bit, over the rate */
	m->div = s->rate;
}

static void pace_split(struct gen_model *m)
{
	m->quot = m->per_unit / m->div;
	m->rem = m->per_unit % m->div;
}

static void pace_advance(struct gen_model *m, uint32_t len)
{
	uint64_t units = 1;

	if (m->spec.rate && m->spec.pace == GEN_PACE_BITS)
		units = ((uint64_t)len + GEN_FCS + GEN_WIRE_EXTRA) * 8;
	m->t_ns += units * m->quot;
	m->acc += units * m->rem;
	if (m->acc >= m->div) {
		m->t_ns += m->acc / m->div;
		m->acc %= m->div;
	}
}

static bool trace_done(const struct gen_model *m)
{
	if (m->spec.frames)
		return m->made >= m->spec.frames;
	return m->t_ns >= m->spec.duration_ns;
}

static bool shift_due(const struct gen_model *m)
{
	if (m->spec.frames)
		return m->made >= m->spec.frames / 2;
	return m->t_ns >= m->spec.duration_ns / 2;
}

/* ---- frames ---- */

static void sizes_init(struct gen_model *m)
{
	for (unsigned i = 0; i < m->spec.nsizes; i++)
		m->size_total += m->spec.size_w[i];
}

static unsigned pick_size(struct gen_model *m)
{
	const struct gen_spec *s = &m->spec;
	uint64_t x;
	unsigned i;

	if (s->nsizes == 0)
		return s->size_lo + gen_rng_below(&m->size, (uint32_t)s->size_hi - s->size_lo + 1);
	if (s->nsizes == 1)
		return s->size[0];
	x = gen_rng_next(&m->size) % m->size_total;
	for (i = 0; i + 1 < s->nsizes && x >= s->size_w[i]; i++)
		x -= s->size_w[i];
	return s->size[i];
}

/* A fragmenting flow sends a first fragment, then a later one, and so on. */
static enum gen_frag pick_frag(struct gen_model *m, struct gen_flow *f)
{
	enum gen_frag k;

	if (!m->spec.frag || gen_rng_below(&m->frag, GEN_PCT_ALL) >= m->spec.frag)
		return GEN_FRAG_NONE;
	k = f->frag_next;
	f->frag_next = k == GEN_FRAG_FIRST ? GEN_FRAG_LAST : GEN_FRAG_FIRST;
	return k;
}

static struct gen_flow *pick_flow(struct gen_model *m)
{
	uint32_t r = pick_rank(m);

	if (m->shifted)
		r = (r + m->rot) % m->fl.n;
	return &m->fl.flow[r];
}

int gen_model_next(struct gen_model *m, uint8_t *buf, size_t cap, struct gen_frame *fr)
{
	struct gen_flow *f;
	unsigned size;
	int len;

	if (trace_done(m))
		return 0;
	if (m->spec.shift && !m->shifted && shift_due(m)) {
		m->shifted = true;
		m->shift_ns = m->t_ns;
	}
	f = pick_flow(m);
	size = pick_size(m);
	len = gen_flow_frame(&m->fl, f, pick_frag(m, f), size, buf, cap);
	if (len < 0)
		return len;
	fr->ts_ns = GEN_EPOCH_S * GEN_NS + m->t_ns;
	fr->len = (uint32_t)len;
	fr->dst = f->dst;
	pace_advance(m, fr->len);
	m->made++;
	return 1;
}

/* ---- the model ---- */

static bool spec_ok(const struct gen_spec *s)
{
	if (s->flows == 0 || s->flows > GEN_FLOWS_MAX)
		return false;
	if (!s->frames && !s->duration_ns)
		return false;
	if (!s->rate && !(s->frames && s->duration_ns))
		return false;
	if (s->nsizes == 0 && (s->size_lo > s->size_hi || s->size_lo < GEN_SIZE_MIN))
		return false;
	return s->dist != GEN_DIST_ELEPHANTS || s->elephants < s->flows;
}

int gen_model_new(const struct gen_spec *s, struct gen_model **out)
{
	struct gen_model *m;
	struct gen_rng r;
	int rc;

	*out = NULL;
	if (!spec_ok(s))
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->spec = *s;
	m->shift_ns = UINT64_MAX;
	gen_rng_seed(&r, s->seed, GEN_STREAM_FLOWS);
	gen_rng_seed(&m->pick, s->seed, GEN_STREAM_PICK);
	gen_rng_seed(&m->size, s->seed, GEN_STREAM_SIZE);
	gen_rng_seed(&m->frag, s->seed, GEN_STREAM_FRAG);
	rc = popularity(m, &r);
	if (rc) {
		gen_model_free(m);
		return rc;
	}
	sizes_init(m);
	pace_init(m);
	pace_split(m);
	*out = m;
	return 0;
}

void gen_model_free(struct gen_model *m)
{
	if (!m)
		return;
	gen_flows_free(&m->fl);
	free(m->thresh);
	free(m->alias);
	free(m);
}

const struct gen_flows *gen_model_flows(const struct gen_model *m)
{
	return &m->fl;
}

uint64_t gen_model_span_ns(const struct gen_model *m)
{
	return m->t_ns;
}

uint64_t gen_model_shift_ns(const struct gen_model *m)
{
	return m->shift_ns;
}
