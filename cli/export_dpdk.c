/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic export, the dpdk format: commands for testpmd (dpdk-testpmd -i, or
 * its --cmdline-file). Port P is the PF (--port), port P+1+n is VF n, as
 * testpmd numbers ports given the PF's and then the VFs' PCI addresses.
 *
 *	port config 0 rss-hash-key ipv4 6d5a56da...
 *	flow create 0 ingress pattern end actions rss func toeplitz types ipv4
 *	    ipv4-tcp end key 6d5a56da... queues 0 1 2 3 end / end
 *	port config 0 rss reta (0,0),(1,1),(2,2),(3,3),(4,0),(5,1),(6,2),(7,3)
 *	flow create 0 priority 1 ingress pattern eth / ipv4 / tcp dst is 80 / end
 *	    actions queue index 1 / end
 *
 * The key is the port's (rss-hash-key wants a type word, which it ignores).
 * A port's hash function and types go in a pattern-less rss rule (testpmd's
 * `port config all rss` takes one type for every port), which carries the
 * key too; a port whose PMD has no rte_flow gets that one type. The RETA
 * follows, 8 entries a command (a testpmd token has at most 128 bytes), and
 * may have any shape. A context becomes the rss action of the rules that use
 * it: its queues are spread equally, so it must be an equal RETA. SR-IOV
 * and the VFs' knobs are not testpmd's: see the ip format.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "export.h"
#include "words.h"

/* RETA entries a `port config P rss reta` command takes. */
#define RETA_CHUNK  8
/* Longest command testpmd reads: its line editor holds 512 bytes
 * (RDLINE_BUF_SIZE), the end of line and the terminator included. */
#define DP_LINE_MAX 510

static const char *const dp_funcs[SNIC_HFUNC_COUNT] = {
	[SNIC_HFUNC_TOEPLITZ] = "toeplitz",
	[SNIC_HFUNC_SYM_XOR] = "symmetric_toeplitz",
	[SNIC_HFUNC_SYM_SORT] = "symmetric_toeplitz_sort",
	[SNIC_HFUNC_XOR] = "simple_xor",
};

/* The rss type of each flow type: the L3 one hashes s and d. */
static const char *const dp_types[SNIC_FT_COUNT] = {
	[SNIC_FT_IP4] = "ipv4",	       [SNIC_FT_TCP4] = "ipv4-tcp",   [SNIC_FT_UDP4] = "ipv4-udp",
	[SNIC_FT_SCTP4] = "ipv4-sctp", [SNIC_FT_IP6] = "ipv6",	      [SNIC_FT_TCP6] = "ipv6-tcp",
	[SNIC_FT_UDP6] = "ipv6-udp",   [SNIC_FT_SCTP6] = "ipv6-sctp",
};

#define SD   (SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST)
#define SDFN (SD | SNIC_RXH_L4_B_0_1 | SNIC_RXH_L4_B_2_3)

static int flush(struct exp *x, struct exp_buf *l, const char *who)
{
	if (!exp_fits(l))
		return exp_refuse(x,
				  "%s: its testpmd command passes %d bytes, the most testpmd "
				  "reads",
				  who, DP_LINE_MAX);
	exp_line(x, "%s", l->buf);
	l->off = 0;
	return 0;
}

static unsigned vport_port(const struct exp *x, unsigned vport)
{
	return vport == snic_nic_pf_vport(x->nic) ? x->port : x->port + 1 + vport;
}

/* ---- rss types ---- */

/* One IP version: the L3 type when it hashes on s and d, and each L4 type
 * that hashes on the 4-tuple; an L4 type not given hashes as its IP. */
static int put_version(struct exp *x, struct exp_buf *l, const struct snic_rss_conf *c,
		       const enum snic_flow_type *ft, const char *who, unsigned *ntypes)
{
	char got[8], ip[8];
	unsigned ipf = c->fields[ft[0]];

	if (ipf && ipf != SD)
		return exp_refuse(x,
				  "%s rx-flow-hash %s '%s': rss types hash IP on s and d, or "
				  "not at all",
				  who, snic_flow_type_name(ft[0]), snic_rxh_format(ipf, got, 8));
	for (int i = 1; i < 4; i++) {
		unsigned f = c->fields[ft[i]];

		if (f == SDFN) {
			exp_put(l, " %s", dp_types[ft[i]]);
			++*ntypes;
		} else if (f != ipf) {
			return exp_refuse(
				x,
				"%s rx-flow-hash %s '%s' with %s '%s': rss types hash it on "
				"sdfn or as its IP",
				who, snic_flow_type_name(ft[i]), snic_rxh_format(f, got, 8),
				snic_flow_type_name(ft[0]), snic_rxh_format(ipf, ip, 8));
		}
	}
	if (ipf) {
		exp_put(l, " %s", dp_types[ft[0]]);
		++*ntypes;
	}
	return 0;
}

