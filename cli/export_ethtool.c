/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic export, the ethtool format (ethtool 6.1, Debian 12):
 *
 *	ethtool -X DEV hkey K hfunc F (equal N | weight W...) [start S]
 *	ethtool -N DEV rx-flow-hash tcp4 sdfn
 *	ethtool -X DEV context new hkey K hfunc F equal N start S
 *	ethtool -N DEV flow-type tcp4 dst-port 80 action 1 loc 0
 *
 * Per vport, in that order: the PF's RSS, its contexts, each VF's own RSS
 * (run where the VF's interface is), then the flow rules, each at the
 * location of its rank so that drivers that order rules by location keep
 * snic's priorities. The key is always given: drivers fill theirs at
 * random, and a hash can only be predicted with the key. rx-flow-hash is
 * given for the flow types that differ from what the driver comes up with.
 *
 * Refused: sym-sort (no kernel transform sorts), inner-header and TEID
 * hashing, ip4/ip6 fields other than the driver's (ethtool 6.1 has no
 * rx-flow-hash ip4), a RETA that is neither equal nor weight, per-context
 * fields, and the rule fields, masks and actions the driver lacks. The
 * symmetric transforms exist only in newer ethtool: they are printed as
 * it spells them, after a comment naming the version.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "export.h"
#include "flowspec.h"
#include "words.h"

/* How ethtool names a hash function: the kernel's hfunc and transform. */
struct hf_word {
	const char *hfunc; /* NULL: no kernel counterpart */
	const char *xfrm;  /* NULL: none */
	const char *since; /* ethtool and Linux version the transform needs */
};

static const struct hf_word hf_words[SNIC_HFUNC_COUNT] = {
	[SNIC_HFUNC_TOEPLITZ] = {"toeplitz", NULL, NULL},
	[SNIC_HFUNC_SYM_XOR] = {"toeplitz", "symmetric-xor", "6.8"},
	[SNIC_HFUNC_SYM_OR_XOR] = {"toeplitz", "symmetric-or-xor", "6.15"},
	[SNIC_HFUNC_SYM_SORT] = {NULL, NULL, NULL},
	[SNIC_HFUNC_XOR] = {"xor", NULL, NULL},
	[SNIC_HFUNC_CRC32] = {"crc32", NULL, NULL},
};

/* Flow types ethtool 6.1's rx-flow-hash takes. */
static const enum snic_flow_type hash_types[] = {
	SNIC_FT_TCP4, SNIC_FT_UDP4, SNIC_FT_SCTP4, SNIC_FT_TCP6, SNIC_FT_UDP6, SNIC_FT_SCTP6,
};

#define N_HASH_TYPES (sizeof(hash_types) / sizeof(hash_types[0]))

/* ---- RSS ---- */

static int check_hfunc(struct exp *x, const struct snic_rss_conf *c, const char *who)
{
	if (c->hfunc >= SNIC_HFUNC_COUNT || !hf_words[c->hfunc].hfunc)
		return exp_refuse(x,
				  "%s hfunc %s: no kernel hash function or transform sorts "
				  "the pairs (testpmd has it: --format dpdk)",
				  who, snic_hfunc_name((enum snic_hfunc)c->hfunc));
	return 0;
}

static int check_flags(struct exp *x, const struct snic_rss_conf *c, const char *who)
{
	if (c->flags & SNIC_RSS_INNER)
		return exp_refuse(x,
				  "%s inner: ethtool can't ask for inner-header hashing "
				  "(testpmd can: --format dpdk)",
				  who);
	if (c->flags & SNIC_RSS_TEID)
		return exp_refuse(x, "%s teid: ethtool 6.1 can't add the GTP-U TEID to the hash",
				  who);
	return 0;
}

/* ip4 and ip6 keep the driver's fields: ethtool 6.1 can't name them. */
static int check_ip_fields(struct exp *x, const struct snic_rss_conf *c, const char *who)
{
	static const enum snic_flow_type ip[] = {SNIC_FT_IP4, SNIC_FT_IP6};
	char got[8], dflt[8];

	for (size_t i = 0; i < 2; i++)
		if (c->fields[ip[i]] != x->p->default_fields[ip[i]])
			return exp_refuse(
				x,
				"%s rx-flow-hash %s '%s': ethtool 6.1 has no rx-flow-hash %s "
				"(the driver hashes on '%s')",
				who, snic_flow_type_name(ip[i]),
				snic_rxh_format(c->fields[ip[i]], got, sizeof(got)),
				snic_flow_type_name(ip[i]),
				snic_rxh_format(x->p->default_fields[ip[i]], dflt, sizeof(dflt)));
	return 0;
}

