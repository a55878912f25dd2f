/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rsspp policy: the greedy of RSS++.
 *
 * After Barbette et al., "RSS++: load and state-aware receive side
 * scaling" (CoNEXT 2019, section 3) and the description of its public
 * implementation (the RSS++ DeviceBalancer of FastClick):
 *
 *  - each queue's imbalance is its fair share minus its load, in units of
 *    the mean load (positive: underloaded);
 *  - a queue that received buckets in the previous step is left out this
 *    once (its load was measured partly before the move);
 *  - a queue is overloaded below -threshold (if it has more than one
 *    bucket with load), underloaded above +threshold (default 2 %);
 *  - greedy: take the most overloaded queue, its largest bucket not yet
 *    considered, and give it to the most underloaded queue it does not
 *    push past its share (plus an allowance); a queue within 1 % of its
 *    share is settled; repeat while both sides have queues;
 *  - the greedy runs again with wider allowances (at most 10 runs) and
 *    the run with the least squared residual imbalance is applied;
 *  - the period adapts: a summed residual imbalance above 0.4 goes to the
 *    shortest period, above 0.2 halves it, no move doubles it, within
 *    [period_min_ms, period_max_ms].
 *
 * The paper measures load as CPU utilisation, so its 2 % is 2 % of a
 * core; here loads are fractions of the mean, which reads the threshold
 * slightly tighter at loads below 100 %.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "balance_impl.h"

/* A queue whose residual is within this is settled (RSS++ solves to 1 %
 * of a core); at most this many greedy runs per step. */
#define RP_SETTLED 0.01
#define RP_RUNS	   10

struct rp_side {
	uint16_t q;
	double v;	/* excess (overloaded) or deficit (underloaded) */
	unsigned first; /* overloaded: its buckets in order[first..end) */
	unsigned end;
	unsigned next; /* the next bucket to consider */
};

struct rp_prob {
	struct rp_side over[SNIC_BALANCE_QUEUES_MAX];
	struct rp_side under[SNIC_BALANCE_QUEUES_MAX];
	unsigned nover, nunder;
	double imb[SNIC_BALANCE_QUEUES_MAX]; /* per queue, after the chosen run */
	double res_over, res_under;	     /* summed residuals of a run */
};

struct rp_sort {
	const uint16_t *reta;
	const double *load;
};

/* Buckets by queue, then by load, largest first. */
static int cmp_bucket(const void *pa, const void *pb, void *arg)
{
	const struct rp_sort *s = arg;
	unsigned a = *(const uint16_t *)pa, b = *(const uint16_t *)pb;

	if (s->reta[a] != s->reta[b])
		return s->reta[a] < s->reta[b] ? -1 : 1;
	if (s->load[a] != s->load[b])
		return s->load[a] > s->load[b] ? -1 : 1;
	return a < b ? -1 : (a > b);
}

/* Per-queue loads of this period (mean units) and buckets with load. */
static double rp_loads(struct snic_balance *b, const struct snic_balance_input *in,
		       const uint16_t *reta, double *ql, unsigned *nz)
{
	double fac[SNIC_BALANCE_QUEUES_MAX], total = 0;
	unsigned n = b->c.nqueues;

	snic_bal_queue_factors(b, in, reta, NULL, fac);
	memset(ql, 0, n * sizeof(*ql));
	memset(nz, 0, n * sizeof(*nz));
	for (unsigned i = 0; i < b->c.reta_size; i++) {
		b->load[i] = (double)in->bucket_load[i] * fac[reta[i]];
		total += b->load[i];
	}
	if (total <= 0)
		return 0;
	for (unsigned i = 0; i < b->c.reta_size; i++) {
		b->load[i] *= n / total;
		ql[reta[i]] += b->load[i];
		nz[reta[i]] += b->load[i] > 0;
	}
	return total;
}

/* Sort the buckets with load of the overloaded queues into b->order. */
static void rp_order(struct snic_balance *b, struct rp_prob *p, const uint16_t *reta)
{
	unsigned k = 0;
	int slot[SNIC_BALANCE_QUEUES_MAX];
	struct rp_sort srt = {reta, b->load};

	for (unsigned q = 0; q < b->c.nqueues; q++)
		slot[q] = -1;
	for (unsigned o = 0; o < p->nover; o++)
		slot[p->over[o].q] = (int)o;
	for (unsigned i = 0; i < b->c.reta_size; i++)
		if (b->load[i] > 0 && slot[reta[i]] >= 0)
			b->order[k++] = (uint16_t)i;
	qsort_r(b->order, k, sizeof(*b->order), cmp_bucket, &srt);
	for (unsigned o = 0, i = 0; o < p->nover; o++) {
		struct rp_side *s = &p->over[o];

		while (i < k && reta[b->order[i]] != s->q)
			i++;
		s->first = i;
		while (i < k && reta[b->order[i]] == s->q)
			i++;
		s->end = i;
	}
}

