/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic analyze --balance: a balancer on a run's period clock. At the end of
 * each period it reads the period's bucket loads of the PF's RETA, steps
 * the balancer, programs the new RETA on the run's NIC and commits a new
 * snapshot: the frames of the next period go where that RETA sends them.
 *
 * Per period it reports the imbalance of the PF's queues, the buckets moved
 * and the frames at risk of reordering: the frames, in the period after a
 * move, of the buckets that moved. Pins are not used here: the replay
 * balances buckets only.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snic/balance.h"
#include "snic/nic.h"
#include "snic/profile.h"
#include "analyze.h"
#include "cli.h"

struct an_bal {
	uint8_t policy; /* enum snic_balance_policy */
	bool json;
	char label[64]; /* the run's name: "ixgbe-82599 snic" */
	struct snic_balance *b;
	struct snic_rss_conf *rss; /* the PF's, with the RETA in force */
	unsigned vport, nq, bc;	   /* the PF, the queues its RETA names, its bctx */
	uint64_t period_ns;
	uint64_t *load; /* [reta_size] this period's bucket frames */
	bool *moved;	/* [reta_size] moved at the last step */
	struct an_bal_total tot;
};

static int find_bctx(const struct an_run *r, unsigned *out)
{
	for (unsigned i = 0; i < r->nbctx; i++) {
		const struct an_bctx *b = &r->bctx[i];

		if (!b->rss_ctx && (b->vport < 0 || (unsigned)b->vport == r->pf)) {
			*out = i;
			return 0;
		}
	}
	return -ENOENT;
}

static int bal_conf(struct an_bal *a, struct an_run *r, struct snic_err *err)
{
	struct snic_balance_conf c;

	a->vport = r->pf;
	if (find_bctx(r, &a->bc))
		return snic_errf(err, -EINVAL, "--balance: the PF has no RETA to balance");
	if (snic_nic_rss_get(r->nic, a->vport, a->rss, err))
		return -EINVAL;
	a->nq = a->rss->nqueues;
	if (a->nq < 2 || a->nq > SNIC_BALANCE_QUEUES_MAX)
		return snic_errf(err, -EINVAL, "--balance: the PF's RETA names %u queues", a->nq);
	snic_balance_conf_default(&c, (enum snic_balance_policy)a->policy, a->nq,
				  a->rss->reta_size);
	c.period_ms = (uint32_t)(a->period_ns / 1000000u);
	c.period_ms = c.period_ms ? c.period_ms : 1;
	if (c.period_min_ms > c.period_ms)
		c.period_min_ms = c.period_ms;
	if (c.period_max_ms < c.period_ms)
		c.period_max_ms = c.period_ms;
	c.max_pins = 0;
	return snic_balance_new(&c, &a->b, err);
}

int an_bal_new(struct an_run *r, uint8_t policy, uint64_t period_ns, bool json, struct an_bal **out,
	       struct snic_err *err)
{
	struct an_bal *a = calloc(1, sizeof(*a));
	int rc;

	if (!a || !(a->rss = calloc(1, sizeof(*a->rss))))
		goto nomem;
	a->policy = policy;
	a->json = json;
	a->period_ns = period_ns;
	rc = bal_conf(a, r, err);
	if (rc) {
		an_bal_free(a);
		return rc;
	}
	a->load = calloc(a->rss->reta_size, sizeof(*a->load));
	a->moved = calloc(a->rss->reta_size, sizeof(*a->moved));
	if (!a->load || !a->moved)
		goto nomem;
	snprintf(a->label, sizeof(a->label), "%s %s", r->profile,
		 snic_balance_policy_name((enum snic_balance_policy)policy));
	r->profile = a->label;
	*out = a;
	return 0;
nomem:
	an_bal_free(a);
	return snic_errf(err, -ENOMEM, "out of memory");
}

