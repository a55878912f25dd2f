/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RSS engine: field selection per flow type, the hash functions, the
 * indirection table and the checks a driver makes before programming them.
 *
 * The hash input is built in the order rss.h documents: s d f n (so that
 * the Toeplitz verification vectors of the 82599 datasheet, 7.1.2.8.3,
 * hold), then t v m, then the GTP-U TEID. Each field is present only when
 * selected for the flow type and present in the frame:
 *   s, d  IPv4 (4 bytes) or IPv6 (16 bytes) addresses, network order
 *   f, n  L4 bytes 0-1 and 2-3 (ports), when the L4 header was read
 *   t     the IP protocol (IPv6: the last next-header), 1 byte
 *   v     the 12-bit VID of the outermost VLAN tag of the hashed level,
 *         2 bytes big-endian (PCP and DEI are left out: they may change
 *         along a path while the flow stays the same)
 *   m     the destination MAC of the hashed level, 6 bytes (absent when the
 *         level has no Ethernet header: IP carried by GRE or GTP-U)
 *   TEID  4 bytes big-endian, with SNIC_RSS_TEID on a GTP-U frame
 * A non-first fragment gives s and d only (no TEID either).
 *
 * The hash functions and where their meaning comes from:
 *
 * toeplitz    Microsoft "RSS hashing functions" and the 82599 datasheet
 *             7.1.2.8; snic_toeplitz() does the work.
 *
 * sym-xor     Linux RXH_XFRM_SYM_XOR (Documentation/networking/scaling.rst,
 *             "Symmetric-XOR"): the pairs become (s^d, s^d, f^n, f^n),
 *             then Toeplitz. DPDK's RTE_ETH_HASH_FUNCTION_SYMMETRIC_TOEPLITZ
 *             (rte_ethdev.h) is the same transform.
 *
 * sym-or-xor  Linux RXH_XFRM_SYM_OR_XOR (scaling.rst, "Symmetric-OR-XOR",
 *             added for mlx5): (s|d, s^d, f|n, f^n), then Toeplitz.
 *             Linux accepts either transform only when every flow type
 *             hashes a subset of s d f n with s and d together and f and n
 *             together (net/ethtool ethtool_rxfh_config_is_sym()); so does
 *             snic_rss_check().
 *
 * sym-sort    DPDK RTE_ETH_HASH_FUNCTION_SYMMETRIC_TOEPLITZ_SORT
 *             (rte_ethdev.h): "if src_ip > dst_ip, swap src_ip and dst_ip;
 *             if src_port > dst_port, swap them", each pair on its own,
 *             then Toeplitz. Addresses compare as big-endian numbers. The
 *             pairs must be whole; t and v may be added (both directions
 *             carry the same), m and the TEID may not (they differ by
 *             direction).
 *
 * xor         The "simple XOR" of Intel 700/800 series (i40e, ice;
 *             DPDK RTE_ETH_HASH_FUNCTION_SIMPLE_XOR, Linux ETH_RSS_HASH_XOR):
 *             the XOR of the input taken as 32-bit big-endian words. The
 *             values E810 reports in DPDK's DTS plan
 *             test_plans/cvl_advanced_rss_test_plan.rst (SIMPLE_XOR_IPV4:
 *             1.1.4.1 -> 2.2.2.3 gives 0x03030602; SIMPLE_XOR_IPV6 gives
 *             0x05c24be5) are exactly this over s d. snic pads an input
 *             that is not a multiple of 4 bytes with zeros at the end. The
 *             key is not used.
 *
 * crc32       Linux ETH_RSS_HASH_CRC32 as the Netronome NFP core NIC
 *             firmware computes it (nic-firmware apps/nic/actions.uc,
 *             __actions_rss): the CRC remainder is seeded with the 32-bit
 *             RSS key, then the input words (addresses, then the L4 word)
 *             go through crc_be[crc_32]: polynomial 0x04C11DB7, MSB first,
 *             no reflection, no final XOR; the remainder is the hash (the
 *             Linux nfp driver gives CRC32 a 4-byte key, nfp_net_rss_key_sz).
 *             snic seeds with key bytes 0..3 read big-endian and runs the
 *             CRC over the same input bytes as Toeplitz. With the seed
 *             0xffffffff this is CRC-32/MPEG-2 ("123456789" -> 0x0376e6e7).
 *
 * Every function hashes an empty input to 0.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/rss.h"
#include "snic/toeplitz.h"

#define RXH_ALL                                                                                    \
	(SNIC_RXH_L2DA | SNIC_RXH_VLAN | SNIC_RXH_L3_PROTO | SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST |   \
	 SNIC_RXH_L4_B_0_1 | SNIC_RXH_L4_B_2_3)
#define RXH_ADDRS  (SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST)
#define RXH_PORTS  (SNIC_RXH_L4_B_0_1 | SNIC_RXH_L4_B_2_3)
#define RSS_FLAGS  (SNIC_RSS_INNER | SNIC_RSS_TEID)
#define CRC32_POLY 0x04c11db7u

