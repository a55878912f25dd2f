/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config reader: libfyaml turns the text into a document, and a walk
 * over its mappings turns that into calls on a struct snic_nic.
 *
 * Every mapping has a table of keys, each with a handler. A mapping is
 * read in two passes: first every key must be in its table, then the
 * handlers run in the table's order, whatever the order in the file. The
 * table order is the order a driver needs: the VF count before the VFs,
 * admin knobs before what a VF asks for, RSS contexts before the flow
 * rules that name them.
 *
 * Errors carry the position of the node at fault: libfyaml keeps a token
 * with its mark for every scalar; a list or mapping is placed at its first
 * scalar, an empty one at its key.
 */
#include <ctype.h>
#include <errno.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "snic/ctr.h"
#include "snic/profile.h"
#include "config.h"
#include "flowspec.h"
#include "words.h"

#ifndef SNIC_PLUGIN_DIR_DEFAULT
#define SNIC_PLUGIN_DIR_DEFAULT "/usr/local/lib/snic/plugins"
#endif

/* Largest file snic_config_load reads. */
#define CONFIG_FILE_MAX (16u << 20)
/* Longest scalar read as one word: a 128-byte key with colons, 383 chars. */
#define WORD_MAX	400
/* Longest string value (devargs, paths, plugin arguments). */
#define STRING_MAX	4096
/* Most words in one flow rule. */
#define FLOW_WORDS_MAX	64

#define DEFAULT_BALANCE_PERIOD_NS (100ull * 1000 * 1000)
/* Max frame = MTU + the Ethernet header (a tagged frame may be 4 bytes
 * longer a tag); a profile's max_frame is its driver's largest MTU + 18. */
#define MTU_L2_HEADER		  14
#define MTU_PROFILE_OVERHEAD	  18
#define MTU_MIN			  68
/* Highest queue number a RETA may name (its span then fits 16 bits). */
#define QUEUE_MAX		  0xfffe
/* Queues an uplink port may open. */
#define UPLINK_QUEUES_MAX	  1024

static const uint8_t default_pf_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

struct rd {
	const char *name;    /* the file, for messages */
	const char *profile; /* the caller's profile, over the file's */
	struct snic_config *cfg;
	struct snic_nic *nic;
	struct snic_err *err;
	struct fy_node *key; /* the key being read: where a value without a position is */
	char kname[32];	     /* its text */
	char where[48];	     /* what messages name first: "vf0", "rss", ... */
};

typedef int (*key_fn)(struct rd *r, void *obj, struct fy_node *v);

struct key {
	const char *name;
	key_fn fn;
};

/* A word and the value it stands for. */
struct word_val {
	const char *name;
	unsigned val;
};

#define N_OF(t) (sizeof(t) / sizeof((t)[0]))

/* ---- positions and errors ---- */

/* Where @n starts, counted from 1; false when there is no token to tell. */
static bool node_pos(struct fy_node *n, int *line, int *col)
{
	for (int depth = 0; n && depth < 16; depth++) {
		const struct fy_mark *m;
		struct fy_token *t;
		void *it = NULL;

		if (fy_node_is_scalar(n)) {
			t = fy_node_get_scalar_token(n);
			m = t ? fy_token_start_mark(t) : NULL;
			if (!m)
				return false;
			*line = m->line + 1;
			*col = m->column + 1;
			return true;
		}
		if (fy_node_is_mapping(n)) {
			struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);

			n = p ? fy_node_pair_key(p) : NULL;
		} else {
			n = fy_node_sequence_iterate(n, &it);
		}
	}
	return false;
}

static int rd_report(struct rd *r, struct fy_node *at, const char *where, int code, const char *fmt,
		     va_list ap)
{
	char msg[SNIC_ERR_MSG_MAX];
	const char *sep = *where ? ": " : "";
	int line, col;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (node_pos(at, &line, &col) || node_pos(r->key, &line, &col))
		return snic_errf(r->err, code, "%s:%d:%d: %s%s%s", r->name, line, col, where, sep,
				 msg);
	return snic_errf(r->err, code, "%s: %s%s%s", r->name, where, sep, msg);
}