/* Split the queues into overloaded and underloaded; returns the summed
 * |imbalance| of the queues considered. */
static double rp_classify(struct snic_balance *b, struct rp_prob *p, const double *ql,
			  const unsigned *nz)
{
	double total = 0, th = b->c.threshold;

	p->nover = p->nunder = 0;
	for (unsigned q = 0; q < b->c.nqueues; q++) {
		double imb = b->share[q] - ql[q];

		p->imb[q] = imb;
		if (b->skip[q]) {
			b->skip[q] = false;
			continue;
		}
		total += snic_bal_abs(imb);
		if (imb > th)
			p->under[p->nunder++] = (struct rp_side){.q = (uint16_t)q, .v = imb};
		else if (imb < -th && nz[q] > 1)
			p->over[p->nover++] = (struct rp_side){.q = (uint16_t)q, .v = -imb};
	}
	return total;
}

/* The open side with the largest value, or -1. */
static int rp_top(const struct rp_side *s, const bool *open, unsigned n)
{
	int best = -1;

	for (unsigned i = 0; i < n; i++)
		if (open[i] && (best < 0 || s[i].v > s[best].v))
			best = (int)i;
	return best;
}

/* The most underloaded open queue that takes @load within allowance @ua. */
static int rp_taker(const struct rp_side *u, const bool *open, unsigned n, double load, double ua)
{
	int best = -1;

	for (unsigned i = 0; i < n; i++)
		if (open[i] && load < u[i].v + ua && (best < 0 || u[i].v > u[best].v))
			best = (int)i;
	return best;
}

/* The sides of one run, copied from the problem, every queue open. */
struct rp_run_state {
	struct rp_side o[SNIC_BALANCE_QUEUES_MAX], u[SNIC_BALANCE_QUEUES_MAX];
	bool oopen[SNIC_BALANCE_QUEUES_MAX], uopen[SNIC_BALANCE_QUEUES_MAX];
};

static void rp_run_init(struct snic_balance *b, const struct rp_prob *p, struct rp_run_state *r)
{
	memcpy(r->o, p->over, p->nover * sizeof(*r->o));
	memcpy(r->u, p->under, p->nunder * sizeof(*r->u));
	for (unsigned i = 0; i < p->nover; i++) {
		r->oopen[i] = r->o[i].first < r->o[i].end;
		r->o[i].next = r->o[i].first;
	}
	for (unsigned i = 0; i < p->nunder; i++)
		r->uopen[i] = true;
	for (unsigned i = 0; i < b->c.reta_size; i++)
		b->dest[i] = -1;
}

/* The squared residual of a run; the summed residuals of each side go to
 * @p. */
static double rp_residual(struct rp_prob *p, const struct rp_run_state *r)
{
	double sq = 0;

	p->res_over = p->res_under = 0;
	for (unsigned i = 0; i < p->nover; i++) {
		sq += r->o[i].v * r->o[i].v;
		p->res_over += snic_bal_abs(r->o[i].v);
	}
	for (unsigned i = 0; i < p->nunder; i++) {
		sq += r->u[i].v * r->u[i].v;
		p->res_under += snic_bal_abs(r->u[i].v);
	}
	return sq;
}

/* One greedy run with allowances @oa (overloaded may stop short of their
 * share by it) and @ua (underloaded may pass theirs by it), at most @cap
 * moves. Fills b->dest (underloaded index per bucket, -1 when it stays)
 * and returns the squared residual imbalance. */
static double rp_run(struct snic_balance *b, struct rp_prob *p, double oa, double ua, unsigned cap)
{
	struct rp_run_state r;
	unsigned moves = 0;
	int oi, ui;

	rp_run_init(b, p, &r);
	while ((oi = rp_top(r.o, r.oopen, p->nover)) >= 0 && rp_top(r.u, r.uopen, p->nunder) >= 0 &&
	       moves < cap) {
		struct rp_side *o = &r.o[oi];
		unsigned bk = b->order[o->next++];

		ui = rp_taker(r.u, r.uopen, p->nunder, b->load[bk], ua);
		if (ui >= 0) {
			r.u[ui].v -= b->load[bk];
			o->v -= b->load[bk];
			b->dest[bk] = (int16_t)ui;
			moves++;
			r.uopen[ui] = r.u[ui].v > RP_SETTLED;
		}
		r.oopen[oi] = o->v > -oa && o->next < o->end;
	}
	return rp_residual(p, &r);
}

