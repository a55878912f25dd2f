/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RSS balancer (snic_balance): names and checks, the imbalance
 * measure, each policy on constructed loads with known best answers
 * (rsspp's greedy, threshold, skip and period; snic's pins, caps, weights,
 * elephants, and pins moved only for gains beyond noise), the exact rule
 * of a pin, pins as rules on a NIC (added, moved, deleted, cleared,
 * capped, and rules replaced under them left alone), and a property test:
 * whatever the loads, no policy loses a bucket, names a queue that does
 * not exist, breaks its caps or tells of pins it does not hold.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snic/balance.h"
#include "snic/craft.h"
#include "snic/ctr.h"
#include "snic/dp.h"
#include "snic/flow.h"
#include "snic/nic.h"
#include "snic/parse.h"
#include "snic/profile.h"

#define QMAX 16

static struct snic_balance *mk(const struct snic_balance_conf *c)
{
	struct snic_balance *b = NULL;
	struct snic_err err = {0};

	cr_assert_eq(snic_balance_new(c, &b, &err), 0, "%s", err.msg);
	return b;
}

static struct snic_balance *mk_default(enum snic_balance_policy p, unsigned nq, unsigned reta)
{
	struct snic_balance_conf c;

	snic_balance_conf_default(&c, p, nq, reta);
	return mk(&c);
}

static int step(struct snic_balance *b, const uint64_t *load, const struct snic_balance_flow *f,
		unsigned nf, uint16_t *reta, struct snic_balance_plan *plan)
{
	struct snic_balance_input in = {load, NULL, f, nf, 0};

	return snic_balance_step(b, &in, reta, plan);
}

static void queue_loads(const uint64_t *load, const uint16_t *reta, unsigned n, uint64_t *ql)
{
	memset(ql, 0, QMAX * sizeof(*ql));
	for (unsigned i = 0; i < n; i++)
		ql[reta[i]] += load[i];
}

