/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the balancer: its state, shared by balance.c (configuration, the
 * step, pins), balance_rsspp.c and balance_snic.c (the policies).
 *
 * Loads are handled in "mean units" where a policy needs it: a queue's
 * load divided by the mean load per queue, so that a queue at its fair
 * share with equal weights reads 1 and thresholds are fractions of the
 * mean. A queue's fair share is its weight over the mean weight.
 */
#ifndef SNIC_BALANCE_IMPL_H
#define SNIC_BALANCE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "snic/balance.h"

#define SNIC_BAL_HIDDEN __attribute__((visibility("hidden")))

/* Most pins a balancer may hold. */
#define SNIC_BAL_PINS_MAX 4096

/* Steps remembered for the caps over a window. */
#define SNIC_BAL_HIST 256

struct snic_bal_hist {
	uint32_t ms; /* the step's period */
	uint16_t moves, pin_moves;
};

struct snic_balance {
	struct snic_balance_conf c;
	double share[SNIC_BALANCE_QUEUES_MAX]; /* weight / mean weight */
	uint32_t period;		       /* the period asked for last */
	uint64_t steps;
	struct snic_bal_hist hist[SNIC_BAL_HIST]; /* the last steps, a ring */
	unsigned hpos;

	/* rsspp: queues that received buckets in the last step */
	bool skip[SNIC_BALANCE_QUEUES_MAX];

	/* snic: smoothed bucket loads; the pins */
	double *est;		      /* [reta_size] */
	struct snic_balance_pin *pin; /* [max_pins] */
	double *pin_est;	      /* [max_pins] */
	unsigned npins;

	/* scratch of a step */
	double *load;		      /* [reta_size]: this period's bucket loads */
	uint16_t *order;	      /* [reta_size] */
	int16_t *dest;		      /* [reta_size]: rsspp transfers */
	int16_t *best;		      /* [reta_size]: rsspp best run */
	uint8_t *moved;		      /* [reta_size + max_pins]: snic, one move each */
	double *pin_meas;	      /* [max_pins] */
	struct snic_balance_move *mv; /* [reta_size] */
	struct snic_balance_pin *ops; /* [3 * max_pins + max_pin_moves]: pin changes */
	unsigned nmv, nops;
	unsigned bleft, pleft; /* moves left under the caps */
	unsigned pin_moves;    /* pinned flows moved this step */
};

static inline double snic_bal_abs(double x)
{
	return x < 0 ? -x : x;
}

static inline uint64_t snic_bal_round(double x)
{
	return x > 0 ? (uint64_t)(x + 0.5) : 0;
}

/* (max - min) / min of load[q] / share[q]. */
SNIC_BAL_HIDDEN double snic_bal_imbalance(const double *load, const double *share, unsigned n);

/* The listed flow of @key, or NULL. */
SNIC_BAL_HIDDEN const struct snic_balance_flow *snic_bal_flow_find(
	const struct snic_balance_input *in, uint64_t key);

/* How long the period measured lasted, in ms. */
SNIC_BAL_HIDDEN double snic_bal_elapsed(const struct snic_balance *b,
					const struct snic_balance_input *in);

/*
 * With queue_load, each queue's items are scaled so that they add up to
 * what its consumer spent: fac[q] = queue_load[q] / (its buckets + its
 * pinned flows @pinned, NULL for none). Without, 1.
 */
SNIC_BAL_HIDDEN void snic_bal_queue_factors(const struct snic_balance *b,
					    const struct snic_balance_input *in,
					    const uint16_t *reta, const double *pinned,
					    double *fac);

/* Record a bucket move, or a change of pin (a copy of @p with @op). */
SNIC_BAL_HIDDEN void snic_bal_push_move(struct snic_balance *b, unsigned bucket, unsigned from,
					unsigned to, double load);
SNIC_BAL_HIDDEN void snic_bal_push_op(struct snic_balance *b, const struct snic_balance_pin *p,
				      unsigned op, unsigned from, unsigned to);

SNIC_BAL_HIDDEN void snic_bal_plan_fill(struct snic_balance *b, struct snic_balance_plan *plan,
					double in_imb, double out_imb);

/* The policies' steps: the input is checked, b->bleft and b->pleft hold
 * the moves the caps leave. They return the buckets moved. */
SNIC_BAL_HIDDEN int snic_bal_step_rsspp(struct snic_balance *b, const struct snic_balance_input *in,
					uint16_t *reta, struct snic_balance_plan *plan);
SNIC_BAL_HIDDEN int snic_bal_step_snic(struct snic_balance *b, const struct snic_balance_input *in,
				       uint16_t *reta, struct snic_balance_plan *plan);

#endif
