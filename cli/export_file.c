/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What snic export needs and struct snic_nic has no getter for, read back
 * from the config text: the PF's MAC, MTU and link (pf:), and the conf of
 * each RSS context (contexts:). snic_config_parse has read and checked the
 * same text just before, so values are taken as they are and applied the
 * way the config reader applies them: a context starts from its vport's
 * conf, and equal/weight size the RETA as the profile does.
 *
 * When nic.h gives PF getters and a context getter, this file goes.
 */
#include <errno.h>
#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

#include "snic/profile.h"
#include "export.h"
#include "words.h"

/* The deepest chain of aliases followed. */
#define ALIAS_MAX 16

static struct fy_node *deref(struct fy_node *n)
{
	for (int i = 0; n && fy_node_is_alias(n) && i < ALIAS_MAX; i++)
		n = fy_node_resolve_alias(n);
	return n;
}

static struct fy_node *child(struct fy_node *map, const char *key)
{
	if (!map || !fy_node_is_mapping(map))
		return NULL;
	return deref(fy_node_mapping_lookup_by_string(map, key, FY_NT));
}

static const char *scalar(struct fy_node *n)
{
	return n && fy_node_is_scalar(n) ? fy_node_get_scalar0(n) : NULL;
}

static unsigned long number(struct fy_node *n)
{
	unsigned long v = 0;
	const char *s = scalar(n);

	if (s)
		snic_word_uint(s, 0xffffffff, &v);
	return v;
}

static bool flag(struct fy_node *n)
{
	bool on = false;
	const char *s = scalar(n);

	if (s)
		snic_word_bool(s, &on);
	return on;
}

/* ---- the PF ---- */

static int seq_count(struct fy_node *n)
{
	return n && fy_node_is_sequence(n) ? fy_node_sequence_item_count(n) : 0;
}

static struct fy_node *seq_item(struct fy_node *n, int i)
{
	return deref(fy_node_sequence_get_by_index(n, i));
}

static int read_macs(struct fy_node *list, struct exp_macs *m)
{
	int count = seq_count(list);

	if (!count)
		return 0;
	m->mac = calloc((size_t)count, sizeof(*m->mac));
	if (!m->mac)
		return -ENOMEM;
	for (int i = 0; i < count; i++) {
		const char *s = scalar(seq_item(list, i));

		if (s && !snic_word_mac(s, m->mac[m->n]))
			m->n++;
	}
	return 0;
}

static int read_vlans(struct fy_node *list, struct exp_file *f)
{
	int count = seq_count(list);

	if (!count)
		return 0;
	f->vlans = calloc((size_t)count, sizeof(*f->vlans));
	if (!f->vlans)
		return -ENOMEM;
	for (int i = 0; i < count; i++) {
		unsigned long vid = number(seq_item(list, i));

		if (vid) /* 0 is untagged: no filter entry */
			f->vlans[f->nvlans++] = (uint16_t)vid;
	}
	return 0;
}

static const char *const rxmodes[] = {"none", "multi", "allmulti", "promisc"};

static int read_rxmode(const char *s)
{
	for (int i = 0; s && i < (int)(sizeof(rxmodes) / sizeof(rxmodes[0])); i++)
		if (!strcmp(s, rxmodes[i]))
			return i;
	return -1;
}

static int read_pf(struct fy_node *root, struct exp_file *f, struct snic_err *err)
{
	struct fy_node *pf = child(root, "pf");
	const char *mac = scalar(child(pf, "mac"));
	const char *link = scalar(child(pf, "link"));
	uint8_t b[6];

	if (mac && !snic_word_mac(mac, b))
		snic_word_mac_str(b, f->pf_mac);
	f->mtu = (unsigned)number(child(pf, "mtu"));
	f->link = link ? !strcmp(link, "up") : -1;
	f->rxmode = read_rxmode(scalar(child(pf, "rxmode")));
	if (read_vlans(child(pf, "vlans"), f) || read_macs(child(pf, "multicast"), &f->mc) ||
	    read_macs(child(pf, "macvlans"), &f->uc))
		return snic_errf(err, -ENOMEM, "pf: out of memory");
	return 0;
}

/* ---- contexts ---- */

static void ctx_fields(struct fy_node *map, struct snic_rss_conf *c)
{
	struct fy_node_pair *p;
	void *it = NULL;

	if (!map || !fy_node_is_mapping(map))
		return;
	while ((p = fy_node_mapping_iterate(map, &it))) {
		const char *k = scalar(deref(fy_node_pair_key(p)));
		const char *v = scalar(deref(fy_node_pair_value(p)));
		enum snic_flow_type ft;
		uint8_t bits;

		if (k && v && !snic_flow_type_parse(k, &ft, NULL) &&
		    !snic_rxh_parse(strcmp(v, "none") ? v : "", &bits, NULL))
			c->fields[ft] = bits;
	}
}

/* The items of a list of numbers into @out; returns how many. */
static unsigned numbers(struct fy_node *list, uint32_t *out, unsigned cap)
{
	unsigned n = 0;
	int count = seq_count(list);

	for (int i = 0; i < count && n < cap; i++)
		out[n++] = (uint32_t)number(seq_item(list, i));
	return n;
}

