/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow rules as `ethtool -N` words. A rule is read in two steps: the words
 * into a table of field values (each word's syntax, its flow types, masks
 * given as "m MASK" or "NAME-mask MASK"), then that table into a struct
 * snic_flow_rule (implied matches, the action, the vport). Masks mean what
 * they mean to ethtool: a bit set in the mask is a bit ignored.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowspec.h"
#include "words.h"

#define PROTO_TCP  6
#define PROTO_UDP  17
#define PROTO_SCTP 132

/* Most words a rule may have. */
#define FLOWSPEC_WORDS_MAX 64

/* Default VLAN mask: the VID, whatever the priority and DEI bits. */
#define VLAN_VID_MASK 0x0fff

/* Flow-type classes: which words a flow type takes. */
enum {
	C_ETHER = 1u << 0, /* ether */
	C_IP = 1u << 1,	   /* ip4, ip6: any IP protocol */
	C_PORTS = 1u << 2, /* tcp, sctp */
	C_UDP = 1u << 3,   /* udp and the tunnels over it */
};
#define C_L4  (C_PORTS | C_UDP)
#define C_L3  (C_IP | C_L4)
#define C_ALL (C_ETHER | C_L3)

struct ftype {
	const char *name;
	uint8_t cls;
	uint8_t ip_ver;
	uint8_t proto;	/* 0: any */
	uint32_t needs; /* a tunnel type's match: SNIC_FM_VNI or SNIC_FM_TEID */
};

/* The plain types first: formatting picks the first that fits. */
static const struct ftype ftypes[] = {
	{"ether", C_ETHER, 0, 0, 0},
	{"ip4", C_IP, 4, 0, 0},
	{"tcp4", C_PORTS, 4, PROTO_TCP, 0},
	{"udp4", C_UDP, 4, PROTO_UDP, 0},
	{"sctp4", C_PORTS, 4, PROTO_SCTP, 0},
	{"ip6", C_IP, 6, 0, 0},
	{"tcp6", C_PORTS, 6, PROTO_TCP, 0},
	{"udp6", C_UDP, 6, PROTO_UDP, 0},
	{"sctp6", C_PORTS, 6, PROTO_SCTP, 0},
	{"vxlan4", C_UDP, 4, PROTO_UDP, SNIC_FM_VNI},
	{"vxlan6", C_UDP, 6, PROTO_UDP, SNIC_FM_VNI},
	{"geneve4", C_UDP, 4, PROTO_UDP, SNIC_FM_VNI},
	{"geneve6", C_UDP, 6, PROTO_UDP, SNIC_FM_VNI},
	{"gtpu4", C_UDP, 4, PROTO_UDP, SNIC_FM_TEID},
	{"gtpu6", C_UDP, 6, PROTO_UDP, SNIC_FM_TEID},
};

#define N_FTYPES (sizeof(ftypes) / sizeof(ftypes[0]))

enum field {
	F_DMAC,
	F_ETYPE,
	F_L4PROTO,
	F_VLAN,
	F_SRC_IP,
	F_DST_IP,
	F_SPORT,
	F_DPORT,
	F_VNI,
	F_TEID,
	F_ACTION,
	F_CONTEXT,
	F_VF,
	F_QUEUE,
	F_MARK,
	F_PRIO,
	F_COUNT
};

enum kind {
	K_NUM,
	K_MAC,
	K_IP,
	K_ACTION,
};

struct word {
	const char *name;
	uint8_t field;
	uint8_t kind;
	uint8_t cls;	   /* flow-type classes that take it */
	bool masked;	   /* takes "m MASK" */
	unsigned long max; /* K_NUM, K_ACTION */
};

