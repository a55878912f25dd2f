/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic export: turn a NIC config into the commands that program a real NIC
 * of the same profile to match it: `echo N > sriov_numvfs` and `ip link set
 * DEV vf N ...` (ip), `ethtool -X` and `ethtool -N` (ethtool), or testpmd's
 * `port config` and `flow create` (dpdk).
 *
 * This file reads the command line and the config, holds what each family
 * of profiles' drivers take (the table below: adding a family is adding a
 * row), and runs the emitters.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "export.h"

/*
 * What each family's drivers take: one row a family. Sources, for Linux 6.1
 * and ethtool 6.1 (Debian 12) unless noted:
 *
 * - ixgbe (82599, X550): ixgbe_ethtool.c: ixgbe_flowspec_to_flow_type takes
 *   tcp4, udp4, sctp4 and ip4 only; ixgbe_add_ethtool_fdir_entry copies
 *   addresses, ports and, with FLOW_EXT, the VLAN TCI, and refuses a mask
 *   that differs from the first rule's ("Only one mask supported per
 *   port"); `vf N queue Q` maps to (vf - 1) * queues per pool + Q. No
 *   FLOW_MAC_EXT, no RSS contexts. ixgbe_sriov.c:
 *   ixgbe_ndo_set_vf_rss_query_en: 82599 and X540 only, the devices whose
 *   VFs read the PF's key and RETA. ixgbevf has no set_rxfh: a VF's key and
 *   RETA are the PF driver's (ixgbe_setup_vfreta). DPDK: ixgbe_flow.c
 *   (ntuple, fdir with mark, RSS filter); the ixgbevf PMD has no rte_flow
 *   but takes reta_update/rss_hash_update where the VF has its own (X550).
 * - ice: ice_ethtool_fdir.c: ice_set_fdir_input_set: ip4/6, tcp4/6,
 *   udp4/6, sctp4/6; "Flow director filters are not supported on VF
 *   queues"; only full or empty masks. iavf takes ethtool -X and
 *   rx-flow-hash. DPDK: ice and iavf have rte_flow (fdir, switch, hash).
 * - mlx5: en_fs_ethtool.c: ether, tcp4/6, udp4/6, ip4/6 (no SCTP);
 *   FLOW_EXT VLAN only as the whole VID; FLOW_MAC_EXT; FLOW_RSS contexts.
 *   A VF is a function with its own netdev and RSS. DPDK: mlx5 rte_flow.
 * - igb: igb_main.c: NETIF_F_NTUPLE only from the i350: the 82576 has no
 *   ethtool -N flow rules; igb_netdev_ops has no ndo_set_vf_link_state.
 *   DPDK: igb_flow.c (ntuple, RSS filter, no mark); igbvf has none.
 * - virtio-net, ENA: no ntuple rules in Linux; no rte_flow in DPDK.
 * - generic: a driver that takes everything ethtool can say.
 */
#define FM_L3 (SNIC_FM_IP_VER | SNIC_FM_L4_PROTO | SNIC_FM_IP_SRC | SNIC_FM_IP_DST)
#define FM_L4 (SNIC_FM_SPORT | SNIC_FM_DPORT)
#define NT_V4 (NT_BIT(NT_IP4) | NT_BIT(NT_TCP4) | NT_BIT(NT_UDP4) | NT_BIT(NT_SCTP4))
#define NT_V6 (NT_BIT(NT_IP6) | NT_BIT(NT_TCP6) | NT_BIT(NT_UDP6) | NT_BIT(NT_SCTP6))
#define NT_ALL_BUT_SCTP                                                                            \
	(NT_BIT(NT_ETHER) | NT_BIT(NT_IP4) | NT_BIT(NT_TCP4) | NT_BIT(NT_UDP4) | NT_BIT(NT_IP6) |  \
	 NT_BIT(NT_TCP6) | NT_BIT(NT_UDP6))

