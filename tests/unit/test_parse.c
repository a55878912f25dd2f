/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame parser: every header type and tunnel crafted and parsed back
 * with every recorded field checked; hand-written frames; every way a frame
 * can be cut short or lie about a length; and, on every parse, the rules
 * the result keeps whatever the input (nothing reported past the end, the
 * documented fields defined). Each frame is parsed from a heap copy of
 * exactly its length, so that an over-read shows under ASan.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "snic/craft.h"
#include "snic/parse.h"

#define FRAME_MAX 2048
#define NONE	  SNIC_OFF_NONE
#define L4	  SNIC_HF_L4
#define FULL	  (SNIC_HF_L4 | SNIC_HF_L4_FULL)
#define FRAG	  SNIC_HF_FRAG
#define LATER	  (SNIC_HF_FRAG | SNIC_HF_FRAG_LATER)
#define OPT	  SNIC_HF_IPV4_OPT

#define MACS	 .dmac = {0x02, 0, 0, 0, 0, 0x01}, .smac = {0x02, 0, 0, 0, 0, 0x02}
#define IN_MACS	 .dmac = {0x0a, 0, 0, 0, 0, 0x03}, .smac = {0x0a, 0, 0, 0, 0, 0x04}
#define V4(a, b) .ip_ver = 4, .ip_src = {10, 0, 0, a}, .ip_dst = {10, 0, 0, b}
#define V6(a, b)                                                                                   \
	.ip_ver = 6, .ip_src = {0x20, 0x01, 0x0d, 0xb8, [15] = a},                                 \
	.ip_dst = {0x20, 0x01, 0x0d, 0xb8, [15] = b}
#define TCP(s, d) .l4_proto = 6, .sport = s, .dport = d
#define UDP(s, d) .l4_proto = 17, .sport = s, .dport = d
#define NOTUN	  .tun_off = NONE, .in_l2 = NONE, .in_l3 = NONE, .in_l4 = NONE

/* ------------------------------------------------------------------ */
/* Helpers: bytes, a checked parse, and the rules every result keeps.  */

static void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* xorshift64*: fixed seed, so a failure repeats. */
static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static int craft(const struct snic_craft *c, uint8_t *buf)
{
	int len = snic_craft_frame(c, buf, FRAME_MAX);

	cr_assert_gt(len, 0, "snic_craft_frame: %d", len);
	return len;
}

static int is_ip(uint8_t l3)
{
	return l3 == SNIC_L3_IPV4 || l3 == SNIC_L3_IPV6;
}

static void expect_level_sound(const char *what, const struct snic_hdr *h, uint32_t len)
{
	cr_expect_leq(h->n_vlan, SNIC_VLAN_MAX, "%s: n_vlan %u", what, h->n_vlan);
	cr_expect_leq(h->n_ext, SNIC_IPV6_EXT_MAX, "%s: n_ext", what);
	if (h->l2_off != NONE)
		cr_expect_leq(h->l2_off + 14u + 4u * h->n_vlan, len, "%s: L2 past the end", what);
	if (h->l3 == SNIC_L3_NONE) {
		cr_expect_eq(h->l3_off, NONE, "%s: l3_off without l3", what);
		cr_expect_eq(h->l4_off, NONE, "%s: l4_off without l3", what);
		cr_expect_eq(h->flags, 0, "%s: flags without l3", what);
		return;
	}
	cr_expect_leq(h->l3_off, h->l3_end, "%s: l3_end before l3_off", what);
	cr_expect_leq(h->l3_end, len, "%s: l3_end %u past %u", what, h->l3_end, len);
	if (h->l3 == SNIC_L3_IPV4)
		cr_expect_geq(h->l3_end, h->l3_off + 20u, "%s: IPv4 header past l3_end", what);
	if (h->l3 == SNIC_L3_IPV6)
		cr_expect_geq(h->l3_end, h->l3_off + 40u, "%s: IPv6 header past l3_end", what);
	if (h->n_ext)
		cr_expect_eq(h->l3, SNIC_L3_IPV6, "%s: n_ext on IPv4", what);
	if (h->l4_off != NONE)
		cr_expect(is_ip(h->l3) && h->l4_off <= h->l3_end, "%s: l4_off %u", what, h->l4_off);
	if (h->flags & SNIC_HF_L4)
		cr_expect(h->l4_off != NONE && h->l4_off + 4u <= h->l3_end, "%s: ports", what);
	else
		cr_expect(h->sport == 0 && h->dport == 0, "%s: ports without SNIC_HF_L4", what);
	if (h->flags & SNIC_HF_L4_FULL)
		cr_expect(h->flags & SNIC_HF_L4, "%s: L4_FULL without L4", what);
	if (h->flags & SNIC_HF_FRAG_LATER)
		cr_expect((h->flags & SNIC_HF_FRAG) && h->l4_off == NONE, "%s: later frag", what);
}

/* What holds for any frame: nothing reported past @len, no flag without the
 * layer it is about. */
static void expect_sound(const struct snic_pkt *p, uint32_t len)
{
	cr_expect_eq(p->len, len);
	cr_expect_lt(p->status, SNIC_PARSE_STATUS_COUNT);
	expect_level_sound("outer", &p->outer, len);
	if (p->tunnel == SNIC_TUN_NONE) {
		cr_expect(p->tun_off == NONE && !p->has_inner && !p->tun_id_valid, "tunnel fields");
		cr_expect(p->tun_id == 0 && p->tun_proto == 0, "tunnel values");
		return;
	}
	cr_expect(p->outer.l4_off != NONE && p->tun_off >= p->outer.l4_off, "tun_off");
	cr_expect_leq(p->tun_off, len);
	if (p->tun_id_valid)
		cr_expect_leq(p->tun_off + 8u, len, "tun_id read past the end");
	else
		cr_expect_eq(p->tun_id, 0);
	if (!p->has_inner)
		return;
	expect_level_sound("inner", &p->inner, len);
	cr_expect(p->inner.l2_off == NONE || p->inner.l2_off >= p->tun_off, "inner l2_off");
	cr_expect(p->inner.l3_off == NONE || p->inner.l3_off > p->tun_off, "inner l3_off");
}

static void expect_same_level(const struct snic_hdr *a, const struct snic_hdr *b)
{
	cr_expect(a->l2_off == b->l2_off && a->l3_off == b->l3_off && a->l4_off == b->l4_off);
	cr_expect(a->l3_end == b->l3_end && a->ethertype == b->ethertype);
	cr_expect(a->n_vlan == b->n_vlan && a->l3 == b->l3 && a->l4_proto == b->l4_proto);
	cr_expect(a->n_ext == b->n_ext && a->flags == b->flags);
	cr_expect(a->sport == b->sport && a->dport == b->dport);
	if (a->l2_off != NONE)
		cr_expect(!memcmp(a->dmac, b->dmac, 6) && !memcmp(a->smac, b->smac, 6), "macs");
	for (unsigned i = 0; i < a->n_vlan && i < SNIC_VLAN_MAX; i++)
		cr_expect(a->vlan_tpid[i] == b->vlan_tpid[i] && a->vlan_tci[i] == b->vlan_tci[i]);
	if (is_ip(a->l3))
		cr_expect(!memcmp(a->ip_src, b->ip_src, 16) && !memcmp(a->ip_dst, b->ip_dst, 16));
}

/* Two parses of one frame into differently filled memory agree on every
 * field the header says is defined. */
static void expect_same_defined(const struct snic_pkt *a, const struct snic_pkt *b)
{
	cr_expect(a->len == b->len && a->status == b->status && a->tunnel == b->tunnel);
	cr_expect(a->has_inner == b->has_inner && a->tun_id_valid == b->tun_id_valid);
	cr_expect(a->tun_off == b->tun_off && a->tun_id == b->tun_id);
	cr_expect(a->tun_proto == b->tun_proto);
	expect_same_level(&a->outer, &b->outer);
	if (a->has_inner)
		expect_same_level(&a->inner, &b->inner);
}

/* Parse @len bytes from a heap copy of exactly that size, twice, and check
 * the result. */
static int parse(const uint8_t *frame, uint32_t len, struct snic_pkt *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct snic_pkt a, b;
	int st;

	cr_assert(copy);
	if (len)
		memcpy(copy, frame, len);
	memset(&a, 0xa5, sizeof(a));
	memset(&b, 0x5a, sizeof(b));
	st = snic_parse(len ? copy : NULL, len, &a);
	cr_expect_eq(st, a.status);
	snic_parse(len ? copy : NULL, len, &b);
	cr_expect(!len || !memcmp(copy, frame, len), "the parser wrote to the frame");
	free(copy);
	expect_same_defined(&a, &b);
	expect_sound(&a, len > SNIC_PARSE_LEN_MAX ? SNIC_PARSE_LEN_MAX : len);
	*out = a;
	return st;
}

static const char *st_name(int st)
{
	return snic_parse_status_name(st);
}

#define expect_status(st, want, ...)                                                               \
	cr_expect_eq(st, want, "status %s, want %s", st_name(st), st_name(want))

/* ------------------------------------------------------------------ */
/* Round trip: crafted frames of every kind, every field checked.      */

struct rt_case {
	const char *name;
	struct snic_craft c;
	uint16_t l3_off, l4_off;
	uint8_t flags;
	uint8_t n_ext;
	uint16_t tun_off, in_l2, in_l3, in_l4;
	uint8_t in_flags;
	uint8_t in_n_ext;
};

