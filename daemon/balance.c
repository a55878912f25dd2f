/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicd's balancer (balance.h): a period's bucket loads of the PF's RETA,
 * a step of struct snic_balance, the new RETA set and published.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snic/balance.h"
#include "snic/nic.h"
#include "snic/profile.h"
#include "balance.h"
#include "snicd.h"

struct sbal {
	uint8_t policy; /* enum snic_balance_policy */
	uint32_t period_ms;
	uint64_t next_ns; /* CLOCK_MONOTONIC of the next step */
	unsigned vport, ctx;
	struct snic_balance *b;
	struct snic_ctr *prev, *cur;
	struct snic_rss_conf rss;
	uint64_t load[SNIC_RETA_MAX];
	/* what `snic stats` and `snic top` show */
	uint64_t steps, moves_total;
	unsigned moves;
	double imbalance, max_mean;
};

static struct sbal *bal;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void snicd_balance_free(void)
{
	if (!bal)
		return;
	snic_balance_free(bal->b);
	snic_ctr_free(bal->prev);
	snic_ctr_free(bal->cur);
	free(bal);
	bal = NULL;
}

static int sbal_conf(struct sbal *s, struct snicd *d, uint32_t period_ms, struct snic_err *err)
{
	struct snic_nic *nic = snicd_nic(d);
	const struct snic_profile *p = snic_nic_profile(nic);
	struct snic_balance_conf c;
	int rc;

	s->vport = snic_nic_pf_vport(nic);
	s->ctx = p->rss_per_pool ? s->vport : 0;
	rc = snic_nic_rss_get(nic, s->vport, &s->rss, err);
	if (rc)
		return rc;
	if (s->rss.nqueues < 2 || s->rss.nqueues > SNIC_BALANCE_QUEUES_MAX)
		return snic_errf(err, -EINVAL, "balance: the PF's RETA names %u queues",
				 s->rss.nqueues);
	snic_balance_conf_default(&c, (enum snic_balance_policy)s->policy, s->rss.nqueues,
				  s->rss.reta_size);
	if (period_ms)
		c.period_ms = period_ms;
	c.max_pins = 0;
	s->period_ms = c.period_ms;
	rc = snic_balance_new(&c, &s->b, err);
	if (!rc)
		rc = snic_ctr_new(p, &s->prev, err);
	if (!rc)
		rc = snic_ctr_new(p, &s->cur, err);
	return rc;
}

int snicd_balance_set(struct snicd *d, const char *policy, uint32_t period_ms, struct snic_err *err)
{
	enum snic_balance_policy pol;
	struct sbal *s;
	int rc;

	if (!policy) {
		snicd_balance_free();
		return 0;
	}
	rc = snic_balance_policy_parse(policy, &pol, err);
	if (rc)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return snic_errf(err, -ENOMEM, "out of memory");
	s->policy = (uint8_t)pol;
	rc = sbal_conf(s, d, period_ms, err);
	if (rc) {
		snic_balance_free(s->b);
		snic_ctr_free(s->prev);
		snic_ctr_free(s->cur);
		free(s);
		return rc;
	}
	snicd_balance_free();
	bal = s;
	snicd_stats(d, s->prev);
	s->next_ns = now_ns() + (uint64_t)s->period_ms * 1000000ull;
	return 0;
}

/* The period's bucket loads and the imbalance of the PF's queues. */
static void sbal_measure(struct sbal *s, struct snicd *d)
{
	uint64_t q[SNIC_BALANCE_QUEUES_MAX], sum = 0, max = 0;

	snic_ctr_reset(s->cur);
	snicd_stats(d, s->cur);
	for (unsigned i = 0; i < s->rss.reta_size; i++)
		s->load[i] = snic_ctr_bucket(s->cur, s->ctx, i)->frames -
			     snic_ctr_bucket(s->prev, s->ctx, i)->frames;
	for (unsigned i = 0; i < s->rss.nqueues; i++) {
		q[i] = snic_ctr_queue(s->cur, s->vport, i)->frames -
		       snic_ctr_queue(s->prev, s->vport, i)->frames;
		sum += q[i];
		max = q[i] > max ? q[i] : max;
	}
	s->imbalance = snic_balance_imbalance(q, NULL, s->rss.nqueues);
	s->max_mean = sum ? (double)max * s->rss.nqueues / (double)sum : 0;
	snic_ctr_reset(s->prev);
	snic_ctr_add(s->prev, s->cur);
}

/* Set the RETA the step changed on the NIC, starting from the NIC's conf
 * (another command may have changed its key or fields). */
static int sbal_program(struct sbal *s, struct snicd *d, struct snic_err *err)
{
	struct snic_rss_conf now;
	int rc = snic_nic_rss_get(snicd_nic(d), s->vport, &now, err);

	if (rc)
		return rc;
	if (now.reta_size != s->rss.reta_size || now.nqueues != s->rss.nqueues)
		return snic_errf(err, -ESTALE, "balance: the PF's RETA changed shape");
	memcpy(now.reta, s->rss.reta, now.reta_size * sizeof(now.reta[0]));
	rc = snic_nic_rss_set(snicd_nic(d), s->vport, &now, err);
	return rc ? rc : snicd_publish(d, err);
}

int snicd_balance_step(struct snicd *d, struct snic_err *err)
{
	struct snic_balance_input in = {0};
	struct snic_balance_plan plan;
	struct sbal *s = bal;
	int n;

	if (!s)
		return 0;
	sbal_measure(s, d);
	if (snic_nic_rss_get(snicd_nic(d), s->vport, &s->rss, err))
		return -EINVAL;
	in.bucket_load = s->load;
	in.elapsed_ms = s->period_ms;
	n = snic_balance_step(s->b, &in, s->rss.reta, &plan);
	s->steps++;
	s->moves = n > 0 ? (unsigned)n : 0;
	if (n < 0)
		return snic_errf(err, n, "balance: the step refused the RETA");
	if (plan.next_period_ms)
		s->period_ms = plan.next_period_ms;
	if (n > 0 && (n = sbal_program(s, d, err)) == 0)
		n = (int)s->moves;
	if (n < 0)
		s->moves = 0;
	s->moves_total += s->moves;
	return n;
}

void snicd_balance_poll(struct snicd *d)
{
	struct snic_err err = {0};
	uint64_t now;

	if (!bal)
		return;
	now = now_ns();
	if (now < bal->next_ns)
		return;
	bal->next_ns = now + (uint64_t)bal->period_ms * 1000000ull;
	snicd_balance_step(d, &err);
}

json_t *snicd_balance_json(void)
{
	const struct sbal *s = bal;
	json_t *o;

	if (!s)
		return json_pack("{s:b}", "on", 0);
	o = json_pack("{s:b, s:s, s:I, s:I, s:f, s:I, s:I}", "on", 1, "policy",
		      snic_balance_policy_name((enum snic_balance_policy)s->policy), "period_ms",
		      (json_int_t)s->period_ms, "steps", (json_int_t)s->steps, "max_mean",
		      s->max_mean, "moves", (json_int_t)s->moves, "moves_total",
		      (json_int_t)s->moves_total);
	if (o)
		json_object_set_new(o, "imbalance",
				    isfinite(s->imbalance) ? json_real(s->imbalance) : json_null());
	return o;
}
