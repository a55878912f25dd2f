/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The snic policy (docs/balance.md): it looks often and moves little.
 *
 *  - Estimates: each bucket's and pinned flow's load is an EWMA over time
 *    (time constant SN_TAU_MS) that jumps to the measurement when the
 *    change is beyond counting noise, so that it is steady under noise
 *    and quick after a shift of traffic.
 *  - Elephants: a flow of pin_share of a queue's share or more is pinned
 *    by an exact rule to the queue it is on (no flow moves); from then on
 *    it is an item of its own, apart from its bucket's mice. A pinned flow
 *    that sends nothing in a period is unpinned (nothing in flight); one
 *    that is no longer heavy (under half the pin share) is unpinned where
 *    its bucket's queue is its own, or else, after the plan, as one of the
 *    pinned flows moved in the window if the plan left one.
 *  - Plan: only when the estimated imbalance is above the target, the best
 *    single move (a bucket or a pinned flow, from the busiest queue or to
 *    the idlest) again and again until it is within half the target, no
 *    move helps, or the caps over the window are spent. A queue that is
 *    one flow above the mean can't do better and is left out. A pinned
 *    flow moves only when it brings its two queues closer by more than
 *    the noise of their estimates, so that pins of flows of like rates do
 *    not trade places period after period.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "balance_impl.h"

/* The estimator: an EWMA with a time constant of SN_TAU_MS, and the
 * noise test (a change beyond SN_Z standard deviations of a count, plus
 * SN_REL of the estimate, is a change of traffic and replaces the
 * estimate). The plan holds a move of a pinned flow to the same test: its
 * gain must be beyond noise (sn_pin_gains()). */
#define SN_TAU_MS 300.0
#define SN_Z	  4.0
#define SN_REL	  0.10

/* A pin whose flow falls under this fraction of the pin share is removed:
 * the gap to the share that pins keeps a flow near it from flapping. */
#define SN_UNPIN 0.5

/* Loads of a period of another length are scaled to the planned one. */
static double period_scale(const struct snic_balance *b, const struct snic_balance_input *in)
{
	return (double)b->period / snic_bal_elapsed(b, in);
}

/*
 * The noise test: a difference @d is noise for an estimate @est of
 * variance @var when d <= SN_Z * sd + SN_REL * est (compared squared:
 * libsnic does without libm).
 */
static bool sn_noise(double d, double est, double var)
{
	double over = d - SN_REL * est;

	return over <= 0 || over * over <= SN_Z * SN_Z * var;
}

/*
 * The estimator: an EWMA that jumps to the measurement when the change is
 * beyond counting noise, where a count of est / unit frames has a variance
 * of about est / unit frames.
 */
static double sn_smooth(double est, double meas, double unit, double alpha)
{
	if (!sn_noise(snic_bal_abs(meas - est), est, unit * (est > unit ? est : unit)))
		return meas;
	return est + alpha * (meas - est);
}

static int sn_pin_find(const struct snic_balance *b, uint64_t key)
{
	for (unsigned p = 0; p < b->npins; p++)
		if (b->pin[p].key == key)
			return (int)p;
	return -1;
}

/* This period's load of every pinned flow (0 when not listed). */
static void sn_pin_measure(struct snic_balance *b, const struct snic_balance_input *in,
			   double scale)
{
	for (unsigned p = 0; p < b->npins; p++) {
		const struct snic_balance_flow *f = snic_bal_flow_find(in, b->pin[p].key);

		b->pin_meas[p] = f ? (double)f->load * scale : 0;
	}
}

/*
 * The estimates, from this period's loads. @var receives, per queue, the
 * variance of its items' estimates per unit of their load: that of a
 * count (unit), which the EWMA brings down to alpha / (2 - alpha) of it
 * on steady traffic.
 */
static void sn_update(struct snic_balance *b, const struct snic_balance_input *in,
		      const uint16_t *reta, double scale, double *var)
{
	double fac[SNIC_BALANCE_QUEUES_MAX], unit = b->c.load_unit * scale;
	double e = snic_bal_elapsed(b, in), alpha = e / (SN_TAU_MS + e);
	bool first = b->steps == 0;

	snic_bal_queue_factors(b, in, reta, b->pin_meas, fac);
	for (unsigned i = 0; i < b->c.reta_size; i++) {
		double m = (double)in->bucket_load[i] * scale * fac[reta[i]];

		b->est[i] = first ? m : sn_smooth(b->est[i], m, unit * fac[reta[i]], alpha);
	}
	for (unsigned p = 0; p < b->npins; p++) {
		double m = b->pin_meas[p] * fac[b->pin[p].queue];

		b->pin_est[p] = sn_smooth(b->pin_est[p], m, unit * fac[b->pin[p].queue], alpha);
		b->pin[p].load = snic_bal_round(b->pin_est[p]);
	}
	for (unsigned q = 0; q < b->c.nqueues; q++)
		var[q] = alpha / (2 - alpha) * unit * fac[q];
}

