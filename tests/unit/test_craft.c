/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame crafting: byte-exact known answers (computed apart from snic),
 * checksums and length fields that verify, each header option written as
 * described, descriptions that can't be built refused, and no byte written
 * past the buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "snic/craft.h"

#define FRAME_MAX 2048

#define MACS	 .dmac = {0x02, 0, 0, 0, 0, 0x01}, .smac = {0x02, 0, 0, 0, 0, 0x02}
#define V4(a, b) .ip_ver = 4, .ip_src = {10, 0, 0, a}, .ip_dst = {10, 0, 0, b}
#define V6(a, b)                                                                                   \
	.ip_ver = 6, .ip_src = {0x20, 0x01, 0x0d, 0xb8, [15] = a},                                 \
	.ip_dst = {0x20, 0x01, 0x0d, 0xb8, [15] = b}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static int craft(const struct snic_craft *c, uint8_t *buf)
{
	int len = snic_craft_frame(c, buf, FRAME_MAX);

	cr_assert_gt(len, 0, "snic_craft_frame: %d", len);
	return len;
}

/* The one's complement sum of @n bytes plus @s, folded: 0xffff when a
 * region that holds its own checksum is intact. */
static uint16_t ones_sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += rd16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint16_t pseudo_v4(const uint8_t *ip, uint8_t proto, size_t n, const uint8_t *l4)
{
	return ones_sum(l4, n, ones_sum(ip + 12, 8, 0) + proto + (uint32_t)n);
}

static uint16_t pseudo_v6(const uint8_t *ip, uint8_t proto, size_t n, const uint8_t *l4)
{
	return ones_sum(l4, n, ones_sum(ip + 8, 32, 0) + proto + (uint32_t)n);
}

static uint32_t crc32c(const uint8_t *p, size_t n)
{
	uint32_t crc = ~0u;

	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
	}
	return ~crc;
}

Test(craft, ipv4_udp_matches_known_bytes)
{
	/* computed with an independent script */
	static const uint8_t want[] = {
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
		0x08, 0x00, 0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11,
		0x66, 0xca, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x04, 0xd2,
		0x16, 0x2e, 0x00, 0x0c, 0x60, 0x55, 0x31, 0x38, 0x3f, 0x46,
	};
	struct snic_craft c = {.outer = {MACS, V4(1, 2), .l4_proto = 17, .sport = 1234,
					 .dport = 5678, .payload_len = 4}};
	uint8_t f[FRAME_MAX];
	int len = craft(&c, f);

	cr_assert_eq(len, (int)sizeof(want));
	for (int i = 0; i < len; i++)
		cr_expect_eq(f[i], want[i], "byte %d: %#x, want %#x", i, f[i], want[i]);
}

Test(craft, ipv6_tcp_matches_known_bytes)
{
	static const uint8_t want[] = {
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x86,
		0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x17, 0x06, 0x40, 0x20, 0x01, 0x0d, 0xb8,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20,
		0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x02, 0x01, 0xbb, 0xc3, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
		0x01, 0x50, 0x18, 0xff, 0xff, 0x1f, 0x0f, 0x00, 0x00, 0x31, 0x38, 0x3f,
	};
	struct snic_craft c = {.outer = {MACS, V6(1, 2), .l4_proto = 6, .sport = 443,
					 .dport = 50000, .payload_len = 3}};
	uint8_t f[FRAME_MAX];
	int len = craft(&c, f);

	cr_assert_eq(len, (int)sizeof(want));
	for (int i = 0; i < len; i++)
		cr_expect_eq(f[i], want[i], "byte %d: %#x, want %#x", i, f[i], want[i]);
}

/* Checksums over odd and even lengths, both IP versions, with and without
 * options and extension headers. */