static const struct rt_case rt_cases[] = {
	{"ipv4_tcp",
	 {.outer = {MACS, V4(1, 2), TCP(40000, 80), .payload_len = 32}},
	 14,
	 34,
	 FULL,
	 0,
	 NOTUN},
	{"ipv4_udp",
	 {.outer = {MACS, V4(1, 2), UDP(5353, 53), .payload_len = 9}},
	 14,
	 34,
	 FULL,
	 0,
	 NOTUN},
	{"ipv4_udp_by_default", {.outer = {MACS, .sport = 7, .dport = 9}}, 14, 34, FULL, 0, NOTUN},
	{"ipv4_sctp",
	 {.outer = {MACS, V4(1, 2), .l4_proto = 132, .sport = 2905, .dport = 2906,
		    .payload_len = 16}},
	 14,
	 34,
	 FULL,
	 0,
	 NOTUN},
	{"ipv6_tcp",
	 {.outer = {MACS, V6(1, 2), TCP(1, 2), .payload_len = 1}},
	 14,
	 54,
	 FULL,
	 0,
	 NOTUN},
	{"ipv6_udp", {.outer = {MACS, V6(1, 2), UDP(3, 4)}}, 14, 54, FULL, 0, NOTUN},
	{"ipv6_sctp",
	 {.outer = {MACS, V6(1, 2), .l4_proto = 132, .sport = 5, .dport = 6}},
	 14,
	 54,
	 FULL,
	 0,
	 NOTUN},
	{"vlan_8021q_ipv4_udp",
	 {.outer = {MACS, .n_vlan = 1, .vlan_tci = {0x2064}, V4(1, 2), UDP(1, 2)}},
	 18,
	 38,
	 FULL,
	 0,
	 NOTUN},
	{"vlan_single_88a8_ipv4_tcp",
	 {.outer = {MACS, .n_vlan = 1, .vlan_tpid = {0x88a8}, .vlan_tci = {7}, V4(1, 2),
		    TCP(1, 2)}},
	 18,
	 38,
	 FULL,
	 0,
	 NOTUN},
	{"qinq_88a8_8100_ipv6_tcp",
	 {.outer = {MACS, .n_vlan = 2, .vlan_tci = {0x0010, 0xa00c}, V6(1, 2), TCP(1, 2)}},
	 22,
	 62,
	 FULL,
	 0,
	 NOTUN},
	{"qinq_9100_outer_ipv4_udp",
	 {.outer = {MACS, .n_vlan = 2, .vlan_tpid = {0x9100, 0x8100}, .vlan_tci = {5, 6}, V4(1, 2),
		    UDP(1, 2)}},
	 22,
	 42,
	 FULL,
	 0,
	 NOTUN},
	{"ipv4_options_tcp",
	 {.outer = {MACS, V4(1, 2), TCP(1, 2), .ipv4_opt_words = 3, .payload_len = 4}},
	 14,
	 46,
	 FULL | OPT,
	 0,
	 NOTUN},
	{"ipv4_max_options_udp",
	 {.outer = {MACS, V4(1, 2), UDP(1, 2), .ipv4_opt_words = 10}},
	 14,
	 74,
	 FULL | OPT,
	 0,
	 NOTUN},
	{"ipv4_first_fragment_udp_has_ports",
	 {.outer = {MACS, V4(1, 2), UDP(11, 22), .more_frags = 1, .payload_len = 64}},
	 14,
	 34,
	 FULL | FRAG,
	 0,
	 NOTUN},
	{"ipv4_middle_fragment_has_no_l4",
	 {.outer = {MACS, V4(1, 2), UDP(11, 22), .frag_off = 185, .more_frags = 1,
		    .payload_len = 64}},
	 14,
	 NONE,
	 LATER,
	 0,
	 NOTUN},
	{"ipv4_last_fragment_has_no_l4",
	 {.outer = {MACS, V4(1, 2), TCP(11, 22), .frag_off = 370, .payload_len = 10}},
	 14,
	 NONE,
	 LATER,
	 0,
	 NOTUN},
	{"ipv6_hop_by_hop_tcp",
	 {.outer = {MACS, V6(1, 2), TCP(1, 2), .n_ext = 1, .ext = {0}}},
	 14,
	 62,
	 FULL,
	 1,
	 NOTUN},
	{"ipv6_routing_udp",
	 {.outer = {MACS, V6(1, 2), UDP(1, 2), .n_ext = 1, .ext = {43}}},
	 14,
	 78,
	 FULL,
	 1,
	 NOTUN},
	{"ipv6_dest_opts_len1_udp",
	 {.outer = {MACS, V6(1, 2), UDP(1, 2), .n_ext = 1, .ext = {60}}},
	 14,
	 70,
	 FULL,
	 1,
	 NOTUN},
	{"ipv6_ah_len4_tcp",
	 {.outer = {MACS, V6(1, 2), TCP(1, 2), .n_ext = 1, .ext = {51}}},
	 14,
	 78,
	 FULL,
	 1,
	 NOTUN},
	{"ipv6_atomic_fragment_is_not_a_fragment",
	 {.outer = {MACS, V6(1, 2), UDP(1, 2), .n_ext = 1, .ext = {44}}},
	 14,
	 62,
	 FULL,
	 1,
	 NOTUN},
	{"ipv6_five_ext_kinds_sctp",
	 {.outer = {MACS, V6(1, 2), .l4_proto = 132, .sport = 1, .dport = 2, .n_ext = 5,
		    .ext = {0, 43, 44, 51, 60}}},
	 14,
	 134,
	 FULL,
	 5,
	 NOTUN},
	{"ipv6_eight_ext_is_the_limit",
	 {.outer = {MACS, V6(1, 2), UDP(1, 2), .n_ext = 8, .ext = {0, 60, 43, 60, 51, 60, 43, 60}}},
	 14,
	 198,
	 FULL,
	 8,
	 NOTUN},
	{"ipv6_first_fragment_tcp_has_ports",
	 {.outer = {MACS, V6(1, 2), TCP(1, 2), .more_frags = 1, .payload_len = 8}},
	 14,
	 62,
	 FULL | FRAG,
	 1,
	 NOTUN},
	{"ipv6_later_fragment_has_no_l4",
	 {.outer = {MACS, V6(1, 2), UDP(1, 2), .n_ext = 1, .ext = {0}, .frag_off = 10,
		    .payload_len = 8}},
	 14,
	 NONE,
	 LATER,
	 2,
	 NOTUN},
	{"ipv4_esp_spi_as_ports",
	 {.outer = {MACS, V4(1, 2), .l4_proto = 50, .sport = 0x1234, .dport = 0x5678,
		    .payload_len = 24}},
	 14,
	 34,
	 L4,
	 0,
	 NOTUN},
	{"ipv6_icmpv6_type_code_as_ports",
	 {.outer = {MACS, V6(1, 2), .l4_proto = 58, .sport = 0x8000, .dport = 0xbeef,
		    .payload_len = 8}},
	 14,
	 54,
	 L4,
	 0,
	 NOTUN},
	{"ipv4_other_proto_3_bytes_has_no_ports",
	 {.outer = {MACS, V4(1, 2), .l4_proto = 253, .sport = 1, .payload_len = 3}},
	 14,
	 34,
	 0,
	 0,
	 NOTUN},
	{"ipv4_other_proto_empty",
	 {.outer = {MACS, V4(1, 2), .l4_proto = 253, .payload_len = 0}},
	 14,
	 34,
	 0,
	 0,
	 NOTUN},
	{"arp_is_l3_other",
	 {.outer = {MACS, .ethertype = 0x0806, .payload_len = 28}},
	 14,
	 NONE,
	 0,
	 0,
	 NOTUN},
	{"vlan_lldp_is_l3_other",
	 {.outer = {MACS, .n_vlan = 1, .vlan_tci = {3}, .ethertype = 0x88cc, .payload_len = 5}},
	 18,
	 NONE,
	 0,
	 0,
	 NOTUN},
	{"vxlan_ipv4_inner_ipv4_tcp",
	 {.outer = {MACS, V4(1, 2), UDP(49152, 0)},
	  .tunnel = SNIC_TUN_VXLAN,
	  .tun_id = 0x123456,
	  .inner = {IN_MACS, V4(3, 4), TCP(1234, 443), .payload_len = 20}},
	 14,
	 34,
	 FULL,
	 0,
	 42,
	 50,
	 64,
	 84,
	 FULL,
	 0},
	{"vxlan_ipv6_inner_vlan_ipv6_udp",
	 {.outer = {MACS, V6(1, 2), UDP(1, 0)},
	  .tunnel = SNIC_TUN_VXLAN,
	  .tun_id = 0xffffff,
	  .inner = {IN_MACS, .n_vlan = 1, .vlan_tci = {42}, V6(3, 4), UDP(53, 5353)}},
	 14,
	 54,
	 FULL,
	 0,
	 62,
	 70,
	 88,
	 128,
	 FULL,
	 0},
	{"vxlan_inner_qinq_arp",
	 {.outer = {MACS, V4(1, 2), UDP(1, 0)},
	  .tunnel = SNIC_TUN_VXLAN,
	  .tun_id = 1,
	  .inner = {IN_MACS, .n_vlan = 2, .vlan_tci = {1, 2}, .ethertype = 0x0806,
		    .payload_len = 28}},
	 14,
	 34,
	 FULL,
	 0,
	 42,
	 50,
	 72,
	 NONE,
	 0,
	 0},
	{"vxlan_inner_ipv4_options_first_fragment",
	 {.outer = {MACS, V4(1, 2), UDP(1, 0)},
	  .tunnel = SNIC_TUN_VXLAN,
	  .tun_id = 77,
	  .inner = {IN_MACS, V4(3, 4), TCP(5, 6), .ipv4_opt_words = 1, .more_frags = 1}},
	 14,
	 34,
	 FULL,
	 0,
	 42,
	 50,
	 64,
	 88,
	 FULL | OPT | FRAG,
	 0},
	{"vxlan_inside_vxlan_is_not_decoded",
	 {.outer = {MACS, V4(1, 2), UDP(1, 0)},
	  .tunnel = SNIC_TUN_VXLAN,
	  .tun_id = 5,
	  .inner = {IN_MACS, V4(3, 4), UDP(9, 4789), .payload_len = 30}},
	 14,
	 34,
	 FULL,
	 0,
	 42,
	 50,
	 64,
	 84,
	 FULL,
	 0},
	{"geneve_options_inner_ipv4_udp",
	 {.outer = {MACS, V4(1, 2), UDP(1, 0)},
	  .tunnel = SNIC_TUN_GENEVE,
	  .tun_id = 0xabcdef,
	  .geneve_opt_words = 5,
	  .inner = {IN_MACS, V4(3, 4), UDP(7, 8)}},
	 14,
	 34,
	 FULL,
	 0,
	 42,
	 70,
	 84,
	 104,
	 FULL,
	 0},
	{"geneve_max_options_inner_ipv6_tcp",
	 {.outer = {MACS, V6(1, 2), UDP(1, 0)},
	  .tunnel = SNIC_TUN_GENEVE,
	  .tun_id = 9,
	  .geneve_opt_words = 63,
	  .inner = {IN_MACS, V6(3, 4), TCP(7, 8)}},
	 14,
	 54,
	 FULL,
	 0,
	 62,
	 322,
	 336,
	 376,
	 FULL,
	 0},
	{"gre_key_inner_ipv4_udp",
	 {.outer = {MACS, V4(1, 2)},
	  .tunnel = SNIC_TUN_GRE,
	  .gre_key = 1,
	  .tun_id = 0xdeadbeef,
	  .inner = {V4(3, 4), UDP(7, 8)}},
	 14,
	 34,
	 L4,
	 0,
	 34,
	 NONE,
	 42,
	 62,
	 FULL,
	 0},
	{"gre_csum_key_seq_teb_over_ipv6",
	 {.outer = {MACS, V6(1, 2)},
	  .tunnel = SNIC_TUN_GRE,
	  .gre_csum = 1,
	  .gre_key = 1,
	  .gre_seq = 1,
	  .inner_l2 = 1,
	  .tun_id = 42,
	  .inner = {IN_MACS, V4(3, 4), TCP(7, 8)}},
	 14,
	 54,
	 L4,
	 0,
	 54,
	 70,
	 84,
	 104,
	 FULL,
	 0},
	{"gre_plain_inner_ipv6_tcp",
	 {.outer = {MACS, V4(1, 2)}, .tunnel = SNIC_TUN_GRE, .inner = {V6(3, 4), TCP(7, 8)}},
	 14,
	 34,
	 L4,
	 0,
	 34,
	 NONE,
	 38,
	 78,
	 FULL,
	 0},
	{"gre_seq_inner_ipv6_ext_udp",
	 {.outer = {MACS, V4(1, 2)},
	  .tunnel = SNIC_TUN_GRE,
	  .gre_seq = 1,
	  .inner = {V6(3, 4), UDP(7, 8), .n_ext = 2, .ext = {0, 60}}},
	 14,
	 34,
	 L4,
	 0,
	 34,
	 NONE,
	 42,
	 106,
	 FULL,
	 2},
	{"gre_mpls_payload_is_not_decoded",
	 {.outer = {MACS, V4(1, 2)},
	  .tunnel = SNIC_TUN_GRE,
	  .inner = {.ethertype = 0x8847, .payload_len = 8}},
	 14,
	 34,
	 L4,
	 0,
	 34,
	 NONE,
	 NONE,
	 NONE,
	 0,
	 0},
	{"gtpu_inner_ipv4_udp",
	 {.outer = {MACS, V4(1, 2), UDP(2152, 0)},
	  .tunnel = SNIC_TUN_GTPU,
	  .tun_id = 0x01020304,
	  .inner = {V4(3, 4), UDP(7, 8), .payload_len = 12}},
	 14,
	 34,
	 FULL,
	 0,
	 42,
	 NONE,
	 50,
	 70,
	 FULL,
	 0},
	{"gtpu_seq_inner_ipv6_tcp",
	 {.outer = {MACS, V4(1, 2), UDP(2152, 0)},
	  .tunnel = SNIC_TUN_GTPU,
	  .tun_id = 7,
	  .gtpu_seq = 1,
	  .inner = {V6(3, 4), TCP(7, 8)}},
	 14,
	 34,
	 FULL,
	 0,
	 42,
	 NONE,
	 54,
	 94,
	 FULL,
	 0},
	{"gtpu_ext_chain_inner_ipv4_tcp",
	 {.outer = {MACS, V4(1, 2), UDP(2152, 0)},
	  .tunnel = SNIC_TUN_GTPU,
	  .tun_id = 8,
	  .gtpu_n_ext = 3,
	  .inner = {V4(3, 4), TCP(7, 8)}},
	 14,
	 34,
	 FULL,
	 0,
	 42,
	 NONE,
	 70,
	 90,
	 FULL,
	 0},
	{"gtpu_eight_ext_is_the_limit",
	 {.outer = {MACS, V4(1, 2), UDP(2152, 0)},
	  .tunnel = SNIC_TUN_GTPU,
	  .tun_id = 9,
	  .gtpu_n_ext = 8,
	  .gtpu_seq = 1,
	  .inner = {V4(3, 4), UDP(7, 8)}},
	 14,
	 34,
	 FULL,
	 0,
	 42,
	 NONE,
	 102,
	 122,
	 FULL,
	 0},
	{"gtpu_over_ipv6_inner_ipv6_udp",
	 {.outer = {MACS, V6(1, 2), UDP(2152, 0)},
	  .tunnel = SNIC_TUN_GTPU,
	  .tun_id = 0xffffffff,
	  .inner = {V6(3, 4), UDP(7, 8)}},
	 14,
	 54,
	 FULL,
	 0,
	 62,
	 NONE,
	 70,
	 110,
	 FULL,
	 0},
	{"gtpu_inner_ipv4_fragment",
	 {.outer = {MACS, V4(1, 2), UDP(2152, 0)},
	  .tunnel = SNIC_TUN_GTPU,
	  .tun_id = 10,
	  .inner = {V4(3, 4), UDP(7, 8), .frag_off = 3, .payload_len = 8}},
	 14,
	 34,
	 FULL,
	 0,
	 42,
	 NONE,
	 50,
	 NONE,
	 LATER,
	 0},
	{"gtpu_echo_request_has_no_inner",
	 {.outer = {MACS, V4(1, 2), UDP(2152, 0)},
	  .tunnel = SNIC_TUN_GTPU,
	  .tun_id = 11,
	  .gtpu_type = 1,
	  .inner = {V4(3, 4), UDP(7, 8)}},
	 14,
	 34,
	 FULL,
	 0,
	 42,
	 NONE,
	 NONE,
	 NONE,
	 0,
	 0},
};