static uint64_t rnd_key(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* --- Names, checks, the measure ---------------------------------------------------- */

Test(balance, policy_names_round_trip)
{
	struct snic_err err = {0};
	enum snic_balance_policy p;

	for (unsigned i = 0; i < SNIC_BAL_COUNT; i++) {
		const char *name = snic_balance_policy_name((enum snic_balance_policy)i);

		cr_assert_eq(snic_balance_policy_parse(name, &p, &err), 0, "%s", name);
		cr_assert_eq((unsigned)p, i);
	}
	cr_assert_str_eq(snic_balance_policy_name(SNIC_BAL_RSSPP), "rsspp");
	cr_assert_str_eq(snic_balance_policy_name(SNIC_BAL_COUNT), "unknown");
	cr_assert_eq(snic_balance_policy_parse("rss++", &p, &err), -EINVAL);
	cr_assert(strstr(err.msg, "rss++") && strstr(err.msg, "snic"), "%s", err.msg);
}

Test(balance, conf_is_checked)
{
	static const uint32_t zero_w[2] = {1, 0};
	struct snic_balance_conf good, c;
	struct snic_balance *b = NULL;
	struct snic_err err = {0};

	snic_balance_conf_default(&good, SNIC_BAL_SNIC, 2, 128);
	for (int k = 0; k < 9; k++) {
		c = good;
		switch (k) {
		case 0:
			c.nqueues = 0;
			break;
		case 1:
			c.nqueues = SNIC_BALANCE_QUEUES_MAX + 1;
			break;
		case 2:
			c.reta_size = 0;
			break;
		case 3:
			c.reta_size = 4096;
			break;
		case 4:
			c.weight = zero_w;
			break;
		case 5:
			c.period_ms = 5000;
			break;
		case 6:
			c.threshold = 1.5;
			break;
		case 7:
			c.load_unit = 0;
			break;
		default:
			c.policy = SNIC_BAL_COUNT;
			break;
		}
		err.msg[0] = 0;
		cr_assert_eq(snic_balance_new(&c, &b, &err), -EINVAL, "case %d", k);
		cr_assert_null(b);
		cr_assert_neq(err.msg[0], 0, "case %d names nothing", k);
	}
}

Test(balance, imbalance_is_max_minus_min_over_min)
{
	const uint64_t even[2] = {100, 100}, half[2] = {150, 100}, none[2] = {0, 0};
	const uint64_t idle[2] = {0, 10}, ww[2] = {200, 100};
	const uint32_t w[2] = {2, 1};

	cr_assert_float_eq(snic_balance_imbalance(even, NULL, 2), 0, 1e-12);
	cr_assert_float_eq(snic_balance_imbalance(half, NULL, 2), 0.5, 1e-12);
	cr_assert_float_eq(snic_balance_imbalance(ww, w, 2), 0, 1e-12);
	cr_assert_float_eq(snic_balance_imbalance(none, NULL, 2), 0, 1e-12);
	cr_assert(isinf(snic_balance_imbalance(idle, NULL, 2)));
}

Test(balance, bad_input_leaves_the_reta_alone)
{
	struct snic_balance *b = mk_default(SNIC_BAL_SNIC, 4, 8);
	uint16_t reta[8] = {0, 1, 2, 3, 0, 1, 2, 9};
	const uint16_t before[8] = {0, 1, 2, 3, 0, 1, 2, 9};
	uint64_t load[8] = {900, 1, 1, 1, 1, 1, 1, 1};
	struct snic_balance_flow f = {.key = 1, .load = 5, .bucket = 8};
	struct snic_balance_plan plan;

	cr_assert_eq(step(b, load, NULL, 0, reta, &plan), -EINVAL, "queue 9 of 4");
	cr_assert_arr_eq(reta, before, sizeof(reta));
	reta[7] = 3;
	cr_assert_eq(step(b, load, &f, 1, reta, &plan), -EINVAL, "bucket 8 of 8");
	cr_assert_eq(snic_balance_step(b, NULL, reta, &plan), -EINVAL);
	snic_balance_free(b);
}

/* --- static ------------------------------------------------------------------------ */

Test(balance, static_never_moves)
{
	struct snic_balance *b = mk_default(SNIC_BAL_STATIC, 4, 16);
	uint16_t reta[16], before[16];
	uint64_t load[16];
	struct snic_balance_plan plan;

	for (unsigned i = 0; i < 16; i++) {
		reta[i] = before[i] = (uint16_t)(i % 4);
		load[i] = i % 4 ? 1 : 1000;
	}
	for (int k = 0; k < 5; k++) {
		cr_assert_eq(step(b, load, NULL, 0, reta, &plan), 0);
		cr_assert_eq(plan.nmoves, 0);
		cr_assert_eq(plan.npins, 0);
		cr_assert_eq(plan.next_period_ms, 100);
	}
	cr_assert_arr_eq(reta, before, sizeof(reta));
	cr_assert_gt(plan.imbalance_in, 0.9);
	snic_balance_free(b);
}

/* --- rsspp ------------------------------------------------------------------------- */

/*
 * Queue 0 carries buckets of 45, 30, 15 and 10, queue 1 four of 10: 100
 * against 40, a mean of 70. The one move that balances exactly is the 30.
 * The first greedy run (no allowance) moves the 15 and the 10 and leaves
 * 0.07 on each side; a later run with a wider allowance finds the 30.
 */
Test(balance, rsspp_finds_the_exact_move)
{
	struct snic_balance *b = mk_default(SNIC_BAL_RSSPP, 2, 8);
	uint16_t reta[8] = {0, 0, 0, 0, 1, 1, 1, 1};
	uint64_t load[8] = {45, 30, 15, 10, 10, 10, 10, 10}, ql[QMAX];
	struct snic_balance_plan plan;

	cr_assert_eq(step(b, load, NULL, 0, reta, &plan), 1);
	cr_assert_eq(plan.moves[0].bucket, 1);
	cr_assert_eq(plan.moves[0].from, 0);
	cr_assert_eq(plan.moves[0].to, 1);
	cr_assert_eq(plan.moves[0].load, 30);
	queue_loads(load, reta, 8, ql);
	cr_assert_eq(ql[0], 70);
	cr_assert_eq(ql[1], 70);
	cr_assert_float_eq(plan.imbalance_in, 1.5, 1e-9);
	cr_assert_float_eq(plan.imbalance_out, 0, 1e-9);
	snic_balance_free(b);
}

/* Within 2 % of the mean nothing moves, and the period doubles up to
 * its maximum; a large imbalance brings it back to the minimum. */
Test(balance, rsspp_threshold_and_period)
{
	struct snic_balance *b = mk_default(SNIC_BAL_RSSPP, 2, 4);
	uint16_t reta[4] = {0, 0, 1, 1};
	uint64_t calm[4] = {505, 505, 495, 495}, hot[4] = {900, 100, 10, 10};
	static const uint32_t want[5] = {200, 400, 800, 1000, 1000};
	struct snic_balance_plan plan;

	for (int k = 0; k < 5; k++) {
		cr_assert_eq(step(b, calm, NULL, 0, reta, &plan), 0);
		cr_assert_eq(plan.next_period_ms, want[k], "step %d: %u", k, plan.next_period_ms);
	}
	cr_assert_eq(step(b, hot, NULL, 0, reta, &plan), 1);
	cr_assert_eq(plan.moves[0].bucket, 1, "the 100 fits, the 900 does not");
	cr_assert_eq(plan.next_period_ms, 100);
	snic_balance_free(b);
}

/* A queue that received buckets sits out the next step. */
Test(balance, rsspp_skips_queues_that_just_received)
{
	struct snic_balance *b = mk_default(SNIC_BAL_RSSPP, 3, 6);
	uint16_t reta[6] = {0, 0, 1, 1, 2, 2};
	uint64_t first[6] = {200, 100, 50, 50, 100, 100}, again[6] = {200, 100, 0, 0, 100, 100};
	struct snic_balance_plan plan;

	cr_assert_eq(step(b, first, NULL, 0, reta, &plan), 1);
	cr_assert_eq(plan.moves[0].to, 1);
	/* Say the caller could not program the move and its RETA is the old
	 * one: queue 1 reads underloaded, but sits out this step. */
	memcpy(reta, (uint16_t[]){0, 0, 1, 1, 2, 2}, sizeof(reta));
	cr_assert_eq(step(b, again, NULL, 0, reta, &plan), 0);
	/* The step after, it counts again. */
	cr_assert_gt(step(b, again, NULL, 0, reta, &plan), 0);
	cr_assert_eq(plan.moves[0].to, 1);
	snic_balance_free(b);
}

/* With queue_load, a queue that spends more per frame counts as busier. */
Test(balance, rsspp_uses_what_consumers_spent)
{
	struct snic_balance *b = mk_default(SNIC_BAL_RSSPP, 2, 4);
	uint16_t reta[4] = {0, 0, 1, 1};
	uint64_t load[4] = {100, 100, 100, 100}, cycles[2] = {3000, 1000};
	struct snic_balance_input in = {load, cycles, NULL, 0, 0};
	struct snic_balance_plan plan;

	cr_assert_eq(snic_balance_step(b, &in, reta, &plan), 1);
	cr_assert_eq(plan.moves[0].from, 0);
	cr_assert_eq(plan.moves[0].to, 1);
	snic_balance_free(b);
}

/* --- snic -------------------------------------------------------------------------- */

static struct snic_balance *mk_snic(unsigned nq, unsigned reta, unsigned max_moves)
{
	struct snic_balance_conf c;

	snic_balance_conf_default(&c, SNIC_BAL_SNIC, nq, reta);
	c.max_moves = (uint16_t)max_moves;
	return mk(&c);
}

static unsigned npins(const struct snic_balance *b)
{
	unsigned n;

	snic_balance_pins(b, &n);
	return n;
}

Test(balance, snic_leaves_a_balanced_reta_alone)
{
	struct snic_balance *b = mk_snic(4, 16, 0);
	uint16_t reta[16];
	uint64_t load[16];
	struct snic_balance_plan plan;

	for (unsigned i = 0; i < 16; i++) {
		reta[i] = (uint16_t)(i % 4);
		load[i] = 1000 + (i % 4); /* within 0.3 % */
	}
	for (int k = 0; k < 3; k++) {
		cr_assert_eq(step(b, load, NULL, 0, reta, &plan), 0);
		cr_assert_eq(plan.npins, 0);
		cr_assert_eq(plan.next_period_ms, 20);
	}
	snic_balance_free(b);
}

/* An elephant is pinned to the queue it is on: a rule, no flow moved. */
Test(balance, snic_pins_an_elephant_where_it_is)
{
	struct snic_balance *b = mk_snic(4, 16, 0);
	uint16_t reta[16];
	uint64_t load[16];
	struct snic_balance_flow f = {.key = 77, .load = 400, .bucket = 6};
	struct snic_balance_plan plan;
	const struct snic_balance_pin *p;
	unsigned n;

	for (unsigned i = 0; i < 16; i++) {
		reta[i] = (uint16_t)(i % 4);
		load[i] = i == 6 ? 500 : 100;
	}
	cr_assert_geq(step(b, load, &f, 1, reta, &plan), 0);
	cr_assert_geq(plan.npins, 1);
	cr_assert_eq(plan.pins[0].op, SNIC_PIN_ADD);
	cr_assert_eq(plan.pins[0].key, 77);
	cr_assert_eq(plan.pins[0].from, 2);
	p = snic_balance_pins(b, &n);
	cr_assert_eq(n, 1);
	cr_assert_eq(p[0].key, 77);
	cr_assert_eq(p[0].bucket, 6);
	/* Queue 2 holds 800 of 2000 (the pin and four buckets): three of its
	 * buckets go, one to each other queue, and all hold 500. */
	cr_assert_leq(plan.imbalance_out, 0.01, "%f", plan.imbalance_out);
	snic_balance_free(b);
}

/*
 * Two elephants share bucket 0: no RETA can split them, a pin can. With
 * 16 buckets of 100 and two flows of 400, the best is 600 a queue.
 */
Test(balance, snic_splits_two_elephants_of_one_bucket)
{
	struct snic_balance *b = mk_snic(4, 16, 16);
	uint16_t reta[16];
	uint64_t load[16];
	struct snic_balance_flow f[2] = {{.key = 1, .load = 400, .bucket = 0},
					 {.key = 2, .load = 400, .bucket = 0}};
	struct snic_balance_plan plan;
	const struct snic_balance_pin *p;
	unsigned n;

	for (unsigned i = 0; i < 16; i++) {
		reta[i] = (uint16_t)(i % 4);
		load[i] = i ? 100 : 900;
	}
	cr_assert_geq(step(b, load, f, 2, reta, &plan), 0);
	p = snic_balance_pins(b, &n);
	cr_assert_eq(n, 2);
	cr_assert_neq(p[0].queue, p[1].queue, "both elephants on queue %u", p[0].queue);
	cr_assert_leq(plan.imbalance_out, 0.01, "%f", plan.imbalance_out);
	snic_balance_free(b);
}

/* Weights 3 and 1: the RETA ends with three quarters of the load on q0. */
Test(balance, snic_follows_weights)
{
	static const uint32_t w[2] = {3, 1};
	struct snic_balance_conf c;
	struct snic_balance *b;
	uint16_t reta[8] = {0, 1, 0, 1, 0, 1, 0, 1};
	uint64_t load[8] = {100, 100, 100, 100, 100, 100, 100, 100}, ql[QMAX];
	struct snic_balance_plan plan;

	snic_balance_conf_default(&c, SNIC_BAL_SNIC, 2, 8);
	c.weight = w;
	c.max_moves = 8;
	b = mk(&c);
	cr_assert_eq(step(b, load, NULL, 0, reta, &plan), 2);
	queue_loads(load, reta, 8, ql);
	cr_assert_eq(ql[0], 600);
	cr_assert_eq(ql[1], 200);
	cr_assert_float_eq(plan.imbalance_out, 0, 1e-9);
	snic_balance_free(b);
}

/* The cap holds over any 100 ms: at 20 ms a step, 3 moves per 5 steps. */
Test(balance, snic_caps_moves_over_the_window)
{
	struct snic_balance *b = mk_snic(4, 64, 3);
	uint16_t reta[64];
	uint64_t load[64], ql[QMAX];
	struct snic_balance_plan plan;
	unsigned moved[40];

	for (unsigned i = 0; i < 64; i++) {
		reta[i] = 0; /* everything on queue 0 */
		load[i] = 100;
	}
	for (unsigned k = 0; k < 40; k++) {
		int rc = step(b, load, NULL, 0, reta, &plan);

		cr_assert_geq(rc, 0);
		moved[k] = (unsigned)rc;
		if (k >= 4)
			cr_assert_leq(moved[k] + moved[k - 1] + moved[k - 2] + moved[k - 3] +
					      moved[k - 4],
				      3, "steps %u..%u", k - 4, k);
	}
	queue_loads(load, reta, 64, ql);
	cr_assert_eq(ql[0], 64 * 100 - 24 * 100, "3 moves per 100 ms for 800 ms");
	snic_balance_free(b);
}

/* A pinned flow that went quiet is unpinned: nothing can be in flight. */
Test(balance, snic_unpins_an_idle_flow)
{
	struct snic_balance *b = mk_snic(2, 4, 0);
	uint16_t reta[4] = {0, 1, 0, 1};
	uint64_t busy[4] = {500, 100, 100, 300}, quiet[4] = {100, 100, 100, 100};
	struct snic_balance_flow f = {.key = 9, .load = 400, .bucket = 0};
	struct snic_balance_plan plan;
	bool del = false;

	cr_assert_geq(step(b, busy, &f, 1, reta, &plan), 0);
	cr_assert_eq(npins(b), 1);
	cr_assert_geq(step(b, quiet, NULL, 0, reta, &plan), 0);
	cr_assert_eq(npins(b), 0);
	for (unsigned i = 0; i < plan.npins; i++)
		del |= plan.pins[i].key == 9 && plan.pins[i].op == SNIC_PIN_DEL;
	cr_assert(del);
	snic_balance_free(b);
}

/*
 * One flow carries half of all frames: its queue can't do better than the
 * flow alone. snic empties that queue of buckets, balances the others and
 * then stops moving.
 */
Test(balance, snic_isolates_a_flow_bigger_than_a_share)
{
	struct snic_balance *b = mk_snic(4, 32, 4);
	uint16_t reta[32];
	uint64_t load[32], ql[QMAX];
	struct snic_balance_flow f = {.key = 5, .load = 3200, .bucket = 0};
	struct snic_balance_plan plan;
	const struct snic_balance_pin *p;
	unsigned n;

	for (unsigned i = 0; i < 32; i++)
		reta[i] = (uint16_t)(i % 4);
	for (unsigned k = 0; k < 60; k++) {
		for (unsigned i = 0; i < 32; i++)
			load[i] = 100;
		if (!npins(b))
			load[0] += f.load;
		cr_assert_geq(step(b, load, &f, 1, reta, &plan), 0);
	}
	cr_assert_eq(plan.nmoves, 0, "still moving after 60 steps");
	p = snic_balance_pins(b, &n);
	cr_assert_eq(n, 1);
	for (unsigned i = 0; i < 32; i++)
		load[i] = 100;
	queue_loads(load, reta, 32, ql);
	cr_assert_eq(ql[p[0].queue], 0, "queue %u keeps buckets", p[0].queue);
	for (unsigned q = 0; q < 4; q++)
		if (q != p[0].queue)
			cr_assert_geq(ql[q], 1000, "queue %u: %lu", q, (unsigned long)ql[q]);
	snic_balance_free(b);
}

/* A pin goes once its flow is no longer heavy: under half the load that
 * pins (a quarter of a queue's share), not merely under that load. */
Test(balance, snic_unpins_a_flow_no_longer_heavy)
{
	struct snic_balance *b = mk_snic(4, 16, 0);
	uint16_t reta[16];
	uint64_t load[16];
	struct snic_balance_flow f = {.key = 77, .load = 400, .bucket = 6};
	struct snic_balance_plan plan;
	bool del = false;

	for (unsigned i = 0; i < 16; i++) {
		reta[i] = (uint16_t)(i % 4);
		load[i] = i == 6 ? 500 : 100; /* the flow's frames, then pinned: not */
	}
	cr_assert_geq(step(b, load, &f, 1, reta, &plan), 0);
	cr_assert_eq(npins(b), 1);
	load[6] = 100;
	/* 80 of a mean of 420 a queue: under the 105 that pins, above 52. */
	f.load = 80;
	cr_assert_geq(step(b, load, &f, 1, reta, &plan), 0);
	cr_assert_eq(npins(b), 1, "unpinned at 80");
	f.load = 30;
	cr_assert_geq(step(b, load, &f, 1, reta, &plan), 0);
	cr_assert_eq(npins(b), 0, "still pinned at 30");
	for (unsigned i = 0; i < plan.npins; i++) {
		if (plan.pins[i].key != 77)
			continue;
		cr_assert_eq(plan.pins[i].op, SNIC_PIN_DEL);
		cr_assert_eq(plan.pins[i].queue, reta[6], "back to its bucket's queue");
		del = true;
	}
	cr_assert(del);
	snic_balance_free(b);
}

/*
 * An elephant pinned on queue 0 while its bucket went to queue 1: when it
 * turns light, unpinning moves it, which counts against the pinned flows
 * moved per window; with none allowed it stays pinned.
 */
static struct snic_balance *pin_away(unsigned pin_moves, uint16_t *reta,
				     struct snic_balance_plan *plan)
{
	struct snic_balance_conf c;
	struct snic_balance *b;
	uint64_t load[4] = {500, 100, 100, 100}; /* bucket 0 holds the flow */
	struct snic_balance_flow f = {.key = 5, .load = 400, .bucket = 0};
	const struct snic_balance_pin *p;
	unsigned n;

	snic_balance_conf_default(&c, SNIC_BAL_SNIC, 2, 4);
	c.max_moves = 2; /* both in the first step: the RETA then stays */
	c.max_pin_moves = (uint16_t)pin_moves;
	b = mk(&c);
	cr_assert_geq(step(b, load, &f, 1, reta, plan), 0);
	p = snic_balance_pins(b, &n);
	cr_assert_eq(n, 1);
	cr_assert_eq(p[0].queue, 0);
	cr_assert_eq(reta[0], 1, "the set-up wants bucket 0 moved away from its pin");
	load[0] = 100;
	f.load = 10;
	cr_assert_geq(step(b, load, &f, 1, reta, plan), 0);
	return b;
}

Test(balance, snic_unpins_away_from_home_under_the_cap)
{
	uint16_t reta[4] = {0, 1, 0, 1};
	struct snic_balance_plan plan;
	struct snic_balance *b = pin_away(0, reta, &plan);

	cr_assert_eq(npins(b), 1, "unpinned without a pin move left");
	snic_balance_free(b);
	memcpy(reta, (uint16_t[]){0, 1, 0, 1}, sizeof(reta));
	b = pin_away(1, reta, &plan);
	cr_assert_eq(npins(b), 0);
	cr_assert_eq(plan.npins, 1);
	cr_assert_eq(plan.pins[0].op, SNIC_PIN_DEL);
	cr_assert_eq(plan.pins[0].from, 0);
	cr_assert_eq(plan.pins[0].queue, 1);
	snic_balance_free(b);
}

/*
 * Pinned flows alone, all in bucket 0 (UDP hashed on addresses only) of
 * a RETA of 16 over 4 queues: each period flow k sends rate[k] frames,
 * give or take @noise, counted in its bucket until it is pinned. Steps
 * @n periods and returns how many times a pinned flow changed queue from
 * period @settle on; @queue receives each flow's queue at the end.
 */
static unsigned pins_alone(struct snic_balance *b, const uint64_t *rate, unsigned nf,
			   unsigned noise, unsigned n, unsigned settle, uint16_t *queue)
{
	uint16_t reta[16];
	uint64_t load[16], seed = 12345;
	struct snic_balance_flow f[8];
	struct snic_balance_plan plan;
	unsigned moved = 0;

	cr_assert_leq(nf, 8);
	for (unsigned i = 0; i < 16; i++)
		reta[i] = (uint16_t)(i % 4);
	for (unsigned k = 0; k < n; k++) {
		memset(load, 0, sizeof(load));
		for (unsigned j = 0; j < nf; j++) {
			f[j] = (struct snic_balance_flow){.key = 1 + j, .bucket = 0};
			f[j].load = rate[j] - noise + rnd_key(&seed) % (2 * noise + 1);
		}
		for (unsigned j = 0; j < nf; j++) {
			unsigned np;
			const struct snic_balance_pin *p = snic_balance_pins(b, &np);
			bool pinned = false;

			for (unsigned i = 0; i < np; i++)
				pinned |= p[i].key == f[j].key;
			if (!pinned)
				load[0] += f[j].load;
		}
		cr_assert_geq(step(b, load, f, nf, reta, &plan), 0);
		for (unsigned i = 0; i < plan.npins; i++) {
			cr_assert_neq(plan.pins[i].op, SNIC_PIN_DEL, "period %u: flow %lu unpinned",
				      k, (unsigned long)plan.pins[i].key);
			if (plan.pins[i].op == SNIC_PIN_MOVE && k >= settle)
				moved++;
		}
	}
	for (unsigned j = 0; j < nf; j++) {
		unsigned np;
		const struct snic_balance_pin *p = snic_balance_pins(b, &np);

		queue[j] = 0xffff;
		for (unsigned i = 0; i < np; i++)
			if (p[i].key == 1 + j)
				queue[j] = p[i].queue;
		cr_assert_lt(queue[j], 4, "flow %u not pinned", j);
	}
	return moved;
}

/*
 * Five flows of about 1000 frames a period on 4 queues, give or take 32
 * (a count of 1000 frames varies by about that much): two share a queue
 * whatever the plan does, and the estimated imbalance stays above the
 * target. A move of one of the pair to a queue of one gains only the
 * difference of two like rates, which the noise flips from period to
 * period: the pins stay where they are instead of trading places.
 */
Test(balance, snic_does_not_swap_pins_of_like_flows_back_and_forth)
{
	struct snic_balance *b = mk_snic(4, 16, 0);
	const uint64_t rate[5] = {1000, 1006, 994, 1003, 997};
	uint16_t queue[5];
	unsigned per_queue[4] = {0}, moved;

	/* 250 periods of 20 ms, settled after the first 25 */
	moved = pins_alone(b, rate, 5, 32, 250, 25, queue);
	cr_assert_leq(moved, 1, "%u pinned flows moved in 225 periods", moved);
	for (unsigned j = 0; j < 5; j++)
		per_queue[queue[j]]++;
	for (unsigned q = 0; q < 4; q++)
		cr_assert_geq(per_queue[q], 1, "queue %u holds no flow", q);
	snic_balance_free(b);
}

/*
 * The flows of tests/system/balance.sh, 15, 10, 10 and five of 5 Mbit/s,
 * in one bucket: only pins spread them. Moves that gain beyond noise are
 * made: the flows end exactly balanced ({15}, {10, 5}, {10, 5},
 * {5, 5, 5}), and then stay.
 */
Test(balance, snic_moves_pins_that_gain_beyond_noise)
{
	struct snic_balance *b = mk_snic(4, 16, 0);
	const uint64_t rate[8] = {1500, 1000, 1000, 500, 500, 500, 500, 500};
	uint64_t ql[4] = {0};
	uint16_t queue[8];
	unsigned moved;

	moved = pins_alone(b, rate, 8, 25, 250, 50, queue);
	for (unsigned j = 0; j < 8; j++)
		ql[queue[j]] += rate[j];
	cr_assert_float_eq(snic_balance_imbalance(ql, NULL, 4), 0, 1e-9,
			   "queues of %lu, %lu, %lu, %lu", (unsigned long)ql[0],
			   (unsigned long)ql[1], (unsigned long)ql[2], (unsigned long)ql[3]);
	cr_assert_leq(moved, 1, "%u pinned flows moved in 200 periods", moved);
	snic_balance_free(b);
}

/* --- The rule of a pin ------------------------------------------------------------- */

Test(balance, pin_rule_matches_its_flow_only)
{
	struct snic_craft c = {0};
	struct snic_balance_pin p = {.key = 1, .queue = 3};
	struct snic_flow_rule r;
	struct snic_pkt pkt;
	uint8_t buf[256];
	int len;

	cr_assert_eq(snic_balance_pin_rule(&p, 0, 10, &r), -EINVAL, "no tuple");
	c.outer.dmac[0] = 2;
	c.outer.ip_ver = 4;
	memcpy(c.outer.ip_src, (uint8_t[]){198, 18, 0, 1}, 4);
	memcpy(c.outer.ip_dst, (uint8_t[]){203, 0, 113, 7}, 4);
	c.outer.l4_proto = 6;
	c.outer.sport = 40000;
	c.outer.dport = 443;
	p.tuple = (struct snic_balance_tuple){
		.ip_ver = 4, .l4_proto = 6, .sport = 40000, .dport = 443};
	memcpy(p.tuple.ip_src, c.outer.ip_src, 4);
	memcpy(p.tuple.ip_dst, c.outer.ip_dst, 4);
	cr_assert_eq(snic_balance_pin_rule(&p, 2, 10, &r), 0);
	cr_assert_eq(r.vport, 2);
	cr_assert_eq(r.queue, 3);
	cr_assert_eq(r.action, SNIC_ACT_QUEUE);
	len = snic_craft_frame(&c, buf, sizeof(buf));
	cr_assert_gt(len, 0);
	snic_parse(buf, (uint32_t)len, &pkt);
	cr_assert(snic_flow_match(&r, &pkt));
	c.outer.sport = 40001;
	len = snic_craft_frame(&c, buf, sizeof(buf));
	snic_parse(buf, (uint32_t)len, &pkt);
	cr_assert_not(snic_flow_match(&r, &pkt));
}

/* --- The flows of a period ---------------------------------------------------------- */

static struct snic_balance_track *mk_track(unsigned max_flows, unsigned topk)
{
	struct snic_balance_track *t = NULL;
	struct snic_err err = {0};

	cr_assert_eq(snic_balance_track_new(max_flows, topk, &t, &err), 0, "%s", err.msg);
	return t;
}

static struct snic_balance_tuple tuple_n(unsigned n)
{
	struct snic_balance_tuple t = {
		.ip_ver = 4, .l4_proto = 17, .sport = (uint16_t)n, .dport = 80};

	memcpy(t.ip_src, (uint8_t[]){10, 0, 0, 1}, 4);
	memcpy(t.ip_dst, (uint8_t[]){10, 0, 0, 2}, 4);
	return t;
}

/* Count a frame of flow @key, giving its tuple when asked. */
static void track_frame(struct snic_balance_track *t, uint64_t key, unsigned bucket, unsigned queue)
{
	struct snic_balance_tuple tp = tuple_n((unsigned)key);

	if (snic_balance_track_add(t, key, bucket, queue, 1))
		snic_balance_track_tuple(t, key, &tp);
}

Test(balance, track_checks_its_sizes)
{
	struct snic_balance_track *t;
	struct snic_err err = {0};

	cr_assert_eq(snic_balance_track_new(0, 4, &t, &err), -EINVAL);
	cr_assert_eq(snic_balance_track_new(16, 0, &t, &err), -EINVAL);
	cr_assert_eq(snic_balance_track_new(16, SNIC_BALANCE_TOP_MAX + 1, &t, &err), -EINVAL);
	cr_assert_null(t);
}

/*
 * Flow k (1..40) sends k frames, interleaved as frames arrive: the list
 * of 5 holds flows 40..36, heaviest first, with their counts, buckets and
 * tuples, whatever the order; a listed flow's tuple is not asked again.
 */
Test(balance, track_lists_the_heaviest_exactly)
{
	struct snic_balance_track *t = mk_track(1024, 5);
	struct snic_balance_flow out[8];
	unsigned asked[41] = {0}, n;

	for (unsigned round = 1; round <= 40; round++) {
		for (unsigned k = round; k <= 40; k++) {
			/* flows round..40, one frame each, up and down by turns */
			uint64_t key = round % 2 ? k : 40 - k + round;

			if (snic_balance_track_add(t, key, (unsigned)key % 16, 0, 1)) {
				struct snic_balance_tuple tp = tuple_n((unsigned)key);

				asked[key]++;
				snic_balance_track_tuple(t, key, &tp);
			}
		}
	}
	n = snic_balance_track_flows(t, NULL, 0, out, 8);
	cr_assert_eq(n, 5);
	for (unsigned i = 0; i < 5; i++) {
		cr_assert_eq(out[i].key, 40 - i);
		cr_assert_eq(out[i].load, 40 - i);
		cr_assert_eq(out[i].bucket, (40 - i) % 16);
		cr_assert_eq(out[i].tuple.sport, 40 - i);
	}
	for (unsigned k = 36; k <= 40; k++)
		cr_assert_geq(asked[k], 1, "flow %u never asked for", k);
	cr_assert_eq(snic_balance_track_add(t, 40, 0, 0, 1), 0, "asked again while listed");
	snic_balance_track_free(t);
}

/*
 * A moved flow sent in the period before and its queue changed; a flow
 * back after a silent period, or on the same queue, did not move.
 */
Test(balance, track_counts_moved_flows_and_their_frames)
{
	struct snic_balance_track *t = mk_track(64, 4);
	struct snic_balance_track_sum s;

	track_frame(t, 1, 3, 0); /* period 1: flows 1, 2, 3 */
	track_frame(t, 2, 4, 0);
	track_frame(t, 3, 5, 1);
	snic_balance_track_next(t, &s);
	cr_assert_eq(s.flows, 3);
	cr_assert_eq(s.frames, 3);
	cr_assert_eq(s.moved, 0);
	for (int i = 0; i < 5; i++)
		track_frame(t, 1, 3, 2); /* period 2: flow 1 moved, 5 frames */
	track_frame(t, 3, 5, 1);	 /* flow 3 stayed */
	snic_balance_track_next(t, &s);
	cr_assert_eq(s.moved, 1);
	cr_assert_eq(s.moved_frames, 5);
	track_frame(t, 2, 4, 3); /* period 3: flow 2 silent in period 2 */
	track_frame(t, 1, 3, 2);
	snic_balance_track_next(t, &s);
	cr_assert_eq(s.moved, 0);
	cr_assert_eq(s.frames, 2);
	snic_balance_track_free(t);
}

/* Pinned flows are listed with the pin's bucket and tuple, once; a pin
 * that sent nothing is not. */
Test(balance, track_lists_every_pinned_flow_that_sent)
{
	struct snic_balance_track *t = mk_track(64, 2);
	struct snic_balance_pin pins[3] = {
		{.key = 7, .bucket = 9}, {.key = 8, .bucket = 10}, {.key = 9, .bucket = 11}};
	struct snic_balance_flow out[8];
	unsigned n;

	pins[0].tuple = tuple_n(700);
	pins[1].tuple = tuple_n(800);
	for (int i = 0; i < 10; i++) {
		track_frame(t, 1, 1, 0); /* the two heaviest */
		track_frame(t, 2, 2, 0);
	}
	for (int i = 0; i < 5; i++) /* pinned: no bucket from its frames */
		snic_balance_track_add(t, 7, SNIC_BALANCE_NO_BUCKET, 3, 1);
	snic_balance_track_add(t, 8, SNIC_BALANCE_NO_BUCKET, 3, 1);
	track_frame(t, 2, 2, 0);
	n = snic_balance_track_flows(t, pins, 3, out, 8);
	cr_assert_eq(n, 4);
	cr_assert_eq(out[0].key, 2);
	cr_assert_eq(out[1].key, 1);
	cr_assert_eq(out[2].key, 7);
	cr_assert_eq(out[2].load, 5);
	cr_assert_eq(out[2].bucket, 9);
	cr_assert_eq(out[2].tuple.sport, 700);
	cr_assert_eq(out[3].key, 8);
	cr_assert_eq(out[3].bucket, 10);
	/* A pinned flow among the heaviest is listed once, with the pin's bucket. */
	pins[0].key = 1;
	n = snic_balance_track_flows(t, pins, 3, out, 8);
	cr_assert_eq(n, 3);
	cr_assert_eq(out[1].key, 1);
	cr_assert_eq(out[1].bucket, 9);
	cr_assert_eq(snic_balance_track_flows(t, pins, 3, out, 1), 1, "room for one");
	snic_balance_track_free(t);
}

/* A flow that can't be pinned is asked for once and never listed. */
Test(balance, track_never_lists_a_flow_it_cant_pin)
{
	struct snic_balance_track *t = mk_track(64, 4);
	struct snic_balance_tuple none = {0};
	struct snic_balance_flow out[4];

	cr_assert_eq(snic_balance_track_add(t, 5, 1, 0, 1), 1);
	snic_balance_track_tuple(t, 5, &none);
	for (int i = 0; i < 10; i++)
		cr_assert_eq(snic_balance_track_add(t, 5, 1, 0, 1), 0);
	cr_assert_eq(snic_balance_track_flows(t, NULL, 0, out, 4), 0);
	snic_balance_track_free(t);
}

/*
 * Eight flows fill a tracker of eight: a ninth is counted apart while the
 * eight are live (this period or the last), and taken once they are not.
 */
Test(balance, track_is_bounded_and_forgets_dead_flows)
{
	struct snic_balance_track *t = mk_track(8, 4);
	struct snic_balance_track_sum s;

	for (uint64_t k = 1; k <= 8; k++)
		track_frame(t, k, 0, 0);
	track_frame(t, 9, 0, 0);
	snic_balance_track_next(t, &s);
	cr_assert_eq(s.flows, 8);
	cr_assert_eq(s.untracked, 1);
	track_frame(t, 9, 0, 0); /* the eight sent in the last period */
	snic_balance_track_next(t, &s);
	cr_assert_eq(s.untracked, 1);
	for (uint64_t k = 9; k <= 16; k++)
		track_frame(t, k, 0, 0);
	snic_balance_track_next(t, &s);
	cr_assert_eq(s.untracked, 0);
	cr_assert_eq(s.flows, 8);
	snic_balance_track_free(t);
}

/* Many flows through a small table: every frame is counted once,
 * tracked or apart. */
Test(balance, track_counts_every_frame_once)
{
	struct snic_balance_track *t = mk_track(100, 8);
	struct snic_balance_track_sum s;
	uint64_t seed = 7;

	for (unsigned p = 0; p < 20; p++) {
		for (unsigned i = 0; i < 5000; i++)
			track_frame(t, 1 + rnd_key(&seed) % 400, 0, i % 4);
		snic_balance_track_next(t, &s);
		cr_assert_eq(s.frames + s.untracked, 5000);
		cr_assert_leq(s.flows, 100);
	}
	snic_balance_track_free(t);
}

/* --- Tuples ------------------------------------------------------------------------ */

static unsigned tuple_of_craft(const struct snic_craft *c, struct snic_balance_tuple *t)
{
	uint8_t buf[512];
	struct snic_pkt pkt;
	int len = snic_craft_frame(c, buf, sizeof(buf));

	cr_assert_gt(len, 0);
	snic_parse(buf, (uint32_t)len, &pkt);
	return snic_balance_tuple_of(&pkt, t);
}

Test(balance, tuple_of_takes_what_a_rule_can_match)
{
	struct snic_craft c = {0};
	struct snic_balance_tuple t;

	c.outer.ip_ver = 6;
	c.outer.ip_src[15] = 1;
	c.outer.ip_dst[15] = 2;
	c.outer.l4_proto = 6;
	c.outer.sport = 1234;
	c.outer.dport = 443;
	cr_assert_eq(tuple_of_craft(&c, &t), 6);
	cr_assert_eq(t.l4_proto, 6);
	cr_assert_eq(t.sport, 1234);
	cr_assert_eq(t.dport, 443);
	cr_assert_eq(t.ip_dst[15], 2);
	c.outer.ip_ver = 4;
	c.outer.l4_proto = 1; /* ICMP: no ports */
	cr_assert_eq(tuple_of_craft(&c, &t), 0);
	c.outer.l4_proto = 17;
	c.outer.frag_off = 0;
	c.outer.more_frags = 1; /* a first fragment */
	cr_assert_eq(tuple_of_craft(&c, &t), 0);
	c.outer.more_frags = 0;
	c.outer.dport = 0;
	c.tunnel = SNIC_TUN_VXLAN; /* the outer tuple is the tunnel's */
	c.inner.ip_ver = 4;
	c.inner.l4_proto = 6;
	cr_assert_eq(tuple_of_craft(&c, &t), 0);
	cr_assert_eq(t.ip_ver, 0);
}

Test(balance, tuple_key_tells_tuples_apart)
{
	struct snic_balance_tuple a = tuple_n(1), b = tuple_n(1);

	cr_assert_eq(snic_balance_tuple_key(&a), snic_balance_tuple_key(&b));
	cr_assert_neq(snic_balance_tuple_key(&a), 0);
	b.sport = 2;
	cr_assert_neq(snic_balance_tuple_key(&a), snic_balance_tuple_key(&b));
	b = a;
	b.ip_dst[3] = 3;
	cr_assert_neq(snic_balance_tuple_key(&a), snic_balance_tuple_key(&b));
	b = a;
	b.l4_proto = 6;
	cr_assert_neq(snic_balance_tuple_key(&a), snic_balance_tuple_key(&b));
}

/* --- Pins as flow rules on a NIC ---------------------------------------------------- */

static const uint8_t PIN_PF_MAC[6] = {0x02, 0, 0, 0, 0, 0xfe};

/* An 82599 with no VFs: the PF is vport 0, with queues enough to pin to. */
static struct snic_nic *pin_nic(void)
{
	struct snic_nic *nic = NULL;
	struct snic_err err = {0};

	cr_assert_eq(snic_nic_new(snic_profile_find("ixgbe-82599"), PIN_PF_MAC, &nic, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(snic_nic_pf_vport(nic), 0);
	cr_assert_geq(snic_nic_vport_queues(nic, 0), 4);
	return nic;
}

static struct snic_pin_rules *mk_pin_rules(unsigned max_pins)
{
	struct snic_pin_rules *pr = NULL;
	struct snic_err err = {0};

	cr_assert_eq(snic_pin_rules_new(max_pins, 0, &pr, &err), 0, "%s", err.msg);
	return pr;
}

/* Change @op of flow @n (key n, tuple_n(n)) to @queue. */
static int pin_op(struct snic_pin_rules *pr, struct snic_nic *nic, unsigned n, uint8_t op,
		  uint16_t queue)
{
	struct snic_balance_pin p = {.key = n, .op = op, .queue = queue, .tuple = tuple_n(n)};
	struct snic_err err = {0};

	return snic_pin_rules_apply(pr, nic, &p, &err);
}

/* A user's rule on the PF: UDP to port @dport goes to queue 1, before any pin. */
static int user_rule(struct snic_nic *nic, uint16_t dport)
{
	struct snic_flow_rule r = {.vport = 0, .queue = 1, .priority = 10};
	struct snic_err err = {0};
	int id;

	r.match = SNIC_FM_L4_PROTO | SNIC_FM_DPORT;
	r.l4_proto = 17;
	r.dport = dport;
	r.dport_mask = 0xffff;
	id = snic_flow_create(nic, &r, &err);
	cr_assert_geq(id, 0, "%s", err.msg);
	return id;
}

/* Rule @id as the NIC lists it; false when it has none. */
static bool rule_by_id(const struct snic_nic *nic, int id, struct snic_flow_info *out)
{
	static struct snic_flow_info info[SNIC_CTR_MAX_RULES];
	int n = snic_flow_list(nic, info, SNIC_CTR_MAX_RULES);

	cr_assert_geq(n, 0);
	for (int i = 0; i < n; i++) {
		if (id >= 0 && info[i].id == (uint32_t)id) {
			*out = info[i];
			return true;
		}
	}
	return false;
}

/* The pin rule of flow @n: held, on the NIC, its exact rule to @queue. */
static struct snic_flow_info pinned_rule(const struct snic_pin_rules *pr,
					 const struct snic_nic *nic, unsigned n, uint16_t queue)
{
	struct snic_balance_tuple t = tuple_n(n);
	int id = snic_pin_rules_id(pr, n);
	struct snic_flow_info f;

	cr_assert_geq(id, 0, "flow %u has no rule", n);
	cr_assert(rule_by_id(nic, id, &f), "rule %d of flow %u is not on the NIC", id, n);
	cr_assert_eq(f.rule.vport, 0);
	cr_assert_eq(f.rule.queue, queue);
	cr_assert_eq(f.rule.action, SNIC_ACT_QUEUE);
	cr_assert_eq(f.rule.priority, SNIC_BALANCE_PIN_PRIORITY);
	cr_assert_eq(f.rule.sport, t.sport);
	cr_assert_eq(f.rule.dport, t.dport);
	cr_assert_arr_eq(f.rule.ip_src, t.ip_src, 4);
	cr_assert_arr_eq(f.rule.ip_dst, t.ip_dst, 4);
	cr_assert(snic_pin_rules_ours(pr, f.slot));
	return f;
}

/* One frame of flow @n to the PF through the committed NIC: its one copy. */
static struct snic_dest rx_flow(struct snic_nic *nic, unsigned n)
{
	struct snic_balance_tuple t = tuple_n(n);
	struct snic_craft c = {0};
	struct snic_err err = {0};
	struct snic_cfg *cfg = NULL;
	struct snic_ctr *ctr = NULL;
	struct snic_dest d[8];
	uint8_t buf[256];
	int len;

	memcpy(c.outer.dmac, PIN_PF_MAC, 6);
	c.outer.smac[0] = 2;
	c.outer.ip_ver = 4;
	memcpy(c.outer.ip_src, t.ip_src, 4);
	memcpy(c.outer.ip_dst, t.ip_dst, 4);
	c.outer.l4_proto = t.l4_proto;
	c.outer.sport = t.sport;
	c.outer.dport = t.dport;
	len = snic_craft_frame(&c, buf, sizeof(buf));
	cr_assert_gt(len, 0);
	cr_assert_eq(snic_nic_commit(nic, &cfg, &err), 0, "%s", err.msg);
	cr_assert_eq(snic_ctr_new(snic_nic_profile(nic), &ctr, &err), 0, "%s", err.msg);
	cr_assert_eq(snic_rx(cfg, ctr, &(struct snic_frame){buf, (uint32_t)len}, 1, d, 8), 1);
	snic_ctr_free(ctr);
	snic_cfg_free(cfg);
	return d[0];
}

/*
 * A pin added, moved and deleted: each time the NIC holds exactly the rule
 * the pin asks for (the old one is destroyed), the frames of the flow go
 * where it says and are known as a pin's by their rule slot, and a user's
 * rule is never touched nor taken for a pin's.
 */
Test(balance, pin_rules_add_move_del)
{
	struct snic_nic *nic = pin_nic();
	struct snic_pin_rules *pr = mk_pin_rules(4);
	int user = user_rule(nic, 53), old;
	struct snic_flow_info u, f, g;
	struct snic_dest d;

	cr_assert(rule_by_id(nic, user, &u));
	cr_assert_eq(pin_op(pr, nic, 1, SNIC_PIN_ADD, 2), 0);
	f = pinned_rule(pr, nic, 1, 2);
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 2);
	cr_assert_not(snic_pin_rules_ours(pr, u.slot));
	d = rx_flow(nic, 1);
	cr_assert_eq(d.queue, 2);
	cr_assert(d.flags & SNIC_DEST_RULE);
	cr_assert(snic_pin_rules_ours(pr, d.rule));
	d = rx_flow(nic, 2); /* not pinned */
	cr_assert_not(d.flags & SNIC_DEST_RULE);

	old = (int)f.id;
	cr_assert_eq(pin_op(pr, nic, 1, SNIC_PIN_MOVE, 3), 0);
	g = pinned_rule(pr, nic, 1, 3);
	cr_assert_neq(g.id, f.id);
	cr_assert_not(rule_by_id(nic, old, &f), "the moved pin's old rule is gone");
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 2);
	if (g.slot != f.slot)
		cr_assert_not(snic_pin_rules_ours(pr, f.slot));
	cr_assert_eq(rx_flow(nic, 1).queue, 3);

	cr_assert_eq(pin_op(pr, nic, 1, SNIC_PIN_DEL, 0), 0);
	cr_assert_eq(snic_pin_rules_id(pr, 1), -ENOENT);
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 1);
	cr_assert_not(snic_pin_rules_ours(pr, g.slot));
	cr_assert_not(rx_flow(nic, 1).flags & SNIC_DEST_RULE);
	cr_assert_eq(pin_op(pr, nic, 9, SNIC_PIN_DEL, 0), 0, "a flow not held");
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 1);
	cr_assert(rule_by_id(nic, user, &f));
	cr_assert_eq(f.rule.queue, u.rule.queue);
	cr_assert_not(snic_pin_rules_ours(pr, SNIC_CTR_MAX_RULES));
	snic_pin_rules_free(pr);
	snic_nic_free(nic);
}