/* A name may appear twice for disjoint classes ("proto"). */
static const struct word words[] = {
	{"dst", F_DMAC, K_MAC, C_ETHER, true, 0},
	{"dst-mac", F_DMAC, K_MAC, C_ALL, true, 0},
	{"proto", F_ETYPE, K_NUM, C_ETHER, false, 0xffff},
	{"proto", F_L4PROTO, K_NUM, C_IP, false, 0xff},
	{"l4proto", F_L4PROTO, K_NUM, C_IP, false, 0xff},
	{"vlan", F_VLAN, K_NUM, C_ALL, true, 0xffff},
	{"src-ip", F_SRC_IP, K_IP, C_L3, true, 0},
	{"dst-ip", F_DST_IP, K_IP, C_L3, true, 0},
	{"src-port", F_SPORT, K_NUM, C_L4, true, 0xffff},
	{"dst-port", F_DPORT, K_NUM, C_L4, true, 0xffff},
	{"vni", F_VNI, K_NUM, C_UDP, false, 0xffffff},
	{"teid", F_TEID, K_NUM, C_UDP, false, 0xffffffff},
	{"action", F_ACTION, K_ACTION, C_ALL, false, 0xffff},
	{"context", F_CONTEXT, K_NUM, C_ALL, false, 0xffffffff},
	{"vf", F_VF, K_NUM, C_ALL, false, 0xffff},
	{"queue", F_QUEUE, K_NUM, C_ALL, false, 0xffff},
	{"mark", F_MARK, K_NUM, C_ALL, false, 0xffffffff},
	{"prio", F_PRIO, K_NUM, C_ALL, false, 0xffffffff},
};

#define N_WORDS (sizeof(words) / sizeof(words[0]))

/* A field as the words gave it. Masks are kept as written (set bits are
 * ignored bits). */
struct val {
	bool set;
	bool has_mask;
	bool has_plen;
	bool drop; /* action -1 */
	const char *word;
	unsigned long v, m;
	uint8_t plen;
	uint8_t b[16], bm[16];
};

struct spec {
	const struct ftype *ft;
	struct val val[F_COUNT];
};

/* ---- words ---- */

static const struct ftype *find_ftype(const char *name)
{
	for (size_t i = 0; i < N_FTYPES; i++)
		if (!strcmp(ftypes[i].name, name))
			return &ftypes[i];
	return NULL;
}

static int unknown_ftype(const char *name, struct snic_err *err)
{
	char known[160];
	size_t off = 0;

	for (size_t i = 0; i < N_FTYPES && off < sizeof(known); i++)
		off += (size_t)snprintf(known + off, sizeof(known) - off, "%s%s", i ? ", " : "",
					ftypes[i].name);
	return snic_errf(err, -EINVAL, "unknown flow-type '%s' (known: %s)", name, known);
}

static int unknown_word(const char *w, struct snic_err *err)
{
	char known[200];
	size_t off = 0;

	for (size_t i = 0; i < N_WORDS && off < sizeof(known); i++)
		if (!i || strcmp(words[i].name, words[i - 1].name))
			off += (size_t)snprintf(known + off, sizeof(known) - off, "%s%s",
						i ? ", " : "", words[i].name);
	return snic_errf(err, -EINVAL, "unknown word '%s' (known: %s)", w, known);
}

/* "'dst-port' goes with tcp4, udp4, ..., not ip4". */
static int wrong_type(const char *w, const struct ftype *ft, struct snic_err *err)
{
	uint8_t cls = 0;
	char ok[120];
	size_t off = 0;

	for (size_t i = 0; i < N_WORDS; i++)
		if (!strcmp(words[i].name, w))
			cls |= words[i].cls;
	for (size_t i = 0; i < N_FTYPES && off < sizeof(ok); i++)
		if ((ftypes[i].cls & cls) && !ftypes[i].needs)
			off += (size_t)snprintf(ok + off, sizeof(ok) - off, "%s%s", off ? ", " : "",
						ftypes[i].name);
	return snic_errf(err, -EINVAL, "'%s' goes with flow-type %s, not %s", w, ok, ft->name);
}

/* The word @w for flow type @ft; *mask_only when written NAME-mask. */
static const struct word *find_word(const struct ftype *ft, const char *w, bool *mask_only,
				    struct snic_err *err)
{
	size_t len = strlen(w);
	char base[32];
	bool named = false;

