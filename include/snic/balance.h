/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RSS balancer: from the load each RETA bucket carried over a period,
 * a new RETA and, optionally, flow rules that pin the heaviest flows to
 * queues of their own, so that the queues' consumers get even shares.
 *
 * Policies:
 *  - static: plain RSS, the RETA is never changed;
 *  - rsspp: the greedy of RSS++ (Barbette, Katsikas, Maguire, Kostic,
 *    "RSS++: load and state-aware receive side scaling", CoNEXT 2019):
 *    buckets of overloaded queues move to underloaded ones, with a
 *    threshold, a skip of queues that just received buckets, and an
 *    adaptive period;
 *  - snic: smoothed bucket loads with a noise test, elephants pinned in
 *    place by exact rules (unpinned once quiet or no longer heavy), and
 *    the fewest moves that bring the predicted imbalance under a bound
 *    (docs/balance.md).
 *
 * Imbalance, as RSS++ reports it: (max - min) / min of the queues' loads,
 * each load divided by its queue's weight.
 *
 * Control plane only: snic_balance_new() allocates everything; a step does
 * not allocate, lock or block. One thread uses a struct snic_balance at a
 * time. The data path never sees it: the caller programs the RETA and the
 * flow rules a plan gives.
 */
#ifndef SNIC_BALANCE_H
#define SNIC_BALANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "snic/err.h"
#include "snic/flow.h"

enum snic_balance_policy {
	SNIC_BAL_STATIC = 0,
	SNIC_BAL_RSSPP,
	SNIC_BAL_SNIC,
	SNIC_BAL_COUNT,
};

/* "static", "rsspp", "snic". */
const char *snic_balance_policy_name(enum snic_balance_policy p);
int snic_balance_policy_parse(const char *s, enum snic_balance_policy *out, struct snic_err *err);

/* Most queues a balancer can spread over. */
#define SNIC_BALANCE_QUEUES_MAX 256

struct snic_balance_conf {
	uint8_t policy;		/* enum snic_balance_policy */
	uint16_t nqueues;	/* 1..SNIC_BALANCE_QUEUES_MAX: the RETA names 0..nqueues-1 */
	uint16_t reta_size;	/* 1..SNIC_RETA_MAX */
	const uint32_t *weight; /* [nqueues] relative capacities, NULL = all equal; a
				 * core shared with other work gets a smaller one. Copied. */
	uint16_t max_moves;	/* buckets moved per window at most, 0 = no cap */
	uint16_t max_pins;	/* flow rules the balancer may hold (snic), 0 = none */
	uint16_t max_pin_moves; /* pinned flows moved per window at most (snic) */
	uint32_t window_ms;	/* the caps hold over any span this long that ends at a
				 * step; 0 = one step */
	uint32_t period_ms;	/* the first period, and snic's only one */
	uint32_t period_min_ms; /* rsspp's adaptive period stays within these */
	uint32_t period_max_ms;
	double threshold; /* rsspp: a queue further than this from its share, as a
			   * fraction of the mean load, is over- or underloaded */
	double target;	  /* snic: predicted imbalance it leaves alone */
	double pin_share; /* snic: a flow with this fraction of a queue's share or
			   * more is pinned where it is */
	double load_unit; /* load of one frame, for snic's noise test (1 for frames) */
};

/*
 * A conf with the defaults of @policy for @nqueues queues and a RETA of
 * @reta_size: equal weights. static: period 100 ms. rsspp: 100 ms,
 * adapting within 100..1000 ms, threshold 0.02, no cap. snic: a step
 * every 20 ms, target 0.01, at most reta_size / 50 buckets (2 %, at
 * least 1) and 4 pinned flows moved per 100 ms, 32 pins, pin share 0.25.
 */
void snic_balance_conf_default(struct snic_balance_conf *c, enum snic_balance_policy policy,
			       unsigned nqueues, unsigned reta_size);

/* A balancer; control plane, allocates. Returns 0 or -EINVAL (a field out
 * of range, a zero weight), -ENOMEM; @err names the bad value. */
