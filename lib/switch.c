/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The embedded switch's tables, compiled at commit.
 *
 * The unicast FDB maps a MAC to its members (pool, VID): a pool's own MAC
 * and its MACVLAN filters (ixgbe's RAR entries with their MPSAR pool
 * bits), with VID SNIC_VID_ANY, or for a VF with a port VLAN V the VID V:
 * such a VF is reached as (MAC, V) only. The multicast table maps a group
 * to the pools that joined it and may receive it (receive mode MULTI or
 * more). Both are open-addressing hash tables keyed by the 48-bit MAC,
 * probed linearly, at most half full; members are sorted by pool so that
 * lookups give candidates in pool order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "nic_impl.h"

struct fdb_item {
	uint64_t key;
	uint16_t pool;
	uint16_t vid;
};

struct fdb_items {
	struct fdb_item *v;
	unsigned n;
	unsigned cap;
};

static int items_add(struct fdb_items *it, const uint8_t mac[6], unsigned pool, unsigned vid)
{
	if (it->n == it->cap) {
		unsigned cap = it->cap ? it->cap * 2 : 64;
		struct fdb_item *v = realloc(it->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		it->v = v;
		it->cap = cap;
	}
	it->v[it->n++] = (struct fdb_item){snic_mac_key(mac), (uint16_t)pool, (uint16_t)vid};
	return 0;
}

static int items_add_list(struct fdb_items *it, const struct snic_maclist *l, unsigned pool,
			  unsigned vid)
{
	for (unsigned i = 0; i < l->n; i++)
		if (items_add(it, l->mac[i], pool, vid))
			return -ENOMEM;
	return 0;
}

static int cmp_item(const void *a, const void *b)
{
	const struct fdb_item *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->pool != y->pool)
		return x->pool < y->pool ? -1 : 1;
	return x->vid < y->vid ? -1 : x->vid > y->vid;
}

static void fdb_insert(struct snic_fdb *f, uint64_t key, uint32_t off, uint32_t n)
{
	uint32_t i = snic_fdb_hash(key) & f->mask;

	while (f->tab[i].key)
		i = (i + 1) & f->mask;
	f->tab[i] = (struct snic_fdb_ent){key, off, (uint16_t)n, f->mem[off].pool};
}

/* Sort and de-duplicate @it, then lay it out as table + members. */
static int fdb_build(struct snic_fdb *f, struct fdb_items *it)
{
	unsigned keys = 0, size = 16, n = 0;

	if (it->n)
		qsort(it->v, it->n, sizeof(*it->v), cmp_item);
	for (unsigned i = 0; i < it->n; i++) {
		if (n && !cmp_item(&it->v[i], &it->v[n - 1]))
			continue;
		keys += !n || it->v[i].key != it->v[n - 1].key;
		it->v[n++] = it->v[i];
	}
	while (size < 2 * keys)
		size *= 2;
	f->tab = calloc(size, sizeof(*f->tab));
	f->mem = calloc(n ? n : 1, sizeof(*f->mem));
	if (!f->tab || !f->mem)
		return -ENOMEM;
	f->mask = size - 1;
	f->nmem = n;
	for (unsigned i = 0, start = 0; i < n; i++) {
		f->mem[i] = (struct snic_fdb_member){it->v[i].pool, it->v[i].vid};
		if (i + 1 < n && it->v[i + 1].key == it->v[i].key)
			continue;
		fdb_insert(f, it->v[i].key, start, i + 1 - start);
		start = i + 1;
	}
	return 0;
}

static int uc_items(const struct snic_nic *nic, struct fdb_items *it)
{
	unsigned pf = snic_nic_pf_vport(nic);

	for (unsigned i = 0; i < nic->numvfs; i++) {
		const struct snic_vf *vf = &nic->vf[i];
		unsigned vid = vf->pvid ? vf->pvid : SNIC_VID_ANY;

		if (!snic_mac_is_zero(vf->fn.mac) && items_add(it, vf->fn.mac, i, vid))
			return -ENOMEM;
		if (items_add_list(it, &vf->fn.uc, i, vid))
			return -ENOMEM;
	}
	if (items_add(it, nic->pf.mac, pf, SNIC_VID_ANY))
		return -ENOMEM;
	return items_add_list(it, &nic->pf.uc, pf, SNIC_VID_ANY);
}

/* Groups of pools that take only the groups they joined; pools taking
 * every multicast are in cfg->allmc instead. */
static int mc_items(const struct snic_cfg *cfg, const struct snic_nic *nic, struct fdb_items *it)
{
	for (unsigned p = 0; p < cfg->npools; p++) {
		const struct snic_fn *fn = p == cfg->pf ? &nic->pf : &nic->vf[p].fn;

		if (cfg->pool[p].rxmode != SNIC_RXMODE_MULTI)
			continue;
		if (items_add_list(it, &fn->mc, p, SNIC_VID_ANY))
			return -ENOMEM;
	}
	return 0;
}

static int build_lists(struct snic_cfg *cfg)
{
	cfg->allmc = calloc(cfg->npools, sizeof(*cfg->allmc));
	cfg->promisc = calloc(cfg->npools, sizeof(*cfg->promisc));
	if (!cfg->allmc || !cfg->promisc)
		return -ENOMEM;
	for (unsigned p = 0; p < cfg->npools; p++) {
		if (cfg->pool[p].rxmode >= SNIC_RXMODE_ALLMULTI)
			cfg->allmc[cfg->n_allmc++] = (uint16_t)p;
		if (cfg->pool[p].rxmode == SNIC_RXMODE_PROMISC && p != cfg->pf)
			cfg->promisc[cfg->n_promisc++] = (uint16_t)p;
	}
	return 0;
}

int snic_switch_build(struct snic_cfg *cfg, const struct snic_nic *nic, struct snic_err *err)
{
	struct fdb_items uc = {0}, mc = {0};
	int rc;

	rc = uc_items(nic, &uc);
	if (!rc)
		rc = fdb_build(&cfg->uc, &uc);
	if (!rc)
		rc = mc_items(cfg, nic, &mc);
	if (!rc)
		rc = fdb_build(&cfg->mc, &mc);
	if (!rc)
		rc = build_lists(cfg);
	free(mc.v);
	free(uc.v);
	if (rc)
		return snic_errf(err, rc, "switch: out of memory for %u MAC entries", uc.n + mc.n);
	return 0;
}

void snic_switch_free(struct snic_cfg *cfg)
{
	free(cfg->promisc);
	free(cfg->allmc);
	free(cfg->mc.mem);
	free(cfg->mc.tab);
	free(cfg->uc.mem);
	free(cfg->uc.tab);
}

const struct snic_fdb_ent *snic_fdb_find(const struct snic_fdb *f, const uint8_t mac[6])
{
	return snic_fdb_find_key(f, snic_mac_key(mac));
}

const struct snic_fdb_ent *snic_fdb_find_ref(const struct snic_fdb *f, const uint8_t mac[6])
{
	uint64_t key = snic_mac_key(mac);

	for (uint32_t i = 0; i <= f->mask; i++)
		if (f->tab[i].key == key)
			return &f->tab[i];
	return NULL;
}
