/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicd's balancer (balance.h): a period's bucket loads of a vport's RETA
 * and, with pins, the heaviest flows the uplink's samples show; a step of
 * struct snic_balance; the new RETA and the pin rules set and published
 * in one change.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snic/balance.h"
#include "snic/dp.h"
#include "snic/nic.h"
#include "snic/parse.h"
#include "snic/profile.h"
#include "balance.h"
#include "config.h"
#include "snicd.h"

#define SBAL_TOPK  32	      /* heaviest flows offered to the balancer */
#define SBAL_FLOWS (1u << 16) /* flows the tracker holds */
#define SBAL_DESTS 256	      /* destinations of a sample: a copy per pool at most */

struct sbal {
	struct snicd *d;
	uint8_t policy; /* enum snic_balance_policy */
	uint32_t period_ms;
	uint64_t next_ns, last_ns; /* CLOCK_MONOTONIC of the next and the last step */
	unsigned vport;		   /* whose queues are measured and whose flows pinned */
	unsigned rss_vport;	   /* whose RSS conf holds the RETA (the PF on 82599) */
	unsigned ctx;		   /* its bucket counters */
	struct snic_balance *b;
	struct snic_ctr *prev, *cur;
	struct snic_rss_conf rss;
	uint64_t load[SNIC_RETA_MAX];
	/* pins */
	unsigned max_pins;
	struct snic_balance_track *track;
	struct snic_balance_flow *flows; /* [SBAL_TOPK + max_pins] */
	struct snic_pin_rules *pins;	 /* their rules on the NIC */
	const struct snic_cfg *cfg;	 /* the running snapshot, while samples are read */
	struct snic_ctr *scratch;	 /* what the samples' model run counts */
	struct snic_dest dests[SBAL_DESTS];
	/* what `snic stats` and `snic top` show */
	uint64_t steps, moves_total, pin_changes_total, sampled;
	unsigned moves, pin_changes;
	double imbalance, max_mean;
};

static struct sbal *bal;
static const struct snicd_sampler *sampler;
static bool sampling;	     /* the sampler runs */
static int default_pins = 0; /* the config's balance.pins */