static int check_conf(struct exp *x, const struct snic_rss_conf *c, const char *who)
{
	int rc = check_hfunc(x, c, who);

	if (!rc)
		rc = check_flags(x, c, who);
	return rc ? rc : check_ip_fields(x, c, who);
}

/* " equal 4 start 2" or " weight 3 1" into @b; refuses any other RETA. */
static int reta_words(struct exp *x, const struct snic_rss_conf *c, const char *who,
		      struct exp_buf *b)
{
	struct exp_reta r;

	if (exp_reta_form(c, &r))
		return snic_errf(x->err, -ENOMEM, "%s: out of memory", who);
	if (r.form == RETA_OTHER) {
		exp_reta_free(&r);
		return exp_refuse(x,
				  "%s RETA entry %u names queue %u where %s gives %u: ethtool "
				  "-X takes only equal N or weight W... [start S]",
				  who, r.bad, c->reta[r.bad], r.near, r.want);
	}
	exp_put(b, " ");
	exp_reta_words(&r, r.form == RETA_WEIGHT, b);
	exp_reta_free(&r);
	return exp_fits(b) ? 0
			   : snic_errf(x->err, -E2BIG, "%s: the RETA's words are too long", who);
}

/* ethtool -X DEV [context new] hkey ... hfunc ... equal/weight ... */
static int put_rxfh(struct exp *x, const char *dev, const struct snic_rss_conf *c, const char *who,
		    bool ctx)
{
	const struct hf_word *hf = &hf_words[c->hfunc];
	char key[SNIC_RSS_KEY_MAX * 3], reta[EXP_RETA_WORDS] = "", xfrm[40] = "";
	struct exp_buf b = EXP_BUF(reta);
	int rc = reta_words(x, c, who, &b);

	if (rc)
		return rc;
	if (hf->xfrm) {
		exp_line(x, "# xfrm %s needs ethtool and Linux %s or later (Debian 12 has 6.1)",
			 hf->xfrm, hf->since);
		snprintf(xfrm, sizeof(xfrm), " xfrm %s", hf->xfrm);
	}
	exp_line(x, "ethtool -X %s%s hkey %s hfunc %s%s%s", dev, ctx ? " context new" : "",
		 snic_word_hex_str(c->key, c->key_len, ':', key, sizeof(key)), hf->hfunc, xfrm,
		 reta);
	return 0;
}

static void put_fields(struct exp *x, const char *dev, const struct snic_rss_conf *c)
{
	char letters[8];

	for (size_t i = 0; i < N_HASH_TYPES; i++) {
		enum snic_flow_type ft = hash_types[i];

		if (c->fields[ft] == x->p->default_fields[ft])
			continue;
		snic_rxh_format(c->fields[ft], letters, sizeof(letters));
		exp_line(x, "ethtool -N %s rx-flow-hash %s %s", dev, snic_flow_type_name(ft),
			 letters[0] ? letters : "''");
	}
}

/* What the PF's RSS means for the VFs' pools, where they have none. */
static const char *pools_note(const struct exp *x, unsigned vport)
{
	if (vport != snic_nic_pf_vport(x->nic) || !snic_nic_numvfs(x->nic) || x->p->rss_per_pool)
		return "";
	if (x->p->quirks & SNIC_Q_VF_NO_RSS)
		return ", the PF's pool only: VF pools take their queue 0";
	return ", shared by every pool";
}

static int vport_rss(struct exp *x, unsigned vport, const char *dev)
{
	struct snic_rss_conf c;
	char who[16];
	int rc;

	exp_vport_name(x, vport, who);
	rc = snic_nic_rss_get(x->nic, vport, &c, x->err);
	if (!rc)
		rc = check_conf(x, &c, who);
	if (rc)
		return rc;
	exp_line(x, "# RSS of %s: %u-entry RETA%s", who, c.reta_size, pools_note(x, vport));
	rc = put_rxfh(x, dev, &c, who, false);
	if (!rc)
		put_fields(x, dev, &c);
	return rc;
}

