/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame parser: one pass over a frame that records where each layer
 * starts and what it holds, for the outer headers and, behind one tunnel
 * (VXLAN, GENEVE, GRE, GTP-U), the inner ones.
 *
 * Every length and offset is checked against the frame's length before it
 * is read. A frame that ends early or lies about a length is parsed as far
 * as it is sound; the rest of the result stays empty and `status` says why
 * parsing stopped. The parser never reads past `len` and never writes to the
 * frame. It allocates nothing, takes no lock and is safe to call from any
 * number of threads at once.
 */
#ifndef SNIC_PARSE_H
#define SNIC_PARSE_H

#include <stdint.h>

/* An offset that is not there (no such layer). */
#define SNIC_OFF_NONE 0xffffu

/* Longest frame the parser looks at; longer frames are parsed on this prefix. */
#define SNIC_PARSE_LEN_MAX 0xfffeu

/* At most this many VLAN tags (802.1ad outer + 802.1Q inner) are decoded. */
#define SNIC_VLAN_MAX 2

/* At most this many IPv6 extension headers are walked. */
#define SNIC_IPV6_EXT_MAX 8

/* At most this many GTP-U extension headers are walked; more is
 * SNIC_PARSE_BAD_TUNNEL. */
#define SNIC_GTPU_EXT_MAX 8

/* UDP destination ports that announce a tunnel. */
#define SNIC_PORT_VXLAN	 4789
#define SNIC_PORT_GENEVE 6081
#define SNIC_PORT_GTPU	 2152

enum snic_l3 {
	SNIC_L3_NONE = 0, /* no L3 reached (short frame, bad VLAN stack) */
	SNIC_L3_IPV4,
	SNIC_L3_IPV6,
	SNIC_L3_OTHER, /* an ethertype that is not IP (ARP, LLDP, ...) */
};

enum snic_tunnel {
	SNIC_TUN_NONE = 0,
	SNIC_TUN_VXLAN,
	SNIC_TUN_GENEVE,
	SNIC_TUN_GRE,
	SNIC_TUN_GTPU,
};

/*
 * Why parsing stopped early; SNIC_PARSE_OK when it did not. A status met
 * after the tunnel header (pkt->tunnel set, pkt->tun_off reached) is about
 * the inner headers. A frame cut short inside its IP packet reads as
 * SNIC_PARSE_BAD_IP_LEN: the IP length field is checked before what follows.
 */
enum snic_parse_status {
	SNIC_PARSE_OK = 0,
	SNIC_PARSE_TRUNC_L2,	 /* shorter than the Ethernet header or a tag */
	SNIC_PARSE_VLAN_DEPTH,	 /* a third VLAN tag */
	SNIC_PARSE_TRUNC_L3,	 /* IP header cut short */
	SNIC_PARSE_BAD_IP_VER,	 /* version field disagrees with ethertype */
	SNIC_PARSE_BAD_IHL,	 /* IPv4 IHL < 5 */
	SNIC_PARSE_BAD_IP_LEN,	 /* total/payload length past the frame or below the header */
	SNIC_PARSE_TRUNC_EXT,	 /* an IPv6 extension header past the end */
	SNIC_PARSE_EXT_DEPTH,	 /* more than SNIC_IPV6_EXT_MAX extension headers */
	SNIC_PARSE_TRUNC_L4,	 /* TCP/UDP/SCTP header cut short */
	SNIC_PARSE_BAD_L4,	 /* TCP data offset < 5, UDP length < 8 ... */
	SNIC_PARSE_TRUNC_TUNNEL, /* tunnel header (or its options) cut short */
	SNIC_PARSE_BAD_TUNNEL,	 /* tunnel header with reserved bits/versions it can't be */
	SNIC_PARSE_STATUS_COUNT,
};

/* Flags of struct snic_hdr. */
#define SNIC_HF_L4	   (1u << 0) /* L4 bytes 0..3 (ports) were read */
#define SNIC_HF_FRAG	   (1u << 1) /* the IP packet is a fragment */
#define SNIC_HF_FRAG_LATER (1u << 2) /* ... and not the first one: no L4 header */
#define SNIC_HF_IPV4_OPT   (1u << 3) /* IPv4 options present */
#define SNIC_HF_L4_FULL	   (1u << 4) /* the whole TCP/UDP/SCTP header was read */