Test(craft, ipv4_and_l4_checksums_verify)
{
	uint8_t f[FRAME_MAX];

	for (unsigned pl = 0; pl < 40; pl += 3) {
		for (unsigned opt = 0; opt <= 10; opt += 5) {
			struct snic_craft c = {.outer = {MACS, V4(1, 2), .sport = 99,
							 .dport = (uint16_t)pl,
							 .ipv4_opt_words = (uint8_t)opt,
							 .payload_len = (uint16_t)pl}};
			uint8_t proto[] = {6, 17};

			for (unsigned k = 0; k < 2; k++) {
				int len, ihl = 20 + 4 * (int)opt;

				c.outer.l4_proto = proto[k];
				len = craft(&c, f);
				cr_expect_eq(ones_sum(f + 14, (size_t)ihl, 0), 0xffff,
					     "IPv4 header");
				cr_expect_eq(pseudo_v4(f + 14, proto[k], (size_t)(len - 14 - ihl),
						       f + 14 + ihl),
					     0xffff, "proto %u payload %u opt %u", proto[k], pl,
					     opt);
			}
		}
	}
}

Test(craft, ipv6_l4_checksums_verify_past_extension_headers)
{
	struct snic_craft c = {
		.outer = {MACS, V6(1, 2), .sport = 7, .dport = 8, .n_ext = 3, .ext = {0, 43, 60}}};
	uint8_t f[FRAME_MAX], proto[] = {6, 17};

	for (unsigned pl = 0; pl < 9; pl++) {
		for (unsigned k = 0; k < 2; k++) {
			int len, l4 = 14 + 40 + 8 + 24 + 16;

			c.outer.l4_proto = proto[k];
			c.outer.payload_len = (uint16_t)pl;
			len = craft(&c, f);
			cr_expect_eq(pseudo_v6(f + 14, proto[k], (size_t)(len - l4), f + l4),
				     0xffff, "proto %u payload %u", proto[k], pl);
		}
	}
}

Test(craft, udp_checksum_of_zero_is_sent_as_ffff)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2), .l4_proto = 17, .payload_len = 2}};
	uint8_t f[FRAME_MAX];
	int found = 0;

	/* search a dport that makes the computed sum 0 */
	for (uint32_t d = 0; d < 0x10000 && !found; d++) {
		c.outer.dport = (uint16_t)d;
		craft(&c, f);
		if (rd16(f + 40) == 0xffff) {
			found = 1;
			cr_expect_eq(pseudo_v4(f + 14, 17, 10, f + 34), 0xffff);
		}
		cr_expect_neq(rd16(f + 40), 0, "dport %u: checksum 0 means none", d);
	}
	cr_expect(found, "no dport gave a zero sum");
}

Test(craft, crc32c_reference_vectors)
{
	static const uint8_t zeros[32];

	/* RFC 3720 B.4 and the common check value */
	cr_expect_eq(crc32c(zeros, sizeof(zeros)), 0x8a9136aau);
	cr_expect_eq(crc32c((const uint8_t *)"123456789", 9), 0xe3069283u);
}

Test(craft, sctp_carries_crc32c_least_significant_byte_first)
{
	struct snic_craft c = {.outer = {MACS, V6(1, 2), .l4_proto = 132, .sport = 2905,
					 .dport = 36412, .payload_len = 21}};
	uint8_t f[FRAME_MAX], g[FRAME_MAX];
	int len = craft(&c, f);
	uint8_t *sctp = f + 54;
	uint32_t crc;

	cr_expect(rd16(sctp) == 2905 && rd16(sctp + 2) == 36412 && rd32(sctp + 4) == 1);
	memcpy(g, sctp, (size_t)(len - 54));
	memset(g + 8, 0, 4);
	crc = crc32c(g, (size_t)(len - 54));
	cr_expect(sctp[8] == (uint8_t)crc && sctp[9] == (uint8_t)(crc >> 8) &&
		  sctp[10] == (uint8_t)(crc >> 16) && sctp[11] == (uint8_t)(crc >> 24));
}

