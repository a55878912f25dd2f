/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One model run of snic analyze: a NIC's committed snapshot, its counters,
 * its flows, and the clocks that cut capture time into periods.
 *
 * A period clock (struct an_ticker) keeps the counters as they were when
 * its period began; when a frame's timestamp reaches the period's end, the
 * difference is the period's own counters, handed to the clock's function.
 * Windows are one such clock; a load balancer is another, acting on the
 * bucket loads of its period. Several clocks may run side by side.
 *
 * Bucket counter contexts, as libsnic numbers them: on a NIC with one
 * shared RETA (82599) context 0 is that RETA; with a RETA per pool
 * (X550), context p is pool p's; contexts made with `ethtool -X context
 * new` follow the profile's pools, context id k at max_pools + k - 1.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/nic.h"
#include "snic/profile.h"
#include "analyze.h"
#include "config.h"

/* A clock that would close more empty periods than this at once skips
 * them: a capture with a gap of hours does not print millions of empty
 * windows. The skipped periods are not reported. */
#define AN_GAP_MAX 100000u

/* ---- setup ---- */

static int run_arrays(struct an_run *r)
{
	size_t n = (size_t)r->nvports * r->nq;

	r->vqueues = calloc(r->nvports, sizeof(*r->vqueues));
	r->qflows = calloc(n, sizeof(*r->qflows));
	r->wqflows = calloc(n, sizeof(*r->wqflows));
	r->flows_out = calloc(n, sizeof(*r->flows_out));
	r->top = calloc(n, sizeof(*r->top));
	r->wtop = calloc(n, sizeof(*r->wtop));
	r->dests = calloc(r->dcap, sizeof(*r->dests));
	if (!r->vqueues || !r->qflows || !r->wqflows || !r->flows_out || !r->top || !r->wtop ||
	    !r->dests)
		return -ENOMEM;
	return 0;
}

static int tops_alloc(struct an_top *t, size_t n, unsigned k)
{
	struct an_top_ent *e = calloc(n * k + 1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		an_top_init(&t[i], e + i * k, k);
	return 0;
}

static void bctx_pool(struct an_run *r, struct an_bctx *b, unsigned vport, bool per_pool)
{
	struct snic_rss_conf *c = calloc(1, sizeof(*c));

	b->ctx = per_pool ? vport : 0;
	b->vport = per_pool ? (int)vport : -1;
	b->size = r->ctr->reta_size;
	if (per_pool)
		snic_config_vport_name(r->nic, vport, b->name, sizeof(b->name));
	else
		snprintf(b->name, sizeof(b->name), "shared");
	if (!c || snic_nic_rss_get(r->nic, per_pool ? vport : r->pf, c, NULL)) {
		free(c);
		return;
	}
	b->size = c->reta_size;
	b->have_reta = true;
	memcpy(b->reta, c->reta, c->reta_size * sizeof(c->reta[0]));
	free(c);
}

/* Context @k (ethtool's id), named as the config names it. */
static void bctx_context(struct an_run *r, struct an_bctx *b, unsigned k)
{
	const struct snic_profile *p = snic_nic_profile(r->nic);
	char vn[16];

	b->ctx = p->max_pools + k - 1;
	b->vport = -1;
	b->rss_ctx = k;
	b->size = r->ctr->reta_size;
	snprintf(b->name, sizeof(b->name), "context %u", k);
	for (unsigned i = 0; i < r->conf->nctx; i++) {
		const struct snic_config_ctx *c = &r->conf->ctx[i];

		if (c->id != k)
			continue;
		b->vport = (int)c->vport;
		snprintf(b->name, sizeof(b->name), "context %u%s%s%s of %s", k,
			 c->name[0] ? " (" : "", c->name, c->name[0] ? ")" : "",
			 snic_config_vport_name(r->nic, c->vport, vn, sizeof(vn)));
	}
}

/* The bucket contexts the NIC can use: the shared RETA or each pool's in
 * use, and the extra contexts. */
static int bctx_setup(struct an_run *r)
{
	const struct snic_profile *p = snic_nic_profile(r->nic);
	bool per_pool = p->rss_per_pool;
	unsigned npool = per_pool ? r->nvports : 1;

	r->nbctx = npool + p->rss_contexts;
	r->bctx = calloc(r->nbctx, sizeof(*r->bctx));
	if (!r->bctx)
		return -ENOMEM;
	for (unsigned i = 0; i < npool; i++)
		bctx_pool(r, &r->bctx[i], i, per_pool);
	for (unsigned k = 1; k <= p->rss_contexts; k++)
		bctx_context(r, &r->bctx[npool + k - 1], k);
	for (unsigned i = 0; i < r->nbctx; i++)
		if (r->bctx[i].ctx >= r->ctr->nctx || r->bctx[i].size > r->ctr->reta_size)
			r->nbctx = i;
	return 0;
}

int an_run_init(struct an_run *r, struct snic_config *conf, unsigned topk, uint64_t max_flows,
		struct snic_err *err)
{
	const struct snic_profile *p;
	int rc;

	memset(r, 0, sizeof(*r));
	r->conf = conf;
	r->nic = conf->nic;
	p = snic_nic_profile(r->nic);
	r->profile = p->name;
	rc = snic_nic_commit(r->nic, &r->cfg, err);
	if (!rc)
		rc = snic_ctr_new(p, &r->ctr, err);
	if (rc)
		return rc;
	r->pf = snic_nic_pf_vport(r->nic);
	r->nvports = r->pf + 1;
	r->nq = r->ctr->nqueues;
	r->topk = topk;
	r->dcap = AN_BURST * (r->ctr->nvports + 1u);
	if (run_arrays(r) || tops_alloc(r->top, (size_t)r->nvports * r->nq, topk) ||
	    tops_alloc(r->wtop, (size_t)r->nvports * r->nq, topk) ||
	    an_ftab_init(&r->ftab, max_flows) || bctx_setup(r))
		return snic_errf(err, -ENOMEM, "out of memory");
	for (unsigned v = 0; v < r->nvports; v++)
		r->vqueues[v] = (uint16_t)snic_nic_vport_queues(r->nic, v);
	return 0;
}

static void snap_free(struct an_snap *s)
{
	snic_ctr_free(s->ctr);
	free(s->flows);
	if (s->top)
		free(s->top[0].e);
	free(s->top);
}

void an_run_free(struct an_run *r)
{
	for (unsigned i = 0; i < r->nticks; i++) {
		snic_ctr_free(r->tick[i].prev);
		snic_ctr_free(r->tick[i].delta);
	}
	snap_free(&r->worst);
	free(r->bctx);
	an_ftab_free(&r->ftab);
	free(r->ovf);
	free(r->wovf);
	if (r->top)
		free(r->top[0].e);
	if (r->wtop)
		free(r->wtop[0].e);
	free(r->top);
	free(r->wtop);
	free(r->flows_out);
	free(r->wqflows);
	free(r->qflows);
	free(r->vqueues);
	free(r->dests);
	snic_ctr_free(r->ctr);
	snic_cfg_free(r->cfg);
	memset(r, 0, sizeof(*r));
}

/* ---- the frame path ---- */

/* A flow the table could not take: only its queue's sketches count it. */
static void account_overflow(struct an_run *r, unsigned vq, uint64_t key)
{
	size_t n = (size_t)r->nvports * r->nq;

	if (!r->ovf)
		r->ovf = calloc(n, sizeof(*r->ovf));
	if (r->win && !r->wovf)
		r->wovf = calloc(n, sizeof(*r->wovf));
	if (r->ovf)
		an_hll_add(&r->ovf[vq], key);
	if (r->win && r->wovf)
		an_hll_add(&r->wovf[vq], key);
}

/*
 * A count that passed its queue's floor of busiest flows when it was
 * made: the busiest-flow update it may cause, with the count as it was
 * then.
 */
struct top_cand {
	uint64_t key;
	uint64_t frames;
	uint64_t bytes;
	uint32_t vq;
	uint32_t f; /* the frame, in the burst */
};

/* Destinations counted before their busiest-flow updates run. */
#define AN_ACCOUNT_BLOCK 64

/* The updates a block of destinations may make: to the run's busiest
 * flows, and to the window's. */
struct top_cands {
	unsigned n, wn;
	struct top_cand run[AN_ACCOUNT_BLOCK];
	struct top_cand win[AN_ACCOUNT_BLOCK];
};

/*
 * Keep @cand for later when its count passes @t's floor. The test is made
 * without a branch: in a skewed capture, a large share of the frames
 * belong to their queue's busiest flows, and a branch on it would be
 * mispredicted often.
 */
static inline void cand_add(struct top_cand *c, unsigned *n, const struct an_top *t,
			    struct top_cand cand)
{
	c[*n] = cand;
	*n += cand.frames > t->floor;
}

/*
 * The busiest-flow updates of a block, in the order of its destinations:
 * the same updates, with the same counts, as if each had followed its own
 * count. A floor only rises, so a count found above it when it was made
 * is tested again here.
 */
static void account_tops(struct an_top *top, const struct top_cand *c, unsigned n,
			 const struct snic_frame *fr)
{
	for (unsigned j = 0; j < n; j++)
		an_top_update(&top[c[j].vq], c[j].key, c[j].frames, c[j].bytes, &fr[c[j].f]);
}

/* The window's count of a flow. A flow's first frame in a window, common
 * with short windows, is told without a branch. */
static void account_window(struct an_run *r, unsigned vq, struct an_fent *e, unsigned f,
			   struct top_cands *tc)
{
	bool first = e->win != r->win;

	e->wframes = first ? 1 : e->wframes + 1;
	e->win = r->win;
	r->wqflows[vq] += first;
	cand_add(tc->win, &tc->wn, &r->wtop[vq], (struct top_cand){e->key, e->wframes, 0, vq, f});
}

/*
 * The table key of a (flow, vport, queue): the flow key with its high half
 * changed by the queue. The low half, where the table's index comes from,
 * stays the flow's, so that the copies of a flow share a home slot that
 * an_run_prefetch() can fetch before snic_rx() says where they go.
 */
static inline uint64_t dest_key(uint64_t fkey, unsigned vq)
{
	return fkey ^ (uint64_t)((uint32_t)(vq + 1) * 0x9e3779b9u) << 32;
}

void an_run_prefetch(const struct an_run *r, const uint64_t *fkey, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		an_ftab_prefetch(&r->ftab, fkey[i]);
}

/* Count the destinations d[0..n) in the table; the busiest-flow updates
 * they may make go to @tc. */
static void account_block(struct an_run *r, const struct snic_frame *fr, const uint64_t *fkey,
			  const struct snic_dest *d, unsigned n, struct top_cands *tc)
{
	tc->n = tc->wn = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned f = d[i].frame, vq = an_vq(r, d[i].vport, d[i].queue);
		uint64_t key = dest_key(fkey[f], vq);
		bool fresh;
		struct an_fent *e;

		if (d[i].vport >= r->nvports || d[i].queue >= r->nq)
			continue;
		e = an_ftab_get(&r->ftab, key, &fresh);
		if (!e) {
			account_overflow(r, vq, key);
			continue;
		}
		r->qflows[vq] += fresh;
		e->frames++;
		e->bytes += fr[f].len;
		cand_add(tc->run, &tc->n, &r->top[vq],
			 (struct top_cand){key, e->frames, e->bytes, vq, f});
		if (r->win)
			account_window(r, vq, e, f, tc);
	}
}

void an_run_account(struct an_run *r, const struct snic_frame *fr, const uint64_t *fkey,
		    const struct snic_dest *d, unsigned nd)
{
	struct top_cands tc;

	for (unsigned i = 0; i < nd; i += AN_ACCOUNT_BLOCK) {
		unsigned n = nd - i < AN_ACCOUNT_BLOCK ? nd - i : AN_ACCOUNT_BLOCK;

		account_block(r, fr, fkey, d + i, n, &tc);
		account_tops(r->top, tc.run, tc.n, fr);
		account_tops(r->wtop, tc.win, tc.wn, fr);
	}
}

/* ---- periods ---- */

static void sub_u64(uint64_t *d, const uint64_t *a, const uint64_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = a[i] - b[i];
}

#define U64S(x) (sizeof(x) / sizeof(uint64_t))

/* dst = cur - prev over what the run uses. Every counter struct is made
 * of uint64_t alone. */
static void ctr_diff(const struct an_run *r, struct snic_ctr *dst, const struct snic_ctr *cur,
		     const struct snic_ctr *prev)
{
	size_t nq = (size_t)r->nvports * r->nq;

	sub_u64((uint64_t *)&dst->rx, (const uint64_t *)&cur->rx, (const uint64_t *)&prev->rx,
		U64S(cur->rx));
	sub_u64((uint64_t *)dst->vport, (const uint64_t *)cur->vport, (const uint64_t *)prev->vport,
		r->nvports * U64S(cur->vport[0]));
	sub_u64((uint64_t *)dst->queue, (const uint64_t *)cur->queue, (const uint64_t *)prev->queue,
		nq * U64S(cur->queue[0]));
	for (unsigned i = 0; i < r->nbctx; i++) {
		size_t off = (size_t)r->bctx[i].ctx * cur->reta_size;

		sub_u64((uint64_t *)&dst->bucket[off], (const uint64_t *)&cur->bucket[off],
			(const uint64_t *)&prev->bucket[off],
			r->bctx[i].size * U64S(cur->bucket[0]));
	}
}

/* dst = src over what the run uses. */
static void ctr_copy(const struct an_run *r, struct snic_ctr *dst, const struct snic_ctr *src)
{
	dst->rx = src->rx;
	memcpy(dst->vport, src->vport, r->nvports * sizeof(*src->vport));
	memcpy(dst->queue, src->queue, (size_t)r->nvports * r->nq * sizeof(*src->queue));
	for (unsigned i = 0; i < r->nbctx; i++) {
		size_t off = (size_t)r->bctx[i].ctx * src->reta_size;

		memcpy(&dst->bucket[off], &src->bucket[off],
		       r->bctx[i].size * sizeof(*src->bucket));
	}
}

int an_run_add_ticker(struct an_run *r, uint64_t len_ns, an_period_fn fn, void *arg,
		      struct snic_err *err)
{
	const struct snic_profile *p = snic_nic_profile(r->nic);
	struct an_ticker *t = &r->tick[r->nticks];
	int rc;

	if (r->nticks == AN_TICKERS_MAX || !len_ns)
		return snic_errf(err, -EINVAL, "bad period clock");
	memset(t, 0, sizeof(*t));
	rc = snic_ctr_new(p, &t->prev, err);
	if (!rc)
		rc = snic_ctr_new(p, &t->delta, err);
	if (rc) {
		snic_ctr_free(t->prev);
		return rc;
	}
	t->len_ns = len_ns;
	t->next_ns = len_ns;
	t->fn = fn;
	t->arg = arg;
	r->nticks++;
	return 0;
}

static void ticker_close(struct an_run *r, struct an_ticker *t)
{
	struct an_period p = {
		.index = t->index,
		.start_ns = t->next_ns - t->len_ns,
		.end_ns = t->next_ns,
		.delta = t->delta,
	};

	ctr_diff(r, t->delta, r->ctr, t->prev);
	t->fn(r, &p, t->arg);
	ctr_copy(r, t->prev, r->ctr);
	t->index++;
	t->next_ns += t->len_ns;
}

static void ticker_advance(struct an_run *r, struct an_ticker *t, uint64_t now)
{
	uint64_t skip;

	if (now < t->next_ns)
		return;
	ticker_close(r, t);
	skip = now >= t->next_ns ? (now - t->next_ns) / t->len_ns : 0;
	if (skip > AN_GAP_MAX) {
		t->index += skip;
		t->next_ns += skip * t->len_ns;
	}
	while (now >= t->next_ns)
		ticker_close(r, t);
}

void an_run_tick(struct an_run *r, uint64_t now_ns)
{
	for (unsigned i = 0; i < r->nticks; i++)
		ticker_advance(r, &r->tick[i], now_ns);
}

void an_run_tick_end(struct an_run *r)
{
	for (unsigned i = 0; i < r->nticks; i++)
		ticker_close(r, &r->tick[i]);
}

uint64_t an_run_next_ns(const struct an_run *r)
{
	uint64_t next = UINT64_MAX;

	for (unsigned i = 0; i < r->nticks; i++)
		if (r->tick[i].next_ns < next)
			next = r->tick[i].next_ns;
	return next;
}

/* ---- views ---- */

static void flows_total(struct an_run *r, const uint64_t *exact, const struct an_hll *ovf)
{
	size_t n = (size_t)r->nvports * r->nq;

	for (size_t i = 0; i < n; i++)
		r->flows_out[i] = exact[i] + (ovf ? an_hll_estimate(&ovf[i]) : 0);
}

void an_window_view(struct an_run *r, const struct an_period *p, struct an_view *v)
{
	flows_total(r, r->wqflows, r->wovf);
	*v = (struct an_view){
		.window = true,
		.index = p->index,
		.start_ns = p->start_ns,
		.end_ns = p->end_ns,
		.ctr = p->delta,
		.flows = r->flows_out,
		.flows_approx = r->wovf != NULL,
		.top = r->wtop,
	};
}

void an_window_reset(struct an_run *r)
{
	size_t n = (size_t)r->nvports * r->nq;

	r->win = r->win + 1 ? r->win + 1 : 1;
	memset(r->wqflows, 0, n * sizeof(*r->wqflows));
	for (size_t i = 0; i < n; i++)
		an_top_reset(&r->wtop[i]);
	free(r->wovf);
	r->wovf = NULL;
}

void an_run_view(struct an_run *r, struct an_view *v)
{
	flows_total(r, r->qflows, r->ovf);
	*v = (struct an_view){
		.ctr = r->ctr,
		.flows = r->flows_out,
		.flows_approx = r->ovf != NULL,
		.top = r->top,
	};
}

static const struct snic_qctr *view_q(const struct an_view *v, unsigned vport, unsigned q)
{
	return &v->ctr->queue[vport * v->ctr->nqueues + q];
}

uint64_t an_vport_frames(const struct an_run *r, const struct an_view *v, unsigned vport)
{
	uint64_t n = 0;

	for (unsigned q = 0; q < r->vqueues[vport]; q++)
		n += view_q(v, vport, q)->frames;
	return n;
}

uint64_t an_vport_bytes(const struct an_run *r, const struct an_view *v, unsigned vport)
{
	uint64_t n = 0;

	for (unsigned q = 0; q < r->vqueues[vport]; q++)
		n += view_q(v, vport, q)->bytes;
	return n;
}

uint64_t an_vport_flows(const struct an_run *r, const struct an_view *v, unsigned vport)
{
	uint64_t n = 0;

	for (unsigned q = 0; q < r->vqueues[vport]; q++)
		n += v->flows[an_vq(r, vport, q)];
	return n;
}

uint64_t an_bctx_frames(const struct an_view *v, const struct an_bctx *b)
{
	const struct snic_bctr *bc = &v->ctr->bucket[(size_t)b->ctx * v->ctr->reta_size];
	uint64_t n = 0;

	for (unsigned i = 0; i < b->size; i++)
		n += bc[i].frames;
	return n;
}

void an_imbalance(const struct an_run *r, const struct an_view *v, unsigned vport, struct an_imb *o)
{
	double sumsq = 0, mean;

	memset(o, 0, sizeof(*o));
	o->nq = r->vqueues[vport];
	o->min = UINT64_MAX;
	for (unsigned q = 0; q < o->nq; q++) {
		uint64_t x = view_q(v, vport, q)->frames;

		o->total += x;
		sumsq += (double)x * (double)x;
		o->max = x > o->max ? x : o->max;
		o->min = x < o->min ? x : o->min;
	}
	if (!o->total) {
		o->min = 0;
		o->max_min = o->max_mean = o->jain = NAN;
		return;
	}
	mean = (double)o->total / o->nq;
	o->max_min = o->min ? (double)(o->max - o->min) / (double)o->min : INFINITY;
	o->max_mean = (double)o->max / mean;
	o->jain = (double)o->total * (double)o->total / (o->nq * sumsq);
}

double an_view_score(const struct an_run *r, const struct an_view *v, int *vport)
{
	double worst = 0;
	struct an_imb imb;

	*vport = -1;
	for (unsigned p = 0; p < r->nvports; p++) {
		if (r->vqueues[p] < 2)
			continue;
		an_imbalance(r, v, p, &imb);
		if (imb.total && imb.max_mean > worst) {
			worst = imb.max_mean;
			*vport = (int)p;
		}
	}
	return worst;
}

/* ---- the worst window ---- */

static int snap_alloc(struct an_run *r, struct an_snap *s)
{
	size_t n = (size_t)r->nvports * r->nq;

	if (snic_ctr_new(snic_nic_profile(r->nic), &s->ctr, NULL))
		return -ENOMEM;
	s->flows = calloc(n, sizeof(*s->flows));
	s->top = calloc(n, sizeof(*s->top));
	if (!s->flows || !s->top || tops_alloc(s->top, n, r->topk))
		return -ENOMEM;
	return 0;
}

static void snap_take(struct an_run *r, struct an_snap *s, const struct an_view *v, double score)
{
	size_t n = (size_t)r->nvports * r->nq;

	ctr_copy(r, s->ctr, v->ctr);
	memcpy(s->flows, v->flows, n * sizeof(*s->flows));
	for (size_t i = 0; i < n; i++) {
		struct an_top_ent *e = s->top[i].e;

		s->top[i] = v->top[i];
		s->top[i].e = e;
		memcpy(e, v->top[i].e, v->top[i].n * sizeof(*e));
	}
	s->v = *v;
	s->v.ctr = s->ctr;
	s->v.flows = s->flows;
	s->v.top = s->top;
	s->score = score;
	s->set = true;
}

void an_worst_offer(struct an_run *r, const struct an_view *v)
{
	int vport;
	double score = an_view_score(r, v, &vport);

	if (vport < 0 || (r->worst.set && score <= r->worst.score))
		return;
	if (!r->worst.ctr && snap_alloc(r, &r->worst)) {
		snap_free(&r->worst);
		memset(&r->worst, 0, sizeof(r->worst));
		return;
	}
	snap_take(r, &r->worst, v, score);
}