#define N_RT (sizeof(rt_cases) / sizeof(rt_cases[0]))

/* What the description says a level's fields are. */
struct lvl_want {
	uint16_t l2, l3, l4, end;
	uint8_t flags, n_ext;
	uint16_t sport, dport;
	const struct snic_craft_hdr *d;
	uint8_t proto;
};

static uint8_t d_ver(const struct snic_craft_hdr *d)
{
	return d->ip_ver == 0 && d->ethertype == 0 ? 4 : d->ip_ver;
}

static uint16_t d_ethertype(const struct snic_craft_hdr *d)
{
	uint8_t v = d_ver(d);

	return v == 4 ? 0x0800 : v == 6 ? 0x86dd : d->ethertype;
}

static uint16_t d_tpid(const struct snic_craft_hdr *d, unsigned i)
{
	if (d->vlan_tpid[i])
		return d->vlan_tpid[i];
	return d->n_vlan == 2 && i == 0 ? 0x88a8 : 0x8100;
}

static void expect_level(const char *name, const char *lvl, const struct snic_hdr *h,
			 const struct lvl_want *w)
{
	const struct snic_craft_hdr *d = w->d;
	uint8_t ver = d_ver(d);
	size_t alen = ver == 4 ? 4 : 16;
	uint8_t zero[16] = {0};

	cr_expect_eq(h->l2_off, w->l2, "%s %s: l2_off %u", name, lvl, h->l2_off);
	cr_expect_eq(h->l3_off, w->l3, "%s %s: l3_off %u", name, lvl, h->l3_off);
	cr_expect_eq(h->l4_off, w->l4, "%s %s: l4_off %u", name, lvl, h->l4_off);
	cr_expect_eq(h->l3_end, w->end, "%s %s: l3_end %u", name, lvl, h->l3_end);
	cr_expect_eq(h->flags, w->flags, "%s %s: flags %#x want %#x", name, lvl, h->flags,
		     w->flags);
	cr_expect_eq(h->n_ext, w->n_ext, "%s %s: n_ext %u", name, lvl, h->n_ext);
	cr_expect_eq(h->ethertype, d_ethertype(d), "%s %s: ethertype %#x", name, lvl, h->ethertype);
	cr_expect_eq(h->l3,
		     ver == 4	? SNIC_L3_IPV4
		     : ver == 6 ? SNIC_L3_IPV6
				: SNIC_L3_OTHER,
		     "%s %s: l3", name, lvl);
	cr_expect_eq(h->l4_proto, ver ? w->proto : 0, "%s %s: l4_proto %u", name, lvl, h->l4_proto);
	cr_expect_eq(h->sport, w->flags & L4 ? w->sport : 0, "%s %s: sport", name, lvl);
	cr_expect_eq(h->dport, w->flags & L4 ? w->dport : 0, "%s %s: dport", name, lvl);
	if (w->l2 != NONE) {
		cr_expect(!memcmp(h->dmac, d->dmac, 6) && !memcmp(h->smac, d->smac, 6),
			  "%s %s: macs", name, lvl);
		cr_expect_eq(h->n_vlan, d->n_vlan, "%s %s: n_vlan", name, lvl);
		for (unsigned i = 0; i < d->n_vlan; i++) {
			cr_expect_eq(h->vlan_tpid[i], d_tpid(d, i), "%s %s: tpid", name, lvl);
			cr_expect_eq(h->vlan_tci[i], d->vlan_tci[i], "%s %s: tci", name, lvl);
		}
	}
	if (!ver)
		return;
	cr_expect(!memcmp(h->ip_src, d->ip_src, alen) && !memcmp(h->ip_dst, d->ip_dst, alen),
		  "%s %s: addresses", name, lvl);
	cr_expect(!memcmp(h->ip_src + alen, zero, 16 - alen), "%s %s: src tail", name, lvl);
	cr_expect(!memcmp(h->ip_dst + alen, zero, 16 - alen), "%s %s: dst tail", name, lvl);
}