/* "FILE:LINE:COL: WHERE: message" */
static int rd_err(struct rd *r, struct fy_node *at, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int rd_err(struct rd *r, struct fy_node *at, int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = rd_report(r, at, r->where, code, fmt, ap);
	va_end(ap);
	return rc;
}

/* "FILE:LINE:COL: message", for messages that name their own subject. */
static int rd_errp(struct rd *r, struct fy_node *at, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int rd_errp(struct rd *r, struct fy_node *at, int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = rd_report(r, at, "", code, fmt, ap);
	va_end(ap);
	return rc;
}

/* A libsnic error: its message names the VF or the PF already. */
static int rd_lib(struct rd *r, struct fy_node *at, const struct snic_err *e)
{
	return rd_errp(r, at, e->code ? e->code : -EINVAL, "%s", e->msg);
}

static void rd_enter(struct rd *r, char *saved, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Name the part being read; @saved (sizeof r->where) keeps the outer name. */
static void rd_enter(struct rd *r, char *saved, const char *fmt, ...)
{
	va_list ap;

	memcpy(saved, r->where, sizeof(r->where));
	va_start(ap, fmt);
	vsnprintf(r->where, sizeof(r->where), fmt, ap);
	va_end(ap);
}

static void rd_leave(struct rd *r, const char *saved)
{
	memcpy(r->where, saved, sizeof(r->where));
}

/* ---- nodes ---- */

static bool is_null(struct fy_node *n)
{
	static const char *const nulls[] = {"~", "null", "Null", "NULL"};
	const char *s;
	size_t len;

	if (!n || fy_node_is_null(n))
		return true;
	if (!fy_node_is_scalar(n) || fy_node_is_alias(n) || fy_node_get_style(n) != FYNS_PLAIN)
		return false;
	s = fy_node_get_scalar(n, &len);
	for (size_t i = 0; s && i < N_OF(nulls); i++)
		if (len == strlen(nulls[i]) && !memcmp(s, nulls[i], len))
			return true;
	return false;
}

/* What @n is, for "expected X, got Y". */
static const char *kind_of(struct fy_node *n, char *buf, size_t size)
{
	const char *s;
	size_t len;

	if (is_null(n))
		return "nothing";
	if (fy_node_is_mapping(n))
		return "a mapping";
	if (fy_node_is_sequence(n))
		return "a list";
	s = fy_node_get_scalar(n, &len);
	snprintf(buf, size, "'%.*s%s'", (int)(len > 24 ? 24 : len), s ? s : "",
		 len > 24 ? "..." : "");
	return buf;
}

static int rd_type(struct rd *r, struct fy_node *n, const char *want)
{
	char buf[40];

	return rd_err(r, n, -EINVAL, "%s: expected %s, got %s", r->kname, want,
		      kind_of(n, buf, sizeof(buf)));
}

/* The node an alias stands for, or @n itself. */
static int rd_deref(struct rd *r, struct fy_node *n, struct fy_node **out)
{
	struct fy_node *t = n;
	size_t len;
	const char *s;

	if (n && fy_node_is_alias(n)) {
		t = fy_node_resolve_alias(n);
		if (!t) {
			s = fy_node_get_scalar(n, &len);
			return rd_err(r, n, -EINVAL, "alias *%.*s names no anchor",
				      (int)(len > 32 ? 32 : len), s ? s : "");
		}
	}
	*out = t;
	return 0;
}

/* The text of scalar @n into @buf: no NUL inside, shorter than @size. */
static int rd_text(struct rd *r, struct fy_node *n, const char *want, char *buf, size_t size)
{
	const char *s;
	size_t len;

	if (is_null(n) || !fy_node_is_scalar(n))
		return rd_type(r, n, want);
	s = fy_node_get_scalar(n, &len);
	if (!s)
		return rd_type(r, n, want);
	if (len >= size)
		return rd_err(r, n, -EINVAL, "%s '%.24s...' is too long (at most %zu characters)",
			      r->kname, s, size - 1);
	if (memchr(s, '\0', len))
		return rd_err(r, n, -EINVAL, "%s: a NUL byte in the value", r->kname);
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

static int rd_strdup(struct rd *r, struct fy_node *n, char **out)
{
	char *buf = malloc(STRING_MAX);
	int rc;

	if (!buf)
		return rd_err(r, n, -ENOMEM, "out of memory");
	rc = rd_text(r, n, "a string", buf, STRING_MAX);
	if (!rc && !buf[0])
		rc = rd_err(r, n, -EINVAL, "%s: empty string", r->kname);
	if (rc) {
		free(buf);
		return rc;
	}
	free(*out);
	*out = strdup(buf);
	free(buf);
	return *out ? 0 : rd_err(r, n, -ENOMEM, "out of memory");
}

static int rd_uint(struct rd *r, struct fy_node *n, unsigned long max, unsigned long *out)
{
	struct snic_err e;
	char s[WORD_MAX];
	int rc = rd_text(r, n, "a number", s, sizeof(s));

	if (rc)
		return rc;
	rc = snic_word_uint_named(r->kname, s, max, out, &e);
	return rc ? rd_err(r, n, rc, "%s", e.msg) : 0;
}

static int rd_mac(struct rd *r, struct fy_node *n, uint8_t mac[6])
{
	char s[WORD_MAX];
	int rc = rd_text(r, n, "a MAC address", s, sizeof(s));

	if (!rc && snic_word_mac(s, mac))
		rc = rd_err(r, n, -EINVAL, "%s '%s' is not a MAC address (like 02:00:00:00:00:01)",
			    r->kname, s);
	return rc;
}

static int rd_bool(struct rd *r, struct fy_node *n, bool *out)
{
	struct snic_err e;
	char s[WORD_MAX];
	int rc = rd_text(r, n, "on or off", s, sizeof(s));

	if (!rc && snic_word_bool_named(r->kname, s, out, &e))
		rc = rd_err(r, n, -EINVAL, "%s", e.msg);
	return rc;
}

static int rd_enum(struct rd *r, struct fy_node *n, const struct word_val *t, size_t nt,
		   unsigned *out)
{
	char s[WORD_MAX], ok[128];
	size_t off = 0;
	int rc = rd_text(r, n, "a word", s, sizeof(s));

	if (rc)
		return rc;
	for (size_t i = 0; i < nt; i++) {
		if (!strcasecmp(s, t[i].name)) {
			*out = t[i].val;
			return 0;
		}
	}
	for (size_t i = 0; i < nt && off < sizeof(ok); i++)
		off += (size_t)snprintf(ok + off, sizeof(ok) - off, "%s%s", i ? ", " : "",
					t[i].name);
	return rd_err(r, n, -EINVAL, "%s '%s' is not one of %s", r->kname, s, ok);
}

typedef int (*item_fn)(struct rd *r, void *obj, struct fy_node *item, unsigned i);

/* Call @fn on each item of list @n. */
static int rd_list(struct rd *r, struct fy_node *n, const char *want, item_fn fn, void *obj)
{
	struct fy_node *item;
	void *it = NULL;
	unsigned i = 0;
	int rc;

	if (!n || !fy_node_is_sequence(n))
		return rd_type(r, n, want);
	while ((item = fy_node_sequence_iterate(n, &it))) {
		rc = rd_deref(r, item, &item);
		if (!rc)
			rc = fn(r, obj, item, i++);
		if (rc)
			return rc;
	}
	return 0;
}

/* A list of MACs: *macs is allocated (NULL when empty). */
struct maclist {
	uint8_t (*mac)[6];
	unsigned n;
};

static int mac_item(struct rd *r, void *obj, struct fy_node *item, unsigned i)
{
	struct maclist *l = obj;

	if (rd_mac(r, item, l->mac[i]))
		return r->err->code;
	l->n = i + 1;
	return 0;
}

static int rd_maclist(struct rd *r, struct fy_node *n, struct maclist *l)
{
	int count = n && fy_node_is_sequence(n) ? fy_node_sequence_item_count(n) : 0;

	l->n = 0;
	l->mac = count > 0 ? calloc((size_t)count, 6) : NULL;
	if (count > 0 && !l->mac)
		return rd_err(r, n, -ENOMEM, "out of memory");
	return rd_list(r, n, "a list of MAC addresses", mac_item, l);
}

/* ---- mappings ---- */

/* @k is a plain key whose text is @name. */
static bool key_is(struct fy_node *k, const char *name)
{
	size_t len;
	const char *s;

	if (!k || !fy_node_is_scalar(k) || fy_node_is_alias(k))
		return false;
	s = fy_node_get_scalar(k, &len);
	return s && len == strlen(name) && !memcmp(s, name, len);
}

static struct fy_node_pair *find_pair(struct fy_node *map, const char *name)
{
	struct fy_node_pair *p;
	void *it = NULL;

	while ((p = fy_node_mapping_iterate(map, &it)))
		if (key_is(fy_node_pair_key(p), name))
			return p;
	return NULL;
}

/* Enter key @k: errors about its value fall back to its position. */
static int rd_key(struct rd *r, struct fy_node *k)
{
	const char *s;
	size_t len;

	if (!k || !fy_node_is_scalar(k) || fy_node_is_alias(k) || is_null(k))
		return rd_err(r, k, -EINVAL, "a key must be a plain word");
	s = fy_node_get_scalar(k, &len);
	r->key = k;
	if (!s || len >= sizeof(r->kname) || memchr(s, '\0', len))
		return rd_err(r, k, -EINVAL,
			      "key '%.24s...' is not a word of at most %zu characters", s ? s : "",
			      sizeof(r->kname) - 1);
	memcpy(r->kname, s, len);
	r->kname[len] = '\0';
	return 0;
}

static int unknown_key(struct rd *r, struct fy_node *k, const struct key *keys, size_t n)
{
	char known[200];
	size_t off = 0, len;
	const char *s = fy_node_get_scalar(k, &len);

	for (size_t i = 0; i < n && off < sizeof(known); i++)
		off += (size_t)snprintf(known + off, sizeof(known) - off, "%s%s", i ? ", " : "",
					keys[i].name);
	return rd_errp(r, k, -EINVAL, "unknown key '%.*s'%s%s (known: %s)",
		       (int)(len > 32 ? 32 : len), s ? s : "", *r->where ? " in " : "", r->where,
		       known);
}

static int check_keys(struct rd *r, struct fy_node *map, const struct key *keys, size_t n)
{
	struct fy_node_pair *p;
	void *it = NULL;
	size_t i;
	int rc;

	while ((p = fy_node_mapping_iterate(map, &it))) {
		rc = rd_key(r, fy_node_pair_key(p));
		if (rc)
			return rc;
		for (i = 0; i < n && strcmp(keys[i].name, r->kname); i++)
			;
		if (i == n)
			return unknown_key(r, fy_node_pair_key(p), keys, n);
	}
	return 0;
}

/* Read mapping @map with @keys: every key known, handlers in table order. */
static int rd_walk(struct rd *r, struct fy_node *map, const struct key *keys, size_t n, void *obj)
{
	struct fy_node *v = NULL; /* set by rd_deref whenever it returns 0 */
	struct fy_node_pair *p;
	int rc;

	if (!map || !fy_node_is_mapping(map))
		return rd_type(r, map, "a mapping of keys");
	rc = check_keys(r, map, keys, n);
	for (size_t i = 0; !rc && i < n; i++) {
		p = find_pair(map, keys[i].name);
		if (!p)
			continue;
		rc = rd_key(r, fy_node_pair_key(p));
		if (!rc)
			rc = rd_deref(r, fy_node_pair_value(p), &v);
		if (!rc)
			rc = keys[i].fn(r, obj, v);
	}
	return rc;
}

typedef int (*entry_fn)(struct rd *r, void *obj, struct fy_node *k, struct fy_node *v);

/* Read a mapping whose keys are names (vf0, tcp4, ...), in file order. */
static int rd_entries(struct rd *r, struct fy_node *map, const char *want, entry_fn fn, void *obj)
{
	struct fy_node_pair *p;
	struct fy_node *v = NULL; /* as in rd_walk */
	void *it = NULL;
	int rc = 0;

	if (!map || !fy_node_is_mapping(map))
		return rd_type(r, map, want);
	while (!rc && (p = fy_node_mapping_iterate(map, &it))) {
		rc = rd_key(r, fy_node_pair_key(p));
		if (!rc)
			rc = rd_deref(r, fy_node_pair_value(p), &v);
		if (!rc)
			rc = fn(r, obj, fy_node_pair_key(p), v);
	}
	return rc;
}

/* ---- vport names ---- */

/* "vf12" -> 12; -1 when @s is no VF name (leading zeros are not). */
static long vf_number(const char *s)
{
	unsigned long n;

	if (strncmp(s, "vf", 2) || (s[2] == '0' && s[3]) || snic_word_uint(s + 2, 0xffff, &n))
		return -1;
	return (long)n;
}

int snic_config_vport(const struct snic_nic *nic, const char *name, struct snic_err *err)
{
	long vf = vf_number(name);
	unsigned n = snic_nic_numvfs(nic);

	if (!strcmp(name, "pf"))
		return (int)snic_nic_pf_vport(nic);
	if (vf < 0)
		return snic_errf(err, -EINVAL, "'%s' is not a vport (pf, vf0, vf1, ...)", name);
	if (!n)
		return snic_errf(err, -EINVAL, "vf %ld: no VFs are enabled", vf);
	if ((unsigned long)vf >= n)
		return snic_errf(err, -EINVAL, "vf %ld does not exist (VFs 0..%u)", vf, n - 1);
	return (int)vf;
}

const char *snic_config_vport_name(const struct snic_nic *nic, unsigned vport, char *buf,
				   size_t size)
{
	if (vport == snic_nic_pf_vport(nic))
		snprintf(buf, size, "pf");
	else
		snprintf(buf, size, "vf%u", vport);
	return buf;
}

int snic_config_ctx_id(const struct snic_config *c, const char *name)
{
	for (unsigned i = 0; i < c->nctx; i++)
		if (c->ctx[i].name[0] && !strcmp(c->ctx[i].name, name))
			return (int)c->ctx[i].id;
	return -ENOENT;
}

/* The vport named by key @k. */
static int rd_vport(struct rd *r, struct fy_node *k, unsigned *vport)
{
	struct snic_err e = {0};
	int rc = snic_config_vport(r->nic, r->kname, &e);

	if (rc < 0)
		return rd_lib(r, k, &e);
	*vport = (unsigned)rc;
	return 0;
}

/* ---- the PF ---- */

static const struct word_val rxmodes[] = {
	{"none", SNIC_RXMODE_NONE},
	{"multi", SNIC_RXMODE_MULTI},
	{"allmulti", SNIC_RXMODE_ALLMULTI},
	{"promisc", SNIC_RXMODE_PROMISC},
};

static const struct word_val links[] = {{"up", 1}, {"down", 0}};

static int pf_mac(struct rd *r, void *obj, struct fy_node *v)
{
	struct snic_err e = {0};
	uint8_t mac[6];

	(void)obj;
	if (rd_mac(r, v, mac))
		return r->err->code;
	r->cfg->pf_keys |= SNIC_CONFIG_PF_MAC;
	return snic_pf_set_mac(r->nic, mac, &e) ? rd_lib(r, v, &e) : 0;
}

static int pf_link(struct rd *r, void *obj, struct fy_node *v)
{
	struct snic_err e = {0};
	unsigned up;

	(void)obj;
	if (rd_enum(r, v, links, N_OF(links), &up))
		return r->err->code;
	r->cfg->pf_keys |= SNIC_CONFIG_PF_LINK;
	return snic_nic_set_link(r->nic, up, &e) ? rd_lib(r, v, &e) : 0;
}

static int pf_mtu(struct rd *r, void *obj, struct fy_node *v)
{
	const struct snic_profile *p = snic_nic_profile(r->nic);
	unsigned max = (p->max_frame ? p->max_frame : 0xffff) - MTU_PROFILE_OVERHEAD;
	unsigned long mtu;

	(void)obj;
	if (rd_uint(r, v, 0xffff, &mtu))
		return r->err->code;
	if (mtu < MTU_MIN || mtu > max ||
	    snic_nic_set_max_frame(r->nic, (unsigned)mtu + MTU_L2_HEADER, NULL))
		return rd_err(r, v, -EINVAL, "mtu %lu is out of range %u..%u (%s)", mtu, MTU_MIN,
			      max, p->name);
	r->cfg->pf_keys |= SNIC_CONFIG_PF_MTU;
	return 0;
}

static int pf_rxmode(struct rd *r, void *obj, struct fy_node *v)
{
	struct snic_err e = {0};
	unsigned m;

	(void)obj;
	if (rd_enum(r, v, rxmodes, N_OF(rxmodes), &m))
		return r->err->code;
	return snic_pf_set_rxmode(r->nic, m, &e) ? rd_lib(r, v, &e) : 0;
}

static int pf_multicast(struct rd *r, void *obj, struct fy_node *v)
{
	struct snic_err e = {0};
	struct maclist l;
	int rc;

	(void)obj;
	rc = rd_maclist(r, v, &l);
	if (!rc && snic_pf_set_mc(r->nic, (const uint8_t(*)[6])l.mac, l.n, &e))
		rc = rd_lib(r, v, &e);
	free(l.mac);
	return rc;
}

static int pf_vlan_item(struct rd *r, void *obj, struct fy_node *item, unsigned i)
{
	struct snic_err e = {0};
	unsigned long vid;

	(void)obj, (void)i;
	if (rd_uint(r, item, 0xffffffff, &vid))
		return r->err->code;
	return snic_pf_set_vlan(r->nic, (unsigned)vid, true, &e) ? rd_lib(r, item, &e) : 0;
}

static int pf_vlans(struct rd *r, void *obj, struct fy_node *v)
{
	return rd_list(r, v, "a list of VLAN ids", pf_vlan_item, obj);
}

static int pf_macvlan_item(struct rd *r, void *obj, struct fy_node *item, unsigned i)
{
	struct snic_err e = {0};
	uint8_t mac[6];

	(void)obj, (void)i;
	if (rd_mac(r, item, mac))
		return r->err->code;
	return snic_pf_set_macvlan(r->nic, mac, true, &e) ? rd_lib(r, item, &e) : 0;
}

static int pf_macvlans(struct rd *r, void *obj, struct fy_node *v)
{
	return rd_list(r, v, "a list of MAC addresses", pf_macvlan_item, obj);
}

static const struct key pf_keys[] = {
	{"mac", pf_mac},	   {"link", pf_link},		{"mtu", pf_mtu},
	{"rxmode", pf_rxmode},	   {"multicast", pf_multicast}, {"vlans", pf_vlans},
	{"macvlans", pf_macvlans},
};

static int top_pf(struct rd *r, void *obj, struct fy_node *v)
{
	char saved[sizeof(r->where)];
	int rc;

	rd_enter(r, saved, "pf");
	rc = rd_walk(r, v, pf_keys, N_OF(pf_keys), obj);
	rd_leave(r, saved);
	return rc;
}

/* ---- the VFs ---- */

/* One VF being read: the knobs set together (vlan/qos/proto, the rates). */
struct vf_ctx {
	unsigned vf;
	unsigned vid, qos, proto;
	unsigned min_rate, max_rate;
};

static const struct word_val vlan_protos[] = {
	{"802.1Q", SNIC_VLAN_PROTO_8021Q},
	{"802.1ad", SNIC_VLAN_PROTO_8021AD},
};

static const struct word_val link_states[] = {
	{"auto", SNIC_LINK_AUTO},
	{"enable", SNIC_LINK_ENABLE},
	{"disable", SNIC_LINK_DISABLE},
};

static int vf_mac(struct rd *r, void *obj, struct fy_node *v)
{
	struct vf_ctx *c = obj;
	struct snic_err e = {0};
	uint8_t mac[6];

	if (rd_mac(r, v, mac))
		return r->err->code;
	return snic_vf_set_mac(r->nic, c->vf, mac, &e) ? rd_lib(r, v, &e) : 0;
}

/* vlan, qos and proto are one call; each key sets what it names so far. */
static int vf_set_vlan(struct rd *r, struct vf_ctx *c, struct fy_node *v)
{
	struct snic_err e = {0};

	if (snic_vf_set_vlan(r->nic, c->vf, c->vid, c->qos, c->proto, &e))
		return rd_lib(r, v, &e);
	return 0;
}

static int vf_vlan(struct rd *r, void *obj, struct fy_node *v)
{
	struct vf_ctx *c = obj;
	unsigned long n;

	if (rd_uint(r, v, 0xffffffff, &n))
		return r->err->code;
	c->vid = (unsigned)n;
	return vf_set_vlan(r, c, v);
}

static int vf_qos(struct rd *r, void *obj, struct fy_node *v)
{
	struct vf_ctx *c = obj;
	unsigned long n;

	if (rd_uint(r, v, 0xffffffff, &n))
		return r->err->code;
	c->qos = (unsigned)n;
	return vf_set_vlan(r, c, v);
}

static int vf_proto(struct rd *r, void *obj, struct fy_node *v)
{
	struct vf_ctx *c = obj;

	if (rd_enum(r, v, vlan_protos, N_OF(vlan_protos), &c->proto))
		return r->err->code;
	return vf_set_vlan(r, c, v);
}

typedef int (*vf_bool_fn)(struct snic_nic *nic, unsigned vf, bool on, struct snic_err *err);

static int vf_bool(struct rd *r, struct vf_ctx *c, struct fy_node *v, vf_bool_fn fn)
{
	struct snic_err e = {0};
	bool on;

	if (rd_bool(r, v, &on))
		return r->err->code;
	return fn(r->nic, c->vf, on, &e) ? rd_lib(r, v, &e) : 0;
}

static int vf_spoofchk(struct rd *r, void *obj, struct fy_node *v)
{
	return vf_bool(r, obj, v, snic_vf_set_spoofchk);
}

static int vf_trust(struct rd *r, void *obj, struct fy_node *v)
{
	return vf_bool(r, obj, v, snic_vf_set_trust);
}

static int vf_query_rss(struct rd *r, void *obj, struct fy_node *v)
{
	return vf_bool(r, obj, v, snic_vf_set_query_rss);
}

static int vf_assigned(struct rd *r, void *obj, struct fy_node *v)
{
	return vf_bool(r, obj, v, snic_nic_vf_assign);
}

static int vf_state(struct rd *r, void *obj, struct fy_node *v)
{
	struct vf_ctx *c = obj;
	struct snic_err e = {0};
	unsigned s;

	if (rd_enum(r, v, link_states, N_OF(link_states), &s))
		return r->err->code;
	return snic_vf_set_link_state(r->nic, c->vf, s, &e) ? rd_lib(r, v, &e) : 0;
}

static int vf_rate(struct rd *r, struct vf_ctx *c, struct fy_node *v, unsigned *which)
{
	struct snic_err e = {0};
	unsigned long n;

	if (rd_uint(r, v, 0xffffffff, &n))
		return r->err->code;
	*which = (unsigned)n;
	if (snic_vf_set_rate(r->nic, c->vf, c->min_rate, c->max_rate, &e))
		return rd_lib(r, v, &e);
	return 0;
}

static int vf_max_rate(struct rd *r, void *obj, struct fy_node *v)
{
	struct vf_ctx *c = obj;

	return vf_rate(r, c, v, &c->max_rate);
}

static int vf_min_rate(struct rd *r, void *obj, struct fy_node *v)
{
	struct vf_ctx *c = obj;

	return vf_rate(r, c, v, &c->min_rate);
}

/* ---- what the VF's driver asks for ---- */

static int guest_mac(struct rd *r, void *obj, struct fy_node *v)
{
	struct vf_ctx *c = obj;
	struct snic_err e = {0};
	uint8_t mac[6];

	if (rd_mac(r, v, mac))
		return r->err->code;
	return snic_vf_req_mac(r->nic, c->vf, mac, &e) ? rd_lib(r, v, &e) : 0;
}

static int guest_multicast(struct rd *r, void *obj, struct fy_node *v)
{
	struct vf_ctx *c = obj;
	struct snic_err e = {0};
	struct maclist l;
	int rc;

	rc = rd_maclist(r, v, &l);
	if (!rc && snic_vf_req_mc(r->nic, c->vf, (const uint8_t(*)[6])l.mac, l.n, &e))
		rc = rd_lib(r, v, &e);
	free(l.mac);
	return rc;
}

static int guest_vlan_item(struct rd *r, void *obj, struct fy_node *item, unsigned i)
{
	struct vf_ctx *c = obj;
	struct snic_err e = {0};
	unsigned long vid;

	(void)i;
	if (rd_uint(r, item, 0xffffffff, &vid))
		return r->err->code;
	return snic_vf_req_vlan(r->nic, c->vf, (unsigned)vid, true, &e) ? rd_lib(r, item, &e) : 0;
}

static int guest_vlans(struct rd *r, void *obj, struct fy_node *v)
{
	return rd_list(r, v, "a list of VLAN ids", guest_vlan_item, obj);
}

static int guest_macvlan_item(struct rd *r, void *obj, struct fy_node *item, unsigned i)
{
	struct vf_ctx *c = obj;
	struct snic_err e = {0};
	uint8_t mac[6];

	(void)i;
	if (rd_mac(r, item, mac))
		return r->err->code;
	return snic_vf_req_macvlan(r->nic, c->vf, mac, true, &e) ? rd_lib(r, item, &e) : 0;
}

static int guest_macvlans(struct rd *r, void *obj, struct fy_node *v)
{
	return rd_list(r, v, "a list of MAC addresses", guest_macvlan_item, obj);
}

static int guest_rxmode(struct rd *r, void *obj, struct fy_node *v)
{
	struct vf_ctx *c = obj;
	struct snic_err e = {0};
	unsigned m;

	if (rd_enum(r, v, rxmodes, N_OF(rxmodes), &m))
		return r->err->code;
	return snic_vf_req_rxmode(r->nic, c->vf, m, &e) ? rd_lib(r, v, &e) : 0;
}

static const struct key guest_keys[] = {
	{"mac", guest_mac},	      {"multicast", guest_multicast}, {"vlans", guest_vlans},
	{"macvlans", guest_macvlans}, {"rxmode", guest_rxmode},
};

static int vf_guest(struct rd *r, void *obj, struct fy_node *v)
{
	struct vf_ctx *c = obj;
	char saved[sizeof(r->where)];
	int rc;

	rd_enter(r, saved, "vf%u guest", c->vf);
	rc = rd_walk(r, v, guest_keys, N_OF(guest_keys), obj);
	rd_leave(r, saved);
	return rc;
}

/* Admin knobs first, then what the VF asks for under them. */
static const struct key vf_keys[] = {
	{"mac", vf_mac},
	{"vlan", vf_vlan},
	{"qos", vf_qos},
	{"proto", vf_proto},
	{"spoofchk", vf_spoofchk},
	{"trust", vf_trust},
	{"state", vf_state},
	{"max_tx_rate", vf_max_rate},
	{"min_tx_rate", vf_min_rate},
	{"query_rss", vf_query_rss},
	{"assigned", vf_assigned},
	{"guest", vf_guest},
};

static int vfs_entry(struct rd *r, void *obj, struct fy_node *k, struct fy_node *v)
{
	struct snic_vf_info info;
	struct snic_err e = {0};
	char saved[sizeof(r->where)];
	long vf = vf_number(r->kname);
	struct vf_ctx c;
	int rc;

	(void)obj;
	if (vf < 0)
		return rd_err(r, k, -EINVAL, "'%s' is not a VF name (vf0, vf1, ...)", r->kname);
	if (snic_vf_get(r->nic, (unsigned)vf, &info, &e))
		return rd_lib(r, k, &e);
	c = (struct vf_ctx){
		.vf = (unsigned)vf,
		.vid = info.vlan,
		.qos = info.qos,
		.proto = info.vlan_proto,
		.min_rate = info.min_tx_rate,
		.max_rate = info.max_tx_rate,
	};
	rd_enter(r, saved, "vf%ld", vf);
	rc = rd_walk(r, v, vf_keys, N_OF(vf_keys), &c);
	rd_leave(r, saved);
	return rc;
}

static int top_vfs(struct rd *r, void *obj, struct fy_node *v)
{
	return rd_entries(r, v, "a mapping of VFs (vf0: ...)", vfs_entry, obj);
}

static int top_numvfs(struct rd *r, void *obj, struct fy_node *v)
{
	struct snic_err e = {0};
	unsigned long n;

	(void)obj;
	if (rd_uint(r, v, 0xffff, &n))
		return r->err->code;
	return snic_nic_set_numvfs(r->nic, (unsigned)n, &e) ? rd_lib(r, v, &e) : 0;
}

/* ---- RSS ---- */

/* Keys of an RSS conf, in the groups a conf is checked by. */
enum {
	RK_HFUNC,
	RK_HKEY,
	RK_FIELDS,
	RK_INNER,
	RK_TEID,
	RK_EQUAL,
	RK_WEIGHT,
	RK_RETA,
	RK_START,
	RK_COUNT
};

/* What the file says of one conf; applied onto a base conf later. */
struct rss_spec {
	struct fy_node *at[RK_COUNT]; /* the value of each key given */
	uint8_t hfunc;
	uint8_t key_len;
	bool inner, teid;
	unsigned long equal, start;
	unsigned nweight, nreta;
	uint8_t fields[SNIC_FT_COUNT];
	bool fields_set[SNIC_FT_COUNT];
	uint8_t key[SNIC_RSS_KEY_MAX];
	uint32_t weight[SNIC_RETA_MAX];
	uint16_t reta[SNIC_RETA_MAX];
	/* contexts only */
	char name[SNIC_CONFIG_NAME_MAX];
	struct fy_node *vport_at;
	unsigned vport;
};

static int rss_hfunc(struct rd *r, void *obj, struct fy_node *v)
{
	struct rss_spec *s = obj;
	struct snic_err e = {0};
	enum snic_hfunc f;
	char w[WORD_MAX];

	if (rd_text(r, v, "a hash function", w, sizeof(w)))
		return r->err->code;
	if (snic_hfunc_parse(w, &f, &e))
		return rd_err(r, v, e.code ? e.code : -EINVAL, "%s", e.msg);
	s->hfunc = (uint8_t)f;
	s->at[RK_HFUNC] = v;
	return 0;
}

static int rss_hkey(struct rd *r, void *obj, struct fy_node *v)
{
	struct rss_spec *s = obj;
	char w[WORD_MAX];
	int n;

	if (rd_text(r, v, "hex bytes", w, sizeof(w)))
		return r->err->code;
	n = snic_word_hex(w, s->key, sizeof(s->key));
	if (n == -ENOSPC)
		return rd_err(r, v, -EINVAL, "hkey is longer than %d bytes", SNIC_RSS_KEY_MAX);
	if (n < 0)
		return rd_err(r, v, -EINVAL,
			      "hkey '%.24s' is not hex bytes (6d:5a:56:... or 6d5a56...)", w);
	s->key_len = (uint8_t)n;
	s->at[RK_HKEY] = v;
	return 0;
}

static int fields_entry(struct rd *r, void *obj, struct fy_node *k, struct fy_node *v)
{
	struct rss_spec *s = obj;
	struct snic_err e = {0};
	enum snic_flow_type ft;
	char w[WORD_MAX];

	if (snic_flow_type_parse(r->kname, &ft, &e))
		return rd_err(r, k, e.code ? e.code : -EINVAL, "%s", e.msg);
	if (rd_text(r, v, "fields like sdfn, or none", w, sizeof(w)))
		return r->err->code;
	if (snic_rxh_parse(strcmp(w, "none") ? w : "", &s->fields[ft], &e))
		return rd_err(r, v, e.code ? e.code : -EINVAL, "%s", e.msg);
	s->fields_set[ft] = true;
	return 0;
}

static int rss_fields(struct rd *r, void *obj, struct fy_node *v)
{
	struct rss_spec *s = obj;

	s->at[RK_FIELDS] = v;
	return rd_entries(r, v, "a mapping of flow types (tcp4: sdfn, ...)", fields_entry, s);
}

static int rss_flag(struct rd *r, struct rss_spec *s, struct fy_node *v, int k, bool *out)
{
	if (rd_bool(r, v, out))
		return r->err->code;
	s->at[k] = v;
	return 0;
}

static int rss_inner(struct rd *r, void *obj, struct fy_node *v)
{
	struct rss_spec *s = obj;

	return rss_flag(r, s, v, RK_INNER, &s->inner);
}

static int rss_teid(struct rd *r, void *obj, struct fy_node *v)
{
	struct rss_spec *s = obj;

	return rss_flag(r, s, v, RK_TEID, &s->teid);
}

/* At most one of equal, weight and reta. */
static int rss_reta_once(struct rd *r, struct rss_spec *s, struct fy_node *v, int k)
{
	static const char *const names[] = {"equal", "weight", "reta"};

	for (int i = RK_EQUAL; i <= RK_RETA; i++)
		if (s->at[i])
			return rd_err(r, v, -EINVAL, "%s and %s exclude each other",
				      names[i - RK_EQUAL], names[k - RK_EQUAL]);
	s->at[k] = v;
	return 0;
}

static int rss_equal(struct rd *r, void *obj, struct fy_node *v)
{
	struct rss_spec *s = obj;

	if (rd_uint(r, v, SNIC_RETA_MAX, &s->equal))
		return r->err->code;
	if (!s->equal)
		return rd_err(r, v, -EINVAL, "equal 0: spread over at least 1 queue");
	return rss_reta_once(r, s, v, RK_EQUAL);
}

static int weight_item(struct rd *r, void *obj, struct fy_node *item, unsigned i)
{
	struct rss_spec *s = obj;
	unsigned long w;

	if (i >= SNIC_RETA_MAX)
		return rd_err(r, item, -EINVAL, "weight: more than %d queues", SNIC_RETA_MAX);
	if (rd_uint(r, item, SNIC_RETA_MAX, &w))
		return r->err->code;
	s->weight[i] = (uint32_t)w;
	s->nweight = i + 1;
	return 0;
}

static int rss_weight(struct rd *r, void *obj, struct fy_node *v)
{
	struct rss_spec *s = obj;

	if (rd_list(r, v, "a list of weights", weight_item, s))
		return r->err->code;
	if (!s->nweight)
		return rd_err(r, v, -EINVAL, "weight: an empty list");
	return rss_reta_once(r, s, v, RK_WEIGHT);
}

static int reta_item(struct rd *r, void *obj, struct fy_node *item, unsigned i)
{
	struct rss_spec *s = obj;
	unsigned long q;

	if (i >= SNIC_RETA_MAX)
		return rd_err(r, item, -EINVAL, "reta: more than %d entries", SNIC_RETA_MAX);
	if (rd_uint(r, item, QUEUE_MAX, &q))
		return r->err->code;
	s->reta[i] = (uint16_t)q;
	s->nreta = i + 1;
	return 0;
}

static int rss_reta(struct rd *r, void *obj, struct fy_node *v)
{
	struct rss_spec *s = obj;

	if (rd_list(r, v, "a list of queues", reta_item, s))
		return r->err->code;
	if (!s->nreta)
		return rd_err(r, v, -EINVAL, "reta: an empty list");
	return rss_reta_once(r, s, v, RK_RETA);
}

static int rss_start(struct rd *r, void *obj, struct fy_node *v)
{
	struct rss_spec *s = obj;

	if (rd_uint(r, v, QUEUE_MAX, &s->start))
		return r->err->code;
	if (!s->at[RK_EQUAL] && !s->at[RK_WEIGHT])
		return rd_err(r, v, -EINVAL, "start goes with equal or weight");
	if (s->start + (s->at[RK_EQUAL] ? s->equal : s->nweight) > QUEUE_MAX + 1ul)
		return rd_err(r, v, -EINVAL, "start %lu: queues would pass %u", s->start,
			      QUEUE_MAX);
	s->at[RK_START] = v;
	return 0;
}

/* The keys every RSS conf takes; start after equal and weight. */
#define RSS_KEYS                                                                                   \
	{"hfunc", rss_hfunc}, {"hkey", rss_hkey}, {"rx-flow-hash", rss_fields},                    \
		{"inner", rss_inner}, {"teid", rss_teid}, {"equal", rss_equal},                    \
		{"weight", rss_weight}, {"reta", rss_reta},                                        \
	{                                                                                          \
		"start", rss_start                                                                 \
	}

/* The queues a RETA spread over @nq queues needs, where the RETA grows
 * with the queues (mlx5); @size otherwise. */
static unsigned reta_size_for(const struct snic_profile *p, unsigned nq, unsigned size)
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

static unsigned reta_span(const struct snic_rss_conf *c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->reta_size; i++)
		if (c->reta[i] >= n)
			n = c->reta[i] + 1u;
	return n;
}

static int apply_reta(const struct snic_profile *p, const struct rss_spec *s,
		      struct snic_rss_conf *c, struct snic_err *e)
{
	unsigned size = c->reta_size;
	int rc = 0;

	if (s->at[RK_RETA]) {
		size = s->nreta;
		memcpy(c->reta, s->reta, size * sizeof(c->reta[0]));
	} else if (s->at[RK_EQUAL]) {
		size = reta_size_for(p, (unsigned)(s->start + s->equal), size);
		rc = snic_reta_equal(c->reta, size, (unsigned)s->equal, (unsigned)s->start, e);
	} else if (s->at[RK_WEIGHT]) {
		size = reta_size_for(p, (unsigned)s->start + s->nweight, size);
		rc = snic_reta_weight_start(c->reta, size, s->weight, s->nweight,
					    (unsigned)s->start, e);
	} else {
		return 0;
	}
	if (rc)
		return rc;
	c->reta_size = (uint16_t)size;
	c->nqueues = (uint16_t)reta_span(c);
	return 0;
}

/* Apply the groups of keys in @mask (1u << RK_*) onto @c. */
static int rss_apply(const struct snic_profile *p, const struct rss_spec *s, unsigned mask,
		     struct snic_rss_conf *c, struct snic_err *e)
{
	bool on[RK_COUNT];

	for (int k = 0; k < RK_COUNT; k++)
		on[k] = (mask & (1u << k)) && s->at[k];
	if (on[RK_HFUNC])
		c->hfunc = s->hfunc;
	if (on[RK_HKEY]) {
		memset(c->key, 0, sizeof(c->key));
		memcpy(c->key, s->key, s->key_len);
		c->key_len = s->key_len;
	}
	for (int ft = 0; on[RK_FIELDS] && ft < SNIC_FT_COUNT; ft++)
		if (s->fields_set[ft])
			c->fields[ft] = s->fields[ft];
	if (on[RK_INNER])
		c->flags = s->inner ? c->flags | SNIC_RSS_INNER : c->flags & ~SNIC_RSS_INNER;
	if (on[RK_TEID])
		c->flags = s->teid ? c->flags | SNIC_RSS_TEID : c->flags & ~SNIC_RSS_TEID;
	if (on[RK_EQUAL] || on[RK_WEIGHT] || on[RK_RETA])
		return apply_reta(p, s, c, e);
	return 0;
}

#define RSS_ALL	      ((1u << RK_COUNT) - 1)
#define RSS_RETA_KEYS ((1u << RK_EQUAL) | (1u << RK_WEIGHT) | (1u << RK_RETA) | (1u << RK_START))

static struct fy_node *reta_node(const struct rss_spec *s)
{
	for (int k = RK_EQUAL; k <= RK_RETA; k++)
		if (s->at[k])
			return s->at[k];
	return NULL;
}

/*
 * The key to blame for a conf libsnic refused: the first group of keys
 * that, applied alone to the base, makes a conf the checks refuse; else
 * the RETA (the pool's size and queues are checked only there), else none.
 */
static struct fy_node *rss_blame(const struct snic_profile *p, const struct rss_spec *s,
				 const struct snic_rss_conf *base)
{
	static const unsigned groups[] = {
		1u << RK_HFUNC, 1u << RK_HKEY, 1u << RK_FIELDS,
		1u << RK_INNER, 1u << RK_TEID, RSS_RETA_KEYS,
	};
	struct snic_rss_conf *c = malloc(sizeof(*c));
	struct fy_node *at = NULL;

	for (size_t g = 0; c && !at && g < N_OF(groups); g++) {
		int k = __builtin_ctz(groups[g]);

		if (groups[g] == RSS_RETA_KEYS && !reta_node(s))
			continue;
		if (groups[g] != RSS_RETA_KEYS && !s->at[k])
			continue;
		*c = *base;
		if (rss_apply(p, s, groups[g], c, NULL) || snic_rss_check(c, NULL) ||
		    snic_profile_check_rss(p, c, NULL))
			at = groups[g] == RSS_RETA_KEYS ? reta_node(s) : s->at[k];
	}
	free(c);
	return at ? at : reta_node(s);
}

static bool rss_given(const struct rss_spec *s)
{
	for (int k = 0; k < RK_COUNT; k++)
		if (s->at[k])
			return true;
	return false;
}

/* The conf @vport has now; the profile's default where a VF may not read
 * the shared one. */
static void rss_base(struct rd *r, unsigned vport, struct snic_rss_conf *c)
{
	if (snic_nic_rss_get(r->nic, vport, c, NULL))
		snic_profile_rss_default(snic_nic_profile(r->nic),
					 snic_nic_vport_queues(r->nic, vport), c);
}

typedef int (*rss_set_fn)(struct snic_nic *nic, unsigned vport, const struct snic_rss_conf *c,
			  struct snic_err *err);

/* Build @vport's conf from @s and hand it to @set; returns what @set does. */
static int rss_commit(struct rd *r, const struct rss_spec *s, unsigned vport, rss_set_fn set,
		      struct fy_node *at)
{
	const struct snic_profile *p = snic_nic_profile(r->nic);
	struct snic_rss_conf *base = malloc(sizeof(*base)), *c = malloc(sizeof(*c));
	struct snic_err e = {0};
	int rc = -ENOMEM;

	if (!base || !c) {
		rc = rd_err(r, at, -ENOMEM, "out of memory");
		goto out;
	}
	rss_base(r, vport, base);
	*c = *base;
	rc = rss_apply(p, s, RSS_ALL, c, &e);
	if (rc) {
		rc = rd_err(r, reta_node(s), rc, "%s", e.msg);
		goto out;
	}
	rc = set(r->nic, vport, c, &e);
	if (rc < 0) {
		struct fy_node *blame = rss_blame(p, s, base);

		rc = rd_err(r, blame ? blame : at, rc, "%s", e.msg);
	}
out:
	free(c);
	free(base);
	return rc;
}

static struct rss_spec *spec_new(struct rd *r, struct fy_node *at)
{
	struct rss_spec *s = calloc(1, sizeof(*s));

	if (!s)
		rd_err(r, at, -ENOMEM, "out of memory");
	return s;
}

static const struct key rss_vport_keys[] = {RSS_KEYS};

/* One conf of rss.vports, or of rss itself (@keys then takes "vports"). */
static int rss_section(struct rd *r, struct fy_node *map, unsigned vport, const struct key *keys,
		       size_t nkeys)
{
	struct fy_node *at = r->key;
	struct rss_spec *s = spec_new(r, map);
	int rc;

	if (!s)
		return -ENOMEM;
	rc = rd_walk(r, map, keys, nkeys, s);
	if (!rc && rss_given(s))
		rc = rss_commit(r, s, vport, snic_nic_rss_set, at);
	free(s);
	return rc;
}

static int vports_entry(struct rd *r, void *obj, struct fy_node *k, struct fy_node *v)
{
	char saved[sizeof(r->where)];
	unsigned vport = 0;
	int rc;

	(void)obj;
	if (rd_vport(r, k, &vport))
		return r->err->code;
	rd_enter(r, saved, "rss %s", r->kname);
	rc = rss_section(r, v, vport, rss_vport_keys, N_OF(rss_vport_keys));
	rd_leave(r, saved);
	return rc;
}

/* rss.vports is read after the PF's conf is set. */
static int rss_vports_later(struct rd *r, void *obj, struct fy_node *v)
{
	(void)r, (void)obj, (void)v;
	return 0;
}

static const struct key rss_keys[] = {RSS_KEYS, {"vports", rss_vports_later}};

static int top_rss(struct rd *r, void *obj, struct fy_node *v)
{
	char saved[sizeof(r->where)];
	struct fy_node_pair *p;
	struct fy_node *vp;
	int rc;

	(void)obj;
	rd_enter(r, saved, "rss");
	rc = rss_section(r, v, snic_nic_pf_vport(r->nic), rss_keys, N_OF(rss_keys));
	p = rc ? NULL : find_pair(v, "vports");
	if (p) {
		rc = rd_key(r, fy_node_pair_key(p));
		if (!rc)
			rc = rd_deref(r, fy_node_pair_value(p), &vp);
		if (!rc)
			rc = rd_entries(r, vp, "a mapping of vports (vf0: ...)", vports_entry,
					NULL);
	}
	rd_leave(r, saved);
	return rc;
}

/* ---- RSS contexts ---- */

static int ctx_name(struct rd *r, void *obj, struct fy_node *v)
{
	struct rss_spec *s = obj;
	const char *c;

	if (rd_text(r, v, "a name", s->name, sizeof(s->name)))
		return r->err->code;
	for (c = s->name; *c && (isalnum((unsigned char)*c) || *c == '-' || *c == '_'); c++)
		;
	if (!s->name[0] || *c || isdigit((unsigned char)s->name[0]))
		return rd_err(r, v, -EINVAL,
			      "name '%s': letters, digits, - and _, not starting with a digit",
			      s->name);
	if (snic_config_ctx_id(r->cfg, s->name) >= 0)
		return rd_err(r, v, -EEXIST, "context '%s' is defined twice", s->name);
	return 0;
}

static int ctx_vport(struct rd *r, void *obj, struct fy_node *v)
{
	struct rss_spec *s = obj;
	struct snic_err e = {0};
	char w[WORD_MAX];
	int rc;

	if (rd_text(r, v, "a vport (pf, vf0, ...)", w, sizeof(w)))
		return r->err->code;
	rc = snic_config_vport(r->nic, w, &e);
	if (rc < 0)
		return rd_lib(r, v, &e);
	s->vport = (unsigned)rc;
	s->vport_at = v;
	return 0;
}

static const struct key ctx_keys[] = {{"name", ctx_name}, {"vport", ctx_vport}, RSS_KEYS};

static int ctx_new(struct snic_nic *nic, unsigned vport, const struct snic_rss_conf *c,
		   struct snic_err *err)
{
	return snic_nic_rss_ctx_new(nic, vport, c, err);
}

static int ctx_item(struct rd *r, void *obj, struct fy_node *item, unsigned i)
{
	struct snic_config_ctx *cx = &r->cfg->ctx[r->cfg->nctx];
	char saved[sizeof(r->where)];
	struct rss_spec *s;
	int rc;

	(void)obj;
	if (r->cfg->nctx == SNIC_CONFIG_CTX_MAX)
		return rd_err(r, item, -ENOSPC, "more than %d contexts", SNIC_CONFIG_CTX_MAX);
	s = spec_new(r, item);
	if (!s)
		return -ENOMEM;
	s->vport = snic_nic_pf_vport(r->nic);
	rd_enter(r, saved, "contexts[%u]", i);
	rc = rd_walk(r, item, ctx_keys, N_OF(ctx_keys), s);
	if (!rc)
		rc = rss_commit(r, s, s->vport, ctx_new, item);
	if (rc > 0) {
		snprintf(cx->name, sizeof(cx->name), "%s", s->name);
		cx->id = (unsigned)rc;
		cx->vport = s->vport;
		r->cfg->nctx++;
		rc = 0;
	}
	rd_leave(r, saved);
	free(s);
	return rc;
}

static int top_contexts(struct rd *r, void *obj, struct fy_node *v)
{
	return rd_list(r, v, "a list of contexts", ctx_item, obj);
}

/* ---- flow rules ---- */

/* "context NAME" -> "context ID", in place in @argv. */
static int flow_ctx_names(struct rd *r, struct fy_node *at, char **argv, int n, char *num,
			  size_t size)
{
	char known[128] = "";
	size_t off = 0;
	int id;

	for (int i = 1; i < n; i++) {
		if (strcmp(argv[i - 1], "context") || isdigit((unsigned char)argv[i][0]))
			continue;
		id = snic_config_ctx_id(r->cfg, argv[i]);
		if (id >= 0) {
			snprintf(num, size, "%d", id);
			argv[i] = num;
			continue;
		}
		for (unsigned c = 0; c < r->cfg->nctx && off < sizeof(known); c++)
			if (r->cfg->ctx[c].name[0])
				off += (size_t)snprintf(known + off, sizeof(known) - off, "%s%s",
							off ? ", " : "", r->cfg->ctx[c].name);
		return rd_err(r, at, -EINVAL, "context '%s' is not defined (contexts: %s)", argv[i],
			      off ? known : "none");
	}
	return 0;
}

static int flow_item(struct rd *r, void *obj, struct fy_node *item, unsigned i)
{
	char saved[sizeof(r->where)], *argv[FLOW_WORDS_MAX], num[16];
	struct snic_flow_rule rule;
	struct snic_err e = {0};
	char *text = malloc(STRING_MAX);
	int n, rc;

	(void)obj;
	rd_enter(r, saved, "flows[%u]", i);
	rc = text ? rd_text(r, item, "a rule (flow-type ...)", text, STRING_MAX)
		  : rd_err(r, item, -ENOMEM, "out of memory");
	n = rc ? 0 : snic_word_split(text, argv, FLOW_WORDS_MAX);
	if (!rc && n < 0)
		rc = rd_err(r, item, -EINVAL, "a rule has at most %d words", FLOW_WORDS_MAX);
	if (!rc)
		rc = flow_ctx_names(r, item, argv, n, num, sizeof(num));
	if (!rc && snic_flowspec_parse(r->nic, argv, n, &rule, &e))
		rc = rd_err(r, item, e.code ? e.code : -EINVAL, "%s", e.msg);
	if (!rc && snic_flow_create(r->nic, &rule, &e) < 0)
		rc = rd_err(r, item, e.code ? e.code : -EINVAL, "%s", e.msg);
	if (!rc)
		r->cfg->nflows++;
	rd_leave(r, saved);
	free(text);
	return rc;
}

static int top_flows(struct rd *r, void *obj, struct fy_node *v)
{
	return rd_list(r, v, "a list of rules", flow_item, obj);
}

/* ---- the steering plugin ---- */

struct plugin_ctx {
	struct fy_node *path_at;
	char *path;
	char *args;
};

static int plugin_path(struct rd *r, void *obj, struct fy_node *v)
{
	struct plugin_ctx *c = obj;

	c->path_at = v;
	return rd_strdup(r, v, &c->path);
}

static int plugin_args(struct rd *r, void *obj, struct fy_node *v)
{
	struct plugin_ctx *c = obj;

	return rd_strdup(r, v, &c->args);
}

static const struct key plugin_keys[] = {{"path", plugin_path}, {"args", plugin_args}};

/* A bare file name is looked for in $SNIC_PLUGIN_DIR, then where snic
 * installs its plugins; a path with a '/' is taken as it is. */
static char *plugin_resolve(const char *name)
{
	const char *dirs[] = {getenv("SNIC_PLUGIN_DIR"), SNIC_PLUGIN_DIR_DEFAULT};
	char *path;

	if (strchr(name, '/'))
		return strdup(name);
	for (size_t i = 0; i < N_OF(dirs); i++) {
		if (!dirs[i] || !dirs[i][0] || asprintf(&path, "%s/%s", dirs[i], name) < 0)
			continue;
		if (!access(path, R_OK))
			return path;
		free(path);
	}
	return strdup(name);
}

static int top_plugin(struct rd *r, void *obj, struct fy_node *v)
{
	struct plugin_ctx c = {0};
	struct snic_err e = {0};
	char saved[sizeof(r->where)];
	int rc;

	(void)obj;
	rd_enter(r, saved, "plugin");
	rc = rd_walk(r, v, plugin_keys, N_OF(plugin_keys), &c);
	if (!rc && !c.path)
		rc = rd_err(r, v, -EINVAL, "path is missing");
	if (!rc) {
		r->cfg->plugin_path = plugin_resolve(c.path);
		r->cfg->plugin_args = c.args;
		c.args = NULL;
		if (!r->cfg->plugin_path)
			rc = rd_err(r, c.path_at, -ENOMEM, "out of memory");
	}
	if (!rc && snic_nic_set_plugin(r->nic, r->cfg->plugin_path, r->cfg->plugin_args, &e))
		rc = rd_lib(r, c.path_at, &e);
	rd_leave(r, saved);
	free(c.path);
	free(c.args);
	return rc;
}

/* ---- the load balancer ---- */

/* Policies snicd's rebalancer knows. */
static const struct word_val policies[] = {{"static", 0}, {"rsspp", 1}, {"snic", 2}};

static const struct {
	const char *unit;
	uint64_t ns;
} units[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};

static int balance_policy(struct rd *r, void *obj, struct fy_node *v)
{
	unsigned pol;

	(void)obj;
	if (rd_enum(r, v, policies, N_OF(policies), &pol))
		return r->err->code;
	free(r->cfg->balance_policy);
	r->cfg->balance_policy = strdup(policies[pol].name);
	return r->cfg->balance_policy ? 0 : rd_err(r, v, -ENOMEM, "out of memory");
}

static int balance_period(struct rd *r, void *obj, struct fy_node *v)
{
	char w[WORD_MAX], *u;
	unsigned long n;

	(void)obj;
	if (rd_text(r, v, "a duration (100ms)", w, sizeof(w)))
		return r->err->code;
	for (u = w; *u >= '0' && *u <= '9'; u++)
		;
	for (size_t i = 0; u > w && i < N_OF(units); i++) {
		if (strcmp(u, units[i].unit))
			continue;
		*u = '\0';
		if (snic_word_uint(w, UINT64_MAX / units[i].ns, &n) || !n)
			break;
		r->cfg->balance_period_ns = n * units[i].ns;
		return 0;
	}
	return rd_err(r, v, -EINVAL, "period '%s' is not a duration above 0 (100ms; ns, us, ms, s)",
		      w);
}

static int balance_pins(struct rd *r, void *obj, struct fy_node *v)
{
	unsigned long n;

	(void)obj;
	if (rd_uint(r, v, SNIC_CTR_MAX_RULES, &n))
		return r->err->code;
	r->cfg->balance_pins = (unsigned)n;
	return 0;
}

static const struct key balance_keys[] = {
	{"policy", balance_policy}, {"period", balance_period}, {"pins", balance_pins}};

static int top_balance(struct rd *r, void *obj, struct fy_node *v)
{
	char saved[sizeof(r->where)];
	int rc;

	rd_enter(r, saved, "balance");
	r->cfg->balance_period_ns = DEFAULT_BALANCE_PERIOD_NS;
	rc = rd_walk(r, v, balance_keys, N_OF(balance_keys), obj);
	rd_leave(r, saved);
	return rc;
}

/* ---- snicd's ports ---- */

static int port_devargs(struct rd *r, void *obj, struct fy_node *v)
{
	struct snic_config_port *p = obj;

	return rd_strdup(r, v, &p->devargs);
}

static int port_netns(struct rd *r, void *obj, struct fy_node *v)
{
	struct snic_config_port *p = obj;

	return rd_strdup(r, v, &p->netns);
}

static int port_csum(struct rd *r, void *obj, struct fy_node *v)
{
	struct snic_config_port *p = obj;
	bool on;

	if (rd_bool(r, v, &on))
		return r->err->code;
	p->csum_offload = on;
	return 0;
}

static int port_queues(struct rd *r, void *obj, struct fy_node *v)
{
	struct snic_config_port *p = obj;
	unsigned max = UPLINK_QUEUES_MAX;
	unsigned long n;

	if (p->vport != SNIC_CONFIG_VPORT_UPLINK)
		max = snic_nic_vport_queues(r->nic, p->vport == SNIC_CONFIG_VPORT_PF
							    ? snic_nic_pf_vport(r->nic)
							    : (unsigned)p->vport);
	if (rd_uint(r, v, 0xffff, &n))
		return r->err->code;
	if (!n || n > max)
		return rd_err(r, v, -EINVAL, "queues %lu is out of range 1..%u (%s)", n, max,
			      p->vport == SNIC_CONFIG_VPORT_UPLINK ? "uplink"
								   : "the vport's queues");
	p->queues = (unsigned)n;
	return 0;
}

static const struct key port_keys[] = {
	{"devargs", port_devargs},
	{"netns", port_netns},
	{"csum", port_csum},
	{"queues", port_queues},
};

static int port_vport(struct rd *r, struct fy_node *k, int *vport)
{
	unsigned v = 0;

	if (!strcmp(r->kname, "uplink")) {
		*vport = SNIC_CONFIG_VPORT_UPLINK;
		return 0;
	}
	if (!strcmp(r->kname, "pf")) {
		*vport = SNIC_CONFIG_VPORT_PF;
		return 0;
	}
	if (vf_number(r->kname) < 0)
		return rd_err(r, k, -EINVAL, "'%s' is not a port (uplink, pf, vf0, vf1, ...)",
			      r->kname);
	if (rd_vport(r, k, &v))
		return r->err->code;
	*vport = (int)v;
	return 0;
}

static int ports_entry(struct rd *r, void *obj, struct fy_node *k, struct fy_node *v)
{
	struct snic_config *cfg = r->cfg;
	struct snic_config_port *p = &cfg->ports[cfg->nports];
	char saved[sizeof(r->where)];
	int rc;

	(void)obj;
	if (cfg->nports == SNIC_CONFIG_PORTS_MAX)
		return rd_err(r, k, -ENOSPC, "more than %d ports", SNIC_CONFIG_PORTS_MAX);
	memset(p, 0, sizeof(*p));
	p->csum_offload = -1;
	snprintf(p->name, sizeof(p->name), "%s", r->kname);
	rc = port_vport(r, k, &p->vport);
	if (rc)
		return rc;
	cfg->nports++; /* from here on its strings are freed with cfg */
	rd_enter(r, saved, "ports %s", p->name);
	rc = rd_walk(r, v, port_keys, N_OF(port_keys), p);
	if (!rc && !p->devargs)
		rc = rd_err(r, k, -EINVAL, "devargs is missing");
	rd_leave(r, saved);
	return rc;
}

static int top_ports(struct rd *r, void *obj, struct fy_node *v)
{
	return rd_entries(r, v, "a mapping of ports (uplink: ...)", ports_entry, obj);
}

/* ---- the document ---- */

/* Read before the walk: the NIC is made from it. */
static int top_profile(struct rd *r, void *obj, struct fy_node *v)
{
	(void)r, (void)obj, (void)v;
	return 0;
}

static const struct key top_keys[] = {
	{"profile", top_profile}, {"numvfs", top_numvfs}, {"pf", top_pf},
	{"vfs", top_vfs},	  {"rss", top_rss},	  {"contexts", top_contexts},
	{"flows", top_flows},	  {"plugin", top_plugin}, {"balance", top_balance},
	{"ports", top_ports},
};

static int unknown_profile(struct rd *r, struct fy_node *at, const char *name)
{
	const struct snic_profile *const *all;
	char known[200];
	size_t n, off = 0;

	all = snic_profiles(&n);
	for (size_t i = 0; i < n && off < sizeof(known); i++)
		off += (size_t)snprintf(known + off, sizeof(known) - off, "%s%s", i ? ", " : "",
					all[i]->name);
	return rd_err(r, at, -EINVAL, "unknown profile '%s' (known: %s)", name, known);
}

/* The value of @name in @map (NULL when absent), with @r on its key. */
static int rd_lookup(struct rd *r, struct fy_node *map, const char *name, struct fy_node **v)
{
	struct fy_node_pair *p = map && fy_node_is_mapping(map) ? find_pair(map, name) : NULL;

	*v = NULL;
	if (!p)
		return 0;
	r->key = fy_node_pair_key(p);
	snprintf(r->kname, sizeof(r->kname), "%s", name);
	return rd_deref(r, fy_node_pair_value(p), v);
}

/* The profile (the caller's, or the file's) and the PF's MAC make the NIC. */
static int rd_nic(struct rd *r, struct fy_node *root)
{
	const struct snic_profile *p;
	char name[WORD_MAX];
	uint8_t mac[6];
	struct snic_err e = {0};
	struct fy_node *v, *pf;

	memcpy(mac, default_pf_mac, 6);
	if (rd_lookup(r, root, "profile", &v))
		return r->err->code;
	if (!v && !r->profile)
		return rd_err(r, root, -EINVAL, "profile is missing");
	if (r->profile)
		snprintf(name, sizeof(name), "%s", r->profile);
	else if (rd_text(r, v, "a profile name", name, sizeof(name)))
		return r->err->code;
	p = snic_profile_find(name);
	if (!p)
		return unknown_profile(r, r->profile ? NULL : v, name);
	if (rd_lookup(r, root, "pf", &pf) || rd_lookup(r, pf, "mac", &v))
		return r->err->code;
	snprintf(r->where, sizeof(r->where), "pf");
	if (v && rd_mac(r, v, mac))
		return r->err->code;
	r->where[0] = '\0';
	if (snic_nic_new(p, mac, &r->nic, &e))
		return rd_lib(r, v, &e);
	r->cfg->nic = r->nic;
	return 0;
}

static void discard_diag(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag, (void)user, (void)buf, (void)len;
}

/* The first error libfyaml collected, as "FILE:LINE:COL: message". */
static int yaml_error(struct rd *r, struct fy_diag *diag, const char *dflt)
{
	struct fy_diag_error *e;
	void *it = NULL;

	while ((e = fy_diag_errors_iterate(diag, &it)))
		if (e->type == FYET_ERROR && e->msg)
			return snic_errf(r->err, -EINVAL, "%s:%d:%d: not valid YAML: %s", r->name,
					 e->line, e->column, e->msg);
	return snic_errf(r->err, -EINVAL, "%s: %s", r->name, dflt);
}

struct yaml {
	struct fy_diag *diag;
	struct fy_parser *parser;
	struct fy_document *doc;
};

static void yaml_close(struct yaml *y)
{
	if (y->doc)
		fy_parse_document_destroy(y->parser, y->doc);
	if (y->parser)
		fy_parser_destroy(y->parser);
	if (y->diag)
		fy_diag_destroy(y->diag);
}

/*
 * The length of the UTF-8 sequence at @s (at most @n bytes), 0 when it is
 * malformed: overlong, a surrogate, above U+10FFFF or cut short.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	static const struct {
		unsigned char lead_min, lead_max, len;
	} forms[] = {{0x00, 0x7f, 1}, {0xc2, 0xdf, 2}, {0xe0, 0xef, 3}, {0xf0, 0xf4, 4}};
	size_t len = 0;

	for (size_t i = 0; i < N_OF(forms) && !len; i++)
		if (s[0] >= forms[i].lead_min && s[0] <= forms[i].lead_max)
			len = forms[i].len;
	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

/* A config is UTF-8 (libfyaml 0.7 can loop forever on some bytes that
 * are not, after a '%'): refuse it before the parser sees it. */
static int check_utf8(struct rd *r, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	int line = 1, col = 1;
	size_t i = 0, n;

	while (i < len) {
		n = utf8_len(s + i, len - i);
		if (!n)
			return snic_errf(r->err, -EINVAL, "%s:%d:%d: not valid UTF-8 (byte 0x%02x)",
					 r->name, line, col, s[i]);
		line += s[i] == '\n';
		col = s[i] == '\n' ? 1 : col + 1;
		i += n;
	}
	return 0;
}

/*
 * A config has plain keys: refuse YAML's explicit-key indicator ('?' and a
 * blank, at the start of a line's content or of a flow collection's entry)
 * before the parser sees it. libfyaml 0.7 can crash freeing its parser
 * after some malformed documents that use it.
 */
static int check_explicit_keys(struct rd *r, const char *text, size_t len)
{
	int line = 1, col = 1;
	bool start = true; /* only blanks, '-', '[', '{' or ',' since the line's start */

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c == '?' && start &&
		    (i + 1 == len || text[i + 1] == ' ' || text[i + 1] == '\t' ||
		     text[i + 1] == '\n' || text[i + 1] == '\r'))
			return snic_errf(r->err, -EINVAL,
					 "%s:%d:%d: explicit keys ('? ') are not supported: write "
					 "key: value",
					 r->name, line, col);
		if (c == '\n') {
			line++;
			col = 1;
			start = true;
			continue;
		}
		if (c != ' ' && c != '\t' && c != '-' && c != '[' && c != '{' && c != ',')
			start = false;
		else if (c == '[' || c == '{' || c == ',')
			start = true;
		col++;
	}
	return 0;
}

/* Parse @text into one document; a second document is an error. */
static int yaml_open(struct rd *r, const char *text, size_t len, struct yaml *y)
{
	struct fy_diag_cfg dc;
	struct fy_parse_cfg pc = {.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG};
	struct fy_document *more;

	if (check_utf8(r, text, len) || check_explicit_keys(r, text, len))
		return r->err->code;
	fy_diag_cfg_default(&dc);
	dc.fp = NULL;
	dc.output_fn = discard_diag;
	dc.colorize = false;
	y->diag = fy_diag_create(&dc);
	if (!y->diag)
		return snic_errf(r->err, -ENOMEM, "%s: out of memory", r->name);
	fy_diag_set_collect_errors(y->diag, true);
	pc.diag = y->diag;
	y->parser = fy_parser_create(&pc);
	if (!y->parser || fy_parser_set_string(y->parser, text, len))
		return snic_errf(r->err, -ENOMEM, "%s: out of memory", r->name);
	y->doc = fy_parse_load_document(y->parser);
	if (!y->doc || fy_diag_got_error(y->diag))
		return yaml_error(r, y->diag, "empty: expected a mapping (profile: ...)");
	more = fy_parse_load_document(y->parser);
	if (more) {
		int rc = rd_errp(r, fy_document_root(more), -EINVAL,
				 "a second YAML document: a config is one");

		fy_parse_document_destroy(y->parser, more);
		return rc;
	}
	if (fy_diag_got_error(y->diag))
		return yaml_error(r, y->diag, "not valid YAML");
	return 0;
}

static int rd_document(struct rd *r, const char *text, size_t len)
{
	struct yaml y = {0};
	struct fy_node *root;
	int rc = yaml_open(r, text, len, &y);

	if (rc)
		goto out;
	root = fy_document_root(y.doc);
	if (!root || !fy_node_is_mapping(root)) {
		rc = rd_errp(r, root, -EINVAL, "expected a mapping of keys (profile: ...)");
		goto out;
	}
	rc = check_keys(r, root, top_keys, N_OF(top_keys));
	if (!rc)
		rc = rd_nic(r, root);
	if (!rc)
		rc = rd_walk(r, root, top_keys, N_OF(top_keys), NULL);
out:
	yaml_close(&y);
	return rc;
}

void snic_config_free(struct snic_config *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->nports; i++) {
		free(c->ports[i].devargs);
		free(c->ports[i].netns);
	}
	free(c->balance_policy);
	free(c->plugin_args);
	free(c->plugin_path);
	snic_nic_free(c->nic);
	free(c->path);
	free(c);
}