#define IPPROTO_TCP_  6
#define IPPROTO_UDP_  17
#define IPPROTO_SCTP_ 132

struct snic_rss {
	struct snic_rss_conf conf;
	struct snic_toeplitz *tz; /* the Toeplitz family only */
	unsigned bulk_batch;	  /* inputs snic_toeplitz_bulk() hashes at once, 0: one by one */
	uint8_t plain;		  /* flow types input_plain() builds: bit per type */
	uint32_t crc_seed;
	uint32_t crc_table[256];
};

/* Inputs snic_rss_hash_burst() builds at once, and the room of each. */
#define BURST_CHUNK 64
#define IN_STRIDE   SNIC_RSS_INPUT_ROOM
_Static_assert(IN_STRIDE >= SNIC_RSS_INPUT_MAX, "room for the longest input");

/* The GFNI bulk path hashes 16 inputs at a time, whatever the count: below
 * BULK_MIN left over, hashing them one by one costs less (measured on Zen 4
 * with 12- and 36-byte inputs). */
#define GFNI_BATCH 16
#define BULK_MIN   4

/* ---- names ---------------------------------------------------------- */

static const char *const hfunc_names[SNIC_HFUNC_COUNT] = {
	[SNIC_HFUNC_TOEPLITZ] = "toeplitz",
	[SNIC_HFUNC_SYM_XOR] = "sym-xor",
	[SNIC_HFUNC_SYM_OR_XOR] = "sym-or-xor",
	[SNIC_HFUNC_SYM_SORT] = "sym-sort",
	[SNIC_HFUNC_XOR] = "xor",
	[SNIC_HFUNC_CRC32] = "crc32",
};

static const char *const ft_names[SNIC_FT_COUNT] = {
	[SNIC_FT_IP4] = "ip4",	   [SNIC_FT_TCP4] = "tcp4",   [SNIC_FT_UDP4] = "udp4",
	[SNIC_FT_SCTP4] = "sctp4", [SNIC_FT_IP6] = "ip6",     [SNIC_FT_TCP6] = "tcp6",
	[SNIC_FT_UDP6] = "udp6",   [SNIC_FT_SCTP6] = "sctp6",
};

/* ethtool's letters, in the order of their RXH_* bits. */
static const struct {
	char letter;
	uint8_t bit;
} rxh_letters[] = {
	{'m', SNIC_RXH_L2DA},	  {'v', SNIC_RXH_VLAN},	  {'t', SNIC_RXH_L3_PROTO},
	{'s', SNIC_RXH_IP_SRC},	  {'d', SNIC_RXH_IP_DST}, {'f', SNIC_RXH_L4_B_0_1},
	{'n', SNIC_RXH_L4_B_2_3},
};

#define N_LETTERS (sizeof(rxh_letters) / sizeof(rxh_letters[0]))