struct snic_balance;

int snic_balance_new(const struct snic_balance_conf *c, struct snic_balance **out,
		     struct snic_err *err);
void snic_balance_free(struct snic_balance *b);

/* The 5-tuple of a flow, for the exact rule that pins it (outer headers,
 * as flow rules match). */
struct snic_balance_tuple {
	uint8_t ip_ver; /* 4 or 6; 0 = not known (the pin gets no rule) */
	uint8_t l4_proto;
	uint16_t sport, dport; /* host order */
	uint8_t ip_src[16];    /* network order; IPv4 in the first 4 bytes */
	uint8_t ip_dst[16];
};

/* One heavy flow of the period, as a heavy-hitter tracker reports it. */
struct snic_balance_flow {
	uint64_t key;	 /* the caller's id of the flow (a digest of its tuple) */
	uint64_t load;	 /* its load over the period, in the unit of bucket loads */
	uint16_t bucket; /* the RETA index its hash selects */
	struct snic_balance_tuple tuple;
};

/* What one period measured. */
struct snic_balance_input {
	/* [reta_size]: the load each bucket carried through RSS (frames or
	 * bytes, as struct snic_bctr counts them; pinned flows' frames are
	 * not in it). */
	const uint64_t *bucket_load;
	/* [nqueues] or NULL: what each queue's consumer spent (cycles); when
	 * given, each queue's items are scaled to it. */
	const uint64_t *queue_load;
	/* The heaviest flows of the period, and every flow the balancer pins
	 * (a pinned flow not listed had no load). Any order; keys unique. */
	const struct snic_balance_flow *flows;
	unsigned nflows;
	/* How long the period lasted; 0 = the period the last step asked for. */
	uint32_t elapsed_ms;
};

/* A bucket given to another queue. */
struct snic_balance_move {
	uint16_t bucket;
	uint16_t from, to;
	uint64_t load; /* its estimated load, in the unit of the input */
};

enum snic_balance_pin_op {
	SNIC_PIN_ADD = 0, /* install a rule steering the flow to `queue` */
	SNIC_PIN_MOVE,	  /* change the rule's queue from `from` to `queue` */
	SNIC_PIN_DEL,	  /* remove the rule: the flow goes back to its bucket */
};

struct snic_balance_pin {
	uint64_t key;
	uint8_t op;	 /* enum snic_balance_pin_op; in a plan only */
	uint16_t bucket; /* its bucket, where it goes when unpinned */
	uint16_t from;	 /* queue before the change (ADD: its bucket's queue) */
	uint16_t queue;	 /* queue after the change (DEL: its bucket's queue) */
	uint64_t load;	 /* its estimated load */
	struct snic_balance_tuple tuple;
};

/* What a step decided. The arrays belong to the balancer and hold until
 * its next step or its free. */
struct snic_balance_plan {
	const struct snic_balance_move *moves;
	unsigned nmoves;
	const struct snic_balance_pin *pins; /* changes of pins, in the order to apply */
	unsigned npins;
	uint32_t next_period_ms; /* when to measure and step again */
	double imbalance_in;	 /* of the measured (snic: estimated) load */
	double imbalance_out;	 /* predicted for that load after the plan */
};

/*
 * One period: read what @in measured, change @reta (reta_size entries,
 * each < nqueues, the RETA in force) in place and fill @plan. The caller
 * programs the RETA, then applies the pin changes in order, then measures
 * the next period of plan->next_period_ms. Returns the number of buckets
 * moved (within max_moves over window_ms when set), or -EINVAL (an entry
 * of @reta, a flow's bucket out of range; @reta is left untouched).
 */
int snic_balance_step(struct snic_balance *b, const struct snic_balance_input *in, uint16_t *reta,
		      struct snic_balance_plan *plan);

/* The flows pinned now; *n receives their count. Owned by the balancer. */
const struct snic_balance_pin *snic_balance_pins(const struct snic_balance *b, unsigned *n);