/* At most max_pins flows, a pin without a tuple holding its place without
 * a rule; a freed place is taken again. */
Test(balance, pin_rules_hold_max_pins_flows)
{
	struct snic_nic *nic = pin_nic();
	struct snic_pin_rules *pr = mk_pin_rules(2), *none = mk_pin_rules(0);
	struct snic_balance_pin nt = {.key = 7, .op = SNIC_PIN_ADD, .queue = 1};

	cr_assert_eq(pin_op(pr, nic, 1, SNIC_PIN_ADD, 1), 0);
	cr_assert_eq(pin_op(pr, nic, 2, SNIC_PIN_ADD, 2), 0);
	cr_assert_eq(pin_op(pr, nic, 3, SNIC_PIN_ADD, 3), 0, "full: ignored");
	cr_assert_eq(snic_pin_rules_id(pr, 3), -ENOENT);
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 2);
	cr_assert_eq(pin_op(pr, nic, 1, SNIC_PIN_DEL, 0), 0);
	cr_assert_eq(pin_op(pr, nic, 3, SNIC_PIN_ADD, 3), 0);
	pinned_rule(pr, nic, 3, 3);
	pinned_rule(pr, nic, 2, 2);

	cr_assert_eq(pin_op(pr, nic, 2, SNIC_PIN_DEL, 0), 0);
	cr_assert_eq(snic_pin_rules_apply(pr, nic, &nt, NULL), 0);
	cr_assert_eq(snic_pin_rules_id(pr, 7), -ENOENT, "no tuple, no rule");
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 1);
	cr_assert_eq(pin_op(pr, nic, 4, SNIC_PIN_ADD, 1), 0);
	cr_assert_eq(snic_pin_rules_id(pr, 4), -ENOENT, "flow 7 holds the place");
	nt.op = SNIC_PIN_DEL;
	cr_assert_eq(snic_pin_rules_apply(pr, nic, &nt, NULL), 0);
	cr_assert_eq(pin_op(pr, nic, 4, SNIC_PIN_ADD, 1), 0);
	pinned_rule(pr, nic, 4, 1);
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 2);

	cr_assert_eq(pin_op(none, nic, 5, SNIC_PIN_ADD, 1), 0);
	cr_assert_eq(snic_pin_rules_id(none, 5), -ENOENT);
	cr_assert_not(snic_pin_rules_clear(none, nic));
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 2);
	snic_pin_rules_free(none);
	snic_pin_rules_free(pr);
	snic_nic_free(nic);
}