static int name_find(const char *const *names, unsigned n, const char *s)
{
	for (unsigned i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

/* "a, b, c" into @buf. */
static const char *names_join(const char *const *names, unsigned n, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? ", " : "", names[i]);
	return buf;
}

const char *snic_hfunc_name(enum snic_hfunc f)
{
	return (unsigned)f < SNIC_HFUNC_COUNT ? hfunc_names[f] : "unknown";
}

int snic_hfunc_parse(const char *s, enum snic_hfunc *out, struct snic_err *err)
{
	int i = name_find(hfunc_names, SNIC_HFUNC_COUNT, s);
	char allowed[128];

	if (i < 0)
		return snic_errf(
			err, -EINVAL, "unknown hash function '%s' (allowed: %s)", s ? s : "(null)",
			names_join(hfunc_names, SNIC_HFUNC_COUNT, allowed, sizeof(allowed)));
	*out = (enum snic_hfunc)i;
	return 0;
}

const char *snic_flow_type_name(enum snic_flow_type ft)
{
	if ((unsigned)ft < SNIC_FT_COUNT)
		return ft_names[ft];
	return ft == SNIC_FT_NONE ? "none" : "unknown";
}

int snic_flow_type_parse(const char *s, enum snic_flow_type *out, struct snic_err *err)
{
	int i = name_find(ft_names, SNIC_FT_COUNT, s);
	char allowed[128];

	if (i < 0)
		return snic_errf(err, -EINVAL, "unknown flow type '%s' (allowed: %s)",
				 s ? s : "(null)",
				 names_join(ft_names, SNIC_FT_COUNT, allowed, sizeof(allowed)));
	*out = (enum snic_flow_type)i;
	return 0;
}

static int rxh_letter_bit(char c)
{
	for (unsigned i = 0; i < N_LETTERS; i++)
		if (rxh_letters[i].letter == c)
			return rxh_letters[i].bit;
	return -1;
}

int snic_rxh_parse(const char *s, uint8_t *out, struct snic_err *err)
{
	uint8_t fields = 0;

	if (!s)
		return snic_errf(err, -EINVAL, "no fields given (allowed letters: mvtsdfn)");
	for (const char *p = s; *p; p++) {
		int bit = rxh_letter_bit(*p);

		if (bit < 0)
			return snic_errf(
				err, -EINVAL,
				"unknown field letter '%c' in '%s' (allowed: m v t s d f n)", *p,
				s);
		fields |= (uint8_t)bit;
	}
	*out = fields;
	return 0;
}

char *snic_rxh_format(uint8_t fields, char *buf, size_t size)
{
	size_t n = 0;

	if (!size)
		return buf;
	for (unsigned i = 0; i < N_LETTERS && n + 1 < size; i++)
		if (fields & rxh_letters[i].bit)
			buf[n++] = rxh_letters[i].letter;
	buf[n] = '\0';
	return buf;
}

/* ---- the indirection table ------------------------------------------ */

static int reta_check_size(unsigned size, struct snic_err *err)
{
	if (size < 1 || size > SNIC_RETA_MAX)
		return snic_errf(err, -EINVAL, "reta size %u is out of range 1..%u", size,
				 SNIC_RETA_MAX);
	return 0;
}

static int reta_check_queues(unsigned start, unsigned n, struct snic_err *err)
{
	if ((uint64_t)start + n - 1 > UINT16_MAX)
		return snic_errf(err, -EINVAL, "start %u + %u queues passes queue %u", start, n,
				 UINT16_MAX);
	return 0;
}

int snic_reta_equal(uint16_t *reta, unsigned size, unsigned n, unsigned start, struct snic_err *err)
{
	int rc = reta_check_size(size, err);

	if (rc)
		return rc;
	if (n == 0)
		return snic_errf(err, -EINVAL, "equal 0: at least one queue is needed");
	rc = reta_check_queues(start, n, err);
	if (rc)
		return rc;
	for (unsigned i = 0; i < size; i++)
		reta[i] = (uint16_t)(start + i % n);
	return 0;
}

/*
 * ethtool's rule for `weight`: entry i goes to the first queue q for which
 * i < size * (W0 + ... + Wq) / sum, so queue q owns the entries from the
 * previous boundary up to its own, and ethtool refuses a sum above size.
 */
int snic_reta_weight_start(uint16_t *reta, unsigned size, const uint32_t *w, unsigned nw,
			   unsigned start, struct snic_err *err)
{
	uint64_t sum = 0, cum = 0;
	unsigned i = 0;
	int rc = reta_check_size(size, err);

	if (rc)
		return rc;
	for (unsigned q = 0; q < nw; q++)
		sum += w[q];
	if (sum == 0)
		return snic_errf(err, -EINVAL,
				 "%u weights, all zero: at least one must be non-zero", nw);
	if (sum > size)
		return snic_errf(err, -EINVAL,
				 "weights sum to %llu, more than the %u reta entries (at most %u)",
				 (unsigned long long)sum, size, size);
	rc = reta_check_queues(start, nw, err);
	if (rc)
		return rc;
	for (unsigned q = 0; q < nw; q++) {
		cum += w[q];
		for (uint64_t end = size * cum / sum; i < end; i++)
			reta[i] = (uint16_t)(start + q);
	}
	return 0;
}

int snic_reta_weight(uint16_t *reta, unsigned size, const uint32_t *w, unsigned nw,
		     struct snic_err *err)
{
	return snic_reta_weight_start(reta, size, w, nw, 0, err);
}

/* ---- checking a conf ------------------------------------------------- */

static bool hfunc_is_toeplitz(unsigned f)
{
	return f <= SNIC_HFUNC_SYM_SORT;
}

static bool hfunc_is_sym(unsigned f)
{
	return f >= SNIC_HFUNC_SYM_XOR && f <= SNIC_HFUNC_SYM_SORT;
}

static unsigned ft_addr_len(enum snic_flow_type ft)
{
	return ft >= SNIC_FT_IP6 ? 16 : 4;
}

/* The longest input @fields can give for @ft, every field present. */
static size_t rss_input_max(unsigned fields, enum snic_flow_type ft, uint32_t flags)
{
	size_t n = 0;

	n += (fields & SNIC_RXH_IP_SRC) ? ft_addr_len(ft) : 0;
	n += (fields & SNIC_RXH_IP_DST) ? ft_addr_len(ft) : 0;
	n += (fields & SNIC_RXH_L4_B_0_1) ? 2 : 0;
	n += (fields & SNIC_RXH_L4_B_2_3) ? 2 : 0;
	n += (fields & SNIC_RXH_L3_PROTO) ? 1 : 0;
	n += (fields & SNIC_RXH_VLAN) ? 2 : 0;
	n += (fields & SNIC_RXH_L2DA) ? 6 : 0;
	n += (flags & SNIC_RSS_TEID) ? 4 : 0;
	return n;
}

/* s with d and f with n: each pair whole or absent. */
static bool fields_paired(unsigned fields)
{
	unsigned a = fields & RXH_ADDRS, p = fields & RXH_PORTS;

	return (!a || a == RXH_ADDRS) && (!p || p == RXH_PORTS);
}

/* The fields a symmetric function may hash, besides whole pairs. */
static unsigned sym_extra_allowed(unsigned hfunc)
{
	return hfunc == SNIC_HFUNC_SYM_SORT ? SNIC_RXH_L3_PROTO | SNIC_RXH_VLAN : 0;
}

static int check_sym_fields(const struct snic_rss_conf *c, unsigned ft, struct snic_err *err)
{
	unsigned fields = c->fields[ft], extra = sym_extra_allowed(c->hfunc);
	char got[8], ok[8];

	if (fields_paired(fields) && !(fields & ~(RXH_ADDRS | RXH_PORTS | extra)))
		return 0;
	return snic_errf(err, -EINVAL,
			 "%s: flow type %s hashes '%s', which is not symmetric (allowed: s with d, "
			 "f with n%s%s)",
			 hfunc_names[c->hfunc], ft_names[ft], snic_rxh_format(fields, got, 8),
			 extra ? ", and " : "", extra ? snic_rxh_format(extra, ok, 8) : "");
}

static int check_fields(const struct snic_rss_conf *c, struct snic_err *err)
{
	char ok[8];

	for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++) {
		int rc;

		if (c->fields[ft] & ~RXH_ALL)
			return snic_errf(err, -EINVAL,
					 "flow type %s: fields 0x%02x has unknown bits 0x%02x "
					 "(allowed: %s = 0x%02x)",
					 ft_names[ft], c->fields[ft], c->fields[ft] & ~RXH_ALL,
					 snic_rxh_format(RXH_ALL, ok, sizeof(ok)), RXH_ALL);
		rc = hfunc_is_sym(c->hfunc) ? check_sym_fields(c, ft, err) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

static int check_hfunc_flags(const struct snic_rss_conf *c, struct snic_err *err)
{
	char allowed[128];

	if (c->hfunc >= SNIC_HFUNC_COUNT)
		return snic_errf(
			err, -EINVAL, "hash function %u is unknown (allowed 0..%u: %s)", c->hfunc,
			SNIC_HFUNC_COUNT - 1,
			names_join(hfunc_names, SNIC_HFUNC_COUNT, allowed, sizeof(allowed)));
	if (c->flags & ~RSS_FLAGS)
		return snic_errf(
			err, -EINVAL,
			"flags 0x%x has unknown bits 0x%x (allowed: inner 0x%x, teid 0x%x)",
			c->flags, c->flags & ~RSS_FLAGS, SNIC_RSS_INNER, SNIC_RSS_TEID);
	if (hfunc_is_sym(c->hfunc) && (c->flags & SNIC_RSS_TEID))
		return snic_errf(err, -EINVAL,
				 "%s with flag teid: a GTP-U TEID differs by direction, so the "
				 "hash would not be symmetric (allowed: flag inner only)",
				 hfunc_names[c->hfunc]);
	return 0;
}

/* The Toeplitz family needs 4 key bytes past the longest input. */
static int check_toeplitz_key(const struct snic_rss_conf *c, struct snic_err *err)
{
	size_t need = 0;
	unsigned worst = 0;
	char got[8];

	for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++) {
		size_t n = rss_input_max(c->fields[ft], ft, c->flags);

		if (n > need) {
			need = n;
			worst = ft;
		}
	}
	if (c->key_len >= need + 4)
		return 0;
	return snic_errf(err, -EINVAL,
			 "key length %u is too short: flow type %s fields '%s'%s give %zu input "
			 "bytes, so %s needs at least %zu key bytes",
			 c->key_len, ft_names[worst], snic_rxh_format(c->fields[worst], got, 8),
			 (c->flags & SNIC_RSS_TEID) ? " + teid" : "", need, hfunc_names[c->hfunc],
			 need + 4);
}

static int check_key(const struct snic_rss_conf *c, struct snic_err *err)
{
	if (c->key_len > SNIC_RSS_KEY_MAX)
		return snic_errf(err, -EINVAL, "key length %u is out of range 0..%u", c->key_len,
				 SNIC_RSS_KEY_MAX);
	if (hfunc_is_toeplitz(c->hfunc))
		return check_toeplitz_key(c, err);
	if (c->hfunc == SNIC_HFUNC_CRC32 && c->key_len < 4)
		return snic_errf(err, -EINVAL,
				 "key length %u is too short: crc32 takes its 32-bit seed from key "
				 "bytes 0..3 (at least 4)",
				 c->key_len);
	return 0;
}

static int check_reta(const struct snic_rss_conf *c, struct snic_err *err)
{
	int rc = reta_check_size(c->reta_size, err);

	if (rc)
		return rc;
	if (c->reta_rule > SNIC_RETA_MODULO)
		return snic_errf(err, -EINVAL,
				 "reta rule %u is unknown (allowed: %u low-bits, %u modulo)",
				 c->reta_rule, SNIC_RETA_LOW_BITS, SNIC_RETA_MODULO);
	if (c->reta_rule == SNIC_RETA_LOW_BITS && (c->reta_size & (c->reta_size - 1)))
		return snic_errf(
			err, -EINVAL,
			"reta size %u is not a power of two, which the low-bits index rule "
			"needs (allowed: 1, 2, 4 ... %u, or the modulo rule)",
			c->reta_size, SNIC_RETA_MAX);
	if (c->nqueues == 0)
		return snic_errf(err, -EINVAL, "nqueues 0: the reta needs at least one queue");
	for (unsigned i = 0; i < c->reta_size; i++)
		if (c->reta[i] >= c->nqueues)
			return snic_errf(err, -EINVAL,
					 "reta entry %u names queue %u (allowed 0..%u: nqueues %u)",
					 i, c->reta[i], c->nqueues - 1u, c->nqueues);
	return 0;
}

int snic_rss_check(const struct snic_rss_conf *c, struct snic_err *err)
{
	int rc = check_hfunc_flags(c, err);

	if (!rc)
		rc = check_fields(c, err);
	if (!rc)
		rc = check_key(c, err);
	if (!rc)
		rc = check_reta(c, err);
	return rc;
}

/* ---- the hash input --------------------------------------------------- */

/* The flow type an IP protocol adds to SNIC_FT_IP4 or SNIC_FT_IP6. */
static const uint8_t proto_ft[256] = {
	[IPPROTO_TCP_] = SNIC_FT_TCP4 - SNIC_FT_IP4,
	[IPPROTO_UDP_] = SNIC_FT_UDP4 - SNIC_FT_IP4,
	[IPPROTO_SCTP_] = SNIC_FT_SCTP4 - SNIC_FT_IP4,
};

static enum snic_flow_type hdr_flow_type(const struct snic_hdr *h)
{
	if (h->l3 != SNIC_L3_IPV4 && h->l3 != SNIC_L3_IPV6)
		return SNIC_FT_NONE;
	return (h->l3 == SNIC_L3_IPV6 ? SNIC_FT_IP6 : SNIC_FT_IP4) +
	       (h->flags & SNIC_HF_FRAG ? 0 : proto_ft[h->l4_proto]);
}

enum snic_flow_type snic_rss_flow_type(const struct snic_rss_conf *c, const struct snic_pkt *pkt)
{
	return hdr_flow_type(snic_pkt_hdr(pkt, c->flags & SNIC_RSS_INNER));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Write the pair @a, @b (@len bytes each) as @hfunc wants it. */
static void put_pair(unsigned hfunc, const uint8_t *a, const uint8_t *b, size_t len, uint8_t *out)
{
	size_t i;

	switch (hfunc) {
	case SNIC_HFUNC_SYM_XOR:
		for (i = 0; i < len; i++)
			out[i] = out[len + i] = a[i] ^ b[i];
		return;
	case SNIC_HFUNC_SYM_OR_XOR:
		for (i = 0; i < len; i++) {
			out[i] = a[i] | b[i];
			out[len + i] = a[i] ^ b[i];
		}
		return;
	case SNIC_HFUNC_SYM_SORT:
		if (memcmp(a, b, len) > 0) {
			const uint8_t *t = a;

			a = b;
			b = t;
		}
		break;
	}
	memcpy(out, a, len);
	memcpy(out + len, b, len);
}

/* An address of @alen bytes (4 or 16): copies of a fixed size, which the
 * compiler inlines. */
static void put_addr(uint8_t *out, const uint8_t *a, size_t alen)
{
	if (alen == 4)
		memcpy(out, a, 4);
	else
		memcpy(out, a, 16);
}

/* s and d (or one of them), transformed as a pair when both are there. */
static size_t put_addrs(unsigned hfunc, const struct snic_hdr *h, size_t alen, unsigned fields,
			uint8_t *out)
{
	switch (fields & RXH_ADDRS) {
	case RXH_ADDRS:
		if (hfunc_is_sym(hfunc)) {
			put_pair(hfunc, h->ip_src, h->ip_dst, alen, out);
		} else {
			put_addr(out, h->ip_src, alen);
			put_addr(out + alen, h->ip_dst, alen);
		}
		return 2 * alen;
	case SNIC_RXH_IP_SRC:
		put_addr(out, h->ip_src, alen);
		return alen;
	case SNIC_RXH_IP_DST:
		put_addr(out, h->ip_dst, alen);
		return alen;
	default:
		return 0;
	}
}

static size_t put_ports(unsigned hfunc, const struct snic_hdr *h, unsigned fields, uint8_t *out)
{
	uint8_t sp[2], dp[2];

	if (!(h->flags & SNIC_HF_L4))
		return 0;
	put16(sp, h->sport);
	put16(dp, h->dport);
	switch (fields & RXH_PORTS) {
	case RXH_PORTS:
		if (hfunc_is_sym(hfunc)) {
			put_pair(hfunc, sp, dp, 2, out);
		} else {
			put16(out, h->sport);
			put16(out + 2, h->dport);
		}
		return 4;
	case SNIC_RXH_L4_B_0_1:
		memcpy(out, sp, 2);
		return 2;
	case SNIC_RXH_L4_B_2_3:
		memcpy(out, dp, 2);
		return 2;
	default:
		return 0;
	}
}

/* t, v, m. */
static size_t put_tvm(const struct snic_hdr *h, unsigned fields, uint8_t *out)
{
	size_t n = 0;

	if (fields & SNIC_RXH_L3_PROTO)
		out[n++] = h->l4_proto;
	if ((fields & SNIC_RXH_VLAN) && h->n_vlan) {
		put16(out + n, h->vlan_tci[0] & 0x0fffu);
		n += 2;
	}
	if ((fields & SNIC_RXH_L2DA) && h->l2_off != SNIC_OFF_NONE) {
		memcpy(out + n, h->dmac, 6);
		n += 6;
	}
	return n;
}

static bool pkt_has_teid(const struct snic_pkt *pkt)
{
	return pkt->tunnel == SNIC_TUN_GTPU && pkt->tun_id_valid;
}

static size_t rss_input(const struct snic_rss_conf *c, const struct snic_pkt *pkt, uint8_t *out)
{
	const struct snic_hdr *h = snic_pkt_hdr(pkt, c->flags & SNIC_RSS_INNER);
	enum snic_flow_type ft = hdr_flow_type(h);
	bool teid = (c->flags & SNIC_RSS_TEID) && pkt_has_teid(pkt);
	unsigned fields;
	size_t n;

	if (ft == SNIC_FT_NONE)
		return 0;
	fields = c->fields[ft];
	if (h->flags & SNIC_HF_FRAG_LATER) {
		fields &= RXH_ADDRS;
		teid = false;
	}
	n = put_addrs(c->hfunc, h, ft_addr_len(ft), fields, out);
	n += put_ports(c->hfunc, h, fields, out + n);
	if (fields & ~(RXH_ADDRS | RXH_PORTS))
		n += put_tvm(h, fields, out + n);
	if (teid) {
		put32(out + n, pkt->tun_id);
		n += 4;
	}
	return n;
}

size_t snic_rss_input(const struct snic_rss_conf *c, const struct snic_pkt *pkt,
		      uint8_t out[SNIC_RSS_INPUT_MAX])
{
	return rss_input(c, pkt, out);
}

/*
 * The common case with fewer branches: flow types that hash s d or s d f n
 * (the defaults of every profile), untransformed (no symmetric function),
 * without the TEID. Same bytes as rss_input(), which does the others.
 */
static uint8_t plain_flow_types(const struct snic_rss_conf *c)
{
	uint8_t plain = 0;

	if (hfunc_is_sym(c->hfunc) || (c->flags & SNIC_RSS_TEID))
		return 0;
	for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++)
		if (c->fields[ft] == RXH_ADDRS || c->fields[ft] == (RXH_ADDRS | RXH_PORTS))
			plain |= (uint8_t)(1u << ft);
	return plain;
}

static size_t input_plain(const struct snic_rss *r, const struct snic_pkt *pkt, uint8_t *out)
{
	const struct snic_hdr *h = snic_pkt_hdr(pkt, r->conf.flags & SNIC_RSS_INNER);
	enum snic_flow_type ft = hdr_flow_type(h);
	size_t alen;
	bool ports;

	if (ft == SNIC_FT_NONE)
		return 0;
	if (!(r->plain >> ft & 1))
		return rss_input(&r->conf, pkt, out);
	alen = ft_addr_len(ft);
	ports = (r->conf.fields[ft] & RXH_PORTS) &&
		(h->flags & (SNIC_HF_L4 | SNIC_HF_FRAG_LATER)) == SNIC_HF_L4;
	if (alen == 4) {
		memcpy(out, h->ip_src, 4);
		memcpy(out + 4, h->ip_dst, 4);
	} else {
		memcpy(out, h->ip_src, 16);
		memcpy(out + 16, h->ip_dst, 16);
	}
	if (ports) {
		put16(out + 2 * alen, h->sport);
		put16(out + 2 * alen + 2, h->dport);
	}
	return 2 * alen + (ports ? 4 : 0);
}

/* ---- the hash functions: plain versions ------------------------------ */

static uint32_t xor_ref(const uint8_t *in, size_t len)
{
	uint32_t h = 0;

	for (size_t i = 0; i < len; i++)
		h ^= (uint32_t)in[i] << (24 - 8 * (i & 3));
	return h;
}

static uint32_t crc32_seed(const struct snic_rss_conf *c)
{
	uint32_t seed = 0;

	for (unsigned i = 0; i < 4; i++)
		seed = seed << 8 | (i < c->key_len ? c->key[i] : 0);
	return seed;
}

static uint32_t crc32_ref(uint32_t crc, const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		crc ^= (uint32_t)in[i] << 24;
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x80000000u) ? crc << 1 ^ CRC32_POLY : crc << 1;
	}
	return crc;
}

