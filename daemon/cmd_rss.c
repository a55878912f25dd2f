/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSS of a vport, as `ethtool -x` shows it and `ethtool -X`/`-N
 * rx-flow-hash` set it.
 *
 *	rss.show {"vport"?}  -> {"vport", "hfunc", "key", "reta_size",
 *				 "nqueues", "reta": [...], "rx_flow_hash": {...}, ...}
 *	rss.set  {"vport"?, "key"?: "6d:5a:...", "hfunc"?: "toeplitz",
 *		  "rx_flow_hash"?: "tcp4=sdfn,udp4=sd" or {"tcp4": "sdfn"},
 *		  "reta"?: {"equal": N} or {"weight": [W0, W1, ...]}}
 *		  -> the conf as rss.show gives it
 *	rss.balance {"mode"?: "on"|"off"|"static"|"rsspp"|"snic", "period_ms"?,
 *		     "vport"?, "pins"?}
 *		  -> {"on", "policy", "vport", "period_ms", "steps", "imbalance",
 *		      "pins", "pinned", ...}
 *
 * The vport is the PF's when not given. rss.set changes the current conf
 * and hands the whole of it to the NIC, which checks it against the
 * profile: nothing changes unless all of it is accepted. rss.balance turns
 * the balancer on ("on" is snic), off, or shows it: it measures the
 * queues of the vport (the PF's when not given) and rebalances the RETA
 * they follow (on 82599 the PF's, shared); "pins" lets it pin that many
 * heavy flows by flow rules (snic only; default: the config's
 * balance.pins).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balance.h"
#include "config.h"
#include "ctl.h"
#include "ctl_args.h"
#include "snicd.h"
#include "words.h"

static const char *const reta_rules[] = {"low_bits", "modulo"};

/* ---- showing ---- */

static char *hex_str(const uint8_t *b, unsigned n, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%02x", i ? ":" : "", b[i]);
	return buf;
}

static json_t *fields_json(const struct snic_rss_conf *c)
{
	json_t *o = json_object();
	char f[16];

	for (int ft = 0; o && ft < SNIC_FT_COUNT; ft++)
		json_object_set_new(o, snic_flow_type_name((enum snic_flow_type)ft),
				    json_string(snic_rxh_format(c->fields[ft], f, sizeof(f))));
	return o;
}

static json_t *reta_json(const struct snic_rss_conf *c)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < c->reta_size; i++)
		json_array_append_new(a, json_integer(c->reta[i]));
	return a;
}

static json_t *conf_json(const struct snic_nic *nic, unsigned vport, const struct snic_rss_conf *c)
{
	char key[3 * SNIC_RSS_KEY_MAX + 1], name[16];

	return json_pack("{s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:o, s:o, s:b, s:b}", "vport",
			 snic_config_vport_name(nic, vport, name, sizeof(name)), "vport_id",
			 (json_int_t)vport, "hfunc", snic_hfunc_name((enum snic_hfunc)c->hfunc),
			 "key", hex_str(c->key, c->key_len, key, sizeof(key)), "key_len",
			 (json_int_t)c->key_len, "nqueues", (json_int_t)c->nqueues, "reta_size",
			 (json_int_t)c->reta_size, "reta_rule",
			 reta_rules[c->reta_rule < 2 ? c->reta_rule : 0], "reta", reta_json(c),
			 "rx_flow_hash", fields_json(c), "inner", !!(c->flags & SNIC_RSS_INNER),
			 "teid", !!(c->flags & SNIC_RSS_TEID));
}

static int cmd_show(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	static const char *const keys[] = {"vport", NULL};
	const struct snic_nic *nic = snicd_nic(d);
	struct snic_rss_conf c;
	unsigned vport;
	int rc = ctl_args_only(args, "rss.show", keys, err);

	if (!rc)
		rc = ctl_arg_vport(nic, args, "vport", &vport, err);
	if (!rc)
		rc = snic_nic_rss_get(nic, vport, &c, err);
	return rc ? rc : ctl_result(result, conf_json(nic, vport, &c), err);
}

/* ---- changing ---- */

static int set_key(struct snic_rss_conf *c, json_t *v, struct snic_err *err)
{
	const char *s;
	int n = ctl_val_str(v, "key", &s, err);

	if (n)
		return n;
	n = snic_word_hex(s, c->key, sizeof(c->key));
	if (n == -ENOSPC)
		return snic_errf(err, -EINVAL, "key '%s' is longer than %d bytes", s,
				 SNIC_RSS_KEY_MAX);
	if (n <= 0)
		return snic_errf(err, -EINVAL, "bad key '%s': expected hex bytes", s);
	c->key_len = (uint8_t)n;
	return 0;
}

