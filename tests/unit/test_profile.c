/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Profiles: every profile is found by its name and keeps its own rules
 * (RETA sizes, fields within what the device selects, pools in order); the
 * SR-IOV queue arithmetic; the default conf passes both checks for any
 * queue count; the shared filter tables and VF knobs each driver has; the
 * refusals name the bad value and what the device takes;
 * and the default keys hash the 82599 verification vectors
 * (tests/data/toeplitz-82599.tsv, SNIC_TESTDATA gives the directory).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "snic/profile.h"
#include "snic/rss.h"
#include "snic/toeplitz.h"

#define RXH_SD	 (SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST)
#define RXH_FN	 (SNIC_RXH_L4_B_0_1 | SNIC_RXH_L4_B_2_3)
#define RXH_SDFN (RXH_SD | RXH_FN)

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const names[] = {
	"generic", "ixgbe-82599", "ixgbe-x550", "ice-e810",
	"mlx5",	   "igb-82576",	  "virtio-net", "ena",
};

static const struct snic_profile *get(const char *name)
{
	const struct snic_profile *p = snic_profile_find(name);

	cr_assert_not_null(p, "no profile %s", name);
	return p;
}

static bool is_pow2(unsigned v)
{
	return v && !(v & (v - 1));
}

/* ---- names ---------------------------------------------------------------- */

Test(profile, every_profile_found_by_its_name)
{
	size_t n = 0;
	const struct snic_profile *const *all = snic_profiles(&n);

	cr_assert_eq(n, ARRAY_LEN(names), "%zu profiles", n);
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		const struct snic_profile *p = get(names[i]);

		cr_expect_str_eq(p->name, names[i]);
		cr_expect(p->desc && *p->desc, "%s has no description", names[i]);
		cr_expect_eq(all[i], p, "snic_profiles()[%zu] is not %s", i, names[i]);
	}
}

Test(profile, unknown_name_gives_null)
{
	static const char *const bad[] = {"", "ixgbe", "IXGBE-82599", "ixgbe-82599 ", "e810"};

	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		cr_expect_null(snic_profile_find(bad[i]), "'%s' found", bad[i]);
	cr_expect_null(snic_profile_find(NULL));
}

/* ---- each profile keeps its own rules ---------------------------------------- */

static void check_rss_shape(const struct snic_profile *p)
{
	cr_expect(p->key_size > 0 && p->key_size <= SNIC_RSS_KEY_MAX, "%s key %u", p->name,
		  p->key_size);
	cr_expect_not_null(p->default_key, "%s", p->name);
	cr_expect(p->reta_size >= 1 && p->reta_size <= SNIC_RETA_MAX, "%s", p->name);
	cr_expect(p->reta_size_max <= SNIC_RETA_MAX && p->reta_size_novf <= SNIC_RETA_MAX, "%s",
		  p->name);
	if (p->reta_rule == SNIC_RETA_LOW_BITS)
		cr_expect(is_pow2(p->reta_size) && (!p->vf_reta_size || is_pow2(p->vf_reta_size)) &&
				  (!p->reta_size_novf || is_pow2(p->reta_size_novf)) &&
				  (!p->reta_size_max || is_pow2(p->reta_size_max)),
			  "%s: a low-bits RETA size is not a power of two", p->name);
	cr_expect(p->rss_max_queues >= 1, "%s", p->name);
	cr_expect(p->hfuncs & (1u << p->default_hfunc), "%s: default hfunc not allowed", p->name);
	cr_expect(!(p->rss_flags & ~(SNIC_RSS_INNER | SNIC_RSS_TEID)), "%s", p->name);
	for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++) {
		cr_expect(!(p->default_fields[ft] & ~p->field_caps[ft]),
			  "%s: flow type %u default outside caps", p->name, ft);
		cr_expect(!(p->field_must[ft] & ~p->default_fields[ft]),
			  "%s: flow type %u must-fields not in the default", p->name, ft);
	}
}