void an_bal_free(struct an_bal *a)
{
	if (!a)
		return;
	snic_balance_free(a->b);
	free(a->load);
	free(a->moved);
	free(a->rss);
	free(a);
}

const struct an_bal_total *an_bal_total(const struct an_bal *a)
{
	return &a->tot;
}

/* ---- one period ---- */

/* Imbalance of the PF's queues in @d. */
static void period_imb(const struct an_bal *a, const struct an_run *r, const struct snic_ctr *d,
		       struct an_bal_period *o)
{
	uint64_t q[SNIC_BALANCE_QUEUES_MAX], max = 0;

	o->frames = 0;
	for (unsigned i = 0; i < a->nq; i++) {
		q[i] = d->queue[an_vq(r, a->vport, i)].frames;
		o->frames += q[i];
		max = q[i] > max ? q[i] : max;
	}
	o->max_min = snic_balance_imbalance(q, NULL, a->nq);
	o->max_mean = o->frames ? (double)max * a->nq / (double)o->frames : 0;
}

/* Bucket loads of the period, and the frames of the buckets the last step
 * moved: they may arrive out of order behind the old queue's backlog. */
static uint64_t read_buckets(struct an_bal *a, const struct an_run *r, const struct snic_ctr *d)
{
	size_t off = (size_t)r->bctx[a->bc].ctx * d->reta_size;
	uint64_t risk = 0;

	for (unsigned i = 0; i < a->rss->reta_size; i++) {
		a->load[i] = d->bucket[off + i].frames;
		if (a->moved[i])
			risk += a->load[i];
		a->moved[i] = false;
	}
	return risk;
}

/* Program the RETA the step left in a->rss and commit it for the run. */
static int program(struct an_bal *a, struct an_run *r, struct snic_err *err)
{
	struct snic_cfg *cfg;
	int rc = snic_nic_rss_set(r->nic, a->vport, a->rss, err);

	if (!rc)
		rc = snic_nic_commit(r->nic, &cfg, err);
	if (rc)
		return rc;
	snic_cfg_free(r->cfg);
	r->cfg = cfg;
	memcpy(r->bctx[a->bc].reta, a->rss->reta, a->rss->reta_size * sizeof(a->rss->reta[0]));
	r->bctx[a->bc].have_reta = true;
	return 0;
}

static int step(struct an_bal *a, struct an_run *r, struct an_bal_period *o)
{
	struct snic_balance_input in = {a->load, NULL, NULL, 0,
					(uint32_t)(a->period_ns / 1000000u)};
	struct snic_balance_plan plan;
	struct snic_err err = {0};
	int n = snic_balance_step(a->b, &in, a->rss->reta, &plan);

	if (n <= 0)
		return n;
	for (unsigned i = 0; i < plan.nmoves; i++)
		a->moved[plan.moves[i].bucket] = true;
	o->buckets_moved = (unsigned)n;
	if (program(a, r, &err)) {
		fprintf(stderr, "snic analyze: --balance: %s\n", err.msg);
		return -EINVAL;
	}
	return n;
}

static void total_add(struct an_bal_total *t, const struct an_bal_period *o)
{
	t->periods++;
	t->buckets_moved += o->buckets_moved;
	t->frames_at_risk += o->frames_at_risk;
	if (!o->frames)
		return;
	t->busy++;
	t->sum_max_mean += o->max_mean;
	t->worst_max_mean = o->max_mean > t->worst_max_mean ? o->max_mean : t->worst_max_mean;
	if (isfinite(o->max_min)) {
		t->finite++;
		t->sum_max_min += o->max_min;
	}
}

void an_bal_on_period(struct an_run *r, const struct an_period *p, void *arg)
{
	struct an_bal *a = arg;
	struct an_bal_period o = {.index = p->index, .start_ns = p->start_ns, .end_ns = p->end_ns};

	period_imb(a, r, p->delta, &o);
	o.frames_at_risk = read_buckets(a, r, p->delta);
	o.policy = snic_balance_policy_name((enum snic_balance_policy)a->policy);
	step(a, r, &o);
	total_add(&a->tot, &o);
	an_bal_report_period(stdout, a->json, &o);
}