static int set_hfunc(struct snic_rss_conf *c, json_t *v, struct snic_err *err)
{
	enum snic_hfunc f;
	const char *s;
	int rc = ctl_val_str(v, "hfunc", &s, err);

	if (!rc)
		rc = snic_hfunc_parse(s, &f, err);
	if (!rc)
		c->hfunc = (uint8_t)f;
	return rc;
}

static int flow_hash_one(struct snic_rss_conf *c, const char *flow, const char *fields,
			 struct snic_err *err)
{
	enum snic_flow_type ft;
	uint8_t bits;
	int rc = snic_flow_type_parse(flow, &ft, err);

	if (!rc)
		rc = snic_rxh_parse(fields, &bits, err);
	if (!rc)
		c->fields[ft] = bits;
	return rc;
}

/* "tcp4=sdfn,udp4=sd" */
static int flow_hash_str(struct snic_rss_conf *c, const char *s, struct snic_err *err)
{
	char *copy = strdup(s), *item, *next, *eq;
	int rc = copy ? 0 : snic_errf(err, -ENOMEM, "out of memory");

	for (item = copy; !rc && item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		eq = strchr(item, '=');
		if (!eq) {
			rc = snic_errf(err, -EINVAL, "rx_flow_hash: bad '%s': expected FLOW=FIELDS",
				       item);
			break;
		}
		*eq = '\0';
		rc = flow_hash_one(c, item, eq + 1, err);
	}
	free(copy);
	return rc;
}

static int set_flow_hash(struct snic_rss_conf *c, json_t *v, struct snic_err *err)
{
	const char *flow;
	json_t *f;
	int rc;

	if (json_is_string(v))
		return flow_hash_str(c, json_string_value(v), err);
	if (!json_is_object(v))
		return snic_errf(err, -EINVAL,
				 "rx_flow_hash: expected \"FLOW=FIELDS,...\" or an "
				 "object");
	json_object_foreach(v, flow, f)
	{
		if (!json_is_string(f))
			return snic_errf(err, -EINVAL,
					 "rx_flow_hash %s: expected fields as letters", flow);
		rc = flow_hash_one(c, flow, json_string_value(f), err);
		if (rc)
			return rc;
	}
	return 0;
}

/* The highest queue the RETA names, plus one. */
static uint16_t reta_queues(const struct snic_rss_conf *c)
{
	uint16_t n = 0;

	for (unsigned i = 0; i < c->reta_size; i++)
		if (c->reta[i] >= n)
			n = (uint16_t)(c->reta[i] + 1);
	return n;
}

static int reta_weight(struct snic_rss_conf *c, json_t *w, struct snic_err *err)
{
	uint32_t weights[SNIC_RETA_MAX];
	unsigned long v;
	size_t i;
	json_t *x;
	int rc;

	if (!json_is_array(w) || !json_array_size(w) || json_array_size(w) > SNIC_RETA_MAX)
		return snic_errf(err, -EINVAL, "reta weight: expected 1..%d weights",
				 SNIC_RETA_MAX);
	json_array_foreach(w, i, x)
	{
		rc = ctl_val_uint(x, "reta weight", UINT32_MAX, &v, err);
		if (rc)
			return rc;
		weights[i] = (uint32_t)v;
	}
	return snic_reta_weight(c->reta, c->reta_size, weights, (unsigned)json_array_size(w), err);
}

static int set_reta(struct snic_rss_conf *c, json_t *v, struct snic_err *err)
{
	json_t *eq = json_object_get(v, "equal"), *w = json_object_get(v, "weight");
	unsigned long n;
	int rc;

	if (!json_is_object(v) || !eq == !w || json_object_size(v) != 1)
		return snic_errf(err, -EINVAL,
				 "reta: expected {\"equal\": N} or {\"weight\": [W, ...]}");
	if (eq) {
		rc = ctl_val_uint(eq, "reta equal", SNIC_RETA_MAX, &n, err);
		if (!rc)
			rc = snic_reta_equal(c->reta, c->reta_size, (unsigned)n, 0, err);
	} else {
		rc = reta_weight(c, w, err);
	}
	if (!rc)
		c->nqueues = reta_queues(c);
	return rc;
}