/* The RETA a profile gives @nq queues where it grows with them (mlx5). */
static unsigned grown_size(const struct snic_profile *p, unsigned nq, unsigned size)
{
	struct snic_rss_conf *tmp;

	if (!p->reta_size_max)
		return size;
	tmp = malloc(sizeof(*tmp));
	if (!tmp)
		return size;
	snic_profile_rss_default(p, nq, tmp);
	size = tmp->reta_size;
	free(tmp);
	return size;
}

static unsigned span(const struct snic_rss_conf *c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->reta_size; i++)
		n = c->reta[i] >= n ? c->reta[i] + 1u : n;
	return n;
}

static void ctx_reta(const struct snic_profile *p, struct fy_node *item, struct snic_rss_conf *c)
{
	uint32_t *w = calloc(SNIC_RETA_MAX, sizeof(*w));
	struct fy_node *eq = child(item, "equal"), *wt = child(item, "weight");
	struct fy_node *ls = child(item, "reta");
	unsigned start = (unsigned)number(child(item, "start")), n;

	if (!w)
		return;
	if (ls) {
		n = numbers(ls, w, SNIC_RETA_MAX);
		for (unsigned i = 0; i < n; i++)
			c->reta[i] = (uint16_t)w[i];
		c->reta_size = (uint16_t)(n ? n : c->reta_size);
	} else if (eq) {
		n = (unsigned)number(eq);
		c->reta_size = (uint16_t)grown_size(p, start + n, c->reta_size);
		snic_reta_equal(c->reta, c->reta_size, n, start, NULL);
	} else if (wt) {
		n = numbers(wt, w, SNIC_RETA_MAX);
		c->reta_size = (uint16_t)grown_size(p, start + n, c->reta_size);
		snic_reta_weight_start(c->reta, c->reta_size, w, n, start, NULL);
	}
	c->nqueues = (uint16_t)span(c);
	free(w);
}

static void ctx_key(struct fy_node *item, struct snic_rss_conf *c)
{
	const char *key = scalar(child(item, "hkey"));
	const char *hf = scalar(child(item, "hfunc"));
	enum snic_hfunc f;
	int n;

	if (hf && !snic_hfunc_parse(hf, &f, NULL))
		c->hfunc = (uint8_t)f;
	n = key ? snic_word_hex(key, c->key, sizeof(c->key)) : -1;
	if (n > 0) {
		memset(c->key + n, 0, sizeof(c->key) - (size_t)n);
		c->key_len = (uint8_t)n;
	}
}

static void ctx_flags(struct fy_node *item, struct snic_rss_conf *c)
{
	struct fy_node *inner = child(item, "inner"), *teid = child(item, "teid");

	if (inner)
		c->flags = flag(inner) ? c->flags | SNIC_RSS_INNER : c->flags & ~SNIC_RSS_INNER;
	if (teid)
		c->flags = flag(teid) ? c->flags | SNIC_RSS_TEID : c->flags & ~SNIC_RSS_TEID;
}

/* Context @i: its vport's conf with the item's keys applied. */
static void read_ctx(const struct snic_config *cfg, struct fy_node *item, unsigned i,
		     struct snic_rss_conf *c)
{
	const struct snic_profile *p = snic_nic_profile(cfg->nic);
	unsigned vport = cfg->ctx[i].vport;

	if (snic_nic_rss_get(cfg->nic, vport, c, NULL))
		snic_profile_rss_default(p, snic_nic_vport_queues(cfg->nic, vport), c);
	ctx_key(item, c);
	ctx_fields(child(item, "rx-flow-hash"), c);
	ctx_flags(item, c);
	ctx_reta(p, item, c);
}

static int read_contexts(const struct snic_config *cfg, struct fy_node *root, struct exp_file *f,
			 struct snic_err *err)
{
	struct fy_node *list = child(root, "contexts");
	int count = seq_count(list);

	if ((unsigned)count != cfg->nctx)
		return snic_errf(err, -EINVAL, "%s: %d contexts in the file, %u read", cfg->path,
				 count, cfg->nctx);
	if (!count)
		return 0;
	f->ctx = calloc((size_t)count, sizeof(*f->ctx));
	if (!f->ctx)
		return snic_errf(err, -ENOMEM, "contexts: out of memory");
	for (int i = 0; i < count; i++)
		read_ctx(cfg, seq_item(list, i), (unsigned)i, &f->ctx[i]);
	return 0;
}

int exp_file_read(const struct snic_config *cfg, const char *text, size_t len, struct exp_file *f,
		  struct snic_err *err)
{
	struct fy_parse_cfg pc = {.flags = FYPCF_QUIET};
	struct fy_document *doc = fy_document_build_from_string(&pc, text, len);
	struct fy_node *root = doc ? fy_document_root(doc) : NULL;
	int rc;

	memset(f, 0, sizeof(*f));
	f->link = -1;
	if (!root) {
		fy_document_destroy(doc);
		return snic_errf(err, -EINVAL, "%s: can't be read a second time", cfg->path);
	}
	rc = read_pf(root, f, err);
	if (!rc)
		rc = read_contexts(cfg, root, f, err);
	fy_document_destroy(doc);
	return rc;
}

void exp_file_free(struct exp_file *f)
{
	free(f->ctx);
	free(f->vlans);
	free(f->mc.mac);
	free(f->uc.mac);
	memset(f, 0, sizeof(*f));
}