static const struct exp_caps caps_table[] = {
	{
		.family = "generic",
		.driver = "a generic driver",
		.pmd = "a generic PMD",
		.nt = {.types = NT_BIT(NT_ETHER) | NT_V4 | NT_V6,
		       .match = FM_L3 | FM_L4 | SNIC_FM_DMAC | SNIC_FM_ETHERTYPE | SNIC_FM_VLAN,
		       .partial = true,
		       .vf = true,
		       .context = true},
		.vf = {.link_state = true, .query_rss = QRSS_ALL, .rxfh = true},
		.dp = {.flow = true, .vf_flow = true, .tunnel = true, .mark = true, .vf_rss = true},
	},
	{
		.family = "ixgbe",
		.driver = "ixgbe",
		.pmd = "ixgbe",
		.nt = {.types = NT_V4,
		       .match = FM_L3 | FM_L4 | SNIC_FM_VLAN,
		       .partial = true,
		       .one_mask = true,
		       .vf = true},
		.vf = {.link_state = true, .query_rss = QRSS_SHARED},
		.dp = {.flow = true, .mark = true, .vf_rss = true},
	},
	{
		.family = "ice",
		.driver = "ice",
		.pmd = "ice",
		.nt = {.types = NT_V4 | NT_V6, .match = FM_L3 | FM_L4},
		.vf = {.link_state = true, .rxfh = true},
		.dp = {.flow = true, .vf_flow = true, .tunnel = true, .mark = true, .vf_rss = true},
	},
	{
		.family = "mlx5",
		.driver = "mlx5_core",
		.pmd = "mlx5",
		.nt = {.types = NT_ALL_BUT_SCTP,
		       .match = FM_L3 | FM_L4 | SNIC_FM_DMAC | SNIC_FM_ETHERTYPE | SNIC_FM_VLAN,
		       .partial = true,
		       .context = true,
		       .vlan_vid = true},
		.vf = {.link_state = true, .rxfh = true},
		.dp = {.flow = true, .vf_flow = true, .tunnel = true, .mark = true, .vf_rss = true},
	},
	{
		.family = "igb",
		.driver = "igb",
		.pmd = "igb",
		.dp = {.flow = true},
	},
	{
		.family = "virtio-net",
		.driver = "virtio_net",
		.pmd = "virtio",
	},
	{
		.family = "ena",
		.driver = "ena",
		.pmd = "ena",
	},
};

#define N_CAPS (sizeof(caps_table) / sizeof(caps_table[0]))

const struct exp_caps *exp_caps_find(const char *profile)
{
	for (size_t i = 0; i < N_CAPS; i++) {
		size_t n = strlen(caps_table[i].family);

		if (!strncmp(profile, caps_table[i].family, n) &&
		    (!profile[n] || profile[n] == '-'))
			return &caps_table[i];
	}
	return NULL;
}

/* ---- helpers of the emitters ---- */

int exp_refuse(struct exp *x, const char *fmt, ...)
{
	char msg[SNIC_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return snic_errf(x->err, -EINVAL, "%s: %s", x->p->name, msg);
}

void exp_line(struct exp *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(x->out, fmt, ap);
	va_end(ap);
	fputc('\n', x->out);
}

void exp_put(struct exp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->off >= b->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->off, b->size - b->off, fmt, ap);
	va_end(ap);
	b->off = n < 0 ? b->size : b->off + (size_t)n;
}

const char *exp_vport_name(const struct exp *x, unsigned vport, char buf[16])
{
	return snic_config_vport_name(x->nic, vport, buf, 16);
}