/*
 * One level of headers: the outer frame, or what a tunnel carries.
 *
 * After snic_parse() these fields are always defined: the offsets (each
 * SNIC_OFF_NONE when absent), ethertype, n_vlan, l3, l4_proto, n_ext,
 * flags, sport and dport (0 without SNIC_HF_L4). The others only when:
 *  - dmac, smac: l2_off != SNIC_OFF_NONE;
 *  - vlan_tpid[i], vlan_tci[i]: i < n_vlan;
 *  - ip_src, ip_dst: l3 is SNIC_L3_IPV4 or SNIC_L3_IPV6 (for IPv4, bytes
 *    4..15 are zero, so 16-byte compares work for both).
 * A field outside these rules holds whatever was in memory before.
 *
 * l3_off: the IP header; for SNIC_L3_OTHER, where the ethertype's payload
 * starts, with l3_end the end of the frame (or of the tunnel's payload).
 * l3_end: defined with l3_off; after SNIC_PARSE_BAD_IP_LEN, the end of the
 * IP header (its length field was not believed).
 * l4_off: where the upper-layer header starts, for any protocol, whether or
 * not its bytes are there; SNIC_OFF_NONE for a non-first fragment or when
 * the IP header (or IPv6 extension chain) did not parse.
 * l4_proto: IPv4 protocol or the last IPv6 next header walked (on
 * SNIC_PARSE_EXT_DEPTH/TRUNC_EXT, the header that was not walked); 0 when
 * l3 is not IP. ethertype: for an IP packet in a tunnel without Ethernet,
 * the protocol the tunnel announced (GTP-U: from the IP version).
 * Tunnels are decoded only when the outer packet is not a fragment; the
 * inner level never has a tunnel decoded.
 */
struct snic_hdr {
	uint16_t l2_off;		   /* Ethernet header, SNIC_OFF_NONE for IP-in-tunnel */
	uint16_t l3_off;		   /* IP header, SNIC_OFF_NONE when not reached */
	uint16_t l4_off;		   /* L4 header, SNIC_OFF_NONE when not reached */
	uint16_t l3_end;		   /* end of the IP packet by its own length field */
	uint16_t ethertype;		   /* after the VLAN tags, host order */
	uint16_t vlan_tpid[SNIC_VLAN_MAX]; /* host order, outermost first */
	uint16_t vlan_tci[SNIC_VLAN_MAX];  /* host order: PCP, DEI, VID */
	uint8_t n_vlan;
	uint8_t l3;	  /* enum snic_l3 */
	uint8_t l4_proto; /* IPv4 protocol, or IPv6's last next-header */
	uint8_t n_ext;	  /* IPv6 extension headers walked */
	uint8_t flags;	  /* SNIC_HF_* */
	uint8_t dmac[6];
	uint8_t smac[6];
	uint8_t ip_src[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t ip_dst[16];
	uint16_t sport; /* L4 bytes 0-1, host order, valid with SNIC_HF_L4 */
	uint16_t dport; /* L4 bytes 2-3, host order, valid with SNIC_HF_L4 */
};

struct snic_pkt {
	uint16_t len;	      /* bytes of the frame the parser looked at */
	uint8_t status;	      /* enum snic_parse_status */
	uint8_t tunnel;	      /* enum snic_tunnel; SNIC_TUN_NONE when none */
	uint8_t has_inner;    /* inner headers were reached (inner.l3 != NONE or L2 parsed) */
	uint8_t tun_id_valid; /* tun_id holds a VNI, GRE key or TEID */
	uint16_t tun_off;     /* tunnel header: VXLAN/GENEVE/GTP-U after UDP, or GRE;
				 SNIC_OFF_NONE without a tunnel */
	uint32_t tun_id;      /* VXLAN/GENEVE VNI (24 bits), GRE key, TEID; 0 unless valid */
	uint16_t tun_proto;   /* GRE protocol type or GENEVE protocol type, host order; 0
				 for VXLAN, GTP-U and until it was read */
	struct snic_hdr outer;
	struct snic_hdr inner; /* defined only when has_inner */
};

/*
 * Parse @len bytes at @frame into @pkt (which need not be initialised).
 * Returns pkt->status: SNIC_PARSE_OK, or why the parse stopped early.
 */
int snic_parse(const uint8_t *frame, uint32_t len, struct snic_pkt *pkt);

/*
 * The plain twin of snic_parse(): the full parser alone, without
 * snic_parse()'s fast path for untagged IPv4 (no options, no fragment) and
 * IPv6 (no extension header) frames with a whole TCP or UDP header. Same
 * contract and same result: it writes exactly the fields snic_parse()
 * writes, with the same values, so results parsed into identically filled
 * memory compare equal byte for byte. Slower; for tests that compare the
 * two on random frames.
 */
int snic_parse_full(const uint8_t *frame, uint32_t len, struct snic_pkt *pkt);

/* Short name of a status for counters and messages ("trunc_l3"). */
const char *snic_parse_status_name(int status);

/* The headers that RSS and flow rules look at: the inner ones when @inner
 * is set and the tunnel's inner IP header was reached, else the outer. */
static inline const struct snic_hdr *snic_pkt_hdr(const struct snic_pkt *pkt, int inner)
{
	return inner && pkt->has_inner && pkt->inner.l3 != SNIC_L3_NONE ? &pkt->inner : &pkt->outer;
}

#endif