void snicd_balance_sampler(const struct snicd_sampler *s)
{
	sampler = s;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void sbal_free(struct sbal *s)
{
	if (!s)
		return;
	snic_balance_free(s->b);
	snic_balance_track_free(s->track);
	snic_ctr_free(s->prev);
	snic_ctr_free(s->cur);
	snic_ctr_free(s->scratch);
	snic_pin_rules_free(s->pins);
	free(s->flows);
	free(s);
}

static void sampler_stop(struct snicd *d)
{
	if (sampling && sampler)
		sampler->stop(d);
	sampling = false;
}

void snicd_balance_free(void)
{
	if (bal)
		sampler_stop(bal->d);
	sbal_free(bal);
	bal = NULL;
}

/* ---- configuration ---- */

/* The vport measured, the one whose conf holds its RETA, and the RETA. */
static int sbal_vport(struct sbal *s, struct snicd *d, int vport, struct snic_err *err)
{
	struct snic_nic *nic = snicd_nic(d);
	const struct snic_profile *p = snic_nic_profile(nic);
	unsigned pf = snic_nic_pf_vport(nic), nq;
	char name[16];
	int rc;

	s->vport = vport < 0 ? pf : (unsigned)vport;
	if (s->vport > pf)
		return snic_errf(err, -EINVAL, "balance: vport %u does not exist", s->vport);
	s->rss_vport = p->rss_per_pool ? s->vport : pf;
	s->ctx = p->rss_per_pool ? s->vport : 0;
	rc = snic_nic_rss_get(nic, s->rss_vport, &s->rss, err);
	if (rc)
		return rc;
	nq = snic_nic_vport_queues(nic, s->vport);
	snic_config_vport_name(nic, s->vport, name, sizeof(name));
	if (s->rss.nqueues < 2 || s->rss.nqueues > SNIC_BALANCE_QUEUES_MAX)
		return snic_errf(err, -EINVAL, "balance: the RETA of %s names %u queues", name,
				 s->rss.nqueues);
	if (s->rss.nqueues > nq)
		return snic_errf(err, -EINVAL, "balance: the RETA names %u queues, %s has %u",
				 s->rss.nqueues, name, nq);
	return 0;
}

static int sbal_pins_alloc(struct sbal *s, struct snicd *d, struct snic_err *err)
{
	int rc;

	if (!s->max_pins)
		return 0;
	if (!sampler)
		return snic_errf(err, -EOPNOTSUPP, "balance: pins need snicd's flow sampler");
	rc = snic_balance_track_new(SBAL_FLOWS, SBAL_TOPK, &s->track, err);
	if (!rc)
		rc = snic_ctr_new(snic_nic_profile(snicd_nic(d)), &s->scratch, err);
	if (!rc)
		rc = snic_pin_rules_new(s->max_pins, (uint16_t)s->vport, &s->pins, err);
	if (rc)
		return rc;
	s->flows = calloc(SBAL_TOPK + s->max_pins, sizeof(*s->flows));
	if (!s->flows)
		return snic_errf(err, -ENOMEM, "out of memory");
	return 0;
}

static int sbal_conf(struct sbal *s, struct snicd *d, const struct snicd_balance_opts *o, int pins,
		     struct snic_err *err)
{
	const struct snic_profile *p = snic_nic_profile(snicd_nic(d));
	struct snic_balance_conf c;
	int rc = sbal_vport(s, d, o->vport, err);

	if (rc)
		return rc;
	snic_balance_conf_default(&c, (enum snic_balance_policy)s->policy, s->rss.nqueues,
				  s->rss.reta_size);
	if (o->period_ms) {
		c.period_ms = o->period_ms;
		c.period_min_ms = c.period_min_ms < o->period_ms ? c.period_min_ms : o->period_ms;
		c.period_max_ms = c.period_max_ms > o->period_ms ? c.period_max_ms : o->period_ms;
	}
	s->max_pins = s->policy == SNIC_BAL_SNIC && pins > 0 ? (unsigned)pins : 0;
	c.max_pins = (uint16_t)s->max_pins;
	s->period_ms = c.period_ms;
	rc = snic_balance_new(&c, &s->b, err);
	if (!rc)
		rc = snic_ctr_new(p, &s->prev, err);
	if (!rc)
		rc = snic_ctr_new(p, &s->cur, err);
	return rc ? rc : sbal_pins_alloc(s, d, err);
}

/* ---- turning it on and off ---- */

int snicd_balance_off(struct snicd *d, struct snic_err *err)
{
	int rc = 0;

	if (bal && bal->pins && snic_pin_rules_clear(bal->pins, snicd_nic(d)))
		rc = snicd_publish(d, err);
	snicd_balance_free();
	return rc;
}

int snicd_balance_on(struct snicd *d, const struct snicd_balance_opts *o, bool set_default,
		     struct snic_err *err)
{
	enum snic_balance_policy pol;
	struct sbal *s;
	int rc = snic_balance_policy_parse(o->policy, &pol, err);

	if (rc)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return snic_errf(err, -ENOMEM, "out of memory");
	s->d = d;
	s->policy = (uint8_t)pol;
	rc = sbal_conf(s, d, o, o->pins >= 0 ? o->pins : default_pins, err);
	if (rc) {
		sbal_free(s);
		return rc;
	}
	snicd_balance_off(d, NULL);
	if (s->max_pins && (rc = sampler->start(d, err)) != 0) {
		sbal_free(s);
		return rc;
	}
	sampling = s->max_pins > 0;
	if (set_default && o->pins >= 0)
		default_pins = o->pins;
	bal = s;
	snicd_stats(d, s->prev);
	s->last_ns = now_ns();
	s->next_ns = s->last_ns + (uint64_t)s->period_ms * 1000000ull;
	return 0;
}

int snicd_balance_set(struct snicd *d, const char *policy, uint32_t period_ms, struct snic_err *err)
{
	struct snicd_balance_opts o = {policy, period_ms, -1, -1};

	return policy ? snicd_balance_on(d, &o, false, err) : snicd_balance_off(d, err);
}

/* ---- one period ---- */

/* The period's bucket loads and the imbalance of the vport's queues. */
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

/* The bucket of a copy @s->vport received; SNIC_BALANCE_NO_BUCKET for a
 * pinned flow's; -1 when a rule of the user or the plugin chose it. */
static int copy_bucket(const struct sbal *s, const struct snic_dest *d)
{
	if (d->flags & SNIC_DEST_RULE)
		return snic_pin_rules_ours(s->pins, d->rule) ? (int)SNIC_BALANCE_NO_BUCKET : -1;
	if (d->flags & SNIC_DEST_STEERED)
		return -1;
	return (int)snic_reta_index(&s->rss, d->hash);
}

/* A sample of the uplink: where the running snapshot sends it, and to
 * the tracker when it reaches the vport and its flow can be pinned. */
static void on_sample(void *arg, const uint8_t *data, uint32_t len, uint32_t weight)
{
	struct sbal *s = arg;
	struct snic_frame f = {data, len};
	unsigned nd = snic_rx(s->cfg, s->scratch, &f, 1, s->dests, SBAL_DESTS);
	struct snic_balance_tuple tp;
	struct snic_pkt pkt;

	s->sampled += weight;
	for (unsigned i = 0; i < nd; i++) {
		int bucket = s->dests[i].vport == s->vport ? copy_bucket(s, &s->dests[i]) : -1;
		uint64_t key;

		if (bucket < 0)
			continue;
		snic_parse(data, len, &pkt);
		if (!snic_balance_tuple_of(&pkt, &tp))
			return;
		key = snic_balance_tuple_key(&tp);
		if (snic_balance_track_add(s->track, key, (unsigned)bucket, s->dests[i].queue,
					   weight))
			snic_balance_track_tuple(s->track, key, &tp);
		return;
	}
}

/* The heaviest flows since the last step, and the pinned ones. */
static unsigned sbal_flows(struct sbal *s, struct snicd *d)
{
	const struct snic_balance_pin *pins;
	unsigned npins, n;

	if (!s->max_pins)
		return 0;
	s->cfg = sampler->cfg(d);
	if (s->cfg)
		sampler->drain(d, on_sample, s);
	pins = snic_balance_pins(s->b, &npins);
	n = snic_balance_track_flows(s->track, pins, npins, s->flows, SBAL_TOPK + s->max_pins);
	snic_balance_track_next(s->track, NULL);
	return n;
}

/* Set the RETA the step changed and the pin rules its plan changed on the
 * NIC, starting from the NIC's conf (another command may have changed its
 * key or fields), and publish. */
static int sbal_program(struct sbal *s, struct snicd *d, const struct snic_balance_plan *plan,
			struct snic_err *err)
{
	struct snic_nic *nic = snicd_nic(d);
	struct snic_rss_conf now;
	int rc = snic_nic_rss_get(nic, s->rss_vport, &now, err);

	if (rc)
		return rc;
	if (now.reta_size != s->rss.reta_size || now.nqueues != s->rss.nqueues)
		return snic_errf(err, -ESTALE, "balance: the RETA changed shape");
	memcpy(now.reta, s->rss.reta, now.reta_size * sizeof(now.reta[0]));
	rc = plan->nmoves ? snic_nic_rss_set(nic, s->rss_vport, &now, err) : 0;
	/* A pin whose rule can't be made (rule slots full) leaves its flow
	 * where its bucket sends it. */
	for (unsigned i = 0; !rc && i < plan->npins; i++)
		snic_pin_rules_apply(s->pins, nic, &plan->pins[i], NULL);
	return rc ? rc : snicd_publish(d, err);
}

static uint32_t elapsed_ms(struct sbal *s)
{
	uint64_t now = now_ns(), ms = (now - s->last_ns) / 1000000u;

	s->last_ns = now;
	return ms ? (uint32_t)(ms < UINT32_MAX ? ms : UINT32_MAX) : 1;
}

int snicd_balance_step(struct snicd *d, struct snic_err *err)
{
	struct snic_balance_input in = {0};
	struct snic_balance_plan plan;
	struct sbal *s = bal;
	int n, rc = 0;

	if (!s)
		return 0;
	sbal_measure(s, d);
	if (snic_nic_rss_get(snicd_nic(d), s->rss_vport, &s->rss, err))
		return -EINVAL;
	in.bucket_load = s->load;
	in.flows = s->flows;
	in.nflows = sbal_flows(s, d);
	in.elapsed_ms = elapsed_ms(s);
	n = snic_balance_step(s->b, &in, s->rss.reta, &plan);
	s->steps++;
	s->moves = s->pin_changes = 0;
	if (n < 0)
		return snic_errf(err, n, "balance: the step refused the RETA");
	if (plan.next_period_ms)
		s->period_ms = plan.next_period_ms;
	if (n > 0 || plan.npins)
		rc = sbal_program(s, d, &plan, err);
	if (rc)
		return rc;
	s->moves = (unsigned)n;
	s->pin_changes = plan.npins;
	s->moves_total += s->moves;
	s->pin_changes_total += s->pin_changes;
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

/* ---- what stats show ---- */

/* "udp4 198.51.100.1:5000 > 198.51.100.10:5201" */
static const char *tuple_str(const struct snic_balance_tuple *t, char *buf, size_t size)
{
	const char *proto = t->l4_proto == 6 ? "tcp" : t->l4_proto == 17 ? "udp" : "sctp";
	int af = t->ip_ver == 4 ? AF_INET : AF_INET6;
	char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";

	inet_ntop(af, t->ip_src, src, sizeof(src));
	inet_ntop(af, t->ip_dst, dst, sizeof(dst));
	snprintf(buf, size, "%s%u %s:%u > %s:%u", proto, t->ip_ver, src, t->sport, dst, t->dport);
	return buf;
}

static json_t *pinned_json(const struct sbal *s)
{
	unsigned n;
	const struct snic_balance_pin *p = snic_balance_pins(s->b, &n);
	json_t *a = json_array();
	char buf[128];

	for (unsigned i = 0; a && i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:I}", "flow",
						   tuple_str(&p[i].tuple, buf, sizeof(buf)),
						   "queue", (json_int_t)p[i].queue, "bucket",
						   (json_int_t)p[i].bucket, "load",
						   (json_int_t)p[i].load));
	return a;
}

json_t *snicd_balance_json(void)
{
	const struct sbal *s = bal;
	char name[16];
	unsigned npins;
	json_t *o;

	if (!s)
		return json_pack("{s:b}", "on", 0);
	snic_balance_pins(s->b, &npins);
	o = json_pack(
		"{s:b, s:s, s:s, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "on", 1,
		"policy", snic_balance_policy_name((enum snic_balance_policy)s->policy), "vport",
		snic_config_vport_name(snicd_nic(s->d), s->vport, name, sizeof(name)), "period_ms",
		(json_int_t)s->period_ms, "steps", (json_int_t)s->steps, "max_mean", s->max_mean,
		"moves", (json_int_t)s->moves, "moves_total", (json_int_t)s->moves_total, "pins",
		(json_int_t)npins, "pins_max", (json_int_t)s->max_pins, "pin_changes",
		(json_int_t)s->pin_changes, "pin_changes_total", (json_int_t)s->pin_changes_total,
		"sampled", (json_int_t)s->sampled);
	if (!o)
		return NULL;
	json_object_set_new(o, "imbalance",
			    isfinite(s->imbalance) ? json_real(s->imbalance) : json_null());
	json_object_set_new(o, "pinned", pinned_json(s));
	return o;
}