static void sn_unpin(struct snic_balance *b, unsigned p, const uint16_t *reta)
{
	snic_bal_push_op(b, &b->pin[p], SNIC_PIN_DEL, b->pin[p].queue, reta[b->pin[p].bucket]);
	b->est[b->pin[p].bucket] += b->pin_est[p];
	b->npins--;
	b->pin[p] = b->pin[b->npins];
	b->pin_est[p] = b->pin_est[b->npins];
	b->pin_meas[p] = b->pin_meas[b->npins];
}

/* A pinned flow that sent nothing this period goes back to its bucket:
 * with nothing in flight, nothing can be reordered. */
static void sn_unpin_idle(struct snic_balance *b, const uint16_t *reta)
{
	for (unsigned p = 0; p < b->npins;) {
		if (b->pin_meas[p] <= 0)
			sn_unpin(b, p, reta);
		else
			p++;
	}
}

/*
 * A pinned flow that is no longer heavy goes back to its bucket: where
 * the bucket's queue is the pin's, nothing moves; else, with @away, it is
 * a move of a pinned flow, made with what the plan left of the cap.
 */
static void sn_unpin_light(struct snic_balance *b, const uint16_t *reta, double mean, bool away)
{
	double min = SN_UNPIN * b->c.pin_share * mean;

	for (unsigned p = 0; p < b->npins;) {
		bool home = reta[b->pin[p].bucket] == b->pin[p].queue;

		if (b->pin_est[p] >= min || (!home && (!away || !b->pleft))) {
			p++;
			continue;
		}
		if (!home) {
			b->pleft--;
			b->pin_moves++;
		}
		sn_unpin(b, p, reta);
	}
}

/* The lightest pin, when lighter than @below; else -1. */
static int sn_lightest(const struct snic_balance *b, double below)
{
	int best = -1;

	for (unsigned p = 0; p < b->npins; p++)
		if (b->pin_est[p] < below && (best < 0 || b->pin_est[p] < b->pin_est[best]))
			best = (int)p;
	return best;
}

static void sn_pin(struct snic_balance *b, const struct snic_balance_flow *f, double load,
		   const uint16_t *reta)
{
	struct snic_balance_pin *p = &b->pin[b->npins];

	memset(p, 0, sizeof(*p));
	p->key = f->key;
	p->bucket = f->bucket;
	p->queue = reta[f->bucket];
	p->load = snic_bal_round(load);
	p->tuple = f->tuple;
	b->pin_est[b->npins] = load;
	b->pin_meas[b->npins] = load;
	b->npins++;
	b->est[f->bucket] = b->est[f->bucket] > load ? b->est[f->bucket] - load : 0;
	snic_bal_push_op(b, p, SNIC_PIN_ADD, p->queue, p->queue);
}

/* The heaviest listed flow not pinned yet, at least @min and below @below;
 * or NULL. */
static const struct snic_balance_flow *sn_candidate(const struct snic_balance *b,
						    const struct snic_balance_input *in,
						    double scale, double min, uint64_t below)
{
	const struct snic_balance_flow *best = NULL;

	for (unsigned i = 0; i < in->nflows; i++) {
		const struct snic_balance_flow *f = &in->flows[i];

		if (!f->load || (double)f->load * scale < min || f->load > below ||
		    sn_pin_find(b, f->key) >= 0)
			continue;
		if (!best || f->load > best->load)
			best = f;
	}
	return best;
}

/*
 * Elephants, flows of pin_share of a queue's share or more, are pinned
 * to the queue they are on: no flow moves, but from then on the flow is
 * an item of its own that a move can place, apart from its bucket's
 * mice. A full table makes room by dropping a pin four times lighter.
 */