Test(craft, tcp_header_defaults)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2), .l4_proto = 6, .sport = 1, .dport = 2}};
	uint8_t f[FRAME_MAX];
	uint8_t *tcp = f + 34;

	cr_assert_eq(craft(&c, f), 54);
	cr_expect(rd32(tcp + 4) == 1 && rd32(tcp + 8) == 1);
	cr_expect(tcp[12] == 0x50 && tcp[13] == 0x18 && rd16(tcp + 14) == 0xffff);
}

Test(craft, zeroed_description_is_ipv4_udp)
{
	struct snic_craft c = {0};
	uint8_t f[FRAME_MAX];

	cr_assert_eq(craft(&c, f), 42);
	cr_expect(rd16(f + 12) == 0x0800 && f[14] == 0x45 && f[22] == 64 && f[23] == 17);
	cr_expect(rd16(f + 16) == 28 && rd16(f + 38) == 8);
}

Test(craft, vlan_tpids_default_to_8021ad_over_8021q)
{
	struct snic_craft c = {.outer = {MACS, .n_vlan = 1, .vlan_tci = {0x2064}, V4(1, 2)}};
	uint8_t f[FRAME_MAX];

	craft(&c, f);
	cr_expect(rd16(f + 12) == 0x8100 && rd16(f + 14) == 0x2064 && rd16(f + 16) == 0x0800);
	c.outer.n_vlan = 2;
	c.outer.vlan_tci[1] = 0x0005;
	craft(&c, f);
	cr_expect(rd16(f + 12) == 0x88a8 && rd16(f + 14) == 0x2064);
	cr_expect(rd16(f + 16) == 0x8100 && rd16(f + 18) == 5 && rd16(f + 20) == 0x0800);
	c.outer.vlan_tpid[0] = 0x9100;
	craft(&c, f);
	cr_expect(rd16(f + 12) == 0x9100 && rd16(f + 16) == 0x8100);
}

Test(craft, non_ip_ethertype_gets_payload_only)
{
	struct snic_craft c = {.outer = {MACS, .ethertype = 0x0806, .payload_len = 28}};
	uint8_t f[FRAME_MAX];

	cr_assert_eq(craft(&c, f), 42);
	cr_expect_eq(rd16(f + 12), 0x0806);
	for (int i = 0; i < 28; i++)
		cr_expect_eq(f[14 + i], (uint8_t)(i * 7 + 0x31));
}

Test(craft, payload_is_the_documented_pattern)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2), .l4_proto = 17, .payload_len = 300}};
	uint8_t f[FRAME_MAX];

	cr_assert_eq(craft(&c, f), 42 + 300);
	for (int i = 0; i < 300; i++)
		cr_expect_eq(f[42 + i], (uint8_t)(i * 7 + 0x31), "byte %d", i);
}

Test(craft, other_protocol_payload_starts_with_the_ports)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2), .l4_proto = 50, .sport = 0x1234,
					 .dport = 0x5678, .payload_len = 6}};
	uint8_t f[FRAME_MAX];

	cr_assert_eq(craft(&c, f), 40);
	cr_expect(rd32(f + 34) == 0x12345678 && f[38] == (uint8_t)(4 * 7 + 0x31));
	c.outer.payload_len = 3;
	cr_assert_eq(craft(&c, f), 37);
	cr_expect(f[34] == 0x12 && f[35] == 0x34 && f[36] == 0x56);
	cr_expect_eq(f[23], 50);
}

Test(craft, ipv4_options_and_fragment_fields)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2), .l4_proto = 17, .ipv4_opt_words = 2,
					 .more_frags = 1, .frag_off = 0x123}};
	uint8_t f[FRAME_MAX];
	int len = craft(&c, f);

	cr_expect_eq(f[14], 0x47);
	cr_expect(f[34] == 1 && f[41] == 1, "options are NOPs");
	cr_expect_eq(rd16(f + 20), 0x2000 | 0x123);
	cr_expect_eq(len, 14 + 28, "a later fragment has no UDP header");
	cr_expect_eq(rd16(f + 16), len - 14);
}

