/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RSS balancer: configuration, the step and its caps, pins and their
 * rules. The policies are in balance_rsspp.c and balance_snic.c.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "balance_impl.h"
#include "snic/rss.h"

/* --- Names and configuration ------------------------------------------------------- */

static const char *const policy_names[SNIC_BAL_COUNT] = {
	[SNIC_BAL_STATIC] = "static",
	[SNIC_BAL_RSSPP] = "rsspp",
	[SNIC_BAL_SNIC] = "snic",
};

const char *snic_balance_policy_name(enum snic_balance_policy p)
{
	return (unsigned)p < SNIC_BAL_COUNT ? policy_names[p] : "unknown";
}

int snic_balance_policy_parse(const char *s, enum snic_balance_policy *out, struct snic_err *err)
{
	for (unsigned i = 0; i < SNIC_BAL_COUNT; i++) {
		if (s && !strcmp(s, policy_names[i])) {
			*out = (enum snic_balance_policy)i;
			return 0;
		}
	}
	return snic_errf(err, -EINVAL, "balance policy '%s' is not one of static, rsspp, snic",
			 s ? s : "");
}

void snic_balance_conf_default(struct snic_balance_conf *c, enum snic_balance_policy policy,
			       unsigned nqueues, unsigned reta_size)
{
	memset(c, 0, sizeof(*c));
	c->policy = (uint8_t)policy;
	c->nqueues = (uint16_t)nqueues;
	c->reta_size = (uint16_t)reta_size;
	c->period_ms = c->period_min_ms = c->period_max_ms = 100;
	c->threshold = 0.02;
	c->target = 0.01;
	c->pin_share = 0.25;
	c->load_unit = 1.0;
	if (policy == SNIC_BAL_RSSPP)
		c->period_max_ms = 1000;
	if (policy == SNIC_BAL_SNIC) {
		c->period_ms = c->period_min_ms = c->period_max_ms = 20;
		c->window_ms = 100;
		c->max_moves = (uint16_t)(reta_size / 50 ? reta_size / 50 : 1);
		c->max_pins = 32;
		c->max_pin_moves = 4;
	}
}

static int conf_check_sizes(const struct snic_balance_conf *c, struct snic_err *err)
{
	if (c->policy >= SNIC_BAL_COUNT)
		return snic_errf(err, -EINVAL, "balance policy %u is not known", c->policy);
	if (!c->nqueues || c->nqueues > SNIC_BALANCE_QUEUES_MAX)
		return snic_errf(err, -EINVAL, "balance: %u queues is out of range 1..%u",
				 c->nqueues, SNIC_BALANCE_QUEUES_MAX);
	if (!c->reta_size || c->reta_size > SNIC_RETA_MAX)
		return snic_errf(err, -EINVAL, "balance: RETA size %u is out of range 1..%u",
				 c->reta_size, SNIC_RETA_MAX);
	if (c->max_pins > SNIC_BAL_PINS_MAX)
		return snic_errf(err, -EINVAL, "balance: %u pins is above %u", c->max_pins,
				 SNIC_BAL_PINS_MAX);
	for (unsigned q = 0; c->weight && q < c->nqueues; q++)
		if (!c->weight[q])
			return snic_errf(err, -EINVAL, "balance: queue %u has weight 0", q);
	return 0;
}

static int conf_check_numbers(const struct snic_balance_conf *c, struct snic_err *err)
{
	if (!c->period_ms || !c->period_min_ms || c->period_min_ms > c->period_ms ||
	    c->period_ms > c->period_max_ms)
		return snic_errf(err, -EINVAL,
				 "balance: period %u ms must lie in %u..%u ms, all above 0",
				 c->period_ms, c->period_min_ms, c->period_max_ms);
	if (!(c->threshold >= 0 && c->threshold < 1))
		return snic_errf(err, -EINVAL, "balance: threshold %g is out of range [0, 1)",
				 c->threshold);
	if (!(c->target >= 0 && c->target < 100))
		return snic_errf(err, -EINVAL, "balance: target %g is out of range [0, 100)",
				 c->target);
	if (!(c->pin_share > 0 && c->pin_share <= 100))
		return snic_errf(err, -EINVAL, "balance: pin share %g is out of range (0, 100]",
				 c->pin_share);
	if (!(c->load_unit > 0 && c->load_unit < HUGE_VAL))
		return snic_errf(err, -EINVAL, "balance: load unit %g must be above 0",
				 c->load_unit);
	return 0;
}

static void set_shares(struct snic_balance *b)
{
	double sum = 0;
	unsigned n = b->c.nqueues;

	for (unsigned q = 0; q < n; q++)
		sum += b->c.weight ? (double)b->c.weight[q] : 1.0;
	for (unsigned q = 0; q < n; q++)
		b->share[q] = (b->c.weight ? (double)b->c.weight[q] : 1.0) * n / sum;
	b->c.weight = NULL; /* the caller's array is not kept */
}