static void check_sriov_shape(const struct snic_profile *p)
{
	unsigned last = 0;

	if (p->quirks & SNIC_Q_NO_SRIOV)
		cr_expect(p->max_vfs == 0 && p->max_pools == 1 && !p->vf_mc_max, "%s", p->name);
	else
		cr_expect(p->max_vfs >= 1 && p->max_vfs < p->max_pools, "%s: %u VFs, %u pools",
			  p->name, p->max_vfs, p->max_pools);
	for (unsigned i = 0; i < SNIC_POOL_QUEUES_ROWS && p->pool_queues[i].max_pools; i++) {
		cr_expect_gt(p->pool_queues[i].max_pools, last, "%s: rows out of order", p->name);
		cr_expect_gt(p->pool_queues[i].queues, 0, "%s", p->name);
		last = p->pool_queues[i].max_pools;
	}
	cr_expect_eq(last, p->max_pools, "%s: the last row must reach max_pools", p->name);
	cr_expect(p->max_queues >= 1 && p->max_frame >= 1518, "%s", p->name);
	/* Room for the PF's MAC and one MAC per VF at least. */
	cr_expect(!p->mac_filters || p->mac_filters > p->max_vfs, "%s: %u MAC entries", p->name,
		  p->mac_filters);
	cr_expect(p->vlan_filters < 4096, "%s", p->name);
	if (p->quirks & SNIC_Q_NO_SRIOV)
		cr_expect(!p->pvlan_8021ad && !p->vf_promisc, "%s: VF knobs without VFs", p->name);
}

Test(profile, every_profile_keeps_its_own_rules)
{
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		const struct snic_profile *p = get(names[i]);

		check_rss_shape(p);
		check_sriov_shape(p);
	}
}

/* ---- SR-IOV arithmetic ---------------------------------------------------------- */

static const struct {
	const char *profile;
	unsigned pools;
	unsigned queues;
} pool_cases[] = {
	/* ixgbe_set_sriov_queues: 31 VFs + PF = 32 pools get 4 queues; 32 VFs
	 * + PF = 33 pools switch to 64-pool mode with 2 */
	{"ixgbe-82599", 1, 4},	{"ixgbe-82599", 32, 4}, {"ixgbe-82599", 33, 2},
	{"ixgbe-82599", 64, 2}, {"ixgbe-82599", 65, 0}, {"ixgbe-x550", 32, 4},
	{"ixgbe-x550", 33, 2},	{"ixgbe-x550", 64, 2},	{"igb-82576", 1, 2},
	{"igb-82576", 8, 2},	{"igb-82576", 9, 0},	{"ice-e810", 2, 16},
	{"ice-e810", 61, 16},	{"ice-e810", 62, 4},	{"ice-e810", 205, 4},
	{"ice-e810", 206, 2},	{"ice-e810", 257, 2},	{"ice-e810", 258, 0},
	{"mlx5", 128, 8},	{"mlx5", 129, 0},	{"generic", 16, 8},
	{"generic", 17, 4},	{"generic", 33, 2},	{"virtio-net", 1, 511},
	{"virtio-net", 2, 0},	{"ena", 1, 128},	{"ena", 2, 0},
};

Test(profile, queues_per_pool_follow_the_pool_count)
{
	for (size_t i = 0; i < ARRAY_LEN(pool_cases); i++) {
		const struct snic_profile *p = get(pool_cases[i].profile);
		unsigned q = snic_profile_pool_queues(p, pool_cases[i].pools);

		cr_expect_eq(q, pool_cases[i].queues, "%s with %u pools: %u queues, want %u",
			     p->name, pool_cases[i].pools, q, pool_cases[i].queues);
	}
}