Test(craft, ipv6_extension_chain_links_next_headers)
{
	struct snic_craft c = {.outer = {MACS, V6(1, 2), .l4_proto = 6, .n_ext = 4,
					 .ext = {0, 43, 51, 60}, .more_frags = 1}};
	uint8_t f[FRAME_MAX];
	int len = craft(&c, f);
	/* hop-by-hop 8, routing 24, AH 24, dest opts 16, fragment 8 (added) */
	static const uint8_t type[] = {0, 43, 51, 60, 44}, size[] = {8, 24, 24, 16, 8};
	int off = 54;

	cr_expect_eq(f[20], 0);
	for (int i = 0; i < 5; i++) {
		uint8_t next = i < 4 ? type[i + 1] : 6;

		cr_expect_eq(f[off], next, "ext %d next %u", i, f[off]);
		if (type[i] == 51)
			cr_expect_eq((f[off + 1] + 2) * 4, size[i], "AH length");
		else if (type[i] != 44)
			cr_expect_eq((f[off + 1] + 1) * 8, size[i], "ext %d length", i);
		off += size[i];
	}
	cr_expect_eq(rd16(f + 54 + 72 + 2), 1, "fragment: offset 0, M set");
	cr_expect_eq(rd16(f + 18), len - 54);
	cr_expect_eq(len, off + 20);
}

Test(craft, vxlan_frame_layout)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2), .l4_proto = 17, .sport = 777},
			       .tunnel = SNIC_TUN_VXLAN,
			       .tun_id = 0xabcdef,
			       .inner = {MACS, V4(3, 4), .l4_proto = 6, .payload_len = 5}};
	uint8_t f[FRAME_MAX];
	int len = craft(&c, f);

	cr_assert_eq(len, 42 + 8 + 14 + 20 + 20 + 5);
	cr_expect(rd16(f + 34) == 777 && rd16(f + 36) == 4789 && rd16(f + 38) == len - 34);
	cr_expect(f[42] == 0x08 && rd32(f + 46) == 0xabcdef00);
	cr_expect(rd16(f + 50 + 12) == 0x0800 && rd16(f + 64 + 2) == len - 64);
	cr_expect_eq(pseudo_v4(f + 14, 17, (size_t)(len - 34), f + 34), 0xffff);
	cr_expect_eq(pseudo_v4(f + 64, 6, (size_t)(len - 84), f + 84), 0xffff);
	cr_expect_eq(ones_sum(f + 64, 20, 0), 0xffff);
}

Test(craft, tunnel_port_given_is_kept)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2), .dport = 8472},
			       .tunnel = SNIC_TUN_VXLAN,
			       .inner = {MACS, V4(3, 4)}};
	uint8_t f[FRAME_MAX];

	craft(&c, f);
	cr_expect_eq(rd16(f + 36), 8472);
}

Test(craft, geneve_options_fill_the_announced_length)
{
	uint8_t f[FRAME_MAX];

	for (unsigned words = 0; words <= 63; words++) {
		struct snic_craft c = {.outer = {MACS, V6(1, 2)},
				       .tunnel = SNIC_TUN_GENEVE,
				       .tun_id = 5,
				       .geneve_opt_words = (uint8_t)words,
				       .inner = {MACS, V4(3, 4)}};
		int len = craft(&c, f), off = 62 + 8;
		uint8_t *g = f + 62;

		cr_expect(g[0] == words && rd16(g + 2) == 0x6558 && rd32(g + 4) == 0x500);
		while (off < 62 + 8 + (int)words * 4) {
			cr_expect_eq(rd16(f + off), 0xffff, "option class");
			off += 4 + (f[off + 3] & 0x1f) * 4;
		}
		cr_expect_eq(off, 62 + 8 + (int)words * 4, "%u words: options end at %d", words,
			     off);
		cr_expect_eq(rd16(f + off + 12), 0x0800, "inner Ethernet follows");
		cr_expect_eq(pseudo_v6(f + 14, 17, (size_t)(len - 54), f + 54), 0xffff);
	}
}

