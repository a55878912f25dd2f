/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A deliberately naive reference model of the whole snic pipeline, for
 * test_model.c to compare the real NIC against on random input.
 *
 * The model keeps the configuration as plain lists and flat arrays and
 * answers every frame by scanning them: no FDB hash table, no compiled
 * rules, no cached hash, no snapshot. It shares only the parser
 * (snic_parse) and the bitwise RSS twin (snic_rss_hash_ref) with libsnic;
 * the switch, the VLAN filters, the spoof check, the rate limiter, rule
 * matching, queue selection and the counters are its own.
 *
 * It is fed the same configuration operations as the real NIC, after the
 * real call succeeded, and applies their effect itself (receive-mode
 * capping by trust, resets on a change of VF count, rule and context ids).
 * For some operations whose outcome the spec fixes it also says what the
 * real call should have returned (rm_expect).
 */
#ifndef SNIC_TEST_REFMODEL_H
#define SNIC_TEST_REFMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "snic/ctr.h"
#include "snic/dp.h"
#include "snic/flow.h"
#include "snic/nic.h"
#include "snic/plugin.h"
#include "snic/profile.h"
#include "snic/rss.h"

/* Most addresses in one list of the model (multicast groups, MACVLANs). */
#define RM_LIST_MAX 256

/* One configuration operation, as the random generator draws it. */
enum rm_op_kind {
	RM_NUMVFS = 0,	 /* a = count */
	RM_ASSIGN,	 /* vf, on */
	RM_LINK,	 /* on */
	RM_VF_MAC,	 /* vf, mac */
	RM_VF_VLAN,	 /* vf, a = vid, b = qos, c = proto */
	RM_VF_SPOOFCHK,	 /* vf, on */
	RM_VF_TRUST,	 /* vf, on */
	RM_VF_LINK,	 /* vf, a = state */
	RM_VF_RATE,	 /* vf, a = min, b = max */
	RM_VF_QUERY_RSS, /* vf, on */
	RM_REQ_MAC,	 /* vf, mac */
	RM_REQ_MC,	 /* vf, n, macs */
	RM_REQ_VLAN,	 /* vf, a = vid, on */
	RM_REQ_MACVLAN,	 /* vf, mac, on */
	RM_REQ_RXMODE,	 /* vf, a = mode */
	RM_PF_MAC,	 /* mac */
	RM_PF_RXMODE,	 /* a = mode */
	RM_PF_MC,	 /* n, macs */
	RM_PF_MACVLAN,	 /* mac, on */
	RM_PF_VLAN,	 /* a = vid, on */
	RM_MAX_FRAME,	 /* a = bytes */
	RM_RSS_SET,	 /* vf = vport, rss */
	RM_RSS_CTX_NEW,	 /* vf = vport, rss */
	RM_RSS_CTX_DEL,	 /* a = context */
	RM_FLOW_CREATE,	 /* rule */
	RM_FLOW_DESTROY, /* a = id */
	RM_PLUGIN,	 /* plugin, pstate (NULL plugin: removed) */
	RM_OP_COUNT,
};

struct rm_op {
	uint8_t kind; /* enum rm_op_kind */
	bool on;
	unsigned vf;
	unsigned a, b, c;
	uint8_t mac[6];
	unsigned n;
	uint8_t macs[RM_LIST_MAX][6];
	struct snic_rss_conf rss;
	struct snic_flow_rule rule;
	const struct snic_plugin *plugin; /* loaded by the caller */
	void *pstate;
};

/* What rm_expect returns when the spec leaves the outcome to the
 * implementation's checks. */
#define RM_ANY_RESULT 1

struct rm;

/* The model's counters: the same quantities as struct snic_ctr, in its own
 * shape (queues inside their vport, buckets as two arrays). */
struct rm_qctr {
	uint64_t frames, bytes, bcast, mcast, loopback;
};

struct rm_vctr {
	uint64_t tx_in, tx_delivered, tx_drop[SNIC_DROP_COUNT];
	uint64_t tx_wire, tx_local;
	uint64_t rx_drop[SNIC_DROP_COUNT];
	uint64_t steer_bad_queue, steer_hits;
	struct rm_qctr *q; /* [nqueues] */
	bool tb_used;	   /* the token bucket has been filled once */
	uint64_t tb_tokens, tb_last_ns;
};

struct rm_ctr {
	unsigned nvports, nqueues, nctx, reta_size;
	uint64_t rx_in, rx_delivered, rx_drop[SNIC_DROP_COUNT];
	struct rm_vctr *v;	 /* [nvports] */
	uint64_t *bucket_frames; /* [nctx * reta_size] */
	uint64_t *bucket_bytes;	 /* [nctx * reta_size] */
	uint64_t rule_hits[SNIC_CTR_MAX_RULES];
};

int rm_new(const struct snic_profile *p, const uint8_t pf_mac[6], struct rm **out);
void rm_free(struct rm *m);

/* What the real call should return: 0, an id, a negative errno, or
 * RM_ANY_RESULT when the model does not judge. */
int rm_expect(const struct rm *m, const struct rm_op *op);
/* Apply @op, whose real call succeeded. Returns what the model would have
 * returned (0, or the new rule or context id). */
int rm_apply(struct rm *m, const struct rm_op *op);

unsigned rm_numvfs(const struct rm *m);
unsigned rm_pool_queues(const struct rm *m);
unsigned rm_max_frame(const struct rm *m);
/* RETA entries of @vport's own RSS conf. */
unsigned rm_reta_size(const struct rm *m, unsigned vport);
/* Addresses and VLANs the configuration uses, for aiming random frames. */
unsigned rm_macs(const struct rm *m, uint8_t (*out)[6], unsigned cap);
unsigned rm_vlans(const struct rm *m, uint16_t *out, unsigned cap);
/* The rules in use and their ids (for aiming frames at them); returns how
 * many. */
unsigned rm_rules(const struct rm *m, const struct snic_flow_rule **out, unsigned *ids,
		  unsigned cap);
/* The RSS contexts in use: ids and the vport each belongs to. */
unsigned rm_contexts(const struct rm *m, unsigned *ids, unsigned *vports, unsigned cap);
/* What `ip link show` would print for @vf, as the model sees it; -EINVAL
 * when there is no such VF. */
int rm_vf_info(const struct rm *m, unsigned vf, struct snic_vf_info *out);
/* The source MAC a vport would send with: its own MAC (zero when none). */
void rm_vport_mac(const struct rm *m, unsigned vport, uint8_t mac[6]);

int rm_ctr_new(const struct rm *m, struct rm_ctr **out);
void rm_ctr_free(struct rm_ctr *c);

/* The data path, with snic_rx/snic_tx's contract. */
unsigned rm_rx(const struct rm *m, struct rm_ctr *c, const struct snic_frame *frames,
	       unsigned nframes, struct snic_dest *dests, unsigned cap);
unsigned rm_tx(const struct rm *m, struct rm_ctr *c, unsigned vport,
	       const struct snic_frame *frames, unsigned nframes, uint64_t now_ns,
	       struct snic_dest *dests, unsigned cap);

#endif