Test(profile, pools_times_queues_fit_the_device)
{
	/* VMDq NICs split one set of queues: 82599 and X550 128, 82576 16. */
	static const struct {
		const char *name;
		unsigned total;
	} vmdq[] = {{"ixgbe-82599", 128}, {"ixgbe-x550", 128}, {"igb-82576", 16}};

	for (size_t i = 0; i < ARRAY_LEN(vmdq); i++) {
		const struct snic_profile *p = get(vmdq[i].name);

		for (unsigned pools = 1; pools <= p->max_pools; pools++)
			cr_expect_leq(pools * snic_profile_pool_queues(p, pools), vmdq[i].total,
				      "%s with %u pools", p->name, pools);
	}
}

/* ---- shared filter tables and VF knobs ------------------------------------------- */

Test(profile, shared_filter_tables_and_vf_knobs_follow_the_driver)
{
	static const struct {
		const char *name;
		unsigned mac_filters, vlan_filters;
		bool pvlan_8021ad, vf_promisc;
	} cases[] = {
		/* IXGBE_82599_RAR_ENTRIES; IXGBE_VLVF_ENTRIES 64 less VID 0's;
		 * ixgbe_ndo_set_vf_vlan 802.1Q only; no VF promisc before X540 */
		{"ixgbe-82599", 128, 63, false, false},
		{"ixgbe-x550", 128, 63, false, true},
		/* E1000_RAR_ENTRIES_82576, E1000_VLVF_ARRAY_SIZE 32 less VID 0's */
		{"igb-82576", 24, 31, false, false},
		/* ice in double VLAN mode takes an 802.1ad port VLAN */
		{"ice-e810", 0, 0, true, true},
		{"mlx5", 0, 0, false, true},
		{"generic", 0, 0, true, true},
		{"virtio-net", 0, 0, false, false},
		{"ena", 0, 0, false, false},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct snic_profile *p = get(cases[i].name);

		cr_expect_eq(p->mac_filters, cases[i].mac_filters, "%s: %u MAC entries", p->name,
			     p->mac_filters);
		cr_expect_eq(p->vlan_filters, cases[i].vlan_filters, "%s: %u VLAN entries", p->name,
			     p->vlan_filters);
		cr_expect_eq(p->pvlan_8021ad, cases[i].pvlan_8021ad, "%s: 802.1ad", p->name);
		cr_expect_eq(p->vf_promisc, cases[i].vf_promisc, "%s: VF promisc", p->name);
	}
}

/* ---- the default conf ------------------------------------------------------------- */

static void expect_default(const struct snic_profile *p, unsigned nq_in)
{
	struct snic_rss_conf c;
	struct snic_err err = {0};
	unsigned nq = nq_in ? nq_in : 1;
	int rc;

	if (nq > p->rss_max_queues)
		nq = p->rss_max_queues;
	memset(&c, 0xa5, sizeof(c));
	snic_profile_rss_default(p, nq_in, &c);
	cr_expect_eq(c.nqueues, nq, "%s/%u: nqueues %u", p->name, nq_in, c.nqueues);
	cr_expect_eq(c.key_len, p->key_size, "%s", p->name);
	cr_expect_arr_eq(c.key, p->default_key, p->key_size, "%s: key", p->name);
	cr_expect_eq(c.hfunc, p->default_hfunc, "%s", p->name);
	cr_expect_eq(c.flags, 0, "%s", p->name);
	cr_expect_arr_eq(c.fields, p->default_fields, SNIC_FT_COUNT, "%s: fields", p->name);
	for (unsigned i = 0; i < c.reta_size; i++)
		cr_assert_eq(c.reta[i], i % nq, "%s/%u: reta[%u] = %u", p->name, nq_in, i,
			     c.reta[i]);
	rc = snic_rss_check(&c, &err);
	cr_expect_eq(rc, 0, "%s/%u: snic_rss_check: %s", p->name, nq_in, err.msg);
	rc = snic_profile_check_rss(p, &c, &err);
	cr_expect_eq(rc, 0, "%s/%u: snic_profile_check_rss: %s", p->name, nq_in, err.msg);
}