Test(craft, gre_flags_key_sequence_and_checksum)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2)},
			       .tunnel = SNIC_TUN_GRE,
			       .gre_csum = 1,
			       .gre_key = 1,
			       .gre_seq = 1,
			       .tun_id = 0xdeadbeef,
			       .inner = {V6(3, 4), .l4_proto = 17, .payload_len = 7}};
	uint8_t f[FRAME_MAX];
	int len = craft(&c, f);
	uint8_t *g = f + 34;

	cr_expect_eq(f[23], 47);
	cr_expect(rd16(g) == 0xb000 && rd16(g + 2) == 0x86dd);
	cr_expect(rd32(g + 8) == 0xdeadbeef && rd32(g + 12) == 1);
	cr_expect_eq(ones_sum(g, (size_t)(len - 34), 0), 0xffff, "GRE checksum");
	cr_expect_eq(rd16(f + 16), len - 14);
	c.inner_l2 = 1;
	c.gre_csum = c.gre_seq = 0;
	len = craft(&c, f);
	cr_expect(rd16(g) == 0x2000 && rd16(g + 2) == 0x6558 && rd32(g + 4) == 0xdeadbeef);
	cr_expect_eq(rd16(f + 42 + 12), 0x86dd);
	c.inner = (struct snic_craft_hdr){.ethertype = 0x8847, .payload_len = 4};
	c.inner_l2 = 0;
	len = craft(&c, f);
	cr_expect(rd16(g + 2) == 0x8847 && len == 34 + 8 + 4);
}

Test(craft, gtpu_flags_length_and_extension_chain)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2)},
			       .tunnel = SNIC_TUN_GTPU,
			       .tun_id = 0x01020304,
			       .gtpu_seq = 1,
			       .gtpu_n_ext = 3,
			       .inner = {V4(3, 4), .l4_proto = 17}};
	uint8_t f[FRAME_MAX];
	int len = craft(&c, f);
	uint8_t *g = f + 42;

	cr_expect_eq(rd16(f + 36), 2152);
	cr_expect(g[0] == 0x36 && g[1] == 0xff && rd32(g + 4) == 0x01020304);
	cr_expect_eq(rd16(g + 2), len - 50, "GTP-U length counts what follows 8 bytes");
	cr_expect(rd16(g + 8) == 1 && g[11] == 0x85);
	cr_expect(g[12] == 1 && g[15] == 0x85, "first: 1 word, next 0x85");
	cr_expect(g[16] == 2 && g[23] == 0x85, "second: 2 words");
	cr_expect(g[24] == 1 && g[27] == 0, "third: 1 word, last");
	cr_expect_eq(g[28], 0x45, "inner IPv4");
	c.gtpu_seq = 0;
	c.gtpu_n_ext = 0;
	c.gtpu_type = 1;
	craft(&c, f);
	cr_expect(g[0] == 0x30 && g[1] == 1 && g[8] == 0x45);
}