/* What rss.set takes, each with its reader. */
static const struct {
	const char *key;
	int (*set)(struct snic_rss_conf *c, json_t *v, struct snic_err *err);
} rss_keys[] = {
	{"key", set_key},
	{"hfunc", set_hfunc},
	{"rx_flow_hash", set_flow_hash},
	{"reta", set_reta},
};

#define N_RSS_KEYS (sizeof(rss_keys) / sizeof(rss_keys[0]))

/* The conf rss.set starts from: the vport's, or, where a VF may not even
 * read the shared one, the PF's (the NIC then refuses the change). */
static int conf_start(const struct snic_nic *nic, unsigned vport, struct snic_rss_conf *c,
		      struct snic_err *err)
{
	int rc = snic_nic_rss_get(nic, vport, c, err);

	if (rc == -EPERM)
		rc = snic_nic_rss_get(nic, snic_nic_pf_vport(nic), c, err);
	return rc;
}

static int conf_change(struct snic_rss_conf *c, json_t *args, struct snic_err *err)
{
	static const char *const keys[] = {"vport", "key", "hfunc", "rx_flow_hash", "reta", NULL};
	json_t *v;
	int rc = ctl_args_only(args, "rss.set", keys, err);

	for (size_t i = 0; !rc && i < N_RSS_KEYS; i++) {
		v = json_object_get(args, rss_keys[i].key);
		if (v)
			rc = rss_keys[i].set(c, v, err);
	}
	return rc;
}

static int cmd_set(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	struct snic_nic *nic = snicd_nic(d);
	struct snic_rss_conf c;
	unsigned vport;
	int rc = ctl_arg_vport(nic, args, "vport", &vport, err);

	if (!rc)
		rc = conf_start(nic, vport, &c, err);
	if (!rc)
		rc = conf_change(&c, args, err);
	if (!rc)
		rc = snic_nic_rss_set(nic, vport, &c, err);
	if (!rc)
		rc = snicd_publish(d, err);
	return rc ? rc : ctl_result(result, conf_json(nic, vport, &c), err);
}

/* "on" is the snic policy; "off" turns it off; else a policy's name. */
static int balance_mode(struct snicd *d, const char *mode, const struct snicd_balance_opts *o,
			struct snic_err *err)
{
	struct snicd_balance_opts on = *o;

	if (!strcmp(mode, "off"))
		return snicd_balance_off(d, err);
	on.policy = strcmp(mode, "on") ? mode : "snic";
	return snicd_balance_on(d, &on, false, err);
}

static int balance_args(struct snicd *d, json_t *args, struct snicd_balance_opts *o,
			struct snic_err *err)
{
	unsigned long period = 0, pins = 0;
	unsigned vport;
	int rc = 0;

	if (json_object_get(args, "period_ms"))
		rc = ctl_arg_uint(args, "period_ms", 60000, &period, err);
	if (!rc && json_object_get(args, "pins"))
		rc = ctl_arg_uint(args, "pins", SNIC_CTR_MAX_RULES, &pins, err);
	if (!rc && json_object_get(args, "vport"))
		rc = ctl_arg_vport(snicd_nic(d), args, "vport", &vport, err);
	if (rc)
		return rc;
	o->period_ms = (uint32_t)period;
	o->pins = json_object_get(args, "pins") ? (int)pins : -1;
	o->vport = json_object_get(args, "vport") ? (int)vport : -1;
	return 0;
}

static int cmd_balance(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	static const char *const keys[] = {"mode", "period_ms", "vport", "pins", NULL};
	struct snicd_balance_opts o = {0};
	const char *mode = NULL;
	int rc = ctl_args_only(args, "rss.balance", keys, err);

	if (!rc)
		rc = balance_args(d, args, &o, err);
	if (!rc && json_object_get(args, "mode"))
		rc = ctl_arg_str(args, "mode", &mode, err);
	if (!rc && mode)
		rc = balance_mode(d, mode, &o, err);
	return rc ? rc : ctl_result(result, snicd_balance_json(), err);
}

int ctl_rss_register(void)
{
	int rc = snicd_ctl_register("rss.show", "[vport: pf|vfN] -- key, hash, fields, RETA",
				    cmd_show);

	if (!rc)
		rc = snicd_ctl_register("rss.set",
					"[vport, key, hfunc, rx_flow_hash, reta: {equal: N} | "
					"{weight: [W...]}] -- change RSS",
					cmd_set);
	if (!rc)
		rc = snicd_ctl_register("rss.balance",
					"[mode: on|off|static|rsspp|snic, period_ms, vport: "
					"pf|vfN, pins: N] -- the balancer of a vport's RETA",
					cmd_balance);
	return rc;
}
