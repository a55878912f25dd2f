/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic export: turn a NIC config into the commands that program a real NIC
 * of the same profile to match it: `echo N > sriov_numvfs` and `ip link set
 * DEV vf N ...` (ip), `ethtool -X` and `ethtool -N` (ethtool), or testpmd's
 * `port config` and `flow create` (dpdk).
 *
 * This file reads the command line and the config, holds what each
 * profile's drivers take (the table below), and runs the emitters.
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
 * What each profile's drivers take. Sources, for Linux 6.1 and ethtool
 * 6.1 (Debian 12) unless noted:
 *
 * - ixgbe (82599, X550): ixgbe_ethtool.c: ixgbe_flowspec_to_flow_type takes
 *   tcp4, udp4, sctp4 and ip4 only; ixgbe_add_ethtool_fdir_entry copies
 *   addresses, ports and, with FLOW_EXT, the VLAN TCI, and refuses a mask
 *   that differs from the first rule's ("Only one mask supported per
 *   port"); `vf N queue Q` maps to (vf - 1) * queues per pool + Q. No
 *   FLOW_MAC_EXT, no RSS contexts. ixgbe_sriov.c:
 *   ixgbe_ndo_set_vf_rss_query_en: 82599 and X540 only. ixgbevf has no
 *   set_rxfh: a VF's key and RETA are the PF driver's (ixgbe_setup_vfreta).
 *   DPDK: ixgbe_flow.c (ntuple, fdir with mark, RSS filter); the ixgbevf
 *   PMD has no rte_flow but takes reta_update/rss_hash_update on X550.
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

static const struct exp_caps caps_table[] = {
	{
		.profile = "generic",
		.driver = "a generic driver",
		.pmd = "a generic PMD",
		.vf_link_state = true,
		.nt_types = NT_BIT(NT_ETHER) | NT_V4 | NT_V6,
		.nt_match = FM_L3 | FM_L4 | SNIC_FM_DMAC | SNIC_FM_ETHERTYPE | SNIC_FM_VLAN,
		.nt_partial = true,
		.nt_vf = true,
		.nt_context = true,
		.vf_rxfh = true,
		.vf_query_rss = true,
		.dp_flow = true,
		.dp_vf_flow = true,
		.dp_tunnel = true,
		.dp_mark = true,
		.dp_vf_rss = true,
	},
	{
		.profile = "ixgbe-82599",
		.driver = "ixgbe",
		.pmd = "ixgbe",
		.vf_link_state = true,
		.nt_types = NT_V4,
		.nt_match = FM_L3 | FM_L4 | SNIC_FM_VLAN,
		.nt_partial = true,
		.nt_one_mask = true,
		.nt_vf = true,
		.vf_query_rss = true,
		.dp_flow = true,
		.dp_mark = true,
	},
	{
		.profile = "ixgbe-x550",
		.driver = "ixgbe",
		.pmd = "ixgbe",
		.vf_link_state = true,
		.nt_types = NT_V4,
		.nt_match = FM_L3 | FM_L4 | SNIC_FM_VLAN,
		.nt_partial = true,
		.nt_one_mask = true,
		.nt_vf = true,
		.dp_flow = true,
		.dp_mark = true,
		.dp_vf_rss = true,
	},
	{
		.profile = "ice-e810",
		.driver = "ice",
		.pmd = "ice",
		.vf_link_state = true,
		.nt_types = NT_V4 | NT_V6,
		.nt_match = FM_L3 | FM_L4,
		.vf_rxfh = true,
		.dp_flow = true,
		.dp_vf_flow = true,
		.dp_tunnel = true,
		.dp_mark = true,
		.dp_vf_rss = true,
	},
	{
		.profile = "mlx5",
		.driver = "mlx5_core",
		.pmd = "mlx5",
		.vf_link_state = true,
		.nt_types = NT_BIT(NT_ETHER) | NT_BIT(NT_IP4) | NT_BIT(NT_TCP4) | NT_BIT(NT_UDP4) |
			    NT_BIT(NT_IP6) | NT_BIT(NT_TCP6) | NT_BIT(NT_UDP6),
		.nt_match = FM_L3 | FM_L4 | SNIC_FM_DMAC | SNIC_FM_ETHERTYPE | SNIC_FM_VLAN,
		.nt_partial = true,
		.nt_context = true,
		.nt_vlan_vid = true,
		.vf_rxfh = true,
		.dp_flow = true,
		.dp_vf_flow = true,
		.dp_tunnel = true,
		.dp_mark = true,
		.dp_vf_rss = true,
	},
	{
		.profile = "igb-82576",
		.driver = "igb",
		.pmd = "igb",
		.dp_flow = true,
	},
	{
		.profile = "virtio-net",
		.driver = "virtio_net",
		.pmd = "virtio",
	},
	{
		.profile = "ena",
		.driver = "ena",
		.pmd = "ena",
	},
};

#define N_CAPS (sizeof(caps_table) / sizeof(caps_table[0]))

