/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Seed corpus for fuzz_parse: one well-formed frame of each kind the
 * parser decodes, crafted, written as DIR/seed-NN.
 *
 *   parse_corpus DIR
 */
#include <stdio.h>

#include "snic/craft.h"

#define V4(a, b) .ip_ver = 4, .ip_src = {10, 0, 0, a}, .ip_dst = {10, 0, 0, b}
#define V6(a, b)                                                                                   \
	.ip_ver = 6, .ip_src = {0x20, 0x01, 0x0d, 0xb8, [15] = a},                                 \
	.ip_dst = {0x20, 0x01, 0x0d, 0xb8, [15] = b}
#define TUN(t)	.outer = {V4(1, 2)}, .tunnel = t, .tun_id = 7
#define TUN6(t) .outer = {V6(1, 2)}, .tunnel = t, .tun_id = 7
#define IN4(p)	.inner = {V4(3, 4), .l4_proto = p, .sport = 5, .dport = 6, .payload_len = 4}
#define IN6(p)	.inner = {V6(3, 4), .l4_proto = p, .sport = 5, .dport = 6, .payload_len = 4}

static const struct snic_craft seeds[] = {
	{.outer = {V4(1, 2), .l4_proto = 6, .sport = 1, .dport = 2, .payload_len = 8}},
	{.outer = {V4(1, 2), .l4_proto = 17, .ipv4_opt_words = 3}},
	{.outer = {V4(1, 2), .l4_proto = 132}},
	{.outer = {V4(1, 2), .l4_proto = 50, .payload_len = 8}},
	{.outer = {V4(1, 2), .more_frags = 1, .payload_len = 8}},
	{.outer = {V4(1, 2), .frag_off = 9, .payload_len = 8}},
	{.outer = {.n_vlan = 2, V6(1, 2), .l4_proto = 6}},
	{.outer = {.n_vlan = 1, .ethertype = 0x0806, .payload_len = 28}},
	{.outer = {V6(1, 2), .l4_proto = 17, .n_ext = 5, .ext = {0, 43, 44, 51, 60}}},
	{.outer = {V6(1, 2), .l4_proto = 6, .n_ext = 1, .ext = {0}, .frag_off = 3}},
	{TUN(SNIC_TUN_VXLAN), .inner = {.n_vlan = 1, V4(3, 4), .l4_proto = 6}},
	{TUN6(SNIC_TUN_VXLAN), IN6(17)},
	{TUN(SNIC_TUN_GENEVE), .geneve_opt_words = 4, IN4(6)},
	{TUN(SNIC_TUN_GRE), .gre_key = 1, .gre_csum = 1, .gre_seq = 1, IN4(17)},
	{TUN6(SNIC_TUN_GRE), .inner_l2 = 1, IN6(6)},
	{TUN(SNIC_TUN_GTPU), .gtpu_seq = 1, .gtpu_n_ext = 2, IN4(17)},
	{TUN6(SNIC_TUN_GTPU), IN6(132)},
};

int main(int argc, char **argv)
{
	unsigned i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		unsigned char buf[2048];
		char path[4096];
		int n = snic_craft_frame(&seeds[i], buf, sizeof(buf));
		FILE *f;

		snprintf(path, sizeof(path), "%s/seed-%02u", argv[1], i);
		if (n < 0) {
			fprintf(stderr, "seed %u: snic_craft_frame: %d\n", i, n);
			return 1;
		}
		f = fopen(path, "wb");
		if (!f || fwrite(buf, 1, (size_t)n, f) != (size_t)n || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