/* " func F [level 2] types ... end key K queues ... end" */
static int put_rss(struct exp *x, struct exp_buf *l, const struct snic_rss_conf *c, const char *who)
{
	static const enum snic_flow_type v4[] = {SNIC_FT_IP4, SNIC_FT_TCP4, SNIC_FT_UDP4,
						 SNIC_FT_SCTP4};
	static const enum snic_flow_type v6[] = {SNIC_FT_IP6, SNIC_FT_TCP6, SNIC_FT_UDP6,
						 SNIC_FT_SCTP6};
	uint16_t q[SNIC_RETA_MAX];
	char key[SNIC_RSS_KEY_MAX * 2 + 1];
	unsigned nq = exp_reta_queues(c, q), ntypes = 0;
	int rc;

	if (c->hfunc >= SNIC_HFUNC_COUNT || !dp_funcs[c->hfunc])
		return exp_refuse(x, "%s hfunc %s: rte_flow has no such hash function", who,
				  snic_hfunc_name((enum snic_hfunc)c->hfunc));
	exp_put(l, " rss func %s%s types", dp_funcs[c->hfunc],
		(c->flags & SNIC_RSS_INNER) ? " level 2" : "");
	rc = put_version(x, l, c, v4, who, &ntypes);
	if (!rc)
		rc = put_version(x, l, c, v6, who, &ntypes);
	if (rc)
		return rc;
	if (c->flags & SNIC_RSS_TEID)
		exp_put(l, " gtpu");
	else if (!ntypes)
		return exp_refuse(x,
				  "%s hashes on no field: an rss action without types hashes "
				  "as the PMD chooses",
				  who);
	exp_put(l, " end key %s queues",
		snic_word_hex_str(c->key, c->key_len, 0, key, sizeof(key)));
	for (unsigned i = 0; i < nq; i++)
		exp_put(l, " %u", q[i]);
	exp_put(l, " end");
	return 0;
}

static int check_letters(struct exp *x, const struct snic_rss_conf *c, const char *who)
{
	const unsigned other = SNIC_RXH_L2DA | SNIC_RXH_VLAN | SNIC_RXH_L3_PROTO;
	char got[8];

	for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++)
		if (c->fields[ft] & other)
			return exp_refuse(x,
					  "%s rx-flow-hash %s '%s': rss types can't add m, v "
					  "or t",
					  who, snic_flow_type_name((enum snic_flow_type)ft),
					  snic_rxh_format(c->fields[ft], got, sizeof(got)));
	return 0;
}

/* ---- a port's RSS ---- */

static int put_reta(struct exp *x, unsigned port, const struct snic_rss_conf *c)
{
	char text[DP_LINE_MAX + 1];
	struct exp_buf l = EXP_BUF(text);

	for (unsigned i = 0; i < c->reta_size; i += RETA_CHUNK) {
		exp_put(&l, "port config %u rss reta ", port);
		for (unsigned j = i; j < i + RETA_CHUNK && j < c->reta_size; j++)
			exp_put(&l, "%s(%u,%u)", j > i ? "," : "", j, c->reta[j]);
		if (flush(x, &l, "a RETA"))
			return x->err->code;
	}
	return 0;
}

