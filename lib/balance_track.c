/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flows of a balancer's periods (snic/balance.h): a table of flows by
 * key, open addressing with linear probing, stamped with the period they
 * last sent in; and the period's heaviest flows, kept exactly because a
 * flow's count only grows within a period: a flow enters the list when its
 * count passes the smallest one kept, which it replaces.
 *
 * A moved flow is seen at its first frame of a period: it sent in the
 * period before and its queue is not the one its last frame went to.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "snic/balance.h"
#include "snic/parse.h"

#define TR_SLOTS_MIN 1024u

struct tr_ent {
	uint64_t key;	 /* 0: an empty slot */
	uint64_t frames; /* in the period `period` */
	uint32_t period; /* the last period it sent in */
	uint16_t queue;	 /* where its last frame went */
	uint16_t bucket; /* SNIC_BALANCE_NO_BUCKET until a frame went through RSS */
	uint16_t top;	 /* 1 + its place in the heaviest list of `period`, 0 none */
	uint8_t moved;	 /* moved at its first frame of `period` */
	uint8_t nopin;	 /* its tuple can't be pinned */
};

struct tr_top {
	uint64_t key;
	uint64_t frames;
	bool has_tuple;
	struct snic_balance_tuple tuple;
};

struct snic_balance_track {
	struct tr_ent *slot;
	uint64_t mask;	    /* slots - 1 */
	uint64_t n;	    /* flows held */
	uint64_t max_slots; /* a power of two, at least 2 * max_flows */
	uint64_t max_flows;
	uint32_t period;    /* the open period, from 1 */
	uint32_t purged;    /* the period in which dead flows were last dropped */
	unsigned k, ntop;   /* the heaviest list: its size, its flows */
	uint64_t floor;	    /* the smallest count in a full list, else 0 */
	struct tr_top *top; /* [k] */
	struct snic_balance_track_sum sum;
};

static uint64_t pow2_at_least(uint64_t x)
{
	uint64_t p = 1;

	while (p < x)
		p <<= 1;
	return p;
}

int snic_balance_track_new(unsigned max_flows, unsigned topk, struct snic_balance_track **out,
			   struct snic_err *err)
{
	struct snic_balance_track *t;

	*out = NULL;
	if (!max_flows || max_flows > SNIC_BALANCE_FLOWS_MAX)
		return snic_errf(err, -EINVAL, "balance: %u flows is out of range 1..%u", max_flows,
				 SNIC_BALANCE_FLOWS_MAX);
	if (!topk || topk > SNIC_BALANCE_TOP_MAX)
		return snic_errf(err, -EINVAL, "balance: %u heaviest flows is out of range 1..%u",
				 topk, SNIC_BALANCE_TOP_MAX);
	t = calloc(1, sizeof(*t));
	if (!t)
		goto nomem;
	t->max_flows = max_flows;
	t->max_slots = pow2_at_least(2ull * max_flows);
	t->mask = (t->max_slots < TR_SLOTS_MIN ? t->max_slots : TR_SLOTS_MIN) - 1;
	t->slot = calloc(t->mask + 1, sizeof(*t->slot));
	t->top = calloc(topk, sizeof(*t->top));
	if (!t->slot || !t->top)
		goto nomem;
	t->k = topk;
	t->period = 1;
	*out = t;
	return 0;
nomem:
	snic_balance_track_free(t);
	return snic_errf(err, -ENOMEM, "balance: out of memory");
}

void snic_balance_track_free(struct snic_balance_track *t)
{
	if (!t)
		return;
	free(t->slot);
	free(t->top);
	free(t);
}

/* ---- the table ---- */

static uint64_t home(const struct snic_balance_track *t, uint64_t key)
{
	/* Keys may be digests or small numbers: mix them. */
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return key & t->mask;
}

static struct tr_ent *find(const struct snic_balance_track *t, uint64_t key)
{
	for (uint64_t i = home(t, key);; i = (i + 1) & t->mask) {
		struct tr_ent *e = &t->slot[i];

		if (e->key == key)
			return e;
		if (!e->key)
			return NULL;
	}
}

/* Whether flow @e is still of use: it sent in this period or the last. */
static bool live(const struct snic_balance_track *t, const struct tr_ent *e)
{
	return e->period + 1 >= t->period;
}