const struct exp_ctx *exp_ctx_find(const struct exp *x, unsigned id)
{
	for (unsigned i = 0; i < x->nctx; i++)
		if (x->ctx[i].id == id)
			return &x->ctx[i];
	return NULL;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

unsigned exp_reta_queues(const struct snic_rss_conf *c, uint16_t *q)
{
	unsigned n = 0;

	memcpy(q, c->reta, c->reta_size * sizeof(q[0]));
	qsort(q, c->reta_size, sizeof(q[0]), cmp_u16);
	for (unsigned i = 0; i < c->reta_size; i++)
		if (!n || q[n - 1] != q[i])
			q[n++] = q[i];
	return n;
}

/* ---- the shape of a RETA ---- */

/* The first entry where @c differs from @want, or the size when none. */
static unsigned first_diff(const struct snic_rss_conf *c, const uint16_t *want)
{
	unsigned i = 0;

	while (i < c->reta_size && c->reta[i] == want[i])
		i++;
	return i;
}

static unsigned gcd(unsigned a, unsigned b)
{
	while (b) {
		unsigned t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* Weights: how many entries each queue from @start owns, reduced. */
static uint32_t *count_weights(const struct snic_rss_conf *c, unsigned start, unsigned nw)
{
	uint32_t *w = calloc(nw, sizeof(*w));
	unsigned g = 0;

	if (!w)
		return NULL;
	for (unsigned i = 0; i < c->reta_size; i++)
		if (c->reta[i] >= start)
			w[c->reta[i] - start]++;
	for (unsigned q = 0; q < nw; q++)
		g = gcd(g, w[q]);
	for (unsigned q = 0; g > 1 && q < nw; q++)
		w[q] /= g;
	return w;
}

void exp_reta_words(const struct exp_reta *r, bool weights, struct exp_buf *b)
{
	if (weights) {
		exp_put(b, "weight");
		for (unsigned q = 0; q < r->n; q++)
			exp_put(b, " %u", r->w[q]);
	} else {
		exp_put(b, "equal %u", r->n);
	}
	if (r->start)
		exp_put(b, " start %u", r->start);
}

/* The form the RETA departs from last, and where; @wt is the weight one. */
static void nearest(struct exp_reta *r, const uint16_t *wt, unsigned eq_bad, unsigned wt_bad)
{
	struct exp_buf b = EXP_BUF(r->near);
	bool weights = wt_bad >= eq_bad;

	exp_reta_words(r, weights, &b);
	r->bad = weights ? wt_bad : eq_bad;
	r->want = weights ? wt[wt_bad] : r->start + eq_bad % r->n;
}

int exp_reta_form(const struct snic_rss_conf *c, struct exp_reta *r)
{
	uint16_t *tab = calloc(SNIC_RETA_MAX, sizeof(*tab));
	unsigned size = c->reta_size, max = c->reta[0], eq_bad, wt_bad;

	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < size; i++)
		max = c->reta[i] > max ? c->reta[i] : max;
	r->start = c->reta[0];
	r->n = max - r->start + 1;
	r->w = tab ? count_weights(c, r->start, r->n) : NULL;
	if (!r->w) {
		free(tab);
		return -ENOMEM;
	}
	snic_reta_equal(tab, size, r->n, r->start, NULL);
	eq_bad = first_diff(c, tab);
	snic_reta_weight_start(tab, size, r->w, r->n, r->start, NULL);
	wt_bad = first_diff(c, tab);
	if (eq_bad == size)
		r->form = RETA_EQUAL;
	else
		r->form = wt_bad == size ? RETA_WEIGHT : RETA_OTHER;
	if (r->form == RETA_OTHER)
		nearest(r, tab, eq_bad, wt_bad);
	free(tab);
	return 0;
}

void exp_reta_free(struct exp_reta *r)
{
	free(r->w);
	r->w = NULL;
}

/* ---- a VF's RSS ---- */

enum exp_vf_rss exp_vf_rss(const struct exp *x, bool own)
{
	if (!x->p->rss_per_pool || (x->p->quirks & SNIC_Q_VF_NO_RSS))
		return VF_RSS_NONE;
	return own ? VF_RSS_OWN : VF_RSS_DRIVER;
}

/* The first difference of two confs in words, or NULL when they hash
 * alike. */
static const char *conf_diff(const struct snic_rss_conf *a, const struct snic_rss_conf *b,
			     char *buf, size_t size)
{
	if (a->hfunc != b->hfunc)
		return "hfunc";
	if (a->key_len != b->key_len || memcmp(a->key, b->key, a->key_len))
		return "hkey";
	for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++)
		if (a->fields[ft] != b->fields[ft]) {
			snprintf(buf, size, "rx-flow-hash %s",
				 snic_flow_type_name((enum snic_flow_type)ft));
			return buf;
		}
	if ((a->flags ^ b->flags) & SNIC_RSS_INNER)
		return "inner";
	if ((a->flags ^ b->flags) & SNIC_RSS_TEID)
		return "teid";
	if (a->reta_size != b->reta_size)
		return "the RETA size";
	for (unsigned i = 0; i < a->reta_size; i++)
		if (a->reta[i] != b->reta[i]) {
			snprintf(buf, size, "RETA entry %u (queue %u, not %u)", i, a->reta[i],
				 b->reta[i]);
			return buf;
		}
	return NULL;
}

int exp_vf_driver_diff(struct exp *x, unsigned vf, char *diff, size_t size, unsigned *nq)
{
	struct snic_rss_conf *own = malloc(sizeof(*own)), *want = malloc(sizeof(*want));
	unsigned q = snic_nic_vport_queues(x->nic, vf);
	const char *d = NULL;
	int rc = own && want ? 0 : snic_errf(x->err, -ENOMEM, "vf%u RSS: out of memory", vf);

	*nq = q ? q : 1;
	if (!rc)
		rc = snic_nic_rss_get(x->nic, vf, own, x->err);
	if (!rc)
		rc = snic_nic_rss_get(x->nic, snic_nic_pf_vport(x->nic), want, x->err);
	if (!rc) {
		want->reta_size = own->reta_size;
		want->nqueues = (uint16_t)*nq;
		snic_reta_equal(want->reta, want->reta_size, *nq, 0, NULL);
		d = conf_diff(own, want, diff, size);
	}
	if (d && d != diff)
		snprintf(diff, size, "%s", d);
	free(own);
	free(want);
	return rc ? rc : d != NULL;
}

/* ---- the command line ---- */

struct export_opts {
	const char *config;
	const char *profile;
	const char *dev;
	const char *format;
	const char *vf_dev;
	unsigned port;
};

#define EO struct export_opts

static const struct cli_opt export_opt_table[] = {
	CLI_OPT_STR("config", 'c', EO, config, "FILE", "the NIC config to export"),
	CLI_OPT_STR("dev", 'd', EO, dev, "DEV", "the PF's network interface (eth0)"),
	CLI_OPT_STR("format", 'f', EO, format, "F",
		    "ip, ethtool, dpdk, or a list (default: ip,ethtool)"),
	CLI_OPT_STR("profile", 'p', EO, profile, "NAME",
		    "export for a NIC of this profile instead of the file's"),
	CLI_OPT_STR("vf-dev", 0, EO, vf_dev, "PREFIX",
		    "a VF's interface is PREFIX and its number (default: DEVv)"),
	CLI_OPT_UINT("port", 0, EO, port, 1023, "N",
		     "dpdk: the PF's testpmd port; VF n is port N+1+n (default 0)"),
};

static const char *const export_usage[] = {
	"-c FILE --dev DEV [--format ip|ethtool|dpdk] [-p PROFILE]",
	NULL,
};

static const struct cli_spec export_spec = {
	.usage = export_usage,
	.desc = "Print the commands that program a real NIC to match a config: sriov_numvfs\n"
		"and ip link set DEV vf N (ip), ethtool -X and -N (ethtool), or testpmd's port\n"
		"config and flow create (dpdk). The output is a shell script fragment.",
	.opts = export_opt_table,
	.nopts = sizeof(export_opt_table) / sizeof(export_opt_table[0]),
	.notes = "What the profile's driver or the tool can't express is refused: exit status 2\n"
		 "and one line naming the feature and the profile; nothing is printed then.\n"
		 "Commands for a VF's own RSS run where the VF's interface is (its guest).\n"
		 "See snic-export(1).",
};

static const struct {
	const char *name;
	unsigned bit;
} formats[] = {
	{"ip", EXP_IP},
	{"ethtool", EXP_ETHTOOL},
	{"dpdk", EXP_DPDK},
};

/* "ip,ethtool" into EXP_* bits; 0 when a word is unknown. */
static unsigned parse_formats(const char *s)
{
	unsigned bits = 0;

	while (*s) {
		size_t len = strcspn(s, ",");
		unsigned bit = 0;

		for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (strlen(formats[i].name) == len && !strncmp(formats[i].name, s, len))
				bit = formats[i].bit;
		if (!bit)
			return 0;
		bits |= bit;
		s += len + (s[len] == ',');
	}
	return bits;
}

/* An interface name the kernel takes (dev_valid_name refuses '/', ':' and
 * blanks) and safe in a shell command: letters, digits, '-', '_', '.'. */
static bool dev_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n > max || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

static int check_opts(struct cli *cli, struct export_opts *o, int npos, char **argv, unsigned *fmts)
{
	if (npos > 1 || (npos && o->config))
		return cli_err(cli, "unexpected argument '%s'", argv[npos - 1]);
	if (npos)
		o->config = argv[0];
	if (!o->config)
		return cli_err(cli, "missing the config: -c FILE (see snic export --help)");
	*fmts = o->format ? parse_formats(o->format) : EXP_IP | EXP_ETHTOOL;
	if (!*fmts)
		return cli_err(cli, "bad --format '%s' (ip, ethtool, dpdk, or a list: ip,ethtool)",
			       o->format);
	if (!o->dev && (*fmts & (EXP_IP | EXP_ETHTOOL)))
		return cli_err(cli, "missing the interface: --dev DEV (the PF's, eth0)");
	if (o->dev && !dev_name_ok(o->dev, IFNAME_MAX))
		return cli_err(cli, "bad --dev '%s': 1..%d letters, digits, -_.", o->dev,
			       IFNAME_MAX);
	if (o->vf_dev && !dev_name_ok(o->vf_dev, IFNAME_MAX - 3))
		return cli_err(cli, "bad --vf-dev '%s': 1..%d letters, digits, -_.", o->vf_dev,
			       IFNAME_MAX - 3);
	return CLI_CONTINUE;
}

/* ---- running ---- */

static int load_rules(struct exp *x)
{
	int n = snic_flow_list(x->nic, NULL, 0);

	if (n < 0)
		return snic_errf(x->err, n, "flow rules: out of memory");
	x->rules = calloc(n ? (size_t)n : 1, sizeof(*x->rules));
	if (!x->rules)
		return snic_errf(x->err, -ENOMEM, "flow rules: out of memory");
	x->nrules = (unsigned)snic_flow_list(x->nic, x->rules, (unsigned)n);
	return 0;
}

/* The name the file gave context @id, or "". */
static const char *ctx_name(const struct snic_config *cfg, unsigned id)
{
	for (unsigned i = 0; i < cfg->nctx; i++)
		if (cfg->ctx[i].id == id)
			return cfg->ctx[i].name;
	return "";
}

static int load_contexts(struct exp *x)
{
	unsigned n = snic_nic_rss_ctx_list(x->nic, NULL, 0);
	unsigned *ids = calloc(n ? n : 1, sizeof(*ids));
	int rc = 0;

	x->ctx = calloc(n ? n : 1, sizeof(*x->ctx));
	if (!ids || !x->ctx)
		rc = snic_errf(x->err, -ENOMEM, "RSS contexts: out of memory");
	else
		snic_nic_rss_ctx_list(x->nic, ids, n);
	for (unsigned i = 0; !rc && i < n; i++) {
		struct exp_ctx *c = &x->ctx[i];

		c->id = ids[i];
		c->name = ctx_name(x->cfg, c->id);
		rc = snic_nic_rss_ctx_get(x->nic, c->id, &c->vport, &c->conf, x->err);
		x->nctx += !rc;
	}
	free(ids);
	return rc;
}

/* The file name in a comment: printable bytes only. */
static void header(struct exp *x, const char *path)
{
	fputs("# snic export: ", x->out);
	for (const char *c = path; *c; c++)
		fputc(isprint((unsigned char)*c) ? *c : '?', x->out);
	fprintf(x->out, " as %s (%s)\n", x->p->name, x->p->desc);
}

static int run(struct exp *x, const char *path)
{
	int rc = 0;

	if (x->cfg->plugin_path)
		return exp_refuse(x,
				  "plugin %s: a steering hook has no counterpart in a real "
				  "NIC; remove it to export the rest",
				  x->cfg->plugin_path);
	header(x, path);
	if (x->formats & EXP_IP)
		rc = exp_ip(x);
	if (!rc && (x->formats & EXP_ETHTOOL))
		rc = exp_ethtool(x);
	if (!rc && (x->formats & EXP_DPDK))
		rc = exp_dpdk(x);
	return rc;
}

/* Each line as {"comment": ...} or {"command": ...}. */
static int write_json(const char *text, size_t len)
{
	const char *line = text, *end = text + len;
	struct cli_json j;

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = (size_t)((nl ? nl : end) - line);
		char *s = strndup(line, n);

		if (!s)
			return -ENOMEM;
		cli_json_open(&j, stdout);
		if (s[0] == '#')
			cli_json_str(&j, "comment", s[1] == ' ' ? s + 2 : s + 1);
		else
			cli_json_str(&j, "command", s);
		cli_json_close(&j);
		free(s);
		line += n + 1;
	}
	return 0;
}

