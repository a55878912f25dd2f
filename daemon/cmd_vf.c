/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VFs, as `ip link show` lists them and `ip link set DEV vf N ...` sets
 * them.
 *
 *	vf.show {"vf"?: N}  -> {"vfs": [{"vf", "mac", "vlan", ...}, ...]}
 *	vf.set  {"vf": N, "mac"?, "vlan"?, "qos"?, "proto"?, "spoofchk"?,
 *		 "trust"?, "state"?, "max_tx_rate"?, "min_tx_rate"?,
 *		 "query_rss"?}  -> the VF as vf.show gives it
 *
 * vf.set reads every value before it changes anything, so a malformed
 * value changes nothing. The knobs are then set in the order of the table
 * below, as `ip link` sends them; when the NIC refuses one, those before it
 * stay set (and are published) and the reply names the one refused. As in
 * `ip link`, qos and proto go with vlan (0 and 802.1Q when not given), and
 * a rate not given keeps its value.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ctl.h"
#include "ctl_args.h"
#include "snicd.h"
#include "words.h"

/* Larger than any profile's VF count: the NIC names the real bound. */
#define VF_NUM_MAX 0xffff

#define VF_MAC	     (1u << 0)
#define VF_VLAN	     (1u << 1)
#define VF_QOS	     (1u << 2)
#define VF_PROTO     (1u << 3)
#define VF_SPOOFCHK  (1u << 4)
#define VF_TRUST     (1u << 5)
#define VF_STATE     (1u << 6)
#define VF_MAX_RATE  (1u << 7)
#define VF_MIN_RATE  (1u << 8)
#define VF_QUERY_RSS (1u << 9)

/* A vf.set request, read and checked for form before anything changes. */
struct vf_req {
	unsigned vf;
	unsigned given; /* VF_* */
	char who[24];	/* "vf 3", for messages */
	struct snic_vf_info cur;
	uint8_t mac[6];
	unsigned long vlan, qos, proto, max_rate, min_rate, state;
	bool spoofchk, trust, query_rss;
};

struct vf_knob {
	const char *key;
	unsigned bit;
	size_t off; /* of the value in struct vf_req */
	int (*parse)(const struct vf_knob *k, json_t *v, struct vf_req *r, struct snic_err *err);
};

struct word_val {
	const char *word;
	unsigned val;
};

static const struct word_val link_states[] = {
	{"auto", SNIC_LINK_AUTO},
	{"enable", SNIC_LINK_ENABLE},
	{"disable", SNIC_LINK_DISABLE},
};

static const struct word_val vlan_protos[] = {
	{"802.1Q", SNIC_VLAN_PROTO_8021Q},
	{"802.1ad", SNIC_VLAN_PROTO_8021AD},
};

static const char *const rxmodes[] = {"none", "multi", "allmulti", "promisc"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *word_of(const struct word_val *t, size_t n, unsigned val)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].val == val)
			return t[i].word;
	return "?";
}

/* ---- reading a request ---- */

static void *field(const struct vf_knob *k, struct vf_req *r)
{
	return (char *)r + k->off;
}

static int parse_uint(const struct vf_knob *k, json_t *v, struct vf_req *r, struct snic_err *err)
{
	char label[48];

	snprintf(label, sizeof(label), "%s: %s", r->who, k->key);
	return ctl_val_uint(v, label, UINT_MAX, field(k, r), err);
}

static int parse_bool(const struct vf_knob *k, json_t *v, struct vf_req *r, struct snic_err *err)
{
	char label[48];

	snprintf(label, sizeof(label), "%s: %s", r->who, k->key);
	return ctl_val_bool(v, label, field(k, r), err);
}

static int parse_mac(const struct vf_knob *k, json_t *v, struct vf_req *r, struct snic_err *err)
{
	if (json_is_string(v) && !snic_word_mac(json_string_value(v), r->mac))
		return 0;
	return snic_errf(err, -EINVAL, "%s: bad %s %s%s%s (expected xx:xx:xx:xx:xx:xx)", r->who,
			 k->key, json_is_string(v) ? "'" : "",
			 json_is_string(v) ? json_string_value(v) : "value",
			 json_is_string(v) ? "'" : "");
}

static int parse_word(const struct vf_knob *k, json_t *v, struct vf_req *r,
		      const struct word_val *t, size_t n, struct snic_err *err)
{
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	char names[64] = "";
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		if (!strcasecmp(s, t[i].word)) {
			*(unsigned long *)field(k, r) = t[i].val;
			return 0;
		}
		off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s", i ? ", " : "",
					t[i].word);
	}
	return snic_errf(err, -EINVAL, "%s: bad %s '%s' (%s)", r->who, k->key, s, names);
}

static int parse_state(const struct vf_knob *k, json_t *v, struct vf_req *r, struct snic_err *err)
{
	return parse_word(k, v, r, link_states, N_OF(link_states), err);
}