static int alloc_arrays(struct snic_balance *b)
{
	size_t r = b->c.reta_size, p = b->c.max_pins;

	b->est = calloc(r, sizeof(*b->est));
	b->load = calloc(r, sizeof(*b->load));
	b->order = calloc(r, sizeof(*b->order));
	b->dest = calloc(r, sizeof(*b->dest));
	b->best = calloc(r, sizeof(*b->best));
	b->moved = calloc(r + p, sizeof(*b->moved));
	b->mv = calloc(r, sizeof(*b->mv));
	b->pin = calloc(p ? p : 1, sizeof(*b->pin));
	b->pin_est = calloc(p ? p : 1, sizeof(*b->pin_est));
	b->pin_meas = calloc(p ? p : 1, sizeof(*b->pin_meas));
	b->ops = calloc(3 * p + b->c.max_pin_moves + 1, sizeof(*b->ops));
	if (!b->est || !b->load || !b->order || !b->dest || !b->best || !b->moved || !b->mv)
		return -ENOMEM;
	return b->pin && b->pin_est && b->pin_meas && b->ops ? 0 : -ENOMEM;
}

int snic_balance_new(const struct snic_balance_conf *c, struct snic_balance **out,
		     struct snic_err *err)
{
	struct snic_balance *b;
	int rc;

	*out = NULL;
	rc = conf_check_sizes(c, err);
	if (rc)
		return rc;
	rc = conf_check_numbers(c, err);
	if (rc)
		return rc;
	b = calloc(1, sizeof(*b));
	if (!b)
		goto err_alloc;
	b->c = *c;
	if (c->policy != SNIC_BAL_SNIC)
		b->c.max_pins = 0;
	set_shares(b);
	b->period = c->period_ms;
	if (alloc_arrays(b))
		goto err_arrays;
	*out = b;
	return 0;

err_arrays:
	snic_balance_free(b);
err_alloc:
	return snic_errf(err, -ENOMEM, "balance: out of memory");
}

void snic_balance_free(struct snic_balance *b)
{
	if (!b)
		return;
	free(b->est);
	free(b->load);
	free(b->order);
	free(b->dest);
	free(b->best);
	free(b->moved);
	free(b->mv);
	free(b->pin);
	free(b->pin_est);
	free(b->pin_meas);
	free(b->ops);
	free(b);
}

/* --- Shared pieces ----------------------------------------------------------------- */

double snic_bal_imbalance(const double *load, const double *share, unsigned n)
{
	double hi = -HUGE_VAL, lo = HUGE_VAL;

	for (unsigned q = 0; q < n; q++) {
		double l = load[q] / share[q];

		hi = l > hi ? l : hi;
		lo = l < lo ? l : lo;
	}
	if (hi <= 0)
		return 0;
	return lo > 0 ? (hi - lo) / lo : HUGE_VAL;
}

double snic_balance_imbalance(const uint64_t *load, const uint32_t *weight, unsigned nqueues)
{
	double l[SNIC_BALANCE_QUEUES_MAX], s[SNIC_BALANCE_QUEUES_MAX];

	if (!nqueues || nqueues > SNIC_BALANCE_QUEUES_MAX)
		return 0;
	for (unsigned q = 0; q < nqueues; q++) {
		l[q] = (double)load[q];
		s[q] = weight ? (double)weight[q] : 1.0;
	}
	return snic_bal_imbalance(l, s, nqueues);
}

static int input_check(const struct snic_balance *b, const struct snic_balance_input *in,
		       const uint16_t *reta)
{
	if (!in || !in->bucket_load || (in->nflows && !in->flows))
		return -EINVAL;
	for (unsigned i = 0; i < b->c.reta_size; i++)
		if (reta[i] >= b->c.nqueues)
			return -EINVAL;
	for (unsigned i = 0; i < in->nflows; i++)
		if (in->flows[i].bucket >= b->c.reta_size)
			return -EINVAL;
	return 0;
}

const struct snic_balance_flow *snic_bal_flow_find(const struct snic_balance_input *in,
						   uint64_t key)
{
	for (unsigned i = 0; i < in->nflows; i++)
		if (in->flows[i].key == key)
			return &in->flows[i];
	return NULL;
}

double snic_bal_elapsed(const struct snic_balance *b, const struct snic_balance_input *in)
{
	return in->elapsed_ms ? in->elapsed_ms : b->period;
}

/*
 * Moves left to this step under the caps: those of the steps less than
 * window_ms before this one count against them.
 */
static void budget(struct snic_balance *b, const struct snic_balance_input *in)
{
	unsigned moves = 0, pins = 0, cap = b->c.max_moves, pcap = b->c.max_pin_moves;
	double t = snic_bal_elapsed(b, in);

	for (unsigned k = 1; k <= SNIC_BAL_HIST && k <= b->steps && t < b->c.window_ms; k++) {
		const struct snic_bal_hist *h =
			&b->hist[(b->hpos + SNIC_BAL_HIST - k) % SNIC_BAL_HIST];

		moves += h->moves;
		pins += h->pin_moves;
		t += h->ms;
	}
	b->bleft = !cap ? b->c.reta_size : moves < cap ? cap - moves : 0;
	b->pleft = pins < pcap ? pcap - pins : 0;
}