Test(craft, descriptions_that_cannot_be_built_are_refused)
{
	static const struct snic_craft bad[] = {
		{.outer = {.n_vlan = 3}},
		{.outer = {.ip_ver = 5}},
		{.outer = {V4(1, 2), .ipv4_opt_words = 11}},
		{.outer = {V4(1, 2), .n_ext = 1}},
		{.outer = {V6(1, 2), .ipv4_opt_words = 1}},
		{.outer = {V6(1, 2), .n_ext = 9}},
		{.outer = {V6(1, 2), .n_ext = 1, .ext = {17}}},
		{.outer = {V6(1, 2), .n_ext = 8, .more_frags = 1}},
		{.outer = {V4(1, 2), .frag_off = 0x2000}},
		{.outer = {V4(1, 2), .l4_proto = 6}, .tunnel = SNIC_TUN_VXLAN},
		{.outer = {V4(1, 2), .l4_proto = 17}, .tunnel = SNIC_TUN_GRE},
		{.outer = {.ethertype = 0x0806}, .tunnel = SNIC_TUN_VXLAN},
		{.outer = {V4(1, 2), .more_frags = 1}, .tunnel = SNIC_TUN_GTPU},
		{.outer = {V4(1, 2)}, .tunnel = 9},
		{.outer = {V4(1, 2)}, .tunnel = SNIC_TUN_GENEVE, .geneve_opt_words = 64},
		{.outer = {V4(1, 2)}, .tunnel = SNIC_TUN_GTPU, .gtpu_n_ext = 9},
		{.outer = {V4(1, 2)}, .tunnel = SNIC_TUN_VXLAN, .inner = {.n_vlan = 3}},
		{.outer = {V4(1, 2), .l4_proto = 253, .payload_len = 65535 - 19}},
	};
	uint8_t *f = malloc(70000);

	cr_assert(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(snic_craft_frame(&bad[i], f, 70000), -EINVAL, "case %zu", i);
	free(f);
}

Test(craft, largest_ipv4_packet_is_built)
{
	struct snic_craft c = {.outer = {V4(1, 2), .l4_proto = 253, .payload_len = 65535 - 20}};
	uint8_t *f = malloc(70000);

	cr_assert(f);
	cr_expect_eq(snic_craft_frame(&c, f, 70000), 14 + 65535);
	cr_expect_eq(rd16(f + 16), 65535);
	free(f);
}

/* Every buffer too short by any amount gives -ENOSPC and no write past it;
 * the exact size works. */
Test(craft, short_buffer_is_enospc_and_never_overrun)
{
	static const struct snic_craft cs[] = {
		{.outer = {MACS, .n_vlan = 1, V6(1, 2), .n_ext = 2, .ext = {0, 51}},
		 .tunnel = SNIC_TUN_GTPU,
		 .gtpu_n_ext = 2,
		 .inner = {V4(3, 4), .l4_proto = 6, .payload_len = 9}},
		{.outer = {MACS, V4(1, 2), .ipv4_opt_words = 1},
		 .tunnel = SNIC_TUN_VXLAN,
		 .inner = {MACS, .n_vlan = 2, V6(3, 4), .l4_proto = 132}},
		{.outer = {MACS, V4(1, 2)},
		 .tunnel = SNIC_TUN_GENEVE,
		 .geneve_opt_words = 3,
		 .inner = {MACS, .ethertype = 0x0806, .payload_len = 28}},
		{.outer = {MACS, V6(1, 2)},
		 .tunnel = SNIC_TUN_GRE,
		 .gre_key = 1,
		 .inner = {V4(3, 4), .l4_proto = 17, .payload_len = 3}},
	};
	uint8_t ref[FRAME_MAX];

	for (size_t k = 0; k < sizeof(cs) / sizeof(cs[0]); k++) {
		int len = craft(&cs[k], ref);

		for (int cap = 0; cap <= len; cap++) {
			uint8_t *buf = malloc((size_t)cap + 16);

			cr_assert(buf);
			memset(buf, 0xcc, (size_t)cap + 16);
			cr_expect_eq(snic_craft_frame(&cs[k], buf, (size_t)cap),
				     cap < len ? -ENOSPC : len, "case %zu cap %d", k, cap);
			for (int i = cap; i < cap + 16; i++)
				cr_expect_eq(buf[i], 0xcc, "case %zu cap %d: byte %d written", k,
					     cap, i);
			if (cap == len)
				cr_expect(!memcmp(buf, ref, (size_t)len));
			free(buf);
		}
	}
}

Test(craft, same_description_same_bytes)
{
	struct snic_craft c = {.outer = {MACS, V4(1, 2), .l4_proto = 132, .payload_len = 50},
			       .tunnel = 0};
	uint8_t a[FRAME_MAX], b[FRAME_MAX];
	int la, lb;

	memset(a, 0x11, sizeof(a));
	memset(b, 0x22, sizeof(b));
	la = craft(&c, a);
	lb = craft(&c, b);
	cr_expect(la == lb && !memcmp(a, b, (size_t)la));
}