static int emit(struct cli *cli, struct exp *x, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	x->out = open_memstream(&text, &len);
	if (!x->out)
		return cli_fail(cli, "out of memory");
	rc = run(x, path);
	if (fclose(x->out) || !text) {
		free(text);
		return cli_fail(cli, "out of memory");
	}
	if (!rc && cli->json && write_json(text, len))
		rc = snic_errf(x->err, -ENOMEM, "out of memory");
	else if (!rc && !cli->json)
		fwrite(text, 1, len, stdout);
	free(text);
	if (rc == -ENOMEM)
		return cli_fail(cli, "%s", x->err->msg);
	return rc ? cli_err(cli, "%s", x->err->msg) : CLI_EXIT_OK;
}

/* x->dev and the VFs' prefix from the options. */
static void name_devs(struct exp *x, const struct export_opts *o)
{
	x->dev = o->dev ? o->dev : "";
	snprintf(x->vf_prefix, sizeof(x->vf_prefix), "%s", o->vf_dev ? o->vf_dev : "");
	if (!o->vf_dev && strlen(x->dev) <= IFNAME_MAX - 4)
		snprintf(x->vf_prefix, sizeof(x->vf_prefix), "%sv", x->dev);
}

static int export_config(struct cli *cli, const struct export_opts *o, unsigned fmts)
{
	struct snic_err err = {0};
	struct snic_config *cfg;
	struct exp x = {.err = &err, .formats = fmts, .port = o->port};
	int rc;

	if (snic_config_load(o->config, o->profile, &cfg, &err))
		return cli_err(cli, "%s", err.msg);
	x.cfg = cfg;
	x.nic = cfg->nic;
	x.p = snic_nic_profile(cfg->nic);
	x.caps = exp_caps_find(x.p->name);
	name_devs(&x, o);
	rc = x.caps ? 0
		    : snic_errf(&err, -EINVAL, "%s: snic export knows nothing of its drivers",
				x.p->name);
	if (!rc)
		rc = load_contexts(&x);
	if (!rc)
		rc = load_rules(&x);
	rc = rc ? cli_err(cli, "%s", err.msg) : emit(cli, &x, o->config);
	free(x.rules);
	free(x.ctx);
	snic_config_free(cfg);
	return rc;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	struct export_opts o = {0};
	unsigned fmts = 0;
	int npos, rc;

	rc = cli_parse(cli, &export_spec, &o, argc, argv, &npos);
	if (rc == CLI_CONTINUE)
		rc = check_opts(cli, &o, npos, argv, &fmts);
	return rc == CLI_CONTINUE ? export_config(cli, &o, fmts) : rc;
}