/* With every rule slot taken the pin gets no rule and says why; its next
 * change, once a slot is free, makes it. */
Test(balance, pin_rules_report_full_rule_slots)
{
	struct snic_nic *nic = pin_nic();
	struct snic_pin_rules *pr = mk_pin_rules(4);
	struct snic_balance_pin p = {.key = 1, .op = SNIC_PIN_ADD, .queue = 2, .tuple = tuple_n(1)};
	struct snic_err err = {0};
	int first = user_rule(nic, 1);

	for (unsigned i = 1; i < SNIC_CTR_MAX_RULES; i++)
		user_rule(nic, (uint16_t)(1 + i));
	cr_assert_eq(snic_pin_rules_apply(pr, nic, &p, &err), -ENOSPC);
	cr_assert_neq(err.msg[0], 0);
	cr_assert_eq(snic_pin_rules_id(pr, 1), -ENOENT);
	cr_assert_eq(snic_flow_destroy(nic, (unsigned)first, NULL), 0);
	p.op = SNIC_PIN_MOVE;
	p.queue = 3;
	cr_assert_eq(snic_pin_rules_apply(pr, nic, &p, &err), 0);
	pinned_rule(pr, nic, 1, 3);
	cr_assert_eq(snic_flow_list(nic, NULL, 0), SNIC_CTR_MAX_RULES);
	snic_pin_rules_free(pr);
	snic_nic_free(nic);
}