/* The `port config all rss` type that hashes as @c does, or NULL. */
static const char *one_type(const struct snic_rss_conf *c)
{
	static const struct {
		const char *name;
		unsigned sdfn; /* flow types on the 4-tuple, the others on nothing */
	} l4[] = {
		{"tcp", (1u << SNIC_FT_TCP4) | (1u << SNIC_FT_TCP6)},
		{"udp", (1u << SNIC_FT_UDP4) | (1u << SNIC_FT_UDP6)},
		{"sctp", (1u << SNIC_FT_SCTP4) | (1u << SNIC_FT_SCTP6)},
		{"none", 0},
	};
	bool all_sd = true;

	for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++)
		all_sd = all_sd && c->fields[ft] == SD;
	if (all_sd)
		return "ip";
	for (size_t i = 0; i < sizeof(l4) / sizeof(l4[0]); i++) {
		bool ok = true;

		for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++)
			ok = ok && c->fields[ft] == ((l4[i].sdfn >> ft) & 1 ? SDFN : 0);
		if (ok)
			return l4[i].name;
	}
	return NULL;
}

/* Whether @vport's port takes an rss rule (rte_flow). */
static bool port_flows(const struct exp *x, unsigned vport)
{
	return vport == snic_nic_pf_vport(x->nic) ? x->caps->dp.flow : x->caps->dp.vf_flow;
}

/* A port without rte_flow takes its hash types from `port config all rss
 * TYPE`, one type for every port, and keeps the PMD's hash function. */
static int plain_types(struct exp *x, unsigned vport, const char **type)
{
	struct snic_rss_conf c;
	const char *t;
	char who[16];

	exp_vport_name(x, vport, who);
	if (snic_nic_rss_get(x->nic, vport, &c, x->err))
		return x->err->code;
	t = one_type(&c);
	if (c.hfunc != x->p->default_hfunc || c.flags)
		return exp_refuse(x, "%s hfunc or flags: the %s%s PMD has no rte_flow to set them",
				  who, x->caps->pmd, vport_port(x, vport) == x->port ? "" : " VF");
	if (!t || (*type && strcmp(t, *type)))
		return exp_refuse(x,
				  "%s rx-flow-hash: the %s%s PMD has no rte_flow, and testpmd's "
				  "port config all rss takes one type for every port",
				  who, x->caps->pmd, vport_port(x, vport) == x->port ? "" : " VF");
	*type = t;
	return 0;
}

static int all_types(struct exp *x)
{
	unsigned pf = snic_nic_pf_vport(x->nic), n = snic_nic_numvfs(x->nic);
	const char *type = NULL;
	int rc = port_flows(x, pf) ? 0 : plain_types(x, pf, &type);

	for (unsigned vf = 0; !rc && exp_vf_rss(x, x->caps->dp.vf_rss) == VF_RSS_OWN && vf < n;
	     vf++)
		rc = port_flows(x, vf) ? 0 : plain_types(x, vf, &type);
	if (!rc && type)
		exp_line(x, "port config all rss %s", type);
	return rc;
}

/* Testpmd's tokens have at most 127 bytes: 63 key bytes in hex. */
#define KEY_MAX 63

static int port_rss(struct exp *x, unsigned vport)
{
	unsigned port = vport_port(x, vport);
	struct snic_rss_conf c;
	char who[16], key[SNIC_RSS_KEY_MAX * 2 + 1];
	char text[DP_LINE_MAX + 1];
	struct exp_buf l = EXP_BUF(text);
	int rc;

	exp_vport_name(x, vport, who);
	if (snic_nic_rss_get(x->nic, vport, &c, x->err))
		return x->err->code;
	rc = check_letters(x, &c, who);
	if (!rc && c.key_len > KEY_MAX)
		rc = exp_refuse(x, "%s hkey of %u bytes: testpmd's rss-hash-key takes %u at most",
				who, c.key_len, KEY_MAX);
	if (rc)
		return rc;
	exp_line(x, "# RSS of %s: port %u, %u-entry RETA", who, port, c.reta_size);
	exp_line(x, "port config %u rss-hash-key ipv4 %s", port,
		 snic_word_hex_str(c.key, c.key_len, 0, key, sizeof(key)));
	if (port_flows(x, vport)) {
		exp_put(&l, "flow create %u ingress pattern end actions", port);
		rc = put_rss(x, &l, &c, who);
		exp_put(&l, " / end");
		rc = rc ? rc : flush(x, &l, who);
	}
	return rc ? rc : put_reta(x, port, &c);
}

/* A VF port that can't set its RSS must have the PF driver's. */
static int vf_fixed(struct exp *x, unsigned vf)
{
	char diff[64];
	unsigned nq;
	int rc = exp_vf_driver_diff(x, vf, diff, sizeof(diff), &nq);

	if (rc > 0)
		return exp_refuse(x, "vf%u RSS (%s): a %s VF port can't set its RSS", vf, diff,
				  x->caps->pmd);
	return rc;
}