const struct exp_caps *exp_caps_find(const char *profile)
{
	for (size_t i = 0; i < N_CAPS; i++)
		if (!strcmp(caps_table[i].profile, profile))
			return &caps_table[i];
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

const char *exp_vport_name(const struct exp *x, unsigned vport, char buf[16])
{
	return snic_config_vport_name(x->nic, vport, buf, 16);
}

char *exp_hex(const uint8_t *b, size_t n, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off + 3 <= size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%02x", b[i]);
	return buf;
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

static void near_form(struct exp_reta *r, const char *form, unsigned bad, unsigned want)
{
	r->bad = bad;
	r->want = want;
	snprintf(r->near, sizeof(r->near), "%s", form);
}

static void weight_words(const uint32_t *w, unsigned n, unsigned start, char *buf, size_t size)
{
	size_t off = (size_t)snprintf(buf, size, "weight");

	for (unsigned q = 0; q < n && off < size; q++)
		off += (size_t)snprintf(buf + off, size - off, " %u", w[q]);
	if (start && off < size)
		snprintf(buf + off, size - off, " start %u", start);
}

/* The form the RETA departs from last, and where; @wt is the weight one. */
static void nearest(struct exp_reta *r, const uint16_t *wt, unsigned eq_bad, unsigned wt_bad)
{
	char form[48];

	if (wt_bad >= eq_bad) {
		weight_words(r->w, r->n, r->start, form, sizeof(form));
		near_form(r, form, wt_bad, wt[wt_bad]);
		return;
	}
	if (r->start)
		snprintf(form, sizeof(form), "equal %u start %u", r->n, r->start);
	else
		snprintf(form, sizeof(form), "equal %u", r->n);
	near_form(r, form, eq_bad, r->start + eq_bad % r->n);
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

/* ---- confs ---- */

void exp_vf_driver_conf(const struct exp *x, unsigned vf, struct snic_rss_conf *c)
{
	struct snic_rss_conf *own = malloc(sizeof(*own));
	unsigned nq = snic_nic_vport_queues(x->nic, vf);

	snic_nic_rss_get(x->nic, snic_nic_pf_vport(x->nic), c, NULL);
	if (own && !snic_nic_rss_get(x->nic, vf, own, NULL))
		c->reta_size = own->reta_size;
	free(own);
	snic_reta_equal(c->reta, c->reta_size, nq ? nq : 1, 0, NULL);
	c->nqueues = (uint16_t)(nq ? nq : 1);
}

const char *exp_conf_diff(const struct snic_rss_conf *a, const struct snic_rss_conf *b, char *buf,
			  size_t size)
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

/* Largest config read, as the config reader's own limit. */
#define EXP_FILE_MAX (16u << 20)

/* The whole of @path into *text (NUL-terminated). */
static int slurp(struct cli *cli, const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, n = 0;
	char *buf = NULL, *nb;

	if (!f)
		return cli_err(cli, "%s: %s", path, strerror(errno));
	for (;;) {
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 1 << 16;
			nb = cap <= EXP_FILE_MAX * 2 ? realloc(buf, cap) : NULL;
			if (!nb)
				break;
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (!got)
			break;
	}
	if (ferror(f) || n > EXP_FILE_MAX || !buf) {
		fclose(f);
		free(buf);
		return cli_err(cli, "%s: %s", path,
			       n > EXP_FILE_MAX ? "larger than 16 MiB" : "can't be read");
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

static int export_config(struct cli *cli, const struct export_opts *o, unsigned fmts)
{
	struct snic_err err = {0};
	struct snic_config *cfg;
	struct exp x = {.err = &err, .formats = fmts, .port = o->port};
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (slurp(cli, o->config, &text, &len))
		return CLI_EXIT_USAGE;
	if (snic_config_parse(text, len, o->config, o->profile, &cfg, &err)) {
		free(text);
		return cli_err(cli, "%s", err.msg);
	}
	x.cfg = cfg;
	x.nic = cfg->nic;
	x.p = snic_nic_profile(cfg->nic);
	x.caps = exp_caps_find(x.p->name);
	x.dev = o->dev ? o->dev : "";
	snprintf(x.vf_prefix, sizeof(x.vf_prefix), "%s", o->vf_dev ? o->vf_dev : "");
	if (!o->vf_dev && strlen(x.dev) <= IFNAME_MAX - 4)
		snprintf(x.vf_prefix, sizeof(x.vf_prefix), "%sv", x.dev);
	rc = x.caps ? 0
		    : snic_errf(&err, -EINVAL, "%s: snic export knows nothing of its drivers",
				x.p->name);
	if (!rc)
		rc = exp_file_read(cfg, text, len, &x.file, &err);
	if (!rc)
		rc = load_rules(&x);
	free(text);
	rc = rc ? cli_err(cli, "%s", err.msg) : emit(cli, &x, o->config);
	free(x.rules);
	exp_file_free(&x.file);
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