	*mask_only = len > 5 && !strcmp(w + len - 5, "-mask");
	if (*mask_only)
		len -= 5;
	if (len >= sizeof(base)) {
		unknown_word(w, err);
		return NULL;
	}
	memcpy(base, w, len);
	base[len] = '\0';
	for (size_t i = 0; i < N_WORDS; i++) {
		if (strcmp(words[i].name, base) || (*mask_only && !words[i].masked))
			continue;
		named = true;
		if (words[i].cls & ft->cls)
			return &words[i];
	}
	if (named)
		wrong_type(base, ft, err);
	else
		unknown_word(w, err);
	return NULL;
}

static int read_ip(const struct spec *sp, const struct word *d, const char *s, struct val *v,
		   struct snic_err *err)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen = 0;
	uint8_t ver;

	if (len >= sizeof(addr))
		return snic_errf(err, -EINVAL, "%s '%.40s...' is not an IP address", d->name, s);
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (snic_word_ip(addr, &ver, v->b))
		return snic_errf(err, -EINVAL, "%s '%s' is not an IP address", d->name, s);
	if (ver != sp->ft->ip_ver)
		return snic_errf(err, -EINVAL, "%s %s is not an IPv%u address (flow-type %s)",
				 d->name, addr, sp->ft->ip_ver, sp->ft->name);
	if (slash && snic_word_uint(slash + 1, ver == 4 ? 32 : 128, &plen))
		return snic_errf(err, -EINVAL, "%s %s: prefix length '%s' is not 0..%u", d->name,
				 addr, slash + 1, ver == 4 ? 32 : 128);
	v->has_plen = slash != NULL;
	v->plen = (uint8_t)plen;
	return 0;
}

static int read_action(const char *s, struct val *v, struct snic_err *err)
{
	if (!strcmp(s, "-1")) {
		v->drop = true;
		return 0;
	}
	if (snic_word_uint(s, 0xffff, &v->v))
		return snic_errf(err, -EINVAL, "action '%s' is not a queue 0..65535 or -1 (drop)",
				 s);
	return 0;
}

static int read_value(struct spec *sp, const struct word *d, const char *s, struct snic_err *err)
{
	struct val *v = &sp->val[d->field];
	int rc = 0;

	if (v->set)
		return snic_errf(err, -EINVAL, "'%s' is given twice", d->name);
	switch (d->kind) {
	case K_NUM:
		if (snic_word_uint(s, d->max, &v->v))
			rc = snic_errf(err, -EINVAL, "%s '%s' is not a number 0..%lu", d->name, s,
				       d->max);
		break;
	case K_MAC:
		if (snic_word_mac(s, v->b))
			rc = snic_errf(err, -EINVAL, "%s '%s' is not a MAC address", d->name, s);
		break;
	case K_IP:
		rc = read_ip(sp, d, s, v, err);
		break;
	default:
		rc = read_action(s, v, err);
		break;
	}
	v->set = !rc;
	v->word = s;
	return rc;
}

static int read_mask(struct spec *sp, const struct word *d, const char *s, struct snic_err *err)
{
	struct val *v = &sp->val[d->field];
	uint8_t ver;
	int rc = 0;

	if (v->has_mask)
		return snic_errf(err, -EINVAL, "the mask of '%s' is given twice", d->name);
	if (d->kind == K_NUM && snic_word_uint(s, d->max, &v->m))
		rc = snic_errf(err, -EINVAL, "%s mask '%s' is not a number 0..0x%lx", d->name, s,
			       d->max);
	else if (d->kind == K_MAC && snic_word_mac(s, v->bm))
		rc = snic_errf(err, -EINVAL, "%s mask '%s' is not a MAC address", d->name, s);
	else if (d->kind == K_IP && (snic_word_ip(s, &ver, v->bm) || ver != sp->ft->ip_ver))
		rc = snic_errf(err, -EINVAL, "%s mask '%s' is not an IPv%u address", d->name, s,
			       sp->ft->ip_ver);
	v->has_mask = !rc;
	return rc;
}