static int parse_proto(const struct vf_knob *k, json_t *v, struct vf_req *r, struct snic_err *err)
{
	return parse_word(k, v, r, vlan_protos, N_OF(vlan_protos), err);
}

#define KNOB(key, bit, member, fn)                                                                 \
	{                                                                                          \
		key, bit, offsetof(struct vf_req, member), fn                                      \
	}

static const struct vf_knob knobs[] = {
	KNOB("mac", VF_MAC, mac, parse_mac),
	KNOB("vlan", VF_VLAN, vlan, parse_uint),
	KNOB("qos", VF_QOS, qos, parse_uint),
	KNOB("proto", VF_PROTO, proto, parse_proto),
	KNOB("spoofchk", VF_SPOOFCHK, spoofchk, parse_bool),
	KNOB("trust", VF_TRUST, trust, parse_bool),
	KNOB("state", VF_STATE, state, parse_state),
	KNOB("max_tx_rate", VF_MAX_RATE, max_rate, parse_uint),
	KNOB("min_tx_rate", VF_MIN_RATE, min_rate, parse_uint),
	KNOB("query_rss", VF_QUERY_RSS, query_rss, parse_bool),
};

static const struct vf_knob *knob_find(const char *key)
{
	for (size_t i = 0; i < N_OF(knobs); i++)
		if (!strcmp(knobs[i].key, key))
			return &knobs[i];
	return NULL;
}

static int unknown_knob(const char *key, struct snic_err *err)
{
	char names[200] = "";
	size_t off = 0;

	for (size_t i = 0; i < N_OF(knobs); i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off, "%s, ", knobs[i].key);
	return snic_errf(err, -EINVAL, "vf.set: unknown setting \"%s\" (%svf)", key, names);
}

/* Fill in what `ip link` leaves implied: a vlan's qos and proto, the rate
 * not given. */
static int req_complete(struct vf_req *r, struct snic_err *err)
{
	if ((r->given & (VF_QOS | VF_PROTO)) && !(r->given & VF_VLAN))
		return snic_errf(err, -EINVAL, "%s: %s goes with vlan", r->who,
				 r->given & VF_QOS ? "qos" : "proto");
	if (!(r->given & VF_QOS))
		r->qos = 0;
	if (!(r->given & VF_PROTO))
		r->proto = SNIC_VLAN_PROTO_8021Q;
	if (!(r->given & VF_MAX_RATE))
		r->max_rate = r->cur.max_tx_rate;
	if (!(r->given & VF_MIN_RATE))
		r->min_rate = r->cur.min_tx_rate;
	return 0;
}

static int req_read(struct snic_nic *nic, json_t *args, struct vf_req *r, struct snic_err *err)
{
	const struct vf_knob *k;
	unsigned long vf;
	const char *key;
	json_t *v;
	int rc = ctl_arg_uint(args, "vf", VF_NUM_MAX, &vf, err);

	if (rc || (rc = snic_vf_get(nic, (unsigned)vf, &r->cur, err)))
		return rc;
	r->vf = (unsigned)vf;
	snprintf(r->who, sizeof(r->who), "vf %u", r->vf);
	json_object_foreach(args, key, v)
	{
		if (!strcmp(key, "vf"))
			continue;
		k = knob_find(key);
		if (!k)
			return unknown_knob(key, err);
		rc = k->parse(k, v, r, err);
		if (rc)
			return rc;
		r->given |= k->bit;
	}
	return req_complete(r, err);
}

/* ---- applying it ---- */

static int set_mac(struct snic_nic *nic, const struct vf_req *r, struct snic_err *err)
{
	return snic_vf_set_mac(nic, r->vf, r->mac, err);
}

static int set_vlan(struct snic_nic *nic, const struct vf_req *r, struct snic_err *err)
{
	return snic_vf_set_vlan(nic, r->vf, (unsigned)r->vlan, (unsigned)r->qos, (unsigned)r->proto,
				err);
}

static int set_spoofchk(struct snic_nic *nic, const struct vf_req *r, struct snic_err *err)
{
	return snic_vf_set_spoofchk(nic, r->vf, r->spoofchk, err);
}

static int set_trust(struct snic_nic *nic, const struct vf_req *r, struct snic_err *err)
{
	return snic_vf_set_trust(nic, r->vf, r->trust, err);
}

static int set_state(struct snic_nic *nic, const struct vf_req *r, struct snic_err *err)
{
	return snic_vf_set_link_state(nic, r->vf, (enum snic_link_state)r->state, err);
}

static int set_rate(struct snic_nic *nic, const struct vf_req *r, struct snic_err *err)
{
	return snic_vf_set_rate(nic, r->vf, (unsigned)r->min_rate, (unsigned)r->max_rate, err);
}