/*
 * The exact rule that pins @p on @vport: its tuple (addresses as /32 or
 * /128, both ports, the protocol) to the queue @p names, at @priority.
 * Returns 0, or -EINVAL when the tuple is not known (ip_ver 0).
 */
int snic_balance_pin_rule(const struct snic_balance_pin *p, uint16_t vport, uint32_t priority,
			  struct snic_flow_rule *rule);

/* (max - min) / min of load[q] / weight[q] (weight NULL = equal); 0 when
 * every load is 0, HUGE_VAL when only some are. */
double snic_balance_imbalance(const uint64_t *load, const uint32_t *weight, unsigned nqueues);

/* The priority of the rules that pin flows: after every rule of a lower
 * number, so that a user's rule on the same flow wins. */
#define SNIC_BALANCE_PIN_PRIORITY 0x7fff0000u

/*
 * A balancer's pins as flow rules on a NIC (lib/balance_pin.c): the pin
 * changes of its plans, applied in order, each pinned flow getting the
 * exact rule of snic_balance_pin_rule() on one vport at
 * SNIC_BALANCE_PIN_PRIORITY. It holds at most max_pins flows, each with
 * the rule it made for it, if any.
 *
 * A rule is destroyed only while the NIC still holds it as it was made:
 * the same id with the same match, queue and priority. Rules that took
 * the place of all the NIC's rules meanwhile (a configuration applied, a
 * change of VFs), even under the same ids, are left alone.
 *
 * Changes are made on the NIC only; the caller commits or publishes them.
 * The thread that owns the NIC, as for every snic_flow_*() call.
 */
struct snic_pin_rules;

struct snic_nic;

/* Rules for up to @max_pins flows (0: every pin is ignored) on @vport.
 * Returns 0 or -ENOMEM with @err filled. */
int snic_pin_rules_new(unsigned max_pins, uint16_t vport, struct snic_pin_rules **out,
		       struct snic_err *err);

/* Free it; the rules it made stay on the NIC (snic_pin_rules_clear()
 * removes them). */
void snic_pin_rules_free(struct snic_pin_rules *pr);

/*
 * Apply one pin change of a plan to @nic. SNIC_PIN_ADD or SNIC_PIN_MOVE:
 * the flow's rule, if it has one, is destroyed and a rule to p->queue is
 * created (the flow's new rule id); a flow not held yet takes a place, and
 * when all max_pins are taken the change is ignored (0, no rule).
 * SNIC_PIN_DEL: the flow's rule is destroyed and its place freed; nothing
 * happens for a flow not held. A pin whose tuple is not known (ip_ver 0)
 * holds its place with no rule. Returns 0, or the -errno of
 * snic_flow_create() (-ENOSPC: the NIC's rule slots are full) with @err
 * filled: the flow then holds its place with no rule, its frames go where
 * its bucket sends them, and its next change tries again.
 */
int snic_pin_rules_apply(struct snic_pin_rules *pr, struct snic_nic *nic,
			 const struct snic_balance_pin *p, struct snic_err *err);

/* Destroy every rule it made that @nic still holds as made, and forget
 * every flow. Returns whether it held any. */
bool snic_pin_rules_clear(struct snic_pin_rules *pr, struct snic_nic *nic);

/* The id of the rule it made for flow @key, -ENOENT when it holds the
 * flow with no rule or not at all. */
int snic_pin_rules_id(const struct snic_pin_rules *pr, uint64_t key);

/* Whether rule slot @slot (struct snic_flow_info.slot, the rule of a
 * struct snic_dest) held one of its rules after its last apply or clear:
 * a frame that rule chose belongs to a pinned flow. Any @slot; false out
 * of range. */
bool snic_pin_rules_ours(const struct snic_pin_rules *pr, unsigned slot);

struct snic_pkt;

/*
 * The tuple of a parsed frame that an exact rule can pin: TCP, UDP or
 * SCTP over IPv4 or IPv6 with its ports, no tunnel, not a fragment. Any
 * other frame gets ip_ver 0 (its flow can't be pinned). Returns ip_ver.
 */