/* Move the live flows into a table of @slots slots. */
static int rehash(struct snic_balance_track *t, uint64_t slots)
{
	struct tr_ent *old = t->slot, *s = calloc(slots, sizeof(*s));
	uint64_t oldn = t->mask + 1;

	if (!s)
		return -ENOMEM;
	t->slot = s;
	t->mask = slots - 1;
	t->n = 0;
	for (uint64_t i = 0; i < oldn; i++) {
		uint64_t j;

		if (!old[i].key || !live(t, &old[i]))
			continue;
		for (j = home(t, old[i].key); s[j].key; j = (j + 1) & t->mask)
			;
		s[j] = old[i];
		t->n++;
	}
	free(old);
	return 0;
}

static bool has_room(const struct snic_balance_track *t)
{
	return t->n + 1 <= (t->mask + 1) / 2 && t->n < t->max_flows;
}

/* Room for one more flow: grow while the table may, else forget the
 * flows that sent in neither this period nor the last (once a period:
 * no flow dies within one). */
static bool make_room(struct snic_balance_track *t)
{
	uint64_t slots = t->mask + 1;

	if (has_room(t))
		return true;
	if (slots < t->max_slots && t->n < t->max_flows && rehash(t, slots * 2) == 0)
		return has_room(t);
	if (t->purged == t->period || rehash(t, slots))
		return false;
	t->purged = t->period;
	return has_room(t);
}

static struct tr_ent *find_or_add(struct snic_balance_track *t, uint64_t key, bool *fresh)
{
	struct tr_ent *e = find(t, key);
	uint64_t i;

	*fresh = false;
	if (e)
		return e;
	if (!make_room(t))
		return NULL;
	for (i = home(t, key); t->slot[i].key; i = (i + 1) & t->mask)
		;
	e = &t->slot[i];
	memset(e, 0, sizeof(*e));
	e->key = key;
	e->bucket = SNIC_BALANCE_NO_BUCKET;
	t->n++;
	*fresh = true;
	return e;
}

/* ---- the heaviest flows of the period ---- */

static void refloor(struct snic_balance_track *t)
{
	uint64_t lo = UINT64_MAX;

	for (unsigned i = 0; i < t->ntop; i++)
		lo = t->top[i].frames < lo ? t->top[i].frames : lo;
	t->floor = t->ntop == t->k ? lo : 0;
}

static unsigned lightest(const struct snic_balance_track *t)
{
	unsigned v = 0;

	for (unsigned i = 1; i < t->ntop; i++)
		if (t->top[i].frames < t->top[v].frames)
			v = i;
	return v;
}

/* Put @e in the list when it belongs there; its place, or -1. */
static int top_update(struct snic_balance_track *t, struct tr_ent *e)
{
	unsigned i;

	if (e->top) {
		bool was_floor;

		i = e->top - 1u;
		was_floor = t->top[i].frames == t->floor;
		t->top[i].frames = e->frames;
		if (was_floor)
			refloor(t);
		return (int)i;
	}
	if (t->ntop < t->k) {
		i = t->ntop++;
	} else {
		struct tr_ent *v;

		if (e->frames <= t->floor)
			return -1;
		i = lightest(t);
		v = find(t, t->top[i].key);
		if (v)
			v->top = 0;
	}
	t->top[i] = (struct tr_top){.key = e->key, .frames = e->frames};
	e->top = (uint16_t)(i + 1);
	refloor(t);
	return (int)i;
}

int snic_balance_track_add(struct snic_balance_track *t, uint64_t key, unsigned bucket,
			   unsigned queue, uint64_t frames)
{
	bool fresh = false;
	struct tr_ent *e = key ? find_or_add(t, key, &fresh) : NULL;
	int i;

	if (!e) {
		t->sum.untracked += frames;
		return 0;
	}
	if (fresh || e->period != t->period) {
		e->moved = !fresh && e->period + 1 == t->period && e->queue != queue;
		e->period = t->period;
		e->frames = 0;
		e->top = 0;
		t->sum.flows++;
		t->sum.moved += e->moved;
	}
	if (bucket != SNIC_BALANCE_NO_BUCKET)
		e->bucket = (uint16_t)bucket;
	e->queue = (uint16_t)queue;
	e->frames += frames;
	t->sum.frames += frames;
	if (e->moved)
		t->sum.moved_frames += frames;
	i = top_update(t, e);
	return i >= 0 && !t->top[i].has_tuple && !e->nopin;
}

