/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * demo-frames: write a small pcap of frames built with snic_craft_frame(),
 * one of each kind the parser and RSS treat differently, to try
 * `snic hash --pcap` on:
 *
 *   demo-frames demo.pcap && snic hash --pcap demo.pcap
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "snic/craft.h"

#define V4(a, b, c, d)                                                                             \
	{                                                                                          \
		a, b, c, d                                                                         \
	}
#define V6(last)                                                                                   \
	{                                                                                          \
		0x20, 0x01, 0x0d, 0xb8, [15] = last                                                \
	}

enum {
	TCP = 6,
	UDP = 17,
	SCTP = 132
};

static const struct snic_craft frames[] = {
	{.outer = {.ip_ver = 4,
		   .ip_src = V4(10, 0, 0, 1),
		   .ip_dst = V4(10, 0, 0, 2),
		   .l4_proto = TCP,
		   .sport = 40000,
		   .dport = 80}},
	{.outer = {.ip_ver = 4,
		   .ip_src = V4(10, 0, 0, 1),
		   .ip_dst = V4(10, 0, 0, 53),
		   .l4_proto = UDP,
		   .sport = 5353,
		   .dport = 53,
		   .payload_len = 32}},
	{.outer = {.ip_ver = 4,
		   .ip_src = V4(10, 0, 0, 3),
		   .ip_dst = V4(10, 0, 0, 4),
		   .l4_proto = SCTP,
		   .sport = 2905,
		   .dport = 2905}},
	{.outer = {.ip_ver = 6,
		   .ip_src = V6(1),
		   .ip_dst = V6(2),
		   .l4_proto = TCP,
		   .sport = 40001,
		   .dport = 443}},
	{.outer = {.ip_ver = 6,
		   .ip_src = V6(1),
		   .ip_dst = V6(3),
		   .l4_proto = UDP,
		   .sport = 5353,
		   .dport = 53,
		   .payload_len = 32}},
	{.outer = {.ip_ver = 6,
		   .ip_src = V6(4),
		   .ip_dst = V6(5),
		   .l4_proto = SCTP,
		   .sport = 3868,
		   .dport = 3868}},
	/* VLAN 100 */
	{.outer = {.n_vlan = 1,
		   .vlan_tci = {100},
		   .ip_ver = 4,
		   .ip_src = V4(10, 0, 100, 1),
		   .ip_dst = V4(10, 0, 100, 2),
		   .l4_proto = TCP,
		   .sport = 40002,
		   .dport = 22}},
	/* a UDP datagram in two fragments: the first has the ports, the next
	 * one only addresses */
	{.outer = {.ip_ver = 4,
		   .ip_src = V4(10, 0, 0, 5),
		   .ip_dst = V4(10, 0, 0, 6),
		   .l4_proto = UDP,
		   .sport = 4000,
		   .dport = 4001,
		   .more_frags = 1,
		   .payload_len = 64}},
	{.outer = {.ip_ver = 4,
		   .ip_src = V4(10, 0, 0, 5),
		   .ip_dst = V4(10, 0, 0, 6),
		   .l4_proto = UDP,
		   .frag_off = 9,
		   .payload_len = 40}},
	/* VXLAN VNI 42 around TCP */
	{.outer = {.ip_ver = 4,
		   .ip_src = V4(192, 0, 2, 1),
		   .ip_dst = V4(192, 0, 2, 2),
		   .l4_proto = UDP,
		   .sport = 49152,
		   .dport = 4789},
	 .tunnel = SNIC_TUN_VXLAN,
	 .tun_id = 42,
	 .inner = {.ip_ver = 4,
		   .ip_src = V4(10, 1, 0, 1),
		   .ip_dst = V4(10, 1, 0, 2),
		   .l4_proto = TCP,
		   .sport = 1000,
		   .dport = 80}},
	/* GTP-U TEID 0x1234 around UDP */
	{.outer = {.ip_ver = 4,
		   .ip_src = V4(192, 0, 2, 3),
		   .ip_dst = V4(192, 0, 2, 4),
		   .l4_proto = UDP,
		   .sport = 2152,
		   .dport = 2152},
	 .tunnel = SNIC_TUN_GTPU,
	 .tun_id = 0x1234,
	 .inner = {.ip_ver = 4,
		   .ip_src = V4(10, 2, 0, 1),
		   .ip_dst = V4(10, 2, 0, 2),
		   .l4_proto = UDP,
		   .sport = 2000,
		   .dport = 53,
		   .payload_len = 16}},
	/* ARP: not IP, hashes to 0 */
	{.outer = {.dmac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		   .ethertype = 0x0806,
		   .payload_len = 28}},
};

#define N_FRAMES (sizeof(frames) / sizeof(frames[0]))

static const uint8_t smac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t dmac[6] = {0x02, 0, 0, 0, 0, 0x02};

/* Unicast MACs for a header that has none. */
static void fill_macs(struct snic_craft_hdr *h)
{
	if (!h->dmac[0])
		memcpy(h->dmac, dmac, 6);
	memcpy(h->smac, smac, 6);
}

static int write_frames(pcap_dumper_t *d)
{
	uint8_t buf[512];

	for (unsigned i = 0; i < N_FRAMES; i++) {
		struct snic_craft c = frames[i];
		struct pcap_pkthdr h = {.ts = {1700000000, i * 1000}};
		int len;

		fill_macs(&c.outer);
		fill_macs(&c.inner);
		len = snic_craft_frame(&c, buf, sizeof(buf));
		if (len < 0) {
			fprintf(stderr, "demo-frames: frame %u: snic_craft_frame: %d\n", i + 1,
				len);
			return -1;
		}
		h.caplen = h.len = (bpf_u_int32)len;
		pcap_dump((u_char *)d, &h, buf);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "demo.pcap";
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	int rc = 1;

	if (!p)
		return 1;
	d = pcap_dump_open(p, path);
	if (!d) {
		fprintf(stderr, "demo-frames: %s\n", pcap_geterr(p));
		goto err_pcap;
	}
	if (write_frames(d) == 0) {
		printf("wrote %zu frames to %s\n", N_FRAMES, path);
		rc = 0;
	}
	pcap_dump_close(d);
err_pcap:
	pcap_close(p);
	return rc;
}
