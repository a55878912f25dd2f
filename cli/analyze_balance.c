/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic analyze --balance: a balancer on a run's period clock. Each period
 * it reads the period's bucket loads of the PF's RETA; when the balancer's
 * own period has passed (rsspp adapts it at each step, the others step
 * every period) it steps on the loads since its last step, programs the
 * new RETA on the run's NIC, turns the pin changes of its plan into flow
 * rules (pins at SNIC_BALANCE_PIN_PRIORITY, after the config's rules) and
 * commits a new snapshot: the frames of the next period go where that
 * RETA and those rules send them.
 *
 * The frames the PF receives also feed a tracker of flows
 * (struct snic_balance_track): the heaviest flows of the period, with
 * their tuples, are what the balancer may pin, and a flow whose queue
 * changed between two periods in which it sent is a moved flow; its
 * frames after the change are at risk of reordering.
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

#define AN_BAL_TOPK	32	   /* heaviest flows offered to the balancer */
#define AN_BAL_FLOWS	(1u << 20) /* flows the tracker holds */
#define AN_RSSPP_MAX_MS 1000	   /* rsspp's longest period, as RSS++'s TIMER_MAX */

struct an_bal {
	uint8_t policy; /* enum snic_balance_policy */
	bool json;
	char label[64]; /* the run's name: "ixgbe-82599 snic" */
	struct snic_balance *b;
	struct snic_rss_conf *rss; /* the PF's, with the RETA in force */
	unsigned vport, nq, bc;	   /* the PF, the queues its RETA names, its bctx */
	uint64_t period_ns;
	uint64_t *load;	   /* [reta_size] bucket frames since the last step */
	uint32_t since_ms; /* since the last step */
	uint32_t step_ms;  /* the balancer's period */
	/* flows: NULL for static, whose queues never change */
	struct snic_balance_track *track;
	struct snic_balance_flow *flows; /* [AN_BAL_TOPK + max_pins] */
	unsigned max_pins;
	struct snic_pin_rules *pins; /* their rules on the run's NIC */
	bool warned;		     /* a pin got no rule */
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

static uint32_t period_ms_of(uint64_t ns)
{
	uint64_t ms = ns / 1000000u;

	return ms ? (uint32_t)(ms < UINT32_MAX ? ms : UINT32_MAX) : 1;
}

static int bal_conf(struct an_bal *a, struct an_run *r, struct snic_err *err)
{
	struct snic_balance_conf c;
	uint32_t ms = period_ms_of(a->period_ns);

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
	/* The clock's period is the finest step: rsspp starts there and
	 * adapts up to AN_RSSPP_MAX_MS, the others keep it. */
	c.period_ms = c.period_min_ms = ms;
	c.period_max_ms =
		a->policy == SNIC_BAL_RSSPP && ms < AN_RSSPP_MAX_MS ? AN_RSSPP_MAX_MS : ms;
	c.max_pins = (uint16_t)a->max_pins;
	a->step_ms = ms;
	return snic_balance_new(&c, &a->b, err);
}

static int bal_alloc(struct an_bal *a)
{
	struct snic_err err = {0};

	a->load = calloc(a->rss->reta_size, sizeof(*a->load));
	if (!a->load)
		return -ENOMEM;
	if (a->policy == SNIC_BAL_STATIC)
		return 0;
	if (snic_balance_track_new(AN_BAL_FLOWS, a->max_pins ? AN_BAL_TOPK : 1, &a->track, &err))
		return -ENOMEM;
	if (snic_pin_rules_new(a->max_pins, (uint16_t)a->vport, &a->pins, &err))
		return -ENOMEM;
	a->flows = calloc(AN_BAL_TOPK + a->max_pins, sizeof(*a->flows));
	return a->flows ? 0 : -ENOMEM;
}

int an_bal_new(struct an_run *r, uint8_t policy, uint64_t period_ns, unsigned pins, bool json,
	       struct an_bal **out, struct snic_err *err)
{
	struct an_bal *a = calloc(1, sizeof(*a));
	int rc;

	if (!a || !(a->rss = calloc(1, sizeof(*a->rss))))
		goto nomem;
	a->policy = policy;
	a->json = json;
	a->period_ns = period_ns;
	a->max_pins = policy == SNIC_BAL_SNIC ? (pins < AN_PINS_MAX ? pins : AN_PINS_MAX) : 0;
	rc = bal_conf(a, r, err);
	if (rc) {
		an_bal_free(a);
		return rc;
	}
	if (bal_alloc(a))
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
	snic_balance_track_free(a->track);
	snic_pin_rules_free(a->pins);
	free(a->flows);
	free(a->load);
	free(a->rss);
	free(a);
}

const struct an_bal_total *an_bal_total(const struct an_bal *a)
{
	return &a->tot;
}

/* ---- flows ---- */

/* The bucket of a copy the PF received, SNIC_BALANCE_NO_BUCKET for a
 * pinned flow's; -1 when neither RSS nor a pin chose its queue (a rule of
 * the config, the steering plugin): the balancer can't move it. */
static int copy_bucket(const struct an_bal *a, const struct snic_dest *d)
{
	if (d->flags & SNIC_DEST_RULE)
		return snic_pin_rules_ours(a->pins, d->rule) ? (int)SNIC_BALANCE_NO_BUCKET : -1;
	if (d->flags & SNIC_DEST_STEERED)
		return -1;
	return (int)snic_reta_index(a->rss, d->hash);
}

void an_bal_account(struct an_bal *a, const struct snic_frame *fr, const uint64_t *fkey,
		    const struct snic_dest *d, unsigned nd)
{
	struct snic_balance_tuple tp;
	struct snic_pkt pkt;

	if (!a->track)
		return;
	for (unsigned i = 0; i < nd; i++) {
		const struct snic_frame *f = &fr[d[i].frame];
		uint64_t key = fkey[d[i].frame];
		int bucket;

		if (d[i].vport != a->vport || (bucket = copy_bucket(a, &d[i])) < 0)
			continue;
		/* Tuples only for pins: without, the tracker counts moves. */
		if (!snic_balance_track_add(a->track, key, (unsigned)bucket, d[i].queue, 1) ||
		    !a->max_pins)
			continue;
		snic_parse(f->data, f->len, &pkt);
		snic_balance_tuple_of(&pkt, &tp);
		snic_balance_track_tuple(a->track, key, &tp);
	}
}

/* ---- the RETA and the pins on the run's NIC ---- */

/* Program the RETA the step left in a->rss and the pin changes of @plan,
 * and commit them for the run. */
static int program(struct an_bal *a, struct an_run *r, const struct snic_balance_plan *plan,
		   struct snic_err *err)
{
	struct snic_cfg *cfg;
	int rc = snic_nic_rss_set(r->nic, a->vport, a->rss, err);

	/* A pin without its rule (the rule slots are full) leaves its flow
	 * where its bucket sends it: said once, not fatal. */
	for (unsigned i = 0; !rc && i < plan->npins; i++) {
		struct snic_err perr = {0};

		if (snic_pin_rules_apply(a->pins, r->nic, &plan->pins[i], &perr) && !a->warned) {
			fprintf(stderr, "snic analyze: --balance: a pin gets no rule: %s\n",
				perr.msg);
			a->warned = true;
		}
	}
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

/* Add the period's bucket loads to those since the last step. */
static void read_buckets(struct an_bal *a, const struct an_run *r, const struct snic_ctr *d)
{
	size_t off = (size_t)r->bctx[a->bc].ctx * d->reta_size;

	for (unsigned i = 0; i < a->rss->reta_size; i++)
		a->load[i] += d->bucket[off + i].frames;
}

static unsigned step_flows(struct an_bal *a)
{
	const struct snic_balance_pin *pins;
	unsigned npins;

	if (!a->track || !a->max_pins)
		return 0;
	pins = snic_balance_pins(a->b, &npins);
	return snic_balance_track_flows(a->track, pins, npins, a->flows, AN_BAL_TOPK + a->max_pins);
}

static void step(struct an_bal *a, struct an_run *r, struct an_bal_period *o)
{
	struct snic_balance_input in = {a->load, NULL, a->flows, step_flows(a), a->since_ms};
	struct snic_balance_plan plan;
	struct snic_err err = {0};
	int n = snic_balance_step(a->b, &in, a->rss->reta, &plan);

	memset(a->load, 0, a->rss->reta_size * sizeof(*a->load));
	a->since_ms = 0;
	o->stepped = true;
	if (n < 0)
		return;
	if (plan.next_period_ms)
		a->step_ms = plan.next_period_ms;
	o->buckets_moved = (unsigned)n;
	o->pin_changes = plan.npins;
	if ((n > 0 || plan.npins) && program(a, r, &plan, &err))
		fprintf(stderr, "snic analyze: --balance: %s\n", err.msg);
}

static void total_add(struct an_bal_total *t, const struct an_bal_period *o)
{
	t->periods++;
	t->steps += o->stepped;
	t->buckets_moved += o->buckets_moved;
	t->pin_changes += o->pin_changes;
	t->pins_max = o->pins > t->pins_max ? o->pins : t->pins_max;
	t->flows_moved += o->flows_moved;
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
	struct snic_balance_track_sum sum = {0};
	unsigned npins;

	o.policy = snic_balance_policy_name((enum snic_balance_policy)a->policy);
	period_imb(a, r, p->delta, &o);
	read_buckets(a, r, p->delta);
	a->since_ms += period_ms_of(a->period_ns);
	if (a->since_ms >= a->step_ms)
		step(a, r, &o);
	if (a->track)
		snic_balance_track_next(a->track, &sum);
	o.flows_moved = sum.moved;
	o.frames_at_risk = sum.moved_frames;
	snic_balance_pins(a->b, &npins);
	o.pins = npins;
	o.step_ms = a->step_ms;
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

static void text_period(FILE *f, const struct an_bal_period *o)
{
	fprintf(f,
		"balance %-6s period %-4llu %8.3f-%.3fs: frames %llu, (max-min)/min %.4f, "
		"max/mean %.4f, ",
		o->policy, (unsigned long long)o->index, o->start_ns / 1e9, o->end_ns / 1e9,
		(unsigned long long)o->frames, o->max_min, o->max_mean);
	if (o->stepped)
		fprintf(f, "moved %u buckets and %u pins, ", o->buckets_moved, o->pin_changes);
	else
		fputs("no step, ", f);
	fprintf(f, "%u pinned, %llu flows moved (%llu frames at risk)\n", o->pins,
		(unsigned long long)o->flows_moved, (unsigned long long)o->frames_at_risk);
}

void an_bal_report_period(FILE *f, bool json, const struct an_bal_period *o)
{
	if (!json) {
		text_period(f, o);
		return;
	}
	fprintf(f,
		"{\"balance_period\":{\"policy\":\"%s\",\"index\":%llu,\"start_ns\":%llu,"
		"\"end_ns\":%llu,\"frames\":%llu",
		o->policy, (unsigned long long)o->index, (unsigned long long)o->start_ns,
		(unsigned long long)o->end_ns, (unsigned long long)o->frames);
	json_num(f, "max_min", o->max_min);
	json_num(f, "max_mean", o->max_mean);
	fprintf(f,
		",\"stepped\":%s,\"step_ms\":%u,\"buckets_moved\":%u,\"pin_changes\":%u,"
		"\"pins\":%u,\"flows_moved\":%llu,\"frames_at_risk\":%llu}}\n",
		o->stepped ? "true" : "false", o->step_ms, o->buckets_moved, o->pin_changes,
		o->pins, (unsigned long long)o->flows_moved, (unsigned long long)o->frames_at_risk);
}

static double mean(double sum, uint64_t n)
{
	return n ? sum / (double)n : 0;
}

static void json_total(FILE *f, const struct an_bal *a, bool first)
{
	const struct an_bal_total *t = &a->tot;

	fprintf(f, "%s{\"policy\":\"%s\",\"periods\":%llu,\"steps\":%llu", first ? "" : ",",
		snic_balance_policy_name((enum snic_balance_policy)a->policy),
		(unsigned long long)t->periods, (unsigned long long)t->steps);
	json_num(f, "mean_max_min", t->finite ? mean(t->sum_max_min, t->finite) : HUGE_VAL);
	json_num(f, "mean_max_mean", mean(t->sum_max_mean, t->busy));
	json_num(f, "worst_max_mean", t->worst_max_mean);
	fprintf(f,
		",\"buckets_moved\":%llu,\"pin_changes\":%llu,\"pins_max\":%u,"
		"\"flows_moved\":%llu,\"frames_at_risk\":%llu}",
		(unsigned long long)t->buckets_moved, (unsigned long long)t->pin_changes,
		t->pins_max, (unsigned long long)t->flows_moved,
		(unsigned long long)t->frames_at_risk);
}

static void text_total(FILE *f, const struct an_bal *a)
{
	const struct an_bal_total *t = &a->tot;

	fprintf(f,
		"  %-8s (max-min)/min mean %.4f, max/mean mean %.4f worst %.4f; %llu steps moved "
		"%llu buckets and %llu pins (at most %u pinned); %llu flows moved, %llu frames "
		"at risk\n",
		snic_balance_policy_name((enum snic_balance_policy)a->policy),
		t->finite ? mean(t->sum_max_min, t->finite) : HUGE_VAL,
		mean(t->sum_max_mean, t->busy), t->worst_max_mean, (unsigned long long)t->steps,
		(unsigned long long)t->buckets_moved, (unsigned long long)t->pin_changes,
		t->pins_max, (unsigned long long)t->flows_moved,
		(unsigned long long)t->frames_at_risk);
}

void an_bal_report(FILE *f, bool json, uint64_t period_ns, struct an_bal *const *a, unsigned n)
{
	if (!json) {
		fprintf(f,
			"\nbalance of the PF's RETA, measured every %.3f ms, over %llu periods:\n",
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