static void sn_pin_elephants(struct snic_balance *b, const struct snic_balance_input *in,
			     const uint16_t *reta, double scale, double mean)
{
	double min = b->c.pin_share * mean;
	const struct snic_balance_flow *f;
	uint64_t below = UINT64_MAX;
	unsigned added = 0;

	/* At most max_pins new pins a step: with the idle and evicted ones
	 * removed and max_pin_moves moves, the changes fit in b->ops. */
	while (added++ < b->c.max_pins && (f = sn_candidate(b, in, scale, min, below))) {
		double load = (double)f->load * scale;

		below = f->load;
		if (b->npins == b->c.max_pins) {
			int p = sn_lightest(b, load / 4);

			if (p < 0)
				break;
			sn_unpin(b, (unsigned)p, reta);
		}
		sn_pin(b, f, load, reta);
	}
}

/* --- snic planning ---- */

struct sn_state {
	double L[SNIC_BALANCE_QUEUES_MAX];	 /* queue loads */
	double var[SNIC_BALANCE_QUEUES_MAX];	 /* an estimate's variance per unit of load */
	unsigned items[SNIC_BALANCE_QUEUES_MAX]; /* items with load */
	bool fixed[SNIC_BALANCE_QUEUES_MAX];	 /* one item, above the mean */
	double mean;				 /* mean load per queue */
	unsigned n;
	int top[3], bot[3]; /* queues with the highest and lowest L/share */
};

struct sn_cand {
	double imb, sq, load;
	int item; /* < reta_size: a bucket; else reta_size + pin */
	unsigned to;
};

/* A queue's load per share. */
static double sn_l(const struct snic_balance *b, const struct sn_state *s, unsigned q)
{
	return s->L[q] / b->share[q];
}

/*
 * The imbalance the plan works on. A queue whose load is one item above
 * the mean (an elephant alone) can't do better and is left out, so that
 * it neither drives the plan nor takes more.
 */
static double sn_imbalance(const struct snic_balance *b, const struct sn_state *s)
{
	double hi = -HUGE_VAL, lo = HUGE_VAL;

	for (unsigned q = 0; q < s->n; q++) {
		if (s->fixed[q])
			continue;
		hi = sn_l(b, s, q) > hi ? sn_l(b, s, q) : hi;
		lo = sn_l(b, s, q) < lo ? sn_l(b, s, q) : lo;
	}
	if (hi <= 0)
		return 0;
	return lo > 0 ? (hi - lo) / lo : HUGE_VAL;
}

static void sn_extremes(const struct snic_balance *b, struct sn_state *s)
{
	for (unsigned k = 0; k < 3; k++)
		s->top[k] = s->bot[k] = -1;
	for (unsigned q = 0; q < s->n; q++) {
		int c = s->fixed[q] ? -1 : (int)q;

		for (unsigned k = 0; k < 3 && c >= 0; k++) {
			if (s->top[k] < 0 ||
			    sn_l(b, s, (unsigned)c) > sn_l(b, s, (unsigned)s->top[k])) {
				int t = s->top[k];

				s->top[k] = c;
				c = t;
			}
		}
		c = s->fixed[q] ? -1 : (int)q;
		for (unsigned k = 0; k < 3 && c >= 0; k++) {
			if (s->bot[k] < 0 ||
			    sn_l(b, s, (unsigned)c) < sn_l(b, s, (unsigned)s->bot[k])) {
				int t = s->bot[k];

				s->bot[k] = c;
				c = t;
			}
		}
	}
}

/* The first queue of @list that is neither @x nor @y, or -1. */
static int sn_other(const int *list, unsigned x, unsigned y)
{
	for (unsigned k = 0; k < 3; k++)
		if (list[k] >= 0 && (unsigned)list[k] != x && (unsigned)list[k] != y)
			return list[k];
	return -1;
}

/* Imbalance and the change of the summed squared deviation if @load went
 * from queue @f to queue @t. */
static void sn_eval(const struct snic_balance *b, const struct sn_state *s, unsigned f, unsigned t,
		    double load, struct sn_cand *c)
{
	double lf = (s->L[f] - load) / b->share[f], lt = (s->L[t] + load) / b->share[t];
	double hi = lf > lt ? lf : lt, lo = lf < lt ? lf : lt, m = s->mean;
	int oh = sn_other(s->top, f, t), ol = sn_other(s->bot, f, t);

	if (oh >= 0 && sn_l(b, s, (unsigned)oh) > hi)
		hi = sn_l(b, s, (unsigned)oh);
	if (ol >= 0 && sn_l(b, s, (unsigned)ol) < lo)
		lo = sn_l(b, s, (unsigned)ol);
	c->imb = hi <= 0 ? 0 : lo > 0 ? (hi - lo) / lo : HUGE_VAL;
	c->sq = (lf - m) * (lf - m) + (lt - m) * (lt - m) -
		(sn_l(b, s, f) - m) * (sn_l(b, s, f) - m) -
		(sn_l(b, s, t) - m) * (sn_l(b, s, t) - m);
	c->load = load;
}