uint32_t snic_rss_hfunc_raw(const struct snic_rss_conf *c, const uint8_t *in, size_t len)
{
	if (!len)
		return 0;
	switch (c->hfunc) {
	case SNIC_HFUNC_XOR:
		return xor_ref(in, len);
	case SNIC_HFUNC_CRC32:
		return crc32_ref(crc32_seed(c), in, len);
	default:
		return snic_toeplitz_ref(c->key, c->key_len, in, len);
	}
}

/* ---- the reference twin ---------------------------------------------- */

/* Linux's and DPDK's transforms, applied in place to a plain pair. */
static void ref_sym(unsigned hfunc, uint8_t *a, uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t x = a[i], y = b[i];

		if (hfunc == SNIC_HFUNC_SYM_XOR) {
			a[i] = x ^ y;
			b[i] = x ^ y;
		} else if (hfunc == SNIC_HFUNC_SYM_OR_XOR) {
			a[i] = x | y;
			b[i] = x ^ y;
		}
	}
	if (hfunc == SNIC_HFUNC_SYM_SORT && memcmp(a, b, len) > 0)
		for (size_t i = 0; i < len; i++) {
			uint8_t t = a[i];

			a[i] = b[i];
			b[i] = t;
		}
}

static void ref_append(uint8_t *buf, size_t *n, const void *p, size_t len)
{
	memcpy(buf + *n, p, len);
	*n += len;
}