static uint16_t tunnel_port(uint8_t tunnel)
{
	return tunnel == SNIC_TUN_VXLAN	   ? SNIC_PORT_VXLAN
	       : tunnel == SNIC_TUN_GENEVE ? SNIC_PORT_GENEVE
					   : SNIC_PORT_GTPU;
}

static uint16_t gre_proto(const struct snic_craft *c)
{
	return c->inner_l2 ? 0x6558 : d_ethertype(&c->inner);
}

static void outer_want(const struct rt_case *t, uint16_t len, struct lvl_want *w)
{
	const struct snic_craft *c = &t->c;

	*w = (struct lvl_want){0,
			       t->l3_off,
			       t->l4_off,
			       len,
			       t->flags,
			       t->n_ext,
			       c->outer.sport,
			       c->outer.dport,
			       &c->outer,
			       c->outer.l4_proto ? c->outer.l4_proto : 17};
	if (c->tunnel == SNIC_TUN_GRE) {
		w->proto = 47;
		w->sport = (c->gre_csum ? 0x8000 : 0) | (c->gre_key ? 0x2000 : 0) |
			   (c->gre_seq ? 0x1000 : 0);
		w->dport = gre_proto(c);
	} else if (c->tunnel && !w->dport) {
		w->dport = tunnel_port(c->tunnel);
	}
}

static void inner_want(const struct rt_case *t, uint16_t len, struct lvl_want *w)
{
	const struct snic_craft_hdr *d = &t->c.inner;

	*w = (struct lvl_want){
		t->in_l2,    t->in_l3, t->in_l4, len, t->in_flags,
		t->in_n_ext, d->sport, d->dport, d,   d->l4_proto ? d->l4_proto : 17};
}

static void expect_tunnel(const struct rt_case *t, const struct snic_pkt *p)
{
	const struct snic_craft *c = &t->c;
	int has_id = c->tunnel != SNIC_TUN_GRE || c->gre_key;
	uint32_t id = c->tunnel == SNIC_TUN_VXLAN || c->tunnel == SNIC_TUN_GENEVE
			      ? c->tun_id & 0xffffff
			      : c->tun_id;
	uint16_t proto = c->tunnel == SNIC_TUN_GRE	? gre_proto(c)
			 : c->tunnel == SNIC_TUN_GENEVE ? 0x6558
							: 0;

	cr_expect_eq(p->tunnel, c->tunnel, "%s: tunnel %u", t->name, p->tunnel);
	cr_expect_eq(p->tun_off, t->tun_off, "%s: tun_off %u", t->name, p->tun_off);
	cr_expect_eq(p->tun_id_valid, c->tunnel ? has_id : 0, "%s: tun_id_valid", t->name);
	cr_expect_eq(p->tun_id, c->tunnel && has_id ? id : 0, "%s: tun_id %#x", t->name, p->tun_id);
	cr_expect_eq(p->tun_proto, proto, "%s: tun_proto %#x", t->name, p->tun_proto);
	cr_expect_eq(p->has_inner, t->in_l2 != NONE || t->in_l3 != NONE, "%s: has_inner", t->name);
}

static void expect_round_trip(const struct rt_case *t, const uint8_t *f, int len,
			      const struct snic_pkt *p)
{
	struct lvl_want w;

	expect_status(p->status, SNIC_PARSE_OK);
	outer_want(t, (uint16_t)len, &w);
	expect_level(t->name, "outer", &p->outer, &w);
	expect_tunnel(t, p);
	if (p->has_inner) {
		inner_want(t, (uint16_t)len, &w);
		expect_level(t->name, "inner", &p->inner, &w);
	}
	(void)f;
}

Test(parse, round_trip_every_header_kind_records_every_field)
{
	uint8_t f[FRAME_MAX];
	struct snic_pkt p;

	for (size_t i = 0; i < N_RT; i++) {
		int len = craft(&rt_cases[i].c, f);

		parse(f, (uint32_t)len, &p);
		expect_round_trip(&rt_cases[i], f, len, &p);
	}
}

/* Ethernet pads short frames and some senders pad long ones: what lies
 * past the IP length is not parsed, and the result does not change. */
Test(parse, ethernet_padding_is_ignored_and_not_an_error)
{
	uint8_t f[FRAME_MAX + 64];
	struct snic_pkt ref, p;

	for (size_t i = 0; i < N_RT; i++) {
		int len = craft(&rt_cases[i].c, f);

		if (rt_cases[i].c.outer.ip_ver == 0 && rt_cases[i].c.outer.ethertype)
			continue; /* not IP: no length to stop at */
		parse(f, (uint32_t)len, &ref);
		memset(f + len, 0xee, 64);
		expect_status(parse(f, (uint32_t)len + 64, &p), SNIC_PARSE_OK);
		ref.len = p.len;
		expect_same_defined(&ref, &p);
	}
}

Test(parse, padding_is_not_taken_for_an_l4_header)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2), .l4_proto = 253}};
	uint8_t f[64] = {0};
	struct snic_pkt p;
	int len = craft(&c, f);

	f[14 + 9] = 6; /* TCP with no byte of it: tot = 20, then 26 bytes of zeros */
	cr_assert_eq(len, 34);
	expect_status(parse(f, 60, &p), SNIC_PARSE_TRUNC_L4);
	cr_expect_eq(p.outer.l3_end, 34);
	cr_expect_eq(p.outer.l4_off, 34);
	cr_expect_eq(p.outer.flags, 0, "ports read from the padding");
}

/* ------------------------------------------------------------------ */
/* Hand-written frames: the parser against bytes, not against craft.   */

Test(parse, hand_written_qinq_ipv4_udp)
{
	static const uint8_t f[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* MACs */
		0x88, 0xa8, 0xe0, 0x64,		    /* S-tag PCP 7 VID 100 */
		0x81, 0x00, 0x00, 0xc8, 0x08, 0x00, /* C-tag VID 200, IPv4 */
		0x45, 0x00, 0x00, 0x1d, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
		0xc0, 0xa8, 0x01, 0x01, 0xc0, 0xa8, 0x01, 0x02,	      /* 192.168.1.1 > .2 */
		0x30, 0x39, 0x00, 0x35, 0x00, 0x09, 0x00, 0x00, 0x61, /* 12345 > 53, "a" */
		0x00, 0x00, 0x00, 0x00,				      /* padding */
	};
	static const uint8_t src[4] = {192, 168, 1, 1}, dst[4] = {192, 168, 1, 2};
	struct snic_pkt p;

	expect_status(parse(f, sizeof(f), &p), SNIC_PARSE_OK);
	cr_expect(p.outer.n_vlan == 2 && p.outer.vlan_tpid[0] == 0x88a8 &&
		  p.outer.vlan_tci[0] == 0xe064 && p.outer.vlan_tpid[1] == 0x8100 &&
		  p.outer.vlan_tci[1] == 200);
	cr_expect(p.outer.ethertype == 0x0800 && p.outer.l3 == SNIC_L3_IPV4);
	cr_expect(p.outer.l3_off == 22 && p.outer.l4_off == 42 && p.outer.l3_end == 51);
	cr_expect(!memcmp(p.outer.ip_src, src, 4) && !memcmp(p.outer.ip_dst, dst, 4));
	cr_expect(p.outer.l4_proto == 17 && p.outer.sport == 12345 && p.outer.dport == 53);
	cr_expect_eq(p.outer.flags, FULL);
	cr_expect(p.outer.smac[5] == 0x55 && p.outer.dmac[0] == 0xff);
}