unsigned snic_balance_tuple_of(const struct snic_pkt *pkt, struct snic_balance_tuple *t);

/* A digest of @t for struct snic_balance_flow.key; never 0. */
uint64_t snic_balance_tuple_key(const struct snic_balance_tuple *t);

/*
 * The flows of a period, as a balancer's caller needs them (lib/balance_track.c):
 * per flow, the frames it sent this period, where they went and its RETA
 * bucket; the heaviest flows of the period with their tuples
 * (struct snic_balance_input.flows); and the cost of the last step, the
 * flows whose queue changed between two periods in which they sent (moved
 * flows) and their frames after the change, which may overtake frames
 * still queued on the old queue (frames at risk of reordering).
 *
 * Memory is bounded: a tracker holds at most max_flows flows; a flow that
 * sent in neither this period nor the one before is forgotten when room
 * is needed, and frames of flows that find no room are counted apart.
 * One thread; allocates when it grows or makes room, not per frame.
 */
struct snic_balance_track;

/* Most flows a tracker lists per period; most flows it holds. */
#define SNIC_BALANCE_TOP_MAX   256
#define SNIC_BALANCE_FLOWS_MAX (1u << 26)

/* The bucket of frames whose queue a rule chose (a pinned flow's). */
#define SNIC_BALANCE_NO_BUCKET 0xffffu

/* A tracker of up to @max_flows flows (1..SNIC_BALANCE_FLOWS_MAX) that
 * lists the @topk heaviest (1..SNIC_BALANCE_TOP_MAX) of each period.
 * Returns 0 or -EINVAL, -ENOMEM with @err filled. */
int snic_balance_track_new(unsigned max_flows, unsigned topk, struct snic_balance_track **out,
			   struct snic_err *err);
void snic_balance_track_free(struct snic_balance_track *t);

/*
 * @frames frames (or any load: a sampled frame may stand for several) of
 * flow @key (not 0) went to @queue, through RETA @bucket or, when a rule
 * chose the queue, SNIC_BALANCE_NO_BUCKET (the flow keeps the bucket it
 * had). Returns 1 when the flow has just entered the period's heaviest
 * (again: a flow that drops out forgets its tuple) and its tuple is not
 * known: the caller then gives it with snic_balance_track_tuple(); else 0.
 */
int snic_balance_track_add(struct snic_balance_track *t, uint64_t key, unsigned bucket,
			   unsigned queue, uint64_t frames);

/* The tuple of flow @key; ip_ver 0 marks it as one that can't be pinned
 * (it is then never asked for again and never listed). */
void snic_balance_track_tuple(struct snic_balance_track *t, uint64_t key,
			      const struct snic_balance_tuple *tuple);

/*
 * The input's flows for the period so far, into @out (room for @cap, at
 * least topk + @npins fits all): the heaviest flows with a known tuple and
 * a bucket, heaviest first, then each flow of @pins (the balancer's,
 * snic_balance_pins()) that sent and is not listed yet, with the pin's
 * bucket and tuple. Returns how many it wrote.
 */
unsigned snic_balance_track_flows(const struct snic_balance_track *t,
				  const struct snic_balance_pin *pins, unsigned npins,
				  struct snic_balance_flow *out, unsigned cap);

/* What a tracker saw in one period. */
struct snic_balance_track_sum {
	uint64_t flows;	       /* flows that sent */
	uint64_t frames;       /* their frames */
	uint64_t moved;	       /* flows on another queue than at the end of the
				* period before, in which they sent too */
	uint64_t moved_frames; /* their frames in this period: at risk of reordering */
	uint64_t untracked;    /* frames of flows the tracker had no room for */
};

/* Close the period: its sums into @out (NULL: not wanted), and open the next. */
void snic_balance_track_next(struct snic_balance_track *t, struct snic_balance_track_sum *out);

#endif