Test(profile, defaults_pass_both_checks_for_any_queue_count)
{
	static const unsigned nqs[] = {0, 1, 2, 3, 4, 7, 8, 16, 17, 63, 64, 100, 256, 1000};

	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		for (size_t j = 0; j < ARRAY_LEN(nqs); j++)
			expect_default(get(names[i]), nqs[j]);
}

static const struct {
	const char *profile;
	unsigned nqueues;
	unsigned reta_size;
} reta_cases[] = {
	{"ixgbe-82599", 4, 128}, /* ixgbe_rss_indir_tbl_entries */
	{"ixgbe-x550", 4, 512},	 /* the PF alone, no VFs */
	{"ice-e810", 4, 2048},	 /* the PF LUT */
	{"igb-82576", 4, 128},	 /* IGB_RETA_SIZE */
	{"mlx5", 8, 256},	 /* MLX5E_INDIR_MIN_RQT_SIZE */
	{"mlx5", 64, 256},	 /* 64 * 4 */
	{"mlx5", 65, 512},	 /* grows with channels */
	{"mlx5", 256, 1024},	 /* MLX5E_MAX_INDIR_RQT_SIZE */
	{"virtio-net", 4, 128},	 /* VIRTIO_NET_RSS_MAX_TABLE_LEN */
	{"ena", 4, 128},	 /* ENA_RX_RSS_TABLE_SIZE */
	{"generic", 4, 128},
};

Test(profile, default_reta_has_the_device_size)
{
	for (size_t i = 0; i < ARRAY_LEN(reta_cases); i++) {
		struct snic_rss_conf c;

		snic_profile_rss_default(get(reta_cases[i].profile), reta_cases[i].nqueues, &c);
		cr_expect_eq(c.reta_size, reta_cases[i].reta_size, "%s/%u: %u entries, want %u",
			     reta_cases[i].profile, reta_cases[i].nqueues, c.reta_size,
			     reta_cases[i].reta_size);
	}
}

Test(profile, udp_hashed_on_addresses_where_the_driver_does)
{
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		const struct snic_profile *p = get(names[i]);
		uint8_t want = (p->quirks & SNIC_Q_UDP_L3_ONLY) ? RXH_SD : RXH_SDFN;

		cr_expect_eq(p->default_fields[SNIC_FT_UDP4], want, "%s udp4", p->name);
		cr_expect_eq(p->default_fields[SNIC_FT_UDP6], want, "%s udp6", p->name);
		cr_expect_eq(p->default_fields[SNIC_FT_TCP4], RXH_SDFN, "%s tcp4", p->name);
		if (p->quirks & SNIC_Q_UDP_L3_ONLY)
			cr_expect(p->field_caps[SNIC_FT_UDP4] & RXH_FN,
				  "%s: `rx-flow-hash udp4 sdfn` must be possible", p->name);
	}
}

/* ---- refusals --------------------------------------------------------------------- */

enum mutation {
	M_KEY_LEN,
	M_HFUNC,
	M_RULE,
	M_RETA_SIZE,
	M_ENTRY,
	M_FIELDS,
	M_FLAGS,
};