Test(parse, hand_written_ipv6_hbh16_ah16_tcp)
{
	uint8_t f[14 + 40 + 16 + 16 + 20] = {0};
	uint8_t *ip = f + 14, *hbh = ip + 40, *ah = hbh + 16, *tcp = ah + 16;
	struct snic_pkt p;

	f[12] = 0x86, f[13] = 0xdd;
	ip[0] = 0x60, ip[5] = 16 + 16 + 20, ip[6] = 0, ip[7] = 1;
	ip[8] = 0xfe, ip[9] = 0x80, ip[23] = 1, ip[24] = 0xff, ip[25] = 0x02, ip[39] = 2;
	hbh[0] = 51, hbh[1] = 1, hbh[2] = 1, hbh[3] = 12; /* 16 bytes, PadN */
	ah[0] = 6, ah[1] = 2;				  /* (2 + 2) * 4 = 16 bytes */
	tcp[0] = 0x01, tcp[1] = 0xbb, tcp[2] = 0xc0, tcp[3] = 0x00, tcp[12] = 0x50;
	expect_status(parse(f, sizeof(f), &p), SNIC_PARSE_OK);
	cr_expect(p.outer.l3 == SNIC_L3_IPV6 && p.outer.n_ext == 2 && p.outer.l4_proto == 6);
	cr_expect_eq(p.outer.l4_off, 14 + 40 + 32);
	cr_expect(p.outer.sport == 443 && p.outer.dport == 0xc000 && p.outer.flags == FULL);
	cr_expect(p.outer.ip_src[0] == 0xfe && p.outer.ip_src[15] == 1);
	cr_expect(p.outer.ip_dst[0] == 0xff && p.outer.ip_dst[15] == 2);
}

Test(parse, hand_written_gtpu_pdu_session_container)
{
	/* clang-format off */
	static const uint8_t f[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,	/* Ethernet */
		0x45, 0, 0, 72, 0, 0, 0, 0, 64, 17, 0, 0,		/* IPv4, 72 bytes */
		10, 1, 1, 1, 10, 2, 2, 2,
		0x08, 0x68, 0x08, 0x68, 0, 52, 0, 0,			/* UDP 2152 > 2152 */
		0x34, 0xff, 0, 36, 0x00, 0x00, 0x00, 0x2a,		/* E, G-PDU, 36, TEID 42 */
		0x00, 0x00, 0x00, 0x85,					/* seq, N-PDU, next: 0x85 */
		0x01, 0x10, 0x05, 0x00,					/* 4 bytes, QFI 5, last */
		0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,		/* inner IPv4 */
		172, 16, 0, 1, 172, 16, 0, 2,
		0x04, 0xd2, 0x16, 0x2e, 0, 8, 0, 0,			/* 1234 > 5678 */
	};
	/* clang-format on */
	struct snic_pkt p;

	expect_status(parse(f, sizeof(f), &p), SNIC_PARSE_OK);
	cr_expect(p.tunnel == SNIC_TUN_GTPU && p.tun_off == 42 && p.tun_id_valid && p.tun_id == 42);
	cr_expect(p.has_inner && p.inner.l2_off == NONE && p.inner.l3_off == 58);
	cr_expect(p.inner.ethertype == 0x0800 && p.inner.l3 == SNIC_L3_IPV4);
	cr_expect(p.inner.ip_src[0] == 172 && p.inner.ip_dst[3] == 2);
	cr_expect(p.inner.l4_off == 78 && p.inner.sport == 1234 && p.inner.dport == 5678);
	cr_expect(snic_pkt_hdr(&p, 1) == &p.inner && snic_pkt_hdr(&p, 0) == &p.outer);
}

/* ------------------------------------------------------------------ */
/* Frames cut short.                                                   */

static uint32_t ip_hdr_end(const uint8_t *f, const struct snic_hdr *h)
{
	if (h->l3 == SNIC_L3_IPV4)
		return h->l3_off + (f[h->l3_off] & 0xfu) * 4;
	if (h->l3 == SNIC_L3_IPV6)
		return h->l3_off + 40u;
	return h->l3_off;
}

/* Whatever a cut frame reports agrees with the whole frame. */
static void expect_prefix_of(const struct snic_hdr *cut, const struct snic_hdr *ref)
{
	if (cut->l2_off != NONE) {
		cr_expect(!memcmp(cut->dmac, ref->dmac, 6) && !memcmp(cut->smac, ref->smac, 6));
		cr_expect_leq(cut->n_vlan, ref->n_vlan);
		for (unsigned i = 0; i < cut->n_vlan; i++)
			cr_expect_eq(cut->vlan_tci[i], ref->vlan_tci[i]);
	}
	if (is_ip(cut->l3)) {
		cr_expect(cut->l3 == ref->l3 && cut->l3_off == ref->l3_off);
		cr_expect(!memcmp(cut->ip_src, ref->ip_src, 16));
		cr_expect(!memcmp(cut->ip_dst, ref->ip_dst, 16));
	}
	if (cut->flags & L4)
		cr_expect(cut->sport == ref->sport && cut->dport == ref->dport);
}

static int raw_cut_reason(const uint8_t *f, const struct snic_pkt *ref, uint32_t cut)
{
	const struct snic_hdr *h = &ref->outer;

	if (cut < h->l3_off)
		return SNIC_PARSE_TRUNC_L2;
	if (h->l3 == SNIC_L3_OTHER)
		return SNIC_PARSE_OK;
	if (cut < ip_hdr_end(f, h))
		return SNIC_PARSE_TRUNC_L3;
	return SNIC_PARSE_BAD_IP_LEN;
}

Test(parse, truncated_at_every_length_reports_nothing_past_the_cut)
{
	uint8_t f[FRAME_MAX];
	struct snic_pkt ref, p;

	for (size_t i = 0; i < N_RT; i++) {
		const char *name = rt_cases[i].name;
		int len = craft(&rt_cases[i].c, f);

		parse(f, (uint32_t)len, &ref);
		for (uint32_t cut = 0; cut < (uint32_t)len; cut++) {
			int want = raw_cut_reason(f, &ref, cut), st = parse(f, cut, &p);

			cr_expect_eq(st, want, "%s cut at %u: %s, want %s", name, cut, st_name(st),
				     st_name(want));
			cr_expect_eq(p.tunnel, SNIC_TUN_NONE, "%s cut at %u: tunnel", name, cut);
			expect_prefix_of(&p.outer, &ref.outer);
			if (st == SNIC_PARSE_BAD_IP_LEN)
				cr_expect(p.outer.l4_off == NONE &&
					  p.outer.l3_end == ip_hdr_end(f, &ref.outer));
		}
	}
}

/* Rewrite the length fields of the levels @ref found so that they end at
 * @cut: then the cut falls inside a header and not inside an IP packet. */
static void fit_level(uint8_t *f, const struct snic_hdr *h, uint32_t cut)
{
	if (h->l3 == SNIC_L3_IPV4 && cut >= h->l3_off + 20u)
		wr16(f + h->l3_off + 2, cut - h->l3_off);
	if (h->l3 == SNIC_L3_IPV6 && cut >= h->l3_off + 40u)
		wr16(f + h->l3_off + 4, cut - h->l3_off - 40);
	if (h->l4_proto == 17 && h->l4_off != NONE && cut >= h->l4_off + 8u)
		wr16(f + h->l4_off + 4, cut - h->l4_off);
}

static void fit_lengths(uint8_t *f, const struct snic_pkt *ref, uint32_t cut)
{
	fit_level(f, &ref->outer, cut);
	if (ref->tunnel == SNIC_TUN_GTPU && cut >= ref->tun_off + 8u)
		wr16(f + ref->tun_off + 2, cut - ref->tun_off - 8);
	if (ref->has_inner)
		fit_level(f, &ref->inner, cut);
}

static uint32_t l4_hlen(const uint8_t *f, const struct snic_hdr *h)
{
	switch (h->l4_proto) {
	case 6:
		return (f[h->l4_off + 12] >> 4) * 4u;
	case 17:
		return 8;
	case 132:
		return 12;
	}
	return 0;
}

/* The reason a cut inside level @h's headers gives, or -1 past them. */
static int level_cut_reason(const uint8_t *f, const struct snic_hdr *h, uint32_t cut)
{
	if (h->l2_off != NONE && cut < h->l3_off)
		return SNIC_PARSE_TRUNC_L2;
	if (h->l3 == SNIC_L3_OTHER)
		return -1;
	if (cut < ip_hdr_end(f, h))
		return SNIC_PARSE_TRUNC_L3;
	if (h->l4_off == NONE)
		return -1;
	if (cut < h->l4_off)
		return SNIC_PARSE_TRUNC_EXT;
	if (cut < h->l4_off + l4_hlen(f, h))
		return SNIC_PARSE_TRUNC_L4;
	return -1;
}

static int fit_cut_reason(const uint8_t *f, const struct snic_pkt *ref, uint32_t cut)
{
	int st = level_cut_reason(f, &ref->outer, cut);

	if (st >= 0)
		return st;
	if (ref->tunnel == SNIC_TUN_NONE)
		return SNIC_PARSE_OK;
	if (cut < (ref->inner.l2_off != NONE ? ref->inner.l2_off : ref->inner.l3_off))
		return SNIC_PARSE_TRUNC_TUNNEL;
	st = level_cut_reason(f, &ref->inner, cut);
	return st >= 0 ? st : SNIC_PARSE_OK;
}