/* Clearing removes the pins' rules and only those, once. */
Test(balance, pin_rules_clear_removes_only_theirs)
{
	struct snic_nic *nic = pin_nic();
	struct snic_pin_rules *pr = mk_pin_rules(4);
	int user = user_rule(nic, 53);
	struct snic_flow_info f[3], u;

	for (unsigned n = 1; n <= 3; n++) {
		cr_assert_eq(pin_op(pr, nic, n, SNIC_PIN_ADD, (uint16_t)n), 0);
		f[n - 1] = pinned_rule(pr, nic, n, (uint16_t)n);
	}
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 4);
	cr_assert(snic_pin_rules_clear(pr, nic));
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 1);
	cr_assert(rule_by_id(nic, user, &u));
	for (unsigned n = 1; n <= 3; n++) {
		cr_assert_eq(snic_pin_rules_id(pr, n), -ENOENT);
		cr_assert_not(snic_pin_rules_ours(pr, f[n - 1].slot));
	}
	cr_assert_not(snic_pin_rules_clear(pr, nic), "nothing held any more");
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 1);
	snic_pin_rules_free(pr);
	snic_nic_free(nic);
}

/*
 * The rules were all replaced under the pins: a NIC of a configuration
 * applied since, whose own rule has the id of a pin's old rule (ids start
 * again), or the same NIC after a change of VFs dropped every rule. The
 * pins' changes and their clearing leave the new rules alone, and the
 * slot of the user's rule is not taken for a pin's.
 */