int snic_config_parse(const char *text, size_t len, const char *name, const char *profile,
		      struct snic_config **out, struct snic_err *err)
{
	struct snic_err local = {0};
	struct rd r = {.name = name ? name : "<config>", .profile = profile, .err = err};
	int rc;

	*out = NULL;
	if (!r.err)
		r.err = &local;
	r.cfg = calloc(1, sizeof(*r.cfg));
	if (!r.cfg || !(r.cfg->path = strdup(r.name))) {
		free(r.cfg);
		return snic_errf(err, -ENOMEM, "%s: out of memory", r.name);
	}
	rc = rd_document(&r, text, len);
	if (rc) {
		snic_word_printable(r.err->msg);
		snic_config_free(r.cfg);
		return rc;
	}
	*out = r.cfg;
	return 0;
}

/* The whole of @path into a buffer of ours. */
static int read_file(const char *path, char **text, size_t *len, struct snic_err *err)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, got;
	char *buf = NULL, *nb;
	int rc = 0;

	if (!f)
		return snic_errf(err, -errno, "%s: %s", path, strerror(errno));
	do {
		if (n == cap || !buf) {
			cap = buf ? cap * 2 : cap;
			nb = n >= CONFIG_FILE_MAX ? NULL : realloc(buf, cap);
			if (!nb) {
				rc = snic_errf(err, n >= CONFIG_FILE_MAX ? -EFBIG : -ENOMEM,
					       "%s: %s", path,
					       n >= CONFIG_FILE_MAX ? "larger than 16 MiB"
								    : "out of memory");
				break;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (!rc && ferror(f))
		rc = snic_errf(err, errno ? -errno : -EIO, "%s: %s", path,
			       strerror(errno ? errno : EIO));
	fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	*text = buf;
	*len = n;
	return 0;
}

int snic_config_load(const char *path, const char *profile, struct snic_config **out,
		     struct snic_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = read_file(path, &text, &len, err);
	if (rc) {
		if (err)
			snic_word_printable(err->msg);
		return rc;
	}
	rc = snic_config_parse(text, len, path, profile, out, err);
	free(text);
	return rc;
}