static void ref_append_be(uint8_t *buf, size_t *n, uint32_t v, size_t len)
{
	while (len--)
		buf[(*n)++] = (uint8_t)(v >> (8 * len));
}

/* The input, field by field in plain form, then the pairs transformed. */
static size_t ref_input(const struct snic_rss_conf *c, const struct snic_pkt *pkt, uint8_t *buf)
{
	const struct snic_hdr *h = snic_pkt_hdr(pkt, c->flags & SNIC_RSS_INNER);
	enum snic_flow_type ft = snic_rss_flow_type(c, pkt);
	bool later = h->flags & SNIC_HF_FRAG_LATER;
	bool l4 = (h->flags & SNIC_HF_L4) && !later;
	size_t alen = ft_addr_len(ft), n = 0;
	unsigned f;

	if (ft == SNIC_FT_NONE)
		return 0;
	f = c->fields[ft] & (later ? RXH_ADDRS : RXH_ALL);
	if (f & SNIC_RXH_IP_SRC)
		ref_append(buf, &n, h->ip_src, alen);
	if (f & SNIC_RXH_IP_DST)
		ref_append(buf, &n, h->ip_dst, alen);
	if ((f & RXH_ADDRS) == RXH_ADDRS)
		ref_sym(c->hfunc, buf, buf + alen, alen);
	if (l4 && (f & SNIC_RXH_L4_B_0_1))
		ref_append_be(buf, &n, h->sport, 2);
	if (l4 && (f & SNIC_RXH_L4_B_2_3))
		ref_append_be(buf, &n, h->dport, 2);
	if (l4 && (f & RXH_PORTS) == RXH_PORTS)
		ref_sym(c->hfunc, buf + n - 4, buf + n - 2, 2);
	if (f & SNIC_RXH_L3_PROTO)
		ref_append_be(buf, &n, h->l4_proto, 1);
	if ((f & SNIC_RXH_VLAN) && h->n_vlan > 0)
		ref_append_be(buf, &n, h->vlan_tci[0] % 4096u, 2);
	if ((f & SNIC_RXH_L2DA) && h->l2_off != SNIC_OFF_NONE)
		ref_append(buf, &n, h->dmac, 6);
	if ((c->flags & SNIC_RSS_TEID) && pkt_has_teid(pkt) && !later)
		ref_append_be(buf, &n, pkt->tun_id, 4);
	return n;
}