/* ---- contexts ---- */

/* The id a driver gives snic context @id: contexts are made on each
 * interface in id order, numbered from 1 per interface. */
static unsigned ctx_ordinal(const struct exp *x, unsigned id)
{
	const struct exp_ctx *c = exp_ctx_find(x, id);
	unsigned n = 0;

	for (unsigned i = 0; c && i < x->nctx; i++)
		n += x->ctx[i].vport == c->vport && x->ctx[i].id <= id;
	return n;
}

static const char *ctx_who(const struct exp_ctx *c, char *buf, size_t size)
{
	if (c->name[0])
		snprintf(buf, size, "context %u (%s)", c->id, c->name);
	else
		snprintf(buf, size, "context %u", c->id);
	return buf;
}

static int ctx_check(struct exp *x, const struct exp_ctx *c)
{
	struct snic_rss_conf base;
	char who[48], vp[16];

	ctx_who(c, who, sizeof(who));
	if (c->vport != snic_nic_pf_vport(x->nic) && exp_vf_rss(x, x->caps->vf.rxfh) != VF_RSS_OWN)
		return exp_refuse(x, "%s of %s: %s's VFs take no ethtool -X", who,
				  exp_vport_name(x, c->vport, vp), x->caps->driver);
	if (snic_nic_rss_get(x->nic, c->vport, &base, x->err))
		return x->err->code;
	if (memcmp(base.fields, c->conf.fields, sizeof(base.fields)))
		return exp_refuse(x,
				  "%s rx-flow-hash: ethtool 6.1 sets fields per interface, "
				  "not per context (%s's differ)",
				  who, exp_vport_name(x, c->vport, vp));
	return check_conf(x, &c->conf, who);
}

static int check_contexts(struct exp *x)
{
	for (unsigned i = 0; i < x->nctx; i++) {
		int rc = ctx_check(x, &x->ctx[i]);

		if (rc)
			return rc;
	}
	return 0;
}