/* One word and its value (and "m MASK" after it); returns the words taken. */
static int read_one(struct spec *sp, char *const *argv, int argc, struct snic_err *err)
{
	const struct word *d;
	bool mask_only;
	int rc;

	d = find_word(sp->ft, argv[0], &mask_only, err);
	if (!d)
		return -EINVAL;
	if (argc < 2)
		return snic_errf(err, -EINVAL, "'%s' needs a value", argv[0]);
	rc = mask_only ? read_mask(sp, d, argv[1], err) : read_value(sp, d, argv[1], err);
	if (rc)
		return rc;
	if (mask_only || !d->masked || argc < 3 || strcmp(argv[2], "m"))
		return 2;
	if (argc < 4)
		return snic_errf(err, -EINVAL, "'m' after %s %s needs a mask", d->name, argv[1]);
	rc = read_mask(sp, d, argv[3], err);
	return rc ? rc : 4;
}

static int read_words(struct spec *sp, char *const *argv, int argc, struct snic_err *err)
{
	if (!argc)
		return snic_errf(err, -EINVAL, "empty rule: it starts with 'flow-type TYPE'");
	if (strcmp(argv[0], "flow-type"))
		return snic_errf(err, -EINVAL, "a rule starts with 'flow-type TYPE', not '%s'",
				 argv[0]);
	if (argc < 2)
		return snic_errf(err, -EINVAL, "'flow-type' needs a type");
	sp->ft = find_ftype(argv[1]);
	if (!sp->ft)
		return unknown_ftype(argv[1], err);
	for (int i = 2; i < argc;) {
		int n = read_one(sp, argv + i, argc - i, err);

		if (n < 0)
			return n;
		i += n;
	}
	return 0;
}

/* ---- the rule ---- */

/* The prefix length of a mask written ethtool's way (set bits ignored). */
static int mask_plen(const uint8_t *m, unsigned bytes)
{
	unsigned plen = 0, i = 0;

	while (i < bytes * 8 && !(m[i / 8] & (0x80u >> (i % 8))))
		i++, plen++;
	for (; i < bytes * 8; i++)
		if (!(m[i / 8] & (0x80u >> (i % 8))))
			return -1;
	return (int)plen;
}

static int build_ip(const struct spec *sp, enum field f, uint8_t *addr, uint8_t *plen,
		    struct snic_err *err)
{
	const struct val *v = &sp->val[f];
	unsigned bytes = sp->ft->ip_ver == 4 ? 4 : 16;
	int p = bytes * 8;
	char s[INET6_ADDRSTRLEN];

	if (v->has_plen && v->has_mask)
		return snic_errf(err, -EINVAL, "%s %s: give a /prefix or a mask, not both",
				 f == F_SRC_IP ? "src-ip" : "dst-ip", v->word);
	if (v->has_mask)
		p = mask_plen(v->bm, bytes);
	if (p < 0)
		return snic_errf(err, -EINVAL, "%s mask %s is not a prefix: snic matches prefixes",
				 f == F_SRC_IP ? "src-ip" : "dst-ip",
				 inet_ntop(bytes == 4 ? AF_INET : AF_INET6, v->bm, s, sizeof(s)));
	memcpy(addr, v->b, 16);
	*plen = v->has_plen ? v->plen : (uint8_t)p;
	return 0;
}

static uint16_t care16(const struct val *v, uint16_t dflt)
{
	return v->has_mask ? (uint16_t)~v->m : dflt;
}