void snic_balance_track_tuple(struct snic_balance_track *t, uint64_t key,
			      const struct snic_balance_tuple *tuple)
{
	struct tr_ent *e = key ? find(t, key) : NULL;

	if (!e)
		return;
	if (tuple->ip_ver != 4 && tuple->ip_ver != 6) {
		e->nopin = 1;
		return;
	}
	if (e->top && e->period == t->period) {
		t->top[e->top - 1].tuple = *tuple;
		t->top[e->top - 1].has_tuple = true;
	}
}

static int listed(const struct snic_balance_flow *out, unsigned n, uint64_t key)
{
	for (unsigned i = 0; i < n; i++)
		if (out[i].key == key)
			return (int)i;
	return -1;
}

/* The list's places by count, heaviest first (ties: the older place). */
static void top_order(const struct snic_balance_track *t, uint16_t *ord)
{
	for (unsigned i = 0; i < t->ntop; i++) {
		unsigned j = i;

		for (; j > 0 && t->top[ord[j - 1]].frames < t->top[i].frames; j--)
			ord[j] = ord[j - 1];
		ord[j] = (uint16_t)i;
	}
}

unsigned snic_balance_track_flows(const struct snic_balance_track *t,
				  const struct snic_balance_pin *pins, unsigned npins,
				  struct snic_balance_flow *out, unsigned cap)
{
	uint16_t ord[SNIC_BALANCE_TOP_MAX];
	unsigned n = 0;

	top_order(t, ord);
	for (unsigned k = 0; k < t->ntop && n < cap; k++) {
		const struct tr_top *s = &t->top[ord[k]];
		const struct tr_ent *e = find(t, s->key);

		if (!s->has_tuple || !e || e->bucket == SNIC_BALANCE_NO_BUCKET)
			continue;
		out[n++] = (struct snic_balance_flow){s->key, s->frames, e->bucket, s->tuple};
	}
	for (unsigned p = 0; p < npins; p++) {
		const struct tr_ent *e = find(t, pins[p].key);
		int at = listed(out, n, pins[p].key);

		if (at >= 0)
			out[at].bucket = pins[p].bucket;
		if (at >= 0 || n == cap || !e || e->period != t->period || !e->frames)
			continue;
		out[n++] = (struct snic_balance_flow){pins[p].key, e->frames, pins[p].bucket,
						      pins[p].tuple};
	}
	return n;
}

void snic_balance_track_next(struct snic_balance_track *t, struct snic_balance_track_sum *out)
{
	if (out)
		*out = t->sum;
	memset(&t->sum, 0, sizeof(t->sum));
	t->period++;
	t->ntop = 0;
	t->floor = 0;
}

/* ---- tuples ---- */

unsigned snic_balance_tuple_of(const struct snic_pkt *pkt, struct snic_balance_tuple *t)
{
	const struct snic_hdr *h = &pkt->outer;

	memset(t, 0, sizeof(*t));
	if ((h->l3 != SNIC_L3_IPV4 && h->l3 != SNIC_L3_IPV6) || pkt->tunnel != SNIC_TUN_NONE)
		return 0;
	if (!(h->flags & SNIC_HF_L4) || (h->flags & SNIC_HF_FRAG))
		return 0;
	if (h->l4_proto != 6 && h->l4_proto != 17 && h->l4_proto != 132)
		return 0;
	t->ip_ver = h->l3 == SNIC_L3_IPV4 ? 4 : 6;
	t->l4_proto = h->l4_proto;
	t->sport = h->sport;
	t->dport = h->dport;
	memcpy(t->ip_src, h->ip_src, sizeof(t->ip_src));
	memcpy(t->ip_dst, h->ip_dst, sizeof(t->ip_dst));
	return t->ip_ver;
}

/* FNV-1a over the fields, then a final mix. */
uint64_t snic_balance_tuple_key(const struct snic_balance_tuple *t)
{
	uint8_t b[38];
	uint64_t h = 0xcbf29ce484222325ull;

	b[0] = t->ip_ver;
	b[1] = t->l4_proto;
	b[2] = (uint8_t)(t->sport >> 8);
	b[3] = (uint8_t)t->sport;
	b[4] = (uint8_t)(t->dport >> 8);
	b[5] = (uint8_t)t->dport;
	memcpy(b + 6, t->ip_src, 16);
	memcpy(b + 22, t->ip_dst, 16);
	for (size_t i = 0; i < sizeof(b); i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 29;
	return h ? h : 1;
}