Test(balance, pin_rules_leave_rules_that_replaced_theirs)
{
	struct snic_nic *nic = pin_nic(), *applied = pin_nic();
	struct snic_pin_rules *pr = mk_pin_rules(4);
	struct snic_flow_info old, u;
	struct snic_err err = {0};
	int user;

	cr_assert_eq(pin_op(pr, nic, 1, SNIC_PIN_ADD, 2), 0);
	cr_assert_eq(pin_op(pr, nic, 2, SNIC_PIN_ADD, 2), 0);
	old = pinned_rule(pr, nic, 1, 2);
	user = user_rule(applied, 53);
	cr_assert_eq(user, (int)old.id, "the new NIC gives the old id again");
	cr_assert(rule_by_id(applied, user, &u));
	cr_assert_eq(u.slot, old.slot);

	cr_assert_eq(pin_op(pr, applied, 1, SNIC_PIN_MOVE, 3), 0);
	pinned_rule(pr, applied, 1, 3);
	cr_assert_eq(snic_flow_list(applied, NULL, 0), 2, "the user's rule stays");
	cr_assert(rule_by_id(applied, user, &u));
	cr_assert_eq(u.rule.priority, 10);
	cr_assert_not(snic_pin_rules_ours(pr, u.slot));
	cr_assert(snic_pin_rules_clear(pr, applied));
	cr_assert_eq(snic_flow_list(applied, NULL, 0), 1);
	cr_assert(rule_by_id(applied, user, &u));

	cr_assert_eq(pin_op(pr, nic, 3, SNIC_PIN_ADD, 1), 0);
	cr_assert_eq(snic_nic_set_numvfs(nic, 1, &err), 0, "%s", err.msg);
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 0);
	user = user_rule(nic, 53);
	cr_assert(snic_pin_rules_clear(pr, nic));
	cr_assert(rule_by_id(nic, user, &u));
	cr_assert_eq(snic_flow_list(nic, NULL, 0), 1);
	snic_pin_rules_free(pr);
	snic_nic_free(applied);
	snic_nic_free(nic);
}