static int build_match(const struct spec *sp, struct snic_flow_rule *r, struct snic_err *err)
{
	const struct val *v = sp->val;
	int rc = 0;

	if (sp->ft->ip_ver) {
		r->match |= SNIC_FM_IP_VER;
		r->ip_ver = sp->ft->ip_ver;
	}
	if (sp->ft->proto || v[F_L4PROTO].set) {
		r->match |= SNIC_FM_L4_PROTO;
		r->l4_proto = (uint8_t)(sp->ft->proto ? sp->ft->proto : v[F_L4PROTO].v);
	}
	if (v[F_DMAC].set) {
		r->match |= SNIC_FM_DMAC;
		memcpy(r->dmac, v[F_DMAC].b, 6);
		for (int i = 0; i < 6; i++)
			r->dmac_mask[i] = v[F_DMAC].has_mask ? (uint8_t)~v[F_DMAC].bm[i] : 0xff;
	}
	if (v[F_ETYPE].set) {
		r->match |= SNIC_FM_ETHERTYPE;
		r->ethertype = (uint16_t)v[F_ETYPE].v;
	}
	if (v[F_VLAN].set) {
		r->match |= SNIC_FM_VLAN;
		r->vlan_tci = (uint16_t)v[F_VLAN].v;
		r->vlan_mask = care16(&v[F_VLAN], VLAN_VID_MASK);
	}
	if (v[F_SRC_IP].set) {
		r->match |= SNIC_FM_IP_SRC;
		rc = build_ip(sp, F_SRC_IP, r->ip_src, &r->src_plen, err);
	}
	if (!rc && v[F_DST_IP].set) {
		r->match |= SNIC_FM_IP_DST;
		rc = build_ip(sp, F_DST_IP, r->ip_dst, &r->dst_plen, err);
	}
	return rc;
}

static void build_l4(const struct spec *sp, struct snic_flow_rule *r)
{
	const struct val *v = sp->val;

	if (v[F_SPORT].set) {
		r->match |= SNIC_FM_SPORT;
		r->sport = (uint16_t)v[F_SPORT].v;
		r->sport_mask = care16(&v[F_SPORT], 0xffff);
	}
	if (v[F_DPORT].set) {
		r->match |= SNIC_FM_DPORT;
		r->dport = (uint16_t)v[F_DPORT].v;
		r->dport_mask = care16(&v[F_DPORT], 0xffff);
	}
	if (v[F_VNI].set) {
		r->match |= SNIC_FM_VNI;
		r->vni = (uint32_t)v[F_VNI].v;
	}
	if (v[F_TEID].set) {
		r->match |= SNIC_FM_TEID;
		r->teid = (uint32_t)v[F_TEID].v;
	}
}

static int build_vport(const struct snic_nic *nic, const struct spec *sp, struct snic_flow_rule *r,
		       struct snic_err *err)
{
	const struct val *vf = &sp->val[F_VF];
	unsigned n = snic_nic_numvfs(nic);

	r->vport = (uint16_t)snic_nic_pf_vport(nic);
	if (!vf->set)
		return 0;
	if (!n)
		return snic_errf(err, -EINVAL, "vf %lu: no VFs are enabled", vf->v);
	if (vf->v >= n)
		return snic_errf(err, -EINVAL, "vf %lu does not exist (VFs 0..%u)", vf->v, n - 1);
	r->vport = (uint16_t)vf->v;
	return 0;
}

static int build_action(const struct spec *sp, struct snic_flow_rule *r, struct snic_err *err)
{
	const struct val *v = sp->val;
	static const enum field acts[] = {F_ACTION, F_QUEUE, F_CONTEXT};
	const char *names[] = {"action", "queue", "context"};
	int first = -1;

	for (int i = 0; i < 3; i++) {
		if (v[acts[i]].set && first >= 0)
			return snic_errf(err, -EINVAL, "'%s' and '%s' can't be combined",
					 names[first], names[i]);
		if (v[acts[i]].set)
			first = i;
	}
	if (v[F_CONTEXT].set && !v[F_CONTEXT].v)
		return snic_errf(err, -EINVAL,
				 "context 0 is the vport's own RSS: leave the action out");
	if (v[F_MARK].set) {
		r->flags |= SNIC_FLOW_F_MARK;
		r->mark = (uint32_t)v[F_MARK].v;
	}
	if (v[F_ACTION].drop)
		r->action = SNIC_ACT_DROP;
	else if (v[F_CONTEXT].set)
		r->action = SNIC_ACT_RSS;
	else if (first < 0 && v[F_MARK].set)
		r->action = SNIC_ACT_MARK;
	else
		r->action = SNIC_ACT_QUEUE;
	r->rss_ctx = (uint32_t)v[F_CONTEXT].v;
	r->queue = (uint16_t)(v[F_QUEUE].set ? v[F_QUEUE].v : v[F_ACTION].v);
	r->priority = (uint32_t)v[F_PRIO].v;
	return 0;
}