Test(parse, cut_with_lengths_fitted_gives_the_layer_that_was_cut)
{
	uint8_t f[FRAME_MAX], g[FRAME_MAX];
	struct snic_pkt ref, p;

	for (size_t i = 0; i < N_RT; i++) {
		const char *name = rt_cases[i].name;
		int len = craft(&rt_cases[i].c, f);

		parse(f, (uint32_t)len, &ref);
		if (ref.tunnel && !ref.has_inner)
			continue; /* where the tunnel header ends is not in the result */
		if ((ref.outer.flags & SNIC_HF_FRAG_LATER) && ref.outer.n_ext)
			continue; /* nor where a later fragment's extension headers end */
		for (uint32_t cut = 0; cut < (uint32_t)len; cut++) {
			int want = fit_cut_reason(f, &ref, cut), st;

			memcpy(g, f, (size_t)len);
			fit_lengths(g, &ref, cut);
			st = parse(g, cut, &p);
			cr_expect_eq(st, want, "%s cut at %u: %s, want %s", name, cut, st_name(st),
				     st_name(want));
			expect_prefix_of(&p.outer, &ref.outer);
			if (p.has_inner)
				expect_prefix_of(&p.inner, &ref.inner);
			if (st != SNIC_PARSE_OK)
				continue;
			cr_expect(p.outer.l4_off == ref.outer.l4_off && p.tun_off == ref.tun_off,
				  "%s cut at %u: layers", name, cut);
			cr_expect(p.inner.l4_off == ref.inner.l4_off || !ref.has_inner);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Frames that lie, or stack more than snic decodes: one table.        */

struct bad_case {
	const char *name;
	struct snic_craft c;
	void (*patch)(uint8_t *f, int *len);
	int want;
	/* what is still reported */
	uint8_t l3;
	uint8_t tunnel;
	uint8_t has_inner;
};

static void ihl_4(uint8_t *f, int *len)
{
	(void)len;
	f[14] = 0x44;
}

static void ip_ver_6_in_ipv4(uint8_t *f, int *len)
{
	(void)len;
	f[14] = 0x65;
}

static void ip_ver_4_in_ipv6(uint8_t *f, int *len)
{
	(void)len;
	f[14] = 0x45;
}

static void tot_past_frame(uint8_t *f, int *len)
{
	wr16(f + 16, (uint32_t)*len - 14 + 1);
}

static void tot_below_ihl(uint8_t *f, int *len)
{
	(void)len;
	wr16(f + 16, 19);
}

static void plen_past_frame(uint8_t *f, int *len)
{
	wr16(f + 18, (uint32_t)*len - 54 + 1);
}

static void hbh_len_past_end(uint8_t *f, int *len)
{
	(void)len;
	f[54 + 1] = 10;
}

static void plen_ends_inside_ext(uint8_t *f, int *len)
{
	(void)len;
	wr16(f + 18, 4); /* the 8-byte hop-by-hop header is in the frame, not the packet */
}

static void ninth_ext(uint8_t *f, int *len)
{
	/* the payload after 8 headers starts 0x11 0x00: a 9th, 8-byte header */
	(void)f;
	(void)len;
}

static void tcp_doff_4(uint8_t *f, int *len)
{
	(void)len;
	f[34 + 12] = 0x40;
}

static void tcp_doff_past_end(uint8_t *f, int *len)
{
	(void)len;
	f[34 + 12] = 0xf0;
}

static void udp_len_7(uint8_t *f, int *len)
{
	(void)len;
	wr16(f + 34 + 4, 7);
}

static void udp_len_past_ip(uint8_t *f, int *len)
{
	wr16(f + 34 + 4, (uint32_t)*len - 34 + 1);
}

static void ip_proto_tcp(uint8_t *f, int *len)
{
	(void)len;
	f[14 + 9] = 6;
}

static void ip_proto_sctp(uint8_t *f, int *len)
{
	(void)len;
	f[14 + 9] = 132;
}

static void third_tag(uint8_t *f, int *len)
{
	(void)len;
	wr16(f + 20, 0x88a8); /* the ethertype after two tags names a third */
}

static void gre_version_1(uint8_t *f, int *len)
{
	(void)len;
	f[35] |= 1;
}

static void gre_routing(uint8_t *f, int *len)
{
	(void)len;
	f[34] |= 0x40;
}

static void gre_key_flag_past_end(uint8_t *f, int *len)
{
	(void)len;
	f[34] |= 0x20;
}

static void vxlan_no_i_flag(uint8_t *f, int *len)
{
	(void)len;
	f[42] = 0;
}

static void geneve_optlen_past_end(uint8_t *f, int *len)
{
	(void)len;
	f[42] = 63;
}

static void geneve_version_1(uint8_t *f, int *len)
{
	(void)len;
	f[42] |= 0x40;
}

static void gtpu_version_2(uint8_t *f, int *len)
{
	(void)len;
	f[42] = 0x48;
}

static void gtpu_len_past_udp(uint8_t *f, int *len)
{
	wr16(f + 44, (uint32_t)*len - 50 + 1);
}

static void gtpu_ext_len_0(uint8_t *f, int *len)
{
	(void)len;
	f[54] = 0;
}

static void gtpu_ext_len_past_end(uint8_t *f, int *len)
{
	(void)len;
	f[54] = 0xff;
}

static void gtpu_ninth_ext(uint8_t *f, int *len)
{
	(void)len;
	f[42 + 12 + 48 - 1] = 0x85; /* the last of 8 names another */
}

static void gtpu_inner_ver_5(uint8_t *f, int *len)
{
	(void)len;
	f[50] = 0x55;
}

static void inner_ihl_4(uint8_t *f, int *len)
{
	(void)len;
	f[64] = 0x44;
}

static void none(uint8_t *f, int *len)
{
	(void)f;
	(void)len;
}

#define V4_UDP_TUN(t) .outer = {MACS, V4(1, 2), UDP(1, 0)}, .tunnel = t, .tun_id = 3

static const struct bad_case bad_cases[] = {
	{"ipv4_ihl_below_5",
	 {.outer = {MACS, V4(1, 2), TCP(1, 2)}},
	 ihl_4,
	 SNIC_PARSE_BAD_IHL,
	 SNIC_L3_NONE,
	 0,
	 0},
	{"ipv4_ethertype_with_version_6",
	 {.outer = {MACS, V4(1, 2)}},
	 ip_ver_6_in_ipv4,
	 SNIC_PARSE_BAD_IP_VER,
	 SNIC_L3_NONE,
	 0,
	 0},
	{"ipv6_ethertype_with_version_4",
	 {.outer = {MACS, V6(1, 2)}},
	 ip_ver_4_in_ipv6,
	 SNIC_PARSE_BAD_IP_VER,
	 SNIC_L3_NONE,
	 0,
	 0},
	{"ipv4_total_length_past_frame",
	 {.outer = {MACS, V4(1, 2), TCP(1, 2)}},
	 tot_past_frame,
	 SNIC_PARSE_BAD_IP_LEN,
	 SNIC_L3_IPV4,
	 0,
	 0},
	{"ipv4_total_length_below_header",
	 {.outer = {MACS, V4(1, 2)}},
	 tot_below_ihl,
	 SNIC_PARSE_BAD_IP_LEN,
	 SNIC_L3_IPV4,
	 0,
	 0},
	{"ipv6_payload_length_past_frame",
	 {.outer = {MACS, V6(1, 2)}},
	 plen_past_frame,
	 SNIC_PARSE_BAD_IP_LEN,
	 SNIC_L3_IPV6,
	 0,
	 0},
	{"ipv6_ext_header_past_end",
	 {.outer = {MACS, V6(1, 2), UDP(1, 2), .n_ext = 1, .ext = {0}, .payload_len = 40}},
	 hbh_len_past_end,
	 SNIC_PARSE_TRUNC_EXT,
	 SNIC_L3_IPV6,
	 0,
	 0},
	{"ipv6_ext_header_past_payload_length",
	 {.outer = {MACS, V6(1, 2), UDP(1, 2), .n_ext = 1, .ext = {0}}},
	 plen_ends_inside_ext,
	 SNIC_PARSE_TRUNC_EXT,
	 SNIC_L3_IPV6,
	 0,
	 0},
	{"ipv6_nine_ext_headers",
	 {.outer = {MACS, V6(1, 2), .l4_proto = 60, .sport = 0x1100, .payload_len = 16, .n_ext = 8,
		    .ext = {0, 60, 60, 60, 60, 60, 60, 60}}},
	 ninth_ext,
	 SNIC_PARSE_EXT_DEPTH,
	 SNIC_L3_IPV6,
	 0,
	 0},
	{"tcp_data_offset_below_5",
	 {.outer = {MACS, V4(1, 2), TCP(1, 2)}},
	 tcp_doff_4,
	 SNIC_PARSE_BAD_L4,
	 SNIC_L3_IPV4,
	 0,
	 0},
	{"tcp_data_offset_past_end",
	 {.outer = {MACS, V4(1, 2), TCP(1, 2), .payload_len = 8}},
	 tcp_doff_past_end,
	 SNIC_PARSE_TRUNC_L4,
	 SNIC_L3_IPV4,
	 0,
	 0},
	{"tcp_header_of_4_bytes",
	 {.outer = {MACS, V4(1, 2), .l4_proto = 253, .sport = 1, .dport = 2, .payload_len = 4}},
	 ip_proto_tcp,
	 SNIC_PARSE_TRUNC_L4,
	 SNIC_L3_IPV4,
	 0,
	 0},
	{"sctp_header_of_8_bytes",
	 {.outer = {MACS, V4(1, 2), .l4_proto = 253, .sport = 1, .dport = 2, .payload_len = 8}},
	 ip_proto_sctp,
	 SNIC_PARSE_TRUNC_L4,
	 SNIC_L3_IPV4,
	 0,
	 0},
	{"udp_length_below_8",
	 {.outer = {MACS, V4(1, 2), UDP(1, 2)}},
	 udp_len_7,
	 SNIC_PARSE_BAD_L4,
	 SNIC_L3_IPV4,
	 0,
	 0},
	{"udp_length_past_ip_packet",
	 {.outer = {MACS, V4(1, 2), UDP(1, 2), .payload_len = 4}},
	 udp_len_past_ip,
	 SNIC_PARSE_BAD_L4,
	 SNIC_L3_IPV4,
	 0,
	 0},
	{"three_vlan_tags",
	 {.outer = {MACS, .n_vlan = 2, .vlan_tci = {1, 2}, .ethertype = 0x0800, .payload_len = 40}},
	 third_tag,
	 SNIC_PARSE_VLAN_DEPTH,
	 SNIC_L3_NONE,
	 0,
	 0},
	{"gre_version_1",
	 {.outer = {MACS, V4(1, 2)}, .tunnel = SNIC_TUN_GRE, .inner = {V4(3, 4)}},
	 gre_version_1,
	 SNIC_PARSE_BAD_TUNNEL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_GRE,
	 0},
	{"gre_routing_present",
	 {.outer = {MACS, V4(1, 2)}, .tunnel = SNIC_TUN_GRE, .inner = {V4(3, 4)}},
	 gre_routing,
	 SNIC_PARSE_BAD_TUNNEL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_GRE,
	 0},
	{"gre_key_past_end",
	 {.outer = {MACS, V4(1, 2)}, .tunnel = SNIC_TUN_GRE, .inner = {.ethertype = 0x8847}},
	 gre_key_flag_past_end,
	 SNIC_PARSE_TRUNC_TUNNEL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_GRE,
	 0},
	{"vxlan_header_cut_short",
	 {.outer = {MACS, V4(1, 2), UDP(1, 4789), .payload_len = 7}},
	 none,
	 SNIC_PARSE_TRUNC_TUNNEL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_VXLAN,
	 0},
	{"vxlan_without_vni_flag",
	 {V4_UDP_TUN(SNIC_TUN_VXLAN), .inner = {MACS, V4(3, 4)}},
	 vxlan_no_i_flag,
	 SNIC_PARSE_BAD_TUNNEL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_VXLAN,
	 0},
	{"geneve_option_length_past_end",
	 {V4_UDP_TUN(SNIC_TUN_GENEVE), .geneve_opt_words = 1, .inner = {MACS, V4(3, 4)}},
	 geneve_optlen_past_end,
	 SNIC_PARSE_TRUNC_TUNNEL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_GENEVE,
	 0},
	{"geneve_version_1",
	 {V4_UDP_TUN(SNIC_TUN_GENEVE), .inner = {MACS, V4(3, 4)}},
	 geneve_version_1,
	 SNIC_PARSE_BAD_TUNNEL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_GENEVE,
	 0},
	{"gtpu_version_2",
	 {V4_UDP_TUN(SNIC_TUN_GTPU), .inner = {V4(3, 4)}},
	 gtpu_version_2,
	 SNIC_PARSE_BAD_TUNNEL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_GTPU,
	 0},
	{"gtpu_length_past_udp",
	 {V4_UDP_TUN(SNIC_TUN_GTPU), .inner = {V4(3, 4)}},
	 gtpu_len_past_udp,
	 SNIC_PARSE_BAD_TUNNEL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_GTPU,
	 0},
	{"gtpu_ext_header_length_0",
	 {V4_UDP_TUN(SNIC_TUN_GTPU), .gtpu_n_ext = 1, .inner = {V4(3, 4)}},
	 gtpu_ext_len_0,
	 SNIC_PARSE_BAD_TUNNEL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_GTPU,
	 0},
	{"gtpu_ext_header_past_end",
	 {V4_UDP_TUN(SNIC_TUN_GTPU), .gtpu_n_ext = 1, .inner = {V4(3, 4)}},
	 gtpu_ext_len_past_end,
	 SNIC_PARSE_TRUNC_TUNNEL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_GTPU,
	 0},
	{"gtpu_nine_ext_headers",
	 {V4_UDP_TUN(SNIC_TUN_GTPU), .gtpu_n_ext = 8, .inner = {V4(3, 4)}},
	 gtpu_ninth_ext,
	 SNIC_PARSE_BAD_TUNNEL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_GTPU,
	 0},
	{"gtpu_gpdu_inner_version_5",
	 {V4_UDP_TUN(SNIC_TUN_GTPU), .inner = {V4(3, 4)}},
	 gtpu_inner_ver_5,
	 SNIC_PARSE_BAD_IP_VER,
	 SNIC_L3_IPV4,
	 SNIC_TUN_GTPU,
	 0},
	{"gtpu_gpdu_empty",
	 {V4_UDP_TUN(SNIC_TUN_GTPU), .inner = {.ethertype = 0x0800, .payload_len = 0}},
	 none,
	 SNIC_PARSE_TRUNC_L3,
	 SNIC_L3_IPV4,
	 SNIC_TUN_GTPU,
	 0},
	{"vxlan_inner_ihl_below_5",
	 {V4_UDP_TUN(SNIC_TUN_VXLAN), .inner = {MACS, V4(3, 4)}},
	 inner_ihl_4,
	 SNIC_PARSE_BAD_IHL,
	 SNIC_L3_IPV4,
	 SNIC_TUN_VXLAN,
	 1},
};

Test(parse, malformed_frames_stop_with_the_reason_and_keep_what_was_sound)
{
	uint8_t f[FRAME_MAX];
	struct snic_pkt p;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *t = &bad_cases[i];
		int len = craft(&t->c, f), st;

		t->patch(f, &len);
		st = parse(f, (uint32_t)len, &p);
		cr_expect_eq(st, t->want, "%s: %s, want %s", t->name, st_name(st),
			     st_name(t->want));
		cr_expect_eq(p.outer.l3, t->l3, "%s: outer l3 %u", t->name, p.outer.l3);
		cr_expect_eq(p.tunnel, t->tunnel, "%s: tunnel %u", t->name, p.tunnel);
		cr_expect_eq(p.has_inner, t->has_inner, "%s: has_inner", t->name);
		cr_expect(p.outer.l2_off == 0 && p.outer.dmac[0] == 0x02, "%s: L2 kept", t->name);
	}
}

Test(parse, bad_ip_length_keeps_addresses_but_no_l4)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2), TCP(1, 2)}};
	uint8_t f[FRAME_MAX];
	struct snic_pkt p;
	int len = craft(&c, f);

	tot_past_frame(f, &len);
	expect_status(parse(f, (uint32_t)len, &p), SNIC_PARSE_BAD_IP_LEN);
	cr_expect(p.outer.ip_src[3] == 1 && p.outer.ip_dst[3] == 2 && p.outer.l4_proto == 6);
	cr_expect(p.outer.l4_off == NONE && p.outer.flags == 0 && p.outer.l3_end == 34);
}

