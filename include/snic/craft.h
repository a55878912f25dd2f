/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame crafting: build a well-formed frame from a description: Ethernet,
 * up to two VLAN tags, IPv4 (options, fragments) or IPv6 (extension
 * headers), TCP/UDP/SCTP, and one tunnel (VXLAN, GENEVE, GRE, GTP-U)
 * around an inner frame. Tests, benchmarks, fuzz seeds and `snic gen` use
 * it in place of downloaded traces. Lengths and IPv4/UDP/TCP checksums are
 * filled in so that tools like tcpdump read the frames as valid.
 */
#ifndef SNIC_CRAFT_H
#define SNIC_CRAFT_H

#include <stddef.h>
#include <stdint.h>

#include "snic/parse.h"

/*
 * One level of headers. Zeroed fields give sensible defaults: no VLAN,
 * IPv4, TTL 64, no options. In detail:
 *  - ip_ver 0 with ethertype 0 is IPv4; ip_ver 0 with an ethertype writes
 *    that ethertype and payload_len pattern bytes, no IP header.
 *  - l4_proto 0 is UDP. A protocol other than TCP/UDP/SCTP gets no header:
 *    its payload starts with sport and dport (as ESP's SPI would), cut to
 *    payload_len.
 *  - frag_off != 0 writes no L4 header (a later fragment). IPv6 fragment
 *    fields go in each fragment header of ext[]; one is added last when
 *    the fields are set and ext[] holds none. L4 lengths and checksums
 *    cover the bytes of this fragment only.
 *  - IPv6 extension headers: hop-by-hop 8 bytes, routing 24 (a segment
 *    routing header, segments left 0), fragment 8, AH 24 (12-byte ICV),
 *    destination options 16.
 *  - Payload byte i is (uint8_t)(i * 7 + 0x31).
 * TCP: seq 1, ack 1, PSH|ACK, window 65535. SCTP: common header only,
 * verification tag 1, CRC32c checksum filled in.
 */
struct snic_craft_hdr {
	uint8_t dmac[6];
	uint8_t smac[6];
	uint8_t n_vlan;			   /* 0..2 */
	uint16_t vlan_tpid[SNIC_VLAN_MAX]; /* 0 means 0x8100 (0x88a8 outer of two) */
	uint16_t vlan_tci[SNIC_VLAN_MAX];
	uint16_t ethertype; /* used when ip_ver is 0 (ARP, LLDP, ...) */
	uint8_t ip_ver;	    /* 4, 6, or 0 for no IP header */
	uint8_t ip_src[16]; /* IPv4 in the first 4 bytes */
	uint8_t ip_dst[16];
	uint8_t l4_proto; /* 6, 17, 132, or another protocol number */
	uint16_t sport, dport;
	uint16_t frag_off;		/* fragment offset in 8-byte units */
	uint8_t more_frags;		/* MF bit / IPv6 fragment M flag */
	uint8_t ipv4_opt_words;		/* 0..10 32-bit words of IPv4 options (NOPs) */
	uint8_t n_ext;			/* IPv6 extension headers before L4 (0..8) */
	uint8_t ext[SNIC_IPV6_EXT_MAX]; /* their types: 0, 43, 44, 60, 51 */
	uint16_t payload_len;		/* bytes after the L4 header (or the IP header); ignored
					   for the outer level of a tunnel */
};

struct snic_craft {
	struct snic_craft_hdr outer;
	uint8_t tunnel;	  /* enum snic_tunnel; outer must then be UDP (or GRE's IP), with
			     l4_proto 0 or 17 (47), dport 0 meaning the tunnel's port, and
			     not a fragment */
	uint32_t tun_id;  /* VNI, GRE key (with gre_key), TEID */
	uint8_t gre_key;  /* GRE: key present */
	uint8_t gre_csum; /* GRE: checksum present */
	uint8_t gre_seq;  /* GRE: sequence present */
	uint8_t inner_l2; /* GRE: Ethernet inside (TEB) rather than IP; VXLAN and GENEVE always
			     carry Ethernet, GTP-U never */
	uint8_t geneve_opt_words; /* GENEVE: option length in 4-byte words (0..63) */
	struct snic_craft_hdr inner;
	uint8_t gtpu_type;  /* GTP-U message type; 0 means 0xff (G-PDU, carries inner) */
	uint8_t gtpu_seq;   /* GTP-U: S flag, sequence number 1 */
	uint8_t gtpu_n_ext; /* GTP-U: extension headers chained (0..SNIC_GTPU_EXT_MAX), sets E;
			       header i is 1 + i % 2 words, type 0x85 */
};

/*
 * Write the frame @c describes into @buf. Returns its length, or -ENOSPC
 * when @cap is too small, or -EINVAL for a description that can't be built
 * (three VLANs, IP version 5, a tunnel without UDP ...).
 */
int snic_craft_frame(const struct snic_craft *c, uint8_t *buf, size_t cap);

#endif