static int build(const struct snic_nic *nic, const struct spec *sp, struct snic_flow_rule *r,
		 struct snic_err *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if (sp->ft->needs == SNIC_FM_VNI && !sp->val[F_VNI].set)
		return snic_errf(err, -EINVAL, "flow-type %s needs 'vni N'", sp->ft->name);
	if (sp->ft->needs == SNIC_FM_TEID && !sp->val[F_TEID].set)
		return snic_errf(err, -EINVAL, "flow-type %s needs 'teid N'", sp->ft->name);
	rc = build_match(sp, r, err);
	if (rc)
		return rc;
	build_l4(sp, r);
	rc = build_vport(nic, sp, r, err);
	return rc ? rc : build_action(sp, r, err);
}

int snic_flowspec_parse(const struct snic_nic *nic, char *const *argv, int argc,
			struct snic_flow_rule *r, struct snic_err *err)
{
	struct spec sp;
	int rc;

	memset(&sp, 0, sizeof(sp));
	rc = read_words(&sp, argv, argc, err);
	if (!rc)
		rc = build(nic, &sp, r, err);
	if (rc && err)
		snic_word_printable(err->msg);
	return rc;
}

int snic_flowspec_parse_str(const struct snic_nic *nic, const char *s, struct snic_flow_rule *r,
			    struct snic_err *err)
{
	char *argv[FLOWSPEC_WORDS_MAX];
	char *copy = strdup(s);
	int n, rc;

	if (!copy)
		return snic_errf(err, -ENOMEM, "flow rule: out of memory");
	n = snic_word_split(copy, argv, FLOWSPEC_WORDS_MAX);
	if (n < 0)
		rc = snic_errf(err, -EINVAL, "a rule has at most %d words", FLOWSPEC_WORDS_MAX);
	else
		rc = snic_flowspec_parse(nic, argv, n, r, err);
	free(copy);
	return rc;
}

/* ---- back to words ---- */

struct out {
	char *buf;
	size_t size, off;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	char w[80];
	va_list ap;
	int n;

	if (o->off + 1 >= o->size)
		return;
	va_start(ap, fmt);
	vsnprintf(w, sizeof(w), fmt, ap);
	va_end(ap);
	n = snprintf(o->buf + o->off, o->size - o->off, "%s%s", o->off ? " " : "", w);
	if (n < 0 || (size_t)n >= o->size - o->off)
		o->off = o->size - 1;
	else
		o->off += (size_t)n;
}

static const struct ftype *rule_ftype(const struct snic_flow_rule *r)
{
	bool ip = r->match & (SNIC_FM_IP_VER | SNIC_FM_IP_SRC | SNIC_FM_IP_DST);
	bool l4 = r->match & SNIC_FM_L4_PROTO;

	if (!ip || (r->ip_ver != 4 && r->ip_ver != 6))
		return &ftypes[0];
	for (size_t i = 0; i < N_FTYPES; i++)
		if (ftypes[i].ip_ver == r->ip_ver && !ftypes[i].needs &&
		    ftypes[i].proto == (l4 ? r->l4_proto : 0))
			return &ftypes[i];
	return find_ftype(r->ip_ver == 4 ? "ip4" : "ip6");
}