/*
 * Run the greedy up to RP_RUNS times: first with no allowance (1 % short
 * on both sides, as RSS++ starts), then with allowances scaled from the
 * first run's residuals, widening while that helps and then narrowing.
 * Leaves the best run's transfers in b->best; returns its squared
 * residual.
 */
static double rp_solve(struct snic_balance *b, struct rp_prob *p)
{
	static const double scale[RP_RUNS - 1] = {1, 1.5, 2.25, 3.375, 0.75, 0.5, 0.25, 5, 0.125};
	unsigned cap = b->bleft;
	double best = rp_run(b, p, -RP_SETTLED, -RP_SETTLED, cap);
	double ro = p->res_over, ru = p->res_under;

	memcpy(b->best, b->dest, b->c.reta_size * sizeof(*b->best));
	for (unsigned r = 0; r < RP_RUNS - 1 && best >= RP_SETTLED && ro + ru > 0; r++) {
		double sq = rp_run(b, p, ro * scale[r], ru * scale[r], cap);

		if (sq < best) {
			best = sq;
			memcpy(b->best, b->dest, b->c.reta_size * sizeof(*b->best));
		}
	}
	return best;
}

/* Apply the best run; returns the summed residual |imbalance|. */
static double rp_apply(struct snic_balance *b, struct rp_prob *p, uint16_t *reta, double unit)
{
	double total = 0;
	bool considered[SNIC_BALANCE_QUEUES_MAX] = {false};

	for (unsigned i = 0; i < p->nover; i++)
		considered[p->over[i].q] = true;
	for (unsigned i = 0; i < p->nunder; i++)
		considered[p->under[i].q] = true;
	for (unsigned i = 0; i < b->c.reta_size; i++) {
		unsigned to;

		if (b->best[i] < 0)
			continue;
		to = p->under[b->best[i]].q;
		snic_bal_push_move(b, i, reta[i], to, b->load[i] * unit);
		p->imb[reta[i]] += b->load[i];
		p->imb[to] -= b->load[i];
		reta[i] = (uint16_t)to;
		b->skip[to] = true;
	}
	for (unsigned q = 0; q < b->c.nqueues; q++)
		if (considered[q] || b->skip[q])
			total += snic_bal_abs(p->imb[q]);
	return total;
}

static void rp_period(struct snic_balance *b, double total_imb, bool moved)
{
	uint32_t t = b->period;

	if (total_imb > 0.4)
		t = b->c.period_min_ms;
	else if (total_imb > 0.2)
		t /= 2;
	else if (!moved)
		t = t > UINT32_MAX / 2 ? UINT32_MAX : t * 2;
	if (t < b->c.period_min_ms)
		t = b->c.period_min_ms;
	if (t > b->c.period_max_ms)
		t = b->c.period_max_ms;
	b->period = t;
}

static void rp_out(const struct snic_balance *b, const struct rp_prob *p, double *ql)
{
	for (unsigned q = 0; q < b->c.nqueues; q++)
		ql[q] = b->share[q] - p->imb[q];
}

int snic_bal_step_rsspp(struct snic_balance *b, const struct snic_balance_input *in, uint16_t *reta,
			struct snic_balance_plan *plan)
{
	double ql[SNIC_BALANCE_QUEUES_MAX];
	unsigned nz[SNIC_BALANCE_QUEUES_MAX];
	struct rp_prob p;
	double total = rp_loads(b, in, reta, ql, nz), imb_in, total_imb, imb_left;

	if (total <= 0) {
		rp_period(b, 0, false);
		snic_bal_plan_fill(b, plan, 0, 0);
		return 0;
	}
	imb_in = snic_bal_imbalance(ql, b->share, b->c.nqueues);
	total_imb = rp_classify(b, &p, ql, nz);
	if (p.nover && p.nunder) {
		rp_order(b, &p, reta);
		rp_solve(b, &p);
		imb_left = rp_apply(b, &p, reta, total / b->c.nqueues);
		if (b->nmv)
			total_imb = imb_left;
	}
	rp_period(b, total_imb, b->nmv > 0);
	rp_out(b, &p, ql);
	snic_bal_plan_fill(b, plan, imb_in, snic_bal_imbalance(ql, b->share, b->c.nqueues));
	return (int)b->nmv;
}
