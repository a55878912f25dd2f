/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters: shaped from the profile alone so that a data-path thread keeps
 * its struct snic_ctr across configuration changes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snic/ctr.h"
#include "snic/profile.h"

#include "cfg.h"

static const char *const drop_names[SNIC_DROP_COUNT] = {
	[SNIC_DROP_NO_VPORT] = "no_vport", [SNIC_DROP_VLAN_FILTERED] = "vlan_filtered",
	[SNIC_DROP_SPOOFED] = "spoofed",   [SNIC_DROP_LINK_DOWN] = "link_down",
	[SNIC_DROP_OVERSIZE] = "oversize", [SNIC_DROP_RATE_LIMITED] = "rate_limited",
	[SNIC_DROP_RULE] = "rule_drop",	   [SNIC_DROP_MALFORMED] = "malformed",
	[SNIC_DROP_NO_ROOM] = "no_room",   [SNIC_DROP_QUEUE_FULL] = "queue_full",
};

const char *snic_drop_name(enum snic_drop d)
{
	return (unsigned)d < SNIC_DROP_COUNT ? drop_names[d] : "unknown";
}

/* The most queues one pool of @p can have: the PF alone, or a row of the
 * pool table. */
unsigned snic_ctr_nqueues(const struct snic_profile *p)
{
	unsigned q = p->max_queues;

	for (unsigned i = 0; i < SNIC_POOL_QUEUES_ROWS; i++)
		if (p->pool_queues[i].queues > q)
			q = p->pool_queues[i].queues;
	return q ? q : 1;
}

/* The largest RETA any pool or context of @p can have. */
unsigned snic_ctr_reta_size(const struct snic_profile *p)
{
	const unsigned sizes[] = {p->reta_size, p->vf_reta_size, p->reta_size_novf,
				  p->reta_size_max};
	unsigned r = 1;

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (sizes[i] > r)
			r = sizes[i];
	return r;
}

int snic_ctr_new(const struct snic_profile *p, struct snic_ctr **out, struct snic_err *err)
{
	struct snic_ctr *c;
	unsigned pools = p->max_pools ? p->max_pools : 1;

	c = calloc(1, sizeof(*c));
	if (!c)
		goto err_alloc;
	c->nvports = pools;
	c->nqueues = (uint16_t)snic_ctr_nqueues(p);
	c->nctx = pools + p->rss_contexts;
	c->reta_size = (uint16_t)snic_ctr_reta_size(p);
	c->vport = calloc(c->nvports, sizeof(*c->vport));
	c->queue = calloc((size_t)c->nvports * c->nqueues, sizeof(*c->queue));
	c->bucket = calloc((size_t)c->nctx * c->reta_size, sizeof(*c->bucket));
	c->rule_hits = calloc(SNIC_CTR_MAX_RULES, sizeof(*c->rule_hits));
	c->tb = calloc(c->nvports, sizeof(*c->tb));
	if (!c->vport || !c->queue || !c->bucket || !c->rule_hits || !c->tb)
		goto err_arrays;
	*out = c;
	return 0;

err_arrays:
	snic_ctr_free(c);
err_alloc:
	return snic_errf(err, -ENOMEM, "counters for profile %s: out of memory", p->name);
}

void snic_ctr_free(struct snic_ctr *c)
{
	if (!c)
		return;
	free(c->tb);
	free(c->rule_hits);
	free(c->bucket);
	free(c->queue);
	free(c->vport);
	free(c);
}

void snic_ctr_reset(struct snic_ctr *c)
{
	memset(&c->rx, 0, sizeof(c->rx));
	memset(c->vport, 0, c->nvports * sizeof(*c->vport));
	memset(c->queue, 0, (size_t)c->nvports * c->nqueues * sizeof(*c->queue));
	memset(c->bucket, 0, (size_t)c->nctx * c->reta_size * sizeof(*c->bucket));
	memset(c->rule_hits, 0, SNIC_CTR_MAX_RULES * sizeof(*c->rule_hits));
	memset(c->tb, 0, c->nvports * sizeof(*c->tb));
}

/* Every counter struct here is made of uint64_t alone; add them as arrays. */
static void add_u64(uint64_t *dst, const uint64_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] += src[i];
}

#define ADD_ARRAY(dst, src, n)                                                                     \
	add_u64((uint64_t *)(dst), (const uint64_t *)(src), (n) * sizeof(*(src)) / sizeof(uint64_t))

void snic_ctr_add(struct snic_ctr *dst, const struct snic_ctr *src)
{
	ADD_ARRAY(&dst->rx, &src->rx, 1);
	ADD_ARRAY(dst->vport, src->vport, dst->nvports);
	ADD_ARRAY(dst->queue, src->queue, (size_t)dst->nvports * dst->nqueues);
	ADD_ARRAY(dst->bucket, src->bucket, (size_t)dst->nctx * dst->reta_size);
	add_u64(dst->rule_hits, src->rule_hits, SNIC_CTR_MAX_RULES);
}

uint64_t snic_dirctr_dropped(const struct snic_dirctr *d)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < SNIC_DROP_COUNT; i++)
		sum += d->drop[i];
	return sum;
}