static const struct {
	const char *profile;
	enum mutation m;
	unsigned ft;	/* M_FIELDS */
	unsigned value; /* the new value */
	int rc;
	const char *want[3]; /* in the message */
} refusals[] = {
	{"ixgbe-82599", M_KEY_LEN, 0, 52, -EINVAL, {"ixgbe-82599: key of 52 bytes", "40"}},
	{"ice-e810", M_KEY_LEN, 0, 40, -EINVAL, {"key of 40 bytes", "takes 52"}},
	{"ice-e810", M_KEY_LEN, 0, 52, 0, {NULL}},
	{"ixgbe-82599", M_HFUNC, 0, SNIC_HFUNC_XOR, -EINVAL, {"xor", "toeplitz"}},
	{"ena", M_HFUNC, 0, SNIC_HFUNC_SYM_XOR, -EINVAL, {"sym-xor", "toeplitz, crc32"}},
	{"ena", M_HFUNC, 0, SNIC_HFUNC_CRC32, 0, {NULL}},
	{"mlx5", M_HFUNC, 0, SNIC_HFUNC_XOR, 0, {NULL}},
	{"mlx5", M_HFUNC, 0, SNIC_HFUNC_SYM_OR_XOR, 0, {NULL}},
	{"ice-e810", M_HFUNC, 0, SNIC_HFUNC_SYM_XOR, 0, {NULL}},
	{"ice-e810", M_HFUNC, 0, SNIC_HFUNC_CRC32, -EINVAL, {"crc32", "toeplitz, sym-xor, xor"}},
	{"generic", M_HFUNC, 0, 99, -EINVAL, {"99", "unknown"}},
	{"ixgbe-82599", M_RULE, 0, SNIC_RETA_MODULO, -EINVAL, {"modulo", "low bits"}},
	{"virtio-net", M_RETA_SIZE, 0, 256, -EINVAL, {"RETA of 256 entries", "takes 128"}},
	{"ixgbe-82599", M_RETA_SIZE, 0, 64, -EINVAL, {"64 entries", "128"}},
	{"ixgbe-x550", M_RETA_SIZE, 0, 64, 0, {NULL}},
	{"ixgbe-x550", M_RETA_SIZE, 0, 512, 0, {NULL}},
	{"ixgbe-x550", M_RETA_SIZE, 0, 128, -EINVAL, {"128 entries", "64", "512"}},
	{"ice-e810", M_RETA_SIZE, 0, 64, 0, {NULL}},
	{"ice-e810", M_RETA_SIZE, 0, 512, -EINVAL, {"512 entries", "2048", "64"}},
	{"mlx5", M_RETA_SIZE, 0, 512, 0, {NULL}},
	{"mlx5", M_RETA_SIZE, 0, 128, -EINVAL, {"128 entries", "256..1024"}},
	{"mlx5", M_RETA_SIZE, 0, 2048, -EINVAL, {"2048 entries", "256..1024"}},
	{"generic", M_RETA_SIZE, 0, 4096, -EINVAL, {"4096 entries", "128"}},
	{"ixgbe-82599", M_ENTRY, 0, 16, -EINVAL, {"queue 16", "0..15"}},
	{"ixgbe-82599", M_ENTRY, 0, 15, 0, {NULL}},
	{"igb-82576", M_ENTRY, 0, 8, -EINVAL, {"queue 8", "0..7"}},
	{"ixgbe-x550", M_ENTRY, 0, 63, 0, {NULL}},
	{"ixgbe-82599",
	 M_FIELDS,
	 SNIC_FT_UDP4,
	 RXH_SD | SNIC_RXH_VLAN,
	 -EINVAL,
	 {"udp4 cannot hash on 'v'", "'sdfn'"}},
	{"ixgbe-82599", M_FIELDS, SNIC_FT_UDP4, RXH_SDFN, 0, {NULL}},
	{"ixgbe-82599", M_FIELDS, SNIC_FT_SCTP4, RXH_SDFN, -EINVAL, {"sctp4", "'fn'", "'sd'"}},
	{"ixgbe-82599",
	 M_FIELDS,
	 SNIC_FT_TCP6,
	 RXH_SD,
	 -EINVAL,
	 {"tcp6 must hash on 'sdfn'", "got 'sd'"}},
	{"ixgbe-82599",
	 M_FIELDS,
	 SNIC_FT_UDP6,
	 RXH_SD | SNIC_RXH_L4_B_0_1,
	 -EINVAL,
	 {"udp6 fields 'sdf'", "f with n"}},
	{"virtio-net", M_FIELDS, SNIC_FT_TCP4, RXH_FN, -EINVAL, {"tcp4 fields 'fn'"}},
	{"virtio-net", M_FIELDS, SNIC_FT_TCP4, 0, 0, {NULL}},
	{"mlx5", M_FIELDS, SNIC_FT_TCP4, SNIC_RXH_IP_SRC | SNIC_RXH_L4_B_2_3, 0, {NULL}},
	{"mlx5", M_FIELDS, SNIC_FT_IP4, SNIC_RXH_IP_DST, -EINVAL, {"ip4 must hash on 'sd'"}},
	{"ena", M_FIELDS, SNIC_FT_TCP6, SNIC_RXH_L2DA | RXH_SDFN, 0, {NULL}},
	{"ena",
	 M_FIELDS,
	 SNIC_FT_TCP6,
	 SNIC_RXH_L3_PROTO | RXH_SDFN,
	 -EINVAL,
	 {"tcp6 cannot hash on 't'", "'msdfn'"}},
	{"ixgbe-82599", M_FLAGS, 0, SNIC_RSS_TEID, -EINVAL, {"teid"}},
	{"ixgbe-82599", M_FLAGS, 0, SNIC_RSS_INNER, -EINVAL, {"inner"}},
	{"ice-e810", M_FLAGS, 0, SNIC_RSS_INNER | SNIC_RSS_TEID, 0, {NULL}},
	{"mlx5", M_FLAGS, 0, SNIC_RSS_TEID, -EINVAL, {"mlx5: flag teid"}},
};