/* ---- output ---- */

static void json_num(FILE *f, const char *key, double v)
{
	if (isfinite(v))
		fprintf(f, ",\"%s\":%.6g", key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

void an_bal_report_period(FILE *f, bool json, const struct an_bal_period *o)
{
	if (!json) {
		fprintf(f,
			"balance %-6s period %-4llu %8.3f-%.3fs: frames %llu, (max-min)/min %.4f, "
			"max/mean %.4f, moved %u buckets, %llu frames at risk\n",
			o->policy, (unsigned long long)o->index, o->start_ns / 1e9, o->end_ns / 1e9,
			(unsigned long long)o->frames, o->max_min, o->max_mean, o->buckets_moved,
			(unsigned long long)o->frames_at_risk);
		return;
	}
	fprintf(f,
		"{\"balance_period\":{\"policy\":\"%s\",\"index\":%llu,\"start_ns\":%llu,"
		"\"end_ns\":%llu,\"frames\":%llu",
		o->policy, (unsigned long long)o->index, (unsigned long long)o->start_ns,
		(unsigned long long)o->end_ns, (unsigned long long)o->frames);
	json_num(f, "max_min", o->max_min);
	json_num(f, "max_mean", o->max_mean);
	fprintf(f, ",\"buckets_moved\":%u,\"frames_at_risk\":%llu}}\n", o->buckets_moved,
		(unsigned long long)o->frames_at_risk);
}

static double mean(double sum, uint64_t n)
{
	return n ? sum / (double)n : 0;
}

static void json_total(FILE *f, const struct an_bal *a, bool first)
{
	const struct an_bal_total *t = &a->tot;

	fprintf(f, "%s{\"policy\":\"%s\",\"periods\":%llu", first ? "" : ",",
		snic_balance_policy_name((enum snic_balance_policy)a->policy),
		(unsigned long long)t->periods);
	json_num(f, "mean_max_min", t->finite ? mean(t->sum_max_min, t->finite) : HUGE_VAL);
	json_num(f, "mean_max_mean", mean(t->sum_max_mean, t->busy));
	json_num(f, "worst_max_mean", t->worst_max_mean);
	fprintf(f, ",\"buckets_moved\":%llu,\"frames_at_risk\":%llu}",
		(unsigned long long)t->buckets_moved, (unsigned long long)t->frames_at_risk);
}

static void text_total(FILE *f, const struct an_bal *a)
{
	const struct an_bal_total *t = &a->tot;

	fprintf(f,
		"  %-8s (max-min)/min mean %.4f, max/mean mean %.4f worst %.4f, moved %llu "
		"buckets, %llu frames at risk\n",
		snic_balance_policy_name((enum snic_balance_policy)a->policy),
		t->finite ? mean(t->sum_max_min, t->finite) : HUGE_VAL,
		mean(t->sum_max_mean, t->busy), t->worst_max_mean,
		(unsigned long long)t->buckets_moved, (unsigned long long)t->frames_at_risk);
}

void an_bal_report(FILE *f, bool json, uint64_t period_ns, struct an_bal *const *a, unsigned n)
{
	if (!json) {
		fprintf(f, "\nbalance of the PF's RETA, a step every %.3f ms, over %llu periods:\n",
			period_ns / 1e6, n ? (unsigned long long)a[0]->tot.periods : 0ull);
		for (unsigned i = 0; i < n; i++)
			text_total(f, a[i]);
		return;
	}
	fprintf(f, "{\"balance\":{\"period_ns\":%llu,\"policies\":[",
		(unsigned long long)period_ns);
	for (unsigned i = 0; i < n; i++)
		json_total(f, a[i], !i);
	fprintf(f, "]}}\n");
}