uint32_t snic_rss_hash_ref(const struct snic_rss_conf *c, const struct snic_pkt *pkt)
{
	uint8_t in[SNIC_RSS_INPUT_MAX];

	return snic_rss_hfunc_raw(c, in, ref_input(c, pkt, in));
}

/* ---- the compiled engine --------------------------------------------- */

static void crc32_table_fill(uint32_t table[256])
{
	for (unsigned i = 0; i < 256; i++) {
		uint32_t crc = (uint32_t)i << 24;

		for (int b = 0; b < 8; b++)
			crc = (crc & 0x80000000u) ? crc << 1 ^ CRC32_POLY : crc << 1;
		table[i] = crc;
	}
}

int snic_rss_new(const struct snic_rss_conf *c, struct snic_rss **out, struct snic_err *err)
{
	struct snic_rss *r;
	int rc = snic_rss_check(c, err);

	if (rc)
		return rc;
	r = calloc(1, sizeof(*r));
	if (!r)
		return snic_errf(err, -ENOMEM, "no memory for a compiled rss conf (%zu bytes)",
				 sizeof(*r));
	r->conf = *c;
	if (hfunc_is_toeplitz(c->hfunc)) {
		rc = snic_toeplitz_new(c->key, c->key_len, &r->tz, err);
		if (rc)
			goto err_free;
	}
	r->plain = plain_flow_types(c);
	r->bulk_batch = snic_toeplitz_impl_best() == SNIC_TOEPLITZ_GFNI ? GFNI_BATCH : 0;
	r->crc_seed = crc32_seed(c);
	crc32_table_fill(r->crc_table);
	*out = r;
	return 0;

err_free:
	free(r);
	return rc;
}