/* The contexts of @vport, made on @dev. */
static int contexts(struct exp *x, unsigned vport, const char *dev)
{
	char who[48];

	for (unsigned i = 0; i < x->nctx; i++) {
		const struct exp_ctx *c = &x->ctx[i];
		int rc;

		if (c->vport != vport)
			continue;
		ctx_who(c, who, sizeof(who));
		exp_line(x, "# %s: the driver numbers it %u", who, ctx_ordinal(x, c->id));
		rc = put_rxfh(x, dev, &c->conf, who, true);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- VFs ---- */

/* A VF that can't set its RSS must have what the PF driver gives it. */
static int vf_fixed(struct exp *x, unsigned vf)
{
	char diff[64];
	unsigned nq;
	int rc = exp_vf_driver_diff(x, vf, diff, sizeof(diff), &nq);

	if (rc > 0)
		return exp_refuse(x,
				  "vf%u RSS (%s): %s's VFs can't set their RSS; the PF driver "
				  "gives them its key, hash and fields, and equal %u",
				  vf, diff, x->caps->driver, nq);
	if (!rc)
		exp_line(x, "# RSS of vf%u: as %s sets up its pool", vf, x->caps->driver);
	return rc;
}

static int vf_own(struct exp *x, unsigned vf)
{
	char dev[EXP_DEV_MAX + 16];
	int rc;

	if (!x->vf_prefix[0])
		return snic_errf(x->err, -EINVAL,
				 "vf%u RSS: name the VFs' interfaces with --vf-dev PREFIX", vf);
	snprintf(dev, sizeof(dev), "%s%u", x->vf_prefix, vf);
	exp_line(x, "# run where vf%u's interface %s is (its guest)", vf, dev);
	rc = vport_rss(x, vf, dev);
	return rc ? rc : contexts(x, vf, dev);
}

static int vfs_rss(struct exp *x)
{
	enum exp_vf_rss how = exp_vf_rss(x, x->caps->vf.rxfh);
	unsigned n = how == VF_RSS_NONE ? 0 : snic_nic_numvfs(x->nic);

	for (unsigned vf = 0; vf < n; vf++) {
		int rc = how == VF_RSS_OWN ? vf_own(x, vf) : vf_fixed(x, vf);

		if (rc)
			return rc;
	}
	return 0;
}

/* ---- flow rules ---- */

static const char *const nt_names[NT_COUNT] = {
	"ether", "ip4", "tcp4", "udp4", "sctp4", "ip6", "tcp6", "udp6", "sctp6",
};

static enum exp_nt rule_type(const struct snic_flow_rule *r)
{
	static const struct {
		uint8_t proto;
		enum exp_nt v4, v6;
	} l4[] = {{6, NT_TCP4, NT_TCP6}, {17, NT_UDP4, NT_UDP6}, {132, NT_SCTP4, NT_SCTP6}};
	bool ip = r->match & (SNIC_FM_IP_VER | SNIC_FM_IP_SRC | SNIC_FM_IP_DST);

	if (!ip || (r->ip_ver != 4 && r->ip_ver != 6))
		return NT_ETHER;
	for (size_t i = 0; (r->match & SNIC_FM_L4_PROTO) && i < 3; i++)
		if (l4[i].proto == r->l4_proto)
			return r->ip_ver == 4 ? l4[i].v4 : l4[i].v6;
	return r->ip_ver == 4 ? NT_IP4 : NT_IP6;
}

/* Names of match fields, for messages. */
static const struct {
	uint32_t bit;
	const char *name;
} fm_names[] = {
	{SNIC_FM_DMAC, "dst-mac"},   {SNIC_FM_ETHERTYPE, "proto"}, {SNIC_FM_VLAN, "vlan"},
	{SNIC_FM_IP_SRC, "src-ip"},  {SNIC_FM_IP_DST, "dst-ip"},   {SNIC_FM_L4_PROTO, "l4proto"},
	{SNIC_FM_SPORT, "src-port"}, {SNIC_FM_DPORT, "dst-port"},  {SNIC_FM_VNI, "vni"},
	{SNIC_FM_TEID, "teid"},	     {SNIC_FM_IP_VER, "ip"},
};

static const char *fm_name(uint32_t bits)
{
	for (size_t i = 0; i < sizeof(fm_names) / sizeof(fm_names[0]); i++)
		if (bits & fm_names[i].bit)
			return fm_names[i].name;
	return "?";
}

/* "flow rule 2 (flow-type tcp6 dst-port 80 action 1)" */
static const char *rule_who(const struct exp *x, unsigned i, char *buf, size_t size)
{
	char words[160];

	snic_flowspec_format(x->nic, &x->rules[i].rule, words, sizeof(words));
	snprintf(buf, size, "flow rule %u (%.100s)", i, words);
	return buf;
}

static void type_list(uint16_t types, struct exp_buf *b)
{
	for (unsigned t = 0; t < NT_COUNT; t++)
		if (types & NT_BIT(t))
			exp_put(b, "%s%s", b->off ? ", " : "", nt_names[t]);
}

static bool ip_partial(const struct snic_flow_rule *r)
{
	unsigned full = r->ip_ver == 6 ? 128 : 32;

	return ((r->match & SNIC_FM_IP_SRC) && r->src_plen < full) ||
	       ((r->match & SNIC_FM_IP_DST) && r->dst_plen < full);
}

static bool partial(const struct snic_flow_rule *r)
{
	static const uint8_t all[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	return ip_partial(r) || ((r->match & SNIC_FM_SPORT) && r->sport_mask != 0xffff) ||
	       ((r->match & SNIC_FM_DPORT) && r->dport_mask != 0xffff) ||
	       ((r->match & SNIC_FM_VLAN) && r->vlan_mask != 0xffff) ||
	       ((r->match & SNIC_FM_DMAC) && memcmp(r->dmac_mask, all, 6));
}

static int check_fields(struct exp *x, const struct snic_flow_rule *r, const char *who)
{
	enum exp_nt t = rule_type(r);
	uint32_t extra = r->match & ~x->caps->nt.match;
	char types[96] = "";
	struct exp_buf tb = EXP_BUF(types);

	if (r->match & (SNIC_FM_VNI | SNIC_FM_TEID))
		return exp_refuse(x, "%s: ethtool -N can't match on %s", who,
				  fm_name(r->match & (SNIC_FM_VNI | SNIC_FM_TEID)));
	if (!x->caps->nt.types)
		return exp_refuse(x, "%s: %s takes no ethtool -N flow rules", who, x->caps->driver);
	type_list(x->caps->nt.types, &tb);
	if (!(x->caps->nt.types & NT_BIT(t)))
		return exp_refuse(x, "%s: %s takes flow-type %s, not %s", who, x->caps->driver,
				  types, nt_names[t]);
	if (extra)
		return exp_refuse(x, "%s: %s can't match on %s", who, x->caps->driver,
				  fm_name(extra));
	if (!x->caps->nt.partial && partial(r))
		return exp_refuse(x, "%s: %s takes only whole fields (no prefix, no mask)", who,
				  x->caps->driver);
	if (x->caps->nt.vlan_vid && (r->match & SNIC_FM_VLAN) && r->vlan_mask != 0x0fff)
		return exp_refuse(x, "%s: %s matches a VLAN on its whole VID only", who,
				  x->caps->driver);
	return 0;
}

static int check_action(struct exp *x, const struct snic_flow_rule *r, const char *who)
{
	bool vf = r->vport != snic_nic_pf_vport(x->nic);

	if ((r->flags & SNIC_FLOW_F_MARK) || r->action == SNIC_ACT_MARK)
		return exp_refuse(x, "%s: ethtool -N has no mark (testpmd has: --format dpdk)",
				  who);
	if (vf && !x->caps->nt.vf)
		return exp_refuse(x, "%s: %s can't steer to a VF's queue (vf N queue Q)", who,
				  x->caps->driver);
	if (vf && r->action != SNIC_ACT_QUEUE)
		return exp_refuse(x, "%s: ethtool's vf N takes a queue, not a drop or a context",
				  who);
	if (r->action == SNIC_ACT_RSS && !x->caps->nt.context)
		return exp_refuse(x, "%s: %s has no RSS contexts", who, x->caps->driver);
	return 0;
}

/* What a driver with one mask per port compares: the flow type class and
 * the mask of every field (0 for a field not matched). */
struct mask_sig {
	bool ip_only;
	uint8_t src_plen, dst_plen;
	uint16_t sport, dport, vlan;
	uint32_t fields;
};

static struct mask_sig mask_of(const struct snic_flow_rule *r)
{
	struct mask_sig s = {
		.ip_only = rule_type(r) == NT_IP4 || rule_type(r) == NT_IP6,
		.fields = r->match & (SNIC_FM_IP_SRC | SNIC_FM_IP_DST | SNIC_FM_SPORT |
				      SNIC_FM_DPORT | SNIC_FM_VLAN),
	};

	s.src_plen = (r->match & SNIC_FM_IP_SRC) ? r->src_plen : 0;
	s.dst_plen = (r->match & SNIC_FM_IP_DST) ? r->dst_plen : 0;
	s.sport = (r->match & SNIC_FM_SPORT) ? r->sport_mask : 0;
	s.dport = (r->match & SNIC_FM_DPORT) ? r->dport_mask : 0;
	s.vlan = (r->match & SNIC_FM_VLAN) ? r->vlan_mask : 0;
	return s;
}

static bool same_mask(const struct snic_flow_rule *a, const struct snic_flow_rule *b)
{
	struct mask_sig x = mask_of(a), y = mask_of(b);

	return x.ip_only == y.ip_only && x.src_plen == y.src_plen && x.dst_plen == y.dst_plen &&
	       x.sport == y.sport && x.dport == y.dport && x.vlan == y.vlan && x.fields == y.fields;
}

static int check_rule(struct exp *x, unsigned i)
{
	const struct snic_flow_rule *r = &x->rules[i].rule;
	char who[160];
	int rc;

	rule_who(x, i, who, sizeof(who));
	rc = check_fields(x, r, who);
	if (!rc)
		rc = check_action(x, r, who);
	if (!rc && x->caps->nt.one_mask && i && !same_mask(r, &x->rules[0].rule))
		rc = exp_refuse(x,
				"%s: %s takes one mask per port: fields and masks must be "
				"those of flow rule 0",
				who, x->caps->driver);
	return rc;
}

/* ---- rule words ---- */

/* An address and, for a prefix, the bits ethtool is to ignore. */
static void put_ip(struct exp_buf *w, const char *name, const uint8_t *a, unsigned plen, int ver)
{
	unsigned bytes = ver == 4 ? 4 : 16;
	char s[INET6_ADDRSTRLEN];
	uint8_t m[16] = {0};

	exp_put(w, " %s %s", name, inet_ntop(ver == 4 ? AF_INET : AF_INET6, a, s, sizeof(s)));
	if (plen >= bytes * 8)
		return;
	for (unsigned i = plen; i < bytes * 8; i++)
		m[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	exp_put(w, " m %s", inet_ntop(ver == 4 ? AF_INET : AF_INET6, m, s, sizeof(s)));
}

static void put_u16(struct exp_buf *w, const char *name, unsigned v, uint16_t care)
{
	exp_put(w, " %s %u", name, v);
	if (care != 0xffff)
		exp_put(w, " m 0x%04x", (uint16_t)~care);
}

static void put_mac(struct exp_buf *w, const char *name, const uint8_t *mac, const uint8_t *care)
{
	uint8_t ign[6];
	char s[18];
	bool full = true;

	exp_put(w, " %s %s", name, snic_word_mac_str(mac, s));
	for (int i = 0; i < 6; i++) {
		ign[i] = (uint8_t)~care[i];
		full = full && !ign[i];
	}
	if (!full)
		exp_put(w, " m %s", snic_word_mac_str(ign, s));
}

static void put_match(struct exp_buf *w, const struct snic_flow_rule *r, enum exp_nt t)
{
	if ((r->match & SNIC_FM_DMAC) && t == NT_ETHER)
		put_mac(w, "dst", r->dmac, r->dmac_mask);
	if ((r->match & SNIC_FM_ETHERTYPE) && t == NT_ETHER)
		exp_put(w, " proto 0x%04x", r->ethertype);
	if (r->match & SNIC_FM_IP_SRC)
		put_ip(w, "src-ip", r->ip_src, r->src_plen, r->ip_ver);
	if (r->match & SNIC_FM_IP_DST)
		put_ip(w, "dst-ip", r->ip_dst, r->dst_plen, r->ip_ver);
	if ((r->match & SNIC_FM_L4_PROTO) && (t == NT_IP4 || t == NT_IP6))
		exp_put(w, " l4proto %u", r->l4_proto);
	if (r->match & SNIC_FM_SPORT)
		put_u16(w, "src-port", r->sport, r->sport_mask);
	if (r->match & SNIC_FM_DPORT)
		put_u16(w, "dst-port", r->dport, r->dport_mask);
	if (r->match & SNIC_FM_VLAN)
		put_u16(w, "vlan", r->vlan_tci, r->vlan_mask);
	if ((r->match & SNIC_FM_DMAC) && t != NT_ETHER)
		put_mac(w, "dst-mac", r->dmac, r->dmac_mask);
}

static void put_rule_action(struct exp *x, struct exp_buf *w, const struct snic_flow_rule *r)
{
	if (r->vport != snic_nic_pf_vport(x->nic))
		exp_put(w, " vf %u queue %u", r->vport, r->queue);
	else if (r->action == SNIC_ACT_DROP)
		exp_put(w, " action -1");
	else if (r->action == SNIC_ACT_RSS)
		exp_put(w, " context %u", ctx_ordinal(x, r->rss_ctx));
	else
		exp_put(w, " action %u", r->queue);
}

static int rule_line(struct exp *x, unsigned i)
{
	const struct snic_flow_rule *r = &x->rules[i].rule;
	enum exp_nt t = rule_type(r);
	char buf[512];
	struct exp_buf w = EXP_BUF(buf);

	exp_put(&w, "ethtool -N %s flow-type %s", x->dev, nt_names[t]);
	put_match(&w, r, t);
	put_rule_action(x, &w, r);
	exp_put(&w, " loc %u", i);
	if (!exp_fits(&w))
		return snic_errf(x->err, -E2BIG, "flow rule %u: too long", i);
	exp_line(x, "%s", buf);
	return 0;
}

static int rules(struct exp *x)
{
	for (unsigned i = 0; i < x->nrules; i++) {
		int rc = check_rule(x, i);

		if (!rc)
			rc = rule_line(x, i);
		if (rc)
			return rc;
	}
	return 0;
}

int exp_ethtool(struct exp *x)
{
	unsigned pf = snic_nic_pf_vport(x->nic);
	int rc = check_contexts(x);

	if (!rc)
		rc = vport_rss(x, pf, x->dev);
	if (!rc)
		rc = contexts(x, pf, x->dev);
	if (!rc)
		rc = vfs_rss(x);
	return rc ? rc : rules(x);
}