static void mutate(struct snic_rss_conf *c, enum mutation m, unsigned ft, unsigned v)
{
	switch (m) {
	case M_KEY_LEN:
		c->key_len = (uint8_t)v;
		break;
	case M_HFUNC:
		c->hfunc = (uint8_t)v;
		break;
	case M_RULE:
		c->reta_rule = (uint8_t)v;
		break;
	case M_RETA_SIZE:
		c->reta_size = (uint16_t)v;
		break;
	case M_ENTRY:
		c->reta[c->reta_size - 1] = (uint16_t)v;
		c->nqueues = (uint16_t)(v + 1);
		break;
	case M_FIELDS:
		c->fields[ft] = (uint8_t)v;
		break;
	case M_FLAGS:
		c->flags = v;
		break;
	}
}

Test(profile, refusals_name_the_value_and_what_the_device_takes)
{
	for (size_t i = 0; i < ARRAY_LEN(refusals); i++) {
		const struct snic_profile *p = get(refusals[i].profile);
		struct snic_err err = {0};
		struct snic_rss_conf c;
		int rc;

		snic_profile_rss_default(p, 4, &c);
		mutate(&c, refusals[i].m, refusals[i].ft, refusals[i].value);
		rc = snic_profile_check_rss(p, &c, &err);
		cr_expect_eq(rc, refusals[i].rc, "case %zu (%s): rc %d, want %d: %s", i, p->name,
			     rc, refusals[i].rc, err.msg);
		if (!rc)
			continue;
		cr_expect_eq(err.code, rc, "case %zu: err.code %d", i, err.code);
		cr_expect(!strchr(err.msg, '\n'), "case %zu: not one line: %s", i, err.msg);
		for (size_t w = 0; w < ARRAY_LEN(refusals[i].want) && refusals[i].want[w]; w++)
			cr_expect(strstr(err.msg, refusals[i].want[w]),
				  "case %zu: '%s' not in \"%s\"", i, refusals[i].want[w], err.msg);
	}
}

Test(profile, refusal_without_err_returns_the_code)
{
	const struct snic_profile *p = get("ixgbe-82599");
	struct snic_rss_conf c;

	snic_profile_rss_default(p, 4, &c);
	c.key_len = 52;
	cr_expect_eq(snic_profile_check_rss(p, &c, NULL), -EINVAL);
}