void snic_rss_free(struct snic_rss *r)
{
	if (!r)
		return;
	snic_toeplitz_free(r->tz);
	free(r);
}

const struct snic_rss_conf *snic_rss_conf(const struct snic_rss *r)
{
	return &r->conf;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A last partial word counts as if padded with zeros. */
static uint32_t xor_words(const uint8_t *in, size_t len)
{
	uint8_t tail[4] = {0};
	uint32_t h = 0;
	size_t i = 0;

	for (; i + 4 <= len; i += 4)
		h ^= be32(in + i);
	if (i < len) {
		memcpy(tail, in + i, len - i);
		h ^= be32(tail);
	}
	return h;
}

static uint32_t crc32_fast(const struct snic_rss *r, const uint8_t *in, size_t len)
{
	uint32_t crc = r->crc_seed;

	for (size_t i = 0; i < len; i++)
		crc = crc << 8 ^ r->crc_table[(crc >> 24) ^ in[i]];
	return crc;
}

/*
 * The hash of @len input bytes at @in, just written. Toeplitz takes the
 * byte table here: it reads the input byte by byte, which the store buffer
 * forwards, where the GFNI path's one wide load would wait for the input's
 * writes to reach the cache (on Zen 4, input included: 16 ns with GFNI,
 * 11.5 with the table, for IPv4 and IPv6 TCP/UDP). Inputs hashed in bulk
 * take the fastest path (toeplitz_prepared).
 */
static uint32_t hash_input(const struct snic_rss *r, const uint8_t *in, size_t len)
{
	if (!len)
		return 0;
	switch (r->conf.hfunc) {
	case SNIC_HFUNC_XOR:
		return xor_words(in, len);
	case SNIC_HFUNC_CRC32:
		return crc32_fast(r, in, len);
	default:
		return snic_toeplitz_with(r->tz, SNIC_TOEPLITZ_TABLE, in, len);
	}
}

uint32_t snic_rss_hash(const struct snic_rss *r, const struct snic_pkt *pkt)
{
	uint8_t in[IN_STRIDE];

	return hash_input(r, in, input_plain(r, pkt, in));
}

/*
 * Inputs of any lengths in one bulk call (snic_toeplitz_bulk_lens), but
 * for a remainder too small to be worth a batch of its own, hashed one by
 * one. The key covers the longest input the conf can give
 * (snic_rss_check). Without a batched SIMD path each is hashed at its own
 * length.
 */
static void toeplitz_prepared(const struct snic_rss *r, const uint8_t *const *in,
			      const uint8_t *len, unsigned n, uint32_t *hashes)
{
	unsigned bulk = 0;

	if (r->bulk_batch)
		bulk = n % r->bulk_batch < BULK_MIN ? n - n % r->bulk_batch : n;
	if (bulk)
		snic_toeplitz_bulk_lens(r->tz, (const void *const *)in, len, hashes, bulk);
	for (unsigned i = bulk; i < n; i++)
		hashes[i] = len[i] ? snic_toeplitz(r->tz, in[i], len[i]) : 0;
}

size_t snic_rss_prepare(const struct snic_rss *r, const struct snic_pkt *pkt,
			uint8_t in[SNIC_RSS_INPUT_ROOM])
{
	return input_plain(r, pkt, in);
}

void snic_rss_hash_prepared(const struct snic_rss *r, const uint8_t *const *in, const uint8_t *len,
			    unsigned n, uint32_t *hashes)
{
	if (hfunc_is_toeplitz(r->conf.hfunc)) {
		toeplitz_prepared(r, in, len, n, hashes);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		hashes[i] = hash_input(r, in[i], len[i]);
}

void snic_rss_hash_burst(const struct snic_rss *r, const struct snic_pkt *const *pkts, unsigned n,
			 uint32_t *hashes)
{
	uint8_t in[BURST_CHUNK][IN_STRIDE];
	const uint8_t *ptr[BURST_CHUNK];
	uint8_t len[BURST_CHUNK];

	for (unsigned base = 0; base < n; base += BURST_CHUNK) {
		unsigned m = n - base < BURST_CHUNK ? n - base : BURST_CHUNK;

		for (unsigned i = 0; i < m; i++) {
			ptr[i] = in[i];
			len[i] = (uint8_t)input_plain(r, pkts[base + i], in[i]);
		}
		snic_rss_hash_prepared(r, ptr, len, m, hashes + base);
	}
}