/* --- The property: nothing lost, nothing invented ---------------------------------- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct world {
	unsigned nq, rs;
	uint64_t keys[64];   /* pinned keys the test believes in */
	uint16_t kqueue[64]; /* and their queues */
	unsigned nkeys;
};

static int world_find(const struct world *w, uint64_t key)
{
	for (unsigned i = 0; i < w->nkeys; i++)
		if (w->keys[i] == key)
			return (int)i;
	return -1;
}

/* Apply the plan's pin changes to what the test believes, checking each. */
static void world_apply(struct world *w, const struct snic_balance_plan *plan)
{
	for (unsigned i = 0; i < plan->npins; i++) {
		const struct snic_balance_pin *p = &plan->pins[i];
		int k = world_find(w, p->key);

		cr_assert_lt(p->queue, w->nq, "pin to queue %u of %u", p->queue, w->nq);
		cr_assert_lt(p->bucket, w->rs);
		if (p->op == SNIC_PIN_ADD) {
			cr_assert_lt(k, 0, "key %lu pinned twice", (unsigned long)p->key);
			cr_assert_lt(w->nkeys, 64);
			w->keys[w->nkeys] = p->key;
			w->kqueue[w->nkeys++] = p->queue;
		} else {
			cr_assert_geq(k, 0, "op %u on key %lu not pinned", p->op,
				      (unsigned long)p->key);
			cr_assert_eq(w->kqueue[k], p->from);
			if (p->op == SNIC_PIN_MOVE) {
				w->kqueue[k] = p->queue;
			} else {
				w->keys[k] = w->keys[--w->nkeys];
				w->kqueue[k] = w->kqueue[w->nkeys];
			}
		}
	}
}