/* Whether @c is better than @best: lower imbalance, then a lower spread,
 * then less load moved. */
static bool sn_better(const struct sn_cand *c, const struct sn_cand *best)
{
	double tol = 1e-9 * (snic_bal_abs(best->imb) + 1e-12);

	if (best->item < 0)
		return true;
	if (c->imb < best->imb - tol)
		return true;
	if (c->imb > best->imb + tol)
		return false;
	if (c->sq < best->sq - 1e-9 * snic_bal_abs(best->sq) - 1e-12)
		return true;
	return c->sq <= best->sq + 1e-12 && c->load < best->load;
}

struct sn_items {
	const uint16_t *reta;
	unsigned nb, np;       /* buckets and pins */
	unsigned bleft, pleft; /* moves left this period */
};

static unsigned sn_queue_of(const struct snic_balance *b, const struct sn_items *it, unsigned i)
{
	return i < it->nb ? it->reta[i] : b->pin[i - it->nb].queue;
}

static double sn_load_of(const struct snic_balance *b, const struct sn_items *it, unsigned i)
{
	return i < it->nb ? b->est[i] : b->pin_est[i - it->nb];
}

static bool sn_movable(const struct snic_balance *b, const struct sn_state *s,
		       const struct sn_items *it, unsigned i)
{
	if (b->moved[i] || sn_load_of(b, it, i) <= 0 || s->fixed[sn_queue_of(b, it, i)])
		return false;
	return i < it->nb ? it->bleft > 0 : it->pleft > 0;
}

/*
 * Whether moving a pinned flow of @load from queue @f to queue @t gains
 * beyond noise. The gain is what the gap between the two queues loses,
 * as load (with equal shares, half of it): the whole load while the flow
 * is at most half the gap, less what it overshoots beyond. It must pass
 * the estimator's noise test (sn_noise()) for the flow's load and the
 * variance of the two queues' smoothed loads: more than SN_REL of the
 * flow's load, which its estimate may lag, plus SN_Z standard deviations
 * of the pair.
 *
 * Why: when no placement of whole flows meets the target (pins alone on
 * the queues, more flows of like rates than queues), the plan runs every
 * period and would take whatever the noise makes look a hair better:
 * flows of like rates would then trade places period after period, each
 * move reordering an elephant. A gain beyond noise is one that noise
 * can't turn round in the next period, so there is no back and forth.
 * Buckets are not held to it: they carry the fine part of the balance.
 */
static bool sn_pin_gains(const struct snic_balance *b, const struct sn_state *s, unsigned f,
			 unsigned t, double load)
{
	double k = 1 / b->share[f] + 1 / b->share[t];
	double d = sn_l(b, s, f) - sn_l(b, s, t);
	double gain = (snic_bal_abs(d) - snic_bal_abs(d - load * k)) / k;

	return !sn_noise(gain, load, s->var[f] * s->L[f] + s->var[t] * s->L[t]);
}

/* Try item @i to queue @t (or, with @t < 0, to every other queue); a
 * pinned flow only where its move gains beyond noise. */
static void sn_try(const struct snic_balance *b, const struct sn_state *s,
		   const struct sn_items *it, unsigned i, int t, struct sn_cand *best)
{
	unsigned f = sn_queue_of(b, it, i);
	double load = sn_load_of(b, it, i);

	for (unsigned q = t < 0 ? 0 : (unsigned)t; q < s->n; q++) {
		struct sn_cand c;

		if (q != f && !s->fixed[q] && (i < it->nb || sn_pin_gains(b, s, f, q, load))) {
			sn_eval(b, s, f, q, load, &c);
			c.item = (int)i;
			c.to = q;
			if (sn_better(&c, best))
				*best = c;
		}
		if (t >= 0)
			break;
	}
}

/* The best single move: an item of the busiest queue to any queue, or
 * any item to the idlest queue. */
