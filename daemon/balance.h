/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicd's balancer: on the control thread, every period, the load each
 * bucket of a vport's RETA carried (snicd_stats deltas) goes to a struct
 * snic_balance; the RETA it returns is set on the NIC and published like
 * any configuration change, so no frame is lost.
 *
 * Pins: with pins allowed (policy snic), the balancer also sees the
 * heaviest flows of each period and may pin them to queues. Their frames
 * come from a sampler of the uplink's receive queues (balance_tap.c, the
 * DPDK side of snicd, registers it): each sample goes through the running
 * snapshot to learn the vport, queue and RETA bucket the model gives it,
 * and feeds a struct snic_balance_track. A pin is a flow rule on the vport
 * at SNIC_BALANCE_PIN_PRIORITY (struct snic_pin_rules), added, moved or
 * removed with the RETA in one published change; `snic flow list` shows
 * it. Pins are removed when the balancer stops or drops them, unless a
 * configuration applied since has replaced the rules.
 *
 * One balancer per process, off until snicd_balance_on() turns it on.
 * Control thread only.
 */
#ifndef SNICD_BALANCE_H
#define SNICD_BALANCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "snic/err.h"

struct snicd;
struct snic_cfg;

/* What to balance and how. */
struct snicd_balance_opts {
	const char *policy; /* "static", "rsspp", "snic" */
	uint32_t period_ms; /* 0: the policy's own */
	int vport;	    /* whose queues are measured, -1: the PF. On a shared RETA
			     * (82599) a VF's queues follow the PF's RETA, which is set */
	int pins;	    /* flows pinned at most (snic), -1: the last default */
};

/*
 * Turn the balancer on (again, from the counters as they are), replacing
 * one that runs (its pins are removed). With @default_pins, o->pins (>= 0)
 * also becomes the default of later calls. Returns 0 or -EINVAL (an
 * unknown policy, named; a vport whose RETA names one queue or more
 * queues than it has), -EOPNOTSUPP (pins without a sampler or an uplink),
 * -ENOMEM.
 */
int snicd_balance_on(struct snicd *d, const struct snicd_balance_opts *o, bool default_pins,
		     struct snic_err *err);

/* snicd_balance_on() of the PF's queues with the default pins, or off
 * with @policy NULL. */
int snicd_balance_set(struct snicd *d, const char *policy, uint32_t period_ms,
		      struct snic_err *err);

/* Turn it off: its pins are removed and the change published. */
int snicd_balance_off(struct snicd *d, struct snic_err *err);

/* One period now: read the counters, step, program and publish. Returns
 * the buckets moved, 0 when off, or -errno (the RETA is then unchanged). */
int snicd_balance_step(struct snicd *d, struct snic_err *err);

/* From the control loop: step when the period has passed. */
void snicd_balance_poll(struct snicd *d);

/* {"on", "policy", "vport", "period_ms", "steps", "imbalance", "max_mean",
 *  "moves", "moves_total", "pins", "pins_max", "pin_changes",
 *  "pin_changes_total", "sampled", "pinned": [{"flow", "queue", "bucket",
 *  "load"}]}: the last period's imbalance of the vport's queues, the
 *  buckets and pins its step changed, the frames the sampler's samples
 *  stood for, the flows pinned now (load: frames per step). */
json_t *snicd_balance_json(void);

/* Free it (at exit; the data lcores may still run). */
void snicd_balance_free(void);

/* ---- the sampler ---- */

/* Bytes of a frame a sample keeps: longer frames are not sampled. */
#define SNICD_SAMPLE_BYTES 2048

/* Called for each sample: its bytes and the frames it stands for. */
typedef void (*snicd_sample_fn)(void *arg, const uint8_t *data, uint32_t len, uint32_t weight);

struct snicd_sampler {
	/* Start sampling the uplink's received frames; -EOPNOTSUPP without one. */
	int (*start)(struct snicd *d, struct snic_err *err);
	/* Hand every sample taken since the last call to @fn, and adapt the
	 * rate to what arrived. */
	void (*drain)(struct snicd *d, snicd_sample_fn fn, void *arg);
	/* Stop, once no data lcore can be in the tap any more. */
	void (*stop)(struct snicd *d);
	/* The snapshot the data lcores run now. */
	const struct snic_cfg *(*cfg)(struct snicd *d);
};

/* Register the sampler (snicd's DPDK side does, at load). */
void snicd_balance_sampler(const struct snicd_sampler *s);

#endif
