/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow rules of a balancer's pins (snic/balance.h): a record per
 * pinned flow, its key and the rule made for it, in an array of max_pins
 * searched in order (a balancer holds a few dozen pins); and a mark per
 * rule slot of the NIC that holds one of those rules, rebuilt from
 * snic_flow_list() after every change.
 *
 * A rule is known by its id and its whole content: a NIC whose rules were
 * all replaced may give the same id to another rule, which is then left
 * alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snic/balance.h"
#include "snic/ctr.h"
#include "snic/nic.h"

#define PR_NONE (-1)

struct pr_rec {
	uint64_t key;
	int id; /* PR_NONE: the pin has no rule */
	struct snic_flow_rule rule;
};

struct snic_pin_rules {
	unsigned max_pins, n;
	uint16_t vport;
	uint8_t ours[SNIC_CTR_MAX_RULES];
	struct snic_flow_info info[SNIC_CTR_MAX_RULES]; /* scratch */
	struct pr_rec rec[];				/* [max_pins] */
};

int snic_pin_rules_new(unsigned max_pins, uint16_t vport, struct snic_pin_rules **out,
		       struct snic_err *err)
{
	struct snic_pin_rules *pr = calloc(1, sizeof(*pr) + (size_t)max_pins * sizeof(pr->rec[0]));

	*out = pr;
	if (!pr)
		return snic_errf(err, -ENOMEM, "balance: out of memory");
	pr->max_pins = max_pins;
	pr->vport = vport;
	return 0;
}

void snic_pin_rules_free(struct snic_pin_rules *pr)
{
	free(pr);
}

static bool rule_same(const struct snic_flow_rule *a, const struct snic_flow_rule *b)
{
	return a->vport == b->vport && a->queue == b->queue && a->match == b->match &&
	       a->priority == b->priority && a->action == b->action && a->ip_ver == b->ip_ver &&
	       a->l4_proto == b->l4_proto && a->sport == b->sport && a->dport == b->dport &&
	       !memcmp(a->ip_src, b->ip_src, sizeof(a->ip_src)) &&
	       !memcmp(a->ip_dst, b->ip_dst, sizeof(a->ip_dst));
}

/* The NIC's rules into pr->info; how many were read (0 on -ENOMEM). */
static unsigned list(struct snic_pin_rules *pr, const struct snic_nic *nic)
{
	int n = snic_flow_list(nic, pr->info, SNIC_CTR_MAX_RULES);

	return n < 0 ? 0 : n < SNIC_CTR_MAX_RULES ? (unsigned)n : SNIC_CTR_MAX_RULES;
}

/* Whether @f is @r's rule as it was made. */
static bool is_rec(const struct snic_flow_info *f, const struct pr_rec *r)
{
	return r->id != PR_NONE && f->id == (uint32_t)r->id && rule_same(&f->rule, &r->rule);
}

/* Whether info[0..n) holds @r's rule as it was made. */
static bool held(const struct snic_pin_rules *pr, unsigned n, const struct pr_rec *r)
{
	for (unsigned i = 0; i < n; i++)
		if (is_rec(&pr->info[i], r))
			return true;
	return false;
}

/* Mark the slots that hold a rule of ours now. */
static void mark(struct snic_pin_rules *pr, const struct snic_nic *nic)
{
	unsigned n = list(pr, nic);

	memset(pr->ours, 0, sizeof(pr->ours));
	for (unsigned i = 0; i < n; i++) {
		const struct snic_flow_info *f = &pr->info[i];

		for (unsigned j = 0; j < pr->n && f->slot < SNIC_CTR_MAX_RULES; j++)
			if (is_rec(f, &pr->rec[j]))
				pr->ours[f->slot] = 1;
	}
}

/* Destroy @r's rule if the NIC, whose rules info[0..n) lists, still holds
 * it as made. */
static void drop(struct snic_pin_rules *pr, struct snic_nic *nic, unsigned n, struct pr_rec *r)
{
	if (held(pr, n, r))
		snic_flow_destroy(nic, (unsigned)r->id, NULL);
	r->id = PR_NONE;
}

static int make(struct snic_pin_rules *pr, struct snic_nic *nic, const struct snic_balance_pin *p,
		struct pr_rec *r, struct snic_err *err)
{
	int id;

	if (snic_balance_pin_rule(p, pr->vport, SNIC_BALANCE_PIN_PRIORITY, &r->rule))
		return 0; /* no tuple: the pin holds its place without a rule */
	id = snic_flow_create(nic, &r->rule, err);
	if (id < 0)
		return id;
	r->id = id;
	return 0;
}

/* The index of flow @key's record, -1 when it has none. */
static int rec_of(const struct snic_pin_rules *pr, uint64_t key)
{
	for (unsigned i = 0; i < pr->n; i++)
		if (pr->rec[i].key == key)
			return (int)i;
	return -1;
}

int snic_pin_rules_apply(struct snic_pin_rules *pr, struct snic_nic *nic,
			 const struct snic_balance_pin *p, struct snic_err *err)
{
	int i = rec_of(pr, p->key), rc = 0;
	struct pr_rec *r;

	if (i < 0) {
		if (p->op == SNIC_PIN_DEL || pr->n == pr->max_pins)
			return 0;
		i = (int)pr->n++;
		pr->rec[i] = (struct pr_rec){.key = p->key, .id = PR_NONE};
	}
	r = &pr->rec[i];
	if (r->id != PR_NONE)
		drop(pr, nic, list(pr, nic), r);
	if (p->op != SNIC_PIN_DEL)
		rc = make(pr, nic, p, r, err);
	else
		*r = pr->rec[--pr->n];
	mark(pr, nic);
	return rc;
}

bool snic_pin_rules_clear(struct snic_pin_rules *pr, struct snic_nic *nic)
{
	unsigned n = list(pr, nic);
	bool any = pr->n > 0;

	for (unsigned i = 0; i < pr->n; i++)
		drop(pr, nic, n, &pr->rec[i]);
	pr->n = 0;
	memset(pr->ours, 0, sizeof(pr->ours));
	return any;
}

int snic_pin_rules_id(const struct snic_pin_rules *pr, uint64_t key)
{
	int i = rec_of(pr, key);

	return i >= 0 && pr->rec[i].id != PR_NONE ? pr->rec[i].id : -ENOENT;
}

bool snic_pin_rules_ours(const struct snic_pin_rules *pr, unsigned slot)
{
	return slot < SNIC_CTR_MAX_RULES && pr->ours[slot];
}