static void put_l2(struct out *o, const struct ftype *ft, const struct snic_flow_rule *r)
{
	static const uint8_t all[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint8_t inv[6];
	char s[18];

	if (r->match & SNIC_FM_DMAC) {
		put(o, "%s %s", ft->cls & C_ETHER ? "dst" : "dst-mac",
		    snic_word_mac_str(r->dmac, s));
		for (int i = 0; i < 6; i++)
			inv[i] = (uint8_t)~r->dmac_mask[i];
		if (memcmp(r->dmac_mask, all, 6))
			put(o, "m %s", snic_word_mac_str(inv, s));
	}
	if ((r->match & SNIC_FM_ETHERTYPE) && (ft->cls & C_ETHER))
		put(o, "proto 0x%04x", r->ethertype);
	if ((r->match & SNIC_FM_L4_PROTO) && (ft->cls & C_IP))
		put(o, "l4proto %u", r->l4_proto);
	if (r->match & SNIC_FM_VLAN) {
		put(o, "vlan %u", r->vlan_tci);
		if (r->vlan_mask != VLAN_VID_MASK)
			put(o, "m 0x%04x", (uint16_t)~r->vlan_mask);
	}
}

static void put_ip(struct out *o, const char *name, const uint8_t *a, unsigned plen, int ver)
{
	char s[INET6_ADDRSTRLEN];
	unsigned max = ver == 4 ? 32 : 128;

	inet_ntop(ver == 4 ? AF_INET : AF_INET6, a, s, sizeof(s));
	if (plen < max)
		put(o, "%s %s/%u", name, s, plen);
	else
		put(o, "%s %s", name, s);
}

static void put_port(struct out *o, const char *name, uint16_t port, uint16_t mask)
{
	put(o, "%s %u", name, port);
	if (mask != 0xffff)
		put(o, "m 0x%04x", (uint16_t)~mask);
}

static void put_l34(struct out *o, const struct snic_flow_rule *r)
{
	if (r->match & SNIC_FM_IP_SRC)
		put_ip(o, "src-ip", r->ip_src, r->src_plen, r->ip_ver);
	if (r->match & SNIC_FM_IP_DST)
		put_ip(o, "dst-ip", r->ip_dst, r->dst_plen, r->ip_ver);
	if (r->match & SNIC_FM_SPORT)
		put_port(o, "src-port", r->sport, r->sport_mask);
	if (r->match & SNIC_FM_DPORT)
		put_port(o, "dst-port", r->dport, r->dport_mask);
	if (r->match & SNIC_FM_VNI)
		put(o, "vni %u", r->vni);
	if (r->match & SNIC_FM_TEID)
		put(o, "teid 0x%x", r->teid);
}

static void put_action(struct out *o, const struct snic_nic *nic, const struct snic_flow_rule *r)
{
	bool pf = r->vport == snic_nic_pf_vport(nic);

	if (!pf)
		put(o, "vf %u", r->vport);
	if (r->action == SNIC_ACT_QUEUE)
		put(o, "%s %u", pf ? "action" : "queue", r->queue);
	else if (r->action == SNIC_ACT_DROP)
		put(o, "action -1");
	else if (r->action == SNIC_ACT_RSS)
		put(o, "context %u", r->rss_ctx);
	if ((r->flags & SNIC_FLOW_F_MARK) || r->action == SNIC_ACT_MARK)
		put(o, "mark %u", r->mark);
	if (r->priority)
		put(o, "prio %u", r->priority);
}

char *snic_flowspec_format(const struct snic_nic *nic, const struct snic_flow_rule *r, char *buf,
			   size_t size)
{
	const struct ftype *ft = rule_ftype(r);
	struct out o = {buf, size, 0};

	if (!size)
		return buf;
	buf[0] = '\0';
	put(&o, "flow-type %s", ft->name);
	put_l2(&o, ft, r);
	if (ft->cls != C_ETHER)
		put_l34(&o, r);
	put_action(&o, nic, r);
	return buf;
}