/* ---- the default keys against the 82599 vectors -------------------------------------- */

struct vector {
	int family;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t hash_l4, hash_l3;
};

#define MAX_VECTORS 32

/* The key the data file names on its "# Key" line. */
static void parse_key_line(const char *line, uint8_t key[40])
{
	const char *hex = strstr(line, "): ");

	cr_assert_not_null(hex, "key line: %s", line);
	hex += 3;
	for (unsigned i = 0; i < 40; i++)
		cr_assert_eq(sscanf(hex + 2 * i, "%2hhx", &key[i]), 1, "key line: %s", line);
}

static bool parse_vector(const char *line, struct vector *v)
{
	char fam[8], src[64], dst[64];
	unsigned sport, dport;

	if (sscanf(line, "%7s %63s %63s %u %u %x %x", fam, src, dst, &sport, &dport, &v->hash_l4,
		   &v->hash_l3) != 7)
		return false;
	v->family = strcmp(fam, "ipv6") ? AF_INET : AF_INET6;
	cr_assert_eq(inet_pton(v->family, src, v->src), 1, "%s", src);
	cr_assert_eq(inet_pton(v->family, dst, v->dst), 1, "%s", dst);
	v->sport = (uint16_t)sport;
	v->dport = (uint16_t)dport;
	return true;
}

static size_t load_vectors(struct vector *v, size_t cap, uint8_t key[40])
{
	const char *dir = getenv("SNIC_TESTDATA");
	char path[512], line[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/toeplitz-82599.tsv", dir ? dir : "tests/data");
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s (set SNIC_TESTDATA)", path, strerror(errno));
	while (n < cap && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "# Key", 5))
			parse_key_line(line, key);
		else if (line[0] != '#' && strncmp(line, "family", 6))
			n += parse_vector(line, &v[n]);
	}
	fclose(f);
	return n;
}

/* Input in the standard order: source, destination, then the ports. */
static size_t vector_input(const struct vector *v, bool l4, uint8_t *in)
{
	size_t alen = v->family == AF_INET6 ? 16 : 4, n = 0;

	memcpy(in + n, v->src, alen);
	n += alen;
	memcpy(in + n, v->dst, alen);
	n += alen;
	if (l4) {
		in[n++] = (uint8_t)(v->sport >> 8);
		in[n++] = (uint8_t)v->sport;
		in[n++] = (uint8_t)(v->dport >> 8);
		in[n++] = (uint8_t)v->dport;
	}
	return n;
}

Test(profile, default_keys_hash_the_82599_vectors)
{
	struct vector v[MAX_VECTORS];
	uint8_t file_key[40] = {0}, in[40];
	size_t nv = load_vectors(v, MAX_VECTORS, file_key);

	cr_assert_geq(nv, 8, "%zu vectors", nv);
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		const struct snic_profile *p = get(names[i]);
		struct snic_rss_conf c;

		/* every profile's deterministic default starts with the 82599 key */
		cr_expect_arr_eq(p->default_key, file_key, 40, "%s: default key", p->name);
		snic_profile_rss_default(p, 4, &c);
		for (size_t j = 0; j < nv; j++) {
			size_t n4 = vector_input(&v[j], true, in);
			uint32_t h4 = snic_toeplitz_ref(c.key, c.key_len, in, n4);
			size_t n3 = vector_input(&v[j], false, in);
			uint32_t h3 = snic_toeplitz_ref(c.key, c.key_len, in, n3);

			cr_expect_eq(h4, v[j].hash_l4, "%s vector %zu l4: 0x%08x, want 0x%08x",
				     p->name, j, h4, v[j].hash_l4);
			cr_expect_eq(h3, v[j].hash_l3, "%s vector %zu l3: 0x%08x, want 0x%08x",
				     p->name, j, h3, v[j].hash_l3);
		}
	}
}