static int ports_rss(struct exp *x)
{
	enum exp_vf_rss how = exp_vf_rss(x, x->caps->dp.vf_rss);
	unsigned n = how == VF_RSS_NONE ? 0 : snic_nic_numvfs(x->nic);
	int rc = all_types(x);

	if (!rc)
		rc = port_rss(x, snic_nic_pf_vport(x->nic));
	for (unsigned vf = 0; !rc && vf < n; vf++)
		rc = how == VF_RSS_OWN ? port_rss(x, vf) : vf_fixed(x, vf);
	return rc;
}

/* ---- flow rules ---- */

static void put_mac(struct exp_buf *l, const char *name, const uint8_t *mac, const uint8_t *care)
{
	static const uint8_t all[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	char s[18], m[18];

	if (!memcmp(care, all, 6))
		exp_put(l, " %s is %s", name, snic_word_mac_str(mac, s));
	else
		exp_put(l, " %s spec %s %s mask %s", name, snic_word_mac_str(mac, s), name,
			snic_word_mac_str(care, m));
}

static void put_u16(struct exp_buf *l, const char *name, unsigned v, uint16_t care)
{
	if (care == 0xffff)
		exp_put(l, " %s is %u", name, v);
	else
		exp_put(l, " %s spec %u %s mask 0x%04x", name, v, name, care);
}

static void put_ip(struct exp_buf *l, const char *name, const uint8_t *a, unsigned plen, int ver)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(ver == 4 ? AF_INET : AF_INET6, a, s, sizeof(s));
	if (plen >= (ver == 4 ? 32u : 128u))
		exp_put(l, " %s is %s", name, s);
	else
		exp_put(l, " %s spec %s %s prefix %u", name, s, name, plen);
}

static void put_l2(struct exp_buf *l, const struct snic_flow_rule *r)
{
	bool vlan = r->match & SNIC_FM_VLAN;

	exp_put(l, " pattern eth");
	if (r->match & SNIC_FM_DMAC)
		put_mac(l, "dst", r->dmac, r->dmac_mask);
	if ((r->match & SNIC_FM_ETHERTYPE) && !vlan)
		exp_put(l, " type is 0x%04x", r->ethertype);
	if (!vlan)
		return;
	exp_put(l, " / vlan");
	put_u16(l, "tci", r->vlan_tci, r->vlan_mask);
	if (r->match & SNIC_FM_ETHERTYPE)
		exp_put(l, " inner_type is 0x%04x", r->ethertype);
}

static const char *l4_item(const struct snic_flow_rule *r)
{
	if (!(r->match & SNIC_FM_L4_PROTO))
		return NULL;
	switch (r->l4_proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 132:
		return "sctp";
	default:
		return NULL;
	}
}

static void put_l34(struct exp_buf *l, const struct snic_flow_rule *r)
{
	const char *l4 = l4_item(r);

	if (!(r->match & (SNIC_FM_IP_VER | SNIC_FM_IP_SRC | SNIC_FM_IP_DST)))
		return;
	exp_put(l, " / %s", r->ip_ver == 6 ? "ipv6" : "ipv4");
	if (r->match & SNIC_FM_IP_SRC)
		put_ip(l, "src", r->ip_src, r->src_plen, r->ip_ver);
	if (r->match & SNIC_FM_IP_DST)
		put_ip(l, "dst", r->ip_dst, r->dst_plen, r->ip_ver);
	if ((r->match & SNIC_FM_L4_PROTO) && !l4)
		exp_put(l, " proto is %u", r->l4_proto);
	if (!l4)
		return;
	exp_put(l, " / %s", l4);
	if (r->match & SNIC_FM_SPORT)
		put_u16(l, "src", r->sport, r->sport_mask);
	if (r->match & SNIC_FM_DPORT)
		put_u16(l, "dst", r->dport, r->dport_mask);
}

/* The tunnel item: a VNI is VXLAN's or GENEVE's, @geneve picks. */
static void put_tunnel(struct exp_buf *l, const struct snic_flow_rule *r, bool geneve)
{
	if (r->match & SNIC_FM_VNI)
		exp_put(l, " / %s vni is %u", geneve ? "geneve" : "vxlan", r->vni);
	if (r->match & SNIC_FM_TEID)
		exp_put(l, " / gtpu teid is %u", r->teid);
}