static int set_query_rss(struct snic_nic *nic, const struct vf_req *r, struct snic_err *err)
{
	return snic_vf_set_query_rss(nic, r->vf, r->query_rss, err);
}

/* The order knobs are set in; a step runs when any of its bits is given. */
static const struct {
	unsigned bits;
	int (*set)(struct snic_nic *nic, const struct vf_req *r, struct snic_err *err);
} steps[] = {
	{VF_MAC, set_mac},
	{VF_VLAN | VF_QOS | VF_PROTO, set_vlan},
	{VF_MAX_RATE | VF_MIN_RATE, set_rate},
	{VF_SPOOFCHK, set_spoofchk},
	{VF_STATE, set_state},
	{VF_TRUST, set_trust},
	{VF_QUERY_RSS, set_query_rss},
};

static int req_apply(struct snicd *d, const struct vf_req *r, struct snic_err *err)
{
	struct snic_nic *nic = snicd_nic(d);
	struct snic_err ignored = {0};
	bool changed = false;
	int rc = 0, prc;

	for (size_t i = 0; i < N_OF(steps) && !rc; i++) {
		if (!(r->given & steps[i].bits))
			continue;
		rc = steps[i].set(nic, r, err);
		changed |= !rc;
	}
	if (!changed)
		return rc;
	prc = snicd_publish(d, rc ? &ignored : err);
	return rc ? rc : prc;
}

/* ---- replies ---- */

static json_t *vf_json(unsigned vf, const struct snic_vf_info *v)
{
	char mac[18];

	return json_pack("{s:I, s:s, s:b, s:I, s:I, s:s, s:b, s:b, s:b, s:s, s:I, s:I, s:s, s:s,"
			 " s:I, s:I, s:I, s:I, s:b}",
			 "vf", (json_int_t)vf, "mac", snic_word_mac_str(v->mac, mac), "admin_mac",
			 v->admin_mac, "vlan", (json_int_t)v->vlan, "qos", (json_int_t)v->qos,
			 "proto", word_of(vlan_protos, N_OF(vlan_protos), v->vlan_proto),
			 "spoofchk", v->spoofchk, "trust", v->trust, "query_rss", v->query_rss,
			 "state", word_of(link_states, N_OF(link_states), v->link_state),
			 "max_tx_rate", (json_int_t)v->max_tx_rate, "min_tx_rate",
			 (json_int_t)v->min_tx_rate, "rxmode",
			 rxmodes[v->rxmode < N_OF(rxmodes) ? v->rxmode : 0], "rxmode_eff",
			 rxmodes[v->rxmode_eff < N_OF(rxmodes) ? v->rxmode_eff : 0], "queues",
			 (json_int_t)v->nqueues, "mc_groups", (json_int_t)v->n_mc, "vlan_filters",
			 (json_int_t)v->n_vlan_filter, "macvlans", (json_int_t)v->n_macvlan,
			 "assigned", v->assigned);
}

static int vf_append(const struct snic_nic *nic, unsigned vf, json_t *list, struct snic_err *err)
{
	struct snic_vf_info info;
	int rc = snic_vf_get(nic, vf, &info, err);

	if (rc)
		return rc;
	if (json_array_append_new(list, vf_json(vf, &info)))
		return snic_errf(err, -ENOMEM, "out of memory");
	return 0;
}

static int cmd_show(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	static const char *const keys[] = {"vf", NULL};
	const struct snic_nic *nic = snicd_nic(d);
	unsigned first = 0, end = snic_nic_numvfs(nic);
	json_t *list = json_array();
	unsigned long vf;
	int rc = ctl_args_only(args, "vf.show", keys, err);

	if (!rc && json_object_get(args, "vf")) {
		rc = ctl_arg_uint(args, "vf", VF_NUM_MAX, &vf, err);
		first = (unsigned)vf;
		end = first + 1;
	}
	for (unsigned i = first; !rc && i < end; i++)
		rc = vf_append(nic, i, list, err);
	if (rc) {
		json_decref(list);
		return rc;
	}
	return ctl_result(result, json_pack("{s:o}", "vfs", list), err);
}

static int cmd_set(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	struct vf_req r = {0};
	int rc = req_read(snicd_nic(d), args, &r, err);

	if (!rc)
		rc = req_apply(d, &r, err);
	if (!rc)
		rc = snic_vf_get(snicd_nic(d), r.vf, &r.cur, err);
	return rc ? rc : ctl_result(result, vf_json(r.vf, &r.cur), err);
}

int ctl_vf_register(void)
{
	int rc = snicd_ctl_register("vf.show", "[vf: N] -- the VFs' settings", cmd_show);

	if (!rc)
		rc = snicd_ctl_register("vf.set",
					"vf: N, [mac, vlan, qos, proto, spoofchk, trust, state, "
					"max_tx_rate, min_tx_rate, query_rss] -- set a VF",
					cmd_set);
	return rc;
}