static void world_check(const struct world *w, const struct snic_balance *b)
{
	unsigned n;
	const struct snic_balance_pin *p = snic_balance_pins(b, &n);

	cr_assert_eq(n, w->nkeys);
	for (unsigned i = 0; i < n; i++) {
		int k = world_find(w, p[i].key);

		cr_assert_geq(k, 0);
		cr_assert_eq(p[i].queue, w->kqueue[k]);
	}
}

static void random_conf(struct snic_balance_conf *c, uint64_t *s, uint32_t *w, unsigned policy)
{
	static const uint16_t sizes[] = {1, 7, 64, 128, 512, 1000, 2048};
	unsigned nq = 1 + (unsigned)(rnd(s) % QMAX);

	snic_balance_conf_default(c, (enum snic_balance_policy)policy, nq,
				  sizes[rnd(s) % (sizeof(sizes) / sizeof(sizes[0]))]);
	for (unsigned q = 0; q < nq; q++)
		w[q] = 1 + (uint32_t)(rnd(s) % 4);
	c->weight = rnd(s) % 2 ? w : NULL;
	c->max_moves = (uint16_t)(rnd(s) % 3 ? c->max_moves : rnd(s) % 20);
	c->max_pins = policy == SNIC_BAL_SNIC ? (uint16_t)(rnd(s) % 40) : 0;
}

static void random_input(uint64_t *s, const struct world *w, uint64_t *load,
			 struct snic_balance_flow *f, unsigned *nf)
{
	unsigned mode = (unsigned)(rnd(s) % 4);

	for (unsigned i = 0; i < w->rs; i++) {
		load[i] = mode == 0 ? 0 : rnd(s) % (mode == 1 ? 3 : 100000);
		if (mode == 3 && rnd(s) % 50 == 0)
			load[i] = rnd(s) >> 20; /* huge */
	}
	*nf = (unsigned)(rnd(s) % 40);
	for (unsigned i = 0; i < *nf; i++) {
		f[i] = (struct snic_balance_flow){0};
		f[i].key = 1000 + i * 7 + rnd(s) % 3 * 1000; /* unique: i * 7 apart */
		f[i].load = rnd(s) % 200000;
		f[i].bucket = (uint16_t)(rnd(s) % w->rs);
	}
}

static void check_step(const struct world *w, const uint16_t *before, const uint16_t *reta,
		       const struct snic_balance_plan *plan, unsigned cap)
{
	static uint8_t seen[2048];

	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < w->rs; i++)
		cr_assert_lt(reta[i], w->nq, "entry %u names queue %u of %u", i, reta[i], w->nq);
	for (unsigned m = 0; m < plan->nmoves; m++) {
		const struct snic_balance_move *mv = &plan->moves[m];

		cr_assert_lt(mv->bucket, w->rs);
		cr_assert_eq(seen[mv->bucket]++, 0, "bucket %u moved twice", mv->bucket);
		cr_assert_eq(before[mv->bucket], mv->from);
		cr_assert_eq(reta[mv->bucket], mv->to);
		cr_assert_neq(mv->from, mv->to);
	}
	for (unsigned i = 0; i < w->rs; i++)
		cr_assert(seen[i] || reta[i] == before[i], "bucket %u changed unannounced", i);
	if (cap)
		cr_assert_leq(plan->nmoves, cap);
	cr_assert_gt(plan->next_period_ms, 0);
}

Test(balance, no_policy_loses_a_bucket_or_invents_a_queue)
{
	static uint16_t reta[2048], before[2048];
	static uint64_t load[2048];
	struct snic_balance_flow f[40];
	uint32_t wts[QMAX];
	uint64_t s = 0x9e3779b97f4a7c15ull;

	for (unsigned round = 0; round < 60; round++) {
		unsigned policy = round % SNIC_BAL_COUNT, nf;
		struct snic_balance_conf c;
		struct snic_balance *b;
		struct world w = {0};

		random_conf(&c, &s, wts, policy);
		b = mk(&c);
		w.nq = c.nqueues;
		w.rs = c.reta_size;
		for (unsigned i = 0; i < w.rs; i++)
			reta[i] = (uint16_t)(rnd(&s) % w.nq);
		for (unsigned k = 0; k < 40; k++) {
			struct snic_balance_plan plan;
			struct snic_balance_input in = {load, NULL, f, 0, 0};

			random_input(&s, &w, load, f, &nf);
			in.nflows = nf;
			in.elapsed_ms = (uint32_t)(rnd(&s) % 3 ? 0 : 1 + rnd(&s) % 300);
			memcpy(before, reta, w.rs * sizeof(*reta));
			cr_assert_geq(snic_balance_step(b, &in, reta, &plan), 0);
			check_step(&w, before, reta, &plan, c.max_moves);
			world_apply(&w, &plan);
			world_check(&w, b);
		}
		snic_balance_free(b);
	}
}