static struct sn_cand sn_best_move(const struct snic_balance *b, const struct sn_state *s,
				   const struct sn_items *it)
{
	struct sn_cand best = {.item = -1};
	unsigned hi = (unsigned)s->top[0], lo = (unsigned)s->bot[0];

	if (s->top[0] < 0)
		return best;

	for (unsigned i = 0; i < it->nb + it->np; i++) {
		if (!sn_movable(b, s, it, i))
			continue;
		if (sn_queue_of(b, it, i) == hi)
			sn_try(b, s, it, i, -1, &best);
		else
			sn_try(b, s, it, i, (int)lo, &best);
	}
	return best;
}

static void sn_apply(struct snic_balance *b, struct sn_state *s, struct sn_items *it,
		     const struct sn_cand *c, uint16_t *reta)
{
	unsigned i = (unsigned)c->item, f = sn_queue_of(b, it, i);

	s->L[f] -= c->load;
	s->L[c->to] += c->load;
	s->items[f]--;
	s->items[c->to]++;
	s->fixed[f] = s->items[f] == 1 && s->L[f] / b->share[f] > s->mean;
	b->moved[i] = 1;
	if (i < it->nb) {
		snic_bal_push_move(b, i, f, c->to, c->load);
		reta[i] = (uint16_t)c->to;
		it->bleft--;
	} else {
		struct snic_balance_pin *p = &b->pin[i - it->nb];

		snic_bal_push_op(b, p, SNIC_PIN_MOVE, f, c->to);
		p->queue = (uint16_t)c->to;
		it->pleft--;
		b->pin_moves++;
	}
	sn_extremes(b, s);
}

static void sn_queue_loads(const struct snic_balance *b, const uint16_t *reta, struct sn_state *s)
{
	double total = 0;

	s->n = b->c.nqueues;
	memset(s->L, 0, sizeof(s->L));
	memset(s->items, 0, sizeof(s->items));
	memset(s->fixed, 0, sizeof(s->fixed));
	for (unsigned i = 0; i < b->c.reta_size; i++) {
		s->L[reta[i]] += b->est[i];
		s->items[reta[i]] += b->est[i] > 0;
	}
	for (unsigned p = 0; p < b->npins; p++) {
		s->L[b->pin[p].queue] += b->pin_est[p];
		s->items[b->pin[p].queue] += b->pin_est[p] > 0;
	}
	for (unsigned q = 0; q < s->n; q++)
		total += s->L[q];
	s->mean = total / s->n;
	for (unsigned q = 0; q < s->n; q++)
		s->fixed[q] = s->items[q] == 1 && s->L[q] / b->share[q] > s->mean;
	sn_extremes(b, s);
}

/*
 * Moves, each the best single one, until the predicted imbalance is
 * within half the target, no move helps, or the period's moves are spent.
 * Planning starts only above the target, so that noise does not move
 * buckets back and forth; pinned flows, which keep it above the target
 * when whole flows can't meet it, move only for a gain beyond noise.
 */
static void sn_plan(struct snic_balance *b, struct sn_state *s, uint16_t *reta)
{
	struct sn_items it = {reta, b->c.reta_size, b->npins, b->bleft, b->pleft};
	double imb = sn_imbalance(b, s);

	memset(b->moved, 0, b->c.reta_size + b->npins);
	if (imb <= b->c.target || s->mean <= 0)
		return;
	while (imb > b->c.target / 2) {
		struct sn_cand c = sn_best_move(b, s, &it);

		if (c.item < 0 || c.imb > imb || (c.imb == imb && c.sq >= 0))
			break;
		sn_apply(b, s, &it, &c, reta);
		imb = c.imb;
	}
	b->bleft = it.bleft;
	b->pleft = it.pleft;
}

int snic_bal_step_snic(struct snic_balance *b, const struct snic_balance_input *in, uint16_t *reta,
		       struct snic_balance_plan *plan)
{
	double scale = period_scale(b, in), imb_in, mean;
	struct sn_state s;

	sn_pin_measure(b, in, scale);
	sn_update(b, in, reta, scale, s.var);
	sn_unpin_idle(b, reta);
	sn_queue_loads(b, reta, &s);
	mean = s.mean;
	sn_unpin_light(b, reta, mean, false);
	if (b->c.max_pins)
		sn_pin_elephants(b, in, reta, scale, mean);
	sn_queue_loads(b, reta, &s);
	imb_in = snic_bal_imbalance(s.L, b->share, s.n);
	sn_plan(b, &s, reta);
	if (b->npins) {
		sn_unpin_light(b, reta, mean, true);
		sn_queue_loads(b, reta, &s);
	}
	snic_bal_plan_fill(b, plan, imb_in, snic_bal_imbalance(s.L, b->share, s.n));
	return (int)b->nmv;
}