static int put_ctx(struct exp *x, struct exp_buf *l, unsigned id, const char *who)
{
	const struct exp_ctx *cx = exp_ctx_find(x, id);
	const struct snic_rss_conf *c = cx ? &cx->conf : NULL;
	struct exp_reta r;
	int form;

	if (!c)
		return snic_errf(x->err, -EINVAL, "%s: context %u is unknown", who, id);
	if (exp_reta_form(c, &r))
		return snic_errf(x->err, -ENOMEM, "%s: out of memory", who);
	form = r.form;
	exp_reta_free(&r);
	if (form != RETA_EQUAL)
		return exp_refuse(x,
				  "%s: context %u's RETA is not equal N: an rss action spreads "
				  "its queues equally",
				  who, id);
	return check_letters(x, c, who) ? x->err->code : put_rss(x, l, c, who);
}

static int put_actions(struct exp *x, struct exp_buf *l, const struct snic_flow_rule *r,
		       const char *who)
{
	exp_put(l, " / end actions");
	if ((r->flags & SNIC_FLOW_F_MARK) || r->action == SNIC_ACT_MARK)
		exp_put(l, " mark id %u /", r->mark);
	if (r->action == SNIC_ACT_QUEUE)
		exp_put(l, " queue index %u", r->queue);
	else if (r->action == SNIC_ACT_DROP)
		exp_put(l, " drop");
	else if (r->action == SNIC_ACT_MARK)
		exp_put(l, " rss");
	else if (put_ctx(x, l, r->rss_ctx, who))
		return x->err->code;
	exp_put(l, " / end");
	return 0;
}

static int check_rule(struct exp *x, const struct snic_flow_rule *r, const char *who)
{
	bool pf = r->vport == snic_nic_pf_vport(x->nic);

	if (pf ? !x->caps->dp.flow : !x->caps->dp.vf_flow)
		return exp_refuse(x, "%s: the %s%s PMD has no rte_flow", who, x->caps->pmd,
				  pf ? "" : " VF");
	if ((r->match & (SNIC_FM_VNI | SNIC_FM_TEID)) && !x->caps->dp.tunnel)
		return exp_refuse(x, "%s: the %s PMD can't match a VNI or a TEID", who,
				  x->caps->pmd);
	if (((r->flags & SNIC_FLOW_F_MARK) || r->action == SNIC_ACT_MARK) && !x->caps->dp.mark)
		return exp_refuse(x, "%s: the %s PMD has no mark action", who, x->caps->pmd);
	return 0;
}

static int rule_line(struct exp *x, const struct snic_flow_rule *r, bool geneve, const char *who)
{
	char text[DP_LINE_MAX + 1];
	struct exp_buf l = EXP_BUF(text);

	exp_put(&l, "flow create %u", vport_port(x, r->vport));
	if (r->priority)
		exp_put(&l, " priority %u", r->priority);
	exp_put(&l, " ingress");
	put_l2(&l, r);
	put_l34(&l, r);
	put_tunnel(&l, r, geneve);
	if (put_actions(x, &l, r, who))
		return x->err->code;
	return flush(x, &l, who);
}

static int rules(struct exp *x)
{
	char who[32];

	for (unsigned i = 0; i < x->nrules; i++) {
		const struct snic_flow_rule *r = &x->rules[i].rule;
		int rc;

		snprintf(who, sizeof(who), "flow rule %u", i);
		rc = check_rule(x, r, who);
		if (!rc && (r->match & SNIC_FM_VNI))
			exp_line(x, "# %s: a VNI is VXLAN's or GENEVE's: one rule each", who);
		if (!rc)
			rc = rule_line(x, r, false, who);
		if (!rc && (r->match & SNIC_FM_VNI))
			rc = rule_line(x, r, true, who);
		if (rc)
			return rc;
	}
	return 0;
}

int exp_dpdk(struct exp *x)
{
	int rc;

	exp_line(x, "# testpmd: port %u is the PF, port %u+1+N is VF N", x->port, x->port);
	rc = ports_rss(x);
	return rc ? rc : rules(x);
}