Test(parse, ext_depth_stops_after_eight_headers)
{
	struct snic_craft c = {.outer = {MACS, V6(1, 2), .l4_proto = 60, .sport = 0x1100,
					 .payload_len = 16, .n_ext = 8,
					 .ext = {0, 60, 60, 60, 60}}};
	uint8_t f[FRAME_MAX];
	struct snic_pkt p;
	int len;

	for (unsigned i = 5; i < 8; i++)
		c.outer.ext[i] = 60;
	len = craft(&c, f);
	expect_status(parse(f, (uint32_t)len, &p), SNIC_PARSE_EXT_DEPTH);
	cr_expect(p.outer.n_ext == 8 && p.outer.l4_proto == 60 && p.outer.l4_off == NONE);
	/* one fewer: the 9th becomes the 8th and is walked, UDP (0 bytes) after */
	c.outer.n_ext = 7;
	c.outer.payload_len = 8;
	len = craft(&c, f);
	expect_status(parse(f, (uint32_t)len, &p), SNIC_PARSE_TRUNC_L4);
	cr_expect(p.outer.n_ext == 8 && p.outer.l4_proto == 17);
	cr_expect_eq(p.outer.l4_off, 14 + 40 + 8 + 6 * 16 + 8);
}

Test(parse, three_vlan_tags_stop_after_two)
{
	struct snic_craft c = {.outer = {MACS, .n_vlan = 2, .vlan_tci = {1, 2}, .ethertype = 0x8100,
					 .payload_len = 40}};
	uint8_t f[FRAME_MAX];
	struct snic_pkt p;
	int len = craft(&c, f);

	expect_status(parse(f, (uint32_t)len, &p), SNIC_PARSE_VLAN_DEPTH);
	cr_expect(p.outer.n_vlan == 2 && p.outer.vlan_tci[1] == 2 && p.outer.ethertype == 0x8100);
	cr_expect(p.outer.l3 == SNIC_L3_NONE && p.outer.l3_off == NONE);
}

Test(parse, inner_error_falls_back_to_outer_headers_for_rss)
{
	struct snic_craft c = {V4_UDP_TUN(SNIC_TUN_VXLAN), .inner = {MACS, V4(3, 4)}};
	uint8_t f[FRAME_MAX];
	struct snic_pkt p;
	int len = craft(&c, f);

	inner_ihl_4(f, &len);
	expect_status(parse(f, (uint32_t)len, &p), SNIC_PARSE_BAD_IHL);
	cr_expect(p.has_inner && p.inner.l2_off == 50 && p.inner.l3 == SNIC_L3_NONE);
	cr_expect(snic_pkt_hdr(&p, 1) == &p.outer);
	cr_expect(p.tun_id_valid && p.tun_id == 3);
}

