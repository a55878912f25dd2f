/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicd's balancer: on the control thread, every period, the load each
 * bucket of the PF's RETA carried (snicd_stats deltas) goes to a struct
 * snic_balance; the RETA it returns is set on the NIC and published like
 * any configuration change, so no frame is lost. Pins are not used: only
 * buckets move.
 *
 * One balancer per process, off until snicd_balance_set() turns it on.
 * Control thread only.
 */
#ifndef SNICD_BALANCE_H
#define SNICD_BALANCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "snic/err.h"

struct snicd;

/*
 * Turn the balancer on with @policy ("static", "rsspp", "snic") and a
 * period of @period_ms (0: the policy's own), or off (@policy NULL). Turning
 * it on (again) starts from the counters as they are. Returns 0 or -EINVAL
 * (an unknown policy, named; a PF whose RETA names one queue), -ENOMEM.
 */
int snicd_balance_set(struct snicd *d, const char *policy, uint32_t period_ms,
		      struct snic_err *err);

/* One period now: read the counters, step, program and publish. Returns
 * the buckets moved, 0 when off, or -errno (the RETA is then unchanged). */
int snicd_balance_step(struct snicd *d, struct snic_err *err);

/* From the control loop: step when the period has passed. */
void snicd_balance_poll(struct snicd *d);

/* {"on", "policy", "period_ms", "steps", "imbalance", "max_mean",
 *  "moves", "moves_total"}: the last period's imbalance of the PF's
 *  queues and the buckets its step moved. */
json_t *snicd_balance_json(void);

/* Free it (at exit). */
void snicd_balance_free(void);

#endif