static void hist_push(struct snic_balance *b, const struct snic_balance_input *in,
		      unsigned pin_moves)
{
	struct snic_bal_hist *h = &b->hist[b->hpos];

	h->ms = (uint32_t)snic_bal_elapsed(b, in);
	h->moves = (uint16_t)b->nmv;
	h->pin_moves = (uint16_t)pin_moves;
	b->hpos = (b->hpos + 1) % SNIC_BAL_HIST;
}

void snic_bal_queue_factors(const struct snic_balance *b, const struct snic_balance_input *in,
			    const uint16_t *reta, const double *pinned, double *fac)
{
	double sum[SNIC_BALANCE_QUEUES_MAX] = {0};
	unsigned n = b->c.nqueues;

	for (unsigned q = 0; q < n; q++)
		fac[q] = 1.0;
	if (!in->queue_load)
		return;
	for (unsigned i = 0; i < b->c.reta_size; i++)
		sum[reta[i]] += (double)in->bucket_load[i];
	for (unsigned p = 0; pinned && p < b->npins; p++)
		sum[b->pin[p].queue] += pinned[p];
	for (unsigned q = 0; q < n; q++)
		if (sum[q] > 0)
			fac[q] = (double)in->queue_load[q] / sum[q];
}

void snic_bal_push_move(struct snic_balance *b, unsigned bucket, unsigned from, unsigned to,
			double load)
{
	struct snic_balance_move *m = &b->mv[b->nmv++];

	m->bucket = (uint16_t)bucket;
	m->from = (uint16_t)from;
	m->to = (uint16_t)to;
	m->load = snic_bal_round(load);
}

void snic_bal_push_op(struct snic_balance *b, const struct snic_balance_pin *p, unsigned op,
		      unsigned from, unsigned to)
{
	struct snic_balance_pin *o = &b->ops[b->nops++];

	*o = *p;
	o->op = (uint8_t)op;
	o->from = (uint16_t)from;
	o->queue = (uint16_t)to;
}

void snic_bal_plan_fill(struct snic_balance *b, struct snic_balance_plan *plan, double in_imb,
			double out_imb)
{
	plan->moves = b->mv;
	plan->nmoves = b->nmv;
	plan->pins = b->ops;
	plan->npins = b->nops;
	plan->next_period_ms = b->period;
	plan->imbalance_in = in_imb;
	plan->imbalance_out = out_imb;
}

/* --- The step ---------------------------------------------------------------------- */

static int step_static(struct snic_balance *b, const struct snic_balance_input *in,
		       const uint16_t *reta, struct snic_balance_plan *plan)
{
	double ql[SNIC_BALANCE_QUEUES_MAX] = {0};

	for (unsigned i = 0; i < b->c.reta_size; i++)
		ql[reta[i]] += (double)in->bucket_load[i];
	snic_bal_plan_fill(b, plan, snic_bal_imbalance(ql, b->share, b->c.nqueues),
			   snic_bal_imbalance(ql, b->share, b->c.nqueues));
	return 0;
}

int snic_balance_step(struct snic_balance *b, const struct snic_balance_input *in, uint16_t *reta,
		      struct snic_balance_plan *plan)
{
	int rc = input_check(b, in, reta);

	memset(plan, 0, sizeof(*plan));
	if (rc)
		return rc;
	b->nmv = b->nops = b->pin_moves = 0;
	budget(b, in);
	switch (b->c.policy) {
	case SNIC_BAL_RSSPP:
		rc = snic_bal_step_rsspp(b, in, reta, plan);
		break;
	case SNIC_BAL_SNIC:
		rc = snic_bal_step_snic(b, in, reta, plan);
		break;
	default:
		rc = step_static(b, in, reta, plan);
		break;
	}
	hist_push(b, in, b->pin_moves);
	b->steps++;
	return rc;
}

const struct snic_balance_pin *snic_balance_pins(const struct snic_balance *b, unsigned *n)
{
	*n = b->npins;
	return b->pin;
}

int snic_balance_pin_rule(const struct snic_balance_pin *p, uint16_t vport, uint32_t priority,
			  struct snic_flow_rule *rule)
{
	const struct snic_balance_tuple *t = &p->tuple;

	if (t->ip_ver != 4 && t->ip_ver != 6)
		return -EINVAL;
	memset(rule, 0, sizeof(*rule));
	rule->vport = vport;
	rule->queue = p->queue;
	rule->priority = priority;
	rule->action = SNIC_ACT_QUEUE;
	rule->match = SNIC_FM_IP_VER | SNIC_FM_IP_SRC | SNIC_FM_IP_DST | SNIC_FM_L4_PROTO |
		      SNIC_FM_SPORT | SNIC_FM_DPORT;
	rule->ip_ver = t->ip_ver;
	rule->src_plen = rule->dst_plen = t->ip_ver == 4 ? 32 : 128;
	memcpy(rule->ip_src, t->ip_src, sizeof(rule->ip_src));
	memcpy(rule->ip_dst, t->ip_dst, sizeof(rule->ip_dst));
	rule->l4_proto = t->l4_proto;
	rule->sport = t->sport;
	rule->dport = t->dport;
	rule->sport_mask = rule->dport_mask = 0xffff;
	return 0;
}