Test(parse, tunnel_in_an_outer_fragment_is_not_decoded)
{
	struct snic_craft c = {
		.outer = {MACS, V4(1, 2), UDP(1, 4789), .more_frags = 1, .payload_len = 60}};
	uint8_t f[FRAME_MAX];
	struct snic_pkt p;
	int len = craft(&c, f);

	f[42] = 0x08; /* a VXLAN header is there */
	expect_status(parse(f, (uint32_t)len, &p), SNIC_PARSE_OK);
	cr_expect(p.tunnel == SNIC_TUN_NONE && !p.has_inner);
	cr_expect(p.outer.flags == (FULL | FRAG) && p.outer.dport == 4789);
}

Test(parse, empty_and_tiny_frames)
{
	static const uint8_t f[14] = {[12] = 0x81, [13] = 0x00};
	struct snic_pkt p;

	expect_status(parse(NULL, 0, &p), SNIC_PARSE_TRUNC_L2);
	cr_expect(p.outer.l2_off == NONE && p.outer.ethertype == 0 && p.len == 0);
	expect_status(parse(f, 13, &p), SNIC_PARSE_TRUNC_L2);
	cr_expect_eq(p.outer.l2_off, NONE);
	expect_status(parse(f, 14, &p), SNIC_PARSE_TRUNC_L2);
	cr_expect(p.outer.l2_off == 0 && p.outer.n_vlan == 0 && p.outer.ethertype == 0x8100);
}

Test(parse, frame_longer_than_the_limit_is_parsed_on_its_prefix)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2), TCP(1, 2)}};
	uint32_t big = SNIC_PARSE_LEN_MAX + 100;
	uint8_t *f = calloc(1, big);
	struct snic_pkt p;

	cr_assert(f);
	craft(&c, f);
	expect_status(parse(f, big, &p), SNIC_PARSE_OK);
	cr_expect_eq(p.len, SNIC_PARSE_LEN_MAX);
	cr_expect(p.outer.l4_off == 34 && p.outer.dport == 2);
	free(f);
}

Test(parse, status_names_are_distinct_and_short)
{
	cr_expect_str_eq(snic_parse_status_name(SNIC_PARSE_OK), "ok");
	cr_expect_str_eq(snic_parse_status_name(SNIC_PARSE_TRUNC_L3), "trunc_l3");
	cr_expect_str_eq(snic_parse_status_name(SNIC_PARSE_BAD_TUNNEL), "bad_tunnel");
	cr_expect_str_eq(snic_parse_status_name(-1), "unknown");
	cr_expect_str_eq(snic_parse_status_name(SNIC_PARSE_STATUS_COUNT), "unknown");
	for (int i = 0; i < SNIC_PARSE_STATUS_COUNT; i++) {
		const char *a = snic_parse_status_name(i);

		cr_expect(a && strcmp(a, "unknown") && strlen(a) < 16, "status %d", i);
		for (int j = 0; j < i; j++)
			cr_expect(strcmp(a, snic_parse_status_name(j)), "%d and %d share %s", i, j,
				  a);
	}
}

/* Random damage to every crafted frame: whatever the bytes, the result
 * keeps the rules (checked in parse()) and ASan sees no over-read. */
Test(parse, random_damage_keeps_the_result_sound)
{
	uint8_t f[FRAME_MAX];
	struct snic_pkt p;

	for (size_t i = 0; i < N_RT; i++) {
		int len = craft(&rt_cases[i].c, f);

		for (int n = 0; n < 400; n++) {
			uint8_t g[FRAME_MAX];
			int flips = 1 + (int)(rng() % 4);

			memcpy(g, f, (size_t)len);
			while (flips--)
				g[rng() % (uint64_t)len] ^= (uint8_t)(1u << (rng() % 8));
			parse(g, (uint32_t)(rng() % 4 ? len : (int)(rng() % (uint64_t)len)), &p);
		}
	}
}

Test(parse, header_reads_are_big_endian)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2), UDP(0x1234, 0xabcd)}};
	uint8_t f[FRAME_MAX];
	struct snic_pkt p;
	int len = craft(&c, f);

	parse(f, (uint32_t)len, &p);
	cr_expect(rd16(f + 34) == p.outer.sport && p.outer.sport == 0x1234);
	cr_expect(rd16(f + 36) == p.outer.dport && p.outer.dport == 0xabcd);
}

/* ------------------------------------------------------------------ */
/* The fast path against the full parser.                              */

/* A frame near the fast path's edges: plain IPv4/IPv6 TCP/UDP, sometimes
 * tagged, with options, fragmented, another protocol or a tunnel. */
static int craft_near_fast(uint8_t *f)
{
	static const uint8_t protos[] = {6, 17, 6, 17, 132, 1, 47};
	struct snic_craft c;
	uint64_t r = rng();

	memset(&c, 0, sizeof(c));
	for (unsigned i = 0; i < 6; i++) {
		c.outer.dmac[i] = (uint8_t)rng();
		c.outer.smac[i] = (uint8_t)rng();
	}
	for (unsigned i = 0; i < 16; i++) {
		c.outer.ip_src[i] = (uint8_t)rng();
		c.outer.ip_dst[i] = (uint8_t)rng();
	}
	c.outer.ip_ver = r & 1 ? 6 : 4;
	c.outer.l4_proto = protos[(r >> 1) % sizeof(protos)];
	c.outer.sport = (uint16_t)rng();
	c.outer.dport = (uint16_t)rng();
	c.outer.payload_len = (uint16_t)(rng() % 4 ? rng() % 16 : rng() % 200);
	if (r % 7 == 0)
		c.outer.n_vlan = (uint8_t)(1 + (r >> 8) % 2);
	if (c.outer.ip_ver == 4 && r % 11 == 0)
		c.outer.ipv4_opt_words = (uint8_t)(1 + (r >> 12) % 10);
	if (r % 13 == 0)
		c.outer.more_frags = 1;
	if (r % 17 == 0)
		c.outer.frag_off = (uint16_t)(1 + (r >> 16) % 100);
	if (c.outer.ip_ver == 6 && r % 9 == 0) {
		c.outer.n_ext = 1;
		c.outer.ext[0] = 60;
	}
	if (r % 5 == 0 && !c.outer.more_frags && !c.outer.frag_off) {
		c.tunnel = SNIC_TUN_VXLAN;
		c.outer.l4_proto = 17;
		c.outer.dport = 0;
		c.inner = c.outer;
		c.inner.n_vlan = 0;
		c.inner.n_ext = 0;
		c.inner.ipv4_opt_words = 0;
		c.inner.ip_ver = r & 2 ? 6 : 4;
		c.inner.l4_proto = r & 4 ? 17 : 6;
	}
	return craft(&c, f);
}

/* Bytes the fast path reads or decides on: ethertype, IP version/IHL,
 * lengths, fragment bits, protocol, TCP data offset, UDP length. */
static void damage_near_fast(uint8_t *f, int len)
{
	static const uint8_t spots[] = {12, 13, 14, 16, 17, 18, 19, 20, 21, 23,
					38, 39, 46, 52, 53, 54, 58, 59, 66};
	unsigned n = (unsigned)(rng() % 3);

	while (n--) {
		unsigned at = spots[rng() % sizeof(spots)];

		if ((int)at < len)
			f[at] ^= (uint8_t)(rng() % 2 ? 1u << (rng() % 8) : rng());
	}
}

/* Both parsers over memory filled the same way: every byte of the result
 * must agree, the fields parse.h leaves undefined included (the fast path
 * writes exactly the fields the full parser writes). */
static bool expect_fast_equals_full(const uint8_t *frame, uint32_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct snic_pkt a, b;
	uint8_t fill = (uint8_t)rng();
	int sa, sb;

	cr_assert(copy);
	memcpy(copy, frame, len);
	memset(&a, fill, sizeof(a));
	memset(&b, fill, sizeof(b));
	sa = snic_parse(copy, len, &a);
	sb = snic_parse_full(copy, len, &b);
	free(copy);
	cr_assert_eq(sa, sb, "status %s (fast) vs %s (full), %u bytes", st_name(sa), st_name(sb),
		     len);
	cr_assert(!memcmp(&a, &b, sizeof(a)), "results differ, %u bytes, status %s", len,
		  st_name(sa));
	return sa == SNIC_PARSE_OK && a.outer.n_vlan == 0 && a.outer.l2_off == 0 &&
	       a.outer.flags == FULL && (a.outer.l4_off == 34 || a.outer.l4_off == 54);
}

Test(parse, fast_path_equals_full_parser_on_random_frames)
{
	unsigned plain = 0, total = 0;
	uint8_t f[FRAME_MAX];

	for (unsigned i = 0; i < 200000; i++, total++) {
		int len = craft_near_fast(f);
		uint32_t cut = (uint32_t)len;

		if (i % 3 == 0)
			damage_near_fast(f, len);
		if (i % 4 == 0)
			cut = (uint32_t)(rng() % (uint64_t)(len + 1));
		else if (i % 4 == 1 && len + 16 <= FRAME_MAX)
			cut = (uint32_t)len + (uint32_t)(rng() % 17); /* Ethernet padding */
		plain += expect_fast_equals_full(f, cut);
	}
	for (unsigned i = 0; i < 20000; i++, total++) {
		uint32_t len = (uint32_t)(rng() % 128);

		for (uint32_t j = 0; j < len; j++)
			f[j] = (uint8_t)rng();
		if (len > 14 && i % 2) {
			f[12] = i % 4 == 1 ? 0x08 : 0x86;
			f[13] = i % 4 == 1 ? 0x00 : 0xdd;
			f[14] = i % 4 == 1 ? 0x45 : 0x60;
		}
		plain += expect_fast_equals_full(f, len);
	}
	/* The fast path's frames are a good share, so it was exercised. */
	cr_expect_gt(plain, total / 5, "only %u of %u frames were plain", plain, total);
}
